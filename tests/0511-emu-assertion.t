#!/bin/sh
# aml-emulator: client assertions, a certificate's and a federated
# (workload identity) one, and every way they are refused.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start

URL="$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/oauth2/v2.0/token"
URL1="$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/oauth2/token"
KEY=$AML_EMU_CERT_PEM
CID=$AML_EMU_CERT_CLIENT_ID
x5t=$(openssl x509 -in "$KEY" -outform DER | openssl dgst -sha1 -binary | b64url)
x5t256=$(openssl x509 -in "$KEY" -outform DER | openssl dgst -sha256 -binary | b64url)
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TMP/other.pem" 2>/dev/null

# claims [EXTRA-JSON]: the claims of a good assertion, a fresh jti each.
claims() {
	now=$(date +%s)
	jq -cn --arg aud "${AUD:-$URL}" --arg id "$CID" --arg jti "jti-$(openssl rand -hex 8)" \
	    --argjson now "$now" --argjson extra "${1:-{\}}" \
	    '{aud: $aud, iss: $id, sub: $id, jti: $jti, nbf: $now, iat: $now, exp: ($now + 600)} + $extra'
}

hdr_x5t() {
	printf '{"alg":"RS256","typ":"JWT","x5t":"%s"}' "$x5t"
}

assert_post() {	# ASSERTION [CLIENT] [URL]
	http POST "${3:-$URL}" --data-urlencode grant_type=client_credentials \
	    --data-urlencode "client_id=${2:-$CID}" \
	    --data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \
	    --data-urlencode "client_assertion=$1" \
	    --data-urlencode scope=https://management.azure.com/.default \
	    --data-urlencode resource=https://management.azure.com/
}

refused() {	# STATUS ERROR CODE DESCRIPTION
	is_status "$status" "$1" "$4: HTTP $1"
	is "$(jb .error)" "$2" "$4: $2"
	like "$(jb .error_description)" "^AADSTS$3: " "$4: AADSTS$3"
}

# assert_post sends resource= too: the v1 endpoint wants it; v2 must not
# get it, so the v2 helper drops it.
assert_v2() {
	http POST "$URL" --data-urlencode grant_type=client_credentials \
	    --data-urlencode "client_id=${2:-$CID}" \
	    --data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \
	    --data-urlencode "client_assertion=$1" \
	    --data-urlencode scope=https://management.azure.com/.default
}

assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(claims)" "$KEY")"
is_status "$status" 200 "a certificate assertion with x5t"
at=$(jb .access_token)
is "$(jwt_part "$at" 2 | jq -r '.appid + " " + .appidacr')" "$CID 2" "appid and appidacr 2"
assert_v2 "$(jwt_sign "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t#S256\":\"$x5t256\"}" "$(claims)" "$KEY")"
is_status "$status" 200 "with x5t#S256"
assert_v2 "$(jwt_sign "{\"alg\":\"PS256\",\"typ\":\"JWT\",\"x5t#S256\":\"$x5t256\"}" "$(claims)" "$KEY" pss)"
is_status "$status" 200 "PS256, as MSAL signs now"
AUD=$URL1 assert_post "$(AUD=$URL1 jwt_sign "$(hdr_x5t)" "$(AUD=$URL1 claims)" "$KEY")" "$CID" "$URL1"
is_status "$status" 200 "v1, aud the v1 token URL"
is "$(jb .expires_in)" 86399 "v1 numbers as strings"

c=$(claims)
a=$(jwt_sign "$(hdr_x5t)" "$c" "$KEY")
assert_v2 "$a"
is_status "$status" 200 "an assertion is good once"
assert_v2 "$a"
refused 401 invalid_client 50013 "a replayed jti"
like "$(jb .error_description)" "jti '$(printf '%s' "$c" | jq -r .jti)'" "the replay names the jti"

# Times, with the five minutes of leeway.
assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(claims "{\"exp\": $(($(date +%s) - 200))}")" "$KEY")"
is_status "$status" 200 "expired within the leeway is still good"
assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(claims "{\"exp\": $(($(date +%s) - 400))}")" "$KEY")"
refused 401 invalid_client 700024 "expired beyond the leeway"
like "$(jb .error_description)" 'Current time: .*, assertion valid from .*, expiry time of assertion ' \
    "it says the times"
assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(claims "{\"nbf\": $(($(date +%s) + 200))}")" "$KEY")"
is_status "$status" 200 "not yet valid within the leeway is good"
assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(claims "{\"nbf\": $(($(date +%s) + 400))}")" "$KEY")"
refused 401 invalid_client 700024 "not yet valid beyond the leeway"
assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(claims | jq -c 'del(.exp)')" "$KEY")"
refused 401 invalid_client 700024 "no exp"

