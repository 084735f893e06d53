#!/bin/sh
# aml-emulator: long-running operations as recorded: operationsStatus,
# percentComplete, the resource changing only when the operation ends,
# Failed and Canceled, operationresults; operations announced by
# Location alone, and polls with Retry-After.  Time is moved with clockSkew,
# so nothing here waits on the clock.
. "$(dirname "$0")/lib.sh"
. "$TESTS/emulib.sh"
emu_start --lro-ms 600000
ws_paths
AT=$(arm_token)
J='Content-Type: application/json'
REC=$REF/sessionrecords-extract

skew=0
later() {	# SECONDS: move the emulator's clock on
	skew=$((skew + $1))
	emu config -d "{\"clockSkew\":$skew}" >/dev/null
	AT=$(arm_token)
}

arm GET "$WS?$V"
title0=$(jb .properties.title)
arm PATCH "$WS?$V" -H "$J" --data '{"properties":{"packageType":"Graph","title":"After"}}'
is_status "$status" 200 "PATCH starts an operation"
op=$(hdr Azure-AsyncOperation)
http GET "$op" -H "Authorization: Bearer $AT"
is_status "$status" 200 "poll the operation"
is "$(jq -c 'keys_unsorted' "$TMP/body")" '["id","name","status","startTime","percentComplete"]' \
    "a running operation's members, in the recorded order"
is "$(jb .status)" Provisioning "status Provisioning (not provisioningState)"
opid=$(jb .name)
is "$(jb .id)" "$SUB/providers/Microsoft.MachineLearning/locations/southcentralus/operationsStatus/$opid" "its id"
like "$(jb .startTime)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]{1,7})?Z$' "startTime, .NET style"
like "$(grep percentComplete "$TMP/body")" '"percentComplete": 0\.[1-9]' "percentComplete is a fraction"
arm GET "$WS?$V"
is "$(jb .properties.title)" "$title0" "the resource has not changed yet"
is "$(jb .properties.provisioningState)" Provisioning "but says Provisioning"
later 330
http GET "$op" -H "Authorization: Bearer $AT"
like "$(grep percentComplete "$TMP/body")" '"percentComplete": 0\.5' "half way: 0.5"
later 300
http GET "$op" -H "Authorization: Bearer $AT"
is "$(jq -c 'keys_unsorted' "$TMP/body")" '["id","name","status","startTime","endTime","percentComplete"]' \
    "a finished operation's members"
is "$(jb .status)" Succeeded "Succeeded"
grep -q '"percentComplete": 1\.0' "$TMP/body"
ok $? "percentComplete 1.0, written so"
arm GET "$WS?$V"
is "$(jb .properties.title)" After "now the resource has changed"
is "$(jb .properties.provisioningState)" Succeeded "provisioningState Succeeded"

# The trained model moves only when the operation succeeds (the hook
# scoring uses, seen through /_emu/models).
arm GET "$WS?$V"
old=$(jb .properties.assets.asset3.locationInfo.uri)
arm PATCH "$WS?$V" -H "$J" --data '{"properties":{"packageType":"Graph","assets":{"asset3":{"locationInfo":{"uri":"https://127.0.0.1/blob/m/retrained.ilearner"}}}}}'
is_status "$status" 200 "PATCH of the trained model's uri"
is "$(emu models)" "[]" "no model change while the operation runs"
later 700
is "$(emu models | jq -c '.[] | [.name, .asset, .oldUri, .newUri]')" \
    "[\"$AML_DEMO_WS\",\"asset3\",\"$old\",\"https://127.0.0.1/blob/m/retrained.ilearner\"]" \
    "one model change when it has succeeded"
like "$(emu models | jq -r '.[0].serviceId')" '^[0-9a-f]{32}$' "it names the service id"
arm PATCH "$WS?$V" -H "$J" --data '{"properties":{"packageType":"Graph","title":"only the title"}}'
later 700
is "$(emu models | jq length)" 1 "a PATCH that leaves the model is no model change"

# A new service shows up Provisioning while its PUT runs.
on_demo_plan "$REC/TestCreateGetRemoveWebService.PUT.requestBody.json" >"$TMP/rec-put.json"
arm PUT "$WSL/slow?$V" -H "$J" --data-binary "@$TMP/rec-put.json"
is_status "$status" 201 "PUT of a new service"
op=$(hdr Azure-AsyncOperation)
arm GET "$WSL/slow?$V"
is "$(jb .properties.provisioningState)" Provisioning "a new service is Provisioning"
later 700
arm GET "$WSL/slow?$V"
is "$(jb .properties.provisioningState)" Succeeded "then Succeeded"

# DELETE: operationresults says 202 while running, then 204.
arm DELETE "$WSL/slow?$V"
op=$(hdr Azure-AsyncOperation)
loc=$(hdr Location)
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 202 "operationresults while running: 202"
is "$(hdr Location)" "$loc" "with Location again"
arm GET "$WSL/slow?$V"
is_status "$status" 200 "the service is there until the delete ends"
later 700
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 204 "operationresults when done: 204"
arm GET "$WSL/slow?$V"
is_status "$status" 404 "and the service is gone"
is "$(emu models | jq -c '[.[] | select(.name == "slow")]')" '[]' \
    "deleting a service without a trained model is no model change"

