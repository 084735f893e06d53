#!/bin/sh
# How aml-update-ws and aml-rm-ws follow a long-running operation the
# Azure ML resource provider never made but Resource Manager allows
# (common/lro.c): one announced by Location alone, polled there (202
# while it runs, then 204), and polls answered with Retry-After, which
# sets the pause before the next one.  The emulator's faults make them
# (lroLocationOnly, lroRetryAfter); the request log says which URL was
# polled and when.  Each operation is kept running (HELD_MS) until the
# program has polled it twice, then released (clock_release): no timer
# decides how many polls see it running.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms "$HELD_MS"
export AML_POLL_MS=100 AML_RETRY_BASE_MS=10
SUB=$AZURE_SUBSCRIPTION_ID
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS
WSL=/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/webServices
OPS="/subscriptions/$SUB/providers/Microsoft\\.MachineLearning/locations/southcentralus"

run aml-login
expect_ok "signed in"
aml-get-ws -g "$RG" -n "$WS" | aml-export-ws >"$TMP/def.json"

ms() {	# ms N: the log's time of request N (from 0), in milliseconds
	jq -r ".[$1].time | (sub(\"[.][0-9]+Z$\"; \"Z\") | fromdate) * 1000 +
	    (capture(\"[.](?<ms>[0-9]+)Z$\").ms | tonumber)" "$TMP/log.json"
}
# polls KIND: the indexes in the log of the GETs of operationresults
# (KIND results) or operationsStatus (KIND status).
polls() {
	jq -r --arg k "$1" 'to_entries[] | select(.value.method == "GET" and
	    (.value.path | test(if $k == "results" then "/operationresults/" else "/operationsStatus/" end))) | .key' \
	    "$TMP/log.json"
}
# gaps_at_least KIND MS DESCRIPTION: every pause between polls of KIND
# (each after a Retry-After answer) is at least MS.
gaps_at_least() {
	_prev= _bad= _k=0
	for _i in $(polls "$1"); do
		if [ -n "$_prev" ]; then
			_g=$(( $(ms "$_i") - $(ms "$_prev") ))
			_k=$((_k + 1))
			[ "$_g" -ge "$2" ] || _bad="$_bad $_g"
		fi
		_prev=$_i
	done
	[ "$_k" -ge 1 ] && [ -z "$_bad" ]
	ok $? "$3"
	[ -z "$_bad" ] || diag "gaps under $2 ms:$_bad"
}
# polled_twice CMD...: CMD in the background, its operation released once
# the log shows two of its polls (of either kind); its status in rc, its
# output in out and err.
polled_twice() {
	emu requests -X DELETE
	start_bg "$@"
	wait_until seen 2 '.method == "GET" and (.path | test("/(operationresults|operationsStatus)/"))'
	ok $? "$1 polls the operation while it runs"
	clock_release
	wait_bg
	clock_back
}

# aml-update-ws, the operation announced by Location only, its polls
# saying Retry-After: 1.
emu faults -d '{"method":"PATCH","path":"*/webServices/*","lroLocationOnly":true,"lroRetryAfter":1}' >/dev/null
printf '{"properties":{"packageType":"Graph","title":"Followed by Location"}}' >"$TMP/patch.json"
polled_twice aml-update-ws -g "$RG" -n "$WS" "$TMP/patch.json"
expect_ok "aml-update-ws: an operation with Location only"
is "$(jq -r .properties.title "$TMP/out")" "Followed by Location" "the result, once it is done"
emu requests >"$TMP/log.json"
like "$(jq -r '[.[] | select(.method == "GET") | .path | sub("\\?.*"; "")][0]' "$TMP/log.json")" \
    "^$OPS/operationresults/[0-9a-f-]+\$" "the poll URL is the Location one"
is "$(polls status | wc -l | tr -d ' ')" 0 "operationsStatus is never asked"
like "$(jq -r '[.[] | select(.path | test("/operationresults/")) | .status] | join(" ")' "$TMP/log.json")" \
    '^202 202( 202)* 204$' "202 while it runs, then 204"
is "$(jq -r '.[-1] | .method + " " + (.path | sub("\\?.*"; ""))' "$TMP/log.json")" "GET $WSL/$WS" \
    "then the service is read"
gaps_at_least results 1000 "aml-update-ws waits Retry-After's second between polls (not AML_POLL_MS)"

# The same poll answers without Retry-After: the client's own pace, much
# quicker (so the assertion above can fail): from AML_POLL_MS, doubling
# up to five times it, the pauses between the first four polls are 0.2,
# 0.4 and 0.5 s, where Retry-After would make them at least 3 s.
emu faults -d '{"method":"PATCH","path":"*/webServices/*","lroLocationOnly":true}' >/dev/null
emu requests -X DELETE
start_bg aml-update-ws -g "$RG" -n "$WS" "$TMP/patch.json"
wait_until seen 4 '.method == "GET" and (.path | test("/operationresults/"))'
ok $? "four polls while it runs"
clock_release
wait_bg
clock_back
expect_ok "aml-update-ws: Location only, no Retry-After"
emu requests >"$TMP/log.json"
set -- $(polls results)
first3=$(( $(ms "$4") - $(ms "$1") ))
ok $(( first3 < 3000 ? 0 : 1 )) "three pauses at AML_POLL_MS, doubling, take well under 3 s ($first3 ms)"

# aml-rm-ws: the same.
emu faults -d '{"method":"DELETE","path":"*/webServices/*","lroLocationOnly":true,"lroRetryAfter":1}' >/dev/null
polled_twice aml-rm-ws -g "$RG" -n "$WS"
expect_ok "aml-rm-ws: an operation with Location only"
emu requests >"$TMP/log.json"
like "$(jq -r '[.[] | select(.path | test("/operationresults/")) | .status] | join(" ")' "$TMP/log.json")" \
    '^202 202( 202)* 204$' "polled at Location: 202 while it runs, then 204"
is "$(polls status | wc -l | tr -d ' ')" 0 "operationsStatus is never asked"
gaps_at_least results 1000 "aml-rm-ws waits Retry-After's second between polls"
run aml-get-ws -g "$RG" -n "$WS"
expect_fail 1 'HTTP 404' "the service is gone"

# Retry-After on the polls of an Azure-AsyncOperation (operationsStatus),
# through aml-new-ws.
emu faults -d '{"method":"PUT","path":"*/webServices/*","lroRetryAfter":1}' >/dev/null
polled_twice aml-new-ws -g "$RG" -n "$WS" -l southcentralus "$TMP/def.json"
expect_ok "aml-new-ws: polls that say Retry-After"
emu requests >"$TMP/log.json"
is "$(polls results | wc -l | tr -d ' ')" 0 "Azure-AsyncOperation is polled, not Location"
ok $(( $(polls status | wc -l) >= 2 ? 0 : 1 )) "more than one poll"
gaps_at_least status 1000 "aml-new-ws waits Retry-After's second between polls"
done_testing
