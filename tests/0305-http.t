#!/bin/sh
# The HTTP layer (common/http.c) as every network program sees it:
# headers, retries, error lines, the -v trace, proxies, timeouts.
. "$(dirname "$0")/lib.sh"
emu_start
export AML_RETRY_BASE_MS=10

run aml-login
expect_ok "signed in"

# Every request: a fresh x-ms-client-request-id, our User-Agent,
# Accept: application/json, and no Expect: 100-continue.
emu requests -X DELETE >/dev/null
run aml-login --list
expect_ok "aml-login -l"
req=$(emu requests | jq -c '[.[] | select(.path | test("^/subscriptions"))] | last | .headers | with_entries(.key |= ascii_downcase)')
like "$(printf '%s' "$req" | jq -r '."x-ms-client-request-id"')" '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' \
    "x-ms-client-request-id is a v4 UUID"
is "$(printf '%s' "$req" | jq -r '."user-agent"')" "aml-tools/$(aml-login -V | cut -d' ' -f2) (aml-login)" "User-Agent names the toolkit and the program"
is "$(printf '%s' "$req" | jq -r .accept)" application/json "Accept: application/json"
is "$(printf '%s' "$req" | jq -r '.expect // "none"')" none "no Expect header"
is "$(printf '%s' "$req" | jq -r .authorization)" "***" "a bearer token was sent"
run aml-login --list
ids=$(emu requests | jq -r '[.[] | select(.path | test("^/subscriptions")) | .headers | with_entries(.key |= ascii_downcase) | ."x-ms-client-request-id"] | unique | length')
is "$ids" 2 "each request has its own id"

# Transient failures are retried, Retry-After honoured, one warning each.
emu faults -d '{"method":"GET","path":"/subscriptions","status":503,"retryAfter":1,"count":2}' >/dev/null
emu requests -X DELETE >/dev/null
run aml-login --list
expect_ok "two 503s, then success"
is "$(cat "$TMP/err")" "aml-login: warning: HTTP 503 from GET /subscriptions, retrying in 1 s (3 left)
aml-login: warning: HTTP 503 from GET /subscriptions, retrying in 1 s (2 left)" "one warning per retry, with Retry-After's delay"
is "$(emu requests | jq -r '[.[] | select(.path | test("^/subscriptions")) | .headers | with_entries(.key |= ascii_downcase) | ."x-ms-client-request-id"] | unique | length')" 1 \
    "retries keep the request's id"
for s in 408 429 500 502 504; do
	emu faults -d "{\"method\":\"GET\",\"path\":\"/subscriptions\",\"status\":$s}" >/dev/null
	run aml-login -q --list
	expect_ok "HTTP $s is retried"
	is "$(cat "$TMP/err")" "" "-q silences the warning ($s)"
done
emu faults -d '{"method":"GET","path":"/subscriptions","status":503,"count":10}' >/dev/null
run env AML_RETRY_MAX=2 aml-login --list
is "$rc" 1 "retries stop after AML_RETRY_MAX"
is "$(grep -c 'warning: HTTP 503' "$TMP/err")" 2 "two retries"
like "$(tail -1 "$TMP/err")" '^aml-login: GET /subscriptions: HTTP 503 ' "then the error line"
[ ! -s "$TMP/out" ]; ok $? "and nothing on stdout"
emu faults -X DELETE >/dev/null
emu faults -d '{"method":"GET","path":"/subscriptions","status":400,"code":"BadRequest","message":"No."}' >/dev/null
run aml-login --list
expect_fail 1 '^aml-login: GET /subscriptions: HTTP 400 BadRequest: No\. \[request-id [0-9a-f-]+\]$' "400 is not retried"
emu faults -d '{"method":"GET","path":"/subscriptions","drop":"before-body"}' >/dev/null
run aml-login --list
expect_ok "a dropped connection on GET is retried"
like "$(cat "$TMP/err")" '^aml-login: warning: GET /subscriptions: .*, retrying in [0-9]+ ms \(3 left\)$' "with a warning"
emu faults -d '{"method":"GET","path":"/subscriptions","truncate":true}' >/dev/null
run aml-login --list
expect_ok "a truncated answer to GET is retried"
# Token requests are POSTs that are safe to repeat.
emu faults -d '{"method":"POST","path":"/*/oauth2/v2.0/token","status":503}' >/dev/null
run aml-login
expect_ok "a token request is retried after 503"
like "$(cat "$TMP/err")" '^aml-login: warning: HTTP 503 from POST /[^ ]*/oauth2/v2\.0/token, retrying' "with a warning"

# Error lines: ARM's envelope with its detail codes and request id, a
# body that is not JSON, a connection that cannot be made.
emu faults -d '{"method":"GET","path":"/subscriptions","status":404,"code":"NotFound","message":"The specified resource was not found."}' >/dev/null
run aml-login --list
expect_fail 1 '^aml-login: GET /subscriptions: HTTP 404 NotFound: The specified resource was not found\. \[request-id [0-9a-f-]+\]$' \
    "404 in ARM's words"
unlike "$(cat "$TMP/err")" 'api-version|127\.0\.0\.1' "the line has the path only: no host, no query"
emu faults -d '{"method":"GET","path":"/subscriptions","notJson":true}' >/dev/null
run aml-login --list
expect_fail 1 '^aml-login: GET /subscriptions: HTTP 200: the answer is not JSON: ' \
    "an answer that is not JSON, on one line"
