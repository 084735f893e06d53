#!/bin/sh
# aml-emulator: options, --daemon and its export lines, stop, --tls,
# --state, --port.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"

run aml-emulator --help
expect_ok "--help succeeds"
like "$(cat "$TMP/out")" '^usage: aml-emulator ' "--help prints usage on stdout"
run aml-emulator --version
expect_ok "--version succeeds"
like "$(cat "$TMP/out")" 'aml-emulator' "--version names the program"
run aml-emulator --bogus
is "$rc" 2 "an unknown option is a usage error"
like "$(head -1 "$TMP/err")" '^aml-emulator: unknown option --' "and says so"
run aml-emulator extra
is "$rc" 2 "an operand is a usage error"
run aml-emulator --address 0.0.0.0 --daemon
expect_fail 2 '^aml-emulator: 0\.0\.0\.0: not a loopback address' "a non-loopback address is refused"
run aml-emulator --address 192.168.1.10 --daemon
expect_fail 2 'not a loopback address' "a LAN address is refused"
run aml-emulator --address localhost.example --daemon
expect_fail 2 'not a loopback address' "a name is refused"
run aml-emulator --port 70000 --daemon
expect_fail 2 '^aml-emulator: --port: 70000: not a number' "a port out of range is refused"
run aml-emulator --lro-ms x --daemon
expect_fail 2 '^aml-emulator: --lro-ms: x: not a number' "a bad --lro-ms is refused"
run aml-emulator --page-size 0 --daemon
expect_fail 2 '^aml-emulator: --page-size: 0: not a number' "a zero page size is refused"
printf 'not json' >"$TMP/bad.state"
run aml-emulator --daemon --state "$TMP/bad.state"
expect_fail 1 '^aml-emulator: .*bad\.state:1:1: ' "a state file that is not JSON is refused"
printf '{"x":1}' >"$TMP/bad.state"
run aml-emulator --daemon --state "$TMP/bad.state"
expect_fail 1 'not an aml-emulator state file' "a state file of something else is refused"
run aml-emulator --daemon --dir /proc/nonexistent/emu
expect_fail 1 '^aml-emulator: /proc/nonexistent/emu: No such file or directory$' \
    "a --dir that cannot be made: exit 1 (EXIT STATUS of the man page)"

# --daemon: export lines for eval, each shell-quoted.
run aml-emulator --daemon --dir "$TMP/emu"
expect_ok "--daemon starts"
is "$(wc -c <"$TMP/err")" 0 "--daemon is silent on stderr"
for v in AML_EMULATOR_PID AML_EMULATOR_URL AML_ARM_ENDPOINT AZURE_AUTHORITY_HOST \
    AML_IMDS_ENDPOINT AML_CLASSIC_ENDPOINT AZURE_TENANT_ID AZURE_CLIENT_ID \
    AZURE_CLIENT_SECRET AZURE_SUBSCRIPTION_ID AML_DEMO_RG AML_DEMO_WS \
    AML_EMU_CERT_CLIENT_ID AML_EMU_CERT_PEM AML_EMU_CERT_PFX AML_EMU_CERT_PFX_PASSWORD \
    AML_EMU_USER AML_EMU_MI_CLIENT_ID AML_EMU_IDENTITY_ENDPOINT AML_EMU_IDENTITY_HEADER \
    AML_EMU_FEDERATED_CLIENT_ID; do
	grep -q "^export $v='[^']" "$TMP/out"
	ok $? "exports $v"
done
unlike "$(cat "$TMP/out")" 'export (IDENTITY_ENDPOINT|IDENTITY_HEADER)=' \
    "the App Service variables are not exported under their real names"
unlike "$(cat "$TMP/out")" 'CURL_CA_BUNDLE' "no CA bundle without --tls"
eval "$(cat "$TMP/out")"
_emu_pid=$AML_EMULATOR_PID
like "$AML_EMULATOR_URL" '^http://127\.0\.0\.1:[0-9]+$' "the URL is loopback on a free port"
is "$AML_ARM_ENDPOINT" "$AML_EMULATOR_URL" "ARM is the same base"
is "$AZURE_AUTHORITY_HOST" "$AML_EMULATOR_URL" "Entra is the same base"
is "$AML_EMU_IDENTITY_ENDPOINT" "$AML_EMULATOR_URL/msi/token" "App Service endpoint"
like "$AZURE_TENANT_ID" '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' \
    "the tenant is a GUID"
like "$AZURE_CLIENT_SECRET" '^[A-Za-z0-9]{3}8Q~[A-Za-z0-9_.~-]{34}$' "the secret looks like Entra's"
http GET "$AML_EMULATOR_URL/_emu/health"
is "$status $(cat "$TMP/body")" '200 {"status":"ok"}' "it serves when --daemon returns"
openssl x509 -in "$AML_EMU_CERT_PEM" -noout 2>/dev/null
ok $? "the certificate PEM holds a certificate"
openssl pkey -in "$AML_EMU_CERT_PEM" -noout 2>/dev/null
ok $? "and its private key"
openssl pkcs12 -in "$AML_EMU_CERT_PFX" -passin env:AML_EMU_CERT_PFX_PASSWORD -nokeys 2>/dev/null |
    openssl x509 -noout -fingerprint -sha1 >"$TMP/pfx.fp" 2>/dev/null
