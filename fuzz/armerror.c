/* SPDX-License-Identifier: MIT */
/*
 * armerror: the line every network program prints when Resource
 * Manager (or any service) answers with an error: aml_http_errline on
 * ARM's {"error":{code,message,details}}, Entra's {"error",
 * "error_description"}, bare {"code","message"}, HTML and nothing;
 * the body snippet, Retry-After (seconds or an HTTP date) and
 * aml_redact.  The input is an HTTP response (see fuzz_response);
 * without a status line it is a 400's body.
 *
 * Promises checked: the line and the snippet are one line each, the
 * line starts with the request and never shows the host or the query;
 * Retry-After is -1 or a number of seconds.
 */
#include "fuzz.h"

#define URL "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/" \
	"Microsoft.MachineLearning/webServices/w?api-version=2017-01-01&sig=SECRETSIG"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_setprog("aml-get-ws");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "PUT", "PATCH", "DELETE", "POST", NULL };
	struct aml_req q = { 0 };
	struct aml_resp r;
	char *line, *snip, *red, *start;
	long ra;

	fuzz_response(data, size, 400, &r);
	q.method = methods[size % 6];
	q.url = URL;
	line = aml_http_errline(&q, &r);
	FUZZ_ONELINE(line);
	start = aml_xasprintf("%s /subscriptions/s/resourceGroups/g/providers/"
	    "Microsoft.MachineLearning/webServices/w: ", q.method ? q.method : "GET");
	FUZZ_ASSERT(!strncmp(line, start, strlen(start)), "the line starts otherwise", line);
	/* Unless the server itself said them. */
	if (!memmem(data, size, "management.azure.com", 20) && !memmem(data, size, "SECRETSIG", 9))
		FUZZ_ASSERT(!strstr(line, "management.azure.com") && !strstr(line, "SECRETSIG"),
		    "the host or the query in the line", line);
	free(start);
	free(line);

	snip = aml_http_snippet(&r);
	FUZZ_ONELINE(snip);
	free(snip);

	ra = aml_http_retry_after(&r);
	FUZZ_ASSERT(ra >= -1, "a negative Retry-After", "");

	/* As the -v trace masks a body: its first TRACE_BODY_MAX bytes. */
	red = aml_redact(r.body, r.len < 4096 ? r.len : 4096);
	FUZZ_ASSERT(red != NULL, "no redacted copy", "");
	free(red);
	aml_resp_free(&r);
	return 0;
}
