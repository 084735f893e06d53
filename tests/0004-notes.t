#!/bin/sh
# Every citation of a note resolves (notes/README.md): each
# "notes/NAME.md" in the code, the manual pages, the tests, the
# documents and the notes themselves names a file of notes/, and each
# "notes/NAME.md §N" a heading numbered N in it ("## N." or "### N.M").
# A citation cut across lines ("notes/arm-" then "webservices.md") and
# one without a file ("notes §2") resolve to nothing and fail.  Notes
# being written apart (aml2-endpoints.md, commitment-plans.md,
# classic-endpoints.md) are skipped, saying so, while they are not
# there.  No program is run: this needs only the tree.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$TESTS/.." && pwd)
LATER="aml2-endpoints.md commitment-plans.md classic-endpoints.md"

# cites FILE...: one line per citation, "file<TAB>line<TAB>kind<TAB>
# note<TAB>section": kind "cite" (note NAME.md, section N or empty),
# "cut" (notes/NAME without .md) or "bare" (notes §N).  Bytes, not
# characters: § is matched as its two UTF-8 bytes.
cites() {
	LC_ALL=C perl -ne '
		while (m{notes/([A-Za-z0-9_-]+)(\.md)?((?: \x{c2}\x{a7}[0-9]+(?:\.[0-9]+)*)?)}g) {
			my ($n, $md, $s) = ($1, $2, $3);
			if (!defined $md) { print "$ARGV\t$.\tcut\tnotes/$n\t\n"; next }
			$s =~ s/^ \x{c2}\x{a7}//;
			print "$ARGV\t$.\tcite\t$n.md\t$s\n";
		}
		print "$ARGV\t$.\tbare\t\t\n" while m{(?<![\w/.-])notes \x{c2}\x{a7}[0-9]}g;
		close ARGV if eof;
	' "$@"
}

# heading DIR NOTE N: NOTE in DIR has a heading numbered N (outside
# fenced code).
heading() {
	awk -v n="$3" '
		/^```/ { fence = !fence; next }
		!fence && /^#+ / { w = $2; sub(/\.$/, "", w); if (w == n) found = 1 }
		END { exit !found }' "$1/$2"
}

# verdict DIR NOTE SECTION: "ok" when the citation resolves, "skip"
# when it names a note written apart that DIR does not have yet, else
# "no ..." saying what is missing.
verdict() {
	case " $LATER " in
	*" $2 "*) [ -f "$1/$2" ] || { echo skip; return; } ;;
	esac
	if [ ! -f "$1/$2" ]; then
		echo "no file notes/$2"
	elif [ -n "$3" ] && ! heading "$1" "$2" "$3"; then
		echo "no heading numbered $3 in notes/$2"
	else
		echo ok
	fi
}

# The checker itself, on planted files: it must find what is wrong.
mkdir -p "$TMP/plant/notes"
printf '# A\n\n## 1. One\n\n### 1.2 Two\n\n```\n## 3. in a code block\n```\n' >"$TMP/plant/notes/a.md"
cat >"$TMP/plant/x.c" <<'EOF'
/* notes/a.md §1.2 and notes/a.md §1 and notes/a.md */
/* notes/a.md §3 notes/b.md (notes §4) notes/a-
 * .md */
EOF
cites "$TMP/plant/x.c" | cut -f2- >"$TMP/plant/found"
printf '%s\n' "1	cite	a.md	1.2" "1	cite	a.md	1" "1	cite	a.md	" \
    "2	cite	a.md	3" "2	cite	b.md	" "2	cut	notes/a-	" "2	bare		" >"$TMP/plant/want"
same_file "$TMP/plant/found" "$TMP/plant/want" "the scan finds citations, cut ones and bare ones"
is "$(verdict "$TMP/plant/notes" a.md 1.2)" ok "a planted subsection resolves"
is "$(verdict "$TMP/plant/notes" a.md "")" ok "a planted note resolves"
is "$(verdict "$TMP/plant/notes" a.md 3)" "no heading numbered 3 in notes/a.md" \
    "a section only in a code block does not"
is "$(verdict "$TMP/plant/notes" a.md 1.3)" "no heading numbered 1.3 in notes/a.md" \
    "a missing section does not"
is "$(verdict "$TMP/plant/notes" b.md "")" "no file notes/b.md" "a missing note does not"
is "$(verdict "$TMP/plant/notes" commitment-plans.md 2)" skip \
    "a note written apart is skipped while it is missing"
printf '# C\n\n## 1. One\n' >"$TMP/plant/notes/commitment-plans.md"
is "$(verdict "$TMP/plant/notes" commitment-plans.md 2)" "no heading numbered 2 in notes/commitment-plans.md" \
    "and checked once it is there"

# The tree.
cd "$ROOT" || exit 1
find common tools tests/emulator man notes examples bench fuzz -type f \
    \( -name '*.[ch]' -o -name '*.[17]' -o -name '*.md' -o -name '*.sh' -o -name '*.py' \
    -o -name '*.js' -o -name README \) 2>/dev/null | sort >"$TMP/files"
ls tests/*.t tests/*.sh README.md HACKING.md 2>/dev/null | grep -v '^tests/0004-notes\.t$' >>"$TMP/files"
cites $(cat "$TMP/files") >"$TMP/cites"
[ -s "$TMP/cites" ]; ok $? "the tree cites notes ($(wc -l <"$TMP/cites" | tr -d ' ') citations)"

awk -F'\t' '$3 == "cut" { print $1 ":" $2 ": " $4 }' "$TMP/cites" >"$TMP/cut"
is "$(cat "$TMP/cut")" "" "no citation is cut across lines (notes/NAME without .md)"
awk -F'\t' '$3 == "bare" { print $1 ":" $2 }' "$TMP/cites" >"$TMP/bare"
is "$(cat "$TMP/bare")" "" "every section citation names its note (no bare \"notes §N\")"

# One check per note and section cited, with where it is cited.
awk -F'\t' '$3 == "cite" { print $4 "\t" $5 }' "$TMP/cites" | sort -u >"$TMP/targets"
while IFS='	' read -r note sect; do
	where=$(awk -F'\t' -v n="$note" -v s="$sect" '$3 == "cite" && $4 == n && $5 == s { print $1 ":" $2 }' \
	    "$TMP/cites" | head -3 | tr '\n' ' ')
	what="notes/$note${sect:+ §$sect} resolves (cited in ${where% })"
	v=$(verdict notes "$note" "$sect")
	case $v in
	ok) ok 0 "$what" ;;
	skip) skip "notes/$note is not written yet" "$what" ;;
	*) ok 1 "$what"; diag "$v" ;;
	esac
done <"$TMP/targets"

# Every note is listed in notes/README.md.
for f in notes/*.md; do
	n=${f#notes/}
	[ "$n" = README.md ] && continue
	grep -q "$n" notes/README.md; ok $? "notes/README.md describes $n"
done
done_testing
