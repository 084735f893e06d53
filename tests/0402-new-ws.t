#!/bin/sh
# aml-new-ws: GET first, PUT, wait, print; an existing service is left
# alone unless --force; the command line's name wins over the file's,
# the location is -l's or the file's and they may not differ; --plan;
# name rules are checked before anything is sent.
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

# A new service: GET (404), PUT, polls, GET.  -l southcentralus and the
# definition's South Central US are the same place.
jq '.name = "ignored"' "$TMP/def.json" >"$TMP/def2.json"
emu requests -X DELETE
run aml-new-ws -c -g "$RG" -n fresh -l southcentralus "$TMP/def2.json"
expect_ok "aml-new-ws"
is "$(cat "$TMP/err")" "aml-new-ws: warning: $TMP/def2.json: no properties.storageAccount.key: the service needs the storage account's key to create a web service, and an export leaves it out; add it: jq --rawfile k KEYFILE '.properties.storageAccount.key = (\$k | rtrimstr(\"\\n\"))'
aml-new-ws: warning: $TMP/def2.json: no properties.commitmentPlan.id: the service needs the commitment plan that will bill the web service; give it with --plan NAME" \
    "an exported definition: warned that the storage key and the plan are missing, and how to add them"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 1 "-c: prints the service on one line"
is "$(jq -r '.name + "|" + .location + "|" + .properties.provisioningState' "$TMP/out")" \
    "fresh|South Central US|Succeeded" "named as the command line says"
is "$(jq -r .properties.assets.asset3.locationInfo.uri "$TMP/out")" \
    "$(jq -r .properties.assets.asset3.locationInfo.uri "$TMP/def.json")" "from the definition"
emu requests >"$TMP/log.json"
jq -r '.[] | "\(.method) \(.status) \(.path | sub("\\?.*"; ""))"' "$TMP/log.json" >"$TMP/seq"
is "$(head -2 "$TMP/seq")" "GET 404 $LIST/fresh
PUT 201 $LIST/fresh" "GET first (404), then PUT (201)"
is "$(tail -1 "$TMP/seq")" "GET 200 $LIST/fresh" "GET at the end"
is "$(sed '1,2d;$d' "$TMP/seq" | grep -vc '/operationsStatus/')" 0 "polls in between"
jq -c '.[] | select(.method == "PUT")' "$TMP/log.json" >"$TMP/put.json"
test "$(jq .bodySize "$TMP/put.json")" -gt 2000
ok $? "the PUT carries the definition"

# With the storage key and the plan: nothing to say.
printf 'PLANTED-storage-key-0123\n' >"$TMP/storage.key"
jq --rawfile k "$TMP/storage.key" --arg id "/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/commitmentPlans/$AML_DEMO_PLAN" \
    '.properties.storageAccount.key = ($k | rtrimstr("\n")) | .properties.commitmentPlan = {id: $id}' \
    "$TMP/def.json" >"$TMP/full.json"
run aml-new-ws -g "$RG" -n complete -l southcentralus "$TMP/full.json"
expect_ok "a definition with the key and the plan"
is "$(cat "$TMP/err")" "" "no warning"
run aml-new-ws -q -g "$RG" -n quiet -l southcentralus "$TMP/def.json"
is "$(cat "$TMP/err")" "" "-q: none either"

# It exists now: refused without --force, nothing sent.
emu requests -X DELETE
run aml-new-ws -g "$RG" -n fresh -l southcentralus "$TMP/def.json"
expect_fail 1 "^aml-new-ws: $RG/fresh: the web service exists; nothing sent \\(use -f to replace it\\)\$" \
    "an existing service is not replaced"
is "$(emu requests | jq -r '[.[].method] | join(" ")')" GET "only the GET"
jq '.properties.title = "Replaced" | .location = "West Europe"' "$TMP/def.json" >"$TMP/def3.json"
run_in "$TMP/def3.json" aml-new-ws --force -g "$RG" -n fresh
expect_ok "--force replaces it (definition on stdin)"
is "$(jq . "$TMP/out")" "$(cat "$TMP/out")" "2-space JSON without -c"
is "$(jq -r '.properties.title + "|" + .location' "$TMP/out")" "Replaced|West Europe" \
    "with the new definition, where it says without -l"

# -l against the definition's location: a different place is refused
# before anything is sent; none anywhere is a usage error.
emu requests -X DELETE
run aml-new-ws -g "$RG" -n elsewhere -l southcentralus "$TMP/def3.json"
expect_usage "^aml-new-ws: -l southcentralus: the definition \\($TMP/def3.json\\) says West Europe; leave out -l or change the definition\$" \
    "a conflicting -l"
jq 'del(.location)' "$TMP/def.json" >"$TMP/noloc.json"
run aml-new-ws -g "$RG" -n elsewhere "$TMP/noloc.json"
expect_usage "^aml-new-ws: -l LOCATION is required: $TMP/noloc.json has no location\$" \
    "no location anywhere"
is "$(emu requests | jq length)" 0 "neither sent anything"
run aml-new-ws -c -g "$RG" -n placed -l "west europe" "$TMP/noloc.json"
expect_ok "-l alone"
is "$(jq -r .location "$TMP/out")" "West Europe" "places it"

