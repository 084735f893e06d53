#!/bin/sh
# aml-patch-ilearner: one value changes and not one other byte; which
# asset; where the new location comes from; what it says on stderr.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-filters.sh"
export LC_ALL=C

NEW=https://acct.blob.core.windows.net/models/retrained.ilearner

# unpatch FILE OLD: FILE with the new URI put back to OLD.
unpatch() { sed "s|\"$NEW\"|\"$2\"|" "$1"; }

for f in $(ref_bodies); do
	b=$(basename "$f" .json)
	old=$(jq -r "$JQ_LOWER | .properties.assets.asset1.locationinfo.uri // empty" "$f")
	if [ -z "$old" ]; then
		vrun aml-patch-ilearner -a asset1 -u "$NEW" "$f"
		expect_fail 1 "^aml-patch-ilearner: $f: properties(\.assets)?: missing$" "$b: no assets, nothing to patch"
		continue
	fi
	vrun aml-patch-ilearner -q -a asset1 -u "$NEW" "$f"
	expect_ok "$b: patched"
	is "$(cat "$TMP/err")" "" "$b: -q: nothing on stderr"
	is "$(jq -r "$JQ_LOWER | .properties.assets.asset1.locationinfo.uri" "$TMP/out")" "$NEW" "$b: the uri is the new one"
	unpatch "$TMP/out" "$old" >"$TMP/back"
	same_file "$TMP/back" "$f" "$b: no other byte changed"
done

# The message: which asset, from what, to what (a Module gets a warning).
f=$TMP/bodies/recorded-get-response.json
vrun aml-patch-ilearner -a "Join Data" -u "$NEW" "$f"
expect_ok "-a by asset name"
is "$(cat "$TMP/err")" "aml-patch-ilearner: warning: $f: asset asset2 is not a Resource (a trained model is)
aml-patch-ilearner: asset2 \"Join Data\": aml://module/506153734175476c4f62416c57734963.124865f7e9014656adacf4cb08248099.v1-default-1712 -> $NEW" \
    "says which asset changed, from what to what"

# The trained model, found by itself: a compact resource from the wire,
# and a PowerShell file (BOM, CRLF, PascalCase, escapes) kept to the byte.
T=https://mltestaccount.blob.core.windows.net/azuremlassetscontainer/baca7bca650f46218633552c0bcbba0e.ilearner
for f in "$FIX/trained-get.json" "$FIX/trained-ps.json"; do
	b=$(basename "$f" .json)
	vrun aml-patch-ilearner -u "$NEW" "$f"
	expect_ok "$b: the one trained model"
	is "$(cat "$TMP/err")" "aml-patch-ilearner: asset3 \"Retrain Sample [trained model]\": $T -> $NEW" \
	    "$b: one line on stderr"
	unpatch "$TMP/out" "$T" >"$TMP/back"
	same_file "$TMP/back" "$f" "$b: only the uri changed"
	grep -q "\"$NEW\"" "$TMP/out"; ok $? "$b: the new uri is in"
done
head -c 3 "$TMP/out" | od -An -tx1 | grep -q 'ef bb bf'; ok $? "the byte order mark is kept"

f=$FIX/trained-get.json
vrun_in "$f" aml-patch-ilearner -a asset3 -u "$NEW"
expect_ok "-a by key, input on stdin"
unpatch "$TMP/out" "$T" >"$TMP/back"
same_file "$TMP/back" "$f" "-a by key: only the uri changed"
vrun aml-patch-ilearner -a "Retrain Sample [trained model]" -u "$NEW" "$f"
expect_ok "-a by name"
unpatch "$TMP/out" "$T" >"$TMP/back"
same_file "$TMP/back" "$f" "-a by name: only the uri changed"

