#!/bin/sh
# aml-emulator, Azure Machine Learning: command jobs and model versions.
# Jobs train for real from their training_data and fail for real when
# they cannot; their status walks on the emulator's clock (moved with
# clockSkew, never waited for) or is held (/_emu/holds); cancel and
# delete are long-running.  Model versions take the three kinds of
# modelUri and check that it is there.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0
ml_paths
AT=$(arm_token)
J='Content-Type: application/json'
SAS=$(cat "$AML_DEMO_SAS_FILE")
emu ml -d '{"jobMs":0}' >/dev/null

# upload NAME FILE: into the storage's "data" container; $URL is its URL.
upload() {
	URL=$AML_DEMO_STORAGE_URL/data/$1
	curl -sS -f -X PUT -H 'x-ms-blob-type: BlockBlob' -H 'Content-Type: text/csv' \
	    --data-binary "@$2" "$URL$SAS" >/dev/null
}
# job NAME DATA-URI [LABEL]: a command job that trains from DATA-URI.
job() {
	printf '{"properties":{"jobType":"Command","command":"python train.py","environmentId":"azureml:sklearn:1","experimentName":"retrain","inputs":{"training_data":{"jobInputType":"uri_file","uri":"%s"}%s},"outputs":{"model_output":{"jobOutputType":"custom_model"}},"tags":{"run":"1"}}}' \
	    "$2" "${3:+,\"label_column\":{\"jobInputType\":\"literal\",\"value\":\"$3\"\}}"
}
status_of() {	# JOB
	arm GET "$W/jobs/$1?$MV"
	jb .properties.status
}
upload census-2024.csv "$TESTS/../examples/data/census-2024.csv"
DATA=$URL

# ---- the seeded job --------------------------------------------------------
arm GET "$W/jobs/$AML_DEMO_JOB?$MV"
is_status "$status" 200 "GET the seeded job"
is "$(jb '[.properties.jobType, .properties.status, .type] | join(" ")')" \
    "Command Completed Microsoft.MachineLearningServices/workspaces/jobs" "a Completed command job"
arm GET "$W/jobs?$MV"
is "$(jb '[.value[].name] | join(" ")')" "$AML_DEMO_JOB" "list the jobs"

# ---- a job that trains -------------------------------------------------------
arm PUT "$W/jobs/retrain-1?$MV" -H "$J" --data "$(job retrain-1 "$DATA" income)"
is_status "$status" 201 "PUT a job: 201"
is "$(jb .properties.status)" NotStarted "NotStarted, as the example answers"
is "$(hdr Azure-AsyncOperation)$(hdr Location)" "" "not a long-running operation"
is "$(status_of retrain-1)" Completed "then Completed (jobMs 0)"
is "$(jb .properties.tags.run)" 1 "with its tags"
arm PUT "$W/jobs/retrain-1?$MV" -H "$J" --data '{"properties":{"jobType":"Command","command":"other","environmentId":"e","tags":{"run":"2"}}}'
is_status "$status" 200 "PUT again: 200"
is "$(jb '[.properties.tags.run, .properties.command] | join(" ")')" "2 python train.py" "only the tags changed"

# ---- model versions from it ---------------------------------------------------
mv() {	# NAME VERSION URI [TYPE]
	arm PUT "$W/models/$1/versions/$2?$MV" -H "$J" \
	    --data "{\"properties\":{\"modelUri\":\"$3\",\"modelType\":\"${4:-custom_model}\",\"jobName\":\"retrain-1\"}}"
}
mv "$AML_DEMO_MODEL" 2 azureml://jobs/retrain-1/outputs/model_output
is_status "$status" 201 "register a version from the job's output: 201"
is "$(jb '[.name, .properties.modelType, .properties.provisioningState] | join(" ")')" \
    "2 custom_model Succeeded" "version 2, modelType as sent"
