#!/bin/sh
# aml-add-endpoint and aml-get-endpoint: endpoints added with their
# settings and key file, the name rules before sending, the endpoint
# limit, existing endpoints; web services, endpoints and one endpoint
# listed without keys; the PATCH URL; ids from the environment or an
# endpoint URL; workspace token and endpoint key.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
. "$TESTS/lib-studio.sh"
studio_start
T=$AML_DEMO_WORKSPACE_TOKEN_FILE
W=$AML_DEMO_WORKSPACE_ID
S=$AML_DEMO_SCORE_SERVICE
EPS="/workspaces/$W/webservices/$S/endpoints"

# Adding.
srun aml-add-endpoint -w "$W" --service "$S" -k "$T" --description "nightly retrained" --throttle-level High --max-calls 50 --prevent-update \
    -K "$TMP/ep.key" retrained
expect_ok "add an endpoint"
is "$(jq . "$TMP/out")" "$(cat "$TMP/out")" "2-space JSON"
is "$(jq -r '[.Name, .Description, .ThrottleLevel, .MaxConcurrentCalls, .PreventUpdate] | join(" ")' "$TMP/out")" \
    "retrained nightly retrained High 50 true" "with its settings"
is "$(jq -r 'has("PrimaryKey") or has("SecondaryKey")' "$TMP/out")" false "without its keys"
is "$(jq -r '.Resources[0].Name' "$TMP/out")" "$AML_DEMO_RESOURCE" "and its updatable resource"
key_secret "$TMP/ep.key"
is "$(stat -c %a "$TMP/ep.key")" 600 "-K: the key file is mode 0600"
mgmt GET "/$S/endpoints/retrained"
is "$(cat "$TMP/ep.key")" "$(jb .PrimaryKey)" "and holds the primary key"
printf '%s\n' "$(jb .SecondaryKey)" >>"$TMP/secrets"
EPURL=$(jq -r .ApiLocation "$TMP/out")

srun aml-add-endpoint -w "$W" --service "$S" -k "$T" retrained
expect_fail 1 "^aml-add-endpoint: endpoint retrained exists \\(use -f to update it\\)\$" "an existing endpoint"
srun aml-add-endpoint -w "$W" --service "$S" -k "$T" -K "$TMP/ep.key" other
expect_fail 1 "^aml-add-endpoint: $TMP/ep\\.key: exists \\(use -f to replace it\\)\$" "an existing key file"
mgmt GET "/$S/endpoints/other"
is_status "$status" 404 "refused before the PUT"
srun aml-add-endpoint -f -w "$W" --service "$S" -k "$T" --description "updated" --throttle-level Low retrained
expect_ok "-f updates it"
is "$(jq -r '.Description + " " + .ThrottleLevel + " " + (.MaxConcurrentCalls | tostring)' "$TMP/out")" "updated Low 4" \
    "the new settings (Low caps the calls)"

# A PUT answered 200 with a page that is not JSON is judged by its
# status and verified: done, or not done.
emu faults -d '{"method":"PUT","path":"*/endpoints/*","notJson":true,"carriedOut":true}' >/dev/null
srun aml-add-endpoint -f -w "$W" --service "$S" -k "$T" --description "carried out" retrained
expect_ok "carried out, answered with a page: the endpoint, as a GET shows it"
is "$(jq -r .Description "$TMP/out")" "carried out" "with the settings sent"
emu faults -d '{"method":"PUT","path":"*/endpoints/*","notJson":true}' >/dev/null
srun aml-add-endpoint -f -w "$W" --service "$S" -k "$T" --description "lost" retrained
expect_fail 1 '^aml-add-endpoint: PUT endpoints/retrained: the service answered, but the endpoint does not show the settings sent: check with aml-get-endpoint$' \
    "not carried out: the GET shows it, and the program says so"

for n in Upper under_score -lead trail- abcdefghijklmnopqrstuvwxy; do
	srun aml-add-endpoint -w "$W" --service "$S" -k "$T" -- "$n"
	expect_fail 2 "^aml-add-endpoint: $n: an endpoint name " "name $n is refused before sending"
