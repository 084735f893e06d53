#!/bin/sh
# aml-emulator: the control API: health, the request log, reset,
# configuration, the signing key, minted tokens, subscriptions,
# certificates.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0
ws_paths
AT=$(arm_token)

is "$(emu health)" '{"status":"ok"}' "health"

# The request log.
emu requests -X DELETE
AT=$(arm_token)
arm GET "$WS?$V" -H 'x-ms-client-request-id: 11111111-2222-4333-8444-555555555555'
http GET "$AML_EMULATOR_URL/blob/acct/c/model.ilearner?sv=2019-02-02&sr=b&sig=SECRETSIG%2Bx&se=2030-01-01"
emu requests >"$TMP/log.json"
is "$(jq length "$TMP/log.json")" 3 "three requests logged (the control API is not)"
e=$(jq -c '.[1]' "$TMP/log.json")
is "$(printf '%s' "$e" | jq -r '[.method, .path, .status] | join(" ")')" "GET $WS?$V 200" \
    "method, path with query, status"
like "$(printf '%s' "$e" | jq -r .time)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' \
    "time in RFC 3339 with milliseconds"
is "$(printf '%s' "$e" | jq -r '.headers["x-ms-client-request-id"]')" 11111111-2222-4333-8444-555555555555 \
    "headers as sent"
is "$(printf '%s' "$e" | jq -r '.headers.Authorization + " " + .authScheme')" "*** Bearer" \
    "Authorization masked, its scheme kept"
is "$(printf '%s' "$e" | jq -r .bodySize)" 0 "bodySize"
is "$(jq -r '.[0].form.grant_type' "$TMP/log.json")" client_credentials "form fields of a token request"
like "$(jq -r '.[2].path' "$TMP/log.json")" 'sig=\*\*\*&se=2030-01-01$' "a SAS signature in a query is masked"
is "$(jq -r '.[2].status' "$TMP/log.json")" 404 "unknown paths are logged with their status"
grep -q SECRETSIG "$TMP/log.json"
is "$?" 1 "the signature is nowhere in the log"
grep -F -q "$AT" "$TMP/log.json"
is "$?" 1 "the token is nowhere in the log"
emu requests -X DELETE
is "$(emu requests)" "[]" "DELETE clears the log"
on_demo_plan "$REF/sessionrecords-extract/TestCreateGetRemoveWebService.PUT.requestBody.json" >"$TMP/big.json"
arm PUT "$WSL/big?$V" -H 'Content-Type: application/json' --data-binary "@$TMP/big.json"
is_status "$status" 201 "PUT of the recorded body"
is "$(emu requests | jq '.[0].bodySize')" "$(wc -c <"$TMP/big.json" | tr -d ' ')" \
    "bodySize of a PUT"
emu requests | grep -q 'S8ayf24PAsbQqy8Nm67uGf3MbOeorYKPY8QfXen2'
is "$?" 1 "bodies are not logged (keys inside stay out)"

# Reset: back to the seed; same identity.
arm PATCH "$WS?$V" -H 'Content-Type: application/json' --data '{"properties":{"packageType":"Graph","title":"changed"}}'
lro_wait "$(hdr Azure-AsyncOperation)"
emu services -d '{"count":2}' >/dev/null
emu faults -d '{"path":"/x","status":500}' >/dev/null
emu config -d '{"pageSize":1}' >/dev/null
emu reset -X POST
arm GET "$WS?$V"
is_status "$status" 200 "after reset the old token still works"
is "$(jb .properties.title)" "Adult Census Income Predictor" "the service is as seeded"
arm GET "$WSL?$V"
is "$(jb '.value | length')" 1 "the extra services are gone"
arm GET "$WSL/big?$V"
is_status "$status" 404 "so is one made by PUT"
is "$(emu faults)" "[]" "faults are cleared"
is "$(emu requests | jq length)" 3 "the log was cleared (three requests since)"
is "$(emu config | jq .pageSize)" 100 "the configuration is back"

# Configuration.
emu config >"$TMP/cfg.json"
is "$(jq -c 'keys' "$TMP/cfg.json")" \
    '["clockSkew","clockStopped","deviceExpiresIn","deviceInterval","federatedLifetime","lroMs","pageSize","tokenLifetime"]' \
    "GET /_emu/config"
is "$(jq .lroMs "$TMP/cfg.json")" 0 "lroMs is --lro-ms"
http POST "$AML_EMULATOR_URL/_emu/config" -d '{"pageSize":0}'
is_status "$status" 400 "a value out of range"
http POST "$AML_EMULATOR_URL/_emu/config" -d '{"pageSize":5,"nope":1}'
is_status "$status" 400 "an unknown setting"
is "$(emu config | jq .pageSize)" 100 "a refused request changes nothing"
http POST "$AML_EMULATOR_URL/_emu/config" -d '{"lroMs":1.5}'
is_status "$status" 400 "not an integer"
# date_s: the emulator's clock, as its Date header says, in seconds.
date_s() { http GET "$AML_EMULATOR_URL/_emu/health"; date -u -d "$(hdr Date)" +%s; }
emu config -d '{"clockSkew":-7200}' >/dev/null
d=$(date_s)
now=$(date -u +%s)
is "$(( (now - d) / 600 ))" 12 "the Date header follows clockSkew"
emu config -d '{"clockSkew":0}' >/dev/null

