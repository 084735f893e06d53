#!/bin/sh
# bench/mlsdk.sh: the five-stage Azure Machine Learning pipeline against
# Microsoft's JavaScript client, @azure/arm-machinelearning, doing the same
# update in one Node process (bench/mlsdk.js: get the deployment, PUT it
# with the other model version, the client's poller until done).  Over
# https, as the client sends a bearer token over nothing else (and MSAL
# wants an https authority): the emulator runs with --tls, --lro-ms 0 and
# Retry-After 0, and both sides poll after 1 ms (AML_POLL_MS=1; the
# client's updateIntervalInMs).  Every run moves the deployment to the
# other of the model's versions 1 and 2.  hyperfine times whole runs:
# the pipeline, `node bench/mlsdk.js`, and `node -e 0` (Node's start
# alone); mlsdk.js also says how long its get + PUT took inside the
# process, the first (with the sign-in: the client keeps no token between
# processes, the tools read theirs from their cache) and then, in one
# process, COUNT more in a row.  RUNS runs in 4 rounds that take turns.
# Needs hyperfine, curl, jq, Node.js 20 and the packages of tests/sdk
# (cd tests/sdk && npm ci), or AML_NODE_PATH naming a node_modules that
# has them; without them it says so and stops (status 0, so that all.sh
# goes on).
#
#	sh bench/mlsdk.sh [runs] [count]
. "$(dirname "$0")/lib.sh"
RUNS=${1:-20}
COUNT=${2:-50}
need hyperfine curl jq node
NODE_PATH=${AML_NODE_PATH:-$(pwd)/tests/sdk/node_modules}
export NODE_PATH
for p in @azure/arm-machinelearning @azure/identity; do
	node -e 'require.resolve(process.argv[1])' "$p" 2>/dev/null ||
	    { echo "bench: mlsdk.sh skipped: $p is not installed (cd tests/sdk && npm ci)" >&2; exit 0; }
done
MLV=$(node -p 'require(require("path").join(process.argv[1], "@azure/arm-machinelearning/package.json")).version' "$NODE_PATH")

emu_up --tls --lro-ms 0
curl -sS -f "$AML_EMULATOR_URL/_emu/ml" -d '{"retryAfter":0}' >/dev/null
export AML_POLL_MS=1 NODE_EXTRA_CA_CERTS="$CURL_CA_BUNDLE"
ml_version2
G="-g $AML_DEMO_RG -w $AML_DEMO_WORKSPACE -e $AML_DEMO_ENDPOINT -d $AML_DEMO_DEPLOYMENT"
M=$AML_DEMO_MODEL
echo 1 >"$W/serving"
PIPE="read v <$W/serving; v=\$((3 - v)); echo \$v >$W/serving; aml-get-deployment $G | aml-export-deployment | aml-patch-model -q -u azureml:$M:\$v | aml-import-deployment | aml-update-deployment -q $G"
SDK="node bench/mlsdk.js"
serving() {
	curl -sS -f -K "$W/curl.cfg" "$DEP_URL" | jq -r '.properties.model | sub(".*/versions/"; "")'
}
log() {
	curl -sS "$AML_EMULATOR_URL/_emu/requests" |
	    jq -r '[.[] | "\(.method) \(.path | sub("\\?.*"; "") | sub(".*/"; ""))" +
	        if .method == "PUT" then " (\(.bodySize) bytes)" else "" end] | join(", ")'
}

# What each sends for one update; each moves the deployment.
curl -sS -X DELETE "$AML_EMULATOR_URL/_emu/requests"
sh -c "$PIPE" >/dev/null
pipe_log=$(log)
[ "$(serving)" = 2 ] || { echo "bench: the pipeline did not move the deployment" >&2; exit 1; }
curl -sS -X DELETE "$AML_EMULATOR_URL/_emu/requests"
$SDK >/dev/null
sdk_log=$(log)
[ "$(serving)" = 1 ] || { echo "bench: mlsdk.js did not move the deployment" >&2; exit 1; }
echo 1 >"$W/serving"

export MLSDK_TIMES="$W/times.jsonl"
hf_rounds mlsdk 4 --warmup 1 --runs $((RUNS / 4)) "$PIPE" "$SDK" "node -e 0"
unset MLSDK_TIMES
$SDK $((COUNT + 1)) >"$W/warm.json"
stats='def r: . * 100 | round / 100;
	def sd: (add / length) as $m | (map((. - $m) * (. - $m)) | add / length | sqrt);
	def row: "\(add / length | r) ± \(sd | r) ms (median \(sort | .[length / 2 | floor] | r))";
	def mean: add / length;'
# times.jsonl: each round's warmup run of mlsdk.js, then its timed runs.
timed() {
	jq -rs --argjson n $((RUNS / 4 + 1)) "$stats [to_entries[] | select(.key % \$n > 0) | .value] | $1" \
	    "$W/times.jsonl"
}
pm=$(jq '.results[0].mean * 1000' "$W/mlsdk.json")
over() {
	jq -rn --argjson p "$pm" --argjson x "$1" \
	    '$p / $x | if . < 1 then "\(. * 100 | round / 100)x (the pipeline \(1 / . * 100 | round / 100)x faster)"
	    else "\(. * 100 | round / 100)x (the pipeline \(. * 100 | round / 100)x slower)" end'
}
echo "== the five-stage pipeline against @azure/arm-machinelearning $MLV in one Node process, https, $RUNS runs"
echo "   pipeline, per update: $pipe_log"
echo "   node mlsdk.js: $sdk_log"
echo "get | export | patch-model | import | update:  $(hf_row mlsdk 0)"
echo "node bench/mlsdk.js (whole run):               $(hf_row mlsdk 1)"
echo "node -e 0 (Node's start alone):                $(hf_row mlsdk 2)"
echo "inside mlsdk.js: Node's start before it runs:  $(timed 'map(.start) | row')"
echo "inside mlsdk.js: require the client:           $(timed 'map(.require) | row')"
echo "inside mlsdk.js: the first get + PUT (sign-in): $(timed 'map(.calls[0]) | row')"
echo "inside mlsdk.js: $COUNT more, one after another:  $(jq -r "$stats .calls[1:] | row" "$W/warm.json")"
echo "pipeline / whole node run:                     $(over "$(jq '.results[1].mean * 1000' "$W/mlsdk.json")")"
echo "pipeline / first get + PUT inside Node:        $(over "$(timed 'map(.calls[0]) | mean')")"
echo "pipeline / later get + PUT inside Node:        $(over "$(jq -r "$stats .calls[1:] | mean" "$W/warm.json")")"
