#!/bin/sh
# Faults: every network program times every fault aml-emulator injects.
# Each row of the table below is one cell: the program, the request the
# fault is put on, the fault, and the outcome: "ok" (recovered: exit 0,
# its output, nothing on stderr), or the exit status and the one line
# it prints (a regex after "^program: "; then stdout is empty), or
# "n/a" and why the fault cannot happen to that program.  A fault named
# with a final * meets every attempt (the retries are used up); without
# it, only the first.  Every cell also checks that the fault was met,
# and that no file was half-written: the configuration directory holds
# what it held, each file whole JSON and mode 0600, and a failed
# sign-in leaves the stored one as it was; a program that writes a file
# (aml-retrain -o, the endpoint programs' -K) leaves none after a
# failure.  The program runs with -q, so that retry warnings are not on
# stderr.  The Studio rows come last: they share a trained model and an
# endpoint, made once, and clear only the faults between cells.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 50
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10 AML_RETRY_MAX=1
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS

run aml-login
expect_ok "signed in"
aml-get-ws -g "$RG" -n "$WS" | aml-export-ws >"$TMP/def.json"
# Azure Machine Learning: the demo endpoint's deployment as a definition,
# a job and scoring rows.
MLG="-g $RG -w $AML_DEMO_WORKSPACE"
MLE=$AML_DEMO_ENDPOINT
aml-get-deployment $MLG -e "$MLE" -d blue | aml-export-deployment >"$TMP/dep.def"
jq -n '{properties: {jobType: "Command", command: "python train.py", environmentId: "azureml:sklearn:1",
    inputs: {training_data: {jobInputType: "uri_file", uri: "azureml://datastores/workspaceblobstore/paths/census/census-2023.csv"}},
    outputs: {model_output: {jobOutputType: "custom_model"}}}}' >"$TMP/mljob.json"
printf '{"data":[[50,16,60,15024]]}\n' >"$TMP/rows.json"
printf '{"properties":{"packageType":"Graph","title":"Faulted"}}' >"$TMP/title.json"
cp -a "$AML_CONFIG_DIR" "$TMP/cfgsnap"
cfgfiles=$(ls -A "$AML_CONFIG_DIR" | tr '\n' ' ')

# -m takes a duration, for the Studio programs too.
for p in aml-score aml-add-endpoint aml-get-endpoint aml-patch-endpoint aml-retrain aml-rm-endpoint \
    aml-refresh-endpoint; do
	run "$p" -m abc
	expect_usage "^$p: -m abc: not a duration \\(90, 90s, 5m, 1h, 2d; at most 366d\\)\$" "$p -m abc: a usage error"
done

# The programs, each run as it would be in a cron job.  Slow answers
# (delayMs 60000, a stall the emulator ends when the client leaves):
# every one of them (SLOW 1) outlasts -m 2, the whole program's limit;
# only the first (SLOW 2) is cut by a request limit of 500 ms
# (AML_HTTP_TIMEOUT_MS) and retried, within -m 30.  Either way the stall
# is far longer than any limit, so a busy machine cannot change which
# one ends first.  aml-retrain and aml-patch-endpoint wait on a job or a
# switch-over, and polls ride out what fails, so -m 2 ends their other
# persistent faults.  outf: the file the program writes.
prog() {	# prog NAME SLOW
	_p=$1 _t=
	outf=
	unset AML_HTTP_TIMEOUT_MS
	case $_p:$2 in
	*:1)	_t="-m 2" ;;
	*:2)	_t="-m 30"; export AML_HTTP_TIMEOUT_MS=500 ;;
	retrain:*|patchep:*) _t="-m 2" ;;
	esac
	case $_p in
	login)	run aml-login -q $_t ;;
	list)	run aml-login -q --list $_t ;;
	token)	run aml-token -q --resource https://management.core.windows.net/ $_t ;;
	get)	run aml-get-ws -q -g "$RG" -n "$WS" $_t ;;
	keys)	run aml-ws-keys -q -g "$RG" -n "$WS" $_t ;;
	update)	run aml-update-ws -q -g "$RG" -n "$WS" $_t "$TMP/title.json" ;;
	new)	run aml-new-ws -q -g "$RG" -n fresh -l southcentralus $_t "$TMP/def.json" ;;
	rm)	run aml-rm-ws -q -g "$RG" -n "$WS" $_t ;;
	region)	run aml-add-region -q -g "$RG" -n "$WS" -l westcentralus $_t ;;
	retrain)
		outf=$TMP/o/result.json
		run aml-retrain -q $_t --interval 0.02 -U "$AML_DEMO_TRAIN_URL" -k "$AML_DEMO_TRAIN_KEY_FILE" \
		    -o "$outf" "$TMP/job.json" ;;
	score)	run aml-score -q -U "$AML_DEMO_SCORE_URL" -k "$AML_DEMO_SCORE_KEY_FILE" $_t "$ROWS" ;;
	addep)
		outf=$TMP/o/ep.key
		run aml-add-endpoint -q -f -w "$W" --service "$S" -k "$T" -K "$outf" $_t fresh ;;
	getep)
		outf=$TMP/o/ep.key
		run aml-get-endpoint -q -w "$W" --service "$S" -k "$T" -K "$outf" $_t ep1 ;;
	patchep)
		run aml-patch-endpoint -q -w "$W" --service "$S" -k "$T" -b "$TMP/result.json" $_t ep1 ;;
	getplan) run aml-get-plan -q -g "$RG" -n aml-demo-plan $_t ;;
	newplan) run aml-new-plan -q -g "$RG" -n fresh -l southcentralus --sku S1 $_t ;;
	updplan) run aml-update-plan -q -g "$RG" -n aml-demo-plan --tag a=b $_t ;;
	rmplan)	aml-new-plan -q -g "$RG" -n gone -l southcentralus --sku S1 >/dev/null 2>&1
		run aml-rm-plan -q -g "$RG" -n gone $_t ;;
	usage)	run aml-plan-usage -q -g "$RG" -n aml-demo-plan $_t ;;
	getassoc) run aml-get-association -q -g "$RG" --plan aml-demo-plan $_t ;;
	moveassoc)
		aml-new-plan -q -g "$RG" -n dest -l southcentralus --sku S1 >/dev/null 2>&1
		_a=$(aml-get-association -q -g "$RG" --plan aml-demo-plan | jq -r .name)
		run aml-move-association -q -g "$RG" --plan aml-demo-plan -n "$_a" --to dest $_t ;;
	rmep)	# Room for it: the workspace's endpoint limit counts addep's.
		aml-rm-endpoint -q -w "$W" --service "$S" -k "$T" fresh >/dev/null 2>&1
		aml-add-endpoint -q -f -w "$W" --service "$S" -k "$T" gone >/dev/null 2>&1
		run aml-rm-endpoint -q -w "$W" --service "$S" -k "$T" $_t gone ;;
	refep)	run aml-refresh-endpoint -q -w "$W" --service "$S" -k "$T" $_t ep1 ;;
	mlget)	run aml-get-deployment -q $MLG -e "$MLE" -d blue $_t ;;
	mllist)	run aml-get-deployment -q $MLG -e "$MLE" $_t ;;
	mlupdate) run aml-update-deployment -q $MLG -e "$MLE" -d blue $_t "$TMP/dep.def" ;;
	mlnew)	run aml-new-deployment -q $MLG -e "$MLE" -d fresh $_t "$TMP/dep.def" ;;
	mlrm)	run aml-rm-deployment -q $MLG -e "$MLE" -d green $_t ;;
	traffic) run aml-traffic -q $MLG -e "$MLE" blue=90 green=10 $_t ;;
	invoke)	run aml-invoke -q $MLG -e "$MLE" $_t "$TMP/rows.json" ;;
	mlkeys)	run aml-online-keys -q $MLG -e "$MLE" $_t ;;
	runjob)	run aml-run-job -q $MLG $_t "$TMP/mljob.json" ;;
	newmodel) run aml-new-model -q $MLG -n fresh -u "azureml://jobs/$AML_DEMO_JOB/outputs/model_output" $_t ;;
	*)	echo "Bail out! no program $_p in the table"; exit 1 ;;
	esac
}

