#!/bin/sh
# aml-emulator: the end of a classic endpoint's life and its refresh, as
# azuremlps's Remove-AmlWebServiceEndpoint and Refresh-AmlWebServiceEndpoint
# call them: DELETE (the default endpoint only when it is the last), POST
# .../refresh with {"OverwriteResources": "True"|"False"} (the graph, and
# with it the trained models, of the web service as it is now; 304 when
# nothing changes; never the default endpoint), after a re-publish of the
# web service (/_emu/studio/publish) that moves the default endpoint alone.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
. "$TESTS/lib-studio.sh"
studio_start
# PATCHes take effect at once unless a test holds them.
emu studio -d '{"switchMs":0}' >/dev/null
V='api-version=2.0'
SVC=$AML_DEMO_SCORE_SERVICE
TSVC=$AML_DEMO_TRAIN_SERVICE
ROWS=$TESTS/../examples/data/rows.json
RES=$AML_DEMO_RESOURCE
J='Content-Type: application/json'
SEED_MODEL=models/adult-census-income.ilearner

err() {
	jb '.error.code + ": " + .error.message'
}

refresh() {	# refresh ENDPOINT BODY [SERVICE]: as azuremlps sends it
	: >"$TMP/body"	# curl leaves it alone on a 304
	mgmt POST "/${3:-$SVC}/endpoints/$1/refresh" -H "$J" --data-binary "$2"
}

model_of() {	# model_of ENDPOINT: the RelativeLocation GET shows
	mgmt GET "/$SVC/endpoints/$1"
	jb '.Resources[0].Location.RelativeLocation'
}

score() {	# score APILOCATION KEY OUT: RRS with the endpoint's key
	printf 'header = "Authorization: Bearer %s"\n' "$2" >"$TMP/key.cfg"
	http POST "$1/execute?$V&details=true" -K "$TMP/key.cfg" -H "$J" --data-binary "@$ROWS"
	cp "$TMP/body" "$3"
}

new_endpoint() {	# new_endpoint NAME [SERVICE]: its key in $KEY, URL in $URL
	mgmt PUT "/${2:-$SVC}/endpoints/$1" -H "$J" -d '{}'
	KEY=$(jb .PrimaryKey)
	URL=$(jb .ApiLocation)
	printf '%s\n' "$KEY" "$(jb .SecondaryKey)" >>"$TMP/secrets"
}

# Two retrained models, while the training web service has its endpoint.
train models/m1.ilearner
is "$(jq -r .StatusCode "$TMP/result.json")" Finished "a retrained model"
train models/m2.ilearner
jq --arg n "$RES" '{Resources: [{Name: $n, Location: (.Results.output1 | {BaseLocation, RelativeLocation, SasBlobToken})}]}' \
    "$TMP/result.json" >"$TMP/patch.json"
is "$(jq -r '.Resources[0].Location.RelativeLocation' "$TMP/patch.json")" models/m2.ilearner "and another"

# ---- DELETE -----------------------------------------------------------

new_endpoint ep1
is_status "$status" 200 "an added endpoint"
EP1KEY=$KEY
EP1URL=$URL
mgmt DELETE "/$SVC/endpoints/default"
is "$status $(err)" "400 BadRequest: The default endpoint of a web service cannot be deleted while the web service has other endpoints. Delete them first." \
    "the default endpoint stays while there are others"
mgmt GET "/$SVC/endpoints/default"
is_status "$status" 200 "and is still there"
http DELETE "$MGMT/$SVC/endpoints/ep1"
is "$status $(jb .error.code)" "401 Unauthorized" "DELETE needs a bearer"
new_endpoint ep2
http DELETE "$MGMT/$SVC/endpoints/ep1" -H "Authorization: Bearer $KEY"
is_status "$status" 401 "another endpoint's key does not delete it"
printf 'header = "Authorization: Bearer %s"\n' "$EP1KEY" >"$TMP/ep1.cfg"
http DELETE "$MGMT/$SVC/endpoints/ep1" -K "$TMP/ep1.cfg"
is_status "$status" 204 "its own key does"
is "$(wc -c <"$TMP/body" | tr -d ' ')" 0 "with no body"
mgmt GET "/$SVC/endpoints/ep1"
is "$status $(jb .error.code)" "404 EndpointNotFound" "it is gone"
mgmt DELETE "/$SVC/endpoints/ep1"
is "$status $(err)" "404 EndpointNotFound: Endpoint 'ep1' not found in web service $SVC. Verify the endpoint name is correct and try again." \
    "a second DELETE: 404"
score "$EP1URL" "$EP1KEY" "$TMP/gone.json"
is "$status $(jb '.error.details[0].code')" "404 WebServiceNotFound" "its ApiLocation scores no more"
mgmt DELETE "/0123456789abcdef0123456789abcdef/endpoints/ep2"
is "$status $(jb .error.code)" "404 WebServiceNotFound" "an unknown web service"
mgmt GET "/$SVC"
is "$(jb .EndpointCount)" 2 "EndpointCount follows"
mgmt DELETE "/$SVC/endpoints/ep2"
is_status "$status" 204 "the other added endpoint"

