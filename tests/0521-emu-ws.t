#!/bin/sh
# aml-emulator: webServices GET, PUT, PATCH, DELETE, listKeys,
# CreateRegionalBlob, validation, readOnly, as the recorded service did.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0
ws_paths
AT=$(arm_token)
REC=$REF/sessionrecords-extract
J='Content-Type: application/json; charset=utf-8'

# GET: the recorded order of members, no secrets, CRLF.
arm GET "$WS?$V"
is_status "$status" 200 "GET the demo service"
is "$(jq -c 'keys_unsorted' "$TMP/body")" '["id","name","type","location","tags","properties"]' \
    "top-level members in order"
is "$(jb .id)" "$WS" "id"
is "$(jb .type)" Microsoft.MachineLearning/webServices "type"
is "$(jb .location)" "South Central US" "location, the display name"
is "$(jq -c '.properties | keys_unsorted' "$TMP/body")" \
    '["payloadsInBlobStorage","provisioningState","createdOn","modifiedOn","title","description","swaggerLocation","readOnly","realtimeConfiguration","diagnostics","storageAccount","machineLearningWorkspace","assets","input","output","packageType","exampleRequest","exposeSampleData","parameters","package"]' \
    "properties in the recorded order"
is "$(jq -c '.properties.package | keys_unsorted' "$TMP/body")" '["edges","graphParameters","nodes"]' \
    "package members in the recorded order"
is "$(jb '.properties | has("keys") or has("commitmentPlan") or (.storageAccount | has("key"))')" false \
    "no keys, commitment plan or storage key"
is "$(jb '[.properties.assets[] | select(.type == "Resource" and (.name | endswith("[trained model]")))] | length')" 1 \
    "one [trained model] Resource asset"
like "$(jb '.properties.assets[] | select(.type == "Resource") | .locationInfo.uri')" \
    "^$AML_EMULATOR_URL/blob/.*\\.ilearner\$" "it points at an .ilearner blob on loopback"
like "$(jb .properties.createdOn)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]{1,7})?Z$' \
    "createdOn has up to 7 fractional digits"
like "$(jb .properties.swaggerLocation)" '/subscriptions/[0-9a-f]{32}/services/[0-9a-f]{32}/swagger.json$' \
    "swaggerLocation as the service has it"
is "$(head -c 3 "$TMP/body" | od -An -c | tr -d ' ')" '{\r\n' "the body is indented with CRLF"
grep -q '^  "id": ' "$TMP/body"
ok $? "two-space indentation"

# Paths are case-insensitive.
lc=$(printf '%s' "$WS" | sed 's/resourceGroups/resourcegroups/; s/webServices/webservices/; s/Microsoft.MachineLearning/microsoft.machinelearning/')
arm GET "$lc?$V"
is_status "$status" 200 "lower-case path segments"
up=$(printf '%s' "$WS" | sed "s/$AML_DEMO_WS\$/$(printf '%s' "$AML_DEMO_WS" | tr a-z A-Z)/")
arm GET "$up?$V"
is_status "$status" 200 "the name in another case"
is "$(jb .name)" "$AML_DEMO_WS" "answers with the stored name"

# 404s, exactly as recorded.
arm GET "$WSL/nosuchservice?$V"
is_status "$status" 404 "an unknown service"
jq -r '.exchanges[] | select(.statusCode == 404 and (.requestUri | test("region") | not)) | .responseBody' \
    "$REC/webServices-exchanges.json" | sed 's/onesdk3495/nosuchservice/' >"$TMP/want404"
printf '\n' >>"$TMP/body"
same_file "$TMP/body" "$TMP/want404" "the 404 body is the recorded one, byte for byte"
arm GET "$SUB/resourceGroups/nosuchgroup/providers/Microsoft.MachineLearning/webServices/x?$V"
is_status "$status" 404 "an unknown group"
is "$(jb .error.code)" ResourceGroupNotFound "ResourceGroupNotFound"

# listKeys.
arm GET "$WS/listKeys?$V"
is_status "$status" 200 "listKeys"
is "$(jq -c 'keys_unsorted' "$TMP/body")" '["primary","secondary"]' "primary and secondary"
like "$(jb .primary)" '^[A-Za-z0-9+/]{86}==$' "keys are 88 characters of base64"

