#!/bin/sh
# aml-run-job and aml-new-model against the emulator, whose command jobs
# train for real: a job submitted and followed to Completed (its name
# made unique, or -n), one that fails and says why, one canceled by
# someone else, Ctrl-C (the job held, SIGINT, the cancel seen by the
# emulator, death by the signal), -m, --no-wait and -j; model versions
# from a job by name or by its printed file, by --job-output, from a URI,
# numbered by the model's nextVersion; then the whole loop of DESIGN:
# retrain, register, patch, update, and the predictions change.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10 AML_RETRY_MAX=1
emu ml -d '{"retryAfter":0,"jobMs":0}' >/dev/null
ml_paths
E=$AML_DEMO_ENDPOINT
G="-g $AML_DEMO_RG -w $AML_DEMO_WORKSPACE"
run aml-login
expect_ok "signed in"
AT=$(arm_token)
log_count() { emu requests | jq "[.[] | select($1)] | length"; }
log_wait() {	# JQ-SELECT N: until N logged requests match (bounded)
	_i=0
	while [ "$(log_count "$1")" -lt "$2" ]; do
		_i=$((_i + 1))
		[ $_i -gt 1200 ] && return 1
		sleep 0.05
	done
}
# The training data of 2024, in the workspace's datastore.
SAS=$(cat "$AML_DEMO_SAS_FILE")
curl -sS -f -X PUT -H 'x-ms-blob-type: BlockBlob' --data-binary "@$TESTS/../examples/data/census-2024.csv" \
    "$AML_DEMO_STORAGE_URL/data/census-2024.csv$SAS" >/dev/null
DATA=$AML_DEMO_STORAGE_URL/data/census-2024.csv
# job [LABEL]: a command job that trains on it.
job() {
	jq -n --arg d "$DATA" --arg l "${1:-income}" '{properties: {jobType: "Command", command: "python train.py",
	    environmentId: "azureml:sklearn:1", experimentName: "retrain",
	    inputs: {training_data: {jobInputType: "uri_file", uri: $d}, label_column: {jobInputType: "literal", value: $l}},
	    outputs: {model_output: {jobOutputType: "custom_model"}}}}'
}
job >"$TMP/job.json"

# ---- aml-run-job ------------------------------------------------------------------
emu requests -X DELETE
run aml-run-job $G "$TMP/job.json"
expect_ok "a command job: submitted, followed, Completed"
name=$(jq -r .name "$TMP/out")
like "$name" '^retrain-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$' "its name made unique: experiment, time, random digits"
is "$(jq -r .properties.status "$TMP/out")" Completed "the final job is printed"
jq --indent 2 . "$TMP/out" >"$TMP/jq"
same_file "$TMP/out" "$TMP/jq" "2-space indented"
is "$(emu requests | jq -r '[.[] | select(.path | test("/jobs/"))][0] | .method + " " + (.status | tostring)')" "PUT 201" \
    "a PUT that made it (201), without a look first"
cp "$TMP/out" "$TMP/done.json"
run aml-run-job $G -n retrain-one -c "$TMP/job.json"
is "$rc $(jq -r '[.name, .properties.status] | join(" ")' "$TMP/out")" "0 retrain-one Completed" "-n names it"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 1 "-c: the job on one line"
run aml-run-job $G -n retrain-one "$TMP/job.json"
expect_fail 1 "^aml-run-job: job retrain-one exists; nothing sent \\(follow it with aml-run-job -j retrain-one, or choose another -n\\)\$" \
    "-n a name that is taken: nothing sent (a PUT would only change its tags)"
# Given again what it printed: what the service wrote is dropped.
run_in "$TMP/done.json" aml-run-job $G -c
is "$rc $(jq -r .properties.status "$TMP/out")" "0 Completed" "a job printed before runs again"
test "$(jq -r .name "$TMP/out")" != "$name"
ok $? "under a new name"
jq .properties "$TMP/job.json" >"$TMP/bare.json"
run aml-run-job $G -c "$TMP/bare.json"
is "$rc $(jq -r .properties.status "$TMP/out")" "0 Completed" "a bare JobBase (the properties alone) is taken too"
run aml-run-job $G -j "$AML_DEMO_JOB" -c
is "$rc $(jq -r .name "$TMP/out")" "0 $AML_DEMO_JOB" "-j follows a job submitted before"
run aml-run-job $G --no-wait -n later "$TMP/job.json"
is "$rc $(jq -r '[.name, .properties.status] | join(" ")' "$TMP/out")" "0 later NotStarted" "--no-wait: the job as submitted"
run aml-run-job $G -j later -o "$TMP/later.json"
is "$rc $(wc -c <"$TMP/out" | tr -d ' ') $(jq -r .properties.status "$TMP/later.json")" "0 0 Completed" "-o: the final job to a file"

