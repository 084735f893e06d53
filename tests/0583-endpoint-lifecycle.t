#!/bin/sh
# aml-rm-endpoint and aml-refresh-endpoint: an added endpoint removed and
# refreshed (with and without --overwrite-resources, 304 "no change");
# the default endpoint refused before anything is sent while others
# exist, removed when it is the last; unknown endpoints, the endpoint's
# own key, 401, 429, 5xx, dropped connections, -m; usage errors.  What
# each prints is one JSON object (2-space, -c one line): what was
# removed, and whether a refresh refreshed.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
. "$TESTS/lib-studio.sh"
studio_start
emu studio -d '{"switchMs":0}' >/dev/null
export AML_RETRY_MAX=1
T=$AML_DEMO_WORKSPACE_TOKEN_FILE
W=$AML_DEMO_WORKSPACE_ID
S=$AML_DEMO_SCORE_SERVICE
EPS="/workspaces/$W/webservices/$S/endpoints"
RID='\[request-id [0-9a-f-]+\]'

last_requests() {	# the method and path of each request since the last clear
	emu requests | jq -r '.[] | "\(.method) \(.path)"'
}

srun aml-add-endpoint -w "$W" --service "$S" -k "$T" -K "$TMP/one.key" one
expect_ok "an endpoint to work on"
key_secret "$TMP/one.key"
srun aml-add-endpoint -w "$W" --service "$S" -k "$T" two
expect_ok "and another"
ONEURL=$(aml-get-endpoint -w "$W" --service "$S" -k "$T" --patch-url one)

# ---- refresh ----------------------------------------------------------

