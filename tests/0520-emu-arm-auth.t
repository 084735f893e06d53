#!/bin/sh
# aml-emulator: Resource Manager's front door: bearer tokens, api-version,
# subscriptions, resource groups, the provider, the common headers.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start
ws_paths
AT=$(arm_token)

arm GET "/subscriptions?api-version=2020-01-01"
is_status "$status" 200 "GET /subscriptions"
is "$(jb '.value | length')" 1 "one subscription"
is "$(jb '.value[0] | .subscriptionId + " " + .tenantId + " " + .state')" \
    "$AZURE_SUBSCRIPTION_ID $AZURE_TENANT_ID Enabled" "it is the seeded one, enabled"
test -n "$(jb '.value[0].displayName')"
ok $? "it has a display name"
arm GET "$SUB?api-version=2020-01-01"
is_status "$status" 200 "GET /subscriptions/{id}"
is "$(jb .id)" "$SUB" "its id"
arm GET "/subscriptions/00000000-0000-0000-0000-000000000000?api-version=2020-01-01"
is_status "$status" 404 "an unknown subscription"
is "$(jb .error.code)" SubscriptionNotFound "SubscriptionNotFound"

# The headers every answer has.
arm GET "$WS?$V" -H 'x-ms-client-request-id: 6f0e7c1a-1111-4222-8333-944455556666' -H 'accept-language: en-US'
is_status "$status" 200 "a GET with the SDK's optional headers"
for h in x-ms-request-id x-ms-correlation-request-id x-ms-routing-request-id \
    x-ms-ratelimit-remaining-subscription-reads; do
	test -n "$(hdr $h)"
	ok $? "header $h"
done
is "$(hdr Cache-Control)" no-cache "Cache-Control: no-cache"
is "$(hdr Pragma)" no-cache "Pragma: no-cache"
is "$(hdr Expires)" -1 "Expires: -1"
like "$(hdr Date)" '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$' "a Date header"
arm GET "$WS?$V" -H 'x-ms-correlation-request-id: 0a1b2c3d-1111-4222-8333-944455556666'
is "$(hdr x-ms-correlation-request-id)" 0a1b2c3d-1111-4222-8333-944455556666 \
    "the client's correlation id is kept"
arm PATCH "$WS?$V" -H 'Content-Type: application/json' --data '{"properties":{"packageType":"Graph"}}'
test -n "$(hdr x-ms-ratelimit-remaining-subscription-writes)"
ok $? "writes count against the write limit"

# Bearer tokens.
unauth() {	# CODE MESSAGE-REGEX WHAT
	is_status "$status" 401 "$3: 401"
	is "$(jb .error.code)" "$1" "$3: $1"
	like "$(jb .error.message)" "$2" "$3: message"
	like "$(hdr WWW-Authenticate)" '^Bearer authorization_uri="[^"]*", error="invalid_token", error_description="[^"]+"$' \
	    "$3: WWW-Authenticate"
	test -n "$(hdr x-ms-request-id)"
	ok $? "$3: x-ms-request-id"
}
http GET "$AML_ARM_ENDPOINT$WS?$V"
unauth AuthenticationFailed "'Authorization' header is missing" "no token"
http GET "$AML_ARM_ENDPOINT$WS?$V" -H "Authorization: Basic $AT"
unauth AuthenticationFailed "invalid format" "not Bearer"
http GET "$AML_ARM_ENDPOINT$WS?$V" -H "Authorization: Bearer not.a.jwt"
unauth InvalidAuthenticationToken "invalid" "a malformed token"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TMP/other.pem" 2>/dev/null
forged=$(jwt_sign "$(jwt_part "$AT" 1)" "$(jwt_part "$AT" 2)" "$TMP/other.pem")
http GET "$AML_ARM_ENDPOINT$WS?$V" -H "Authorization: Bearer $forged"
unauth InvalidAuthenticationToken "signature" "a token signed by another key"
mint() {	# CLAIMS-JSON: a token from the control API
	emu token -d "{\"claims\":$1}" | jq -r .access_token
}
http GET "$AML_ARM_ENDPOINT$WS?$V" -H "Authorization: Bearer $(mint '{"aud":"https://vault.azure.net"}')"
unauth InvalidAuthenticationTokenAudience "wrong audience or resource 'https://vault.azure.net'" "another audience"
for aud in https://management.azure.com https://management.azure.com/ \
    https://management.core.windows.net https://management.core.windows.net/; do
	http GET "$AML_ARM_ENDPOINT$WS?$V" -H "Authorization: Bearer $(mint "{\"aud\":\"$aud\"}")"
	is_status "$status" 200 "audience $aud is accepted"
done
http GET "$AML_ARM_ENDPOINT$WS?$V" -H \
    "Authorization: Bearer $(mint '{"tid":"11111111-2222-4333-8444-555555555555","iss":"https://sts.windows.net/11111111-2222-4333-8444-555555555555/"}')"
unauth InvalidAuthenticationTokenTenant "wrong issuer 'https://sts.windows.net/11111111-2222-4333-8444-555555555555/'" \
    "another tenant"
