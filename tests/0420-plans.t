#!/bin/sh
# The commitment plan programs against the emulator: aml-get-plan (one,
# a group's, the subscription's, every page), aml-new-plan (and its
# refusal to replace), aml-update-plan, aml-rm-plan (and the plan with
# associations), aml-plan-usage, aml-get-association,
# aml-move-association, aml-new-ws --plan; --id; -s by name; -c (one
# line) and --table (aligned columns under a header) on the lists and
# single plans; what aml-rm-plan prints; the failures a user meets
# (unknown plan, bad SKU or capacity, unknown destination, 401, 429,
# 5xx, dropped connections, -m) and usage errors.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 50
export AML_POLL_MS=10 AML_RETRY_BASE_MS=10 AML_RETRY_MAX=1
SUB=$AZURE_SUBSCRIPTION_ID
RG=$AML_DEMO_RG
PLAN=$AML_DEMO_PLAN
PROV=/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/commitmentPlans
PP=$PROV/$PLAN
VP=api-version=2016-05-01-preview
RID='\[request-id [0-9a-f-]+\]'

run env -u AZURE_CLIENT_SECRET aml-get-plan -g "$RG" -n "$PLAN"
expect_fail 3 '^aml-get-plan: not signed in \(run aml-login\)$' "not signed in: exit 3"
run aml-login
expect_ok "signed in"

# ---- aml-get-plan ------------------------------------------------------

# The seeded plan's running period uses transactions as the emulator's
# clock moves: the clock stands still (clock_stop) while two reads of a
# plan are compared, byte for byte.
clock_stop
emu requests -X DELETE
run aml-get-plan -g "$RG" -n "$PLAN"
expect_ok "aml-get-plan -g -n"
is "$(emu requests | jq -r '.[] | "\(.method) \(.path)"')" "GET $PP?$VP" "one GET, api-version 2016-05-01-preview"
is "$(jq -r '.name + " " + .sku.name' "$TMP/out")" "$PLAN S1" "the seeded plan"
is "$(sed -n 2p "$TMP/out")" '  "etag": "'"$(jq -r .etag "$TMP/out")"'",' "2-space JSON"
grep -q '"allowance": 25.0,' "$TMP/out"
ok $? "numbers as the service wrote them (25.0)"
cp "$TMP/out" "$TMP/plan.json"
run aml-get-plan -c -g "$RG" -n "$PLAN"
jq -S . "$TMP/out" >"$TMP/c.json"
is "$(wc -l <"$TMP/out" | tr -d ' ') $(jq -S . "$TMP/plan.json" | cmp -s - "$TMP/c.json" && echo same)" "1 same" \
    "-c: the same object on one line"
run aml-get-plan --id "$(jq -r .id "$TMP/plan.json" | sed 's/commitmentPlans/commitmentplans/')"
expect_ok "--id, segment names in any case"
same_file "$TMP/out" "$TMP/plan.json" "the same plan"
clock_run

# --table: the plan's row under a header, aligned: name, location, SKU,
# capacity, creation time.
PLANCOLS='[.name, .location, .sku.name, .sku.capacity, .properties.creationDate] | map(. // "-" | tostring) | @tsv'
run aml-get-plan --table -g "$RG" -n "$PLAN"
expect_ok "aml-get-plan --table -n"
{ printf 'NAME\tLOCATION\tSKU\tCAPACITY\tCREATED\n'; jq -r "$PLANCOLS" "$TMP/plan.json"; } | tabulate >"$TMP/want"
same_file "$TMP/out" "$TMP/want" "a header and the plan's row, columns two spaces apart"

# -s: a subscription's display name as well as its id.
subname=$(aml-login --list | jq -r .name)
emu requests -X DELETE
run env -u AZURE_SUBSCRIPTION_ID aml-get-plan -s "$subname" -g "$RG" -n "$PLAN"
expect_ok "-s NAME"
is "$(emu requests | jq -r '.[] | .method + " " + (.path | sub("\\?.*"; ""))' | tr '\n' ,)" \
    "GET /subscriptions,GET $PP," "the list of subscriptions, then the plan in the one named"
