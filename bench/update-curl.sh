#!/bin/sh
# bench/update-curl.sh: what the five-stage pipeline does, as a shell
# script of curl and jq, for bench/pipeline.sh to time against it.
#	aml-get-ws | aml-export-ws | aml-patch-ilearner -u NEW |
#	    aml-import-ws | aml-update-ws
# GET the resource, make the same edit (export's drops and order, the
# trained model's URI), PATCH it, poll the Azure-AsyncOperation URL until
# the operation ends, GET the resource again and print it.  The bearer
# token is in the curl config file CFG ("header = ..."), never in argv.
#
#	sh bench/update-curl.sh CFG URL NEW
set -eu
cfg=$1 url=$2 new=$3
t=$(mktemp -d "${TMPDIR:-/tmp}/aml-curl.XXXXXX")
trap 'rm -rf "$t"' EXIT

curl -sS -f -K "$cfg" "$url" |
jq -cj --arg u "$new" 'del(.id, .name, .type)
	| .properties |= ({packageType} + del(.createdOn, .modifiedOn, .provisioningState, .swaggerLocation))
	| (.properties.assets | to_entries | map(select(.value.name | endswith("[trained model]")))
	    | if length == 1 then .[0].key else error("no single trained model") end) as $k
	| .properties.assets[$k].locationInfo.uri = $u' >"$t/body.json"
curl -sS -f -K "$cfg" -X PATCH -H 'Content-Type: application/json' \
    --data-binary @"$t/body.json" -D "$t/headers" -o /dev/null "$url"
op=$(sed -n 's/^[Aa]zure-[Aa]sync[Oo]peration: *//p' "$t/headers" | tr -d '\r')
if [ -n "$op" ]; then
	while :; do
		status=$(curl -sS -f -K "$cfg" "$op" | jq -r .status)
		case $status in
		Succeeded) break ;;
		Failed|Canceled) echo "update-curl.sh: operation $status" >&2; exit 1 ;;
		esac
	done
fi
curl -sS -f -K "$cfg" "$url"
