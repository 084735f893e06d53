#!/bin/sh
# The build's dependency step, as an ordinary user who cannot install:
# a missing pkg-config module stops `make`, `make check` and `make demo`
# with the Debian package named (each runs the step itself), and a
# missing test tool stops `make check`.  Nothing here rebuilds the tree:
# the step fails before anything is compiled, and nobody cannot write
# the tree anyway.  And the pure filters link no network library.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$TESTS/.." && pwd)

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v su >/dev/null 2>&1 &&
    su -s /bin/sh nobody -c "test -r '$ROOT/Makefile'" 2>/dev/null; then
	# nobody must reach the wrappers below.
	chmod 0755 "$TMP"
	NB=$TMP/nobody
	mkdir -m 0755 "$NB" "$NB/path"

	# A pkg-config that has everything but libjwt.
	real_pc=$(command -v pkg-config)
	cat >"$NB/pkg-config" <<EOF
#!/bin/sh
for a in "\$@"; do
	case \$a in
	libjwt) echo "Package libjwt was not found in the pkg-config search path." >&2; exit 1 ;;
	esac
done
exec "$real_pc" "\$@"
EOF
	chmod 0755 "$NB/pkg-config"

	# as_nobody CMD: run CMD as nobody in the tree, the flavour of the
	# build kept (a sanitized tree stays sanitized).
	as_nobody() {
		rc=0
		su -s /bin/sh nobody -c "cd '$ROOT' && $1" >"$TMP/out" 2>"$TMP/err" || rc=$?
	}
	SAN="SANITIZE=${AML_SANITIZE:-}"

	as_nobody "make -s deps-check PKG_CONFIG='$NB/pkg-config' $SAN"
	[ "$rc" -ne 0 ]; ok $? "deps-check: a missing module stops it"
	like "$(head -1 "$TMP/err")" '^make: missing build dependencies: libjwt-dev$' \
	    "the first line names the Debian package of the module"
	like "$(cat "$TMP/err")" 'as root, run: apt-get install -y build-essential .*libjwt-dev' \
	    "then the apt-get line, since nobody cannot install"
	is "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "nothing on stdout"

	# has_line FILE LINE DESCRIPTION: FILE has LINE, whole.
	has_line() {
		if grep -Fxq -- "$2" "$1"; then ok 0 "$3"; else
			ok 1 "$3"; diag "no line \"$2\" in:" "$(head -5 "$1")"; fi
	}
	for t in all check demo; do
		as_nobody "make $t PKG_CONFIG='$NB/pkg-config' $SAN"
		[ "$rc" -ne 0 ]; ok $? "make $t: stops"
		has_line "$TMP/err" "make: missing build dependencies: libjwt-dev" \
		    "make $t runs the dependency step itself and names libjwt-dev"
		# Without -s make echoes every compile and link: there is none.
		! grep -Eq "^(${CC:-cc}|ar) " "$TMP/out"; ok $? "make $t compiles nothing"
	done
	as_nobody "make -s PKG_CONFIG='$NB/pkg-config' $SAN"
	[ "$rc" -ne 0 ]; ok $? "plain make: stops"
	has_line "$TMP/err" "make: missing build dependencies: libjwt-dev" "with the same line"

	# A test tool missing: a PATH with what the build needs, but no jq.
	for c in sh make cc pkg-config mkdir cat id prove curl openssl; do
		p=$(command -v "$c") && ln -s "$p" "$NB/path/$c"
	done
	as_nobody "PATH='$NB/path' make -s -o all check $SAN"
	[ "$rc" -ne 0 ]; ok $? "make check without jq: stops"
	like "$(head -1 "$TMP/err")" '^make: missing test dependencies: jq$' \
	    "naming the Debian package of the test tool"
	! grep -q 'prove\|^tests/' "$TMP/err" "$TMP/out"; ok $? "before any test runs"
	as_nobody "PATH='$NB/path' make -s -o all demo $SAN"
	[ "$rc" -ne 0 ]; ok $? "make demo without jq: stops"
	like "$(head -1 "$TMP/err")" '^make: missing test dependencies: jq$' "with the same line"
	is "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "and the demo did not start"
else
	skip "needs root, su and a readable tree" "the dependency step as an ordinary user"
fi
# The pure filters never load libcurl, libjwt or OpenSSL (their load
# alone costs milliseconds a process); a network program does, which
# shows that ldd sees them.
if command -v ldd >/dev/null 2>&1; then
	for p in aml-export-ws aml-patch-ilearner aml-import-ws aml-export-deployment \
	    aml-patch-model aml-import-deployment; do
		run ldd "$ROOT/bin/$p"
		expect_ok "ldd $p"
		unlike "$(cat "$TMP/out")" 'lib(curl|jwt|ssl|crypto)[.-]' "$p links no libcurl, libjwt or OpenSSL"
	done
	run ldd "$ROOT/bin/aml-get-ws"
	like "$(cat "$TMP/out")" 'libcurl[.-]' "aml-get-ws does link libcurl"
else
	skip "no ldd" "the filters link no libcurl"
fi
done_testing
