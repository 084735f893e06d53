#!/bin/sh
# bench/fleet.sh: 200 web services updated, 8 at a time, with xargs -P 8:
# for each, the five-stage pipeline (get | export | patch | import |
# update).  Twice: with the emulator's and the tools' defaults (each
# operation takes 300 ms, aml-update-ws polls after 1 s), which is what
# a user waits; and with --lro-ms 0 and AML_POLL_MS=1, the tools' own
# cost.  The emulator's request log gives the number of requests.
# Needs curl and jq.
#
#	sh bench/fleet.sh [services]
. "$(dirname "$0")/lib.sh"
COUNT=${1:-200}
need curl jq
NEW=https://benchstorage.blob.core.windows.net/models/retrained.ilearner

cat >"$W/one.sh" <<'ONE'
#!/bin/sh
# one.sh NAME: retrain one service's definition onto the new model.
set -eu
aml-get-ws -g "$AML_DEMO_RG" -n "$1" | aml-export-ws | aml-patch-ilearner -q -u "$NEW" |
    aml-import-ws | aml-update-ws -q -g "$AML_DEMO_RG" -n "$1" >/dev/null
ONE

now_ms() { date +%s%3N; }

run() {	# TITLE EMULATOR-ARGS...
	_title=$1; shift
	emu_up "$@"
	export NEW
	curl -sS "$AML_EMULATOR_URL/_emu/services" -d "{\"count\":$COUNT}" |
	    jq -r '.created[]' >"$W/names"
	curl -sS -X DELETE "$AML_EMULATOR_URL/_emu/requests"
	_t0=$(now_ms)
	xargs -P 8 -n 1 sh "$W/one.sh" <"$W/names"
	_t1=$(now_ms)
	curl -sS "$AML_EMULATOR_URL/_emu/requests" >"$W/log.json"
	# Every service now scores with the new model (the emulator keeps
	# the last 200 such events).
	_ok=$(curl -sS "$AML_EMULATOR_URL/_emu/models" |
	    jq --arg u "$NEW" '[.[] | select(.newUri == $u) | .name] | unique | length')
	[ "$_ok" -ge $((COUNT < 200 ? COUNT : 200)) ] ||
	    { echo "bench: only $_ok services were updated" >&2; exit 1; }
	jq -r --arg title "$_title" --argjson ms $((_t1 - _t0)) --argjson n "$COUNT" '
	    (map(select(.method == "PATCH")) | length) as $patch |
	    (map(select(.path | test("operationsStatus"))) | length) as $poll |
	    (map(select(.path | test("oauth2|token"))) | length) as $tok |
	    "\($title): \($n) services in \($ms / 1000) s (\($ms / $n * 10 | round / 10) ms each, \($n / $ms * 1000 * 10 | round / 10) per second); \(length) requests: \($patch) PATCH, \($poll) polls, \(length - $patch - $poll - $tok) GET of the service, \($tok) for tokens"' "$W/log.json"
	emu_down
}

echo "== $COUNT services updated with xargs -P 8 (get | export | patch | import | update each)"
run "defaults (--lro-ms 300, polls after 1 s)"
AML_POLL_MS=1 run "--lro-ms 0, AML_POLL_MS=1" --lro-ms 0