run env -u AZURE_SUBSCRIPTION_ID aml-get-plan -s "No Such Subscription" -g "$RG" -n "$PLAN"
expect_fail 1 '^aml-get-plan: subscription No Such Subscription is not among the 1 this account can use$' \
    "-s: an unknown name"

for i in 1 2 3 4 5; do
	run aml-new-plan -g "$RG" -n "p$i" -l southcentralus --sku DevTest
	expect_ok "plan p$i made"
done
emu config -d '{"pageSize":2}' >/dev/null
clock_stop
emu requests -X DELETE
run aml-get-plan -g "$RG"
expect_ok "aml-get-plan -g: the group's plans"
is "$(jq -r .name "$TMP/out" | sort | tr '\n' ' ')" "$PLAN p1 p2 p3 p4 p5 " "six plans, one a line"
is "$(jq -c 'select(type != "object")' "$TMP/out")$(grep -cv '^{".*}$' "$TMP/out")" 0 \
    "JSON Lines: a compact object a line"
is "$(emu requests | jq length)" 3 "three pages"
like "$(emu requests | jq -r '.[1].path')" '%24skipToken=' "nextLink followed"
cp "$TMP/out" "$TMP/plans.jsonl"
run aml-get-plan -c -g "$RG"
same_file "$TMP/out" "$TMP/plans.jsonl" "-c: a list is JSON Lines either way"
clock_run
run aml-get-plan --table -g "$RG"
expect_ok "aml-get-plan --table -g: every page"
{ printf 'NAME\tLOCATION\tSKU\tCAPACITY\tCREATED\n'; jq -r "$PLANCOLS" "$TMP/plans.jsonl"; } | tabulate >"$TMP/want"
same_file "$TMP/out" "$TMP/want" "a header and a row a plan, in the list's order, aligned"
run aml-get-plan
expect_ok "aml-get-plan alone: the subscription's"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 6 "six lines"
emu config -d '{"pageSize":100}' >/dev/null
emu faults -d '{"method":"GET","path":"*/commitmentPlans","status":500,"count":9}' >/dev/null
run aml-get-plan -q -g "$RG"
expect_fail 1 "^aml-get-plan: GET $PROV: HTTP 500 " "a list that fails: nothing on stdout"
emu faults -X DELETE

run aml-get-plan -g "$RG" -n nosuch
expect_fail 1 "^aml-get-plan: GET $PROV/nosuch: HTTP 404 ResourceNotFound: The Resource 'Microsoft\\.MachineLearning/commitmentPlans/nosuch' under resource group '$RG' was not found\\. $RID\$" \
    "an unknown plan"
run aml-get-plan -g nosuchgroup
expect_fail 1 "HTTP 404 ResourceGroupNotFound: " "an unknown resource group"

# ---- aml-new-plan ------------------------------------------------------

emu requests -X DELETE
run aml-new-plan -g "$RG" -n fresh -l southcentralus --sku S2 --capacity 2 --tag env=test --tag team=ml
expect_ok "aml-new-plan"
is "$(jq -c '[.name, .location, .sku, .tags]' "$TMP/out")" \
    '["fresh","southcentralus",{"capacity":2,"name":"S2","tier":"Standard"},{"env":"test","team":"ml"}]' \
    "the plan as asked (tier Standard by default)"
is "$(emu requests | jq -r '.[] | "\(.method) \(.status)"' | sort | tr '\n' ' ')" "GET 200 GET 404 PUT 200 " \
    "looked up (404), PUT, read again"
run aml-new-plan -g "$RG" -n fresh -l southcentralus --sku S1
expect_fail 1 "^aml-new-plan: $RG/fresh: the commitment plan exists; nothing sent \\(use --force to replace it\\)\$" \
    "an existing plan is not replaced"
