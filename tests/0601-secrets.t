#!/bin/sh
# Secrets: known values are planted for every kind of secret (the client
# secret, a wrong one, the certificate's private key, the PFX password
# and a wrong one, access and refresh tokens, the web service's API
# keys, the storage account key, a connection string's AccountKey (in a
# BES status, and quoted by a server), a SAS signature; and for the
# Studio services their API keys, the workspace token, the storage
# account's key, the SAS of a job's results, an endpoint's key; and for
# Azure Machine Learning an online endpoint's keys, a wrong one, an AML
# token and an Entra token for https://ml.azure.com); every
# program then runs with -v through success and failure paths, and its
# stdout, its stderr, every file it writes and the configuration
# directory after it are searched for each value.
#
# The only places a secret may be:
#   the stdout of aml-token (the access token: printing it is its job);
#   the stdout of aml-ws-keys (the API keys: likewise);
#   the stdout of aml-online-keys and its -o file (an online endpoint's
#   keys, or with --token its AML token: likewise);
#   aml-retrain's status, on stdout or in its -o file (the SAS of the
#   job's results: what the status is for);
#   the file given to -K of aml-add-endpoint and aml-get-endpoint (the
#   endpoint's key, as asked);
#   tokens.json in the configuration directory (the token cache: access
#   and refresh tokens), and secret.json after aml-login --save-secret
#   (the client secret, as asked).
# Nothing else: not a trace, not an error line, not profile.json, not a
# definition printed after an update.  argv never carries a secret
# either: it is read from /proc while programs wait on slow answers.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 50
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10 AML_RETRY_MAX=1
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS
SEEN=$TMP/seen
mkdir -p "$SEEN"

# The planted values.
S_CLIENT=$AZURE_CLIENT_SECRET
S_WRONG=wr0ng-Cl13nt-s3cr3t-planted
S_PFXPW=$AML_EMU_CERT_PFX_PASSWORD
S_WRONGPW=wr0ng-pfx-pa55w0rd-planted
S_KEYLINE=$(sed -n '/BEGIN .*PRIVATE KEY/,/END .*PRIVATE KEY/p' "$AML_EMU_CERT_PEM" | sed -n 3p)
S_PRIMARY=pRiMaRy-ap1-k3y-planted-0001
S_SECONDARY=sEcOnDaRy-ap1-k3y-planted-0002
S_STORAGE=c3RvcmFnZS1hY2NvdW50LWtleS1wbGFudGVk
S_ACCKEY=QWNjb3VudEtleS1pbi1jb25uZWN0aW9uLXN0cmluZw
S_SIG=sIgNaTuRe%2Bplanted%3D
test "${#S_KEYLINE}" -ge 40
ok $? "a line of the certificate's private key to look for"
printf '%s\n' "$S_WRONG" >"$TMP/wrong-secret"
printf '%s\n' "$S_CLIENT" >"$TMP/secret"
printf '%s\n' "$S_PFXPW" >"$TMP/pfxpw"
printf '%s\n' "$S_WRONGPW" >"$TMP/wrong-pfxpw"
chmod 600 "$TMP/wrong-secret" "$TMP/secret" "$TMP/pfxpw" "$TMP/wrong-pfxpw"

# vstep STATUS NAME CMD...: run with stdout, stderr and the configuration
# directory kept under $SEEN; the exit status is as expected (so that
# the path taken is the one meant).  vstep_in FILE ... reads FILE.
_step=0
vstep_in() {
	_in=$1 _want=$2 _name=$3
	shift 3
	_step=$((_step + 1))
	_base=$SEEN/$(printf '%02d' $_step)-$_name
	rc=0
	"$@" <"$_in" >"$_base.out" 2>"$_base.err" || rc=$?
	[ -d "$AML_CONFIG_DIR" ] && cp -a "$AML_CONFIG_DIR" "$_base.cfg"
	cp "$_base.out" "$TMP/out"
	cp "$_base.err" "$TMP/err"
	if [ "$rc" = "$_want" ]; then ok 0 "$_name: exit $_want"; else
		ok 1 "$_name: exit $_want"; diag "exit $rc" "$(head -3 "$_base.err")"; fi
}
vstep() { vstep_in /dev/null "$@"; }

