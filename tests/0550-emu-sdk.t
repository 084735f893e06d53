#!/bin/sh
# aml-emulator against Microsoft's official clients for JavaScript:
# @azure/identity 4.13.1 (MSAL for Node) takes a token over https with
# a client secret, and @azure/arm-webservices 1.1.0 runs every
# webServices operation with its own paging and long-running-operation
# poller.  tests/0551-emu-sdk-python.t does the same with the Python
# clients Debian packages; the .NET SDK is not exercised, since NuGet
# cannot be reached where this is built.
#
# The versions are pinned in tests/sdk/package.json and package-lock.json;
# .ci/run installs them with `npm ci` in tests/sdk (by hand: the same
# command).  Tests never download: without node 20 or later or without
# the packages this SKIPs, with the reason (.ci/run's npm log, when its
# install failed).
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"

SDK=$TESTS/sdk
NODE_PATH=${AML_NODE_PATH:-$SDK/node_modules}
command -v npm >/dev/null 2>&1 && NODE_PATH="$NODE_PATH:$(npm root -g 2>/dev/null)"
export NODE_PATH
# version PACKAGE: the version node would load, from its package.json.
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
elif ! ARMV=$(version @azure/arm-webservices) || ! IDV=$(version @azure/identity) ||
    [ -z "$ARMV" ] || [ -z "$IDV" ]; then
	why="@azure/arm-webservices or @azure/identity not installed (cd tests/sdk && npm ci)"
	log=$TESTS/tmp/sdk-install.log
	[ -s "$log" ] && why="$why; .ci/run's npm ci failed: $(grep -v '^[[:space:]]*$' "$log" | tail -1)"
fi
if [ -n "$why" ]; then
	skip "$why" "the official SDK drives the emulator"
	done_testing
	exit 0
fi
pinned() { jq -r ".dependencies[\"$1\"]" "$SDK/package.json"; }
[ "$ARMV" = "$(pinned @azure/arm-webservices)" ] && [ "$IDV" = "$(pinned @azure/identity)" ] ||
	diag "not the pinned versions: @azure/arm-webservices $ARMV, @azure/identity $IDV"

emu_start --tls --lro-ms 30 --page-size 1
emu services -d '{"count":2}' >/dev/null
NODE_EXTRA_CA_CERTS=$CURL_CA_BUNDLE node "$TESTS/sdk/arm-webservices.js" >"$TMP/sdk.out" 2>"$TMP/sdk.err"
is "$?" 0 "the SDK script runs through (@azure/arm-webservices $ARMV, @azure/identity $IDV)"
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
