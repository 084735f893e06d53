#!/bin/sh
# aml-score: one request in, the answer out; both request shapes, the
# key and URL from files and the environment, new and classic web
# services, the errors of the request and of the service, throttling.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
. "$TESTS/lib-studio.sh"
studio_start
ROWS=$TESTS/../examples/data/rows.json
U=$AML_DEMO_SCORE_URL
K=$AML_DEMO_SCORE_KEY_FILE
EXEC="/workspaces/$AML_DEMO_WORKSPACE_ID/services/${U##*/}/execute"

emu requests -X DELETE
srun aml-score -U "$U" -k "$K" "$ROWS"
expect_ok "a table of rows"
is "$(wc -c <"$TMP/err" | tr -d ' ')" 0 "nothing on stderr"
is "$(jq -r '.Results.output1.value.ColumnNames[-2:] | join(",")' "$TMP/out")" \
    "Scored Labels,Scored Probabilities" "the answer, with column names"
is "$(sed -n 2p "$TMP/out")" '  "Results": {' "2-space indented"
cp "$TMP/out" "$TMP/table.json"
is "$(emu requests | jq -r '.[0].path' | sed 's/.*?//')" "api-version=2.0&details=true" \
    "sent with details=true"
srun aml-score -c -U "$U" -k "$K" "$ROWS"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 1 "-c: one line"
is "$(jq -c . "$TMP/out")" "$(jq -c . "$TMP/table.json")" "the same answer"

jq '{Inputs: {input1: [.Inputs.input1 as $t | $t.Values[] | [$t.ColumnNames, .] | transpose
    | map({(.[0]): .[1]}) | add]}, GlobalParameters: {}}' "$ROWS" >"$TMP/rows.json"
emu requests -X DELETE
srun aml-score -U "$U" -k "$K" "$TMP/rows.json"
expect_ok "rows as objects"
is "$(emu requests | jq -r '.[0].path' | sed 's/.*?//')" "api-version=2.0&format=swagger" "sent with format=swagger"
is "$(jq -r '[.Results.output1[]["Scored Labels"]] | join(",")' "$TMP/out")" \
    "$(jq -r '[.Results.output1.value.Values[][-2]] | join(",")' "$TMP/table.json")" "the same predictions"
srun aml-score --format table -U "$U" -k "$K" "$TMP/rows.json"
expect_fail 1 "^aml-score: POST $EXEC: HTTP 400 BadUserArgument \\(InputParseError\\): Parsing of input vector failed\\..* $RID\$" \
    "-F table for rows: the service refuses"

AML_RRS_URL=$U AML_API_KEY=$SCORE_KEY srun_in "$ROWS" aml-score
expect_ok "URL and key from the environment, request on stdin"
srun aml-score -U "$U/execute?api-version=2.0&details=true" -k "$K" "$ROWS"
expect_ok "an execute URL is taken as the service"
srun aml-score -U "$AML_DEMO_WS_URL" -k "$AML_DEMO_WS_KEY_FILE" "$ROWS"
expect_ok "the new web service"
same_file "$TMP/out" "$TMP/table.json" "scores as the classic one (the same model)"
srun aml-score -v -U "$U" -k "$K" "$ROWS"
expect_ok "-v"
grep -q '^> POST ' "$TMP/err"
ok $? "a trace"

# The service refuses.
jq '.Inputs.input1.ColumnNames[0] = "Age"' "$ROWS" >"$TMP/case.json"
srun aml-score -U "$U" -k "$K" "$TMP/case.json"
expect_ok "column names in another case are matched"
jq '.Inputs.input1.ColumnNames[3] = "hours"' "$ROWS" >"$TMP/col.json"
srun aml-score -U "$U" -k "$K" "$TMP/col.json"
expect_fail 1 "^aml-score: POST $EXEC: HTTP 400 BadUserArgument \\(InputMismatchError\\): Input data does not match input port schema\\. Missing column: hours-per-week\\. $RID\$" \
    "a missing column: InputMismatchError"
jq '.Inputs.input1.Values[2][3] = "lots"' "$ROWS" >"$TMP/nan.json"
srun aml-score -U "$U" -k "$K" "$TMP/nan.json"
expect_fail 1 "\\(InputParseError\\): .*row 3, column 'hours-per-week': 'lots' is not a number\\." \
    "a value that is not a number: InputParseError"
printf 'd3Jvbmcga2V5\n' >"$TMP/wrong.key"
srun aml-score -U "$U" -k "$TMP/wrong.key" "$ROWS"
expect_fail 3 "^aml-score: POST $EXEC: HTTP 401 Unauthorized \\(ScoreRequestUnauthorized\\): Invalid credentials provided\\. $RID\$" \
    "a wrong key: exit 3"