# A job that fails, and one canceled by someone else.
job salary >"$TMP/bad-job.json"
run aml-run-job $G -n fails "$TMP/bad-job.json"
expect_fail 1 '^aml-run-job: job fails Failed: Error 0001: Column with name or index "salary" not found' \
    "a job that fails: exit 1, its error in the line"
emu ml/fail -d '{"count":1,"message":"Out of memory on the compute."}' >/dev/null
run aml-run-job $G -n oom "$TMP/job.json"
expect_fail 1 '^aml-run-job: job oom Failed: Out of memory on the compute\.$' "the service's own failure"
hold job other
aml-run-job $G -n other "$TMP/job.json" >"$TMP/bgout" 2>"$TMP/bgerr" </dev/null &
pid=$!
log_wait '.method == "GET" and (.path | test("/jobs/other\\?"))' 3
ok $? "(the job runs, held, and is followed)"
arm POST "$W/jobs/other/cancel?$MV"
unhold
rc=0; wait $pid || rc=$?
cp "$TMP/bgout" "$TMP/out"; cp "$TMP/bgerr" "$TMP/err"
expect_fail 1 '^aml-run-job: job other Canceled$' "canceled by someone else: exit 1"

# Ctrl-C: the job is canceled, the program dies of SIGINT.  SIGINT is at
# its default (a background job of sh ignores it otherwise).
hold job ctrl-c
emu requests -X DELETE
perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die' aml-run-job $G -n ctrl-c "$TMP/job.json" \
    >"$TMP/bgout" 2>"$TMP/bgerr" </dev/null &
pid=$!
log_wait '.method == "GET" and (.path | test("/jobs/ctrl-c\\?"))' 3
ok $? "(the job runs, held, and is followed)"
kill -INT $pid
log_wait '.method == "POST" and (.path | test("/jobs/ctrl-c/cancel"))' 1
ok $? "Ctrl-C: the cancel reached the service"
arm GET "$W/jobs/ctrl-c?$MV"
is "$(jb .properties.status)" CancelRequested "the job is CancelRequested (the cancel is held too)"
kill -0 $pid 2>/dev/null
ok $? "the program follows the cancel"
unhold
rc=0; wait $pid || rc=$?
is "$rc" 130 "then dies of SIGINT"
is "$(cat "$TMP/bgerr")" "aml-run-job: interrupted; job ctrl-c canceled" "saying so, in one line"
is "$(wc -c <"$TMP/bgout" | tr -d ' ')" 0 "nothing on stdout"
arm GET "$W/jobs/ctrl-c?$MV"
is "$(jb .properties.status)" Canceled "the job is Canceled"
# A job only followed (-j) goes on.
hold job followed
aml-run-job -q $G --no-wait -n followed "$TMP/job.json" >/dev/null
perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die' aml-run-job $G -j followed \
    >"$TMP/bgout" 2>"$TMP/bgerr" </dev/null &
pid=$!
emu requests -X DELETE
log_wait '.method == "GET" and (.path | test("/jobs/followed\\?"))' 2
ok $? "(the job is followed)"
kill -INT $pid
rc=0; wait $pid || rc=$?
is "$rc" 130 "Ctrl-C while following with -j: dies of SIGINT"
is "$(cat "$TMP/bgerr")" "aml-run-job: interrupted; job followed goes on (follow it with aml-run-job -g $AML_DEMO_RG -w $AML_DEMO_WORKSPACE -j followed)" \
    "and says the job goes on"
is "$(log_count '.path | test("/cancel")')" 0 "no cancel was sent"
# -m: the job goes on.
run aml-run-job $G -j followed -m 1
expect_fail 1 "^aml-run-job: job followed still Running at the time limit \\(-m 1 s\\); it goes on: follow it with aml-run-job -g $AML_DEMO_RG -w $AML_DEMO_WORKSPACE -j followed\$" \
    "-m: still running at the limit"
unhold

