#!/bin/sh
# aml-emulator: commitment plans (Microsoft.MachineLearning/commitmentPlans,
# 2016-05-01-preview).  The recorded PowerShell exchanges replayed byte for
# byte (but the etag, creationDate and subscription); every route; the
# checks and their codes; paging; SKUs; usage history over refill
# periods (the clock moved with clockSkew); associations made and ended by
# webServices PUT and DELETE, moved between plans, and the plan DELETE
# they block; faults; reset.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 0
ws_paths
AT=$(arm_token)
CP=$REF/commitmentPlans
RECS=$CP/sessionrecords-extract.json
RECSUB=/subscriptions/80c77c76-74ba-4c8c-8229-4c3b2957990c
PLANS=$RGP/providers/Microsoft.MachineLearning/commitmentPlans
J='Content-Type: application/json'

rec() {	# rec N FILTER: jq -r on recorded exchange N
	jq -r ".[$1] | $2" "$RECS"
}

code() {	# the error code, then the first detail's
	jb '[.error.code, (.error.details[0].code // empty)] | join(" ")'
}

put_plan() {	# put_plan PATH BODY
	arm PUT "$1?$VP" -H "$J" --data-binary "$2"
}

paths_of() {	# paths_of FILE [FILTER]: every member path, sorted
	jq -c "${2:-.} | [paths | map(if type == \"number\" then \"#\" else . end) | join(\".\")] | unique" "$1"
}

is "$AML_DEMO_PLAN" aml-demo-plan "--daemon exports AML_DEMO_PLAN"

# ---- the seeded plan --------------------------------------------------

arm GET "$PLAN?$VP"
is_status "$status" 200 "GET the seeded plan"
is "$(jb '.name + " " + .location + " " + .sku.name + " " + .type')" \
    "aml-demo-plan southcentralus S1 Microsoft.MachineLearning/commitmentPlans" "S1, in South Central US"
rec 1 .responseBody >"$TMP/rec-get.json"
is "$(paths_of "$TMP/body")" "$(paths_of "$TMP/rec-get.json")" "the members of the recorded GET"
is "$(jq -c keys_unsorted "$TMP/body")$(jq -c '.properties | keys_unsorted' "$TMP/body")" \
    "$(jq -c keys_unsorted "$TMP/rec-get.json")$(jq -c '.properties | keys_unsorted' "$TMP/rec-get.json")" \
    "in the recorded (alphabetical) order"
like "$(jb .etag)" '^0000[0-9a-f]{4}-0000-0000-0000-[0-9a-f]{8}0000$' "a document database's etag"
like "$(jb .properties.creationDate)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]{1,7})?Z$' \
    "creationDate as .NET writes it"
is "$(head -c 9 "$TMP/body")" '{"etag":"' "compact JSON (the recorded Content-Length is the compact text's)"
is "$(jb '.properties.includedQuantities.machineLearningWebServiceTransactions.allowance')" 100000 \
    "S1's included transactions"
grep -q '"allowance":100000.0,' "$TMP/body"
ok $? "written as a double, as recorded"
arm GET "$PLAN/commitmentAssociations?$VP"
is_status "$status" 200 "list the seeded plan's associations"
is "$(jb '.value | length') $(jb '.value[0].properties.associatedResourceId')" "1 $WS" \
    "the demo web service is associated with it"
ASSOC=$(jb '.value[0].name')
like "$ASSOC" '^[0-9a-f]{32}$' "named after the service's id"
jq '.value[0]' "$TMP/body" >"$TMP/assoc-item.json"
is "$(jb '.value[0] | keys_unsorted | join(",")')" "etag,id,location,name,properties,tags,type" \
    "a CommitmentAssociation"
is "$(jb '.value[0].properties | keys_unsorted | join(",")')" "associatedResourceId,commitmentPlanId,creationDate" \
    "with its properties"
is "$(jb '.value[0].id') $(jb '.value[0].properties.commitmentPlanId')" \
    "$PLAN/commitmentAssociations/$ASSOC $PLAN" "its id is under the plan"
