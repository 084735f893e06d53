#!/bin/sh
# aml-emulator: the Batch Execution Service.  The job life cycle (submit,
# start, status, cancel, delete), real training from the CSV, Results
# with SAS tokens that read the blobs, StatusCode as names or numbers,
# batch scoring, and every documented error of a request.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
. "$TESTS/lib-studio.sh"
studio_start
V='api-version=2.0'
upload "$TESTS/../examples/data/census-2024.csv" data/new.csv

# detail: "class detail-code" of the last error body.
detail() {
	jb '.error.code + " " + (.error.details[0].code // "-")'
}

# submit FILE: the job id, or nothing (the answer in $TMP/body).
submit() {
	bes POST "/jobs?$V" -H 'Content-Type: application/json' --data-binary "@$1"
	[ "$status" = 200 ] && jb .
}

job_json data/new.csv models/bes.ilearner >"$TMP/job.json"
id=$(submit "$TMP/job.json")
like "$id" '^[0-9a-f]{32}$' "submit: the job id"
like "$(cat "$TMP/body")" '^"[0-9a-f]{32}"$' "as a JSON string"
bes GET "/jobs/$id?$V"
is "$(jq -c . "$TMP/body")" '{"StatusCode":"NotStarted","Results":null,"Details":null}' "NotStarted"
# Held in Running (no timer to race) until the hold is released.
hold bes-job "$id"
bes POST "/jobs/$id/start?$V"
is_status "$status" 204 "start: 204"
bes GET "/jobs/$id?$V"
is "$(jb .StatusCode)" Running "Running"
bes POST "/jobs/$id/start?$V"
is "$status $(detail)" "400 InvalidOperation CannotStartJob" "a second start: CannotStartJob"
is "$(jb '.error.details[0].message')" "The job cannot be started because it is in Running state." \
    "its message"
unhold
wait_job "$id"
is "$(jb .StatusCode)" Finished "Finished"
is "$(jb .Details)" null "no Details"
is "$(jb '.Results | keys | join(",")')" output1,output2 "Results for both outputs"
is "$(jb .Results.output1.RelativeLocation)" models/bes.ilearner "output1 where asked"
is "$(jb .Results.output1.BaseLocation)" "$AML_DEMO_STORAGE_URL/" "BaseLocation ends in /"
is "$(jb .Results.output1.ConnectionString)" null "ConnectionString null"
like "$(jb .Results.output1.SasBlobToken)" '^\?sv=2013-08-15&sr=b&sig=[A-Za-z0-9%]+&st=[0-9T%A-Z-]+&se=[0-9T%A-Z-]+&sp=r$' \
    "a read-only blob SAS"
like "$(jb .Results.output2.RelativeLocation)" "^experimentoutput/$id/[0-9a-f]{32}\\.csv\$" \
    "output2, not given, in the workspace's storage"
cp "$TMP/body" "$TMP/status.json"
sas_secret "$(jq -r .Results.output1.SasBlobToken "$TMP/status.json")"
sas_secret "$(jq -r .Results.output2.SasBlobToken "$TMP/status.json")"
http GET "$(jq -r '.Results.output1 | .BaseLocation + .RelativeLocation + .SasBlobToken' "$TMP/status.json")"
is_status "$status" 200 "the SAS reads the model"
is "$(jb .format) $(jb .algorithm) $(jb .label)" "aml-emulator/ilearner TwoClassLogisticRegression income" \
    "a logistic regression of income"
is "$(jb '.features | join(",")')" "age,education-num,hours-per-week,capital-gain" \
    "on the numeric columns (workclass is text)"
is "$(jb .trainedOn.source) $(jb .trainedOn.rows)" "data/new.csv 48" "trained on the upload"
is "$(jb .trainedOn.sha256)" "$(openssl dgst -sha256 "$TESTS/../examples/data/census-2024.csv" | sed 's/.*= //')" \
    "whose hash it records"
