#!/bin/sh
# aml-emulator against Microsoft's official clients: @azure/identity
# (MSAL) takes a token over https, @azure/arm-webservices runs every
# webServices operation with its own paging and long-running-operation
# poller.  Skipped when node or the packages are not installed (tests
# never download); install them with
#	npm install -g @azure/arm-webservices@1.1.0 @azure/identity
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"

NODE_PATH=${AML_NODE_PATH:-$TESTS/node_modules}
command -v npm >/dev/null 2>&1 && NODE_PATH="$NODE_PATH:$(npm root -g 2>/dev/null)"
export NODE_PATH
if ! command -v node >/dev/null 2>&1 ||
    ! node -e 'require.resolve("@azure/arm-webservices"); require.resolve("@azure/identity")' \
    >/dev/null 2>&1; then
	skip "node, @azure/arm-webservices or @azure/identity not installed" \
	    "the official SDK drives the emulator"
	done_testing
	exit 0
fi

emu_start --tls --lro-ms 30 --page-size 1
emu services -d '{"count":2}' >/dev/null
NODE_EXTRA_CA_CERTS=$CURL_CA_BUNDLE node "$TESTS/sdk/arm-webservices.js" >"$TMP/sdk.out" 2>"$TMP/sdk.err"
is "$?" 0 "the SDK script runs through"
step() {
	jq -c "select(.step == \"$1\") | $2" "$TMP/sdk.out"
}
is "$(step error .message)" "" "no error"
is "$(step get '[.name, .packageType, .assets, .keys]')" "[\"$AML_DEMO_WS\",\"Graph\",4,true]" \
    "get: the SDK reads the service (polymorphic Graph properties), without keys"
like "$(step get .model)" '\.ilearner"$' "get: the trained model's blob"
is "$(step listByResourceGroup '.names | length')" 3 "listByResourceGroup follows nextLink over 3 pages"
is "$(step listBySubscriptionId '.names | length')" 3 "listBySubscriptionId too"
is "$(step listKeys '[.primary, .secondary]')" '[88,88]' "listKeys"
is "$(step patch '[.title, .state]')" '["Patched by the SDK","Succeeded"]' \
    "beginPatchAndWait polls Azure-AsyncOperation and GETs the result"
is "$(step create '[.name, .state, .title]')" '["sdk-created","Succeeded","Patched by the SDK"]' \
    "beginCreateOrUpdateAndWait"
is "$(step region .name)" "\"$AML_DEMO_WS\"" "beginCreateRegionalPropertiesAndWait, then get with region"
is "$(step remove '[.gone, .code, .requestId]')" '[true,"NotFound",true]' \
    "beginRemoveAndWait, then get is a 404 the SDK turns into its error"
is "$(step operations '.names | length > 3')" true "operations.list"

emu requests >"$TMP/log.json"
is "$(jq '[.[] | select(.path | test("/v2.0/.well-known/openid-configuration$"))] | length > 0' "$TMP/log.json")" true \
    "MSAL read the OpenID configuration"
is "$(jq -r '[.[] | select(.path | test("/oauth2/v2.0/token"))][0] | .status' "$TMP/log.json")" 200 \
    "MSAL's token request was accepted"
is "$(jq '[.[] | select(.method == "PATCH")][0].headers | has("x-ms-client-request-id")' "$TMP/log.json")" true \
    "the SDK sent x-ms-client-request-id"
is "$(jq '[.[] | select(.status >= 500)] | length' "$TMP/log.json")" 0 "nothing failed on the server"

done_testing
