#!/bin/sh
# Bad input through each of the three filters: the exact exit status, the
# one error line (with line and column for JSON errors) and empty stdout.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-filters.sh"

U=https://acct.blob.core.windows.net/models/m.ilearner
D=$TMP/d
mkdir -p "$D"

printf '{"properties": {"packageType": "Graph"' >"$D/truncated.json"
printf '[{"properties": {"packageType": "Graph"}}]\n' >"$D/array.json"
printf '"a string"\n' >"$D/string.json"
printf '{"properties": {"packageType": "Code", "assets": {}}}\n' >"$D/code.json"
printf '{"properties": {"packageType": "Graph", "title": "a", "title": "b"}}\n' >"$D/dupkey.json"
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "["; for (i = 0; i < 20000; i++) printf "]"; print "" }' >"$D/deep.json"
printf '{"properties": {"packageType": "Graph", "title": "a\000b"}}\n' >"$D/nul-in-string.json"
printf '{"properties": {"packageType": "Graph"}}\n\000' >"$D/nul-after.json"
printf '{"properties": {"packageType": "Graph", "title": "caf\351"}}\n' >"$D/latin1.json"
printf '{"properties": {"packageType": "Graph", "title": "\355\240\200"}}\n' >"$D/surrogate.json"
printf '\377\376{\000}\000' >"$D/utf16.json"
: >"$D/empty.json"
printf '{"properties": {"packageType": "Graph"}} {}\n' >"$D/two-values.json"
printf '{"properties": {"packageType": "Graph",}}\n' >"$D/trailing-comma.json"
printf '{\n  "properties": {\n    "packageType": Graph\n  }\n}\n' >"$D/bare-word.json"

# case FILE REGEX-AFTER-"prog: FILE" DESCRIPTION
cases() {
	cat <<'EOF'
truncated.json	:1:39: unexpected end of input, expected ',' or '}'	truncated JSON
array.json	: expected a web service definition \(an object\), got array	wrong top-level type (array)
string.json	: expected a web service definition \(an object\), got string	wrong top-level type (string)
code.json	: properties\.packageType: "Code" is not supported; it must be "Graph"	wrong packageType
dupkey.json	:1:55: duplicate key "title"	duplicate keys
deep.json	:1:513: nesting deeper than 512 levels	20,000 nested arrays
nul-in-string.json	:1:52: NUL byte in input	a NUL byte in a string
nul-after.json	:2:1: NUL byte in input	a NUL byte after the document
latin1.json	:1:54: invalid UTF-8 in string	invalid UTF-8 (Latin-1)
surrogate.json	:1:51: invalid UTF-8 in string	invalid UTF-8 (an encoded surrogate)
utf16.json	:1:1: input is UTF-16; convert it with iconv -f UTF-16 -t UTF-8	UTF-16
empty.json	:1:1: unexpected end of input, expected a JSON value	empty input
two-values.json	:1:42: unexpected data after the JSON value	two documents
trailing-comma.json	:1:40: unexpected '}', expected a string key	a trailing comma
bare-word.json	:3:20: unexpected 'G', expected a JSON value	a bare word
EOF
}

for prog in aml-export-ws aml-import-ws aml-patch-ilearner; do
	args=
	[ "$prog" = aml-patch-ilearner ] && args="-a asset3 -u $U"
	tab=$(printf '\t')
	cases | while IFS=$tab read -r file re desc; do
		vrun $prog $args "$D/$file"
		expect_fail 1 "^$prog: $D/$file$re\$" "$prog: $desc"
	done >"$TMP/results"
	cat "$TMP/results"
	grep -q '^not ok' "$TMP/results" && _failed=1
	_n=$((_n + $(grep -c '^ok\|^not ok' "$TMP/results")))

	# The same from stdin.
	vrun_in "$D/truncated.json" $prog $args
	expect_fail 1 "^$prog: <stdin>:1:39: unexpected end of input, expected ',' or '}'\$" "$prog: truncated JSON on stdin"

	# A 1 GB input from a generator: the input limit stops it early.
	run sh -c "yes '{\"properties\": [1, 2, 3]},' | head -c 1073741824 | $prog $args"
	expect_fail 1 "^$prog: <stdin>: input larger than 268435456 bytes \(set AML_MAX_INPUT to raise the limit\)\$" \
	    "$prog: a 1 GB input"
	run sh -c "printf '%02000d' 0 | AML_MAX_INPUT=1K $prog $args"
	expect_fail 1 "^$prog: <stdin>: input larger than 1024 bytes" "$prog: AML_MAX_INPUT lowers the limit"
	for bad in abc 0 99999999999G -1K; do
		run sh -c "AML_MAX_INPUT=$bad $prog $args '$FIX/trained-get.json'"
		is "$(grep -c 'AML_MAX_INPUT' "$TMP/err")" 1 "$prog: AML_MAX_INPUT=$bad: warned about once"
	done

	# Stdout on a full disk.
	run sh -c "$prog $args '$FIX/trained-get.json' >/dev/full"
	expect_fail 1 "^$prog: write <stdout>: No space left on device\$" "$prog: stdout on a full disk"

	# A terminal on stdin and no file: usage.
	if command -v script >/dev/null 2>&1; then
		run script -qec "$prog $args" /dev/null
		like "$rc $(cat "$TMP/out")" "^2 usage: $prog" "$prog: a terminal on stdin gives usage, exit 2"
	fi
	run sh -c "exec $prog $args </dev/null"
	expect_fail 1 "^$prog: <stdin>:1:1: unexpected end of input, expected a JSON value\$" "$prog: empty stdin"
done

# A dangling assetId is the importer's business: export and patch leave
# the graph alone, import refuses it.
jq '.properties.package.nodes.node2.assetId = "asset9"' "$FIX/trained-get.json" >"$D/dangling.json"
vrun aml-import-ws "$D/dangling.json"
expect_fail 1 "^aml-import-ws: $D/dangling.json: properties\.package\.nodes\.node2\.assetId: no asset \"asset9\" in properties\.assets\$" \
    "aml-import-ws: dangling assetId"
vrun aml-export-ws "$D/dangling.json"
expect_ok "aml-export-ws passes the graph through"
vrun aml-patch-ilearner -q -u "$U" "$D/dangling.json"
expect_ok "aml-patch-ilearner passes the graph through"
done_testing