cp "$TMP/body" "$TMP/model1"
http GET "$(jq -r '.Results.output2 | .BaseLocation + .RelativeLocation + .SasBlobToken' "$TMP/status.json")"
is "$(head -1 "$TMP/body" | tr -d '\r')" "Accuracy,Precision,Recall,F1 Score,Average Log Loss,Rows" \
    "output2 is the evaluation"
http GET "$(jq -r '.Results.output1 | .BaseLocation + "models/adult-census-income.ilearner" + .SasBlobToken' "$TMP/status.json")"
is "$status" 403 "the SAS reads only its blob"

# Training is deterministic.
id2=$(submit "$TMP/job.json")
bes POST "/jobs/$id2/start?$V"
wait_job "$id2"
http GET "$(jq -r '.Results.output1 | .BaseLocation + .RelativeLocation + .SasBlobToken' "$TMP/body")"
same_file "$TMP/body" "$TMP/model1" "the same data trains the same model"

# StatusCode as numbers; SAS lifetime.
emu studio -d '{"statusAsInt":true,"sasTtl":-60}' >/dev/null
bes GET "/jobs/$id?$V"
is "$(jq -c .StatusCode "$TMP/body")" 4 "statusAsInt: Finished is 4"
http GET "$(jq -r '.Results.output1 | .BaseLocation + .RelativeLocation + .SasBlobToken' "$TMP/body")"
is "$status" 403 "sasTtl -60: the SAS has expired"
emu studio -d '{"statusAsInt":false,"sasTtl":3600}' >/dev/null
bes GET "/jobs/$id?$V"
se=$(jb .Results.output1.SasBlobToken | sed 's/.*se=\([^&]*\).*/\1/; s/%3A/:/g')
now=$(date -u +%s)
t=$(date -u -d "$se" +%s)
ok $((t > now + 3500 && t <= now + 3700 ? 0 : 1)) "a new GET gives a fresh SAS (sasTtl 3600)"
sas_secret "$(jb .Results.output1.SasBlobToken)"

# Cancel and delete.
id=$(submit "$TMP/job.json")
bes DELETE "/jobs/$id?$V"
is_status "$status" 204 "DELETE a job not started: 204"
bes GET "/jobs/$id?$V"
is "$(jb .StatusCode)" Cancelled "Cancelled"
bes POST "/jobs/$id/start?$V"
is "$(detail)" "InvalidOperation CannotStartJob" "a cancelled job cannot start"
id=$(submit "$TMP/job.json")
hold bes-job "$id"
bes POST "/jobs/$id/start?$V"
bes DELETE "/jobs/$id?$V"
bes GET "/jobs/$id?$V"
is "$(jb .StatusCode)" Cancelled "DELETE a running job: Cancelled"
bes DELETE "/jobs/$id?$V"
is_status "$status" 204 "DELETE an ended job"
bes GET "/jobs/$id?$V"
is "$status $(detail)" "404 NotFound JobNotFound" "deletes it"
unhold

# Failures of the job itself.
emu studio/fail -d '{"details":"ModuleExecutionError: out of coffee"}' >/dev/null
id=$(submit "$TMP/job.json")
bes POST "/jobs/$id/start?$V"
wait_job "$id"
is "$(jb .StatusCode)|$(jb .Details)|$(jb .Results)" "Failed|ModuleExecutionError: out of coffee|null" \
    "an injected failure: Failed with its Details"
cut -d, -f1-5 "$TESTS/../examples/data/census-2024.csv" >"$TMP/nolabel.csv"
upload "$TMP/nolabel.csv" data/nolabel.csv
job_json data/nolabel.csv models/x.ilearner >"$TMP/nolabel.json"
id=$(submit "$TMP/nolabel.json")
bes POST "/jobs/$id/start?$V"
wait_job "$id"
is "$(jb .StatusCode)" Failed "training data without the label: Failed"
like "$(jb .Details)" 'Train Model.*Error 0001: Column with name or index "income" not found' \
    "Details name the module and the column"

# Requests the service refuses.
refused() {	# refused JQ-EDIT STATUS CLASS CODE DESCRIPTION
	jq "$1" "$TMP/job.json" >"$TMP/bad.json"
	submit "$TMP/bad.json" >/dev/null
	is "$status $(detail)" "$2 $3 $4" "$5"
}
refused '.Outputs.output1.RelativeLocation = "models/x.csv"' 400 BadArgument InvalidBlobExtension \
    "a model output that is not .ilearner"