# --plan: a plan of the service's resource group by name, or any by its
# id; the service is then associated with it (the plan's associations
# list it).  A plan that is not there is the service's refusal.
PLANS=/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/commitmentPlans
assoc() {	# assoc PLAN: the services associated with it, one per line
	curl -sS -H "Authorization: Bearer $(aml-token -r)" \
	    "$AML_ARM_ENDPOINT$PLANS/$1/commitmentAssociations?api-version=2016-05-01-preview" |
	    jq -r '.value[].properties.associatedResourceId'
}
run aml-new-ws -c -g "$RG" -n planned -l southcentralus --plan "$AML_DEMO_PLAN" "$TMP/def.json"
expect_ok "--plan NAME"
like "$(assoc "$AML_DEMO_PLAN")" "$LIST/planned" "the service is the plan's"
run aml-new-ws -c -g "$RG" -n planned2 -l southcentralus --plan "$PLANS/$AML_DEMO_PLAN" "$TMP/def.json"
expect_ok "--plan ID"
like "$(assoc "$AML_DEMO_PLAN")" "$LIST/planned2" "the service is the plan's"
run aml-new-ws -q -g "$RG" -n planned3 -l southcentralus --plan nosuchplan "$TMP/def.json"
expect_fail 1 "^aml-new-ws: PUT $LIST/planned3: HTTP 400 BadRequest: .*CommitmentPlanNotFound" \
    "--plan of a plan that is not there: the service says so"
jq --arg id "$PLANS/other" '.properties.commitmentPlan = {id: $id}' "$TMP/def.json" >"$TMP/withplan.json"
run aml-new-ws -g "$RG" -n planned3 --plan "$AML_DEMO_PLAN" "$TMP/withplan.json"
expect_usage "^aml-new-ws: --plan $AML_DEMO_PLAN: the definition \\($TMP/withplan.json\\) has commitmentPlan $PLANS/other; a service's plan never changes, so give one of them\$" \
    "--plan against another plan in the definition"

# --id names it too.
id=/subscriptions/$SUB/resourcegroups/$RG/providers/microsoft.machinelearning/webservices/byid
run aml-new-ws --id "$id" -l southcentralus "$TMP/def.json"
expect_ok "--id"
is "$(jq -r .name "$TMP/out")" byid "names the new service"

# --no-wait: the PUT's answer and the operation.
run aml-new-ws --no-wait -g "$RG" -n later -l southcentralus "$TMP/def.json"
expect_ok "--no-wait"
is "$(jq -r '.status' "$TMP/out")" 201 "201 Created"
like "$(jq -r '.operation' "$TMP/out")" '/operationsStatus/' "the operation URL"
is "$(jq -r '.response.properties.provisioningState' "$TMP/out")" Provisioning "and the sparse answer"

# Name rules, location, definition: checked before anything is sent.
emu requests -X DELETE
for n in 'a/b' 'a?b' 'a%b' 'a+b' 'ends ' "$(printf 'a\tb')"; do
	run aml-new-ws -g "$RG" -n "$n" -l southcentralus "$TMP/def.json"
	expect_usage "^aml-new-ws: .*: a web service name " "name '$n' is refused"
done
run aml-new-ws -g "$RG" -n "$(printf '%0261d' 0)" -l southcentralus "$TMP/def.json"
expect_usage '^aml-new-ws: 0+: a web service name has 1 to 260 characters$' "a name of 261 characters"
jq '.properties.realtimeConfiguration.maxConcurrentCalls = 1' "$TMP/def.json" >"$TMP/bad.json"
run aml-new-ws -g "$RG" -n ok -l southcentralus "$TMP/bad.json"
expect_fail 1 "^aml-new-ws: $TMP/bad.json: properties\\.realtimeConfiguration\\.maxConcurrentCalls: " \
    "a value out of range"
jq 'del(.properties)' "$TMP/def.json" >"$TMP/bad.json"
run aml-new-ws -g "$RG" -n ok -l southcentralus "$TMP/bad.json"
expect_fail 1 "^aml-new-ws: $TMP/bad.json: .*properties" "no properties"
jq '.properties.package.nodes.node5.assetId = "asset99"' "$TMP/def.json" >"$TMP/bad.json"
run aml-new-ws -g "$RG" -n ok -l southcentralus "$TMP/bad.json"
expect_fail 1 "^aml-new-ws: $TMP/bad.json: properties\\.package\\.nodes\\.node5\\.assetId: " \
    "a node that names no asset"
is "$(emu requests | jq length)" 0 "none of them sent anything"

# What the service refuses comes back in its words.
run aml-new-ws -q -g "$RG" -n elsewhere -l westus "$TMP/noloc.json"
expect_fail 1 "^aml-new-ws: PUT $LIST/elsewhere: HTTP 400 LocationNotAvailableForResourceType: The provided location 'westus' is not available " \
    "a location the provider does not have"
run aml-get-ws -g "$RG" -n elsewhere
is "$rc" 1 "and nothing was created"

done_testing
