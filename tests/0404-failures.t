#!/bin/sh
# What goes wrong, each with its exit status, its one line on stderr and
# nothing on stdout: 404, 400 with details, 401 after the refresh, 403,
# 409, 429 with Retry-After, 503 three times, dropped connections on GET
# and on PATCH, operations that fail or outlast -m, answers that
# are not JSON, a server that cannot be reached.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 100
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10
SUB=$AZURE_SUBSCRIPTION_ID
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS
WSPATH=/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/webServices/$WS
RID='\[request-id [0-9a-f-]+\]'
CHECK="check with aml-get-ws -g $RG -n $WS"

fault() {
	emu faults -d "$1" >/dev/null
}

run aml-login
expect_ok "signed in"
aml-get-ws -g "$RG" -n "$WS" | aml-export-ws >"$TMP/def.json"
run aml-new-ws -g "$RG" -n other -l southcentralus "$TMP/def.json"
expect_ok "a second service"
printf '{"properties":{"packageType":"Graph","title":"Changed"}}' >"$TMP/title.json"

# 404.
run aml-get-ws -g "$RG" -n nosuch
expect_fail 1 "^aml-get-ws: GET ${WSPATH%/*}/nosuch: HTTP 404 NotFound: The specified resource was not found\\. \\(WebServiceNotFound\\) $RID\$" \
    "404: method, path, status, code, message, detail code, request id"
run aml-update-ws -g "$RG" -n nosuch "$TMP/title.json"
expect_fail 1 "^aml-update-ws: PATCH ${WSPATH%/*}/nosuch: HTTP 404 NotFound: .*\\(WebServiceNotFound\\) $RID\$" \
    "404 on PATCH"

# 400 with details: a PATCH whose merged graph names an asset that is not there.
printf '{"properties":{"packageType":"Graph","package":{"nodes":{"node9":{"assetId":"asset99"}}}}}' >"$TMP/bad.json"
run aml-update-ws -g "$RG" -n "$WS" "$TMP/bad.json"
expect_fail 1 "^aml-update-ws: PATCH $WSPATH: HTTP 400 BadRequest: The web service definition is invalid\\. \\([A-Za-z]+(, [A-Za-z]+)*\\) $RID\$" \
    "400 with its detail codes"

# 401: the cached token is refused, renewed once, refused again: exit 3.
fault '{"method":"GET","path":"/subscriptions/*/webServices/*","status":401,"code":"InvalidAuthenticationToken","message":"The access token is invalid.","count":2}'
emu requests -X DELETE
run aml-get-ws -g "$RG" -n "$WS"
expect_fail 3 "^aml-get-ws: GET $WSPATH: HTTP 401 InvalidAuthenticationToken: The access token is invalid\\. $RID\$" \
    "401 after a refresh: exit 3"
is "$(emu requests | jq -r '[.[] | "\(.method) \(.status)"] | join(", ")')" "GET 401, POST 200, GET 401" \
    "one new token, one more try"
fault '{"method":"GET","path":"/subscriptions/*/webServices/*","status":401,"code":"InvalidAuthenticationToken","message":"The access token is invalid."}'
run aml-get-ws -g "$RG" -n "$WS"
expect_ok "a 401 that a new token cures"

# 403.
fault '{"method":"PATCH","path":"*","status":403,"code":"AuthorizationFailed","message":"The client does not have authorization to perform action."}'
run aml-update-ws -g "$RG" -n "$WS" "$TMP/title.json"
expect_fail 1 "^aml-update-ws: PATCH $WSPATH: HTTP 403 AuthorizationFailed: The client does not have authorization to perform action\\. $RID\$" \
    "403: exit 1"

