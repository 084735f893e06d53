#!/bin/sh
# aml-emulator: the classic management API.  Web services and endpoints,
# endpoint PUT with the name rules and the limit, PATCH of the trained
# model with every check (resource name, extension, blob, SAS, default
# endpoint, training web service), the switch-over delay seen by GET and
# by scoring, DELETE, the workspace token and endpoint keys, help pages.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
. "$TESTS/lib-studio.sh"
studio_start
V='api-version=2.0'
SVC=$AML_DEMO_SCORE_SERVICE
TSVC=$AML_DEMO_TRAIN_SERVICE
ROWS=$TESTS/../examples/data/rows.json
RES=$AML_DEMO_RESOURCE
NO_RES="Sorry, but this feature is not supported or available in this context. This Web Service has no updatable resources. We apologize for the inconvenience and are working on improving this workflow."

err() {
	jb '.error.code + ": " + .error.message'
}

# Web services.
mgmt GET ""
is_status "$status" 200 "list web services"
is "$(jb 'map(.Name) | sort | join("|")')" "Adult Census Income|Adult Census Income [Predictive Exp.]" \
    "the training and the predictive web service"
is "$(jb '.[0] | keys | join(",")')" "CreationTime,DefaultEndpointName,Description,EndpointCount,Id,Name,WorkspaceId" \
    "with the documented members"
like "$(hdr x-ms-request-id)" '^[0-9a-f-]{36}$' "x-ms-request-id"
mgmt GET "/$SVC"
is "$(jb .DefaultEndpointName) $(jb .EndpointCount)" "default 1" "get one"
mgmt GET "/0123456789abcdef0123456789abcdef"
is "$status $(jb .error.code)" "404 WebServiceNotFound" "an unknown web service"
http GET "$AML_CLASSIC_ENDPOINT/workspaces/0123456789abcdef0123456789abcdef/webservices" \
    -H "Authorization: Bearer $WS_TOKEN"
is "$status $(jb .error.code)" "404 WorkspaceNotFound" "an unknown workspace"
http GET "$MGMT"
is "$status $(err)" "401 Unauthorized: The request couldn't be authorized. Verify that the right workspace / endpoint key is being sent, in an 'Authorization: Bearer ___' header." \
    "no token: 401"
http GET "$MGMT" -H "Authorization: Bearer $SCORE_KEY"
is_status "$status" 401 "an endpoint key does not list web services"

# Endpoints.
mgmt GET "/$SVC/endpoints"
is "$(jb 'map(.Name) | join(",")')" default "list endpoints"
mgmt GET "/$SVC/endpoints/default"
is "$(jb .PrimaryKey)" "$SCORE_KEY" "GET shows the keys"
is "$(jb .ApiLocation)" "$AML_DEMO_SCORE_URL" "and the ApiLocation"
is "$(jb '.Resources | length')" 0 "the default endpoint has no updatable resources"
mgmt GET "/$SVC/endpoints/nosuch"
is "$status $(jb .error.code)" "404 EndpointNotFound" "an unknown endpoint"

# PUT: the name rules.
for n in Upper under_score -lead trail- abcdefghijklmnopqrstuvwxy; do
	mgmt PUT "/$SVC/endpoints/$n" -H 'Content-Type: application/json' -d '{}'
	is "$status $(jb .error.code)" "400 BadRequest" "name $n is refused"
done
like "$(jb .error.message)" "^Invalid endpoint name 'abcdefghijklmnopqrstuvwxy'\\. The endpoint name is limited to 24 characters" \
    "saying why"
mgmt PUT "/$SVC/endpoints/new-1" -H 'Content-Type: application/json' -d '{"ThrottleLevel":"Medium"}'
is "$status $(jb .error.code)" "400 BadRequest" "ThrottleLevel Medium"
mgmt PUT "/$SVC/endpoints/new-1" -H 'Content-Type: application/json' \
    -d '{"Description":"retrained","ThrottleLevel":"Low","MaxConcurrentCalls":20}'
is_status "$status" 200 "PUT a new endpoint"
is "$(jb .Name) $(jb .ThrottleLevel) $(jb .MaxConcurrentCalls)" "new-1 Low 4" "Low caps the calls at 4"
is "$(jb '.Resources[0].Name')" "$RES" "it has the model's resource"
is "$(jb '.Resources[0].Location.RelativeLocation')" models/adult-census-income.ilearner \
    "locked on the web service's model"
