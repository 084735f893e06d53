#!/bin/sh
# aml-emulator: every example of the public specification
# (tests/data/reference/*.json, x-ms-examples of webservices.json),
# replayed with curl: the status is one the example gives, the headers
# it names are there, and the answer has the example's shape.  Where the
# recorded traffic disagrees with an example, the recorded traffic wins
# and the test says which way:
#  - PUT and PATCH answer with a sparse body (REC/CreateGetRemove,
#    REC/Update), not the full definition of the example;
#  - GET leaves commitmentPlan out (SPEC prose, REC), though the example
#    shows it;
#  - the example's location "West US" was not a region of the provider
#    (REC registration), so the PUT is replayed in South Central US;
#  - its commitmentPlan is a placeholder id, and a service is made only
#    with a plan that exists: the PUT names the seeded plan.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0 --page-size 1
ws_paths
AT=$(arm_token)
emu services -d '{"count":1}' >/dev/null

# The spec lists the examples it has; make sure none is skipped.
jq -r '.. | objects | select(has("x-ms-examples")) | ."x-ms-examples"[] | ."$ref"' \
    "$REF/webservices.json" | sed 's#^\./examples/##' | sort >"$TMP/listed"
ls "$REF" | grep -E '^(get|put|patch|delete|create)[A-Za-z]*\.json$' | sort >"$TMP/have"
same_file "$TMP/have" "$TMP/listed" "the examples kept are the ones the spec lists"

keys_of() {	# FILE FILTER: sorted keys of the object at FILTER
	jq -r "$2 | keys[]" "$1" 2>/dev/null | sort
}

subset() {	# SMALL BIG DESCRIPTION: every key of SMALL is in BIG
	missing=$(comm -23 "$1" "$2" | tr '\n' ' ')
	is "$missing" "" "$3"
}

replay() {	# EXAMPLE: sets $ex, $ops (the example's statuses), $m, $path
	ex=$REF/$1
	ops=$(jq -r '.responses | keys | join(" ")' "$ex")
	name=$(jq -r '.parameters.webServiceName // empty' "$ex")
	api=$(jq -r '.parameters["api-version"]' "$ex")
	region=$(jq -r '.parameters.region // empty' "$ex")
}

status_in() {	# WHAT
	case " $ops " in
	*" $status "*) ok 0 "$1: status $status is one the example gives ($ops)" ;;
	*) ok 1 "$1: status $status is one the example gives ($ops)"; diag "$(head -c 400 "$TMP/body")" ;;
	esac
}

headers_named() {	# CODE WHAT
	for h in $(jq -r ".responses[\"$1\"].headers // {} | keys[]" "$ex"); do
		test -n "$(hdr "$h")"
		ok $? "$2: header $h"
	done
}

# getWebService.json
replay getWebService.json
arm GET "$WSL/$AML_DEMO_WS?api-version=$api"
status_in GET
jq '.responses["200"].body' "$ex" >"$TMP/exbody"
keys_of "$TMP/exbody" . >"$TMP/k1"
keys_of "$TMP/body" . >"$TMP/k2"
subset "$TMP/k1" "$TMP/k2" "GET: the example's members are there"
keys_of "$TMP/exbody" .properties | grep -v '^commitmentPlan$' >"$TMP/k1"
keys_of "$TMP/body" .properties >"$TMP/k2"
subset "$TMP/k1" "$TMP/k2" "GET: the example's properties are there (but commitmentPlan)"
is "$(jb '.properties | has("commitmentPlan")')" false "GET: commitmentPlan left out, as recorded"
is "$(jb '.properties.storageAccount | keys | join(",")')" name "GET: storageAccount has its name only"

# putWebService.json: create (201) and overwrite (200).
replay putWebService.json
jq --arg plan "$PLAN" '.parameters.createOrUpdatePayload | .location = "South Central US" |
    .properties.commitmentPlan.id = $plan' "$ex" >"$TMP/put.json"
arm PUT "$WSL/$name?api-version=$api" -H 'Content-Type: application/json' --data-binary "@$TMP/put.json"
status_in "PUT (new)"
is "$status" 201 "PUT of a new service is 201"
headers_named 201 "PUT (new)"
keys_of "$TMP/body" . >"$TMP/k2"
keys_of "$ex" '.responses["201"].body' >"$TMP/k1"
subset "$TMP/k1" "$TMP/k2" "PUT: the example's top-level members are there"
keys_of "$TMP/body" .properties >"$TMP/k2"
keys_of "$ex" '.responses["201"].body.properties' >"$TMP/k1"
subset "$TMP/k2" "$TMP/k1" "PUT: the sparse properties are the example's (recorded: sparse)"
lro_wait "$(hdr Azure-AsyncOperation)"
is "$(jb .status)" Succeeded "PUT: the operation succeeds"
arm PUT "$WSL/$name?api-version=$api" -H 'Content-Type: application/json' --data-binary "@$TMP/put.json"
is "$status" 200 "PUT over it is 200"
headers_named 200 "PUT (update)"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$WSL/$name?api-version=$api"
is "$(jb '.properties | [.title, .description, .packageType, .exposeSampleData] | tostring')" \
    "$(jq -c '.parameters.createOrUpdatePayload.properties | [.title, .description, .packageType, .exposeSampleData]' "$ex")" \
    "PUT: GET shows what was put"
