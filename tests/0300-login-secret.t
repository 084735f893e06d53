#!/bin/sh
# aml-login with a service principal's secret, aml-token, aml-logout.
. "$(dirname "$0")/lib.sh"
emu_start

run aml-login -h
expect_ok "-h exits 0"
like "$(cat "$TMP/out")" '^usage: aml-login' "-h prints usage on stdout"
run aml-login -V
like "$(cat "$TMP/out")" '^aml-login [0-9]' "-V prints the version"
run aml-login --bogus
expect_usage '^aml-login: unknown option --bogus$' "an unknown option is a usage error"
run aml-login --identity --device-code
expect_usage 'choose one of' "two credentials are a usage error"
run aml-login --key-file /dev/null --certificate /dev/null
expect_usage 'choose one of' "two proofs are a usage error"
run aml-login --cloud Mars
expect_usage 'unknown cloud Mars' "an unknown cloud is a usage error"
run env AZURE_AUTHORITY_HOST=http://login.example.com aml-login
expect_usage 'plain http is allowed only for loopback' "plain http to a remote authority is refused"

# Without a secret in the environment (with one, it signs in by itself:
# 0309-login-environment.t).
run env -u AZURE_CLIENT_SECRET aml-token
expect_fail 3 '^aml-token: not signed in \(run aml-login\)$' "aml-token before aml-login: exit 3"

# Sign in from the environment.
run aml-login
expect_ok "aml-login with AZURE_CLIENT_SECRET"
cp "$TMP/out" "$TMP/account"
is "$(jq -r .id "$TMP/account")" "$AZURE_SUBSCRIPTION_ID" "the subscription is selected"
is "$(jq -r .tenantId "$TMP/account")" "$AZURE_TENANT_ID" "the tenant"
is "$(jq -r .environmentName "$TMP/account")" AzureCloud "the cloud"
is "$(jq -r '.user.type + " " + .user.name' "$TMP/account")" "servicePrincipal $AZURE_CLIENT_ID" "the user"
is "$(jq -r .credential "$TMP/account")" clientSecret "the credential"
like "$(jq -r .expires_on "$TMP/account")" '^[0-9]{10}$' "expires_on is epoch seconds"
like "$(jq -r .expiresOn "$TMP/account")" '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}\.[0-9]{6}$' "expiresOn is az's local time"
is "$(jq -r 'keys_unsorted | join(",")' "$TMP/account")" \
    "environmentName,tenantId,id,name,state,isDefault,user,credential,expiresOn,expires_on" "the account's fields"
unlike "$(cat "$TMP/account" "$TMP/err")" 'eyJ|accessToken' "aml-login prints no token"
unlike "$(cat "$TMP/account" "$TMP/err")" "$AZURE_CLIENT_SECRET" "nor the secret"
is "$(stat -c %a "$AML_CONFIG_DIR")" 700 "the directory is 0700"
is "$(stat -c %a "$AML_CONFIG_DIR/profile.json") $(stat -c %a "$AML_CONFIG_DIR/tokens.json")" "600 600" "files are 0600"
! grep -q "$AZURE_CLIENT_SECRET" "$AML_CONFIG_DIR"/*; ok $? "the secret is not stored without --save-secret"
[ ! -e "$AML_CONFIG_DIR/secret.json" ]; ok $? "no secret.json"

# The token, as az prints it.
run aml-token
expect_ok "aml-token"
is "$(jq -r 'keys_unsorted | join(",")' "$TMP/out")" \
    "accessToken,expiresOn,expires_on,subscription,tenant,tokenType" "aml-token prints the az shape"
is "$(jq -r .subscription "$TMP/out")" "$AZURE_SUBSCRIPTION_ID" "with the subscription"
is "$(jq -r .tokenType "$TMP/out")" Bearer "tokenType Bearer"
tok=$(jq -r .accessToken "$TMP/out")
run aml-token -r
is "$(cat "$TMP/out")" "$tok" "-r prints the same token, from the cache"
is "$(emu requests | jq '[.[] | select(.path | test("/oauth2/v2.0/token"))] | length')" 1 \
    "one token request so far"
# The token is an RS256 JWT the emulator signed, for Resource Manager.
aud=$(printf '%s' "$tok" | cut -d. -f2 | tr '_-' '/+' | base64 -d 2>/dev/null | jq -r .aud 2>/dev/null)
like "$aud" '^https://management\.(azure\.com|core\.windows\.net)/?$' "the token's audience is Resource Manager"
form=$(emu requests | jq -r '[.[] | select(.path | test("/oauth2/v2.0/token"))][0].form')
is "$(printf '%s' "$form" | jq -r .scope)" "https://management.azure.com//.default" "v2 scope with the double slash"
is "$(printf '%s' "$form" | jq -r .grant_type)" client_credentials "client credentials grant"

# Refusals: one line, the AADSTS code, the correlation id, a hint; exit 3.
run env AZURE_CLIENT_SECRET=wrong aml-login
expect_fail 3 '^aml-login: sign-in refused: POST /[^ ]+/oauth2/v2\.0/token: HTTP 401 invalid_client: AADSTS7000215: [^;]*\[correlation-id [0-9a-f-]+\]; hint: check the client secret' \
    "wrong secret: AADSTS7000215 with correlation id and hint"
unlike "$(cat "$TMP/err")" 'wrong' "the wrong secret is not echoed"
run env AZURE_CLIENT_ID=6a2f7a3e-0000-4000-8000-000000000000 aml-login
expect_fail 3 'AADSTS700016: .*hint: no application 6a2f7a3e-0000-4000-8000-000000000000 in tenant' \
    "unknown client: AADSTS700016 with a hint"
run env AZURE_TENANT_ID=00000000-0000-4000-8000-00000000dead aml-login
expect_fail 3 'AADSTS90002: .*hint: tenant 00000000-0000-4000-8000-00000000dead not found' \
    "unknown tenant: AADSTS90002 with a hint"
emu faults -d '{"method":"POST","path":"/*/oauth2/v2.0/token","status":401,"code":"AADSTS7000222"}' >/dev/null
run aml-login
expect_fail 3 'AADSTS7000222: .*hint: the client secret has expired' "expired secret: AADSTS7000222"
emu faults -d '{"method":"POST","path":"/*/oauth2/v2.0/token","status":400,"code":"AADSTS50076"}' >/dev/null
run aml-login
expect_fail 3 'interaction_required: AADSTS50076: .*hint: sign in again interactively: aml-login --device-code' \
    "MFA required: use --device-code"