vrun aml-patch-ilearner -a asset9 -u "$NEW" "$f"
expect_fail 1 "^aml-patch-ilearner: $f: -a \"asset9\": no asset has that key or name \(assets: asset1 \"Import Data\", asset2 \"Join Data\", asset3 \"Retrain Sample \[trained model\]\"\)$" "unknown -a"
vrun aml-patch-ilearner -a ASSET3 -u "$NEW" "$f"
expect_fail 1 "^aml-patch-ilearner: $f: -a \"ASSET3\": no asset has that key or name \(assets: " "-a is exact: asset keys are data"
vrun aml-patch-ilearner -u "$NEW" "$FIX/two-trained.json"
expect_fail 1 "^aml-patch-ilearner: $FIX/two-trained.json: 2 assets are a Resource named \"\.\.\. \[trained model\]\": asset3 \"Retrain Sample \[trained model\]\", asset4 \"Second Model \[trained model\]\"; choose one with -a$" \
    "two trained-model assets"
vrun aml-patch-ilearner -a asset4 -u "$NEW" "$FIX/two-trained.json"
expect_ok "two trained-model assets, one chosen with -a"
is "$(jq -r '.properties.assets | [.asset3, .asset4] | map(.locationInfo.uri) | join(" ")' "$TMP/out")" \
    "$T $NEW" "the chosen one changed, the other not"
vrun aml-patch-ilearner -u "$NEW" "$TMP/bodies/recorded-get-response.json"
expect_fail 1 "^aml-patch-ilearner: $TMP/bodies/recorded-get-response.json: no asset is a Resource named \"\.\.\. \[trained model\]\" \(assets: asset1 \"Import Data\", asset2 \"Join Data\"\); choose one with -a$" \
    "no trained-model asset: the assets there are named"
jq -c '.properties.assets = {}' "$TMP/bodies/recorded-get-response.json" >"$TMP/noassets.json"
vrun aml-patch-ilearner -u "$NEW" "$TMP/noassets.json"
expect_fail 1 "^aml-patch-ilearner: $TMP/noassets.json: no asset is a Resource named \"\.\.\. \[trained model\]\" \(assets: none\); choose one with -a$" \
    "no asset at all"
jq -c '.properties.assets = ([range(12)] | map({key: "a\(.)", value: {name: "M\(.)", type: "Module", locationInfo: {uri: "aml://m"}}}) | from_entries)' \
    "$TMP/bodies/recorded-get-response.json" >"$TMP/many.json"
vrun aml-patch-ilearner -u "$NEW" "$TMP/many.json"
expect_fail 1 '\(assets: a0 "M0", a1 "M1", a2 "M2", a3 "M3", a4 "M4", a5 "M5", a6 "M6", a7 "M7", a8 "M8", a9 "M9" and 2 more\); choose one with -a$' \
    "many assets: ten named, the rest counted"
jq -c '.properties.assets.asset2.name = "Import Data"' "$TMP/bodies/recorded-get-response.json" >"$TMP/samename.json"
vrun aml-patch-ilearner -a "Import Data" -u "$NEW" "$TMP/samename.json"
expect_fail 1 "^aml-patch-ilearner: $TMP/samename.json: 2 assets are named \"Import Data\": asset1 \"Import Data\", asset2 \"Import Data\"; choose one by its key with -a$" \
    "two assets with the name given to -a"
jq -c 'del(.properties.assets.asset3.locationInfo.uri)' "$f" >"$TMP/nouri.json"
vrun aml-patch-ilearner -u "$NEW" "$TMP/nouri.json"
expect_fail 1 "^aml-patch-ilearner: $TMP/nouri.json: properties\.assets\.asset3\.locationInfo\.uri: missing$" "asset without a uri"
echo '[1]' >"$TMP/array.json"
vrun aml-patch-ilearner -u "$NEW" "$TMP/array.json"
expect_fail 1 "^aml-patch-ilearner: $TMP/array.json: expected a web service definition \(an object\), got array$" "wrong top-level type"

