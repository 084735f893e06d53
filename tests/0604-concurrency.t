#!/bin/sh
# Concurrency: 20 pipelines (get | export | patch-ilearner | import |
# update) update 20 services at once, and 10 update one service at once,
# while tokens are renewed by every program (they last two minutes, less
# than the five-minute margin) and aml-token reads the cache.  Every
# program either succeeds or fails cleanly (exit 1, one line); the 20
# all succeed; the token cache stays whole JSON of mode 0600; the shared
# service ends up equal to exactly one of the definitions sent to it,
# one whose update succeeded.  Then the same for Azure Machine Learning:
# updates of one deployment, jobs and model versions at once.
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 50
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS

emu services -d '{"count":19}' >/dev/null
emu config -d '{"tokenLifetime":120}' >/dev/null
run aml-login
expect_ok "signed in, with a token of two minutes"
services="$WS $(seq -f "$WS-%03g" 1 19)"
is "$(echo $services | wc -w | tr -d ' ')" 20 "20 services"

# pipeline DIR SERVICE URI: the five programs, each one's exit status
# and stderr kept apart, what is sent to aml-update-ws in DIR/sent.
pipeline() {
	_d=$1
	mkdir -p "$_d"
	{ aml-get-ws -g "$RG" -n "$2"; echo $? >"$_d/rc1"; } 2>"$_d/err1" |
	    { aml-export-ws; echo $? >"$_d/rc2"; } 2>"$_d/err2" |
	    { aml-patch-ilearner -q -u "$3"; echo $? >"$_d/rc3"; } 2>"$_d/err3" |
	    { aml-import-ws; echo $? >"$_d/rc4"; } 2>"$_d/err4" |
	    tee "$_d/sent" |
	    { aml-update-ws -q -g "$RG" -n "$2"; echo $? >"$_d/rc5"; } >"$_d/out" 2>"$_d/err5"
}

# clean DIR: every program of the pipeline succeeded with nothing on
# stderr, or failed with exit 1 and one line (and then stdout is empty).
clean() {
	for _i in 1 2 3 4 5; do
		_rc=$(cat "$1/rc$_i" 2>/dev/null)
		_l=$(wc -l <"$1/err$_i")
		case $_rc:$_l in
		0:0|1:1) ;;
		*) echo "program $_i: exit $_rc, $_l lines: $(head -2 "$1/err$_i")"; return 1 ;;
		esac
	done
	[ "$(cat "$1/rc5")" = 0 ] || [ ! -s "$1/out" ] || { echo "output after a failure"; return 1; }
}

# 20 services, 20 pipelines, and aml-token ten times, all at once.
pids=
i=0
for s in $services; do
	i=$((i + 1))
	pipeline "$TMP/many/$i" "$s" "https://retrained.blob.core.windows.net/models/many/$s.ilearner" &
	pids="$pids $!"
done
for i in $(seq 1 10); do
	aml-token -r >"$TMP/tok$i" 2>"$TMP/tokerr$i" &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done

bad=
good=0
i=0
for s in $services; do
	i=$((i + 1))
	why=$(clean "$TMP/many/$i") || bad="$bad [$s: $why]"
	[ "$(cat "$TMP/many/$i/rc5")" = 0 ] && good=$((good + 1))
done
is "$bad" "" "20 pipelines on 20 services: every program succeeds or fails cleanly"
is "$good" 20 "and every update succeeds"
ok=0
for s in $services; do
	u=$(aml-get-ws -g "$RG" -n "$s" | jq -r '.properties.assets.asset3.locationInfo.uri')
	[ "$u" = "https://retrained.blob.core.windows.net/models/many/$s.ilearner" ] && ok=$((ok + 1))
done
is "$ok" 20 "each service has its own new model"
bad=
for i in $(seq 1 10); do
	case $(cat "$TMP/tok$i") in eyJ*) ;; *) bad="$bad $i" ;; esac
	[ -s "$TMP/tokerr$i" ] && bad="$bad $i:stderr"
