#!/bin/sh
# TLS: against aml-emulator --tls every network program succeeds with
# the emulator's CA given by --ca-bundle, CURL_CA_BUNDLE or
# SSL_CERT_FILE, and fails without it, or with another CA, or on a name
# the certificate does not have: exit 1, one line naming the
# verification error.  Plain http to a host that is not loopback is
# refused before any connection: a second emulator on 127.0.0.2, set as
# every proxy, records any attempt, and must see none (nor must the
# first; and strace, when there is one, sees no connect()).
. "$(dirname "$0")/lib.sh"
emu_start --tls --lro-ms 50
CA=$CURL_CA_BUNDLE
unset CURL_CA_BUNDLE SSL_CERT_FILE
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10 AML_RETRY_MAX=0
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS
W=$AML_DEMO_WORKSPACE_ID
S=$AML_DEMO_SCORE_SERVICE
T=$AML_DEMO_WORKSPACE_TOKEN_FILE
ROWS=$TESTS/../examples/data/rows.json

emu() {	# the control API, over https
	_path=$1; shift
	curl -sS --fail-with-body --noproxy '*' --cacert "$CA" "$AML_EMULATOR_URL/_emu/$_path" "$@"
}

# Two more emulators: one with TLS on 127.0.0.3 (another CA), and a
# plain one on 127.0.0.2, the recorder.
others=
more_emu() {	# more_emu NAME ARGS: its environment in $TMP/NAME.env
	_me=$1
	shift
	aml-emulator --daemon --dir "$TMP/$_me" "$@" >"$TMP/$_me.env" ||
	    { echo "Bail out! aml-emulator $* did not start"; exit 1; }
	others="$others $(sed -n "s/^export AML_EMULATOR_PID='\([0-9]*\)'.*/\1/p" "$TMP/$_me.env")"
}
trap 'for p in $others; do kill "$p" 2>/dev/null; done; _cleanup' EXIT
more_emu tls2 --tls -a 127.0.0.3
more_emu rec -a 127.0.0.2
CA2=$(. "$TMP/tls2.env" && echo "$CURL_CA_BUNDLE")
REC=$(. "$TMP/rec.env" && echo "$AML_EMULATOR_URL")

run aml-login -E "$CA"
expect_ok "signed in over https with --ca-bundle"
like "$(jq -r .resourceManager "$AML_CONFIG_DIR/profile.json")" '^https://127\.0\.0\.1:' "to an https endpoint"
cp -a "$AML_CONFIG_DIR" "$TMP/cfgsnap"
aml-get-ws -E "$CA" -g "$RG" -n "$WS" | aml-export-ws >"$TMP/def.json"
printf '{"properties":{"packageType":"Graph","title":"TLS"}}' >"$TMP/title.json"
emu studio -d '{"jobMs":50,"switchMs":100}' >/dev/null
jq -n --arg cs "$(cat "$AML_DEMO_STORAGE_CONNECTION_FILE")" '
    {Inputs: {input1: {ConnectionString: $cs, RelativeLocation: "data/adult-census-income.csv"}},
     Outputs: {output1: {ConnectionString: $cs, RelativeLocation: "models/tls.ilearner"}},
     GlobalParameters: {}}' >"$TMP/job.json"
aml-retrain -q -E "$CA" --interval 0.02 -U "$AML_DEMO_TRAIN_URL" -k "$AML_DEMO_TRAIN_KEY_FILE" "$TMP/job.json" >"$TMP/result.json"
ok $? "a trained model, over https"
aml-add-endpoint -q -E "$CA" -w "$W" --service "$S" -k "$T" tls >/dev/null
ok $? "an endpoint, over https"
# Azure Machine Learning: a deployment's definition, scoring rows.
emu ml -d '{"jobMs":0,"retryAfter":0}' >/dev/null
MLG="-g $RG -w $AML_DEMO_WORKSPACE"
MLE=$AML_DEMO_ENDPOINT
aml-get-deployment -E "$CA" $MLG -e "$MLE" -d blue | aml-export-deployment >"$TMP/dep.def"
ok $? "a deployment's definition, over https"
printf '{"data":[[50,16,60,15024]]}\n' >"$TMP/rows.json"

