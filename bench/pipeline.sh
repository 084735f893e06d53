#!/bin/sh
# bench/pipeline.sh: the five-stage pipeline against the same work done
# by a shell script of curl and jq (bench/update-curl.sh), with the same
# token, on the emulator's demo web service.  The emulator runs its
# operations with --lro-ms 0 and both sides poll at once (AML_POLL_MS=1;
# the script polls in a loop), so that what is timed is the work and not
# a polling interval.  Needs hyperfine, curl and jq.
#
#	sh bench/pipeline.sh [runs]
. "$(dirname "$0")/lib.sh"
RUNS=${1:-30}
need hyperfine curl jq
emu_up --lro-ms 0
export AML_POLL_MS=1
NEW=https://benchstorage.blob.core.windows.net/models/retrained.ilearner
G=$AML_DEMO_RG N=$AML_DEMO_WS
PIPE="aml-get-ws -g $G -n $N | aml-export-ws | aml-patch-ilearner -q -u $NEW | aml-import-ws | aml-update-ws -q -g $G -n $N"
CURL="sh bench/update-curl.sh $W/curl.cfg '$WS_URL' $NEW"

# Both send the same body: the emulator's log has the two PATCHes, of
# the same size (jq -c and the filters write the same bytes here).
curl -sS -X DELETE "$AML_EMULATOR_URL/_emu/requests"
sh -c "$PIPE" >/dev/null
sh -c "$CURL" >/dev/null
curl -sS "$AML_EMULATOR_URL/_emu/requests" >"$W/log.json"
n=$(jq '[.[] | select(.method == "PATCH")] | length' "$W/log.json")
per=$(jq 'length / 2' "$W/log.json")
[ "$n" = 2 ] || { echo "bench: expected two PATCH requests, found $n" >&2; exit 1; }
jq -e '[.[] | select(.method == "PATCH") | .bodySize] | .[0] == .[1]' "$W/log.json" >/dev/null ||
    { echo "bench: the two PATCH bodies differ in size" >&2; exit 1; }

hf pipeline --warmup 3 --runs "$RUNS" "$PIPE" "$CURL"
echo "== the five-stage pipeline against curl and jq, the same update, $RUNS runs ($per requests each)"
echo "get | export | patch | import | update:   $(hf_row pipeline 0)"
echo "bench/update-curl.sh (curl, jq):           $(hf_row pipeline 1)"
echo "curl and jq / pipeline:                    $(hf_ratio pipeline 1 0)"
