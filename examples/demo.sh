#!/bin/sh
# demo.sh: the whole retraining loop, on this machine, against
# aml-emulator.  Studio (classic): sign in, score a few rows, upload new
# training data, retrain, update a new web service (retrain-new.sh) and a
# classic endpoint (retrain-classic.sh), score again, and show the
# predictions side by side.  Then Azure Machine Learning, where the loop
# runs today (retrain-aml.sh): a command job retrains, a model version
# registers the result, a green deployment serves it with no traffic and
# answers, the traffic moves to it, blue goes; the endpoint's predictions
# before and after.  `make demo` runs it with bin/ first in PATH.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/aml-demo.XXXXXX")
# The demo's sign-in is its own, never the user's.
export AML_CONFIG_DIR="$work/config"
AML_EMULATOR_PID=
cleanup() {
	[ -n "$AML_EMULATOR_PID" ] && kill "$AML_EMULATOR_PID" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }
rows=$here/data/rows.json

say "Starting aml-emulator"
# AML_EMULATOR: another emulator command (the tests wrap it).
eval "$("${AML_EMULATOR:-aml-emulator}" --daemon --dir "$work/emulator")"
echo "   $AML_EMULATOR_URL, pid $AML_EMULATOR_PID"

say "Signing in as the service principal"
aml-login --service-principal | jq -r '"   subscription \(.name) (\(.id))"'

# The new web service's scoring URL is in its definition, its key comes
# from listKeys; neither is ever on a command line.
aml-ws-keys -g "$AML_DEMO_RG" -n "$AML_DEMO_WS" | jq -r .primary >"$work/ws.key"
ws_url=$(aml-get-ws -g "$AML_DEMO_RG" -n "$AML_DEMO_WS" |
    jq -r '.properties.swaggerLocation | rtrimstr("/swagger.json")')

say "Scoring $(jq '.Inputs.input1.Values | length' "$rows") rows with the models in use"
aml-score -c -U "$ws_url" -k "$work/ws.key" "$rows" >"$work/new-before.json"
aml-score -c -U "$AML_DEMO_SCORE_URL" -k "$AML_DEMO_SCORE_KEY_FILE" "$rows" \
    >"$work/classic-before.json"
echo "   new web service $AML_DEMO_WS and the classic default endpoint: done"

say "Uploading new training data and retraining (examples/retrain-new.sh)"
AML_BES_URL=$AML_DEMO_TRAIN_URL AML_BES_KEY_FILE=$AML_DEMO_TRAIN_KEY_FILE \
AML_STORAGE_URL=$AML_DEMO_STORAGE_URL AML_STORAGE_SAS_FILE=$AML_DEMO_SAS_FILE \
AML_STORAGE_CONNECTION_FILE=$AML_DEMO_STORAGE_CONNECTION_FILE \
AML_RG=$AML_DEMO_RG AML_WS=$AML_DEMO_WS \
    sh "$here/retrain-new.sh" "$here/data/census-2024.csv" "$work/result.json"
jq -r '"   job \(.JobId): \(.StatusCode)",
    "   new model: \(.Results.output1.RelativeLocation)"' "$work/result.json"
# The evaluation, read with the job's own read-only SAS.
jq -r '"url = \"\(.Results.output2.BaseLocation)\(.Results.output2.RelativeLocation)\(.Results.output2.SasBlobToken)\""' \
    "$work/result.json" | curl -sSf -K - | sed 's/^/   /'
echo "   $AML_DEMO_WS now uses it"

say "Pointing a classic endpoint at it (examples/retrain-classic.sh)"
AML_WORKSPACE_ID=$AML_DEMO_WORKSPACE_ID AML_WEBSERVICE_ID=$AML_DEMO_SCORE_SERVICE \
AML_WORKSPACE_TOKEN_FILE=$AML_DEMO_WORKSPACE_TOKEN_FILE AML_ENDPOINT=retrained \
AML_ENDPOINT_KEY_FILE=$work/endpoint.key \
    sh "$here/retrain-classic.sh" "$work/result.json" >"$work/endpoint.json"
jq -r '"   endpoint \(.Name): \(.Resources[0].Location.RelativeLocation)"' "$work/endpoint.json"

say "Scoring the same rows again"
aml-score -c -U "$ws_url" -k "$work/ws.key" "$rows" >"$work/new-after.json"
aml-score -c -U "$AML_DEMO_SCORE_URL" -k "$AML_DEMO_SCORE_KEY_FILE" "$rows" \
    >"$work/classic-after.json"
aml-score -c -U "$(jq -r .ApiLocation "$work/endpoint.json")" -k "$work/endpoint.key" \
    "$rows" >"$work/endpoint-after.json"

