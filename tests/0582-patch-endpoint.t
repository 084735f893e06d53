#!/bin/sh
# aml-patch-endpoint: an added endpoint of the predictive web service
# pointed at a retrained model, verified through the switch-over; and
# every refusal: the default endpoint, a training web service, a wrong
# resource name, the extension, an expired or missing SAS, a job not
# finished, what the service refuses, a timeout before the switch.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
. "$TESTS/lib-studio.sh"
studio_start
T=$AML_DEMO_WORKSPACE_TOKEN_FILE
export AML_WORKSPACE_ID=$AML_DEMO_WORKSPACE_ID AML_WEBSERVICE_ID=$AML_DEMO_SCORE_SERVICE
S=$AML_DEMO_SCORE_SERVICE
EPS="/workspaces/$AML_WORKSPACE_ID/webservices/$S/endpoints"
RES=$AML_DEMO_RESOURCE
ROWS=$TESTS/../examples/data/rows.json

srun aml-add-endpoint -k "$T" -K "$TMP/ep.key" retrained
expect_ok "an endpoint to patch"
key_secret "$TMP/ep.key"
EPURL=$(jq -r .ApiLocation "$TMP/out")
train models/patched.ilearner
cp "$TMP/result.json" "$TMP/r.json"

# patches: the PATCH requests in the log.
patches() {
	emu requests | jq '[.[] | select(.method == "PATCH")] | length'
}

# The switch-over held (HELD_MS) until the program has looked twice.
emu studio -d "{\"switchMs\":$HELD_MS}" >/dev/null
srun aml-score -c -U "$EPURL" -k "$TMP/ep.key" "$ROWS"
cp "$TMP/out" "$TMP/before.json"
emu requests -X DELETE
start_bg aml-patch-endpoint -k "$T" -b "$TMP/r.json" retrained
wait_until seen 4 '.method == "GET"'
ok $? "after the PATCH, it looks at the endpoint until the switch-over"
clock_release
wait_bg
clock_back
emu studio -d '{"switchMs":300}' >/dev/null
cat "$TMP/out" "$TMP/err" >>"$TMP/outputs"
expect_ok "patch the endpoint with the job's model"
is "$(jq . "$TMP/out")" "$(cat "$TMP/out")" "the endpoint, 2-space JSON"
is "$(jq -r '.Resources[0] | .Name + " " + .Location.RelativeLocation' "$TMP/out")" "$RES models/patched.ilearner" \
    "reporting the new model"
is "$(jq -r '[.. | objects | has("SasBlobToken") or has("PrimaryKey")] | any' "$TMP/out")" false \
    "without SAS or keys"
emu requests >"$TMP/log.json"
is "$(jq -r '[.[] | .method] | .[0:3] | join(" ")' "$TMP/log.json")" "GET GET PATCH" \
    "GET the endpoint and its web service, then PATCH"
is "$(jq -r '[.[3:][] | .method] | unique | join(" ")' "$TMP/log.json")" GET \
    "then GETs until the switch-over"
srun aml-score -c -U "$EPURL" -k "$TMP/ep.key" "$ROWS"
cmp -s "$TMP/out" "$TMP/before.json"
is $? 1 "when it exits, the endpoint scores with the new model"
srun aml-score -c -U "$AML_DEMO_SCORE_URL" -k "$AML_DEMO_SCORE_KEY_FILE" "$ROWS"
same_file "$TMP/out" "$TMP/before.json" "the default endpoint does not"

# Explicit locations; the SAS from a file or the environment.
train models/explicit.ilearner
jq -r .Results.output1.SasBlobToken "$TMP/result.json" >"$TMP/sas"
srun aml-patch-endpoint -k "$T" -B "$AML_DEMO_STORAGE_URL/" -L models/explicit.ilearner --sas-file "$TMP/sas" retrained
expect_ok "-B -L -S"
is "$(jq -r '.Resources[0].Location.RelativeLocation' "$TMP/out")" models/explicit.ilearner "that model"
AML_SAS_TOKEN=$(cat "$TMP/sas") srun aml-patch-endpoint -k "$T" -a "$RES" -B "$AML_DEMO_STORAGE_URL" \
    -L models/explicit.ilearner retrained
