#!/bin/sh
# aml-emulator, Azure Machine Learning: scoring online endpoints.  The
# three authModes (keys, AML tokens, Entra tokens for https://ml.azure.com),
# the traffic split (smooth weighted round robin, so a split is exact),
# azureml-model-deployment, the status codes of the service (401, 404,
# 408, 424, 429), the request shapes, changes that take effect only when
# their operation ends, the generic faults, and no key in the request log.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0
ml_paths
AT=$(arm_token)
J='Content-Type: application/json'
MODEL=$W/models/$AML_DEMO_MODEL/versions/1
SU=$AML_EMULATOR_URL/online/$AML_DEMO_ENDPOINT/score
ROW='{"input_data":{"columns":["age","education-num","hours-per-week","capital-gain"],"index":[0],"data":[[50,16,60,15024]]}}'
arm POST "$EP/listKeys?$MV"
KEY=$(jb .primaryKey)
KEY2=$(jb .secondaryKey)

# ---- keys ---------------------------------------------------------------------
arm GET "$EP?$MV"
is "$(jb .properties.scoringUri)" "$SU" "the scoringUri"
ml_score "$SU" "$KEY" "$ROW"
is_status "$status" 200 "score with the primary key"
is "$(cat "$TMP/body")" '[">50K"]' "a JSON array of predictions"
is "$(hdr azureml-model-deployment)" "$AML_DEMO_DEPLOYMENT" "azureml-model-deployment names who served"
ml_score "$SU" "$KEY2" "$ROW"
is_status "$status" 200 "the secondary key too"
ml_score "$SU" "not-the-key" "$ROW"
is_status "$status" 401 "a wrong key: 401"
like "$(jb .error.message)" "not one of the endpoint's keys" "says why"
http POST "$SU" -H "$J" --data "$ROW"
is_status "$status" 401 "no Authorization: 401"
http POST "$SU" -H "Authorization: Basic $KEY" -H "$J" --data "$ROW"
is_status "$status" 401 "not Bearer: 401"
http POST "$AML_EMULATOR_URL/online/nope/score" -H "Authorization: Bearer $KEY" --data "$ROW"
is_status "$status" 404 "an unknown endpoint: 404"

# ---- request shapes -----------------------------------------------------------------
shape() {	# BODY EXPECTED DESCRIPTION
	ml_score "$SU" "$KEY" "$1"
	is "$status $(cat "$TMP/body")" "200 $2" "$3"
}
shape '{"input_data":{"columns":["age","education-num","hours-per-week","capital-gain"],"data":[[50,16,60,15024],[20,8,20,0]]}}' \
    '[">50K","<=50K"]' "input_data with columns and data (no index)"
shape '{"input_data":[{"age":50,"education-num":16,"hours-per-week":60,"capital-gain":15024}]}' '[">50K"]' \
    "input_data as records"
shape '{"data":[[50,16,60,15024],[20,8,20,0]]}' '[">50K","<=50K"]' "data in the model's feature order"
shape '{"data":[{"age":"20","education-num":"8","hours-per-week":"20","capital-gain":"0","workclass":"Private"}]}' \
    '["<=50K"]' "data as records, numbers as strings, extra columns"
shape '[{"age":20,"education-num":8,"hours-per-week":20,"capital-gain":0}]' '["<=50K"]' "a bare list of rows"
shape '{"dataframe_split":{"columns":["age","education-num","hours-per-week","capital-gain"],"data":[[50,16,60,15024]]}}' \
    '[">50K"]' "MLflow's dataframe_split"
bad_input() {	# BODY REASON DESCRIPTION
	ml_score "$SU" "$KEY" "$1"
	is "$status $(hdr ms-azureml-model-error-statuscode)" "424 400" "$3: 424, the container's 400"
	like "$(hdr ms-azureml-model-error-reason)" "$2" "$3: the reason"
}
bad_input '{"data":[[1,2]]}' "row 1 must be an array of 4 values" "too few values"
bad_input '{"input_data":{"columns":["age"],"data":[[1]]}}' "column 'education-num', a feature of the model, is missing" \
    "a missing feature"
bad_input '{"data":[{"age":"old","education-num":1,"hours-per-week":1,"capital-gain":1}]}' "'old' is not a number" "not a number"
bad_input '{"rows":[]}' "must hold input_data, data" "an unknown shape"
bad_input 'not json' "not JSON" "not JSON"