arm GET "$PLAN/commitmentAssociations/$ASSOC?$VP"
is_status "$status" 200 "GET the association"
jq -S . "$TMP/body" >"$TMP/a1.json"
jq -S . "$TMP/assoc-item.json" >"$TMP/a2.json"
same_file "$TMP/a1.json" "$TMP/a2.json" "as the list shows it"
arm GET "$WS?$V"
like "$(jb .properties.swaggerLocation)" "/services/$ASSOC/swagger.json\$" "the web service's own id"

# ---- the recordings, replayed ----------------------------------------

# The recorded resource groups first; then each exchange in the order it
# happened, its request body sent byte for byte, its answer compared
# byte for byte but for the etag, creationDate and subscription.
for g in onesdk2255 onesdk9360 onesdk6653 onesdk1787; do
	arm PUT "$SUB/resourcegroups/$g?api-version=2016-02-01" -H "$J" -d '{"location":"southcentralus"}'
done
replay() {	# replay N
	rec "$1" .uri | sed "s#^$RECSUB/#$SUB/#" >"$TMP/uri"
	jq -j ".[$1].requestBody" "$RECS" >"$TMP/req"
	: >"$TMP/body"
	if [ -s "$TMP/req" ]; then
		arm "$(rec "$1" .method)" "$(cat "$TMP/uri")" -H "$J" --data-binary "@$TMP/req"
	else
		arm "$(rec "$1" .method)" "$(cat "$TMP/uri")"
	fi
	jq -j ".[$1].responseBody" "$RECS" >"$TMP/rec"
	is_status "$status" "$(rec "$1" .status)" "exchange $1, $(rec "$1" .method) $(rec "$1" .uri | sed 's#.*/providers/##; s#?.*##'): the recorded status"
}
# The recorded text as it was on the wire, compact (the recorder indents
# bodies; their Content-Length is the compact text's: no string here has
# a colon and a space in it), with this run's etags, dates and
# subscription.
compact() {	# compact FILE: on stdout
	tr -d '\r' <"$1" | sed 's/^ *//' | tr -d '\n' | sed 's/": /":/g'
}
as_recorded() {	# as_recorded: $TMP/rec made comparable with $TMP/body
	compact "$TMP/rec" >"$TMP/rec2"
	jq -r '[.. | objects | select(has("etag")) | .etag] | .[]' "$TMP/rec" >"$TMP/e1"
	jq -r '[.. | objects | select(has("etag")) | .etag] | .[]' "$TMP/body" >"$TMP/e2"
	jq -r '[.. | objects | select(has("creationDate")) | .creationDate] | .[]' "$TMP/rec" >"$TMP/d1"
	jq -r '[.. | objects | select(has("creationDate")) | .creationDate] | .[]' "$TMP/body" >"$TMP/d2"
	paste -d ' ' "$TMP/e1" "$TMP/e2" | while read -r a b; do
		sed "s#$a#$b#" "$TMP/rec2" >"$TMP/rec3" && mv "$TMP/rec3" "$TMP/rec2"
	done
	paste -d ' ' "$TMP/d1" "$TMP/d2" | while read -r a b; do
		sed "s#$a#$b#" "$TMP/rec2" >"$TMP/rec3" && mv "$TMP/rec3" "$TMP/rec2"
	done
	sed "s#$RECSUB/#$SUB/#g" "$TMP/rec2" >"$TMP/rec3" && mv "$TMP/rec3" "$TMP/rec2"
}
same_as_recorded() {	# same_as_recorded DESCRIPTION
	as_recorded
	same_file "$TMP/body" "$TMP/rec2" "$1"
}

# TestCreateGetRemoveCommitmentPlan: PUT, GET, DELETE, GET.
replay 0
same_as_recorded "PUT: the recorded body (a create answers 200)"
E0=$(jb .etag)
replay 1
same_as_recorded "GET: the recorded body"
is "$(jb .etag)" "$E0" "the etag GET shows is PUT's"
replay 3
is "$(wc -c <"$TMP/body" | tr -d ' ')" 0 "DELETE: no body"
is "$(hdr Azure-AsyncOperation)$(hdr Location)" "" "and no operation to follow"
replay 2
same_as_recorded "GET after DELETE: the gateway's ResourceNotFound, as recorded"
is "$(hdr x-ms-failure-cause)" gateway "x-ms-failure-cause: gateway"