progname() {
	case $1 in
	login|list) echo aml-login ;;
	token)	echo aml-token ;;
	get)	echo aml-get-ws ;;
	keys)	echo aml-ws-keys ;;
	update)	echo aml-update-ws ;;
	new)	echo aml-new-ws ;;
	rm)	echo aml-rm-ws ;;
	region)	echo aml-add-region ;;
	retrain) echo aml-retrain ;;
	score)	echo aml-score ;;
	addep)	echo aml-add-endpoint ;;
	getep)	echo aml-get-endpoint ;;
	patchep) echo aml-patch-endpoint ;;
	getplan) echo aml-get-plan ;;
	newplan) echo aml-new-plan ;;
	updplan) echo aml-update-plan ;;
	rmplan)	echo aml-rm-plan ;;
	usage)	echo aml-plan-usage ;;
	getassoc) echo aml-get-association ;;
	moveassoc) echo aml-move-association ;;
	rmep)	echo aml-rm-endpoint ;;
	refep)	echo aml-refresh-endpoint ;;
	mlget|mllist) echo aml-get-deployment ;;
	mlupdate) echo aml-update-deployment ;;
	mlnew)	echo aml-new-deployment ;;
	mlrm)	echo aml-rm-deployment ;;
	traffic) echo aml-traffic ;;
	invoke)	echo aml-invoke ;;
	mlkeys)	echo aml-online-keys ;;
	runjob)	echo aml-run-job ;;
	newmodel) echo aml-new-model ;;
	esac
}

# What a program's cell needs before the fault is put: a deployment to
# remove, or to move traffic to.
prep() {
	case $1 in
	mlrm|traffic)
		aml-new-deployment -q $MLG -e "$MLE" -d green "$TMP/dep.def" >/dev/null </dev/null ||
		    { echo "Bail out! no deployment green for $1"; exit 1; } ;;
	esac
}

studio() {
	case $1 in retrain|score|addep|getep|patchep|rmep|refep) return 0 ;; esac
	return 1
}

# The Studio rows' world, made once: a job request, a trained model
# (its status in result.json) and an endpoint to point at it.
ROWS=$TESTS/../examples/data/rows.json
studio_ready=
studio_setup() {
	W=$AML_DEMO_WORKSPACE_ID
	S=$AML_DEMO_SCORE_SERVICE
	T=$AML_DEMO_WORKSPACE_TOKEN_FILE
	emu reset -X POST
	emu studio -d '{"jobMs":50,"switchMs":100}' >/dev/null
	jq -n --arg cs "$(cat "$AML_DEMO_STORAGE_CONNECTION_FILE")" '
	    {Inputs: {input1: {ConnectionString: $cs, RelativeLocation: "data/adult-census-income.csv"}},
	     Outputs: {output1: {ConnectionString: $cs, RelativeLocation: "models/faulted.ilearner"}},
	     GlobalParameters: {}}' >"$TMP/job.json"
	aml-retrain -q --interval 0.02 -U "$AML_DEMO_TRAIN_URL" -k "$AML_DEMO_TRAIN_KEY_FILE" "$TMP/job.json" \
	    >"$TMP/result.json" </dev/null &&
	    aml-add-endpoint -q -w "$W" --service "$S" -k "$T" ep1 >/dev/null </dev/null ||
	    { echo "Bail out! no model or endpoint for the Studio rows"; exit 1; }
	studio_ready=1
}

# What a cell's stdout holds when the program succeeds.
output_ok() {	# output_ok NAME
	case $1 in
	retrain) [ ! -s "$TMP/out" ] ;;
	rmplan|rmep) [ "$(jq -c '[.name, .deleted]' "$TMP/out" 2>/dev/null)" = '["gone",true]' ] ;;
	mlrm)	[ "$(jq -c '[.name, .deleted]' "$TMP/out" 2>/dev/null)" = '["green",true]' ] ;;
	refep)	[ "$(jq -c '[.name, (.refreshed | type)]' "$TMP/out" 2>/dev/null)" = '["ep1","boolean"]' ] ;;
	invoke)	[ -s "$TMP/out" ] ;;	# predictions, or what a gateway said
	*)	[ "$(head -c 1 "$TMP/out")" = '{' ] && [ "$(tail -c 2 "$TMP/out")" = '}' ] ;;
	esac
}

# The requests faults are put on: method and path pattern.
target() {
	case $1 in
	token)	method=POST path='/*/oauth2/v2.0/token' ;;
	subs)	method=GET path=/subscriptions ;;
	ws)	method=GET path='/subscriptions/*/webServices/*' ;;
	keys)	method=GET path='*/listKeys' ;;
	patch)	method=PATCH path='*/webServices/*' ;;
	put)	method=PUT path='*/webServices/*' ;;
	delete)	method=DELETE path='*/webServices/*' ;;
	regional) method=POST path='*/CreateRegionalBlob' ;;
	poll)	method=GET path='*/operationsStatus/*' ;;
	submit)	method=POST path='*/jobs' ;;
	start)	method=POST path='*/jobs/*/start' ;;
	status)	method=GET path='*/jobs/*' ;;
	exec)	method=POST path='*/execute' ;;
	eput)	method=PUT path='*/endpoints/*' ;;
	eget)	method=GET path='*/endpoints/*' ;;
	plan)	method=GET path='*/commitmentPlans/aml-demo-plan' ;;
	pput)	method=PUT path='*/commitmentPlans/fresh' ;;
	ppatch)	method=PATCH path='*/commitmentPlans/*' ;;
	pdelete) method=DELETE path='*/commitmentPlans/gone' ;;
	usage)	method=GET path='*/usageHistory' ;;
	assocs)	method=GET path='*/commitmentAssociations' ;;
	move)	method=POST path='*/move' ;;
	edelete) method=DELETE path='*/endpoints/gone' ;;
	refresh) method=POST path='*/refresh' ;;
	epatch)	method=PATCH path='*/endpoints/*' ;;
	dget)	method=GET path='*/onlineEndpoints/*/deployments/blue' ;;
	dlist)	method=GET path='*/onlineEndpoints/*/deployments' ;;
	dput)	method=PUT path='*/onlineEndpoints/*/deployments/blue' ;;
	dnew)	method=PUT path='*/onlineEndpoints/*/deployments/fresh' ;;
	ddel)	method=DELETE path='*/onlineEndpoints/*/deployments/green' ;;
	eget2)	method=GET path='*/onlineEndpoints/census-ep' ;;
	eput2)	method=PUT path='*/onlineEndpoints/census-ep' ;;
	mlops)	method=GET path='*/mfeOperationsStatus/*' ;;
	mlres)	method=GET path='*/mfeOperationResults/*' ;;
	lkeys)	method=POST path='*/onlineEndpoints/*/listKeys' ;;
	score)	method=POST path='/online/*/score' ;;
	jput)	method=PUT path='*/workspaces/*/jobs/*' ;;
	jget)	method=GET path='*/workspaces/*/jobs/*' ;;
	mput)	method=PUT path='*/models/*/versions/*' ;;
	-)	method=- path=- ;;
	*)	echo "Bail out! no target $1"; exit 1 ;;
	esac
}

# The faults, as /_emu/faults members.
fault_json() {
	case $1 in
	429)	fj='"status":429,"retryAfter":0' ;;
	500)	fj='"status":500' ;;
	503)	fj='"status":503' ;;
	drop-before) fj='"drop":"before-body"' ;;
	drop-after) fj='"drop":"after-body"' ;;
	truncate) fj='"truncate":true' ;;
	notjson) fj='"notJson":true' ;;
	slow)	fj='"delayMs":60000' ;;
	expire)	fj='"expireToken":true' ;;
	lro-failed) fj='"lro":"Failed","code":"InternalServerError","message":"Injected failure."' ;;
	lro-canceled) fj='"lro":"Canceled"' ;;
	*)	echo "Bail out! no fault $1"; exit 1 ;;
	esac
}

