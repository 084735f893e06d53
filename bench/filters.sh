#!/bin/sh
# bench/filters.sh: the three JSON filters on a synthetic definition of
# $MB megabytes (default 50, bench/gendef.awk): each filter's time and
# peak memory, then export | patch | import against jq doing the same
# edit, on the definition as written (indented) and compact (one line,
# as Resource Manager sends it), and against the floor: three programs
# that only hold the whole input in memory and pass it on (bench/hold.c),
# as each filter must before it writes a byte.  Needs hyperfine, jq, GNU
# time and cc.
#
#	sh bench/filters.sh [runs]
#	MB=100 sh bench/filters.sh 5
. "$(dirname "$0")/lib.sh"
MB=${MB:-50}
RUNS=${1:-10}
need hyperfine jq /usr/bin/time cc
cc -O2 -o "$W/hold" bench/hold.c
NEW=https://benchstorage.blob.core.windows.net/models/retrained.ilearner
JQEDIT='del(.id, .name, .type)
	| .properties |= ({packageType} + del(.createdOn, .modifiedOn, .provisioningState, .swaggerLocation))
	| .properties.assets.asset3.locationInfo.uri = $u'

awk -v MB="$MB" -f bench/gendef.awk >"$W/def.json"
jq -c . "$W/def.json" >"$W/compact.json"
aml-export-ws "$W/def.json" >"$W/exported.json"
aml-patch-ilearner -q -u "$NEW" "$W/exported.json" >"$W/patched.json"
aml-import-ws "$W/patched.json" >"$W/imported.json"
jq --arg u "$NEW" "$JQEDIT" "$W/def.json" >"$W/jq.json"
cmp -s "$W/imported.json" "$W/jq.json" || { echo "bench: the pipeline and jq disagree" >&2; exit 1; }
aml-export-ws "$W/compact.json" | aml-patch-ilearner -q -u "$NEW" | aml-import-ws |
    cmp -s - "$W/jq.json" || { echo "bench: the pipeline disagrees on compact input" >&2; exit 1; }
bytes=$(wc -c <"$W/def.json" | tr -d ' ')
cbytes=$(wc -c <"$W/compact.json" | tr -d ' ')

# rss COMMAND...: peak resident set in KB.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

echo "== the filters on $bytes bytes ($MB MB, indented; $cbytes compact), $RUNS runs each"
printf '| step | time (ms) | MB/s | peak RSS (MB) | RSS / input |\n|---|---|---|---|---|\n'
row() {	# NAME FILE ARGS...: the filter on FILE
	_name=$1 _in=$2; shift 2
	hf "$_name" -N --warmup 1 --runs "$RUNS" "$* $_in"
	_k=$(rss "$@" "$_in")
	_b=$(wc -c <"$_in" | tr -d ' ')
	jq -r --arg n "$_name" --argjson k "$_k" --argjson b "$_b" '.results[0] |
	    "| \($n) | \(.mean * 1000 * 10 | round / 10) ± \(.stddev * 1000 * 10 | round / 10) | \($b / .mean / 1048576 | round) | \($k / 1024 | round) | \($k * 1024 / $b * 100 | round / 100)x |"' "$W/$_name.json"
}
row aml-export-ws "$W/def.json" aml-export-ws
row aml-patch-ilearner "$W/exported.json" aml-patch-ilearner -q -u "$NEW"
row aml-import-ws "$W/patched.json" aml-import-ws
row "aml-export-ws (compact)" "$W/compact.json" aml-export-ws

pipe() { echo "aml-export-ws $1 | aml-patch-ilearner -q -u $NEW | aml-import-ws >/dev/null"; }
jqcmd() { echo "jq --arg u $NEW '$JQEDIT' $1 >/dev/null"; }
hf pipe --warmup 1 --runs "$RUNS" "$(pipe "$W/def.json")" "$(pipe "$W/compact.json")" \
    "$W/hold <$W/def.json | $W/hold | $W/hold >/dev/null"
hf jq --warmup 1 --runs "$(( RUNS < 3 ? RUNS : 3 ))" "$(jqcmd "$W/def.json")" "$(jqcmd "$W/compact.json")"
kj=$(rss jq --arg u "$NEW" "$JQEDIT" "$W/def.json")
jq -rs --argjson b "$bytes" --argjson c "$cbytes" --argjson kj "$kj" '
	.[0].results as $p | .[1].results as $j |
	def ms(r): "\(r.mean * 1000 | round) ± \(r.stddev * 1000 | round)";
	"\n| pipeline | time (ms) | MB/s | jq (ms) | jq / pipeline |\n|---|---|---|---|---|",
	"| export \\| patch \\| import, indented | \(ms($p[0])) | \($b / $p[0].mean / 1048576 | round) | \(ms($j[0])) | \($j[0].mean / $p[0].mean * 10 | round / 10)x |",
	"| export \\| patch \\| import, compact | \(ms($p[1])) | \($c / $p[1].mean / 1048576 | round) | \(ms($j[1])) | \($j[1].mean / $p[1].mean * 10 | round / 10)x |",
	"| floor: hold \\| hold \\| hold, indented | \(ms($p[2])) | \($b / $p[2].mean / 1048576 | round) | \(ms($j[0])) | \($j[0].mean / $p[2].mean * 10 | round / 10)x |",
	"\njq peak RSS \($kj / 1024 | round) MB (\($kj * 1024 / $b * 100 | round / 100)x the input)"' \
    "$W/pipe.json" "$W/jq.json"
