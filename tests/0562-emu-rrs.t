#!/bin/sh
# aml-emulator: the Request-Response Service.  Both request shapes,
# deterministic scores from the bound model, the documented errors, and
# which model a new web service scores with: the old one until its
# update's long-running operation has succeeded, then the new one, kept
# even when its blob is gone.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
. "$TESTS/lib-studio.sh"
studio_start --lro-ms 0
V='api-version=2.0'
ROWS=$TESTS/../examples/data/rows.json

# score URL KEY QUERY FILE: POST execute.
score() {
	printf 'header = "Authorization: Bearer %s"\n' "$2" >"$TMP/auth.cfg"
	http POST "$1/execute?$3" -K "$TMP/auth.cfg" -H 'Content-Type: application/json' \
	    --data-binary "@$4"
}

detail() {
	jb '.error.code + " " + (.error.details[0].code // "-")'
}

score "$AML_DEMO_SCORE_URL" "$SCORE_KEY" "$V&details=true" "$ROWS"
is_status "$status" 200 "execute with details=true"
is "$(jb '.Results.output1.type')" DataTable "a DataTable"
is "$(jb '.Results.output1.value.ColumnNames | join(",")')" \
    "age,workclass,education-num,hours-per-week,capital-gain,Scored Labels,Scored Probabilities" \
    "the input columns and the scores"
is "$(jb '.Results.output1.value.ColumnTypes | join(",")')" \
    "Numeric,String,Numeric,Numeric,Numeric,String,Numeric" "their types"
is "$(jb '.Results.output1.value.Values | length')" 6 "a row per input row"
is "$(jb '[.Results.output1.value.Values[][5]] | unique | join(",")')" "<=50K,>50K" "labels of both classes"
is "$(jb '[.Results.output1.value.Values[][6] | tonumber | select(. >= 0 and . <= 1)] | length')" 6 \
    "probabilities"
cp "$TMP/body" "$TMP/before.json"
score "$AML_DEMO_SCORE_URL" "$SCORE_KEY" "$V&details=true" "$ROWS"
same_file "$TMP/body" "$TMP/before.json" "the same rows score the same"
score "$AML_DEMO_SCORE_URL" "$SCORE_KEY" "$V" "$ROWS"
is "$(jb '.Results.output1.value | keys | join(",")')" Values "without details: the values only"

# Rows as objects; numbers as numbers.
jq '{Inputs: {input1: [.Inputs.input1 as $t | $t.Values[] | [$t.ColumnNames, .] | transpose
    | map({(.[0]): .[1]}) | add]}, GlobalParameters: {}}' "$ROWS" >"$TMP/rows-swagger.json"
score "$AML_DEMO_SCORE_URL" "$SCORE_KEY" "$V&format=swagger" "$TMP/rows-swagger.json"
is_status "$status" 200 "format=swagger"
is "$(jb '.Results.output1 | length')" 6 "rows out"
is "$(jb '[.Results.output1[]["Scored Labels"]] | join(",")')" \
    "$(jq -r '[.Results.output1.value.Values[][5]] | join(",")' "$TMP/before.json")" \
    "the same labels as the table"
jq '.Inputs.input1.Values |= map(map(tonumber? // .))' "$ROWS" >"$TMP/numbers.json"
score "$AML_DEMO_SCORE_URL" "$SCORE_KEY" "$V&details=true" "$TMP/numbers.json"
is "$(jb '.Results.output1.value.Values[0][0]')" 25 "numbers are taken and echoed as text"

# Errors.
refused() {	# refused FILE STATUS CLASS CODE DESCRIPTION [QUERY]
	score "$AML_DEMO_SCORE_URL" "$SCORE_KEY" "${6:-$V&details=true}" "$1"
	is "$status $(detail)" "$2 $3 $4" "$5"
}
refused "$ROWS" 400 BadArgument BadVersionCall "no api-version" "details=true"
printf '{"Inputs":' >"$TMP/trunc.json"
refused "$TMP/trunc.json" 400 BadArgument RequestBodyInvalid "not JSON"
printf '{"GlobalParameters":{}}' >"$TMP/noin.json"
refused "$TMP/noin.json" 400 BadArgument MissingRequestInput "no Inputs"
jq '.Inputs.input2 = .Inputs.input1' "$ROWS" >"$TMP/two.json"
refused "$TMP/two.json" 400 BadArgument InvalidInputNames "an unknown input"
jq '.Inputs.input1.ColumnNames[3] = "hours"' "$ROWS" >"$TMP/col.json"
refused "$TMP/col.json" 400 BadUserArgument InputMismatchError "a missing column"
like "$(jb '.error.details[0].message')" 'Missing column: hours-per-week' "named"
jq '.Inputs.input1.Values[1][0] = "thirty"' "$ROWS" >"$TMP/nan.json"
refused "$TMP/nan.json" 400 BadUserArgument InputParseError "a value that is not a number"
like "$(jb '.error.details[0].message')" "row 2, column 'age': 'thirty' is not a number" "where"
jq '.Inputs.input1.Values[0] |= .[1:]' "$ROWS" >"$TMP/short.json"
refused "$TMP/short.json" 400 BadUserArgument InputParseError "a short row"
jq '.GlobalParameters = {"x": "1"}' "$ROWS" >"$TMP/gp.json"
refused "$TMP/gp.json" 400 BadArgument UnexpectedParameter "a global parameter"
refused "$TMP/rows-swagger.json" 400 BadUserArgument InputParseError "rows sent as a table"
score "$AML_DEMO_SCORE_URL" "d3Jvbmcga2V5" "$V" "$ROWS"
is "$status $(detail)" "401 Unauthorized ScoreRequestUnauthorized" "a wrong key"
score "$AML_DEMO_SCORE_URL" "$TRAIN_KEY" "$V" "$ROWS"
is "$status $(detail)" "401 Unauthorized ScoreRequestUnauthorized" "another service's key"
score "$AML_DEMO_TRAIN_URL" "$TRAIN_KEY" "$V" "$ROWS"
is "$status $(detail)" "400 InvalidOperation IncompatibleModel" "a training web service does not score"
emu faults -d '{"path":"*/execute","status":503,"code":"RequestThrottled"}' >/dev/null
score "$AML_DEMO_SCORE_URL" "$SCORE_KEY" "$V" "$ROWS"
is "$status $(detail)" "503 ServiceUnavailable RequestThrottled" "throttled"