# From a BES job status: Base + Relative with one slash, no SAS unless
# asked, and the SAS never on stderr.
M=https://mystorageaccount.blob.core.windows.net/models/trainedModel.ilearner
for s in bes-finished bes-finished-int bes-legacy; do
	vrun aml-patch-ilearner -b "$FIX/$s.json" "$f"
	expect_ok "$s: patched"
	is "$(jq -r '.properties.assets.asset3.locationInfo.uri' "$TMP/out")" "$M" "$s: Base + Relative, no SAS"
	is "$(cat "$TMP/err")" "aml-patch-ilearner: asset3 \"Retrain Sample [trained model]\": $T -> $M" "$s: the message"
done
vrun aml-patch-ilearner --keep-sas -b "$FIX/bes-finished.json" "$f"
expect_ok "--keep-sas"
is "$(jq -r '.properties.assets.asset3.locationInfo.uri' "$TMP/out")" \
    "$M?sv=2013-08-15&sr=b&sig=EFGH%3D&st=2015-04-04T05%3A39%3A55Z&se=2015-04-05T05%3A44%3A55Z&sp=r" \
    "--keep-sas: the SAS is kept"
is "$(cat "$TMP/err")" "aml-patch-ilearner: asset3 \"Retrain Sample [trained model]\": $T -> $M?<redacted>" \
    "--keep-sas: the SAS is redacted on stderr"
cp "$TMP/out" "$TMP/sas.json"
vrun_in "$TMP/sas.json" aml-patch-ilearner -u "$NEW"
is "$(cat "$TMP/err")" "aml-patch-ilearner: asset3 \"Retrain Sample [trained model]\": $M?<redacted> -> $NEW" \
    "an old SAS is redacted too"
vrun aml-patch-ilearner -b "$FIX/bes-finished.json" --result output1 "$f"
expect_ok "--result picks an output"
is "$(sed -n 1p "$TMP/err")" "aml-patch-ilearner: warning: $FIX/bes-finished.json: Results.output1: https://mystorageaccount.blob.core.windows.net/experimentoutput/7c24dd2b/scores.csv does not end in .ilearner; is it a trained model?" \
    "a location not ending in .ilearner is warned about"
vrun aml-patch-ilearner -b "$FIX/bes-two-ilearner.json" --result output1 "$f"
is "$(jq -r '.properties.assets.asset3.locationInfo.uri' "$TMP/out")" \
    https://mystorageaccount.blob.core.windows.net/models/other.ilearner "a slash is added when neither side has one"
vrun aml-patch-ilearner -b "$FIX/bes-finished.json" --result output9 "$f"
expect_fail 1 "^aml-patch-ilearner: $FIX/bes-finished.json: no output named \"output9\" in Results$" "--result names no output"
vrun aml-patch-ilearner -b "$FIX/bes-failed.json" "$f"
expect_fail 1 "^aml-patch-ilearner: $FIX/bes-failed.json: the job is Failed, not Finished; there is no model to use$" "job Failed"
vrun aml-patch-ilearner -b "$FIX/bes-running.json" "$f"
expect_fail 1 "^aml-patch-ilearner: $FIX/bes-running.json: the job is Running, not Finished; there is no model to use$" "job Running (StatusCode 1)"
vrun aml-patch-ilearner -b "$FIX/bes-no-ilearner.json" "$f"
expect_fail 1 "^aml-patch-ilearner: $FIX/bes-no-ilearner.json: no output in Results ends in \.ilearner \(outputs: output1, output2\)$" \
    "no .ilearner output"
vrun aml-patch-ilearner -b "$FIX/bes-two-ilearner.json" "$f"
expect_fail 1 "^aml-patch-ilearner: $FIX/bes-two-ilearner.json: 2 outputs end in \.ilearner \(output1, output2\); choose one with --result$" \
    "two .ilearner outputs"
