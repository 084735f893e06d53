#!/bin/sh
# How aml-update-ws and aml-rm-ws follow a long-running operation the
# Azure ML resource provider never made but Resource Manager allows
# (common/lro.c): one announced by Location alone, polled there (202
# while it runs, then 204), and polls answered with Retry-After, which
# sets the pause before the next one.  The emulator's faults make them
# (lroLocationOnly, lroRetryAfter); the request log says which URL was
# polled and when.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 1500
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

# aml-update-ws, the operation announced by Location only, its polls
# saying Retry-After: 1.
emu faults -d '{"method":"PATCH","path":"*/webServices/*","lroLocationOnly":true,"lroRetryAfter":1}' >/dev/null
emu requests -X DELETE
printf '{"properties":{"packageType":"Graph","title":"Followed by Location"}}' >"$TMP/patch.json"
run aml-update-ws -g "$RG" -n "$WS" "$TMP/patch.json"
expect_ok "aml-update-ws: an operation with Location only"
is "$(jq -r .properties.title "$TMP/out")" "Followed by Location" "the result, once it is done"
emu requests >"$TMP/log.json"
like "$(jq -r '[.[] | select(.method == "GET") | .path | sub("\\?.*"; "")][0]' "$TMP/log.json")" \
    "^$OPS/operationresults/[0-9a-f-]+\$" "the poll URL is the Location one"
is "$(polls status | wc -l | tr -d ' ')" 0 "operationsStatus is never asked"
is "$(jq -r '[.[] | select(.path | test("/operationresults/")) | .status] | join(" ")' "$TMP/log.json")" \
    "202 202 204" "202 while it runs, then 204"
is "$(jq -r '.[-1] | .method + " " + (.path | sub("\\?.*"; ""))' "$TMP/log.json")" "GET $WSL/$WS" \
    "then the service is read"
gaps_at_least results 1000 "aml-update-ws waits Retry-After's second between polls (not AML_POLL_MS)"

# The same poll answers without Retry-After: the client's own pace, much
# quicker (so the assertion above can fail).
emu faults -d '{"method":"PATCH","path":"*/webServices/*","lroLocationOnly":true}' >/dev/null
emu requests -X DELETE
run aml-update-ws -g "$RG" -n "$WS" "$TMP/patch.json"
expect_ok "aml-update-ws: Location only, no Retry-After"
emu requests >"$TMP/log.json"
ok $(( $(polls results | wc -l) > 3 ? 0 : 1 )) "more polls, AML_POLL_MS apart and doubling"

# aml-rm-ws: the same.
emu faults -d '{"method":"DELETE","path":"*/webServices/*","lroLocationOnly":true,"lroRetryAfter":1}' >/dev/null
emu requests -X DELETE
run aml-rm-ws -g "$RG" -n "$WS"
expect_ok "aml-rm-ws: an operation with Location only"
emu requests >"$TMP/log.json"
is "$(jq -r '[.[] | select(.path | test("/operationresults/")) | .status] | join(" ")' "$TMP/log.json")" \
    "202 202 204" "polled at Location: 202, 202, 204"
is "$(polls status | wc -l | tr -d ' ')" 0 "operationsStatus is never asked"
gaps_at_least results 1000 "aml-rm-ws waits Retry-After's second between polls"
run aml-get-ws -g "$RG" -n "$WS"
expect_fail 1 'HTTP 404' "the service is gone"

# Retry-After on the polls of an Azure-AsyncOperation (operationsStatus),
# through aml-new-ws.
emu faults -d '{"method":"PUT","path":"*/webServices/*","lroRetryAfter":1}' >/dev/null
emu requests -X DELETE
run aml-new-ws -g "$RG" -n "$WS" -l southcentralus "$TMP/def.json"
expect_ok "aml-new-ws: polls that say Retry-After"
emu requests >"$TMP/log.json"
is "$(polls results | wc -l | tr -d ' ')" 0 "Azure-AsyncOperation is polled, not Location"
ok $(( $(polls status | wc -l) >= 2 ? 0 : 1 )) "more than one poll"
gaps_at_least status 1000 "aml-new-ws waits Retry-After's second between polls"
done_testing
