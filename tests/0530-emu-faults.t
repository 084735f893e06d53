#!/bin/sh
# aml-emulator: fault injection through /_emu/faults: statuses in each
# service's error shape, Retry-After, delays, dropped connections,
# truncated bodies, HTML answers, expired tokens, counts.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0
ws_paths
AT=$(arm_token)
V2="$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/oauth2/v2.0/token"

fault() {
	emu faults -H 'Content-Type: application/json' -d "$1"
}

cc() {
	token_v2 --data-urlencode grant_type=client_credentials \
	    --data-urlencode "client_id=$AZURE_CLIENT_ID" \
	    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" \
	    --data-urlencode scope=https://management.azure.com/.default
}

# A status with an ARM envelope, Retry-After, for the next N requests.
fault '{"method":"GET","path":"/subscriptions/*/webServices/*","status":503,"code":"ServerBusy","message":"Try later.","retryAfter":7,"count":2}' \
    >"$TMP/f.json"
is "$(jq -r '.id | type' "$TMP/f.json")" number "POST /_emu/faults answers with the fault id"
arm GET "$WS?$V"
is_status "$status" 503 "the fault answers"
is "$(jb '.error.code + ": " + .error.message')" "ServerBusy: Try later." "in the ARM envelope"
is "$(hdr Retry-After)" 7 "with Retry-After"
test -n "$(hdr x-ms-request-id)"
ok $? "and the ARM headers"
arm GET "$WS?$V"
is_status "$status" 503 "count 2: the second request too"
arm GET "$WS?$V"
is_status "$status" 200 "then it is used up"
fault '{"method":"PATCH","path":"*","status":429}' >/dev/null
arm GET "$WS?$V"
is_status "$status" 200 "another method is not affected"
arm PATCH "$WS?$V" -H 'Content-Type: application/json' --data '{"properties":{"packageType":"Graph"}}'
is_status "$status" 429 "a status alone"
is "$(jb .error.code)" TooManyRequests "gets a default code"
arm GET "$WS/listKeys?$V"
is_status "$status" 200 "a glob matches only what it says"

# On Entra paths the AADSTS shape.
fault '{"method":"POST","path":"/*/oauth2/v2.0/token","status":400,"code":"AADSTS50076"}' >/dev/null
cc
is_status "$status" 400 "an Entra fault"
is "$(jb .error)" interaction_required "a known AADSTS code gets its error"
like "$(jb .error_description)" '^AADSTS50076: Due to a configuration change' "and description"
is "$(jb .suberror)" basic_action "and suberror"
test -n "$(jb .claims)"
ok $? "and claims"
is "$(jb '.error_codes | tostring')" '[50076]' "error_codes"
fault '{"path":"/*/oauth2/v2.0/token","status":400,"code":"AADSTS700082"}' >/dev/null
cc
is "$(jb .error)" invalid_grant "AADSTS700082 is invalid_grant"
fault '{"path":"/*/oauth2/v2.0/token","status":401,"code":"7000222"}' >/dev/null
cc
is "$(jb .error) $status" "invalid_client 401" "7000222 without the prefix"
fault '{"path":"/*/oauth2/v2.0/token","status":503,"retryAfter":2}' >/dev/null
cc
is "$(jb .error) $(hdr Retry-After)" "temporarily_unavailable 2" "a 503 on Entra"
fault '{"path":"/metadata/*","status":410,"message":"IMDS is updating"}' >/dev/null
http GET "$AML_IMDS_ENDPOINT/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/" \
    -H 'Metadata: true'
is "$status $(jb .error_description)" "410 IMDS is updating" "an IMDS fault in the IMDS shape"
cc
is_status "$status" 200 "Entra is well again"

# A delay, then the normal answer (no timing is asserted).
fault '{"method":"GET","path":"*/listKeys","delayMs":50}' >/dev/null
arm GET "$WS/listKeys?$V"
is_status "$status" 200 "a delayed answer is the normal one"
fault '{"method":"GET","path":"*/listKeys","delayMs":20,"status":500}' >/dev/null
arm GET "$WS/listKeys?$V"
is_status "$status" 500 "a delay with a status"

# A client that gives up on a stalled answer frees the server's thread:
# twice as many abandoned two-minute stalls as the server has threads,
# and it still answers (a thread held for each would leave none).
fault '{"method":"GET","path":"*/listKeys","delayMs":120000,"count":16}' >/dev/null
i=0
while [ $i -lt 16 ]; do
	curl -s -o /dev/null --max-time 0.2 -H "Authorization: Bearer $AT" "$AML_ARM_ENDPOINT$WS/listKeys?$V"
	i=$((i + 1))
done
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 -H "Authorization: Bearer $AT" \
    "$AML_ARM_ENDPOINT$WS?$V")