say "Predictions (income, probability of >50K), before and after"
jq -rn --slurpfile a "$work/new-before.json" --slurpfile b "$work/new-after.json" \
    --slurpfile d "$work/classic-after.json" --slurpfile e "$work/endpoint-after.json" \
    --slurpfile r "$rows" '
    def p(x; i): x[0].Results.output1.value.Values[i] | .[-2], .[-1];
    $r[0].Inputs.input1.Values | to_entries[] | .key as $i | .value |
    [.[0], .[2], .[3], .[4], p($a; $i), p($b; $i), p($d; $i), p($e; $i)] | @tsv' |
awk -F '\t' 'BEGIN {
	printf "   %-36s%-26s%s\n", "", "new web service", "classic endpoints"
	printf "   %-4s %-10s %-6s %-12s %-12s %-12s %-12s %s\n", "age", "education",
	    "hours", "capital-gain", "before", "after", "default", "retrained"
}
{
	printf "   %-4s %-10s %-6s %-12s %-5s %.2f   %-5s %.2f   %-5s %.2f   %-5s %.2f\n",
	    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12
}'
# The retrained model predicts otherwise; the default endpoint, which
# follows its web service, does not.
cmp -s "$work/new-before.json" "$work/new-after.json" &&
    { echo "demo: the new web service's predictions did not change" >&2; exit 1; }
cmp -s "$work/classic-before.json" "$work/classic-after.json" ||
    { echo "demo: the classic default endpoint changed" >&2; exit 1; }

say "Azure Machine Learning: scoring with the online endpoint $AML_DEMO_ENDPOINT"
ml="-g $AML_DEMO_RG -w $AML_DEMO_WORKSPACE"
online=$here/data/online-rows.json
aml-traffic -c $ml -e "$AML_DEMO_ENDPOINT" | jq -r '"   traffic: \(to_entries | map("\(.key) \(.value)%") | join(", "))"'
aml-invoke -c $ml -e "$AML_DEMO_ENDPOINT" "$online" >"$work/ml-before.json"
echo "   $(jq length "$work/ml-before.json") predictions"

say "Retraining with a command job, deploying blue/green (examples/retrain-aml.sh)"
AML_RG=$AML_DEMO_RG AML_WORKSPACE=$AML_DEMO_WORKSPACE AML_ENDPOINT=$AML_DEMO_ENDPOINT \
AML_MODEL=$AML_DEMO_MODEL AML_DATASTORE_URL=$AML_DEMO_DATASTORE_URL \
AML_STORAGE_SAS_FILE=$AML_DEMO_DATASTORE_SAS_FILE AML_CHECK_ROWS=$online \
    sh "$here/retrain-aml.sh" -v "$here/data/census-2024.csv" "$here/data/census-train-job.json" \
    2>&1 >"$work/ml-retrain.json" | sed 's/^retrain-aml.sh: /   /'
# The steps go through sed as they happen; the script prints its one
# line only when every step has succeeded.
[ -s "$work/ml-retrain.json" ] || { echo "demo: retrain-aml.sh failed" >&2; exit 1; }
aml-traffic -c $ml -e "$AML_DEMO_ENDPOINT" | jq -r '"   traffic: \(to_entries | map("\(.key) \(.value)%") | join(", "))"'

say "Scoring the same rows with the endpoint again"
aml-invoke -c $ml -e "$AML_DEMO_ENDPOINT" "$online" >"$work/ml-after.json"
jq -rn --slurpfile a "$work/ml-before.json" --slurpfile b "$work/ml-after.json" \
    --slurpfile r "$online" '
    $r[0].input_data.data | to_entries[] | .key as $i | .value |
    [.[0], .[1], .[2], .[3], .[4], $a[0][$i], $b[0][$i]] | @tsv' |
awk -F '\t' -v old="$(jq -r .removed "$work/ml-retrain.json")" \
    -v new="$(jq -r .deployment "$work/ml-retrain.json")" 'BEGIN {
	printf "   %-4s %-12s %-10s %-6s %-13s %-10s %s\n", "age", "workclass", "education",
	    "hours", "capital-gain", old, new
}
{
	printf "   %-4s %-12s %-10s %-6s %-13s %-10s %s\n", $1, $2, $3, $4, $5, $6, $7
}'
cmp -s "$work/ml-before.json" "$work/ml-after.json" &&
    { echo "demo: the online endpoint's predictions did not change" >&2; exit 1; }

say "Stopping aml-emulator"
kill "$AML_EMULATOR_PID"
AML_EMULATOR_PID=
echo "   done"