# 429 with Retry-After: waited for, as the log's times show.
fault '{"method":"GET","path":"/subscriptions/*/webServices/*","status":429,"code":"TooManyRequests","message":"Slow down.","retryAfter":1}'
emu requests -X DELETE
run aml-get-ws -g "$RG" -n "$WS"
expect_ok "429 with Retry-After, then success"
is "$(cat "$TMP/err")" "aml-get-ws: warning: HTTP 429 from GET $WSPATH, retrying in 1 s (3 left)" "one warning"
emu requests >"$TMP/log.json"
is "$(jq -r '[.[] | .status] | join(" ")' "$TMP/log.json")" "429 200" "two requests"
ms() {	# the log's time of request $1, in ms
	jq -r ".[$1].time | (sub(\"[.][0-9]+Z$\"; \"Z\") | fromdate) * 1000 +
	    (capture(\"[.](?<ms>[0-9]+)Z$\").ms | tonumber)" "$TMP/log.json"
}
gap=$(( $(ms 1) - $(ms 0) ))
test "$gap" -ge 1000
ok $? "the retry came after Retry-After's second (${gap} ms)"

# 503 three times, then success.
fault '{"method":"GET","path":"/subscriptions/*/webServices/*","status":503,"code":"ServiceUnavailable","message":"Busy.","count":3}'
emu requests -X DELETE
run aml-get-ws -g "$RG" -n "$WS"
expect_ok "503 three times, then success"
is "$(grep -c "^aml-get-ws: warning: HTTP 503 from GET $WSPATH, retrying in [0-9]* ms ([321] left)\$" "$TMP/err")" 3 \
    "three warnings"
is "$(emu requests | jq -r '[.[] | .status] | join(" ")')" "503 503 503 200" "four requests"
is "$(jq -r .name "$TMP/out")" "$WS" "and the service"
fault '{"method":"GET","path":"/subscriptions/*/webServices/*","status":503,"count":10}'
run aml-get-ws -q -g "$RG" -n "$WS"
expect_fail 1 "^aml-get-ws: GET $WSPATH: HTTP 503 ServiceUnavailable: " "503 until the retries are used up"
emu faults -X DELETE

# A dropped connection: GET is tried again; PATCH, once sent, is not.
fault '{"method":"GET","path":"/subscriptions/*/webServices/*","drop":"before-body"}'
run aml-get-ws -g "$RG" -n "$WS"
expect_ok "a dropped GET is retried"
like "$(cat "$TMP/err")" "^aml-get-ws: warning: GET $WSPATH: .*, retrying in [0-9]+ ms \\(3 left\\)\$" "with a warning"
fault '{"method":"PATCH","path":"*","drop":"after-body"}'
emu requests -X DELETE
run aml-update-ws -g "$RG" -n "$WS" "$TMP/title.json"
expect_fail 1 "^aml-update-ws: PATCH $WSPATH: [^;]+; the request reached the server, so it may have taken effect: $CHECK\$" \
    "a PATCH dropped after its body: not retried, and says it may have taken effect"
is "$(emu requests | jq -r '[.[] | .method] | join(" ")')" PATCH "one PATCH, nothing more"
run env AML_ARM_ENDPOINT=http://127.0.0.1:1 AML_RETRY_MAX=0 aml-update-ws -g "$RG" -n "$WS" "$TMP/title.json"
expect_fail 1 "^aml-update-ws: PATCH $WSPATH: Failed to connect to 127\\.0\\.0\\.1 port 1[^;]*\$" \
    "a PATCH that never left says nothing of the kind"

# Answers that are not JSON.
fault '{"method":"GET","path":"/subscriptions/*/webServices/*","notJson":true}'
run aml-get-ws -g "$RG" -n "$WS"
expect_fail 1 "^aml-get-ws: GET $WSPATH: HTTP 200: the answer is not JSON: " "a 200 that is not JSON"

# Operations that fail or are canceled: the operation's error, and the
# request id of the PATCH.
fault '{"method":"PATCH","path":"*","lro":"Failed","code":"InternalServerError","message":"Something broke."}'
run aml-update-ws -g "$RG" -n "$WS" "$TMP/title.json"
expect_fail 1 "^aml-update-ws: PATCH $WSPATH: operation Failed: InternalServerError: Something broke\\. $RID\$" \
    "an operation that fails: exit 1, its error"
fault '{"method":"DELETE","path":"*","lro":"Canceled"}'
run aml-rm-ws -g "$RG" -n "$WS"
expect_fail 1 "^aml-rm-ws: DELETE $WSPATH: operation Canceled: OperationCanceled: The operation was canceled\\. $RID\$" \
    "an operation that is canceled"
run aml-get-ws -g "$RG" -n "$WS"
expect_ok "(the service is still there)"

# A poll that fails: the operation may still complete.  (It is over at
# once, so that it is not in the way of what follows.)
emu config -d '{"lroMs":0}' >/dev/null
fault '{"method":"GET","path":"*/operationsStatus/*","status":500,"code":"InternalServerError","message":"Oops.","count":10}'
run env AML_RETRY_MAX=0 aml-update-ws -g "$RG" -n "$WS" "$TMP/title.json"
expect_fail 1 "^aml-update-ws: GET /subscriptions/$SUB/providers/Microsoft\\.MachineLearning/locations/southcentralus/operationsStatus/[0-9a-f-]+: HTTP 500 InternalServerError: Oops\\. $RID; the operation may still complete: $CHECK\$" \
    "a failed poll"
emu faults -X DELETE

# An operation that outlasts -m; and 409 while it runs.  The operations
# from here on last HELD_MS, minutes, and are never released.
emu config -d "{\"lroMs\":$HELD_MS}" >/dev/null
run aml-update-ws --max-time 3 -g "$RG" -n "$WS" "$TMP/title.json"
expect_fail 1 "^aml-update-ws: PATCH $WSPATH: operation still Provisioning at the time limit \\(-m 3 s\\); the operation may still complete: $CHECK $RID\$" \
    "-m: exit 1, may still complete, how to check"
run aml-update-ws -g "$RG" -n "$WS" "$TMP/title.json"
expect_fail 1 "^aml-update-ws: PATCH $WSPATH: HTTP 409 Conflict: The request conflicts with the current state of the resource\\. \\(AnotherOperationInProgress\\) $RID\$" \
    "409 while another operation runs"
# (-m only ends a program that would wrongly wait for an operation.)
run aml-rm-ws --id "/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/webServices/$WS" -m 60
expect_fail 1 "^aml-rm-ws: DELETE $WSPATH: HTTP 409 Conflict: " "409 on DELETE too"

# term_update NAME WHEN CMD...: aml-update-ws on service NAME, killed
# with SIGTERM once CMD succeeds (wait_until: WHEN says what that is);
# its status in rc, its output in out, err.
term_update() {
	_name=$1 _when=$2
	shift 2
	emu requests -X DELETE
	aml-update-ws -g "$RG" -n "$_name" "$TMP/title.json" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	wait_until "$@"
	ok $? "($_when)"
	kill -TERM $pid
	rc=0
	wait $pid 2>/dev/null || rc=$?
}
# no_faults: every fault has been taken (a delayed request is being held).
no_faults() {
	[ "$(emu faults | jq length)" = 0 ]
}
interrupted() {	# NAME: the line for an interrupted update of NAME
	echo "^aml-update-ws: PATCH ${WSPATH%/*}/$1: interrupted; the operation may still complete: check with aml-get-ws -g $RG -n $1 $RID\$"
}

# SIGTERM while waiting: the same words, then death by the signal.
term_update other "it polls" seen 1 '.path | test("/operationsStatus/")'
expect_fail 143 "$(interrupted other)" "SIGTERM while polling: says so, dies of it"

# SIGTERM while a poll is in flight (the server holds the status GET a
# minute, and the fault is gone from the list once that GET has come):
# the same words, of the operation, not of the GET.
emu config -d '{"lroMs":30}' >/dev/null
run aml-new-ws -g "$RG" -n third -l southcentralus "$TMP/def.json"
expect_ok "a third service"
emu config -d "{\"lroMs\":$HELD_MS}" >/dev/null
fault '{"method":"GET","path":"/subscriptions/*/operationsStatus/*","delayMs":60000}'
term_update third "its poll is held" no_faults
expect_fail 143 "$(interrupted third)" "SIGTERM during a poll: said of the operation, dies of it"
emu faults -X DELETE

done_testing
