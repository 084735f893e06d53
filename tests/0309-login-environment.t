#!/bin/sh
# Sign-in from the environment: when no one has run aml-login, every
# network program signs in with the azure-identity variables by itself
# (a client secret, its _FILE, a certificate, a federated token file,
# with AZURE_CLIENT_ID and AZURE_TENANT_ID), the way EnvironmentCredential
# and WorkloadIdentityCredential do, and caches what aml-login would, so
# that the programs after it use the cache.  A sign-in made so is made
# again when the variables name another client; one made by aml-login is
# left alone.
. "$(dirname "$0")/lib.sh"
emu_start
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS
SECRET=$AZURE_CLIENT_SECRET
tokens() {	# the token requests the emulator has seen
	emu requests | jq '[.[] | select(.path | test("/oauth2/v2.0/token"))] | length'
}
fresh() {	# signed out, a clean request log
	aml-logout
	emu requests -X DELETE
}

# A client secret.
emu requests -X DELETE
run aml-get-ws -c -g "$RG" -n "$WS"
expect_ok "aml-get-ws signs in from the environment by itself"
is "$(jq -r .name "$TMP/out")" "$WS" "and does its work"
is "$(cat "$TMP/err")" "" "silently"
is "$(jq -r '.credential.type + " " + .credential.source + " " + .credential.clientId' "$AML_CONFIG_DIR/profile.json")" \
    "clientSecret environment $AZURE_CLIENT_ID" "the account is stored, marked as the environment's"
is "$(jq -r .subscription.id "$AML_CONFIG_DIR/profile.json")" "$AZURE_SUBSCRIPTION_ID" "with AZURE_SUBSCRIPTION_ID's subscription"
is "$(stat -c %a "$AML_CONFIG_DIR/profile.json") $(stat -c %a "$AML_CONFIG_DIR/tokens.json")" "600 600" \
    "files 0600, as aml-login writes them"
