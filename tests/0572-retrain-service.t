#!/bin/sh
# aml-retrain against what the service does: a refused key, the
# documented BadArgument errors, CannotStartJob, 503 throttling that
# passes and that does not, a job that fails with Details or is
# cancelled, a status that is not JSON, the timeout, and Ctrl-C, each
# with and without --cancel-on-exit.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
. "$TESTS/lib-studio.sh"
studio_start
U=$AML_DEMO_TRAIN_URL
K=$AML_DEMO_TRAIN_KEY_FILE
V='api-version=2.0'
upload "$TESTS/../examples/data/census-2024.csv" data/census-2024.csv
job_json data/census-2024.csv models/s.ilearner >"$TMP/job.json"
JOBS="/workspaces/$AML_DEMO_WORKSPACE_ID/services/${U##*/}/jobs"
fault() {
	emu faults -d "$1" >/dev/null
}

# The key.
printf 'd3Jvbmcga2V5IG9mIDg4IGNoYXJhY3RlcnMgZXhhY3RseSwgb3IgcmF0aGVyIG5vdCBleGFjdGx5IDg4\n' >"$TMP/wrong.key"
srun aml-retrain -U "$U" -k "$TMP/wrong.key" "$TMP/job.json"
expect_fail 3 "^aml-retrain: POST $JOBS: HTTP 401 Unauthorized \\(ScoreRequestUnauthorized\\): Invalid credentials provided\\. $RID\$" \
    "a wrong key: exit 3, the documented code and message"

# What the service refuses (things the request check cannot know).
svc_refuses() {	# svc_refuses EDIT CODE MESSAGE-REGEX DESCRIPTION
	jq "$1" "$TMP/job.json" >"$TMP/bad.json"
	srun aml-retrain -U "$U" -k "$K" "$TMP/bad.json"
	expect_fail 1 "^aml-retrain: POST $JOBS: HTTP 400 BadArgument \\($2\\): $3 $RID\$" "$4"
}
svc_refuses '.Outputs.output1.RelativeLocation = "models/s.csv"' InvalidBlobExtension \
    'The blob reference: models/s\.csv has an invalid or missing file extension\. Supported file extensions for this output type are: "\.ilearner"\.' \
    "a model output as .csv: InvalidBlobExtension"
svc_refuses '.Inputs.input1.RelativeLocation = "data/nosuch.csv"' BlobNotFound \
    'Unable to access the provided Azure blob - data/nosuch\.csv\. Azure error message: The specified blob does not exist\.' \
    "a missing input: BlobNotFound"
svc_refuses '.Inputs.input1.ConnectionString = "DefaultEndpointsProtocol=http;AccountName=amlemustore;AccountKey=d3Jvbmc="' \
    BlobNotFound 'Unable to access the provided Azure blob - data/census-2024\.csv\. Azure error message: Server failed to authenticate the request\..*' \
    "a wrong account key: BlobNotFound"
svc_refuses '.Inputs.input1.ConnectionString = "AccountName=amlemustore;SharedAccessSignature=sv=x"' \
    InvalidBlobConnectionString 'The connection string specified for one of the input/output blobs in invalid: no AccountKey\. Please correct this and try again\.' \
    "a connection string the service cannot use: InvalidBlobConnectionString"
svc_refuses '.Outputs.trained = .Outputs.output1 | del(.Outputs.output1)' InvalidOutputOverrideName \
    'Invalid output override name: trained\. .*' "an output the service has not"

# CannotStartJob.
fault "{\"method\":\"POST\",\"path\":\"$JOBS/*/start\",\"status\":400,\"code\":\"CannotStartJob\",\"message\":\"The job cannot be started because it is in Finished state.\"}"
srun aml-retrain -U "$U" -k "$K" "$TMP/job.json"
expect_fail 1 "^aml-retrain: POST $JOBS/[0-9a-f]{32}/start: HTTP 400 InvalidOperation \\(CannotStartJob\\): The job cannot be started because it is in Finished state\\. $RID\$" \
    "CannotStartJob"

# Throttling: retried, and reported when it does not pass.
export AML_RETRY_MAX=3
fault "{\"method\":\"POST\",\"path\":\"$JOBS\",\"status\":503,\"code\":\"RequestThrottled\",\"count\":2}"
fault "{\"method\":\"GET\",\"path\":\"$JOBS/*\",\"status\":503,\"code\":\"RequestThrottled\",\"count\":2}"
srun_bes aml-retrain -U "$U" -k "$K" "$TMP/job.json"
expect_ok "503 RequestThrottled twice on submit and on status: it recovers"
is "$(jq -r .StatusCode "$TMP/out")" Finished "and the job finishes"
is "$(grep -c "^aml-retrain: warning: HTTP 503 from POST $JOBS, retrying in " "$TMP/err")" 2 \
    "a warning per retry of the submission"