NEWKEY=$(jb .PrimaryKey)
NEWURL=$(jb .ApiLocation)
printf '%s\n' "$NEWKEY" "$(jb .SecondaryKey)" >>"$TMP/secrets"
isnt_same() { [ "$1" != "$2" ]; }
isnt_same "$NEWURL" "$AML_DEMO_SCORE_URL"
ok $? "its own ApiLocation"
mgmt PUT "/$SVC/endpoints/new-1" -H 'Content-Type: application/json' \
    -d '{"ThrottleLevel":"High","MaxConcurrentCalls":50}'
is "$status $(jb .ThrottleLevel) $(jb .MaxConcurrentCalls)" "200 High 50" "PUT again updates it"
mgmt GET "/$SVC"
is "$(jb .EndpointCount)" 2 "two endpoints now"
mgmt PUT "/$SVC/endpoints/new-2" -H 'Content-Type: application/json' -d '{}'
is_status "$status" 200 "a third endpoint"
mgmt PUT "/$SVC/endpoints/new-3" -H 'Content-Type: application/json' -d '{}'
is "$status $(jb .error.code)" "400 BadRequest" "a fourth: over the limit"
like "$(jb .error.message)" 'already has 3 endpoints' "saying so"
emu studio -d '{"endpointLimit":4}' >/dev/null
mgmt PUT "/$SVC/endpoints/new-3" -H 'Content-Type: application/json' -d '{}'
is_status "$status" 200 "endpointLimit 4 allows it"

# An endpoint's key is good for that endpoint only.
http GET "$MGMT/$SVC/endpoints/new-1" -H "Authorization: Bearer $NEWKEY"
is_status "$status" 200 "an endpoint's own key reads it"
http GET "$MGMT/$SVC/endpoints/default" -H "Authorization: Bearer $NEWKEY"
is_status "$status" 401 "not another endpoint"

# DELETE.
mgmt DELETE "/$SVC/endpoints/new-3"
is_status "$status" 204 "DELETE an endpoint"
mgmt GET "/$SVC/endpoints/new-3"
is "$status $(jb .error.code)" "404 EndpointNotFound" "gone"
mgmt DELETE "/$SVC/endpoints/default"
is "$status $(jb .error.code)" "400 BadRequest" "the default endpoint stays"

# PATCH.
train models/classic.ilearner
is "$(jq -r .StatusCode "$TMP/result.json")" Finished "a retrained model"
jq --arg n "$RES" '{Resources: [{Name: $n, Location: (.Results.output1 | {BaseLocation, RelativeLocation, SasBlobToken})}]}' \
    "$TMP/result.json" >"$TMP/patch.json"
patch() {	# patch EDIT ENDPOINT [SERVICE]
	jq "$1" "$TMP/patch.json" >"$TMP/p.json"
	mgmt PATCH "/${3:-$SVC}/endpoints/$2" -H 'Content-Type: application/json' --data-binary "@$TMP/p.json"
}
patch . default
is "$status $(err)" "400 BadRequest: $NO_RES" "PATCH the default endpoint: no updatable resources"
mgmt PUT "/$TSVC/endpoints/tr" -H 'Content-Type: application/json' -d '{}'
is "$(jb '.Resources | length')" 0 "an endpoint of the training web service has no resources"
patch . tr "$TSVC"
is "$status $(err)" "400 BadRequest: $NO_RES" "PATCH it: no updatable resources"
patch '.Resources[0].Name = "Adult Census Income [trained model]"' new-1
is "$status $(err)" "400 BadRequest: Resource 'Adult Census Income [trained model]' is not an updatable resource of this endpoint. Updatable resources: '$RES'." \
    "a wrong resource name"