# TestUpdateCommitmentPlan: PUT, PATCH {tags, sku}, GET, DELETE, GET.
replay 4
same_as_recorded "PUT: the recorded body"
E4=$(jb .etag)
C4=$(jb .properties.creationDate)
replay 5
same_as_recorded "PATCH: the recorded body (S2's quantities and meters)"
test "$(jb .etag)" != "$E4"
ok $? "PATCH changes the etag"
is "$(jb .properties.creationDate)" "$C4" "but not the creation date"
replay 6
same_as_recorded "GET after PATCH: the recorded body"
replay 8
replay 7
same_as_recorded "GET after DELETE: as recorded"

# TestListCommitmentPlans: three PUTs, two group lists, the subscription's.
for n in 9 10 11; do
	replay $n
	same_as_recorded "PUT $n: the recorded body"
done
replay 12
same_as_recorded "list by resource group: the recorded body (the newest plan first)"
replay 13
same_as_recorded "list of another group: the recorded body"
replay 14
jq -c '.value[0]' "$TMP/rec" >"$TMP/rec-item.json"
jq -c '.value[0]' "$TMP/body" >"$TMP/item.json"
is "$(paths_of "$TMP/item.json")" "$(paths_of "$TMP/rec-item.json")" "list by subscription: the recorded items"
is "$(jb '.value | map(.name) | join(" ")')" "onesdk4882 onesdk1310 onesdk1920 aml-demo-plan" \
    "newest first, as recorded (the recording's other plans are not here)"
is "$(jb 'has("nextLink")')" false "one page, no nextLink"

# ---- checks -----------------------------------------------------------

P=$PLANS/p1
put_plan "$P" ''
is "$status $(code)" "400 InvalidRequestContent" "PUT with no body"
put_plan "$P" '{"location":'
is "$status $(code)" "400 InvalidRequestContent" "a body that is not JSON"
put_plan "$P" '[]'
is "$status $(code)" "400 InvalidRequestContent" "a body that is not an object"
put_plan "$P" '{"sku":{"name":"S1","tier":"Standard"}}'
is "$status $(code)" "400 LocationRequired" "no location"
put_plan "$P" '{"location":"westus","sku":{"name":"S1","tier":"Standard"}}'
is "$status $(code)" "400 LocationNotAvailableForResourceType" "a region the provider is not in"
like "$(jb .error.message)" "'southcentralus,westeurope,southeastasia,japaneast,eastus2,westcentralus'" \
    "naming the ones it is in"
put_plan "$P" '{"location":"southcentralus"}'
is "$status $(code)" "400 BadRequest InvalidSku" "no sku"
put_plan "$P" '{"location":"southcentralus","sku":{"name":"S1"}}'
is "$status $(code)" "400 BadRequest InvalidSku" "a sku without a tier"
put_plan "$P" '{"location":"southcentralus","sku":{"name":"S9","tier":"Standard"}}'
is "$status $(jb '.error.details[0].message')" \
    "400 The SKU 'S9' of tier 'Standard' is not available. The available SKUs are: S1 (Standard), S2 (Standard), S3 (Standard), DevTest (Standard), PAYG (Standard)." \
    "an unknown SKU, with the list"
for c in 0 11 1.5 '"2"'; do
	put_plan "$P" "{\"location\":\"southcentralus\",\"sku\":{\"name\":\"S1\",\"tier\":\"Standard\",\"capacity\":$c}}"
	is "$status $(code)" "400 BadRequest InvalidSkuCapacity" "capacity $c"
done
is "$(jb '.error.details[0].message')" "The capacity of SKU S1 must be a whole number from 1 to 10." \
    "the limits in the message"
put_plan "$P" '{"location":"southcentralus","sku":{"name":"S1","tier":"Standard"},"tags":[]}'
is "$status $(code)" "400 InvalidRequestContent" "tags not an object"
put_plan "$P" '{"location":"southcentralus","sku":{"name":"S1","tier":"Standard"},"tags":{"a":1}}'
is "$status $(code)" "400 InvalidRequestContent" "a tag that is not a string"
put_plan "$PLANS/a%3Eb" '{"location":"southcentralus","sku":{"name":"S1","tier":"Standard"}}'
is "$status $(code)" "400 InvalidResourceName" "a name with '>'"
put_plan "$SUB/resourceGroups/nosuch/providers/Microsoft.MachineLearning/commitmentPlans/p1" \
    '{"location":"southcentralus","sku":{"name":"S1","tier":"Standard"}}'