now=$(date +%s)
http GET "$AML_ARM_ENDPOINT$WS?$V" -H "Authorization: Bearer $(mint "{\"exp\":$((now - 600))}")"
unauth ExpiredAuthenticationToken "The access token expiry UTC time '[0-9]+/[0-9]+/[0-9]{4} [0-9]+:[0-9]{2}:[0-9]{2} [AP]M' is earlier than current UTC time '" \
    "an expired token"
like "$(hdr WWW-Authenticate)" 'error_description="The access token has expired."' "it says expired"
http GET "$AML_ARM_ENDPOINT$WS?$V" -H "Authorization: Bearer $(mint "{\"exp\":$((now - 200))}")"
is_status "$status" 200 "expired within the five minutes of leeway"
http GET "$AML_ARM_ENDPOINT$WS?$V" -H "Authorization: Bearer $(mint '{"exp":null}')"
unauth ExpiredAuthenticationToken "expiry" "a token without exp"
http GET "$AML_ARM_ENDPOINT$WS?$V" -H "Authorization: Bearer $(mint "{\"nbf\":$((now + 900))}")"
unauth InvalidAuthenticationToken "not yet valid" "a token not valid yet"
emu config -d '{"clockSkew":90000}' >/dev/null
arm GET "$WS?$V"
unauth ExpiredAuthenticationToken "earlier than current" "a token the emulator's clock has passed"
emu config -d '{"clockSkew":0}' >/dev/null
arm GET "$WS?$V"
is_status "$status" 200 "and good again when the clock is"

# api-version.
arm GET "$WS"
is_status "$status" 400 "no api-version"
is "$(jb .error.code)" MissingApiVersionParameter "MissingApiVersionParameter"
is "$(jb .error.message)" "The api-version query parameter (?api-version=) is required for all requests." \
    "its message"
arm GET "$WS?api-version=2099-01-01"
is_status "$status" 400 "an api-version the provider does not have"
is "$(jb .error.code)" NoRegisteredProviderFound "NoRegisteredProviderFound"
like "$(jb .error.message)" "API version '2099-01-01' for type 'webServices'. The supported api-versions are '2016-05-01-preview, 2017-01-01'" \
    "it lists the versions"
arm GET "/subscriptions?api-version=1999-01-01"
is_status "$status" 400 "a bad api-version for subscriptions"
is "$(jb .error.code)" InvalidApiVersionParameter "InvalidApiVersionParameter"
arm GET "$WS?API-VERSION=2017-01-01"
is_status "$status" 200 "the parameter name is case-insensitive"

# Resource groups and the provider.
arm GET "$SUB/resourcegroups?api-version=2021-04-01"
is_status "$status" 200 "list resource groups"
is "$(jb '.value[0].name')" "$AML_DEMO_RG" "the demo group"
arm GET "$RGP?api-version=2021-04-01"
is_status "$status" 200 "get the group"
arm GET "$SUB/resourceGroups/nosuchgroup?api-version=2021-04-01"
is_status "$status" 404 "an unknown group"
is "$(jb .error.code)" ResourceGroupNotFound "ResourceGroupNotFound"
arm PUT "$SUB/resourceGroups/newgroup?api-version=2021-04-01" -H 'Content-Type: application/json' \
    --data '{"location":"southcentralus"}'
is_status "$status" 201 "create a group"
arm PUT "$SUB/resourceGroups/newgroup?api-version=2021-04-01" -H 'Content-Type: application/json' \
    --data '{"location":"southcentralus"}'
is_status "$status" 200 "and again: 200"
arm PUT "$SUB/resourceGroups/newgroup2?api-version=2021-04-01" -H 'Content-Type: application/json' --data '{}'
is_status "$status" 400 "a group needs a location"
is "$(jb .error.code)" LocationRequired "LocationRequired"
arm GET "$SUB/providers/Microsoft.MachineLearning?api-version=2016-02-01"
is_status "$status" 200 "the provider registration"
is "$(jb '.resourceTypes[] | select(.resourceType == "webServices") | .apiVersions | join(",")')" \
    2017-01-01,2016-05-01-preview "webServices' api-versions"
is "$(jb '.resourceTypes[] | select(.resourceType == "webServices") | .locations | length')" 6 \
    "in six regions"
arm GET "/providers/Microsoft.MachineLearning/operations?$V"
is_status "$status" 200 "the operations list"
is "$(jb '[.value[] | select(.name and .display.provider and .display.resource and .display.operation and .display.description)] | length > 3')" \
    true "operations have name and display"
is "$(jb 'has("nextLink")')" false "no nextLink"
arm GET "/providers/Microsoft.MachineLearning/operations?$VP"
is_status "$status" 400 "the preview has no operations list"

# Unknown paths and methods still get ARM's envelope.
arm GET "$SUB/providers/Microsoft.Nothing/things?$V"
is_status "$status" 404 "an unknown path"
test -n "$(jb .error.code)"
ok $? "in the ARM envelope"
arm POST "$WS/listKeys?$V"
is_status "$status" 405 "listKeys is a GET"
is "$(jb .error.code)" MethodNotAllowed "MethodNotAllowed"

done_testing