is "$code" 200 "after 16 abandoned stalls the server still answers"
emu faults >"$TMP/left"
is "$(jq length "$TMP/left")" 0 "(every stall was used)"

# Dropped connections, truncated bodies, HTML.
fault '{"method":"GET","path":"*/listKeys","drop":"before-body"}' >/dev/null
arm GET "$WS/listKeys?$V"
is "$status" 000 "drop before-body: no answer"
like "$(cat "$TMP/curlerr")" 'Empty reply|reset|closed' "curl sees the connection closed"
fault '{"method":"PATCH","path":"*","drop":"after-body"}' >/dev/null
arm PATCH "$WS?$V" -H 'Content-Type: application/json' --data '{"properties":{"packageType":"Graph","title":"dropped"}}'
is "$status" 000 "drop after-body: no answer"
arm GET "$WS?$V"
test "$(jb .properties.title)" != dropped
ok $? "a dropped request was not done"
fault '{"method":"GET","path":"*/webServices/*","truncate":true}' >/dev/null
arm GET "$WS?$V"
like "$(cat "$TMP/curlerr")" 'transfer closed with [0-9]+ bytes remaining|Transferred a partial file' "truncate: a short body"
len=$(hdr Content-Length)
test "$(wc -c <"$TMP/body")" -lt "$len"
ok $? "fewer bytes than Content-Length"
fault '{"path":"*/webServices/*","notJson":true}' >/dev/null
arm GET "$WS?$V"
is_status "$status" 200 "notJson: 200"
like "$(hdr Content-Type)" '^text/html' "with HTML"
if jq . "$TMP/body" >/dev/null 2>&1; then ok 1 "that is not JSON"; else ok 0 "that is not JSON"; fi
fault '{"path":"*/webServices/*","notJson":true,"status":502,"retryAfter":1}' >/dev/null
arm GET "$WS?$V"
is "$status $(hdr Retry-After)" "502 1" "notJson with a status: a gateway's HTML error page"
like "$(head -c 20 "$TMP/body")" '^<!DOCTYPE html>' "HTML"

# expireToken: the next token issued is already expired; and the next
# ARM request sees its token as expired.
fault '{"path":"/*/oauth2/v2.0/token","expireToken":true}' >/dev/null
cc
is_status "$status" 200 "expireToken: a token is issued"
is "$(jb .expires_in)" 86399 "that says it lasts"
expired=$(jb .access_token)
http GET "$AML_ARM_ENDPOINT$WS?$V" -H "Authorization: Bearer $expired"
is_status "$status" 401 "but ARM finds it expired"
is "$(jb .error.code)" ExpiredAuthenticationToken "ExpiredAuthenticationToken"
cc
http GET "$AML_ARM_ENDPOINT$WS?$V" -H "Authorization: Bearer $(jb .access_token)"
is_status "$status" 200 "the next token is good"
fault '{"method":"GET","path":"/subscriptions/*","expireToken":true}' >/dev/null
arm GET "$WS?$V"
is_status "$status" 401 "expireToken on ARM: the bearer is seen expired"
is "$(jb .error.code)" ExpiredAuthenticationToken "ExpiredAuthenticationToken"
arm GET "$WS?$V"
is_status "$status" 200 "once"

# Listing and clearing.
fault '{"path":"/nothing","status":500,"count":3}' >/dev/null
emu faults >"$TMP/list.json"
is "$(jq -r '.[] | select(.path == "/nothing") | "\(.status) \(.count) \(.method)"' "$TMP/list.json")" \
    "500 3 *" "GET lists the faults, method * by default"
emu faults -X DELETE
is "$(emu faults | jq length)" 0 "DELETE clears them"

# Bad fault specifications.
badfault() {	# JSON WHAT
	http POST "$AML_EMULATOR_URL/_emu/faults" -H 'Content-Type: application/json' -d "$1"
	is_status "$status" 400 "$2"
}
badfault '{"status":200}' "a status below 400"
badfault '{"status":500,"drop":"before-body"}' "a status and a drop"
badfault '{"drop":"sometimes"}' "a drop that is not one"
badfault '{"lro":"Maybe"}' "an lro outcome that is not one"
badfault '{"path":"*"}' "no fault at all"
badfault '{"status":500,"colour":"red"}' "an unknown member"
badfault '{"status":500,"count":0}' "count 0"
badfault '{"retryAfter":5,"truncate":true}' "retryAfter without status"
badfault 'nope' "not JSON"

# The control API itself is never faulted.
fault '{"path":"*","status":500}' >/dev/null
http GET "$AML_EMULATOR_URL/_emu/health"
is_status "$status" 200 "/_emu/ is not faulted"
emu faults -X DELETE

done_testing