run aml-new-plan -f -c -g "$RG" -n fresh -l southcentralus --sku S1 --tier standard
expect_ok "-f replaces it"
is "$(jq -c '[.sku.name, .tags]' "$TMP/out")" '["S1",{}]' "with the new SKU, and no tags"
run aml-new-plan -g "$RG" -n bad -l southcentralus --sku S9
expect_fail 1 "^aml-new-plan: PUT $PROV/bad: HTTP 400 BadRequest: .*\\(InvalidSku\\) $RID\$" "an unknown SKU"
run aml-new-plan -g "$RG" -n bad -l southcentralus --sku S1 --capacity 11
expect_fail 1 "^aml-new-plan: PUT $PROV/bad: HTTP 400 BadRequest: .*\\(InvalidSkuCapacity\\) $RID\$" \
    "a capacity beyond the SKU's"
run aml-new-plan -g "$RG" -n bad -l nowhere --sku S1
expect_fail 1 "^aml-new-plan: PUT $PROV/bad: HTTP 400 LocationNotAvailableForResourceType: " "an unknown location"
for c in 0 -1 1.5 x ''; do
	run aml-new-plan -g "$RG" -n bad -l southcentralus --sku S1 --capacity "$c"
	expect_usage "^aml-new-plan: --capacity $c: a whole number of at least 1\$" "--capacity '$c'"
done
run aml-new-plan -g "$RG" -n bad --sku S1
expect_usage '^aml-new-plan: no --location: where the plan is$' "no -l"
run aml-new-plan -g "$RG" -n bad -l southcentralus
expect_usage '^aml-new-plan: no --sku: ' "no --sku"
run aml-new-plan -g "$RG" -l southcentralus --sku S1
expect_usage '^aml-new-plan: no --name: name the commitment plan with -g and -n, or --id$' "no -n"
run aml-new-plan -n x -l southcentralus --sku S1
expect_usage '^aml-new-plan: --name needs --resource-group$' "no -g"
run aml-new-plan -g "$RG" -n x -l southcentralus --sku S1 --tag novalue
expect_usage '^aml-new-plan: --tag novalue: not KEY=VALUE$' "a tag without ="

# ---- aml-update-plan ---------------------------------------------------

emu requests -X DELETE
run aml-update-plan -g "$RG" -n fresh --capacity 3
expect_ok "aml-update-plan --capacity alone"
is "$(jq -c .sku "$TMP/out")" '{"capacity":3,"name":"S1","tier":"Standard"}' "the rest of the SKU kept"
is "$(emu requests | jq -r '.[] | .method' | sort | tr '\n' ' ')" "GET GET PATCH " "the SKU read, PATCH, read again"
run aml-update-plan -c -g "$RG" -n fresh --sku S2 --tag a=b
expect_ok "--sku and --tag"
is "$(jq -c '[.sku, .tags]' "$TMP/out")" '[{"capacity":3,"name":"S2","tier":"Standard"},{"a":"b"}]' \
    "the new SKU, the tags replaced"
is "$(jq -r '.properties.includedQuantities.machineLearningWebServiceComputeHours.allowance' "$TMP/out")" 500 \
    "S2's included hours"
run aml-update-plan -g "$RG" -n fresh --capacity 20
expect_fail 1 "^aml-update-plan: PATCH $PROV/fresh: HTTP 400 BadRequest: .*\\(InvalidSkuCapacity\\) $RID\$" "a bad capacity"
run aml-update-plan -g "$RG" -n fresh --sku S7 --tier Standard
expect_fail 1 "^aml-update-plan: PATCH $PROV/fresh: HTTP 400 BadRequest: .*\\(InvalidSku\\) $RID\$" "a bad SKU"
run aml-update-plan -g "$RG" -n nosuch --tag a=b
expect_fail 1 "^aml-update-plan: PATCH $PROV/nosuch: HTTP 404 ResourceNotFound: " "an unknown plan"
run aml-update-plan -g "$RG" -n nosuch --capacity 2
expect_fail 1 "^aml-update-plan: GET $PROV/nosuch: HTTP 404 ResourceNotFound: " "an unknown plan, read first"
run aml-update-plan -g "$RG" -n fresh
expect_usage '^aml-update-plan: nothing to change: give --sku, --tier, --capacity or --tag$' "nothing to change"

