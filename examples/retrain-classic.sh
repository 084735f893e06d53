#!/bin/sh
# retrain-classic.sh: point an endpoint of a classic predictive web
# service at the model of a finished retraining job, adding the endpoint
# the first time.  Fit for cron or CI; secrets come from files.
#
# usage: retrain-classic.sh result.json
#
#   AML_WORKSPACE_ID             the workspace
#   AML_WEBSERVICE_ID            the predictive web service
#   AML_WORKSPACE_TOKEN_FILE     the workspace's authorization token
#   AML_ENDPOINT                 the endpoint, default "retrained"
#   AML_ENDPOINT_KEY_FILE        where to keep its key (for scoring), optional
#
# result.json is aml-retrain's output (retrain-new.sh writes one).  The
# endpoint is printed as JSON once it scores with the new model.
set -eu

[ $# -eq 1 ] || { echo "usage: retrain-classic.sh result.json" >&2; exit 2; }
result=$1
: "${AML_WORKSPACE_ID:?}" "${AML_WEBSERVICE_ID:?}" "${AML_WORKSPACE_TOKEN_FILE:?}"
export AML_WORKSPACE_ID AML_WEBSERVICE_ID
ep=${AML_ENDPOINT:-retrained}
tok=$AML_WORKSPACE_TOKEN_FILE

umask 077
# The default endpoint follows the web service; retraining needs one of
# our own, made once.
if ! aml-get-endpoint -q -k "$tok" "$ep" >/dev/null 2>&1; then
	aml-add-endpoint -q -k "$tok" --description "retrained model" "$ep" >/dev/null
fi
if [ -n "${AML_ENDPOINT_KEY_FILE:-}" ]; then
	aml-get-endpoint -q -k "$tok" -f -K "$AML_ENDPOINT_KEY_FILE" "$ep" >/dev/null
fi
aml-patch-endpoint -q -k "$tok" -b "$result" "$ep"