emu requests -X DELETE
# said NAME REFRESHED OVERWRITE [REASON]: what aml-refresh-endpoint
# prints, 2-space JSON.
said() {
	printf '{\n  "name": "%s",\n  "webService": "%s",\n  "workspace": "%s",\n  "refreshed": %s,\n  "overwriteResources": %s' \
	    "$1" "$S" "$W" "$2" "$3"
	[ $# -gt 3 ] && printf ',\n  "reason": "%s"' "$4"
	printf '\n}\n'
}

srun aml-refresh-endpoint -w "$W" --service "$S" -k "$T" one
expect_ok "refresh an endpoint that is up to date"
said one false false "no change detected" >"$TMP/want"
same_file "$TMP/out" "$TMP/want" "304: refreshed false, no change detected"
is "$(last_requests)" "GET /workspaces/$W/webservices/$S
GET $EPS/one
POST $EPS/one/refresh" "the web service, the endpoint, then the refresh"
is "$(emu requests | jq -r '.[2].bodySize')" 30 'the body {"OverwriteResources":"False"}, as the cmdlet sends it'

emu studio/publish -d '{}' >/dev/null
srun aml-refresh-endpoint -w "$W" --service "$S" -k "$T" one
expect_ok "refresh after the web service is re-published"
said one true false >"$TMP/want"
same_file "$TMP/out" "$TMP/want" "refreshed true"
srun aml-refresh-endpoint -c -w "$W" --service "$S" -k "$T" one
is "$(cat "$TMP/out")" "{\"name\":\"one\",\"webService\":\"$S\",\"workspace\":\"$W\",\"refreshed\":false,\"overwriteResources\":false,\"reason\":\"no change detected\"}" \
    "once (-c: on one line)"

# A retrained model published with the web service: a refresh takes the
# graph and keeps the endpoint's model; --overwrite-resources takes the
# model too.
model_of() {
	mgmt GET "/$S/endpoints/$1"
	jb '.Resources[0].Location.RelativeLocation'
}
train models/m1.ilearner
emu studio/publish -d '{"model":"models/m1.ilearner"}' >/dev/null
srun aml-refresh-endpoint -w "$W" --service "$S" -k "$T" one
is "$(jq -c '[.refreshed, .overwriteResources]' "$TMP/out")" "[true,false]" "refreshed after a publication with a new model"
isnt_m1=$(model_of one)
is "$([ "$isnt_m1" != models/m1.ilearner ] && echo kept)" kept "without --overwrite-resources its model stays"
emu requests -X DELETE
srun aml-refresh-endpoint --overwrite-resources -U "$ONEURL" -k "$T"
expect_ok "--overwrite-resources, the endpoint by -U"
said one true true >"$TMP/want"
same_file "$TMP/out" "$TMP/want" "says the models came too (overwriteResources), the names from the URL"
is "$(model_of one)" models/m1.ilearner "the endpoint runs the published model"
is "$(emu requests | jq -r '[.[] | select(.method == "POST")][0].bodySize')" 29 'the body {"OverwriteResources":"True"}'

srun aml-refresh-endpoint -w "$W" --service "$S" -k "$T" default
expect_fail 1 "^aml-refresh-endpoint: endpoint default: the default endpoint of web service $S always runs what the web service publishes, and cannot be refreshed; nothing sent\$" \
    "the default endpoint: refused"
is "$(emu requests | jq -r '[.[] | select(.method == "POST")] | length')" 1 "before anything is sent"

emu requests -X DELETE
srun aml-refresh-endpoint -U "$ONEURL" -k "$TMP/one.key"
expect_ok "the endpoint's own key (it cannot read the web service)"
is "$(jq -r '.name + " " + (.refreshed | tostring)' "$TMP/out")" "one false" "(nothing new: not refreshed)"
is "$(last_requests | head -1)" "GET /workspaces/$W/webservices/$S" "it tried"

srun aml-refresh-endpoint -w "$W" --service "$S" -k "$T" nosuch
expect_fail 1 "^aml-refresh-endpoint: GET $EPS/nosuch: HTTP 404 EndpointNotFound: Endpoint 'nosuch' not found in web service $S\\..* $RID\$" \
    "an unknown endpoint"
srun aml-refresh-endpoint -w "$W" --service nosuch -k "$T" one
expect_fail 1 "^aml-refresh-endpoint: GET /workspaces/$W/webservices/nosuch: HTTP 404 WebServiceNotFound: " \
    "an unknown web service"
printf 'not-the-token\n' >"$TMP/bad.key"
srun aml-refresh-endpoint -w "$W" --service "$S" -k "$TMP/bad.key" one
expect_fail 3 "^aml-refresh-endpoint: GET $EPS/one: HTTP 401 Unauthorized" "a key that is refused: exit 3"

emu faults -d "{\"method\":\"POST\",\"path\":\"*/endpoints/one/refresh\",\"status\":500,\"count\":1}" >/dev/null
srun aml-refresh-endpoint -q -w "$W" --service "$S" -k "$T" one
expect_fail 1 "^aml-refresh-endpoint: POST $EPS/one/refresh: HTTP 500 " "a 500 on the refresh: not repeated (a POST)"
emu faults -X DELETE
emu faults -d "{\"method\":\"POST\",\"path\":\"*/endpoints/one/refresh\",\"status\":429,\"retryAfter\":0,\"count\":1}" >/dev/null
srun aml-refresh-endpoint -q -w "$W" --service "$S" -k "$T" one
expect_ok "a 429 on the refresh: repeated (it was not carried out)"
emu faults -X DELETE
emu faults -d "{\"method\":\"POST\",\"path\":\"*/endpoints/one/refresh\",\"drop\":\"after-body\",\"count\":9}" >/dev/null
srun aml-refresh-endpoint -q -w "$W" --service "$S" -k "$T" one
expect_fail 1 "^aml-refresh-endpoint: POST $EPS/one/refresh: .*; the request reached the server, so it may have taken effect: check with aml-get-endpoint\$" \
    "a dropped connection after the POST: may have taken effect"
emu faults -X DELETE
emu faults -d "{\"method\":\"GET\",\"path\":\"*/endpoints/one\",\"delayMs\":60000,\"count\":9}" >/dev/null
srun aml-refresh-endpoint -q -m 2 -w "$W" --service "$S" -k "$T" one
expect_fail 1 "^aml-refresh-endpoint: GET $EPS/one: " "-m: the whole program's limit"
emu faults -X DELETE

# ---- remove -----------------------------------------------------------

emu requests -X DELETE
srun aml-rm-endpoint -w "$W" --service "$S" -k "$T" default
expect_fail 1 "^aml-rm-endpoint: endpoint default: the default endpoint of web service $S, which the service removes only when it is the last; nothing sent: remove the others first \\(one, two\\)\$" \
    "the default endpoint while others exist: refused, naming them"
is "$(emu requests | jq -r '[.[] | select(.method == "DELETE")] | length')" 0 "nothing deleted"

emu faults -d "{\"method\":\"DELETE\",\"path\":\"*/endpoints/two\",\"status\":503,\"count\":9}" >/dev/null
srun aml-rm-endpoint -q -w "$W" --service "$S" -k "$T" two
expect_fail 1 "^aml-rm-endpoint: DELETE $EPS/two: HTTP 503 " "a 503 that lasts"
emu faults -X DELETE
emu faults -d "{\"method\":\"DELETE\",\"path\":\"*/endpoints/two\",\"drop\":\"after-body\",\"count\":9}" >/dev/null
srun aml-rm-endpoint -q -w "$W" --service "$S" -k "$T" two
expect_fail 1 "may have taken effect: check with aml-get-endpoint\$" "a dropped DELETE"
emu faults -X DELETE

srun aml-rm-endpoint -w "$W" --service "$S" -k "$T" two
expect_ok "remove an added endpoint"
printf '{\n  "name": "two",\n  "webService": "%s",\n  "workspace": "%s",\n  "deleted": true,\n  "default": false\n}\n' \
    "$S" "$W" >"$TMP/want"
same_file "$TMP/out" "$TMP/want" "says what it removed: the endpoint and its web service, 2-space JSON"
mgmt GET "/$S/endpoints/two"
is_status "$status" 404 "it is gone"
srun aml-rm-endpoint -w "$W" --service "$S" -k "$T" two
expect_fail 1 "^aml-rm-endpoint: DELETE $EPS/two: HTTP 404 EndpointNotFound: " "again: 404"

srun aml-rm-endpoint -c -U "$ONEURL" -k "$TMP/one.key"
expect_ok "an endpoint removed with its own key"
is "$(cat "$TMP/out")" "{\"name\":\"one\",\"webService\":\"$S\",\"workspace\":\"$W\",\"deleted\":true,\"default\":null}" \
    "-c: on one line; whether it was the default is not known to its own key (null)"
srun aml-rm-endpoint -w "$W" --service "$S" -k "$T" default
expect_ok "the default endpoint when it is the last"
is "$(jq -c '[.name, .deleted, .default]' "$TMP/out")" '["default",true,true]' \
    "says it was the default, and so the last"
mgmt GET "/$S"
is "$(jb .EndpointCount)" 0 "the web service has no endpoint"

# ---- usage ------------------------------------------------------------

srun aml-rm-endpoint -w "$W" --service "$S" -k "$T"
expect_usage "^aml-rm-endpoint: no endpoint: name it, or give --endpoint-url\$" "no endpoint"
srun aml-refresh-endpoint -w "$W" --service "$S" -k "$T" a b
expect_usage "^aml-refresh-endpoint: one endpoint at a time\$" "two endpoints"
srun aml-rm-endpoint -U "$ONEURL" -w "$W" -k "$T"
expect_usage "^aml-rm-endpoint: --endpoint-url names the endpoint: leave out -w, --service, -l and the name\$" "-U with -w"
srun aml-rm-endpoint -w "$W" --service "$S" -k "$T" Bad_Name
expect_usage "^aml-rm-endpoint: Bad_Name: an endpoint name " "a name the service never gives"
srun aml-rm-endpoint -w "$W" -k "$T" x
expect_usage "^aml-rm-endpoint: --service or AML_WEBSERVICE_ID is required \\(the web service id\\)\$" "no web service"
srun env -u AML_WORKSPACE_ID aml-refresh-endpoint --service "$S" -k "$T" x
expect_usage "^aml-refresh-endpoint: -w or AML_WORKSPACE_ID is required \\(the workspace id\\)\$" "no workspace"
srun aml-refresh-endpoint -w "$W" --service "$S" -m 0 x
expect_usage "^aml-refresh-endpoint: -m 0: not a duration " "a bad -m"
srun env -u AML_WORKSPACE_TOKEN -u AML_API_KEY aml-rm-endpoint -w "$W" --service "$S" x
expect_fail 3 "^aml-rm-endpoint: -k or AML_WORKSPACE_TOKEN is required \\(the workspace token or endpoint key; " "no key: exit 3"
for p in aml-rm-endpoint aml-refresh-endpoint; do
	run "$p" --help
	is "$rc $(head -c 6 "$TMP/out")" "0 usage:" "$p --help"
done

no_secrets
done_testing
