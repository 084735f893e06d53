#!/bin/sh
# aml-login's choice of subscription among several (aml-login(1),
# Subscription): -s, else AZURE_SUBSCRIPTION_ID, else the first enabled
# one; disabled ones are skipped; none enabled is an error.  The
# emulator's control API adds subscriptions and disables them.
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

# A reset brings back the one enabled subscription.
emu reset -X POST
run aml-login
expect_ok "after a reset"
is "$(jq -r .id "$TMP/out")" "$SEEDED" "the seeded subscription, enabled again"
done_testing
