#!/bin/sh
# aml-export-ws: every reference body in, the definition out the way
# Export-AzMlWebService writes it; the fixed points; -o and its refusals.
. "$(dirname "$0")/lib.sh"
. "$TESTS/lib-filters.sh"

for f in $(ref_bodies); do
	b=$(basename "$f" .json)
	vrun aml-export-ws "$f"
	expect_ok "$b: export succeeds"
	is "$(cat "$TMP/err")" "" "$b: nothing on stderr"
	cp "$TMP/out" "$TMP/$b.exp"
	e=$TMP/$b.exp

	# The same content, less the read-only members and the nulls, with
	# schema names in their camelCase spelling (compared ignoring case).
	jq -S "$JQ_LOWER | $JQ_DROP_RO | $JQ_NONULL" "$f" >"$TMP/want"
	jq -S "$JQ_LOWER" "$e" >"$TMP/got"
	same_file "$TMP/got" "$TMP/want" "$b: the definition holds everything but the read-only members"
	is "$(jq '.properties | has("createdOn") or has("modifiedOn") or has("provisioningState") or has("swaggerLocation")' "$e")" false \
	    "$b: no read-only property left"
	is "$(jq -r 'has("id"), has("name"), has("type")' "$e" | sort -u)" false "$b: no id, name or type"
	is "$(jq -r '.properties | keys_unsorted[0]' "$e")" packageType "$b: packageType first in properties"
	is "$(jq '[.. | objects | .[] | nulls] | length' "$e")" 0 "$b: no nulls"
	jq --indent 2 . "$e" >"$TMP/jq"
	same_file "$e" "$TMP/jq" "$b: 2-space indentation, \"key\": value"
	one_newline "$e"; ok $? "$b: one trailing newline"
	if grep -q '"[A-Z][A-Za-z]*": ' "$f"; then
		is "$(jq -r '.properties | has("assets"), has("Assets")' "$e" | tr '\n' ' ')" "true false " \
		    "$b: PascalCase names come out camelCase"
	fi

	# Fixed points: export | export, and export | import | export.
	vrun_in "$e" aml-export-ws
	same_file "$TMP/out" "$e" "$b: export of an export is the identity"
	vrun_in "$e" aml-import-ws
	expect_ok "$b: the export imports"
	cp "$TMP/out" "$TMP/$b.imp"
	vrun_in "$TMP/$b.imp" aml-export-ws
	same_file "$TMP/out" "$e" "$b: export | import | export gives the same bytes"
done

# PowerShell writes CRLF and may start with a byte order mark; the result
# is the same as from the plain file.
f=$TMP/bodies/recorded-get-response.json
{ printf '\357\273\277'; sed 's/\r*$/\r/' "$f"; } >"$TMP/bom-crlf.json"
vrun aml-export-ws "$TMP/bom-crlf.json"
expect_ok "BOM and CRLF input"
same_file "$TMP/out" "$TMP/recorded-get-response.exp" "BOM and CRLF make no difference"

# A compact resource, as it comes over the wire, comes out indented.
vrun aml-export-ws "$FIX/trained-get.json"
expect_ok "compact input"
jq --indent 2 'del(.id, .name, .type) | .properties |= ({packageType} + del(.createdOn, .modifiedOn, .provisioningState, .swaggerLocation))' \
    "$FIX/trained-get.json" >"$TMP/want"
same_file "$TMP/out" "$TMP/want" "compact input: the same as jq's edit of it"

# Numbers and string escapes go through byte for byte; free-form values
# keep their nulls while schema objects lose theirs.
cat >"$TMP/num.json" <<'EOF'
{"properties": {"title": "caf\u00e9 \/ \"x\"", "description": null, "packageType": "Graph",
 "parameters": {"p": {"value": {"big": 12345678901234567890, "f": 1.0, "e": 1e400, "z": -0, "pi": 3.14159265358979323846, "n": null}}},
 "exampleRequest": {"inputs": {"input1": [[1.50, null, "a"]]}, "globalParameters": null}}}
