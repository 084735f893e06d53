#!/bin/sh
# aml-emulator: Entra ID token endpoints, client credentials with a
# secret (form and HTTP Basic), the error shape, the tokens it signs.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start

V2="$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/oauth2/v2.0/token"
curl -sS "$AML_EMULATOR_URL/_emu/signing-key.pem" >"$TMP/signing.pem"
openssl pkey -pubin -in "$TMP/signing.pem" -noout 2>/dev/null
ok $? "the signing key is an SPKI PEM"

# v2 with a secret in the form.
token_v2 --data-urlencode grant_type=client_credentials \
    --data-urlencode "client_id=$AZURE_CLIENT_ID" \
    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" \
    --data-urlencode scope=https://management.azure.com/.default
is_status "$status" 200 "v2 client credentials with a secret"
is "$(jq -c 'keys_unsorted' "$TMP/body")" \
    '["token_type","expires_in","ext_expires_in","access_token"]' "v2 answer members, in order"
is "$(jb '.expires_in | type')" number "v2 expires_in is a number"
is "$(jb .token_type)" Bearer "token_type Bearer"
like "$(hdr Content-Type)" '^application/json; charset=utf-8' "JSON content type"
like "$(hdr Cache-Control)" 'no-store' "tokens are not cached"
like "$(hdr x-ms-request-id)" '^[0-9a-f-]{36}$' "x-ms-request-id"
at=$(jb .access_token)
jwt_verify "$at" "$TMP/signing.pem"
ok $? "the access token is RS256-signed with the signing key"
jwt_part "$at" 1 >"$TMP/h.json"
jwt_part "$at" 2 >"$TMP/c.json"
is "$(jq -r '.alg + " " + .typ' "$TMP/h.json")" "RS256 JWT" "header alg and typ"
is "$(jq -r '.x5t == .kid' "$TMP/h.json")" true "x5t and kid name the key"
is "$(jq -r .aud "$TMP/c.json")" https://management.azure.com "aud is the resource of the scope"
is "$(jq -r .iss "$TMP/c.json")" "https://sts.windows.net/$AZURE_TENANT_ID/" "iss is the v1 issuer"
is "$(jq -r .tid "$TMP/c.json")" "$AZURE_TENANT_ID" "tid"
is "$(jq -r .appid "$TMP/c.json")" "$AZURE_CLIENT_ID" "appid"
is "$(jq -r '.appidacr + .ver + .idtyp' "$TMP/c.json")" "11.0app" "appidacr 1, ver 1.0, idtyp app"
is "$(jq -r '.oid == .sub' "$TMP/c.json")" true "oid and sub"
is "$(jq -r '.nbf == .iat and .exp > .iat' "$TMP/c.json")" true "iat, nbf, exp"
now=$(date +%s)
is "$(jq -r --argjson now "$now" '(.exp - $now) > 86300 and (.exp - $now) <= 86400' "$TMP/c.json")" \
    true "exp is expires_in from now"

# The double-slash form az uses: resource https://management.core.windows.net/
token_v2 --data-urlencode grant_type=client_credentials \
    --data-urlencode "client_id=$AZURE_CLIENT_ID" \
    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" \
    --data-urlencode scope=https://management.core.windows.net//.default
is_status "$status" 200 "the legacy resource with a double slash"
is "$(jwt_part "$(jb .access_token)" 2 | jq -r .aud)" https://management.core.windows.net/ \
    "its audience keeps the slash"

# HTTP Basic: client id and secret form-urlencoded, then base64.
basic=$(printf '%s:%s' "$AZURE_CLIENT_ID" "$(printf '%s' "$AZURE_CLIENT_SECRET" | jq -sRr @uri)" |
    openssl base64 -A)
token_v2 -H "Authorization: Basic $basic" --data-urlencode grant_type=client_credentials \
    --data-urlencode scope=https://management.azure.com/.default
is_status "$status" 200 "client credentials with HTTP Basic"
basic=$(printf '%s:%s' "$AZURE_CLIENT_ID" wrong | openssl base64 -A)
token_v2 -H "Authorization: Basic $basic" --data-urlencode grant_type=client_credentials \
    --data-urlencode scope=https://management.azure.com/.default
is_status "$status" 401 "a wrong secret in HTTP Basic is 401"
is "$(jb .error)" invalid_client "and invalid_client"

# v1: resource=, numbers as strings.
token_v1 --data-urlencode grant_type=client_credentials \
    --data-urlencode "client_id=$AZURE_CLIENT_ID" \
    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" \
    --data-urlencode resource=https://management.core.windows.net/
