#!/bin/sh
# aml-emulator, Azure Machine Learning: online endpoints and deployments.
# Every route, its codes and headers; the long-running-operation
# protocol both ways (Azure-AsyncOperation on a create, a GET poll on an
# update, Location on PATCH and DELETE); every validation with its code;
# the lro faults.  Operations are kept in progress with holds, never by
# racing the clock (--lro-ms 0: an operation not held ends at once).
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0
ml_paths
AT=$(arm_token)
J='Content-Type: application/json'
MODEL=$W/models/$AML_DEMO_MODEL/versions/1

# ---- the seeded endpoint and deployment ----------------------------------
arm GET "$EP?$MV"
is_status "$status" 200 "GET the seeded endpoint"
is "$(jb '[.name, .type, .properties.authMode, .properties.provisioningState] | join(" ")')" \
    "$AML_DEMO_ENDPOINT Microsoft.MachineLearningServices/workspaces/onlineEndpoints Key Succeeded" \
    "name, type, authMode, provisioningState"
is "$(jb .id)" "$EP" "its ARM id"
is "$(jq -c .properties.traffic "$TMP/body")" "{\"$AML_DEMO_DEPLOYMENT\":100}" "all traffic to the seeded deployment"
is "$(jb '.properties | has("keys")')" false "keys are never in a GET"
like "$(jb .properties.scoringUri)" "^$AML_EMULATOR_URL/online/$AML_DEMO_ENDPOINT/score\$" "scoringUri on the emulator"
is "$(jb .identity.type)" SystemAssigned "a system-assigned identity"
like "$(jb .systemData.createdAt)" '^[0-9-]{10}T[0-9:]{8}\.[0-9]{3}Z$' "systemData"
is "$(hdr x-ms-request-id | grep -cE '^[0-9a-f-]{36}$')" 1 "x-ms-request-id"
arm GET "$EP/deployments/$AML_DEMO_DEPLOYMENT?$MV"
is_status "$status" 200 "GET the seeded deployment"
is "$(jb '[.properties.endpointComputeType, .properties.model, .properties.provisioningState] | join(" ")')" \
    "Managed $MODEL Succeeded" "it serves model version 1"
is "$(jb .properties.requestSettings.requestTimeout)" PT5S "defaults filled in (requestSettings)"
arm GET "$W/onlineEndpoints?$MV"
is "$(jb '[.value[].name] | join(" ")')" "$AML_DEMO_ENDPOINT" "list the endpoints"
arm GET "$EP/deployments?$MV"
is "$(jb '[.value[].name] | join(" ")')" "$AML_DEMO_DEPLOYMENT" "list the deployments"
arm GET "$W/onlineEndpoints/nope?$MV"
is_status "$status" 404 "an unknown endpoint: 404"
is "$(jb .error.code)" ResourceNotFound "ResourceNotFound"
like "$(jb .error.message)" "workspaces/$AML_DEMO_WORKSPACE/onlineEndpoints/nope' under resource group '$AML_DEMO_RG' was not found" \
    "the message names it"
arm GET "$EP/deployments/nope?$MV"
is_status "$status" 404 "an unknown deployment: 404"

# ---- create an endpoint: 201, Azure-AsyncOperation, Creating -------------
hold endpoint green-ep
arm PUT "$W/onlineEndpoints/green-ep?$MV" -H "$J" --data '{"location":"southcentralus","properties":{"authMode":"AMLToken","description":"second"},"tags":{"a":"b"}}'
is_status "$status" 201 "PUT a new endpoint: 201"
is "$(jb .properties.provisioningState)" Creating "the body says Creating"
op=$(hdr Azure-AsyncOperation)
like "$op" "^$AML_ARM_ENDPOINT$SUB/providers/Microsoft\.MachineLearningServices/locations/southcentralus/mfeOperationsStatus/[0-9a-f-]{36}\?$MV\$" \
    "Azure-AsyncOperation: an mfeOperationsStatus URL"
