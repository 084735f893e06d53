/* SPDX-License-Identifier: MIT */
/*
 * studio.c: what the programs for the Studio (classic) services share:
 * aml-retrain, aml-score and the endpoint programs.  Their credentials
 * are API keys and workspace tokens, read from a file or the
 * environment, never from the command line; their errors carry the
 * specific code and message in "details", which the error line shows;
 * SAS tokens are checked for expiry before they are handed on.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "amlnet.h"


/* The service's base URL from what a user may paste: the ApiLocation,
 * or a request URL of it (.../execute?..., .../jobs?..., swagger.json). */
char *
aml_studio_base(const char *url, const char **why)
{
	static const char *const tails[] = { "/execute", "/jobs", "/swagger.json", NULL };
	char *u = aml_xstrndup(url, strcspn(url, "?#")), *base, *p;
	size_t n;

	for (const char *const *t = tails; *t; t++)
		if ((p = strstr(u, *t)) && (!p[strlen(*t)] || p[strlen(*t)] == '/'))
			*p = '\0';
	n = strlen(u);
	while (n && u[n - 1] == '/')
		u[--n] = '\0';
	base = aml_base_url(u, why);
	free(u);
	if (base && !strstr(base, "/services/")) {
		*why = "not a web service URL (.../workspaces/ID/services/ID, the endpoint's ApiLocation)";
		free(base);
		return NULL;
	}
	return base;
}

static const struct {
	const char *names[3];
	const char *url;
} regions[] = {
	{ { "southcentralus", "ussouthcentral", "" }, "https://management.azureml.net" },
	{ { "westeurope", "europewest", NULL }, "https://europewest.management.azureml.net" },
	{ { "southeastasia", "asiasoutheast", NULL }, "https://asiasoutheast.management.azureml.net" },
	{ { "japaneast", NULL, NULL }, "https://japaneast.management.azureml.net" },
	{ { "westcentralus", "uswestcentral", NULL }, "https://uswestcentral.management.azureml.net" },
	{ { "germanycentral", NULL, NULL }, "https://germanycentral.management.azureml.de" },
};

/* The management API: override, else AML_CLASSIC_ENDPOINT, else the
 * host of the region (management.azureml.net for South Central US). */
static char *
classic_base(const char *override, const char *region, const char **why)
{
	const char *e = override ? override : getenv("AML_CLASSIC_ENDPOINT");
	char *u, *r;
	size_t n;

	if (e && *e) {
		if (!(u = aml_base_url(e, why)))
			return NULL;
		n = strlen(u);
		while (n && u[n - 1] == '/')
			u[--n] = '\0';
		return u;
	}
	r = aml_xstrdup(region ? region : "");
	for (char *p = r, *q = r;; p++) {
		if (*p != ' ' && *p != '-')
			*q++ = (char)tolower((unsigned char)*p);
		if (!*p)
			break;
	}
	for (size_t i = 0; i < sizeof regions / sizeof *regions; i++)
		for (int k = 0; k < 3 && regions[i].names[k]; k++)
			if (strcmp(r, regions[i].names[k]) == 0) {
				free(r);
				return aml_xstrdup(regions[i].url);
			}
	free(r);
	*why = "unknown region (South Central US, West Europe, Southeast Asia, Japan East, "
	    "West Central US or Germany Central)";
	return NULL;
}

/* The first detail's code and message of {"error":{..., "details":[...]}}. */
static int
detail(const cJSON *j, const char **cls, const char **code, const char **msg)
{
	const cJSON *e = cJSON_GetObjectItem(j, "error"), *d;

	*cls = aml_json_str(e, "code");
	d = cJSON_GetArrayItem(cJSON_GetObjectItem(e, "details"), 0);
	*code = aml_json_str(d, "code");
	*msg = aml_json_str(d, "message");
	return *cls && *code && *msg && **msg;
}

static void
oneline(struct aml_wbuf *w, const char *s)
{
	char *red = aml_redact(s, strlen(s));
	int sp = 0;

	for (const char *p = red; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ') {
			sp = 1;
			continue;
		}
		if (sp && w->len)
			aml_wputc(w, ' ');
		sp = 0;
		aml_wputc(w, (unsigned char)*p < ' ' ? '?' : *p);
	}
	free(red);
}