is "$status $(code)" "404 ResourceGroupNotFound" "a resource group that is not there"
arm PUT "$P" -H "$J" -d '{"location":"southcentralus","sku":{"name":"S1","tier":"Standard"}}'
is "$status $(code)" "400 MissingApiVersionParameter" "no api-version"
arm PUT "$P?$V" -H "$J" -d '{"location":"southcentralus","sku":{"name":"S1","tier":"Standard"}}'
is "$status $(code)" "400 NoRegisteredProviderFound" "2017-01-01 is not an api-version of commitmentPlans"
like "$(jb .error.message)" "for type 'commitmentPlans'\\. The supported api-versions are '2016-05-01-preview'\\." \
    "saying which is"
http PUT "$AML_ARM_ENDPOINT$P?$VP" -H "$J" -d '{"location":"southcentralus","sku":{"name":"S1","tier":"Standard"}}'
is "$status $(code)" "401 AuthenticationFailed" "no bearer token"
arm GET "$P?$VP"
is "$status $(code)" "404 ResourceNotFound" "none of those made the plan"

# Names of members without regard to case, capacity 1 when not given,
# tags kept; PUT again keeps creationDate, changes the etag.
put_plan "$P" '{"Location":"SouthCentralUS","SKU":{"Name":"s2","Tier":"standard"},"Tags":{"team":"ml"}}'
is_status "$status" 200 "PUT a plan"
is "$(jb '.location + " " + (.sku | tostring) + " " + (.tags | tostring)')" \
    'SouthCentralUS {"capacity":1,"name":"S2","tier":"Standard"} {"team":"ml"}' \
    "location as given, the SKU's own spelling, capacity 1, tags"
C1=$(jb .properties.creationDate)
E1=$(jb .etag)
put_plan "$P" '{"location":"southcentralus","sku":{"name":"DevTest","tier":"Standard","capacity":3}}'
is_status "$status" 200 "PUT over it"
is "$(jb .properties.creationDate) $(jb .sku.capacity) $(jb '.tags | length')" "$C1 3 0" \
    "replaces sku and tags, keeps creationDate"
test "$(jb .etag)" != "$E1"
ok $? "a new etag"
is "$(jb '[.properties.chargeForPlan, .properties.chargeForOverage, .properties.suspendPlanOnOverage] | tostring') $(jb .properties.planMeter)" \
    "[false,false,true] 00000000-0000-0000-0000-000000000000" "DevTest's flags, as recorded"
put_plan "$P" '{"location":"westeurope","sku":{"name":"S1","tier":"Standard"}}'
is "$status $(code)" "409 InvalidResourceLocation" "the same plan in another region"

# PATCH: tags and sku only.
arm PATCH "$PLANS/nosuch?$VP" -H "$J" -d '{"tags":{}}'
is "$status $(code) $(hdr x-ms-failure-cause)" "404 ResourceNotFound gateway" "PATCH a plan that is not there"
arm PATCH "$P?$VP" -H "$J" -d '{"tags":{"x":"y"}}'
is "$status $(jb '.tags.x') $(jb .sku.name) $(jb .sku.capacity)" "200 y DevTest 3" "PATCH tags: the sku stays"
arm PATCH "$P?$VP" -H "$J" -d '{"sku":{"name":"S3","tier":"Standard"}}'
is "$status $(jb .sku.name) $(jb .sku.capacity) $(jb .tags.x)" "200 S3 3 y" "PATCH sku: capacity and tags stay"
is "$(jb '.properties.includedQuantities.machineLearningWebServiceComputeHours.allowance')" 12500 "S3's quantities"
arm PATCH "$P?$VP" -H "$J" -d '{"sku":{"name":"S3","tier":"Premium"}}'
is "$status $(code)" "400 BadRequest InvalidSku" "PATCH to an unknown SKU"
arm PATCH "$P?$VP" -H "$J" -d '{"sku":{"name":"S3","tier":"Standard","capacity":99}}'
is "$status $(code)" "400 BadRequest InvalidSkuCapacity" "PATCH to a capacity out of range"
arm PATCH "$P?$VP" -H "$J" -d 'nope'
is "$status $(code)" "400 InvalidRequestContent" "PATCH with a body that is not JSON"
arm GET "$P?$VP"
is "$(jb .sku.name) $(jb .sku.capacity)" "S3 3" "refused PATCHes changed nothing"