is "$(hdr x-ms-async-operation-timeout)" PT1H "x-ms-async-operation-timeout, an ISO 8601 duration"
http GET "$op" -H "Authorization: Bearer $AT"
is_status "$status" 200 "poll the operation"
is "$(jb .status)" InProgress "InProgress while held"
is "$(jq -c 'keys_unsorted' "$TMP/body")" '["id","name","status","startTime"]' "id, name, status, startTime"
arm GET "$W/onlineEndpoints/green-ep?$MV"
is "$(jb .properties.provisioningState)" Creating "GET says Creating"
arm PUT "$W/onlineEndpoints/green-ep?$MV" -H "$J" --data '{"location":"southcentralus","properties":{"authMode":"AMLToken"}}'
is_status "$status" 409 "another PUT while it runs: 409"
is "$(jb .error.code)" Conflict "Conflict"
unhold
http GET "$op" -H "Authorization: Bearer $AT"
is "$(jb .status)" Succeeded "released: Succeeded"
like "$(jb .endTime)" '^[0-9-]{10}T' "with an endTime"
arm GET "$W/onlineEndpoints/green-ep?$MV"
is "$(jb .properties.provisioningState)" Succeeded "the endpoint is Succeeded"
is "$(jb .tags.a)" b "with its tags"

# ---- update: 200, Updating, no header; a client polls GET ----------------
pid=$(jb .identity.principalId)
hold endpoint green-ep
arm PUT "$W/onlineEndpoints/green-ep?$MV" -H "$J" --data '{"location":"South Central US","properties":{"authMode":"AMLToken","description":"changed"}}'
is_status "$status" 200 "PUT over an endpoint: 200 (the location may be spelled either way)"
is "$(jb .properties.provisioningState)" Updating "the body says Updating"
is "$(hdr Azure-AsyncOperation)$(hdr Location)" "" "no Azure-AsyncOperation, no Location"
arm GET "$W/onlineEndpoints/green-ep?$MV"
is "$(jb .properties.provisioningState)" Updating "GET says Updating while held"
unhold
arm GET "$W/onlineEndpoints/green-ep?$MV"
is "$(jb '[.properties.provisioningState, .properties.description] | join(" ")')" "Succeeded changed" "then Succeeded"
is "$(jb .identity.principalId)" "$pid" "the identity keeps its principal id"

# ---- endpoint validation ---------------------------------------------------
bad_ep() {	# BODY CODE TARGET DESCRIPTION [NAME]
	arm PUT "$W/onlineEndpoints/${5:-bad-ep}?$MV" -H "$J" --data "$1"
	is "$status $(jb .error.code) $(jb .error.target)" "400 $2 $3" "$4"
}
bad_ep '{"properties":{"authMode":"Key"}}' BadArgument location "location is required"
bad_ep '{"location":"southcentralus"}' BadArgument properties "properties is required"
bad_ep '{"location":"southcentralus","properties":{}}' BadArgument properties.authMode "authMode is required"
bad_ep '{"location":"southcentralus","properties":{"authMode":"key"}}' BadArgument properties.authMode \
    "authMode is Key, AMLToken or AADToken, exactly"
like "$(jb .error.message)" "Key, AMLToken, AADToken, not 'key'" "the message lists them"
bad_ep '{"location":"southcentralus","properties":{"authMode":"Key","traffic":{"ghost":100}}}' BadArgument properties.traffic \
    "traffic must name existing deployments"
like "$(jb .error.message)" "deployment 'ghost' does not exist" "the message names it"
bad_ep "{\"location\":\"southcentralus\",\"properties\":{\"authMode\":\"Key\",\"traffic\":{\"$AML_DEMO_DEPLOYMENT\":90}}}" \
    BadArgument properties.traffic "traffic must sum to 100" "$AML_DEMO_ENDPOINT"
like "$(jb .error.message)" "sum to 100, not 90" "and says so"
bad_ep "{\"location\":\"southcentralus\",\"properties\":{\"authMode\":\"Key\",\"traffic\":{\"$AML_DEMO_DEPLOYMENT\":100},\"mirrorTraffic\":{\"$AML_DEMO_DEPLOYMENT\":60}}}" \
    BadArgument properties.mirrorTraffic "mirrorTraffic at most 50" "$AML_DEMO_ENDPOINT"