# ---- associations ------------------------------------------------------

run aml-get-association -g "$RG" --plan "$PLAN"
expect_ok "aml-get-association: the plan's list"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 1 "one association"
A=$(jq -r .name "$TMP/out")
WSID=$(jq -r .properties.associatedResourceId "$TMP/out")
like "$WSID" "/webServices/$AML_DEMO_WS\$" "the demo web service's"
run aml-get-association -g "$RG" --plan "$PLAN" -n "$A"
expect_ok "one association"
is "$(jq -r .name "$TMP/out") $(sed -n 2p "$TMP/out" | cut -c1-9)" "$A   \"etag\":" "2-space JSON"
AID=$(jq -r .id "$TMP/out")
cp "$TMP/out" "$TMP/assoc.json"
run aml-get-association -g "$RG" --plan "$PLAN" --table
expect_ok "aml-get-association --table"
{ printf 'NAME\tLOCATION\tWEB SERVICE\tCREATED\n'
  jq -r '[.name, .location, (.properties.associatedResourceId | sub(".*/"; "")), .properties.creationDate] | @tsv' "$TMP/assoc.json"; } |
    tabulate >"$TMP/want"
same_file "$TMP/out" "$TMP/want" "name, location, the web service's name, creation time"
like "$(sed -n 2p "$TMP/out")" "  $AML_DEMO_WS  " "(the web service by its name)"
run aml-get-association -g "$RG" --plan "$PLAN" -n "$A" --table
same_file "$TMP/out" "$TMP/want" "--table with one association: the same row"
run aml-get-association -c --id "$AID"
expect_ok "--id"
is "$(jq -r .id "$TMP/out")" "$AID" "the same association"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 1 "-c: on one line"
run aml-get-association --plan "$PP" -n "$A" -c
expect_ok "--plan as a plan id"
run aml-get-association -g "$RG" --plan "$PLAN" -n nosuch
expect_fail 1 "^aml-get-association: GET $PP/commitmentAssociations/nosuch: HTTP 404 " "an unknown association"
run aml-get-association -g "$RG" --plan nosuch
expect_fail 1 "^aml-get-association: GET $PROV/nosuch/commitmentAssociations: HTTP 404 " "the associations of an unknown plan"
run aml-get-association -g "$RG" -n "$A"
expect_usage '^aml-get-association: no --plan: name the commitment plan with -g and --plan$' "no --plan"
run aml-get-association --plan "$PLAN"
expect_usage '^aml-get-association: no --resource-group: ' "no -g"
run aml-get-association --id "$PP"
expect_usage '^aml-get-association: --id [^ ]+: not a commitment association id, ' "--id of a plan"
run aml-get-association --id "$AID" -g "$RG"
expect_usage '^aml-get-association: --id names the commitment association: leave out -g, --plan, -n and -s$' "--id with -g"
run aml-get-association -g other --plan "$PP"
expect_usage "^aml-get-association: --plan $PP: another resource group or subscription than -g or -s\$" \
    "--plan id against -g"
run env -u AZURE_SUBSCRIPTION_ID aml-get-association -s "$subname" --plan "$PP" -n "$A" -c
expect_ok "--plan id with -s naming its subscription by display name"
emu subscriptions -d '{"displayName":"Elsewhere"}' >/dev/null
run env -u AZURE_SUBSCRIPTION_ID aml-get-association -s Elsewhere --plan "$PP" -n "$A"
expect_usage "^aml-get-association: --plan $PP: another resource group or subscription than -g or -s\$" \
    "--plan id against -s naming another subscription"

