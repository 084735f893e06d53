#!/bin/sh
# Retries back off exponentially from AML_RETRY_BASE_MS, with +-20%
# jitter, up to AML_RETRY_CAP_MS (common/http.c): five 503 answers with
# no Retry-After, base 500 ms and cap 2000 ms, so the pauses are about
# 0.5, 1, 2, 2, 2 s.  The warnings say each pause, and that they grew
# and stopped growing at the cap; the emulator's log times show that
# each was kept, and not overstayed by seconds (the uncapped fifth, at
# least 6.4 s, would be).  Only pauses are compared with the times, never
# one request's gap with another's: how long a request takes on a busy
# machine decides nothing.
. "$(dirname "$0")/lib.sh"
emu_start
SUB=$AZURE_SUBSCRIPTION_ID
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS
WSPATH=/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/webServices/$WS

run aml-login
expect_ok "signed in"

emu faults -d '{"method":"GET","path":"*/webServices/*","status":503,"code":"ServiceUnavailable","count":5}' >/dev/null
emu requests -X DELETE
run env AML_RETRY_MAX=5 AML_RETRY_BASE_MS=500 AML_RETRY_CAP_MS=2000 aml-get-ws -g "$RG" -n "$WS"
expect_ok "five 503 answers, then the service"
emu requests >"$TMP/log.json"
is "$(jq -r '[.[] | .status] | join(" ")' "$TMP/log.json")" "503 503 503 503 503 200" "six requests"
is "$(grep -c "^aml-get-ws: warning: HTTP 503 from GET $WSPATH, retrying in " "$TMP/err")" 5 "a warning for each retry"

# The pauses the warnings announce, in ms ("480 ms", "1.9 s", "2 s").
sed -n 's/.*retrying in \([0-9.]*\) \(m*s\) .*/\1 \2/p' "$TMP/err" |
    awk '{ print ($2 == "ms") ? $1 : int($1 * 1000 + 0.5) }' >"$TMP/said"
# within LO HI N: announced pause N (from 1) is in [LO, HI].
within() {
	_w=$(sed -n "${3}p" "$TMP/said")
	[ -n "$_w" ] && [ "$_w" -ge "$1" ] && [ "$_w" -le "$2" ]
	ok $? "pause $3 announced as $_w ms, within $1..$2"
}
# +-20% of 500, 1000, 2000, 2000, 2000, and 50 ms for the rounding of
# "1.9 s".
within 400 600 1
within 750 1250 2
within 1550 2450 3
within 1550 2450 4
within 1550 2450 5

ms() {	# ms N: the log's time of request N (from 0), in milliseconds
	jq -r ".[$1].time | (sub(\"[.][0-9]+Z$\"; \"Z\") | fromdate) * 1000 +
	    (capture(\"[.](?<ms>[0-9]+)Z$\").ms | tonumber)" "$TMP/log.json"
}
g1=$(( $(ms 1) - $(ms 0) ))
g2=$(( $(ms 2) - $(ms 1) ))
g3=$(( $(ms 3) - $(ms 2) ))
g4=$(( $(ms 4) - $(ms 3) ))
g5=$(( $(ms 5) - $(ms 4) ))
diag "gaps between the requests: $g1 $g2 $g3 $g4 $g5 ms"
i=1
for g in $g1 $g2 $g3 $g4 $g5; do
	w=$(sed -n "${i}p" "$TMP/said")
	[ "$g" -ge $((w - 50)) ]; ok $? "retry $i came after the pause it announced ($g ms >= $w ms)"
	i=$((i + 1))
done
set -- $(cat "$TMP/said")
[ "$2" -gt "$1" ] && [ "$3" -gt "$2" ]; ok $? "the pauses announced grow: $1 < $2 < $3 ms"
# Uncapped, the fourth and fifth would be 4 and 8 s (at least 3.2 and
# 6.4 s with jitter); capped, each is about 2 s, and kept with less than
# 2 s more for the request.
[ "$g4" -lt $(($4 + 2000)) ] && [ "$g5" -lt $(($5 + 2000)) ]
ok $? "then stop growing at the cap: $g4 and $g5 ms, for $4 and $5 ms announced"

# A cap below the base: every pause is the cap.
emu faults -d '{"method":"GET","path":"*/webServices/*","status":503,"count":2}' >/dev/null
run env AML_RETRY_BASE_MS=5000 AML_RETRY_CAP_MS=100 aml-get-ws -g "$RG" -n "$WS"
expect_ok "base above the cap"
is "$(sed -n 's/.*retrying in \([0-9]*\) ms .*/\1/p' "$TMP/err" | awk '$1 >= 80 && $1 <= 120' | wc -l | tr -d ' ')" 2 \
    "both pauses are the cap, 80..120 ms"
done_testing