# Service principal with a secret: from the environment, from a file,
# on stdin; a wrong one; then kept with --save-secret.
vstep 0 aml-login aml-login -v
vstep 3 aml-login env AZURE_CLIENT_SECRET= aml-login -v -p --client-id "$AZURE_CLIENT_ID" -k "$TMP/wrong-secret"
like "$(cat "$TMP/err")" 'invalid_client' "(a wrong secret is refused)"
vstep_in "$TMP/secret" 0 aml-login env -u AZURE_CLIENT_SECRET aml-login -v -p --client-id "$AZURE_CLIENT_ID" --secret-stdin
vstep_in "$TMP/wrong-secret" 3 aml-login env -u AZURE_CLIENT_SECRET aml-login -v -p --client-id "$AZURE_CLIENT_ID" --secret-stdin
vstep 0 aml-login aml-login -v -W
is "$(jq -r --arg s "$S_CLIENT" '[.. | strings] | map(select(. == $s)) | length' "$AML_CONFIG_DIR/secret.json" 2>/dev/null)" 1 \
    "(--save-secret keeps the secret in secret.json)"
vstep 0 aml-token aml-token -v --min-validity 86000

# Certificates: PEM, PKCS#12 with its password, and a wrong password.
vstep 0 aml-login env -u AZURE_CLIENT_SECRET aml-login -v -p --client-id "$AML_EMU_CERT_CLIENT_ID" -C "$AML_EMU_CERT_PEM"
vstep 0 aml-login env -u AZURE_CLIENT_SECRET aml-login -v -p --client-id "$AML_EMU_CERT_CLIENT_ID" -C "$AML_EMU_CERT_PFX" -P "$TMP/pfxpw"
vstep 0 aml-token aml-token -v --min-validity 86000
vstep 3 aml-login env -u AZURE_CLIENT_SECRET aml-login -v -p --client-id "$AML_EMU_CERT_CLIENT_ID" -C "$AML_EMU_CERT_PFX" -P "$TMP/wrong-pfxpw"

# A user with the device code, for a refresh token.
emu config -d '{"deviceInterval": 1}' >/dev/null
_step=$((_step + 1))
dev=$SEEN/$(printf '%02d' $_step)-aml-login
env -u AZURE_CLIENT_SECRET aml-login -v -D >"$dev.out" 2>"$dev.err" </dev/null &
pid=$!
devcode() { code=$(sed -n 's/.*enter the code \([A-Za-z0-9-]*\).*/\1/p' "$dev.err" | head -1); [ -n "$code" ]; }
wait_until devcode
ok $? "(aml-login -D shows its code)"
emu "device/$code/approve" -X POST >/dev/null
rc=0
wait $pid || rc=$?
cp -a "$AML_CONFIG_DIR" "$dev.cfg"
is "$rc" 0 "aml-login -d: exit 0"
RT=$(jq -r .refreshToken "$AML_CONFIG_DIR/tokens.json")
like "$RT" '.{20}' "(a refresh token is cached)"
vstep 0 aml-token aml-token -v --resource https://management.core.windows.net/
vstep 0 aml-login aml-login -v --list
vstep 3 aml-token aml-token -v --resource https://unknown.example.com/

# Back to the service principal for the web services.
vstep 0 aml-login aml-login -v
aml-get-ws -g "$RG" -n "$WS" | aml-export-ws >"$TMP/def.json"
jq --arg p "$S_PRIMARY" --arg s "$S_SECONDARY" --arg k "$S_STORAGE" '
    .properties.keys = {primary: $p, secondary: $s} | .properties.storageAccount.key = $k' \
    "$TMP/def.json" >"$TMP/secrets.json"
