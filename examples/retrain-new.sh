#!/bin/sh
# retrain-new.sh: retrain a model on new data with a Batch Execution job
# and point a new (Resource Manager) web service at it.  Fit for cron or
# CI; every secret comes from a file, none from the command line.
#
# usage: retrain-new.sh data.csv [result.json]
#
#   AML_BES_URL                  the training web service (its ApiLocation)
#   AML_BES_KEY_FILE             its API key
#   AML_STORAGE_URL              https://ACCOUNT.blob.core.windows.net
#   AML_STORAGE_SAS_FILE         a SAS token that may write to the data container
#   AML_STORAGE_CONNECTION_FILE  a connection string to the account (for the job)
#   AML_RG, AML_WS               the predictive web service to update
#   AML_DATA_CONTAINER           default "data"
#   AML_MODEL_CONTAINER          default "models"
#
# Sign in first (aml-login).  The job's status, with the model's location
# and a read SAS for it, goes to result.json (default retrain-result.json),
# which retrain-classic.sh takes too.
set -eu

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: retrain-new.sh data.csv [result.json]" >&2; exit 2; }
data=$1
result=${2:-retrain-result.json}
: "${AML_BES_URL:?}" "${AML_BES_KEY_FILE:?}" "${AML_STORAGE_URL:?}" "${AML_STORAGE_SAS_FILE:?}"
: "${AML_STORAGE_CONNECTION_FILE:?}" "${AML_RG:?}" "${AML_WS:?}"
dc=${AML_DATA_CONTAINER:-data}
mc=${AML_MODEL_CONTAINER:-models}

umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One name per run: the service keeps the model it was given, so a new
# model needs a new blob (and old ones stay for going back).
stamp=$(date -u +%Y%m%dT%H%M%SZ)
blob=$(basename "$data" .csv)-$stamp.csv
model=retrained-$stamp.ilearner

# Upload with the Blob REST API; the SAS goes to curl on stdin, not argv,
# with its '?' or without (az storage ... generate-sas prints none).
sas=$(head -n 1 "$AML_STORAGE_SAS_FILE")
printf 'url = "%s/%s/%s?%s"\n' "$AML_STORAGE_URL" "$dc" "$blob" "${sas#\?}" |
    curl -sSf -K - -X PUT -H 'x-ms-blob-type: BlockBlob' \
        -H 'Content-Type: text/csv' --data-binary "@$data" -o /dev/null

# The job: train on the upload, write the model and its evaluation.
jq -n --rawfile cs "$AML_STORAGE_CONNECTION_FILE" \
    --arg in "$dc/$blob" --arg out "$mc/$model" --arg ev "$mc/evaluation-$stamp.csv" '
    ($cs | rtrimstr("\n")) as $c |
    {Inputs: {input1: {ConnectionString: $c, RelativeLocation: $in}},
     Outputs: {output1: {ConnectionString: $c, RelativeLocation: $out},
               output2: {ConnectionString: $c, RelativeLocation: $ev}},
     GlobalParameters: {}}' >"$tmp/job.json"
aml-retrain -q -M output1 -U "$AML_BES_URL" -k "$AML_BES_KEY_FILE" \
    -f -o "$result" "$tmp/job.json"

# Point the web service at the model, changing nothing else, and wait.
aml-get-ws -g "$AML_RG" -n "$AML_WS" | aml-export-ws \
    | aml-patch-ilearner -q -b "$result" \
    | aml-import-ws | aml-update-ws -q -g "$AML_RG" -n "$AML_WS" >/dev/null
