#!/bin/sh
# fuzz/summary.sh TARGET LOG: one line from a libFuzzer log (run with
# -print_final_stats=1): runs, executions per second, coverage (edges
# and features) and corpus size at the end.
set -eu
t=$1 log=$2
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9]*[bKMG]*\).*/\1/p')
printf 'fuzz: %s: %s runs, %s exec/s, cov %s, ft %s, corpus %s, peak rss %s MB\n' \
    "$t" "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" \
    "${cov:-?}" "${ft:-?}" "${corp:-?}" "$(stat peak_rss_mb)"