# A plan with an association is not removed.
emu requests -X DELETE
run aml-rm-plan -g "$RG" -n "$PLAN"
expect_fail 1 "^aml-rm-plan: DELETE $PP: HTTP 409 Conflict: .*\\(CommitmentPlanHasAssociations\\) $RID; the plan still has commitment associations, and the service removes no plan that has: list them with aml-get-association -g $RG --plan $PLAN, move them with aml-move-association or remove their web services\$" \
    "a plan with associations: the service's refusal, said clearly"

run aml-move-association -g "$RG" --plan "$PLAN" -n "$A" --to nosuch
expect_fail 1 "^aml-move-association: POST $PP/commitmentAssociations/$A/move: HTTP 400 BadRequest: .*\\(DestinationPlanNotFound\\) $RID\$" \
    "move to an unknown plan"
run aml-move-association -g "$RG" --plan "$PLAN" -n "$A" --to "$PLAN"
expect_fail 1 "\\(SameCommitmentPlan\\) $RID\$" "move to its own plan"
emu requests -X DELETE
run aml-move-association -g "$RG" --plan "$PLAN" -n "$A" --to fresh
expect_ok "move to a plan named in the same group"
is "$(jq -r .properties.commitmentPlanId "$TMP/out")" "$PROV/fresh" "the association is under the new plan"
is "$(jq -r .name "$TMP/out")" "$A" "with its name"
is "$(emu requests | jq -r '.[] | "\(.method) \(.path)"')" "POST $PP/commitmentAssociations/$A/move?$VP" "one POST"
run aml-move-association -c --id "$PROV/fresh/commitmentAssociations/$A" --to "$PP"
expect_ok "back, by --id and --to PLAN-ID"
is "$(wc -l <"$TMP/out" | tr -d ' ') $(jq -r .properties.commitmentPlanId "$TMP/out")" "1 $PP" "-c: one line"
run aml-move-association -g "$RG" --plan "$PLAN" -n "$A"
expect_usage '^aml-move-association: no --to: the plan to move the association to$' "no --to"
run aml-move-association -g "$RG" --plan "$PLAN" -n "$A" --to a/b
expect_usage '^aml-move-association: --to a/b: neither a plan.s name nor its id$' "--to neither"
run aml-move-association -g "$RG" --plan "$PLAN" --to fresh
expect_usage '^aml-move-association: no --name: name the commitment association with -n, or --id$' "no -n"

# ---- aml-plan-usage ----------------------------------------------------

# The running period's usage grows with the clock: it stands still while
# the reads below are compared.
clock_stop
run aml-plan-usage -g "$RG" -n "$PLAN"
expect_ok "aml-plan-usage"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 3 "three refill periods, one a line"
is "$(jq -r .usageDate "$TMP/out" | sort -c && echo sorted)" sorted "oldest first"
like "$(head -1 "$TMP/out" | jq -c 'keys')" 'planQuantitiesAfterUsage' "PlanUsageHistory objects"
cp "$TMP/out" "$TMP/usage.jsonl"
run aml-plan-usage -c -g "$RG" -n "$PLAN"
same_file "$TMP/out" "$TMP/usage.jsonl" "-c: JSON Lines either way"
run aml-plan-usage --table -g "$RG" -n "$PLAN"
expect_ok "aml-plan-usage --table"
is "$(head -1 "$TMP/out" | untable)" "$(printf 'DATE\tHOURS\tTRANSACTIONS\tOVERAGE HOURS\tOVERAGE TRANSACTIONS')" \
    "the header"
untable <"$TMP/out" | tabulate >"$TMP/want"
same_file "$TMP/out" "$TMP/want" "aligned: each column as wide as its widest cell, two spaces apart"
H=machineLearningWebServiceComputeHours C=machineLearningWebServiceTransactions
jq -r --arg h "$H" --arg c "$C" '[.usageDate, .usage[$h], .usage[$c], .planUsageOverage[$h], .planUsageOverage[$c]] | @tsv' \
    "$TMP/usage.jsonl" >"$TMP/want"
