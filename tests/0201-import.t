#!/bin/sh
# aml-import-ws: every reference body validates and comes out canonical
# (the form aml-export-ws prints); PowerShell's case rules; every kind of
# problem reported with its JSON path, one line each, and nothing on stdout.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-filters.sh"

for f in $(ref_bodies); do
	b=$(basename "$f" .json)
	vrun aml-import-ws "$f"
	expect_ok "$b: imports"
	is "$(cat "$TMP/err")" "" "$b: nothing on stderr"
	cp "$TMP/out" "$TMP/$b.imp"
	run aml-export-ws "$f"
	same_file "$TMP/$b.imp" "$TMP/out" "$b: import prints what export prints"
	vrun_in "$TMP/$b.imp" aml-import-ws
	same_file "$TMP/out" "$TMP/$b.imp" "$b: import | import is the identity"
done

# PowerShell's export: BOM, CRLF, PascalCase names.  Schema names come out
# camelCase, data keys exactly as they were.
ps=$FIX/trained-ps.json
vrun aml-import-ws "$ps"
expect_ok "PowerShell file imports"
cp "$TMP/out" "$TMP/ps.imp"
is "$(jq -r '.properties.assets.asset3.locationInfo.uri' "$TMP/ps.imp")" \
    "https://mltestaccount.blob.core.windows.net/azuremlassetscontainer/baca7bca650f46218633552c0bcbba0e.ilearner" \
    "Assets, LocationInfo, Uri become assets, locationInfo, uri"
is "$(jq -r '.properties.input.properties.input1.properties["State-gov"].type' "$TMP/ps.imp")" String \
    "Input.Properties...Type become input.properties...type; column names kept"
is "$(jq -r '.properties.package.nodes.node1.parameters["Account Key"].certificateThumbprint' "$TMP/ps.imp")" \
    ENCRYPTED_CERTIFICATETHUMBPRINT_1 "\"Account Key\" keeps its case; CertificateThumbprint becomes camelCase"
is "$(jq -r '.properties.assets.asset3.outputPorts["Results dataset"].type' "$TMP/ps.imp")" Dataset \
    "port names keep their case"
is "$(jq -r 'has("tags"), has("location")' "$TMP/ps.imp" | tr '\n' ' ')" "true true " "location and tags are kept"
is "$(grep -c '"[A-Z][A-Za-z]*": [^{]' "$TMP/ps.imp")" 0 "no PascalCase schema name left"
like "$(sed -n 5p "$TMP/ps.imp")" '^    "title": "Some title \(new contract\) \\u00e9t\\u00e9 \\/ \\"q\\"",$' \
    "string escapes are kept byte for byte"
[ "$(head -c 1 "$TMP/ps.imp")" = "{" ] && ! grep -q "$(printf '\r')" "$TMP/ps.imp"
ok $? "no byte order mark and no CR in the output"
jq -S "$JQ_LOWER | $JQ_NONULL" "$ps" >"$TMP/want"
jq -S "$JQ_LOWER" "$TMP/ps.imp" >"$TMP/got"
same_file "$TMP/got" "$TMP/want" "nothing but the case of schema names and nulls changed"

# Read-only members are dropped, location and tags kept, unknown members
# kept with a warning (-q silences it).
base=$FIX/trained-get.json
jq '.properties.someNewThing = {"a": 1} | .etag = "x"' "$base" >"$TMP/unknown.json"
vrun aml-import-ws "$TMP/unknown.json"
is "$rc" 0 "unknown properties: success"
is "$(cat "$TMP/err")" "aml-import-ws: warning: $TMP/unknown.json: properties.someNewThing: not a property of the 2017-01-01 schema; kept as it is
aml-import-ws: warning: $TMP/unknown.json: etag: not a property of the 2017-01-01 schema; kept as it is" \
    "unknown properties: one warning each"
is "$(jq -c '.properties.someNewThing, .etag' "$TMP/out" | tr '\n' ' ')" '{"a":1} "x" ' "unknown properties are kept"
is "$(jq -c 'has("id"), has("name"), has("type"), .location, .tags' "$TMP/out" | tr '\n' ' ')" \
    'false false false "South Central US" {} ' "id, name, type dropped; location and tags kept"
