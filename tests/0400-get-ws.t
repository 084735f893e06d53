#!/bin/sh
# aml-get-ws: one service (2-space JSON, -c one line), --id, -l, lists
# across pages (JSON Lines), --table, the subscription's sources (an id
# or a display name), request counts, usage errors.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 50
export AML_POLL_MS=10 AML_RETRY_BASE_MS=10
SUB=$AZURE_SUBSCRIPTION_ID
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS
WSPATH=/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/webServices/$WS

run env -u AZURE_CLIENT_SECRET aml-get-ws -g "$RG" -n "$WS"
expect_fail 3 '^aml-get-ws: not signed in \(run aml-login\)$' "not signed in: exit 3"
run aml-login
expect_ok "signed in"

# One service: one request with the cached token, 2-space JSON; with
# -c one compact line, the body as the service sent it (numbers and all).
emu requests -X DELETE
run aml-get-ws -g "$RG" -n "$WS"
expect_ok "aml-get-ws -g -n"
is "$(jq . "$TMP/out")" "$(cat "$TMP/out")" "2-space JSON"
like "$(sed -n 2p "$TMP/out")" '^  "id": "/subscriptions/' "indented by two spaces"
emu requests -X DELETE
run aml-get-ws -c -g "$RG" -n "$WS"
expect_ok "aml-get-ws -c -g -n"
emu requests >"$TMP/log.json"
is "$(jq length "$TMP/log.json")" 1 "exactly one request with a cached token"
is "$(jq -r '.[0] | "\(.method) \(.path)"' "$TMP/log.json")" "GET $WSPATH?api-version=2017-01-01" \
    "GET of the service with api-version 2017-01-01"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 1 "one line"
is "$(jq -c . "$TMP/out")" "$(cat "$TMP/out")" "compact JSON"
is "$(jq -r '.name + " " + .properties.provisioningState' "$TMP/out")" "$WS Succeeded" "the service"
cp "$TMP/out" "$TMP/one.json"
curl -sS -H "Authorization: Bearer $(aml-token -r)" "$AML_ARM_ENDPOINT$WSPATH?api-version=2017-01-01" |
    jq -c . >"$TMP/raw.json"
same_file "$TMP/one.json" "$TMP/raw.json" "the answer as it came, without its whitespace"

# --id, as Get- output carries it, segment names in any case.
id=$(jq -r .id "$TMP/one.json")
run aml-get-ws -c --id "$id"
expect_ok "--id"
same_file "$TMP/out" "$TMP/one.json" "--id names the same service"
lowid=$(printf '%s' "$id" | sed 's/resourceGroups/resourcegroups/; s/webServices/webservices/; s/Microsoft.MachineLearning/microsoft.machinelearning/')
run aml-get-ws -c -i "$lowid"
expect_ok "--id with lower-case segment names"
run aml-get-ws --id "/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.MachineLearning/workspaces/$WS"
expect_usage '^aml-get-ws: -i [^ ]+: not a web service id, /subscriptions/SUB/resourceGroups/RG/providers/Microsoft\.MachineLearning/webServices/NAME$' \
    "--id of another resource type"
run aml-get-ws --id "$id/listKeys"
expect_usage '^aml-get-ws: -i .*: not a web service id' "--id of a child"
run aml-get-ws --id "$id" -g "$RG"
expect_usage '^aml-get-ws: -i names the web service: leave out -g, -n and -s$' "--id with -g"

# -l, --location: 404 until the regional definition exists.
run aml-get-ws -g "$RG" -n "$WS" --location westcentralus
expect_fail 1 "^aml-get-ws: GET $WSPATH: HTTP 404 NotFound: The specified resource was not found\\. \\(PerRegionPayloadNotFound\\) \\[request-id [0-9a-f-]+\\]\$" \
    "--region before CreateRegionalBlob: the 404 in ARM's words"
