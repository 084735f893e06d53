#!/bin/sh
# bench/startup.sh: how long each filter takes to start and exit
# (--version): the floor of every pipeline stage.  hyperfine -N, no
# shell.  Needs hyperfine and jq.
#
#	sh bench/startup.sh [runs]
. "$(dirname "$0")/lib.sh"
RUNS=${1:-500}
need hyperfine jq
hf startup -N --warmup 50 --runs "$RUNS" \
    "aml-export-ws --version" "aml-patch-ilearner --version" "aml-import-ws --version" \
    "aml-get-ws --version"
echo "== startup (--version), $RUNS runs each"
i=0
for p in aml-export-ws aml-patch-ilearner aml-import-ws aml-get-ws; do
	printf '%-20s %s\n' "$p" "$(hf_row startup $i)"
	i=$((i + 1))
done