echo '{"Status": "Finished"}' >"$TMP/notbes.json"
vrun aml-patch-ilearner -b "$TMP/notbes.json" "$f"
expect_fail 1 "^aml-patch-ilearner: $TMP/notbes.json: not a BES job status: no StatusCode$" "not a BES status"
echo '{"StatusCode": "Done"}' >"$TMP/badcode.json"
vrun aml-patch-ilearner -b "$TMP/badcode.json" "$f"
expect_fail 1 "StatusCode: not one of NotStarted, Running, Failed, Cancelled, Finished or 0\.\.4$" "unknown StatusCode"
echo '{"StatusCode": 4,' >"$TMP/trunc.json"
vrun aml-patch-ilearner -b "$TMP/trunc.json" "$f"
expect_fail 1 "^aml-patch-ilearner: $TMP/trunc.json:2:1: unexpected end of input, expected a string key$" "truncated BES status"
for s in bes-finished bes-finished-int bes-legacy; do
	run aml-patch-ilearner -v --keep-sas -b "$FIX/$s.json" "$f"
	unlike "$(cat "$TMP/err")" "sig=|EFGH" "$s: no SAS on stderr, even with -v"
done

# The new location: absolute https, or http on a loopback host.
for u in http://127.0.0.1:10000/devstoreaccount1/m.ilearner http://127.8.9.10/m.ilearner \
    http://localhost/m.ilearner "http://[::1]:8080/m.ilearner" HTTPS://Acct.Blob.Core.Windows.Net/m.ilearner; do
	vrun aml-patch-ilearner -q -u "$u" "$f"
	expect_ok "accepted: $u"
done
badu() {	# badu URI REGEX DESCRIPTION
	vrun aml-patch-ilearner -u "$1" "$f"
	expect_fail 1 "^aml-patch-ilearner: -u: $2\$" "$3"
}
badu http://example.com/m.ilearner 'http://example\.com/m\.ilearner: plain http is allowed only for loopback addresses \(use https\)' \
    "http elsewhere than loopback"
badu http://128.0.0.1/m.ilearner 'http://128\.0\.0\.1/m\.ilearner: plain http .*' "128.0.0.1 is not loopback"
badu "http://127.0.0.1@example.com/m.ilearner" 'http://<redacted>@example\.com/m\.ilearner: user information in a URI is not accepted' \
    "a loopback address as user information"
badu models/m.ilearner 'models/m\.ilearner: not an absolute https URI' "a relative URI"
badu ftp://host/m.ilearner 'ftp://host/m\.ilearner: not an absolute https URI' "another scheme"
badu "https://host/a b.ilearner" 'https://host/a b\.ilearner: a character not allowed in a URI .*' "a space"
badu "https:///m.ilearner" 'https:///m\.ilearner: no host' "no host"
badu "https://host:99999/m.ilearner" 'https://host:99999/m\.ilearner: a bad port' "a bad port"
badu "https://host/m.ilearner?sig=%zz" 'https://host/m\.ilearner\?<redacted>: a .%. that does not start a %XX escape' \
    "a bad escape, the query redacted"
vrun aml-patch-ilearner -u https://host/model.zip "$f"
is "$(sed -n 1p "$TMP/err")" "aml-patch-ilearner: warning: -u: https://host/model.zip does not end in .ilearner; is it a trained model?" \
    "a warning for a location not ending in .ilearner"
vrun aml-patch-ilearner -q -u https://host/model.zip "$f"
is "$rc:$(cat "$TMP/err")" "0:" "-q silences it"

# -o, in place with -f.
cp "$f" "$TMP/svc.json"
vrun aml-patch-ilearner -u "$NEW" -o "$TMP/svc.json" "$TMP/svc.json"
expect_fail 1 "^aml-patch-ilearner: $TMP/svc.json: file exists \(use -f to replace it\)$" "-o onto the input without -f"
vrun aml-patch-ilearner -q -f -u "$NEW" -o "$TMP/svc.json" "$TMP/svc.json"
expect_ok "-f -o: in place"
unpatch "$TMP/svc.json" "$T" >"$TMP/back"
same_file "$TMP/back" "$f" "-f -o: the file is patched in place"
run sh -c "aml-patch-ilearner -q -u '$NEW' '$f' >/dev/full"
expect_fail 1 "^aml-patch-ilearner: write <stdout>: No space left on device$" "a full disk"

