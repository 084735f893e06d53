#!/bin/sh
# Every network program that reads its input from stdin, given a
# terminal there and no file, prints usage and exits 2, with nothing on
# stdout and without waiting for the terminal (HACKING.md).  The filters
# have theirs in 0203-bad-input.t.  script(1) gives the terminal; each
# program has its other options right and a signed-in account, so that
# the terminal is the one thing wrong.  A row per program: its command,
# and the first line of what it says.
. "$(dirname "$0")/lib.sh"
if ! command -v script >/dev/null 2>&1; then
	skip "no script(1)" "a terminal on stdin"
	done_testing
	exit 0
fi
emu_start
run aml-login
expect_ok "signed in"
emu requests -X DELETE
printf 'x\n' >"$TMP/key"
chmod 600 "$TMP/key"
export AML_WORKSPACE_ID=$AML_DEMO_WORKSPACE_ID AML_WEBSERVICE_ID=$AML_DEMO_SCORE_SERVICE
RG=$AML_DEMO_RG WS=$AML_DEMO_WS MLWS=$AML_DEMO_WORKSPACE EP=$AML_DEMO_ENDPOINT

while IFS='	' read -r cmd first; do
	[ -n "$cmd" ] || continue
	prog=${cmd%% *}
	rc=0
	# The program's stdout to a file; its stderr is the terminal's output.
	timeout 30 script -qec "$cmd >'$TMP/stdout'" /dev/null >"$TMP/tty" </dev/null || rc=$?
	tr -d '\r' <"$TMP/tty" >"$TMP/said"
	is "$rc" 2 "$cmd: a terminal on stdin: exit 2"
	like "$(head -1 "$TMP/said")" "$first" "$cmd: says $first"
	grep -q "^usage: $prog " "$TMP/said"; ok $? "$cmd: with the usage"
	is "$(wc -c <"$TMP/stdout" | tr -d ' ')" 0 "$cmd: nothing on stdout"
done <<EOF
aml-update-ws -g $RG -n $WS	^usage: aml-update-ws
aml-update-ws -g $RG -n $WS -	^usage: aml-update-ws
aml-new-ws -g $RG -n new -l southcentralus	^usage: aml-new-ws
aml-score -U $AML_DEMO_SCORE_URL -k $TMP/key	^usage: aml-score
aml-score -U $AML_DEMO_SCORE_URL -k $TMP/key -	^usage: aml-score
aml-retrain -U $AML_DEMO_TRAIN_URL -k $TMP/key	^usage: aml-retrain
aml-retrain -U $AML_DEMO_TRAIN_URL -k $TMP/key --check	^usage: aml-retrain
aml-patch-endpoint -k $TMP/key -b - ep	^usage: aml-patch-endpoint
aml-update-deployment -g $RG -w $MLWS -e $EP -d blue	^usage: aml-update-deployment
aml-update-deployment -g $RG -w $MLWS -e $EP -d blue -	^usage: aml-update-deployment
aml-new-deployment -g $RG -w $MLWS -e $EP -d green	^usage: aml-new-deployment
aml-run-job -g $RG -w $MLWS	^usage: aml-run-job
aml-run-job -g $RG -w $MLWS -n job1 -	^usage: aml-run-job
aml-invoke -g $RG -w $MLWS -e $EP	^usage: aml-invoke
aml-invoke -g $RG -w $MLWS -e $EP -d blue -	^usage: aml-invoke
aml-new-model -g $RG -w $MLWS -n $AML_DEMO_MODEL -j -	^usage: aml-new-model
aml-login --token-stdin	^aml-login: access token: standard input is a terminal; pipe the access token in$
aml-login --secret-stdin	^aml-login: client secret: standard input is a terminal; pipe the client secret in$
EOF

# And nothing was sent for any of them.
is "$(emu requests | jq length)" 0 "no request went out for any of them"
done_testing
