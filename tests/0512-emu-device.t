#!/bin/sh
# aml-emulator: the device code grant (v2 and v1), its approval and
# refusal through the control API, and refresh tokens.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start

CLI=04b07795-8ddb-461a-bbee-02f9e1bf7b46
ORG="$AZURE_AUTHORITY_HOST/organizations/oauth2/v2.0"
SCOPE="https://management.core.windows.net//.default offline_access openid profile"
emu config -d '{"deviceInterval":0}' >/dev/null

devicecode() {	# [CLIENT]
	http POST "$ORG/devicecode" --data-urlencode "client_id=${1:-$CLI}" \
	    --data-urlencode "scope=$SCOPE"
	DC=$(jb .device_code)
	UC=$(jb .user_code)
}

poll() {	# [CLIENT] [CODE]
	http POST "$ORG/token" \
	    --data-urlencode grant_type=urn:ietf:params:oauth:grant-type:device_code \
	    --data-urlencode "client_id=${1:-$CLI}" --data-urlencode "device_code=${2:-$DC}" \
	    --data-urlencode client_info=1
}

refused() {	# STATUS ERROR CODE DESCRIPTION
	is_status "$status" "$1" "$4: HTTP $1"
	is "$(jb .error)" "$2" "$4: $2"
	like "$(jb .error_description)" "^AADSTS$3: " "$4: AADSTS$3"
}

devicecode
is_status "$status" 200 "v2 devicecode"
is "$(jq -c 'keys_unsorted' "$TMP/body")" \
    '["user_code","device_code","verification_uri","expires_in","interval","message"]' "its members"
like "$UC" '^[A-Z0-9]{9}$' "a nine-character user code"
is "$(jb .expires_in)" 900 "expires_in 900"
like "$(jb .message)" "enter the code $UC to authenticate" "the message has the code"
poll
refused 400 authorization_pending 70016 "before approval"
emu "device/$UC/approve" -X POST >"$TMP/ap.json"
is "$(jq -r .state "$TMP/ap.json")" approved "the control API approves"
poll
is_status "$status" 200 "after approval: tokens"
for m in access_token refresh_token id_token scope expires_in client_info; do
	is "$(jb "has(\"$m\")")" true "the answer has $m"
done
at=$(jb .access_token)
rt=$(jb .refresh_token)
jwt_part "$at" 2 >"$TMP/c.json"
is "$(jq -r '.idtyp + " " + .upn + " " + .scp' "$TMP/c.json")" "user $AML_EMU_USER user_impersonation" \
    "a user token for the emulated user"
is "$(jq -r .aud "$TMP/c.json")" https://management.core.windows.net/ "aud from the scope"
is "$(jwt_part "$(jb .id_token)" 2 | jq -r '.aud + " " + .preferred_username')" "$CLI $AML_EMU_USER" \
    "the id token names the client and user"
is "$(jb .client_info | tr '_-' '/+' | { read -r s; printf '%s==' "$s"; } | openssl base64 -d -A 2>/dev/null |
    jq -r .utid 2>/dev/null)" "$AZURE_TENANT_ID" "client_info carries the tenant"
poll
refused 400 invalid_grant 54005 "a device code is redeemed once"

# Declined, expired, unknown.
devicecode
emu "device/$UC/decline" -X POST >/dev/null
poll
refused 400 authorization_declined 65004 "declined"
http POST "$AML_EMULATOR_URL/_emu/device/$UC/approve"
is_status "$status" 409 "a decided code cannot be approved"
http POST "$AML_EMULATOR_URL/_emu/device/NOSUCHCODE/approve"
is_status "$status" 404 "an unknown user code"
emu config -d '{"deviceExpiresIn":30}' >/dev/null
devicecode
is "$(jb .expires_in)" 30 "deviceExpiresIn sets expires_in"
emu "device/$UC/approve" -X POST >/dev/null
emu config -d '{"clockSkew":60}' >/dev/null
poll
refused 400 expired_token 70019 "expired, even when approved"
emu config -d '{"deviceExpiresIn":900,"clockSkew":0}' >/dev/null
poll "$CLI" nosuchcode
refused 400 bad_verification_code 70018 "an unknown device code"
devicecode
poll 1950a258-227b-4e31-a9cf-717495945fc2
refused 400 bad_verification_code 70018 "another client's device code"

