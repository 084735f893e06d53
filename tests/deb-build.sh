#!/bin/sh
# tests/deb-build.sh OUTDIR: build the Debian packages (debian/) from a
# copy of the tree in OUTDIR/aml-tools-VERSION, as `dpkg-buildpackage -us
# -uc -b` on a clean clone would, and run lintian on the result when it
# is installed (LINTIAN=1: it must be).  The .deb files are left in
# OUTDIR, the logs in OUTDIR/build.log and OUTDIR/lintian.log.  Used by
# tests/0005-debian.t and .ci/run.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
v=$(make -s --no-print-directory -C "$root" version)
src=$out/aml-tools-$v
rm -rf "$out"
mkdir -p "$src"
# The copy: what git tracks and the new files it does not ignore, so that
# nothing built here (bin/, obj/, tests/tmp/) goes in.
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$root" && git ls-files -z -co --exclude-standard |
	    tar -cf - --null --ignore-failed-read -T - 2>/dev/null) | tar -xf - -C "$src"
else
	(cd "$root" && tar -cf - --exclude=./bin --exclude=./obj --exclude=./tests/tmp \
	    --exclude=./fuzz/obj --exclude=./fuzz/bin .) | tar -xf - -C "$src"
fi
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	echo "deb-build: dpkg-buildpackage failed; the log is $out/build.log" >&2
	exit 1
fi
if command -v lintian >/dev/null 2>&1; then
	# Every error and warning fails; debian/*.lintian-overrides say why
	# any is accepted.
	if ! lintian --fail-on error,warning "$out/aml-tools_${v}_"*.changes >"$out/lintian.log" 2>&1; then
		grep -v '^running with root privileges' "$out/lintian.log" >&2
		echo "deb-build: lintian found problems" >&2
		exit 1
	fi
elif [ "${LINTIAN:-}" = 1 ]; then
	echo "deb-build: lintian is not installed" >&2
	exit 1
fi