is_status "$status" 200 "v1 client credentials"
is "$(jq -c 'keys_unsorted' "$TMP/body")" \
    '["token_type","expires_in","ext_expires_in","expires_on","not_before","resource","access_token"]' \
    "v1 answer members, in order"
is "$(jq -r '[.expires_in, .expires_on, .not_before] | map(type) | join(",")' "$TMP/body")" \
    string,string,string "v1 numbers are strings"
like "$(jb .expires_on)" '^[0-9]{10}$' "expires_on is epoch seconds"
is "$(jb .resource)" https://management.core.windows.net/ "resource is echoed"
is "$(jwt_part "$(jb .access_token)" 2 | jq -r .aud)" https://management.core.windows.net/ "v1 aud"

# The tenant by its domain name works too.
http POST "$AZURE_AUTHORITY_HOST/amlemulator.onmicrosoft.com/oauth2/v2.0/token" \
    --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$AZURE_CLIENT_ID" \
    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" \
    --data-urlencode scope=https://management.azure.com/.default
is_status "$status" 200 "the tenant by domain name"

# Errors, in the real shape.
check_aad() {	# STATUS ERROR CODE DESCRIPTION
	is_status "$status" "$1" "$4: HTTP $1"
	is "$(jb .error)" "$2" "$4: error $2"
	like "$(jb .error_description)" "^AADSTS$3: " "$4: description starts AADSTS$3"
	is "$(jb '.error_codes | tostring')" "[$3]" "$4: error_codes"
	is "$(jb '.error_description | test("\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: [0-9-]{10} [0-9:]{8}Z$")')" \
	    true "$4: trace, correlation, timestamp lines"
	like "$(jb .timestamp)" '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}Z$' "$4: timestamp"
	is "$(jb '.trace_id == (.error_description | capture("Trace ID: (?<t>[^\r]*)").t)')" true \
	    "$4: trace_id matches the description"
	like "$(jb .error_uri)" "/error\\?code=$3\$" "$4: error_uri"
}

cc() {	# cc SECRET-OR-EMPTY SCOPE [EXTRA CURL ARGS]: v2 client credentials
	_s=$1 _sc=$2
	shift 2
	token_v2 --data-urlencode grant_type=client_credentials \
	    --data-urlencode "client_id=$AZURE_CLIENT_ID" \
	    ${_s:+--data-urlencode "client_secret=$_s"} \
	    ${_sc:+--data-urlencode "scope=$_sc"} "$@"
}

cc wrong https://management.azure.com/.default
check_aad 401 invalid_client 7000215 "a wrong secret"
like "$(jb .error_description)" "app '$AZURE_CLIENT_ID'" "it names the app"
cc "" https://management.azure.com/.default
check_aad 401 invalid_client 7000218 "no secret"
cc "$AZURE_CLIENT_SECRET" ""
check_aad 400 invalid_request 900144 "no scope"
like "$(jb .error_description)" "parameter: 'scope'" "it names the parameter"
cc "$AZURE_CLIENT_SECRET" https://management.azure.com/.default --data-urlencode resource=https://management.azure.com/
check_aad 400 invalid_request 901002 "resource on v2"
cc "$AZURE_CLIENT_SECRET" https://management.azure.com/user_impersonation
check_aad 400 invalid_scope 1002012 "a scope without /.default"
cc "$AZURE_CLIENT_SECRET" "https://management.azure.com/.default openid"
check_aad 400 invalid_scope 1002012 "openid in client credentials"
cc "$AZURE_CLIENT_SECRET" https://unknown.example.com/.default
check_aad 400 invalid_resource 500011 "an unknown resource"
cc "$AZURE_CLIENT_SECRET" https://storage.azure.com/.default
is_status "$status" 200 "a token for another first-party resource"
is "$(jwt_part "$(jb .access_token)" 2 | jq -r .aud)" https://storage.azure.com "for it"
http GET "$AML_ARM_ENDPOINT/subscriptions?api-version=2020-01-01" -H "Authorization: Bearer $(jb .access_token)"
is "$status $(jb .error.code)" "401 InvalidAuthenticationTokenAudience" "which Resource Manager refuses"
token_v2 --data-urlencode "client_id=$AZURE_CLIENT_ID"
check_aad 400 invalid_request 900144 "no grant_type"
token_v2 --data-urlencode grant_type=password --data-urlencode "client_id=$AZURE_CLIENT_ID"
check_aad 400 unsupported_grant_type 70003 "an unsupported grant"
token_v2 -H 'Content-Type: application/json' --data '{"grant_type":"client_credentials"}'
check_aad 400 invalid_request 900144 "a JSON body is not a form"
token_v2 --data-urlencode grant_type=client_credentials --data-urlencode client_id=00000000-0000-0000-0000-000000000001 \
    --data-urlencode client_secret=x --data-urlencode scope=https://management.azure.com/.default
