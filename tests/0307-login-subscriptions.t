#!/bin/sh
# aml-login's choice of subscription among several (aml-login(1),
# Subscription): -s, else AZURE_SUBSCRIPTION_ID, else the first enabled
# one; disabled ones are skipped; none enabled is an error.  -s alone,
# signed in, switches the account's subscription without signing in
# (az account set); --list and --table.  The emulator's control API adds
# subscriptions and disables them.
. "$(dirname "$0")/lib.sh"
emu_start
SEEDED=$AZURE_SUBSCRIPTION_ID
unset AZURE_SUBSCRIPTION_ID

sub() {	# sub JSON: add or change a subscription; its id
	emu subscriptions -d "$1" | jq -r .subscriptionId
}
chosen() {	# the subscription of the last sign-in, as "name state"
	jq -r '.name + " " + .state' "$TMP/out"
}

run aml-login
expect_ok "one subscription"
is "$(jq -r .id "$TMP/out")" "$SEEDED" "the only one is chosen"

S2=$(sub '{"displayName":"Second"}')
like "$S2" '^[0-9a-f-]{36}$' "a second subscription added"
run aml-login
expect_ok "two enabled subscriptions"
is "$(chosen)" "Azure ML Emulator Enabled" "the first enabled one is chosen"
run aml-login --list
expect_ok "aml-login -l"
is "$(jq -r '.name + " " + .state + " " + (.isDefault | tostring)' "$TMP/out" | tr '\n' ,)" \
    "Azure ML Emulator Enabled true,Second Enabled false," "-l lists both, in order, the chosen one default"

sub "{\"subscriptionId\":\"$SEEDED\",\"state\":\"Disabled\"}" >/dev/null
run aml-login
expect_ok "the first one disabled"
is "$(chosen)" "Second Enabled" "it is skipped for the next enabled one"
is "$(cat "$TMP/err")" "" "without a warning"

S3=$(sub '{"displayName":"Third","state":"Disabled"}')
S4=$(sub '{"displayName":"Fourth"}')
sub "{\"subscriptionId\":\"$S2\",\"state\":\"Warned\"}" >/dev/null
run aml-login
expect_ok "disabled, warned, disabled, enabled"
is "$(chosen)" "Fourth Enabled" "only Enabled counts: the fourth is chosen"

# Asked for by id or name, a subscription that is not enabled is taken,
# with a warning.
run aml-login -s Third
expect_ok "-s names a disabled subscription"
is "$(jq -r .id "$TMP/out")" "$S3" "it is taken"
is "$(cat "$TMP/err")" "aml-login: warning: subscription $S3 is Disabled" "with a warning"
run env AZURE_SUBSCRIPTION_ID="$S2" aml-login
expect_ok "AZURE_SUBSCRIPTION_ID names a warned one"
is "$(chosen)" "Second Warned" "it is taken"
is "$(cat "$TMP/err")" "aml-login: warning: subscription $S2 is Warned" "with a warning"

# None enabled.
sub "{\"subscriptionId\":\"$S4\",\"state\":\"Disabled\"}" >/dev/null
run aml-login
expect_fail 1 '^aml-login: the account has no enabled subscription$' "no enabled subscription: exit 1, one line"
run aml-login -s Fourth
expect_ok "but one may still be named"
is "$(chosen)" "Fourth Disabled" "and is taken"

# -s alone, signed in: the cached account's subscription changes, by id
# or name; no sign-in (no token request), the token kept; a name no one
# has changes nothing.
emu reset -X POST
S5=$(sub '{"displayName":"Fifth"}')
run aml-login
expect_ok "signed in"
tokfile=$(cat "$AML_CONFIG_DIR/tokens.json")
emu requests -X DELETE
run aml-login -s fifth
expect_ok "-s NAME alone switches"
is "$(jq -r '.id + " " + .name + " " + (.isDefault | tostring)' "$TMP/out")" "$S5 Fifth true" \
    "prints the account with its new subscription"
is "$(jq -r .subscription.id "$AML_CONFIG_DIR/profile.json")" "$S5" "the stored account's subscription"
is "$(emu requests | jq '[.[] | select(.path | test("oauth2"))] | length')" 0 "without signing in"
is "$(cat "$AML_CONFIG_DIR/tokens.json")" "$tokfile" "the cached token kept"
is "$(emu requests | jq -r '[.[] | .method + " " + (.path | sub("\\?.*"; ""))] | join(",")')" "GET /subscriptions" \
    "one request: the list"
run aml-get-ws -c -g "$AML_DEMO_RG" -n "$AML_DEMO_WS"
like "$(emu requests | jq -r 'last | .path')" "^/subscriptions/$S5/" "the programs use it now"
run aml-login -s "$SEEDED"
expect_ok "-s ID alone switches back"
is "$(jq -r .subscription.id "$AML_CONFIG_DIR/profile.json")" "$SEEDED" "to the first"
run aml-login --list --table
expect_ok "--list --table"
is "$(awk 'NR == 1 { print $1, $(NF-1), $NF }' "$TMP/out")" "NAME STATE DEFAULT" "a header"
is "$(awk '$NF == "true" { print $NF }' "$TMP/out" | wc -l | tr -d ' ')" 1 "one default"
like "$(grep "$SEEDED" "$TMP/out")" ' true$' "the chosen one"
run aml-login -s "No Such"
expect_fail 1 '^aml-login: subscription No Such is not among the 2 this account can use$' "an unknown name"
is "$(jq -r .subscription.id "$AML_CONFIG_DIR/profile.json")" "$SEEDED" "changes nothing"
run aml-login --table
expect_usage '^aml-login: --table goes with --list$' "--table alone"
run aml-login --list -s x
expect_usage '^aml-login: --list lists them all: leave out -s$' "--list with -s"
# Not signed in, -s signs in, as before.
aml-logout
run aml-login -s fifth
expect_ok "-s when no one is signed in: a sign-in"
is "$(jq -r .subscription.id "$AML_CONFIG_DIR/profile.json")" "$S5" "to that subscription"

# A reset brings back the one enabled subscription.
emu reset -X POST
run aml-login
expect_ok "after a reset"
is "$(jq -r .id "$TMP/out")" "$SEEDED" "the seeded subscription, enabled again"
done_testing