# The key's variable or its _FILE; a file's name in the variable itself
# is refused, and the refusal says what to do.
srun env AML_API_KEY_FILE="$K" aml-score -U "$U" "$ROWS"
expect_ok "AML_API_KEY_FILE"
srun env AML_API_KEY="$(cat "$K")" aml-score -U "$U" "$ROWS"
expect_ok "AML_API_KEY"
for v in "$K" ./key '~/key' key; do
	cp "$K" "$TMP/key"
	cd "$TMP"
	srun env AML_API_KEY="$v" aml-score -U "$U" "$ROWS"
	cd - >/dev/null
	expect_fail 3 "^aml-score: POST $EXEC: HTTP 401 Unauthorized \\(ScoreRequestUnauthorized\\): Invalid credentials provided\\. $RID; AML_API_KEY looks like a file name: use AML_API_KEY_FILE\$" \
	    "AML_API_KEY=$(printf '%s' "$v" | sed "s,$TMP/,,"): the 401 says to use AML_API_KEY_FILE"
done
srun env AML_API_KEY=d3Jvbmcga2V5 aml-score -U "$U" "$ROWS"
expect_fail 3 "Invalid credentials provided\\. $RID\$" "a wrong key that is no file's name: no such hint"
srun aml-score -U "$AML_DEMO_TRAIN_URL" -k "$AML_DEMO_TRAIN_KEY_FILE" "$ROWS"
expect_fail 1 "\\(IncompatibleModel\\)" "a training web service"

# Throttling.
export AML_RETRY_MAX=2
emu faults -d "{\"path\":\"$EXEC\",\"status\":503,\"code\":\"RequestThrottled\",\"count\":2}" >/dev/null
srun aml-score -U "$U" -k "$K" "$ROWS"
expect_ok "503 RequestThrottled twice: it recovers"
same_file "$TMP/out" "$TMP/table.json" "with the same answer"
is "$(grep -c "^aml-score: warning: HTTP 503 from POST $EXEC, retrying in " "$TMP/err")" 2 "warning each time"
emu faults -d "{\"path\":\"$EXEC\",\"status\":503,\"code\":\"RequestThrottled\",\"count\":5}" >/dev/null
srun aml-score -q -U "$U" -k "$K" "$ROWS"
expect_fail 1 "^aml-score: POST $EXEC: HTTP 503 ServiceUnavailable \\(RequestThrottled\\): Request was throttled .* $RID\$" \
    "throttled past the retries"
emu faults -X DELETE
emu faults -d "{\"path\":\"$EXEC\",\"notJson\":true}" >/dev/null
srun aml-score -U "$U" -k "$K" "$ROWS"
expect_fail 1 "^aml-score: POST execute: the answer is not JSON: " "an answer that is not JSON"
emu faults -X DELETE

# The request, before anything is sent.
emu requests -X DELETE
printf '{"Inputs":' >"$TMP/trunc.json"
srun aml-score -U "$U" -k "$K" "$TMP/trunc.json"
expect_fail 1 "^aml-score: $TMP/trunc\\.json:1:11: " "not JSON"
printf '[1]' >"$TMP/arr.json"
srun aml-score -U "$U" -k "$K" "$TMP/arr.json"
expect_fail 1 "^aml-score: $TMP/arr\\.json: expected a scoring request \\(an object\\), got array\$" "not an object"
printf '{"GlobalParameters":{}}' >"$TMP/noin.json"
srun aml-score -U "$U" -k "$K" "$TMP/noin.json"
expect_fail 1 "^aml-score: $TMP/noin\\.json: no Inputs object\$" "no Inputs"
printf '{"Inputs":{}}' >"$TMP/empty.json"
srun aml-score -U "$U" -k "$K" "$TMP/empty.json"
expect_fail 1 "^aml-score: $TMP/empty\\.json: Inputs is empty\$" "Inputs empty"
printf '{"Inputs":{"input1":"a,b"}}' >"$TMP/str.json"
srun aml-score -U "$U" -k "$K" "$TMP/str.json"
expect_fail 1 "^aml-score: $TMP/str\\.json: Inputs: expected a table \\(ColumnNames, Values\\) or a list of rows, got string\$" \
    "an input that is neither shape"
is "$(emu requests | jq length)" 0 "none was sent"
srun aml-score -k "$K" "$ROWS"
expect_usage "^aml-score: -U or AML_RRS_URL is required \\(the web service\\)\$" "no URL"
printf 'not json' >"$TMP/notjson"
srun_in "$TMP/notjson" aml-score -k "$K"
expect_usage "^aml-score: -U or AML_RRS_URL is required " "said before standard input is read"
srun aml-score -U "$U" "$ROWS"
expect_fail 3 "^aml-score: -k or AML_API_KEY is required \\(the API key; or AML_API_KEY_FILE\\)\$" "no key"
srun aml-score -U "$U" -k "$TMP/nokey" "$ROWS"
expect_fail 1 "^aml-score: -k $TMP/nokey: No such file or directory\$" "no key file"
srun aml-score --format csv -U "$U" -k "$K" "$ROWS"
expect_usage "^aml-score: --format csv: table or swagger\$" "a format it does not know"
srun aml-score -U "$U" -k "$K" "$ROWS" "$ROWS"
expect_usage "^usage: aml-score" "two requests"

no_secrets
done_testing
