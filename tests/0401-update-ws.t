#!/bin/sh
# aml-update-ws and the seed pipeline: get | export | patch-ilearner |
# import | update changes the trained model's uri and nothing else; one
# PATCH, the polls, one GET; --if-unmodified-since; readOnly; --no-wait;
# a PowerShell-exported definition; the progress line on a terminal.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 200
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10
SUB=$AZURE_SUBSCRIPTION_ID
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS
WSPATH=/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/webServices/$WS
NEW=https://retrained.blob.core.windows.net/models/run-42/model.ilearner

run aml-login
expect_ok "signed in"

# The seed pipeline.
aml-get-ws -g "$RG" -n "$WS" | aml-export-ws >"$TMP/before.json"
emu requests -X DELETE
rc=0
aml-get-ws -g "$RG" -n "$WS" | aml-export-ws | aml-patch-ilearner -q -u "$NEW" |
    aml-import-ws | aml-update-ws -g "$RG" -n "$WS" >"$TMP/out" 2>"$TMP/err" || rc=$?
expect_ok "aml-get-ws | aml-export-ws | aml-patch-ilearner | aml-import-ws | aml-update-ws"
emu requests >"$TMP/log.json"
is "$(cat "$TMP/err")" "" "nothing on stderr when all went well"
is "$(jq . "$TMP/out")" "$(cat "$TMP/out")" "the service, as 2-space JSON"
is "$(jq -r '.name + " " + .properties.provisioningState' "$TMP/out")" "$WS Succeeded" "after the update"
is "$(jq -r .properties.assets.asset3.locationInfo.uri "$TMP/out")" "$NEW" "the trained model asset points at NEW"
aml-get-ws -g "$RG" -n "$WS" | aml-export-ws >"$TMP/after.json"
jq --arg u "$NEW" '.properties.assets.asset3.locationInfo.uri = $u' "$TMP/before.json" >"$TMP/expected.json"
jq . "$TMP/after.json" >"$TMP/after.jq"
same_file "$TMP/after.jq" "$TMP/expected.json" "and no other value of the definition changed"
is "$(diff "$TMP/before.json" "$TMP/after.json" | grep -c '^[<>]')" 2 "the exports differ in one line"

# Requests: the pipeline's GET, then one PATCH, the polls, one GET.
jq -r '.[] | "\(.method) \(.path | sub("\\?.*"; ""))"' "$TMP/log.json" >"$TMP/seq"
is "$(head -2 "$TMP/seq")" "GET $WSPATH
PATCH $WSPATH" "a GET, then one PATCH"
is "$(tail -1 "$TMP/seq")" "GET $WSPATH" "one GET at the end"
polls=$(sed '1,2d;$d' "$TMP/seq" | grep -c '/operationsStatus/')
others=$(sed '1,2d;$d' "$TMP/seq" | grep -vc '/operationsStatus/')
test "$polls" -ge 1 && test "$others" -eq 0
ok $? "in between only polls of the operation ($polls)"
is "$(jq '[.[] | select(.path | test("oauth2"))] | length' "$TMP/log.json")" 0 "no token request: the cached token"
jq -c '.[] | select(.method == "PATCH")' "$TMP/log.json" >"$TMP/patch.json"
like "$(jq -r '.headers | with_entries(.key |= ascii_downcase) | ."content-type"' "$TMP/patch.json")" '^application/json' \
    "the PATCH is JSON"
test "$(jq .bodySize "$TMP/patch.json")" -gt 2000
ok $? "and the whole definition ($(jq .bodySize "$TMP/patch.json") bytes)"

# What is sent: the canonical definition without read-only fields,
# readOnly only when the input has it; numbers as they were written.
emu config -d '{"lroMs":0}' >/dev/null
jq -c '.id = "/x" | .name = "x" | .type = "t" | .properties.createdOn = "2017-01-01T00:00:00Z" |
    .properties.modifiedOn = "2017-01-01T00:00:00Z" | .properties.provisioningState = "Failed" |
    .properties.swaggerLocation = "https://example.com/s" | del(.properties.readOnly) |
    .properties.title = "Numbers"' "$TMP/after.json" |
    sed 's/"inputs":{"input1":\[/"inputs":{"input1":[[1.50,2E+3,-0.0],/' >"$TMP/ro.json"
