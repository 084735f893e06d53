#!/bin/sh
# The command-line contract every program keeps (HACKING.md): --help on
# stdout with exit 0, --version, exit 2 on a bad option, and a man page
# that lints clean, has the sections users look for, and documents every
# long option that --help shows.
. "$(dirname "$0")/lib.sh"

BIN=$TESTS/../bin
MAN=$TESTS/../man
progs=$(cd "$BIN" && ls aml-* 2>/dev/null)
[ -n "$progs" ] || { echo "Bail out! nothing built in bin/"; exit 1; }

for p in $progs; do
	run "$p" --help
	is "$rc" 0 "$p --help exits 0"
	like "$(head -1 "$TMP/out")" "^usage: $p( |$)" "$p --help prints usage on stdout"
	cp "$TMP/out" "$TMP/help"
	run "$p" -h
	is "$rc" 0 "$p -h exits 0"
	same_file "$TMP/out" "$TMP/help" "$p -h prints what --help prints"

	run "$p" --version
	is "$(cat "$TMP/out")" "$p 0.1.0" "$p --version"

	run "$p" --no-such-option </dev/null
	is "$rc" 2 "$p rejects an unknown option with exit 2"
	is "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "$p writes nothing on stdout on a usage error"
	like "$(cat "$TMP/err")" "usage: $p" "$p shows usage on a usage error"

	page=$MAN/$p.1
	if [ ! -f "$page" ]; then
		ok 1 "$p has a man page"
		continue
	fi
	ok 0 "$p has a man page"
	if command -v mandoc >/dev/null 2>&1; then
		lint=$(mandoc -Tlint -Wwarning "$page" 2>&1)
		is "$lint" "" "man/$p.1 passes mandoc -Tlint"
	else
		skip "mandoc not installed" "man/$p.1 passes mandoc -Tlint"
	fi
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		grep -q "^\.Sh $s\$" "$page"; ok $? "man/$p.1 has $s"
	done
	# Every long option in --help is documented.
	"$p" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$TMP/opts"
	missing=
	while read -r o; do
		grep -q -- "Fl -${o#--}" "$page" || missing="$missing $o"
	done <"$TMP/opts"
	is "$missing" "" "man/$p.1 documents every long option of --help"
done

if [ -f "$MAN/aml.7" ]; then
	for p in $progs; do
		grep -q "Xr $p 1" "$MAN/aml.7"; ok $? "aml.7 lists $p"
	done
else
	ok 1 "man/aml.7 exists"
fi
done_testing