# how MODE NAME: run the program with the CA given so (option, curl,
# ssl), with another CA (other), or not at all (none).
how() {
	_e=
	case $1 in
	option)	_e="-E $CA" ;;
	other)	_e="-E $CA2" ;;
	esac
	case $1 in
	curl)	set -- env CURL_CA_BUNDLE="$CA" ;;
	ssl)	set -- env SSL_CERT_FILE="$CA" ;;
	*)	set -- env ;;
	esac
	case $name in
	login)	run "$@" aml-login $_e ;;
	list)	run "$@" aml-login --list $_e ;;
	token)	run "$@" aml-token --resource https://management.core.windows.net/ $_e ;;
	get)	run "$@" aml-get-ws -g "$RG" -n "$WS" $_e ;;
	keys)	run "$@" aml-ws-keys -g "$RG" -n "$WS" $_e ;;
	update)	run "$@" aml-update-ws -g "$RG" -n "$WS" $_e "$TMP/title.json" ;;
	new)	run "$@" aml-new-ws -f -g "$RG" -n tls -l southcentralus $_e "$TMP/def.json" ;;
	region)	run "$@" aml-add-region -g "$RG" -n "$WS" -l westcentralus $_e ;;
	rm)	run "$@" aml-rm-ws -g "$RG" -n tls $_e ;;
	retrain) run "$@" aml-retrain --interval 0.02 -U "$AML_DEMO_TRAIN_URL" -k "$AML_DEMO_TRAIN_KEY_FILE" $_e "$TMP/job.json" ;;
	score)	run "$@" aml-score -U "$AML_DEMO_SCORE_URL" -k "$AML_DEMO_SCORE_KEY_FILE" $_e "$ROWS" ;;
	addep)	run "$@" aml-add-endpoint -f -w "$W" --service "$S" -k "$T" $_e tls ;;
	getep)	run "$@" aml-get-endpoint -w "$W" --service "$S" -k "$T" $_e tls ;;
	patchep) run "$@" aml-patch-endpoint -w "$W" --service "$S" -k "$T" -b "$TMP/result.json" $_e tls ;;
	getplan) run "$@" aml-get-plan -g "$RG" -n "$AML_DEMO_PLAN" $_e ;;
	newplan) run "$@" aml-new-plan -f -g "$RG" -n tls -l southcentralus --sku S1 $_e ;;
	updplan) run "$@" aml-update-plan -g "$RG" -n "$AML_DEMO_PLAN" --tag a=b $_e ;;
	rmplan)	"$@" aml-new-plan -q -f -g "$RG" -n tlsrm -l southcentralus --sku S1 $_e >/dev/null 2>&1
		run "$@" aml-rm-plan -g "$RG" -n tlsrm $_e ;;
	usage)	run "$@" aml-plan-usage -g "$RG" -n "$AML_DEMO_PLAN" $_e ;;
	getassoc) run "$@" aml-get-association -g "$RG" --plan "$AML_DEMO_PLAN" $_e ;;
	moveassoc)
		_a=$(aml-get-association -q -E "$CA" -g "$RG" --plan "$AML_DEMO_PLAN" | jq -r .name)
		run "$@" aml-move-association -g "$RG" --plan "$AML_DEMO_PLAN" -n "$_a" --to "$AML_DEMO_PLAN" $_e
		# The service refuses a move to the plan itself: that it answered
		# is what the success modes are after.
		[ "$rc" = 1 ] && grep -q '(SameCommitmentPlan)' "$TMP/err" && { rc=0; : >"$TMP/err"; } ;;
	rmep)	"$@" aml-add-endpoint -q -f -w "$W" --service "$S" -k "$T" $_e tlsrm >/dev/null 2>&1
		run "$@" aml-rm-endpoint -w "$W" --service "$S" -k "$T" $_e tlsrm ;;
	refep)	run "$@" aml-refresh-endpoint -w "$W" --service "$S" -k "$T" $_e tls ;;
	mlget)	run "$@" aml-get-deployment $MLG -e "$MLE" -d blue $_e ;;
	mlupdate) run "$@" aml-update-deployment $MLG -e "$MLE" -d blue $_e "$TMP/dep.def" ;;
	mlnew)	run "$@" aml-new-deployment -f $MLG -e "$MLE" -d tls $_e "$TMP/dep.def" ;;
	mlrm)	run "$@" aml-rm-deployment -q $MLG -e "$MLE" -d tls $_e ;;
	traffic) run "$@" aml-traffic $MLG -e "$MLE" $_e ;;
	invoke)	run "$@" aml-invoke $MLG -e "$MLE" $_e "$TMP/rows.json" ;;
	mlkeys)	run "$@" aml-online-keys $MLG -e "$MLE" $_e ;;
	runjob)	run "$@" aml-run-job $MLG -j "$AML_DEMO_JOB" $_e ;;
	newmodel) run "$@" aml-new-model -q $MLG -n tls -u "azureml://jobs/$AML_DEMO_JOB/outputs/model_output" $_e ;;
	esac
}
progname() {
	case $1 in
	login|list) echo aml-login ;; token) echo aml-token ;; get) echo aml-get-ws ;;
	keys) echo aml-ws-keys ;; update) echo aml-update-ws ;; new) echo aml-new-ws ;;
	region) echo aml-add-region ;; rm) echo aml-rm-ws ;; retrain) echo aml-retrain ;;
	score) echo aml-score ;; addep) echo aml-add-endpoint ;; getep) echo aml-get-endpoint ;;
	patchep) echo aml-patch-endpoint ;;
	getplan) echo aml-get-plan ;; newplan) echo aml-new-plan ;; updplan) echo aml-update-plan ;;
	rmplan) echo aml-rm-plan ;; usage) echo aml-plan-usage ;; getassoc) echo aml-get-association ;;
	moveassoc) echo aml-move-association ;; rmep) echo aml-rm-endpoint ;;
	refep) echo aml-refresh-endpoint ;; mlget) echo aml-get-deployment ;;
	mlupdate) echo aml-update-deployment ;; mlnew) echo aml-new-deployment ;;
	mlrm) echo aml-rm-deployment ;; traffic) echo aml-traffic ;; invoke) echo aml-invoke ;;
	mlkeys) echo aml-online-keys ;; runjob) echo aml-run-job ;; newmodel) echo aml-new-model ;;
	esac
}