bad_ep "{\"location\":\"southcentralus\",\"properties\":{\"authMode\":\"Key\",\"traffic\":{\"$AML_DEMO_DEPLOYMENT\":\"100\"}}}" \
    BadArgument properties.traffic "traffic values are numbers" "$AML_DEMO_ENDPOINT"
bad_ep '{"location":"westeurope","properties":{"authMode":"Key"}}' BadArgument location \
    "the location of an endpoint cannot change" "$AML_DEMO_ENDPOINT"
bad_ep '{"location":"southcentralus","properties":{"authMode":"Key"}}' BadArgument endpointName \
    "the name pattern" "-starts-with-a-dash"
bad_ep '{"location":"southcentralus","properties":"Key"}' BadArgument properties "properties is an object"
arm PUT "$W/onlineEndpoints/bad-ep?$MV" -H "$J" --data '{"location":'
is "$status $(jb .error.code)" "400 BadArgument" "a body that is not JSON"
arm PUT "$W/onlineEndpoints/bad-ep?$MV" -H "$J"
is "$status $(jb .error.code)" "400 BadArgument" "no body"
arm PUT "$W/onlineEndpoints/zero-ep?$MV" -H "$J" --data '{"location":"southcentralus","properties":{"authMode":"Key","traffic":{}}}'
is_status "$status" 201 "an empty traffic map is accepted"
# The specification's example: its placeholder traffic names no deployment.
jq '.parameters.body' "$REF/aml2/examples/Workspace/OnlineEndpoint/createOrUpdate.json" >"$TMP/ex.json"
arm PUT "$W/onlineEndpoints/example-ep?$MV" -H "$J" --data-binary "@$TMP/ex.json"
is "$status $(jb .error.target)" "400 properties.traffic" "the spec example is refused for its placeholder traffic"
jq 'del(.properties.traffic)' "$TMP/ex.json" >"$TMP/ex2.json"
arm PUT "$W/onlineEndpoints/example-ep?$MV" -H "$J" --data-binary "@$TMP/ex2.json"
is_status "$status" 201 "and accepted without it"
is "$(jb '[.properties.authMode, .kind, .sku.tier] | join(" ")')" "AMLToken string Free" "as sent"

# ---- PATCH an endpoint: tags and identity only; 202 and Location ----------
hold endpoint green-ep
arm PATCH "$W/onlineEndpoints/green-ep?$MV" -H "$J" --data '{"tags":{"stage":"prod"},"properties":{"traffic":{"x":1}}}'
is_status "$status" 202 "PATCH: 202"
loc=$(hdr Location)
like "$loc" "^$AML_ARM_ENDPOINT$SUB/providers/Microsoft\.MachineLearningServices/locations/southcentralus/mfeOperationResults/[0-9a-f-]{36}\?$MV\$" \
    "Location: an mfeOperationResults URL"
is "$(hdr Retry-After)" 10 "Retry-After: 10, the least the specification allows"
is "$(hdr x-ms-async-operation-timeout)" PT1H "x-ms-async-operation-timeout"
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 202 "the Location while running: 202"
is "$(hdr Location)" "$loc" "with Location again"
unhold
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 200 "then 200"
is "$(jb '[.name, .tags.stage, .properties.provisioningState] | join(" ")')" "green-ep prod Succeeded" \
    "with the endpoint"
is "$(jq -c .properties.traffic "$TMP/body")" '{}' "traffic in a PATCH is not read"

# ---- keys and tokens -------------------------------------------------------
arm POST "$EP/listKeys?$MV"
is_status "$status" 200 "POST listKeys"
k1=$(jb .primaryKey)
is "$(jq -c 'keys' "$TMP/body")" '["primaryKey","secondaryKey"]' "primaryKey and secondaryKey"
arm GET "$EP/listKeys?$MV"
is_status "$status" 405 "listKeys is a POST"
hold endpoint "$AML_DEMO_ENDPOINT"
arm POST "$EP/regenerateKeys?$MV" -H "$J" --data '{"keyType":"Primary"}'
is_status "$status" 202 "regenerateKeys: 202"
test -n "$(hdr Azure-AsyncOperation)" && test -n "$(hdr Location)"
ok $? "with Azure-AsyncOperation and Location, as the example has"
arm POST "$EP/listKeys?$MV"
is "$(jb .primaryKey)" "$k1" "the key is the same while the operation runs"
unhold
arm POST "$EP/listKeys?$MV"
k2=$(jb .primaryKey)
test "$k2" != "$k1" && test -n "$k2"
ok $? "a new primary key once it has ended"
arm POST "$EP/regenerateKeys?$MV" -H "$J" --data '{"keyType":"Secondary","keyValue":"my-own-secondary-key"}'
arm POST "$EP/listKeys?$MV"
is "$(jb '[.primaryKey == "'"$k2"'", .secondaryKey] | map(tostring) | join(" ")')" "true my-own-secondary-key" \
    "keyValue sets the key given"
