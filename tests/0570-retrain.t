#!/bin/sh
# aml-retrain: a job from request to Finished, and what comes out: the
# status with Results and JobId, read by aml-patch-ilearner and
# aml-patch-endpoint; StatusCode as names and as numbers; -o, -n, -j,
# --check; the key from a file or the environment; the requests sent;
# the progress line on a terminal and the polls backing off.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
. "$TESTS/lib-studio.sh"
studio_start
CSV=$TESTS/../examples/data/census-2024.csv
upload "$CSV" data/census-2024.csv
job_json data/census-2024.csv models/r1.ilearner models/r1-eval.csv >"$TMP/job.json"
U=$AML_DEMO_TRAIN_URL
K=$AML_DEMO_TRAIN_KEY_FILE

emu requests -X DELETE
srun_bes aml-retrain -U "$U" -k "$K" "$TMP/job.json"
expect_ok "a job runs to Finished"
is "$(wc -c <"$TMP/err" | tr -d ' ')" 0 "nothing on stderr (no terminal, no progress)"
cp "$TMP/out" "$TMP/result.json"
is "$(jq -r .StatusCode "$TMP/result.json")" Finished "the status is printed"
is "$(jq -r '.Results.output1.RelativeLocation' "$TMP/result.json")" models/r1.ilearner "with Results"
is "$(jq -r '.Results.output2.RelativeLocation' "$TMP/result.json")" models/r1-eval.csv "for every output"
like "$(jq -r '.Results.output1.SasBlobToken' "$TMP/result.json")" '^\?sv=.*&sig=' "SAS kept (the purpose)"
like "$(jq -r .JobId "$TMP/result.json")" '^[0-9a-f]{32}$' "and the job id"
is "$(jq -r 'keys_unsorted | join(",")' "$TMP/result.json")" "StatusCode,Results,Details,JobId" \
    "the service's members in its order, JobId last"
is "$(head -2 "$TMP/result.json" | tail -1)" '  "StatusCode": "Finished",' "2-space indented"
emu requests >"$TMP/log.json"
is "$(jq -r '[.[] | .method + " " + (.path | sub("\\?.*"; "") | sub(".*/services/[0-9a-f]+"; ""))] | .[0:2] | join(", ")' "$TMP/log.json")" \
    "POST /jobs, POST /jobs/$(jq -r .JobId "$TMP/result.json")/start" "submit, then start"
is "$(jq -r '[.[] | .path | test("api-version=2\\.0$")] | all' "$TMP/log.json")" true "api-version=2.0 on each"
is "$(jq -r '.[1] | [.bodySize, (.headers | with_entries(.key |= ascii_downcase) | has("content-type"))] | @text' "$TMP/log.json")" \
    '[0,false]' "start: an empty POST, and no Content-Type (libcurl would say it is a form)"
is "$(jq -r '[.[] | .authScheme] | unique | join(",")' "$TMP/log.json")" Bearer "the key as a bearer"
is "$(jq -r '[.[2:][] | .method] | unique | join(",")' "$TMP/log.json")" GET "then GETs of the status"
http GET "$(jq -r '.Results.output1 | .BaseLocation + .RelativeLocation + .SasBlobToken' "$TMP/result.json")"
is "$(jb .format)" aml-emulator/ilearner "the SAS reads the new model"

# The next programs take it.
run aml-login
expect_ok "signed in"
aml-get-ws -g "$AML_DEMO_RG" -n "$AML_DEMO_WS" | aml-export-ws >"$TMP/def.json"
srun aml-patch-ilearner -q -b "$TMP/result.json" "$TMP/def.json"
expect_ok "aml-patch-ilearner -b reads the status"
is "$(jq -r '.properties.assets.asset3.locationInfo.uri' "$TMP/out")" "$AML_DEMO_STORAGE_URL/models/r1.ilearner" \
    "Base + Relative, without the SAS"

