#!/bin/sh
# Files: a sign-in cache with looser modes (or another owner) is refused
# by every program that uses it and repaired by aml-login; a symlink
# planted at a cache file, at the lock, at the configuration directory
# or at a path given to -o or -K is never followed: its target is unchanged
# (and a dangling one's target is not created).
. "$(dirname "$0")/lib.sh"
emu_start --lro-ms 0
export AML_POLL_MS=20 AML_RETRY_BASE_MS=10
RG=$AML_DEMO_RG
WS=$AML_DEMO_WS
CFG=$AML_CONFIG_DIR

run aml-login -W
expect_ok "signed in, the secret kept"
aml-get-ws -g "$RG" -n "$WS" >"$TMP/resource.json"
aml-export-ws "$TMP/resource.json" >"$TMP/def.json"
printf '{"properties":{"packageType":"Graph","title":"Files"}}' >"$TMP/title.json"
# Azure Machine Learning: a deployment's definition, a job, scoring rows.
emu ml -d '{"jobMs":0,"retryAfter":0}' >/dev/null
MLG="-g $RG -w $AML_DEMO_WORKSPACE"
MLE=$AML_DEMO_ENDPOINT
aml-get-deployment $MLG -e "$MLE" -d blue >"$TMP/dep.json"
aml-export-deployment "$TMP/dep.json" >"$TMP/dep.def"
printf '{"data":[[50,16,60,15024]]}\n' >"$TMP/rows.json"
cp -a "$CFG" "$TMP/cfgsnap"

fresh() {	# the signed-in state again
	rm -rf "$CFG"
	cp -a "$TMP/cfgsnap" "$CFG"
}

# Every program that uses the sign-in, as it would run.
USERS="aml-token aml-login-l aml-get-ws aml-ws-keys aml-update-ws aml-new-ws aml-rm-ws aml-add-region
    aml-get-plan aml-new-plan aml-update-plan aml-plan-usage aml-get-association
	aml-get-deployment aml-update-deployment aml-new-deployment aml-rm-deployment aml-traffic
	aml-invoke aml-online-keys aml-run-job aml-new-model"
use() {	# use NAME: run it (aml-token gets a new token, so that it needs the lock
	# too, with the secret aml-login -W kept)
	case $1 in
	aml-token)	run env -u AZURE_CLIENT_SECRET aml-token --resource https://management.core.windows.net/ ;;
	aml-login-l)	run aml-login --list ;;
	aml-get-ws)	run aml-get-ws -g "$RG" -n "$WS" ;;
	aml-ws-keys)	run aml-ws-keys -g "$RG" -n "$WS" ;;
	aml-update-ws)	run aml-update-ws -g "$RG" -n "$WS" "$TMP/title.json" ;;
	aml-new-ws)	run aml-new-ws -f -g "$RG" -n files -l southcentralus "$TMP/def.json" ;;
	aml-rm-ws)	run aml-rm-ws -g "$RG" -n files ;;
	aml-add-region)	run aml-add-region -g "$RG" -n "$WS" -l westcentralus ;;
	aml-get-plan)	run aml-get-plan -g "$RG" -n "$AML_DEMO_PLAN" ;;
	aml-new-plan)	run aml-new-plan -f -g "$RG" -n files -l southcentralus --sku S1 ;;
	aml-update-plan) run aml-update-plan -g "$RG" -n "$AML_DEMO_PLAN" --tag files=yes ;;
	aml-plan-usage)	run aml-plan-usage -g "$RG" -n "$AML_DEMO_PLAN" ;;
	aml-get-association) run aml-get-association -g "$RG" --plan "$AML_DEMO_PLAN" ;;
	aml-get-deployment) run aml-get-deployment $MLG -e "$MLE" -d blue ;;
	aml-update-deployment) run aml-update-deployment $MLG -e "$MLE" -d blue "$TMP/dep.def" ;;
	aml-new-deployment) run aml-new-deployment -f $MLG -e "$MLE" -d files "$TMP/dep.def" ;;
	aml-rm-deployment) run aml-rm-deployment -q $MLG -e "$MLE" -d files ;;
	aml-traffic)	run aml-traffic $MLG -e "$MLE" ;;
	aml-invoke)	run aml-invoke $MLG -e "$MLE" "$TMP/rows.json" ;;
	aml-online-keys) run aml-online-keys $MLG -e "$MLE" ;;
	aml-run-job)	run aml-run-job $MLG -j "$AML_DEMO_JOB" ;;
	aml-new-model)	run aml-new-model -q $MLG -n files -u "azureml://jobs/$AML_DEMO_JOB/outputs/model_output" ;;
	esac
}
prog_of() { case $1 in aml-login-l) echo aml-login ;; *) echo "$1" ;; esac; }

