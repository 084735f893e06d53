#!/bin/sh
# aml-emulator's Azure Machine Learning against Microsoft's generated
# Python client as Debian packages it (python3-azure:
# azure-mgmt-machinelearningservices, api-version 2022-10-01) with
# azure-identity: the workspace, endpoint and deployment get and list,
# listKeys, a command job and a model version, a cancel (held, then
# released), a deployment created, updated and patched through ARMPolling,
# traffic, scoring, a delete.  Without python3-azure it SKIPs.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"

PY=/usr/bin/python3
if ! V=$($PY -c 'import azure.identity as i, azure.mgmt.machinelearningservices as m
print("azure-mgmt-machinelearningservices %s, azure-identity %s" % (m.__version__, i.__version__))' 2>/dev/null); then
	skip "python3-azure with azure-mgmt-machinelearningservices is not installed (apt-get install python3-azure)" \
	    "the official Python client drives the emulator's Azure Machine Learning"
	done_testing
	exit 0
fi

emu_start --tls --lro-ms 30 --page-size 1
emu ml -d '{"jobMs":0,"retryAfter":0}' >/dev/null
curl -sS -f -X PUT -H 'x-ms-blob-type: BlockBlob' --data-binary "@$TESTS/../examples/data/census-2024.csv" \
    "$AML_DEMO_STORAGE_URL/data/census-2024.csv$(cat "$AML_DEMO_SAS_FILE")" >/dev/null
TRAIN_URI=$AML_DEMO_STORAGE_URL/data/census-2024.csv REQUESTS_CA_BUNDLE=$CURL_CA_BUNDLE \
    SSL_CERT_FILE=$CURL_CA_BUNDLE $PY "$TESTS/sdk/arm-machinelearning.py" >"$TMP/py.out" 2>"$TMP/py.err"
is "$?" 0 "the script runs through ($V)"
step() {
	jq -c "select(.step == \"$1\") | $2" "$TMP/py.out"
}
is "$(step error .message)" "" "no error"
is "$(step workspace '[.name, .location, .state]')" "[\"$AML_DEMO_WORKSPACE\",\"southcentralus\",\"Succeeded\"]" \
    "workspaces.get"
is "$(step endpoint '[.name, .authMode, .state, .traffic]')" "[\"$AML_DEMO_ENDPOINT\",\"Key\",\"Succeeded\",{\"$AML_DEMO_DEPLOYMENT\":100}]" \
    "online_endpoints.get"
is "$(step deployment '[.name, .type, .cls, .state]')" "[\"$AML_DEMO_DEPLOYMENT\",\"Managed\",\"ManagedOnlineDeployment\",\"Succeeded\"]" \
    "online_deployments.get, deserialized by its discriminator"
is "$(step listEndpoints .names)" "[\"$AML_DEMO_ENDPOINT\"]" "online_endpoints.list"
is "$(step listKeys '[.primary, .secondary]')" '[true,true]' "list_keys"
is "$(step job '[.created, .then, .cls]')" '["NotStarted","Completed","CommandJob"]' "jobs.create_or_update and get"
is "$(step modelVersion '[.name, .modelType]')" '["2","custom_model"]' "model_versions.create_or_update"
is "$(step cancel '[.during, .after]')" '["CancelRequested","Canceled"]' "jobs.begin_cancel, polled to the end"
is "$(step create '[.name, .state]')" '["green","Succeeded"]' "begin_create_or_update of a new deployment"
is "$(step update '[.model, .state]')" '["2","Succeeded"]' "begin_create_or_update of an existing one (200, polled by GET)"
is "$(step patch '[.capacity, .tag, .state]')" '[2,"python","Succeeded"]' "begin_update: PATCH, polled by Location"
is "$(step listDeployments .names)" "[\"$AML_DEMO_DEPLOYMENT\",\"green\"]" "online_deployments.list follows nextLink"
is "$(step traffic '[.traffic.green, .state]')" '[100,"Succeeded"]' "traffic by a PUT of the endpoint"
is "$(step score .who)" '"green"' "scoring follows it"
is "$(step delete '[.gone, .code]')" '[true,"ResourceNotFound"]' "begin_delete; then get is a 404"

emu requests >"$TMP/log.json"
is "$(jq -c '[.[] | select(.path | test("MachineLearningServices")) | .path | capture("api-version=(?<v>[^&]+)").v] | unique' "$TMP/log.json")" \
    '["2022-10-01"]' "every control-plane request carried api-version 2022-10-01"
is "$(jq '[.[] | select(.status >= 500)] | length' "$TMP/log.json")" 0 "nothing failed on the server"

done_testing