is "$(jb '.tags | tostring')" "$(jq -c .parameters.createOrUpdatePayload.tags "$ex")" "PUT: tags"
arm GET "$WSL/$name/listKeys?api-version=$api"
like "$(jb .primary) $(jb .secondary)" '^[A-Za-z0-9+/]{86}== [A-Za-z0-9+/]{86}==$' \
    "PUT: the example gives no keys, so the service made them"
arm PUT "$WSL/$name-west?api-version=$api" -H 'Content-Type: application/json' \
    --data-binary "@$(jq '.parameters.createOrUpdatePayload' "$ex" >"$TMP/w.json"; echo "$TMP/w.json")"
is "$status $(jb .error.code)" "400 LocationNotAvailableForResourceType" "PUT: the example's own West US is refused"

# patchWebService.json
replay patchWebService.json
jq '.parameters.patchPayload' "$ex" >"$TMP/patch.json"
arm PATCH "$WSL/$name?api-version=$api" -H 'Content-Type: application/json' --data-binary "@$TMP/patch.json"
status_in PATCH
headers_named 200 PATCH
keys_of "$TMP/body" .properties >"$TMP/k2"
keys_of "$ex" '.responses["200"].body.properties' >"$TMP/k1"
subset "$TMP/k2" "$TMP/k1" "PATCH: the sparse properties are the example's"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$WSL/$name?api-version=$api"
is "$(jb '.properties.title + "|" + .properties.description')" \
    "$(jq -r '.parameters.patchPayload.properties | .title + "|" + .description' "$ex")" "PATCH: applied"

# getWebServiceKeys.json
replay getWebServiceKeys.json
arm GET "$WSL/$name/listKeys?api-version=$api"
status_in listKeys
keys_of "$TMP/body" . >"$TMP/k2"
keys_of "$ex" '.responses["200"].body' >"$TMP/k1"
same_file "$TMP/k2" "$TMP/k1" "listKeys: the example's members exactly"

# getWebServicesByResourceGroup.json, getWebServicesBySubscriptionId.json
for f in getWebServicesByResourceGroup.json getWebServicesBySubscriptionId.json; do
	replay $f
	case $f in
	*Group*) p=$WSL ;;
	*) p=$SUB/providers/Microsoft.MachineLearning/webServices ;;
	esac
	arm GET "$p?api-version=$api"
	status_in "$f"
	keys_of "$TMP/body" . >"$TMP/k2"
	keys_of "$ex" '.responses["200"].body' >"$TMP/k1"
	same_file "$TMP/k2" "$TMP/k1" "$f: value and nextLink"
	keys_of "$TMP/body" '.value[0]' >"$TMP/k2"
	keys_of "$ex" '.responses["200"].body.value[0]' >"$TMP/k1"
	subset "$TMP/k1" "$TMP/k2" "$f: the example's item members"
	keys_of "$TMP/body" '.value[0].properties' >"$TMP/k2"
	keys_of "$ex" '.responses["200"].body.value[0].properties' | grep -v '^commitmentPlan$' >"$TMP/k1"
	subset "$TMP/k1" "$TMP/k2" "$f: the example's item properties (but commitmentPlan)"
	http GET "$(jb .nextLink)" -H "Authorization: Bearer $AT"
	is "$status" 200 "$f: nextLink leads on"
done

# createRegionalProperties.json
replay createRegionalProperties.json
arm POST "$WSL/$name/CreateRegionalBlob?region=$(printf '%s' "$region" | sed 's/ /%20/g')&api-version=$api"
status_in CreateRegionalBlob
headers_named 202 CreateRegionalBlob
lro_wait "$(hdr Azure-AsyncOperation)"
is "$(jb .status)" Succeeded "CreateRegionalBlob: succeeds"
arm GET "$WSL/$name?region=southeastasia&api-version=$api"
is "$status" 200 "CreateRegionalBlob: then GET with the region (its other spelling) works"

# deleteWebService.json
replay deleteWebService.json
arm DELETE "$WSL/$name?api-version=$api"
status_in DELETE
headers_named "$status" DELETE
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$WSL/$name?api-version=$api"
is "$status" 404 "DELETE: gone"

done_testing
