#!/bin/sh
# aml-get-deployment, aml-update-deployment, aml-new-deployment,
# aml-rm-deployment against the emulator's Azure Machine Learning: one
# deployment and lists; the update loop (get | export | patch-model |
# import | update) and what each refuses; waiting both ways (an
# operation to follow on a create, GETs of the deployment on an update),
# proven with holds; failed and canceled operations; -m; --no-wait; -c
# and --table; -s by name; what aml-rm-deployment prints; the errors of
# the resource provider, each one line.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10 AML_RETRY_MAX=1
# Retry-After 0 on 202s: the programs honour it, and the least the
# specification allows (10 s) would only make the test slow.
emu ml -d '{"retryAfter":0}' >/dev/null
ml_paths
E=$AML_DEMO_ENDPOINT
G="-g $AML_DEMO_RG -w $AML_DEMO_WORKSPACE"
DP=$W/onlineEndpoints/$E/deployments
MODEL1=$W/models/$AML_DEMO_MODEL/versions/1
run aml-login
expect_ok "signed in"

# log_count JQ-SELECT: how many logged requests match.
log_count() {
	emu requests | jq "[.[] | select($1)] | length"
}
# log_wait JQ-SELECT N: until N requests match (the emulator's state,
# polled; never a fixed pause); status 1 if they never do.
log_wait() {
	_i=0
	while [ "$(log_count "$1")" -lt "$2" ]; do
		_i=$((_i + 1))
		[ $_i -gt 1200 ] && return 1
		sleep 0.05
	done
}
# bg CMD...: in the background, its output in $TMP/bgout and bgerr.
bg() {
	"$@" >"$TMP/bgout" 2>"$TMP/bgerr" </dev/null &
	bgpid=$!
}
bg_wait() { rc=0; wait "$bgpid" || rc=$?; cp "$TMP/bgout" "$TMP/out"; cp "$TMP/bgerr" "$TMP/err"; }

# ---- get ----------------------------------------------------------------------
run aml-get-deployment $G -e "$E" -d blue
expect_ok "get one deployment"
is "$(jq -r '[.name, .properties.model, .properties.provisioningState] | join(" ")' "$TMP/out")" \
    "blue $MODEL1 Succeeded" "as Resource Manager has it"
jq --indent 2 . "$TMP/out" >"$TMP/jq"
same_file "$TMP/out" "$TMP/jq" "2-space indented"
run aml-get-deployment $G -e "$E" -d blue -c
is "$(wc -l <"$TMP/out" | tr -d ' ') $(jq -r .name "$TMP/out")" "1 blue" "-c: one line"
run aml-get-deployment $G -e "$E" -d blue -o "$TMP/blue.json"
is "$rc $(wc -c <"$TMP/out" | tr -d ' ') $(jq -r .name "$TMP/blue.json")" "0 0 blue" "-o: to the file, nothing on stdout"
run aml-get-deployment $G -e "$E" -d blue -o "$TMP/blue.json"
expect_fail 1 "^aml-get-deployment: $TMP/blue.json: file exists \\(use -f to replace it\\)\$" "-o refuses an existing file"
run aml-get-deployment $G -e "$E"
expect_ok "list the endpoint's deployments"
is "$(jq -r .name "$TMP/out")" blue "one per line"
is "$(grep -c '^{.*}$' "$TMP/out") $(wc -l <"$TMP/out" | tr -d ' ')" "1 1" "JSON Lines: a compact object a line"
cp "$TMP/out" "$TMP/list.jsonl"
run aml-get-deployment -c $G -e "$E"
same_file "$TMP/out" "$TMP/list.jsonl" "-c: a list is JSON Lines either way"

