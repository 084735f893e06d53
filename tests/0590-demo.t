#!/bin/sh
# make demo: the target itself (with -o all, so that a sanitized tree is
# not rebuilt under the test) runs examples/demo.sh, the whole loop
# against its own aml-emulator: it exits 0; the new web service and the
# retrained classic endpoint predict otherwise after the retraining and
# the default endpoint does not; on Azure Machine Learning a job
# retrains, a model version registers it, green serves it and answers
# before it takes the traffic, blue goes, and the endpoint predicts
# otherwise.  The emulator is wrapped (AML_EMULATOR) to learn the
# secrets it made: none is printed, and no emulator is left running.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$TESTS/.." && pwd)

mkdir -p "$TMP/wrap" "$TMP/seen"
real=$(command -v aml-emulator)
cat >"$TMP/wrap/aml-emulator" <<WRAP
#!/bin/sh
"$real" "\$@" >"$TMP/seen/exports" || exit \$?
cat "$TMP/seen/exports"
( eval "\$(cat "$TMP/seen/exports")"
  for f in "\$AML_DEMO_WORKSPACE_TOKEN_FILE" "\$AML_DEMO_TRAIN_KEY_FILE" "\$AML_DEMO_SCORE_KEY_FILE" \
      "\$AML_DEMO_WS_KEY_FILE" "\$AML_DEMO_STORAGE_KEY_FILE" "\$AML_DEMO_SAS_FILE" \
      "\$AML_DEMO_DATASTORE_SAS_FILE"; do
	head -n 1 "\$f"
  done
  printf '%s\n' "\$AZURE_CLIENT_SECRET" ) >"$TMP/seen/secrets"
WRAP
chmod +x "$TMP/wrap/aml-emulator"

run make -s --no-print-directory -C "$ROOT" -o all SANITIZE="${AML_SANITIZE:-}" \
    AML_EMULATOR="$TMP/wrap/aml-emulator" demo
expect_ok "make demo runs to the end"
cp "$TMP/out" "$TMP/demo.out"
is "$(cat "$TMP/err")" "" "nothing on stderr"
for s in "Starting aml-emulator" "Signing in" "Scoring 6 rows" "Uploading new training data and retraining" \
    "Pointing a classic endpoint at it" "Scoring the same rows again" "Predictions" \
    "Azure Machine Learning: scoring with the online endpoint census-ep" \
    "Retraining with a command job, deploying blue/green" \
    "Scoring the same rows with the endpoint again" "Stopping aml-emulator"; do
	grep -q "^== $s" "$TMP/demo.out"
	ok $? "step: $s"
done
like "$(grep 'new model:' "$TMP/demo.out")" 'new model: models/retrained-[0-9]{8}T[0-9]{6}Z\.ilearner$' \
    "a new model, in a blob of its own"
like "$(grep 'endpoint retrained:' "$TMP/demo.out")" 'models/retrained-[0-9]{8}T[0-9]{6}Z\.ilearner$' \
    "the classic endpoint uses it"

# The classic table: age education hours gain, then label and
# probability for before, after, default, retrained.
awk 'NF == 12 && $1 ~ /^[0-9]+$/' "$TMP/demo.out" >"$TMP/table"
is "$(wc -l <"$TMP/table" | tr -d ' ')" 6 "a row per scored row"
ok $(($(awk '$5 != $7 || $6 != $8' "$TMP/table" | wc -l) >= 4 ? 0 : 1)) \
    "the new web service's predictions changed"
ok $(($(awk '$5 != $7' "$TMP/table" | wc -l) > 0 ? 0 : 1)) "some labels changed"
is "$(awk '$5 != $9 || $6 != $10' "$TMP/table" | wc -l | tr -d ' ')" 0 \
    "the classic default endpoint kept its model"
is "$(awk '$7 != $11 || $8 != $12' "$TMP/table" | wc -l | tr -d ' ')" 0 \
    "the retrained endpoint scores as the updated web service"

# Azure Machine Learning: each step of retrain-aml.sh, in order.
sed -n '/^== Retraining with a command job/,/^== Scoring the same rows with the endpoint/p' \
    "$TMP/demo.out" | sed -n 's/^   //p' >"$TMP/steps"
like "$(sed -n 1p "$TMP/steps")" '^uploaded .*census-2024\.csv to the datastore as census/census-2024-[0-9]{8}T[0-9]{6}Z\.csv$' \
    "the training data uploaded to the workspace's datastore"
like "$(sed -n 2p "$TMP/steps")" '^job census-[0-9a-z-]+: Completed$' "the command job completed"
is "$(sed -n 3p "$TMP/steps")" "registered model census version 2" "the next version of the model"
is "$(sed -n 4p "$TMP/steps")" "deployment green serves it, with no traffic yet (blue has it)" \
    "green made beside blue, without traffic"
like "$(sed -n 5p "$TMP/steps")" '^green answers \[("(<=50K|>50K)",?){6}\]$' "green scored directly, first"
is "$(sed -n 6,8p "$TMP/steps")" "all the traffic goes to green
removed deployment blue
traffic: green 100%" "then the traffic moved and blue went"
grep -q '^   traffic: blue 100%$' "$TMP/demo.out"
ok $? "before: blue had all the traffic"
# The endpoint's table: age workclass education hours gain blue green.
sed -n '/^== Scoring the same rows with the endpoint again/,/^== Stopping/p' "$TMP/demo.out" |
    awk 'NF == 7 && $1 ~ /^[0-9]+$/' >"$TMP/mltable"
is "$(wc -l <"$TMP/mltable" | tr -d ' ')" 6 "a row per scored row"
ok $(($(awk '$6 != $7' "$TMP/mltable" | wc -l) > 0 ? 0 : 1)) "the endpoint's predictions changed"
is "$(sed -n 5p "$TMP/steps" | sed 's/^green answers //')" \
    "$(awk '{ printf "%s\"%s\"", (NR > 1 ? "," : "["), $7 } END { print "]" }' "$TMP/mltable")" \
    "what green answered directly is what the endpoint answers now"

# No secret anywhere, and nothing left running.
found=
while IFS= read -r s; do
	case $s in
	\?*) s=$(printf '%s' "$s" | sed 's/.*sig=\([^&]*\).*/\1/') ;;
	esac
	[ -n "$s" ] && grep -F -q -- "$s" "$TMP/demo.out" && found="$found x"
done <"$TMP/seen/secrets"
is "$(wc -l <"$TMP/seen/secrets" | tr -d ' ')" 8 "(the secrets the emulator made)"
is "$found" "" "none of them in the demo's output"
grep -E -q '[A-Za-z0-9+/]{86}==|sig=|AccountKey=' "$TMP/demo.out" "$TMP/err"
is $? 1 "nothing that looks like a key, a SAS or a connection string"
pid=$(sed -n "s/^export AML_EMULATOR_PID='\\([0-9]*\\)'/\\1/p" "$TMP/seen/exports")
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 1200 ]; do
	sleep 0.05
	n=$((n + 1))
done
kill -0 "$pid" 2>/dev/null
is $? 1 "the emulator was stopped"
done_testing
