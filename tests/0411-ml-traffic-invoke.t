#!/bin/sh
# aml-traffic, aml-invoke, aml-online-keys against the emulator: the
# traffic read and moved (a PUT of the whole endpoint, waited for),
# bad splits refused before anything is sent; scoring with a key from
# listKeys, --key-file, AML_ONLINE_KEY[_FILE], an AML token and an Entra
# token for https://ml.azure.com (which goes to the scoring URI only);
# -d; each status the service answers (401, 404, 408, 424, 429, 503) in
# one line; throttling and dropped connections; keys, tokens and new keys.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10 AML_RETRY_MAX=2
emu ml -d '{"retryAfter":0}' >/dev/null
ml_paths
E=$AML_DEMO_ENDPOINT
G="-g $AML_DEMO_RG -w $AML_DEMO_WORKSPACE"
MODEL1=$W/models/$AML_DEMO_MODEL/versions/1
ROWS=$TMP/rows.json
printf '{"input_data":{"columns":["age","education-num","hours-per-week","capital-gain"],"index":[0,1],"data":[[50,16,60,15024],[20,8,20,0]]}}\n' >"$ROWS"
run aml-login
expect_ok "signed in"
aml-get-deployment $G -e "$E" -d "$AML_DEMO_DEPLOYMENT" | aml-export-deployment >"$TMP/blue.def"
aml-new-deployment -q $G -e "$E" -d green "$TMP/blue.def" >/dev/null
log_count() { emu requests | jq "[.[] | select($1)] | length"; }
SU=$AML_EMULATOR_URL/online/$E/score

# ---- aml-traffic ----------------------------------------------------------------
run aml-traffic $G -e "$E"
expect_ok "print the traffic"
is "$(jq -c . "$TMP/out")" '{"blue":100}' "all of it to blue"
jq --indent 2 . "$TMP/out" >"$TMP/jq"
same_file "$TMP/out" "$TMP/jq" "2-space indented"
emu requests -X DELETE
run aml-traffic $G -e "$E" blue=90 green=10
expect_ok "move 10% to green"
is "$(jq -c . "$TMP/out")" '{"blue":90,"green":10}' "prints the traffic it set"
is "$(cat "$TMP/err")" "aml-traffic: $E: traffic blue=100 -> blue=90 green=10" "says old and new"
is "$(emu requests | jq -r '[.[] | select(.path | test("/onlineEndpoints/"))] | map(.method + " " + (.status | tostring)) | join(",")')" \
    "GET 200,PUT 200,GET 200,GET 200" "GET, PUT of the whole endpoint (200: no operation), GET until Succeeded, GET"
is "$(log_count '.method == "PATCH"')" 0 "no PATCH: it takes only tags and identity"
run aml-traffic -c $G -e "$E"
is "$(cat "$TMP/out")" '{"blue":90,"green":10}' "-c: one line"
# The PUT carries the whole endpoint, less what is read-only.
emu requests -X DELETE
run aml-traffic -q $G -e "$E" blue=100
is "$rc:$(cat "$TMP/err")" "0:" "-q: nothing on stderr"
arm_at=$(arm_token)
AT=$arm_at
arm GET "$EP?$MV"
is "$(jq -c '[.properties.traffic, .properties.authMode, .properties.description]' "$TMP/body")" \
    '[{"blue":100},"Key","Census income: is it over 50K?"]' "the rest of the endpoint is as it was"
# A traffic change is waited for.
hold endpoint "$E"
emu requests -X DELETE
aml-traffic $G -e "$E" blue=50 green=50 >"$TMP/bgout" 2>"$TMP/bgerr" </dev/null &
pid=$!
i=0
while [ "$(log_count '.method == "GET" and (.path | test("/onlineEndpoints/'"$E"'([?]|$)"))')" -lt 4 ] && [ $i -lt 1200 ]; do
	sleep 0.05; i=$((i + 1))