like "$(jb '.error.details[0].message')" '^The blob reference: models/x.csv has an invalid or missing file extension\. Supported file extensions for this output type are: "\.ilearner"\.$' \
    "its message"
refused '.Outputs.output2 = .Outputs.output1' 400 BadArgument InvalidBlobExtension \
    "an evaluation output that is .ilearner"
refused '.Inputs.input1.RelativeLocation = "data/nosuch.csv"' 400 BadArgument BlobNotFound \
    "an input blob that does not exist"
like "$(jb '.error.details[0].message')" 'data/nosuch.csv.*The specified blob does not exist' "its message"
refused '.Inputs.input1.RelativeLocation = "nosuch/x.csv"' 400 BadArgument BlobNotFound "a container that does not exist"
refused '.Inputs.input1.ConnectionString = "DefaultEndpointsProtocol=https;AccountName=amlemustore"' \
    400 BadArgument InvalidBlobConnectionString "a connection string without AccountKey"
refused '.Inputs.input1.ConnectionString = "AccountName=amlemustore;AccountKey=d3Jvbmc="' \
    400 BadArgument BlobNotFound "a wrong account key"
like "$(jb '.error.details[0].message')" 'Server failed to authenticate' "says authentication failed"
refused '.Inputs.input1 |= {RelativeLocation}' 400 BadArgument MissingInputBlobInformation \
    "neither a connection string nor a SAS"
refused '.Inputs.input1.ConnetionString = .Inputs.input1.ConnectionString | del(.Inputs.input1.ConnectionString)' \
    400 BadArgument MissingInputBlobInformation "ConnetionString is ignored, as on Azure"
refused 'del(.Inputs)' 400 BadArgument BatchJobInputsNotSpecified "no Inputs"
refused '.Inputs.input2 = .Inputs.input1' 400 BadArgument InvalidInputNames "an unknown input"
refused '.Input = .Inputs.input1' 400 BadArgument DuplicateInputInBatchCall "Input and Inputs"
refused '.Outputs.model = .Outputs.output1' 400 BadArgument InvalidOutputOverrideName "an unknown output"
refused '.GlobalParameters = {"Learning rate": "0.1"}' 400 BadArgument UnexpectedParameter \
    "a global parameter the service has not"
jq '.GolbalParameters = .GlobalParameters | del(.GlobalParameters)' "$TMP/job.json" >"$TMP/golbal.json"
submit "$TMP/golbal.json" >/dev/null
is_status "$status" 200 "GolbalParameters is ignored, as on Azure"
printf '{"Inputs":' >"$TMP/trunc.json"
submit "$TMP/trunc.json" >/dev/null
is "$status $(detail)" "400 BadArgument RequestBodyInvalid" "a body that is not JSON"

# Inputs by SAS.
jq --arg b "$AML_DEMO_STORAGE_URL/" --arg s "$SAS" '.Inputs.input1 = {BaseLocation: $b,
    RelativeLocation: "data/new.csv", SasBlobToken: $s}' "$TMP/job.json" >"$TMP/sas.json"
id=$(submit "$TMP/sas.json")
like "$id" '^[0-9a-f]{32}$' "an input by BaseLocation and SasBlobToken"
jq '.Inputs.input1.SasBlobToken |= sub("sig=[^&]*"; "sig=Zm9yZ2VkIHNpZ25hdHVyZQ%3D%3D")' "$TMP/sas.json" >"$TMP/forged.json"
submit "$TMP/forged.json" >/dev/null
is "$status $(detail)" "400 BadArgument BlobNotFound" "with a forged SAS: BlobNotFound"
like "$(jb '.error.details[0].message')" 'AuthenticationFailed' "naming the storage error"