run aml-update-ws -c -g "$RG" -n "$WS" "$TMP/ro.json"
expect_ok "a definition with read-only fields and odd numbers"
is "$(jq -r '.name + " " + .properties.title' "$TMP/out")" "$WS Numbers" "is taken"
like "$(cat "$TMP/out")" '"input1":\[\[1\.50,2E\+3,-0\.0\],' "numbers keep their text"

# --if-unmodified-since: nothing sent when the service changed later.
mod=$(jq -r .properties.modifiedOn "$TMP/out")
emu requests -X DELETE
run aml-update-ws -g "$RG" -n "$WS" --if-unmodified-since 2001-02-03T04:05:06Z "$TMP/after.json"
expect_fail 1 "^aml-update-ws: $RG/$WS: modified at $mod, after 2001-02-03T04:05:06Z \\(--if-unmodified-since\\); nothing sent: export it again and redo the change\$" \
    "--if-unmodified-since an older time: refused"
is "$(emu requests | jq -r '[.[].method] | join(" ")')" "GET" "one GET, nothing sent"
jq --arg u "$NEW-2" '.properties.assets.asset3.locationInfo.uri = $u' "$TMP/after.json" >"$TMP/new2.json"
run aml-update-ws -g "$RG" -n "$WS" --if-unmodified-since "$mod" "$TMP/new2.json"
expect_ok "--if-unmodified-since its modifiedOn: updated"
is "$(cat "$TMP/err")" "aml-update-ws: $RG/$WS: asset3 (trained model): $NEW -> $NEW-2" \
    "says where the trained model went"
mod=$(jq -r .properties.modifiedOn "$TMP/out")
run aml-update-ws -q -g "$RG" -n "$WS" --if-unmodified-since "$(printf '%s' "$mod" | sed 's/Z$/+02:00/')" "$TMP/after.json"
expect_fail 1 "modified at .*, after .*\\+02:00 \\(--if-unmodified-since\\)" "an offset counts (two hours ahead is earlier)"
run aml-update-ws -g "$RG" -n "$WS" --if-unmodified-since "$(printf '%s' "$mod" | sed 's/Z$/-02:00/')" "$TMP/after.json"
expect_ok "and two hours behind is later"
run aml-update-ws -g "$RG" -n "$WS" --if-unmodified-since yesterday "$TMP/after.json"
expect_usage '^aml-update-ws: --if-unmodified-since yesterday: not an RFC 3339 time' "a time that is not RFC 3339"
run aml-update-ws -g "$RG" -n "$WS" --if-unmodified-since 2017-02-30T00:00:00Z "$TMP/after.json"
expect_usage '^aml-update-ws: --if-unmodified-since 2017-02-30' "a day that does not exist"

# Bad input: nothing is sent.
emu requests -X DELETE
printf '{"properties":' >"$TMP/bad.json"
run aml-update-ws -g "$RG" -n "$WS" "$TMP/bad.json"
expect_fail 1 "^aml-update-ws: $TMP/bad.json:1:15: " "not JSON"
printf '{"properties":{"title":"x"}}' >"$TMP/bad.json"
run aml-update-ws -g "$RG" -n "$WS" "$TMP/bad.json"
expect_fail 1 "^aml-update-ws: $TMP/bad.json: properties\\.packageType: " "no packageType"
printf '{"properties":{"packageType":"Code"}}' >"$TMP/bad.json"
run aml-update-ws -g "$RG" -n "$WS" "$TMP/bad.json"
expect_fail 1 "^aml-update-ws: $TMP/bad.json: properties\\.packageType: " "packageType not Graph"
printf '[]' >"$TMP/bad.json"
run_in "$TMP/bad.json" aml-update-ws -g "$RG" -n "$WS"
expect_fail 1 '^aml-update-ws: <stdin>: ' "not an object, on stdin"
is "$(emu requests | jq length)" 0 "none of them sent anything"
run aml-update-ws -g "$RG" -n "$WS" "$TMP/nonexistent.json"
expect_fail 1 "^aml-update-ws: $TMP/nonexistent.json: No such file or directory\$" "a file that is not there"

