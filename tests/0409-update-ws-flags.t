#!/bin/sh
# aml-update-ws's flags, as Update-AzMlWebService's parameters: --title,
# --description, --read-only, --diagnostics, --max-concurrent-calls,
# --keys-file and --storage-key-file build the partial PATCH themselves
# (one PATCH, one wait); with a definition (FILE, or - for stdin) they
# are merged into it and win; without one, standard input is not read.
# What is sent is read in the -v trace, which masks the keys.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 0
export AML_POLL_MS=10 AML_RETRY_BASE_MS=10
SUB=$AZURE_SUBSCRIPTION_ID
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS
WSPATH=/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/webServices/$WS

run aml-login
expect_ok "signed in"
# sent: the body of the PATCH in the last run's trace.
sent() { sed -n 's/^> \({"properties".*\)$/\1/p' "$TMP/err"; }

# Flags alone: a body of packageType and what they name, nothing else;
# standard input (not JSON here) is not read.
printf 'not json\n' >"$TMP/garbage"
assets=$(aml-get-ws -g "$RG" -n "$WS" | jq -c .properties.assets)
emu requests -X DELETE
run_in "$TMP/garbage" aml-update-ws -v -g "$RG" -n "$WS" --title "Census, nightly" \
    --description "Retrained every night" --diagnostics error --max-concurrent-calls 30
expect_ok "flags alone, standard input left alone"
is "$(sent)" '{"properties":{"packageType":"Graph","title":"Census, nightly","description":"Retrained every night","diagnostics":{"level":"Error"},"realtimeConfiguration":{"maxConcurrentCalls":30}}}' \
    "the PATCH: packageType and the flags' members, the level spelt as the enum is"
is "$(emu requests | jq -r '[.[] | .method + " " + (.path | sub("\\?.*"; ""))] | map(select(test("operationsStatus") | not)) | join(",")')" \
    "PATCH $WSPATH,GET $WSPATH" "one PATCH, one GET"
is "$(jq -r '.properties | .title + "|" + .description + "|" + .diagnostics.level + "|" + (.realtimeConfiguration.maxConcurrentCalls | tostring)' "$TMP/out")" \
    "Census, nightly|Retrained every night|Error|30" "the service took them"
is "$(jq -c .properties.assets "$TMP/out")" "$assets" "and kept the rest"

# Keys: the file aml-ws-keys prints; either key alone keeps the other.
aml-ws-keys -g "$RG" -n "$WS" >"$TMP/old-keys.json"
printf '{"primary": "pRiMaRy-FrOm-FiLe-123"}\n' >"$TMP/keys.json"
run aml-update-ws -v -g "$RG" -n "$WS" --keys-file "$TMP/keys.json"
expect_ok "--keys-file with the primary key"
is "$(sent)" '{"properties":{"packageType":"Graph","keys":***}}' "sent, masked in the trace"
unlike "$(cat "$TMP/err" "$TMP/out")" 'pRiMaRy-FrOm-FiLe' "the key appears nowhere"
is "$(aml-ws-keys -g "$RG" -n "$WS" | jq -r '.primary + " " + .secondary')" \
    "pRiMaRy-FrOm-FiLe-123 $(jq -r .secondary "$TMP/old-keys.json")" "the new primary, the old secondary"
aml-ws-keys -g "$RG" -n "$WS" >"$TMP/k2.json"
run aml-update-ws -g "$RG" -n "$WS" --keys-file "$TMP/k2.json"
expect_ok "aml-ws-keys' output taken back as it is"

# The storage account's key: the first line of the file.
printf 'c3RvcmFnZS1rZXktZnJvbS1maWxl\nsecond line\n' >"$TMP/storage.key"
run aml-update-ws -v -g "$RG" -n "$WS" --storage-key-file "$TMP/storage.key"
expect_ok "--storage-key-file"
is "$(sent)" '{"properties":{"packageType":"Graph","storageAccount":{"key":"***"}}}' "storageAccount.key, masked"
unlike "$(cat "$TMP/err" "$TMP/out")" 'c3RvcmFnZS1rZXktZnJvbS1maWxl' "the key appears nowhere"

# With a definition: merged, the flags win; "-" is standard input.
printf '{"properties":{"packageType":"Graph","title":"From the file","description":"From the file"}}' >"$TMP/part.json"
run aml-update-ws -v -g "$RG" -n "$WS" --title "From the flag" "$TMP/part.json"
expect_ok "a definition and a flag"
is "$(sent)" '{"properties":{"packageType":"Graph","title":"From the flag","description":"From the file"}}' \
    "merged: the flag's title, the file's description"
run_in "$TMP/part.json" aml-update-ws -v -g "$RG" -n "$WS" --max-concurrent-calls 8 -
expect_ok "- merges the definition on standard input"
is "$(sent)" '{"properties":{"packageType":"Graph","title":"From the file","description":"From the file","realtimeConfiguration":{"maxConcurrentCalls":8}}}' \
    "with the flag's member added"

# Bad values: refused before anything is sent.
emu requests -X DELETE
run aml-update-ws -g "$RG" -n "$WS" --diagnostics Verbose
expect_usage '^aml-update-ws: --diagnostics Verbose: None, Error or All$' "--diagnostics outside the enum"
for n in 3 201 ten; do
	run aml-update-ws -g "$RG" -n "$WS" --max-concurrent-calls "$n"
	expect_usage "^aml-update-ws: --max-concurrent-calls $n: a number from 4 to 200\$" "--max-concurrent-calls $n"
done
printf '{"primary": "x", "tertiary": "y"}' >"$TMP/badkeys.json"
run aml-update-ws -g "$RG" -n "$WS" --keys-file "$TMP/badkeys.json"
expect_fail 1 "^aml-update-ws: --keys-file $TMP/badkeys.json: not \\{\"primary\": \"\\.\\.\\.\", \"secondary\": \"\\.\\.\\.\"\\} \\(either or both, as aml-ws-keys prints them\\)\$" \
    "a keys file with a member that is not a key"
unlike "$(cat "$TMP/err")" '"x"' "whose values are not shown"
run aml-update-ws -g "$RG" -n "$WS" --keys-file "$TMP/nonexistent"
expect_fail 1 "^aml-update-ws: --keys-file $TMP/nonexistent: No such file or directory\$" "a keys file that is not there"
: >"$TMP/empty"
run aml-update-ws -g "$RG" -n "$WS" --storage-key-file "$TMP/empty"
expect_fail 1 "^aml-update-ws: --storage-key-file $TMP/empty: empty\$" "an empty storage key file"
is "$(emu requests | jq length)" 0 "none of them sent anything"

# --read-only: the flag says so itself (no -f needed); the service then
# takes no update.
run aml-update-ws -v -g "$RG" -n "$WS" --read-only
expect_ok "--read-only"
is "$(sent)" '{"properties":{"packageType":"Graph","readOnly":true}}' "readOnly true, nothing else"
is "$(jq -r .properties.readOnly "$TMP/out")" true "the service is read-only"
run aml-update-ws -g "$RG" -n "$WS" --title again
expect_fail 1 "^aml-update-ws: PATCH $WSPATH: HTTP 400 BadRequest: The request is invalid\\. \\(ReadOnlyWebService\\) " \
    "and refuses the next update"

done_testing