expect_ok "AML_SAS_TOKEN, -a with the right name, a base without its slash"
sed 's/^?//' "$TMP/sas" >"$TMP/sas-bare"
AML_SAS_TOKEN_FILE=$TMP/sas-bare srun aml-patch-endpoint -k "$T" -B "$AML_DEMO_STORAGE_URL" \
    -L models/explicit.ilearner retrained
expect_ok "AML_SAS_TOKEN_FILE holding the token without its '?' (as az storage prints it)"


# --no-verify, and a switch-over slower than -m (held: HELD_MS).
emu studio -d "{\"switchMs\":$HELD_MS}" >/dev/null
srun aml-patch-endpoint -k "$T" --no-verify -b "$TMP/r.json" retrained
expect_ok "--no-verify: no wait"
is "$(jq -r '.Resources[0].Location.RelativeLocation' "$TMP/out")" models/explicit.ilearner \
    "the endpoint as it is right after the PATCH"
srun aml-patch-endpoint -k "$T" -m 3 -b "$TMP/r.json" retrained
expect_fail 1 "^aml-patch-endpoint: endpoint retrained still reports the old model at the time limit \\(-m 3 s\\); the PATCH was accepted: check again later with aml-get-endpoint\$" \
    "the switch-over outlasts -m: exit 1, and what it means"
# A stalled server cannot hold it past -m either (a minute's stall).
emu faults -d '{"method":"GET","path":"*/endpoints/*","delayMs":60000,"count":100}' >/dev/null
srun aml-patch-endpoint -k "$T" -m 3 -b "$TMP/r.json" retrained
expect_fail 1 "^aml-patch-endpoint: GET $EPS/retrained: no answer within the time limit \\(-m 3 s\\)\$" \
    "a stalled GET: exit 1 at -m"
emu faults -X DELETE
emu studio -d '{"switchMs":200}' >/dev/null

# Refused before the PATCH.
emu requests -X DELETE
srun aml-patch-endpoint -k "$T" -b "$TMP/r.json" default
expect_fail 1 "^aml-patch-endpoint: endpoint default is the default endpoint of web service $S: its model follows the web service and cannot be replaced; add an endpoint \\(aml-add-endpoint\\) and patch that\$" \
    "the default endpoint"
srun aml-add-endpoint -k "$T" --service "$AML_DEMO_TRAIN_SERVICE" tr
srun aml-patch-endpoint -k "$T" --service "$AML_DEMO_TRAIN_SERVICE" -b "$TMP/r.json" tr
expect_fail 1 "^aml-patch-endpoint: endpoint tr has no updatable resources \\(is $AML_DEMO_TRAIN_SERVICE the training web service, or its default endpoint\\? Add the endpoint to the predictive web service\\)\$" \
    "an endpoint of the training web service"
srun aml-patch-endpoint -k "$AML_DEMO_SCORE_KEY_FILE" -U "$MGMT/$S/endpoints/default" -b "$TMP/r.json"
expect_fail 1 "^aml-patch-endpoint: endpoint default has no updatable resources" \
    "the default endpoint, with its own key (the web service cannot be read)"
srun aml-patch-endpoint -k "$T" -a "Adult Census Income [trained model]" -b "$TMP/r.json" retrained
expect_fail 1 "^aml-patch-endpoint: endpoint retrained has no resource 'Adult Census Income \\[trained model\\]'; its updatable resources: 'Adult Census Income Model \\[trained model\\]'\$" \
    "a wrong resource name"
is "$(patches)" 0 "none of them PATCHed"

