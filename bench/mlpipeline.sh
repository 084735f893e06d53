#!/bin/sh
# bench/mlpipeline.sh: the five-stage Azure Machine Learning pipeline
# against the same work done by a shell script of curl and jq
# (bench/mlupdate-curl.sh), with the same token, on the emulator's demo
# online deployment.  Every run moves the deployment to the other of the
# model's versions 1 and 2 (a file holds the one it serves; both sides
# read and flip it with shell builtins), so that each PUT is a real
# change.  The emulator ends its operations at once (--lro-ms 0) and both
# sides poll at once (AML_POLL_MS=1; the script polls in a loop), so that
# what is timed is the work and not a polling interval.  RUNS runs each,
# in 8 rounds that take turns.  Needs hyperfine, curl and jq.
#
#	sh bench/mlpipeline.sh [runs]
. "$(dirname "$0")/lib.sh"
RUNS=${1:-30}
need hyperfine curl jq
[ -x /usr/bin/time ] || { echo "bench: GNU time (/usr/bin/time) is needed" >&2; exit 1; }
emu_up --lro-ms 0
export AML_POLL_MS=1
ml_version2
G="-g $AML_DEMO_RG -w $AML_DEMO_WORKSPACE -e $AML_DEMO_ENDPOINT -d $AML_DEMO_DEPLOYMENT"
M=$AML_DEMO_MODEL
echo 1 >"$W/serving"
FLIP="read v <$W/serving; v=\$((3 - v)); echo \$v >$W/serving"
PIPE="$FLIP; aml-get-deployment $G | aml-export-deployment | aml-patch-model -q -u azureml:$M:\$v | aml-import-deployment | aml-update-deployment -q $G"
CURL="$FLIP; sh bench/mlupdate-curl.sh $W/curl.cfg '$DEP_URL' azureml:$M:\$v"
serving() {
	curl -sS -f -K "$W/curl.cfg" "$DEP_URL" | jq -r '.properties.model | sub(".*/versions/"; "")'
}

# The two edits agree: the definition the filters make and the one jq
# makes are the same JSON.
aml-get-deployment $G | aml-export-deployment | aml-patch-model -q -u "azureml:$M:2" |
    aml-import-deployment | jq -cS . >"$W/filters.json"
sh bench/mlupdate-curl.sh -n "$W/curl.cfg" "$DEP_URL" "azureml:$M:2" | jq -cS . >"$W/jq.json"
cmp -s "$W/filters.json" "$W/jq.json" || { echo "bench: the filters and jq make different definitions" >&2; exit 1; }

# Each moves the deployment, and both send the same requests in the same
# order, the PUT bodies of the same size.
curl -sS -X DELETE "$AML_EMULATOR_URL/_emu/requests"
sh -c "$PIPE" >/dev/null
[ "$(serving)" = 2 ] || { echo "bench: the pipeline did not move the deployment to version 2" >&2; exit 1; }
curl -sS -X DELETE "$AML_EMULATOR_URL/_emu/requests"
sh -c "$PIPE" >/dev/null
curl -sS "$AML_EMULATOR_URL/_emu/requests" >"$W/pipe-log.json"
curl -sS -X DELETE "$AML_EMULATOR_URL/_emu/requests"
sh -c "$CURL" >/dev/null
curl -sS "$AML_EMULATOR_URL/_emu/requests" >"$W/curl-log.json"
[ "$(serving)" = 2 ] || { echo "bench: the script did not move the deployment to version 2" >&2; exit 1; }
shape='[.[] | "\(.method) \(.path) \(.status) \(.bodySize)"]'
[ "$(jq -c "$shape" "$W/pipe-log.json")" = "$(jq -c "$shape" "$W/curl-log.json")" ] ||
    { echo "bench: the pipeline and the script send different requests" >&2; exit 1; }
per=$(jq 'length' "$W/pipe-log.json")
what=$(jq -r '[.[] | .method] | join(", ")' "$W/pipe-log.json")
size=$(jq '[.[] | select(.method == "PUT") | .bodySize] | .[0]' "$W/pipe-log.json")

curl -sS -X DELETE "$AML_EMULATOR_URL/_emu/requests"
hf_rounds mlpipeline 8 --warmup 2 --runs $((RUNS / 8)) "$PIPE" "$CURL"
puts=$(curl -sS "$AML_EMULATOR_URL/_emu/requests" | jq '[.[] | select(.method == "PUT")] | length')
[ "$puts" = $((2 * 8 * (RUNS / 8 + 2))) ] && [ "$(serving)" = "$(cat "$W/serving")" ] ||
    { echo "bench: $puts PUTs, or the deployment is not on the version last sent" >&2; exit 1; }
echo "== the five-stage pipeline against curl and jq, the same update, $RUNS runs"
echo "   ($per requests each: $what; the PUT $size bytes; $puts PUTs in all, each a new model version)"
echo "get | export | patch-model | import | update:  $(hf_row mlpipeline 0)"
echo "bench/mlupdate-curl.sh (curl, jq):             $(hf_row mlpipeline 1)"
echo "curl and jq / pipeline:                        $(hf_ratio mlpipeline 1 0)"
echo "CPU a run (user + system), pipeline, script:   $(jq -r '[.results[] | (.user + .system) * 1000 | round | "\(.) ms"] | join(", ")' "$W/mlpipeline.json")"

# Where the time goes: the page faults of each side (GNU time counts the
# processes a shell waited for), and each program alone (no shell, 2
# rounds of 15), the update on a definition of the model it has (the
# same requests).
faults() {
	/usr/bin/time -f %R -o "$W/faults" sh -c "$1" >/dev/null
	cat "$W/faults"
}
pf=$(faults "$PIPE") cf=$(faults "$CURL")
aml-get-deployment $G >"$W/get.json"
aml-export-deployment "$W/get.json" >"$W/exported.json"
aml-patch-model -q -u "azureml:$M:1" "$W/exported.json" >"$W/patched.json"
aml-import-deployment "$W/patched.json" >"$W/def.json"
aml-update-deployment -q $G "$W/def.json" >/dev/null
hf_rounds mlparts 2 -N --warmup 3 --runs 15 \
    "aml-get-deployment $G" \
    "aml-export-deployment $W/get.json" \
    "aml-patch-model -q -u azureml:$M:1 $W/exported.json" \
    "aml-import-deployment $W/patched.json" \
    "aml-update-deployment -q $G $W/def.json" \
    "curl -sS -f -K $W/curl.cfg $DEP_URL" \
    "jq -r .properties.provisioningState $W/get.json" \
    "aml-get-deployment --version" \
    "curl --version"
echo "page faults of one run (sh included):          pipeline $pf, script $cf"
echo "each alone (wall; CPU):"
jq -r '.results[] | "  \(.command | sub(" -[gw] [^ ]+"; ""; "g") | sub("/[^ ]*/"; ""; "g") | .[0:60]):" +
    " \(.mean * 1000 * 10 | round / 10) ± \(.stddev * 1000 * 10 | round / 10) ms;" +
    " \((.user + .system) * 1000 * 10 | round / 10) ms"' "$W/mlparts.json"