# PUT of the recorded PowerShell body (CRLF, 2-space, no id/name/type),
# its commitment plan the seeded one (the recording's is not here).
N=onesdk3495
on_demo_plan "$REC/TestCreateGetRemoveWebService.PUT.requestBody.json" >"$TMP/rec-put.json"
arm PUT "$WSL/$N?$V" -H "$J" --data-binary "@$TMP/rec-put.json"
is_status "$status" 201 "PUT of the recorded body creates: 201"
jq -r '.exchanges[0].responseBody' "$REC/webServices-exchanges.json" |
    sed "s#/subscriptions/d128f140-94e6-4175-87a7-954b9d27db16/resourceGroups/onesdk4711/#$RGP/#" \
    >"$TMP/want201"
printf '\n' >>"$TMP/body"
same_file "$TMP/body" "$TMP/want201" "the sparse 201 body is the recorded one"
like "$(hdr Azure-AsyncOperation)" \
    "^$AML_EMULATOR_URL$SUB/providers/Microsoft.MachineLearning/locations/southcentralus/operationsStatus/[0-9a-f-]{36}\\?api-version=2017-01-01\$" \
    "Azure-AsyncOperation names the operationsStatus resource"
is "$(hdr Azure-AsyncOperationPercentComplete)" 0 "PercentComplete 0"
is "$(hdr Location)" "" "no Location on PUT"
lro_wait "$(hdr Azure-AsyncOperation)"
is "$(jb .status)" Succeeded "the operation succeeds"
arm GET "$WSL/$N?$V"
is_status "$status" 200 "GET the new service"
is "$(jb .properties.provisioningState)" Succeeded "provisioningState Succeeded"
is "$(jb .properties.title)" "Some title (new contract)" "the definition is the one PUT"
like "$(jb '.properties.package.nodes.node1.parameters["Account Key"].certificateThumbprint')" '^[0-9A-F]{40}$' \
    "an encrypted parameter comes back under the service's own thumbprint"
test "$(jb '.properties.package.nodes.node1.parameters["Account Key"].value')" != ENCRYPTED_VALUE_1
ok $? "and re-encrypted"
is "$(jb '.properties.package.nodes.node1.parameters["Account Name"].value')" bohurp \
    "plain parameters are as sent"
cp "$TMP/body" "$TMP/get1.json"
arm GET "$WSL/$N/listKeys?$V"
is "$(jb .primary)" "$(jq -r .properties.keys.primary "$REC/TestCreateGetRemoveWebService.PUT.requestBody.json")" \
    "listKeys gives the keys PUT"

# A GET body sent back (PATCH of the whole thing) keeps the encrypted value.
jq '{properties: (.properties | del(.createdOn, .modifiedOn, .provisioningState, .swaggerLocation))}' \
    "$TMP/get1.json" >"$TMP/patchall.json"
arm PATCH "$WSL/$N?$V" -H "$J" --data-binary "@$TMP/patchall.json"
is_status "$status" 200 "PATCH with a whole GET body"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$WSL/$N?$V"
is "$(jb '.properties.package.nodes.node1.parameters["Account Key"]')" \
    "$(jq -r '.properties.package.nodes.node1.parameters["Account Key"]' "$TMP/get1.json")" \
    "an encrypted value taken from GET and sent back is understood"

# PUT over it: 200; PUT replaces (no keys given: new keys).
jq '.properties.title = "Replaced" | del(.properties.keys)' \
    "$REC/TestCreateGetRemoveWebService.PUT.requestBody.json" >"$TMP/put2.json"
arm PUT "$WSL/$N?$V" -H "$J" --data-binary "@$TMP/put2.json"
is_status "$status" 200 "PUT over an existing service: 200"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$WSL/$N?$V"
is "$(jb .properties.title)" Replaced "PUT replaced the definition"
arm GET "$WSL/$N/listKeys?$V"
test "$(jb .primary)" != "$(jq -r .properties.keys.primary "$REC/TestCreateGetRemoveWebService.PUT.requestBody.json")"
ok $? "PUT without keys generates new ones"

# PATCH as recorded (REC/Update): keys.primary alone, maxConcurrentCalls.
arm GET "$WSL/$N/listKeys?$V"
sec=$(jb .secondary)
arm GET "$WSL/$N?$V"
mod0=$(jb .properties.modifiedOn)
printf '{\r\n  "properties": {\r\n    "packageType": "Graph",\r\n    "keys": {\r\n      "primary": "highly secure key"\r\n    },\r\n    "readOnly": false,\r\n    "realtimeConfiguration": {\r\n      "maxConcurrentCalls": 30\r\n    }\r\n  }\r\n}' \
    >"$TMP/patch.json"