# --table: name, location, state, modified, aligned under a header.
DEPCOLS='[.name, .location, .properties.provisioningState, .systemData.lastModifiedAt] | map(. // "-") | @tsv'
run aml-get-deployment --table $G -e "$E"
expect_ok "--table"
{ printf 'NAME\tLOCATION\tSTATE\tMODIFIED\n'; jq -r "$DEPCOLS" "$TMP/list.jsonl"; } | tabulate >"$TMP/want"
same_file "$TMP/out" "$TMP/want" "a header and a row a deployment, two spaces apart"
run aml-get-deployment --table $G -e "$E" -d blue
same_file "$TMP/out" "$TMP/want" "--table with -d: the one row"
run aml-get-deployment --table $G -e "$E" -d blue -o "$TMP/blue.table"
is "$rc $(wc -c <"$TMP/out" | tr -d ' ')" "0 0" "--table -o: nothing on stdout"
same_file "$TMP/blue.table" "$TMP/want" "the table in the file"

# -s: the subscription's display name as well as its id.
subname=$(aml-login --list | jq -r .name)
emu requests -X DELETE
run env -u AZURE_SUBSCRIPTION_ID aml-get-deployment -c -s "$subname" $G -e "$E" -d blue
expect_ok "-s NAME"
is "$(emu requests | jq -r '.[] | .method + " " + (.path | sub("\\?.*"; ""))' | tr '\n' ,)" \
    "GET /subscriptions,GET $DP/blue," "the list of subscriptions, then the deployment in the one named"
run env -u AZURE_SUBSCRIPTION_ID aml-get-deployment -s "No Such Subscription" $G -e "$E" -d blue
expect_fail 1 '^aml-get-deployment: subscription No Such Subscription is not among the 1 this account can use$' \
    "-s: an unknown name"

# ---- the update loop ----------------------------------------------------------
aml-get-deployment $G -e "$E" -d blue | aml-export-deployment >"$TMP/blue.def"
aml-patch-model -q -u "azureml:$AML_DEMO_MODEL:1" "$TMP/blue.def" >"$TMP/same.def"
same_file "$TMP/same.def" "$TMP/blue.def" "(azureml:NAME:1 is the model it has, as an ARM id)"
# A second version of the model, to move to.
arm_at=$(arm_token)
curl -sS -X PUT "$AML_ARM_ENDPOINT$W/models/$AML_DEMO_MODEL/versions/2?$MV" -H "Authorization: Bearer $arm_at" \
    -H 'Content-Type: application/json' \
    --data "{\"properties\":{\"modelUri\":\"azureml://jobs/$AML_DEMO_JOB/outputs/model_output\"}}" >/dev/null
emu requests -X DELETE
run sh -c "aml-get-deployment $G -e $E -d blue | aml-export-deployment | aml-patch-model -u azureml:$AML_DEMO_MODEL:2 |
    aml-import-deployment | aml-update-deployment $G -e $E -d blue"
expect_ok "get | export | patch-model | import | update"
is "$(jq -r .properties.model "$TMP/out")" "$W/models/$AML_DEMO_MODEL/versions/2" "the deployment serves version 2"
is "$(jq -r .properties.provisioningState "$TMP/out")" Succeeded "printed once Succeeded"
is "$(tail -1 "$TMP/err")" "aml-update-deployment: $E/blue: model $MODEL1 -> $W/models/$AML_DEMO_MODEL/versions/2" \
    "says where the model went"
is "$(emu requests | jq -r '[.[] | select(.path | test("/deployments/blue")) | .method + " " + (.status | tostring)] | join(",")')" \
    "GET 200,GET 200,PUT 200,GET 200,GET 200" \
    "GET (get), GET (update looks first), PUT (200 Updating: no operation), GET until Succeeded, GET"
is "$(log_count '.method == "PATCH"')" 0 "no PATCH: it cannot change a model"

# Waiting on an update: a PUT answered 200 "Updating" is followed by
# GETs of the deployment until it says Succeeded.
hold deployment "$E/blue"
emu requests -X DELETE
bg aml-update-deployment $G -e "$E" -d blue "$TMP/blue.def"
log_wait '.method == "GET" and (.path | test("/deployments/blue"))' 4
ok $? "while the update is held, the deployment is polled"
kill -0 "$bgpid" 2>/dev/null
ok $? "and the program waits"
unhold
bg_wait
expect_ok "released: the update ends"
is "$(jq -r '.properties.model' "$TMP/out")" "$MODEL1" "back to version 1"

