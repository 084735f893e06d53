# tests/lib.sh: TAP helpers for the aml-tools tests, sourced by tests/*.t.
# Each test runs the built programs as processes; network tests talk to
# aml-emulator on a free loopback port.

set -u
TESTS=$(cd "$(dirname "$0")" && pwd)
DATA=$TESTS/data
REF=$DATA/reference
# The programs under test are the ones just built, also when run by hand.
PATH=$(cd "$TESTS/.." && pwd)/bin:$PATH
mkdir -p "$TESTS/tmp"
TMP=$(mktemp -d "$TESTS/tmp/$(basename "$0" .t).XXXXXX")
# Every program keeps its state here, never in the user's home.
export AML_CONFIG_DIR="$TMP/config"
export HOME="$TMP/home"
mkdir -p "$HOME"
unset AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET \
	AZURE_CLIENT_CERTIFICATE_PATH AZURE_FEDERATED_TOKEN_FILE \
	AZURE_SUBSCRIPTION_ID IDENTITY_ENDPOINT IDENTITY_HEADER MSI_ENDPOINT \
	MSI_SECRET AML_ARM_ENDPOINT AZURE_AUTHORITY_HOST AML_IMDS_ENDPOINT \
	AML_CLASSIC_ENDPOINT AML_CLOUD AML_API_KEY http_proxy https_proxy \
	HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
_n=0
_failed=0
_emu_pid=

_cleanup() {
	[ -n "$_emu_pid" ] && kill "$_emu_pid" 2>/dev/null
	[ "$_failed" = 0 ] && rm -rf "$TMP"
	return 0
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

plan() { echo "1..$1"; }
done_testing() { echo "1..$_n"; }

ok() {	# ok COND-STATUS DESCRIPTION
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}

diag() { printf '# %s\n' "$@" | sed '2,$s/^/# /' >&2; }

skip() {	# skip REASON DESCRIPTION
	_n=$((_n + 1))
	echo "ok $_n - $2 # SKIP $1"
}

# run CMD...: stdout in $TMP/out, stderr in $TMP/err, status in $rc.
run() {
	rc=0
	"$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
}

# run_in FILE CMD...: the same, with FILE on stdin.
run_in() {
	_in=$1; shift
	rc=0
	"$@" <"$_in" >"$TMP/out" 2>"$TMP/err" || rc=$?
}

is() {	# is GOT EXPECTED DESCRIPTION
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"; diag "got:      $1" "expected: $2"; fi
}

like() {	# like GOT EXTENDED-REGEX DESCRIPTION
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
		ok 1 "$3"; diag "got:      $1" "expected: /$2/"; fi
}

unlike() {	# unlike GOT EXTENDED-REGEX DESCRIPTION
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"; diag "got:      $1" "unexpected: /$2/"; else ok 0 "$3"; fi
}

same_file() {	# same_file GOT-FILE EXPECTED-FILE DESCRIPTION
	if cmp -s "$1" "$2"; then ok 0 "$3"; else
		ok 1 "$3"; diff -u "$2" "$1" | head -40 | sed 's/^/# /' >&2; fi
}

# expect_ok DESCRIPTION: the last run succeeded.
expect_ok() {
	if [ "$rc" -eq 0 ]; then ok 0 "$1"; else
		ok 1 "$1"; diag "exit $rc" "$(head -5 "$TMP/err")"; fi
}

# expect_fail STATUS REGEX DESCRIPTION: the last run exited STATUS with
# one line on stderr matching REGEX, and wrote nothing on stdout.
expect_fail() {
	_lines=$(wc -l <"$TMP/err")
	_err=$(cat "$TMP/err")
	if [ "$rc" -eq "$1" ] && [ ! -s "$TMP/out" ] && [ "$_lines" -eq 1 ] &&
	    printf '%s' "$_err" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "exit $rc (expected $1), stdout $(wc -c <"$TMP/out") bytes, stderr $_lines lines:" \
		    "$(head -5 "$TMP/err")" "expected /$2/"
	fi
}

# expect_usage REGEX DESCRIPTION: the last run was a usage error: exit
# 2, nothing on stdout, the first stderr line matching REGEX (the usage
# text may follow it).
expect_usage() {
	if [ "$rc" -eq 2 ] && [ ! -s "$TMP/out" ] && head -1 "$TMP/err" | grep -Eq -- "$1"; then
		ok 0 "$2"
	else
		ok 1 "$2"
		diag "exit $rc (expected 2), stdout $(wc -c <"$TMP/out") bytes:" "$(head -3 "$TMP/err")" "expected /$1/"
	fi
}

# tabulate: tab-separated rows on stdin as --table prints them (common/
# table.c), for ASCII cells: each column as wide as its widest cell, two
# spaces after it, the last one unpadded.  untable: back to tabs (cells
# have no two spaces running).
tabulate() {
	awk -F'\t' '{ for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) }
		if (NF > nf) nf = NF }
	END { for (r = 1; r <= NR; r++) { l = ""
		for (i = 1; i < nf; i++) l = l sprintf("%-" (w[i] + 2) "s", c[r, i])
		print l c[r, nf] } }'
}
untable() {
	sed -E 's/  +/	/g'
}

