#!/bin/sh
# aml-export-deployment, aml-import-deployment, aml-patch-model: the
# online deployment filters.  Every body of the specification's examples
# and the emulator's, exported byte for byte as the golden files say;
# the fixed points; -c, the same on one line; what import reports, with
# each JSON path; what
# patch-model changes (one value, not one other byte) and what it says;
# bad input; -o.  Under valgrind when lib.sh finds it.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-filters.sh"
export LC_ALL=C
EXD=$REF/aml2/examples/OnlineDeployment
W=/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws
D=$TMP/d
mkdir -p "$D"

# Every deployment body there is: the examples' requests and answers,
# the list's items, and the emulator's and the rich fixture.
jq '.responses["200"].body' "$EXD/ManagedOnlineDeployment/get.json" >"$D/example-get.json"
jq '.parameters.body' "$EXD/ManagedOnlineDeployment/createOrUpdate.json" >"$D/example-put-request.json"
jq '.responses["200"].body' "$EXD/ManagedOnlineDeployment/createOrUpdate.json" >"$D/example-put-200.json"
jq '.responses["201"].body' "$EXD/ManagedOnlineDeployment/createOrUpdate.json" >"$D/example-put-201.json"
jq '.responses["200"].body' "$EXD/ManagedOnlineDeployment/update.json" >"$D/example-patch-200.json"
jq '.responses["200"].body.value[0]' "$EXD/list.json" >"$D/example-list-0.json"
cp "$FIX/ml-deployment-get.json" "$FIX/ml-deployment-k8s.json" "$D/"

# The read-only members, as the specification marks them.
JQ_RO='del(.id, .name, .type, .systemData)
	| if .properties then .properties |= del(.provisioningState) else . end
	| if (.identity | type) == "object" then .identity |= (del(.principalId, .tenantId)
	    | if (.userAssignedIdentities | type) == "object" then .userAssignedIdentities |= map_values(
	    if type == "object" then del(.principalId, .clientId) else . end) else . end) else . end'
