#!/bin/sh
# What the fuzz targets found (fuzz/README.md), each kept as its input
# under tests/data/fuzz/<target>/: the programs meet those inputs with a
# clean error or success (under make check SANITIZE=1, without a
# sanitizer report), and each target, when make fuzz has built it, runs
# its inputs without a crash.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-filters.sh"
export LC_ALL=C
FZ=$DATA/fuzz
TOP=$(cd "$TESTS/.." && pwd)
NEW=https://acct.blob.core.windows.net/models/retrained.ilearner
FFFD=$(printf '\357\277\275')

# only_prog PROG DESC: every stderr line of the last run is the
# program's own (no sanitizer or valgrind report among them).
only_prog() {
	n=$(grep -vc "^$1: " "$TMP/err")
	is "$n" 0 "$2"
}

# strict FILE DESC: the toolkit's own parser (RFC 8259, UTF-8, no
# duplicate keys) reads FILE.  aml-patch-ilearner -b parses a BES status
# with it: a document that parsed gets as far as saying it is not one; a
# parse error would name a line and column instead.
strict() {
	run aml-patch-ilearner -b "$1" /dev/null
	like "$(cat "$TMP/err")" "^aml-patch-ilearner: $1: (not a BES job status|expected a BES job status)" "$2"
}

# ---- defn: aml_jparse, aml_defn_check ----------------------------------

# A duplicate key holding a tab was quoted raw: the message broke its line.
f=$FZ/defn/dupkey-tab.json
vrun aml-import-ws "$f"
expect_fail 1 "^aml-import-ws: $f:1:20: duplicate key \"BasoacL\\\\tion\"\$" "a duplicate key with a tab: one line, escaped"
printf '{"a\\nb": 1, "a\\nb": 2}' >"$TMP/dupnl.json"
vrun aml-export-ws "$TMP/dupnl.json"
expect_fail 1 "^aml-export-ws: $TMP/dupnl.json:1:13: duplicate key \"a\\\\nb\"\$" "a duplicate key with a newline: one line"

# An object of one member: ps->keys + 0 on NULL (UBSan).
f=$FZ/defn/one-null-member.json
vrun aml-import-ws "$f"
is "$rc" 1 "one member, null: exit 1"
is "$(tail -n 1 "$TMP/err")" "aml-import-ws: $f: properties: required" "one member, null: the definition's error"
only_prog aml-import-ws "one member, null: nothing but the program's lines"

# The asset key set hashed a pointer read before the call that set it
# (global-buffer-overflow in a clang build).
f=$FZ/defn/kset-order.json
vrun aml-import-ws "$f"
is "$rc" 1 "an asset with no members: exit 1"
is "$(wc -l <"$TMP/err" | tr -d ' ')" 4 "its four problems, one line each"
only_prog aml-import-ws "an asset with no members: nothing but the program's lines"

# ---- mldefn: aml_mldefn_check ------------------------------------------

# The variant a member belongs to was quoted raw: a tab in
# endpointComputeType broke the warning's line.
f=$FZ/mldefn/variant-tab.json
vrun aml-import-deployment "$f"
is "$rc" 1 "an endpointComputeType with a tab: exit 1"
is "$(tail -n 1 "$TMP/err")" "aml-import-deployment: warning: $f: properties.containerResourceRequirements: only where endpointComputeType is Kubernetes, not \"Kuber\\tnetes\"; kept as it is" \
    "the warning quotes it, escaped, on one line"
is "$(wc -l <"$TMP/err" | tr -d ' ')" 2 "two lines for two problems"

# ---- patch: aml_patch_locate -------------------------------------------

f=$FZ/patch/asset-key-control.json
vrun aml-patch-ilearner -u "$NEW" "$f"
expect_fail 1 "^aml-patch-ilearner: $f: no asset is a Resource named \"\\.\\.\\. \\[trained model\\]\" \\(assets: \"a\\\\u0001\" \"x\"\\); choose one with -a\$" \
    "an asset key with a control character is quoted"
vrun aml-patch-ilearner -a x -u "$NEW" "$f"
expect_ok "chosen by name, it is patched"
is "$(head -n 1 "$TMP/err")" "aml-patch-ilearner: warning: $f: asset \"a\\u0001\" is not a Resource (a trained model is)" \
    "the warning quotes it too"

# ---- bes: aml_bes_parse, aml_bes_model_uri ------------------------------

# --result, and output names, went raw into the messages.
T=$FIX/trained-get.json
vrun aml-patch-ilearner -b "$FIX/bes-finished.json" --result "$(printf 'mode\002')" "$T"
expect_fail 1 "^aml-patch-ilearner: $FIX/bes-finished.json: no output named \"mode\\\\u0002\" in Results\$" \
    "a --result with a control character is quoted"
f=$FZ/bes/output-name-newline.json
vrun aml-patch-ilearner -b "$f" "$T"
expect_fail 1 "^aml-patch-ilearner: $f: Results\\.\"a\\\\nb\": expected an object, got number\$" \
    "an output name with a newline is quoted"
f=$FZ/bes/no-ilearner-tab.json
vrun aml-patch-ilearner -b "$f" "$T"
expect_fail 1 "^aml-patch-ilearner: $f: no output in Results ends in \\.ilearner \\(outputs: \"x\\\\ty\"\\)\$" \
    "the outputs listed are quoted when they are not plain"
vrun aml-patch-ilearner -v -b "$FZ/bes/no-ilearner-tab.json" --result "$(printf 'x\ty')" "$T"
expect_ok "chosen by --result, the output is used"
is "$(sed -n 1p "$TMP/err")" "aml-patch-ilearner: $f: job Finished; using output \"x\\ty\"" \
    "named quoted by -v"