done

export AML_WORKSPACE_ID=$W AML_WEBSERVICE_ID=$S AML_WORKSPACE_TOKEN=$WS_TOKEN
srun aml-add-endpoint second
expect_ok "workspace, service and token from the environment"
srun aml-add-endpoint third
expect_fail 1 "^aml-add-endpoint: PUT $EPS/third: HTTP 400 BadRequest: The web service already has 3 endpoints, the most this workspace allows \\(the default endpoint included\\)\\. Delete an endpoint before adding another\\. $RID\$" \
    "the endpoint limit"
srun aml-add-endpoint --service 0123456789abcdef0123456789abcdef x
expect_fail 1 "^aml-add-endpoint: PUT /workspaces/$W/webservices/0123456789abcdef0123456789abcdef/endpoints/x: HTTP 404 WebServiceNotFound: Web service not found\\. .*$RID\$" \
    "an unknown web service"
srun aml-add-endpoint -w 0123456789abcdef0123456789abcdef x
expect_fail 1 "HTTP 404 WorkspaceNotFound: Workspace not found\\." "an unknown workspace"
printf 'not-the-token\n' >"$TMP/wrong"
srun aml-add-endpoint -k "$TMP/wrong" x
expect_fail 3 "^aml-add-endpoint: GET $EPS/x: HTTP 401 Unauthorized: The request couldn't be authorized\\. .*'Authorization: \\*\\*\\* $RID\$" \
    "a wrong token: exit 3; the request id survives the masking of the quoted header"
AML_WORKSPACE_TOKEN=$T srun aml-get-endpoint
expect_fail 3 "^aml-get-endpoint: GET $EPS: HTTP 401 Unauthorized: .*; AML_WORKSPACE_TOKEN looks like a file name: use AML_WORKSPACE_TOKEN_FILE\$" \
    "a file's name in AML_WORKSPACE_TOKEN: the 401 says to use AML_WORKSPACE_TOKEN_FILE"
AML_WORKSPACE_TOKEN= AML_WORKSPACE_TOKEN_FILE=$T srun aml-get-endpoint
expect_ok "AML_WORKSPACE_TOKEN_FILE"
AML_WORKSPACE_TOKEN= AML_API_KEY= srun aml-add-endpoint x
expect_fail 3 "^aml-add-endpoint: -k or AML_WORKSPACE_TOKEN is required \\(the workspace token or endpoint key; or AML_WORKSPACE_TOKEN_FILE, AML_API_KEY, AML_API_KEY_FILE\\)\$" \
    "no token"
AML_WORKSPACE_ID= srun aml-add-endpoint x
expect_usage "^aml-add-endpoint: -w or AML_WORKSPACE_ID is required \\(the workspace id\\)\$" "no workspace"
AML_WEBSERVICE_ID= srun aml-add-endpoint x
expect_usage "^aml-add-endpoint: --service or AML_WEBSERVICE_ID is required \\(the web service id\\)\$" "no web service"
srun env -u AML_CLASSIC_ENDPOINT aml-add-endpoint -l "Mars North" x
expect_usage "^aml-add-endpoint: -l Mars North: unknown region" "an unknown region"
srun aml-add-endpoint --throttle-level Medium x
expect_usage "^aml-add-endpoint: --throttle-level Medium: Low or High\$" "a throttle level it does not know"
srun aml-add-endpoint --max-calls 201 x
expect_usage "^aml-add-endpoint: --max-calls 201: a number from 1 to 200\$" "too many calls"
srun aml-add-endpoint
expect_usage "^aml-add-endpoint: NAME is required \\(the new endpoint's\\)\$" "no name"

# Getting.
srun aml-get-endpoint --service ""
expect_ok "the workspace's web services"
is "$(jq -r .Name "$TMP/out" | sort | paste -sd '|' -)" "Adult Census Income|Adult Census Income [Predictive Exp.]" \
    "one per line"
