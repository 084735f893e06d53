#!/bin/sh
# The order aml-login(1) gives for the credentials it finds without a
# flag, pair by adjacent pair: in the environment a client secret over a
# certificate and over a federated token file, a certificate over a
# federated token file; the environment over App Service's managed
# identity; that over the refresh token of a previous device code
# sign-in; that over a device code sign-in on a terminal; and without a
# terminal, none.
. "$(dirname "$0")/lib.sh"
emu_start
SP_ID=$AZURE_CLIENT_ID
SP_SECRET=$AZURE_CLIENT_SECRET
unset AZURE_CLIENT_ID AZURE_CLIENT_SECRET
emu federated-token -d '{}' | jq -r .token >"$TMP/fed"
APPSVC="IDENTITY_ENDPOINT=$AML_EMU_IDENTITY_ENDPOINT IDENTITY_HEADER=$AML_EMU_IDENTITY_HEADER"

cred() { jq -r .credential "$TMP/out"; }

# The environment: secret, certificate, federated token file.
run env AZURE_CLIENT_ID="$SP_ID" AZURE_CLIENT_SECRET="$SP_SECRET" \
    AZURE_CLIENT_CERTIFICATE_PATH="$AML_EMU_CERT_PEM" aml-login
expect_ok "secret and certificate in the environment"
is "$(cred)" clientSecret "the secret comes first"
run env AZURE_CLIENT_ID="$SP_ID" AZURE_CLIENT_SECRET="$SP_SECRET" \
    AZURE_FEDERATED_TOKEN_FILE="$TMP/fed" aml-login
expect_ok "secret and federated token file in the environment"
is "$(cred)" clientSecret "the secret comes first"
run env AZURE_CLIENT_ID="$AML_EMU_CERT_CLIENT_ID" AZURE_CLIENT_CERTIFICATE_PATH="$AML_EMU_CERT_PEM" \
    AZURE_FEDERATED_TOKEN_FILE="$TMP/fed" aml-login
expect_ok "certificate and federated token file in the environment"
is "$(cred)" clientCertificate "the certificate comes first"
run env AZURE_CLIENT_ID="$AML_EMU_FEDERATED_CLIENT_ID" AZURE_FEDERATED_TOKEN_FILE="$TMP/fed" aml-login
expect_ok "the federated token file alone"
is "$(cred)" workloadIdentity "is used"

# The environment over App Service.
run env AZURE_CLIENT_ID="$SP_ID" AZURE_CLIENT_SECRET="$SP_SECRET" $APPSVC aml-login
expect_ok "a secret in the environment and App Service's variables"
is "$(cred)" clientSecret "the environment comes first"

# App Service over the refresh token of a previous device code sign-in.
device_signin() {
	emu config -d '{"deviceInterval": 1, "deviceExpiresIn": 900}' >/dev/null
	aml-login -D >"$TMP/dev.out" 2>"$TMP/dev.err" &
	_pid=$!
	_code=
	wait_until has_code || return 1
	emu "device/$_code/approve" -X POST >/dev/null
	wait "$_pid"
}
has_code() {
	_code=$(sed -n 's/.*enter the code \([A-Za-z0-9-]*\).*/\1/p' "$TMP/dev.err" | head -1)
	[ -n "$_code" ]
}
device_signin
ok $? "a device code sign-in leaves a refresh token"
run env $APPSVC aml-login
expect_ok "App Service's variables and a refresh token"
is "$(cred)" managedIdentity "App Service comes first"

# The refresh token over a device code sign-in, on a terminal.
if command -v script >/dev/null 2>&1; then
	device_signin
	emu requests -X DELETE
	export TMP
	rc=0
	script -qec 'aml-login >"$TMP/out"' /dev/null >"$TMP/tty" </dev/null || rc=$?
	is "$rc" 0 "a refresh token, stderr a terminal"
	is "$(cred)" deviceCode "the user signs in again"
	is "$(emu requests | jq -r '[.[] | select(.path | test("/oauth2/v2.0/(token|devicecode)")) | .form.grant_type // "devicecode"] | join(",")')" \
	    refresh_token "with the refresh token, no new device code"
	unlike "$(cat "$TMP/tty")" 'enter the code' "nothing asked on the terminal"

	# With no refresh token, a terminal gets a device code sign-in.
	aml-logout
	emu config -d '{"deviceInterval": 1, "deviceExpiresIn": 1}' >/dev/null
	rc=0
	script -qec 'aml-login >"$TMP/out"' /dev/null >"$TMP/tty" </dev/null || rc=$?
	like "$(cat "$TMP/tty")" 'To sign in, use a web browser to open the page .* and enter the code [A-Z0-9]+' \
	    "no refresh token, stderr a terminal: a device code sign-in starts"
	is "$rc" 3 "(the code expires unused: exit 3)"
else
	for i in 1 2 3 4 5 6; do skip "no script(1)" "refresh token and device code on a terminal"; done
	aml-logout
fi

# No terminal: nothing left to try.
run aml-login
expect_fail 3 '^aml-login: no credentials: ' "no credentials and no terminal: exit 3"
done_testing