# Refused before anything is sent.
emu requests -X DELETE
jq '.Results.output1.RelativeLocation = "models/patched.csv"' "$TMP/r.json" >"$TMP/csv.json"
srun aml-patch-endpoint -k "$T" --result output1 -b "$TMP/csv.json" retrained
expect_fail 1 "^aml-patch-endpoint: RelativeLocation models/patched\\.csv: a trained model ends in \\.ilearner\$" \
    "not .ilearner"
jq '.Results.output1.RelativeLocation = "models/x\tb.csv?sig=PLANTEDSIG"' "$TMP/r.json" >"$TMP/odd.json"
srun aml-patch-endpoint -k "$T" --result output1 -b "$TMP/odd.json" retrained
expect_fail 1 '^aml-patch-endpoint: RelativeLocation "models/x\\tb\.csv\?<redacted>": a trained model ends in \.ilearner$' \
    "a location with a control character and a query: quoted, the query redacted"
jq '.Results.output1.SasBlobToken = null' "$TMP/r.json" >"$TMP/nosas.json"
srun aml-patch-endpoint -k "$T" -b "$TMP/nosas.json" retrained
expect_fail 1 "^aml-patch-endpoint: no SAS token: the service reads the model's blob with it\$" "no SAS"
srun aml-patch-endpoint -k "$T" -B "$AML_DEMO_STORAGE_URL/" -L models/explicit.ilearner retrained
expect_fail 1 "^aml-patch-endpoint: no SAS token" "-B -L without a SAS"
emu studio -d '{"sasTtl":-60}' >/dev/null
id=$(jq -r .JobId "$TMP/r.json")
srun_bes aml-retrain -j "$id" -U "$AML_DEMO_TRAIN_URL" -k "$AML_DEMO_TRAIN_KEY_FILE" -o "$TMP/expired.json"
sas_secret "$(jq -r .Results.output1.SasBlobToken "$TMP/expired.json")"
sas_secret "$(jq -r .Results.output2.SasBlobToken "$TMP/expired.json")"
srun aml-patch-endpoint -k "$T" -b "$TMP/expired.json" retrained
expect_fail 1 "^aml-patch-endpoint: the SAS token expired at [0-9-]+T[0-9:]+Z; get a fresh one with aml-retrain -j $id\$" \
    "an expired SAS, and how to get a fresh one"
jq 'del(.JobId)' "$TMP/expired.json" >"$TMP/expired2.json"
srun aml-patch-endpoint -k "$T" -b "$TMP/expired2.json" retrained
expect_fail 1 "^aml-patch-endpoint: the SAS token expired at .*; read the job's status again for a fresh one\$" \
    "an expired SAS without the job id"
emu studio -d '{"sasTtl":3600}' >/dev/null
srun_bes aml-retrain -j "$id" -U "$AML_DEMO_TRAIN_URL" -k "$AML_DEMO_TRAIN_KEY_FILE" -f -o "$TMP/expired.json"
srun aml-patch-endpoint -k "$T" -b "$TMP/expired.json" retrained
expect_ok "a fresh one from aml-retrain -j works"
emu requests -X DELETE
jq '.StatusCode = "Running" | .Results = null' "$TMP/r.json" >"$TMP/running.json"
srun aml-patch-endpoint -k "$T" -b "$TMP/running.json" retrained
expect_fail 1 "^aml-patch-endpoint: $TMP/running\\.json: the job is Running, not Finished\$" "a job not finished"
jq '.Results.output3 = .Results.output1' "$TMP/r.json" >"$TMP/two.json"
srun aml-patch-endpoint -k "$T" -b "$TMP/two.json" retrained
expect_fail 1 "^aml-patch-endpoint: $TMP/two\\.json: 2 outputs end in \\.ilearner \\(output1, output3\\); choose one with --result\$" \
    "two models in the results"
