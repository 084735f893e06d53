#!/bin/sh
# aml-emulator's Azure Machine Learning against Microsoft's official
# JavaScript client, @azure/arm-machinelearning (pinned in
# tests/sdk/package.json; it sends api-version 2022-10-01), with
# @azure/identity for the token: endpoint and deployment get and list,
# listKeys, a command job and a model version, a job cancel (held, then
# released through the control API), a deployment created, updated and
# patched by the client's own pollers, traffic, scoring, a delete.
# Without node 20 or the packages (cd tests/sdk && npm ci) it SKIPs.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"

SDK=$TESTS/sdk
NODE_PATH=${AML_NODE_PATH:-$SDK/node_modules}
command -v npm >/dev/null 2>&1 && NODE_PATH="$NODE_PATH:$(npm root -g 2>/dev/null)"
export NODE_PATH
version() {
	node -e 'const p = require("path"), n = process.argv[1];
		let d = p.dirname(require.resolve(n));
		while (!require("fs").existsSync(p.join(d, "package.json")) ||
		    require(p.join(d, "package.json")).name !== n) d = p.dirname(d);
		console.log(require(p.join(d, "package.json")).version);' "$1" 2>/dev/null
}
why=
if ! command -v node >/dev/null 2>&1; then
	why="node is not installed"
elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
	why="node $(node -p process.versions.node) is older than 20, which @azure/identity 4 needs"
elif ! MLV=$(version @azure/arm-machinelearning) || ! IDV=$(version @azure/identity) ||
    [ -z "$MLV" ] || [ -z "$IDV" ]; then
	why="@azure/arm-machinelearning or @azure/identity not installed (cd tests/sdk && npm ci)"
	log=$TESTS/tmp/sdk-install.log
	[ -s "$log" ] && why="$why; .ci/run's npm ci failed: $(grep -v '^[[:space:]]*$' "$log" | tail -1)"
fi
if [ -n "$why" ]; then
	skip "$why" "the official SDK drives the emulator's Azure Machine Learning"
	done_testing
	exit 0
fi
[ "$MLV" = "$(jq -r '.dependencies["@azure/arm-machinelearning"]' "$SDK/package.json")" ] ||
	diag "not the pinned version: @azure/arm-machinelearning $MLV"

emu_start --tls --lro-ms 30 --page-size 1
emu ml -d '{"jobMs":0,"retryAfter":0}' >/dev/null
curl -sS -f -X PUT -H 'x-ms-blob-type: BlockBlob' --data-binary "@$TESTS/../examples/data/census-2024.csv" \
    "$AML_DEMO_STORAGE_URL/data/census-2024.csv$(cat "$AML_DEMO_SAS_FILE")" >/dev/null
TRAIN_URI=$AML_DEMO_STORAGE_URL/data/census-2024.csv NODE_EXTRA_CA_CERTS=$CURL_CA_BUNDLE \
    node "$SDK/arm-machinelearning.js" >"$TMP/sdk.out" 2>"$TMP/sdk.err"
is "$?" 0 "the SDK script runs through (@azure/arm-machinelearning $MLV, @azure/identity $IDV)"
step() {
	jq -c "select(.step == \"$1\") | $2" "$TMP/sdk.out"
}
is "$(step error .message)" "" "no error"
is "$(step endpoint '[.name, .authMode, .state, .apiVersion]')" "[\"$AML_DEMO_ENDPOINT\",\"Key\",\"Succeeded\",\"2022-10-01\"]" \
    "onlineEndpoints.get, at the client's api-version 2022-10-01"
is "$(step deployment '[.name, .type, .state]')" "[\"$AML_DEMO_DEPLOYMENT\",\"Managed\",\"Succeeded\"]" \
    "onlineDeployments.get (polymorphic properties)"
is "$(step listEndpoints .names)" "[\"$AML_DEMO_ENDPOINT\"]" "onlineEndpoints.list"
is "$(step listKeys '[.primary, .secondary]')" '[true,true]' "listKeys"
like "$(step serializer .answer)" "BadArgument: properties.inputs.training_data.uri is required" \
    "the client drops a uri_file input's uri, and the emulator refuses the job as the service would"
is "$(step job '[.put, .created, .then, .jobType, .uri]')" '[201,"NotStarted","Completed","Command",true]' \
    "a job PUT through the client's pipeline; jobs.get"
is "$(step modelVersion '[.name, .modelType]')" '["2","custom_model"]' "modelVersions.createOrUpdate"
is "$(step cancel '[.during, .after]')" '["CancelRequested","Canceled"]' "jobs.beginCancel polls Location to the end"
is "$(step create '[.name, .state]')" '["green","Succeeded"]' \
    "beginCreateOrUpdateAndWait: a new deployment, polled by Azure-AsyncOperation"
is "$(step update '[.model, .state]')" '["2","Succeeded"]' \
    "beginCreateOrUpdateAndWait: an update, 200 without a header, polled by GET"
is "$(step patch '[.capacity, .tag, .state]')" '[2,"sdk","Succeeded"]' "beginUpdateAndWait: PATCH, polled by Location"
is "$(step listDeployments .names)" "[\"$AML_DEMO_DEPLOYMENT\",\"green\"]" "onlineDeployments.list follows nextLink"
is "$(step traffic '[.traffic.green, .state]')" '[50,"Succeeded"]' "traffic by a PUT of the endpoint"
is "$(step score .who)" "[\"$AML_DEMO_DEPLOYMENT\",\"green\",\"$AML_DEMO_DEPLOYMENT\",\"green\"]" "scoring follows it"
is "$(step delete '[.gone, .code]')" '[true,"ResourceNotFound"]' "beginDeleteAndWait; then get is a 404"

emu requests >"$TMP/log.json"
is "$(jq '[.[] | select(.path | test("MachineLearningServices")) | .path | capture("api-version=(?<v>[^&]+)").v] | unique' "$TMP/log.json" | jq -c .)" \
    '["2022-10-01"]' "every control-plane request carried api-version 2022-10-01"
is "$(jq '[.[] | select(.path | test("/mfeOperationsStatus/"))] | length > 0' "$TMP/log.json")" true \
    "the poller followed Azure-AsyncOperation"
is "$(jq '[.[] | select(.path | test("/mfeOperationResults/"))] | length > 0' "$TMP/log.json")" true \
    "and Location"
is "$(jq '[.[] | select(.status >= 500)] | length' "$TMP/log.json")" 0 "nothing failed on the server"

done_testing
