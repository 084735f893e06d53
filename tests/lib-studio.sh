# tests/lib-studio.sh: what the tests of the Studio (classic) services and
# their programs share (aml-retrain, aml-score, the endpoint programs,
# the emulator's blob store, BES, RRS and management API).  Sourced after
# lib.sh.
#
# Every output of these tests is searched for the secrets the emulator
# planted: srun/srun_in keep what each run printed, and no_secrets (at
# the end of each file) greps it for the API keys, the workspace token,
# the storage key and every SAS signature seen.  aml-retrain's status
# carries the SAS of its results by design (its purpose): srun_bes keeps
# its standard output apart, where only the keys must not be.

# studio_start [EMULATOR-ARGS]: the emulator, fast jobs and switch-overs,
# and the secrets read into variables (for the search only).
studio_start() {
	emu_start "$@"
	emu studio -d '{"jobMs":200,"switchMs":300}' >/dev/null
	TRAIN_KEY=$(cat "$AML_DEMO_TRAIN_KEY_FILE")
	SCORE_KEY=$(cat "$AML_DEMO_SCORE_KEY_FILE")
	WS_KEY=$(cat "$AML_DEMO_WS_KEY_FILE")
	WS_TOKEN=$(cat "$AML_DEMO_WORKSPACE_TOKEN_FILE")
	STORAGE_KEY=$(cat "$AML_DEMO_STORAGE_KEY_FILE")
	SAS=$(cat "$AML_DEMO_SAS_FILE")
	CONN=$(cat "$AML_DEMO_STORAGE_CONNECTION_FILE")
	printf '%s\n' "$TRAIN_KEY" "$SCORE_KEY" "$WS_KEY" "$WS_TOKEN" "$STORAGE_KEY" \
	    >"$TMP/secrets"
	sas_secret "$SAS"
	MGMT=$AML_CLASSIC_ENDPOINT/workspaces/$AML_DEMO_WORKSPACE_ID/webservices
	export AML_RETRY_BASE_MS=10
	: >"$TMP/outputs"
	: >"$TMP/bes-outputs"
}

# sas_secret TOKEN: its signature is a secret from now on (as sent, and
# decoded).
sas_secret() {
	_sig=$(printf '%s' "$1" | tr '?&' '\n\n' | sed -n 's/^sig=//p')
	[ -n "$_sig" ] || return 0
	printf '%s\n' "$_sig" >>"$TMP/sigs"
	printf '%s' "$_sig" | sed 's/%2[Bb]/+/g; s/%2[Ff]/\//g; s/%3[Dd]/=/g' >>"$TMP/sigs"
	echo >>"$TMP/sigs"
}

# key_secret FILE: a key written by a program (-K) is a secret too.
key_secret() {
	head -n 1 "$1" >>"$TMP/secrets"
}

srun() {
	run "$@"
	cat "$TMP/out" "$TMP/err" >>"$TMP/outputs"
}

srun_in() {
	run_in "$@"
	cat "$TMP/out" "$TMP/err" >>"$TMP/outputs"
}

# srun_bes CMD...: aml-retrain, whose status output holds SAS tokens.
srun_bes() {
	run "$@"
	cat "$TMP/err" >>"$TMP/outputs"
	cat "$TMP/out" >>"$TMP/bes-outputs"
	for _t in $(jq -r '.Results // {} | .[].SasBlobToken // empty' "$TMP/out" 2>/dev/null); do
		sas_secret "$_t"
	done
}

# no_secrets: the last test of each file.
no_secrets() {
	_found=
	while IFS= read -r _s; do
		[ -n "$_s" ] || continue
		grep -F -q -- "$_s" "$TMP/outputs" "$TMP/bes-outputs" && _found="$_found key"
	done <"$TMP/secrets"
	if [ -f "$TMP/sigs" ]; then
		while IFS= read -r _s; do
			[ -n "$_s" ] || continue
			grep -F -q -- "$_s" "$TMP/outputs" && _found="$_found sig"
		done <"$TMP/sigs"
	fi
	emu requests >"$TMP/log.json"
	while IFS= read -r _s; do
		[ -n "$_s" ] || continue
		grep -F -q -- "$_s" "$TMP/log.json" && _found="$_found logged"
	done <"$TMP/secrets"
	is "$_found" "" "no key, token, storage key or SAS signature in any output ($(wc -l <"$TMP/outputs" | tr -d ' ') lines)"
}

# upload FILE CONTAINER/BLOB: Put Blob with the data container's SAS
# (through curl's stdin, not its argv).
upload() {
	printf 'url = "%s/%s%s"\n' "$AML_DEMO_STORAGE_URL" "$2" "$SAS" |
	    curl -sSf -K - -X PUT -H 'x-ms-blob-type: BlockBlob' --data-binary "@$1" -o /dev/null
}

# job_json IN OUT1 [OUT2]: a BatchExecutionRequest with the connection
# string, on stdout.
job_json() {
	jq -n --arg cs "$CONN" --arg in "$1" --arg o1 "$2" --arg o2 "${3:-}" '
	    {Inputs: {input1: {ConnectionString: $cs, RelativeLocation: $in}},
	     Outputs: ({output1: {ConnectionString: $cs, RelativeLocation: $o1}} +
	         if $o2 == "" then {} else {output2: {ConnectionString: $cs, RelativeLocation: $o2}} end),
	     GlobalParameters: {}}'
}

# bes METHOD PATH-AFTER-API [CURL-ARGS]: a call to the training service
# with its key (from a header file, not argv).
bes() {
	_m=$1 _p=$2
	shift 2
	printf 'header = "Authorization: Bearer %s"\n' "$TRAIN_KEY" >"$TMP/auth.cfg"
	http "$_m" "$AML_DEMO_TRAIN_URL$_p" -K "$TMP/auth.cfg" "$@"
}

# mgmt METHOD PATH [CURL-ARGS]: the management API with the workspace token.
mgmt() {
	_m=$1 _p=$2
	shift 2
	printf 'header = "Authorization: Bearer %s"\n' "$WS_TOKEN" >"$TMP/auth.cfg"
	http "$_m" "$MGMT$_p" -K "$TMP/auth.cfg" "$@"
}

# wait_job ID: poll the training service until the job has ended
# (bounded, as wait_until is).
wait_job() {
	_i=0
	while [ $_i -lt 1200 ]; do
		bes GET "/jobs/$1?api-version=2.0"
		case $(jb .StatusCode) in
		Finished|Failed|Cancelled|2|3|4) return 0 ;;
		esac
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

RID='\[request-id [0-9a-f-]+\]'

# train MODEL-BLOB: a BES job on the training service that trains on
# examples/data/census-2024.csv and writes MODEL-BLOB (container/name);
# its finished status in $TMP/result.json.
train() {
	upload "$TESTS/../examples/data/census-2024.csv" data/census-2024.csv
	job_json data/census-2024.csv "$1" >"$TMP/train-job.json"
	bes POST "/jobs?api-version=2.0" -H 'Content-Type: application/json' \
	    --data-binary "@$TMP/train-job.json"
	_id=$(jb .)
	bes POST "/jobs/$_id/start?api-version=2.0"
	wait_job "$_id"
	jq --arg id "$_id" '. + {JobId: $id}' "$TMP/body" >"$TMP/result.json"
	sas_secret "$(jq -r '.Results.output1.SasBlobToken // empty' "$TMP/result.json")"
	sas_secret "$(jq -r '.Results.output2.SasBlobToken // empty' "$TMP/result.json")"
}
