# bench/lib.sh: what the benchmark scripts share; sourced, never run.
# It moves to the top of the tree, puts bin/ first in PATH, makes a work
# directory $W (removed at exit, with the emulator if one was started)
# and gives:
#   need CMD...      stop unless every command is there
#   emu_up [ARGS]    aml-emulator on a free port, signed in as its service
#                    principal (AML_CONFIG_DIR=$W/config), the token in
#                    $W/curl.cfg for curl -K (never in argv), $WS_URL the
#                    demo web service's URL, $DEP_URL the demo online
#                    deployment's (Azure Machine Learning, api-version
#                    2024-04-01, the tools' own)
#   ml_version2      register version 2 of the demo model (from the seeded
#                    job), so that a deployment can move between 1 and 2
#   emu_down         stop it
#   hf NAME ARGS...  hyperfine with its JSON in $W/NAME.json; then
#   hf_rounds NAME ROUNDS ARGS...  hf ROUNDS times over, its runs merged
#                    into $W/NAME.json (on a shared machine: the commands
#                    take turns, so that a change of load falls on each)
#   hf_row NAME I    "mean ± sd (median)" in ms of result I of NAME
#   hf_ratio NAME I J  mean of result I over mean of result J
set -eu
cd "$(dirname "$0")/.."
BIN=$(pwd)/bin
PATH=$BIN:$PATH
export PATH
W=$(mktemp -d "${TMPDIR:-/tmp}/aml-bench.XXXXXX")
AML_EMULATOR_PID=
bench_cleanup() {
	[ -n "$AML_EMULATOR_PID" ] && kill "$AML_EMULATOR_PID" 2>/dev/null
	rm -rf "$W"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

need() {
	for _c; do
		command -v "$_c" >/dev/null 2>&1 || { echo "bench: $_c is needed" >&2; exit 1; }
	done
	[ -x "$BIN/aml-export-ws" ] || { echo "bench: run make first" >&2; exit 1; }
}

emu_up() {
	export AML_CONFIG_DIR="$W/config"
	eval "$(aml-emulator --daemon --dir "$W/emu" "$@")"
	aml-login -q --service-principal >/dev/null
	umask 077
	printf 'header = "Authorization: Bearer %s"\n' "$(aml-token -r)" >"$W/curl.cfg"
	WS_PATH=/subscriptions/$AZURE_SUBSCRIPTION_ID/resourceGroups/$AML_DEMO_RG/providers/Microsoft.MachineLearning/webServices
	WS_URL=$AML_ARM_ENDPOINT$WS_PATH/$AML_DEMO_WS?api-version=2017-01-01
	ML_PATH=/subscriptions/$AZURE_SUBSCRIPTION_ID/resourceGroups/$AML_DEMO_RG/providers/Microsoft.MachineLearningServices/workspaces/$AML_DEMO_WORKSPACE
	DEP_URL=$AML_ARM_ENDPOINT$ML_PATH/onlineEndpoints/$AML_DEMO_ENDPOINT/deployments/$AML_DEMO_DEPLOYMENT?api-version=2024-04-01
}

ml_version2() {
	aml-new-model -q -g "$AML_DEMO_RG" -w "$AML_DEMO_WORKSPACE" -n "$AML_DEMO_MODEL" \
	    -j "$AML_DEMO_JOB" --model-version 2 >/dev/null
}

emu_down() {
	kill "$AML_EMULATOR_PID"
	while kill -0 "$AML_EMULATOR_PID" 2>/dev/null; do sleep 0.05; done
	AML_EMULATOR_PID=
}

hf() {
	_n=$1; shift
	hyperfine --style none --export-json "$W/$_n.json" "$@" >/dev/null
}

hf_rounds() {
	_rn=$1 _rr=$2 _ri=0
	shift 2
	while [ $_ri -lt "$_rr" ]; do
		hf "$_rn.$_ri" "$@"
		_ri=$((_ri + 1))
	done
	jq -s '{results: [range(.[0].results | length) as $k | [.[].results[$k]] |
	    (map(.times) | add) as $t | ($t | add / length) as $m | {command: .[0].command,
	    times: $t, mean: $m, stddev: ($t | map((. - $m) * (. - $m)) | add / (length - 1) | sqrt),
	    median: ($t | sort | if length % 2 == 1 then .[length / 2 | floor]
	        else (.[length / 2 - 1] + .[length / 2]) / 2 end),
	    user: (map(.user) | add / length), system: (map(.system) | add / length)}]}' \
	    "$W/$_rn".[0-9]*.json >"$W/$_rn.json"
}

hf_row() {
	jq -r --argjson i "$2" '.results[$i] |
	    "\(.mean * 1000 * 100 | round / 100) ± \(.stddev * 1000 * 100 | round / 100) ms (median \(.median * 1000 * 100 | round / 100))"' "$W/$1.json"
}

hf_ratio() {
	jq -r --argjson i "$2" --argjson j "$3" '.results as $r |
	    "\($r[$i].mean / $r[$j].mean * 100 | round / 100)x (medians \($r[$i].median / $r[$j].median * 100 | round / 100)x)"' "$W/$1.json"
}