# StatusCode as a number.
emu studio -d '{"statusAsInt":true}' >/dev/null
srun_bes aml-retrain -U "$U" -k "$K" "$TMP/job.json"
expect_ok "StatusCode as numbers"
is "$(jq -c .StatusCode "$TMP/out")" 4 "printed as the service sent it"
cp "$TMP/out" "$TMP/int.json"
srun aml-patch-ilearner -q -b "$TMP/int.json" "$TMP/def.json"
expect_ok "and still understood downstream"
emu studio -d '{"statusAsInt":false}' >/dev/null

# -o, -f.
srun_bes aml-retrain -U "$U" -k "$K" -o "$TMP/o.json" "$TMP/job.json"
expect_ok "-o"
is "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "nothing on stdout"
is "$(jq -r .StatusCode "$TMP/o.json")" Finished "the status in the file"
sas_secret "$(jq -r .Results.output1.SasBlobToken "$TMP/o.json")"
sas_secret "$(jq -r .Results.output2.SasBlobToken "$TMP/o.json")"
srun_bes aml-retrain -U "$U" -k "$K" -o "$TMP/o.json" "$TMP/job.json"
expect_fail 1 "^aml-retrain: .*o\\.json: .*exists" "an existing -o file is refused"
srun_bes aml-retrain -U "$U" -k "$K" -f -o "$TMP/o.json" "$TMP/job.json"
expect_ok "-f replaces it"
sas_secret "$(jq -r .Results.output1.SasBlobToken "$TMP/o.json")"
sas_secret "$(jq -r .Results.output2.SasBlobToken "$TMP/o.json")"

# The key and URL from the environment; the request on stdin; a request URL.
AML_API_KEY=$TRAIN_KEY AML_BES_URL=$U srun_bes aml-retrain <"$TMP/job.json"
expect_ok "AML_API_KEY and AML_BES_URL, request on stdin"
srun_bes aml-retrain -U "$U/jobs?api-version=2.0" -k "$K" "$TMP/job.json"
expect_ok "a jobs URL is taken as the service"

# --check sends nothing.
emu requests -X DELETE
srun aml-retrain --check "$TMP/job.json"
expect_ok "--check: a good request"
is "$(jq -c . "$TMP/out")" "{\"checked\":\"$TMP/job.json\",\"inputs\":[\"input1\"],\"outputs\":[\"output1\",\"output2\"],\"modelOutputs\":[\"output1\"],\"globalParameters\":$(jq -c '.GlobalParameters // {} | keys_unsorted' "$TMP/job.json")}" \
    "prints what it checked: names only"
is "$(jq . "$TMP/out")" "$(cat "$TMP/out")" "as 2-space JSON"
is "$(emu requests | jq length)" 0 "and sends nothing"

# job_polls N: at least N GETs of a job's status in the log.
job_polls() {
	seen "$1" '.method == "GET" and (.path | test("/jobs/[0-9a-f]+\\?"))'
}
# finish_bg: what the background aml-retrain did, kept for no_secrets.
finish_bg() {
	wait_bg
	cat "$TMP/err" >>"$TMP/outputs"
	cat "$TMP/out" >>"$TMP/bes-outputs"
	for _t in $(jq -r '.Results // {} | .[].SasBlobToken // empty' "$TMP/out" 2>/dev/null); do
		sas_secret "$_t"
	done
}

# -n, then -j: the job held Running until -j has polled it.
hold bes-job "*"
srun_bes aml-retrain --no-wait -U "$U" -k "$K" "$TMP/job.json"
expect_ok "-n returns once the job runs"
is "$(jq -r .StatusCode "$TMP/out")" Running "Running"
id=$(jq -r .JobId "$TMP/out")
like "$id" '^[0-9a-f]{32}$' "with its id"
emu requests -X DELETE
start_bg aml-retrain -j "$id" -U "$U" -k "$K"
wait_until job_polls 1
ok $? "-j polls the running job"
unhold
finish_bg
expect_ok "-j follows it"
is "$(jq -r '.StatusCode + " " + .JobId' "$TMP/out")" "Finished $id" "to Finished"
srun_bes aml-retrain -j "$id" --no-wait -U "$U" -k "$K"
expect_ok "-j of a finished job: its status again"
is "$(jq -r .Results.output1.RelativeLocation "$TMP/out")" models/r1.ilearner "with fresh SAS tokens"