# The training web service: its default endpoint goes once it is alone.
new_endpoint tr1 "$TSVC"
mgmt DELETE "/$TSVC/endpoints/default"
is_status "$status" 400 "not while tr1 is there"
mgmt DELETE "/$TSVC/endpoints/tr1"
mgmt DELETE "/$TSVC/endpoints/default"
is_status "$status" 204 "the default endpoint, alone, can be deleted"
mgmt GET "/$TSVC"
is "$(jb .EndpointCount) $(jb .DefaultEndpointName)" "0 default" "the web service stays, with no endpoint"
mgmt GET "/$TSVC/endpoints"
is_status "$status" 204 "its endpoint list is empty"
bes POST "/jobs?$V" -H "$J" -d '{}'
is "$status $(jb '.error.details[0].code')" "404 WebServiceNotFound" "the deleted default's API is gone"
new_endpoint tr2 "$TSVC"
is "$status $(jb '.Resources | length')" "200 0" "an endpoint can be added again"

# ---- refresh ----------------------------------------------------------

new_endpoint r1
R1KEY=$KEY
R1URL=$URL
refresh r1 '{"OverwriteResources": "False"}'
is "$status $(wc -c <"$TMP/body" | tr -d ' ')" "304 0" "a fresh endpoint: no change detected (304)"
refresh r1 '{"OverwriteResources": "True"}'
is_status "$status" 304 "not with OverwriteResources either"
refresh default '{"OverwriteResources": "True"}'
is "$status $(err)" "400 BadRequest: The default endpoint of a web service cannot be refreshed: it always runs what the web service publishes." \
    "the default endpoint cannot be refreshed"
refresh nosuch '{"OverwriteResources": "False"}'
is "$status $(jb .error.code)" "404 EndpointNotFound" "an unknown endpoint"
http POST "$MGMT/$SVC/endpoints/r1/refresh" -H "$J" -d '{"OverwriteResources": "False"}'
is_status "$status" 401 "refresh needs a bearer"
refresh r1 '{"OverwriteResources": "yes"}'
is "$status $(err)" "400 BadRequest: OverwriteResources must be True or False." "OverwriteResources is True or False"
refresh r1 '{"OverwriteResources": '
is "$status $(jb .error.code)" "400 BadRequest" "a body that is not JSON"
refresh r1 '{"OverwriteResources": true}'
is_status "$status" 304 "a JSON boolean is taken"
mgmt POST "/$SVC/endpoints/r1/refresh"
is_status "$status" 304 "no body: False"

# A retrained model, published with the web service: only the default
# endpoint follows.
score "$AML_DEMO_SCORE_URL" "$SCORE_KEY" "$TMP/m0.json"
emu studio/publish -d '{"model":"models/m1.ilearner"}' >"$TMP/pub.json"
is "$(jq -r '.resources[0].Location.RelativeLocation' "$TMP/pub.json")" models/m1.ilearner \
    "/_emu/studio/publish re-publishes the predictive web service"
VERSION=$(jq -r .version "$TMP/pub.json")
score "$AML_DEMO_SCORE_URL" "$SCORE_KEY" "$TMP/m1.json"
cmp -s "$TMP/m0.json" "$TMP/m1.json"
is $? 1 "the default endpoint scores with the new model"
score "$R1URL" "$R1KEY" "$TMP/r1.json"
same_file "$TMP/r1.json" "$TMP/m0.json" "an added endpoint keeps the old one"
mgmt GET "/$SVC/endpoints/default"
is "$(jb .Version)" "$VERSION" "the default endpoint's Version is the publication's"
mgmt GET "/$SVC/endpoints/r1"
r1v=$(jb .Version)
test "$r1v" != "$VERSION"
ok $? "r1's is not"

# Without OverwriteResources: the graph, not the trained model.
printf 'header = "Authorization: Bearer %s"\n' "$R1KEY" >"$TMP/r1.cfg"
http POST "$MGMT/$SVC/endpoints/r1/refresh" -K "$TMP/r1.cfg" -H "$J" -d '{"OverwriteResources": "False"}'
is "$status $(wc -c <"$TMP/body" | tr -d ' ')" "204 0" "refresh with the endpoint's own key: 204"
mgmt GET "/$SVC/endpoints/r1"
is "$(jb .Version) $(jb '.Resources[0].Location.RelativeLocation')" "$VERSION $SEED_MODEL" \
    "r1 runs the new graph with its own trained model"
score "$R1URL" "$R1KEY" "$TMP/r1.json"
same_file "$TMP/r1.json" "$TMP/m0.json" "and scores as before"
refresh r1 '{"OverwriteResources": "False"}'
is_status "$status" 304 "again: no change"

# With it: the trained model of the predictive experiment too.
refresh r1 '{"OverwriteResources": "True"}'
is_status "$status" 204 "OverwriteResources True: 204"
is "$(model_of r1)" models/m1.ilearner "the trained model is the web service's"
score "$R1URL" "$R1KEY" "$TMP/r1.json"
same_file "$TMP/r1.json" "$TMP/m1.json" "r1 scores as the default endpoint"
refresh r1 '{"OverwriteResources": "True"}'
is_status "$status" 304 "again: no change"

