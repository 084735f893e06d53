#!/bin/sh
# aml-login with a service principal's certificate: PEM and PKCS#12,
# the client assertion, and the refusals Entra ID gives for it.
. "$(dirname "$0")/lib.sh"
emu_start
SP_SECRET=$AZURE_CLIENT_SECRET
unset AZURE_CLIENT_SECRET
CID=$AML_EMU_CERT_CLIENT_ID

last_form() {	# the form of the last token request
	emu requests | jq -r '[.[] | select(.path | test("/oauth2/v2.0/token"))] | last | .form'
}

run aml-login --client-id "$CID" -C "$AML_EMU_CERT_PEM"
expect_ok "certificate in a PEM file"
is "$(jq -r .credential "$TMP/out")" clientCertificate "the credential is the certificate"
is "$(jq -r .user.name "$TMP/out")" "$CID" "the user is the application"
is "$(last_form | jq -r .client_assertion_type)" urn:ietf:params:oauth:client-assertion-type:jwt-bearer \
    "a jwt-bearer client assertion"
is "$(last_form | jq -r '.client_secret // "none"')" none "and no secret"
is "$(jq -r .credential.certificatePath "$AML_CONFIG_DIR/profile.json")" "$(realpath "$AML_EMU_CERT_PEM")" \
    "the profile names the certificate"

# Renewals sign a new assertion (a replayed jti would be refused).
emu config -d '{"tokenLifetime": 60}' >/dev/null
run aml-login --client-id "$CID" -C "$AML_EMU_CERT_PEM"
run aml-token -r
expect_ok "renewal with the certificate"
run aml-token -r
expect_ok "another renewal: a fresh assertion each time"
emu config -d '{"tokenLifetime": 3600}' >/dev/null

# From the environment, as azure-identity reads it.
run env AZURE_CLIENT_ID="$CID" AZURE_CLIENT_CERTIFICATE_PATH="$AML_EMU_CERT_PEM" aml-login
expect_ok "AZURE_CLIENT_CERTIFICATE_PATH"
is "$(jq -r .credential "$TMP/out")" clientCertificate "taken from the environment"
run env AZURE_CLIENT_ID="$CID" AZURE_CLIENT_CERTIFICATE_PATH="$AML_EMU_CERT_PEM" \
    AZURE_CLIENT_SEND_CERTIFICATE_CHAIN=true aml-login
expect_ok "with the certificate chain (x5c)"

# PKCS#12 with its password, from the environment or a file.
run env AZURE_CLIENT_CERTIFICATE_PASSWORD="$AML_EMU_CERT_PFX_PASSWORD" aml-login --client-id "$CID" -C "$AML_EMU_CERT_PFX"
expect_ok "PKCS#12 with AZURE_CLIENT_CERTIFICATE_PASSWORD"
printf '%s\n' "$AML_EMU_CERT_PFX_PASSWORD" > "$TMP/pw"
run aml-login --client-id "$CID" -C "$AML_EMU_CERT_PFX" -P "$TMP/pw"
expect_ok "PKCS#12 with --certificate-password-file"
run env AZURE_CLIENT_ID="$CID" AZURE_CLIENT_CERTIFICATE_PATH="$AML_EMU_CERT_PFX" aml-login -P "$TMP/pw"
expect_ok "--certificate-password-file with AZURE_CLIENT_CERTIFICATE_PATH"
run aml-login -P "$TMP/pw"
expect_usage '^aml-login: -P needs -C or AZURE_CLIENT_CERTIFICATE_PATH$' \
    "--certificate-password-file alone"
run aml-login --client-id "$CID" -C "$AML_EMU_CERT_PFX"
expect_fail 3 "^aml-login: certificate .*: cannot open the PKCS#12 file \\(it needs a password" \
    "PKCS#12 without its password"
run env AZURE_CLIENT_CERTIFICATE_PASSWORD=wrong aml-login --client-id "$CID" -C "$AML_EMU_CERT_PFX"
expect_fail 3 "cannot open the PKCS#12 file \\(wrong password\\?\\)$" "PKCS#12 with a wrong password"

# An encrypted PEM key: decrypted by us, never a prompt.
openssl pkey -in "$AML_EMU_CERT_PEM" -aes256 -passout pass:sesame -out "$TMP/enc.pem" 2>/dev/null
openssl x509 -in "$AML_EMU_CERT_PEM" >> "$TMP/enc.pem"
printf 'sesame\n' > "$TMP/sesame"
run aml-login --client-id "$CID" -C "$TMP/enc.pem" -P "$TMP/sesame"
expect_ok "an encrypted PEM key with its password"
run aml-login --client-id "$CID" -C "$TMP/enc.pem" </dev/null
expect_fail 3 "cannot decrypt the private key \\(wrong or missing password\\)$" \
    "an encrypted PEM key without a password fails, without prompting"

# A certificate Entra ID does not know: AADSTS50012, naming its x5t.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/other.pem" -out "$TMP/other.crt" \
    -days 30 -subj /CN=other 2>/dev/null
cat "$TMP/other.crt" >> "$TMP/other.pem"
run aml-login --client-id "$CID" -C "$TMP/other.pem"
expect_fail 3 'AADSTS50012: .*hint: the certificate \(x5t [A-Za-z0-9_-]+\) is not the one registered' \
    "a certificate with the wrong thumbprint"