# Usage errors.
# Each says what is wrong, then shows the usage.
while IFS='	' read -r args first; do
	run aml-patch-ilearner $args "$f"
	is "$rc" 2 "usage error: '$args'"
	like "$(head -1 "$TMP/err")" "$first" "what is wrong on stderr: '$args'"
	grep -q "^usage: aml-patch-ilearner" "$TMP/err"; ok $? "then the usage: '$args'"
done <<EOF
	^aml-patch-ilearner: -u or -b is required \(the new location, or the status aml-retrain printed\)$
-u $NEW -b $FIX/bes-finished.json	^aml-patch-ilearner: give one of -u and -b$
-u $NEW --result output1	^aml-patch-ilearner: --result goes with -b$
-u $NEW -r output1	^aml-patch-ilearner: unknown option -r$
-u $NEW --kep-sas	^aml-patch-ilearner: unknown option --kep-sas; did you mean --keep-sas\?$
-u $NEW a b	^usage: aml-patch-ilearner
EOF
run_in "$f" aml-patch-ilearner -b -
is "$rc" 2 "-b - and the definition both on stdin: usage"
vrun_in "$FIX/bes-finished.json" aml-patch-ilearner -q -b - "$f"
expect_ok "-b - reads the BES status from stdin"
is "$(jq -r '.properties.assets.asset3.locationInfo.uri' "$TMP/out")" "$M" "-b -: the location from stdin"

# A SAS never has to be on the command line: --keep-sas with -u takes it from
# AML_SAS_TOKEN or AML_SAS_TOKEN_FILE, with or without its '?'; given
# in -u, it is used, with a warning.
SAS='sv=2019-02-02&sr=b&se=2030-01-01T00%3A00%3A00Z&sp=r&sig=PLANTEDsig0123456789%3D'
for form in "$SAS" "?$SAS"; do
	vrun env AML_SAS_TOKEN="$form" aml-patch-ilearner -q --keep-sas -u "$NEW" "$f"
	expect_ok "--keep-sas -u: AML_SAS_TOKEN ${form%%sv=*}sv=..."
	is "$(jq -r '.properties.assets.asset3.locationInfo.uri' "$TMP/out")" "$NEW?$SAS" \
	    "the token after the URI, one '?'"
done
printf '?%s\n' "$SAS" >"$TMP/sas"
vrun env AML_SAS_TOKEN_FILE="$TMP/sas" aml-patch-ilearner --keep-sas -u "$NEW" "$f"
expect_ok "--keep-sas -u: AML_SAS_TOKEN_FILE"
is "$(jq -r '.properties.assets.asset3.locationInfo.uri' "$TMP/out")" "$NEW?$SAS" "from the file"
unlike "$(cat "$TMP/err")" 'PLANTEDsig' "the signature is not shown"
run aml-patch-ilearner -q --keep-sas -u "$NEW" "$f"
expect_fail 1 '^aml-patch-ilearner: --keep-sas with -u: no SAS token in AML_SAS_TOKEN or AML_SAS_TOKEN_FILE$' "--keep-sas -u without a token"
run env AML_SAS_TOKEN_FILE="$TMP/none" aml-patch-ilearner -q --keep-sas -u "$NEW" "$f"
expect_fail 1 "^aml-patch-ilearner: AML_SAS_TOKEN_FILE $TMP/none: No such file or directory\$" "AML_SAS_TOKEN_FILE missing"
vrun aml-patch-ilearner -u "$NEW?$SAS" "$f"
expect_ok "a SAS in -u is still taken"
is "$(head -1 "$TMP/err")" "aml-patch-ilearner: warning: -u: the URL carries a credential in its query, which every user of this machine can read on a command line (ps); give the URI without its SAS and the token in AML_SAS_TOKEN or AML_SAS_TOKEN_FILE, with --keep-sas" \
    "with a warning that names the alternative"
done_testing