char *
aml_studio_errline(const struct aml_req *q, const struct aml_resp *r)
{
	struct aml_jerr je;
	struct aml_wbuf w;
	const char *cls, *code, *msg, *rid;
	char *path;
	cJSON *j;

	if (!r->status || !r->len || !(j = aml_json_parse(r->body, r->len, &je)))
		return aml_http_errline(q, r);
	if (!detail(j, &cls, &code, &msg)) {
		cJSON_Delete(j);
		return aml_http_errline(q, r);
	}
	path = aml_url_path(q->url);
	aml_wbuf_init(&w, -1);
	aml_wprintf(&w, "%s %s: HTTP %ld ", q->method ? q->method : "GET", path, r->status);
	free(path);
	oneline(&w, cls);
	aml_wputs(&w, " (");
	oneline(&w, code);
	aml_wputs(&w, "): ");
	oneline(&w, msg);
	if ((rid = aml_http_header(r, "x-ms-request-id")) && *rid) {
		aml_wputs(&w, " [request-id ");
		oneline(&w, rid);
		aml_wputc(&w, ']');
	}
	cJSON_Delete(j);
	return aml_wbuf_take(&w);
}

/* The error line, and for a key refused (401) that came from a variable
 * holding what looks like a file name, what to do about it. */
static char *
key_errline(const struct aml_req *q, const struct aml_resp *r, const char *key)
{
	char *line = aml_studio_errline(q, r), *hint, *both;

	if (r->status != 401 || !(hint = aml_secret_hint(key)))
		return line;
	both = aml_xasprintf("%s; %s", line, hint);
	free(line);
	free(hint);
	return both;
}

int
aml_studio_http(const char *key, struct aml_req *q, struct aml_resp *r)
{
	char *auth = aml_xasprintf("Bearer %s", key), *line;
	int rc, quiet = q->flags & AML_HTTP_QUIET;

	q->auth = auth;
	q->flags |= AML_HTTP_QUIET;
	rc = aml_http(q, r);
	q->flags = (q->flags & ~AML_HTTP_QUIET) | quiet;
	q->auth = NULL;
	aml_freesecret(auth);
	if (rc && !quiet && (r->status || r->err[0])) {
		line = key_errline(q, r, key);
		aml_err("%s", line);
		free(line);
	}
	return rc;
}

/* ---- time ----------------------------------------------------------- */

time_t
aml_iso_time(const char *s)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	const char *p;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	p = s + 10;
	if (*p == 'T') {
		if (sscanf(p, "T%2d:%2d%n", &h, &mi, &n) != 2 || n != 6)
			return -1;
		p += 6;
		if (*p == ':') {
			if (sscanf(p, ":%2d%n", &sec, &n) != 1 || n != 3)
				return -1;
			p += 3;
			if (*p == '.')
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
		if (*p++ != 'Z')
			return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return timegm(&tm);
}

/* The value of name in a query string, percent-decoded; NULL if absent. */
static char *
qparam(const char *q, const char *name)
{
	size_t nl = strlen(name);

	if (*q == '?')
		q++;
	while (*q) {
		size_t len = strcspn(q, "&");

		if (len > nl && !strncmp(q, name, nl) && q[nl] == '=')
			return aml_urldec(q + nl + 1, len - nl - 1, 1);
		q += len;
		if (*q == '&')
			q++;
	}
	return NULL;
}

int
aml_sas_expiry(const char *sas, time_t *se)
{
	char *v = qparam(sas, "se");

	*se = v ? aml_iso_time(v) : -1;
	free(v);
	return *se == -1 ? -1 : 0;
}

void
aml_endpoint_strip(cJSON *ep)
{
	cJSON *r;

	cJSON_DeleteItemFromObjectCaseSensitive(ep, "PrimaryKey");
	cJSON_DeleteItemFromObjectCaseSensitive(ep, "SecondaryKey");
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(ep, "Resources"))
		cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(r,
		    "Location"), "SasBlobToken");
}