vstep 0 aml-update-ws aml-update-ws -v -g "$RG" -n "$WS" "$TMP/secrets.json"
vstep 0 aml-ws-keys aml-ws-keys -v -g "$RG" -n "$WS"
is "$(jq -r '.primary + " " + .secondary' "$TMP/out")" "$S_PRIMARY $S_SECONDARY" "(the planted keys are the service's)"
vstep 0 aml-new-ws aml-new-ws -v -g "$RG" -n other -l southcentralus "$TMP/secrets.json"
vstep 1 aml-new-ws aml-new-ws -v -g "$RG" -n other -l southcentralus "$TMP/secrets.json"
vstep 0 aml-get-ws aml-get-ws -v -g "$RG" -n other
vstep 0 aml-get-ws aml-get-ws -v -g "$RG"
vstep 1 aml-get-ws aml-get-ws -v -g "$RG" -n nosuch
vstep 1 aml-ws-keys aml-ws-keys -v -g "$RG" -n nosuch
vstep 0 aml-add-region aml-add-region -v -g "$RG" -n other -l westcentralus
vstep 1 aml-add-region aml-add-region -v -g "$RG" -n other -l atlantis
# Commitment plans: none of their programs has a secret to show.
P=$AML_DEMO_PLAN
vstep 0 aml-new-plan aml-new-plan -v -g "$RG" -n secplan -l southcentralus --sku S1 --tag k=v
vstep 1 aml-new-plan aml-new-plan -v -g "$RG" -n secplan -l southcentralus --sku S1
vstep 0 aml-get-plan aml-get-plan -v -g "$RG"
vstep 1 aml-get-plan aml-get-plan -v -g "$RG" -n nosuch
vstep 0 aml-update-plan aml-update-plan -v -g "$RG" -n secplan --capacity 2
vstep 0 aml-plan-usage aml-plan-usage -v -g "$RG" -n "$P"
vstep 0 aml-get-association aml-get-association -v -g "$RG" --plan "$P"
A=$(jq -r .name "$TMP/out")
vstep 1 aml-move-association aml-move-association -v -g "$RG" --plan "$P" -n "$A" --to nosuch
vstep 0 aml-move-association aml-move-association -v -g "$RG" --plan "$P" -n "$A" --to secplan
vstep 1 aml-rm-plan aml-rm-plan -v -g "$RG" -n secplan
vstep 0 aml-move-association aml-move-association -v -g "$RG" --plan secplan -n "$A" --to "$P"
vstep 0 aml-rm-plan aml-rm-plan -v -g "$RG" -n secplan
# A server that quotes secrets back in its errors, and one that fails.
msg="Storage failed: DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=$S_ACCKEY;EndpointSuffix=x at https://acct.blob.core.windows.net/c/m.ilearner?sv=2019-02-02&sig=$S_SIG&se=2030"
emu faults -d "{\"method\":\"PATCH\",\"status\":400,\"code\":\"StorageError\",\"message\":\"$msg\"}" >/dev/null
vstep 1 aml-update-ws aml-update-ws -v -g "$RG" -n "$WS" "$TMP/secrets.json"
like "$(cat "$TMP/err")" 'AccountKey=\*\*\*' "(the error line is there, masked)"
emu faults -d '{"method":"PUT","status":503,"count":5}' >/dev/null
vstep 1 aml-new-ws aml-new-ws -v -f -g "$RG" -n other -l southcentralus "$TMP/secrets.json"
emu faults -d '{"method":"PATCH","drop":"after-body"}' >/dev/null
vstep 1 aml-update-ws aml-update-ws -v -g "$RG" -n "$WS" "$TMP/secrets.json"
emu faults -d '{"method":"GET","path":"*/listKeys","status":401,"count":2}' >/dev/null
vstep 3 aml-ws-keys aml-ws-keys -v -g "$RG" -n "$WS"
emu faults -X DELETE

# The filters: a BES status whose result carries a SAS, the definition
# through export, patch and import, with their files.
cat >"$TMP/bes.json" <<EOF
{"StatusCode":"Finished","Results":{"output1":{"ConnectionString":"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=$S_ACCKEY","RelativeLocation":"models/run-7/model.ilearner","BaseLocation":"https://acct.blob.core.windows.net/","SasBlobToken":"?sv=2019-02-02&sr=b&sig=$S_SIG&st=2030-01-01T00%3A00%3A00Z&se=2030-01-02T00%3A00%3A00Z&sp=r"}},"Details":null}
EOF
aml-get-ws -g "$RG" -n "$WS" >"$TMP/resource.json"
vstep_in "$TMP/resource.json" 0 aml-export-ws aml-export-ws -v -o "$SEEN/exported.json"
vstep 0 aml-patch-ilearner aml-patch-ilearner -v -b "$TMP/bes.json" -o "$SEEN/patched.json" "$SEEN/exported.json"
like "$(cat "$TMP/err")" 'model\.ilearner' "(aml-patch-ilearner says where the model went)"
vstep 1 aml-patch-ilearner aml-patch-ilearner -v -b "$TMP/bes.json" --result nosuch "$SEEN/exported.json"
vstep 0 aml-import-ws aml-import-ws -v "$SEEN/patched.json"
jq --arg k "$S_STORAGE" '.properties.storageAccount = {name: 5, key: $k} | .properties.keys = {primary: 7}' \
    "$TMP/secrets.json" >"$TMP/bad.json"
vstep 1 aml-import-ws aml-import-ws -v "$TMP/bad.json"
vstep 1 aml-update-ws aml-update-ws -v -g "$RG" -n "$WS" "$TMP/bad.json"

