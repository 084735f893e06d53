#!/bin/sh
# The Resource Manager endpoint: TLS verified with --ca-bundle or the
# variables; the token follows nextLink and operation URLs only on the
# endpoint itself; plain http only to loopback.
. "$(dirname "$0")/lib.sh"
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10
emu_start --tls --lro-ms 50
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS

run aml-login
expect_ok "signed in over https"
run aml-get-ws -g "$RG" -n "$WS"
expect_ok "aml-get-ws with CURL_CA_BUNDLE"
ca=$CURL_CA_BUNDLE
run env -u CURL_CA_BUNDLE aml-get-ws --ca-bundle "$ca" -g "$RG" -n "$WS"
expect_ok "aml-get-ws --ca-bundle"
run env -u CURL_CA_BUNDLE SSL_CERT_FILE="$ca" aml-ws-keys -g "$RG" -n "$WS"
expect_ok "aml-ws-keys with SSL_CERT_FILE"
run env -u CURL_CA_BUNDLE SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt AML_RETRY_MAX=0 \
    aml-get-ws -g "$RG" -n "$WS"
expect_fail 1 '^aml-get-ws: GET /subscriptions/[^ ]+: TLS certificate verification failed: ' \
    "a CA that did not sign the server's certificate"
aml-get-ws -g "$RG" -n "$WS" | aml-export-ws >"$TMP/def.json"
run env -u CURL_CA_BUNDLE aml-update-ws -E "$ca" -g "$RG" -n "$WS" "$TMP/def.json"
expect_ok "aml-update-ws -E: PATCH, polls and GET over https"
run env AML_ARM_ENDPOINT=http://arm.example.com aml-get-ws -g "$RG" -n "$WS"
expect_fail 2 '^aml-get-ws: AML_ARM_ENDPOINT: http://arm\.example\.com: plain http is allowed only for loopback addresses \(use https\)$' \
    "plain http to anything but loopback is refused"
emu_stop

# Reached as localhost, the emulator names itself 127.0.0.1 in the URLs
# it hands out: another host, to which the token does not go.
emu_start --lro-ms 50
run aml-login
local=$(printf '%s' "$AML_ARM_ENDPOINT" | sed 's/127\.0\.0\.1/localhost/')
emu config -d '{"pageSize":1}' >/dev/null
emu services -d '{"count":2}' >/dev/null
emu requests -X DELETE
run env AML_ARM_ENDPOINT="$local" aml-get-ws -g "$RG"
expect_fail 1 "^aml-get-ws: GET /subscriptions/[^ ]+/webServices: not sending the Resource Manager token to http://127\\.0\\.0\\.1:[0-9]+: it goes only to $local\$" \
    "a nextLink elsewhere is not followed"
is "$(emu requests | jq length)" 1 "one request"
run env AML_ARM_ENDPOINT="$local" aml-update-ws -g "$RG" -n "$WS" "$TMP/def.json"
expect_fail 1 "^aml-update-ws: GET /subscriptions/[^ ]+/operationsStatus/[^ ]+: not sending the Resource Manager token to http://127\\.0\\.0\\.1:[0-9]+: it goes only to $local; the operation may still complete: check with aml-get-ws -g $RG -n $WS\$" \
    "nor an operation URL elsewhere"
run env AML_ARM_ENDPOINT="$local" aml-get-ws -g "$RG" -n "$WS"
expect_ok "while the endpoint itself works"

done_testing
