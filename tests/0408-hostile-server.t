#!/bin/sh
# A hostile or broken server.  The token goes only to Resource
# Manager's own origin (scheme, host and port, parsed, not a prefix of
# the URL); a list that never ends is stopped; a Retry-After out of
# range can neither overflow nor make a program spin; control
# characters a server sends are escaped; secrets it echoes back, or
# hands out where no name says they are secrets, are masked.
. "$(dirname "$0")/lib.sh"
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10

# Two emulators on ports P and P*10+1, so that the first one's URL is a
# prefix of the second's: the case a string comparison gets wrong.
E2_PID=
trap 'kill "$E2_PID" 2>/dev/null; _cleanup' EXIT
for try in 1 2 3 4 5 6 7 8 9 10; do
	P=$(( ($$ * 31 + try * 7919) % 4000 + 2000 ))
	P2=$((P * 10 + 1))
	env2=$(aml-emulator --daemon --dir "$TMP/emu2" -p "$P2" 2>/dev/null) || continue
	E2_PID=$(printf '%s\n' "$env2" | sed -n "s/^export AML_EMULATOR_PID='\\(.*\\)'\$/\\1/p")
	E2_URL=$(printf '%s\n' "$env2" | sed -n "s/^export AML_EMULATOR_URL='\\(.*\\)'\$/\\1/p")
	if _emu_env=$(aml-emulator --daemon --dir "$TMP/emu" -p "$P" 2>/dev/null); then
		eval "$_emu_env"
		_emu_pid=$AML_EMULATOR_PID
		break
	fi
	kill "$E2_PID" 2>/dev/null
	E2_PID=
done
[ -n "$_emu_pid" ] || { echo "Bail out! no two free ports P and P*10+1"; exit 1; }
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS
SUB=$AZURE_SUBSCRIPTION_ID
ARM=$AML_ARM_ENDPOINT
is "$ARM" "http://127.0.0.1:$P" "Resource Manager at port $P, the other emulator at $P2"

run aml-login
expect_ok "signed in"
cp -a "$AML_CONFIG_DIR" "$TMP/cfgsnap"

# page NEXTLINK: the next GET /subscriptions answers one subscription
# and that nextLink.
page() {
	emu faults -X DELETE >/dev/null
	jq -cn --arg sub "$SUB" --arg ten "$AZURE_TENANT_ID" --arg next "$1" '
	    {method: "GET", path: "/subscriptions",
	     body: ({value: [{id: ("/subscriptions/" + $sub), subscriptionId: $sub,
	         tenantId: $ten, displayName: "Hostile", state: "Enabled"}],
	         nextLink: $next} | tojson)}' >"$TMP/fault.json"
	emu faults -d @"$TMP/fault.json" >/dev/null
}
same_config() {	# the stored sign-in is untouched
	diff -r "$TMP/cfgsnap" "$AML_CONFIG_DIR" >/dev/null 2>&1
	ok $? "$1: the stored sign-in is as it was"
}

page "$E2_URL/subscriptions?api-version=2020-01-01"
run aml-login
expect_fail 1 "^aml-login: GET /subscriptions: not sending the Resource Manager token to http://127\\.0\\.0\\.1:$P2: it goes only to http://127\\.0\\.0\\.1:$P\$" \
    "a nextLink to port $P2, which starts with $P: refused"
is "$(curl -sS "$E2_URL/_emu/requests" | jq length)" 0 "the other server got no request at all"
same_config "port prefix"

page "http://127.0.0.1:$P@127.0.0.2:$P2/subscriptions?api-version=2020-01-01"
run aml-login
expect_fail 1 '^aml-login: GET /subscriptions: user information in a URI is not accepted$' \
    "a nextLink with user information (whose host is not the one it starts with): refused"
is "$(curl -sS "$E2_URL/_emu/requests" | jq length)" 0 "still no request elsewhere"

page "http://localhost:$P/subscriptions?api-version=2020-01-01"
run aml-login --list
expect_fail 1 "^aml-login: GET /subscriptions: not sending the Resource Manager token to http://localhost:$P: it goes only to http://127\\.0\\.0\\.1:$P\$" \
    "another name for the same address is another origin"

# A nextLink back to the first page: the list would never end.
page "$ARM/subscriptions?api-version=2020-01-01"
run aml-login
expect_fail 1 '^aml-login: GET /subscriptions: nextLink leads back to a page already read; stopping$' \
    "aml-login: a nextLink cycle fails, not a partial list"
same_config "cycle"
emu faults -X DELETE >/dev/null

LIST=$ARM/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/webServices
emu faults -d "$(jq -cn --arg n "$LIST?api-version=2017-01-01&%24skiptoken=B" \
    '{method: "GET", path: "*/webServices", body: ({value: [], nextLink: $n} | tojson)}')" >/dev/null
emu faults -d "$(jq -cn --arg n "$LIST?api-version=2017-01-01" \
    '{method: "GET", path: "*/webServices", body: ({value: [], nextLink: $n} | tojson)}')" >/dev/null
emu requests -X DELETE
run aml-get-ws -g "$RG"
expect_fail 1 '^aml-get-ws: GET /subscriptions/[^ ]+/webServices: nextLink leads back to a page already read; stopping$' \
    "aml-get-ws: page A, page B, then A again: stopped"
is "$(emu requests | jq length)" 2 "two pages read, the first not twice"

