#!/bin/sh
# aml-login with workload identity (a federated token file) and with a
# managed identity (App Service endpoint, then IMDS).
. "$(dirname "$0")/lib.sh"
emu_start
unset AZURE_CLIENT_SECRET
FID=$AML_EMU_FEDERATED_CLIENT_ID

fedtoken() {	# fedtoken [JSON-OPTIONS]: mint an external OIDC token
	emu federated-token -d "${1:-{\}}" | jq -r .token
}

# Workload identity: the token file, from the flag or the environment.
fedtoken > "$TMP/fed"
run aml-login --client-id "$FID" -F "$TMP/fed"
expect_ok "--federated-token-file"
is "$(jq -r .credential "$TMP/out")" workloadIdentity "the credential is workload identity"
run env AZURE_CLIENT_ID="$FID" AZURE_FEDERATED_TOKEN_FILE="$TMP/fed" aml-login
expect_ok "AZURE_FEDERATED_TOKEN_FILE"
is "$(jq -r .credential.federatedTokenFile "$AML_CONFIG_DIR/profile.json")" "$(realpath "$TMP/fed")" \
    "the profile names the token file, not the token"
! grep -qF "$(cat "$TMP/fed")" "$AML_CONFIG_DIR/profile.json" "$AML_CONFIG_DIR/tokens.json"
ok $? "the federated token is not stored"

# The file is read again for every request: rotated between calls.
emu config -d '{"tokenLifetime": 60}' >/dev/null
run aml-login --client-id "$FID" -F "$TMP/fed"
fedtoken '{"lifetime": -600}' > "$TMP/fed"
run aml-token
expect_fail 3 'AADSTS700024: .*hint: the federated token in .*/fed has expired' \
    "an expired federated token in the file is refused: the file was read again"
fedtoken > "$TMP/fed"
run aml-token
expect_ok "after the token was rotated, the renewal works"
emu config -d '{"tokenLifetime": 3600}' >/dev/null
fedtoken '{"audience": "api://SomethingElse"}' > "$TMP/fed"
run aml-login --client-id "$FID" -F "$TMP/fed"
expect_fail 3 '^aml-login: sign-in refused: POST .*: HTTP 40[01] [a-z_]+: AADSTS[0-9]+: ' \
    "a federated token with the wrong audience is refused"
: > "$TMP/fed"
run aml-login --client-id "$FID" -F "$TMP/fed"
expect_fail 3 "^aml-login: federated token file .*/fed: empty\$" "an empty token file"

# App Service managed identity: its variables first.
export IDENTITY_ENDPOINT="$AML_EMU_IDENTITY_ENDPOINT" IDENTITY_HEADER="$AML_EMU_IDENTITY_HEADER"
run aml-login --identity
expect_ok "managed identity through the App Service endpoint"
is "$(jq -r .credential "$TMP/out")" managedIdentity "the credential is a managed identity"
is "$(jq -r '.user.name + " " + .user.type' "$TMP/out")" "systemAssignedIdentity servicePrincipal" \
    "a system-assigned identity, as az says"
last=$(emu requests | jq -c '[.[] | select(.path | test("^/msi/token"))] | last')
like "$(printf '%s' "$last" | jq -r .path)" 'api-version=2019-08-01' "api-version 2019-08-01"
is "$(printf '%s' "$last" | jq -r '.headers | to_entries[] | select(.key | ascii_downcase == "x-identity-header") | .value')" \
    "***" "the identity header was sent (and masked in the log)"
ten=$AZURE_TENANT_ID
run env -u AZURE_TENANT_ID aml-login --identity
is "$(jq -r .tenantId "$TMP/out")" "$ten" "the tenant comes from the identity's token"
run aml-login
expect_ok "without flags, IDENTITY_ENDPOINT and IDENTITY_HEADER are used"
is "$(jq -r .credential "$TMP/out")" managedIdentity "as a managed identity"
run env IDENTITY_HEADER=wrong aml-login --identity
expect_fail 3 '^aml-login: managed identity: GET /msi/token: HTTP 40[01]' "a wrong identity header: exit 3"
run aml-login --identity --client-id "$AML_EMU_MI_CLIENT_ID"
expect_ok "a user-assigned identity"
is "$(jq -r .user.name "$TMP/out")" userAssignedIdentity "named as az names it"
unset IDENTITY_ENDPOINT IDENTITY_HEADER

# IMDS: only with --identity, with Metadata: true, never via a proxy.
run env http_proxy=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 aml-login --identity
expect_ok "managed identity through IMDS, proxy variables set"
last=$(emu requests | jq -c '[.[] | select(.path | test("^/metadata/identity/oauth2/token"))] | last')
is "$(printf '%s' "$last" | jq -r '.headers | to_entries[] | select(.key | ascii_downcase == "metadata") | .value')" \
    true "IMDS gets Metadata: true"
like "$(printf '%s' "$last" | jq -r .path)" 'api-version=2018-02-01&resource=https%3A%2F%2Fmanagement\.azure\.com%2F' \
    "IMDS gets api-version and resource"
