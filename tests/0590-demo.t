#!/bin/sh
# make demo: the target itself (with -o all, so that a sanitized tree is
# not rebuilt under the test) runs examples/demo.sh, the whole loop
# against its own aml-emulator: it exits 0 and shows predictions that
# changed for the new web service and the retrained classic endpoint
# and not for the default endpoint.  Then the script once more, with
# the emulator wrapped to learn the secrets it made: none is printed,
# and no emulator is left running.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$TESTS/.." && pwd)

run make -s --no-print-directory -C "$ROOT" -o all SANITIZE="${AML_SANITIZE:-}" demo
expect_ok "make demo runs to the end"
cp "$TMP/out" "$TMP/demo.out"
cp "$TMP/out" "$TMP/make-demo.out"
is "$(cat "$TMP/err")" "" "nothing on stderr"
for s in "Starting aml-emulator" "Signing in" "Scoring 6 rows" "Uploading new training data and retraining" \
    "Pointing a classic endpoint at it" "Scoring the same rows again" "Predictions" "Stopping aml-emulator"; do
	grep -q "^== $s" "$TMP/demo.out"
	ok $? "step: $s"
done
like "$(grep 'new model:' "$TMP/demo.out")" 'new model: models/retrained-[0-9]{8}T[0-9]{6}Z\.ilearner$' \
    "a new model, in a blob of its own"
like "$(grep 'endpoint retrained:' "$TMP/demo.out")" 'models/retrained-[0-9]{8}T[0-9]{6}Z\.ilearner$' \
    "the classic endpoint uses it"

# The table: age education hours gain, then label and probability for
# before, after, default, retrained.
awk 'NF == 12 && $1 ~ /^[0-9]+$/' "$TMP/demo.out" >"$TMP/table"
is "$(wc -l <"$TMP/table" | tr -d ' ')" 6 "a row per scored row"
ok $(($(awk '$5 != $7 || $6 != $8' "$TMP/table" | wc -l) >= 4 ? 0 : 1)) \
    "the new web service's predictions changed"
ok $(($(awk '$5 != $7' "$TMP/table" | wc -l) > 0 ? 0 : 1)) "some labels changed"
is "$(awk '$5 != $9 || $6 != $10' "$TMP/table" | wc -l | tr -d ' ')" 0 \
    "the classic default endpoint kept its model"
is "$(awk '$7 != $11 || $8 != $12' "$TMP/table" | wc -l | tr -d ' ')" 0 \
    "the retrained endpoint scores as the updated web service"

# aml-emulator wrapped, to learn the secrets the demo's emulator made.
mkdir -p "$TMP/wrap" "$TMP/seen"
real=$(command -v aml-emulator)
cat >"$TMP/wrap/aml-emulator" <<WRAP
#!/bin/sh
"$real" "\$@" >"$TMP/seen/exports" || exit \$?
cat "$TMP/seen/exports"
( eval "\$(cat "$TMP/seen/exports")"
  for f in "\$AML_DEMO_WORKSPACE_TOKEN_FILE" "\$AML_DEMO_TRAIN_KEY_FILE" "\$AML_DEMO_SCORE_KEY_FILE" \
      "\$AML_DEMO_WS_KEY_FILE" "\$AML_DEMO_STORAGE_KEY_FILE" "\$AML_DEMO_SAS_FILE"; do
	head -n 1 "\$f"
  done
  printf '%s\n' "\$AZURE_CLIENT_SECRET" ) >"$TMP/seen/secrets"
WRAP
chmod +x "$TMP/wrap/aml-emulator"

run env PATH="$TMP/wrap:$PATH" sh "$TESTS/../examples/demo.sh"
expect_ok "examples/demo.sh, its emulator wrapped, runs to the end"
cp "$TMP/out" "$TMP/demo.out"
# No secret anywhere, and nothing left running.
found=
while IFS= read -r s; do
	case $s in
	\?*) s=$(printf '%s' "$s" | sed 's/.*sig=\([^&]*\).*/\1/') ;;
	esac
	[ -n "$s" ] && grep -F -q -- "$s" "$TMP/demo.out" && found="$found x"
done <"$TMP/seen/secrets"
is "$(wc -l <"$TMP/seen/secrets" | tr -d ' ')" 7 "(the secrets the emulator made)"
is "$found" "" "none of them in the demo's output"
grep -E -q '[A-Za-z0-9+/]{86}==|sig=|AccountKey=' "$TMP/demo.out" "$TMP/make-demo.out"
is $? 1 "nothing that looks like a key, a SAS or a connection string (either run)"
pid=$(sed -n "s/^export AML_EMULATOR_PID='\\([0-9]*\\)'/\\1/p" "$TMP/seen/exports")
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do
	sleep 0.05
	n=$((n + 1))
done
kill -0 "$pid" 2>/dev/null
is $? 1 "the emulator was stopped"
done_testing