is "$(jq -c '.properties | [has("createdOn"), has("modifiedOn"), has("provisioningState"), has("swaggerLocation")]' "$TMP/out")" \
    '[false,false,false,false]' "read-only properties dropped"
vrun aml-import-ws -q "$TMP/unknown.json"
is "$rc:$(cat "$TMP/err")" "0:" "-q silences the warnings"

# Every problem: exit 1, the one line with its JSON path, nothing on stdout.
n=0
bad() {	# bad JQ-EDIT EXPECTED-LINE DESCRIPTION
	n=$((n + 1))
	jq "$1" "$base" >"$TMP/bad$n.json"
	vrun aml-import-ws "$TMP/bad$n.json"
	expect_fail 1 "^aml-import-ws: $TMP/bad$n.json: $2\$" "$3"
}
bad '.properties.package.nodes.node2.assetId = "asset9"' \
    'properties\.package\.nodes\.node2\.assetId: no asset "asset9" in properties\.assets' "dangling assetId"
bad '.properties.package.nodes.node3.inputId = "input9"' \
    'properties\.package\.nodes\.node3\.inputId: no input "input9" in properties\.input\.properties' "dangling inputId"
bad '.properties.package.nodes.node4.outputId = "Output1"' \
    'properties\.package\.nodes\.node4\.outputId: no output "Output1" in properties\.output\.properties' \
    "dangling outputId (data keys are case-sensitive)"
bad '.properties.package.nodes.node3.assetId = "asset1"' \
    'properties\.package\.nodes\.node3: has more than one of assetId, inputId and outputId' "node with two ids"
bad '.properties.package.nodes.node3 = {}' \
    'properties\.package\.nodes\.node3: has none of assetId, inputId and outputId' "node with no id"
bad '.properties.package.edges[1].targetNodeId = "node42"' \
    'properties\.package\.edges\[1\]\.targetNodeId: no node "node42" in properties\.package\.nodes' "edge to no node"
bad '.properties.package.graphParameters = {"Account Key": {"type": "Credential", "links": [{"nodeId": "node1", "parameterKey": "Account Key"}]}}' \
    'properties\.package\.graphParameters\["Account Key"\]: has no value in properties\.parameters' \
    "graph parameter without a value"
bad '.properties.parameters = {"Account Key": {"value": "x"}}' \
    'properties\.parameters\["Account Key"\]: no graph parameter of that name in properties\.package\.graphParameters' \
    "parameter without a graph parameter"
bad '.properties.package.graphParameters = {"p": {"type": "String", "links": [{"nodeId": "node9", "parameterKey": "k"}]}} | .properties.parameters = {"p": {"value": "v"}}' \
    'properties\.package\.graphParameters\.p\.links\[0\]\.nodeId: no node "node9" in properties\.package\.nodes' \
    "graph parameter linked to no node"
bad '.properties.exampleRequest = {"inputs": {"input2": [[1]]}}' \
    'properties\.exampleRequest\.inputs\.input2: no input of that name in properties\.input\.properties' \
    "example for no input"
bad '.properties.packageType = "Code"' \
    'properties\.packageType: "Code" is not supported; it must be "Graph"' "wrong packageType"
bad 'del(.properties.packageType)' \
    'properties\.packageType: required; it must be "Graph"' "no packageType"
bad '.properties.packageType = null' \
    'properties\.packageType: required; it must be "Graph"' "null packageType"
bad '.properties |= (del(.packageType) | .PackageType = "Graph")' \
    'properties\.PackageType: must be spelled "packageType" \(PowerShell drops the graph otherwise\)' \
    "packageType spelled otherwise"
bad '.properties.Assets = .properties.assets' \
    'properties\.Assets: the same property as "assets" \(names are matched ignoring case\)' \
    "the same name twice in different case"
bad '.properties.packageType = 1' 'properties\.packageType: expected a string, got number' "packageType a number"
bad 'del(.properties.assets.asset3.locationInfo.uri)' \
    'properties\.assets\.asset3\.locationInfo\.uri: required' "asset without uri"
bad 'del(.properties.assets.asset1.name)' 'properties\.assets\.asset1\.name: required' "asset without name"
bad '.properties.diagnostics = {}' 'properties\.diagnostics\.level: required' "diagnostics without level"
bad '.properties.machineLearningWorkspace = {}' 'properties\.machineLearningWorkspace\.id: required' "workspace without id"
bad '.properties.input.properties.input1 = {"properties": {}}' \
    'properties\.input\.properties\.input1\.type: required' "table without type"