# IMDS refuses a request without its header (what the header guards).
code=$(curl -s -o "$TMP/imds" -w '%{http_code}' "$AML_IMDS_ENDPOINT/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/")
is "$code" 400 "IMDS without Metadata: true: HTTP 400"
like "$(cat "$TMP/imds")" 'bad_request_102|Metadata' "with IMDS's error"
# IMDS says 410 while it updates, and 404 before the identity is ready.
emu faults -d '{"path":"/metadata/identity/oauth2/token","status":410}' >/dev/null
emu faults -d '{"path":"/metadata/identity/oauth2/token","status":404}' >/dev/null
run env AML_RETRY_BASE_MS=10 aml-login --identity
expect_ok "IMDS 410 and 404 are retried"
is "$(grep -c 'warning: HTTP 4[01][04] from GET /metadata/identity/oauth2/token, retrying' "$TMP/err")" 2 \
    "one warning per retry"
run aml-login --identity --client-id 00000000-1111-4222-8333-444444444444
expect_fail 3 '^aml-login: managed identity: GET /metadata/identity/oauth2/token: HTTP 4' \
    "an unknown user-assigned identity: exit 3"
run env AML_IMDS_ENDPOINT=http://169.254.169.254.example.com aml-login --identity
expect_fail 2 '^aml-login: AML_IMDS_ENDPOINT: .*: plain http is allowed only for loopback' \
    "a remote plain-http IMDS endpoint is refused"

# An IMDS that does not answer, as on a machine that is not an Azure VM:
# a loopback listener that never accepts, its queue full, so that a
# connection hangs.  One try within the two-second connect timeout,
# then one line and exit 1; no retries.
perl -MSocket -e '
	socket(my $s, PF_INET, SOCK_STREAM, 0) or die;
	bind($s, pack_sockaddr_in(0, inet_aton("127.0.0.1"))) or die;
	listen($s, 0) or die;
	my ($port) = unpack_sockaddr_in(getsockname($s));
	my @q;
	for (1 .. 3) {	# fill the queue; these connects never finish
		socket(my $c, PF_INET, SOCK_STREAM, 0) or die;
		fcntl($c, 4, 2048);	# F_SETFL O_NONBLOCK
		connect($c, pack_sockaddr_in($port, inet_aton("127.0.0.1")));
		push @q, $c;
	}
	$| = 1;
	print "$port\n";
	sleep 120;' >"$TMP/bh.port" &
bh=$!
wait_until test -s "$TMP/bh.port"
ok $? "(a listener that never accepts)"
run env AML_IMDS_ENDPOINT="http://127.0.0.1:$(cat "$TMP/bh.port")" aml-login --identity
expect_fail 1 '^aml-login: managed identity: GET /metadata/identity/oauth2/token: .*(Timeout|timed out).*; hint: no instance metadata service answered: is this an Azure VM with a managed identity\?$' \
    "an IMDS that does not answer: one line, exit 1, no retry"
kill "$bh" 2>/dev/null
# A port nobody listens on: the same, at once.
port=$(perl -MSocket -e 'socket(my $s, PF_INET, SOCK_STREAM, 0); bind($s, pack_sockaddr_in(0, inet_aton("127.0.0.1"))); print((unpack_sockaddr_in(getsockname($s)))[0])')
run env AML_IMDS_ENDPOINT="http://127.0.0.1:$port" aml-login --identity
expect_fail 1 '^aml-login: managed identity: GET /metadata/identity/oauth2/token: .*; hint: no instance metadata service answered' \
    "an IMDS address where nothing listens: one line, exit 1"

# IMDS itself is plain http at 169.254.169.254, which only IMDS requests
# may use.  In a network namespace of its own (nothing in it, nothing
# leaves the machine) the request is made, and cannot connect.
if unshare -n true 2>/dev/null; then
	run env -u AML_IMDS_ENDPOINT unshare -n aml-login --identity
	expect_fail 1 '^aml-login: managed identity: GET /metadata/identity/oauth2/token: .*169\.254\.169\.254' \
	    "without AML_IMDS_ENDPOINT, IMDS is asked at http://169.254.169.254"
	unlike "$(cat "$TMP/err")" 'plain http' "plain http is not refused for it"
	run env AML_IMDS_ENDPOINT=http://169.254.169.254/ unshare -n aml-login --identity
	expect_fail 1 '^aml-login: managed identity: GET /metadata/identity/oauth2/token: .*169\.254\.169\.254' \
	    "AML_IMDS_ENDPOINT may name that address"
else
	skip "no network namespace (unshare -n)" "IMDS at http://169.254.169.254"
	skip "no network namespace (unshare -n)" "plain http not refused for it"
	skip "no network namespace (unshare -n)" "AML_IMDS_ENDPOINT naming it"
fi
run env AML_ARM_ENDPOINT=http://169.254.169.254 aml-login
expect_fail 2 '^aml-login: AML_ARM_ENDPOINT http://169\.254\.169\.254: plain http is allowed only for loopback' \
    "but Resource Manager there over plain http is refused"

done_testing