VERIFY='TLS certificate verification failed: SSL certificate problem: [^()]+'
for name in login list token get keys update new region rm retrain score addep getep patchep \
    getplan newplan updplan rmplan usage getassoc moveassoc rmep refep \
    mlget mlupdate mlnew mlrm traffic invoke mlkeys runjob newmodel; do
	p=$(progname "$name")
	for mode in option curl ssl; do
		rm -rf "$AML_CONFIG_DIR"
		cp -a "$TMP/cfgsnap" "$AML_CONFIG_DIR"
		how $mode
		expect_ok "$p, the CA from $(case $mode in option) echo --ca-bundle ;; curl) echo CURL_CA_BUNDLE ;; ssl) echo SSL_CERT_FILE ;; esac)"
	done
	rm -rf "$AML_CONFIG_DIR"
	cp -a "$TMP/cfgsnap" "$AML_CONFIG_DIR"
	how none
	expect_fail 1 "^$p: .*$VERIFY \\(CA bundle: the system store; set --ca-bundle, CURL_CA_BUNDLE or SSL_CERT_FILE\\)\$" \
	    "$p, no CA: exit 1, one line naming the verification error"
	rm -rf "$AML_CONFIG_DIR"
	cp -a "$TMP/cfgsnap" "$AML_CONFIG_DIR"
	how other
	expect_fail 1 "^$p: .*$VERIFY \\(CA bundle: $CA2\\)\$" "$p, another CA: refused the same way, naming it"
done

