#!/bin/sh
# completion/gen.sh SHELL PROGRAM: the bash or zsh completion of one
# program, made from the program's own option table, which every
# aml-* program prints when its only argument is --aml-option-table
# (common/opt.c): one line an option, "LONG<TAB>ARG<TAB>LETTER", LONG
# or LETTER "-" when there is none, ARG 0 (no value), 1 (a value) or 2
# (an optional one).  The Makefile runs this for every program it
# builds, so that a completion can never offer what the program would
# refuse, nor miss what it takes, and a program added later gets its
# completion with no work of its own.
#
# Values are not guessed: after an option that takes one, and for the
# operands, the shell's own file name completion is offered (the
# values are files for most options, and anything else is typed).
set -eu

[ $# -eq 2 ] || { echo "usage: completion/gen.sh bash|zsh program" >&2; exit 2; }
shell=$1 prog=$2
name=$(basename "$prog")
table=$("$prog" --aml-option-table) || {
	echo "completion/gen.sh: $prog --aml-option-table failed" >&2; exit 1; }
[ -n "$table" ] || { echo "completion/gen.sh: $prog has no options" >&2; exit 1; }
tab=$(printf '\t')

# Every word an option can be typed as, and those that take a value.
words= valued=
while IFS=$tab read -r long arg letter; do
	for w in ${letter:+-$letter} ${long:+--$long}; do
		case $w in -- | --- | -) continue ;; esac
		words="$words $w"
		[ "$arg" = 1 ] && valued="$valued|$w"
	done
done <<EOT
$table
EOT
words=${words# }
valued=${valued#|}

case $shell in
bash)
	fn=_$(printf '%s' "$name" | tr -c 'A-Za-z0-9_\n' _)
	cat <<EOT
# bash completion for $name: made by completion/gen.sh from the
# program's own option table ($name --aml-option-table); do not edit.
$fn()
{
	local cur=\${COMP_WORDS[COMP_CWORD]} prev=
	[ "\$COMP_CWORD" -gt 0 ] && prev=\${COMP_WORDS[COMP_CWORD-1]}
	COMPREPLY=()
EOT
	[ -n "$valued" ] && cat <<EOT
	case \$prev in
	$valued)
		return 0 ;;	# a value: the shell's file names (-o default)
	esac
EOT
	cat <<EOT
	case \$cur in
	--*=*) ;;
	-*) COMPREPLY=(\$(compgen -W '$words' -- "\$cur")) ;;
	esac
	return 0
}
complete -o default -F $fn $name
EOT
	;;
zsh)
	cat <<EOT
#compdef $name
# zsh completion for $name: made by completion/gen.sh from the
# program's own option table ($name --aml-option-table); do not edit.
_arguments -s -S \\
EOT
	while IFS=$tab read -r long arg letter; do
		for w in ${letter:+-$letter} ${long:+--$long}; do
			case $w in -- | --- | -) continue ;; esac
			case $arg:$w in
			1:--*) printf "\t'%s=:value:_files' \\\\\n" "$w" ;;
			1:*) printf "\t'%s+:value:_files' \\\\\n" "$w" ;;
			2:--*) printf "\t'%s=-::value:_files' \\\\\n" "$w" ;;
			2:*) printf "\t'%s-::value:_files' \\\\\n" "$w" ;;
			*) printf "\t'%s' \\\\\n" "$w" ;;
			esac
		done
	done <<EOT
$table
EOT
	printf "\t'*:file:_files'\n"
	;;
*)
	echo "completion/gen.sh: $shell: bash or zsh" >&2
	exit 2
	;;
esac