# 1000 pages are read; one more is refused.
emu config -d '{"pageSize":1}' >/dev/null
emu services -d '{"count":999}' >/dev/null
run aml-get-ws -g "$RG"
expect_ok "1000 pages of one service"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 1000 "1000 services"
emu services -d '{"count":1}' >/dev/null
run aml-get-ws -g "$RG"
expect_fail 1 '^aml-get-ws: GET /subscriptions/[^ ]+/webServices: more than 1000 pages; stopping$' \
    "the 1001st page is not read"
emu reset -X POST

# Retry-After out of range, on the poll of an operation held running
# (HELD_MS), released afterwards.
aml-get-ws -g "$RG" -n "$WS" | aml-export-ws >"$TMP/def.json"
lro0=$(emu config | jq .lroMs)
emu config -d "{\"lroMs\":$HELD_MS}" >/dev/null
emu faults -d '{"method":"GET","path":"*/operationsStatus/*","headers":{"Retry-After":"9223372036854775807"}}' >/dev/null
emu requests -X DELETE
run aml-update-ws -m 3 -g "$RG" -n "$WS" "$TMP/def.json"
expect_fail 1 "^aml-update-ws: PATCH /[^ ]+/webServices/$WS: operation still [A-Za-z]+ at the time limit \\(-m 3 s\\); the operation may still complete: check with aml-get-ws -g $RG -n $WS \\[request-id [0-9a-f-]+\\]\$" \
    "Retry-After: 2^63-1 on a poll: no overflow, no spinning; -m ends the wait"
is "$(emu requests | jq '[.[] | select(.path | test("operationsStatus"))] | length')" 1 "one poll, then no other"
emu config -d "{\"lroMs\":$lro0}" >/dev/null
clock_release
run aml-get-ws -g "$RG" -n "$WS"
clock_back
is "$rc $(jq -r .properties.provisioningState "$TMP/out")" "0 Succeeded" "(the operation released)"
emu faults -d '{"method":"GET","path":"*/webServices/*","status":429,"headers":{"Retry-After":"9223372036854775807"}}' >/dev/null
emu requests -X DELETE
run aml-get-ws -g "$RG" -n "$WS"
expect_fail 1 '^aml-get-ws: GET /[^ ]+/webServices/[^ ]+: HTTP 429 ' "429 with Retry-After: 2^63-1: not retried"
is "$(emu requests | jq length)" 1 "one request"
emu faults -X DELETE >/dev/null

# Control characters from a server, and from the command line.
emu faults -d '{"method":"GET","path":"*/webServices/*","headers":{"X-Evil":"a\u001b]0;owned\u0007b\u001b[2Jc"}}' >/dev/null
run aml-get-ws -v -g "$RG" -n "$WS"
expect_ok "a header with escape sequences"
grep -q "$(printf '\033')" "$TMP/err"; ok $((! $?)) "no ESC byte in the trace"
grep -q "$(printf '\007')" "$TMP/err"; ok $((! $?)) "no BEL byte in the trace"
like "$(grep -i 'x-evil' "$TMP/err")" '^< X-Evil: a\\x1b\]0;owned\\x07b\\x1b\[2Jc$' "the header traced with its controls escaped"
run aml-get-ws -g "$(printf 'rg\033[2J\nx')" -n "$WS" -s ""
expect_usage '^aml-get-ws: -s: empty$' "a usage error"
run aml-patch-ilearner -u "$(printf 'https://h/a\033[31m\nb.ilearner')" "$TMP/def.json"
expect_fail 1 '^aml-patch-ilearner: -u: https://h/a\\x1b\[31m\\nb\.ilearner: a character not allowed in a URI ' \
    "a URI with an escape sequence and a newline: one line, escaped"

# A graph parameter's credential whose value is an object.
jq --arg k "PLANTED-account-key-4711" \
    '.properties.package.nodes.node2.parameters["Account Key"] = {value: $k, certificateThumbprint: ""}' \
    "$TMP/def.json" >"$TMP/keyed.json"
run aml-update-ws -v -g "$RG" -n "$WS" "$TMP/keyed.json"
expect_ok "update with a credential in a graph parameter"
unlike "$(cat "$TMP/err")" 'PLANTED-account-key-4711' "the -v trace masks the whole {\"value\": ...} under \"Account Key\""

# A server that echoes the client secret in its refusal.
emu faults -d "$(jq -cn --arg s "$AZURE_CLIENT_SECRET" '{method: "POST", path: "*/oauth2/v2.0/token",
    status: 401, code: "invalid_client", message: ("AADSTS7000215: Invalid client secret provided: " + $s)}')" >/dev/null
run aml-login
expect_fail 3 '^aml-login: ' "a refusal that quotes the secret"
unlike "$(cat "$TMP/err")" "$AZURE_CLIENT_SECRET" "the secret is masked in the exit-3 line"
like "$(cat "$TMP/err")" 'Invalid client secret provided: \*\*\*' "by its value"

# An opaque (not a JWT) access token on a line of its own.
emu faults -d "$(jq -cn '{method: "POST", path: "*/oauth2/v2.0/token",
    body: "{\n  \"token_type\": \"Bearer\",\n  \"expires_in\": 3599,\n  \"access_token\":\n    \"OPAQUE-planted-token-0123456789\"\n}"}')" >/dev/null
run aml-login -v
unlike "$(cat "$TMP/err")" 'OPAQUE-planted-token' "the token is masked in the trace and every message"
[ "$rc" -ne 0 ]; ok $? "Resource Manager refused the token (exit $rc)"

done_testing
