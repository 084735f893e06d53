#!/bin/sh
# Large inputs through the three filters.  A file of 64 KiB or more
# is mapped and parsed whole; standard input is parsed while it arrives,
# a piece at a time up to the last newline read.  Either way the output
# is the same, a bad input gets the same error line, the input limit is
# reported before a syntax error, and a pipe is read to its end even when
# the error is at its start.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-filters.sh"

U=https://acct.blob.core.windows.net/models/big.ilearner
G=$TMP/big.json
C=$TMP/compact.json
awk -v MB=3 -f "$TESTS/../bench/gendef.awk" >"$G"
jq -c . "$G" >"$C"
JQ_EXPORT='del(.id, .name, .type)
	| .properties |= ({packageType} + del(.createdOn, .modifiedOn, .provisioningState, .swaggerLocation))'
jq "$JQ_EXPORT" "$G" >"$TMP/want-export.json"
jq --arg u "$U" '.properties.assets.asset3.locationInfo.uri = $u' "$TMP/want-export.json" >"$TMP/want.json"
like "$(wc -c <"$G")" '^[0-9]{7}$' "the definition is megabytes long"

# check NAME WANT CMD...: CMD on the file, then on stdin, both give WANT.
check() {
	_name=$1 _want=$2 _in=$3; shift 3
	vrun "$@" "$_in"
	expect_ok "$_name: from a file"
	same_file "$TMP/out" "$_want" "$_name: from a file, the expected output"
	vrun_in "$_in" "$@"
	expect_ok "$_name: from stdin"
	same_file "$TMP/out" "$_want" "$_name: from stdin, the same output"
	run sh -c 'f=$1; shift; cat "$f" | "$@"' sh "$_in" "$@"
	same_file "$TMP/out" "$_want" "$_name: from a pipe, the same output"
}
check aml-export-ws "$TMP/want-export.json" "$G" aml-export-ws -q
check "aml-export-ws (compact input)" "$TMP/want-export.json" "$C" aml-export-ws -q
check aml-patch-ilearner "$TMP/want.json" "$TMP/want-export.json" aml-patch-ilearner -q -u "$U"
check aml-import-ws "$TMP/want.json" "$TMP/want.json" aml-import-ws -q

# Standard input is a file read from where it stands, not from its start.
run sh -c 'read -r line; exec aml-export-ws' <"$G"
expect_fail 1 '^aml-export-ws: <stdin>:1:7: unexpected data after the JSON value$' "stdin from its second line"
run sh -c 'aml-export-ws >/dev/null; wc -c' <"$G"
is "$(tr -d ' ' <"$TMP/out")" 0 "stdin is left at its end"

# The pipe's data in two pieces, the second after a pause: the parse stops
# wherever the first piece ends (at the start, before the byte order mark
# is known, in a line, just after a newline, just before the end).
size=$(wc -c <"$G")
nl=$(head -c 100000 "$G" | wc -l)
at_nl=$(head -n "$nl" "$G" | wc -c)
for cut in 1 2 3 50000 "$at_nl" $((at_nl - 1)) $((size - 1)); do
	run sh -c '{ head -c "$1" "$2"; sleep 0.2; tail -c +"$(($1 + 1))" "$2"; } | aml-export-ws' sh "$cut" "$G"
	same_file "$TMP/out" "$TMP/want-export.json" "two pieces, the first $cut bytes: the same output"
done

# Errors: the same line and column from the file as from the pipe.
head -c 2000000 "$G" >"$TMP/cut.json"
for prog in aml-export-ws aml-import-ws; do
	vrun "$prog" "$TMP/cut.json"
	expect_fail 1 "^$prog: $TMP/cut.json:[0-9]+:[0-9]+: unexpected end of input" "$prog: a cut file"
	sed "s|$TMP/cut.json|<stdin>|" "$TMP/err" >"$TMP/want-err"
	run sh -c 'cat "$1" | "$2"' sh "$TMP/cut.json" "$prog"
	same_file "$TMP/err" "$TMP/want-err" "$prog: the same error line from a pipe"
done
# A duplicate key in an object of thousands, far into the input.
awk 'NR == 3 { print "  \"location\": \"West Europe\"," } { print }' "$G" >"$TMP/dup-early.json"
last=$(grep -o '"node[0-9]*": {' "$G" | tail -1 | tr -dc 0-9)
sed "s/\"node$last\": {/\"node$((last - 1))\": {/" "$G" >"$TMP/dup-late.json"
for f in dup-early dup-late; do
	vrun aml-export-ws "$TMP/$f.json"
	expect_fail 1 "^aml-export-ws: $TMP/$f.json:[0-9]+:[0-9]+: duplicate key \"(location|node$((last - 1)))\"\$" "$f: duplicate key"
	sed "s|$TMP/$f.json|<stdin>|" "$TMP/err" >"$TMP/want-err"
	run sh -c 'cat "$1" | aml-export-ws' sh "$TMP/$f.json"
	same_file "$TMP/err" "$TMP/want-err" "$f: the same error line from a pipe"
done

# The limit is reported, not the syntax error before it.
{ echo '{ "properties": nonsense,'; cat "$G"; } >"$TMP/bad-start.json"
run env AML_MAX_INPUT=1M aml-export-ws "$TMP/bad-start.json"
expect_fail 1 "^aml-export-ws: $TMP/bad-start.json: input larger than 1048576 bytes" "over the limit from a file"
run sh -c 'cat "$1" | AML_MAX_INPUT=1M aml-export-ws' sh "$TMP/bad-start.json"
expect_fail 1 "^aml-export-ws: <stdin>: input larger than 1048576 bytes" "over the limit from a pipe, a syntax error before it"
# Under the limit, the syntax error; the writer was not cut off early.
run sh -c '{ cat "$1" && echo wrote-it-all >"$2"; } | aml-export-ws' sh "$TMP/bad-start.json" "$TMP/writer"
expect_fail 1 "^aml-export-ws: <stdin>:1:17: unexpected 'n', expected a JSON value\$" "a syntax error at the start of a pipe"
is "$(cat "$TMP/writer" 2>/dev/null)" wrote-it-all "the pipe was read to its end"

done_testing