# Looser modes: each program refuses each file and the directory; then
# aml-login repairs them with a warning.
for u in $USERS; do
	p=$(prog_of "$u")
	for m in 0644 0640 0604 0660; do
		for f in tokens.json profile.json; do
			fresh
			chmod "$m" "$CFG/$f"
			use "$u"
			expect_fail 3 "^$p: $CFG/$f: mode $m is too open \\(group or others can read it\\); run chmod 600 on it, or aml-logout and sign in again\$" \
			    "$u refuses $f of mode $m"
		done
	done
	for m in 0750 0705 0711 0770; do
		fresh
		chmod "$m" "$CFG"
		use "$u"
		expect_fail 3 "^$p: $CFG: mode $m is too open \\(group or others have access\\); run aml-login to repair it, or chmod 700 it\$" \
		    "$u refuses the directory of mode $m"
	done
done
fresh
chmod 644 "$CFG/secret.json"
use aml-token
expect_fail 3 "^aml-token: $CFG/secret.json: mode 0644 is too open" "aml-token refuses secret.json of mode 0644"
for f in tokens.json profile.json secret.json; do
	fresh
	chmod 644 "$CFG/$f"
	run aml-login -W
	expect_ok "aml-login over $f of mode 0644"
	is "$(cat "$TMP/err")" "aml-login: warning: $CFG/$f: mode 0644 was too open; replaced by a file of mode 0600" \
	    "says it replaced it"
	is "$(stat -c %a "$CFG/$f")" 600 "$f is 0600 again"
done
fresh
chmod 755 "$CFG"
run aml-login -W
expect_ok "aml-login in a directory of mode 0755"
is "$(cat "$TMP/err")" "aml-login: warning: $CFG: mode 0755 was too open; changed to 0700" "says it changed it"
is "$(stat -c %a "$CFG")" 700 "the directory is 0700 again"
use aml-get-ws
expect_ok "and the others take it"

# Another owner (only root can make one).
if [ "$(id -u)" = 0 ]; then
	for f in tokens.json profile.json; do
		fresh
		chown 65534 "$CFG/$f"
		use aml-get-ws
		expect_fail 3 "^aml-get-ws: $CFG/$f: owned by uid 65534, not by you\$" "$f of another owner is refused"
	done
	fresh
	chown 65534 "$CFG"
	use aml-token
	expect_fail 3 "^aml-token: $CFG: owned by uid 65534, not by you\$" "a directory of another owner is refused"
	run aml-login
	expect_fail 3 "^aml-login: $CFG: owned by uid 65534, not by you\$" "aml-login too: it is not ours to repair"
else
	for i in 1 2 3 4; do skip "not root" "another owner"; done
fi

# Symlinks at the cache files and the lock: refused by every program
# (exit 3, one line), replaced by aml-login, removed by aml-logout; the
# file they point at stays as it was.
printf 'the target\n' >"$TMP/target"
cp "$TMP/target" "$TMP/target.orig"
for f in tokens.json profile.json secret.json lock; do
	for u in $USERS; do
		case $u:$f in aml-login-l:secret.json) continue ;; esac	# -l reads no secret
		p=$(prog_of "$u")
		fresh
		rm -f "$CFG/$f"
		ln -s "$TMP/target" "$CFG/$f"
		case $u:$f in
		# only a renewal reads the secret
		aml-token:secret.json) ;;
		*:secret.json) use "$u"; is "$rc" 0 "$u does not read secret.json: exit 0"; continue ;;
		esac
		use "$u"
		expect_fail 3 "^$p: $CFG/$f: is a symbolic link; refusing to follow it" "$u refuses $f as a symlink"
	done
	fresh
	rm -f "$CFG/$f"
	ln -s "$TMP/target" "$CFG/$f"
	run aml-login -W
	expect_ok "aml-login over $f as a symlink"
	like "$(cat "$TMP/err")" "^aml-login: warning: $CFG/$f: was a symbolic link; replaced by a file" "says it replaced it"
	[ -f "$CFG/$f" ] && [ ! -L "$CFG/$f" ]
	ok $? "$f is a file now"
	rm -f "$CFG/$f"
	ln -s "$TMP/target" "$CFG/$f"
	run aml-logout
	expect_ok "aml-logout with $f a symlink"
	[ ! -e "$CFG/$f" ] && [ ! -L "$CFG/$f" ]
	ok $? "the symlink is gone"
	same_file "$TMP/target" "$TMP/target.orig" "and what it pointed at is unchanged"
