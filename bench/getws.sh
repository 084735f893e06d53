#!/bin/sh
# bench/getws.sh: aml-get-ws against curl doing the same GET with the
# same token, on the emulator's demo web service (a 6.7 KB answer).
# Both run without a shell (hyperfine -N), RUNS times each, interleaved
# by hyperfine's warmup; the token comes from aml-get-ws's own cache,
# and curl reads it from a config file.  Needs hyperfine, curl and jq.
#
#	sh bench/getws.sh [runs]
. "$(dirname "$0")/lib.sh"
RUNS=${1:-300}
need hyperfine curl jq
emu_up

# Both print the same service.
curl -sS -f -K "$W/curl.cfg" "$WS_URL" | jq -S . >"$W/curl.out"
aml-get-ws -g "$AML_DEMO_RG" -n "$AML_DEMO_WS" | jq -S . >"$W/aml.out"
cmp -s "$W/curl.out" "$W/aml.out" || { echo "bench: aml-get-ws and curl disagree" >&2; exit 1; }

hf getws -N --warmup 20 --runs "$RUNS" \
    "curl -sS -f -K $W/curl.cfg $WS_URL" \
    "aml-get-ws -g $AML_DEMO_RG -n $AML_DEMO_WS"
echo "== aml-get-ws against curl, the same GET and token, $RUNS runs"
echo "curl -sS -f -K curl.cfg URL:          $(hf_row getws 0)"
echo "aml-get-ws -g RG -n NAME:             $(hf_row getws 1)"
echo "aml-get-ws / curl:                    $(hf_ratio getws 1 0)"
