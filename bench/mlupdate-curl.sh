#!/bin/sh
# bench/mlupdate-curl.sh: what the five-stage Azure Machine Learning
# pipeline does, as a shell script of curl and jq, for bench/mlpipeline.sh
# to time against it:
#	aml-get-deployment | aml-export-deployment | aml-patch-model -u MODEL |
#	    aml-import-deployment | aml-update-deployment
# GET the deployment; with jq drop the read-only members and point
# properties.model at the model version (written as an ARM id when the
# old one is one, as aml-patch-model does); GET it again, as
# aml-update-deployment does to make sure it updates and never creates;
# PUT the definition; follow Azure-AsyncOperation when the answer names
# one, else read the deployment until its provisioningState is Succeeded
# (an update is answered 200, "Updating", with nothing to follow); GET it
# and print it.  The same requests as the pipeline, in the same order,
# and no process but sh, curl and jq (curl -w picks the header out).
# The bearer token is in the curl config file CFG ("header = ..."), never
# in argv.  -n prints the definition it would PUT after the first GET,
# and stops.
#
#	sh bench/mlupdate-curl.sh [-n] CFG URL azureml:NAME:VERSION
set -eu
dry=
if [ "${1:-}" = -n ]; then dry=1; shift; fi
cfg=$1 url=$2 model=$3

body=$(curl -sS -f -K "$cfg" "$url" |
jq -c --arg m "$model" '
	($m | capture("^azureml:(?<n>[^:@/]+):(?<v>[^:@/]+)$") //
	    error("not azureml:NAME:VERSION: \($m)")) as $mv
	| del(.id, .name, .type, .systemData, .properties.provisioningState,
	    .identity.principalId, .identity.tenantId)
	| .properties.model |= if type == "string" and test("^/subscriptions/"; "i")
	    then sub("/models/[^/]+/versions/[^/]+$"; "/models/\($mv.n)/versions/\($mv.v)")
	    else $m end')
[ -n "$body" ] || exit 1
if [ -n "$dry" ]; then printf '%s\n' "$body"; exit 0; fi
curl -sS -f -K "$cfg" -o /dev/null "$url"
op=$(curl -sS -f -K "$cfg" -X PUT -H 'Content-Type: application/json' \
    --data-binary "$body" -o /dev/null -w '%header{azure-asyncoperation}' "$url")
while :; do
	if [ -n "$op" ]; then
		status=$(curl -sS -f -K "$cfg" "$op" | jq -r .status)
	else
		status=$(curl -sS -f -K "$cfg" "$url" | jq -r .properties.provisioningState)
	fi
	case $status in
	Succeeded) break ;;
	Failed|Canceled) echo "mlupdate-curl.sh: operation $status" >&2; exit 1 ;;
	esac
done
curl -sS -f -K "$cfg" "$url"