EOF
vrun aml-export-ws "$TMP/num.json"
expect_ok "numbers and escapes"
cat >"$TMP/want" <<'EOF'
{
  "properties": {
    "packageType": "Graph",
    "title": "caf\u00e9 \/ \"x\"",
    "parameters": {
      "p": {
        "value": {
          "big": 12345678901234567890,
          "f": 1.0,
          "e": 1e400,
          "z": -0,
          "pi": 3.14159265358979323846,
          "n": null
        }
      }
    },
    "exampleRequest": {
      "inputs": {
        "input1": [
          [
            1.50,
            null,
            "a"
          ]
        ]
      }
    }
  }
}
EOF
same_file "$TMP/out" "$TMP/want" "numbers, escapes and free-form nulls kept; schema nulls dropped"

# export reads stdin, or "-".
vrun_in "$f" aml-export-ws -
same_file "$TMP/out" "$TMP/recorded-get-response.exp" "'-' is stdin"

# -o: written whole, mode 0644 under the umask, never over an existing
# file without -f, never through a symlink.
o=$TMP/svc.json
(umask 022; $VALGRIND aml-export-ws -o "$o" "$f" >"$TMP/out" 2>"$TMP/err"); rc=$?
expect_ok "-o FILE"
is "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "-o FILE: nothing on stdout"
same_file "$o" "$TMP/recorded-get-response.exp" "-o FILE: the definition"
is "$(stat -c %a "$o")" 644 "-o FILE: mode 0644"
(umask 077; aml-export-ws -o "$TMP/private.json" "$f" 2>/dev/null)
is "$(stat -c %a "$TMP/private.json")" 600 "-o FILE: the umask applies"

echo "keep me" >"$o"
vrun aml-export-ws -o "$o" "$f"
expect_fail 1 "^aml-export-ws: $o: file exists \(use -f to replace it\)$" "-o onto an existing file is refused"
is "$(cat "$o")" "keep me" "the existing file is untouched"
vrun aml-export-ws -f -o "$o" "$f"
expect_ok "-f -o replaces it"
same_file "$o" "$TMP/recorded-get-response.exp" "-f -o: the new definition"

echo "target" >"$TMP/target"
ln -s "$TMP/target" "$TMP/link.json"
vrun aml-export-ws -o "$TMP/link.json" "$f"
expect_fail 1 "file exists" "-o onto a symlink is refused without -f"
vrun aml-export-ws -f -o "$TMP/link.json" "$f"
expect_ok "-f -o onto a symlink"
is "$(cat "$TMP/target")" "target" "the symlink's target is not written"
[ -f "$TMP/link.json" ] && [ ! -L "$TMP/link.json" ]; ok $? "the symlink is replaced by a file"

vrun aml-export-ws -f -o /dev/null "$f"
expect_fail 1 "^aml-export-ws: /dev/null: not a regular file; not replaced$" "-f -o never replaces a device"
[ -c /dev/null ]; ok $? "/dev/null is still a device"

vrun aml-export-ws -o "$TMP/no/such/dir/x.json" "$f"
expect_fail 1 "^aml-export-ws: $TMP/no/such/dir/x.json: No such file or directory$" "-o into a missing directory"

# A full disk: nothing but the one error line, and with -o no file and no
# temporary left behind (a file size limit makes write(2) fail midway).
run sh -c "aml-export-ws '$f' >/dev/full"
expect_fail 1 "^aml-export-ws: write <stdout>: No space left on device$" "stdout on a full disk"
mkdir "$TMP/full"
run sh -c "trap '' XFSZ; ulimit -f 4; exec aml-export-ws -o '$TMP/full/svc.json' '$TMP/bodies/powershell-import-fixture.json'"
expect_fail 1 "^aml-export-ws: write $TMP/full/svc.json: File too large$" "-o when the disk fills up"
is "$(ls -A "$TMP/full")" "" "no partial file and no temporary file left"

# Usage.
run aml-export-ws a.json b.json
is "$rc" 2 "two operands: usage"
like "$(cat "$TMP/err")" "^usage: aml-export-ws" "two operands: usage on stderr"
run aml-export-ws "$TMP/nonexistent.json"
expect_fail 1 "^aml-export-ws: $TMP/nonexistent.json: No such file or directory$" "missing input file"
run aml-export-ws "$TMP"
expect_fail 1 "^aml-export-ws: $TMP: Is a directory$" "a directory as input"
done_testing
