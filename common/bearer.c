/* SPDX-License-Identifier: MIT */
/*
 * bearer.c: the one place an access token meets a request.  A token is
 * for one audience (Resource Manager, or Azure Machine Learning's data
 * plane) and goes only to the origin (scheme, host and port) that
 * audience is served from: Resource Manager's endpoint, or an origin a
 * program learnt from Resource Manager itself (an online endpoint's
 * scoring URI).  Every request that carries a token comes through here,
 * so that a nextLink, a Location or an operation URL from a server can
 * never make a program send its token elsewhere, whoever follows it.
 *
 * http.c below knows nothing of tokens; auth.c gives them out.  A 401
 * answered to a cached token gets one new token and one more try: the
 * token may have been revoked, or the clocks may disagree.
 */
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

#define MAX_ALLOWED 8

static struct {
	char *resource;
	struct aml_url origin;
	char *url;		/* what origin points into */
} allowed[MAX_ALLOWED];
static size_t nallowed;

static void
forget(void)
{
	while (nallowed) {
		nallowed--;
		free(allowed[nallowed].resource);
		free(allowed[nallowed].url);
	}
}

int
aml_bearer_allow(const char *resource, const char *url, const char **why)
{
	struct aml_url u;

	if (aml_url_check(url, &u, why) < 0)
		return -1;
	if (nallowed == MAX_ALLOWED) {
		*why = "too many origins for tokens";
		return -1;
	}
	if (!nallowed)
		atexit(forget);
	allowed[nallowed].resource = aml_xstrdup(resource);
	allowed[nallowed].url = aml_xstrdup(url);
	allowed[nallowed].origin = u;
	allowed[nallowed].origin.path = allowed[nallowed].url + (u.path - url);
	nallowed++;
	return 0;
}

/* Whether the token for resource may go to url: 0, or -1 with the
 * reason in r->err (said as the request's failure). */
static int
origin_ok(const char *resource, const char *url, struct aml_resp *r)
{
	struct aml_url want, got;
	const char *why, *base = NULL;
	size_t i;

	if (aml_url_parse(url, &got, &why) < 0) {
		snprintf(r->err, sizeof r->err, "%s", why);
		return -1;
	}
	if (!strcmp(resource, AML_ARM)) {
		base = aml_arm_endpoint();
		if (aml_url_parse(base, &want, &why) == 0 && aml_url_same_origin(&want, &got))
			return 0;
	} else {
		for (i = 0; i < nallowed; i++)
			if (!strcmp(allowed[i].resource, resource) &&
			    aml_url_same_origin(&allowed[i].origin, &got))
				return 0;
	}
	if (base)
		snprintf(r->err, sizeof r->err, "not sending the Resource Manager token to %s://%.80s:%d: "
		    "it goes only to %.200s", got.https ? "https" : "http", got.host, got.port, base);
	else
		snprintf(r->err, sizeof r->err, "not sending the token for %.200s to %s://%.80s:%d, "
		    "where it was not given for", resource, got.https ? "https" : "http", got.host, got.port);
	return -1;
}

static int
send_with(const struct aml_req *q, struct aml_resp *r, const char *token)
{
	struct aml_req a = *q;
	char *auth = aml_xasprintf("Bearer %s", token);
	int rc;

	a.auth = auth;
	rc = aml_http_raw(&a, r) < 0 ? AML_EXIT_FAIL : 0;
	aml_freesecret(auth);
	return rc;
}

/* The request with its token: 0 when a response came, else the exit
 * status (the reason in r->err, or already printed by the sign-in). */
static int
call(const struct aml_req *q, struct aml_resp *r)
{
	struct aml_token t;
	int rc, cached;

	memset(r, 0, sizeof *r);
	if (origin_ok(q->resource, q->url, r) < 0)
		return AML_EXIT_FAIL;
	if (q->token)
		return send_with(q, r, q->token);
	if ((rc = aml_auth_token(q->resource, 0, 0, &t, &cached)) != 0)
		return rc;
	rc = send_with(q, r, t.access);
	if (rc == 0 && r->status == 401 && cached) {
		if (aml_verbose)
			fprintf(stderr, "* HTTP 401 with a cached token: renewing it once\n");
		aml_token_free(&t);
		aml_resp_free(r);
		if ((rc = aml_auth_token(q->resource, 0, 1, &t, &cached)) != 0)
			return rc;
		rc = send_with(q, r, t.access);
	}
	aml_token_free(&t);
	return rc;
}

int
aml_bearer_call(const struct aml_req *q, struct aml_resp *r)
{
	char *line;
	int rc;

	rc = call(q, r);
	if (rc == 0 && r->status / 100 != 2 && !(q->flags & AML_HTTP_ANYSTATUS))
		rc = r->status == 401 || (q->token && r->status == 403) ? AML_EXIT_AUTH : AML_EXIT_FAIL;
	if (rc && (r->status || r->err[0]) && !(q->flags & AML_HTTP_QUIET)) {
		line = aml_http_errline(q, r);
		aml_err("%s", line);
		free(line);
	}
	return rc;
}
