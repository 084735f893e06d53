#!/bin/sh
# bench/machine.sh: the machine, system and versions the figures were
# taken on, as the head of bench/README.md's table has them.
set -eu
v() { "$@" 2>/dev/null | head -1; }
pc() { pkg-config --modversion "$1" 2>/dev/null || echo "?"; }
echo "== machine"
echo "date:       $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu:        $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
echo "memory:     $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
echo "kernel:     $(uname -sr), transparent huge pages $(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo '?')"
echo "compiler:   $(v cc --version)"
echo "libraries:  libcurl $(pc libcurl), cJSON $(pc libcjson), OpenSSL $(pc openssl), libjwt $(pc libjwt), libmicrohttpd $(pc libmicrohttpd)"
echo "tools:      $(v jq --version), $(v curl --version | cut -d' ' -f1-2), $(v hyperfine --version), $(v wrk --version | cut -d' ' -f1-2)"
echo "load:       $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