# A PATCH waiting for its switch-over is dropped by an overwrite, kept
# otherwise (held with switchMs, checked by moving the clock past it).
emu studio -d '{"switchMs":3600000}' >/dev/null
mgmt PATCH "/$SVC/endpoints/r1" -H "$J" --data-binary "@$TMP/patch.json"
is_status "$status" 204 "PATCH r1 to a third model (held)"
refresh r1 '{"OverwriteResources": "False"}'
is_status "$status" 304 "a refresh without overwrite leaves the PATCH alone"
new_endpoint r2
mgmt PATCH "/$SVC/endpoints/r2" -H "$J" --data-binary "@$TMP/patch.json"
refresh r2 '{"OverwriteResources": "True"}'
is_status "$status" 204 "with overwrite it is a change, though the model is the same"
emu config -d '{"clockSkew":7200}' >/dev/null
is "$(model_of r1)" models/m2.ilearner "r1's PATCH took effect later"
is "$(model_of r2)" models/m1.ilearner "r2's did not: the refresh dropped it"
emu config -d '{"clockSkew":0}' >/dev/null
emu studio -d '{"switchMs":0}' >/dev/null

# A training web service's endpoint: the graph only.
refresh tr2 '{"OverwriteResources": "True"}' "$TSVC"
is_status "$status" 304 "a training endpoint, up to date"
emu studio/publish -d "{\"service\":\"$TSVC\"}" >/dev/null
refresh tr2 '{"OverwriteResources": "True"}' "$TSVC"
is_status "$status" 204 "after the training web service is re-published"
mgmt GET "/$TSVC/endpoints/tr2"
is "$(jb '.Resources | length')" 0 "still without updatable resources"

# /_emu/studio/publish refuses what it cannot do.
http POST "$AML_EMULATOR_URL/_emu/studio/publish" -d "{\"service\":\"$TSVC\",\"model\":\"models/m1.ilearner\"}"
is "$status $(jb .error.message)" "400 a training web service publishes no trained model" \
    "a model for a training web service"
http POST "$AML_EMULATOR_URL/_emu/studio/publish" -d '{"model":"models/nosuch.ilearner"}'
is "$status $(jb .error.message)" "400 there is no blob models/nosuch.ilearner in amlemustore" \
    "a blob that is not there"
upload "$TESTS/../examples/data/census-2024.csv" data/fake.ilearner
http POST "$AML_EMULATOR_URL/_emu/studio/publish" -d '{"model":"data/fake.ilearner"}'
is_status "$status" 400 "a blob that is not a model"
http POST "$AML_EMULATOR_URL/_emu/studio/publish" -d '{"model":"models/x.csv"}'
is_status "$status" 400 "not an .ilearner"
http POST "$AML_EMULATOR_URL/_emu/studio/publish" -d '{"service":"0123"}'
is "$status $(jb .error.code)" "404 WebServiceNotFound" "an unknown web service"
http POST "$AML_EMULATOR_URL/_emu/studio/publish" -d '{"model":1}'
is_status "$status" 400 "model is a string"

# The predictive web service's last endpoint: what it publishes outlives
# the default endpoint, and a new endpoint starts from it.
for e in r1 r2; do
	mgmt DELETE "/$SVC/endpoints/$e"
done
mgmt DELETE "/$SVC/endpoints/default"
is_status "$status" 204 "the predictive default endpoint, alone, is deleted"
score "$AML_DEMO_SCORE_URL" "$SCORE_KEY" "$TMP/none.json"
is_status "$status" 404 "its API is gone"
new_endpoint after
is "$(jb '.Resources[0].Name') $(jb '.Resources[0].Location.RelativeLocation')" "$RES models/m1.ilearner" \
    "an endpoint added then runs the published model"
score "$URL" "$KEY" "$TMP/after.json"
same_file "$TMP/after.json" "$TMP/m1.json" "and scores with it"
emu studio/publish -d '{"model":"models/m2.ilearner"}' >/dev/null
refresh after '{"OverwriteResources": "True"}'
is "$status $(model_of after)" "204 models/m2.ilearner" "a refresh takes a publication made without a default endpoint"

# Faults apply to both calls, in the management API's shape.
emu faults -d '{"method":"POST","path":"/workspaces/*/webservices/*/endpoints/*/refresh","status":503,"count":1}' >/dev/null
refresh after '{"OverwriteResources": "False"}'
is "$status $(jb .error.code)" "503 ServiceUnavailable" "an injected 503 on refresh"
emu faults -d '{"method":"DELETE","path":"/workspaces/*","status":500,"count":1}' >/dev/null
mgmt DELETE "/$SVC/endpoints/after"
is "$status $(jb .error.code)" "500 InternalServerError" "an injected 500 on DELETE"
mgmt GET "/$SVC/endpoints/after"
is_status "$status" 200 "which deleted nothing"
mgmt DELETE "/$SVC/endpoints/after"
is_status "$status" 204 "the next DELETE does"

no_secrets
done_testing
