#!/bin/sh
# bench/all.sh: every figure of bench/README.md, one script after the
# other.  Run `make` first, on a quiet machine (see the load line).
#
#	sh bench/all.sh
set -eu
cd "$(dirname "$0")"
for s in machine startup filters flood getws pipeline fleet emulator mlget mlpipeline mlsdk; do
	sh "./$s.sh"
	echo
done
