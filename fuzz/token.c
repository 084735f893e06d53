/* SPDX-License-Identifier: MIT */
/*
 * token: what a token endpoint answers (Entra ID v1 and v2, IMDS, App
 * Service): aml_token_parse on a 200's body, as aml-login and every
 * refresh read it, with the id_token's claims; and aml_token_errline on
 * a refusal or failure, with its AADSTS hint.  The input is an HTTP
 * response (see fuzz_response); without a status line it is a 200's
 * body and is also read as a 400's.
 *
 * Promises checked: a token parsed has an access token and an expiry;
 * the refusal is one line, exit status 3 for a 4xx (but 408 and 429) and
 * 1 otherwise, and
 * never quotes the access or refresh token the body carried.
 */
#include "fuzz.h"

static void
parse(const struct aml_resp *r, int mi)
{
	struct aml_token t;
	const char *why;

	if (aml_token_parse(r->body, r->len, mi, 1700000000, &t, &why) < 0) {
		FUZZ_ONELINE(why);
		FUZZ_ASSERT(!t.access && !t.refresh, "a token left after a failure", why);
		return;
	}
	FUZZ_ASSERT(t.access && *t.access, "a token without an access token", "");
	FUZZ_ASSERT(t.expires_on > 0, "a token without an expiry", t.access);
	aml_token_free(&t);
}

/* The secret a token body may carry, for the check that it is masked. */
static char *
secret(const struct aml_resp *r, const char *key)
{
	struct aml_jerr e;
	cJSON *j = aml_json_parse(r->body, r->len, &e);
	const char *s = j ? aml_json_str(j, key) : NULL;
	char *v = s && strlen(s) >= 12 ? aml_xstrdup(s) : NULL;

	cJSON_Delete(j);
	return v;
}

static void
refusal(const struct aml_resp *r, int kind)
{
	static const char *const what[] = { NULL, "managed identity", "device code sign-in" };
	struct aml_cred c = { 0 };
	struct aml_req q = { 0 };
	char *line, *at = secret(r, "access_token"), *rt = secret(r, "refresh_token");
	int status;

	c.kind = kind % 6 + 1;
	c.tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
	c.client_id = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
	q.method = "POST";
	q.url = "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token";
	line = aml_token_errline(&q, r, &c, NULL, what[kind % 3], &status);
	FUZZ_ONELINE(line);
	/* Refused is 4xx, but for 408 and 429, which say "try later". */
	FUZZ_ASSERT(status == (r->status >= 400 && r->status < 500 && r->status != 408 &&
	    r->status != 429 ? AML_EXIT_AUTH : AML_EXIT_FAIL), "the wrong exit status", line);
	if (at)
		FUZZ_ASSERT(!strstr(line, at), "an access token in the message", line);
	if (rt)
		FUZZ_ASSERT(!strstr(line, rt), "a refresh token in the message", line);
	free(line);
	free(at);
	free(rt);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_setprog("aml-login");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aml_resp r;

	fuzz_response(data, size, 200, &r);
	if (r.status == 200) {
		parse(&r, 0);
		parse(&r, 1);
		r.status = 400;
	}
	refusal(&r, (int)(size % 6));
	aml_resp_free(&r);
	return 0;
}