# Nulls dropped, but in the maps whose values are data.
JQ_NONULL_SCHEMA='def nn: if type == "object" then with_entries(select(.value != null) | .value |= nn)
	elif type == "array" then map(nn) else . end;
	(.properties // {}) as $p | nn
	| if $p.environmentVariables then .properties.environmentVariables = $p.environmentVariables else . end
	| if $p.properties then .properties.properties = $p.properties else . end
	| if $p.dataCollector.collections then .properties.dataCollector.collections = ($p.dataCollector.collections | map_values(if . == null then null else nn end)) else . end'

for f in "$D"/*.json; do
	b=$(basename "$f" .json)
	vrun aml-export-deployment "$f"
	expect_ok "$b: export succeeds"
	is "$(cat "$TMP/err")" "" "$b: nothing on stderr"
	e=$TMP/$b.exp
	cp "$TMP/out" "$e"
	jq -S "$JQ_RO | $JQ_NONULL_SCHEMA" "$f" >"$TMP/want"
	jq -S . "$e" >"$TMP/got"
	same_file "$TMP/got" "$TMP/want" "$b: everything but the read-only members and the nulls"
	is "$(jq -r '[has("id"), has("name"), has("type"), has("systemData"), (.properties | has("provisioningState")),
	    (.identity // {} | has("principalId") or has("tenantId"))] | unique | map(tostring) | join(" ")' "$e")" false \
	    "$b: no read-only member left"
	jq -a --indent 2 . "$e" >"$TMP/jq"
	same_file "$e" "$TMP/jq" "$b: 2-space indentation, \"key\": value"
	one_newline "$e"; ok $? "$b: one trailing newline"
	is "$(jq -r '.properties | keys_unsorted[0]' "$e")" endpointComputeType "$b: endpointComputeType first in properties"
	vrun_in "$e" aml-export-deployment
	same_file "$TMP/out" "$e" "$b: export of an export is the identity"
	vrun_in "$e" aml-import-deployment
	expect_ok "$b: the export imports"
	same_file "$TMP/out" "$e" "$b: and import prints it unchanged"
done
for g in ml-deployment-get ml-deployment-k8s; do
	same_file "$TMP/$g.exp" "$FIX/$g.def.json" "$g: byte for byte as $g.def.json"
done
same_file "$TMP/example-get.exp" "$FIX/ml-example-get.def.json" "the specification's example: as ml-example-get.def.json"

# -c: the same definition, members, order and text, on one line.
vrun aml-export-deployment -c "$FIX/ml-deployment-get.json"
expect_ok "export -c"
cp "$TMP/out" "$TMP/one.json"
is "$(wc -l <"$TMP/one.json" | tr -d ' ') $(grep -c '^{"location":' "$TMP/one.json")" "1 1" "export -c: one line"
tr -d '\n' <"$TMP/one.json" >"$TMP/a"
jq -c . "$FIX/ml-deployment-get.def.json" | tr -d '\n' >"$TMP/b"
jq -e -n --slurpfile a "$TMP/a" --slurpfile b "$TMP/b" '$a == $b and ($a[0] | keys_unsorted) == ($b[0] | keys_unsorted)' >/dev/null
ok $? "export -c: the 2-space definition's members, in its order"
vrun_in "$TMP/one.json" aml-import-deployment
same_file "$TMP/out" "$FIX/ml-deployment-get.def.json" "import of the one line: the 2-space canonical form"
vrun_in "$FIX/ml-deployment-get.def.json" aml-import-deployment -c
same_file "$TMP/out" "$TMP/one.json" "import -c: the same line as export -c"

# The order is the schema's, whatever order the server wrote.
is "$(jq -c keys_unsorted "$TMP/ml-deployment-k8s.exp")" '["location","kind","tags","identity","sku","properties","futureMember"]' \
    "the top level: location, kind, tags, identity, sku, properties, then the unknown"
is "$(jq -c '.properties | keys_unsorted' "$TMP/ml-deployment-k8s.exp")" \
    '["endpointComputeType","model","description","codeConfiguration","environmentVariables","instanceType","scaleSettings","requestSettings","livenessProbe","appInsightsEnabled","dataCollector","containerResourceRequirements","properties"]' \
    "properties in the schema's order"
jq -c 'to_entries | reverse | from_entries | .properties |= (to_entries | reverse | from_entries)' \
    "$FIX/ml-deployment-get.json" >"$D/reversed.json"
vrun aml-export-deployment "$D/reversed.json"
same_file "$TMP/out" "$FIX/ml-deployment-get.def.json" "members in another order: the same definition"
# Values go through byte for byte: numbers, escapes, unknown members.
grep -q '"description": "A Kubernetes deployment with \\"quotes\\" and a tab\\tin it"' "$TMP/ml-deployment-k8s.exp"
ok $? "string escapes kept"
grep -q '"caf\\u00e9": "cr\\u00e8me"' "$TMP/ml-deployment-k8s.exp"
ok $? "\\u escapes kept as written"
is "$(jq -c .futureMember "$TMP/ml-deployment-k8s.exp")" '{"kept":true}' "a member of no schema is kept"
printf '{"location":"x","properties":{"endpointComputeType":"Managed","scaleSettings":{"scaleType":"Default"},"requestSettings":{"maxConcurrentRequestsPerInstance":1.0e0},"x":1e400}}' >"$D/num.json"
vrun aml-export-deployment "$D/num.json"
grep -q '"maxConcurrentRequestsPerInstance": 1.0e0' "$TMP/out" && grep -q '"x": 1e400' "$TMP/out"
ok $? "numbers keep their text"
# BOM and CRLF, as Windows editors write them.
{ printf '\357\273\277'; sed 's/$/\r/' "$FIX/ml-deployment-k8s.json"; } >"$D/bom-crlf.json"
vrun aml-export-deployment "$D/bom-crlf.json"
same_file "$TMP/out" "$FIX/ml-deployment-k8s.def.json" "BOM and CRLF make no difference"

# ---- import: every problem, with its path -----------------------------------
cat >"$D/bad.json" <<'EOF'
{
  "sku": {"tier": "Gold", "capacity": "2"},
  "identity": {"userAssignedIdentities": {"a b": {"principalId": "x", "foo": 1}}},
  "tags": {"n": 1},
  "properties": {
    "endpointComputeType": "managed",
    "Model": "azureml:census:1",
    "instanceType": 5,
    "codeConfiguration": {"scoringScript": ""},
    "environmentVariables": {"A": null, "B": 3},
    "scaleSettings": {"scaleType": "TargetUtilization", "minInstances": 1.5, "pollingInterval": "5s"},
    "requestSettings": {"maxConcurrentRequestsPerInstance": 99999999999, "requestTimeout": "PT"},
    "livenessProbe": {"failureThreshold": -2147483649, "successThreshold": -2147483648},
    "appInsightsEnabled": "yes",
    "egressPublicNetworkAccess": "Open",
    "containerResourceRequirements": {},
    "dataCollector": {"rollingRate": "Week", "requestLogging": {"captureHeaders": ["a", 2]}},
    "properties": {"k": 1}
  },
  "extra": 1
}
EOF
vrun aml-import-deployment "$D/bad.json"
is "$rc" 1 "a definition with many problems: exit 1"
is "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "nothing on stdout"
P="aml-import-deployment: $D/bad.json"
cat >"$TMP/want" <<EOF
$P: sku.tier: "Gold" is not one of Free, Basic, Standard, Premium
$P: sku.capacity: expected an integer, got string
$P: sku.name: required
aml-import-deployment: warning: $D/bad.json: identity.userAssignedIdentities["a b"].foo: not a property of the 2024-04-01 schema; kept as it is
$P: identity.type: required; one of None, SystemAssigned, UserAssigned, SystemAssigned,UserAssigned
$P: tags.n: expected a string, got number
$P: properties.endpointComputeType: "managed" must be spelled "Managed"
aml-import-deployment: warning: $D/bad.json: properties.Model: not a property of the 2024-04-01 schema (did you mean "model"?); kept as it is
$P: properties.instanceType: expected a string, got number
$P: properties.codeConfiguration.scoringScript: must not be empty
$P: properties.environmentVariables.B: expected a string, got number
$P: properties.scaleSettings.minInstances: expected an integer, got 1.5
$P: properties.scaleSettings.pollingInterval: "5s" is not an ISO 8601 duration (PT5S, PT1M30S)
$P: properties.requestSettings.maxConcurrentRequestsPerInstance: 99999999999 is out of range (a 32-bit integer)
$P: properties.requestSettings.requestTimeout: "PT" is not an ISO 8601 duration (PT5S, PT1M30S)
$P: properties.livenessProbe.failureThreshold: -2147483649 is out of range (a 32-bit integer)
$P: properties.appInsightsEnabled: expected a boolean, got string
$P: properties.egressPublicNetworkAccess: "Open" is not one of Enabled, Disabled
aml-import-deployment: warning: $D/bad.json: properties.containerResourceRequirements: only where endpointComputeType is Kubernetes, not managed; kept as it is
$P: properties.dataCollector.rollingRate: "Week" is not one of Year, Month, Day, Hour, Minute
$P: properties.dataCollector.requestLogging.captureHeaders[1]: expected a string, got number
$P: properties.dataCollector.collections: required
$P: properties.properties.k: expected a string, got number
aml-import-deployment: warning: $D/bad.json: extra: not a property of the 2024-04-01 schema; kept as it is
$P: location: required
EOF
same_file "$TMP/err" "$TMP/want" "every problem, one line each, with its JSON path"
vrun aml-import-deployment -q "$D/bad.json"
is "$(grep -c warning "$TMP/err")" 0 "-q: the errors without the warnings"
printf '{"location":"westus","properties":{"endpointComputeType":"Managed","Model":"x"},"extra":1}\n' >"$D/warn.json"
vrun aml-import-deployment "$D/warn.json"
expect_ok "warnings alone: exit 0"
is "$(jq -c '[.extra, .properties.Model]' "$TMP/out")" '[1,"x"]' "unknown members are kept"
is "$(wc -l <"$TMP/err" | tr -d ' ')" 2 "and warned about, one line each"
for c in 'location:"",' 'location:7,'; do
	printf '{%s"properties":{"endpointComputeType":"Managed"}}' "$(echo "$c" | sed 's/location/"location"/')" >"$D/loc.json"
	vrun aml-import-deployment "$D/loc.json"
	expect_fail 1 "^aml-import-deployment: $D/loc.json: location: (must not be empty|expected a string, got number)\$" \
	    "location ${c%,}: refused"
done
printf '{"location":"x","properties":{}}' >"$D/noect.json"
vrun aml-import-deployment "$D/noect.json"
expect_fail 1 "properties\\.endpointComputeType: required; one of Managed, Kubernetes, AzureMLCompute\$" \
    "endpointComputeType is required"
printf '{"location":"x","properties":{"endpointComputeType":"Serverless"}}' >"$D/ect.json"
vrun aml-import-deployment "$D/ect.json"
expect_fail 1 'properties\.endpointComputeType: "Serverless" is not one of Managed, Kubernetes, AzureMLCompute$' \
    "endpointComputeType is one of three"
printf '{"location":"x"}' >"$D/noprops.json"
vrun aml-import-deployment "$D/noprops.json"
expect_fail 1 "^aml-import-deployment: $D/noprops.json: properties: required\$" "properties is required"
vrun aml-import-deployment "$D/example-put-request.json"
expect_ok "the specification's PUT request imports"
jq 'del(.location)' "$D/example-put-request.json" >"$D/noloc.json"
vrun aml-import-deployment "$D/noloc.json"
expect_fail 1 'location: required$' "import: a definition without location is refused (a PUT needs it)"
vrun aml-export-deployment "$D/noloc.json"
expect_ok "export does not mind"

# ---- bad input ----------------------------------------------------------------
printf '{"properties": {"endpointComputeType": "Managed"' >"$D/truncated.json"
printf '[{"properties": {}}]\n' >"$D/array.json"
printf '{"location": "x", "properties": "Managed"}\n' >"$D/propstr.json"
printf '{"location": "x", "location": "y", "properties": {}}\n' >"$D/dupkey.json"
: >"$D/empty.json"
for prog in aml-export-deployment aml-import-deployment aml-patch-model; do
	args=
	[ "$prog" = aml-patch-model ] && args="-u azureml:census:2"
	vrun $prog $args "$D/truncated.json"
	expect_fail 1 "^$prog: $D/truncated.json:1:49: unexpected end of input, expected ',' or '}'\$" "$prog: truncated JSON"
	vrun $prog $args "$D/array.json"
	expect_fail 1 "^$prog: $D/array.json: expected an online deployment definition \\(an object\\), got array\$" \
	    "$prog: an array"
	vrun $prog $args "$D/dupkey.json"
	expect_fail 1 "^$prog: $D/dupkey.json:1:19: duplicate key \"location\"\$" "$prog: duplicate keys"
	vrun $prog $args "$D/empty.json"
	expect_fail 1 "^$prog: $D/empty.json:1:1: unexpected end of input, expected a JSON value\$" "$prog: empty input"
	vrun $prog $args "$D/propstr.json"
	expect_fail 1 "^$prog: $D/propstr.json: properties: expected an object, got string\$" "$prog: properties not an object"
	run $prog $args "$D/nothing-here.json"
	expect_fail 1 "^$prog: $D/nothing-here.json: No such file or directory\$" "$prog: no such file"
	run sh -c "$prog $args '$FIX/ml-deployment-get.json' >/dev/full"
	expect_fail 1 "^$prog: write <stdout>: No space left on device\$" "$prog: stdout on a full disk"
	if command -v script >/dev/null 2>&1; then
		run script -qec "$prog $args" /dev/null
		like "$rc $(cat "$TMP/out")" "^2 usage: $prog" "$prog: a terminal on stdin gives usage, exit 2"
	else
		skip "no script(1)" "$prog: a terminal on stdin"
	fi
	run $prog -x
	is "$rc" 2 "$prog: an unknown option: exit 2"
	run $prog --help
	like "$rc $(head -1 "$TMP/out")" "^0 usage: $prog" "$prog --help: usage on stdout, exit 0"
done

# ---- -o ----------------------------------------------------------------------
umask 022
for prog in aml-export-deployment aml-import-deployment aml-patch-model; do
	args=
	[ "$prog" = aml-patch-model ] && args="-q -u azureml:census:2"
	rm -f "$D/o.json"
	vrun $prog $args -o "$D/o.json" "$FIX/ml-deployment-get.def.json"
	expect_ok "$prog -o FILE"
	is "$(wc -c <"$TMP/out" | tr -d ' ') $(stat -c %a "$D/o.json")" "0 644" "$prog -o: nothing on stdout, the file 0644"
	vrun $prog $args -o "$D/o.json" "$FIX/ml-deployment-get.def.json"
	expect_fail 1 "^$prog: $D/o\\.json: file exists \\(use -f to replace it\\)\$" "$prog -o: an existing file is refused"
	vrun $prog $args -f -o "$D/o.json" "$FIX/ml-deployment-get.def.json"
	expect_ok "$prog -f -o: replaced"
	is "$(ls -A "$D" | grep -c '^\.')" 0 "$prog: no temporary file left"
done

# ---- aml-patch-model ----------------------------------------------------------
DEF=$FIX/ml-deployment-get.def.json
OLD=$(jq -r .properties.model "$DEF")
WS=${OLD%/models/*}
# unpatch FILE NEW OLD: FILE with NEW put back to OLD.
unpatch() { sed "s|\"$2\"|\"$3\"|" "$1"; }

vrun aml-patch-model -u azureml:census:7 "$DEF"
expect_ok "-u azureml:NAME:VERSION"
is "$(jq -r .properties.model "$TMP/out")" "$WS/models/census/versions/7" \
    "written as the ARM id in the old model's workspace"
is "$(cat "$TMP/err")" "aml-patch-model: properties.model: $OLD -> $WS/models/census/versions/7" "says old and new"
unpatch "$TMP/out" "$WS/models/census/versions/7" "$OLD" >"$TMP/back"
same_file "$TMP/back" "$DEF" "no other byte changed"
vrun aml-patch-model -q -u "$WS/models/other/versions/3" "$DEF"
is "$rc:$(cat "$TMP/err"):$(jq -r .properties.model "$TMP/out")" "0::$WS/models/other/versions/3" "-u an ARM id, -q: silent"
vrun aml-patch-model -u "$OLD" "$DEF"
expect_ok "the model it has already"
is "$(cat "$TMP/err")" "aml-patch-model: properties.model: already $OLD; nothing changed" "says nothing changed"
same_file "$TMP/out" "$DEF" "and the output is the input"
vrun aml-patch-model -u azureml://registries/azureml/models/census/versions/2 "$DEF"
is "$rc $(jq -r .properties.model "$TMP/out")" "0 azureml://registries/azureml/models/census/versions/2" "-u a registry's model"
vrun aml-patch-model -u "$W/models/m/versions/1" "$DEF"
is "$rc $(jq -r .properties.model "$TMP/out")" "0 $W/models/m/versions/1" "-u the ARM id of another workspace"
like "$(head -1 "$TMP/err")" "^aml-patch-model: warning: -u: the model is of another workspace than the deployment's old one: $W\$" \
    "is warned about"
# The rich fixture names its model azureml:census:4: no workspace known.
vrun aml-patch-model -u azureml:census:5 "$FIX/ml-deployment-k8s.def.json"
is "$(jq -r .properties.model "$TMP/out")" azureml:census:5 "azureml:NAME:VERSION kept so when the old model is no ARM id"
unpatch "$TMP/out" azureml:census:5 azureml:census:4 >"$TMP/back"
same_file "$TMP/back" "$FIX/ml-deployment-k8s.def.json" "no other byte changed"
# Compact, BOM and CRLF input: every other byte kept.
vrun aml-patch-model -q -u azureml:census:2 "$FIX/ml-deployment-get.json"
unpatch "$TMP/out" "$WS/models/census/versions/2" "$OLD" >"$TMP/back"
same_file "$TMP/back" "$FIX/ml-deployment-get.json" "a compact resource: one value changed, read-only members and all kept"
vrun aml-patch-model -q -u azureml:census:5 "$D/bom-crlf.json"
unpatch "$TMP/out" azureml:census:5 azureml:census:4 >"$TMP/back"
same_file "$TMP/back" "$D/bom-crlf.json" "BOM and CRLF kept"
# -b: aml-new-model's output.
vrun aml-patch-model -b "$FIX/ml-model-version.json" "$DEF"
expect_ok "-b a model version"
is "$(jq -r .properties.model "$TMP/out")" "$(jq -r .id "$FIX/ml-model-version.json")" "its id"
vrun_in "$FIX/ml-model-version.json" aml-patch-model -q -b - "$DEF"
is "$rc $(jq -r .properties.model "$TMP/out")" "0 $(jq -r .id "$FIX/ml-model-version.json")" "-b - reads stdin"
jq '.properties.provisioningState = "Creating"' "$FIX/ml-model-version.json" >"$D/mv-creating.json"
vrun aml-patch-model -b "$D/mv-creating.json" "$DEF"
like "$(head -1 "$TMP/err")" "^aml-patch-model: warning: $D/mv-creating.json: the model version's provisioningState is Creating, not Succeeded\$" \
    "a model version not yet Succeeded: a warning"
jq 'del(.id)' "$FIX/ml-model-version.json" >"$D/mv-noid.json"
vrun aml-patch-model -b "$D/mv-noid.json" "$DEF"
expect_fail 1 "^aml-patch-model: $D/mv-noid.json: not a model version \\(aml-new-model's output\\): it has no id\$" "-b without an id"
vrun aml-patch-model -b "$FIX/ml-deployment-get.json" "$DEF"
expect_fail 1 "^aml-patch-model: $FIX/ml-deployment-get.json: its id is not a model version's " "-b a deployment, not a model version"
# A model that is null or absent.
jq '.properties.model = null' "$DEF" >"$D/null.json"
vrun aml-patch-model -u azureml:census:2 "$D/null.json"
is "$rc $(jq -r .properties.model "$TMP/out")" "0 azureml:census:2" "a null model is replaced"
is "$(cat "$TMP/err")" "aml-patch-model: properties.model: (none) -> azureml:census:2" "from (none)"
jq 'del(.properties.model)' "$DEF" >"$D/absent.json"
vrun aml-patch-model -q -u azureml:census:2 "$D/absent.json"
expect_ok "an absent model is added"
jq 'del(.properties.model)' "$TMP/out" >"$TMP/back.json"
jq . "$D/absent.json" | cmp -s - "$TMP/back.json"
ok $? "as one member more"
jq --indent 2 . "$TMP/out" >"$TMP/jq"
same_file "$TMP/out" "$TMP/jq" "indented as the others"
printf '{"location":"x","properties":{}}' >"$D/empty-props.json"
vrun aml-patch-model -q -u azureml:census:2 "$D/empty-props.json"
is "$(cat "$TMP/out")" '{"location":"x","properties":{"model":"azureml:census:2"}}' "into an empty compact properties"
printf '{"location":"x","properties":{"endpointComputeType":"Managed"}}' >"$D/compact.json"
vrun aml-patch-model -q -u azureml:census:2 "$D/compact.json"
is "$(cat "$TMP/out")" '{"location":"x","properties":{"endpointComputeType":"Managed","model":"azureml:census:2"}}' \
    "after the last member of a compact one"
printf '{"properties":{"model":7}}' >"$D/model7.json"
vrun aml-patch-model -u azureml:census:2 "$D/model7.json"
expect_fail 1 "^aml-patch-model: $D/model7.json: properties.model: expected a string\$" "a model that is not a string"
# Usage errors.
for u in census census:2 azureml:census azureml::2 azureml:census: azureml:a:b:c \
    /subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/models/m \
    /subscriptions/s/resourceGroups/g/providers/Other/workspaces/w/models/m/versions/1 \
    azureml://registries/r/models/m azureml://jobs/j/outputs/o; do
	vrun aml-patch-model -u "$u" "$DEF"
	expect_usage "^aml-patch-model: -u $u: not a model version: give its ARM id " "-u $u: a usage error"
done
vrun aml-patch-model -u azureml:census@latest "$DEF"
expect_usage '^aml-patch-model: -u azureml:census@latest: a label \(@latest\) is resolved by the workspace; give the version' \
    "-u NAME@latest: a usage error that says why"
vrun aml-patch-model "$DEF"
expect_usage '^aml-patch-model: -u or -b is required$' "neither -u nor -b"
vrun aml-patch-model -u azureml:a:1 -b "$FIX/ml-model-version.json" "$DEF"
expect_usage '^aml-patch-model: -u and -b: give one of them$' "both -u and -b"
run_in "$DEF" aml-patch-model -b -
is "$rc" 2 "-b - and the definition on stdin too: a usage error"
U=$(jq -r .properties.model "$DEF" | sed 's/resourceGroups/RESOURCEGROUPS/; s/versions/Versions/')
vrun aml-patch-model -q -u "$U" "$DEF"
is "$rc $(jq -r .properties.model "$TMP/out")" "0 $U" "segment names in any case, kept as given"

done_testing