emu faults -X DELETE >/dev/null
run env AML_ARM_ENDPOINT=http://127.0.0.1:1 AML_RETRY_MAX=1 aml-login --list
is "$rc" 1 "connection refused: exit 1"
like "$(tail -1 "$TMP/err")" '^aml-login: GET /subscriptions: Failed to connect to 127\.0\.0\.1 port 1' "curl's words"
run env AML_ARM_ENDPOINT=http://arm.example.com aml-login --list
expect_fail 2 '^aml-login: AML_ARM_ENDPOINT: http://arm\.example\.com: plain http is allowed only for loopback addresses \(use https\)$' \
    "plain http to a remote host is refused before any connection"

# Secrets a server quotes are masked, in the error line and the trace.
msg='Storage failed: DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=S3CR3TKEY==;EndpointSuffix=core.windows.net at https://acct.blob.core.windows.net/c/b.ilearner?sv=2019-02-02&sig=S1GS1G%3D&se=2030 password=hunter2 SasBlobToken: \"?sv=1&sig=SASSIG\"'
emu faults -d "{\"method\":\"GET\",\"path\":\"/subscriptions\",\"status\":400,\"code\":\"StorageError\",\"message\":\"$msg\"}" >/dev/null
run aml-login -v --list
is "$rc" 1 "an error that quotes secrets"
like "$(tail -1 "$TMP/err")" '^aml-login: GET /subscriptions: HTTP 400 StorageError: Storage failed: .*AccountKey=\*\*\*;.*sig=\*\*\*&se=2030 password=\*\*\*' \
    "the error line masks AccountKey, sig and password"
unlike "$(cat "$TMP/err")" 'S3CR3TKEY|S1GS1G|hunter2|SASSIG' "neither the line nor the trace shows them"

# Time limits: -m bounds the whole program, its retries included (the
# server holds the answer a minute, twenty times the limit).
emu faults -d '{"method":"GET","path":"/subscriptions","delayMs":60000}' >/dev/null
run aml-login --list -m 3
expect_fail 1 '^aml-login: GET /subscriptions: no answer within the time limit \(-m 3 s\)$' "-m"
is "$(grep -c 'retrying' "$TMP/err")" 0 "no retry once the time is up"
run aml-login --list --max-time abc
expect_usage '^aml-login: -m abc: not a duration \(90, 90s, 5m, 1h, 2d; at most 366d\)$' "a bad -m"
emu faults -X DELETE >/dev/null

# Proxies: never for loopback, even when the variables name one.
run env http_proxy=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 \
    HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9 aml-login
expect_ok "loopback is reached directly whatever the proxy variables say"
# ... but used for other hosts: the tunnel request reaches the proxy.
run env HTTPS_PROXY="$AML_EMULATOR_URL" AZURE_AUTHORITY_HOST=https://login.aml-test.invalid AML_RETRY_MAX=0 aml-login
is "$rc" 1 "a remote authority through the proxy"
like "$(cat "$TMP/err")" 'CONNECT|[Pp]roxy' "the proxy was asked to connect"

# The -v trace: curl's shape, and no secret in it.
run aml-logout
run aml-login -v
expect_ok "aml-login -v"
tr=$(cat "$TMP/err")
like "$tr" '^> POST /[^ ]+/oauth2/v2\.0/token HTTP/1\.1' "request lines start with >"
like "$tr" '^< HTTP/1\.1 200' "response lines start with <"
like "$tr" '^\* Connected to ' "info lines start with *"
like "$tr" '^\* Re-using existing connection' "one connection serves the token and the subscriptions"
like "$tr" 'client_secret=\*\*\*' "the client secret is masked in the form"
like "$tr" '"access_token": ?"\*\*\*"' "the access token is masked in the answer"
like "$tr" 'Authorization: \*\*\*' "the Authorization header is masked"
tok=$(aml-token -r)
unlike "$tr" "$AZURE_CLIENT_SECRET" "the secret never appears"
unlike "$tr" "$(printf '%s' "$tok" | cut -c1-40)" "the token never appears"
unlike "$tr" 'eyJ[A-Za-z0-9_-]{8,}' "nothing shaped like a JWT appears"
run aml-token -v --min-validity 7000
unlike "$(cat "$TMP/err")" 'eyJ[A-Za-z0-9_-]{8,}' "aml-token -v shows no token on stderr"

# TLS: verified against CURL_CA_BUNDLE, --ca-bundle, else the system.
emu_stop
emu_start --tls
like "$AML_ARM_ENDPOINT" '^https://' "the emulator serves https"
run aml-login
expect_ok "https with CURL_CA_BUNDLE"
ca=$CURL_CA_BUNDLE
run env -u CURL_CA_BUNDLE SSL_CERT_FILE="$ca" aml-login
expect_ok "https with SSL_CERT_FILE"
run env -u CURL_CA_BUNDLE -u SSL_CERT_FILE aml-login --ca-bundle "$ca"
expect_ok "https with --ca-bundle"
run env -u CURL_CA_BUNDLE SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt AML_RETRY_MAX=0 aml-login
expect_fail 1 '^aml-login: sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: TLS certificate verification failed: SSL certificate problem: [^(]+\(CA bundle: /etc/ssl/certs/ca-certificates\.crt\)$' \
    "an unknown CA: one line naming the verification error"

done_testing
