#!/bin/sh
# Keys chosen to share a hash slot (bench/dupflood.pl: node ids whose
# unseeded FNV-1a hashes agree in the bits that picked the slot) cost the
# parser's duplicate-key check and aml-import-ws's reference lookups
# linear work, as any other keys do: the table hash is keyed (hash.c).
#
# How "linear" is asserted without a clock: the instructions each
# program executes, counted by valgrind's cachegrind, on 2,048 ids and
# on four times as many.  Linear work executes four times as many
# instructions (a little less: starting the program is a constant);
# the quadratic check executed 11 to 14 times as many (export 30 M then
# 319 M, import 86 M then 1,173 M instructions).  The bound is 6.  An
# instruction count does not depend on how busy the machine is, which a
# time under `timeout` would, however generous the bound: this test
# cannot fail because the machine is slow, nor pass because it is fast.
# Where the count cannot be taken (no valgrind, or a sanitized build,
# which valgrind cannot run) those lines are skipped, and the rest
# checks what a flood must give: the definition, or the duplicate key's
# line, under `timeout` only so that a regression ends instead of
# hanging the run.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-filters.sh"
export LC_ALL=C
GEN=$TESTS/../bench/dupflood.pl
BOUND=600

# A flood of 20,000 ids with an edge between each two: the definition
# comes out, every node and edge in it.
perl "$GEN" -e 20000 >"$TMP/flood.json"
run timeout $BOUND aml-import-ws "$TMP/flood.json"
expect_ok "20,000 colliding node ids and 19,999 edges: valid"
cp "$TMP/out" "$TMP/imported.json"
is "$(jq -c '.properties.package | [(.nodes | length), (.edges | length)]' "$TMP/out")" \
    "[20000,19999]" "every node and edge is written"
jq -S . "$TMP/flood.json" >"$TMP/want.json"
jq -S . "$TMP/out" | cmp -s - "$TMP/want.json"
ok $? "the same definition, member for member"
run sh -c 'cat "$1" | timeout "$2" aml-export-ws' sh "$TMP/flood.json" $BOUND
expect_ok "aml-export-ws reads it from a pipe"
same_file "$TMP/out" "$TMP/imported.json" "and writes what aml-import-ws wrote"

# The same with the last id again at the end: the duplicate is found,
# where it stands (line 11 is the first node's).
perl "$GEN" -d 20000 >"$TMP/dup.json"
last=$(sed -n '20010p' "$TMP/dup.json" | cut -d'"' -f2)
for prog in aml-export-ws aml-import-ws aml-patch-ilearner; do
	args=
	[ $prog = aml-patch-ilearner ] && args="-u https://acct.blob.core.windows.net/m/x.ilearner"
	run timeout $BOUND $prog $args "$TMP/dup.json"
	expect_fail 1 "^$prog: $TMP/dup.json:20011:9: duplicate key \"$last\"\$" \
	    "$prog: the duplicate among 20,000 colliding ids"
done

# The count.  icount PROG FILE: instructions PROG executes on FILE.
icount() {
	valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
	    "$1" "$2" 2>&1 >/dev/null | sed -n 's/^==[0-9]*== I *refs: *//p' | tr -d ,
}
if [ -n "${AML_SANITIZE:-}" ]; then
	why="valgrind cannot run a sanitized build"
elif ! command -v valgrind >/dev/null 2>&1; then
	why="valgrind is not installed"
else
	why=
	perl "$GEN" -e 2048 >"$TMP/small.json"
	perl "$GEN" -e 8192 >"$TMP/big.json"
fi
# An object of 4,096 keys, and 2,000 of 9 keys (the least that goes
# through the table) before or after it.  The check cleared a table as
# large as the largest object so far for each of them: 22 times the
# instructions after it than before it.  The table is sized per object.
bigsmall() {	# bigsmall big|small: which comes first
	awk -v first="$1" '
	function big(i) {
		printf "\"big\":{"
		for (i = 0; i < 4096; i++)
			printf "%s\"k%d\":0", i ? "," : "", i
		printf "}"
	}
	function small(i, j) {
		printf "\"small\":["
		for (j = 0; j < 2000; j++) {
			printf "%s{", j ? "," : ""
			for (i = 0; i < 9; i++)
				printf "%s\"s%d\":0", i ? "," : "", i
			printf "}"
		}
		printf "]"
	}
	BEGIN {
		printf "{"
		if (first == "big") { big(); printf ","; small() } else { small(); printf ","; big() }
		print "}"
	}'
}
bigsmall big >"$TMP/big-first.json"
bigsmall small >"$TMP/small-first.json"
run aml-export-ws "$TMP/big-first.json"
expect_fail 1 "^aml-export-ws: $TMP/big-first.json: properties: required\$" \
    "a big object, then many small ones: parsed (it is no definition)"
if [ -n "$why" ]; then
	skip "$why" "many small objects after a big one: no more instructions than before it"
else
	a=$(icount "$(command -v aml-export-ws)" "$TMP/small-first.json")
	b=$(icount "$(command -v aml-export-ws)" "$TMP/big-first.json")
	[ -n "$a" ] && [ "${b:-0}" -gt 0 ] && [ "$(( b * 2 ))" -le "$(( a * 3 ))" ]
	ok $? "many small objects after a big one: at most 1.5 times the instructions of before it ($a, then $b)"
fi

for prog in aml-export-ws aml-import-ws; do
	if [ -n "$why" ]; then
		skip "$why" "$prog: four times the ids, at most six times the instructions"
		continue
	fi
	a=$(icount "$(command -v $prog)" "$TMP/small.json")
	b=$(icount "$(command -v $prog)" "$TMP/big.json")
	like "$a $b" '^[0-9]+ [0-9]+$' "$prog: instructions counted ($a, $b)"
	[ "${b:-0}" -le "$(( ${a:-0} * 6 ))" ]
	ok $? "$prog: four times the ids, at most six times the instructions ($a, then $b)"
done

done_testing