# Failed and Canceled, through the lro fault.
emu faults -d "{\"method\":\"PATCH\",\"path\":\"*/webServices/$AML_DEMO_WS\",\"lro\":\"Failed\",\"code\":\"InternalError\",\"message\":\"Model deployment failed.\"}" >/dev/null
arm GET "$WS?$V"
is_status "$status" 200 "a GET does not use the lro fault"
arm PATCH "$WS?$V" -H "$J" --data '{"properties":{"packageType":"Graph","title":"Never"}}'
is_status "$status" 200 "the PATCH is accepted"
op=$(hdr Azure-AsyncOperation)
later 700
http GET "$op" -H "Authorization: Bearer $AT"
is "$(jb .status)" Failed "the operation Failed"
is "$(jb '.error.code + ": " + .error.message')" "InternalError: Model deployment failed." "with its error"
test -n "$(jb .endTime)"
ok $? "and an endTime"
arm GET "$WS?$V"
is "$(jb .properties.title)" "only the title" "a failed PATCH changed nothing"
is "$(jb .properties.provisioningState)" Failed "but provisioningState is Failed"
emu faults -d '{"method":"PATCH","path":"*","lro":"Canceled"}' >/dev/null
arm PATCH "$WS?$V" -H "$J" --data '{"properties":{"packageType":"Graph","title":"Never"}}'
op=$(hdr Azure-AsyncOperation)
later 700
http GET "$op" -H "Authorization: Bearer $AT"
is "$(jb .status)" Canceled "Canceled"
is "$(jb .error.code)" OperationCanceled "with an error"
arm GET "$WS?$V"
is "$(jb .properties.title)" "only the title" "a canceled PATCH changed nothing"
emu faults -d '{"method":"PUT","path":"*","lro":"Canceled"}' >/dev/null
arm PUT "$WSL/canceled?$V" -H "$J" --data-binary "@$TMP/rec-put.json"
later 700
arm GET "$WSL/canceled?$V"
is_status "$status" 404 "a canceled create leaves nothing"
emu faults -d '{"method":"DELETE","path":"*","lro":"Failed"}' >/dev/null
arm DELETE "$WS?$V"
loc=$(hdr Location)
later 700
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 500 "operationresults of a failed delete"
is "$(jb .error.code)" InternalServerError "carries the error"
arm GET "$WS?$V"
is_status "$status" 200 "a failed delete leaves the service"

# An operation announced by Location alone (lroLocationOnly), and polls
# that say Retry-After while it runs (lroRetryAfter).
emu faults -d '{"method":"PATCH","path":"*","lroLocationOnly":true,"lroRetryAfter":7}' >/dev/null
arm PATCH "$WS?$V" -H "$J" --data '{"properties":{"packageType":"Graph","title":"By Location"}}'
is_status "$status" 200 "lroLocationOnly: the PATCH is accepted"
is "$(hdr Azure-AsyncOperation)" "" "without Azure-AsyncOperation"
loc=$(hdr Location)
like "$loc" "^$AML_ARM_ENDPOINT$SUB/providers/Microsoft\.MachineLearning/locations/southcentralus/operationresults/[0-9a-f-]+\?$V\$" \
    "with Location, the operationresults URL"
is "$(hdr Retry-After)" "" "the first answer has no Retry-After"
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 202 "polled while it runs: 202"
is "$(hdr Retry-After)" 7 "with Retry-After: 7"
is "$(hdr Location)" "$loc" "and Location again"
opid=${loc##*/operationresults/}
opid=${opid%%\?*}
http GET "$AML_ARM_ENDPOINT$SUB/providers/Microsoft.MachineLearning/locations/southcentralus/operationsStatus/$opid?$V" \
    -H "Authorization: Bearer $AT"
is "$(jb .status) $(hdr Retry-After)" "Provisioning 7" "its operationsStatus says Retry-After too"
later 700
http GET "$loc" -H "Authorization: Bearer $AT"
is_status "$status" 204 "done: 204"
is "$(hdr Retry-After)" "" "without Retry-After"
arm GET "$WS?$V"
is "$(jb .properties.title)" "By Location" "and the change made"
emu faults -d '{"method":"DELETE","path":"*","lroRetryAfter":2}' >/dev/null
arm DELETE "$WSL/canceled?$V"
is "$(test -n "$(hdr Azure-AsyncOperation)" && test -n "$(hdr Location)" && echo both)" both \
    "lroRetryAfter alone: both headers as usual"
http POST "$AML_EMULATOR_URL/_emu/faults" -d '{"lroRetryAfter":-1}'
is_status "$status" 400 "a negative lroRetryAfter is refused"
http POST "$AML_EMULATOR_URL/_emu/faults" -d '{"status":500,"lroLocationOnly":true}'
is_status "$status" 400 "lroLocationOnly does not go with status"
emu faults -X DELETE

# Unknown operations; the poll needs a token too.
http GET "$AML_ARM_ENDPOINT$SUB/providers/Microsoft.MachineLearning/locations/southcentralus/operationsStatus/00000000-0000-0000-0000-000000000000?$V" \
    -H "Authorization: Bearer $AT"
is_status "$status" 404 "an unknown operation"
http GET "$op"
is_status "$status" 401 "polling needs a token"

done_testing
