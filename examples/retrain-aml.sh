#!/bin/sh
# retrain-aml.sh: retrain a model on new data with an Azure Machine
# Learning command job, register the result as the model's next version,
# deploy it beside the live deployment with no traffic, check that it
# answers, move all the traffic to it and remove the old deployment
# (blue/green).  Fit for cron or CI; every secret comes from a file or the
# sign-in, none from the command line.
#
# usage: retrain-aml.sh [-v] data.csv [job.json]
#
#   -v                       say each step on standard error
#
#   AML_RG, AML_WORKSPACE    the workspace's resource group and name
#   AML_ENDPOINT             the managed online endpoint to update
#   AML_MODEL                the model to register a version of (default census)
#   AML_DATASTORE_URL        the workspace's default datastore container,
#                            https://ACCOUNT.blob.core.windows.net/CONTAINER
#   AML_STORAGE_SAS_FILE     a SAS token that may write there
#   AML_CHECK_ROWS           a scoring request the new deployment must answer
#                            before it gets traffic (default: none)
#
# job.json is the command job to submit (default data/census-train-job.json
# beside this script); its input training_data is pointed at the upload.
# Sign in first (aml-login).  On success it prints one line of JSON:
# the model version, the deployment now serving and the one removed.
# On failure it stops where it failed, with the live deployment still
# taking all the traffic.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
verbose=
[ "${1:-}" = -v ] && { verbose=1; shift; }
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: retrain-aml.sh [-v] data.csv [job.json]" >&2; exit 2; }
data=$1
job=${2:-$here/data/census-train-job.json}
: "${AML_RG:?}" "${AML_WORKSPACE:?}" "${AML_ENDPOINT:?}" "${AML_DATASTORE_URL:?}" "${AML_STORAGE_SAS_FILE:?}"
model=${AML_MODEL:-census}
ws="-g $AML_RG -w $AML_WORKSPACE"
say() { [ -z "$verbose" ] || echo "retrain-aml.sh: $*" >&2; }

umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One blob per run, so that each model version's data stays known.
stamp=$(date -u +%Y%m%dT%H%M%SZ)
path=census/$(basename "$data" .csv)-$stamp.csv

# Upload with the Blob REST API; the SAS goes to curl on stdin, not
# argv, with its '?' or without.
sas=$(head -n 1 "$AML_STORAGE_SAS_FILE")
printf 'url = "%s/%s?%s"\n' "$AML_DATASTORE_URL" "$path" "${sas#\?}" |
    curl -sSf -K - -X PUT -H 'x-ms-blob-type: BlockBlob' \
        -H 'Content-Type: text/csv' --data-binary "@$data" -o /dev/null
say "uploaded $data to the datastore as $path"

# Train on it; aml-run-job waits and fails unless the job Completed.
jq --arg uri "azureml://datastores/workspaceblobstore/paths/$path" \
    '.properties.inputs.training_data.uri = $uri' "$job" |
    aml-run-job -q $ws -o "$tmp/job.json"
say "job $(jq -r .name "$tmp/job.json"): $(jq -r .properties.status "$tmp/job.json")"
aml-new-model -q $ws -n "$model" -j "$tmp/job.json" -o "$tmp/model.json"
say "registered model $model version $(jq -r .name "$tmp/model.json")"

# Blue/green: the live deployment is the one with the most traffic.
live=$(aml-traffic -c $ws -e "$AML_ENDPOINT" | jq -r 'to_entries | max_by(.value) | .key')
if [ "$live" = blue ]; then new=green; else new=blue; fi

# The live deployment's definition with the new model, as a new
# deployment: it gets no traffic until it has answered.
aml-get-deployment $ws -e "$AML_ENDPOINT" -d "$live" | aml-export-deployment \
    | aml-patch-model -q -b "$tmp/model.json" | aml-import-deployment \
    | aml-new-deployment -q -f $ws -e "$AML_ENDPOINT" -d "$new" >/dev/null
say "deployment $new serves it, with no traffic yet ($live has it)"
if [ -n "${AML_CHECK_ROWS:-}" ]; then
	aml-invoke -q -c $ws -e "$AML_ENDPOINT" -d "$new" "$AML_CHECK_ROWS" >"$tmp/check.json"
	say "$new answers $(cat "$tmp/check.json")"
fi
aml-traffic -q $ws -e "$AML_ENDPOINT" "$new=100" >/dev/null
say "all the traffic goes to $new"
aml-rm-deployment -q $ws -e "$AML_ENDPOINT" -d "$live" >/dev/null
say "removed deployment $live"

jq -c --arg new "$new" --arg old "$live" '{model: .id, deployment: $new, removed: $old}' "$tmp/model.json"
