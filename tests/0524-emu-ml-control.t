#!/bin/sh
# aml-emulator, Azure Machine Learning: the workspace and its datastore,
# what Resource Manager checks first (token, api-version, subscription,
# resource group), the seeded world and its exports, the control API
# (/_emu/ml, /_emu/holds), reset, and --state across a restart on
# another port.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0
ml_paths
AT=$(arm_token)
J='Content-Type: application/json'

# ---- the exports -----------------------------------------------------------
is "$AML_DEMO_WORKSPACE $AML_DEMO_ENDPOINT $AML_DEMO_DEPLOYMENT $AML_DEMO_MODEL" \
    "aml-demo-ml census-ep blue census" "--daemon exports the workspace, endpoint, deployment and model"
is "$AML_DEMO_JOB" census-train-1 "and the job that trained the model"

# ---- the workspace ---------------------------------------------------------
arm GET "$W?$MV"
is_status "$status" 200 "GET the workspace"
is "$(jb '[.id, .name, .type, .location, .properties.provisioningState] | join(" ")')" \
    "$W $AML_DEMO_WORKSPACE Microsoft.MachineLearningServices/workspaces southcentralus Succeeded" \
    "its id, name, type, location and state"
like "$(jb .properties.workspaceId)" '^[0-9a-f-]{36}$' "a workspaceId"
like "$(jb .properties.storageAccount)" "/providers/Microsoft.Storage/storageAccounts/amlemustore\$" \
    "its storage account is the emulator's"
is "$(hdr Content-Type)" "application/json; charset=utf-8" "JSON"
for h in x-ms-request-id x-ms-correlation-request-id x-ms-ratelimit-remaining-subscription-reads; do
	test -n "$(hdr $h)"
	ok $? "Resource Manager's header $h"
done
arm GET "$W/datastores/workspaceblobstore?$MV"
is "$status $(jb '[.properties.datastoreType, .properties.accountName, .properties.isDefault] | map(tostring) | join(" ")')" \
    "200 AzureBlob amlemustore true" "the default datastore, a blob container of the emulator"
like "$(jb .properties.containerName)" '^azureml-blobstore-[0-9a-f-]{36}$' "named as the service names it"
arm GET "$W/datastores?$MV"
is "$(jb '[.value[].name] | join(" ")')" workspaceblobstore "list the datastores"
arm GET "$W/datastores/other?$MV"
is_status "$status" 404 "an unknown datastore: 404"
arm GET "$SUB/resourceGroups/$AML_DEMO_RG/providers/Microsoft.MachineLearningServices/workspaces/nope?$MV"
is "$status $(jb .error.code)" "404 ResourceNotFound" "an unknown workspace: 404 ResourceNotFound"
is "$(jb .error.message)" "The Resource 'Microsoft.MachineLearningServices/workspaces/nope' under resource group '$AML_DEMO_RG' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix" \
    "with Resource Manager's message"
arm GET "$SUB/resourceGroups/nope/providers/Microsoft.MachineLearningServices/workspaces/$AML_DEMO_WORKSPACE/onlineEndpoints?$MV"
is "$status $(jb .error.code)" "404 ResourceGroupNotFound" "an unknown resource group"
arm GET "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/$AML_DEMO_RG/providers/Microsoft.MachineLearningServices/workspaces/$AML_DEMO_WORKSPACE?$MV"
is "$status $(jb .error.code)" "404 SubscriptionNotFound" "an unknown subscription"

# ---- api-versions ------------------------------------------------------------
for v in 2022-10-01 2022-10-01-preview 2022-12-01-preview 2023-02-01-preview 2023-04-01 \
    2023-04-01-preview 2023-06-01-preview 2023-08-01-preview 2023-10-01 2024-01-01-preview \
    2024-04-01 2024-04-01-preview; do
	arm GET "$EP?api-version=$v"
	is_status "$status" 200 "api-version $v is taken"
done
arm GET "$EP?api-version=2021-07-01"
is "$status $(jb .error.code)" "400 NoRegisteredProviderFound" "an api-version before 2022-10-01 is refused"
like "$(jb .error.message)" "API version '2021-07-01' for type 'workspaces'. The supported api-versions are '2022-10-01, " \
    "naming the ones there are"
arm GET "$EP?api-version=2017-01-01"
is_status "$status" 400 "the webServices version is not one of them"
arm GET "$EP"
is "$status $(jb .error.code)" "400 MissingApiVersionParameter" "api-version is required"
arm POST "$EP/listKeys"
is_status "$status" 400 "on a POST too"

# ---- the token -------------------------------------------------------------------
http GET "$AML_ARM_ENDPOINT$EP?$MV"
is "$status $(jb .error.code)" "401 AuthenticationFailed" "no token: 401"
token_v2 --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$AZURE_CLIENT_ID" \
    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" --data-urlencode scope=https://ml.azure.com/.default
http GET "$AML_ARM_ENDPOINT$EP?$MV" -H "Authorization: Bearer $(jb .access_token)"
is "$status $(jb .error.code)" "401 InvalidAuthenticationTokenAudience" "a token for https://ml.azure.com is not one for Resource Manager"