arm POST "$EP/regenerateKeys?$MV" -H "$J" --data '{"keyType":"Tertiary"}'
is "$status $(jb .error.target)" "400 keyType" "keyType Primary or Secondary"
arm POST "$EP/regenerateKeys?$MV" -H "$J" --data '{}'
is "$status $(jb .error.target)" "400 keyType" "keyType is required"
arm POST "$EP/token?$MV"
is "$status $(jb .error.code)" "400 BadArgument" "token of a Key endpoint: 400"
arm POST "$W/onlineEndpoints/green-ep/token?$MV"
is_status "$status" 200 "token of an AMLToken endpoint"
is "$(jb '[.tokenType, (.expiryTimeUtc | type), (.refreshAfterTimeUtc < .expiryTimeUtc)] | map(tostring) | join(" ")')" \
    "Bearer number true" "tokenType, and times as Unix seconds"
arm POST "$W/onlineEndpoints/green-ep/listKeys?$MV"
is "$status $(jb .error.code)" "400 BadArgument" "listKeys of an AMLToken endpoint: 400"

# ---- deployments: create, 201, Creating; update, 200, Updating -------------
dep() {	# NAME MODEL [EXTRA-PROPERTIES]
	printf '{"location":"southcentralus","sku":{"name":"Default","capacity":1},"properties":{"endpointComputeType":"Managed","model":"%s","instanceType":"Standard_DS3_v2"%s}}' "$2" "${3:-}"
}
hold deployment "$AML_DEMO_ENDPOINT/green"
arm PUT "$EP/deployments/green?$MV" -H "$J" --data "$(dep green "$MODEL")"
is_status "$status" 201 "PUT a new deployment: 201"
is "$(jb .properties.provisioningState)" Creating "Creating"
op=$(hdr Azure-AsyncOperation)
like "$op" "/mfeOperationsStatus/" "Azure-AsyncOperation"
is "$(hdr x-ms-async-operation-timeout)" PT1H "x-ms-async-operation-timeout"
http GET "$op" -H "Authorization: Bearer $AT"
is "$(jb .status)" InProgress "InProgress while held"
arm PATCH "$EP/deployments/green?$MV" -H "$J" --data '{"tags":{"x":"y"}}'
is "$status $(jb .error.code)" "409 Conflict" "a PATCH while the PUT runs: 409"
arm DELETE "$EP/deployments/green?$MV"
is_status "$status" 409 "a DELETE too"
unhold
http GET "$op" -H "Authorization: Bearer $AT"
is "$(jb .status)" Succeeded "Succeeded"
arm GET "$EP/deployments/green?$MV"
is "$(jb .properties.provisioningState)" Succeeded "the deployment is Succeeded"
is "$(jb .sku.capacity)" 1 "with its sku"
arm PUT "$EP/deployments/green?$MV" -H "$J" --data "$(dep green "azureml:$AML_DEMO_MODEL:1" ',"description":"again"')"
is_status "$status" 200 "PUT over it (model as azureml:NAME:VERSION): 200"
is "$(jb .properties.provisioningState)" Updating "Updating"
is "$(hdr Azure-AsyncOperation)" "" "no Azure-AsyncOperation on an update"
arm GET "$EP/deployments/green?$MV"
is "$(jb .properties.provisioningState)" Succeeded "a GET poll sees it end"
is "$(jb .properties.description)" again "with the new definition"