srun aml-patch-endpoint -k "$T" -b "$TMP/two.json" --result output9 retrained
expect_fail 1 "^aml-patch-endpoint: $TMP/two\\.json: no output named \"output9\" in Results\$" "an output that is not there"
printf '{"StatusCode":' >"$TMP/trunc.json"
srun aml-patch-endpoint -k "$T" -b "$TMP/trunc.json" retrained
expect_fail 1 "^aml-patch-endpoint: $TMP/trunc\\.json:1:15: " "a status that is not JSON"
is "$(emu requests | jq length)" 0 "none of them sent anything"
srun aml-patch-endpoint -k "$T" -b "$TMP/two.json" --result output3 retrained
expect_ok "-r picks one"

# Refused by the service.
srun aml-patch-endpoint -k "$T" -B "$AML_DEMO_STORAGE_URL/" -L data/nosuch.ilearner --sas-file "$AML_DEMO_SAS_FILE" retrained
expect_fail 1 "^aml-patch-endpoint: PATCH $EPS/retrained: HTTP 400 BlobNotFound: Unable to access the provided Azure blob - data/nosuch\\.ilearner\\. Azure error message: The specified blob does not exist\\. $RID\$" \
    "a blob that is not there: the service says BlobNotFound"
sed 's/sig=[^&]*/sig=Zm9yZ2Vk/' "$TMP/sas" >"$TMP/forged"
srun aml-patch-endpoint -k "$T" -B "$AML_DEMO_STORAGE_URL/" -L models/explicit.ilearner --sas-file "$TMP/forged" retrained
expect_fail 1 "^aml-patch-endpoint: PATCH $EPS/retrained: HTTP 400 InvalidBlob: .*Azure error code: AuthenticationFailed\\. $RID\$" \
    "a forged SAS: InvalidBlob"
printf 'not-the-token\n' >"$TMP/wrong"
srun aml-patch-endpoint -k "$TMP/wrong" -b "$TMP/r.json" retrained
expect_fail 3 "^aml-patch-endpoint: GET $EPS/retrained: HTTP 401 Unauthorized" "a wrong token: exit 3"
srun aml-patch-endpoint -k "$T" -b "$TMP/r.json" nosuch
expect_fail 1 "^aml-patch-endpoint: GET $EPS/nosuch: HTTP 404 EndpointNotFound" "an endpoint that is not there"
srun aml-patch-endpoint -k "$TMP/ep.key" -U "$MGMT/$S/endpoints/retrained" -b "$TMP/r.json"
expect_ok "-U and the endpoint's own key"

# Usage: each error names what is missing or in the way.
while IFS='	' read -r a why; do
	srun aml-patch-endpoint -k "$T" $a
	expect_usage "^aml-patch-endpoint: $why" "usage error: $(printf '%s' "$a" | sed "s,$TMP/,,g; s,$MGMT/,,")"
done <<EOF
-b $TMP/r.json -B x -L y retrained	give -b, or -B and -L, not both
--result output1 -B x -L y retrained	--result goes with -b
-B x retrained	-L is required with -B
-L x retrained	-B is required with -L
retrained	-b, or -B and -L, is required
-b $TMP/r.json	NAME or -U is required
-b $TMP/r.json -U $MGMT/$S/endpoints/retrained retrained	-U names the endpoint
-m 0 -b $TMP/r.json retrained	-m 0: not a duration
--sas-file $TMP/sas -b $TMP/r.json retrained	--sas-file goes with -B and -L
-r output1 -b $TMP/r.json retrained	unknown option -r
EOF

no_secrets
emu studio -d '{"switchMs":100}' >/dev/null
# A PATCH the service carried out, answered with a page that is not
# JSON: judged by its status, then verified.
emu faults -d '{"method":"PATCH","path":"*/endpoints/*","notJson":true,"carriedOut":true}' >/dev/null
train models/carried.ilearner
srun aml-patch-endpoint -k "$T" -b "$TMP/result.json" retrained
expect_ok "a 200 that is not JSON: done, and verified"
is "$(jq -r '.Resources[0].Location.RelativeLocation' "$TMP/out")" models/carried.ilearner "the new model"
emu faults -X DELETE >/dev/null
done_testing
