#!/bin/sh
# aml-emulator: the blob store.  Put, get, head, list and delete block
# blobs with a service SAS, and every way a SAS is refused: forged,
# expired, not yet valid, for another blob, without the permission, none
# at all; SAS made here with openssl from the documented string-to-sign
# must be accepted, in the old and the new versions.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
. "$TESTS/lib-studio.sh"
studio_start
ACC=$AML_DEMO_STORAGE_URL
KEYHEX=$(printf '%s' "$STORAGE_KEY" | openssl base64 -d -A | od -An -tx1 | tr -d ' \n')

# iso SECONDS-FROM-NOW: an ISO 8601 UTC time.
iso() {
	date -u -d "@$(($(date +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ
}

# sas VERSION SR PERMS START EXPIRY CONTAINER [BLOB]: a service SAS
# signed here, as the Create a service SAS page says.
sas() {
	_v=$1 _sr=$2 _sp=$3 _st=$4 _se=$5 _c=$6 _b=${7:-}
	if [ "$_v" \< 2015-02-21 ]; then _res=/amlemustore/$_c; else _res=/blob/amlemustore/$_c; fi
	[ -n "$_b" ] && _res=$_res/$_b
	if [ "$_v" \< 2015-04-05 ]; then
		printf '%s\n%s\n%s\n%s\n\n%s\n\n\n\n\n' "$_sp" "$_st" "$_se" "$_res" "$_v" >"$TMP/sts"
	elif [ "$_v" \< 2018-11-09 ]; then
		printf '%s\n%s\n%s\n%s\n\n\n\n%s\n\n\n\n\n' "$_sp" "$_st" "$_se" "$_res" "$_v" >"$TMP/sts"
	else
		printf '%s\n%s\n%s\n%s\n\n\n\n%s\n%s\n\n\n\n\n\n' "$_sp" "$_st" "$_se" "$_res" "$_v" \
		    "$_sr" >"$TMP/sts"
	fi
	_sig=$(openssl dgst -sha256 -mac HMAC -macopt "hexkey:$KEYHEX" -binary "$TMP/sts" |
	    openssl base64 -A | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')
	printf '?sv=%s&sr=%s&sp=%s&st=%s&se=%s&sig=%s' "$_v" "$_sr" "$_sp" \
	    "$(printf '%s' "$_st" | sed 's/:/%3A/g')" "$(printf '%s' "$_se" | sed 's/:/%3A/g')" "$_sig"
}

# xml_code: the <Code> of the last body.
xml_code() {
	sed -n 's/.*<Code>\([^<]*\)<\/Code>.*/\1/p' "$TMP/body" | head -1
}

# The seeded data set, with the exported SAS (data container, rwl).
http GET "$ACC/data/adult-census-income.csv$SAS"
is_status "$status" 200 "GET the seeded data set"
is "$(head -1 "$TMP/body" | tr -d '\r')" "age,workclass,education-num,hours-per-week,capital-gain,income" \
    "it is the census CSV"
is "$(hdr x-ms-blob-type)" BlockBlob "x-ms-blob-type"
like "$(hdr x-ms-request-id)" '^[0-9a-f-]{36}$' "x-ms-request-id"

# Put Blob, then read it back.
printf 'a,b\n1,2\n' >"$TMP/small.csv"
http PUT "$ACC/data/dir/small.csv$SAS" -H 'x-ms-blob-type: BlockBlob' -H 'Content-Type: text/csv' \
    --data-binary "@$TMP/small.csv"
is_status "$status" 201 "Put Blob: 201"
is "$(hdr Content-MD5)" "$(openssl md5 -binary "$TMP/small.csv" | openssl base64 -A)" "its Content-MD5"
like "$(hdr ETag)" '^"0x8D[0-9A-F]+"$' "an ETag"
http GET "$ACC/data/dir/small.csv$SAS"
same_file "$TMP/body" "$TMP/small.csv" "Get Blob gives the bytes back"
is "$(hdr Content-Type)" text/csv "with their content type"
http HEAD "$ACC/data/dir/small.csv$SAS" -I
is_status "$status" 200 "HEAD"
is "$(hdr Content-Length)" 8 "HEAD: Content-Length"

http PUT "$ACC/data/x.csv$SAS" --data-binary "@$TMP/small.csv"
is_status "$status" 400 "Put Blob without x-ms-blob-type: 400"
is "$(xml_code)" MissingRequiredHeader "MissingRequiredHeader"
grep -q '<HeaderName>x-ms-blob-type</HeaderName>' "$TMP/body"
ok $? "naming the header"
is "$(hdr Content-Type)" application/xml "errors are XML"
is "$(hdr x-ms-error-code)" MissingRequiredHeader "x-ms-error-code"
http PUT "$ACC/data/x.csv$SAS" -H 'x-ms-blob-type: PageBlob' --data-binary "@$TMP/small.csv"
is "$status $(xml_code)" "400 InvalidHeaderValue" "only block blobs"

# SAS made here: accepted in each version of the string-to-sign.
for v in 2013-08-15 2015-04-05 2018-11-09; do
	t=$(sas "$v" b r "$(iso -60)" "$(iso 600)" data dir/small.csv)
	http GET "$ACC/data/dir/small.csv$t"
	is_status "$status" 200 "a blob SAS of version $v signed here"
done
t=$(sas 2018-11-09 c rl "$(iso -60)" "$(iso 600)" models)
http GET "$ACC/models/adult-census-income.ilearner$t"
is_status "$status" 200 "a container SAS reads any blob of it"
grep -q '"format": "aml-emulator/ilearner"' "$TMP/body"
ok $? "the seeded model says what it is"

# Refusals.
forged=$(printf '%s' "$SAS" | sed 's/sig=./sig=A/')
[ "$forged" = "$SAS" ] && forged=$(printf '%s' "$SAS" | sed 's/sig=./sig=B/')
http GET "$ACC/data/dir/small.csv$forged"
is "$status $(xml_code)" "403 AuthenticationFailed" "a forged signature: 403 AuthenticationFailed"
grep -q '<AuthenticationErrorDetail>Signature did not match. String to sign used was' "$TMP/body"
ok $? "its detail says the signature did not match"
grep -F -q "$(printf '%s' "$STORAGE_KEY" | cut -c1-20)" "$TMP/body"
is $? 1 "the account key is not in it"

t=$(sas 2018-11-09 b r "$(iso -7200)" "$(iso -3600)" data dir/small.csv)
http GET "$ACC/data/dir/small.csv$t"
is "$status $(xml_code)" "403 AuthenticationFailed" "an expired SAS: 403 AuthenticationFailed"
grep -q 'Signature not valid in the specified time frame: Start \[.*\] - Expiry \[.*\] - Current \[.*\]' "$TMP/body"
ok $? "its detail gives the time frame"
t=$(sas 2018-11-09 b r "$(iso 3600)" "$(iso 7200)" data dir/small.csv)
http GET "$ACC/data/dir/small.csv$t"
is "$status $(xml_code)" "403 AuthenticationFailed" "a SAS not valid yet"
t=$(sas 2018-11-09 b r "$(iso -60)" "$(iso 600)" data adult-census-income.csv)
http GET "$ACC/data/dir/small.csv$t"
is "$status $(xml_code)" "403 AuthenticationFailed" "a blob SAS for another blob"
t=$(sas 2018-11-09 c rl "$(iso -60)" "$(iso 600)" data)
http GET "$ACC/models/adult-census-income.ilearner$t"
is "$status $(xml_code)" "403 AuthenticationFailed" "a container SAS for another container"
t=$(sas 2018-11-09 b r "$(iso -60)" "$(iso 600)" data dir/small.csv)
http PUT "$ACC/data/dir/small.csv$t" -H 'x-ms-blob-type: BlockBlob' --data-binary "@$TMP/small.csv"
is "$status $(xml_code)" "403 AuthorizationPermissionMismatch" "writing with a read SAS"
http DELETE "$ACC/data/dir/small.csv$t"
is "$status $(xml_code)" "403 AuthorizationPermissionMismatch" "deleting with a read SAS"
http GET "$ACC/data/dir/small.csv?sv=2018-11-09&sr=b&sig=abc"
is "$status $(xml_code)" "403 AuthenticationFailed" "a SAS without sp and se"
grep -q 'is mandatory. Cannot be empty' "$TMP/body"
ok $? "says what is missing"
t=$(sas 2018-11-09 b r "$(iso -60)" "2026-13-01" data dir/small.csv)
http GET "$ACC/data/dir/small.csv$t"
is "$status $(xml_code)" "403 AuthenticationFailed" "a SAS whose expiry is no date"
grep -q 'se is not a valid date' "$TMP/body"
ok $? "says which field"
t=$(sas 2018-11-09 b r "yesterday" "$(iso 600)" data dir/small.csv)
http GET "$ACC/data/dir/small.csv$t"
grep -q 'st is not a valid date' "$TMP/body"
ok $? "a start that is no date: says st"
t=$(sas 2018-11-09 b r "$(date -u +%Y-%m-%d)" "$(date -u -d tomorrow +%Y-%m-%d)" data dir/small.csv)
http GET "$ACC/data/dir/small.csv$t"
is_status "$status" 200 "dates without a time are accepted, as Azure accepts them"
http GET "$ACC/data/dir/small.csv"
is "$status $(xml_code)" "404 ResourceNotFound" "no SAS: a private blob does not exist"
http PUT "$ACC/data/dir/small.csv" -H 'x-ms-blob-type: BlockBlob' --data-binary "@$TMP/small.csv"
is "$status $(xml_code)" "401 NoAuthenticationInformation" "no SAS to write: 401"

# What is not there.
http GET "$ACC/data/nosuch.csv$SAS"
is "$status $(xml_code)" "404 BlobNotFound" "a missing blob"
t=$(sas 2018-11-09 c rl "$(iso -60)" "$(iso 600)" nosuch)
http GET "$ACC/nosuch/x.csv$t"
is "$status $(xml_code)" "404 ContainerNotFound" "a missing container"
http GET "$AML_EMULATOR_URL/blob/otheraccount/data/x.csv$SAS"
is "$status $(xml_code)" "404 ResourceNotFound" "a missing account"
http PUT "$ACC/newcontainer?restype=container$SAS"
is "$status $(xml_code)" "403 AuthorizationFailure" "a service SAS cannot make containers"

# List Blobs, with a prefix.
http GET "$ACC/data?restype=container&comp=list&$(printf '%s' "$SAS" | cut -c2-)"
is_status "$status" 200 "List Blobs"
grep -q '<Name>dir/small.csv</Name>' "$TMP/body" && grep -q '<Name>adult-census-income.csv</Name>' "$TMP/body"
ok $? "lists both blobs"
http GET "$ACC/data?restype=container&comp=list&prefix=dir/&$(printf '%s' "$SAS" | cut -c2-)"
grep -q '<Name>adult-census-income.csv</Name>' "$TMP/body"
is $? 1 "a prefix narrows the list"
grep -q '<Content-Length>8</Content-Length>' "$TMP/body"
ok $? "with sizes"
t=$(sas 2018-11-09 c r "$(iso -60)" "$(iso 600)" data)
http GET "$ACC/data?restype=container&comp=list&$(printf '%s' "$t" | cut -c2-)"
is "$status $(xml_code)" "403 AuthorizationPermissionMismatch" "listing needs l"

# Delete Blob.
http DELETE "$ACC/data/dir/small.csv$SAS"
is_status "$status" 202 "Delete Blob: 202"
http GET "$ACC/data/dir/small.csv$SAS"
is "$status $(xml_code)" "404 BlobNotFound" "gone"

# Faults come in the Blob service's shape.
emu faults -d '{"path":"/blob/*","status":503}' >/dev/null
http GET "$ACC/data/adult-census-income.csv$SAS"
is "$status $(xml_code)" "503 ServerBusy" "an injected 503 is ServerBusy XML"

# Reset puts the seeded blobs back; the keys stay.
upload "$TMP/small.csv" data/after.csv
emu reset -X POST
http GET "$ACC/data/after.csv$SAS"
is "$status $(xml_code)" "404 BlobNotFound" "reset removes uploads"
http GET "$ACC/data/adult-census-income.csv$SAS"
is_status "$status" 200 "and the exported SAS still works"

no_secrets
done_testing
