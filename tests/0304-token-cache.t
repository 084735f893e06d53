#!/bin/sh
# The token cache: aml-token's renewals, the lock, concurrent programs,
# a 401 from Resource Manager, modes, and tokens given on stdin.
. "$(dirname "$0")/lib.sh"
emu_start

ntok() {	# token requests in the emulator's log
	emu requests | jq '[.[] | select(.path | test("/oauth2/v2.0/token"))] | length'
}

run aml-login
expect_ok "signed in"
t1=$(jq -r '.accessTokens[0].accessToken' "$AML_CONFIG_DIR/tokens.json")

# Cached while it has more than five minutes, or --min-validity, left.
run aml-token -r
is "$(cat "$TMP/out")" "$t1" "the cached token"
run aml-token -r -v
like "$(cat "$TMP/err")" '^\* token for https://management.azure.com/ from the cache, expires ' "-v says it came from the cache"
emu config -d '{"tokenLifetime": 1000}' >/dev/null
run aml-login
t1=$(jq -r '.accessTokens[0].accessToken' "$AML_CONFIG_DIR/tokens.json")
emu config -d '{"tokenLifetime": 3600}' >/dev/null
run aml-token -r --min-validity 600
is "$(cat "$TMP/out")" "$t1" "--min-validity shorter than what is left: the cached token"
n=$(ntok)
run aml-token -r --min-validity 2000
expect_ok "--min-validity longer than what is left"
[ "$(cat "$TMP/out")" != "$t1" ]; ok $? "renews the token"
is "$(ntok)" $((n + 1)) "with one token request"
run aml-token --min-validity 90000
expect_usage '^aml-token: --min-validity 90000: at most 1d$' "--min-validity is bounded"
emu config -d '{"tokenLifetime": 600}' >/dev/null
run aml-token --min-validity 3700
expect_fail 1 '^aml-token: the new token for https://management.azure.com/ expires at .*, sooner than the 3700 s asked for$' \
    "a renewal cannot give what --min-validity asks"
emu config -d '{"tokenLifetime": 3600}' >/dev/null
run aml-token --scope https://management.core.windows.net//.default -r
expect_ok "--scope"
like "$(emu requests | jq -r '[.[] | select(.path | test("/oauth2/v2.0/token"))] | last | .form.scope')" \
    '^https://management\.core\.windows\.net//\.default$' "asks for that scope"
run aml-token --resource https://management.core.windows.net/ -r
expect_ok "--resource, the same audience"
is "$(jq '.accessTokens | length' "$AML_CONFIG_DIR/tokens.json")" 2 "cached beside Resource Manager's token"
run aml-token --resource https://unknown.example.com/
expect_fail 3 '^aml-token: sign-in refused: POST .*: HTTP 400 invalid_resource: AADSTS500011: .*hint: no resource https://unknown.example.com/ in the tenant' \
    "an audience the tenant does not know: exit 3"
run aml-token --scope 'a b'
expect_usage "^aml-token: --scope a b: one scope, URI/.default$" "two scopes are a usage error"

# A token expiring between two programs: the next one renews it.
emu config -d '{"tokenLifetime": 120}' >/dev/null
run aml-login
t1=$(jq -r '.accessTokens[0].accessToken' "$AML_CONFIG_DIR/tokens.json")
emu config -d '{"tokenLifetime": 3600}' >/dev/null
n=$(ntok)
run aml-token -r
expect_ok "aml-token after the token got within five minutes of expiry"
t2=$(cat "$TMP/out")
[ "$t2" != "$t1" ]; ok $? "it was renewed"
is "$(ntok)" $((n + 1)) "once"
run aml-token -r
is "$(cat "$TMP/out")" "$t2" "the renewed token is cached for the next program"

# Eight programs at once, all needing a renewal: one token request, and
# a cache every one of them can still read.
emu config -d '{"tokenLifetime": 120}' >/dev/null
run aml-login
emu config -d '{"tokenLifetime": 3600}' >/dev/null
n=$(ntok)
pids=
for i in 1 2 3 4 5 6 7 8; do
	aml-token -r >"$TMP/par$i" 2>"$TMP/parerr$i" &
	pids="$pids $!"
done
fails=0
for p in $pids; do wait "$p" || fails=$((fails + 1)); done
is "$fails" 0 "eight concurrent aml-token succeed"
is "$(ntok)" $((n + 1)) "with one renewal between them"
is "$(cat "$TMP"/par? | sort -u | wc -l)" 1 "and all print the same token"
is "$(cat "$TMP"/parerr?)" "" "and say nothing on stderr"
jq -e . "$AML_CONFIG_DIR/tokens.json" >/dev/null; ok $? "the cache is intact JSON"
is "$(ls -A "$AML_CONFIG_DIR" | sort | tr '\n' ' ')" "lock profile.json tokens.json " "no temporary files are left"

# Resource Manager refuses a cached token (here: expired in its eyes):
# one renewal, one more try.
emu faults -d '{"method":"GET","path":"/subscriptions","expireToken":true}' >/dev/null
n=$(ntok)
run aml-login --list
expect_ok "aml-login --list after a 401 with a cached token"
is "$(ntok)" $((n + 1)) "one forced renewal"
is "$(emu requests | jq '[.[] | select(.path | test("^/subscriptions\\?"))] | .[-2:] | map(.status) | join(",")' -r)" \
    "401,200" "the request was repeated once"
