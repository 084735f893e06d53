#!/bin/sh
# make install and uninstall honour DESTDIR, PREFIX and MANDIR, install
# every program, page and shell completion with the right modes, and take
# all of it away.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$TESTS/.." && pwd)
D=$TMP/dest
# -o all: use what is built; never rebuild under a test run (a sanitized
# check must not be replaced by a plain build half-way), and keep the
# build's flavour, so that obj/flags (the flags the objects were built
# with) is left as it is for the tests after this one.
inst() {
	make -s -C "$ROOT" -o all "$@" DESTDIR="$D" PREFIX=/opt/aml MANDIR=/opt/aml/man \
	    SANITIZE="${AML_SANITIZE:-}" >"$TMP/make.out" 2>&1
}

inst install; ok $? "make install"
for p in $(cd "$ROOT/bin" && ls aml-*); do
	f=$D/opt/aml/bin/$p
	[ -x "$f" ] && [ "$(stat -c %a "$f")" = 755 ]; ok $? "$p installed 0755 under PREFIX/bin"
	[ "$(stat -c %a "$D/opt/aml/man/man1/$p.1" 2>/dev/null)" = 644 ]; ok $? "$p.1 installed 0644 under MANDIR/man1"
	[ "$(stat -c %a "$D/opt/aml/share/bash-completion/completions/$p" 2>/dev/null)" = 644 ]
	ok $? "$p's bash completion under PREFIX/share/bash-completion/completions"
	[ "$(stat -c %a "$D/opt/aml/share/zsh/site-functions/_$p" 2>/dev/null)" = 644 ]
	ok $? "$p's zsh completion under PREFIX/share/zsh/site-functions"
done
# bash-completion loads a command's file by the command's name.
bash -c '. "$1"; complete -p aml-get-ws' bash "$D/opt/aml/share/bash-completion/completions/aml-get-ws" \
    >"$TMP/complete" 2>&1
like "$(cat "$TMP/complete")" '^complete -o default -F _aml_get_ws aml-get-ws$' "an installed completion registers itself"
[ -f "$D/opt/aml/man/man7/aml.7" ]; ok $? "aml.7 installed under MANDIR/man7"
"$D/opt/aml/bin/aml-export-ws" --version >/dev/null; ok $? "an installed program runs"
DOC=$D/opt/aml/share/doc/aml-tools
cmp -s "$DOC/README.md" "$ROOT/README.md"; ok $? "README.md under PREFIX/share/doc/aml-tools"
[ "$(stat -c %a "$DOC/README.md")" = 644 ]; ok $? "0644"
for f in $(cd "$ROOT/examples" && find . -type f | sort); do
	cmp -s "$DOC/examples/$f" "$ROOT/examples/$f"; ok $? "examples/${f#./} under DOCDIR/examples"
done
[ -x "$DOC/examples/demo.sh" ]; ok $? "the example scripts can be run"
rm -rf "$D"
make -s -C "$ROOT" -o all install DESTDIR="$D" PREFIX=/opt/aml DOCDIR=/opt/doc/aml EXAMPLESDIR=/opt/ex \
    >"$TMP/make.out" 2>&1
[ -f "$D/opt/doc/aml/README.md" ] && [ -f "$D/opt/ex/demo.sh" ] && [ -f "$D/opt/ex/data/rows.json" ]
ok $? "DOCDIR and EXAMPLESDIR"
make -s -C "$ROOT" uninstall DESTDIR="$D" PREFIX=/opt/aml DOCDIR=/opt/doc/aml EXAMPLESDIR=/opt/ex \
    >"$TMP/make.out" 2>&1
[ ! -e "$D/opt/doc/aml" ] && [ ! -e "$D/opt/ex" ]; ok $? "uninstall removes them"
rm -rf "$D"
inst install

inst uninstall; ok $? "make uninstall"
is "$(find "$D" -type f | wc -l | tr -d ' ')" 0 "uninstall leaves no file behind"
[ ! -e "$D/opt/aml/share/doc/aml-tools" ]; ok $? "nor the documentation's directories"

# make deps, run by someone who cannot install, names the exact command.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v su >/dev/null 2>&1 &&
    su -s /bin/sh nobody -c "test -r '$ROOT/Makefile'" 2>/dev/null; then
	rc=0
	su -s /bin/sh nobody -c "make -s -C '$ROOT' deps" >"$TMP/out" 2>"$TMP/err" || rc=$?
	[ "$rc" -ne 0 ]; ok $? "make deps as an ordinary user fails"
	like "$(cat "$TMP/err")" "as root, run: apt-get install -y build-essential .*libjwt-dev" \
	    "and prints the apt-get install line"
else
	skip "needs root, su and a readable tree" "make deps as an ordinary user"
fi
done_testing