# ---- deployment validation -------------------------------------------------
bad_dep() {	# BODY CODE TARGET DESCRIPTION [NAME]
	arm PUT "$EP/deployments/${5:-green}?$MV" -H "$J" --data "$1"
	is "$status $(jb .error.code) $(jb .error.target)" "400 $2 $3" "$4"
}
bad_dep '{"location":"southcentralus","properties":{"model":"x"}}' BadArgument properties.endpointComputeType \
    "endpointComputeType is required"
bad_dep '{"location":"southcentralus","properties":{"endpointComputeType":"Serverless"}}' BadArgument \
    properties.endpointComputeType "endpointComputeType is Managed, Kubernetes or AzureMLCompute"
bad_dep "$(dep green "$W/models/$AML_DEMO_MODEL/versions/99")" BadArgument properties.model \
    "the model version must exist"
like "$(jb .error.message)" "has no version '99'" "and the message says which"
bad_dep "$(dep green "azureml:nope:1")" BadArgument properties.model "azureml:NAME:VERSION must exist"
bad_dep "$(dep green "a model")" BadArgument properties.model "a model reference of no known form"
bad_dep "$(dep green "$MODEL" | sed 's/Standard_DS3_v2/Standard_F2s_v2/')" BadArgument properties.instanceType \
    "instanceType cannot change"
bad_dep "$(dep green "$MODEL" | sed 's/southcentralus/westus/')" BadArgument location "location cannot change"
bad_dep "$(dep x "$MODEL")" BadArgument deploymentName "the name pattern" "a.b"
arm PUT "$W/onlineEndpoints/nope/deployments/green?$MV" -H "$J" --data "$(dep green "$MODEL")"
is_status "$status" 404 "a deployment of an unknown endpoint: 404"

# ---- PATCH a deployment: tags and sku only ---------------------------------
arm PATCH "$EP/deployments/green?$MV" -H "$J" --data '{"tags":{"t":"1"},"sku":{"capacity":3},"properties":{"model":"azureml:other:7"}}'
is_status "$status" 202 "PATCH a deployment: 202"
loc=$(hdr Location)
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 200 "its Location: 200 at the end"
is "$(jb '[.tags.t, .sku.capacity, .sku.name, .properties.model] | map(tostring) | join(" ")')" "1 3 Default azureml:$AML_DEMO_MODEL:1" \
    "tags and sku changed, the model did not"

# ---- traffic, and deleting ---------------------------------------------------
arm GET "$EP?$MV"
jq --arg d "$AML_DEMO_DEPLOYMENT" '{location, properties: (.properties | del(.scoringUri, .swaggerUri, .provisioningState) | .traffic = {($d): 90, green: 10})}' \
    "$TMP/body" >"$TMP/ep.json"
arm PUT "$EP?$MV" -H "$J" --data-binary "@$TMP/ep.json"
is_status "$status" 200 "move 10% to green with a PUT of the whole endpoint"
arm GET "$EP?$MV"
is "$(jq -c .properties.traffic "$TMP/body")" "{\"$AML_DEMO_DEPLOYMENT\":90,\"green\":10}" "the traffic is split"
arm DELETE "$EP/deployments/green?$MV"
is "$status $(jb .error.code)" "409 Conflict" "a deployment that takes traffic cannot be deleted"
like "$(jb .error.message)" "takes 10% of the traffic" "the message says why"
jq --arg d "$AML_DEMO_DEPLOYMENT" '.properties.traffic = {($d): 100, green: 0}' "$TMP/ep.json" >"$TMP/ep2.json"
arm PUT "$EP?$MV" -H "$J" --data-binary "@$TMP/ep2.json"
hold deployment "*/green"
arm DELETE "$EP/deployments/green?$MV"
is_status "$status" 202 "DELETE a deployment with no traffic: 202"
loc=$(hdr Location)
is "$(hdr Retry-After)" 10 "Retry-After"
arm GET "$EP/deployments/green?$MV"
is "$(jb .properties.provisioningState)" Deleting "Deleting while held"
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 202 "its Location: 202"
unhold
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 204 "then 204"
arm GET "$EP/deployments/green?$MV"
is "$status $(jb .error.code)" "404 ResourceNotFound" "and it is gone"
arm DELETE "$EP/deployments/green?$MV"
is_status "$status" 204 "DELETE of what is not there: 204"
arm DELETE "$W/onlineEndpoints/zero-ep?$MV"
is_status "$status" 202 "DELETE an endpoint: 202"
arm GET "$W/onlineEndpoints/zero-ep?$MV"
is_status "$status" 404 "gone"

