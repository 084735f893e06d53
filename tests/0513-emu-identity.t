#!/bin/sh
# aml-emulator: managed identity through IMDS and the App Service
# identity endpoint.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start

IMDS="$AML_IMDS_ENDPOINT/metadata/identity/oauth2/token"
RES=https://management.azure.com/

http GET "$IMDS?api-version=2018-02-01&resource=$RES" -H 'Metadata: true'
is_status "$status" 200 "IMDS with Metadata: true"
is "$(jq -c 'keys' "$TMP/body")" \
    '["access_token","client_id","expires_in","expires_on","ext_expires_in","not_before","refresh_token","resource","token_type"]' \
    "IMDS members"
is "$(jb '[.expires_in, .expires_on, .not_before] | map(type) | join(",")')" string,string,string \
    "IMDS numbers are strings"
is "$(jb .refresh_token)" "" "an empty refresh_token"
is "$(jb .client_id)" "$AML_EMU_MI_CLIENT_ID" "the managed identity's client id"
jwt_part "$(jb .access_token)" 2 >"$TMP/c.json"
is "$(jq -r '.appid + " " + .idtyp + " " + .aud' "$TMP/c.json")" "$AML_EMU_MI_CLIENT_ID app $RES" \
    "the token is the identity's, for the resource"
like "$(jq -r .xms_mirid "$TMP/c.json")" '/providers/Microsoft.ManagedIdentity/userAssignedIdentities/' \
    "it names the identity resource"
http GET "$IMDS?api-version=2018-02-01&resource=$RES&client_id=$AML_EMU_MI_CLIENT_ID" -H 'Metadata: true'
is_status "$status" 200 "IMDS naming the identity by client_id"

imds_refused() {	# STATUS ERROR DESCRIPTION-REGEX WHAT
	is_status "$status" "$1" "$4: HTTP $1"
	is "$(jb .error)" "$2" "$4: $2"
	like "$(jb .error_description)" "$3" "$4: description"
}
http GET "$IMDS?api-version=2018-02-01&resource=$RES"
imds_refused 400 bad_request_102 'Required metadata header not specified' "no Metadata header"
http GET "$IMDS?api-version=2018-02-01&resource=$RES" -H 'Metadata: false'
imds_refused 400 bad_request_102 'Required metadata header' "Metadata: false"
http GET "$IMDS?resource=$RES" -H 'Metadata: true'
imds_refused 400 invalid_request "api-version" "no api-version"
http GET "$IMDS?api-version=2018-02-01" -H 'Metadata: true'
imds_refused 400 invalid_request "audience" "no resource"
http GET "$IMDS?api-version=2018-02-01&resource=https://unknown.example.com" -H 'Metadata: true'
imds_refused 400 invalid_resource "AADSTS500011" "an unknown resource"
http GET "$IMDS?api-version=2018-02-01&resource=$RES&client_id=00000000-0000-0000-0000-000000000000" \
    -H 'Metadata: true'
imds_refused 400 invalid_request "Identity not found" "another identity"
http GET "$IMDS?api-version=2018-02-01&resource=$RES" -H 'Metadata: true' -H 'X-Forwarded-For: 10.0.0.1'
imds_refused 400 invalid_request "X-Forwarded-For" "a request through a proxy"

# App Service: X-IDENTITY-HEADER, expires_on only.
http GET "$AML_EMU_IDENTITY_ENDPOINT?api-version=2019-08-01&resource=$RES" \
    -H "X-IDENTITY-HEADER: $AML_EMU_IDENTITY_HEADER"
is_status "$status" 200 "App Service identity endpoint"
is "$(jq -c 'keys' "$TMP/body")" '["access_token","client_id","expires_on","resource","token_type"]' \
    "App Service members: no expires_in"
is "$(jb '.expires_on | type')" string "expires_on is a string"
http GET "$AML_EMU_IDENTITY_ENDPOINT?api-version=2019-08-01&resource=$RES"
is_status "$status" 400 "no identity header"
is "$(jb .statusCode)" 400 "App Service error shape"
http GET "$AML_EMU_IDENTITY_ENDPOINT?api-version=2019-08-01&resource=$RES" -H 'X-IDENTITY-HEADER: nope'
is_status "$status" 401 "a wrong identity header"
http GET "$AML_EMU_IDENTITY_ENDPOINT?api-version=2017-09-01&resource=$RES" \
    -H "X-IDENTITY-HEADER: $AML_EMU_IDENTITY_HEADER"
is_status "$status" 400 "another api-version"
http GET "$AML_EMU_IDENTITY_ENDPOINT?api-version=2019-08-01" -H "X-IDENTITY-HEADER: $AML_EMU_IDENTITY_HEADER"
is_status "$status" 400 "no resource"
http GET "$AML_EMU_IDENTITY_ENDPOINT?api-version=2019-08-01&resource=$RES&principal_id=00000000-0000-0000-0000-000000000000" \
    -H "X-IDENTITY-HEADER: $AML_EMU_IDENTITY_HEADER"
is_status "$status" 400 "another identity"
emu requests | jq -r '[.[] | .headers["X-IDENTITY-HEADER"] // empty] | unique | join(",")' >"$TMP/ih"
is "$(cat "$TMP/ih")" '***' "the identity header is masked in the log"

# Tokens of the identity are good for ARM.
http GET "$IMDS?api-version=2018-02-01&resource=$RES" -H 'Metadata: true'
AT=$(jb .access_token)
ws_paths
arm GET "$SUB?api-version=2020-01-01"
is_status "$status" 200 "ARM takes the identity's token"

done_testing
