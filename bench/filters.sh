#!/bin/sh
# bench/filters.sh: the three JSON filters at the sizes users have.  The
# 14 KB web service GET response recorded from the service (the recorded
# PUT request it was created from is a byte longer), each filter against
# cat run as a process; and a synthetic 3 MB
# definition (bench/gendef.awk; Resource Manager keeps a definition
# inline up to 3 MB, beyond that payloadsInBlobStorage): each filter
# alone, and export | patch | import against one jq process doing the
# same edit, against `cat | cat | cat` and against `hold | hold | hold`
# (bench/hold.c: read the whole input, then write it, as each filter must
# before it writes a byte), indented and compact (one line, as Resource
# Manager sends it).  Then the filters' peak memory.  Needs hyperfine,
# jq, GNU time and cc.
#
#	sh bench/filters.sh [runs]	# runs of the 3 MB figures (40); 14 KB: 25x
#	MB=1 sh bench/filters.sh
. "$(dirname "$0")/lib.sh"
MB=${MB:-3}
RUNS=${1:-40}
need hyperfine jq /usr/bin/time cc
cc -O2 -o "$W/hold" bench/hold.c
NEW=https://benchstorage.blob.core.windows.net/models/retrained.ilearner
JQEDIT='del(.id, .name, .type)
	| .properties |= ({packageType} + del(.createdOn, .modifiedOn, .provisioningState, .swaggerLocation))
	| .properties.assets.asset3.locationInfo.uri = $u'
cp tests/data/reference/sessionrecords-extract/TestCreateGetRemoveWebService.GET.responseBody.json "$W/get.json"
awk -v MB="$MB" -f bench/gendef.awk >"$W/def.json"
jq -c . "$W/def.json" >"$W/compact.json"

# The chain's files, and the check that the pipeline and jq agree.
aml-export-ws "$W/get.json" >"$W/get-exported.json"
# The recorded body has no trained model: patch its second asset.
aml-patch-ilearner -q -a asset2 -u "$NEW" "$W/get-exported.json" >"$W/get-patched.json"
aml-import-ws "$W/get-patched.json" >/dev/null
aml-export-ws "$W/def.json" >"$W/exported.json"
aml-patch-ilearner -q -u "$NEW" "$W/exported.json" >"$W/patched.json"
aml-import-ws "$W/patched.json" >"$W/imported.json"
jq --arg u "$NEW" "$JQEDIT" "$W/def.json" >"$W/jq.json"
cmp -s "$W/imported.json" "$W/jq.json" || { echo "bench: the pipeline and jq disagree" >&2; exit 1; }
aml-export-ws "$W/compact.json" | aml-patch-ilearner -q -u "$NEW" | aml-import-ws |
    cmp -s - "$W/jq.json" || { echo "bench: the pipeline disagrees on compact input" >&2; exit 1; }
small=$(wc -c <"$W/get.json" | tr -d ' ')
bytes=$(wc -c <"$W/def.json" | tr -d ' ')
cbytes=$(wc -c <"$W/compact.json" | tr -d ' ')

# table NAME CAPTION: result 0 is the reference; one row per result, its
# mean and standard deviation, median, and ratio of means to result 0.
table() {
	jq -r --arg c "$2" '.results as $r | $r[0].mean as $m0 |
	    def ms(x): "\(x * 1000 * 100 | round / 100)";
	    "\n| \($c) | mean ± sd (ms) | median (ms) | / first row |\n|---|---|---|---|",
	    ($r[] | "| `\(.command | gsub("\\|"; "\\|"))` | \(ms(.mean)) ± \(ms(.stddev)) | \(ms(.median)) | \(.mean / $m0 * 100 | round / 100)x |")' \
	    "$W/$1.json" | sed "s|$W/||g"
}

echo "== $small bytes (recorded GET body), 25 x $RUNS runs each, no shell"
hf small -N --warmup 100 --runs $((RUNS * 25)) "cat $W/get.json" \
    "aml-export-ws $W/get.json" \
    "aml-patch-ilearner -q -a asset2 -u $NEW $W/get-exported.json" \
    "aml-import-ws $W/get-patched.json"
table small "14 KB, each filter against cat"

echo
echo "== $bytes bytes ($MB MB indented; $cbytes compact), $RUNS runs each"
hf alone -N --warmup 5 --runs "$RUNS" "cat $W/def.json" \
    "aml-export-ws $W/def.json" \
    "aml-patch-ilearner -q -u $NEW $W/exported.json" \
    "aml-import-ws $W/patched.json"
table alone "$MB MB, each filter alone"

pipe() { echo "aml-export-ws $1 | aml-patch-ilearner -q -u $NEW | aml-import-ws >/dev/null"; }
jqcmd() { echo "jq --arg u $NEW '$JQEDIT' $1 >/dev/null"; }
# One run: the pipeline first, so that every ratio is to it.
hf pipe --warmup 5 --runs "$RUNS" "$(pipe "$W/def.json")" "$(jqcmd "$W/def.json")" \
    "$W/hold <$W/def.json | $W/hold | $W/hold >/dev/null" \
    "cat $W/def.json | cat | cat >/dev/null"
table pipe "$MB MB indented, the pipeline against jq and two floors"
hf cpipe --warmup 5 --runs "$RUNS" "$(pipe "$W/compact.json")" "$(jqcmd "$W/compact.json")"
table cpipe "$MB MB compact"
jq -r '.results as $r | "\njq / pipeline: indented \($r[1].mean / $r[0].mean * 10 | round / 10)x",
    "floors: hold x3 / cat x3 \($r[2].mean / $r[3].mean * 10 | round / 10)x, pipeline / cat x3 \($r[0].mean / $r[3].mean * 10 | round / 10)x"' "$W/pipe.json"
jq -r '.results as $r | "jq / pipeline: compact \($r[1].mean / $r[0].mean * 10 | round / 10)x"' "$W/cpipe.json"

# rss COMMAND...: peak resident set in KB.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo
echo "peak RSS (KB) on $MB MB: export $(rss aml-export-ws "$W/def.json")," \
    "patch $(rss aml-patch-ilearner -q -u "$NEW" "$W/exported.json")," \
    "import $(rss aml-import-ws "$W/patched.json")," \
    "export from a pipe $(cat "$W/def.json" | rss aml-export-ws)," \
    "jq $(rss jq --arg u "$NEW" "$JQEDIT" "$W/def.json"), cat $(rss cat "$W/def.json")"