# The certificate's names are checked, not only its signature: the
# emulator's is for 127.0.0.1 and localhost, and foo.localhost reaches
# the same server (curl resolves *.localhost to loopback).
port=${AML_EMULATOR_URL##*:}
rm -rf "$AML_CONFIG_DIR"
cp -a "$TMP/cfgsnap" "$AML_CONFIG_DIR"
run env AML_ARM_ENDPOINT="https://foo.localhost:$port" aml-get-ws -E "$CA" -g "$RG" -n "$WS"
expect_fail 1 "^aml-get-ws: GET /[^ ]+: TLS certificate verification failed: SSL: no alternative certificate subject name matches target host name 'foo\\.localhost' \\(CA bundle: $CA\\)\$" \
    "a name the certificate does not have: refused"
# An emulator on another address has a certificate for it.
run env -i PATH="$PATH" HOME="$HOME" sh -c ". '$TMP/tls2.env' && AML_CONFIG_DIR='$TMP/config2' aml-login -E '$CA2'"
expect_ok "aml-emulator --tls -a 127.0.0.3: its certificate names 127.0.0.3"

# Plain http to a host that is not loopback: every proxy variable names
# the recorder, which logs whatever reaches it; first, that it does.
export http_proxy="$REC" HTTP_PROXY="$REC" https_proxy="$REC" HTTPS_PROXY="$REC" ALL_PROXY="$REC" all_proxy="$REC"
recreq() { curl -sS --noproxy '*' "$REC/_emu/requests"; }
run env AML_ARM_ENDPOINT=https://arm.aml-test.invalid aml-get-ws -E "$CA" -g "$RG" -n "$WS"
is "$rc" 1 "(https to a remote host goes through the proxy, and fails there)"
is "$(recreq | jq -r '.[0] | .method + " " + .path')" "CONNECT arm.aml-test.invalid:443" \
    "the recorder sees a program's attempt"
curl -sS --noproxy '*' -X DELETE "$REC/_emu/requests"
emu requests -X DELETE

rm -rf "$AML_CONFIG_DIR"
cp -a "$TMP/cfgsnap" "$AML_CONFIG_DIR"
refused() {	# refused STATUS DESCRIPTION CMD...: exit STATUS, nothing on stdout,
	# a first line that says why (a usage error may follow with usage)
	_st=$1 _d=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$_st" ] && [ ! -s "$TMP/out" ] &&
	    head -1 "$TMP/err" | grep -Eq 'plain http is (allowed only for loopback addresses|refused for [^ ]+, which is not a loopback address) \(use https\)|: not https://'; then
		ok 0 "$_d"
	else
		ok 1 "$_d"; diag "exit $rc (expected $_st)" "$(head -2 "$TMP/err")"
	fi
}
cat >"$TMP/plain" <<EOF
2 aml-get-ws, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-get-ws -g $RG -n $WS
2 aml-get-plan, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-get-plan -g $RG
2 aml-new-plan, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-new-plan -g $RG -n x -l southcentralus --sku S1
2 aml-update-plan, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-update-plan -g $RG -n x --capacity 2
2 aml-rm-plan, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-rm-plan -g $RG -n x
2 aml-plan-usage, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-plan-usage -g $RG -n x
2 aml-get-association, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-get-association -g $RG --plan x
2 aml-move-association, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-move-association -g $RG --plan x -n y --to z
2 aml-rm-endpoint, AML_CLASSIC_ENDPOINT	env AML_CLASSIC_ENDPOINT=http://mgmt.example.com aml-rm-endpoint -w $W --service $S -k $T tls
2 aml-refresh-endpoint --endpoint-url	aml-refresh-endpoint -U http://mgmt.example.com/workspaces/$W/webservices/$S/endpoints/tls -k $T
2 aml-ws-keys, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-ws-keys -g $RG -n $WS
2 aml-update-ws, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-update-ws -g $RG -n $WS $TMP/title.json
2 aml-new-ws, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-new-ws -f -g $RG -n x -l southcentralus $TMP/def.json
2 aml-rm-ws, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-rm-ws -g $RG -n $WS
2 aml-add-region, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-add-region -g $RG -n $WS -l westcentralus
2 aml-login -l, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-login --list
2 aml-login, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-login
2 aml-login, AZURE_AUTHORITY_HOST	env AZURE_AUTHORITY_HOST=http://login.example.com aml-login
2 aml-login -I, AML_IMDS_ENDPOINT	env AML_IMDS_ENDPOINT=http://imds.example.com aml-login -I
2 aml-retrain --url	aml-retrain -U http://bes.example.com/workspaces/$W/services/x -k $AML_DEMO_TRAIN_KEY_FILE $TMP/job.json
2 aml-score --url	aml-score -U http://rrs.example.com/workspaces/$W/services/x -k $AML_DEMO_SCORE_KEY_FILE $ROWS
2 aml-add-endpoint, AML_CLASSIC_ENDPOINT	env AML_CLASSIC_ENDPOINT=http://mgmt.example.com aml-add-endpoint -w $W --service $S -k $T x
2 aml-get-endpoint, AML_CLASSIC_ENDPOINT	env AML_CLASSIC_ENDPOINT=http://mgmt.example.com aml-get-endpoint -w $W --service $S -k $T tls
2 aml-patch-endpoint, AML_CLASSIC_ENDPOINT	env AML_CLASSIC_ENDPOINT=http://mgmt.example.com aml-patch-endpoint -w $W --service $S -k $T -b $TMP/result.json tls
2 aml-get-endpoint --endpoint-url	aml-get-endpoint -U http://mgmt.example.com/workspaces/$W/webservices/$S/endpoints/tls -k $T
2 aml-patch-endpoint --endpoint-url	aml-patch-endpoint -U http://mgmt.example.com/workspaces/$W/webservices/$S/endpoints/tls -k $T -b $TMP/result.json
2 aml-get-deployment, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-get-deployment $MLG -e $MLE -d blue
2 aml-update-deployment, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-update-deployment $MLG -e $MLE -d blue $TMP/dep.def
2 aml-new-deployment, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-new-deployment $MLG -e $MLE -d x $TMP/dep.def
2 aml-rm-deployment, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-rm-deployment $MLG -e $MLE -d blue
2 aml-traffic, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-traffic $MLG -e $MLE blue=100
2 aml-invoke, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-invoke $MLG -e $MLE $TMP/rows.json
2 aml-online-keys, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-online-keys $MLG -e $MLE
2 aml-run-job, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-run-job $MLG -j x
2 aml-new-model, AML_ARM_ENDPOINT	env AML_ARM_ENDPOINT=http://arm.example.com aml-new-model $MLG -n x -u y
2 foo.localhost is not loopback	env AML_ARM_ENDPOINT=http://foo.localhost:$port aml-get-ws -g $RG -n $WS
2 nor is ::ffff:127.0.0.1	env AML_ARM_ENDPOINT=http://[::ffff:127.0.0.1]:$port aml-get-ws -g $RG -n $WS
EOF
while IFS='	' read -r what cmd <&3; do
	# shellcheck disable=SC2086
	refused "${what%% *}" "${what#* } with plain http to a remote host: refused" $cmd </dev/null
done 3<"$TMP/plain"
# A sign-in whose stored endpoints were changed to plain http.
jq '.resourceManager = "http://arm.example.com" | .authorityHost = "http://login.example.com"' \
    "$TMP/cfgsnap/profile.json" >"$AML_CONFIG_DIR/profile.json"
for c in "aml-get-ws -g $RG -n $WS" "aml-token --resource https://management.core.windows.net/" "aml-login --list"; do
	# shellcheck disable=SC2086
	run $c
	expect_fail 1 "^${c%% *}: sign-in failed: POST /[^ ]+/oauth2/v2\\.0/token: plain http is refused for login\\.example\\.com, which is not a loopback address \\(use https\\)\$" \
	    "${c%% *} with a stored sign-in changed to plain http: refused, one line"
done
recreq >"$TMP/rec.json"
is "$(jq length "$TMP/rec.json")" 0 "the recorder saw no attempt"
[ "$(jq length "$TMP/rec.json")" = 0 ] || diag "$(jq -c '.[] | [.method, .path]' "$TMP/rec.json")"
is "$(emu requests | jq length)" 0 "nor did the emulator"

# strace, when there is one, sees no connect() at all.
if command -v strace >/dev/null 2>&1 && strace -f -qq -e trace=connect -o /dev/null true 2>/dev/null; then
	for c in "env AML_ARM_ENDPOINT=http://arm.example.com aml-update-ws -g $RG -n $WS $TMP/title.json" \
	    "aml-score -U http://rrs.example.com/workspaces/$W/services/x -k $AML_DEMO_SCORE_KEY_FILE $ROWS" \
	    "aml-get-ws -g $RG -n $WS"; do
		# shellcheck disable=SC2086
		strace -f -qq -e trace=connect -o "$TMP/strace" $c >/dev/null 2>&1 </dev/null
		is "$(grep -c 'AF_INET' "$TMP/strace")" 0 "strace: ${c%% -*}... makes no connection"
	done
else
	for i in 1 2 3; do skip "no strace" "strace: no connection"; done
fi

done_testing