# --if-unmodified-since: the guard against undoing someone else's change.
mod=$(jq -r .systemData.lastModifiedAt "$TMP/out")
run aml-update-deployment $G -e "$E" -d blue --if-unmodified-since 2020-01-01T00:00:00Z "$TMP/blue.def"
expect_fail 1 "^aml-update-deployment: $E/blue: modified at $mod, after 2020-01-01T00:00:00Z \\(--if-unmodified-since\\); nothing sent: export it again and redo the change, or use --force\$" \
    "--if-unmodified-since before the last change: refused"
emu requests -X DELETE
run aml-update-deployment $G -e "$E" -d blue --if-unmodified-since "$mod" "$TMP/blue.def"
expect_ok "--if-unmodified-since the last change itself: sent"
run aml-update-deployment $G -e "$E" -d blue -f --if-unmodified-since 2020-01-01T00:00:00Z "$TMP/blue.def"
expect_ok "--force sends it all the same"
run aml-update-deployment $G -e "$E" -d blue --if-unmodified-since yesterday "$TMP/blue.def"
expect_usage "^aml-update-deployment: --if-unmodified-since yesterday: not an RFC 3339 time" "--if-unmodified-since takes RFC 3339"

# What update refuses, sending nothing.
emu requests -X DELETE
run aml-update-deployment $G -e "$E" -d green "$TMP/blue.def"
expect_fail 1 "^aml-update-deployment: GET /[^ ]+/deployments/green: HTTP 404 ResourceNotFound: The Resource '[^']+/deployments/green' under resource group '$AML_DEMO_RG' was not found\\. .*; nothing sent \\(create the deployment with aml-new-deployment\\)\$" \
    "an unknown deployment: refused, not created"
jq '.location = "westeurope"' "$TMP/blue.def" >"$TMP/moved.def"
run aml-update-deployment $G -e "$E" -d blue "$TMP/moved.def"
expect_fail 1 "^aml-update-deployment: $E/blue: location westeurope: the deployment is in southcentralus, and a location cannot change; nothing sent\$" \
    "another location: refused"
jq '.properties.endpointComputeType = "Serverless" | del(.location)' "$TMP/blue.def" >"$TMP/bad.def"
run aml-update-deployment $G -e "$E" -d blue "$TMP/bad.def"
expect_fail 1 "^aml-update-deployment: $TMP/bad.def: properties\\.endpointComputeType: \"Serverless\" is not one of Managed, Kubernetes, AzureMLCompute\$" \
    "an invalid definition: refused before anything is sent"
printf '{"properties": ' >"$TMP/trunc.def"
run aml-update-deployment $G -e "$E" -d blue "$TMP/trunc.def"
expect_fail 1 "^aml-update-deployment: $TMP/trunc.def:1:16: unexpected end of input, expected a JSON value\$" "not JSON"
is "$(log_count '.method == "PUT"')" 0 "(none of them sent a PUT)"
jq 'del(.location)' "$TMP/blue.def" >"$TMP/noloc.def"
run aml-update-deployment $G -e "$E" -d blue -c "$TMP/noloc.def"
expect_ok "a definition without location takes the deployment's"
is "$(wc -l <"$TMP/out" | tr -d ' ') $(jq -r .name "$TMP/out")" "1 blue" "-c: the deployment on one line"
aml-patch-model -q -u "azureml:$AML_DEMO_MODEL:9" "$TMP/blue.def" >"$TMP/v9.def"
run aml-update-deployment $G -e "$E" -d blue "$TMP/v9.def"
expect_fail 1 "^aml-update-deployment: PUT /[^ ]+/deployments/blue: HTTP 400 BadArgument: properties\\.model: model '$AML_DEMO_MODEL' has no version '9' in workspace '$AML_DEMO_WORKSPACE'\\. \\[request-id [0-9a-f-]+\\]\$" \
    "a model version that is not there: the resource provider's 400, one line"