done
is "$bad" "" "aml-token, read ten times meanwhile, printed a token each time"
jq -e '.accessTokens | length >= 1' "$AML_CONFIG_DIR/tokens.json" >/dev/null
ok $? "the token cache is whole JSON"
is "$(stat -c %a "$AML_CONFIG_DIR/tokens.json") $(stat -c %a "$AML_CONFIG_DIR/profile.json")" "600 600" "of mode 0600"
is "$(ls -A "$AML_CONFIG_DIR" | tr '\n' ' ')" "lock profile.json tokens.json " "and nothing else is left there"
n=$(emu requests | jq '[.[] | select(.path | test("/oauth2/v2.0/token"))] | length')
test "$n" -ge 2
ok $? "tokens were renewed meanwhile ($n token requests)"

# Ten pipelines on one service.
emu requests -X DELETE
pids=
for i in $(seq 1 10); do
	pipeline "$TMP/one/$i" "$WS" "https://retrained.blob.core.windows.net/models/one/$i.ilearner" &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done
bad=
won=
for i in $(seq 1 10); do
	why=$(clean "$TMP/one/$i") || bad="$bad [$i: $why]"
	if [ "$(cat "$TMP/one/$i/rc5")" = 0 ]; then
		won="$won $i"
	else
		grep -Eq "^aml-update-ws: PATCH /[^ ]+: HTTP 409 Conflict: .*\\(AnotherOperationInProgress\\)" "$TMP/one/$i/err5" ||
		    bad="$bad [$i: $(cat "$TMP/one/$i/err5")]"
	fi
done
is "$bad" "" "10 pipelines on one service: each succeeds, or fails cleanly (409 while another runs)"
test -n "$won"
ok $? "at least one update succeeds (${won# })"
aml-get-ws -g "$RG" -n "$WS" | aml-export-ws | jq -S . >"$TMP/final.json"
same=
for i in $(seq 1 10); do
	jq -S . "$TMP/one/$i/sent" | cmp -s - "$TMP/final.json" && same="$same $i"
done
is "$(echo $same | wc -w | tr -d ' ')" 1 "the service equals exactly one of the definitions sent"
case " $won " in
*" ${same# } "*) ok 0 "one whose update succeeded" ;;
*) ok 1 "one whose update succeeded"; diag "equal to:$same; succeeded:$won" ;;
esac
patches=$(emu requests | jq '[.[] | select(.method == "PATCH" and .status == 200)] | length')
is "$patches" "$(echo $won | wc -w | tr -d ' ')" "the service took one PATCH per success"
jq -e . "$AML_CONFIG_DIR/tokens.json" >/dev/null && [ "$(stat -c %a "$AML_CONFIG_DIR/tokens.json")" = 600 ]
ok $? "the token cache is still whole JSON of mode 0600"

# Commitment plans: ten plans made at once; then ten updates of one
# plan's capacity at once, and the one association moved to ten plans
# at once.  Each program succeeds or fails cleanly; the plan ends with
# the capacity of an update that succeeded, and the association under
# the plan of a move that succeeded, and under no other.
oneclean() {	# oneclean DIR: exit 0 and quiet, or exit 1 and one line
	case $(cat "$1/rc"):$(wc -l <"$1/err") in
	0:0) [ -s "$1/out" ] ;;
	1:1) [ ! -s "$1/out" ] ;;
	*) return 1 ;;
	esac
}
P=$AML_DEMO_PLAN
pids=
for i in $(seq 1 10); do
	mkdir -p "$TMP/plan/$i"
	{ aml-new-plan -q -c -g "$RG" -n "cp$i" -l southcentralus --sku S1 --capacity "$i"; echo $? >"$TMP/plan/$i/rc"; } \
	    >"$TMP/plan/$i/out" 2>"$TMP/plan/$i/err" &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done