srun aml-get-endpoint
expect_ok "the web service's endpoints"
is "$(jq -r .Name "$TMP/out" | paste -sd ' ' -)" "default retrained second" "one per line"
grep -q 'Key"' "$TMP/out"
is $? 1 "no keys"
srun aml-get-endpoint --table
expect_ok "--table: the endpoints"
is "$(head -1 "$TMP/out")" "NAME       THROTTLE  MAX CALLS  MODIFIED" "a header"
is "$(awk 'NR > 1 { print $1 " " $2 " " $3 }' "$TMP/out" | paste -sd , -)" \
    "default Low 4,retrained Low 4,second Low 4" "a row an endpoint, aligned"
is "$(awk 'NR > 1 { print index($0, $4) }' "$TMP/out" | sort -u)" "$(head -1 "$TMP/out" | awk '{ print index($0, "MODIFIED") }')" \
    "the last column where its header is"
srun aml-get-endpoint --table --service ""
expect_ok "--table: the web services"
is "$(head -1 "$TMP/out" | tr -s ' ')" "NAME ID ENDPOINTS CREATED" "their header"
is "$(grep -c 'Adult Census Income' "$TMP/out")" 2 "a row each"
srun aml-get-endpoint --table --patch-url retrained
expect_usage "^aml-get-endpoint: give one of --table and --patch-url\$" "--table and --patch-url"
srun aml-get-endpoint retrained
expect_ok "one endpoint"
is "$(jq . "$TMP/out")" "$(cat "$TMP/out")" "as 2-space JSON"
is "$(jq -r '.Name + " " + .ApiLocation' "$TMP/out")" "retrained $EPURL" "its ApiLocation"
srun aml-get-endpoint --patch-url retrained
expect_ok "--patch-url"
is "$(cat "$TMP/out")" "$MGMT/$S/endpoints/retrained" "the PATCH URL"
PURL=$(cat "$TMP/out")
srun aml-get-endpoint -K "$TMP/second.key" second
expect_ok "-K"
key_secret "$TMP/second.key"
mgmt GET "/$S/endpoints/second"
is "$(cat "$TMP/second.key")" "$(jb .PrimaryKey)" "writes the primary key"
srun aml-get-endpoint -K "$TMP/second.key" second
expect_fail 1 "exists \\(use -f to replace it\\)" "not over a file without -f"
srun aml-get-endpoint -f -K "$TMP/second.key" second
expect_ok "with -f it does"

unset AML_WORKSPACE_ID AML_WEBSERVICE_ID AML_WORKSPACE_TOKEN
srun aml-get-endpoint -U "$PURL" -k "$TMP/ep.key"
expect_ok "-U with the endpoint's own key"
is "$(jq -r .Name "$TMP/out")" retrained "that endpoint"
srun aml-get-endpoint -U "${PURL%retrained}second" -k "$TMP/ep.key"
expect_fail 3 "HTTP 401 Unauthorized" "its key does not read another endpoint"
srun aml-get-endpoint -w "$W" --service "$S" -k "$T" nosuch
expect_fail 1 "^aml-get-endpoint: GET $EPS/nosuch: HTTP 404 EndpointNotFound: Endpoint 'nosuch' not found in web service $S\\..* $RID\$" \
    "an unknown endpoint"
srun aml-get-endpoint -U "$AML_EMULATOR_URL/workspaces/$W/endpoints/x" -k "$T"
expect_usage "^aml-get-endpoint: -U .*: not https://HOST/workspaces/ID/webservices/ID/endpoints/NAME\$" \
    "-U that is not an endpoint's URL"
srun aml-get-endpoint -U "$PURL" -w "$W" -k "$T"
expect_usage "^aml-get-endpoint: -U names the endpoint: leave out -w, --service, -l and NAME\$" "-U with -w"
srun aml-get-endpoint -w "$W" --service "$S" -k "$T" --patch-url
expect_usage "^aml-get-endpoint: --patch-url: NAME is required \\(the endpoint's\\)\$" "--patch-url without an endpoint"

no_secrets
done_testing