# A stopped clock stands still (the Date header a second later is the
# same), clockSkew still moves it, and it runs again from the real clock.
http POST "$AML_EMULATOR_URL/_emu/config" -d '{"clockStopped":2}'
is_status "$status" 400 "clockStopped is 0 or 1"
is "$(emu config -d '{"clockStopped":1}' | jq .clockStopped)" 1 "the clock stopped"
d1=$(date_s)
sleep 1.1
is "$(date_s)" "$d1" "a stopped clock stands still"
emu config -d '{"clockSkew":86400}' >/dev/null
is "$(date_s)" "$((d1 + 86400))" "clockSkew moves a stopped clock"
emu config -d '{"clockStopped":1,"clockSkew":0}' >/dev/null
is "$(date_s)" "$d1" "stopping it again keeps where it stands"
clock_run
d=$(date_s)
now=$(date -u +%s)
is "$(( (now - d) / 600 ))" 0 "it runs again from the real clock"
clock_stop
emu reset -X POST
is "$(emu config | jq .clockStopped)" 0 "a reset starts it"

# The signing key verifies the tokens.
curl -sS "$AML_EMULATOR_URL/_emu/signing-key.pem" >"$TMP/k.pem"
jwt_verify "$AT" "$TMP/k.pem"
ok $? "signing-key.pem verifies issued tokens"
is "$(tr -d '\n' <"$TMP/k.pem" | head -c 26)" "-----BEGIN PUBLIC KEY-----" "it is SPKI"

# Minted tokens.
http POST "$AML_EMULATOR_URL/_emu/token" -d '{"claims":"x"}'
is_status "$status" 400 "token claims must be an object"
t=$(emu token -d '{"claims":{"oid":"abc"}}' | jq -r .access_token)
is "$(jwt_part "$t" 2 | jq -r .oid)" abc "a minted token has the claims given"
# Subscriptions: more of them, enabled or not.
http POST "$AML_EMULATOR_URL/_emu/subscriptions" -d '{"state":"Sleeping"}'
is_status "$status" 400 "an unknown subscription state is refused"
http POST "$AML_EMULATOR_URL/_emu/subscriptions" -d '{"displayName":"Spare","state":"Disabled"}'
is_status "$status" 201 "a subscription added"
S2=$(jb .subscriptionId)
is "$(jb '[.displayName, .state, .tenantId] | join(" ")')" "Spare Disabled $AZURE_TENANT_ID" \
    "with its name and state, in the tenant"
http POST "$AML_EMULATOR_URL/_emu/subscriptions" -d "{\"subscriptionId\":\"$S2\",\"state\":\"Enabled\"}"
is_status "$status" 200 "a subscription changed"
arm GET "/subscriptions?api-version=2020-01-01"
is "$(jb '[.value[] | .displayName + " " + .state] | join(",")') $(jb .count.value)" \
    "Azure ML Emulator Enabled,Spare Enabled 2" "GET /subscriptions lists both, the seeded one first"
arm GET "/subscriptions/$S2?api-version=2020-01-01"
is "$status $(jb .displayName)" "200 Spare" "GET /subscriptions/{id}"
arm GET "/subscriptions/$S2/resourcegroups?api-version=2020-01-01"
is "$status $(jb '.value | length')" "200 0" "an added subscription has no resource groups"
arm GET "/subscriptions/$S2/providers/Microsoft.MachineLearning/webServices?$V"
is "$status $(jb '.value | length')" "200 0" "and no web services"
arm GET "/subscriptions/$S2/resourceGroups/$AML_DEMO_RG/providers/Microsoft.MachineLearning/webServices/$AML_DEMO_WS?$V"
is "$status $(jb .error.code)" "404 ResourceGroupNotFound" "the demo group is not in it"
http POST "$AML_EMULATOR_URL/_emu/subscriptions" -d "{\"subscriptionId\":\"$AZURE_SUBSCRIPTION_ID\",\"state\":\"Disabled\"}"
arm PATCH "$WS?$V" -H 'Content-Type: application/json' -d '{"properties":{"packageType":"Graph","title":"x"}}'
is "$status $(jb .error.code)" "409 ReadOnlyDisabledSubscription" "a disabled subscription takes no writes"
arm GET "$WS?$V"
is_status "$status" 200 "but it is read"
emu reset -X POST
arm GET "/subscriptions?api-version=2020-01-01"
is "$(jb '[.value[] | .state] | join(",")')" Enabled "a reset: the seeded subscription alone, enabled"

# Certificates for the certificate application.
http POST "$AML_EMULATOR_URL/_emu/certificates" -d '{"pem":"not a certificate"}'
is_status "$status" 400 "a certificate that is not PEM is refused"
like "$(jb .error.message)" 'not a PEM certificate' "saying so"
http POST "$AML_EMULATOR_URL/_emu/certificates" -d '{}'
is_status "$status" 400 "a certificate is needed"
http POST "$AML_EMULATOR_URL/_emu/certificates" --data-binary "$(jq -n --rawfile p "$AML_EMU_CERT_PEM" '{pem: $p}')"
is_status "$status" 201 "a PEM certificate is registered"
is "$(jb '[.clientId, .x5t] | join(" ")')" "$AML_EMU_CERT_CLIENT_ID $(openssl x509 -in "$AML_EMU_CERT_PEM" -outform DER | openssl dgst -sha1 -binary | b64url)" \
    "for the certificate application, with its x5t"
like "$(jb .notAfter)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' "and its dates"

http POST "$AML_EMULATOR_URL/_emu/nothing"
is_status "$status" 404 "an unknown control path"

done_testing