# ---- AML tokens ------------------------------------------------------------------------
arm PUT "$W/onlineEndpoints/tok-ep?$MV" -H "$J" --data '{"location":"southcentralus","properties":{"authMode":"AMLToken"}}'
arm PUT "$W/onlineEndpoints/tok-ep/deployments/d1?$MV" -H "$J" \
    --data "{\"location\":\"southcentralus\",\"properties\":{\"endpointComputeType\":\"Managed\",\"model\":\"$MODEL\"}}"
arm PUT "$W/onlineEndpoints/tok-ep?$MV" -H "$J" --data '{"location":"southcentralus","properties":{"authMode":"AMLToken","traffic":{"d1":100}}}'
arm POST "$W/onlineEndpoints/tok-ep/token?$MV"
TOK=$(jb .accessToken)
TSU=$AML_EMULATOR_URL/online/tok-ep/score
ml_score "$TSU" "$TOK" "$ROW"
is "$status $(hdr azureml-model-deployment)" "200 d1" "score with an AML token"
ml_score "$TSU" "$KEY" "$ROW"
is_status "$status" 401 "a key of another endpoint: 401"
emu config -d '{"clockSkew":3700}' >/dev/null
ml_score "$TSU" "$TOK" "$ROW"
is_status "$status" 401 "an AML token an hour old: 401"
like "$(jb .error.message)" "expired" "it has expired"
emu config -d '{"clockSkew":0}' >/dev/null

# ---- Entra tokens for https://ml.azure.com ------------------------------------------------
arm PUT "$W/onlineEndpoints/aad-ep?$MV" -H "$J" --data '{"location":"southcentralus","properties":{"authMode":"AADToken"}}'
arm PUT "$W/onlineEndpoints/aad-ep/deployments/d1?$MV" -H "$J" \
    --data "{\"location\":\"southcentralus\",\"properties\":{\"endpointComputeType\":\"Managed\",\"model\":\"$MODEL\"}}"
arm PUT "$W/onlineEndpoints/aad-ep?$MV" -H "$J" --data '{"location":"southcentralus","properties":{"authMode":"AADToken","traffic":{"d1":100}}}'
ASU=$AML_EMULATOR_URL/online/aad-ep/score
token_v2 --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$AZURE_CLIENT_ID" \
    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" --data-urlencode scope=https://ml.azure.com/.default
is_status "$status" 200 "Entra issues a token for scope https://ml.azure.com/.default"
MLT=$(jb .access_token)
is "$(jwt_part "$MLT" 2 | jq -r .aud)" https://ml.azure.com "its audience"
ml_score "$ASU" "$MLT" "$ROW"
is_status "$status" 200 "score with it"
token_v1 --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$AZURE_CLIENT_ID" \
    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" --data-urlencode resource=https://ml.azure.com
ml_score "$ASU" "$(jb .access_token)" "$ROW"
is_status "$status" 200 "and with a v1 token for resource https://ml.azure.com"
ml_score "$ASU" "$AT" "$ROW"
is_status "$status" 401 "a Resource Manager token: 401"
like "$(jb .error.message)" "audience 'https://management.azure.com/?', not 'https://ml.azure.com'" "the wrong audience"
emu config -d '{"clockSkew":90000}' >/dev/null
ml_score "$ASU" "$MLT" "$ROW"
is_status "$status" 401 "an expired Entra token: 401"
emu config -d '{"clockSkew":0}' >/dev/null

# ---- traffic ----------------------------------------------------------------------------
# A second deployment with a model trained on other data.
curl -sS -f -X PUT -H 'x-ms-blob-type: BlockBlob' --data-binary "@$TESTS/../examples/data/census-2024.csv" \
    "$AML_DEMO_STORAGE_URL/data/c.csv$(cat "$AML_DEMO_SAS_FILE")" >/dev/null
emu ml -d '{"jobMs":0}' >/dev/null
arm PUT "$W/jobs/j2?$MV" -H "$J" --data "{\"properties\":{\"jobType\":\"Command\",\"command\":\"c\",\"environmentId\":\"e\",\"inputs\":{\"training_data\":{\"jobInputType\":\"uri_file\",\"uri\":\"$AML_DEMO_STORAGE_URL/data/c.csv\"}},\"outputs\":{\"model_output\":{\"jobOutputType\":\"custom_model\"}}}}"
arm GET "$W/jobs/j2?$MV"
arm PUT "$W/models/$AML_DEMO_MODEL/versions/2?$MV" -H "$J" --data '{"properties":{"modelUri":"azureml://jobs/j2/outputs/model_output"}}'
is_status "$status" 201 "model version 2, retrained"
arm PUT "$EP/deployments/green?$MV" -H "$J" \
    --data "{\"location\":\"southcentralus\",\"properties\":{\"endpointComputeType\":\"Managed\",\"model\":\"$W/models/$AML_DEMO_MODEL/versions/2\"}}"