mv "$AML_DEMO_MODEL" 2 azureml://jobs/retrain-1/outputs/model_output CustomModel
is "$status $(jb .properties.modelType)" "200 CustomModel" "PUT again: 200, modelType echoed as sent"
arm GET "$W/models/$AML_DEMO_MODEL?$MV"
is "$(jb '[.properties.latestVersion, .properties.nextVersion] | join(" ")')" "2 3" "latestVersion and nextVersion"
mv "$AML_DEMO_MODEL" 2 azureml://jobs/retrain-1/outputs/artifacts/paths/model/
is "$status $(jb .error.target)" "400 properties.modelUri" "a version's modelUri cannot change"
mv fresh 1 azureml://jobs/retrain-1/outputs/artifacts/paths/model/
is_status "$status" 201 "the reserved artifacts output, under model/, in a new container"
arm GET "$W/models/fresh?$MV"
is "$status $(jb .properties.latestVersion)" "200 1" "the container was made implicitly"
mv fresh 2 "azureml://datastores/workspaceblobstore/paths/azureml/retrain-1/model_output"
is_status "$status" 201 "a datastore path"
mv fresh 3 "$DATA"
is_status "$status" 201 "a blob URL of the emulator"
for bad in "azureml://jobs/nope/outputs/model_output|job 'nope' does not exist" \
    "azureml://jobs/retrain-1/outputs/other|has no output 'other'" \
    "azureml://datastores/workspaceblobstore/paths/no/such/thing|nothing is stored at" \
    "azureml://datastores/otherstore/paths/x|no datastore 'otherstore'" \
    "https://example.com/model.pkl|neither an azureml://datastores/ path nor a blob URL" \
    "runs:/abc/model|neither"; do
	mv fresh 9 "${bad%%|*}"
	is "$status $(jb .error.code)" "400 BadArgument" "refused: ${bad%%|*}"
	like "$(jb .error.message)" "${bad#*|}" "because: ${bad#*|}"
done
arm PUT "$W/models/fresh/versions/9?$MV" -H "$J" --data '{"properties":{"modelType":"custom_model"}}'
is "$status $(jb .error.target)" "400 properties.modelUri" "modelUri is required"
arm PUT "$W/models/fresh/versions/9?$MV" -H "$J" --data '{"properties":{"modelUri":7}}'
is "$status $(jb .error.target)" "400 properties.modelUri" "modelUri is a string"
arm PUT "$W/models/bad.name/versions/1?$MV" -H "$J" --data '{"properties":{"modelUri":"x"}}'
is "$status $(jb .error.target)" "400 name" "the model name pattern"
arm GET "$W/models/fresh/versions?$MV"
is "$(jb '[.value[].name] | join(" ")')" "1 2 3" "list the versions"
arm GET "$W/models?$MV"
is "$(jb '[.value[].name] | join(" ")')" "$AML_DEMO_MODEL fresh" "list the containers"
arm DELETE "$W/models/fresh/versions/3?$MV"
is_status "$status" 200 "DELETE a version: 200"
arm DELETE "$W/models/fresh/versions/3?$MV"
is_status "$status" 204 "again: 204"
arm GET "$W/models/fresh/versions/3?$MV"
is "$status $(jb .error.code)" "404 ResourceNotFound" "it is gone"
arm GET "$W/models/fresh?$MV"
is "$(jb .properties.latestVersion)" 2 "latestVersion follows"
arm PUT "$W/models/described?$MV" -H "$J" --data '{"properties":{"description":"a container","tags":{"k":"v"}}}'
is "$status $(jb .properties.description) $(jb .properties.nextVersion)" "201 a container 1" "PUT a container"
arm PUT "$W/models/described?$MV" -H "$J" --data '{"properties":{"description":"changed"}}'
is "$status $(jb .properties.description)" "200 changed" "PUT it again"
arm DELETE "$W/models/fresh?$MV"
is_status "$status" 200 "DELETE a container"
arm GET "$W/models/fresh/versions/1?$MV"
is_status "$status" 404 "its versions went with it"

# ---- the retrained model changes predictions ------------------------------------
arm POST "$EP/listKeys?$MV"
KEY=$(jb .primaryKey)
SU=$AML_EMULATOR_URL/online/$AML_DEMO_ENDPOINT/score
ROWS='{"input_data":{"columns":["age","education-num","hours-per-week","capital-gain"],"index":[0,1,2,3,4,5],"data":[[30,14,40,7688],[57,12,40,7688],[45,10,50,0],[30,7,40,0],[47,14,65,2174],[35,13,45,3103]]}}'
ml_score "$SU" "$KEY" "$ROWS"
before=$(cat "$TMP/body")
arm GET "$EP/deployments/$AML_DEMO_DEPLOYMENT?$MV"
jq --arg m "$W/models/$AML_DEMO_MODEL/versions/2" '{location, sku, properties: (.properties | del(.provisioningState) | .model = $m)}' \
    "$TMP/body" >"$TMP/dep.json"