# The Studio services: the API keys of the training and predictive web
# services, the workspace token, the storage account's key (in the
# connection string of a job), the SAS of a job's results, an endpoint's
# key.  aml-retrain's status carries its results' SAS (its purpose);
# -K writes an endpoint's key to the file named.
emu studio -d '{"jobMs":50,"switchMs":100}' >/dev/null
S_TRAINKEY=$(cat "$AML_DEMO_TRAIN_KEY_FILE")
S_SCOREKEY=$(cat "$AML_DEMO_SCORE_KEY_FILE")
S_WSTOKEN=$(cat "$AML_DEMO_WORKSPACE_TOKEN_FILE")
S_STKEY=$(cat "$AML_DEMO_STORAGE_KEY_FILE")
W=$AML_DEMO_WORKSPACE_ID
SVC=$AML_DEMO_SCORE_SERVICE
TOK=$AML_DEMO_WORKSPACE_TOKEN_FILE
jq -n --arg cs "$(cat "$AML_DEMO_STORAGE_CONNECTION_FILE")" '
    {Inputs: {input1: {ConnectionString: $cs, RelativeLocation: "data/adult-census-income.csv"}},
     Outputs: {output1: {ConnectionString: $cs, RelativeLocation: "models/secrets.ilearner"}},
     GlobalParameters: {}}' >"$TMP/job.json"
printf 'd3Jvbmcta2V5LXBsYW50ZWQtZm9yLXRoZS10ZXN0cw==\n' >"$TMP/wrong.key"
vstep 0 aml-retrain aml-retrain -v --interval 0.02 -U "$AML_DEMO_TRAIN_URL" -k "$AML_DEMO_TRAIN_KEY_FILE" \
    -o "$SEEN/retrain-result.json" "$TMP/job.json"
vstep 0 aml-retrain aml-retrain -v --interval 0.02 -U "$AML_DEMO_TRAIN_URL" -k "$AML_DEMO_TRAIN_KEY_FILE" "$TMP/job.json"
vstep 3 aml-retrain aml-retrain -v -U "$AML_DEMO_TRAIN_URL" -k "$TMP/wrong.key" "$TMP/job.json"
emu studio/fail -d '{"details":"Failed, AccountKey='"$S_STKEY"'"}' >/dev/null
vstep 1 aml-retrain aml-retrain -v --interval 0.02 -U "$AML_DEMO_TRAIN_URL" -k "$AML_DEMO_TRAIN_KEY_FILE" "$TMP/job.json"
vstep 0 aml-score aml-score -v -U "$AML_DEMO_SCORE_URL" -k "$AML_DEMO_SCORE_KEY_FILE" "$TESTS/../examples/data/rows.json"
vstep 3 aml-score aml-score -v -U "$AML_DEMO_SCORE_URL" -k "$TMP/wrong.key" "$TESTS/../examples/data/rows.json"
vstep 0 aml-add-endpoint aml-add-endpoint -v -w "$W" --service "$SVC" -k "$TOK" -K "$SEEN/ep.key" sec
vstep 1 aml-add-endpoint aml-add-endpoint -v -w "$W" --service "$SVC" -k "$TOK" sec
vstep 0 aml-get-endpoint aml-get-endpoint -v -w "$W" --service "$SVC" -k "$TOK" -K "$SEEN/ep2.key" sec
vstep 0 aml-get-endpoint aml-get-endpoint -v -w "$W" --service "$SVC" -k "$TOK" --patch-url sec
vstep 0 aml-get-endpoint aml-get-endpoint -v -w "$W" --service "$SVC" -k "$TOK"
vstep 1 aml-get-endpoint aml-get-endpoint -v -w "$W" --service "$SVC" -k "$TOK" nosuch
vstep 0 aml-patch-endpoint aml-patch-endpoint -v -w "$W" --service "$SVC" -k "$TOK" -b "$SEEN/retrain-result.json" sec
vstep 1 aml-patch-endpoint aml-patch-endpoint -v -w "$W" --service "$SVC" -k "$TOK" -b "$SEEN/retrain-result.json" nosuch
vstep 3 aml-patch-endpoint aml-patch-endpoint -v -w "$W" --service "$SVC" -k "$TMP/wrong.key" -b "$SEEN/retrain-result.json" sec
vstep 0 aml-refresh-endpoint aml-refresh-endpoint -v -w "$W" --service "$SVC" -k "$TOK" --overwrite-resources sec
vstep 3 aml-refresh-endpoint aml-refresh-endpoint -v -w "$W" --service "$SVC" -k "$TMP/wrong.key" sec
vstep 1 aml-refresh-endpoint aml-refresh-endpoint -v -w "$W" --service "$SVC" -k "$TOK" default
aml-add-endpoint -q -w "$W" --service "$SVC" -k "$TOK" sec2 >/dev/null
vstep 0 aml-rm-endpoint aml-rm-endpoint -v -w "$W" --service "$SVC" -k "$TOK" sec2
vstep 1 aml-rm-endpoint aml-rm-endpoint -v -w "$W" --service "$SVC" -k "$TOK" default
vstep 3 aml-rm-endpoint aml-rm-endpoint -v -w "$W" --service "$SVC" -k "$TMP/wrong.key" sec
S_EPKEY=$(cat "$SEEN/ep.key")
test "${#S_EPKEY}" -ge 20
ok $? "(-K wrote the endpoint's key)"
for f in "$SEEN"/*-aml-retrain.out "$SEEN/retrain-result.json"; do
	jq -r '.Results // {} | .[].SasBlobToken // empty' "$f" 2>/dev/null
done | tr '?&' '\n\n' | sed -n 's/^sig=//p' | sort -u >"$TMP/sigs"
test -s "$TMP/sigs"
ok $? "(the results carry SAS signatures: $(wc -l <"$TMP/sigs" | tr -d ' '))"
sed -n 's/.*[?&]sig=\([^&]*\).*/\1/p' "$AML_DEMO_SAS_FILE" >>"$TMP/sigs"

