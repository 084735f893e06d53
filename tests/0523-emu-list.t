#!/bin/sh
# aml-emulator: listing web services by resource group and subscription,
# sparse items, nextLink/$skiptoken paging as the SDK and PowerShell do
# it, and the 2016-05-01-preview differences.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0 --page-size 3
ws_paths
AT=$(arm_token)

emu services -d '{"count":6}' >"$TMP/created.json"
is "$(jq -r '.created | length' "$TMP/created.json")" 6 "/_emu/services makes more services"
is "$(jq -r '.created[0]' "$TMP/created.json")" "$AML_DEMO_WS-001" "named after the demo service"

arm GET "$WSL?$V"
is_status "$status" 200 "list by resource group"
is "$(jb '.value | length')" 3 "a page of --page-size items"
is "$(jq -c '.value[0].properties | keys_unsorted' "$TMP/body")" \
    '["payloadsInBlobStorage","provisioningState","createdOn","modifiedOn","title","description","swaggerLocation","readOnly","realtimeConfiguration","diagnostics","storageAccount","machineLearningWorkspace","packageType","exposeSampleData"]' \
    "items are sparse, as recorded"
next=$(jb .nextLink)
like "$next" "^$AML_EMULATOR_URL$WSL\\?api-version=2017-01-01&%24skiptoken=[A-Za-z0-9%._~-]+\$" \
    "nextLink is absolute with %24skiptoken"
tok=$(printf '%s' "$next" | sed 's/.*%24skiptoken=//')
like "$tok" '%2b|%2f' "the token needs encoding, and has lower-case escapes"
unlike "$tok" '%2B|%2F' "(no upper-case ones)"

# Following nextLink verbatim, to the end.
names=$(jb '.value[].name')
while [ -n "$next" ] && [ "$next" != null ]; do
	http GET "$next" -H "Authorization: Bearer $AT"
	names="$names
$(jb '.value[].name')"
	next=$(jb .nextLink)
done
is "$(printf '%s\n' "$names" | grep -c .)" 7 "all seven services over the pages"
is "$(printf '%s\n' "$names" | sort -u | grep -c .)" 7 "none twice"
is "$(jb 'has("nextLink")')" false "the last page has no nextLink"

# PowerShell: $skiptoken taken out, re-encoded upper-case, put first.
arm GET "$WSL?$V"
raw=$(jb .nextLink | sed 's/.*%24skiptoken=//' | sed 's/%2b/+/g; s/%2f/\//g; s/%3d/=/g')
enc=$(printf '%s' "$raw" | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')
arm GET "$WSL?\$skiptoken=$enc&$V"
is_status "$status" 200 "\$skiptoken before api-version, upper-case escapes"
is "$(jb '.value[0].name')" "$AML_DEMO_WS-003" "gives the second page"
arm GET "$WSL?%24skiptoken=$enc&$V"
is "$(jb '.value[0].name')" "$AML_DEMO_WS-003" "%24skiptoken works as well"
arm GET "$WSL?$V&\$skiptoken=notatoken"
is_status "$status" 400 "a token it did not make"

# By subscription.
arm GET "$SUB/providers/Microsoft.MachineLearning/webServices?$V"
is_status "$status" 200 "list by subscription"
like "$(jb .nextLink)" "^$AML_EMULATOR_URL$SUB/providers/Microsoft.MachineLearning/webServices\\?" \
    "its nextLink is the subscription list"
emu config -d '{"pageSize":100}' >/dev/null
arm GET "$SUB/providers/Microsoft.MachineLearning/webServices?$V"
is "$(jb '.value | length')" 7 "pageSize from the control API"
arm GET "$SUB/resourceGroups/nosuchgroup/providers/Microsoft.MachineLearning/webServices?$V"
is_status "$status" 404 "list in an unknown group"

# 2016-05-01-preview: no payloadsInBlobStorage, string parameters.
arm GET "$WS?$VP"
is_status "$status" 200 "GET with the preview"
is "$(jb '.properties | has("payloadsInBlobStorage")')" false "no payloadsInBlobStorage"
is "$(jb '.properties.package.nodes.node1.parameters["R Version"]')" "CRAN R 3.1.0" "parameters are strings"
arm GET "$WSL?$VP"
is "$(jb '.value[0].properties | has("payloadsInBlobStorage")')" false "nor in lists"
arm GET "$WS?$VP"
jq '.properties.package.nodes.node1.parameters["R Version"] = "CRAN R 3.2.0"
    | del(.id, .name, .type, .properties.createdOn, .properties.modifiedOn, .properties.provisioningState, .properties.swaggerLocation)' \
    "$TMP/body" >"$TMP/prev.json"
arm PUT "$WSL/prev?$VP" -H 'Content-Type: application/json' --data-binary "@$TMP/prev.json"
is_status "$status" 201 "PUT with the preview's string parameters"
is "$(jb '.properties | keys_unsorted | join(",")')" provisioningState "its sparse answer"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$WSL/prev?$V"
is "$(jb '.properties.package.nodes.node1.parameters["R Version"] | .value + "|" + .certificateThumbprint')" \
    "CRAN R 3.2.0|" "2017-01-01 sees them as objects"
jq '.properties.package.nodes.node1.parameters["R Version"] = {"value":"x"}' "$TMP/prev.json" >"$TMP/prev2.json"
arm PUT "$WSL/prev2?$VP" -H 'Content-Type: application/json' --data-binary "@$TMP/prev2.json"
is_status "$status" 400 "the preview refuses object parameters"
arm GET "$WS?region=westcentralus&$VP"
is_status "$status" 200 "the preview has no region: it is ignored"

emu services -d '{"count":0}' -o /dev/null 2>/dev/null
is "$?" 22 "count 0 is refused"

done_testing