# DELETE of a plan that is not there.
arm DELETE "$PLANS/nosuch?$VP"
is_status "$status" 204 "DELETE a plan that is not there: 204"

# ---- lists and paging -------------------------------------------------

for n in p2 p3 p4; do
	put_plan "$PLANS/$n" '{"location":"southcentralus","sku":{"name":"S1","tier":"Standard"}}'
done
put_plan "$PLANS/weu" '{"location":"westeurope","sku":{"name":"S1","tier":"Standard"}}'
emu config -d '{"pageSize":2}' >/dev/null
arm GET "$PLANS?$VP"
is "$status $(jb '.value | length')" "200 2" "a page of pageSize plans"
next=$(jb .nextLink)
like "$next" "^$AML_EMULATOR_URL$PLANS\\?api-version=2016-05-01-preview&%24skipToken=[A-Za-z0-9%._~-]+\$" \
    "nextLink is absolute, with %24skipToken"
names=$(jb '.value[].name')
while [ -n "$next" ] && [ "$next" != null ]; do
	http GET "$next" -H "Authorization: Bearer $AT"
	names="$names
$(jb '.value[].name')"
	next=$(jb .nextLink)
done
is "$(printf '%s\n' "$names" | tr '\n' ' ')" "p4 p3 p2 p1 aml-demo-plan weu " \
    "every plan of the group once: South Central US newest first, then West Europe"
arm GET "$PLANS?$VP&\$skipToken=bm90IG91cnM="
is "$status $(code)" "400 BadRequest InvalidSkipToken" "a token it did not make"
arm GET "$SUB/providers/Microsoft.MachineLearning/commitmentPlans?$VP"
like "$(jb .nextLink)" "^$AML_EMULATOR_URL$SUB/providers/Microsoft.MachineLearning/commitmentPlans\\?" \
    "the subscription's list pages too"
emu config -d '{"pageSize":100}' >/dev/null
arm GET "$SUB/resourceGroups/nosuch/providers/Microsoft.MachineLearning/commitmentPlans?$VP"
is "$status $(code)" "404 ResourceGroupNotFound" "the list of a group that is not there"
OTHER=$(emu subscriptions -d '{"displayName":"empty"}' | jq -r .subscriptionId)
arm GET "/subscriptions/$OTHER/providers/Microsoft.MachineLearning/commitmentPlans?$VP"
is "$status $(jb '.value | length')" "200 0" "another subscription holds none"

# ---- SKUs -------------------------------------------------------------

arm GET "$SUB/providers/Microsoft.MachineLearning/skus?$VP"
is_status "$status" 200 "Skus_List"
is "$(jb '.value | map(.name + "/" + .tier) | join(" ")')" \
    "S1/Standard S2/Standard S3/Standard DevTest/Standard PAYG/Standard" "the SKUs a plan can have"
jq '.responses["200"].body.value[0]' "$CP/examples/ListCommitmentPlanSKUs.json" >"$TMP/sku-ex.json"
jq '.value[0]' "$TMP/body" >"$TMP/sku.json"
is "$(paths_of "$TMP/sku.json" 'del(.restrictions)')" "$(paths_of "$TMP/sku-ex.json" 'del(.restrictions)')" \
    "each with the members of the example"
is "$(jb '[.value[].restrictions | length] | add')" 0 "and no restrictions (an empty list, as the spec allows)"
is "$(jb '.value[0].capacity | [.minimum, .maximum, .default] | tostring')" "[1,10,1]" \
    "capacity as PUT checks it"
is "$(jb '.value | map(has("nextLink")) | any')" false "no paging"

# ---- usage history ----------------------------------------------------