is "$(wc -c <"$TMP/patch.json" | tr -d ' ')" 213 "(the recorded 213-byte body)"
arm PATCH "$WSL/$N?$V" -H "$J" --data-binary "@$TMP/patch.json"
is_status "$status" 200 "PATCH: 200"
is "$(jq -c '[keys_unsorted, (.properties | keys_unsorted)]' "$TMP/body")" \
    '[["id","name","type","location","tags","properties"],["provisioningState"]]' "a sparse PATCH answer"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$WSL/$N/listKeys?$V"
is "$(jb .primary) $(jb .secondary)" "highly secure key $sec" "PATCH merged the primary key, kept the secondary"
arm GET "$WSL/$N?$V"
is "$(jb .properties.realtimeConfiguration.maxConcurrentCalls)" 30 "PATCH set maxConcurrentCalls"
is "$(jb .properties.title)" Replaced "and left the title"
test "$(jb .properties.modifiedOn)" != "$mod0"
ok $? "modifiedOn advanced"
is "$(jb .properties.commitmentPlan)" null "commitmentPlan still hidden"

# The trained model can be repointed by PATCH (the whole point).
arm PATCH "$WS?$V" -H "$J" \
    --data '{"properties":{"packageType":"Graph","assets":{"asset3":{"locationInfo":{"uri":"https://127.0.0.1/blob/new.ilearner"}}}}}'
is_status "$status" 200 "PATCH of one asset's uri"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$WS?$V"
is "$(jb .properties.assets.asset3.locationInfo.uri)" https://127.0.0.1/blob/new.ilearner "the uri changed"
is "$(jb .properties.assets.asset3.name)" "Adult Census Income Model [trained model]" "the rest of the asset stayed"

# PowerShell's Import fixture mixes PascalCase names: the service binds
# them without regard to case and answers in camelCase.
on_demo_plan "$REF/GraphWebServiceDefinition_Prod.json" >"$TMP/pascal.json"
arm PUT "$WSL/pascal?$V" -H "$J" --data-binary "@$TMP/pascal.json"
is_status "$status" 201 "PUT of a definition with PascalCase names"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$WSL/pascal?$V"
is "$(jb '.properties | [has("assets"), has("Assets"), has("package"), has("payloadsInBlobStorage")] | tostring')" \
    '[true,false,true,true]' "stored and answered in camelCase"
is "$(jb '.properties.assets | length')" \
    "$(jq -r '.properties.Assets | length' "$REF/GraphWebServiceDefinition_Prod.json")" "with every asset"

# Bodies with nulls (as the spec examples have them) are fine.
jq '.properties.exampleRequest.globalParameters = null | .properties.description = null' \
    "$TMP/rec-put.json" >"$TMP/nulls.json"
arm PUT "$WSL/withnulls?$V" -H "$J" --data-binary "@$TMP/nulls.json"
is_status "$status" 201 "PUT with null members"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$WSL/withnulls?$V"
is "$(jb '.properties | has("description")')" false "a null member is left out"

# Validation.
invalid() {	# STATUS CODE WHAT
	is_status "$status" "$1" "$3: $1"
	is "$(jb .error.code)" "$2" "$3: $2"
}
arm PUT "$WSL/x?$V" -H "$J"
invalid 400 InvalidRequestContent "an empty body"
arm PUT "$WSL/x?$V" -H "$J" --data '{"location": "South Central US",}'
invalid 400 InvalidRequestContent "a body that is not JSON"
like "$(jb .error.message)" 'line 1, position' "it says where"
arm PUT "$WSL/x?$V" -H "$J" --data '[1]'
invalid 400 InvalidRequestContent "a body that is not an object"
arm PUT "$WSL/x?$V" -H "$J" --data '{"properties":{"packageType":"Graph"}}'
invalid 400 LocationRequired "no location"
arm PUT "$WSL/x?$V" -H "$J" --data '{"location":"West US","properties":{"packageType":"Graph"}}'
invalid 400 LocationNotAvailableForResourceType "a region the provider was not in"
like "$(jb .error.message)" "southcentralus,westeurope,southeastasia,japaneast,eastus2,westcentralus" \
    "it lists the regions"