bad '.properties.readOnly = "false"' 'properties\.readOnly: expected a boolean, got string' "boolean as a string"
bad '.properties.title = 42' 'properties\.title: expected a string, got number' "title a number"
bad '.properties.assets = []' 'properties\.assets: expected an object, got array' "assets an array"
bad '.properties.package.edges = {}' 'properties\.package\.edges: expected an array, got object' "edges an object"
bad '.properties.realtimeConfiguration.maxConcurrentCalls = 500' \
    'properties\.realtimeConfiguration\.maxConcurrentCalls: must be between 4 and 200, got 500' "maxConcurrentCalls too big"
bad '.properties.realtimeConfiguration.maxConcurrentCalls = 4.5' \
    'properties\.realtimeConfiguration\.maxConcurrentCalls: expected an integer, got 4.5' "maxConcurrentCalls not an integer"
bad '.properties.diagnostics.expiry = "next week"' \
    'properties\.diagnostics\.expiry: "next week" is not a date-time \(YYYY-MM-DDThh:mm:ssZ\)' "expiry not a date-time"
bad '.properties.output.properties.output1.properties["Scored Labels"] = {"format": "Double"}' \
    'properties\.output\.properties\.output1\.properties\["Scored Labels"\]\.type: required' "column without type"
bad '.properties.exampleRequest = {"inputs": {"input1": [[1], 2]}}' \
    'properties\.exampleRequest\.inputs\.input1\[1\]: expected an array, got number' "example rows not arrays"
bad 'del(.properties)' 'properties: required' "no properties"
bad '.tags = {"env": 1}' 'tags\.env: expected a string, got number' "tag not a string"

# The column format enum is not enforced: the service itself writes "".
jq '.properties.input.properties.input1.properties.age = {"type": "Integer", "format": ""}' "$base" >"$TMP/fmt.json"
vrun aml-import-ws "$TMP/fmt.json"
expect_ok "an empty column format is accepted"

# Wrong top-level type.
echo '[{"properties": {"packageType": "Graph"}}]' >"$TMP/array.json"
vrun aml-import-ws "$TMP/array.json"
expect_fail 1 "^aml-import-ws: $TMP/array.json: expected a web service definition \(an object\), got array\$" \
    "wrong top-level type"

# Many problems at once: every one reported, then exit 1 and no output.
jq '.properties.package.nodes.node2.assetId = "asset9" | .properties.title = 1 | del(.properties.assets.asset1.type)
    | .properties.package.edges[0].sourceNodeId = "x"' "$base" >"$TMP/many.json"
vrun aml-import-ws "$TMP/many.json"
is "$rc" 1 "many problems: exit 1"
is "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "many problems: nothing on stdout"
cat >"$TMP/want" <<EOF
aml-import-ws: $TMP/many.json: properties.title: expected a string, got number
aml-import-ws: $TMP/many.json: properties.assets.asset1.type: required
aml-import-ws: $TMP/many.json: properties.package.nodes.node2.assetId: no asset "asset9" in properties.assets
aml-import-ws: $TMP/many.json: properties.package.edges[0].sourceNodeId: no node "x" in properties.package.nodes
EOF
same_file "$TMP/err" "$TMP/want" "many problems: one line each, with its path"

# A PATCH-style partial definition is a valid definition too.
echo '{"properties": {"packageType": "Graph", "title": "t"}}' >"$TMP/small.json"
vrun aml-import-ws "$TMP/small.json"
expect_ok "a minimal definition"

# -o
vrun aml-import-ws -o "$TMP/svc.json" "$ps"
expect_ok "-o FILE"
same_file "$TMP/svc.json" "$TMP/ps.imp" "-o FILE holds the definition"
vrun aml-import-ws -o "$TMP/svc.json" "$ps"
expect_fail 1 "^aml-import-ws: $TMP/svc.json: file exists \(use -f to replace it\)$" "-o onto an existing file"
vrun aml-import-ws -o "$TMP/other.json" "$TMP/many.json"
is "$rc" 1 "-o with an invalid definition fails"
[ ! -e "$TMP/other.json" ]; ok $? "-o: no file when the definition is invalid"
done_testing