# The running period's usage grows with the clock: it stands still while
# the plan and its history are compared.
clock_stop
arm GET "$PLAN?$VP"
BORN=$(jb .properties.creationDate)
LEFT=$(jb .properties.includedQuantities.machineLearningWebServiceTransactions.amount)
arm GET "$PLAN/usageHistory?$VP"
is_status "$status" 200 "the seeded plan's usage history"
is "$(jb '.value | length')" 3 "a record per 30-day refill of its 75 days"
is "$(jb '.value[0] | keys_unsorted | join(",")')" \
    "$(jq -r '.definitions.PlanUsageHistory.properties | keys | join(",")' "$CP/commitmentPlans-2016-05-01-preview.json")" \
    "a PlanUsageHistory, every member of the spec"
is "$(jb '.value[0].usageDate')" "$BORN" "the first starts when the plan was made"
is "$(jb '[.value[] | .usage | keys | join(",")] | unique | join(" ")')" \
    machineLearningWebServiceComputeHours,machineLearningWebServiceTransactions "usage by meter"
# Before = after + usage - overage, for every meter of every record.
is "$(jb '[.value[] | . as $r | .usage | keys[] as $m |
    (($r.planQuantitiesBeforeUsage[$m] - $r.usage[$m] + $r.planUsageOverage[$m] - $r.planQuantitiesAfterUsage[$m]) | fabs < 0.005)] | all')" \
    true "the quantities add up"
is "$(jb '[.value[].usage.machineLearningWebServiceTransactions] | map(. > 0) | all')" true \
    "a plan with an associated web service has usage"
is "$(jb '.value[-1].planQuantitiesAfterUsage.machineLearningWebServiceTransactions')" "$LEFT" \
    "the plan's amount is what is left in this period"
clock_run
arm GET "$PLANS/p2/usageHistory?$VP"
is "$(jb '.value | length') $(jb '.value[0].usage.machineLearningWebServiceTransactions')" "1 0" \
    "a new plan without associations: one record, no usage"
put_plan "$PLANS/payg" '{"location":"southcentralus","sku":{"name":"PAYG","tier":"Standard"}}'
is "$(jb .properties.refillFrequencyInDays) $(jb .properties.includedQuantities.machineLearningWebServiceTransactions.allowance)" \
    "1 0" "PAYG: nothing included, refilled daily (as recorded)"
# Thirty-one days on (tokens are dated by the emulator's clock: a new one).
emu config -d "{\"clockSkew\":$((31 * 86400))}" >/dev/null
AT=$(arm_token)
arm GET "$PLAN/usageHistory?$VP"
is "$(jb '.value | length')" 4 "a month on, the seeded plan has one more record"
arm GET "$PLANS/payg/usageHistory?$VP"
is "$(jb '.value | length')" 32 "a daily plan has 32"
emu config -d '{"pageSize":10}' >/dev/null
arm GET "$PLANS/payg/usageHistory?$VP"
is "$(jb '.value | length')" 10 "usage history pages"
like "$(jb .nextLink)" "/commitmentPlans/payg/usageHistory\\?api-version=2016-05-01-preview&%24skipToken=" \
    "with its own nextLink"
emu config -d '{"pageSize":100,"clockSkew":0}' >/dev/null
AT=$(arm_token)
arm GET "$PLANS/nosuch/usageHistory?$VP"
is "$status $(code)" "404 NotFound CommitmentPlanNotFound" "the usage of a plan that is not there"

# ---- associations made by webServices --------------------------------