bad=
for i in $(seq 1 10); do
	[ "$(cat "$TMP/plan/$i/rc")" = 0 ] && [ "$(jq -r .sku.capacity "$TMP/plan/$i/out")" = "$i" ] || bad="$bad $i"
done
is "$bad" "" "ten plans made at once, each as asked"
pids=
for i in $(seq 1 10); do
	mkdir -p "$TMP/upd/$i" "$TMP/mv/$i"
	{ aml-update-plan -q -c -g "$RG" -n cp1 --capacity "$i"; echo $? >"$TMP/upd/$i/rc"; } \
	    >"$TMP/upd/$i/out" 2>"$TMP/upd/$i/err" &
	pids="$pids $!"
done
A=$(aml-get-association -g "$RG" --plan "$P" | head -1 | jq -r .name)
for i in $(seq 1 10); do
	{ aml-move-association -q -c -g "$RG" --plan "$P" -n "$A" --to "cp$i"; echo $? >"$TMP/mv/$i/rc"; } \
	    >"$TMP/mv/$i/out" 2>"$TMP/mv/$i/err" &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done
bad=
caps=
moved=
for i in $(seq 1 10); do
	oneclean "$TMP/upd/$i" || bad="$bad upd$i"
	oneclean "$TMP/mv/$i" || bad="$bad mv$i"
	[ "$(cat "$TMP/upd/$i/rc")" = 0 ] && caps="$caps $i"
	[ "$(cat "$TMP/mv/$i/rc")" = 0 ] && moved="$moved cp$i"
done
is "$bad" "" "ten updates and ten moves at once: each succeeds or fails cleanly"
is "$(echo $caps | wc -w | tr -d ' ')" 10 "the updates all succeed"
cap=$(aml-get-plan -g "$RG" -n cp1 | jq -r .sku.capacity)
case " $caps " in *" $cap "*) ok 0 "cp1 has the capacity of one update ($cap)" ;;
*) ok 1 "cp1 has the capacity of one update"; diag "capacity $cap; updates:$caps" ;; esac
test -n "$moved"
ok $? "a move succeeds (of$moved; the others find the association gone)"
under=
for i in $(seq 1 10) ""; do
	n=${i:+cp$i}
	n=${n:-$P}
	aml-get-association -q -g "$RG" --plan "$n" -n "$A" >/dev/null 2>&1 && under="$under $n"
done
is "$(echo $under | wc -w | tr -d ' ')" 1 "the association is under exactly one plan ($under)"
case " $moved " in *" $(echo $under) "*) ok 0 "that of a move that succeeded" ;;
*) ok 1 "that of a move that succeeded"; diag "under:$under; moved:$moved" ;; esac
# Azure Machine Learning, all at once: 8 updates of one deployment (each
# succeeds, or fails cleanly with the 409 of an operation in progress),
# 6 jobs submitted without names (6 names, 6 Completed), 6 registrations
# of one model (6 versions, none made twice).
emu ml -d '{"retryAfter":0,"jobMs":0}' >/dev/null
MLG="-g $RG -w $AML_DEMO_WORKSPACE"
MLE=$AML_DEMO_ENDPOINT
aml-get-deployment $MLG -e "$MLE" -d blue | aml-export-deployment >"$TMP/dep.def"
jq -n '{properties: {jobType: "Command", command: "python train.py", environmentId: "azureml:sklearn:1",
    inputs: {training_data: {jobInputType: "uri_file", uri: "azureml://datastores/workspaceblobstore/paths/census/census-2023.csv"}},
    outputs: {model_output: {jobOutputType: "custom_model"}}}}' >"$TMP/mljob.json"
emu requests -X DELETE
pids=
for i in $(seq 1 8); do
	mkdir -p "$TMP/ml/$i"
	jq --arg d "update $i" '.properties.description = $d' "$TMP/dep.def" >"$TMP/ml/$i/sent"
	{ aml-update-deployment -q -c $MLG -e "$MLE" -d blue "$TMP/ml/$i/sent"; echo $? >"$TMP/ml/$i/rc"; } \
	    >"$TMP/ml/$i/out" 2>"$TMP/ml/$i/err" </dev/null &
	pids="$pids $!"