run env -u AZURE_CLIENT_SECRET aml-login
expect_fail 3 '^aml-login: no credentials: ' "no credentials: exit 3"
run env -u AZURE_TENANT_ID aml-login -p
expect_fail 3 '^aml-login: no tenant \(give -t or set AZURE_TENANT_ID\)$' "no tenant"
run aml-login -s no-such-subscription
expect_fail 1 '^aml-login: subscription no-such-subscription is not among the [0-9]+ this account can use$' \
    "an unknown subscription"
run env AZURE_SUBSCRIPTION_ID=no-such-sub aml-login
expect_fail 1 'no-such-sub is not among .* \(from AZURE_SUBSCRIPTION_ID\)$' "an unknown AZURE_SUBSCRIPTION_ID"
# A refused sign-in leaves the previous one alone.
run aml-token -r
is "$(cat "$TMP/out")" "$tok" "failed sign-ins kept the previous account"

# The secret from a file and from stdin, never from argv.
printf '%s\n' "$AZURE_CLIENT_SECRET" > "$TMP/secret"
run env -u AZURE_CLIENT_SECRET aml-login --key-file "$TMP/secret"
expect_ok "--key-file"
is "$(jq -r .credential.secretFile "$AML_CONFIG_DIR/profile.json")" "$(cd "$TMP" && pwd -P)/secret" "by its absolute path"
run_in "$TMP/secret" env -u AZURE_CLIENT_SECRET aml-login --secret-stdin -s "$(jq -r .name "$TMP/account")"
expect_ok "--secret-stdin, subscription by name"
is "$(jq -r .id "$TMP/out")" "$AZURE_SUBSCRIPTION_ID" "the subscription found by its name"
: > "$TMP/empty"
run_in "$TMP/empty" env -u AZURE_CLIENT_SECRET aml-login --secret-stdin
expect_fail 3 '^aml-login: client secret: <stdin>: empty$' "an empty secret on stdin"
run env -u AZURE_CLIENT_SECRET aml-login --key-file "$TMP/nonexistent"
expect_fail 3 "^aml-login: key file $TMP/nonexistent: No such file or directory\$" "a missing key file"

# Renewal needs the secret again: from the environment, or saved.
emu config -d '{"tokenLifetime": 60}' >/dev/null
run aml-login
expect_ok "sign in with short-lived tokens"
run env -u AZURE_CLIENT_SECRET aml-token
expect_fail 3 '^aml-token: cannot renew the token: the client secret was not saved; set AZURE_CLIENT_SECRET' \
    "a renewal without the secret: exit 3"
run aml-token
expect_ok "a renewal with AZURE_CLIENT_SECRET"
run aml-login --save-secret
expect_ok "--save-secret"
is "$(stat -c %a "$AML_CONFIG_DIR/secret.json")" 600 "secret.json is 0600"
run env -u AZURE_CLIENT_SECRET aml-token
expect_ok "a renewal with the saved secret"
run aml-login
[ ! -e "$AML_CONFIG_DIR/secret.json" ]; ok $? "signing in again without --save-secret forgets it"
emu config -d '{"tokenLifetime": 3600}' >/dev/null

# aml-logout removes what aml-login stored.
run aml-login --save-secret
run aml-logout
expect_ok "aml-logout"
is "$(cat "$TMP/out" "$TMP/err")" "" "aml-logout is silent"
[ ! -e "$AML_CONFIG_DIR" ]; ok $? "the configuration directory is gone"
run env -u AZURE_CLIENT_SECRET aml-token
expect_fail 3 '^aml-token: not signed in \(run aml-login\)$' "aml-token after aml-logout"
run aml-logout
expect_ok "aml-logout when not signed in"
mkdir -p "$AML_CONFIG_DIR" && chmod 700 "$AML_CONFIG_DIR" && echo keep > "$AML_CONFIG_DIR/other"
run aml-login
run aml-logout
[ -f "$AML_CONFIG_DIR/other" ] && [ ! -e "$AML_CONFIG_DIR/tokens.json" ] && [ ! -e "$AML_CONFIG_DIR/profile.json" ]
ok $? "aml-logout leaves files it did not write"

# XDG_CONFIG_HOME, then HOME.
run env -u AML_CONFIG_DIR XDG_CONFIG_HOME="$TMP/xdg" aml-login
[ -f "$TMP/xdg/aml/profile.json" ]; ok $? "XDG_CONFIG_HOME/aml without AML_CONFIG_DIR"
run env -u AML_CONFIG_DIR -u XDG_CONFIG_HOME aml-login
[ -f "$HOME/.config/aml/profile.json" ]; ok $? "HOME/.config/aml without either"
is "$(stat -c %a "$HOME/.config")" 700 "missing parents are made 0700"

done_testing
