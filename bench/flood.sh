#!/bin/sh
# bench/flood.sh: the worst case of the duplicate-key check and of
# aml-import-ws's reference lookups: a definition whose N node ids (and
# the N - 1 edges between them, with -e) were chosen to share one slot
# of the unseeded FNV-1a hash table those used (bench/dupflood.pl), and,
# for scale, a definition of the same size made by bench/gendef.awk.
# Needs hyperfine, jq and perl.
#
#	sh bench/flood.sh [N] [runs]	# N: 160000, runs: 5
. "$(dirname "$0")/lib.sh"
N=${1:-160000}
RUNS=${2:-5}
need hyperfine jq perl
perl bench/dupflood.pl -c "$N" >"$W/flood.json"
perl bench/dupflood.pl -c -e "$N" >"$W/flood-edges.json"
bytes=$(wc -c <"$W/flood.json" | tr -d ' ')
ebytes=$(wc -c <"$W/flood-edges.json" | tr -d ' ')
echo "== $N colliding node ids: $bytes bytes; with $((N - 1)) edges: $ebytes bytes; $RUNS runs"
hf times --warmup 1 --runs "$RUNS" -N \
    "aml-export-ws $W/flood.json" "aml-import-ws $W/flood.json" \
    "aml-export-ws $W/flood-edges.json" "aml-import-ws $W/flood-edges.json"
jq -r '.results[] | "| `\(.command)` | \(.mean * 1000 | round) ± \(.stddev * 1000 | round) ms |"' \
    "$W/times.json" | sed "s|$W/||g"
