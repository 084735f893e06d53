#!/bin/sh
# bench/emulator.sh: aml-emulator's figures on this machine.
#  1. GET throughput of the demo web service (a 6.7 KB answer, bearer
#     token verified) with wrk, 64 connections;
#  2. the same for /_emu/health, the server alone;
#  3. the latency of a full PATCH + poll + GET cycle (bench/patch-cycle.lua)
#     with --lro-ms 0 (the server's own cost) and 300 (the default).
# Needs wrk, curl and jq; run `make` first.
#
#	sh bench/emulator.sh [seconds]
set -eu
cd "$(dirname "$0")/.."
SECS=${1:-10}
BIN=$(pwd)/bin
for c in wrk curl jq; do
	command -v "$c" >/dev/null || { echo "bench: $c is needed" >&2; exit 1; }
done

start() {	# LRO-MS
	eval "$("$BIN/aml-emulator" --daemon --lro-ms "$1")"
	trap 'kill $AML_EMULATOR_PID 2>/dev/null' EXIT INT TERM
	BENCH_TOKEN=$(curl -sS "$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/oauth2/v2.0/token" \
	    --data-urlencode grant_type=client_credentials \
	    --data-urlencode "client_id=$AZURE_CLIENT_ID" \
	    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" \
	    --data-urlencode scope=https://management.azure.com/.default | jq -r .access_token)
	export BENCH_TOKEN
	WSL=/subscriptions/$AZURE_SUBSCRIPTION_ID/resourceGroups/$AML_DEMO_RG/providers/Microsoft.MachineLearning/webServices
}

stop() {
	kill "$AML_EMULATOR_PID"
	trap - EXIT INT TERM
	sleep 0.3
}

echo "== GET web service, 64 connections, ${SECS}s"
start 300
wrk -t2 -c64 -d"${SECS}s" -H "Authorization: Bearer $BENCH_TOKEN" \
    "$AML_EMULATOR_URL$WSL/$AML_DEMO_WS?api-version=2017-01-01" | grep -E 'Requests/sec|Latency|requests in'
echo "== GET /_emu/health, 64 connections, ${SECS}s"
wrk -t2 -c64 -d"${SECS}s" "$AML_EMULATOR_URL/_emu/health" | grep -E 'Requests/sec|Latency'
stop

cycle() {	# LRO-MS POLL-MS
	echo "== PATCH + poll + GET cycle, --lro-ms $1, one connection, polling every $2 ms"
	start "$1"
	BENCH_WS=$WSL/$AML_DEMO_WS POLL_MS=$2 wrk -t1 -c1 -d"${SECS}s" -s bench/patch-cycle.lua \
	    "$AML_EMULATOR_URL" | grep -E '^cycles|Latency'
	stop
}
cycle 0 0
cycle 300 20

echo "== PATCH + poll + GET cycles in parallel, --lro-ms 0, 8 services, 8 connections"
start 0
curl -sS "$AML_EMULATOR_URL/_emu/services" -d '{"count":8}' >/dev/null
BENCH_MULTI=1 BENCH_WS=$WSL/$AML_DEMO_WS POLL_MS=0 wrk -t8 -c8 -d"${SECS}s" -s bench/patch-cycle.lua \
    "$AML_EMULATOR_URL" | grep -E '^cycles'
stop
