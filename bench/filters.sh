#!/bin/sh
# bench/filters.sh: the three JSON filters on a synthetic definition of
# $MB megabytes (default 50): each filter's throughput and peak memory,
# then export | patch | import against jq doing the same edit.
# Needs hyperfine, jq and GNU time (/usr/bin/time); run `make` first.
#
#	sh bench/filters.sh [runs]
set -eu
cd "$(dirname "$0")/.."
MB=${MB:-50}
RUNS=${1:-10}
BIN=$(pwd)/bin
W=$(mktemp -d "${TMPDIR:-/tmp}/aml-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
NEW=https://benchstorage.blob.core.windows.net/models/retrained.ilearner
JQEDIT='del(.id, .name, .type)
	| .properties |= ({packageType} + del(.createdOn, .modifiedOn, .provisioningState, .swaggerLocation))
	| .properties.assets.asset3.locationInfo.uri = $u'

for c in hyperfine jq /usr/bin/time; do
	command -v "$c" >/dev/null || { echo "bench: $c is needed" >&2; exit 1; }
done

awk -v MB="$MB" -f bench/gendef.awk >"$W/def.json"
"$BIN/aml-export-ws" "$W/def.json" >"$W/exported.json"
"$BIN/aml-patch-ilearner" -q -u "$NEW" "$W/exported.json" >"$W/patched.json"
"$BIN/aml-import-ws" "$W/patched.json" >"$W/imported.json"
jq --arg u "$NEW" "$JQEDIT" "$W/def.json" >"$W/jq.json"
cmp -s "$W/imported.json" "$W/jq.json" || { echo "bench: the pipeline and jq disagree" >&2; exit 1; }
bytes=$(wc -c <"$W/def.json" | tr -d ' ')

# mean NAME COMMAND: hyperfine's mean time in seconds.
mean() {
	hyperfine -N --style none --output=null --warmup 1 --runs "$RUNS" \
	    --export-json "$W/$1.hf" "$2" >/dev/null
	jq '.results[0].mean' "$W/$1.hf"
}
# rss COMMAND...: peak resident set in KB.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

printf 'input: %s bytes (%s MB), %s\n\n' "$bytes" "$MB" "$(uname -srm)"
printf '| step | time (s) | MB/s | peak RSS (MB) | RSS / input |\n|---|---|---|---|---|\n'
row() {	# row NAME INPUT-FILE COMMAND...
	_name=$1 _in=$2; shift 2
	_t=$(mean "$_name" "$*")
	_k=$(rss "$@")
	awk -v n="$_name" -v t="$_t" -v k="$_k" -v b="$bytes" 'BEGIN {
		printf "| %s | %.3f | %.0f | %.1f | %.2fx |\n", n, t, b / t / 1048576, k / 1024, k * 1024 / b }'
}
row aml-export-ws "$W/def.json" "$BIN/aml-export-ws" "$W/def.json"
row aml-patch-ilearner "$W/exported.json" "$BIN/aml-patch-ilearner" -q -u "$NEW" "$W/exported.json"
row aml-import-ws "$W/patched.json" "$BIN/aml-import-ws" "$W/patched.json"

pipe="$BIN/aml-export-ws $W/def.json | $BIN/aml-patch-ilearner -q -u $NEW | $BIN/aml-import-ws >/dev/null"
tp=$(hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$W/pipe.hf" "$pipe" >/dev/null && jq '.results[0].mean' "$W/pipe.hf")
tj=$(hyperfine --style none --warmup 1 --runs "$(( RUNS < 3 ? RUNS : 3 ))" --export-json "$W/jq.hf" \
    "jq --arg u $NEW '$JQEDIT' $W/def.json >/dev/null" >/dev/null && jq '.results[0].mean' "$W/jq.hf")
kj=$(rss jq --arg u "$NEW" "$JQEDIT" "$W/def.json")
awk -v tp="$tp" -v tj="$tj" -v kj="$kj" -v b="$bytes" 'BEGIN {
	printf "\n| pipeline | time (s) | MB/s |\n|---|---|---|\n"
	printf "| export \\| patch \\| import | %.3f | %.0f |\n", tp, b / tp / 1048576
	printf "| jq, the same edit | %.3f | %.0f |\n", tj, b / tj / 1048576
	printf "\nthe three filters together are %.1fx faster than jq (jq peak RSS %.1f MB, %.2fx the input)\n",
	    tj / tp, kj / 1024, kj * 1024 / b }'