done
for i in $(seq 1 6); do
	mkdir -p "$TMP/job/$i" "$TMP/model/$i"
	{ aml-run-job -q -c $MLG "$TMP/mljob.json"; echo $? >"$TMP/job/$i/rc"; } \
	    >"$TMP/job/$i/out" 2>"$TMP/job/$i/err" </dev/null &
	pids="$pids $!"
	{ aml-new-model -q -c $MLG -n concurrent -u "azureml://jobs/$AML_DEMO_JOB/outputs/model_output"; \
	    echo $? >"$TMP/model/$i/rc"; } >"$TMP/model/$i/out" 2>"$TMP/model/$i/err" </dev/null &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done
bad=
won=
for i in $(seq 1 8); do
	case $(cat "$TMP/ml/$i/rc"):$(wc -l <"$TMP/ml/$i/err" | tr -d ' ') in
	0:0)	won="$won $i" ;;
	1:1)	grep -Eq "^aml-update-deployment: PUT /[^ ]+/deployments/blue: HTTP 409 Conflict: An operation \(PUT\) on deployment '[^']+' is in progress\." \
		    "$TMP/ml/$i/err" && [ ! -s "$TMP/ml/$i/out" ] || bad="$bad [$i: $(cat "$TMP/ml/$i/err")]" ;;
	*)	bad="$bad [$i: exit $(cat "$TMP/ml/$i/rc"): $(head -2 "$TMP/ml/$i/err")]" ;;
	esac
done
is "$bad" "" "8 updates of one deployment: each succeeds, or fails cleanly (409 while another runs)"
test -n "$won"
ok $? "at least one succeeds (${won# })"
final=$(aml-get-deployment $MLG -e "$MLE" -d blue | jq -r '[.properties.provisioningState, .properties.description] | join(" ")')
case " $won " in
*" ${final#Succeeded update } "*) ok 0 "the deployment is one of those sent whose update succeeded ($final)" ;;
*) ok 1 "the deployment is one of those sent whose update succeeded"; diag "it is $final; succeeded:$won" ;;
esac
is "$(emu requests | jq '[.[] | select(.method == "PUT" and (.path | test("/deployments/blue")) and .status == 200)] | length')" \
    "$(echo $won | wc -w | tr -d ' ')" "the deployment took one PUT per success"
bad=
for i in $(seq 1 6); do
	[ "$(cat "$TMP/job/$i/rc")" = 0 ] && [ ! -s "$TMP/job/$i/err" ] &&
	    [ "$(jq -r .properties.status "$TMP/job/$i/out")" = Completed ] || bad="$bad [job $i: $(head -1 "$TMP/job/$i/err")]"
	[ "$(cat "$TMP/model/$i/rc")" = 0 ] && [ ! -s "$TMP/model/$i/err" ] || bad="$bad [model $i: $(head -1 "$TMP/model/$i/err")]"
done
is "$bad" "" "6 jobs and 6 registrations at once: every one succeeds"
is "$(cat "$TMP"/job/*/out | jq -r .name | sort -u | wc -l | tr -d ' ')" 6 "6 jobs of 6 names"
is "$(cat "$TMP"/model/*/out | jq -r .name | sort -n | tr '\n' ' ')" "1 2 3 4 5 6 " "6 versions of the model, each made once"
is "$(emu requests | jq '[.[] | select(.method == "PUT" and (.path | test("/models/concurrent/versions/")) and .status == 201)] | length')" 6 \
    "by 6 PUTs that made them"
jq -e . "$AML_CONFIG_DIR/tokens.json" >/dev/null && [ "$(stat -c %a "$AML_CONFIG_DIR/tokens.json")" = 600 ]
ok $? "the token cache is whole JSON of mode 0600 after them too"

done_testing
