#!/bin/sh
# aml-login --device-code: the message on stderr, polling as RFC 8628
# says, approval, refusal, expiry, slow_down, -m, Ctrl-C; then the user's
# refresh token.
. "$(dirname "$0")/lib.sh"
emu_start
unset AZURE_CLIENT_SECRET
emu config -d '{"deviceInterval": 1}' >/dev/null

# start_device [ARGS]: aml-login -D in the background, with SIGINT at
# its default (a background job of sh ignores it otherwise); waits for
# the code and sets $pid and $code.
start_device() {
	: > "$TMP/err"
	perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or exit 127' aml-login -D "$@" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	code=
	wait_until has_code
}
has_code() {
	code=$(sed -n 's/.*enter the code \([A-Za-z0-9-]*\).*/\1/p' "$TMP/err" | head -1)
	[ -n "$code" ]
}

finish() { rc=0; wait "$pid" || rc=$?; }

start_device
like "$code" '^[A-Za-z0-9-]+$' "the user code is on stderr"
like "$(head -1 "$TMP/err")" '^To sign in, use a web browser to open the page .* and enter the code' \
    "the server's message is printed as it is"
[ ! -s "$TMP/out" ]; ok $? "nothing on stdout while waiting"
emu "device/$code/approve" -X POST >/dev/null
finish
is "$rc" 0 "approved: signed in"
is "$(jq -r '.user.type + " " + .user.name' "$TMP/out")" "user $AML_EMU_USER" "as the user"
is "$(jq -r .credential "$TMP/out")" deviceCode "with the device code credential"
is "$(jq -r .tenantId "$TMP/out")" "$AZURE_TENANT_ID" "in the user's tenant"
is "$(wc -l < "$TMP/err")" 1 "stderr has only the message"
form=$(emu requests | jq -r '[.[] | select(.path | test("/oauth2/v2.0/devicecode"))] | last | .form')
like "$(printf '%s' "$form" | jq -r .scope)" '^https://management\.azure\.com//\.default offline_access openid profile$' \
    "the scope asks for a refresh token"
is "$(printf '%s' "$form" | jq -r .client_id)" 04b07795-8ddb-461a-bbee-02f9e1bf7b46 "the default public client"
rt=$(jq -r .refreshToken "$AML_CONFIG_DIR/tokens.json")
like "$rt" '.' "the refresh token is kept"

# The refresh token renews tokens, and rotates.
run aml-token --resource https://management.core.windows.net/
expect_ok "a token for another resource from the refresh token"
form=$(emu requests | jq -r '[.[] | select(.path | test("/oauth2/v2.0/token"))] | last | .form')
is "$(printf '%s' "$form" | jq -r .grant_type)" refresh_token "with the refresh token grant"
is "$(printf '%s' "$form" | jq -r .refresh_token)" "***" "which the log masks"
rt2=$(jq -r .refreshToken "$AML_CONFIG_DIR/tokens.json")
[ -n "$rt2" ] && [ "$rt2" != "$rt" ]; ok $? "the rotated refresh token is stored"

# Signing in again reuses it, without a prompt.
run env -u AZURE_CLIENT_ID -u AZURE_TENANT_ID aml-login
expect_ok "aml-login reuses the user's refresh token"
is "$(cat "$TMP/err")" "" "without a device code"
is "$(jq -r .user.name "$TMP/out")" "$AML_EMU_USER" "as the same user"

# A refresh token that Entra ID no longer takes: sign in again.
emu faults -d '{"method":"POST","path":"/*/oauth2/v2.0/token","status":400,"code":"AADSTS700082"}' >/dev/null
run aml-token --min-validity 86400
expect_fail 3 'invalid_grant: AADSTS700082: .*hint: sign in again interactively: aml-login --device-code' \
    "an expired refresh token: exit 3 with the command to run"

# Declined.
start_device
emu "device/$code/decline" -X POST >/dev/null
finish
is "$rc" 3 "declined: exit 3"
is "$(sed 1d "$TMP/err")" "aml-login: device code sign-in: declined by the user (authorization_declined)" \
    "one line says it was declined"
[ ! -s "$TMP/out" ]; ok $? "nothing on stdout"