# Azure Machine Learning: an online endpoint with planted keys, one of
# authMode AMLToken (its AML token) and one of AADToken (an Entra token
# for https://ml.azure.com, cached in tokens.json); a planted wrong key
# given by file and by AML_ONLINE_KEY.  aml-online-keys prints keys and
# tokens (its purpose, on stdout and in its -o file); nothing else may.
emu ml -d '{"jobMs":0,"retryAfter":0}' >/dev/null
S_MLKEY1=pR1m-0nl1ne-3ndp01nt-k3y-planted-01
S_MLKEY2=s3c0-0nl1ne-3ndp01nt-k3y-planted-02
S_MLWRONG=wr0ng-0nl1ne-3ndp01nt-k3y-planted
printf '%s\n' "$S_MLWRONG" >"$TMP/mlwrong"
printf '%s\n' "$S_MLKEY2" >"$TMP/mlkey2"
chmod 600 "$TMP/mlwrong" "$TMP/mlkey2"
MLG="-g $RG -w $AML_DEMO_WORKSPACE"
MLW=/subscriptions/$AZURE_SUBSCRIPTION_ID/resourceGroups/$RG/providers/Microsoft.MachineLearningServices/workspaces/$AML_DEMO_WORKSPACE
MLAT=$(aml-token -r)
mlput() {	# mlput PATH BODY: a PUT to the workspace, as a test's own set-up
	curl -sS -f -X PUT "$AML_ARM_ENDPOINT$MLW/$1?api-version=2024-04-01" -H "Authorization: Bearer $MLAT" \
	    -H 'Content-Type: application/json' --data "$2" >/dev/null
}
mlput onlineEndpoints/sec-ep "{\"location\":\"southcentralus\",\"properties\":{\"authMode\":\"Key\",\"keys\":{\"primaryKey\":\"$S_MLKEY1\",\"secondaryKey\":\"$S_MLKEY2\"}}}"
mlput onlineEndpoints/tok-ep '{"location":"southcentralus","properties":{"authMode":"AMLToken"}}'
mlput onlineEndpoints/aad-ep '{"location":"southcentralus","properties":{"authMode":"AADToken"}}'
aml-get-deployment $MLG -e "$AML_DEMO_ENDPOINT" -d blue | aml-export-deployment >"$TMP/dep.def"
printf '{"data":[[50,16,60,15024]]}\n' >"$TMP/rows.json"
jq -n '{properties: {jobType: "Command", command: "python train.py", environmentId: "azureml:sklearn:1",
    inputs: {training_data: {jobInputType: "uri_file", uri: "azureml://datastores/workspaceblobstore/paths/census/census-2023.csv"}},
    outputs: {model_output: {jobOutputType: "custom_model"}}}}' >"$TMP/mljob.json"
for ep in sec-ep tok-ep aad-ep; do
	vstep 0 aml-new-deployment aml-new-deployment -v $MLG -e "$ep" -d d1 "$TMP/dep.def"
	vstep 0 aml-traffic aml-traffic -v $MLG -e "$ep" d1=100
	vstep 0 aml-invoke aml-invoke -v $MLG -e "$ep" "$TMP/rows.json"