# emu_start [ARGS]: start aml-emulator on a free port and take its
# environment (AML_ARM_ENDPOINT, AZURE_*, ...); it stops when the test ends.
emu_start() {
	_emu_env=$(aml-emulator --daemon --dir "$TMP/emu" "$@") || {
		echo "Bail out! aml-emulator did not start"; exit 1; }
	eval "$_emu_env"
	_emu_pid=$AML_EMULATOR_PID
}

emu_stop() {
	[ -n "$_emu_pid" ] && kill "$_emu_pid" 2>/dev/null
	_emu_pid=
}

# emu CURL-ARGS...: talk to the emulator's control API (/_emu/...).
emu() {
	_path=$1; shift
	curl -sS --fail-with-body "$AML_EMULATOR_URL/_emu/$_path" "$@"
}

# wait_until CMD...: CMD again every 50 ms until it succeeds; status 1
# when it still has not after 1200 tries (a minute and more, for a busy
# machine running sanitized builds).  For something a test waits to see
# happen, never for time to pass: the caller asserts the status.
wait_until() {
	_w=0
	until "$@"; do
		_w=$((_w + 1))
		[ $_w -lt 1200 ] || return 1
		sleep 0.05
	done
}

# seen N JQ-CONDITION: at least N requests in the emulator's log match.
seen() {
	[ "$(emu requests | jq "[.[] | select($2)] | length")" -ge "$1" ]
}

# start_bg CMD...: CMD in the background, stdin /dev/null, its pid in $bg_pid;
# wait_bg then leaves its status in $rc, its output in $TMP/out and
# $TMP/err, as run does.
start_bg() {
	"$@" >"$TMP/bgout" 2>"$TMP/bgerr" </dev/null &
	bg_pid=$!
}

wait_bg() {
	rc=0
	wait "$bg_pid" || rc=$?
	mv "$TMP/bgout" "$TMP/out"
	mv "$TMP/bgerr" "$TMP/err"
}

# Web services' long-running operations and classic endpoints'
# switch-overs have no hold (/_emu/holds): a test that needs one to stay
# in progress gives it HELD_MS (lroMs, switchMs), four minutes, far more
# than anything waits meanwhile, then ends it with clock_release, which
# moves the emulator's clock five minutes on (clockSkew) so that the
# next request finds it over; clock_back when it is done.  Tokens stay
# good either way: they live a day, and one issued while the clock is
# ahead says nbf five minutes before the moved clock, no later than now.
HELD_MS=240000
clock_release() {
	emu config -d '{"clockSkew":300}' >/dev/null
}

clock_back() {
	emu config -d '{"clockSkew":0}' >/dev/null
}

# clock_stop, clock_run: the emulator's clock stands still between them
# (clockStopped), for a test that compares two reads of what moves with
# it by itself, a commitment plan's usage in its running period.
clock_stop() {
	emu config -d '{"clockStopped":1}' >/dev/null
}

clock_run() {
	emu config -d '{"clockStopped":0}' >/dev/null
}

# The pure filters run under valgrind in tests/0209-valgrind.t, which
# takes them through every kind of input, when it is there and the build
# is not sanitized (AML_SANITIZE is set by make check; the sanitized run
# checks the same memory through every case of every test).  The other
# tests run them bare, unless AML_VALGRIND=1 asks for valgrind on every
# case (a few minutes more).
VALGRIND_CMD="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
VALGRIND=
if [ -n "${AML_VALGRIND:-}" ] && [ -z "${AML_SANITIZE:-}" ] && command -v valgrind >/dev/null 2>&1; then
	VALGRIND=$VALGRIND_CMD
fi