is "$(grep -c "^aml-retrain: warning: HTTP 503 from GET $JOBS/[0-9a-f]*, retrying in " "$TMP/err")" 2 \
    "and of the status"
fault "{\"method\":\"POST\",\"path\":\"$JOBS\",\"status\":503,\"code\":\"RequestThrottled\",\"count\":2}"
srun_bes aml-retrain -q -U "$U" -k "$K" "$TMP/job.json"
expect_ok "-q: no warnings"
is "$(wc -c <"$TMP/err" | tr -d ' ')" 0 "none"
fault "{\"method\":\"POST\",\"path\":\"$JOBS\",\"status\":503,\"code\":\"RequestThrottled\",\"count\":10}"
srun aml-retrain -q -U "$U" -k "$K" "$TMP/job.json"
expect_fail 1 "^aml-retrain: POST $JOBS: HTTP 503 ServiceUnavailable \\(RequestThrottled\\): Request was throttled for .* endpoint\\. The maximum concurrency for the endpoint is [0-9]+\\. $RID\$" \
    "throttled past the retries: the documented code and text"
emu faults -X DELETE
# A status that cannot be read for a while is polled on.
fault "{\"method\":\"GET\",\"path\":\"$JOBS/*\",\"status\":500,\"count\":3}"
AML_RETRY_MAX=0 srun_bes aml-retrain --interval 0.02 -U "$U" -k "$K" "$TMP/job.json"
expect_ok "a status that fails three times: polling goes on"
is "$(grep -c "^aml-retrain: warning: GET $JOBS/[0-9a-f]*: HTTP 500 InternalError: .*; still polling\$" "$TMP/err")" 3 \
    "a warning each time"
fault "{\"method\":\"GET\",\"path\":\"$JOBS/*\",\"status\":404,\"code\":\"JobNotFound\"}"
srun aml-retrain --interval 0.02 -U "$U" -k "$K" "$TMP/job.json"
expect_fail 1 "^aml-retrain: GET $JOBS/[0-9a-f]{32}: HTTP 404 NotFound \\(JobNotFound\\): .*$RID\$" \
    "a status that is not found: an error"
fault "{\"method\":\"GET\",\"path\":\"$JOBS/*\",\"notJson\":true}"
srun aml-retrain -U "$U" -k "$K" "$TMP/job.json"
expect_fail 1 "^aml-retrain: job [0-9a-f]{32}: the status is not JSON: " "a status that is not JSON"

# The job fails or is cancelled.
emu studio/fail -d '{"details":"ModuleExecutionError: Module execution encountered an error.\n(Train Model) Error 0003: Columns with all missing values"}' >/dev/null
srun aml-retrain -U "$U" -k "$K" "$TMP/job.json"
expect_fail 1 '^aml-retrain: job [0-9a-f]{32} failed: ModuleExecutionError: Module execution encountered an error\. \(Train Model\) Error 0003: Columns with all missing values$' \
    "Failed: the Details, on one line"
cut -d, -f1-5 "$TESTS/../examples/data/census-2024.csv" >"$TMP/nolabel.csv"
upload "$TMP/nolabel.csv" data/nolabel.csv
job_json data/nolabel.csv models/s.ilearner >"$TMP/nolabel.json"
srun aml-retrain -U "$U" -k "$K" "$TMP/nolabel.json"
expect_fail 1 'failed: .*\(Train Model\) Error 0001: Column with name or index "income" not found' \
    "data without the label column: Failed"

# From here on every job, once started, is held Running (it never ends).
hold bes-job "*"
emu requests -X DELETE
run_bg() {	# run_bg CMD...: in the background, SIGINT not ignored
	perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die' "$@" >"$TMP/out" 2>"$TMP/err" &
	bg=$!
}
# polled_job: the id of the job started (the log since it was cleared),
# once its status has been polled: the program is waiting for it.
polled_job() {
	wait_until job_polled && echo "$j"
}
job_polled() {
	j=$(emu requests | jq -r '[.[] | select(.method == "POST" and .status == 204 and (.path | test("/start")))][0].path // empty' |
	    sed 's,.*/jobs/\([0-9a-f]*\)/start.*,\1,')
	[ -n "$j" ] && seen 1 ".method == \"GET\" and (.path | test(\"/jobs/$j[?]\"))"
}
job_status() {
	bes GET "/jobs/$1?$V"
	jb .StatusCode
}
run_bg aml-retrain --interval 0.05 -U "$U" -k "$K" "$TMP/job.json"
j=$(polled_job)
like "$j" '^[0-9a-f]{32}$' "(the job started and polled)"
bes DELETE "/jobs/$j?$V"
rc=0
wait "$bg" 2>/dev/null || rc=$?
cat "$TMP/out" "$TMP/err" >>"$TMP/outputs"
expect_fail 1 "^aml-retrain: job $j was cancelled\$" "cancelled by someone else: exit 1"