is_status "$status" 201 "a green deployment of it"
traffic() {	# BLUE GREEN: PUT the endpoint, and a GET as a client polls
	arm PUT "$EP?$MV" -H "$J" \
	    --data "{\"location\":\"southcentralus\",\"properties\":{\"authMode\":\"Key\",\"traffic\":{\"$AML_DEMO_DEPLOYMENT\":$1,\"green\":$2}}}"
	_st=$status
	arm GET "$EP?$MV"
	status=$_st
}
served() {	# N [CURL-ARGS]: who served each of N requests
	_n=$1
	shift
	_who=
	while [ "$_n" -gt 0 ]; do
		ml_score "$SU" "$KEY" "$ROW" "$@"
		_who="$_who $(hdr azureml-model-deployment)"
		_n=$((_n - 1))
	done
	echo $_who
}
traffic 100 0
ml_score "$SU" "$KEY" "$ROW" -H "azureml-model-deployment: green"
is "$status $(hdr azureml-model-deployment)" "200 green" "azureml-model-deployment pins green at 0%"
v2=$(cat "$TMP/body")
ml_score "$SU" "$KEY" '{"data":[[50,16,60,15024],[30,14,40,7688],[57,12,40,7688],[45,10,50,0],[47,14,65,2174],[35,13,45,3103]]}' \
    -H "azureml-model-deployment: green"
g=$(cat "$TMP/body")
ml_score "$SU" "$KEY" '{"data":[[50,16,60,15024],[30,14,40,7688],[57,12,40,7688],[45,10,50,0],[47,14,65,2174],[35,13,45,3103]]}' \
    -H "azureml-model-deployment: $AML_DEMO_DEPLOYMENT"
test "$g" != "$(cat "$TMP/body")"
ok $? "green scores with the retrained model ($g), blue with the first ($(cat "$TMP/body"))"
ml_score "$SU" "$KEY" "$ROW" -H "azureml-model-deployment: nope"
is_status "$status" 404 "an unknown pinned deployment: 404"
like "$(jb .error.message)" "Deployment 'nope'" "names it"
is "$(served 4)" "$AML_DEMO_DEPLOYMENT $AML_DEMO_DEPLOYMENT $AML_DEMO_DEPLOYMENT $AML_DEMO_DEPLOYMENT" \
    "100/0: all to $AML_DEMO_DEPLOYMENT"
traffic 90 10
is "$(served 10 | tr ' ' '\n' | sort | uniq -c | awk '{print $2 "=" $1}' | sort | tr '\n' ' ')" \
    "$AML_DEMO_DEPLOYMENT=9 green=1 " "90/10: 9 and 1 of 10"
traffic 50 50
is "$(served 4)" "$AML_DEMO_DEPLOYMENT green $AML_DEMO_DEPLOYMENT green" "50/50 alternates"
traffic 0 100
is "$(served 2)" "green green" "0/100: all to green"
traffic 0 0
ml_score "$SU" "$KEY" "$ROW"
is_status "$status" 404 "no deployment with a positive weight: 404"
is "$(jb .error.message)" "No valid deployments to route to. Please check that the endpoint has at least one deployment with positive weight values or use a deployment specific header to route." \
    "with the service's message"

# ---- a change is used once its operation has ended ----------------------------------------
traffic 100 0
hold endpoint "$AML_DEMO_ENDPOINT"
traffic 0 100
is "$(served 2)" "$AML_DEMO_DEPLOYMENT $AML_DEMO_DEPLOYMENT" "a traffic change still running: the old split"
unhold
is "$(served 2)" "green green" "once it has ended, the new one"
hold deployment "*/green"
arm PUT "$EP/deployments/green?$MV" -H "$J" \
    --data "{\"location\":\"southcentralus\",\"properties\":{\"endpointComputeType\":\"Managed\",\"model\":\"$MODEL\"}}"
