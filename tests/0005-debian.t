#!/bin/sh
# The Debian packages: debian/changelog carries the Makefile's VERSION
# (the one place the version is written) and debian/rules refuses to
# build when they differ; Build-Depends are the build's packages; and,
# where dpkg-buildpackage is installed, a copy of the tree builds
# aml-tools and aml-emulator, lintian-clean when lintian is there,
# each with exactly its files.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$TESTS/.." && pwd)
V=$(make -s --no-print-directory -C "$ROOT" version)

is "$(sed -n '1s/^aml-tools (\([^)]*\)).*/\1/p' "$ROOT/debian/changelog")" "$V" \
    "debian/changelog's version is the Makefile's VERSION"
bd=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$ROOT/debian/control")
missing=
debs=$(awk '/^BUILD_DEBS =/ { s = $0; while (s ~ /\\$/) { getline l; s = substr(s, 1, length(s) - 1) l }
    sub(/^BUILD_DEBS = /, "", s); print s }' "$ROOT/Makefile")
like "$debs" 'libmicrohttpd-dev' "(the Makefile's BUILD_DEBS, read whole)"
for p in $debs; do
	case $p in build-essential|pkg-config) continue ;; esac
	printf '%s\n' "$bd" | grep -q "$p" || missing="$missing $p"
done
is "$missing" "" "Build-Depends names every library package the Makefile builds with"
like "$bd" 'debhelper-compat \(= 13\)' "debhelper-compat 13"

# The package is built by debian/rules with Debian's flags, never the
# sanitizers': under make check SANITIZE=1 it would be the same build
# again, a minute of CI for nothing new.
if [ -n "${AML_SANITIZE:-}" ]; then
	skip "the packages are built with Debian's flags; the plain make check builds them" "the packages build"
	done_testing
	exit 0
fi
if ! command -v dpkg-buildpackage >/dev/null 2>&1; then
	skip "dpkg-buildpackage is not installed (apt-get install dpkg-dev debhelper)" "the packages build"
	done_testing
	exit 0
fi

# A changelog that disagrees with VERSION stops the build before it starts.
mkdir -p "$TMP/mismatch"
cp -a "$ROOT/Makefile" "$ROOT/debian" "$TMP/mismatch/"
sed -i '1s/(\([^)]*\))/(9.9.9)/' "$TMP/mismatch/debian/changelog"
rc=0
(cd "$TMP/mismatch" && debian/rules override_dh_auto_configure) >"$TMP/out" 2>"$TMP/err" || rc=$?
is "$rc" 2 "debian/rules stops on a changelog that is not VERSION"
like "$(cat "$TMP/err")" "debian/changelog says 9\\.9\\.9, the Makefile's VERSION is $V" "and says why"

rc=0
sh "$TESTS/deb-build.sh" "$TMP/deb" >"$TMP/out" 2>"$TMP/err" || rc=$?
is "$rc" 0 "dpkg-buildpackage -us -uc -b builds a copy of the tree$(command -v lintian >/dev/null && echo ', and lintian finds nothing')"
[ "$rc" = 0 ] || diag "$(tail -n 20 "$TMP/err")"
arch=$(dpkg --print-architecture)
T=$TMP/deb/aml-tools_${V}_$arch.deb
E=$TMP/deb/aml-emulator_${V}_$arch.deb
[ -f "$T" ] && [ -f "$E" ]; ok $? "two packages, aml-tools and aml-emulator, version $V"
[ -f "$T" ] && [ -f "$E" ] || { done_testing; exit 0; }
is "$(dpkg-deb -f "$T" Version) $(dpkg-deb -f "$E" Version)" "$V $V" "both of version $V"
files() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\.\//, "/", $6); print $6 }' | sort; }
files "$T" >"$TMP/t.files"
files "$E" >"$TMP/e.files"

# aml-tools: every program but the emulator, each with its page, aml.7,
# README, the examples, copyright and changelog.
{
	for p in $(cd "$ROOT/bin" && ls aml-* | grep -v '^aml-emulator$'); do
		echo "/usr/bin/$p"
		echo "/usr/share/man/man1/$p.1.gz"
	done
	echo /usr/share/man/man7/aml.7.gz
	echo /usr/share/doc/aml-tools/README.md.gz
	echo /usr/share/doc/aml-tools/changelog.gz
	echo /usr/share/doc/aml-tools/copyright
	(cd "$ROOT" && find examples -type f) | sed 's|^|/usr/share/doc/aml-tools/|'
} | sort >"$TMP/t.want"
# What make install installs besides (shell completions) goes in too.
grep -Ev '^/usr/(bin/|share/man/|share/doc/aml-tools/)' "$TMP/t.files" >"$TMP/t.more" || true
grep -E '^/usr/(bin/|share/man/|share/doc/aml-tools/)' "$TMP/t.files" >"$TMP/t.core"
same_file "$TMP/t.core" "$TMP/t.want" "aml-tools: the programs, their pages, aml.7, README and the examples"
unlike "$(cat "$TMP/t.more")" 'emulator' "and nothing of the emulator anywhere"
is "$(dpkg-deb -c "$T" | awk '$6 ~ /examples\/[^/]*\.sh$/ { print $1 }' | sort -u)" "-rwxr-xr-x" \
    "the example scripts can be run"
printf '%s\n' /usr/bin/aml-emulator /usr/share/doc/aml-emulator/changelog.gz \
    /usr/share/doc/aml-emulator/copyright /usr/share/man/man1/aml-emulator.1.gz | sort >"$TMP/e.want"
grep -E '^/usr/(bin/|share/man/|share/doc/)' "$TMP/e.files" >"$TMP/e.core"
same_file "$TMP/e.core" "$TMP/e.want" "aml-emulator: the emulator and its page"
is "$(grep -Ev '^/usr/(bin/|share/man/|share/doc/)' "$TMP/e.files" | grep -v 'aml-emulator[^/]*$')" "" \
    "and besides only files named after it (completions)"
like "$(dpkg-deb -f "$T" Depends)" 'libcurl4' "aml-tools depends on libcurl"
like "$(dpkg-deb -f "$E" Depends)" 'libmicrohttpd' "aml-emulator depends on libmicrohttpd"
unlike "$(dpkg-deb -f "$T" Depends)" 'libmicrohttpd|libjwt' "aml-tools does not need the emulator's libraries"

# The programs in the package run.
mkdir -p "$TMP/root"
dpkg-deb -x "$T" "$TMP/root"
dpkg-deb -x "$E" "$TMP/root"
is "$("$TMP/root/usr/bin/aml-get-plan" --version)" "aml-get-plan $V" "a packaged program runs"
is "$("$TMP/root/usr/bin/aml-emulator" --version)" "aml-emulator $V" "and the packaged emulator"
done_testing