done
# A dangling symlink: its target is never created.
fresh
rm -f "$CFG/tokens.json"
ln -s "$TMP/nothing-here" "$CFG/tokens.json"
use aml-get-ws
expect_fail 3 "tokens.json: is a symbolic link; refusing to follow it" "a dangling tokens.json symlink is refused"
run aml-login
expect_ok "aml-login replaces it"
[ ! -e "$TMP/nothing-here" ]
ok $? "the target of a dangling symlink is not created"

# The configuration directory as a symlink: every program refuses it,
# aml-login and aml-logout included; the directory it points at is
# left as it was.
fresh
mv "$CFG" "$TMP/elsewhere"
ln -s "$TMP/elsewhere" "$CFG"
cp -a "$TMP/elsewhere" "$TMP/elsewhere.orig"
for u in $USERS aml-login aml-logout; do
	p=$(prog_of "$u")
	case $u in
	aml-login)	run aml-login ;;
	aml-logout)	run aml-logout ;;
	*)		use "$u" ;;
	esac
	expect_fail 3 "^$p: $CFG: is a symbolic link; refusing to follow it \\(set AML_CONFIG_DIR to the directory itself\\)\$" \
	    "$u refuses a configuration directory that is a symlink"
done
diff -r "$TMP/elsewhere" "$TMP/elsewhere.orig" >/dev/null
ok $? "the directory it points at is unchanged"
rm -f "$CFG"
ln -s "$TMP/nowhere" "$CFG"
run aml-login
expect_fail 3 "^aml-login: $CFG: is a symbolic link; refusing to follow it" "a dangling one too"
[ ! -e "$TMP/nowhere" ]
ok $? "and its target is not made"
rm -f "$CFG"
cp -a "$TMP/cfgsnap" "$CFG"