# A part of a definition is a PATCH too; readOnly is not added.
printf '{"properties":{"packageType":"Graph","title":"Partial"}}' >"$TMP/part.json"
emu requests -X DELETE
run aml-update-ws -g "$RG" -n "$WS" "$TMP/part.json"
expect_ok "a partial definition"
is "$(jq -r .properties.title "$TMP/out")" Partial "is merged"
is "$(jq -r .properties.assets.asset3.locationInfo.uri "$TMP/out")" "$NEW" "the rest stays"
is "$(emu requests | jq -r '.[0].bodySize')" "$(wc -c <"$TMP/part.json" | tr -d ' ')" "sent as it is, nothing added"

# --no-wait: the first answer and the operation's URL.
run aml-update-ws --no-wait -g "$RG" -n "$WS" "$TMP/part.json"
expect_ok "--no-wait"
is "$(jq -r '.status' "$TMP/out")" 200 "the first answer's status"
like "$(jq -r '.operation' "$TMP/out")" "^$AML_ARM_ENDPOINT/subscriptions/$SUB/providers/Microsoft\\.MachineLearning/locations/southcentralus/operationsStatus/[0-9a-f-]+\\?api-version=2017-01-01\$" \
    "the operation URL"
is "$(jq -r '.response.properties.provisioningState' "$TMP/out")" Provisioning "the first answer's body"

# readOnly: only with --force, and then the service takes no update.
jq '.properties.readOnly = true' "$TMP/after.json" >"$TMP/ro.json"
run aml-update-ws -g "$RG" -n "$WS" "$TMP/ro.json"
expect_fail 1 "^aml-update-ws: $TMP/ro.json: properties\\.readOnly is true: the service could then only be removed, never updated again \\(use --force\\)\$" \
    "setting readOnly needs --force"
run aml-update-ws -f -g "$RG" -n "$WS" "$TMP/ro.json"
expect_ok "--force sets readOnly"
is "$(jq -r .properties.readOnly "$TMP/out")" true "the service is read-only"
run aml-update-ws -g "$RG" -n "$WS" "$TMP/part.json"
expect_fail 1 "^aml-update-ws: PATCH $WSPATH: HTTP 400 BadRequest: The request is invalid\\. \\(ReadOnlyWebService\\) \\[request-id [0-9a-f-]+\\]\$" \
    "a read-only service refuses the update"
run aml-rm-ws -g "$RG" -n "$WS"
expect_ok "but can be removed"

# A definition exported by PowerShell (mixed-case names) through
# aml-import-ws into aml-new-ws, then aml-update-ws.  Its commitment plan
# is a placeholder the PowerShell test fills in: here, the seeded plan.
emu config -d '{"lroMs":200}' >/dev/null
PLAN=/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/commitmentPlans/$AML_DEMO_PLAN
aml-import-ws "$REF/GraphWebServiceDefinition_Prod.json" |
    sed "s#WILL BE FILLED IN BY THE TEST#$PLAN#" >"$TMP/ps.json"
run aml-new-ws -g "$RG" -n psws -l southcentralus "$TMP/ps.json"
expect_ok "aml-import-ws GraphWebServiceDefinition_Prod.json | aml-new-ws"
is "$(jq -r '.name + " " + .location + " " + .properties.provisioningState' "$TMP/out")" "psws South Central US Succeeded" \
    "the service is created"