# Audience, issuer, subject.
assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(AUD=$URL1 claims)" "$KEY")"
refused 401 invalid_client 700023 "aud the v1 URL on v2"
assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(AUD=https://login.microsoftonline.com/$AZURE_TENANT_ID/oauth2/v2.0/token claims)" "$KEY")"
refused 401 invalid_client 700023 "aud another host"
assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(claims '{"iss":"someone-else"}')" "$KEY")"
refused 401 invalid_client 700021 "iss is not the client"
assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(claims '{"sub":"someone-else"}')" "$KEY")"
refused 401 invalid_client 700021 "sub is not the client"

# Keys and signatures.
assert_v2 "$(jwt_sign '{"alg":"RS256","typ":"JWT","x5t":"AAAAAAAAAAAAAAAAAAAAAAAAAAA"}' "$(claims)" "$KEY")"
refused 401 invalid_client 50012 "an unknown thumbprint"
like "$(jb .error_description)" "Thumbprint of key used by client: '0000000000000000000000000000000000000000'" \
    "it shows the thumbprint in hex"
assert_v2 "$(jwt_sign '{"alg":"RS256","typ":"JWT"}' "$(claims)" "$KEY")"
refused 401 invalid_client 50012 "no thumbprint"
assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(claims)" "$TMP/other.pem")"
refused 401 invalid_client 700027 "signed with another key"
assert_v2 "not-a-jwt"
refused 400 invalid_request 50027 "not a JWT"
assert_v2 "$(printf '{"alg":"HS256","typ":"JWT"}' | b64url).$(claims | b64url).c2ln"
refused 400 invalid_request 50027 "HS256"
http POST "$URL" --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$CID" \
    --data-urlencode "client_assertion=$(jwt_sign "$(hdr_x5t)" "$(claims)" "$KEY")" \
    --data-urlencode scope=https://management.azure.com/.default
refused 400 invalid_request 900144 "no client_assertion_type"
assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(claims | jq -c --arg id "$AZURE_CLIENT_ID" '.iss = $id | .sub = $id')" "$KEY")" \
    "$AZURE_CLIENT_ID"
refused 401 invalid_client 50012 "an assertion for the app that has only a secret"
http POST "$URL" --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$CID" \
    --data-urlencode client_secret=whatever --data-urlencode scope=https://management.azure.com/.default
refused 401 invalid_client 7000215 "a secret for the certificate app"

# Workload identity federation: an external token from the control API.
FID=$AML_EMU_FEDERATED_CLIENT_ID
ft=$(emu federated-token -X POST | jq -r .token)
jwt_part "$ft" 2 >"$TMP/ft.json"
is "$(jq -r .iss "$TMP/ft.json")" "$AML_EMULATOR_URL" "the external token's issuer is the emulator"
is "$(jq -r '.aud | tostring' "$TMP/ft.json")" '["api://AzureADTokenExchange"]' "its audience"
assert_v2 "$ft" "$FID"
is_status "$status" 200 "a federated assertion"
assert_v2 "$ft" "$FID"
is_status "$status" 200 "a federated token may be used again (it is not single use)"
ft=$(emu federated-token -X POST -d '{"subject":"repo:someone/else:ref:refs/heads/main"}' | jq -r .token)
assert_v2 "$ft" "$FID"
refused 401 invalid_client 70021 "another subject"
like "$(jb .error_description)" "Assertion Subject: 'repo:someone/else:ref:refs/heads/main'" "it names the subject"
ft=$(emu federated-token -X POST -d '{"audience":"api://other"}' | jq -r .token)
assert_v2 "$ft" "$FID"
refused 401 invalid_client 70021 "another audience"
ft=$(emu federated-token -X POST -d '{"lifetime":-600}' | jq -r .token)
assert_v2 "$ft" "$FID"
refused 401 invalid_client 700024 "an expired federated token"
emu config -d '{"federatedLifetime":-900}' >/dev/null
ft=$(emu federated-token -X POST | jq -r .token)
assert_v2 "$ft" "$FID"
refused 401 invalid_client 700024 "federatedLifetime sets the lifetime"
assert_v2 "$(jwt_sign "$(hdr_x5t)" "$(claims)" "$KEY")" "$FID"
refused 401 invalid_client 700027 "a token not signed by the federated issuer"
http POST "$AML_EMULATOR_URL/_emu/federated-token" -d '{"lifetime":"x"}'
is_status "$status" 400 "a bad lifetime is refused"

done_testing