done
kill -0 $pid 2>/dev/null
ok $? "while the change is held, the program waits (the endpoint polled)"
[ "$i" -lt 1200 ]
ok $? "(it polled the endpoint at least four times meanwhile)"
unhold
rc=0; wait $pid || rc=$?
is "$rc $(jq -c . "$TMP/bgout")" '0 {"blue":50,"green":50}' "released: done"
run aml-traffic $G -e "$E" blue=50 green=50
is "$rc $(cat "$TMP/err")" "0 " "the traffic it has already: nothing said"
# Bad splits: usage errors, nothing sent.
emu requests -X DELETE
for c in "blue=90 green=20|the percentages sum to 110, not 100" "blue=90|the percentages sum to 90, not 100" \
    "blue=100 blue=0|blue: named twice" "blue|blue: not name=percent" "=100|=100: not name=percent" \
    "blue=x|blue=x: not name=percent" "blue=101|blue=101: a percentage is a whole number from 0 to 100" \
    "blue=50.5 green=49.5|blue=50.5: a percentage is a whole number" "blue=-5 green=105|blue=-5: not name=percent" \
    "bad.name=100|deployment bad.name: a name is"; do
	run aml-traffic $G -e "$E" ${c%%|*}
	expect_usage "^aml-traffic: ${c#*|}" "${c%%|*}: refused"
done
is "$(emu requests | jq length)" 0 "(nothing was sent for any of them)"
run aml-traffic $G -e "$E" --no-wait
expect_usage "^aml-traffic: --no-wait: there is nothing to wait for" "--no-wait without a change"
run aml-traffic $G -e "$E" blue=90 ghost=10
expect_fail 1 "^aml-traffic: PUT /[^ ]+/onlineEndpoints/$E: HTTP 400 BadArgument: properties\\.traffic: deployment 'ghost' does not exist in endpoint '$E'\\. \\[request-id [0-9a-f-]+\\]\$" \
    "a deployment that is not there: the service's 400"
run aml-traffic $G -e nope
expect_fail 1 "^aml-traffic: GET /[^ ]+/onlineEndpoints/nope: HTTP 404 ResourceNotFound: " "an unknown endpoint"
run aml-traffic $G -e "$E" --no-wait blue=100
is "$rc $(jq -c '[.status, .operation, .response.properties.traffic]' "$TMP/out")" '0 [200,null,{"blue":100}]' \
    "--no-wait: the first answer"
emu faults -d '{"method":"PUT","path":"*/onlineEndpoints/*","lro":"Failed"}' >/dev/null
run aml-traffic $G -e "$E" blue=0 green=100
expect_fail 1 "^aml-traffic: PUT /[^ ]+/onlineEndpoints/$E: provisioningState Failed, without saying why: look with aml-traffic -g $AML_DEMO_RG -w $AML_DEMO_WORKSPACE -e $E " \
    "a change that fails"
aml-traffic -q $G -e "$E" blue=100 >/dev/null

# ---- aml-invoke: keys -------------------------------------------------------------
emu requests -X DELETE
run aml-invoke $G -e "$E" "$ROWS"
expect_ok "score with the endpoint's key"
is "$(jq -c . "$TMP/out")" '[">50K","<=50K"]' "the predictions"
jq --indent 2 . "$TMP/out" >"$TMP/jq"
same_file "$TMP/out" "$TMP/jq" "2-space indented"
is "$(emu requests | jq -r 'map(.method + " " + (.path | sub("\\?.*"; "") | sub("^.*/onlineEndpoints/"; "")) + " " + (.status | tostring)) | join(",")')" \
    "GET $E 200,POST $E/listKeys 200,POST /online/$E/score 200" "GET the endpoint, listKeys, POST the scoring URI"