is "$(jq -r '.properties.assets | keys | join(" ")' "$TMP/out")" "asset1 asset2" "with the file's assets"
jq '.properties.title = "From PowerShell"' "$TMP/ps.json" >"$TMP/ps2.json"
run_in "$TMP/ps2.json" aml-update-ws -g "$RG" -n psws
expect_ok "and aml-update-ws with it, from stdin"
is "$(jq -r .properties.title "$TMP/out")" "From PowerShell" "is taken"
# The service re-encrypts encrypted parameters
# (notes/arm-webservices.md §10): leave them out.
sealed='walk(if type == "object" and ((.certificateThumbprint? // "") != "") then del(.value, .certificateThumbprint) else . end)'
aml-get-ws -g "$RG" -n psws | aml-export-ws | jq -S "del(.location) | $sealed" >"$TMP/ps-after.json"
jq -S "del(.location) | del(.properties.keys, .properties.storageAccount.key, .properties.commitmentPlan) | $sealed" \
    "$TMP/ps2.json" >"$TMP/ps-expected.json"
same_file "$TMP/ps-after.json" "$TMP/ps-expected.json" \
    "what the service holds is the file, less what GET never shows and what it re-encrypts"

# On a terminal, a progress line with percentComplete; never otherwise.
# Each update's operation is held until it has been polled, so that
# there is progress to show (or not).
# polled SH-COMMAND: the command, by sh in the background, the operation
# it starts released once polled; says whether it was.
polled() {
	emu requests -X DELETE
	sh -c "$1" </dev/null &
	_p=$!
	wait_until seen 1 '.method == "GET" and (.path | test("/operationsStatus/"))'
	ok $? "(the operation was polled while it ran)"
	clock_release
	rc=0
	wait $_p || rc=$?
	clock_back
}
if command -v script >/dev/null 2>&1; then
	emu config -d "{\"lroMs\":$HELD_MS}" >/dev/null
	export TMP RG
	polled 'script -qec '\''aml-update-ws -g "$RG" -n psws "$TMP/ps2.json" >"$TMP/out"'\'' /dev/null >"$TMP/tty"'
	like "$(tr '\r' '\n' <"$TMP/tty")" "aml-update-ws: updating $RG/psws: Provisioning [0-9]+%" \
	    "a terminal shows the progress with percentComplete"
	like "$(cat "$TMP/tty")" "$(printf '\r')" "on one line, rewritten"
	is "$(jq -r .name "$TMP/out")" psws "and the result on stdout"
	polled 'script -qec '\''aml-update-ws -q -g "$RG" -n psws "$TMP/ps2.json" >"$TMP/out"'\'' /dev/null >"$TMP/tty"'
	is "$rc $(cat "$TMP/tty")" "0 " "-q: no progress line"
	polled 'aml-update-ws -g "$RG" -n psws "$TMP/ps2.json" >"$TMP/out" 2>"$TMP/err"'
	is "$rc $(cat "$TMP/err")" "0 " "stderr not a terminal: no progress line"
else
	for i in 1 2 3 4 5 6 7 8; do skip "no script(1)" "progress line on a terminal"; done
fi

# -v: a trace with the token and keys masked.
printf '{"properties":{"packageType":"Graph","keys":{"primary":"sEcReT-pRiMaRy-kEy"}}}' >"$TMP/keys.json"
emu config -d '{"lroMs":0}' >/dev/null
run aml-update-ws -v -g "$RG" -n psws "$TMP/keys.json"
expect_ok "-v"
like "$(cat "$TMP/err")" '> PATCH /subscriptions/' "the trace shows the PATCH"
unlike "$(cat "$TMP/err")" 'sEcReT-pRiMaRy-kEy' "but not the key it sends"
unlike "$(cat "$TMP/err")" 'eyJ[A-Za-z0-9_-]{8,}' "nor the token"
is "$(aml-ws-keys -g "$RG" -n psws | jq -r .primary)" sEcReT-pRiMaRy-kEy "the key was set"

# Usage.
run_in /dev/null aml-update-ws -g "$RG" "$TMP/part.json"
expect_usage '^aml-update-ws: -g and -n, or -i, are required: name the web service$' "no -n"
run aml-update-ws -g "$RG" -n "$WS" a.json b.json
expect_usage '^usage: aml-update-ws ' "two files"

done_testing
