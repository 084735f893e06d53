#!/bin/sh
# A filter ended by a signal while it writes -o FILE leaves neither FILE
# nor its temporary file: the man pages promise it, and a 160 MB
# ".out.json.XXXXXX" left behind in a repository is what a user finds
# otherwise.  gdb stops each filter where the temporary file is written
# but not yet renamed (aml_afile_commit) and delivers the signal there,
# so that no timing is involved.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-filters.sh"

if ! command -v gdb >/dev/null 2>&1; then
	skip "gdb is not installed (make deps installs it)" "signals during -o"
	done_testing
	exit 0
fi

IN=$FIX/trained-get.json
aml-export-ws "$IN" >"$TMP/def.json" || { echo "Bail out! no definition"; exit 1; }

# stopped SIGNAL PROGRAM ARGS...: run it under gdb, stopped before the
# rename, and deliver SIGNAL; gdb's last words say how it ended.
stopped() {
	_sig=$1; shift
	rm -rf "$TMP/d"
	mkdir "$TMP/d"
	timeout 120 gdb -q -batch -nx -ex 'set confirm off' -ex 'break aml_afile_commit' \
	    -ex "handle $_sig nostop noprint pass" -ex run -ex "signal $_sig" \
	    --args "$@" </dev/null >"$TMP/gdb" 2>&1
}

for sig in SIGTERM SIGINT SIGHUP; do
	for f in aml-export-ws aml-patch-ilearner aml-import-ws; do
		case $f in
		aml-export-ws)	set -- aml-export-ws -o "$TMP/d/out.json" "$IN" ;;
		aml-patch-ilearner) set -- aml-patch-ilearner -u https://x.blob.core.windows.net/m/new.ilearner \
			    -o "$TMP/d/out.json" "$TMP/def.json" ;;
		aml-import-ws)	set -- aml-import-ws -o "$TMP/d/out.json" "$TMP/def.json" ;;
		esac
		prog=$(command -v "$1")
		shift
		stopped "$sig" "$prog" "$@"
		grep -q "Breakpoint 1, aml_afile_commit" "$TMP/gdb"
		ok $? "$f: stopped with the temporary file written ($sig)"
		grep -q "terminated with signal $sig" "$TMP/gdb"
		ok $? "$f: $sig ended it"
		is "$(ls -A "$TMP/d")" "" "$f: $sig left no file, temporary or not"
	done
done

done_testing
