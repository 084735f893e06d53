#!/bin/sh
# examples/retrain-new.sh on its own, as cron would run it: the SAS
# token file as `az storage ... generate-sas` writes it (no leading '?')
# and as the portal gives it (with one); either way the upload lands,
# the job trains on it and the web service points at the new model.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 50
export AML_POLL_MS=20
run aml-login
expect_ok "signed in"

n=0
for form in bare question; do
	n=$((n + 1))
	case $form in
	bare)	sed 's/^?//' "$AML_DEMO_SAS_FILE" >"$TMP/sas" ;;
	question) sed 's/^?*/?/' "$AML_DEMO_SAS_FILE" >"$TMP/sas" ;;
	esac
	cp "$TESTS/../examples/data/census-2024.csv" "$TMP/train-$n.csv"
	run env AML_BES_URL="$AML_DEMO_TRAIN_URL" AML_BES_KEY_FILE="$AML_DEMO_TRAIN_KEY_FILE" \
	    AML_STORAGE_URL="$AML_DEMO_STORAGE_URL" AML_STORAGE_SAS_FILE="$TMP/sas" \
	    AML_STORAGE_CONNECTION_FILE="$AML_DEMO_STORAGE_CONNECTION_FILE" \
	    AML_RG="$AML_DEMO_RG" AML_WS="$AML_DEMO_WS" \
	    sh "$TESTS/../examples/retrain-new.sh" "$TMP/train-$n.csv" "$TMP/result-$n.json"
	expect_ok "a SAS token file $form"
	like "$(jq -r .Results.output1.RelativeLocation "$TMP/result-$n.json")" \
	    '^models/retrained-[0-9]{8}T[0-9]{6}Z\.ilearner$' "the job trained a new model"
	is "$(emu requests | jq -r "[.[] | select(.method == \"PUT\" and (.path | test(\"/data/train-$n-\")))] | .[0].status")" \
	    201 "the upload went where it should ($form)"
done

done_testing