run aml-login --client-id "$CID" -C "$TMP/other.crt"
expect_fail 3 'no private key in the PEM file$' "a certificate without its key"
run aml-login --client-id "$CID" -C "$TMP/nonexistent.pem"
expect_fail 3 "^aml-login: certificate $TMP/nonexistent.pem: No such file or directory\$" "a missing certificate"

# The assertion's lifetime as the server's clock sees it: expired (the
# server is an hour ahead) and not yet valid (an hour behind).
emu config -d '{"clockSkew": 3600}' >/dev/null
run aml-login --client-id "$CID" -C "$AML_EMU_CERT_PEM"
expect_fail 3 'AADSTS700024: .*hint: the local clock is 36[0-9][0-9] s behind the server.s \(its Date header\); check NTP and the time zone' \
    "an expired assertion: AADSTS700024, clock skew named"
emu config -d '{"clockSkew": -3600}' >/dev/null
run aml-login --client-id "$CID" -C "$AML_EMU_CERT_PEM"
expect_fail 3 'AADSTS700024: .*hint: the local clock is 3[56][0-9][0-9] s ahead of the server.s' \
    "a not-yet-valid assertion: AADSTS700024, clock skew named"
# Within the assertion's leeway a skewed server still signs us in, and
# a warning says so (-q silences it).
emu config -d '{"clockSkew": 420}' >/dev/null
run aml-login --client-id "$CID" -C "$AML_EMU_CERT_PEM"
expect_ok "a server seven minutes ahead"
like "$(cat "$TMP/err")" '^aml-login: warning: the local clock is 4[0-9][0-9] s behind the server.s \(its Date header\); check NTP and the time zone$' \
    "a warning names the clock skew"
run aml-login -q --client-id "$CID" -C "$AML_EMU_CERT_PEM"
is "$(cat "$TMP/err")" "" "-q silences it"
emu config -d '{"clockSkew": 0}' >/dev/null
run env AZURE_CLIENT_SECRET="$SP_SECRET" aml-login --client-id "$CID" -C "$AML_EMU_CERT_PEM"
expect_ok "a certificate flag wins over AZURE_CLIENT_SECRET"
is "$(jq -r .credential "$TMP/out")" clientCertificate "the flag's credential is used"

# An expired certificate.  openssl ca signs with dates in the past, no
# faketime needed.
expired_cert() {	# expired_cert DIR: DIR/both.pem, key and certificate valid in 2020 only
	mkdir -p "$1"
	: >"$1/index.txt"
	echo 01 >"$1/serial"
	printf '%s\n' '[ca]' 'default_ca = d' '[d]' "database = $1/index.txt" \
	    "new_certs_dir = $1" "serial = $1/serial" 'policy = p' 'default_md = sha256' \
	    '[p]' 'commonName = supplied' >"$1/ca.cnf"
	openssl req -new -newkey rsa:2048 -nodes -keyout "$1/key.pem" -subj /CN=expired \
	    -out "$1/req.csr" 2>/dev/null &&
	openssl ca -batch -config "$1/ca.cnf" -selfsign -keyfile "$1/key.pem" -in "$1/req.csr" \
	    -startdate 20200101000000Z -enddate 20210101000000Z -out "$1/cert.pem" >/dev/null 2>&1 &&
	cat "$1/key.pem" "$1/cert.pem" >"$1/both.pem"
}
expired_cert "$TMP/exp"
ok $? "an expired certificate made"
# Registered with the application (as a portal upload would): Entra
# says AADSTS700027, the key used is expired, and we say when.
emu certificates -d "$(jq -n --rawfile p "$TMP/exp/cert.pem" '{pem: $p}')" >"$TMP/reg.json"
is "$(jq -r .notAfter "$TMP/reg.json")" 2021-01-01T00:00:00.000Z "registered with the emulator"
run aml-login --client-id "$CID" -C "$TMP/exp/both.pem"
expect_fail 3 '^aml-login: sign-in refused: POST .*: HTTP 401 invalid_client: AADSTS700027: Client assertion contains an invalid signature\. \[Reason - The key used is expired\..*; hint: the certificate expired on 2021-01-01 00:00:00 UTC: renew it and upload the new one$' \
    "a registered certificate that expired: AADSTS700027 and the hint with its date"
# Not registered: the key is not found (AADSTS50012), and the date is
# still what to fix first.
expired_cert "$TMP/exp2"
run aml-login --client-id "$CID" -C "$TMP/exp2/both.pem"
expect_fail 3 'AADSTS50012: .*; hint: the certificate expired on 2021-01-01 00:00:00 UTC: renew it and upload the new one$' \
    "an unregistered certificate that expired: AADSTS50012, the same hint"
# A second certificate that is still valid signs in once registered.
run aml-login --client-id "$CID" -C "$TMP/other.pem"
expect_fail 3 'AADSTS50012' "another certificate, not registered: refused"
emu certificates -d "$(jq -n --rawfile p "$TMP/other.crt" '{pem: $p}')" >/dev/null
run aml-login --client-id "$CID" -C "$TMP/other.pem"
expect_ok "registered, it signs in"
emu reset -X POST
run aml-login --client-id "$CID" -C "$TMP/other.pem"
expect_fail 3 'AADSTS50012' "a reset forgets it"
run aml-login --client-id "$CID" -C "$AML_EMU_CERT_PEM"
expect_ok "and keeps the certificate made at start"

done_testing