aml-patch-model -q -u "azureml:nope:1" "$TMP/blue.def" >"$TMP/nope.def"
run aml-update-deployment $G -e "$E" -d blue "$TMP/nope.def"
expect_fail 1 "^aml-update-deployment: PUT /[^ ]+/deployments/blue: HTTP 400 BadArgument: properties\\.model: .*'nope'" \
    "a model that is not there: the resource provider's 400, one line"

# ---- create ---------------------------------------------------------------------
emu requests -X DELETE
run aml-new-deployment $G -e "$E" -d green "$TMP/blue.def"
expect_ok "create green from blue's definition"
is "$(jq -r '[.name, .properties.provisioningState] | join(" ")' "$TMP/out")" "green Succeeded" "printed once Succeeded"
is "$(emu requests | jq -r '[.[] | select(.path | test("/onlineEndpoints/")) | .method + " " + (.status | tostring) + " " + (.path | sub("^.*/onlineEndpoints/"; "") | sub("\\?.*"; ""))] | join(",")')" \
    "GET 200 $E,GET 404 $E/deployments/green,PUT 201 $E/deployments/green,GET 200 $E/deployments/green" \
    "the endpoint, then that there is no green, PUT (201), GET"
is "$(log_count '.path | test("/mfeOperationsStatus/")')" 1 "the operation of Azure-AsyncOperation was followed"
run aml-new-deployment $G -e "$E" -d green "$TMP/blue.def"
expect_fail 1 "^aml-new-deployment: $E/green: the deployment exists; nothing sent \\(use --force to replace it, or aml-update-deployment\\)\$" \
    "an existing deployment is not replaced"
run aml-new-deployment $G -e "$E" -d green -f -c "$TMP/blue.def"
expect_ok "--force replaces it"
is "$(wc -l <"$TMP/out" | tr -d ' ') $(jq -r .name "$TMP/out")" "1 green" "-c: on one line"
hold deployment "$E/held"
emu requests -X DELETE
bg aml-new-deployment $G -e "$E" -d held "$TMP/noloc.def"
log_wait '.path | test("/mfeOperationsStatus/")' 3
ok $? "while the create is held, its operation is polled"
kill -0 "$bgpid" 2>/dev/null
ok $? "and the program waits"
unhold
bg_wait
expect_ok "released: created (the endpoint's location, none in the definition)"
is "$(jq -r .location "$TMP/out")" southcentralus "in the endpoint's region"
run aml-new-deployment $G -e nope -d green "$TMP/blue.def"
expect_fail 1 "^aml-new-deployment: GET /[^ ]+/onlineEndpoints/nope: HTTP 404 ResourceNotFound: The Resource '[^']+/onlineEndpoints/nope' under resource group " \
    "an unknown endpoint: the resource provider's 404"
run aml-new-deployment $G -e "$E" -d "bad.name" "$TMP/blue.def"
expect_usage "^aml-new-deployment: -d bad\\.name: a name is 1 to 255 letters, digits, '-' and '_'" "a name the service refuses: a usage error"
run aml-new-deployment $G -e "$E" -d west -l westus "$TMP/blue.def"
is "$rc $(jq -r .location "$TMP/out")" "0 westus" "-l wins over the definition's location"

# ---- operations that fail ---------------------------------------------------------
emu faults -d '{"method":"PUT","path":"*/deployments/red","lro":"Failed","code":"ImageBuildFailure","message":"The image could not be built."}' >/dev/null
run aml-new-deployment $G -e "$E" -d red "$TMP/blue.def"
expect_fail 1 "^aml-new-deployment: PUT /[^ ]+/deployments/red: operation Failed: ImageBuildFailure: The image could not be built\\. \\[request-id [0-9a-f-]+\\]\$" \
    "a create that fails: the operation's error"
emu faults -d '{"method":"PUT","path":"*/deployments/red","lro":"Canceled"}' >/dev/null
run aml-new-deployment $G -e "$E" -d red -f "$TMP/blue.def"
expect_fail 1 "^aml-new-deployment: PUT /[^ ]+/deployments/red: provisioningState Canceled, without saying why: look with aml-get-deployment -g $AML_DEMO_RG -w $AML_DEMO_WORKSPACE -e $E -d red \\[request-id [0-9a-f-]+\\]\$" \
    "an update (200, no operation) canceled: the deployment says so"