is "$(jq -r .isDefault "$TMP/out")" true "the listed subscription is the selected one"
emu faults -d '{"method":"GET","path":"/subscriptions","status":401,"code":"InvalidAuthenticationToken","count":2}' >/dev/null
run aml-login --list
expect_fail 3 '^aml-login: GET /subscriptions: HTTP 401 InvalidAuthenticationToken: .*\[request-id [0-9a-f-]+\]$' \
    "a second 401 is final: exit 3"

# Modes: readers refuse, aml-login repairs with a warning.
chmod 644 "$AML_CONFIG_DIR/tokens.json"
run aml-token
expect_fail 3 "^aml-token: $AML_CONFIG_DIR/tokens.json: mode 0644 is too open \\(group or others can read it\\); run chmod 600 on it, or aml-logout and sign in again\$" \
    "a 0644 token cache is refused"
run aml-login
expect_ok "aml-login over a 0644 cache"
like "$(cat "$TMP/err")" "^aml-login: warning: $AML_CONFIG_DIR/tokens.json: mode 0644 was too open; replaced by a file of mode 0600\$" \
    "warns that it replaced it"
is "$(stat -c %a "$AML_CONFIG_DIR/tokens.json")" 600 "the new cache is 0600"
chmod 755 "$AML_CONFIG_DIR"
run aml-token
expect_fail 3 "^aml-token: $AML_CONFIG_DIR: mode 0755 is too open \\(group or others have access\\); run aml-login to repair it, or chmod 700 it\$" \
    "a 0755 directory is refused"
run aml-login
expect_ok "aml-login repairs the directory"
like "$(cat "$TMP/err")" "^aml-login: warning: $AML_CONFIG_DIR: mode 0755 was too open; changed to 0700\$" "with a warning"
is "$(stat -c %a "$AML_CONFIG_DIR")" 700 "the directory is 0700 again"
mv "$AML_CONFIG_DIR/tokens.json" "$TMP/real-tokens.json"
ln -s "$TMP/real-tokens.json" "$AML_CONFIG_DIR/tokens.json"
run aml-token
expect_fail 3 "tokens.json: is a symbolic link; refusing to follow it\$" "a symlinked cache is refused"
run aml-login
[ ! -L "$AML_CONFIG_DIR/tokens.json" ] && [ -f "$AML_CONFIG_DIR/tokens.json" ]
ok $? "aml-login replaces the symlink instead of writing through it"
printf 'not json' > "$TMP/real-tokens.json"
printf '{"broken":' > "$AML_CONFIG_DIR/tokens.json"
run aml-token
expect_fail 3 'tokens.json: not valid JSON \(line 1, column [0-9]+: .*\); run aml-logout and sign in again$' \
    "a corrupt cache is refused"
is "$(cat "$TMP/real-tokens.json")" "not json" "the symlink's target was never written"

# A token given on stdin, in az's shape or bare.
run aml-login
aml-token > "$TMP/az.json"
CFG2=$TMP/config2
run_in "$TMP/az.json" env AML_CONFIG_DIR="$CFG2" aml-login --token-stdin
expect_ok "--token-stdin with az's JSON"
is "$(jq -r .credential "$TMP/out")" accessToken "the credential is an access token"
is "$(jq -r .expires_on "$TMP/out")" "$(jq -r .expires_on "$TMP/az.json")" "its expiry is kept"
run env AML_CONFIG_DIR="$CFG2" aml-token -r
is "$(cat "$TMP/out")" "$(jq -r .accessToken "$TMP/az.json")" "aml-token hands it out"
run env AML_CONFIG_DIR="$CFG2" aml-token --resource https://storage.azure.com/
expect_fail 3 '^aml-token: the access token given to aml-login --token-stdin is not for this resource; sign in again$' \
    "it cannot be turned into another resource's token"
run env AML_CONFIG_DIR="$CFG2" aml-token --min-validity 7200
expect_fail 3 'has expired or expires too soon; sign in again$' "nor renewed"
jq -r .accessToken "$TMP/az.json" > "$TMP/bare"
run_in "$TMP/bare" env AML_CONFIG_DIR="$CFG2" aml-login -T
expect_ok "--token-stdin with a bare token"
is "$(jq -r .tenantId "$TMP/out")" "$AZURE_TENANT_ID" "the tenant from the token"
jq '.expires_on = 1000000000 | .expiresOn = "2001-09-09 01:46:40.000000"' "$TMP/az.json" > "$TMP/old.json"
run_in "$TMP/old.json" env AML_CONFIG_DIR="$CFG2" aml-login -T
expect_fail 3 '^aml-login: access token: <stdin>: it has expired$' "an expired token on stdin"
printf 'garbage\n' > "$TMP/garbage"
run_in "$TMP/garbage" env AML_CONFIG_DIR="$CFG2" aml-login -T
expect_fail 3 'cannot tell when it expires' "a token that is not a JWT, without expiry"

done_testing