check_aad 400 unauthorized_client 700016 "an unknown application"
token_v1 --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$AZURE_CLIENT_ID" \
    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET"
check_aad 400 invalid_request 900144 "v1 without resource"
http POST "$AZURE_AUTHORITY_HOST/11111111-2222-4333-8444-555555555555/oauth2/v2.0/token" \
    --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$AZURE_CLIENT_ID" \
    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" --data-urlencode scope=https://management.azure.com/.default
check_aad 400 invalid_request 90002 "an unknown tenant"
http POST "$AZURE_AUTHORITY_HOST/common/oauth2/v2.0/token" \
    --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$AZURE_CLIENT_ID" \
    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" --data-urlencode scope=https://management.azure.com/.default
check_aad 400 invalid_request 50059 "client credentials on /common"
http GET "$V2"
is_status "$status" 405 "GET on the token endpoint"
is "$(jb .error)" invalid_request "is an Entra error"

# The client's client-request-id is the correlation id, and echoed.
cc wrong https://management.azure.com/.default -H 'client-request-id: 0d9f1c44-4a2e-4c0e-9f5a-1b2c3d4e5f60'
is "$(jb .correlation_id)" 0d9f1c44-4a2e-4c0e-9f5a-1b2c3d4e5f60 "correlation_id is client-request-id"
is "$(hdr client-request-id)" 0d9f1c44-4a2e-4c0e-9f5a-1b2c3d4e5f60 "client-request-id is echoed"

# tokenLifetime configures expires_in.
emu config -H 'Content-Type: application/json' -d '{"tokenLifetime":60}' >/dev/null
cc "$AZURE_CLIENT_SECRET" https://management.azure.com/.default
is "$(jb .expires_in)" 60 "tokenLifetime sets expires_in"

# Discovery, as MSAL and the Azure SDKs do it.
http GET "$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/v2.0/.well-known/openid-configuration"
is_status "$status" 200 "the v2 OpenID configuration"
is "$(jb .token_endpoint)" "$V2" "names the token endpoint"
is "$(jb .issuer)" "$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/v2.0" "and the v2 issuer"
http GET "$AZURE_AUTHORITY_HOST/organizations/v2.0/.well-known/openid-configuration"
is "$(jb .issuer)" "$AZURE_AUTHORITY_HOST/{tenantid}/v2.0" "organizations: the {tenantid} issuer"
http GET "$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/.well-known/openid-configuration"
is "$(jb .issuer)" "https://sts.windows.net/$AZURE_TENANT_ID/" "the v1 configuration, the v1 issuer"
http GET "$(jq -r .jwks_uri "$TMP/body")"
is_status "$status" 200 "its jwks_uri"
is "$(jb '.keys[0] | [.kty, .kid == .x5t, (.x5c | length)] | tostring')" '["RSA",true,1]' "an RSA key with x5t and x5c"
printf '%s\n' '-----BEGIN CERTIFICATE-----' "$(jb '.keys[0].x5c[0]' | fold -w 64)" '-----END CERTIFICATE-----' |
    openssl x509 -pubkey -noout >"$TMP/jwk.pem" 2>/dev/null
cmp -s "$TMP/jwk.pem" "$TMP/signing.pem"
ok $? "x5c is the certificate of the signing key"
http GET "$AZURE_AUTHORITY_HOST/common/discovery/instance?api-version=1.1&authorization_endpoint=$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/oauth2/v2.0/authorize"
is "$(jb .tenant_discovery_endpoint)" "$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/v2.0/.well-known/openid-configuration" \
    "instance discovery"
http GET "$AZURE_AUTHORITY_HOST/nosuchtenant/v2.0/.well-known/openid-configuration"
is_status "$status" 400 "an unknown tenant's configuration"

# The log keeps the form with its secrets masked.
emu requests >"$TMP/log.json"
is "$(jq -r '[.[] | select(.form.client_secret != null) | .form.client_secret] | unique | join(",")' "$TMP/log.json")" \
    '***' "client_secret is masked in the log"
is "$(jq -r '[.[] | select(.headers.Authorization != null) | .headers.Authorization] | unique | join(",")' "$TMP/log.json")" \
    '***' "Authorization is masked in the log"
is "$(jq -r '[.[] | select(.authScheme == "Basic")] | length > 0' "$TMP/log.json")" true \
    "the scheme is kept beside it"
grep -F -q "$AZURE_CLIENT_SECRET" "$TMP/log.json"
is "$?" 1 "the secret appears nowhere in the log"

done_testing