run aml-add-region -g "$RG" -n "$WS" -l westcentralus
expect_ok "aml-add-region"
emu requests -X DELETE
run aml-get-ws -g "$RG" -n "$WS" -l westcentralus
expect_ok "--region after CreateRegionalBlob"
is "$(emu requests | jq -r '.[0].path')" "$WSPATH?api-version=2017-01-01&region=westcentralus" "region= in the query"
run aml-get-ws -g "$RG" --location westcentralus
expect_usage '^aml-get-ws: -l westcentralus: needs one web service \(-n or -i\)$' "-l with a list"
run aml-get-ws -g "$RG" -n "$WS" -l westcentralus --api-version 2016-05-01-preview
expect_usage '^aml-get-ws: -l: api-version 2016-05-01-preview has no regional definitions$' \
    "--region with the preview api-version"

# The preview api-version.
emu requests -X DELETE
run aml-get-ws -g "$RG" -n "$WS" --api-version 2016-05-01-preview
expect_ok "--api-version 2016-05-01-preview"
like "$(emu requests | jq -r '.[0].path')" 'api-version=2016-05-01-preview$' "is sent"
run aml-get-ws -g "$RG" -n "$WS" --api-version 2015-01-01
expect_usage '^aml-get-ws: --api-version 2015-01-01: not 2017-01-01 or 2016-05-01-preview$' "another api-version"

# --table: a header and a row a service, aligned: name, location, state,
# modified.
run aml-get-ws --table -g "$RG"
expect_ok "--table"
mod=$(aml-get-ws -g "$RG" -n "$WS" | jq -r .properties.modifiedOn)
is "$(cat "$TMP/out")" "$(printf 'NAME         LOCATION          STATE      MODIFIED\n%s  South Central US  Succeeded  %s' "$WS" "$mod")" \
    "the columns, two spaces apart"
run aml-get-ws --table -g "$RG" -n "$WS"
expect_ok "--table with one service"
is "$(sed -n 2p "$TMP/out" | awk '{print $1}')" "$WS" "is one row"

# Lists: 250 services over pages of 100, by group and by subscription.
emu services -d '{"count":249}' >/dev/null
emu config -d '{"pageSize":100}' >/dev/null
emu requests -X DELETE
run aml-get-ws -g "$RG"
expect_ok "aml-get-ws -g: the resource group's services"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 250 "250 lines"
is "$(jq -r .name "$TMP/out" | sort -u | wc -l | tr -d ' ')" 250 "250 services, none twice"
is "$(jq -c 'select(type != "object")' "$TMP/out")" "" "each line an object"
emu requests >"$TMP/log.json"
is "$(jq length "$TMP/log.json")" 3 "three pages, three requests"
like "$(jq -r '.[1].path' "$TMP/log.json")" '%24skiptoken=' "nextLink followed with its %24skiptoken"
is "$(jq -r '[.[].path | startswith("/subscriptions/'"$SUB"'/resourceGroups/'"$RG"'/providers/Microsoft.MachineLearning/webServices?")] | all' "$TMP/log.json")" \
    true "every page of the group's list"
run aml-get-ws
expect_ok "aml-get-ws alone: the subscription's services"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 250 "250 lines"
emu faults -d '{"method":"GET","path":"*/webServices","status":500,"count":9}' >/dev/null
run env AML_RETRY_MAX=0 aml-get-ws -g "$RG"
expect_fail 1 '^aml-get-ws: GET /subscriptions/[^ ]+/webServices: HTTP 500 InternalServerError: ' "a failed list: one line, nothing on stdout"
emu faults -X DELETE
run aml-get-ws -g nosuchgroup
expect_fail 1 '^aml-get-ws: GET /subscriptions/[^ ]+/resourceGroups/nosuchgroup/providers/Microsoft\.MachineLearning/webServices: HTTP 404 ResourceGroupNotFound: ' \
    "a resource group that does not exist"

# The subscription: --subscription, else AZURE_SUBSCRIPTION_ID, else
# the signed-in account's.
other=00000000-0000-0000-0000-000000000001
emu requests -X DELETE
run aml-get-ws -s "$other" -g "$RG" -n "$WS"
is "$rc" 1 "--subscription names another subscription"
like "$(emu requests | jq -r '.[0].path')" "^/subscriptions/$other/" "which is asked"
emu requests -X DELETE
run env AZURE_SUBSCRIPTION_ID=$other aml-get-ws -g "$RG" -n "$WS"
like "$(emu requests | jq -r '.[0].path')" "^/subscriptions/$other/" "AZURE_SUBSCRIPTION_ID"
emu requests -X DELETE
run env -u AZURE_SUBSCRIPTION_ID aml-get-ws -g "$RG" -n "$WS"
expect_ok "without either, the account's subscription"
like "$(emu requests | jq -r '.[0].path')" "^/subscriptions/$SUB/" "is asked"

