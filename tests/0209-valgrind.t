#!/bin/sh
# The pure filters under valgrind (memcheck, definite leaks are errors):
# each of the six through the inputs that take it down each of its paths
# (the recorded and reference bodies, Kubernetes and example deployments,
# every BES result shape, bad JSON, a wrong type, a missing member, an
# unknown asset or model reference, -o, a large input, the fuzz corpus's
# regressions).  The other filter tests run the same programs bare, and
# make check SANITIZE=1 runs every case under ASan and UBSan.
. "$(dirname "$0")/lib.sh"
if [ -n "${AML_SANITIZE:-}" ]; then
	skip "valgrind cannot run a sanitized build (ASan checks it instead)" "the filters under valgrind"
	done_testing
	exit 0
fi
if ! command -v valgrind >/dev/null 2>&1; then
	skip "valgrind is not installed (apt-get install valgrind)" "the filters under valgrind"
	done_testing
	exit 0
fi
REF=$TESTS/data/reference
FIX=$TESTS/data/filters
REC=$REF/sessionrecords-extract/TestCreateGetRemoveWebService.GET.responseBody.json

# vg STATUS PROG ARGS...: valgrind finds nothing (99 would say it did)
# and the program exits as it should.
vg() {
	_want=$1
	shift
	run $VALGRIND_CMD "$@" </dev/null
	is "$rc" "$_want" "valgrind: $(printf '%s ' "$@" | sed "s|$TESTS/||g; s|$TMP/||g")"
}

# Web service definitions.
vg 0 aml-export-ws "$REC"
aml-export-ws "$REC" >"$TMP/def.json"
vg 0 aml-import-ws "$TMP/def.json"
jq '.responses["200"].body' "$REF/getWebService.json" >"$TMP/example.json"
vg 0 aml-export-ws -c "$TMP/example.json"
vg 0 aml-import-ws "$REF/GraphWebServiceDefinition_Prod.json"
vg 0 aml-patch-ilearner -u https://a.blob.core.windows.net/m/new.ilearner "$FIX/trained-get.json"
vg 0 aml-patch-ilearner -b "$FIX/bes-finished.json" "$FIX/trained-ps.json"
vg 0 aml-patch-ilearner -b "$FIX/bes-legacy.json" "$FIX/trained-get.json"
vg 1 aml-patch-ilearner -b "$FIX/bes-running.json" "$FIX/trained-get.json"
vg 1 aml-patch-ilearner -b "$FIX/bes-no-ilearner.json" "$FIX/trained-get.json"
vg 1 aml-patch-ilearner -b "$FIX/bes-two-ilearner.json" "$FIX/trained-get.json"
vg 1 aml-patch-ilearner -u https://a.blob.core.windows.net/m/new.ilearner "$FIX/two-trained.json"
vg 1 aml-patch-ilearner -a nosuch -u https://a.blob.core.windows.net/m/new.ilearner "$FIX/trained-get.json"
# Azure Machine Learning deployment definitions.
vg 0 aml-export-deployment "$FIX/ml-deployment-get.json"
vg 0 aml-export-deployment -c "$FIX/ml-deployment-k8s.json"
vg 0 aml-import-deployment "$FIX/ml-deployment-get.def.json"
vg 0 aml-import-deployment "$FIX/ml-example-get.def.json"
vg 0 aml-patch-model -u azureml:census:7 "$FIX/ml-deployment-get.def.json"
vg 0 aml-patch-model -b "$FIX/ml-model-version.json" "$FIX/ml-deployment-k8s.def.json"
vg 2 aml-patch-model -u azureml:census@latest "$FIX/ml-deployment-get.def.json"
# Bad input: not JSON, cut short, a wrong type, a member missing, a
# duplicate key; each fails with one line.
printf '{"properties": ' >"$TMP/cut.json"
printf 'not json\n' >"$TMP/notjson.json"
jq '.properties.packageType = 7' "$TMP/def.json" >"$TMP/type.json"
jq 'del(.properties.packageType)' "$TMP/def.json" >"$TMP/missing.json"
printf '{"properties":{"packageType":"Graph","title":"a","title":"b"}}\n' >"$TMP/dup.json"
for f in cut notjson type missing dup; do
	vg 1 aml-import-ws "$TMP/$f.json"
	vg 1 aml-import-deployment "$TMP/$f.json"
done
for f in "$TESTS"/data/fuzz/defn/*.json "$TESTS"/data/fuzz/mldefn/*.json; do
	run $VALGRIND_CMD aml-import-ws "$f" </dev/null
	[ "$rc" != 99 ] && [ "$rc" -le 2 ]
	ok $? "valgrind: aml-import-ws on the fuzz regression ${f#$TESTS/}"
done
# -o, atomically, and a large input (mapped, not read).
vg 0 aml-export-ws -o "$TMP/o.json" "$REC"
jq '.properties.package.nodes |= (. // {}) | .properties.description = ("x" * 3000000)' "$TMP/def.json" \
    >"$TMP/big.json"
vg 0 aml-import-ws -o "$TMP/big.out.json" "$TMP/big.json"
cmp -s "$TMP/big.json" "$TMP/big.out.json" || jq -e . "$TMP/big.out.json" >/dev/null
ok $? "(the large definition went through)"
done_testing