is "$(emu requests | jq -r '.[2].headers["Content-Type"] // .[2].headers["content-type"]')" application/json "sent as JSON"
run_in "$ROWS" aml-invoke -c $G -e "$E"
is "$rc $(cat "$TMP/out")" '0 [">50K","<=50K"]' "from stdin, -c"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 1 "-c: the answer on one line"
KEY=$(aml-online-keys -c $G -e "$E" | jq -r .primaryKey)
KEY2=$(aml-online-keys -c $G -e "$E" | jq -r .secondaryKey)
printf '%s\n' "$KEY2" >"$TMP/key"
chmod 600 "$TMP/key"
emu requests -X DELETE
run aml-invoke $G -e "$E" -k "$TMP/key" "$ROWS"
expect_ok "--key-file: the secondary key"
is "$(log_count '.path | test("listKeys")')" 0 "no listKeys then"
run env AML_ONLINE_KEY="$KEY" aml-invoke $G -e "$E" "$ROWS"
expect_ok "AML_ONLINE_KEY"
run env AML_ONLINE_KEY_FILE="$TMP/key" aml-invoke $G -e "$E" "$ROWS"
expect_ok "AML_ONLINE_KEY_FILE"
printf 'wr0ng-0nl1ne-k3y-planted\n' >"$TMP/wrong"
chmod 600 "$TMP/wrong"
run aml-invoke $G -e "$E" -k "$TMP/wrong" "$ROWS"
expect_fail 3 "^aml-invoke: POST /online/$E/score: HTTP 401: the key from --key-file was refused: Unauthorized \\(authMode Key\\): the key is not one of the endpoint's keys\\. \\[request-id [0-9a-f-]+\\]\$" \
    "a wrong key: exit 3, one line"
run env AML_ONLINE_KEY=wr0ng-0nl1ne-k3y-planted aml-invoke $G -e "$E" "$ROWS"
expect_fail 3 "HTTP 401: the key from AML_ONLINE_KEY was refused" "a wrong AML_ONLINE_KEY: exit 3"
run aml-invoke $G -e "$E" -k "$TMP/nothing" "$ROWS"
expect_fail 1 "^aml-invoke: --key-file $TMP/nothing: No such file or directory\$" "a key file that is not there"

# ---- -d, and what scoring answers ---------------------------------------------------
emu requests -X DELETE
run aml-invoke $G -e "$E" -d green -c "$ROWS"
expect_ok "-d green, which takes no traffic"
is "$(emu requests | jq -r '.[-1].headers["azureml-model-deployment"]')" green "sent azureml-model-deployment: green"
run aml-invoke $G -e "$E" -d nope "$ROWS"
expect_fail 1 "^aml-invoke: POST /online/$E/score: HTTP 404: Deployment 'nope' of endpoint '$E' does not exist \\(azureml-model-deployment\\)\\. \\[request-id [0-9a-f-]+\\]\$" \
    "-d a deployment that is not there"
aml-traffic -q $G -e "$E" blue=0 green=100 >/dev/null
arm PUT "$EP?$MV" -H 'Content-Type: application/json' \
    --data '{"location":"southcentralus","properties":{"authMode":"Key","traffic":{"blue":0,"green":0}}}'
run aml-invoke $G -e "$E" "$ROWS"
expect_fail 1 "^aml-invoke: POST /online/$E/score: HTTP 404: No valid deployments to route to\\. .*; give a deployment traffic with aml-traffic, or choose one with -d \\[request-id " \
    "no deployment takes traffic: 404 and what to do"