# ---- getLogs and skus ----------------------------------------------------------
arm POST "$EP/deployments/$AML_DEMO_DEPLOYMENT/getLogs?$MV" -H "$J" --data '{"containerType":"StorageInitializer","tail":10}'
is_status "$status" 200 "getLogs"
like "$(jb .content)" "Downloading model $AML_DEMO_MODEL:1" "the storage initializer's log"
arm POST "$EP/deployments/$AML_DEMO_DEPLOYMENT/getLogs?$MV" -H "$J" --data '{"containerType":"Sidecar"}'
is "$status $(jb .error.target)" "400 containerType" "containerType is checked"
arm GET "$EP/deployments/$AML_DEMO_DEPLOYMENT/skus?$MV"
is "$status $(jb '.value[0].sku.name')" "200 Default" "skus"

# ---- lro faults: Failed, Canceled, Location only, Retry-After on polls -------------
emu faults -d '{"method":"PUT","path":"*/deployments/red","lro":"Failed","code":"ImageBuildFailure","message":"The image could not be built."}' >/dev/null
arm PUT "$EP/deployments/red?$MV" -H "$J" --data "$(dep red "$MODEL")"
is_status "$status" 201 "a PUT that will fail is accepted"
op=$(hdr Azure-AsyncOperation)
http GET "$op" -H "Authorization: Bearer $AT"
is "$(jb '[.status, .error.code, .error.message] | join(" ")')" "Failed ImageBuildFailure The image could not be built." \
    "the operation Failed with the fault's error"
arm GET "$EP/deployments/red?$MV"
is "$(jb .properties.provisioningState)" Failed "the deployment is Failed"
emu faults -d '{"method":"PATCH","path":"*/deployments/red","lro":"Canceled"}' >/dev/null
arm PATCH "$EP/deployments/red?$MV" -H "$J" --data '{"tags":{}}'
http GET "$(hdr Location)" -H "Authorization: Bearer $AT"
is "$status $(jb .error.code)" "400 OperationCanceled" "a canceled operation's Location answers its error"
emu faults -d '{"method":"PUT","path":"*/deployments/red","lroLocationOnly":true,"lroRetryAfter":3}' >/dev/null
hold deployment "*/red"
arm PUT "$EP/deployments/red?$MV" -H "$J" --data "$(dep red "$MODEL")"
is "$status $(hdr Azure-AsyncOperation)" "200 " "lroLocationOnly: no Azure-AsyncOperation"
loc=$(hdr Location)
like "$loc" "/mfeOperationResults/" "but Location"
http GET "$loc" -H "Authorization: Bearer $AT"
is "$status $(hdr Retry-After)" "202 3" "polls say the fault's Retry-After"
unhold
http GET "$loc" -H "Authorization: Bearer $AT"
is "$status $(jb .properties.provisioningState)" "200 Succeeded" "then the deployment"
http GET "$AML_ARM_ENDPOINT$SUB/providers/Microsoft.MachineLearningServices/locations/southcentralus/mfeOperationsStatus/00000000-0000-0000-0000-000000000000?$MV" \
    -H "Authorization: Bearer $AT"
is_status "$status" 404 "an unknown operation: 404"

# ---- paging ---------------------------------------------------------------------
emu config -d '{"pageSize":1}' >/dev/null
arm GET "$EP/deployments?$MV"
is "$(jb '.value | length')" 1 "a page of one"
next=$(jb .nextLink)
like "$next" "^$AML_ARM_ENDPOINT$EP/deployments\?api-version=2024-04-01&\\\$skipToken=1\$" "nextLink"
http GET "$next" -H "Authorization: Bearer $AT"
is "$(jb '.value[0].name')" red "the second page"
is "$(jb '.nextLink // "none"')" none "the last page has no nextLink"
arm GET "$EP/deployments?$MV&%24skipToken=x"
is_status "$status" 400 "a bad \$skipToken: 400"
emu config -d '{"pageSize":100}' >/dev/null

done_testing
