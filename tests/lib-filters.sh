# tests/lib-filters.sh: what the tests of the JSON filters share.
# Sourced after lib.sh.

FIX=$DATA/filters

# Every reference body, one file each in $TMP/bodies: the bodies of the
# specification's examples, the recorded GET response and PUT request,
# and PowerShell's Import fixture.
ref_bodies() {
	_b=$TMP/bodies
	mkdir -p "$_b"
	jq '.responses["200"].body' "$REF/getWebService.json" >"$_b/example-get-200.json"
	jq '.parameters.createOrUpdatePayload' "$REF/putWebService.json" >"$_b/example-put-request.json"
	jq '.responses["200"].body' "$REF/putWebService.json" >"$_b/example-put-200.json"
	jq '.responses["201"].body' "$REF/putWebService.json" >"$_b/example-put-201.json"
	jq '.parameters.patchPayload' "$REF/patchWebService.json" >"$_b/example-patch-request.json"
	jq '.responses["200"].body' "$REF/patchWebService.json" >"$_b/example-patch-200.json"
	for _l in ResourceGroup SubscriptionId; do
		for _i in 0 1; do
			jq ".responses[\"200\"].body.value[$_i]" \
			    "$REF/getWebServicesBy$_l.json" >"$_b/example-list-by-$_l-$_i.json"
		done
	done
	cp "$REF/sessionrecords-extract/TestCreateGetRemoveWebService.GET.responseBody.json" \
	    "$_b/recorded-get-response.json"
	cp "$REF/sessionrecords-extract/TestCreateGetRemoveWebService.PUT.requestBody.json" \
	    "$_b/recorded-put-request.json"
	cp "$REF/GraphWebServiceDefinition_Prod.json" "$_b/powershell-import-fixture.json"
	ls "$_b"/*.json
}

# jq program: the same document with every key lower-cased, for comparing
# what differs only in the case of names.
JQ_LOWER='def lk: if type == "object" then with_entries(.key |= ascii_downcase | .value |= lk)
	elif type == "array" then map(lk) else . end; lk'

# jq program: nulls dropped from every object.
JQ_NONULL='walk(if type == "object" then with_entries(select(.value != null)) else . end)'

# The read-only members, as export and import drop them.
JQ_DROP_RO='del(.id, .name, .type)
	| if .properties then .properties |= del(.createdon, .modifiedon, .provisioningstate, .swaggerlocation) else . end'

# The pure filters run under valgrind when AML_VALGRIND=1 asks (lib.sh);
# tests/0209-valgrind.t takes them through every kind of input under it.
vrun() { run $VALGRIND "$@"; }
vrun_in() { _f=$1; shift; run_in "$_f" $VALGRIND "$@"; }

# The last byte of a file is a newline, and the one before is not.
one_newline() {
	[ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] &&
	    [ "$(tail -c 2 "$1" | head -c 1 | od -An -c | tr -d ' ')" != '\n' ]
}