aml-traffic -q $G -e "$E" blue=100 >/dev/null
for s in '424|"modelStatusCode":500,"reason":"KeyError: age"|HTTP 424: the model failed: its container answered 500: KeyError: age' \
    '408||HTTP 408: the model took longer than the deployment.s request timeout \(requestSettings\.requestTimeout\)' \
    '429||HTTP 429: too many requests are waiting at the deployment; try again later, or give it more instances'; do
	st=${s%%|*}; rest=${s#*|}; extra=${rest%%|*}; re=${rest#*|}
	emu ml/scoring -d "{\"endpoint\":\"$E\",\"deployment\":\"blue\",\"status\":$st${extra:+,$extra}}" >/dev/null
	run aml-invoke -q $G -e "$E" "$ROWS"
	expect_fail 1 "^aml-invoke: POST /online/$E/score: $re \\[request-id [0-9a-f-]+\\]\$" "HTTP $st: one line"
done
emu ml/scoring -d "{\"endpoint\":\"$E\",\"deployment\":\"blue\",\"status\":0}" >/dev/null
hold deployment "$E/blue2"
aml-new-deployment -q --no-wait $G -e "$E" -d blue2 "$TMP/blue.def" >/dev/null
run aml-invoke $G -e "$E" -d blue2 "$ROWS"
expect_fail 1 "^aml-invoke: POST /online/$E/score: HTTP 503 " "a deployment still being created: 503, one line"
unhold
printf '{"data":[[1,2]]}' >"$TMP/short.json"
run aml-invoke $G -e "$E" "$TMP/short.json"
expect_fail 1 "^aml-invoke: POST /online/$E/score: HTTP 424: the model failed: its container answered 400: row 1 must be an array of 4 values" \
    "a request the model cannot score: its 400, passed on as 424"
printf 'not json' >"$TMP/notjson"
emu requests -X DELETE
run aml-invoke $G -e "$E" "$TMP/notjson"
expect_fail 1 "^aml-invoke: $TMP/notjson:1:1: unexpected 'n', expected a JSON value\$" "a request that is not JSON: said before anything is sent"
is "$(emu requests | jq length)" 0 "(nothing was sent)"
# Throttling and dropped connections on the scoring URI.
emu faults -d '{"path":"/online/*/score","status":429,"retryAfter":0}' >/dev/null
run aml-invoke -q $G -e "$E" "$ROWS"
expect_ok "a 429 is retried"
emu faults -d '{"path":"/online/*/score","status":429,"retryAfter":0,"count":10}' >/dev/null
run aml-invoke -q $G -e "$E" "$ROWS"
expect_fail 1 "HTTP 429: too many requests are waiting" "429 every time: one line"
emu faults -X DELETE
emu faults -d '{"path":"/online/*/score","drop":"before-body"}' >/dev/null
run aml-invoke -q $G -e "$E" "$ROWS"
expect_fail 1 "^aml-invoke: POST /online/$E/score: Empty reply from server\$" \
    "a dropped connection: not sent again (a POST that may have been read), one line"
emu faults -d '{"path":"/online/*/score","status":503}' >/dev/null
run aml-invoke -q $G -e "$E" "$ROWS"
expect_fail 1 "^aml-invoke: POST /online/$E/score: HTTP 503 [A-Za-z]+: Injected fault" "a 503 on the scoring URI: one line"
emu faults -X DELETE

# ---- AML tokens and Entra tokens ------------------------------------------------------
J='Content-Type: application/json'
for mode in AMLToken AADToken; do
	ep=$(echo "$mode" | tr 'A-Z' 'a-z')-ep
	arm PUT "$W/onlineEndpoints/$ep?$MV" -H "$J" --data "{\"location\":\"southcentralus\",\"properties\":{\"authMode\":\"$mode\"}}"
	aml-new-deployment -q $G -e "$ep" -d d1 "$TMP/blue.def" >/dev/null
	aml-traffic -q $G -e "$ep" d1=100 >/dev/null
done
emu requests -X DELETE
run aml-invoke -c $G -e amltoken-ep "$ROWS"
is "$rc $(cat "$TMP/out")" '0 [">50K","<=50K"]' "authMode AMLToken: scored with the endpoint's token"
is "$(log_count '.path | test("/token\\?")')" 1 "(POST token)"
emu requests -X DELETE
run aml-invoke -c $G -e aadtoken-ep "$ROWS"
is "$rc $(cat "$TMP/out")" '0 [">50K","<=50K"]' "authMode AADToken: scored with an Entra token"
is "$(emu requests | jq -r '[.[] | select(.form.scope? // "" | test("ml.azure.com"))] | length')" 1 \
    "a token for https://ml.azure.com/.default was asked for"
AT=$arm_at
run aml-invoke -c $G -e aadtoken-ep -k "$TMP/key" "$ROWS"
expect_fail 3 "HTTP 401: the key from --key-file was refused: " "a key for an AADToken endpoint: refused"
# The scoring URI is Resource Manager's word, and a token or key goes
# there only over https (plain http for loopback alone), before any
# connection is made.
for ep in aadtoken-ep "$E"; do
	fb=$(jq -nc --arg ep "$ep" '{method: "GET", path: ("*/onlineEndpoints/" + $ep), status: 200,
	    body: ({name: $ep, properties: {authMode: (if $ep == "aadtoken-ep" then "AADToken" else "Key" end),
	    scoringUri: "http://score.example.com/score"}} | tojson)}')
	emu faults -d "$fb" >/dev/null
	emu requests -X DELETE
	run aml-invoke -c $G -e "$ep" "$ROWS"
	expect_fail 1 "plain http is (allowed only for loopback addresses|refused for score\.example\.com, which is not a loopback address) \(use https\)" \
	    "$ep: a scoring URI of plain http elsewhere is refused"
	is "$(log_count '.path | test("/score")')" 0 "$ep: (and nothing went to any scoring URI)"
done
emu faults -X DELETE

# ---- aml-online-keys ------------------------------------------------------------------
run aml-online-keys $G -e "$E"
expect_ok "the keys"
is "$(jq -r '[.primaryKey, .secondaryKey] | join(" ")' "$TMP/out")" "$KEY $KEY2" "listKeys, as the service answers it"
jq --indent 2 . "$TMP/out" >"$TMP/jq"
same_file "$TMP/out" "$TMP/jq" "2-space indented"
run aml-online-keys $G -e amltoken-ep --token -c
is "$rc $(jq -r '[.tokenType, (.expiryTimeUtc | type)] | join(" ")' "$TMP/out")" "0 Bearer number" "--token: the AML token"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 1 "-c: on one line"
run aml-online-keys $G -e "$E" --token
expect_fail 1 "^aml-online-keys: POST /[^ ]+/onlineEndpoints/$E/token: HTTP 400 BadArgument: " "--token of a Key endpoint: the service's 400"
run aml-online-keys $G -e amltoken-ep
expect_fail 1 "HTTP 400 BadArgument: " "keys of an AMLToken endpoint: the service's 400"
hold endpoint "$E"
emu requests -X DELETE
aml-online-keys -c $G -e "$E" --regenerate primary >"$TMP/bgout" 2>"$TMP/bgerr" </dev/null &
pid=$!
i=0
while [ "$(log_count '.path | test("/mfeOperationsStatus/")')" -lt 2 ] && [ $i -lt 1200 ]; do
	sleep 0.05; i=$((i + 1))
done
[ "$i" -lt 1200 ]
ok $? "(the operation is polled while it is held)"
kill -0 $pid 2>/dev/null
ok $? "--regenerate waits for the operation"
unhold
rc=0; wait $pid || rc=$?
NEWKEY=$(jq -r .primaryKey "$TMP/bgout")
test "$rc" = 0 && test -n "$NEWKEY" && test "$NEWKEY" != "$KEY" && test "$(jq -r .secondaryKey "$TMP/bgout")" = "$KEY2"
ok $? "--regenerate primary: a new primary key, printed with the secondary"
run env AML_ONLINE_KEY="$KEY" aml-invoke $G -e "$E" "$ROWS"
expect_fail 3 "HTTP 401: the key from AML_ONLINE_KEY was refused" "the old primary key no longer scores"
run aml-online-keys $G -e "$E" --regenerate tertiary
expect_usage "^aml-online-keys: --regenerate tertiary: primary or secondary\$" "--regenerate takes primary or secondary"
run aml-online-keys $G -e "$E" --token --regenerate primary
expect_usage "^aml-online-keys: --token and --regenerate" "--token and --regenerate together: a usage error"
umask 022
run aml-online-keys $G -e "$E" -o "$TMP/keys.json"
is "$rc $(wc -c <"$TMP/out" | tr -d ' ') $(stat -c %a "$TMP/keys.json") $(jq -r .primaryKey "$TMP/keys.json")" "0 0 600 $NEWKEY" \
    "-o: the keys to a file of mode 0600"
run aml-online-keys $G -e "$E" -o "$TMP/keys.json"
expect_fail 1 "file exists \\(use -f to replace it\\)" "-o: an existing file is refused"

# ---- usage --------------------------------------------------------------------------
for p in aml-traffic aml-invoke aml-online-keys; do
	run $p -g x -w y </dev/null
	expect_usage "^$p: -e is required\$" "$p: -e is required"
	run $p --help
	like "$rc $(head -1 "$TMP/out")" "^0 usage: $p" "$p --help"
done
run aml-invoke $G -e "$E" a b
expect_usage "^usage: aml-invoke" "aml-invoke: one request at a time"

done_testing