# slow_down when polling faster than the interval.
emu config -d '{"deviceInterval":60}' >/dev/null
devicecode
is "$(jb .interval)" 60 "deviceInterval sets interval"
poll
refused 400 authorization_pending 70016 "the first poll is pending"
poll
refused 400 slow_down 70016 "the second, too soon, is slow_down"
emu config -d '{"deviceInterval":0}' >/dev/null

# Device code with clients that cannot use it.
devicecode "$AZURE_CLIENT_ID"
refused 401 invalid_client 7000218 "a confidential client"
devicecode 00000000-0000-0000-0000-0000000000ff
refused 400 unauthorized_client 700016 "an unknown client"
http POST "$ORG/devicecode" --data-urlencode "client_id=$CLI"
refused 400 invalid_request 900144 "no scope"

# v1: /oauth2/devicecode with resource=, strings, verification_url, code=.
http POST "$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/oauth2/devicecode?api-version=1.0" \
    --data-urlencode "client_id=$CLI" --data-urlencode resource=https://management.core.windows.net/
is_status "$status" 200 "v1 devicecode"
is "$(jb '[.expires_in, .interval] | map(type) | join(",")')" string,string "v1 numbers are strings"
is "$(jb .verification_url)" https://microsoft.com/devicelogin "v1 says verification_url"
emu "device/$(jb .user_code)/approve" -X POST >/dev/null
http POST "$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/oauth2/token" --data-urlencode grant_type=device_code \
    --data-urlencode "client_id=$CLI" --data-urlencode "code=$(jb .device_code)"
is_status "$status" 200 "v1 device_code grant with code="
is "$(jb '.resource + " " + (.expires_on | type)')" "https://management.core.windows.net/ string" \
    "v1 token answer"
test -n "$(jb .refresh_token)"
ok $? "v1 gives a refresh token"

# Refresh: a new refresh token every time; the old one still works.
refresh() {	# RT [SCOPE] [CLIENT]
	http POST "$ORG/token" --data-urlencode grant_type=refresh_token \
	    --data-urlencode "client_id=${3:-$CLI}" --data-urlencode "refresh_token=$1" \
	    ${2:+--data-urlencode "scope=$2"}
}
refresh "$rt" "https://management.azure.com/.default offline_access"
is_status "$status" 200 "refresh_token grant"
rt2=$(jb .refresh_token)
test -n "$rt2" && test "$rt2" != "$rt"
ok $? "the refresh token rotates"
is "$(jwt_part "$(jb .access_token)" 2 | jq -r .aud)" https://management.azure.com \
    "a refresh may name another scope of the resource"
refresh "$rt"
is_status "$status" 200 "the old refresh token is not revoked by use"
refresh "$rt2"
is_status "$status" 200 "the new one works"
refresh "1.AQ0Anosuchtoken"
refused 400 invalid_grant 9002313 "an unknown refresh token"
refresh "$rt" "" 1950a258-227b-4e31-a9cf-717495945fc2
refused 400 invalid_grant 70000 "another client's refresh token"
http POST "$ORG/token" --data-urlencode grant_type=refresh_token --data-urlencode "client_id=$CLI"
refused 400 invalid_request 900144 "no refresh_token"
http POST "$ORG/token" --data-urlencode grant_type=refresh_token --data-urlencode "client_id=$CLI" \
    --data-urlencode "refresh_token=$rt" --data-urlencode client_secret=x
refused 401 invalid_client 700025 "a public client with a secret"
# Refresh tokens die of 90 days without use.
emu config -d '{"clockSkew":7862400}' >/dev/null
refresh "$rt2"
refused 400 invalid_grant 700082 "an idle refresh token expires"
emu config -d '{"clockSkew":0}' >/dev/null

# The log masks device codes and refresh tokens.
emu requests >"$TMP/log.json"
grep -F -q "$rt" "$TMP/log.json"
is "$?" 1 "no refresh token in the log"
is "$(jq -r '[.[] | .form.refresh_token // empty] | unique | join(",")' "$TMP/log.json")" '***' \
    "refresh_token masked"
is "$(jq -r '[.[] | .form.device_code // empty] | unique | join(",")' "$TMP/log.json")" '***' \
    "device_code masked"

done_testing