arm PUT "$EP/deployments/$AML_DEMO_DEPLOYMENT?$MV" -H "$J" --data-binary "@$TMP/dep.json"
is_status "$status" 200 "point the deployment at version 2"
ml_score "$SU" "$KEY" "$ROWS"
after=$(cat "$TMP/body")
test "$before" != "$after"
ok $? "the retrained model answers otherwise ($before, then $after)"
is "$(hdr azureml-model-deployment)" "$AML_DEMO_DEPLOYMENT" "from the same deployment"

# ---- hold, cancel ------------------------------------------------------------------
hold job retrain-2
arm PUT "$W/jobs/retrain-2?$MV" -H "$J" --data "$(job retrain-2 "$DATA")"
is "$(status_of retrain-2)" Running "a held job stays Running"
is "$(status_of retrain-2)" Running "whatever time passes"
mv "$AML_DEMO_MODEL" 3 azureml://jobs/retrain-2/outputs/model_output
like "$status $(jb .error.message)" "^400 .*job 'retrain-2' is Running, not Completed" \
    "a running job's output cannot be registered"
arm POST "$W/jobs/retrain-2/cancel?$MV"
is_status "$status" 202 "cancel: 202"
loc=$(hdr Location)
like "$loc" "/mfeOperationResults/" "with Location"
is "$(hdr Retry-After)" 10 "and Retry-After"
is "$(status_of retrain-2)" CancelRequested "CancelRequested"
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 202 "its Location while held: 202"
arm POST "$W/jobs/retrain-2/cancel?$MV"
is "$status $(jb .error.code)" "409 Conflict" "a second cancel while the first runs: 409"
unhold
is "$(status_of retrain-2)" Canceled "released: Canceled"
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 200 "its Location: 200"
arm POST "$W/jobs/retrain-2/cancel?$MV"
is "$status $(hdr Location)" "200 " "cancel of a finished job: 200, nothing to do"
arm POST "$W/jobs/nope/cancel?$MV"
is_status "$status" 404 "cancel of an unknown job: 404"

# ---- the status on the clock ----------------------------------------------------------
skew=0
later() {	# SECONDS
	skew=$((skew + $1))
	emu config -d "{\"clockSkew\":$skew}" >/dev/null
	AT=$(arm_token)
}
emu ml -d '{"jobMs":600000}' >/dev/null
arm PUT "$W/jobs/slow?$MV" -H "$J" --data "$(job slow "$DATA")"
is "$(status_of slow)" NotStarted "NotStarted"
later 160
is "$(status_of slow)" Queued "a quarter of jobMs on: Queued"
later 160
is "$(status_of slow)" Running "half: Running"
later 300
is "$(status_of slow)" Completed "all of it: Completed"
emu ml -d '{"jobMs":0}' >/dev/null

# ---- jobs that fail, and why ------------------------------------------------------------
printf 'age,income\n"unterminated,1\n' >"$TMP/bad.csv"
upload bad.csv "$TMP/bad.csv"
failed() {	# NAME BODY REGEX DESCRIPTION
	arm PUT "$W/jobs/$1?$MV" -H "$J" --data "$2"
	arm GET "$W/jobs/$1?$MV"
	is "$(jb .properties.status)" Failed "$4: Failed"
	like "$(jb .properties.error.message)" "$3" "$4: the error says why"
}
failed f1 "$(job f1 "$URL")" "training_data: row 2 has 1 columns, the header 2" "data that is not good CSV"
failed f2 "$(job f2 "$DATA" salary)" 'Column with name or index "salary" not found' "a label column that is not there"
failed f3 '{"properties":{"jobType":"Command","command":"c","environmentId":"e"}}' "no input training_data" "no training data"
failed f4 "$(job f4 "azureml://datastores/workspaceblobstore/paths/none.csv")" "no file at" "a file that is not there"
failed f5 "$(job f5 "$DATA" workclass)" "more than two classes and is not numeric" "a label that cannot be learnt"
emu ml/fail -d '{"count":1,"message":"Out of memory on the compute."}' >/dev/null
failed f6 "$(job f6 "$DATA")" "^Out of memory on the compute\.\$" "an injected failure (/_emu/ml/fail)"
arm PUT "$W/jobs/f7?$MV" -H "$J" --data "$(job f7 "$DATA")"
is "$(status_of f7)" Completed "the next job runs again"
mv "$AML_DEMO_MODEL" 3 azureml://jobs/f1/outputs/model_output
like "$status $(jb .error.message)" "^400 .*job 'f1' is Failed, not Completed" "a failed job's output cannot be registered"