# ---- holds -----------------------------------------------------------------------
http POST "$AML_EMULATOR_URL/_emu/holds" -d '{"what":"jobs","match":"*"}'
is "$status $(jb .error.code)" "400 InvalidHold" "an unknown kind of hold"
like "$(jb .error.message)" '"job", "endpoint", "deployment", not "jobs"' "the message lists the kinds"
http POST "$AML_EMULATOR_URL/_emu/holds" -d '{"what":"job","match":""}'
is_status "$status" 400 "an empty glob"
http POST "$AML_EMULATOR_URL/_emu/holds" -d '{"what":"job","glob":"x"}'
is_status "$status" 400 "an unknown member"
http POST "$AML_EMULATOR_URL/_emu/holds" -d '{"what":"deployment"}'
is "$status $(jb .match)" "201 *" "match defaults to every name"
h1=$(jb .id)
hold job "retrain-*"
is "$(emu holds | jq -c '[.[] | [.what, .match]]')" '[["deployment","*"],["job","retrain-*"]]' "GET lists them"
unhold "$h1"
is "$(emu holds | jq -c '[.[].what]')" '["job"]' "DELETE /_emu/holds/ID removes one"
http DELETE "$AML_EMULATOR_URL/_emu/holds/999"
is_status "$status" 404 "an unknown hold: 404"
emu holds -X DELETE >/dev/null
is "$(emu holds)" "[]" "DELETE /_emu/holds removes them all"

# ---- /_emu/ml ---------------------------------------------------------------------
is "$(emu ml | jq -c .)" '{"jobMs":3000,"retryAfter":10,"failJobs":0}' "the settings and their defaults"
emu ml -d '{"jobMs":5,"retryAfter":0}' >/dev/null
is "$(emu ml | jq -c '[.jobMs, .retryAfter]')" '[5,0]' "changed"
http POST "$AML_EMULATOR_URL/_emu/ml" -d '{"jobMs":-1}'
is_status "$status" 400 "out of range"
http POST "$AML_EMULATOR_URL/_emu/ml" -d '{"speed":1}'
is "$status $(jb .error.message)" '400 unknown setting "speed"' "an unknown setting"
http POST "$AML_EMULATOR_URL/_emu/ml/fail" -d '{"count":"two"}'
is_status "$status" 400 "fail: count is a number"
emu ml/fail -d '{"count":2}' >/dev/null
is "$(emu ml | jq .failJobs)" 2 "fail: the next 2 jobs"

# ---- reset ---------------------------------------------------------------------------
hold endpoint "*"
arm PUT "$W/onlineEndpoints/temp?$MV" -H "$J" --data '{"location":"southcentralus","properties":{"authMode":"Key"}}'
arm DELETE "$EP/deployments/$AML_DEMO_DEPLOYMENT?$MV"
arm POST "$EP/listKeys?$MV"
k1=$(jb .primaryKey)
emu reset -X POST
arm GET "$W/onlineEndpoints?$MV"
is "$(jb '[.value[].name] | join(" ")')" "$AML_DEMO_ENDPOINT" "reset: the seeded endpoint alone"
arm POST "$EP/listKeys?$MV"
test "$(jb .primaryKey)" != "$k1"
ok $? "with new keys"
is "$(emu holds)$(emu ml | jq -c '[.jobMs, .failJobs]')" "[][3000,0]" "no holds, the settings as they were"
arm GET "$W/jobs?$MV"
is "$(jb '[.value[] | .name + " " + .properties.status] | join(",")')" "$AML_DEMO_JOB Completed" "the seeded job alone"
arm GET "$W/models/$AML_DEMO_MODEL/versions?$MV"
is "$(jb '[.value[].name] | join(" ")')" 1 "version 1 alone"

# ---- --state, and another port ------------------------------------------------------------
emu_stop
st=$TMP/ml.state
eval "$(aml-emulator --daemon --state "$st" --lro-ms 0 --dir "$TMP/s1")"
_emu_pid=$AML_EMULATOR_PID
AT=$(arm_token)
ml_paths
arm PUT "$W/onlineEndpoints/kept?$MV" -H "$J" --data '{"location":"southcentralus","properties":{"authMode":"Key"}}'
arm GET "$W/onlineEndpoints/kept?$MV"
u1=$(jb .properties.scoringUri)
arm POST "$EP/listKeys?$MV"
k1=$(jb .primaryKey)
old=$AML_EMULATOR_URL
pid=$_emu_pid
emu_stop
wait_until eval '! kill -0 "$pid" 2>/dev/null'
ok $? "(the emulator stopped)"
grep -F -q -- "$k1" "$st"
ok $? "the keys are in the state file, which is private ($(stat -c %a "$st"))"
eval "$(aml-emulator --daemon --state "$st" --dir "$TMP/s2")"
_emu_pid=$AML_EMULATOR_PID
AT=$(arm_token)
arm GET "$W/onlineEndpoints/kept?$MV"
is_status "$status" 200 "an endpoint made before the restart is there"
if [ "$old" != "$AML_EMULATOR_URL" ]; then
	is "$(jb .properties.scoringUri)" "$AML_EMULATOR_URL/online/kept/score" \
	    "its scoringUri moved to the new port (it was $u1)"
else
	skip "the same port came back" "its scoringUri moved to the new port"
fi
arm POST "$EP/listKeys?$MV"
is "$(jb .primaryKey)" "$k1" "the same keys"
ml_score "$AML_EMULATOR_URL/online/$AML_DEMO_ENDPOINT/score" "$k1" '{"data":[[50,16,60,15024]]}'
is "$status $(cat "$TMP/body")" '200 [">50K"]' "and the model still scores"

done_testing