# The table.  {MAY} and {STILL} stand for the endings of a write that
# may have taken effect and of an operation that may still complete.
# A classic endpoint change answered 200 with a page is judged by its
# status and verified with a GET: the Studio rows put the same model and
# settings every time, so what the GET shows is what was asked, and
# those cells recover (tests/0580 and 0582 show the other case).
cat >"$TMP/table" <<'EOF'
login   token  429           ok
login   token  429*          1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: HTTP 429 temporarily_unavailable: AADSTS50000: 
login   token  500           ok
login   token  500*          1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: HTTP 500 
login   token  503           ok
login   token  503*          1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: HTTP 503 
login   token  drop-before   ok
login   token  drop-before*  1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: Empty reply from server; hint: 
login   token  drop-after    ok
login   token  drop-after*   1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: Empty reply from server; hint: 
login   token  truncate      ok
login   token  truncate*     1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: transfer closed with [0-9]+ bytes remaining to read; hint: 
login   token  notjson       1 POST /[^ ]+/oauth2/v2\.0/token: the token response is not JSON$
login   token  slow          ok
login   token  slow*         1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: no answer within the time limit \(-m 2 s\)
login   subs   503           ok
login   subs   notjson       1 GET /subscriptions: HTTP 200: the answer is not JSON: 
login   subs   expire        3 GET /subscriptions: HTTP 401 ExpiredAuthenticationToken: .* \[request-id [0-9a-f-]+\]$
login   -      lro-failed    n/a signing in starts no long-running operation
login   -      bes-failed    n/a no Batch Execution job
list    subs   429           ok
list    subs   429*          1 GET /subscriptions: HTTP 429 TooManyRequests: 
list    subs   expire        ok
list    subs   expire*       3 GET /subscriptions: HTTP 401 ExpiredAuthenticationToken: 
token   token  429           ok
token   token  429*          1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: HTTP 429 
token   token  500           ok
token   token  500*          1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: HTTP 500 
token   token  503           ok
token   token  503*          1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: HTTP 503 
token   token  drop-before   ok
token   token  drop-before*  1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: Empty reply from server; hint: 
token   token  drop-after    ok
token   token  drop-after*   1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: Empty reply from server; hint: 
token   token  truncate      ok
token   token  truncate*     1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: transfer closed with 
token   token  notjson       1 POST /[^ ]+/oauth2/v2\.0/token: the token response is not JSON$
token   token  slow          ok
token   token  slow*         1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: no answer within the time limit \(-m 2 s\)
token   -      expire        n/a aml-token hands the token out; it sends no request with it
token   -      lro-failed    n/a no long-running operation
token   -      bes-failed    n/a no Batch Execution job
get     ws     429           ok
get     ws     429*          1 GET /[^ ]+/webServices/aml-demo-ws: HTTP 429 TooManyRequests: Injected fault: HTTP 429\. \[request-id [0-9a-f-]+\]$
get     ws     500           ok
get     ws     500*          1 GET /[^ ]+/webServices/aml-demo-ws: HTTP 500 InternalServerError: 
get     ws     503           ok
get     ws     503*          1 GET /[^ ]+/webServices/aml-demo-ws: HTTP 503 ServiceUnavailable: 
get     ws     drop-before   ok
get     ws     drop-before*  1 GET /[^ ]+/webServices/aml-demo-ws: Empty reply from server$
get     ws     drop-after    ok
get     ws     drop-after*   1 GET /[^ ]+/webServices/aml-demo-ws: Empty reply from server$
get     ws     truncate      ok
get     ws     truncate*     1 GET /[^ ]+/webServices/aml-demo-ws: transfer closed with [0-9]+ bytes remaining to read$
get     ws     notjson       1 GET /[^ ]+/webServices/aml-demo-ws: HTTP 200: the answer is not JSON: 
get     ws     slow          ok
get     ws     slow*         1 GET /[^ ]+/webServices/aml-demo-ws: no answer within the time limit \(-m 2 s\)
get     ws     expire        ok
get     ws     expire*       3 GET /[^ ]+/webServices/aml-demo-ws: HTTP 401 ExpiredAuthenticationToken: 
get     -      lro-failed    n/a a GET starts no long-running operation
get     -      bes-failed    n/a no Batch Execution job
keys    keys   429           ok
keys    keys   429*          1 GET /[^ ]+/listKeys: HTTP 429 TooManyRequests: 
keys    keys   500           ok
keys    keys   500*          1 GET /[^ ]+/listKeys: HTTP 500 InternalServerError: 
keys    keys   503           ok
keys    keys   503*          1 GET /[^ ]+/listKeys: HTTP 503 ServiceUnavailable: 
keys    keys   drop-before   ok
keys    keys   drop-before*  1 GET /[^ ]+/listKeys: Empty reply from server$
keys    keys   drop-after    ok
keys    keys   drop-after*   1 GET /[^ ]+/listKeys: Empty reply from server$
keys    keys   truncate      ok
keys    keys   truncate*     1 GET /[^ ]+/listKeys: transfer closed with 
keys    keys   notjson       1 GET /[^ ]+/listKeys: HTTP 200: the answer is not JSON: 
keys    keys   slow          ok
keys    keys   slow*         1 GET /[^ ]+/listKeys: no answer within the time limit \(-m 2 s\)
keys    keys   expire        ok
keys    keys   expire*       3 GET /[^ ]+/listKeys: HTTP 401 ExpiredAuthenticationToken: 
keys    -      lro-failed    n/a listKeys starts no long-running operation
keys    -      bes-failed    n/a no Batch Execution job
update  patch  429           ok
update  patch  429*          1 PATCH /[^ ]+/webServices/aml-demo-ws: HTTP 429 TooManyRequests: 
update  patch  500           1 PATCH /[^ ]+/webServices/aml-demo-ws: HTTP 500 InternalServerError: Injected fault: HTTP 500\. \[request-id [0-9a-f-]+\]$
update  patch  503           1 PATCH /[^ ]+/webServices/aml-demo-ws: HTTP 503 ServiceUnavailable: 
update  patch  drop-before   1 PATCH /[^ ]+/webServices/aml-demo-ws: Empty reply from server{MAY}
update  patch  drop-after    1 PATCH /[^ ]+/webServices/aml-demo-ws: Empty reply from server{MAY}
update  patch  truncate      1 PATCH /[^ ]+/webServices/aml-demo-ws: transfer closed with [0-9]+ bytes remaining to read{MAY}
update  patch  notjson       1 PATCH /[^ ]+/webServices/aml-demo-ws: HTTP 200: the answer is not JSON \(.*\){MAY}
update  patch  slow          1 PATCH /[^ ]+/webServices/aml-demo-ws: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAY}
update  patch  expire        ok
update  patch  expire*       3 PATCH /[^ ]+/webServices/aml-demo-ws: HTTP 401 ExpiredAuthenticationToken: 
update  patch  lro-failed    1 PATCH /[^ ]+/webServices/aml-demo-ws: operation Failed: InternalServerError: Injected failure\. \[request-id [0-9a-f-]+\]$
update  patch  lro-canceled  1 PATCH /[^ ]+/webServices/aml-demo-ws: operation Canceled: OperationCanceled: 
update  poll   503           ok
update  poll   503*          1 GET /[^ ]+/operationsStatus/[0-9a-f-]+: HTTP 503 ServiceUnavailable: .*{STILL}
update  poll   drop-after    ok
update  poll   truncate      ok
update  poll   notjson       1 GET /[^ ]+/operationsStatus/[0-9a-f-]+: HTTP 200: the answer is not JSON: 
update  poll   slow          ok
update  poll   slow*         1 PATCH /[^ ]+/webServices/aml-demo-ws: operation still Running at the time limit \(-m 2 s\){STILL}
update  poll   expire        ok
update  -      bes-failed    n/a no Batch Execution job
new     put    429           ok
new     put    429*          1 PUT /[^ ]+/webServices/fresh: HTTP 429 TooManyRequests: 
new     put    500           1 PUT /[^ ]+/webServices/fresh: HTTP 500 InternalServerError: 
new     put    503           1 PUT /[^ ]+/webServices/fresh: HTTP 503 ServiceUnavailable: 
new     put    drop-before   1 PUT /[^ ]+/webServices/fresh: Empty reply from server{MAY}
new     put    drop-after    1 PUT /[^ ]+/webServices/fresh: Empty reply from server{MAY}
new     put    truncate      1 PUT /[^ ]+/webServices/fresh: transfer closed with [0-9]+ bytes remaining to read{MAY}
new     put    notjson       1 PUT /[^ ]+/webServices/fresh: HTTP 200: the answer is not JSON \(.*\){MAY}
new     put    slow          1 PUT /[^ ]+/webServices/fresh: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAY}
new     put    expire        ok
new     put    expire*       3 PUT /[^ ]+/webServices/fresh: HTTP 401 ExpiredAuthenticationToken: 
new     put    lro-failed    1 PUT /[^ ]+/webServices/fresh: operation Failed: InternalServerError: Injected failure\. 
new     put    lro-canceled  1 PUT /[^ ]+/webServices/fresh: operation Canceled: 
new     poll   503           ok
new     poll   503*          1 GET /[^ ]+/operationsStatus/[0-9a-f-]+: HTTP 503 .*{STILL}
new     poll   drop-before   ok
new     poll   notjson       1 GET /[^ ]+/operationsStatus/[0-9a-f-]+: HTTP 200: the answer is not JSON: 
new     poll   expire        ok
new     -      bes-failed    n/a no Batch Execution job
rm      delete 429           ok
rm      delete 429*          1 DELETE /[^ ]+/webServices/aml-demo-ws: HTTP 429 TooManyRequests: 
rm      delete 500           1 DELETE /[^ ]+/webServices/aml-demo-ws: HTTP 500 InternalServerError: 
rm      delete 503           1 DELETE /[^ ]+/webServices/aml-demo-ws: HTTP 503 ServiceUnavailable: 
rm      delete drop-before   1 DELETE /[^ ]+/webServices/aml-demo-ws: Empty reply from server{MAY}
rm      delete drop-after    1 DELETE /[^ ]+/webServices/aml-demo-ws: Empty reply from server{MAY}
rm      delete truncate      n/a the 202 that accepts a DELETE has no body to cut (see the poll's)
rm      delete notjson       1 DELETE /[^ ]+/webServices/aml-demo-ws: HTTP 200: the answer is not JSON \(.*\){MAY}
rm      delete slow          1 DELETE /[^ ]+/webServices/aml-demo-ws: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAY}
rm      delete expire        ok
rm      delete expire*       3 DELETE /[^ ]+/webServices/aml-demo-ws: HTTP 401 ExpiredAuthenticationToken: 
rm      delete lro-failed    1 DELETE /[^ ]+/webServices/aml-demo-ws: operation Failed: InternalServerError: 
rm      delete lro-canceled  1 DELETE /[^ ]+/webServices/aml-demo-ws: operation Canceled: 
rm      poll   500           ok
rm      poll   truncate      ok
rm      poll   truncate*     1 GET /[^ ]+/operationsStatus/[0-9a-f-]+: transfer closed with .*{STILL}
rm      poll   expire        ok
rm      -      bes-failed    n/a no Batch Execution job
region  regional 429         ok
region  regional 429*        1 POST /[^ ]+/CreateRegionalBlob: HTTP 429 TooManyRequests: 
region  regional 500         1 POST /[^ ]+/CreateRegionalBlob: HTTP 500 InternalServerError: 
region  regional 503         1 POST /[^ ]+/CreateRegionalBlob: HTTP 503 ServiceUnavailable: 
region  regional drop-before 1 POST /[^ ]+/CreateRegionalBlob: Empty reply from server{MAY}
region  regional drop-after  1 POST /[^ ]+/CreateRegionalBlob: Empty reply from server{MAY}
region  regional truncate    1 POST /[^ ]+/CreateRegionalBlob: transfer closed with [0-9]+ bytes remaining to read{MAY}
region  regional notjson     1 POST /[^ ]+/CreateRegionalBlob: HTTP 200: the answer is not JSON \(.*\){MAY}
region  regional slow        1 POST /[^ ]+/CreateRegionalBlob: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAY}
region  regional expire      ok
region  regional expire*     3 POST /[^ ]+/CreateRegionalBlob: HTTP 401 ExpiredAuthenticationToken: 
region  regional lro-failed  1 POST /[^ ]+/CreateRegionalBlob: operation Failed: InternalServerError: 
region  regional lro-canceled 1 POST /[^ ]+/CreateRegionalBlob: operation Canceled: 
region  poll   429           ok
region  poll   drop-before*  1 GET /[^ ]+/operationsStatus/[0-9a-f-]+: Empty reply from server{STILL}
region  poll   expire        ok
region  -      bes-failed    n/a no Batch Execution job
retrain submit 429           ok
retrain submit 429*          1 POST /[^ ]+/jobs: HTTP 429 
retrain submit 500           ok
retrain submit 500*          1 POST /[^ ]+/jobs: HTTP 500 InternalError: Execution encountered an internal error\. \[request-id [0-9a-f-]+\]$
retrain submit 503           ok
retrain submit 503*          1 POST /[^ ]+/jobs: HTTP 503 ServiceUnavailable: 
retrain submit drop-before   ok
retrain submit drop-before*  1 POST /[^ ]+/jobs: Empty reply from server$
retrain submit drop-after    ok
retrain submit drop-after*   1 POST /[^ ]+/jobs: Empty reply from server$
retrain submit truncate      ok
retrain submit truncate*     1 POST /[^ ]+/jobs: transfer closed with 
retrain submit notjson       1 POST jobs: the answer is not a job id \(a JSON string\)$
retrain submit slow          ok
retrain submit slow*         1 POST /[^ ]+/jobs: no answer within the time limit \(-m 2 s\)$
retrain start  429           ok
retrain start  503*          1 POST /[^ ]+/jobs/[0-9a-f]+/start: HTTP 503 
retrain start  drop-after    ok
retrain start  truncate      n/a the 204 that starts a job has no body to cut
retrain start  notjson       1 POST /[^ ]+/jobs/[0-9a-f]+/start: HTTP 200: the answer is not JSON \(.*\); job [0-9a-f]+ may not have started$
retrain start  slow          ok
retrain status 429           ok
retrain status 429*          1 job [0-9a-f]+ no status within the time limit \(-m 2 s; GET /[^ ]+/jobs/[0-9a-f]+: HTTP 429 .*\); it goes on \(follow it with aml-retrain -j [0-9a-f]+\)$
retrain status 500           ok
retrain status 503*          1 job [0-9a-f]+ no status within the time limit \(-m 2 s; GET /[^ ]+: HTTP 503 ServiceUnavailable: .*\); it goes on 
retrain status drop-before   ok
retrain status drop-after*   1 job [0-9a-f]+ no status within the time limit \(-m 2 s; GET /[^ ]+: Empty reply from server\); it goes on 
retrain status truncate      ok
retrain status truncate*     1 job [0-9a-f]+ no status within the time limit \(-m 2 s; GET /[^ ]+: transfer closed with 
retrain status notjson       1 job [0-9a-f]+: the status is not JSON: 
retrain status slow          ok
retrain status slow*         1 job [0-9a-f]+ no status within the time limit \(-m 2 s\); it goes on \(follow it with aml-retrain -j [0-9a-f]+\)$
retrain -      bes-failed    1 job [0-9a-f]+ failed: Injected failure\.$
retrain -      expire        n/a an API key does not expire
retrain -      lro-failed    n/a no Resource Manager operation (the job is the bes-failed row)
score   exec   429           ok
score   exec   429*          1 POST /[^ ]+/execute: HTTP 429 
score   exec   500           ok
score   exec   500*          1 POST /[^ ]+/execute: HTTP 500 InternalError: 
score   exec   503           ok
score   exec   503*          1 POST /[^ ]+/execute: HTTP 503 ServiceUnavailable: 
score   exec   drop-before   ok
score   exec   drop-before*  1 POST /[^ ]+/execute: Empty reply from server$
score   exec   drop-after    ok
score   exec   drop-after*   1 POST /[^ ]+/execute: Empty reply from server$
score   exec   truncate      ok
score   exec   truncate*     1 POST /[^ ]+/execute: transfer closed with 
score   exec   notjson       1 POST execute: the answer is not JSON: 
score   exec   slow          ok
score   exec   slow*         1 POST /[^ ]+/execute: no answer within the time limit \(-m 2 s\)
score   -      expire        n/a an API key does not expire
score   -      lro-failed    n/a scoring is one request
score   -      bes-failed    n/a no Batch Execution job
getplan plan   429           ok
getplan plan   429*          1 GET /[^ ]+/commitmentPlans/aml-demo-plan: HTTP 429 TooManyRequests: 
getplan plan   500           ok
getplan plan   503*          1 GET /[^ ]+/commitmentPlans/aml-demo-plan: HTTP 503 ServiceUnavailable: 
getplan plan   drop-before   ok
getplan plan   drop-after*   1 GET /[^ ]+/commitmentPlans/aml-demo-plan: Empty reply from server$
getplan plan   truncate*     1 GET /[^ ]+/commitmentPlans/aml-demo-plan: transfer closed with [0-9]+ bytes remaining to read$
getplan plan   notjson       1 GET /[^ ]+/commitmentPlans/aml-demo-plan: HTTP 200: the answer is not JSON: 
getplan plan   slow          ok
getplan plan   slow*         1 GET /[^ ]+/commitmentPlans/aml-demo-plan: no answer within the time limit \(-m 2 s\)
getplan plan   expire        ok
getplan plan   expire*       3 GET /[^ ]+/commitmentPlans/aml-demo-plan: HTTP 401 ExpiredAuthenticationToken: 
getplan -      lro-failed    n/a a GET starts no long-running operation
getplan -      bes-failed    n/a no Batch Execution job
newplan pput   429           ok
newplan pput   429*          1 PUT /[^ ]+/commitmentPlans/fresh: HTTP 429 TooManyRequests: 
newplan pput   500           1 PUT /[^ ]+/commitmentPlans/fresh: HTTP 500 InternalServerError: 
newplan pput   drop-before   1 PUT /[^ ]+/commitmentPlans/fresh: Empty reply from server{MAYPLAN}
newplan pput   drop-after    1 PUT /[^ ]+/commitmentPlans/fresh: Empty reply from server{MAYPLAN}
newplan pput   truncate      1 PUT /[^ ]+/commitmentPlans/fresh: transfer closed with [0-9]+ bytes remaining to read{MAYPLAN}
newplan pput   slow          1 PUT /[^ ]+/commitmentPlans/fresh: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAYPLAN}
newplan pput   expire        ok
newplan pput   expire*       3 PUT /[^ ]+/commitmentPlans/fresh: HTTP 401 ExpiredAuthenticationToken: 
newplan -      bes-failed    n/a no Batch Execution job
updplan ppatch 429           ok
updplan ppatch 503           1 PATCH /[^ ]+/commitmentPlans/aml-demo-plan: HTTP 503 ServiceUnavailable: 
updplan ppatch drop-after    1 PATCH /[^ ]+/commitmentPlans/aml-demo-plan: Empty reply from server{MAYPLAN}
updplan ppatch slow          1 PATCH /[^ ]+/commitmentPlans/aml-demo-plan: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAYPLAN}
updplan ppatch expire        ok
updplan -      bes-failed    n/a no Batch Execution job
rmplan  pdelete 429          ok
rmplan  pdelete 429*         1 DELETE /[^ ]+/commitmentPlans/gone: HTTP 429 TooManyRequests: 
rmplan  pdelete 500          1 DELETE /[^ ]+/commitmentPlans/gone: HTTP 500 InternalServerError: 
rmplan  pdelete drop-before  1 DELETE /[^ ]+/commitmentPlans/gone: Empty reply from server{MAYPLAN}
rmplan  pdelete drop-after   1 DELETE /[^ ]+/commitmentPlans/gone: Empty reply from server{MAYPLAN}
rmplan  pdelete slow         1 DELETE /[^ ]+/commitmentPlans/gone: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAYPLAN}
rmplan  pdelete expire       ok
rmplan  pdelete expire*      3 DELETE /[^ ]+/commitmentPlans/gone: HTTP 401 ExpiredAuthenticationToken: 
rmplan  -      lro-failed    n/a the service removes a plan at once, with no operation
rmplan  -      bes-failed    n/a no Batch Execution job
usage   usage  503           ok
usage   usage  503*          1 GET /[^ ]+/usageHistory: HTTP 503 ServiceUnavailable: 
usage   usage  drop-after    ok
usage   usage  notjson       1 GET /[^ ]+/usageHistory: HTTP 200: the answer is not JSON: 
usage   usage  slow*         1 GET /[^ ]+/usageHistory: no answer within the time limit \(-m 2 s\)
usage   usage  expire        ok
usage   -      lro-failed    n/a a GET starts no long-running operation
getassoc assocs 429          ok
getassoc assocs 500*         1 GET /[^ ]+/commitmentAssociations: HTTP 500 InternalServerError: 
getassoc assocs truncate     ok
getassoc assocs notjson      1 GET /[^ ]+/commitmentAssociations: HTTP 200: the answer is not JSON: 
getassoc assocs slow         ok
getassoc assocs expire*      3 GET /[^ ]+/commitmentAssociations: HTTP 401 ExpiredAuthenticationToken: 
getassoc -     lro-failed    n/a a GET starts no long-running operation
moveassoc move 429           ok
moveassoc move 429*          1 POST /[^ ]+/move: HTTP 429 TooManyRequests: 
moveassoc move 500           1 POST /[^ ]+/move: HTTP 500 InternalServerError: 
moveassoc move drop-after    1 POST /[^ ]+/move: Empty reply from server{MAYASSOC}
moveassoc move notjson       1 POST /[^ ]+/move: HTTP 200: the answer is not JSON: 
moveassoc move slow          1 POST /[^ ]+/move: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAYASSOC}
moveassoc move expire        ok
moveassoc -    lro-failed    n/a the service moves an association at once, with no operation
addep   eput   429           ok
addep   eput   429*          1 PUT /[^ ]+/endpoints/fresh: HTTP 429 
addep   eput   500           1 PUT /[^ ]+/endpoints/fresh: HTTP 500 InternalServerError: 
addep   eput   503           1 PUT /[^ ]+/endpoints/fresh: HTTP 503 ServiceUnavailable: 
addep   eput   drop-before   1 PUT /[^ ]+/endpoints/fresh: Empty reply from server{MAYEP}
addep   eput   drop-after    1 PUT /[^ ]+/endpoints/fresh: Empty reply from server{MAYEP}
addep   eput   truncate      1 PUT /[^ ]+/endpoints/fresh: transfer closed with 
addep   eput   notjson       ok
addep   eput   slow          1 PUT /[^ ]+/endpoints/fresh: Operation timed out after [0-9]+ milliseconds with 0 bytes received
addep   -      expire        n/a the workspace token does not expire
addep   -      lro-failed    n/a no long-running operation
addep   -      bes-failed    n/a no Batch Execution job
getep   eget   429           ok
getep   eget   429*          1 GET /[^ ]+/endpoints/ep1: HTTP 429 
getep   eget   500           ok
getep   eget   500*          1 GET /[^ ]+/endpoints/ep1: HTTP 500 InternalServerError: 
getep   eget   503           ok
getep   eget   503*          1 GET /[^ ]+/endpoints/ep1: HTTP 503 ServiceUnavailable: 
getep   eget   drop-before   ok
getep   eget   drop-before*  1 GET /[^ ]+/endpoints/ep1: Empty reply from server$
getep   eget   drop-after    ok
getep   eget   drop-after*   1 GET /[^ ]+/endpoints/ep1: Empty reply from server$
getep   eget   truncate      ok
getep   eget   truncate*     1 GET /[^ ]+/endpoints/ep1: transfer closed with 
getep   eget   notjson       1 GET /[^ ]+/endpoints/ep1: the answer is not JSON: 
getep   eget   slow          ok
getep   eget   slow*         1 GET /[^ ]+/endpoints/ep1: no answer within the time limit \(-m 2 s\)
getep   -      expire        n/a the workspace token does not expire
getep   -      lro-failed    n/a no long-running operation
getep   -      bes-failed    n/a no Batch Execution job
patchep epatch 429           ok
patchep epatch 429*          1 PATCH /[^ ]+/endpoints/ep1: HTTP 429 
patchep epatch 500           1 PATCH /[^ ]+/endpoints/ep1: HTTP 500 InternalServerError: 
patchep epatch 503           1 PATCH /[^ ]+/endpoints/ep1: HTTP 503 ServiceUnavailable: 
patchep epatch drop-before   1 PATCH /[^ ]+/endpoints/ep1: Empty reply from server{MAYEP}
patchep epatch drop-after    1 PATCH /[^ ]+/endpoints/ep1: Empty reply from server{MAYEP}
patchep epatch truncate      n/a the 204 that takes a PATCH has no body to cut
patchep epatch notjson       ok
patchep epatch slow          1 PATCH /[^ ]+/endpoints/ep1: Operation timed out after 
patchep eget   503           ok
patchep eget   503*          1 GET /[^ ]+/endpoints/ep1: HTTP 503 ServiceUnavailable: 
patchep eget   drop-after    ok
patchep eget   truncate      ok
patchep eget   notjson       1 GET /[^ ]+/endpoints/ep1: the answer is not JSON: 
patchep eget   slow          ok
patchep -      expire        n/a the workspace token does not expire
patchep -      lro-failed    n/a the switch-over has no failure to inject (the eget rows wait on it)
patchep -      bes-failed    n/a the job has ended before (its status is the input)
rmep    edelete 429          ok
rmep    edelete 429*         1 DELETE /[^ ]+/endpoints/gone: HTTP 429 
rmep    edelete 500          1 DELETE /[^ ]+/endpoints/gone: HTTP 500 InternalServerError: 
rmep    edelete drop-before  1 DELETE /[^ ]+/endpoints/gone: Empty reply from server{MAYEP}
rmep    edelete drop-after   1 DELETE /[^ ]+/endpoints/gone: Empty reply from server{MAYEP}
rmep    edelete slow         1 DELETE /[^ ]+/endpoints/gone: Operation timed out after 
rmep    -      expire        n/a the workspace token does not expire
rmep    -      lro-failed    n/a no long-running operation
refep   refresh 429          ok
refep   refresh 429*         1 POST /[^ ]+/endpoints/ep1/refresh: HTTP 429 
refep   refresh 503          1 POST /[^ ]+/endpoints/ep1/refresh: HTTP 503 ServiceUnavailable: 
refep   refresh drop-before  1 POST /[^ ]+/endpoints/ep1/refresh: Empty reply from server{MAYEP}
refep   refresh drop-after   1 POST /[^ ]+/endpoints/ep1/refresh: Empty reply from server{MAYEP}
refep   refresh slow         1 POST /[^ ]+/endpoints/ep1/refresh: Operation timed out after 
refep   eget   503           ok
refep   eget   503*          1 GET /[^ ]+/endpoints/ep1: HTTP 503 ServiceUnavailable: 
refep   -      expire        n/a the workspace token does not expire
refep   -      lro-failed    n/a no long-running operation
mlget   dget   429           ok
mlget   dget   429*          1 GET /[^ ]+/deployments/blue: HTTP 429 TooManyRequests: 
mlget   dget   500           ok
mlget   dget   503*          1 GET /[^ ]+/deployments/blue: HTTP 503 ServiceUnavailable: 
mlget   dget   drop-before   ok
mlget   dget   drop-after*   1 GET /[^ ]+/deployments/blue: Empty reply from server$
mlget   dget   truncate      ok
mlget   dget   truncate*     1 GET /[^ ]+/deployments/blue: transfer closed with [0-9]+ bytes remaining to read$
mlget   dget   notjson       1 GET /[^ ]+/deployments/blue: HTTP 200: the answer is not JSON: 
mlget   dget   slow          ok
mlget   dget   slow*         1 GET /[^ ]+/deployments/blue: no answer within the time limit \(-m 2 s\)
mlget   dget   expire        ok
mlget   dget   expire*       3 GET /[^ ]+/deployments/blue: HTTP 401 ExpiredAuthenticationToken: 
mlget   -      lro-failed    n/a a GET starts no long-running operation
mlget   -      bes-failed    n/a no Batch Execution job
mllist  dlist  503           ok
mllist  dlist  503*          1 GET /[^ ]+/deployments: HTTP 503 ServiceUnavailable: 
mllist  dlist  notjson       1 GET /[^ ]+/deployments: HTTP 200: the answer is not JSON: 
mllist  dlist  truncate*     1 GET /[^ ]+/deployments: transfer closed with 
mllist  -      lro-failed    n/a a list starts no long-running operation
mlupdate dput  429           ok
mlupdate dput  429*          1 PUT /[^ ]+/deployments/blue: HTTP 429 TooManyRequests: 
mlupdate dput  500           1 PUT /[^ ]+/deployments/blue: HTTP 500 InternalServerError: 
mlupdate dput  503           1 PUT /[^ ]+/deployments/blue: HTTP 503 ServiceUnavailable: 
mlupdate dput  drop-before   1 PUT /[^ ]+/deployments/blue: Empty reply from server{MAYML}
mlupdate dput  drop-after    1 PUT /[^ ]+/deployments/blue: Empty reply from server{MAYML}
mlupdate dput  truncate      1 PUT /[^ ]+/deployments/blue: transfer closed with [0-9]+ bytes remaining to read{MAYML}
mlupdate dput  notjson       1 PUT /[^ ]+/deployments/blue: HTTP 200: the answer is not JSON \(.*\){MAYML}
mlupdate dput  slow          1 PUT /[^ ]+/deployments/blue: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAYML}
mlupdate dput  expire        ok
mlupdate dput  expire*       3 PUT /[^ ]+/deployments/blue: HTTP 401 ExpiredAuthenticationToken: 
mlupdate dput  lro-failed    1 PUT /[^ ]+/deployments/blue: provisioningState Failed, without saying why: look with aml-get-deployment -g [^ ]+ -w [^ ]+ -e census-ep -d blue \[request-id [0-9a-f-]+\]$
mlupdate dput  lro-canceled  1 PUT /[^ ]+/deployments/blue: provisioningState Canceled, without saying why: 
mlupdate dget  503           ok
mlupdate dget  503*          1 GET /[^ ]+/deployments/blue: HTTP 503 ServiceUnavailable: 
mlupdate dget  notjson       1 GET /[^ ]+/deployments/blue: HTTP 200: the answer is not JSON: 
mlupdate -     bes-failed    n/a no Batch Execution job
mlnew   dnew   429           ok
mlnew   dnew   429*          1 PUT /[^ ]+/deployments/fresh: HTTP 429 TooManyRequests: 
mlnew   dnew   500           1 PUT /[^ ]+/deployments/fresh: HTTP 500 InternalServerError: 
mlnew   dnew   drop-before   1 PUT /[^ ]+/deployments/fresh: Empty reply from server{MAYML}
mlnew   dnew   drop-after    1 PUT /[^ ]+/deployments/fresh: Empty reply from server{MAYML}
mlnew   dnew   truncate      1 PUT /[^ ]+/deployments/fresh: transfer closed with [0-9]+ bytes remaining to read{MAYML}
mlnew   dnew   notjson       1 PUT /[^ ]+/deployments/fresh: HTTP 200: the answer is not JSON \(.*\){MAYML}
mlnew   dnew   slow          1 PUT /[^ ]+/deployments/fresh: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAYML}
mlnew   dnew   expire        ok
mlnew   dnew   lro-failed    1 PUT /[^ ]+/deployments/fresh: operation Failed: InternalServerError: Injected failure\. \[request-id [0-9a-f-]+\]$
mlnew   dnew   lro-canceled  1 PUT /[^ ]+/deployments/fresh: operation Canceled: OperationCanceled: 
mlnew   mlops  503           ok
mlnew   mlops  503*          1 GET /[^ ]+/mfeOperationsStatus/[0-9a-f-]+: HTTP 503 ServiceUnavailable: .*{STILLML}
mlnew   mlops  drop-before   ok
mlnew   mlops  notjson       1 GET /[^ ]+/mfeOperationsStatus/[0-9a-f-]+: HTTP 200: the answer is not JSON: 
mlnew   mlops  slow*         1 PUT /[^ ]+/deployments/fresh: operation still Running at the time limit \(-m 2 s\){STILLML}
mlnew   eget2  503*          1 GET /[^ ]+/onlineEndpoints/census-ep: HTTP 503 ServiceUnavailable: 
mlnew   -      bes-failed    n/a no Batch Execution job
mlrm    ddel   429           ok
mlrm    ddel   429*          1 DELETE /[^ ]+/deployments/green: HTTP 429 TooManyRequests: 
mlrm    ddel   500           1 DELETE /[^ ]+/deployments/green: HTTP 500 InternalServerError: 
mlrm    ddel   drop-before   1 DELETE /[^ ]+/deployments/green: Empty reply from server{MAYML}
mlrm    ddel   drop-after    1 DELETE /[^ ]+/deployments/green: Empty reply from server{MAYML}
mlrm    ddel   notjson       1 DELETE /[^ ]+/deployments/green: HTTP 200: the answer is not JSON \(.*\){MAYML}
mlrm    ddel   slow          1 DELETE /[^ ]+/deployments/green: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAYML}
mlrm    ddel   expire        ok
mlrm    ddel   lro-failed    1 DELETE /[^ ]+/deployments/green: operation Failed: InternalServerError: Injected failure\. \[request-id [0-9a-f-]+\]$
mlrm    ddel   lro-canceled  1 DELETE /[^ ]+/deployments/green: operation Canceled: OperationCanceled: 
mlrm    mlres  503           ok
mlrm    mlres  503*          1 GET /[^ ]+/mfeOperationResults/[0-9a-f-]+: HTTP 503 ServiceUnavailable: .*{STILLML}
mlrm    mlres  truncate      ok
mlrm    mlres  drop-after*   1 GET /[^ ]+/mfeOperationResults/[0-9a-f-]+: Empty reply from server{STILLML}
mlrm    -      bes-failed    n/a no Batch Execution job
traffic eput2  429           ok
traffic eput2  500           1 PUT /[^ ]+/onlineEndpoints/census-ep: HTTP 500 InternalServerError: 
traffic eput2  drop-after    1 PUT /[^ ]+/onlineEndpoints/census-ep: Empty reply from server{MAYTR}
traffic eput2  notjson       1 PUT /[^ ]+/onlineEndpoints/census-ep: HTTP 200: the answer is not JSON \(.*\){MAYTR}
traffic eput2  expire        ok
traffic eput2  lro-failed    1 PUT /[^ ]+/onlineEndpoints/census-ep: provisioningState Failed, without saying why: look with aml-traffic -g [^ ]+ -w [^ ]+ -e census-ep \[request-id [0-9a-f-]+\]$
traffic eget2  503           ok
traffic eget2  503*          1 GET /[^ ]+/onlineEndpoints/census-ep: HTTP 503 ServiceUnavailable: 
traffic eget2  notjson       1 GET /[^ ]+/onlineEndpoints/census-ep: HTTP 200: the answer is not JSON: 
traffic -      bes-failed    n/a no Batch Execution job
invoke  score  429           ok
invoke  score  429*          1 POST /online/census-ep/score: HTTP 429: too many requests are waiting at the deployment; try again later, or give it more instances
invoke  score  500           1 POST /online/census-ep/score: HTTP 500 [A-Za-z]+: Injected fault
invoke  score  503           1 POST /online/census-ep/score: HTTP 503 [A-Za-z]+: Injected fault
invoke  score  drop-before   1 POST /online/census-ep/score: Empty reply from server$
invoke  score  drop-after    1 POST /online/census-ep/score: Empty reply from server$
invoke  score  truncate      1 POST /online/census-ep/score: transfer closed with [0-9]+ bytes remaining to read$
invoke  score  notjson       ok
invoke  score  slow          1 POST /online/census-ep/score: Operation timed out after [0-9]+ milliseconds with 0 bytes received$
invoke  score  slow*         1 POST /online/census-ep/score: no answer within the time limit \(-m 2 s\)
invoke  lkeys  503           1 POST /[^ ]+/listKeys: HTTP 503 ServiceUnavailable: 
invoke  lkeys  429           ok
invoke  eget2  drop-after    ok
invoke  eget2  expire        ok
invoke  -      lro-failed    n/a scoring is one request
invoke  -      bes-failed    n/a no Batch Execution job
mlkeys  lkeys  429           ok
mlkeys  lkeys  429*          1 POST /[^ ]+/listKeys: HTTP 429 TooManyRequests: 
mlkeys  lkeys  500           1 POST /[^ ]+/listKeys: HTTP 500 InternalServerError: 
mlkeys  lkeys  drop-after    1 POST /[^ ]+/listKeys: Empty reply from server{MAYKEYS}
mlkeys  lkeys  truncate      1 POST /[^ ]+/listKeys: transfer closed with 
mlkeys  lkeys  notjson       1 POST /[^ ]+/listKeys: HTTP 200: the answer is not JSON: 
mlkeys  lkeys  slow*         1 POST /[^ ]+/listKeys: no answer within the time limit \(-m 2 s\)
mlkeys  lkeys  expire        ok
mlkeys  lkeys  expire*       3 POST /[^ ]+/listKeys: HTTP 401 ExpiredAuthenticationToken: 
mlkeys  -      lro-failed    n/a listKeys starts no long-running operation
mlkeys  -      bes-failed    n/a no Batch Execution job
runjob  jput   429           ok
runjob  jput   429*          1 PUT /[^ ]+/jobs/[^ ]+: HTTP 429 TooManyRequests: 
runjob  jput   500           1 PUT /[^ ]+/jobs/[^ ]+: HTTP 500 InternalServerError: 
runjob  jput   drop-after    1 PUT /[^ ]+/jobs/[^ ]+: Empty reply from server{MAYJOB}
runjob  jput   notjson       1 PUT /[^ ]+/jobs/[^ ]+: HTTP 200: the answer is not JSON \(.*\){MAYJOB}
runjob  jput   slow          1 PUT /[^ ]+/jobs/[^ ]+: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAYJOB}
runjob  jput   expire        ok
runjob  jget   429           ok
runjob  jget   503           ok
runjob  jget   503*          1 GET /[^ ]+/jobs/[^ ]+: HTTP 503 ServiceUnavailable: .*; the job goes on: follow it with aml-run-job -g [^ ]+ -w [^ ]+ -j [^ ]+$
runjob  jget   drop-after    ok
runjob  jget   truncate      ok
runjob  jget   notjson       1 GET /[^ ]+/jobs/[^ ]+: HTTP 200: the answer is not JSON: 
runjob  jget   slow          ok
runjob  jget   slow*         1 job [^ ]+ still [A-Za-z]+ at the time limit \(-m 2 s\); it goes on: follow it with aml-run-job 
runjob  jget   expire        ok
runjob  -      lro-failed    n/a a job's PUT is no long-running operation
runjob  -      bes-failed    n/a no Batch Execution job (the Azure Machine Learning job's failures are in 0412)
newmodel mput  429           ok
newmodel mput  429*          1 PUT /[^ ]+/models/fresh/versions/1: HTTP 429 TooManyRequests: 
newmodel mput  500           1 PUT /[^ ]+/models/fresh/versions/1: HTTP 500 InternalServerError: 
newmodel mput  drop-after    1 PUT /[^ ]+/models/fresh/versions/1: Empty reply from server{MAYMODEL}
newmodel mput  notjson       1 PUT /[^ ]+/models/fresh/versions/1: HTTP 200: the answer is not JSON \(.*\){MAYMODEL}
newmodel mput  slow          1 PUT /[^ ]+/models/fresh/versions/1: Operation timed out after [0-9]+ milliseconds with 0 bytes received{MAYMODEL}
newmodel mput  expire        ok
newmodel -     lro-failed    n/a a model version's PUT is no long-running operation
newmodel -     bes-failed    n/a no Batch Execution job
EOF

MAY='; the request reached the server, so it may have taken effect: check with aml-get-ws -g [^ ]+ -n [^ ]+$'
MAYPLAN='; the request reached the server, so it may have taken effect: check with aml-get-plan -g [^ ]+ -n [^ ]+$'
MAYASSOC='; the request reached the server, so it may have taken effect: check with aml-get-association -g [^ ]+ --plan [^ ]+ -n [^ ]+$'
MAYEP='; the request reached the server, so it may have taken effect: check with aml-get-endpoint$'
STILL='; the operation may still complete: check with aml-get-ws -g [^ ]+ -n [^ ]+( \[request-id [0-9a-f-]+\])?$'
ML_CHECK='aml-get-deployment -g [^ ]+ -w [^ ]+ -e census-ep -d [a-z]+'
MAYML="; the request reached the server, so it may have taken effect: check with $ML_CHECK\$"
STILLML="; the operation may still complete: check with $ML_CHECK( \\[request-id [0-9a-f-]+\\])?\$"
MAYTR='; the request reached the server, so it may have taken effect: check with aml-traffic -g [^ ]+ -w [^ ]+ -e census-ep$'
MAYKEYS=$MAYTR
MAYJOB='; the request reached the server, so it may have taken effect: check with aml-run-job -g [^ ]+ -w [^ ]+ -j [^ ]+$'
MAYMODEL='; the request reached the server, so it may have taken effect: check with aml-new-model -g [^ ]+ -w [^ ]+ -n fresh --model-version 1 \(which refuses a version that exists\)$'

# The configuration directory after a cell: the same files, whole JSON,
# mode 0600; after a failed sign-in, exactly the stored one.
# ctl METHOD PATH BODY [METHOD PATH BODY]...: these control calls, in
# order, made by one curl (one process and one connection; the table's
# cells make some hundreds); the first that fails stops the rest, and
# the test.
ctl() {
	_n=$(($# / 3)) _i=0
	while [ "$_i" -lt "$_n" ]; do
		_m=$1 _p=$2 _b=$3
		shift 3
		[ "$_i" -gt 0 ] && set -- "$@" --next
		set -- "$@" -sS --fail-with-body -o /dev/null -X "$_m"
		[ -n "$_b" ] && set -- "$@" -d "$_b"
		set -- "$@" "$AML_EMULATOR_URL/_emu/$_p"
		_i=$((_i + 1))
	done
	curl --fail-early "$@" || { echo "Bail out! a control call failed: $*"; exit 1; }
}

cfg_check() {	# cfg_check NAME OUTCOME
	[ "$(ls -A "$AML_CONFIG_DIR" | tr '\n' ' ')" = "$cfgfiles" ] || { echo "files: $(ls -A "$AML_CONFIG_DIR" | tr '\n' ' ')"; return 1; }
	_m=$(stat -c '%a %n' "$AML_CONFIG_DIR"/* | grep -v '^600 ')
	[ -z "$_m" ] || { echo "mode $_m"; return 1; }
	for _f in profile.json tokens.json; do
		cmp -s "$AML_CONFIG_DIR/$_f" "$TMP/cfgsnap/$_f" && continue
		case $1:$2 in
		login:ok|token:ok|list:*) ;;
		login:*|token:*) echo "$_f changed"; return 1 ;;
		esac
		jq -e . "$AML_CONFIG_DIR/$_f" >/dev/null 2>&1 || { echo "$_f is not JSON"; return 1; }
	done
	return 0
}

# The file a program writes: there, whole, after success; after a
# failure, nothing at all (no temporary file either).
out_check() {	# out_check OUTCOME
	if [ "$1" = ok ] && [ -n "$outf" ]; then
		[ -s "$outf" ] || { echo "no $outf"; return 1; }
		case $outf in *.json) jq -e . "$outf" >/dev/null 2>&1 || { echo "$outf is not JSON"; return 1; } ;; esac
		[ "$(ls -A "$TMP/o" | wc -l)" -eq 1 ] || { echo "more in $TMP/o: $(ls -A "$TMP/o" | tr '\n' ' ')"; return 1; }
	elif [ "$1" != ok ] && [ -n "$(ls -A "$TMP/o")" ]; then
		echo "left behind: $(ls -A "$TMP/o" | tr '\n' ' ')"
		return 1
	fi
	return 0
}

# After a slow answer, the emulator carries out the delayed request once
# the client has left (and logs it then): let a write finish before the
# next cell.  (A write is never sent twice.)  The cell fails if it never
# does.
drain() {
	wait_until seen 1 ".method == \"$method\""
}

# cells ROWS: run these rows of the table.  The results go to
# $TMP/results ("r STATUS DESCRIPTION" and "d DIAGNOSTIC" lines) and the
# totals to $TMP/totals, for the parent to print in the table's order.
cells() {
	ok() { printf 'r %s %s\n' "$1" "$2" >>"$TMP/results"; }
	diag() { printf '%s\n' "$@" | sed 's/^/d /' >>"$TMP/results"; }
	: >"$TMP/results"
	nok=0 nfail=0 nna=0
	cells_of 3<"$1"
	echo "$nok $nfail $nna" >"$TMP/totals"
}

cells_of() {
while read -r name tgt fault outcome <&3; do
	case $outcome in
	n/a*)
		ok 0 "$name x $fault: n/a # SKIP ${outcome#n/a }"
		nna=$((nna + 1))
		continue ;;
	esac
	count=1
	case $fault in *\*) count=100 ;; esac
	f=${fault%\*}
	target "$tgt"
	if [ "$f" = bes-failed ]; then
		set -- POST studio/fail '{"details":"Injected failure."}'
	else
		fault_json "$f"
		set -- POST faults "{\"method\":\"$method\",\"path\":\"$path\",\"count\":$count,$fj}"
	fi
	if studio "$name"; then
		[ -n "$studio_ready" ] || studio_setup
		ctl DELETE faults '' DELETE requests '' "$@"
	else
		# Retry-After 0 and jobs that end at once: the programs honour
		# Retry-After, and 10 s a poll would only make the cells slow.
		# The fault goes on after prep's requests.
		case $name in
		mlrm|traffic) ctl POST reset '' POST ml '{"retryAfter":0,"jobMs":0}' ;;
		*)	ctl POST reset '' POST ml '{"retryAfter":0,"jobMs":0}' "$@" ;;
		esac
		rm -rf "$AML_CONFIG_DIR"
		cp -a "$TMP/cfgsnap" "$AML_CONFIG_DIR"
	fi
	rm -rf "$TMP/o"
	mkdir "$TMP/o"
	case $name in
	mlrm|traffic) prep "$name"; ctl "$@" ;;
	esac
	case $fault in slow\*) slow=1 ;; slow) slow=2 ;; *) slow= ;; esac
	prog "$name" "$slow" </dev/null
	unset AML_HTTP_TIMEOUT_MS
	if [ "$f" = bes-failed ]; then
		left=$(emu studio | jq .failJobs)
	else
		left=$(emu faults | sed -n 's/^ *"count": *\([0-9]*\).*/\1/p')
	fi
	met=$((count - ${left:-0}))
	why=
	case $f:$tgt in slow:patch|slow:put|slow:delete|slow:regional|slow:eput|slow:epatch|\
	    slow:pput|slow:ppatch|slow:pdelete|slow:move|slow:edelete|slow:refresh|\
	    slow:dput|slow:dnew|slow:ddel|slow:jput|slow:mput)
		drain || why="the delayed $method was never carried out" ;;
	esac
	[ "$met" -ge 1 ] || why="the fault was not met"
	[ -z "$why" ] && why=$(cfg_check "$name" "$outcome")
	[ -z "$why" ] && why=$(out_check "$outcome")
	desc="$name x $fault on $method $tgt"
	case $outcome in
	ok)
		if [ -z "$why" ] && [ "$rc" -eq 0 ] && [ ! -s "$TMP/err" ] && output_ok "$name"; then
			ok 0 "$desc: recovered"
		else
			ok 1 "$desc: recovered"
			diag "exit $rc; $why" "$(head -3 "$TMP/err")"
		fi
		nok=$((nok + 1)) ;;
	*)
		st=${outcome%% *}
		re=${outcome#* }
		case $re in
		*"{MAY}") re="${re%"{MAY}"}$MAY" ;;
		*"{MAYEP}") re="${re%"{MAYEP}"}$MAYEP" ;;
		*"{MAYPLAN}") re="${re%"{MAYPLAN}"}$MAYPLAN" ;;
		*"{MAYASSOC}") re="${re%"{MAYASSOC}"}$MAYASSOC" ;;
		*"{STILL}") re="${re%"{STILL}"}$STILL" ;;
		*"{MAYML}") re="${re%"{MAYML}"}$MAYML" ;;
		*"{STILLML}") re="${re%"{STILLML}"}$STILLML" ;;
		*"{MAYTR}") re="${re%"{MAYTR}"}$MAYTR" ;;
		*"{MAYKEYS}") re="${re%"{MAYKEYS}"}$MAYKEYS" ;;
		*"{MAYJOB}") re="${re%"{MAYJOB}"}$MAYJOB" ;;
		*"{MAYMODEL}") re="${re%"{MAYMODEL}"}$MAYMODEL" ;;
		esac
		if [ -n "$why" ]; then
			ok 1 "$desc: fails cleanly"
			diag "$why"
		else
			expect_fail "$st" "^$(progname "$name"): $re" "$desc: fails cleanly (exit $st, one line)"
		fi
		nfail=$((nfail + 1)) ;;
	esac
