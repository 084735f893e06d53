#!/bin/sh
# aml-retrain: the request is checked before anything is sent, and every
# problem is one line naming the member (near misses with what was
# meant), exit 1, nothing on stdout, no request made.  Usage errors and
# a missing key too.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
. "$TESTS/lib-studio.sh"
studio_start
U=$AML_DEMO_TRAIN_URL
K=$AML_DEMO_TRAIN_KEY_FILE
job_json data/census-2024.csv models/r.ilearner models/e.csv >"$TMP/job.json"
emu requests -X DELETE

# bad EDIT REGEX DESCRIPTION [OPTIONS]: the edited request is refused.
bad() {
	jq "$1" "$TMP/job.json" >"$TMP/bad.json"
	srun aml-retrain -U "$U" -k "$K" ${4:-} "$TMP/bad.json"
	expect_fail 1 "^aml-retrain: $TMP/bad.json: $2\$" "$3"
}

bad '.GolbalParameters = .GlobalParameters | del(.GlobalParameters)' \
    'GolbalParameters: unknown member; did you mean GlobalParameters\?' "GolbalParameters: did you mean"
bad '.Inputs.input1.ConnetionString = .Inputs.input1.ConnectionString | del(.Inputs.input1.ConnectionString)' \
    'Inputs\.input1: ConnetionString: unknown member; did you mean ConnectionString\?' "ConnetionString: did you mean"
bad '.Ouputs = .Outputs | del(.Outputs)' 'Ouputs: unknown member; did you mean Outputs\?' "Ouputs"
bad '.Outputs.output1.RelativeLocaton = "x"' \
    'Outputs\.output1: RelativeLocaton: unknown member; did you mean RelativeLocation\?' "RelativeLocaton"
bad '.Priority = "high"' 'Priority: unknown member \(the service would ignore it\)' "an unknown member"
bad '.Outputs.output1.Container = "models"' 'Outputs\.output1: Container: unknown member \(the service would ignore it\)' \
    "an unknown member of a blob reference"
bad '.Input = .Inputs.input1' 'Input and Inputs: give one \(the service refuses both\)' "Input and Inputs"
bad '.Inputs = []' 'Inputs: expected an object of named blob references, got array' "Inputs not an object"
bad '.Inputs.input1 = "data/x.csv"' 'Inputs\.input1: expected a blob reference \(an object\), got string' \
    "a blob reference not an object"
bad 'del(.Inputs.input1.RelativeLocation)' 'Inputs\.input1: no RelativeLocation \(container/blob\)' "no RelativeLocation"
bad '.Inputs.input1.RelativeLocation = "census.csv"' 'Inputs\.input1: RelativeLocation: census\.csv: not container/blob' \
    "RelativeLocation without a container"
bad '.Inputs.input1.RelativeLocation = 7' 'Inputs\.input1: RelativeLocation: expected a string, got number' \
    "RelativeLocation not a string"
bad '.Inputs.input1 |= {RelativeLocation}' 'Inputs\.input1: needs ConnectionString, or BaseLocation and SasBlobToken' \
    "no credentials"
bad '.Inputs.input1.ConnectionString = "DefaultEndpointsProtocol=https;AccountName=acct"' \
    'Inputs\.input1: ConnectionString: no AccountKey' "a connection string without AccountKey"
bad '.Inputs.input1.ConnectionString = "AccountName=acct;AccountKye=abc"' \
    'Inputs\.input1: ConnectionString: AccountKye: unknown setting; did you mean AccountKey\?' \
    "AccountKye: did you mean"
bad '.Inputs.input1.ConnectionString = "just some text"' \
    "Inputs\\.input1: ConnectionString: not name=value pairs separated by ';'" "a connection string that is not one"
bad '.Inputs.input1.ConnectionString = "AccountName=acct;AccountKey="' \
    'Inputs\.input1: ConnectionString: AccountKey is empty' "an empty AccountKey"
bad '.Inputs.input1 = {BaseLocation: "https://acct.blob.core.windows.net/", RelativeLocation: "data/x.csv",
    SasBlobToken: "?sv=2015-04-05&sr=b&sp=r&se=2001-01-01T00%3A00%3A00Z&sig=abc"}' \
    'Inputs\.input1: SasBlobToken: expired at 2001-01-01T00:00:00Z' "an expired SAS"
bad '.Inputs.input1 = {BaseLocation: "https://acct.blob.core.windows.net/", RelativeLocation: "data/x.csv",
    SasBlobToken: "?sv=2015-04-05&sr=b&sp=r&se=2099-01-01T00%3A00%3A00Z"}' \
    'Inputs\.input1: SasBlobToken: not a SAS token \(no sig\)' "a SAS without a signature"