# Expired before anyone approved it.
emu config -d '{"deviceExpiresIn": 2}' >/dev/null
start_device
finish
is "$rc" 3 "expired: exit 3"
like "$(sed 1d "$TMP/err")" '^aml-login: device code sign-in: the code expired .*; run aml-login again$' \
    "one line says it expired"
emu config -d '{"deviceExpiresIn": 900}' >/dev/null

# slow_down: five seconds more between polls, from then on.  Approved
# once the slow_down has been answered, so that the next poll is the
# one that signs in.
emu requests -X DELETE >/dev/null
emu faults -d '{"method":"POST","path":"/*/oauth2/v2.0/token","status":400,"code":"slow_down"}' >/dev/null
start_device -v
wait_until seen 1 '(.path | test("/oauth2/v2.0/token")) and .status == 400'
ok $? "(the first poll was answered slow_down)"
emu "device/$code/approve" -X POST >/dev/null
finish
is "$rc" 0 "signed in after slow_down"
like "$(cat "$TMP/err")" '\* device code: slow_down; polling every 6 s from now on' "the interval grew by 5 s"
emu requests >"$TMP/log.json"
polls=$(jq '[.[] | select(.path | test("/oauth2/v2.0/token")) | select(.status == 400)] | length' "$TMP/log.json")
is "$polls" 1 "no poll came too early after slow_down"
# The pause after slow_down, from the log's times (when each poll came):
# 6 s, less at most the time the slow_down answer took, so over 5 s;
# polling on at deviceInterval's 1 s would be far below.
gap=$(jq -r '[.[] | select(.path | test("/oauth2/v2.0/token")) | .time |
    (sub("[.][0-9]+Z$"; "Z") | fromdate) * 1000 + (capture("[.](?<ms>[0-9]+)Z$").ms | tonumber)] |
    .[1] - .[0]' "$TMP/log.json")
ok $(( gap >= 5000 ? 0 : 1 )) "the next poll came 6 s later ($gap ms)"

# Starting a device code creates state on the server: like PATCH, PUT
# and DELETE, it is repeated only when the request never arrived.
emu faults -d '{"method":"POST","path":"/*/oauth2/v2.0/devicecode","status":503}' >/dev/null
run env AML_RETRY_BASE_MS=10 aml-login -D
expect_fail 1 '^aml-login: device code sign-in: POST /[^ ]+/oauth2/v2\.0/devicecode: HTTP 503 ' \
    "a 503 to a non-idempotent POST is not retried"
emu faults -d '{"method":"POST","path":"/*/oauth2/v2.0/devicecode","drop":"after-body"}' >/dev/null
run env AML_RETRY_BASE_MS=10 aml-login -D
expect_fail 1 '^aml-login: device code sign-in: POST /[^ ]+/oauth2/v2\.0/devicecode: (Empty reply|Recv failure|.*[Cc]onnection)' \
    "nor a connection dropped after the request was sent"
run env AZURE_AUTHORITY_HOST=http://127.0.0.1:1 AML_RETRY_BASE_MS=10 AML_RETRY_MAX=2 aml-login -D
is "$rc" 1 "a connection that cannot be made: exit 1"
is "$(grep -c '^aml-login: warning: POST /.*/devicecode: Failed to connect to 127\.0\.0\.1 port 1.*, retrying in [0-9]* ms' "$TMP/err")" 2 \
    "but is retried when the request never left"

# -m bounds the wait for the user too: a code nobody approves ends at the
# time limit, one line after the message, nothing stored.
emu faults -X DELETE
run aml-logout
run aml-login -D -m 2
is "$rc" 1 "-m 2 and no approval: exit 1"
is "$(sed 1d "$TMP/err")" "aml-login: device code sign-in: not completed within the time limit (-m 2 s)" \
    "said after the message"
[ ! -e "$AML_CONFIG_DIR/profile.json" ]; ok $? "nothing stored"

# Ctrl-C cancels cleanly: one line, nothing stored, death by SIGINT.
run aml-logout
start_device
kill -INT "$pid"
finish
is "$rc" 130 "Ctrl-C: the program dies of SIGINT"
is "$(sed 1d "$TMP/err")" "aml-login: sign-in cancelled" "one line says so"
[ ! -e "$AML_CONFIG_DIR/profile.json" ]; ok $? "nothing was stored"

done_testing
