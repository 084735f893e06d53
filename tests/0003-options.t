#!/bin/sh
# The options of every program, from the table each prints itself
# (--aml-option-table, common/opt.c): one vocabulary (a letter means one
# thing across the toolkit, HACKING.md); every option in --help and the
# man page; a refused option said in the toolkit's words with the
# nearest one suggested; and the shell completions the build makes from
# the tables: bash's through compgen in the generated function, zsh's
# parsed and registered by compinit.
. "$(dirname "$0")/lib.sh"

BIN=$TESTS/../bin
MAN=$TESTS/../man
COMP=$TESTS/../obj/completion
progs=$(cd "$BIN" && ls aml-* 2>/dev/null)
[ -n "$progs" ] || { echo "Bail out! nothing built in bin/"; exit 1; }
tab=$(printf '\t')

# The letters of the toolkit: each, the long name it stands for (a
# regex) and whether it takes a value (vocab: aml(7), OPTIONS).  -b is
# "the file the step before printed", named after what that is.
cat >"$TMP/letters" <<'EOF'
a	asset|resource	1
b	.+	1
B	base-location	1
c	compact	0
C	certificate	1
d	deployment	1
D	device-code	0
e	endpoint	1
E	ca-bundle	1
f	force	0
F	federated-token-file	1
g	resource-group	1
h	help	0
i	id	1
I	identity	0
j	job	1
k	key-file	1
K	save-key	1
l	location	1
L	relative-location	1
m	max-time	1
M	model-output	1
n	name	1
o	output	1
p	service-principal	0
P	certificate-password-file	1
q	quiet	0
r	raw	0
s	subscription	1
t	tenant	1
T	token-stdin	0
u	uri|model	1
U	url|endpoint-url	1
v	verbose	0
V	version	0
w	workspace	1
W	save-secret	0
EOF
# Switches that change what a program waits for: long names only.
waits='no-wait|no-verify|cancel-on-exit'