bad '.Inputs.input1 = {BaseLocation: "https://acct.blob.core.windows.net/", RelativeLocation: "data/x.csv",
    SasBlobToken: "?sv=2015-04-05&sr=b&sp=r&sig=abc"}' \
    'Inputs\.input1: SasBlobToken: no valid expiry time \(se\)' "a SAS without se"
bad '.Outputs.output1.RelativeLocation = "models/r.model"' \
    'Outputs\.output1: RelativeLocation: models/r\.model: an output is a trained model \(\.ilearner\) or a data set \(\.csv, \.tsv or \.arff\)' \
    "an output with another extension"
bad '.Outputs.output1.RelativeLocation = "models/r.csv"' \
    'Outputs\.output1: RelativeLocation: models/r\.csv: a trained model is written as \.ilearner' \
    "a --model-output that is not .ilearner" "-M output1"
bad '.Outputs.model = .Outputs.output1 | .Outputs.model.RelativeLocation = "models/r.csv" | del(.Outputs.output1)' \
    'Outputs\.model: RelativeLocation: models/r\.csv: a trained model is written as \.ilearner' \
    "an output named model that is not .ilearner"
bad '.' 'Outputs: model: no such output \(given with -M\)' "a -M output that is not there" "-M model"
bad '.GlobalParameters = {"Rate": {"value": 1}}' 'GlobalParameters: Rate: expected a string, got object' \
    "a global parameter that is an object"
bad '[.]' 'expected a BatchExecutionRequest \(an object\), got array' "not an object"
printf '{"Inputs": {' >"$TMP/trunc.json"
srun aml-retrain -U "$U" -k "$K" "$TMP/trunc.json"
expect_fail 1 "^aml-retrain: $TMP/trunc\\.json:1:13: " "not JSON: file, line, column"
printf '{"Inputs": {}, "Inputs": {}}' >"$TMP/dup.json"
srun aml-retrain -U "$U" -k "$K" "$TMP/dup.json"
expect_fail 1 "^aml-retrain: $TMP/dup\\.json:1:[0-9]+: .*duplicate" "a duplicate member"
srun_in "$TMP/trunc.json" aml-retrain -U "$U" -k "$K"
expect_fail 1 "^aml-retrain: <stdin>:1:13: " "on stdin, named <stdin>"
jq '.Outputs.output1.RelativeLocation = "models/r.csv"' "$TMP/job.json" >"$TMP/c.json"
srun aml-retrain --check -M output1 "$TMP/c.json"
expect_fail 1 "a trained model is written as \\.ilearner" "--check finds the same problems"
srun aml-retrain --check "$TMP/nosuch.json"
expect_fail 1 "^aml-retrain: $TMP/nosuch\\.json: No such file or directory\$" "a file that is not there"
is "$(emu requests | jq length)" 0 "none of them sent anything"

# Usage, URL and key.
srun aml-retrain -k "$K" "$TMP/job.json"
expect_usage "^aml-retrain: -U or AML_BES_URL is required \\(the training web service\\)\$" "no URL: exit 2"
srun_in "$TMP/trunc.json" aml-retrain -k "$K"
expect_usage "^aml-retrain: -U or AML_BES_URL is required " "said before standard input is read"
srun aml-retrain -U "ftp://example.com/x" -k "$K" "$TMP/job.json"
expect_fail 2 "^aml-retrain: -U ftp://example\\.com/x: " "not an https URL"
srun aml-retrain -U "http://example.com/workspaces/w/services/s" -k "$K" "$TMP/job.json"
expect_fail 2 "plain http is allowed only for loopback" "plain http to another host"
srun aml-retrain -U "$AML_EMULATOR_URL/nothing" -k "$K" "$TMP/job.json"
expect_fail 2 "not a web service URL" "a URL that is not a service's"
srun aml-retrain -U "$U" "$TMP/job.json"
expect_fail 3 "^aml-retrain: -k or AML_API_KEY is required \\(the API key; or AML_API_KEY_FILE\\)\$" "no key: exit 3"
srun aml-retrain -U "$U" -k "$TMP/nokey" "$TMP/job.json"
expect_fail 1 "^aml-retrain: -k $TMP/nokey: No such file or directory\$" "a key file that is not there"
: >"$TMP/empty.key"
srun aml-retrain -U "$U" -k "$TMP/empty.key" "$TMP/job.json"
expect_fail 1 "^aml-retrain: -k $TMP/empty\\.key: empty\$" "an empty key file"
for a in "-m 0" "-m 3x" "--interval 0" "--interval abc" "--interval 2h" "-j not/an/id" \
    "-j abc $TMP/job.json" "$TMP/job.json $TMP/job.json" "-j abc --check" "--no-such"; do
	srun aml-retrain -U "$U" -k "$K" $a
	expect_usage "" "usage error: $a"
done
is "$(emu requests | jq length)" 0 "still nothing sent"

no_secrets
done_testing