done
vstep 0 aml-get-deployment aml-get-deployment -v $MLG -e sec-ep -d d1
vstep 0 aml-get-deployment aml-get-deployment -v $MLG -e sec-ep
vstep 0 aml-update-deployment aml-update-deployment -v $MLG -e sec-ep -d d1 "$TMP/dep.def"
vstep 0 aml-online-keys aml-online-keys -v $MLG -e sec-ep
is "$(jq -r '.primaryKey + " " + .secondaryKey' "$TMP/out")" "$S_MLKEY1 $S_MLKEY2" "(the planted keys are the endpoint's)"
vstep 0 aml-online-keys aml-online-keys -v $MLG -e sec-ep -o "$SEEN/online-keys.json"
vstep 0 aml-online-keys aml-online-keys -v $MLG -e tok-ep --token
S_AMLTOKEN=$(jq -r .accessToken "$TMP/out")
test "${#S_AMLTOKEN}" -ge 20
ok $? "(an AML token to look for)"
vstep 1 aml-online-keys aml-online-keys -v $MLG -e sec-ep --token
vstep 0 aml-invoke aml-invoke -v $MLG -e sec-ep -k "$TMP/mlkey2" "$TMP/rows.json"
vstep 0 aml-invoke env AML_ONLINE_KEY="$S_MLKEY1" aml-invoke -v $MLG -e sec-ep "$TMP/rows.json"
vstep 3 aml-invoke aml-invoke -v $MLG -e sec-ep -k "$TMP/mlwrong" "$TMP/rows.json"
vstep 3 aml-invoke env AML_ONLINE_KEY="$S_MLWRONG" aml-invoke -v $MLG -e sec-ep "$TMP/rows.json"
vstep 3 aml-invoke env AML_ONLINE_KEY_FILE="$TMP/mlwrong" aml-invoke -v $MLG -e tok-ep "$TMP/rows.json"
vstep 3 aml-invoke aml-invoke -v $MLG -e aad-ep -k "$TMP/mlwrong" "$TMP/rows.json"
vstep 1 aml-invoke aml-invoke -v $MLG -e sec-ep -d nope "$TMP/rows.json"
emu ml/scoring -d '{"endpoint":"sec-ep","deployment":"d1","status":424,"reason":"KeyError: '"$S_MLKEY1"'"}' >/dev/null
vstep 1 aml-invoke aml-invoke -v $MLG -e sec-ep "$TMP/rows.json"
emu ml/scoring -d '{"endpoint":"sec-ep","deployment":"d1","status":0}' >/dev/null
vstep 0 aml-run-job aml-run-job -v $MLG -n sec-job "$TMP/mljob.json"
vstep 0 aml-new-model aml-new-model -v $MLG -n sec-model -j sec-job
vstep 0 aml-traffic aml-traffic -v $MLG -e sec-ep
vstep 0 aml-traffic aml-traffic -v $MLG -e "$AML_DEMO_ENDPOINT" blue=100
vstep 1 aml-rm-deployment aml-rm-deployment -v $MLG -e sec-ep -d d1
vstep 0 aml-online-keys aml-online-keys -v $MLG -e sec-ep --regenerate secondary
S_MLKEY3=$(jq -r .secondaryKey "$TMP/out")
vstep 0 aml-rm-deployment aml-rm-deployment -v $MLG -e "$AML_DEMO_ENDPOINT" -d nothing

# Removal and sign-out; then a program that is not signed in.
vstep 0 aml-rm-ws aml-rm-ws -v -g "$RG" -n other
vstep 0 aml-logout aml-logout -v
# Signed out, a program signs in from the environment by itself; the
# trace of that sign-in is searched too.
vstep 0 aml-get-ws aml-get-ws -v -g "$RG" -n "$WS"
vstep 0 aml-logout aml-logout -v
vstep 3 aml-get-ws env -u AZURE_CLIENT_SECRET aml-get-ws -v -g "$RG" -n "$WS"