ml_score "$SU" "$KEY" "$ROW"
is "$(cat "$TMP/body")" "$v2" "a deployment being updated serves its old model"
unhold
arm GET "$EP/deployments/green?$MV"
ml_score "$SU" "$KEY" "$ROW"
is "$(cat "$TMP/body")" '[">50K"]' "then the new one"
hold deployment "*/blue2"
arm PUT "$EP/deployments/blue2?$MV" -H "$J" \
    --data "{\"location\":\"southcentralus\",\"properties\":{\"endpointComputeType\":\"Managed\",\"model\":\"$MODEL\"}}"
ml_score "$SU" "$KEY" "$ROW" -H "azureml-model-deployment: blue2"
is_status "$status" 503 "a deployment still being created serves nothing: 503"
unhold

# ---- 424, 408, 429 by switch -------------------------------------------------------------
emu ml/scoring -d '{"endpoint":"'"$AML_DEMO_ENDPOINT"'","deployment":"green","status":424,"modelStatusCode":500,"reason":"KeyError: age"}' >/dev/null
ml_score "$SU" "$KEY" "$ROW"
is "$status $(hdr ms-azureml-model-error-statuscode) $(hdr ms-azureml-model-error-reason)" \
    "424 500 KeyError: age" "424 with the model's status and reason"
is "$(hdr azureml-model-deployment)" green "from green"
ml_score "$SU" "$KEY" "$ROW" -H "azureml-model-deployment: $AML_DEMO_DEPLOYMENT"
is_status "$status" 200 "the other deployment is well"
emu ml/scoring -d '{"endpoint":"'"$AML_DEMO_ENDPOINT"'","deployment":"green","status":408}' >/dev/null
ml_score "$SU" "$KEY" "$ROW"
is_status "$status" 408 "408 when the model is too slow"
emu ml/scoring -d '{"endpoint":"'"$AML_DEMO_ENDPOINT"'","deployment":"green","status":429}' >/dev/null
ml_score "$SU" "$KEY" "$ROW"
is_status "$status" 429 "429 when too many requests are pending"
emu ml/scoring -d '{"endpoint":"'"$AML_DEMO_ENDPOINT"'","deployment":"green","status":0}' >/dev/null
ml_score "$SU" "$KEY" "$ROW"
is_status "$status" 200 "status 0 clears the switch"
run emu ml/scoring -d '{"endpoint":"'"$AML_DEMO_ENDPOINT"'","deployment":"green","status":500}'
is "$rc" 22 "the switch takes 424, 408, 429 or 0"
run emu ml/scoring -d '{"endpoint":"'"$AML_DEMO_ENDPOINT"'","deployment":"nope","status":429}'
is "$rc" 22 "and a deployment that exists"

# ---- the generic faults apply ----------------------------------------------------------------
emu faults -d '{"path":"/online/*/score","status":429,"retryAfter":2}' >/dev/null
ml_score "$SU" "$KEY" "$ROW"
is "$status $(hdr Retry-After)" "429 2" "a throttling fault on the scoring URI"
emu faults -d '{"path":"/online/*/score","drop":"before-body"}' >/dev/null
ml_score "$SU" "$KEY" "$ROW"
is_status "$status" 000 "a dropped connection"
emu faults -d '{"method":"GET","path":"*/onlineEndpoints/*","status":503,"retryAfter":5}' >/dev/null
arm GET "$EP?$MV"
is "$status $(jb .error.code) $(hdr Retry-After)" "503 ServiceUnavailable 5" \
    "a fault on a control-plane route, in the ARM envelope"
emu faults -d '{"method":"PUT","path":"*/deployments/*","delayMs":50}' >/dev/null
arm PUT "$EP/deployments/green?$MV" -H "$J" \
    --data "{\"location\":\"southcentralus\",\"properties\":{\"endpointComputeType\":\"Managed\",\"model\":\"$MODEL\"}}"
is_status "$status" 200 "a delayed PUT still answers"

# ---- swagger, and the request log ------------------------------------------------------------
http GET "$AML_EMULATOR_URL/online/$AML_DEMO_ENDPOINT/swagger.json"
is "$status $(jb .openapi)" "200 3.0.1" "the swaggerUri serves a document"
emu requests >"$TMP/log.json"
for s in "$KEY" "$KEY2" "$TOK" "$MLT"; do
	grep -F -q -- "$s" "$TMP/log.json" && echo found
done >"$TMP/found"
is "$(cat "$TMP/found")" "" "no key or token in the request log"
is "$(jq -r '[.[] | select(.path | test("/score$"))][0].authScheme' "$TMP/log.json")" Bearer \
    "only the scheme of a scoring request's Authorization is kept"

done_testing