! grep -qF "$SECRET" "$AML_CONFIG_DIR"/*
ok $? "the secret is not stored"
run aml-token -r
expect_ok "aml-token after it"
run aml-ws-keys -g "$RG" -n "$WS"
expect_ok "aml-ws-keys after it"
is "$(tokens)" 1 "one token request for all three: the others used the cache"

# Without AZURE_SUBSCRIPTION_ID: the first enabled subscription, as
# aml-login chooses; and aml-login --list works on it.
fresh
run env -u AZURE_SUBSCRIPTION_ID aml-token
expect_ok "aml-token, no subscription named"
is "$(jq -r .subscription "$TMP/out")" "$AZURE_SUBSCRIPTION_ID" "the first enabled one"
run aml-login --list
expect_ok "aml-login --list after a sign-in from the environment"

# The secret from the file AZURE_CLIENT_SECRET_FILE names, also for the
# renewals (--min-validity asks for more than the first token has).
fresh
emu config -d '{"tokenLifetime": 3600}' >/dev/null
printf '%s\n' "$SECRET" >"$TMP/secret"
chmod 600 "$TMP/secret"
run env -u AZURE_CLIENT_SECRET AZURE_CLIENT_SECRET_FILE="$TMP/secret" aml-get-ws -g "$RG" -n "$WS"
expect_ok "AZURE_CLIENT_SECRET_FILE"
emu config -d '{"tokenLifetime": 86400}' >/dev/null
run env -u AZURE_CLIENT_SECRET AZURE_CLIENT_SECRET_FILE="$TMP/secret" aml-token --min-validity 2h
expect_ok "a renewal with the secret from the file"
is "$(tokens)" 2 "two token requests: the sign-in and the renewal"

# A certificate.
fresh
run env -u AZURE_CLIENT_SECRET AZURE_CLIENT_ID="$AML_EMU_CERT_CLIENT_ID" \
    AZURE_CLIENT_CERTIFICATE_PATH="$AML_EMU_CERT_PEM" aml-get-ws -g "$RG" -n "$WS"
expect_ok "AZURE_CLIENT_CERTIFICATE_PATH"
is "$(jq -r .credential.type "$AML_CONFIG_DIR/profile.json")" clientCertificate "a certificate sign-in"
fresh
printf '%s\n' "$AML_EMU_CERT_PFX_PASSWORD" >"$TMP/pfxpw"
run env -u AZURE_CLIENT_SECRET AZURE_CLIENT_ID="$AML_EMU_CERT_CLIENT_ID" \
    AZURE_CLIENT_CERTIFICATE_PATH="$AML_EMU_CERT_PFX" AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE="$TMP/pfxpw" \
    aml-token
expect_ok "a PKCS#12 certificate, its password from AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE"

# A federated token file (workload identity).
fresh
emu federated-token -d '{}' | jq -r .token >"$TMP/fed"
run env -u AZURE_CLIENT_SECRET AZURE_CLIENT_ID="$AML_EMU_FEDERATED_CLIENT_ID" \
    AZURE_FEDERATED_TOKEN_FILE="$TMP/fed" aml-get-ws -g "$RG" -n "$WS"
expect_ok "AZURE_FEDERATED_TOKEN_FILE"
is "$(jq -r .credential.type "$AML_CONFIG_DIR/profile.json")" workloadIdentity "a workload identity sign-in"

# Another client in the variables: signed in anew.
fresh
run aml-token
expect_ok "signed in as the secret's client"
run env -u AZURE_CLIENT_SECRET AZURE_CLIENT_ID="$AML_EMU_CERT_CLIENT_ID" \
    AZURE_CLIENT_CERTIFICATE_PATH="$AML_EMU_CERT_PEM" aml-token
expect_ok "the variables name another client"
is "$(jq -r .credential.clientId "$AML_CONFIG_DIR/profile.json")" "$AML_EMU_CERT_CLIENT_ID" "which signs in anew"
is "$(tokens)" 2 "two sign-ins"

# aml-login's sign-in is the user's choice: the variables do not replace it.
fresh
run env -u AZURE_CLIENT_SECRET AZURE_CLIENT_ID="$AML_EMU_CERT_CLIENT_ID" aml-login -C "$AML_EMU_CERT_PEM"
expect_ok "aml-login with a certificate"
run aml-token
expect_ok "aml-token with the secret's client in the variables"
is "$(jq -r .credential.clientId "$AML_CONFIG_DIR/profile.json")" "$AML_EMU_CERT_CLIENT_ID" "keeps aml-login's account"

# Several programs at once: one signs in, under the lock, and the others
# find its account.
fresh
for i in 1 2 3 4; do
	aml-token -r >"$TMP/par$i" 2>&1 &
done
wait
is "$(cat "$TMP/par1" "$TMP/par2" "$TMP/par3" "$TMP/par4" | sort -u | wc -l | tr -d ' ')" 1 \
    "four programs at once get the same token"
is "$(tokens)" 1 "from one sign-in"

# Refusals and what is missing.
fresh
run env AZURE_CLIENT_SECRET=wrong-secret-value aml-get-ws -g "$RG" -n "$WS"
expect_fail 3 '^aml-get-ws: sign-in refused: POST /[^ ]+/oauth2/v2\.0/token: HTTP 401 invalid_client: AADSTS7000215: ' \
    "a wrong secret: exit 3, one line"
[ ! -e "$AML_CONFIG_DIR/profile.json" ]; ok $? "and no account stored"
run env AZURE_CLIENT_SECRET="$TMP/secret" aml-get-ws -g "$RG" -n "$WS"
expect_fail 3 '; hint: AZURE_CLIENT_SECRET looks like a file name: use AZURE_CLIENT_SECRET_FILE$' \
    "a file's name in AZURE_CLIENT_SECRET: refused, and said so"
unlike "$(cat "$TMP/err")" "$TMP/secret" "(the value is not shown)"
run env -u AZURE_TENANT_ID aml-get-ws -g "$RG" -n "$WS"
expect_fail 3 '^aml-get-ws: not signed in \(run aml-login\)$' "no tenant: not signed in"
run env -u AZURE_CLIENT_SECRET aml-token
expect_fail 3 '^aml-token: not signed in \(run aml-login\)$' "no proof: not signed in"
run env AZURE_SUBSCRIPTION_ID="No Such" aml-get-ws -g "$RG" -n "$WS"
expect_fail 1 '^aml-get-ws: subscription No Such is not among the 1 this account can use \(from AZURE_SUBSCRIPTION_ID\)$' \
    "an unknown AZURE_SUBSCRIPTION_ID"

done_testing