# The service and its key.
bes GET "/jobs/$id?api-version=1.0"
is "$status $(detail)" "400 BadArgument BadVersionCall" "api-version 1.0"
bes GET "/jobs/00000000000000000000000000000000?$V"
is "$status $(detail)" "404 NotFound JobNotFound" "an unknown job"
http GET "$AML_DEMO_TRAIN_URL/jobs/$id?$V" -H 'Authorization: Bearer d3Jvbmcga2V5'
is "$status $(detail)" "401 Unauthorized ScoreRequestUnauthorized" "a wrong key: 401"
is "$(jb '.error.details[0].message')" "Invalid credentials provided." "its message"
http GET "$AML_DEMO_SCORE_URL/jobs/$id?$V" -H "Authorization: Bearer $SCORE_KEY"
is "$status $(detail)" "404 NotFound JobNotFound" "another service's job is not found"
http GET "${AML_DEMO_TRAIN_URL%/services/*}/services/0123456789abcdef0123456789abcdef/jobs/$id?$V" \
    -H "Authorization: Bearer $TRAIN_KEY"
is "$status $(detail)" "404 NotFound WebServiceNotFound" "an unknown service"
http GET "$AML_EMULATOR_URL/workspaces/0123456789abcdef0123456789abcdef/services/x/jobs/$id?$V"
is "$status $(detail)" "404 NotFound WorkspaceNotFound" "an unknown workspace"

# Throttling, injected: the documented shape and class.
emu faults -d '{"path":"/workspaces/*/services/*/jobs","status":503,"code":"RequestThrottled","retryAfter":1}' >/dev/null
submit "$TMP/job.json" >/dev/null
is "$status $(detail)" "503 ServiceUnavailable RequestThrottled" "503 RequestThrottled"
is "$(jb .error.message)" "Service is temporarily unavailable." "the class's message"
like "$(jb '.error.details[0].message')" '^Request was throttled for .* endpoint\. The maximum concurrency for the endpoint is [0-9]+\.$' \
    "the documented text"
is "$(hdr Retry-After)" 1 "Retry-After"

# Batch scoring on the predictive web service and on the new web service.
jq -n --arg cs "$CONN" '{Inputs: {input1: {ConnectionString: $cs, RelativeLocation: "data/new.csv"}},
    Outputs: {output1: {ConnectionString: $cs, RelativeLocation: "data/scored.csv"}}}' >"$TMP/score.json"
for target in "$AML_DEMO_SCORE_URL $SCORE_KEY" "$AML_DEMO_WS_URL $WS_KEY"; do
	u=${target% *} k=${target#* }
	http POST "$u/jobs?$V" -H "Authorization: Bearer $k" -H 'Content-Type: application/json' \
	    --data-binary "@$TMP/score.json"
	j=$(jb .)
	http POST "$u/jobs/$j/start?$V" -H "Authorization: Bearer $k"
	n=0
	while [ $n -lt 1200 ]; do
		http GET "$u/jobs/$j?$V" -H "Authorization: Bearer $k"
		[ "$(jb .StatusCode)" = Running ] || break
		sleep 0.05
		n=$((n + 1))
	done
	is "$(jb .StatusCode)" Finished "batch scoring on ${u##*/services/}: Finished"
	sas_secret "$(jb .Results.output1.SasBlobToken)"
	http GET "$(jq -r '.Results.output1 | .BaseLocation + .RelativeLocation + .SasBlobToken' "$TMP/body")"
	is "$(head -1 "$TMP/body" | tr -d '\r')" \
	    "age,workclass,education-num,hours-per-week,capital-gain,income,Scored Labels,Scored Probabilities" \
	    "the scored CSV"
	is "$(sed -n '$=' "$TMP/body")" 49 "every row scored"
done
jq '.Outputs.output1.RelativeLocation = "data/scored.ilearner"' "$TMP/score.json" >"$TMP/bad.json"
http POST "$AML_DEMO_SCORE_URL/jobs?$V" -H "Authorization: Bearer $SCORE_KEY" \
    -H 'Content-Type: application/json' --data-binary "@$TMP/bad.json"
is "$status $(detail)" "400 BadArgument InvalidBlobExtension" "a scored data set is not .ilearner"

no_secrets
done_testing