emu faults -d '{"method":"PUT","path":"*/deployments/blue","lro":"Failed"}' >/dev/null
run aml-update-deployment $G -e "$E" -d blue "$TMP/blue.def"
expect_fail 1 "^aml-update-deployment: PUT /[^ ]+/deployments/blue: provisioningState Failed, without saying why: look with aml-get-deployment " \
    "an update that fails"
emu faults -d '{"method":"PUT","path":"*/deployments/blue","lroLocationOnly":true,"lroRetryAfter":0}' >/dev/null
emu requests -X DELETE
run aml-update-deployment $G -e "$E" -d blue "$TMP/blue.def"
expect_ok "an update announced by Location (200 and Location)"
is "$(log_count '.path | test("/mfeOperationResults/")')" 1 "Location was followed"

# ---- -m and --no-wait ------------------------------------------------------------
hold deployment "$E/blue"
run aml-update-deployment $G -e "$E" -d blue -m 1 "$TMP/blue.def"
expect_fail 1 "^aml-update-deployment: PUT /[^ ]+/deployments/blue: operation still Updating at the time limit \\(-m 1 s\\); the operation may still complete: check with aml-get-deployment -g $AML_DEMO_RG -w $AML_DEMO_WORKSPACE -e $E -d blue \\[request-id [0-9a-f-]+\\]\$" \
    "-m: an update still running at the limit"
unhold
run aml-update-deployment $G -e "$E" -d blue --no-wait "$TMP/blue.def"
expect_ok "--no-wait"
is "$(jq -c '[.status, .operation, .response.properties.provisioningState]' "$TMP/out")" '[200,null,"Updating"]' \
    "the first answer: 200, no operation, Updating"
run aml-new-deployment $G -e "$E" -d nowait --no-wait "$TMP/blue.def"
like "$(jq -r '[.status, .operation] | join(" ")' "$TMP/out")" '^201 .*/mfeOperationsStatus/' "--no-wait on a create: 201 and the operation"

# ---- remove ------------------------------------------------------------------------
aml-traffic -q $G -e "$E" blue=90 green=10 >/dev/null
run aml-rm-deployment $G -e "$E" -d green
expect_fail 1 "^aml-rm-deployment: DELETE /[^ ]+/deployments/green: HTTP 409 Conflict: Deployment 'green' takes 10% of the traffic" \
    "a deployment that takes traffic is not removed"
aml-traffic -q $G -e "$E" blue=100 >/dev/null
hold deployment "$E/green"
emu requests -X DELETE
bg aml-rm-deployment $G -e "$E" -d green
log_wait '.path | test("/mfeOperationResults/")' 2
ok $? "while the delete is held, its Location is polled"
unhold
bg_wait
expect_ok "then removed"
printf '{\n  "id": "%s",\n  "name": "green",\n  "deleted": true\n}\n' "$DP/green" >"$TMP/want"
same_file "$TMP/out" "$TMP/want" "says what it removed: its id and name, 2-space JSON"
run aml-get-deployment $G -e "$E" -d green
expect_fail 1 "HTTP 404 ResourceNotFound" "it is gone"
run aml-rm-deployment -c $G -e "$E" -d green
expect_ok "removing it again: no error"
like "$(cat "$TMP/err")" "^aml-rm-deployment: warning: GET /[^ ]+/deployments/green: HTTP 404 ResourceNotFound: .*; nothing to remove\$" \
    "but a warning"
is "$(cat "$TMP/out")" "{\"id\":\"$DP/green\",\"name\":\"green\",\"deleted\":false}" \
    "and deleted false (-c: on one line)"