# ---- validation ------------------------------------------------------------------------
bad_job() {	# BODY TARGET DESCRIPTION [NAME]
	arm PUT "$W/jobs/${4:-v1}?$MV" -H "$J" --data "$1"
	is "$status $(jb .error.code) $(jb .error.target)" "400 BadArgument $2" "$3"
}
bad_job '{}' properties "properties is required"
bad_job '{"properties":{"command":"c","environmentId":"e"}}' properties.jobType "jobType is required"
bad_job '{"properties":{"jobType":"Sweep","command":"c","environmentId":"e"}}' properties.jobType \
    "only Command jobs run here"
bad_job '{"properties":{"jobType":"Command","environmentId":"e"}}' properties.command "command is required"
bad_job '{"properties":{"jobType":"Command","command":"c"}}' properties.environmentId "environmentId is required"
bad_job '{"properties":{"jobType":"Command","command":"c","environmentId":"e","inputs":{"d":{"jobInputType":"csv","uri":"x"}}}}' \
    properties.inputs.d "jobInputType is checked"
bad_job '{"properties":{"jobType":"Command","command":"c","environmentId":"e","inputs":{"n":{"jobInputType":"literal"}}}}' \
    properties.inputs.n "a literal needs a value"
bad_job '{"properties":{"jobType":"Command","command":"c","environmentId":"e","inputs":{"d":{"jobInputType":"uri_file"}}}}' \
    properties.inputs.d "a uri_file needs a uri"
bad_job '{"properties":{"jobType":"Command","command":"c","environmentId":"e","outputs":{"m":{"jobOutputType":"literal"}}}}' \
    properties.outputs.m "jobOutputType is checked"
bad_job '{"properties":{"jobType":"Command","command":"c","environmentId":"e"}}' id "the job name pattern" "_x"

# ---- delete ------------------------------------------------------------------------------
hold job f7
arm DELETE "$W/jobs/f7?$MV"
is_status "$status" 202 "DELETE a job: 202"
loc=$(hdr Location)
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 202 "its Location while held: 202"
unhold
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 204 "then 204"
arm GET "$W/jobs/f7?$MV"
is_status "$status" 404 "the job is gone"
arm DELETE "$W/jobs/f7?$MV"
is_status "$status" 204 "DELETE again: 204"

# ---- the datastore's exports -------------------------------------------------
# AML_DEMO_DATASTORE_URL is the container GET datastores names, and the
# SAS of AML_DEMO_DATASTORE_SAS_FILE (0600) writes there and nowhere else;
# a job reads what it wrote by its azureml://datastores/ path.
arm GET "$W/datastores/workspaceblobstore?$MV"
is "$AML_DEMO_STORAGE_URL/$(jb .properties.containerName)" "$AML_DEMO_DATASTORE_URL" \
    "AML_DEMO_DATASTORE_URL: the default datastore's container"
is "$(stat -c %a "$AML_DEMO_DATASTORE_SAS_FILE")" 600 "its SAS in a 0600 file"
DSAS=$(cat "$AML_DEMO_DATASTORE_SAS_FILE")
code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT -H 'x-ms-blob-type: BlockBlob' -H 'Content-Type: text/csv' \
    --data-binary "@$TESTS/../examples/data/census-2024.csv" "$AML_DEMO_DATASTORE_URL/census/exported.csv$DSAS")
is "$code" 201 "the SAS writes to the datastore"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT -H 'x-ms-blob-type: BlockBlob' -H 'Content-Type: text/csv' \
    --data-binary x "$AML_DEMO_STORAGE_URL/data/other.csv$DSAS")
is "$code" 403 "and not to another container"
arm PUT "$W/jobs/dsjob?$MV" -H "$J" --data "$(job dsjob azureml://datastores/workspaceblobstore/paths/census/exported.csv income)"
is_status "$status" 201 "a job on the upload"
is "$(status_of dsjob)" Completed "trains from it"

done_testing