on_demo_plan "$REF/sessionrecords-extract/TestCreateGetRemoveWebService.PUT.requestBody.json" >"$TMP/ws.json"
arm PUT "$WSL/billed?$V" -H "$J" --data-binary "@$TMP/ws.json"
is_status "$status" 201 "a web service made with the seeded plan"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$PLAN/commitmentAssociations?$VP"
is "$(jb '.value | length')" 2 "is associated with it at once"
BILLED=$(jb ".value[] | select(.properties.associatedResourceId == \"$WSL/billed\") | .name")
like "$BILLED" '^[0-9a-f]{32}$' "an association of its own"
with_plan() {	# with_plan ID: the web service definition naming plan ID
	jq --arg p "$1" '.properties.commitmentPlan.id = $p' "$TMP/ws.json" >"$TMP/ws2.json"
}
with_plan "$PLANS/nosuch"
arm PUT "$WSL/unbilled?$V" -H "$J" --data-binary "@$TMP/ws2.json"
is "$status $(code)" "400 BadRequest CommitmentPlanNotFound" "a plan that is not there: 400"
is "$(jb '.error.details[0].message')" "Commitment plan '$PLANS/nosuch' could not be found." "saying which"
arm GET "$WSL/unbilled?$V"
is_status "$status" 404 "and no service"
with_plan "/subscriptions/$OTHER/resourceGroups/$AML_DEMO_RG/providers/Microsoft.MachineLearning/commitmentPlans/aml-demo-plan"
arm PUT "$WSL/unbilled?$V" -H "$J" --data-binary "@$TMP/ws2.json"
is "$status $(code)" "400 BadRequest CommitmentPlanNotFound" "a plan of another subscription"
with_plan "WILL BE FILLED IN BY THE TEST"
arm PUT "$WSL/unbilled?$V" -H "$J" --data-binary "@$TMP/ws2.json"
is "$status $(code)" "400 BadRequest InvalidCommitmentPlanId" "an id that is not a plan's"
with_plan "$PLANS/weu"
arm PUT "$WSL/unbilled?$V" -H "$J" --data-binary "@$TMP/ws2.json"
is "$status $(code)" "400 BadRequest CommitmentPlanLocationMismatch" "a plan in another region"
jq 'del(.properties.commitmentPlan)' "$TMP/ws.json" >"$TMP/ws3.json"
arm PUT "$WSL/planless?$V" -H "$J" --data-binary "@$TMP/ws3.json"
is_status "$status" 201 "no commitmentPlan at all: made, with no association (the emulator's choice)"
lro_wait "$(hdr Azure-AsyncOperation)"
with_plan "$PLANS/p2"
arm PUT "$WSL/billed?$V" -H "$J" --data-binary "@$TMP/ws2.json"
is_status "$status" 200 "PUT over the service naming another plan"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$PLANS/p2/commitmentAssociations?$VP"
is "$(jb '.value | length')" 0 "changes no association: the plan is set at creation"
emu faults -d '{"method":"PUT","path":"*/webServices/canceled","lro":"Canceled"}' >/dev/null
arm PUT "$WSL/canceled?$V" -H "$J" --data-binary "@$TMP/ws.json"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$PLAN/commitmentAssociations?$VP"
is "$(jb "[.value[] | select(.properties.associatedResourceId == \"$WSL/canceled\")] | length")" 0 \
    "a canceled create leaves no association"

# A plan with associations is not deleted.
arm DELETE "$PLAN?$VP"
is "$status $(code)" "409 Conflict CommitmentPlanHasAssociations" "DELETE a plan with associations: 409"
is "$(jb '.error.details[0].message')" "Commitment plan 'aml-demo-plan' still has 2 commitment associations. Move them to another commitment plan, or remove the web services, before deleting the plan." \
    "saying how many"
arm GET "$PLAN?$VP"
is_status "$status" 200 "it is still there"

# ---- move -------------------------------------------------------------

MV=$PLAN/commitmentAssociations/$BILLED/move
arm POST "$MV?$VP" -H "$J" -d '{}'
is "$status $(code)" "400 BadRequest InvalidDestinationPlanId" "move without destinationPlanId"
arm POST "$MV?$VP" -H "$J" -d '{"destinationPlanId":"p2"}'
is "$status $(code)" "400 BadRequest InvalidDestinationPlanId" "a destination that is not an id"
arm POST "$MV?$VP" -H "$J" -d "{\"destinationPlanId\":\"$PLANS/nosuch\"}"
is "$status $(code)" "400 BadRequest DestinationPlanNotFound" "a destination that is not there"
arm POST "$MV?$VP" -H "$J" -d "{\"destinationPlanId\":\"$PLAN\"}"
is "$status $(code)" "400 BadRequest SameCommitmentPlan" "its own plan"
arm POST "$MV?$VP" -H "$J" -d "{\"destinationPlanId\":\"$PLANS/weu\"}"
is "$status $(code)" "400 BadRequest CommitmentPlanLocationMismatch" "a plan in another region"
arm POST "$MV?$VP" -H "$J" -d 'not json'
is "$status $(code)" "400 InvalidRequestContent" "a body that is not JSON"
arm POST "$PLAN/commitmentAssociations/nosuch/move?$VP" -H "$J" -d "{\"destinationPlanId\":\"$PLANS/p2\"}"
is "$status $(code)" "404 NotFound CommitmentAssociationNotFound" "an association that is not there"
arm GET "$PLAN/commitmentAssociations/nosuch?$VP"
is "$status $(code)" "404 NotFound CommitmentAssociationNotFound" "GET one that is not there"
arm GET "$PLANS/nosuch/commitmentAssociations?$VP"
is "$status $(code)" "404 NotFound CommitmentPlanNotFound" "the associations of a plan that is not there"
arm GET "$PLAN/commitmentAssociations/$BILLED?$VP"
OLDTAG=$(jb .etag)
arm POST "$MV?$VP" -H "$J" -d "{\"destinationPlanId\":\"$PLANS/p2\"}"
is_status "$status" 200 "move to p2"
is "$(jb .id) $(jb .properties.commitmentPlanId) $(jb .properties.associatedResourceId)" \
    "$PLANS/p2/commitmentAssociations/$BILLED $PLANS/p2 $WSL/billed" "the association, now under p2"
test "$(jb .etag)" != "$OLDTAG"
ok $? "with a new etag"
arm GET "$PLAN/commitmentAssociations/$BILLED?$VP"
is_status "$status" 404 "no longer under the seeded plan"
arm GET "$PLANS/p2/commitmentAssociations/$BILLED?$VP"
is_status "$status" 200 "but under p2"
arm DELETE "$PLANS/p2?$VP"
is "$status $(code)" "409 Conflict CommitmentPlanHasAssociations" "now p2 cannot be deleted"
arm POST "$PLAN/commitmentAssociations/$ASSOC/move?$VP" -H "$J" -d "{\"destinationPlanId\":\"$PLANS/p2\"}"
is_status "$status" 200 "move the demo web service's too"
arm DELETE "$PLAN?$VP"
is_status "$status" 200 "the seeded plan, without associations, is deleted"
arm DELETE "$WSL/billed?$V"
lro_wait "$(hdr Azure-AsyncOperation)"
arm GET "$PLANS/p2/commitmentAssociations?$VP"
is "$(jb '[.value[].properties.associatedResourceId] | join(" ")')" "$WS" \
    "deleting a web service ends its association, wherever it moved"

# ---- faults, reset ----------------------------------------------------

emu faults -d '{"method":"GET","path":"*/commitmentPlans/p3","status":503,"retryAfter":7,"count":1}' >/dev/null
arm GET "$PLANS/p3?$VP"
is "$status $(code) $(hdr Retry-After)" "503 ServiceUnavailable 7" "an injected 503, in the ARM envelope"
arm GET "$PLANS/p3?$VP"
is_status "$status" 200 "then the plan"
emu faults -d '{"method":"PUT","path":"*/commitmentPlans/*","status":500,"count":1}' >/dev/null
put_plan "$PLANS/faulted" '{"location":"southcentralus","sku":{"name":"S1","tier":"Standard"}}'
is "$status $(code)" "500 InternalServerError" "an injected 500 on PUT"
arm GET "$PLANS/faulted?$VP"
is_status "$status" 404 "which made nothing"
emu faults -d '{"method":"POST","path":"*/move","status":429,"count":1}' >/dev/null
arm POST "$PLANS/p2/commitmentAssociations/$ASSOC/move?$VP" -H "$J" -d "{\"destinationPlanId\":\"$PLANS/p3\"}"
is "$status $(code)" "429 TooManyRequests" "and on move"
arm GET "$PLANS/p2/commitmentAssociations/$ASSOC?$VP"
is_status "$status" 200 "which moved nothing"

emu reset -X POST
AT=$(arm_token)
arm GET "$PLAN/commitmentAssociations?$VP"
is "$status $(jb '.value[0].properties.associatedResourceId')" "200 $WS" "reset: the seeded plan and its association"
arm GET "$PLANS/p2?$VP"
is_status "$status" 404 "the others are gone"

done_testing