run aml-rm-deployment -q $G -e "$E" -d green
is "$rc $(cat "$TMP/err")$(jq -r .deleted "$TMP/out")" "0 false" "-q: no warning; the JSON says it"
emu faults -d '{"method":"DELETE","path":"*/deployments/red","lro":"Failed","code":"InternalServerError","message":"Injected failure."}' >/dev/null
run aml-rm-deployment $G -e "$E" -d red
expect_fail 1 "^aml-rm-deployment: DELETE /[^ ]+/deployments/red: operation Failed: InternalServerError: Injected failure\\. \\[request-id [0-9a-f-]+\\]\$" \
    "a delete that fails: the error its Location answers"
run aml-rm-deployment $G -e "$E" -d red --no-wait
like "$(jq -r '[.status, .operation] | join(" ")' "$TMP/out")" '^202 .*/mfeOperationResults/' "--no-wait: 202 and its Location"

# ---- the resource provider's errors ------------------------------------------------
run aml-get-deployment $G -e "$E" -d nope
expect_fail 1 "^aml-get-deployment: GET /[^ ]+/deployments/nope: HTTP 404 ResourceNotFound: The Resource 'Microsoft\\.MachineLearningServices/workspaces/$AML_DEMO_WORKSPACE/onlineEndpoints/$E/deployments/nope' under resource group '$AML_DEMO_RG' was not found\\. " \
    "an unknown deployment"
run aml-get-deployment $G -e nope
expect_fail 1 "^aml-get-deployment: GET /[^ ]+/onlineEndpoints/nope/deployments: HTTP 404 ResourceNotFound: " "an unknown endpoint"
run aml-get-deployment -g "$AML_DEMO_RG" -w nope -e "$E" -d blue
expect_fail 1 "HTTP 404 ResourceNotFound: The Resource 'Microsoft\\.MachineLearningServices/workspaces/nope' under resource group" \
    "an unknown workspace"
run aml-get-deployment -g nope -w "$AML_DEMO_WORKSPACE" -e "$E" -d blue
expect_fail 1 "HTTP 404 ResourceGroupNotFound: " "an unknown resource group"
run aml-get-deployment $G -e "$E" -d blue --api-version 2021-01-01
expect_fail 1 "HTTP 400 NoRegisteredProviderFound: No registered resource provider found for location" \
    "an api-version the provider does not have: its 400"
emu requests -X DELETE
run aml-get-deployment $G -e "$E" -d blue --api-version 2023-04-01-preview
expect_ok "--api-version 2023-04-01-preview"
like "$(emu requests | jq -r '.[0].path')" 'api-version=2023-04-01-preview$' "is sent"
emu config -d '{"pageSize":1}' >/dev/null
run aml-get-deployment $G -e "$E"
is "$rc $(jq -r .name "$TMP/out" | tr '\n' ' ')" "0 blue held west nowait " "a list over pages, one per line"
emu config -d '{"pageSize":100}' >/dev/null

# ---- usage ---------------------------------------------------------------------------
for c in "aml-get-deployment -w x -e y|-g is required" "aml-get-deployment -g x -e y|-w is required" \
    "aml-get-deployment -g x -w y|-e is required" "aml-update-deployment -g x -w y -e z|-d is required" \
    "aml-new-deployment -g x -w y -e z|-d is required" "aml-rm-deployment -g x -w y -d z|-e is required" \
    "aml-get-deployment -g x -w y -e z -d ''|-d: empty" \
    "aml-get-deployment -g x -w y -e z --api-version 2024|--api-version 2024: not an api-version \\(2024-04-01, or 2024-04-01-preview\\)" \
    "aml-rm-deployment -g x -w y -e z -d d -m abc|-m abc: not a duration" \
    "aml-get-deployment -g x -w y -e z extra|usage: aml-get-deployment"; do
	eval "run ${c%%|*} </dev/null"
	expect_usage "${c#*|}" "${c%%|*}: a usage error"
done
for p in aml-get-deployment aml-update-deployment aml-new-deployment aml-rm-deployment; do
	run $p --help
	like "$rc $(head -1 "$TMP/out")" "^0 usage: $p" "$p --help"
	run $p -V
	like "$rc $(cat "$TMP/out")" "^0 $p [0-9]" "$p -V"
done

done_testing