is "$(sed -n 2p "$TMP/err")" "aml-patch-ilearner: warning: $f: Results.\"x\\ty\": https://a.blob.core.windows.net/c/m.csv does not end in .ilearner; is it a trained model?" \
    "and in the warning"

# ---- token: cached times out of range -----------------------------------

emu_start
run aml-login
expect_ok "signed in"
t1=$(jq -r '.accessTokens[0].accessToken' "$AML_CONFIG_DIR/tokens.json")
for k in expires_on refresh_on; do
	jq ".accessTokens[0].$k = 1e300" "$AML_CONFIG_DIR/tokens.json" >"$TMP/tokens.json"
	cat "$TMP/tokens.json" >"$AML_CONFIG_DIR/tokens.json"
	run aml-token -r
	expect_ok "a cached $k of 1e300 (converting it was undefined)"
	is "$(cat "$TMP/err")" "" "$k 1e300: nothing on stderr"
done
[ "$(cat "$TMP/out")" != "$t1" ]; ok $? "the damaged entry was not used: a new token"

# ---- emu: what the emulator writes from a request ------------------------

tok=$(aml-token -r)
# A header, or a header's name, that is not UTF-8.
curl -sS -o /dev/null -H "$(printf 'X-Odd: v\314\315')" -H "$(printf 'Authorizat\314\314ion: x')" \
    "$AML_EMULATOR_URL/common/discovery/instance?api-version=1.1"
emu requests >"$TMP/log.json"
strict "$TMP/log.json" "headers that are not UTF-8: the request log is JSON"
grep -q "\"X-Odd\":\"v$FFFD$FFFD\"" "$TMP/log.json"; ok $? "each stray byte is U+FFFD"

# Two form fields whose names differ only in bytes that are not UTF-8.
emu requests -X DELETE >/dev/null
curl -sS -o /dev/null -H 'Content-Type: application/x-www-form-urlencoded' \
    --data 'x%CC=1&x%CD=2&grant_type=client_credentials' "$AML_EMULATOR_URL/$AZURE_TENANT_ID/oauth2/v2.0/token"
emu requests >"$TMP/log.json"
strict "$TMP/log.json" "form names that are not UTF-8: the request log is JSON (no duplicate key)"
is "$(jq -c '.[0].form' "$TMP/log.json")" "{\"x$FFFD\":\"1\",\"grant_type\":\"client_credentials\"}" \
    "the first of the two is kept"

# A path segment that decodes to a byte that is not UTF-8, quoted in
# Resource Manager's answer.
ws=/subscriptions/$AZURE_SUBSCRIPTION_ID/resourceGroups/x%FFy/providers/Microsoft.MachineLearning/webServices
curl -sS -o "$TMP/body.json" -H "Authorization: Bearer $tok" "$AML_EMULATOR_URL$ws/w?api-version=2017-01-01"
strict "$TMP/body.json" "a group name that is not UTF-8: the 404 is JSON"
is "$(jq -r .error.message "$TMP/body.json")" "Resource group 'x${FFFD}y' could not be found." \
    "the name is quoted with U+FFFD"

# A PATCH whose canonical form holds \u0000 in a key: valid JSON the
# store (cJSON) cannot hold.  The emulator died (aml_die); now it answers.
ws=/subscriptions/$AZURE_SUBSCRIPTION_ID/resourceGroups/$AML_DEMO_RG/providers/Microsoft.MachineLearning/webServices
curl -sS -o "$TMP/body.json" -w '%{http_code}\n' -X PATCH -H "Authorization: Bearer $tok" \
    -H 'Content-Type: application/json' --data-binary '{"":{"as":{"ss":{"e":{"":{"P\u0000":{}}},"":{}}}}}' \
    "$AML_EMULATOR_URL$ws/$AML_DEMO_WS?api-version=2017-01-01" >"$TMP/status"
is "$(cat "$TMP/status") $(jq -r .error.code "$TMP/body.json")" "400 InvalidRequestContent" \
    "PATCH with \\u0000 in a key: 400 InvalidRequestContent"
run emu health
expect_ok "the emulator is still there"

# Numbers of the control API converted to long before their range was
# checked: undefined for 1e300 (the emulator died under UBSan).
run emu config -d '{"lroMs": 1e300}'
like "$(cat "$TMP/out")" 'lroMs.* must be an integer from 0 to 3600000' "config: lroMs 1e300 is refused"
run emu faults -d '{"status": 9999999999999999992}'
like "$(cat "$TMP/out")" 'status.* must be an integer from ' "faults: a status of 1e19 is refused"
run emu federated-token -d '{"lifetime": 1e300}'
like "$(cat "$TMP/out")" 'lifetime.* must be a number of seconds, at most ten years either way' \
    "federated-token: a lifetime of 1e300 is refused"
run emu studio -d '{"jobMs": 1e300}'
like "$(cat "$TMP/out")" 'jobMs.* must be an integer from 0 to ' "studio: jobMs 1e300 is refused"
run emu health
expect_ok "the emulator is still there"

# ---- each target on its inputs ----------------------------------------

for d in "$FZ"/*/; do
	t=$(basename "$d")
	if [ -x "$TOP/fuzz/bin/$t" ]; then
		run "$TOP/fuzz/bin/$t" -close_fd_mask=3 "$d"*
		is "$rc" 0 "fuzz target $t: its $(ls "$d" | wc -l | tr -d ' ') inputs run clean"
	else
		skip "make fuzz has not built fuzz/bin/$t" "fuzz target $t on its inputs"
	fi
done

done_testing
