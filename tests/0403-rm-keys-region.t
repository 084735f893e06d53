#!/bin/sh
# aml-rm-ws, aml-ws-keys and aml-add-region.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 100
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10
SUB=$AZURE_SUBSCRIPTION_ID
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS
LIST=/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/webServices

run aml-login
expect_ok "signed in"
aml-get-ws -g "$RG" -n "$WS" | aml-export-ws >"$TMP/def.json"

# aml-ws-keys: {"primary","secondary"}, 2-space JSON (-c: one line).
run aml-ws-keys -g "$RG" -n "$WS"
is "$(jq . "$TMP/out")" "$(cat "$TMP/out")" "as 2-space JSON"
emu requests -X DELETE
run aml-ws-keys -c -g "$RG" -n "$WS"
expect_ok "aml-ws-keys"
is "$(jq -r 'keys_unsorted | join(" ")' "$TMP/out")" "primary secondary" "primary and secondary"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 1 "-c: on one line"
like "$(jq -r .primary "$TMP/out")" '^[A-Za-z0-9+/=]{20,}$' "a key"
is "$(emu requests | jq -r '.[] | "\(.method) \(.path)"')" "GET $LIST/$WS/listKeys?api-version=2017-01-01" \
    "GET listKeys"
primary=$(jq -r .primary "$TMP/out")
run aml-ws-keys -v -g "$RG" -n "$WS"
expect_ok "aml-ws-keys -v"
unlike "$(cat "$TMP/err")" "$primary" "the trace masks the keys"
like "$(cat "$TMP/err")" '"primary": ?"\*\*\*"' "as ***"
is "$(jq -r .primary "$TMP/out")" "$primary" "stdout has them: printing them is the job"
run aml-ws-keys --id "/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/webServices/$WS"
expect_ok "--id"
run aml-ws-keys -g "$RG" -n nosuch
expect_fail 1 "^aml-ws-keys: GET $LIST/nosuch/listKeys: HTTP 404 NotFound: The specified resource was not found\\. \\(WebServiceNotFound\\) \\[request-id [0-9a-f-]+\\]\$" \
    "keys of a service that is not there"

# aml-add-region: POST, wait, GET with ?region=.
run aml-new-ws -g "$RG" -n regional -l southcentralus "$TMP/def.json"
expect_ok "a service to work on"
emu requests -X DELETE
run aml-add-region -g "$RG" -n regional -l westcentralus
expect_ok "aml-add-region"
is "$(jq -r .name "$TMP/out")" regional "prints the service"
test "$(jq -r '.properties.package.nodes.node2.parameters["Account Key"].certificateThumbprint' "$TMP/out")" != TheThumbprint
ok $? "with the region's encryption"
emu requests >"$TMP/log.json"
jq -r '.[] | "\(.method) \(.path)"' "$TMP/log.json" >"$TMP/seq"
is "$(head -1 "$TMP/seq")" "POST $LIST/regional/CreateRegionalBlob?api-version=2017-01-01&region=westcentralus" \
    "POST CreateRegionalBlob?region="
is "$(jq -r '.[0].bodySize' "$TMP/log.json")" 0 "with an empty body"
is "$(tail -1 "$TMP/seq")" "GET $LIST/regional?api-version=2017-01-01&region=westcentralus" "GET ?region= at the end"
is "$(sed '1d;$d' "$TMP/seq" | grep -vc '/operationsStatus/')" 0 "polls in between"
run aml-get-ws -g "$RG" -n regional -l westcentralus
expect_ok "aml-get-ws --location works now"
run aml-add-region -g "$RG" -n regional -l atlantis
expect_fail 1 "^aml-add-region: POST $LIST/regional/CreateRegionalBlob: HTTP 400 BadRequest: The request is invalid\\. \\(InvalidRegion\\) " \
    "a region that is not one"
run aml-add-region -g "$RG" -n regional
expect_usage '^aml-add-region: -l LOCATION is required \(the region to add\)$' "-l is required"
run aml-add-region -g "$RG" -n regional -l westeurope --api-version 2016-05-01-preview
expect_usage '^aml-add-region: api-version 2016-05-01-preview has no CreateRegionalBlob$' "not in the preview"
emu config -d '{"lroMs":0}' >/dev/null	# so that it is over at once
run aml-add-region --no-wait -g "$RG" -n regional -l westeurope
expect_ok "--no-wait"
is "$(jq -r '.status + 0 | tostring' "$TMP/out")" 202 "202 Accepted"
is "$(jq -r .response.id "$TMP/out")" regional "its answer (the bare name as id, as recorded)"

# aml-rm-ws: DELETE, the polls of Azure-AsyncOperation (not Location),
# nothing printed.
emu config -d '{"lroMs":100}' >/dev/null
emu requests -X DELETE
run aml-rm-ws -g "$RG" -n regional
expect_ok "aml-rm-ws"
is "$(jq -c . "$TMP/out")" "{\"id\":\"$LIST/regional\",\"name\":\"regional\",\"deleted\":true}" \
    "prints what it removed"
is "$(cat "$TMP/err")" "" "says nothing"
emu requests >"$TMP/log.json"
is "$(jq -r '.[0] | "\(.method) \(.status)"' "$TMP/log.json")" "DELETE 202" "DELETE, 202"
is "$(jq -r '[.[1:][] | .path | test("/operationsStatus/")] | all' "$TMP/log.json")" true \
    "then Azure-AsyncOperation polls only: Location is ignored"
run aml-get-ws -g "$RG" -n regional
expect_fail 1 'HTTP 404 NotFound: .*\(WebServiceNotFound\)' "the service is gone"
run aml-rm-ws -g "$RG" -n regional
expect_ok "removing a service that is not there: the service says 202, so no error"
run aml-rm-ws -g nosuchgroup -n regional
expect_fail 1 "^aml-rm-ws: DELETE /subscriptions/$SUB/resourceGroups/nosuchgroup/providers/Microsoft\\.MachineLearning/webServices/regional: HTTP 404 ResourceGroupNotFound: " \
    "a 404 is an error"
run aml-new-ws -g "$RG" -n gone -l southcentralus "$TMP/def.json"
run aml-rm-ws --no-wait --id "/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/webServices/gone"
expect_ok "aml-rm-ws --no-wait --id"
is "$(jq -r .status "$TMP/out")" 202 "the DELETE's status"
like "$(jq -r .operation "$TMP/out")" '/operationsStatus/' "the Azure-AsyncOperation URL, not Location"
is "$(jq -r 'has("response")' "$TMP/out")" false "no body, no response"
run aml-rm-ws -g "$RG"
expect_usage '^aml-rm-ws: -g and -n, or -i, are required: name the web service$' "no name"

done_testing
