#!/bin/sh
# aml-emulator against Microsoft's official clients for Python, as Debian
# packages them (python3-azure): azure-identity (MSAL for Python) takes a
# token over https with a client secret, and azure-mgmt-core's
# ARMPipelineClient and ARMPolling (the pipeline and the poller of every
# generated management client) run every kind of webServices operation.
# No generated client for Microsoft.MachineLearning/webServices is
# packaged, so tests/sdk/arm-webservices.py builds its requests the way
# one would.  .ci/run installs python3-azure; without it this SKIPs.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"

PY=/usr/bin/python3
if ! V=$($PY -c 'import azure.identity as i, azure.core as c, azure.mgmt.core as m
print("azure-identity %s, azure-core %s, azure-mgmt-core %s" % (i.__version__, c.__version__, m.__version__))' 2>/dev/null); then
	skip "python3-azure is not installed (apt-get install python3-azure)" \
	    "the official Python clients drive the emulator"
	done_testing
	exit 0
fi

emu_start --tls --lro-ms 30 --page-size 1
emu services -d '{"count":2}' >/dev/null
REQUESTS_CA_BUNDLE=$CURL_CA_BUNDLE $PY "$TESTS/sdk/arm-webservices.py" >"$TMP/py.out" 2>"$TMP/py.err"
is "$?" 0 "the script runs through ($V)"
step() {
	jq -c "select(.step == \"$1\") | $2" "$TMP/py.out"
}
is "$(step error .message)" "" "no error"
is "$(step get '[.name, .packageType, .keys]')" "[\"$AML_DEMO_WS\",\"Graph\",false]" \
    "get: the service, without its keys"
is "$(step list '.names | length')" 3 "ItemPaged follows nextLink over 3 pages of 1"
is "$(step listKeys .primary)" 88 "listKeys"
is "$(step patch '[.title, .state]')" '["Patched from Python","Succeeded"]' \
    "ARMPolling polls the PATCH to Succeeded and reads the service"
is "$(step create '[.name, .state]')" '["py-created","Succeeded"]' "a PUT, polled the same way"
is "$(step region .name)" "\"$AML_DEMO_WS\"" "CreateRegionalBlob polled, then GET with region"
is "$(step remove '[.gone, .code]')" '[true,"NotFound"]' \
    "a DELETE polled to its end; the service is then a 404 in the ARM error envelope"

emu requests >"$TMP/log.json"
is "$(jq '[.[] | select(.path | test("/v2.0/.well-known/openid-configuration$"))] | length > 0' "$TMP/log.json")" true \
    "MSAL for Python read the OpenID configuration"
is "$(jq -r '[.[] | select(.path | test("/oauth2/v2.0/token"))][0] | .status' "$TMP/log.json")" 200 \
    "its token request was accepted"
is "$(jq '[.[] | select(.path | test("/operationsStatus/"))] | length >= 4' "$TMP/log.json")" true \
    "ARMPolling followed Azure-AsyncOperation for each of the four operations"
is "$(jq '[.[] | select(.method == "PATCH")][0].headers | has("x-ms-client-request-id")' "$TMP/log.json")" true \
    "azure-core sent x-ms-client-request-id"
is "$(jq '[.[] | select(.status >= 500)] | length' "$TMP/log.json")" 0 "nothing failed on the server"

done_testing