arm PUT "$WSL/x?$V" -H "$J" --data '{"location":"southcentralus"}'
invalid 400 BadRequest "no properties"
arm PUT "$WSL/x?$V" -H "$J" --data '{"location":"southcentralus","properties":{"title":"t"}}'
invalid 400 BadRequest "no packageType"
is "$(jb '.error.details[0].code + " " + .error.details[0].target')" \
    "InvalidWebServiceDefinition properties.packageType" "the detail names it"
arm PUT "$WSL/x?$V" -H "$J" --data '{"location":"southcentralus","properties":{"packageType":"Code"}}'
invalid 400 BadRequest "packageType Code"
arm PUT "$WSL/x?$V" -H "$J" --data '{"location":"southcentralus","properties":{"PackageType":"Graph"}}'
invalid 400 BadRequest "packageType spelled otherwise"
arm PUT "$WSL/x?$V" -H "$J" --data '{"location":"southcentralus","properties":{"packageType":"Graph","realtimeConfiguration":{"maxConcurrentCalls":2}}}'
invalid 400 BadRequest "maxConcurrentCalls below 4"
arm PUT "$WSL/x?$V" -H "$J" --data '{"location":"southcentralus","properties":{"packageType":"Graph","diagnostics":{}}}'
invalid 400 BadRequest "diagnostics without its level"
arm PUT "$WSL/x1?$V" -H "$J" --data '{"location":"southcentralus","properties":{"packageType":"Graph","diagnostics":{"level":"Verbose"}}}'
is_status "$status" 201 "a diagnostics level outside the enum is taken (modelAsString, as the service took format \"\")"
arm PUT "$WSL/x?$V" -H "$J" --data '{"location":"southcentralus","properties":{"packageType":"Graph","readOnly":"no"}}'
invalid 400 BadRequest "readOnly not a boolean"
arm PUT "$WSL/x?$V" -H "$J" --data '{"location":"southcentralus","properties":{"packageType":"Graph","package":{"nodes":{"n":{"assetId":"missing"}}}}}'
invalid 400 BadRequest "a node naming a missing asset"
is "$(jb .error.details[0].target)" properties.package.nodes.n.assetId "the detail names the reference"
arm PUT "$WSL/x?$V" -H "$J" --data '{"location":"southcentralus","properties":{"packageType":"Graph","assets":{"a":{"name":"n","type":"Module"}}}}'
invalid 400 BadRequest "an asset without locationInfo"
arm PUT "$WSL/x?$V" -H "$J" --data '{"location":"southcentralus","tags":"x","properties":{"packageType":"Graph"}}'
invalid 400 BadRequest "tags not an object"
arm PUT "$WSL/a%3Ab?$V" -H "$J" --data '{"location":"southcentralus","properties":{"packageType":"Graph"}}'
invalid 400 InvalidResourceName "a name with ':'"
arm PATCH "$WS?$V" -H "$J" --data '{"properties":{"title":"no package type"}}'
invalid 400 BadRequest "PATCH without packageType"
arm PATCH "$WS?$V" -H "$J" --data '{"properties":{"packageType":"Graph","realtimeConfiguration":{"maxConcurrentCalls":500}}}'
invalid 400 BadRequest "PATCH to an invalid definition"
arm PATCH "$WSL/nosuchservice?$V" -H "$J" --data '{"properties":{"packageType":"Graph"}}'
invalid 404 NotFound "PATCH of an unknown service"
arm PATCH "$WS?$V" -H "$J" --data 'nope'
invalid 400 InvalidRequestContent "PATCH with a body that is not JSON"
# PATCH ignores location (readOnly in PatchedResource), as the example sends it.
arm PATCH "$WS?$V" -H "$J" --data '{"location":"West US","properties":{"packageType":"Graph","title":"t2"}}'
is_status "$status" 200 "PATCH with a location is accepted"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$WS?$V"
is "$(jb .location)" "South Central US" "and the location is left alone"

# readOnly: once set, only DELETE.
arm PATCH "$WSL/$N?$V" -H "$J" --data '{"properties":{"packageType":"Graph","readOnly":true}}'
is_status "$status" 200 "PATCH readOnly true"
lro_wait "$(hdr Azure-AsyncOperation)"
arm PATCH "$WSL/$N?$V" -H "$J" --data '{"properties":{"packageType":"Graph","readOnly":false}}'
invalid 400 BadRequest "a read-only service refuses PATCH"
is "$(jb .error.details[0].code)" ReadOnlyWebService "ReadOnlyWebService"
arm PUT "$WSL/$N?$V" -H "$J" --data-binary "@$TMP/rec-put.json"
invalid 400 BadRequest "and PUT"