for p in $progs; do
	"$BIN/$p" --aml-option-table >"$TMP/table" 2>"$TMP/err"
	is "$?:$(cat "$TMP/err")" "0:" "$p --aml-option-table"
	test -s "$TMP/table"; ok $? "$p has an option table"

	# One meaning a letter (the emulator is a test tool with its own).
	if [ "$p" != aml-emulator ]; then
		# One awk for the whole table: letter, long name (a regular
		# expression over the names the letter may have) and argument.
		bad=$(awk -F'\t' 'NR == FNR { re[$1] = $2; warg[$1] = $3; next }
		    $3 == "-" { next }
		    !($3 in re) { bad = bad " -" $3 "(not in the vocabulary)"; next }
		    $1 !~ ("^(" re[$3] ")$") || $2 != warg[$3] { bad = bad " -" $3 "/--" $1 }
		    END { print bad }' "$TMP/letters" "$TMP/table")
		is "$bad" "" "$p: every letter means what it means everywhere"
		is "$(awk -F'\t' -v w="^($waits)\$" '$1 ~ w && $3 != "-" { print $1 }' "$TMP/table")" "" \
		    "$p: switches that change the waiting have long names only"
	fi

	# Every option of the table in --help and in the man page.
	"$BIN/$p" --help >"$TMP/help"
	# --long (Fl -long in mdoc) as a word: what follows is not a word
	# character.
	words='function has(text, w) { return text ~ (w "([^A-Za-z0-9_]|$)") }'
	missing=$(awk -F'\t' "$words"'
	    FILENAME == ARGV[1] { help = help $0 "\n"; next }
	    $1 != "-" && !has(help, "--" $1) { m = m " --" $1 }
	    END { print m }' "$TMP/help" "$TMP/table")
	undoc=$( { cat "$MAN/$p.1" 2>/dev/null || :; } | awk -F'\t' "$words"'
	    FILENAME == "-" { man = man $0 "\n"; next }
	    $1 != "-" && !has(man, "Fl -" $1) { u = u " --" $1 }
	    END { print u }' - "$TMP/table")
	is "$missing" "" "$p --help shows every option"
	is "$undoc" "" "man/$p.1 documents every option"

	# A refused long option: one line, the nearest suggested, usage.
	run "$p" --vebrose </dev/null
	is "$rc" 2 "$p --vebrose: exit 2"
	is "$(head -1 "$TMP/err")" "$p: unknown option --vebrose; did you mean --verbose?" \
	    "$p --vebrose: did you mean --verbose?"
	like "$(sed -n 2p "$TMP/err")" "^usage: $p( |\$)" "$p --vebrose: then the usage"
	run "$p" --help=x </dev/null
	is "$(head -1 "$TMP/err")" "$p: option --help takes no value" "$p --help=x: takes no value"

	# bash: every word of every option completes, through the function
	# the generated file defines, as bash itself would call it.
	f=$COMP/bash/$p
	if [ ! -f "$f" ]; then
		ok 1 "$p has a bash completion"
	else
		awk -F'\t' '$3 != "-" { print "-" $3 } $1 != "-" { print "--" $1 }' "$TMP/table" >"$TMP/words"
		bash -c '
			. "$1"
			fn=$(complete -p "$2" | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
			[ -n "$fn" ] || { echo "no complete -F for $2"; exit 1; }
			while read -r w; do
				COMP_WORDS=("$2" "$w"); COMP_CWORD=1; COMPREPLY=()
				"$fn" "$2" "$w" "$2"
				printf "%s\n" "${COMPREPLY[@]}" | grep -qxF -- "$w" || echo "$w"
			done <"$3"
			COMP_WORDS=("$2" -); COMP_CWORD=1; COMPREPLY=()
			"$fn" "$2" - "$2"
			[ "${#COMPREPLY[@]}" -eq "$(wc -l <"$3")" ] || echo "- offers ${#COMPREPLY[@]}"
		' bash "$f" "$p" "$TMP/words" >"$TMP/bash.out" 2>&1
		is "$(cat "$TMP/bash.out")" "" "$p: bash completes every option ($(wc -l <"$TMP/words" | tr -d ' ') words)"
		valued=$(awk -F'\t' '$2 == 1 && $1 != "-" { print "--" $1; exit }' "$TMP/table")
		if [ -n "$valued" ]; then
			n=$(bash -c '. "$1"; fn=$(complete -p "$2" | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
			    COMP_WORDS=("$2" "$3" ""); COMP_CWORD=2; "$fn" "$2" "" "$3"; echo "${#COMPREPLY[@]}"' \
			    bash "$f" "$p" "$valued")
			is "$n" 0 "$p: after $valued, no option offered (the shell's file names)"
		fi
	fi

done

# zsh: every file parses and one compinit (it scans the whole fpath,
# most of a second) registers each for its program.
if ! command -v zsh >/dev/null 2>&1; then
	skip "zsh not installed" "zsh completions"
else
	zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -D; shift
	    for p; do
		if [[ -f $fpath[1]/_$p ]] && autoload -U +X "_$p" 2>/dev/null; then
			print -r -- "$p $_comps[$p]"
		else
			print -r -- "$p (none)"
		fi
	    done' zsh "$COMP/zsh" $progs >"$TMP/zsh.out" 2>&1
	for p in $progs; do
		is "$(grep "^$p " "$TMP/zsh.out")" "$p _$p" "$p: zsh's compinit loads _$p for it"
	done
fi

# The did-you-mean of the renamed options, and of a slip.
run aml-login --tenat x
is "$(head -1 "$TMP/err")" "aml-login: unknown option --tenat; did you mean --tenant?" "--tenat: did you mean --tenant?"
run aml-get-ws --timeout 5
is "$(head -1 "$TMP/err")" "aml-get-ws: unknown option --timeout; did you mean --max-time?" "--timeout, renamed: --max-time"
run aml-login --secret-file x
is "$(head -1 "$TMP/err")" "aml-login: unknown option --secret-file; did you mean --key-file?" "--secret-file, renamed: --key-file"
run aml-add-region --region x
is "$(head -1 "$TMP/err")" "aml-add-region: unknown option --region; did you mean --location?" "--region, renamed: --location"
run aml-login --xyzzy
is "$(head -1 "$TMP/err")" "aml-login: unknown option --xyzzy" "nothing near: no suggestion"
run aml-login --s x
is "$(head -1 "$TMP/err")" "aml-login: option --s is ambiguous: --subscription, --service-principal, --secret-stdin, --save-secret" \
    "an ambiguous abbreviation names the candidates"
run aml-login -t
is "$(head -1 "$TMP/err")" "aml-login: option -t needs a value" "a letter without its value"
run aml-login --tenant
is "$(head -1 "$TMP/err")" "aml-login: option --tenant needs a value" "a long option without its value"
run aml-login -Z
is "$(head -1 "$TMP/err")" "aml-login: unknown option -Z" "an unknown letter"
done_testing