sed 1d "$TMP/out" | untable | paste - "$TMP/want" |
    awk -F'\t' '$1 != $6 || $2 != $7 || $3 != $8 || $4 != $9 || $5 != $10 { bad = bad " " NR }
	END { print "[" bad "]" }' >"$TMP/cmp"
is "$(cat "$TMP/cmp") $(sed 1d "$TMP/out" | wc -l | tr -d ' ')" "[] 3" \
    "a row a period: its date, the hours and transactions used and beyond the plan"
clock_run
emu config -d '{"pageSize":1}' >/dev/null
emu requests -X DELETE
run aml-plan-usage -i "$PP"
expect_ok "every page"
is "$(wc -l <"$TMP/out" | tr -d ' ') $(emu requests | jq length)" "3 3" "three pages of one"
emu config -d '{"pageSize":100}' >/dev/null
run aml-plan-usage -g "$RG" -n nosuch
expect_fail 1 "^aml-plan-usage: GET $PROV/nosuch/usageHistory: HTTP 404 " "an unknown plan"
run aml-plan-usage -g "$RG"
expect_usage '^aml-plan-usage: no --name: name the commitment plan with -g and -n, or --id$' "no -n"

# ---- aml-rm-plan -------------------------------------------------------

emu requests -X DELETE
run aml-rm-plan -g "$RG" -n p1
expect_ok "aml-rm-plan"
printf '{\n  "id": "%s",\n  "name": "p1",\n  "deleted": true\n}\n' "$PROV/p1" >"$TMP/want"
same_file "$TMP/out" "$TMP/want" "says what it removed: its id and name, 2-space JSON"
is "$(emu requests | jq -r '.[] | "\(.method) \(.status)"')" "DELETE 200" "one DELETE"
run aml-rm-plan -g "$RG" -n p1
expect_fail 1 "^aml-rm-plan: $RG/p1: no such commitment plan \\(HTTP 204\\); nothing removed\$" "a plan that is not there"
run aml-rm-plan -c --id "$PROV/p2"
expect_ok "--id"
is "$(cat "$TMP/out")" "{\"id\":\"$PROV/p2\",\"name\":\"p2\",\"deleted\":true}" "-c: on one line"
run aml-rm-plan -i "$PROV/p2/commitmentAssociations/x"
expect_usage '^aml-rm-plan: --id [^ ]+: not a commitment plan id, ' "--id of an association"

# ---- aml-new-ws --plan ------------------------------------------------

aml-get-ws -g "$RG" -n "$AML_DEMO_WS" | aml-export-ws >"$TMP/def.json"
run aml-new-ws -g "$RG" -n billed -l southcentralus --plan p3 "$TMP/def.json"
expect_ok "aml-new-ws --plan NAME"
run aml-get-association -g "$RG" --plan p3
is "$(jq -r .properties.associatedResourceId "$TMP/out")" "${WSID%/*}/billed" "the service is associated with the plan"
run aml-new-ws -g "$RG" -n billed2 -l southcentralus --plan "$PROV/p4" "$TMP/def.json"
expect_ok "--plan PLAN-ID"
run aml-get-association -g "$RG" --plan p4
is "$(jq -r .properties.associatedResourceId "$TMP/out")" "${WSID%/*}/billed2" "with that plan"
jq --arg id "$(printf '%s' "$PROV/p5" | tr a-z A-Z)" '.properties.commitmentPlan = {id: $id}' "$TMP/def.json" >"$TMP/p5.json"
run aml-new-ws -g "$RG" -n billed3 -l southcentralus --plan p5 "$TMP/p5.json"
expect_ok "a definition that names the same plan (ids in any case)"
run aml-new-ws -g "$RG" -n billed4 -l southcentralus --plan p4 "$TMP/p5.json"
expect_usage "^aml-new-ws: --plan p4: the definition \\($TMP/p5\\.json\\) has commitmentPlan [^ ]+/P5; a service's plan never changes, so give one of them\$" \
    "a definition that names another plan"