# What aml-run-job refuses.
printf '{"properties":{"command":"x"}}' >"$TMP/nojobtype.json"
run aml-run-job $G "$TMP/nojobtype.json"
expect_fail 1 "^aml-run-job: $TMP/nojobtype.json: properties\\.jobType: required " "no jobType"
printf '[]' >"$TMP/array.json"
run aml-run-job $G "$TMP/array.json"
expect_fail 1 "^aml-run-job: $TMP/array.json: expected a job \\(an object\\)\$" "not an object"
jq '.properties.jobType = "Sweep"' "$TMP/job.json" >"$TMP/sweep.json"
run aml-run-job $G "$TMP/sweep.json"
expect_fail 1 "^aml-run-job: PUT /[^ ]+/jobs/[^ ]+: HTTP 400 BadArgument: " "a job the service refuses: its 400"
run aml-run-job $G -j nope
expect_fail 1 "^aml-run-job: GET /[^ ]+/jobs/nope: HTTP 404 ResourceNotFound: " "-j a job that is not there"
run aml-run-job $G -n "bad.name" "$TMP/job.json"
expect_usage "^aml-run-job: -n bad\\.name: a name is" "-n a name the service refuses"
run aml-run-job $G -j x "$TMP/job.json"
expect_usage "^aml-run-job: -j follows a job: no job file, -n or --no-wait with it\$" "-j and a job file"
run aml-run-job -w "$AML_DEMO_WORKSPACE" "$TMP/job.json"
expect_usage "^aml-run-job: -g is required\$" "-g is required"

# ---- aml-new-model ------------------------------------------------------------------
run aml-new-model $G -n "$AML_DEMO_MODEL" -j "$name"
expect_ok "a model version from a job, by its name"
is "$(jq -r '[.name, .properties.modelUri, .properties.jobName, .properties.modelType] | join(" ")' "$TMP/out")" \
    "2 azureml://jobs/$name/outputs/model_output $name custom_model" "version 2 (the next), from the output of a model type"
is "$(cat "$TMP/err")" "aml-new-model: model $AML_DEMO_MODEL version 2 from azureml://jobs/$name/outputs/model_output" "says so"
cp "$TMP/out" "$TMP/v2.json"
jq --indent 2 . "$TMP/v2.json" >"$TMP/jq"
same_file "$TMP/v2.json" "$TMP/jq" "2-space indented"
run aml-new-model -q $G -n "$AML_DEMO_MODEL" -j "$TMP/later.json" -o "$TMP/v3.json"
is "$rc $(jq -r '[.name, .properties.jobName] | join(" ")' "$TMP/v3.json")" "0 3 later" "-j a file that holds the job; -o"
run_in "$TMP/later.json" aml-new-model -q -c $G -n "$AML_DEMO_MODEL" -j - --job-output artifacts
is "$rc $(jq -r .properties.modelUri "$TMP/out")" "0 azureml://jobs/later/outputs/artifacts/paths/model/" \
    "-j - reads stdin; --job-output artifacts, the job's own"
run aml-new-model -q -c $G -n fresh -u "azureml://datastores/workspaceblobstore/paths/azureml/later/model_output" \
    --type mlflow_model --description "from the datastore"
is "$rc $(jq -r '[.name, .properties.modelType, .properties.description] | join(" ")' "$TMP/out")" \
    "0 1 mlflow_model from the datastore" "-u: a new model's version 1, --type, --description"
run aml-new-model -q -c $G -n fresh -u "$DATA" --model-version 7
is "$rc $(jq -r .name "$TMP/out") $(wc -l <"$TMP/out" | tr -d ' ')" "0 7 1" "--model-version; -c: on one line"
run aml-new-model -q -c $G -n fresh -u "$DATA"
is "$rc $(jq -r .name "$TMP/out")" "0 8" "then the next is 8"
run aml-new-model $G -n fresh -u "$DATA" --model-version 7
expect_fail 1 "^aml-new-model: model fresh version 7 exists; nothing sent \\(a version never changes: choose another --model-version\\)\$" \
    "a version that exists is not replaced"
run aml-new-model $G -n "$AML_DEMO_MODEL" -j fails
expect_fail 1 "^aml-new-model: job fails is Failed, not Completed: register its model once it has \\(aml-run-job -j fails waits for it\\)\$" \
    "a job that failed"
run aml-new-model $G -n "$AML_DEMO_MODEL" -j nope
expect_fail 1 "^aml-new-model: GET /[^ ]+/jobs/nope: HTTP 404 ResourceNotFound: " "a job that is not there: the service's 404"
run aml-new-model $G -n "$AML_DEMO_MODEL" -j "$name" --job-output other
expect_fail 1 "^aml-new-model: job $name has no output other \\(it has model_output; or artifacts, its own\\)\$" "--job-output that is not there"
jq '.properties.outputs.model_output.jobOutputType = "mlflow_model" | .properties.outputs.second = {"jobOutputType": "uri_folder"}
    | .properties.outputs.third = {"jobOutputType": "custom_model"}' "$TMP/job.json" >"$TMP/two.json"
