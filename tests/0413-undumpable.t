#!/bin/sh
# A network program holds tokens and keys in memory: it is not
# dumpable from its first instruction (no core file, no ptrace by other
# processes of the user).  The filters hold no secret and stay as they
# are.  gdb, stopped at main, asks prctl(PR_GET_DUMPABLE).
. "$(dirname "$0")/lib.sh"

if ! command -v gdb >/dev/null 2>&1; then
	skip "gdb is not installed (make deps installs it)" "dumpable state"
	done_testing
	exit 0
fi

dumpable() {	# dumpable PROGRAM: 0 or 1, as prctl says at main
	timeout 120 gdb -q -batch -nx -iex 'set debuginfod enabled off' -iex 'set auto-load off' \
	    -ex 'break main' -ex run \
	    -ex 'print (int)prctl(3, 0, 0, 0, 0)' --args "$(command -v "$1")" --version \
	    </dev/null 2>/dev/null | sed -n 's/^\$1 = //p'
}

for p in $(cd "$TESTS/../bin" && ls aml-*); do
	case $p in
	aml-export-* | aml-import-* | aml-patch-ilearner | aml-patch-model) want=1 ;;
	*)	want=0 ;;
	esac
	is "$(dumpable "$p")" "$want" "$p: dumpable $want"
done

done_testing
