#!/bin/sh
# The clouds' endpoints.  Nothing leaves loopback: the emulator stands
# in as an HTTPS proxy, and its log shows which host each program asked
# it to connect to.
. "$(dirname "$0")/lib.sh"
emu_start
aml-login >/dev/null && aml-token > "$TMP/az.json"

connected() {	# the hosts asked of the proxy since the log was cleared
	emu requests | jq -r '[.[] | select(.method == "CONNECT") | .path] | join(" ")'
}

for c in AzureCloud:login.microsoftonline.com:management.azure.com \
    AzureChinaCloud:login.chinacloudapi.cn:management.chinacloudapi.cn \
    AzureUSGovernment:login.microsoftonline.us:management.usgovcloudapi.net; do
	name=${c%%:*}; rest=${c#*:}; login=${rest%%:*}; arm=${rest#*:}
	emu requests -X DELETE >/dev/null
	run env -u AZURE_AUTHORITY_HOST -u AML_ARM_ENDPOINT HTTPS_PROXY="$AML_EMULATOR_URL" AML_RETRY_MAX=0 \
	    aml-login --cloud "$name"
	is "$rc" 1 "$name: the proxy refuses the tunnel"
	is "$(connected)" "$login:443" "$name: Entra ID at $login"
	emu requests -X DELETE >/dev/null
	run_in "$TMP/az.json" env -u AZURE_AUTHORITY_HOST -u AML_ARM_ENDPOINT HTTPS_PROXY="$AML_EMULATOR_URL" \
	    AML_RETRY_MAX=0 AML_CONFIG_DIR="$TMP/c-$name" AML_CLOUD="$name" aml-login --token-stdin
	is "$(connected)" "$arm:443" "$name: Resource Manager at $arm"
done
run env -u AZURE_AUTHORITY_HOST HTTPS_PROXY="$AML_EMULATOR_URL" AML_RETRY_MAX=0 aml-login --authority-host login.example.org
is "$(emu requests | jq -r '[.[] | select(.method == "CONNECT")] | last | .path')" "login.example.org:443" \
    "--authority-host: a bare host means https"
# The emulator is a public-cloud tenant: it does not know the China
# cloud's Resource Manager, as the real public cloud would not.
run aml-login --cloud azurechinacloud --authority-host "$AZURE_AUTHORITY_HOST"
expect_fail 3 'AADSTS500011: .*hint: no resource https://management\.chinacloudapi\.cn/ in the tenant' \
    "cloud names in any case; --authority-host overrides the cloud's"
is "$(emu requests | jq -r '[.[] | select(.path | test("/oauth2/v2.0/token"))] | last | .form.scope')" \
    https://management.chinacloudapi.cn//.default "tokens are asked for that cloud's Resource Manager"

done_testing