patch '.Resources[0].Name = ""' new-1
is "$status $(err)" "400 BadRequest: Resource name is empty string" "an empty resource name"
patch '.Resources[0].Location.RelativeLocation = "models/classic.csv"' new-1
is "$status $(jb .error.code)" "400 InvalidBlobExtension" "not .ilearner"
patch '.Resources[0].Location.RelativeLocation = "models/nosuch.ilearner"' new-1
is "$status $(jb .error.code)" "400 InvalidBlob" "a blob SAS does not read another blob"
like "$(jb .error.message)" 'Azure error code: AuthenticationFailed' "saying why"
patch '.Resources[0].Location.SasBlobToken = "'"$SAS"'" | .Resources[0].Location.RelativeLocation = "data/nosuch.ilearner"' new-1
is "$status $(jb .error.code)" "400 BlobNotFound" "a blob that does not exist"
like "$(jb .error.message)" 'The specified blob does not exist' "saying so"
upload "$TESTS/../examples/data/census-2024.csv" data/fake.ilearner
patch '.Resources[0].Location.SasBlobToken = "'"$SAS"'" | .Resources[0].Location.RelativeLocation = "data/fake.ilearner"' new-1
is "$status $(jb .error.code)" "400 InvalidBlob" "a blob that is not a model"
patch '.Resources[0].Location.SasBlobToken |= sub("sig=[^&]*"; "sig=Zm9yZ2Vk")' new-1
is "$status $(jb .error.code)" "400 InvalidBlob" "a forged SAS"
patch 'del(.Resources[0].Location.SasBlobToken)' new-1
is "$status $(jb .error.code)" "400 InvalidBlob" "no SAS"
patch '.Resources = {}' new-1
is "$status $(jb .error.code)" "400 BadRequest" "Resources not a list"
emu studio -d '{"sasTtl":-60}' >/dev/null
bes GET "/jobs/$(jq -r .JobId "$TMP/result.json")?$V"
jq --arg n "$RES" '{Resources: [{Name: $n, Location: (.Results.output1 | {BaseLocation, RelativeLocation, SasBlobToken})}]}' \
    "$TMP/body" >"$TMP/expired.json"
sas_secret "$(jb .Results.output1.SasBlobToken)"
mgmt PATCH "/$SVC/endpoints/new-1" -H 'Content-Type: application/json' --data-binary "@$TMP/expired.json"
is "$status $(jb .error.code)" "400 ExpiryTimeInThePast" "an expired SAS"
like "$(jb .error.message)" '^Expiry time provided is in the past: [0-9-]+T[0-9:]+Z\. ' "its message"
emu studio -d '{"sasTtl":3600}' >/dev/null

# The switch-over: GET and scoring keep the old model a while (here
# HELD_MS, until the clock is moved past it).
emu studio -d "{\"switchMs\":$HELD_MS}" >/dev/null
printf 'header = "Authorization: Bearer %s"\n' "$NEWKEY" >"$TMP/ep.cfg"
http POST "$NEWURL/execute?$V&details=true" -K "$TMP/ep.cfg" -H 'Content-Type: application/json' \
    --data-binary "@$ROWS"
cp "$TMP/body" "$TMP/old-scores.json"
patch . new-1
is_status "$status" 204 "PATCH the added endpoint: 204"
mgmt GET "/$SVC/endpoints/new-1"
is "$(jb '.Resources[0].Location.RelativeLocation')" models/adult-census-income.ilearner \
    "right after, GET shows the old model"
http POST "$NEWURL/execute?$V&details=true" -K "$TMP/ep.cfg" -H 'Content-Type: application/json' \
    --data-binary "@$ROWS"
same_file "$TMP/body" "$TMP/old-scores.json" "and scoring uses it"
clock_release
mgmt GET "/$SVC/endpoints/new-1"
is "$(jb '.Resources[0].Location.RelativeLocation')" models/classic.ilearner "after the switch-over, the new one"
http POST "$NEWURL/execute?$V&details=true" -K "$TMP/ep.cfg" -H 'Content-Type: application/json' \
    --data-binary "@$ROWS"
cmp -s "$TMP/body" "$TMP/old-scores.json"
is $? 1 "and scoring uses it"
printf 'header = "Authorization: Bearer %s"\n' "$SCORE_KEY" >"$TMP/def.cfg"
http POST "$AML_DEMO_SCORE_URL/execute?$V&details=true" -K "$TMP/def.cfg" \
    -H 'Content-Type: application/json' --data-binary "@$ROWS"
same_file "$TMP/body" "$TMP/old-scores.json" "the default endpoint is unchanged"
clock_back
mgmt PATCH "/$SVC/endpoints/new-1" -H 'Content-Type: application/json' -d '{"Description":"nightly"}'
is_status "$status" 204 "PATCH a description"
mgmt GET "/$SVC/endpoints/new-1"
is "$(jb .Description)" nightly "it is set"

# The help page.
http GET "$(jb .HelpLocation)"
is_status "$status" 200 "the help page"
grep -F -q "PATCH $MGMT/$SVC/endpoints/new-1" "$TMP/body"
ok $? "shows the PATCH URL"
grep -F -q "$RES" "$TMP/body"
ok $? "and the updatable resource"

# Faults in the management shape.
emu faults -d '{"path":"/workspaces/*/webservices","status":500}' >/dev/null
mgmt GET ""
is "$status $(jb .error.code)" "500 InternalServerError" "an injected 500"

no_secrets
done_testing