# Every access token any program got: from the caches seen, and what
# aml-token printed.
cat "$SEEN"/*.cfg/tokens.json 2>/dev/null | jq -r '.. | .accessToken? // empty' >"$TMP/tokens"
cat "$SEEN"/*-aml-token.out | jq -r '.accessToken // empty' >>"$TMP/tokens" 2>/dev/null
sort -u -o "$TMP/tokens" "$TMP/tokens"
test "$(wc -l <"$TMP/tokens")" -ge 4
ok $? "tokens to look for ($(wc -l <"$TMP/tokens" | tr -d ' '))"
cat "$SEEN"/*.cfg/tokens.json 2>/dev/null | jq -r '.refreshToken // empty' | sort -u >"$TMP/rtokens"

# where VALUE: the files of $SEEN that hold VALUE.
where() {
	grep -rlF -- "$1" "$SEEN" | sed "s|^$SEEN/||" | sort
}

# allowed KIND FILE: whether FILE may hold that kind of secret.
allowed() {
	case $1:$2 in
	token:*-aml-token.out|token:*.cfg/tokens.json) return 0 ;;
	refresh:*.cfg/tokens.json) return 0 ;;
	client:*.cfg/secret.json) return 0 ;;
	apikey:*-aml-ws-keys.out) return 0 ;;
	sas:*-aml-retrain.out|sas:retrain-result.json) return 0 ;;
	epkey:ep.key|epkey:ep2.key) return 0 ;;
	mlkey:*-aml-online-keys.out|mlkey:online-keys.json) return 0 ;;
	mltoken:*-aml-online-keys.out) return 0 ;;
	esac
	return 1
}

nowhere_else() {	# nowhere_else KIND VALUE DESCRIPTION
	_bad=
	for _f in $(where "$2"); do
		allowed "$1" "$_f" || _bad="$_bad $_f"
	done
	if [ -z "$_bad" ]; then ok 0 "$3"; else ok 1 "$3"; diag "found in:$_bad"; fi
}

nowhere_else client "$S_CLIENT" "the client secret: only in secret.json"
nowhere_else none "$S_WRONG" "a wrong client secret: nowhere"
nowhere_else none "$S_KEYLINE" "the certificate's private key: nowhere"
nowhere_else none "$S_PFXPW" "the PFX password: nowhere"
nowhere_else none "$S_WRONGPW" "a wrong PFX password: nowhere"
nowhere_else apikey "$S_PRIMARY" "the primary key: only on aml-ws-keys's stdout"
nowhere_else apikey "$S_SECONDARY" "the secondary key: only on aml-ws-keys's stdout"
nowhere_else none "$S_STORAGE" "the storage account key: nowhere"
nowhere_else none "$S_ACCKEY" "a connection string's AccountKey: nowhere"
nowhere_else none "$S_SIG" "the SAS signature: nowhere"
nowhere_else none "$S_TRAINKEY" "the training web service's API key: nowhere"
nowhere_else none "$S_SCOREKEY" "the predictive web service's API key: nowhere"
nowhere_else none "$S_WSTOKEN" "the workspace token: nowhere"
nowhere_else none "$S_STKEY" "the storage account's key: nowhere"
nowhere_else epkey "$S_EPKEY" "an endpoint's key: only in the file -K named"
nowhere_else mlkey "$S_MLKEY1" "an online endpoint's primary key: only from aml-online-keys"
nowhere_else mlkey "$S_MLKEY2" "its secondary key: only from aml-online-keys"
nowhere_else mlkey "$S_MLKEY3" "a regenerated key: only from aml-online-keys"
nowhere_else none "$S_MLWRONG" "a wrong online endpoint key: nowhere"
nowhere_else mltoken "$S_AMLTOKEN" "an AML token: only from aml-online-keys --token"
bad=
while read -r sig; do
	for f in $(where "$sig"); do
		allowed sas "$f" || bad="$bad $f"
	done
done <"$TMP/sigs"
is "$bad" "" "SAS signatures: only in aml-retrain's status"
bad=
while read -r t; do
	for f in $(where "${t##*.}"); do
		allowed token "$f" || bad="$bad $f"
	done
done <"$TMP/tokens"
if [ -z "$bad" ]; then ok 0 "access tokens: only from aml-token and in tokens.json"; else
	ok 1 "access tokens: only from aml-token and in tokens.json"; diag "found in:$(printf '%s\n' $bad | sort -u | tr '\n' ' ')"; fi
bad=
while read -r t; do
	for f in $(where "$t"); do
		allowed refresh "$f" || bad="$bad $f"
	done
done <"$TMP/rtokens"
test -s "$TMP/rtokens" && test -z "$bad"
ok $? "refresh tokens: only in tokens.json"
[ -z "$bad" ] || diag "found in:$bad"
# Anything shaped like a JWT (tokens, client assertions) outside them.
bad=$(grep -rlE 'eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}' "$SEEN" | sed "s|^$SEEN/||" |
    grep -v -e '-aml-token\.out$' -e '\.cfg/tokens\.json$' -e '-aml-online-keys\.out$' | tr '\n' ' ')
is "$bad" "" "nothing shaped like a JWT anywhere else"
test "$(cat "$SEEN"/*.err | grep -c '\*\*\*')" -ge 20
ok $? "the traces have masked values ($(cat "$SEEN"/*.err | grep -c '\*\*\*') lines)"
jq -e '.properties.assets.asset3.locationInfo.uri | test("^https://acct\\.blob\\.core\\.windows\\.net/models/run-7/model\\.ilearner$")' \
    "$SEEN/patched.json" >/dev/null
ok $? "the patched definition points at the model, without the SAS"

# argv: read while each program waits on its first answer, delayed.
aml-login >/dev/null
emu faults -X DELETE
: >"$TMP/argv"
argv_of() {	# argv_of CMD...: run it; sample its command line meanwhile
	emu faults -d '{"path":"*","delayMs":400}' >/dev/null
	"$@" >/dev/null 2>&1 </dev/null &
	_pid=$!
	while kill -0 $_pid 2>/dev/null; do
		tr '\0' ' ' <"/proc/$_pid/cmdline" >>"$TMP/argv" 2>/dev/null && echo >>"$TMP/argv"
		sleep 0.02
	done
	wait $_pid
}
argv_of env -u AZURE_CLIENT_SECRET aml-login -p --client-id "$AZURE_CLIENT_ID" -k "$TMP/secret"
argv_of env -u AZURE_CLIENT_SECRET aml-login -p --client-id "$AML_EMU_CERT_CLIENT_ID" -C "$AML_EMU_CERT_PFX" -P "$TMP/pfxpw"
argv_of aml-login
argv_of aml-token --resource https://management.core.windows.net/
argv_of aml-get-ws -g "$RG" -n "$WS"
argv_of aml-ws-keys -g "$RG" -n "$WS"
argv_of aml-update-ws -g "$RG" -n "$WS" "$TMP/secrets.json"
argv_of aml-retrain --interval 0.02 -U "$AML_DEMO_TRAIN_URL" -k "$AML_DEMO_TRAIN_KEY_FILE" "$TMP/job.json"
argv_of aml-score -U "$AML_DEMO_SCORE_URL" -k "$AML_DEMO_SCORE_KEY_FILE" "$TESTS/../examples/data/rows.json"
argv_of aml-get-endpoint -w "$W" --service "$SVC" -k "$TOK" sec
argv_of aml-patch-endpoint -w "$W" --service "$SVC" -k "$TOK" -b "$SEEN/retrain-result.json" sec
argv_of aml-add-endpoint -f -w "$W" --service "$SVC" -k "$TOK" sec
argv_of aml-new-ws -f -g "$RG" -n other -l southcentralus "$TMP/secrets.json"
argv_of aml-add-region -g "$RG" -n other -l westcentralus
argv_of aml-rm-ws -g "$RG" -n other
argv_of aml-get-plan -g "$RG"
argv_of aml-refresh-endpoint -w "$W" --service "$SVC" -k "$TOK" sec
argv_of aml-invoke $MLG -e sec-ep -k "$TMP/mlkey2" "$TMP/rows.json"
argv_of env AML_ONLINE_KEY_FILE="$TMP/mlkey2" aml-invoke $MLG -e sec-ep "$TMP/rows.json"
argv_of aml-online-keys $MLG -e sec-ep
emu faults -X DELETE
for p in aml-login aml-token aml-get-ws aml-ws-keys aml-update-ws aml-retrain aml-score \
    aml-get-endpoint aml-patch-endpoint aml-add-endpoint aml-new-ws aml-add-region aml-rm-ws \
    aml-get-plan aml-refresh-endpoint aml-invoke aml-online-keys; do
	grep -q "^$p " "$TMP/argv"
	ok $? "$p's command line was read while it waited"
done
bad=
for s in "$S_CLIENT" "$S_PFXPW" "$S_PRIMARY" "$S_STORAGE" "$S_ACCKEY" "$S_TRAINKEY" \
    "$S_SCOREKEY" "$S_WSTOKEN" "$S_STKEY" "$S_EPKEY" "$S_MLKEY1" "$S_MLKEY2" "$S_MLKEY3"; do
	grep -qF -- "$s" "$TMP/argv" && bad="$bad $s"
done
grep -qE 'eyJ[A-Za-z0-9_-]{10,}' "$TMP/argv" && bad="$bad a-token"
is "$bad" "" "no secret in any program's argv"

done_testing