openssl x509 -in "$AML_EMU_CERT_PEM" -noout -fingerprint -sha1 >"$TMP/pem.fp"
same_file "$TMP/pfx.fp" "$TMP/pem.fp" "the PFX holds the same certificate"
is "$(stat -c %a "$AML_EMU_CERT_PEM")" 600 "the key file is private"
kill "$AML_EMULATOR_PID"
wait_until eval '! kill -0 "$AML_EMULATOR_PID" 2>/dev/null'
ok $? "kill stops it"
_emu_pid=
test -d "$TMP/emu"
ok $? "a --dir it was given stays"

# Without --dir it makes a private directory and removes it at exit.
eval "$(aml-emulator --daemon)"
d=$(dirname "$AML_EMU_CERT_PEM")
is "$(stat -c %a "$d")" 700 "its own directory is private"
kill "$AML_EMULATOR_PID"
wait_until test ! -d "$d"
ok $? "and removed when it stops"

# --tls: https with a certificate from its own CA.
eval "$(aml-emulator --daemon --tls --dir "$TMP/tls")"
_emu_pid=$AML_EMULATOR_PID
like "$AML_EMULATOR_URL" '^https://127\.0\.0\.1:[0-9]+$' "--tls serves https"
test -s "$CURL_CA_BUNDLE"
ok $? "--tls exports CURL_CA_BUNDLE"
http GET "$AML_EMULATOR_URL/_emu/health"
is "$status" 200 "curl verifies the server against the CA bundle"
http GET "$(printf '%s' "$AML_EMULATOR_URL" | sed 's/127\.0\.0\.1/localhost/')/_emu/health"
is "$status" 200 "the certificate names localhost too"
http GET "$AML_EMULATOR_URL/_emu/health" --cacert /dev/null
is "$status" 000 "without the CA, TLS verification fails"
unset CURL_CA_BUNDLE
emu_stop

# --state: changes survive a restart, and so does the identity.
st=$TMP/emu.state
eval "$(aml-emulator --daemon --state "$st" --lro-ms 0 --dir "$TMP/s1")"
_emu_pid=$AML_EMULATOR_PID
test -s "$st"
ok $? "--state writes the state at start"
is "$(stat -c %a "$st")" 600 "the state file is private"
tenant=$AZURE_TENANT_ID
AT=$(arm_token)
ws_paths
arm PATCH "$WS?$V" -H 'Content-Type: application/json' \
    --data '{"properties":{"packageType":"Graph","title":"Saved title"}}'
is_status "$status" 200 "PATCH accepted"
lro_wait "$(hdr Azure-AsyncOperation)"
pid=$_emu_pid
emu_stop
wait_until eval '! kill -0 "$pid" 2>/dev/null'
ok $? "(stopped, its state written)"
eval "$(aml-emulator --daemon --state "$st" --dir "$TMP/s2")"
_emu_pid=$AML_EMULATOR_PID
is "$AZURE_TENANT_ID" "$tenant" "the same tenant after a restart"
arm GET "$WS?$V"
is_status "$status" 200 "the old token is still good after a restart"
is "$(jb .properties.title)" "Saved title" "the change survived"
emu_stop

# --port N
run aml-emulator --daemon --port "${AML_EMULATOR_URL##*:}" --dir "$TMP/p"
if [ "$rc" = 0 ]; then
	eval "$(cat "$TMP/out")"
	_emu_pid=$AML_EMULATOR_PID
	like "$AML_EMULATOR_URL" ":${AML_EMULATOR_URL##*:}\$" "--port serves that port"
	emu_stop
else
	skip "the port was taken meanwhile" "--port serves that port"
fi
# A port in use is an error.
eval "$(aml-emulator --daemon --dir "$TMP/p1")"
_emu_pid=$AML_EMULATOR_PID
run aml-emulator --daemon --port "${AML_EMULATOR_URL##*:}" --dir "$TMP/p2"
expect_fail 1 '^aml-emulator: bind 127\.0\.0\.1:[0-9]+: Address already in use' "a port in use is an error"
emu_stop

# Foreground: the exports on stdout, requests on stderr with -v.
aml-emulator -v --dir "$TMP/fg" >"$TMP/fg.out" 2>"$TMP/fg.err" &
fgpid=$!
wait_until grep -q AML_EMULATOR_URL "$TMP/fg.out"
ok $? "foreground: the exports on stdout"
eval "$(cat "$TMP/fg.out")"
is "$AML_EMULATOR_PID" "$fgpid" "foreground: its own pid is exported"
http GET "$AML_EMULATOR_URL/subscriptions?api-version=2020-01-01"
kill "$fgpid"
wait "$fgpid"
is "$?" 0 "foreground: SIGTERM is a clean exit"
like "$(cat "$TMP/fg.err")" 'GET /subscriptions\?api-version=2020-01-01 -> 401' "-v logs requests on stderr"

done_testing