# swagger.json, without a key.
http GET "$AML_DEMO_TRAIN_URL/swagger.json?$V"
is_status "$status" 200 "swagger.json"
is "$(jb '.definitions.BatchOutputs.properties | keys | join(",")')" output1,output2 \
    "it names the outputs"
is "$(jb .basePath)" "/${AML_DEMO_TRAIN_URL#http://*/}" "and the basePath"

# The new web service: it scores with the model its update bound.
score "$AML_DEMO_WS_URL" "$WS_KEY" "$V&details=true" "$ROWS"
is_status "$status" 200 "the new web service scores"
same_file "$TMP/body" "$TMP/before.json" "with the seeded model"
upload "$TESTS/../examples/data/census-2024.csv" data/new.csv
job_json data/new.csv models/rrs.ilearner >"$TMP/job.json"
bes POST "/jobs?$V" -H 'Content-Type: application/json' --data-binary "@$TMP/job.json"
id=$(jb .)
bes POST "/jobs/$id/start?$V"
wait_job "$id"
is "$(jb .StatusCode)" Finished "a model trained on other data"
new=$(jb '.Results.output1 | .BaseLocation + .RelativeLocation')
sas_secret "$(jb .Results.output1.SasBlobToken)"

run aml-login
expect_ok "signed in"
AT=$(arm_token)
# The update's operation is held (HELD_MS) until the clock is moved.
emu config -d "{\"lroMs\":$HELD_MS}" >/dev/null
aml-get-ws -g "$AML_DEMO_RG" -n "$AML_DEMO_WS" | aml-export-ws | aml-patch-ilearner -q -u "$new" |
    aml-import-ws | aml-update-ws -q --no-wait -g "$AML_DEMO_RG" -n "$AML_DEMO_WS" >"$TMP/op.json"
op=$(jq -r .operation "$TMP/op.json")
like "$op" '^http' "the update runs"
score "$AML_DEMO_WS_URL" "$WS_KEY" "$V&details=true" "$ROWS"
same_file "$TMP/body" "$TMP/before.json" "while it runs, the old model scores"
http GET "$op" -H "Authorization: Bearer $AT"
is "$(jb .status)" Provisioning "(it is still running)"
emu config -d '{"lroMs":0}' >/dev/null
clock_release
lro_wait "$op"
is "$(jb .status)" Succeeded "the update succeeded"
clock_back
score "$AML_DEMO_WS_URL" "$WS_KEY" "$V&details=true" "$ROWS"
cp "$TMP/body" "$TMP/after.json"
cmp -s "$TMP/after.json" "$TMP/before.json"
is $? 1 "then the new model scores"
is "$(jq -r '.Results.output1.value.Values[0][5]' "$TMP/after.json")" ">50K" \
    "25 years, 60 hours a week: >50K now"
http DELETE "$AML_DEMO_STORAGE_URL/models/rrs.ilearner$SAS"
score "$AML_DEMO_WS_URL" "$WS_KEY" "$V&details=true" "$ROWS"
same_file "$TMP/body" "$TMP/after.json" "the bound model survives its blob"
score "$AML_DEMO_SCORE_URL" "$SCORE_KEY" "$V&details=true" "$ROWS"
same_file "$TMP/body" "$TMP/before.json" "the classic service still has its own"

aml-get-ws -g "$AML_DEMO_RG" -n "$AML_DEMO_WS" | aml-export-ws |
    aml-patch-ilearner -q -u "$AML_DEMO_STORAGE_URL/models/nosuch.ilearner" |
    aml-import-ws | aml-update-ws -q -g "$AML_DEMO_RG" -n "$AML_DEMO_WS" >/dev/null
score "$AML_DEMO_WS_URL" "$WS_KEY" "$V" "$ROWS"
is "$status $(detail)" "500 InternalError ResourceDownload" "a model blob that is not there: ResourceDownload"
score "$AML_DEMO_WS_URL" "$SCORE_KEY" "$V" "$ROWS"
is "$status $(detail)" "401 Unauthorized ScoreRequestUnauthorized" "the new web service wants its own key"

no_secrets
done_testing