# DELETE: 202, empty, both headers; then 404.
arm DELETE "$WSL/$N?$V"
is_status "$status" 202 "DELETE: 202"
is "$(hdr Content-Length)" 0 "an empty body"
like "$(hdr Azure-AsyncOperation)" '/operationsStatus/[0-9a-f-]{36}\?api-version=2017-01-01$' "Azure-AsyncOperation"
like "$(hdr Location)" '/locations/southcentralus/operationresults/[0-9a-f-]{36}\?api-version=2017-01-01$' \
    "Location: operationresults"
lro_wait "$(hdr Azure-AsyncOperation)"
is "$(jb .status)" Succeeded "the delete succeeds"
arm GET "$WSL/$N?$V"
is_status "$status" 404 "then the service is gone"
is "$(jb .error.details[0].code)" WebServiceNotFound "WebServiceNotFound"
arm DELETE "$WSL/$N?$V"
is_status "$status" 202 "DELETE of a missing service is 202 too"
lro_wait "$(hdr Azure-AsyncOperation)"
is "$(jb .status)" Succeeded "and succeeds"

# CreateRegionalBlob and GET ?region= (REC/Regional).
arm GET "$WS?region=westcentralus&$V"
is_status "$status" 404 "a region without its blob"
is "$(jb .error.details[0].code)" PerRegionPayloadNotFound "PerRegionPayloadNotFound"
is "$(jb .error.details[0].message)" "Web Service Definition for region westcentralus was not found. Please use the same URL making a POST call and wait for it succeeded, then try GET again." \
    "the recorded message"
arm GET "$WS?region=southcentralus&$V"
is_status "$status" 200 "the service's own region needs no blob"
own=$(jb '.properties.package.nodes.node2.parameters["Account Key"].certificateThumbprint')
arm POST "$WS/CreateRegionalBlob?region=westcentralus&$V" -H 'Content-Type: application/x-www-form-urlencoded'
is_status "$status" 415 "an empty POST labelled as a form (libcurl's default): 415"
is "$(jb .error.code)" UnsupportedMediaType "UnsupportedMediaType"
is "$(jb .error.message)" "The content media type 'application/x-www-form-urlencoded' is not supported. Only 'application/json' is supported." \
    "in Resource Manager's words"
arm PATCH "$WS?$V" -H 'Content-Type: text/plain' --data '{"properties":{"packageType":"Graph"}}'
is_status "$status" 415 "a body as text/plain: 415"
arm POST "$WS/CreateRegionalBlob?$V"
is_status "$status" 400 "CreateRegionalBlob without region"
arm POST "$WS/CreateRegionalBlob?region=mars&$V"
is_status "$status" 400 "CreateRegionalBlob of a region that is not one"
arm POST "$WS/CreateRegionalBlob?region=westcentralus&$V"
is_status "$status" 202 "CreateRegionalBlob: 202"
is "$(jq -c '[.id, .name, (keys_unsorted), (.properties | keys_unsorted)]' "$TMP/body")" \
    "[\"$AML_DEMO_WS\",\"$AML_DEMO_WS\",[\"id\",\"name\",\"type\",\"location\",\"properties\"],[\"payloadsInBlobStorage\",\"provisioningState\"]]" \
    "the recorded body: id is the bare name, no tags"
is "$(hdr Location)" "" "no Location"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$WS?region=westcentralus&$V"
is_status "$status" 200 "then GET with the region works"
test "$(jb '.properties.package.nodes.node2.parameters["Account Key"].certificateThumbprint')" != "$own"
ok $? "with that region's thumbprint"
arm POST "$WS/CreateRegionalBlob?region=westcentralus&$VP"
is_status "$status" 400 "no CreateRegionalBlob in the preview"

# Concurrent operations on one service conflict.
emu config -d '{"lroMs":600000}' >/dev/null
arm PATCH "$WS?$V" -H "$J" --data '{"properties":{"packageType":"Graph","title":"slow"}}'
is_status "$status" 200 "a slow PATCH"
arm PATCH "$WS?$V" -H "$J" --data '{"properties":{"packageType":"Graph","title":"second"}}'
is_status "$status" 409 "a second one while it runs"
is "$(jb .error.details[0].code)" AnotherOperationInProgress "AnotherOperationInProgress"

done_testing
