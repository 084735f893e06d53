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
# sign-in leaves the stored one as it was.  The program runs with -q,
# so that retry warnings are not on stderr.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 50
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10 AML_RETRY_MAX=1
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS

run aml-login
expect_ok "signed in"
aml-get-ws -g "$RG" -n "$WS" | aml-export-ws >"$TMP/def.json"
printf '{"properties":{"packageType":"Graph","title":"Faulted"}}' >"$TMP/title.json"
cp -a "$AML_CONFIG_DIR" "$TMP/cfgsnap"
cfgfiles=$(ls -A "$AML_CONFIG_DIR" | tr '\n' ' ')

# The programs, each run as it would be in a cron job.  Slow answers
# (delayMs 1000) are cut by --timeout 0.5, given only for those cells.
prog() {	# prog NAME [TIMEOUT-ARGS]
	_p=$1; shift
	case $_p in
	login)	run aml-login -q "$@" ;;
	list)	run aml-login -q -l "$@" ;;
	token)	run aml-token -q -R https://management.core.windows.net/ "$@" ;;
	get)	run aml-get-ws -q -g "$RG" -n "$WS" "$@" ;;
	keys)	run aml-ws-keys -q -g "$RG" -n "$WS" "$@" ;;
	update)	run aml-update-ws -q -g "$RG" -n "$WS" "$@" "$TMP/title.json" ;;
	new)	run aml-new-ws -q -g "$RG" -n fresh -l southcentralus "$@" "$TMP/def.json" ;;
	rm)	run aml-rm-ws -q -g "$RG" -n "$WS" "$@" ;;
	region)	run aml-add-region -q -g "$RG" -n "$WS" -r westcentralus "$@" ;;
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
	esac
}

# What a cell's stdout holds when the program succeeds.
output_ok() {	# output_ok NAME
	case $1 in
	rm)	[ ! -s "$TMP/out" ] ;;
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
	slow)	fj='"delayMs":1000' ;;
	expire)	fj='"expireToken":true' ;;
	lro-failed) fj='"lro":"Failed","code":"InternalServerError","message":"Injected failure."' ;;
	lro-canceled) fj='"lro":"Canceled"' ;;
	*)	echo "Bail out! no fault $1"; exit 1 ;;
	esac
}

# The table.  {MAY} and {STILL} stand for the endings of a write that
# may have taken effect and of an operation that may still complete.
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
login   token  slow*         1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: Operation timed out after [0-9]+ milliseconds
login   subs   503           ok
login   subs   notjson       1 GET /subscriptions: HTTP 200: response is not JSON: 
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
token   token  slow*         1 sign-in failed: POST /[^ ]+/oauth2/v2\.0/token: Operation timed out after 
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
get     ws     slow*         1 GET /[^ ]+/webServices/aml-demo-ws: Operation timed out after 
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
keys    keys   slow*         1 GET /[^ ]+/listKeys: Operation timed out after 
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
update  poll   slow*         1 GET /[^ ]+/operationsStatus/[0-9a-f-]+: Operation timed out after [0-9]+ milliseconds with 0 bytes received{STILL}
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
EOF

MAY='; the request reached the server, so it may have taken effect: check with aml-get-ws -g [^ ]+ -n [^ ]+$'
STILL='; the operation may still complete: check with aml-get-ws -g [^ ]+ -n [^ ]+( \[request-id [0-9a-f-]+\])?$'

# The configuration directory after a cell: the same files, whole JSON,
# mode 0600; after a failed sign-in, exactly the stored one.
cfg_check() {	# cfg_check NAME OUTCOME
	[ "$(ls -A "$AML_CONFIG_DIR" | tr '\n' ' ')" = "$cfgfiles" ] || { echo "files: $(ls -A "$AML_CONFIG_DIR" | tr '\n' ' ')"; return 1; }
	for _f in "$AML_CONFIG_DIR"/*; do
		[ "$(stat -c %a "$_f")" = 600 ] || { echo "$_f: mode $(stat -c %a "$_f")"; return 1; }
	done
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

# After a slow answer, the emulator carries out the delayed request once
# its delay is over (and logs it then): let a write to Resource Manager
# finish before the next cell.  (A write is never sent twice.)
drain() {
	_i=0
	while [ $_i -lt 100 ] &&
	    [ "$(emu requests | jq --arg m "$method" '[.[] | select(.method == $m)] | length')" -lt 1 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
}

nok=0 nfail=0 nna=0
while read -r name tgt fault outcome <&3; do
	case $outcome in
	n/a*)
		skip "${outcome#n/a }" "$name x $fault: n/a"
		nna=$((nna + 1))
		continue ;;
	esac
	count=1
	case $fault in *\*) count=100 ;; esac
	f=${fault%\*}
	target "$tgt"
	fault_json "$f"
	emu reset -X POST
	rm -rf "$AML_CONFIG_DIR"
	cp -a "$TMP/cfgsnap" "$AML_CONFIG_DIR"
	emu faults -d "{\"method\":\"$method\",\"path\":\"$path\",\"count\":$count,$fj}" >/dev/null
	if [ "$f" = slow ]; then prog "$name" -m 0.5 </dev/null; else prog "$name" </dev/null; fi
	left=$(emu faults | sed -n 's/^ *"count": *\([0-9]*\).*/\1/p')
	met=$((count - ${left:-0}))
	case $f:$tgt in slow:patch|slow:put|slow:delete|slow:regional) drain ;; esac
	why=
	[ "$met" -ge 1 ] || why="the fault was not met"
	[ -z "$why" ] && why=$(cfg_check "$name" "$outcome")
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
		*"{STILL}") re="${re%"{STILL}"}$STILL" ;;
		esac
		if [ -n "$why" ]; then
			ok 1 "$desc: fails cleanly"
			diag "$why"
		else
			expect_fail "$st" "^$(progname "$name"): $re" "$desc: fails cleanly (exit $st, one line)"
		fi
		nfail=$((nfail + 1)) ;;
	esac
done 3<"$TMP/table"

diag "fault table: $nok recovered, $nfail failed cleanly, $nna not applicable"
done_testing