# -v: a trace, with the key masked.
srun_bes aml-retrain -v -U "$U" -k "$K" "$TMP/job.json"
expect_ok "-v"
grep -q '^> POST .*/jobs?api-version=2.0' "$TMP/err"
ok $? "the trace shows the requests"
grep -q '^> Authorization: \*\*\*' "$TMP/err" || grep -q 'Authorization: Bearer \*\*\*' "$TMP/err"
ok $? "with the key masked"
grep -F -q "$(printf '%s' "$STORAGE_KEY" | cut -c1-24)" "$TMP/err"
is $? 1 "and the account key of the request too"

# Interval and timeout arguments.
srun_bes aml-retrain --interval 0.05 -m 90s -U "$U" -k "$K" "$TMP/job.json"
expect_ok "-i 0.05 -m 90s"

# On a terminal: a progress line, rewritten in place; the polls back off
# from -i (0.3 s, doubling), as the emulator's log times show.  The job
# is held Running until it has been polled three times: the fourth poll
# finds it Finished.
if command -v script >/dev/null 2>&1; then
	hold bes-job "*"
	emu requests -X DELETE
	export U K TMP
	script -qec 'aml-retrain --interval 0.3 -U "$U" -k "$K" "$TMP/job.json" >"$TMP/status.json"' /dev/null \
	    >"$TMP/tty" </dev/null &
	pid=$!
	wait_until job_polls 3
	ok $? "on a terminal: the running job polled three times"
	unhold
	rc=0
	wait $pid || rc=$?
	cat "$TMP/tty" >>"$TMP/outputs"
	is "$rc" 0 "on a terminal: the job runs to Finished"
	is "$(jq -r .StatusCode "$TMP/status.json")" Finished "the status on stdout"
	id=$(jq -r .JobId "$TMP/status.json")
	like "$(tr '\r' '\n' <"$TMP/tty")" "aml-retrain: job $id (NotStarted|Running) [0-9]+m[0-9]{2}s" \
	    "the terminal shows the job, its state and the time it has taken"
	is "$(tr -cd '\r' <"$TMP/tty" | wc -c | tr -d ' ')" "$(($(grep -o 'aml-retrain: job' "$TMP/tty" | wc -l) + 1))" \
	    "each line rewritten in place (a carriage return before each, and one to clear it)"
	is "$(tail -c 4 "$TMP/tty" | od -An -c | tr -s ' ')" ' \r 033 [ K' "and cleared at the end"
	emu requests >"$TMP/log.json"
	jq -r '.[] | select(.method == "GET" and (.path | test("/jobs/[0-9a-f]+\\?"))) | .time' "$TMP/log.json" |
	    while read -r t; do
		date -u -d "$t" +%s%3N
	    done >"$TMP/polls"
	n=$(wc -l <"$TMP/polls" | tr -d ' ')
	ok $((n >= 4 ? 0 : 1)) "at least four polls ($n)"
	gaps=$(awk 'NR > 1 { printf "%d ", $1 - p } { p = $1 }' "$TMP/polls")
	# -i 0.3: 300, 600, 1200 ms, each twice the last: far enough apart
	# that scheduling cannot reorder them.
	echo "$gaps" | awk '{ for (i = 2; i <= NF; i++) if ($i <= $(i - 1)) exit 1; exit !(NF >= 3 && $1 >= 250) }'
	ok $? "the pauses between polls grow ($gaps ms)"
	hold bes-job "*"
	emu requests -X DELETE
	script -qec 'aml-retrain -q --interval 0.2 -U "$U" -k "$K" "$TMP/job.json" >"$TMP/status.json"' /dev/null \
	    >"$TMP/tty" </dev/null &
	pid=$!
	wait_until job_polls 1
	ok $? "-q on a terminal: the running job polled"
	unhold
	rc=0
	wait $pid || rc=$?
	is "$rc $(cat "$TMP/tty")" "0 " "-q: no progress line"
else
	for i in 1 2 3 4 5 6 7 8 9 10; do skip "no script(1)" "the progress line on a terminal"; done
fi

no_secrets
done_testing