# -o (and -K): a symlink there is refused without -f and replaced with
# -f, never written through; a dangling one's target is never created.
aml-patch-ilearner -q -u https://x.blob.core.windows.net/m/new.ilearner "$TMP/def.json" >"$TMP/patched.json"
outp() {	# outp NAME FILE: run the filter NAME writing FILE
	case $1 in
	aml-export-ws)	run aml-export-ws -o "$2" "$TMP/resource.json" ;;
	aml-export-ws-f) run aml-export-ws -f -o "$2" "$TMP/resource.json" ;;
	aml-patch-ilearner) run aml-patch-ilearner -q -u https://x.blob.core.windows.net/m/a.ilearner -o "$2" "$TMP/def.json" ;;
	aml-patch-ilearner-f) run aml-patch-ilearner -q -f -u https://x.blob.core.windows.net/m/a.ilearner -o "$2" "$TMP/def.json" ;;
	aml-import-ws)	run aml-import-ws -o "$2" "$TMP/patched.json" ;;
	aml-import-ws-f) run aml-import-ws -f -o "$2" "$TMP/patched.json" ;;
	aml-retrain|aml-retrain-f)
		run aml-retrain -q ${1#aml-retrain} --interval 0.02 -U "$AML_DEMO_TRAIN_URL" -k "$AML_DEMO_TRAIN_KEY_FILE" \
		    -o "$2" "$TMP/job.json" ;;
	aml-add-endpoint|aml-add-endpoint-f)
		run aml-add-endpoint -q ${1#aml-add-endpoint} -w "$AML_DEMO_WORKSPACE_ID" --service "$AML_DEMO_SCORE_SERVICE" \
		    -k "$AML_DEMO_WORKSPACE_TOKEN_FILE" -K "$2" files ;;
	aml-get-endpoint|aml-get-endpoint-f)
		run aml-get-endpoint -q ${1#aml-get-endpoint} -w "$AML_DEMO_WORKSPACE_ID" --service "$AML_DEMO_SCORE_SERVICE" \
		    -k "$AML_DEMO_WORKSPACE_TOKEN_FILE" -K "$2" default ;;
	aml-export-deployment|aml-export-deployment-f)
		run aml-export-deployment ${1#aml-export-deployment} -o "$2" "$TMP/dep.json" ;;
	aml-patch-model|aml-patch-model-f)
		run aml-patch-model -q ${1#aml-patch-model} -u azureml:census:1 -o "$2" "$TMP/dep.def" ;;
	aml-import-deployment|aml-import-deployment-f)
		run aml-import-deployment ${1#aml-import-deployment} -o "$2" "$TMP/dep.def" ;;
	aml-get-deployment|aml-get-deployment-f)
		run aml-get-deployment ${1#aml-get-deployment} $MLG -e "$MLE" -d blue -o "$2" ;;
	aml-online-keys|aml-online-keys-f)
		run aml-online-keys ${1#aml-online-keys} $MLG -e "$MLE" -o "$2" ;;
	aml-invoke|aml-invoke-f)
		run aml-invoke ${1#aml-invoke} $MLG -e "$MLE" -o "$2" "$TMP/rows.json" ;;
	aml-run-job|aml-run-job-f)
		run aml-run-job ${1#aml-run-job} $MLG -j "$AML_DEMO_JOB" -o "$2" ;;
	aml-new-model|aml-new-model-f)
		run aml-new-model -q ${1#aml-new-model} $MLG -n files -u "azureml://jobs/$AML_DEMO_JOB/outputs/model_output" -o "$2" ;;
	esac
}
# written() FILE: the output is there, a file: a key of mode 0600, the
# job's results (with their SAS tokens) and an online endpoint's keys as
# JSON of mode 0600, else JSON of mode 0644 under the umask of 022.
written() {
	[ -f "$1" ] && [ ! -L "$1" ] || return 1
	case $p in
	aml-*-endpoint) [ -s "$1" ] && [ "$(stat -c %a "$1")" = 600 ] ;;
	aml-retrain|aml-online-keys) jq -e . "$1" >/dev/null && [ "$(stat -c %a "$1")" = 600 ] ;;
	*)	jq -e . "$1" >/dev/null && [ "$(stat -c %a "$1")" = 644 ] ;;
	esac
}
umask 022
emu studio -d '{"jobMs":50}' >/dev/null
jq -n --arg cs "$(cat "$AML_DEMO_STORAGE_CONNECTION_FILE")" '
    {Inputs: {input1: {ConnectionString: $cs, RelativeLocation: "data/adult-census-income.csv"}},
     Outputs: {output1: {ConnectionString: $cs, RelativeLocation: "models/files.ilearner"}},
     GlobalParameters: {}}' >"$TMP/job.json"
mkdir -p "$TMP/o"
for p in aml-export-ws aml-patch-ilearner aml-import-ws aml-retrain aml-add-endpoint aml-get-endpoint \
    aml-export-deployment aml-patch-model aml-import-deployment aml-get-deployment aml-online-keys \
    aml-invoke aml-run-job aml-new-model; do
	rm -f "$TMP/o/"* "$TMP/o/".??* 2>/dev/null
	ln -s "$TMP/target" "$TMP/o/out.json"
	outp "$p" "$TMP/o/out.json"
	expect_fail 1 "^$p: $TMP/o/out\\.json: .*(exists|File exists)" "$p -o a symlink: refused without -f"
	outp "$p-f" "$TMP/o/out.json"
	expect_ok "$p -f -o a symlink"
	written "$TMP/o/out.json"
	ok $? "replaces the symlink with the output (mode $(stat -c %a "$TMP/o/out.json"))"
	same_file "$TMP/target" "$TMP/target.orig" "and never writes through it"
	rm -f "$TMP/o/out.json"
	ln -s "$TMP/o/created" "$TMP/o/out.json"
	outp "$p" "$TMP/o/out.json"
	is "$rc" 1 "$p -o a dangling symlink: refused"
	outp "$p-f" "$TMP/o/out.json"
	[ ! -e "$TMP/o/created" ] && written "$TMP/o/out.json"
	ok $? "with -f, replaced; its target is not created"
	is "$(ls -A "$TMP/o" | tr '\n' ' ')" "out.json " "no temporary file is left"
done

done_testing
