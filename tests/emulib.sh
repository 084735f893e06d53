# tests/emulib.sh: helpers for the tests of aml-emulator itself, sourced
# after lib.sh.  They talk HTTP with curl and read JSON with jq.

# http METHOD URL [CURL-ARGS...]: the status in $status, the body in
# $TMP/body, the headers in $TMP/hdr.
http() {
	_m=$1 _u=$2
	shift 2
	status=$(curl -sS -o "$TMP/body" -D "$TMP/hdr" -w '%{http_code}' \
	    -X "$_m" "$@" "$_u" 2>"$TMP/curlerr") || status=000
}

# hdr NAME: the value of a response header of the last http.
hdr() {
	grep -i "^$1:" "$TMP/hdr" | head -1 | cut -d' ' -f2- | tr -d '\r'
}

# jb FILTER: jq -r on the last body.
jb() {
	jq -r "$1" "$TMP/body" 2>/dev/null
}

b64url() {
	openssl base64 -A | tr '+/' '-_' | tr -d '='
}

# jwt_part TOKEN N: part N (1 the header, 2 the claims) as JSON.
jwt_part() {
	_p=$(printf '%s' "$1" | cut -d. -f"$2" | tr '_-' '/+')
	case $((${#_p} % 4)) in
	2) _p="$_p==" ;;
	3) _p="$_p=" ;;
	esac
	printf '%s' "$_p" | openssl base64 -d -A
}

# jwt_sign HEADER CLAIMS KEYFILE [pss]: a JWT signed with SHA-256 RSA
# (PKCS#1 v1.5, or PSS for PS256).
jwt_sign() {
	_h=$(printf '%s' "$1" | b64url)
	_c=$(printf '%s' "$2" | b64url)
	if [ "${4:-}" = pss ]; then
		_s=$(printf '%s.%s' "$_h" "$_c" | openssl dgst -sha256 -sign "$3" \
		    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -binary | b64url)
	else
		_s=$(printf '%s.%s' "$_h" "$_c" | openssl dgst -sha256 -sign "$3" -binary | b64url)
	fi
	printf '%s.%s.%s' "$_h" "$_c" "$_s"
}

# jwt_verify TOKEN PUBKEY-PEM: status 0 when the RS256 signature holds.
jwt_verify() {
	printf '%s' "$1" | cut -d. -f1,2 | tr -d '\n' >"$TMP/jwt.data"
	_s=$(printf '%s' "$1" | cut -d. -f3 | tr '_-' '/+')
	case $((${#_s} % 4)) in
	2) _s="$_s==" ;;
	3) _s="$_s=" ;;
	esac
	printf '%s' "$_s" | openssl base64 -d -A >"$TMP/jwt.sig"
	openssl dgst -sha256 -verify "$2" -signature "$TMP/jwt.sig" "$TMP/jwt.data" >/dev/null 2>&1
}

# token_v2 / token_v1: a form POST to the token endpoint of the tenant.
token_v2() {
	http POST "$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/oauth2/v2.0/token" "$@"
}

token_v1() {
	http POST "$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/oauth2/token" "$@"
}

# arm_token: an ARM access token of the secret service principal.
arm_token() {
	curl -sS "$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/oauth2/v2.0/token" \
	    --data-urlencode grant_type=client_credentials \
	    --data-urlencode "client_id=$AZURE_CLIENT_ID" \
	    --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" \
	    --data-urlencode scope=https://management.azure.com/.default |
	    jq -r .access_token
}

# arm METHOD PATH [CURL-ARGS...]: a call to Resource Manager with $AT.
arm() {
	_m=$1 _p=$2
	shift 2
	http "$_m" "$AML_ARM_ENDPOINT$_p" -H "Authorization: Bearer $AT" "$@"
}

# The demo service's paths.
ws_paths() {
	SUB=/subscriptions/$AZURE_SUBSCRIPTION_ID
	RGP=$SUB/resourceGroups/$AML_DEMO_RG
	WSL=$RGP/providers/Microsoft.MachineLearning/webServices
	WS=$WSL/$AML_DEMO_WS
	V=api-version=2017-01-01
	VP=api-version=2016-05-01-preview
	PLAN=$RGP/providers/Microsoft.MachineLearning/commitmentPlans/$AML_DEMO_PLAN
}

# on_demo_plan FILE: the web service definition FILE with the commitment
# plan it names (the recording's, or the fixture's placeholder) replaced
# by the seeded one, every other byte kept: the emulator makes a service
# only with a plan it holds, as the resource provider did.  After ws_paths.
on_demo_plan() {
	sed -e "s#\"/subscriptions/[^\"]*/commitmentPlans/[^\"]*\"#\"$PLAN\"#" \
	    -e "s#\"WILL BE FILLED IN BY THE TEST\"#\"$PLAN\"#" "$1"
}

# lro_wait URL: poll an Azure-AsyncOperation URL until it is terminal
# (bounded, as wait_until is); the last poll's body stays in $TMP/body.
lro_wait() {
	_i=0
	while [ $_i -lt 1200 ]; do
		http GET "$1" -H "Authorization: Bearer $AT"
		case $(jb .status) in
		Succeeded|Failed|Canceled) return 0 ;;
		esac
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

# is_rc GOT EXPECTED DESCRIPTION, for HTTP statuses (with the body on
# failure, which is what one wants to see).
is_status() {
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"; diag "status $1, expected $2" "$(head -c 600 "$TMP/body")"; fi
}

# ml_paths: the Azure Machine Learning workspace's paths (W), the
# api-version (MV) and the demo endpoint (EP).
ml_paths() {
	SUB=/subscriptions/$AZURE_SUBSCRIPTION_ID
	W=$SUB/resourceGroups/$AML_DEMO_RG/providers/Microsoft.MachineLearningServices/workspaces/$AML_DEMO_WORKSPACE
	MV=api-version=2024-04-01
	EP=$W/onlineEndpoints/$AML_DEMO_ENDPOINT
}

# hold WHAT MATCH: a hold (/_emu/holds); its id in $HOLD.
hold() {
	HOLD=$(emu holds -d "{\"what\":\"$1\",\"match\":\"$2\"}" | jq -r .id)
}

unhold() {
	emu "holds/${1:-$HOLD}" -X DELETE >/dev/null
}

# ml_score URL KEY BODY [CURL-ARGS...]: POST to a scoring URI.
ml_score() {
	_u=$1 _k=$2 _b=$3
	shift 3
	http POST "$_u" -H "Authorization: Bearer $_k" -H 'Content-Type: application/json' \
	    --data "$_b" "$@"
}