done
}

# Two workers, each with its own emulator, run the Resource Manager rows
# and the Studio rows side by side (a cell mostly waits); their results
# are then printed in the table's order.
grep -Ev '^(retrain|score|addep|getep|patchep|rmep|refep) ' "$TMP/table" >"$TMP/rows-arm"
grep -E '^(retrain|score|addep|getep|patchep|rmep|refep) ' "$TMP/table" >"$TMP/rows-studio"
mkdir "$TMP/arm" "$TMP/studio"
cp -a "$TMP/cfgsnap" "$TMP/arm/cfgsnap"
cp -a "$TMP/cfgsnap" "$TMP/studio/cfgsnap"
cp "$TMP/def.json" "$TMP/title.json" "$TMP/dep.def" "$TMP/mljob.json" "$TMP/rows.json" "$TMP/arm/"
(
	TMP=$TMP/arm
	AML_CONFIG_DIR=$TMP/config
	cells "$TMP/../rows-arm"
) &
arm=$!
(
	TMP=$TMP/studio
	AML_CONFIG_DIR=$TMP/config
	cp -a "$TMP/cfgsnap" "$AML_CONFIG_DIR"
	emu_start --lro-ms 50
	echo "$_emu_pid" >"$TMP/emu.pid"
	trap 'emu_stop' EXIT
	cells "$TMP/../rows-studio"
) &
studio=$!
trap 'kill $(cat "$TMP/studio/emu.pid" 2>/dev/null) 2>/dev/null; _cleanup' EXIT
wait $arm
wait $studio

nok=0 nfail=0 nna=0
for w in arm studio; do
	[ -s "$TMP/$w/totals" ] || { echo "Bail out! the $w rows did not finish"; exit 1; }
	while read -r kind st rest; do
		case $kind in
		r) ok "$st" "$rest" ;;
		d) diag "$st${rest:+ $rest}" ;;
		esac
	done <"$TMP/$w/results"
	read -r a b c <"$TMP/$w/totals"
	nok=$((nok + a)) nfail=$((nfail + b)) nna=$((nna + c))
done
diag "fault table: $nok recovered, $nfail failed cleanly, $nna not applicable"
done_testing