# The timeout: the job goes on, or is cancelled with -C.
emu requests -X DELETE
srun aml-retrain --interval 0.05 -m 3 -U "$U" -k "$K" "$TMP/job.json"
j=$(emu requests | jq -r '[.[] | select(.method == "POST" and (.path | test("/start")))][0].path' |
    sed 's,.*/jobs/\([0-9a-f]*\)/start.*,\1,')
expect_fail 1 "^aml-retrain: job $j still running at the time limit \\(-m 3 s\\); it goes on \\(follow it with aml-retrain -j $j\\)\$" \
    "timeout: exit 1, the job goes on"
is "$(job_status "$j")" Running "still Running"
emu requests -X DELETE
srun aml-retrain --cancel-on-exit --interval 0.05 -m 3 -U "$U" -k "$K" "$TMP/job.json"
j=$(emu requests | jq -r '[.[] | select(.method == "POST" and (.path | test("/start")))][0].path' |
    sed 's,.*/jobs/\([0-9a-f]*\)/start.*,\1,')
expect_fail 1 "^aml-retrain: job $j still running at the time limit \\(-m 3 s\\); cancelled\$" "timeout with -C: cancelled"
is "$(job_status "$j")" Cancelled "the job is Cancelled"

# A stalled server cannot hold it past -m: the status that does not come
# is cut at the limit, the default 24 h of -m included.
emu requests -X DELETE
emu faults -d '{"method":"GET","path":"*/jobs/*","delayMs":60000,"count":100}' >/dev/null
srun aml-retrain --interval 0.05 -m 3 -U "$U" -k "$K" "$TMP/job.json"
j=$(emu requests | jq -r '[.[] | select(.method == "POST" and (.path | test("/start")))][0].path' |
    sed 's,.*/jobs/\([0-9a-f]*\)/start.*,\1,')
expect_fail 1 "^aml-retrain: job $j no status within the time limit \\(-m 3 s\\); it goes on \\(follow it with aml-retrain -j $j\\)\$" \
    "a stalled status: exit 1 at -m"
emu faults -X DELETE

# Ctrl-C.
for sig in INT TERM; do
	emu requests -X DELETE
	run_bg aml-retrain --interval 0.05 -U "$U" -k "$K" "$TMP/job.json"
	j=$(polled_job)
	like "$j" '^[0-9a-f]{32}$' "(SIG$sig: the job started and polled)"
	kill -"$sig" "$bg"
	rc=0
	wait "$bg" 2>/dev/null || rc=$?
	cat "$TMP/out" "$TMP/err" >>"$TMP/outputs"
	is "$rc" "$([ $sig = INT ] && echo 130 || echo 143)" "SIG$sig: it dies of the signal"
	is "$(cat "$TMP/err")" "aml-retrain: interrupted; job $j goes on (follow it with aml-retrain -j $j)" \
	    "SIG$sig: the job goes on, and it says so"
	is "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "nothing on stdout"
	is "$(job_status "$j")" Running "SIG$sig: the job is still Running"

	emu requests -X DELETE
	run_bg aml-retrain --cancel-on-exit --interval 0.05 -U "$U" -k "$K" "$TMP/job.json"
	j=$(polled_job)
	like "$j" '^[0-9a-f]{32}$' "(SIG$sig: the job started and polled)"
	kill -"$sig" "$bg"
	rc=0
	wait "$bg" 2>/dev/null || rc=$?
	cat "$TMP/out" "$TMP/err" >>"$TMP/outputs"
	is "$rc" "$([ $sig = INT ] && echo 130 || echo 143)" "SIG$sig with -C: it dies of the signal"
	is "$(cat "$TMP/err")" "aml-retrain: interrupted; job $j cancelled" "SIG$sig with -C: it says so"
	is "$(job_status "$j")" Cancelled "SIG$sig with -C: the job is Cancelled"
done

no_secrets
done_testing