aml-run-job -q $G -n two-models "$TMP/two.json" >/dev/null
run aml-new-model $G -n "$AML_DEMO_MODEL" -j two-models
expect_fail 1 "^aml-new-model: job two-models has outputs model_output, second, third: choose one with --job-output\$" \
    "two outputs of a model type: which one is asked"
run aml-new-model -q $G -n "$AML_DEMO_MODEL" -j two-models --job-output model_output -c
is "$rc $(jq -r '[.properties.modelUri, .properties.modelType] | join(" ")' "$TMP/out")" \
    "0 azureml://jobs/two-models/outputs/model_output mlflow_model" "--job-output chooses; the type follows the output's"
run aml-new-model $G -n fresh -u "azureml://datastores/workspaceblobstore/paths/no/such/thing"
expect_fail 1 "^aml-new-model: PUT /[^ ]+/models/fresh/versions/9: HTTP 400 BadArgument: .*nothing is stored at" \
    "a URI with nothing there: the service's 400"
# A version taken by another registration between the count and the
# PUT: counted again.  The faults make the race: the model says its next
# version is 7, which is there, and the look at 7 says it is not.
emu faults -d '{"method":"GET","path":"*/models/fresh","status":200,"body":"{\"name\":\"fresh\",\"properties\":{\"nextVersion\":\"7\"}}"}' >/dev/null
emu faults -d '{"method":"GET","path":"*/models/fresh/versions/7","status":404,"code":"ResourceNotFound"}' >/dev/null
emu requests -X DELETE
run aml-new-model -c $G -n fresh -u "azureml://datastores/workspaceblobstore/paths/azureml/later/model_output"
is "$rc $(jq -r .name "$TMP/out")" "0 9" "a version taken meanwhile: counted again, and the next one made"
is "$(cat "$TMP/err")" "aml-new-model: model fresh version 9 from azureml://datastores/workspaceblobstore/paths/azureml/later/model_output" \
    "saying nothing of the race"
is "$(emu requests | jq -r '[.[] | select(.method == "PUT")] | map((.path | sub("\\?.*"; "") | sub(".*/versions/"; "")) + " " + (.status | tostring)) | join(",")')" \
    "7 400,9 201" "(7 was refused, 9 made)"
emu faults -X DELETE
printf '{"id":"x"}' >"$TMP/noname.json"
run aml-new-model $G -n fresh -j "$TMP/noname.json"
expect_fail 1 "^aml-new-model: $TMP/noname.json: not a job \\(aml-run-job's output\\): it has no name\$" "-j a file that is no job"
for c in "-n fresh|-j or -u is required" "-n fresh -j a -u b|-j and -u: give one of them" \
    "-j x|-n is required" "-n bad.name -j x|-n bad\\.name: a name is" "-n fresh -u x --job-output y|--job-output goes with -j" \
    "-n fresh -u x --model-version a/b|--model-version a/b: not a version"; do
	run aml-new-model $G ${c%%|*}
	expect_usage "^aml-new-model: ${c#*|}" "aml-new-model ${c%%|*}: a usage error"
done

# ---- the loop, as DESIGN.md has it ------------------------------------------------------
ROWS='{"data":[[30,14,40,7688],[57,12,40,7688],[45,10,50,0],[30,7,40,0],[47,14,65,2174],[35,13,45,3103]]}'
printf '%s' "$ROWS" >"$TMP/rows.json"
before=$(aml-invoke -c $G -e "$E" "$TMP/rows.json")
run sh -c "aml-run-job $G < '$TMP/job.json' > '$TMP/loop-job.json' &&
    aml-new-model $G -n $AML_DEMO_MODEL -j '$TMP/loop-job.json' > '$TMP/model.json' &&
    aml-get-deployment $G -e $E -d $AML_DEMO_DEPLOYMENT | aml-export-deployment |
    aml-patch-model -b '$TMP/model.json' | aml-import-deployment |
    aml-update-deployment $G -e $E -d $AML_DEMO_DEPLOYMENT"
expect_ok "run-job | new-model | get | export | patch-model | import | update"
is "$(jq -r .properties.model "$TMP/out")" "$(jq -r .id "$TMP/model.json")" "the deployment serves the new version"
after=$(aml-invoke -c $G -e "$E" "$TMP/rows.json")
test "$before" != "$after"
ok $? "the predictions come from the retrained model ($before, then $after)"

done_testing