# A display name instead of the id: looked up in the account's list,
# ignoring case; an unknown name and a name two subscriptions share are
# errors that say so.
name=$(aml-login --list | jq -r .name)
emu requests -X DELETE
run env -u AZURE_SUBSCRIPTION_ID aml-get-ws -c -s "$name" -g "$RG" -n "$WS"
expect_ok "-s NAME"
is "$(emu requests | jq -r '.[] | .method + " " + (.path | sub("\\?.*"; ""))' | tr '\n' ,)" \
    "GET /subscriptions,GET $WSPATH," "the list of subscriptions, then the service in the one named"
run env -u AZURE_SUBSCRIPTION_ID aml-get-ws -c -s "$(printf '%s' "$name" | tr 'a-z' 'A-Z')" -g "$RG" -n "$WS"
expect_ok "-s NAME in another case"
run env AZURE_SUBSCRIPTION_ID="$name" aml-get-ws -c -g "$RG" -n "$WS"
expect_ok "AZURE_SUBSCRIPTION_ID may be a name too"
run env -u AZURE_SUBSCRIPTION_ID aml-get-ws -s "No Such Subscription" -g "$RG" -n "$WS"
expect_fail 1 '^aml-get-ws: subscription No Such Subscription is not among the 1 this account can use$' \
    "an unknown name"
run env AZURE_SUBSCRIPTION_ID="No Such" aml-get-ws -g "$RG" -n "$WS"
expect_fail 1 '^aml-get-ws: subscription No Such is not among the 1 this account can use \(from AZURE_SUBSCRIPTION_ID\)$' \
    "an unknown name in AZURE_SUBSCRIPTION_ID, which the message names"
t1=$(emu subscriptions -d '{"displayName":"Twin"}' | jq -r .subscriptionId)
t2=$(emu subscriptions -d '{"displayName":"twin"}' | jq -r .subscriptionId)
run env -u AZURE_SUBSCRIPTION_ID aml-get-ws -s TWIN -g "$RG" -n "$WS"
expect_fail 1 "^aml-get-ws: subscription TWIN: 2 subscriptions have that name \\($t1, $t2\\); give the id\$" \
    "a name two subscriptions share, ignoring case"
emu requests -X DELETE
run env -u AZURE_SUBSCRIPTION_ID aml-get-ws -s twin -g "$RG" -n "$WS"
like "$(emu requests | jq -r '.[1].path')" "^/subscriptions/$t2/" "but the one spelt exactly so is taken"

# Usage.
run aml-get-ws -n "$WS"
expect_usage '^aml-get-ws: -g RESOURCE-GROUP is required with -n$' "-n without -g"
run aml-get-ws -g "" -n "$WS"
expect_usage '^aml-get-ws: -g: empty$' "an empty -g"
run aml-get-ws --region westcentralus -g "$RG" -n "$WS"
expect_usage '^aml-get-ws: unknown option --region; did you mean --location\?$' "--region, renamed: the new name suggested"
run aml-get-ws -g "$RG" --nmae "$WS"
expect_usage '^aml-get-ws: unknown option --nmae; did you mean --name\?$' "a misspelt long option: the nearest suggested"
run aml-get-ws -a 2017-01-01 -g "$RG"
expect_usage '^aml-get-ws: unknown option -a$' "-a is no longer the api-version"
run aml-get-ws -g "$RG" extra
expect_usage '^usage: aml-get-ws ' "an operand"
run aml-get-ws -g "$RG" -n "$WS" --max-time 0
expect_usage '^aml-get-ws: -m 0: not a duration \(90, 90s, 5m, 1h, 2d; at most 366d\)$' "a bad -m"
run aml-logout
run env -u AZURE_SUBSCRIPTION_ID -u AZURE_CLIENT_SECRET aml-get-ws -g "$RG" -n "$WS"
expect_fail 3 '^aml-get-ws: not signed in \(run aml-login\)$' "signed out: exit 3"

done_testing