run aml-new-ws -q -g "$RG" -n billed4 -l southcentralus --plan nosuch "$TMP/def.json"
expect_fail 1 "\\(CommitmentPlanNotFound\\) $RID\$" "an unknown plan: the service refuses"
run aml-new-ws -g "$RG" -n billed4 -l southcentralus --plan /x "$TMP/def.json"
expect_usage '^aml-new-ws: --plan /x: not a commitment plan id, ' "--plan that is neither"

# ---- what every one of them meets ------------------------------------

emu faults -d '{"method":"GET","path":"*/commitmentPlans/*","status":503,"count":1}' >/dev/null
run aml-get-plan -q -g "$RG" -n "$PLAN"
expect_ok "a 503: repeated"
emu faults -X DELETE
emu faults -d '{"method":"PUT","path":"*/commitmentPlans/*","status":429,"retryAfter":0,"count":1}' >/dev/null
run aml-new-plan -q -g "$RG" -n p6 -l southcentralus --sku S1
expect_ok "a 429 on PUT: repeated"
emu faults -X DELETE
emu faults -d '{"method":"PATCH","path":"*/commitmentPlans/*","status":500,"count":1}' >/dev/null
run aml-update-plan -q -g "$RG" -n p6 --tag x=y
expect_fail 1 "^aml-update-plan: PATCH $PROV/p6: HTTP 500 " "a 500 on PATCH: not repeated"
emu faults -X DELETE
emu faults -d '{"method":"DELETE","path":"*/commitmentPlans/*","drop":"after-body","count":9}' >/dev/null
run aml-rm-plan -q -g "$RG" -n p6
expect_fail 1 "^aml-rm-plan: DELETE $PROV/p6: .*; the request reached the server, so it may have taken effect: check with aml-get-plan -g $RG -n p6\$" \
    "a dropped DELETE: may have taken effect"
emu faults -X DELETE
emu faults -d '{"method":"POST","path":"*/move","drop":"after-body","count":9}' >/dev/null
run aml-move-association -q -g "$RG" --plan "$PLAN" -n "$A" --to p6
expect_fail 1 "may have taken effect: check with aml-get-association -g $RG --plan $PLAN -n $A\$" \
    "a dropped move: may have taken effect"
emu faults -X DELETE
emu faults -d '{"method":"GET","path":"*/usageHistory","delayMs":60000,"count":9}' >/dev/null
run aml-plan-usage -q -m 2 -g "$RG" -n "$PLAN"
expect_fail 1 "^aml-plan-usage: GET $PP/usageHistory: " "-m: the whole program's limit"
emu faults -X DELETE
emu faults -d '{"method":"GET","path":"*/commitmentPlans","status":401,"count":9}' >/dev/null
run aml-get-plan -q -g "$RG"
expect_fail 3 "^aml-get-plan: GET $PROV: HTTP 401 " "a token refused: exit 3"
emu faults -X DELETE

for p in aml-get-plan aml-new-plan aml-update-plan aml-rm-plan aml-plan-usage aml-get-association \
    aml-move-association; do
	run "$p" --help
	is "$rc $(head -c 6 "$TMP/out")" "0 usage:" "$p --help"
	run "$p" -V
	like "$(cat "$TMP/out")" "^$p [0-9]" "$p -V"
	run "$p" -g "$RG" -n x --id "$PP" --plan "$PLAN"
	is "$rc $(wc -c <"$TMP/out" | tr -d ' ')" "2 0" "$p: a usage error"
	run "$p" -m 0 -g "$RG" -n x
	expect_usage "^$p: -m 0: not a duration " "$p: a bad -m"
	run "$p" -g "$RG" -n x extra
	expect_usage "^usage: $p " "$p: an operand"
done

done_testing