int
aml_endpoint_name_check(const char *n, const char **why)
{
	size_t len = strlen(n);

	*why = NULL;
	if (!len || len > 24)
		*why = "an endpoint name has 1 to 24 characters";
	else if (n[0] == '-' || n[len - 1] == '-')
		*why = "an endpoint name neither starts nor ends with a hyphen";
	for (; !*why && *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9') || *n == '-'))
			*why = "an endpoint name has only lower-case letters, digits and hyphens";
	return *why ? -1 : 0;
}

/* https://host/workspaces/W/webservices/S/endpoints/N into its parts. */
static int
endpoint_url(const char *url, char **base, char **ws, char **svc, char **name)
{
	const char *p = strstr(url, "/workspaces/"), *s;
	const char *why;
	char *b;
	size_t n;

	if (!p || strchr(url, '?'))
		return -1;
	b = aml_xstrndup(url, (size_t)(p - url));
	*base = aml_base_url(b, &why);
	free(b);
	if (!*base)
		return -1;
	p += strlen("/workspaces/");
	n = strcspn(p, "/");
	if (!n || strncmp(p + n, "/webservices/", 13) != 0)
		goto bad;
	*ws = aml_xstrndup(p, n);
	s = p + n + 13;
	n = strcspn(s, "/");
	if (!n || strncmp(s + n, "/endpoints/", 11) != 0) {
		free(*ws);
		goto bad;
	}
	*svc = aml_xstrndup(s, n);
	s += n + 11;
	n = strcspn(s, "/");
	if (!n || s[n]) {
		free(*ws);
		free(*svc);
		goto bad;
	}
	*name = aml_xstrndup(s, n);
	return 0;
bad:
	free(*base);
	*base = NULL;
	return -1;
}

/* ---- the management API --------------------------------------------- */

void
aml_classic_free(struct aml_classic *c)
{
	free(c->base);
	free(c->ws);
	free(c->svc);
	free(c->name);
	if (c->key)
		aml_freesecret(c->key);
	memset(c, 0, sizeof *c);
}

static int
classic_setup(struct aml_classic *c, const char *epurl, const char *ws, const char *svc,
    const char *name, const char *region, const char *keyfile)
{
	static const char *const keyvars[] = { "AML_WORKSPACE_TOKEN", "AML_API_KEY", NULL };
	const char *why;

	memset(c, 0, sizeof *c);
	if (epurl) {
		if (endpoint_url(epurl, &c->base, &c->ws, &c->svc, &c->name) < 0) {
			aml_err("-U %s: not https://HOST/workspaces/ID/webservices/ID/"
			    "endpoints/NAME", epurl);
			return AML_EXIT_USAGE;
		}
	} else {
		if (!ws)
			ws = getenv("AML_WORKSPACE_ID");
		if (!ws || !*ws) {
			aml_err("-w or AML_WORKSPACE_ID is required (the workspace id)");
			return AML_EXIT_USAGE;
		}
		if (!(c->base = classic_base(NULL, region, &why))) {
			if (region)
				aml_err("-l %s: %s", region, why);
			else
				aml_err("AML_CLASSIC_ENDPOINT: %s", why);
			return AML_EXIT_USAGE;
		}
		c->ws = aml_xstrdup(ws);
		if (svc || (svc = getenv("AML_WEBSERVICE_ID")))
			c->svc = *svc ? aml_xstrdup(svc) : NULL;
		c->name = name ? aml_xstrdup(name) : NULL;
	}
	if (c->name && !c->svc) {
		aml_err("--service or AML_WEBSERVICE_ID is required (the web service id)");
		return AML_EXIT_USAGE;
	}
	if (aml_secret_get(keyfile, keyvars, "-k", &c->key) < 0)
		return AML_EXIT_FAIL;
	if (!c->key) {
		aml_err("-k or AML_WORKSPACE_TOKEN is required (the workspace token or endpoint "
		    "key; or AML_WORKSPACE_TOKEN_FILE, AML_API_KEY, AML_API_KEY_FILE)");
		return AML_EXIT_AUTH;
	}
	return 0;
}

int
aml_classic_setup(struct aml_classic *c, const char *epurl, const char *ws, const char *svc,
    const char *name, const char *region, const char *keyfile)
{
	int rc = classic_setup(c, epurl, ws, svc, name, region, keyfile);

	if (rc)
		aml_classic_free(c);
	return rc;
}

char *
aml_classic_url(const struct aml_classic *c, int depth)
{
	char *ws = aml_urlenc(c->ws), *svc = c->svc ? aml_urlenc(c->svc) : NULL;
	char *name = c->name ? aml_urlenc(c->name) : NULL, *u;

	switch (depth) {
	case AML_AT_SERVICES:
		u = aml_xasprintf("%s/workspaces/%s/webservices", c->base, ws);
		break;
	case AML_AT_SERVICE:
		u = aml_xasprintf("%s/workspaces/%s/webservices/%s", c->base, ws, svc);
		break;
	case AML_AT_ENDPOINTS:
		u = aml_xasprintf("%s/workspaces/%s/webservices/%s/endpoints", c->base, ws, svc);
		break;
	default:
		u = aml_xasprintf("%s/workspaces/%s/webservices/%s/endpoints/%s", c->base, ws, svc,
		    name);
	}
	free(ws);
	free(svc);
	free(name);
	return u;
}

int
aml_classic_call(const struct aml_classic *c, const char *method, int depth, const char *body,
    int flags, cJSON **out, struct aml_resp *r)
{
	struct aml_req q = { 0 };
	struct aml_jerr e;
	int rc;

	*out = NULL;
	q.method = method;
	q.url = aml_classic_url(c, depth);
	q.body = body;
	q.len = body ? strlen(body) : 0;
	q.flags = flags | AML_HTTP_QUIET;
	rc = aml_studio_http(c->key, &q, r);
	if (rc && !(flags & AML_HTTP_QUIET) && (r->status || r->err[0])) {
		char *line = key_errline(&q, r, c->key);

		/* A change that got no answer after it was sent may have been
		 * made: say so, as the Resource Manager programs do. */
		if (!r->status && r->sent && method && strcmp(method, "GET") && !aml_signalled)
			aml_err("%s; the request reached the server, so it may have taken "
			    "effect: check with aml-get-endpoint", line);
		else
			aml_err("%s", line);
		free(line);
	}
	/* A change is judged by its status, as azuremlps judges it: what
	 * else a 2xx says (a proxy's page, text) does not undo it, and the
	 * callers verify with a GET.  Only data asked for must be JSON. */
	if (rc == 0 && r->len && !(*out = aml_json_parse(r->body, r->len, &e)) && method &&
	    strcmp(method, "GET")) {
		if (aml_verbose)
			fprintf(stderr, "* %s: HTTP %ld with an answer that is not JSON: taken as done, "
			    "to be verified\n", method, r->status);
	} else if (rc == 0 && r->len && !*out) {
		if (!(flags & AML_HTTP_QUIET)) {
			char *path = aml_url_path(q.url);

			aml_err("%s %s: the answer is not JSON: %s", method ? method : "GET", path, e.msg);
			free(path);
		}
		rc = AML_EXIT_FAIL;
	}
	free((char *)q.url);
	return rc;
}

int
aml_save_key(const char *path, const char *key, int force)
{
	struct aml_afile af;
	size_t n = strlen(key);

	if (aml_afile_open(&af, path, 0600, force) < 0) {
		aml_err(errno == EEXIST ? "%s: exists (use -f to replace it)" : "%s:", path);
		return AML_EXIT_FAIL;
	}
	if (write(af.fd, key, n) != (ssize_t)n || write(af.fd, "\n", 1) != 1) {
		aml_err("%s:", path);
		aml_afile_abort(&af);
		return AML_EXIT_FAIL;
	}
	if (aml_afile_commit(&af) < 0) {
		aml_err(errno == EEXIST ? "%s: exists (use -f to replace it)" : "%s:", path);
		return AML_EXIT_FAIL;
	}
	return 0;
}
