#!/bin/sh
# bench/mlget.sh: aml-get-deployment against curl doing the same GET with
# the same token, on the emulator's demo online deployment (Azure Machine
# Learning, a 1.5 KB answer).  Both run without a shell (hyperfine -N),
# RUNS times each, in 10 rounds that take turns; the token comes from
# aml-get-deployment's own cache, and curl reads it from a config file.
# Needs hyperfine, curl and jq.
#
#	sh bench/mlget.sh [runs]
. "$(dirname "$0")/lib.sh"
RUNS=${1:-300}
need hyperfine curl jq
emu_up
G="-g $AML_DEMO_RG -w $AML_DEMO_WORKSPACE -e $AML_DEMO_ENDPOINT -d $AML_DEMO_DEPLOYMENT"

# Both print the same deployment, after one request each.
curl -sS -X DELETE "$AML_EMULATOR_URL/_emu/requests"
curl -sS -f -K "$W/curl.cfg" "$DEP_URL" >"$W/curl.raw"
jq -S . "$W/curl.raw" >"$W/curl.out"
aml-get-deployment $G | jq -S . >"$W/aml.out"
cmp -s "$W/curl.out" "$W/aml.out" || { echo "bench: aml-get-deployment and curl disagree" >&2; exit 1; }
curl -sS "$AML_EMULATOR_URL/_emu/requests" >"$W/log.json"
jq -e 'length == 2 and .[0].path == .[1].path and all(.method == "GET")' "$W/log.json" >/dev/null ||
    { echo "bench: expected the same one GET from each" >&2; exit 1; }
size=$(wc -c <"$W/curl.raw")

hf_rounds mlget 10 -N --warmup 5 --runs $((RUNS / 10)) \
    "curl -sS -f -K $W/curl.cfg $DEP_URL" \
    "aml-get-deployment $G"
echo "== aml-get-deployment against curl, the same GET and token, $RUNS runs (an answer of $size bytes)"
echo "curl -sS -f -K curl.cfg URL:          $(hf_row mlget 0)"
echo "aml-get-deployment -g -w -e -d blue:  $(hf_row mlget 1)"
echo "aml-get-deployment / curl:            $(hf_ratio mlget 1 0)"
echo "CPU a run (user + system), curl, aml: $(jq -r '[.results[] | (.user + .system) * 1000 * 10 | round / 10 | "\(.) ms"] | join(", ")' "$W/mlget.json")"
