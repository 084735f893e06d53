/* SPDX-License-Identifier: MIT */
/*
 * cred.c: from a credential to an access token.  Entra ID's v2 token
 * endpoint for service principals (secret, certificate assertion,
 * federated token) and for users (refresh token, device code), and the
 * two managed identity endpoints (App Service, then IMDS).  Refusals
 * become one line with the AADSTS code, the first line of the
 * description, the correlation id and a hint, and exit status 3.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "amlnet.h"

#define SKEW_WARN 300	/* seconds between our clock and the server's */
/* Times and durations from a server: beyond 9999-12-31 they are garbage,
 * and converting a double out of time_t's range is undefined. */
#define MAX_SECONDS 253402300799.0
#define DEVICE_CLIENT_ID "04b07795-8ddb-461a-bbee-02f9e1bf7b46"	/* Azure CLI's public client */

static const char *asked;	/* the resource asked for, for the hints */

void
aml_cred_free(struct aml_cred *c)
{
	free(c->authority);
	free(c->tenant);
	free(c->client_id);
	aml_freesecret(c->secret);
	free(c->secret_file);
	free(c->cert_path);
	free(c->token_file);
	aml_freesecret(c->refresh_token);
	memset(c, 0, sizeof *c);
}

void
aml_token_free(struct aml_token *t)
{
	aml_freesecret(t->access);
	aml_freesecret(t->refresh);
	free(t->user);
	free(t->tenant);
	memset(t, 0, sizeof *t);
}

const char *
aml_device_client_id(void)
{
	return DEVICE_CLIENT_ID;
}

static char *
scope_of(const char *resource)
{
	/* Entra takes everything before the last slash as the audience,
	 * so a resource ending in '/' keeps it: "...azure.com//.default". */
	return aml_xasprintf("%s/.default", resource);
}

/*
 * Forms
 */

static void
form_add(struct aml_wbuf *w, const char *k, const char *v)
{
	char *e = aml_urlenc(v);

	if (w->len)
		aml_wputc(w, '&');
	aml_wputs(w, k);
	aml_wputc(w, '=');
	aml_wputs(w, e);
	aml_freesecret(e);
}

static void
form_free(struct aml_wbuf *w)
{
	if (w->buf)
		aml_wipe(w->buf, w->cap);
	aml_wbuf_free(w);
}

/*
 * Responses
 */

/* A JWT's payload, decoded without verification (it is ours, from the
 * server that issued it; we read claims, we do not trust them). */
cJSON *
aml_jwt_claims(const char *jwt)
{
	const char *p = strchr(jwt, '.'), *e;
	struct aml_jerr je;
	unsigned char *out;
	size_t n, i, o = 0;
	unsigned long v = 0;
	int bits = 0, c;
	cJSON *j;

	if (!p || !(e = strchr(p + 1, '.')))
		return NULL;
	p++;
	n = (size_t)(e - p);
	out = aml_xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (c >= 'A' && c <= 'Z') c -= 'A';
		else if (c >= 'a' && c <= 'z') c = c - 'a' + 26;
		else if (c >= '0' && c <= '9') c = c - '0' + 52;
		else if (c == '-' || c == '+') c = 62;
		else if (c == '_' || c == '/') c = 63;
		else if (c == '=') break;
		else {
			free(out);
			return NULL;
		}
		v = v << 6 | (unsigned long)c;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(v >> bits);
		}
	}
	out[o] = '\0';
	j = aml_json_parse((char *)out, o, &je);
	free(out);
	return cJSON_IsObject(j) ? j : (cJSON_Delete(j), NULL);
}

/* Numbers or numeric strings (the v1 endpoint and IMDS send strings);
 * App Service's older answer is a date. */
static int
num_or_date(const cJSON *o, const char *key, double *v)
{
	const char *s;
	time_t t;

	if (aml_json_num(o, key, v) == 0)
		return 0;
	if ((s = aml_json_str(o, key)) && (t = aml_http_date(s)) > 0) {
		*v = (double)t;
		return 0;
	}
	return -1;
}

static int
parse_token(const struct aml_resp *r, int mi, struct aml_token *t, const char **why)
{
	return aml_token_parse(r->body, r->len, mi, time(NULL), t, why);
}

/* expires_at = now + expires_in when given, else expires_on; refresh
 * early at refresh_in, or halfway for managed identity tokens of two
 * hours or more (as MSAL does). */
int
aml_token_parse(const char *body, size_t len, int mi, time_t now, struct aml_token *t,
    const char **why)
{
	struct aml_jerr je;
	cJSON *j = aml_json_parse(body, len, &je);
	const char *s;
	double in, on, rin;
	cJSON *claims;

	memset(t, 0, sizeof *t);
	if (!j || !(s = aml_json_str(j, "access_token")) || !*s) {
		*why = j ? "the token response has no access_token" : "the token response is not JSON";
		cJSON_Delete(j);
		return -1;
	}
	t->access = aml_xstrdup(s);
	aml_secret_hold(t->access);
	/* Whole seconds: a fraction below 1 would make a token that has
	 * expired already (at the epoch, or now). */
	if (aml_json_num(j, "expires_in", &in) == 0 && in >= 1 && in <= MAX_SECONDS)
		t->expires_on = now + (time_t)in;
	else if (num_or_date(j, "expires_on", &on) == 0 && on >= 1 && on <= MAX_SECONDS)
		t->expires_on = (time_t)on;
	else
		t->expires_on = now + 3600;
	if (aml_json_num(j, "refresh_in", &rin) == 0 && rin >= 1 && rin <= MAX_SECONDS)
		t->refresh_on = now + (time_t)rin;
	else if (mi && t->expires_on - now >= 7200)
		t->refresh_on = now + (t->expires_on - now) / 2;
	if ((s = aml_json_str(j, "refresh_token")) && *s) {
		t->refresh = aml_xstrdup(s);
		aml_secret_hold(t->refresh);
	}
	if ((s = aml_json_str(j, "id_token")) && (claims = aml_jwt_claims(s))) {
		const char *u = aml_json_str(claims, "preferred_username");

		if (!u)
			u = aml_json_str(claims, "upn");
		if (u)
			t->user = aml_xstrdup(u);
		if ((u = aml_json_str(claims, "tid")))
			t->tenant = aml_xstrdup(u);
		cJSON_Delete(claims);
	}
	cJSON_Delete(j);
	return 0;
}

static long
skew(const struct aml_resp *r)
{
	return r->date > 0 ? (long)(time(NULL) - r->date) : 0;
}

static void
skew_words(char *buf, size_t n, long d)
{
	snprintf(buf, n, "the local clock is %ld s %s the server's (its Date header); "
	    "check NTP and the time zone", labs(d), d > 0 ? "ahead of" : "behind");
}

/* Said once per process, on any answer from Entra ID or an identity
 * endpoint: tokens still work, but expiry decisions will be off. */
static void
warn_skew(const struct aml_resp *r)
{
	static int said;
	char buf[200];
	long d = skew(r);

	if (said || labs(d) <= SKEW_WARN)
		return;
	said = 1;
	skew_words(buf, sizeof buf, d);
	aml_warn("%s", buf);
}

static long
aadsts(const cJSON *j)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "error_codes"), *c;
	const char *d;

	if (cJSON_IsArray(a) && (c = cJSON_GetArrayItem(a, 0)) && cJSON_IsNumber(c) &&
	    c->valuedouble > 0 && c->valuedouble < 1e9)
		return (long)c->valuedouble;
	if ((d = aml_json_str(j, "error_description")) && !strncmp(d, "AADSTS", 6))
		return strtol(d + 6, NULL, 10);
	return 0;
}

static const char *
kind_secret_words(const struct aml_cred *c)
{
	return c->secret_file ? "the client secret in the key file"
	    : "the client secret (AZURE_CLIENT_SECRET[_FILE], -k or --secret-stdin)";
}

static int refused(long status);

/* What to do about a refusal: the hint after the error line. */
static void
hint(char *buf, size_t n, const struct aml_cred *c, const cJSON *j, const struct aml_resp *r,
    const struct aml_cert *cert)
{
	const char *err = j ? aml_json_str(j, "error") : NULL;
	long code = j ? aadsts(j) : 0, d = skew(r);
	time_t now = time(NULL);
	char sk[200], date[32], *pathy;

	buf[0] = '\0';
	skew_words(sk, sizeof sk, d);
	/* A variable that holds a file's name instead of the secret. */
	if (refused(r->status) && (pathy = aml_secret_hint(c->secret))) {
		snprintf(buf, n, "%s", pathy);
		free(pathy);
		return;
	}
	switch (code) {
	case 7000215:
		snprintf(buf, n, "check %s", kind_secret_words(c));
		return;
	case 7000222:
		snprintf(buf, n, "the client secret has expired: create a new one for the application");
		return;
	case 7000218:
		snprintf(buf, n, "no client secret or certificate was sent");
		return;
	case 700016:
		snprintf(buf, n, "no application %s in tenant %s: wrong client id, tenant or cloud (--cloud)",
		    c->client_id ? c->client_id : "?", c->tenant ? c->tenant : "?");
		return;
	case 90002:
		snprintf(buf, n, "tenant %s not found: wrong tenant or cloud (--cloud)", c->tenant ? c->tenant : "?");
		return;
	case 90038:
		snprintf(buf, n, "the tenant belongs to another cloud: use --cloud");
		return;
	case 50012:
	case 700027:
		if (cert && cert->not_after && cert->not_after < now) {
			strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", gmtime(&cert->not_after));
			snprintf(buf, n, "the certificate expired on %s: renew it and upload the new one", date);
		} else if (cert) {
			snprintf(buf, n, "the certificate (x5t %s) is not the one registered for the application, "
			    "or the key does not match it", cert->x5t);
		} else {
			snprintf(buf, n, "the client assertion was refused: wrong key or certificate");
		}
		return;
	case 700024:
	case 500133:
		if (labs(d) > SKEW_WARN)
			snprintf(buf, n, "%s", sk);
		else if (c->kind == AML_CRED_WORKLOAD)
			snprintf(buf, n, "the federated token in %s has expired: its issuer must rotate it",
			    c->token_file ? c->token_file : "AZURE_FEDERATED_TOKEN_FILE");
		else
			snprintf(buf, n, "the client assertion is outside its validity: check the clock (NTP, time zone)");
		return;
	case 50076: case 50079: case 50078: case 53003: case 53000: case 50173:
	case 700082: case 70043: case 50058: case 65001:
		snprintf(buf, n, "sign in again interactively: aml-login --device-code");
		return;
	case 500011:
		snprintf(buf, n, "no resource %s in the tenant: check --resource or --scope", asked ? asked : "?");
		return;
	case 50034:
		snprintf(buf, n, "no such user in the tenant: wrong account, tenant or cloud");
		return;
	default:
		break;
	}
	if (err && !strcmp(err, "interaction_required"))
		snprintf(buf, n, "sign in again interactively: aml-login --device-code");
	else if (err && !strcmp(err, "invalid_client"))
		snprintf(buf, n, "the credentials of client %s were refused", c->client_id ? c->client_id : "?");
	else if (labs(d) > SKEW_WARN)
		snprintf(buf, n, "%s", sk);
}

/* The identity platform refused the credentials (4xx), as opposed to
 * being unwell or busy (408 and 429 are "try later", not "no"). */
static int
refused(long status)
{
	return status >= 400 && status < 500 && status != 408 && status != 429;
}

char *
aml_token_errline(const struct aml_req *q, const struct aml_resp *r, const struct aml_cred *c,
    const struct aml_cert *cert, const char *what, int *status)
{
	struct aml_jerr je;
	cJSON *j = r->status && r->len ? aml_json_parse(r->body, r->len, &je) : NULL;
	char *line = aml_http_errline(q, r), h[400], *s;

	hint(h, sizeof h, c, j, r, cert);
	if (!what)
		what = refused(r->status) ? "sign-in refused" : "sign-in failed";
	if (!r->status && (q->flags & AML_HTTP_IMDS))
		s = aml_xasprintf("%s: %s; hint: no instance metadata service answered: "
		    "is this an Azure VM with a managed identity?", what, line);
	else if (!r->status)
		s = aml_xasprintf("%s: %s%s", what, line, strstr(line, "TLS") || strstr(line, "plain http") ? "" :
		    "; hint: check the network and the proxy variables");
	else if (h[0])
		s = aml_xasprintf("%s: %s; hint: %s", what, line, h);
	else
		s = aml_xasprintf("%s: %s", what, line);
	free(line);
	cJSON_Delete(j);
	*status = refused(r->status) ? AML_EXIT_AUTH : AML_EXIT_FAIL;
	return s;
}

/* One line for a failed token request; returns the exit status: 3 when
 * the identity platform refused, 1 for anything else. */
static int
token_error(const struct aml_req *q, const struct aml_resp *r, const struct aml_cred *c,
    const struct aml_cert *cert, const char *what)
{
	int status;
	char *line = aml_token_errline(q, r, c, cert, what, &status);

	aml_err("%s", line);
	free(line);
	return status;
}

static char *
token_url(const struct aml_cred *c, const char *endpoint)
{
	return aml_xasprintf("%s/%s/oauth2/v2.0/%s", c->authority,
	    c->tenant ? c->tenant : "organizations", endpoint);
}

static int
post_form(const char *url, struct aml_wbuf *form, struct aml_resp *r, int flags)
{
	struct aml_req q = { 0 };

	q.method = "POST";
	q.url = url;
	q.body = form->buf;
	q.len = form->len;
	q.ctype = "application/x-www-form-urlencoded";
	q.flags = AML_HTTP_ANYSTATUS | AML_HTTP_QUIET | flags;
	return aml_http_raw(&q, r);
}


static void
bad_answer(const char *url, const char *why)
{
	char *path = aml_url_path(url);

	aml_err("POST %s: %s", path, why);
	free(path);
}

/* POST the client credentials grant with whatever proves who we are. */
static int
client_credentials(struct aml_cred *c, const char *scope, struct aml_token *t)
{
	char *url = token_url(c, "token"), *assertion = NULL, *fed = NULL;
	struct aml_cert cert = { 0 }, *certp = NULL;
	struct aml_req q = { 0 };
	struct aml_resp r;
	struct aml_wbuf f;
	const char *why;
	int rc, tries = 0;

	if (c->kind == AML_CRED_CERT) {
		if (aml_cert_load(c->cert_path, c->secret, &cert, &why) < 0) {
			aml_err("certificate %s: %s", c->cert_path, why);
			free(url);
			return AML_EXIT_AUTH;
		}
		certp = &cert;
	}
again:
	aml_wbuf_init(&f, -1);
	form_add(&f, "grant_type", "client_credentials");
	form_add(&f, "client_id", c->client_id);
	form_add(&f, "scope", scope);
	if (c->kind == AML_CRED_SECRET) {
		form_add(&f, "client_secret", c->secret);
	} else {
		/* Regenerated on every request: a fresh jti and lifetime;
		 * the federated token re-read, since its issuer rotates it. */
		if (c->kind == AML_CRED_CERT) {
			assertion = aml_cert_assertion(&cert, c->client_id, url, c->send_chain);
		} else if (!(fed = aml_read_secret_file(c->token_file, "federated token file"))) {
			form_free(&f);
			free(url);
			return AML_EXIT_AUTH;
		}
		form_add(&f, "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
		form_add(&f, "client_assertion", assertion ? assertion : fed);
		aml_freesecret(assertion);
		aml_freesecret(fed);
		assertion = fed = NULL;
	}
	q.method = "POST";
	q.url = url;
	rc = post_form(url, &f, &r, AML_HTTP_IDEMPOTENT);
	form_free(&f);
	if (rc == 0 && r.status == 200 && parse_token(&r, 0, t, &why) == 0) {
		warn_skew(&r);
		rc = 0;
	} else if (rc == 0 && r.status == 200) {
		bad_answer(url, why);
		rc = AML_EXIT_FAIL;
	} else {
		/* A federated token that expired in transit: its file may
		 * hold a fresh one by now (AADSTS700024), so once more. */
		if (c->kind == AML_CRED_WORKLOAD && r.status / 100 == 4 && !tries++ &&
		    r.body && strstr(r.body, "AADSTS700024")) {
			aml_resp_free(&r);
			goto again;
		}
		rc = token_error(&q, &r, c, certp, NULL);
		if (!r.status)
			rc = AML_EXIT_FAIL;
	}
	aml_resp_free(&r);
	aml_cert_free(&cert);
	free(url);
	return rc;
}

static int
refresh_grant(struct aml_cred *c, const char *scope, struct aml_token *t)
{
	char *url = token_url(c, "token"), *sc = aml_xasprintf("%s offline_access openid profile", scope);
	struct aml_req q = { 0 };
	struct aml_resp r;
	struct aml_wbuf f;
	const char *why;
	int rc;

	aml_wbuf_init(&f, -1);
	form_add(&f, "grant_type", "refresh_token");
	form_add(&f, "client_id", c->client_id);
	form_add(&f, "refresh_token", c->refresh_token);
	form_add(&f, "scope", sc);
	q.method = "POST";
	q.url = url;
	rc = post_form(url, &f, &r, AML_HTTP_IDEMPOTENT);
	form_free(&f);
	if (rc == 0 && r.status == 200 && parse_token(&r, 0, t, &why) == 0) {
		warn_skew(&r);
	} else if (rc == 0 && r.status == 200) {
		bad_answer(url, why);
		rc = AML_EXIT_FAIL;
	} else {
		rc = token_error(&q, &r, c, NULL, NULL);
	}
	aml_resp_free(&r);
	free(sc);
	free(url);
	return rc;
}

/* AML_IMDS_ENDPOINT: a base URL as for the other endpoints (https, or
 * http to loopback), or IMDS's own plain http address. */
static char *
imds_base(const char *s, const char **why)
{
	static const char imds[] = "http://169.254.169.254";

	if (!strncmp(s, imds, sizeof imds - 1) &&
	    (!s[sizeof imds - 1] || !strcmp(s + sizeof imds - 1, "/"))) {
		*why = NULL;
		return aml_xstrdup(imds);
	}
	return aml_base_url(s, why);
}

/* App Service (and Functions, Container Apps) first, when its two
 * variables are there; else IMDS, directly, never through a proxy. */
static int
managed_identity(struct aml_cred *c, const char *res, struct aml_token *t)
{
	const char *ep = getenv("IDENTITY_ENDPOINT"), *hv = getenv("IDENTITY_HEADER"), *why;
	const char *imds = getenv("AML_IMDS_ENDPOINT");
	char *eres = aml_urlenc(res), *cid = c->client_id ? aml_urlenc(c->client_id) : NULL;
	char *url, *h0, *base = NULL;
	const char *hdrs[2] = { NULL, NULL };
	struct aml_req q = { 0 };
	struct aml_resp r;
	int rc;

	if (ep && *ep && hv && *hv) {
		url = aml_xasprintf("%s%sapi-version=2019-08-01&resource=%s%s%s", ep,
		    strchr(ep, '?') ? "&" : "?", eres, cid ? "&client_id=" : "", cid ? cid : "");
		h0 = aml_xasprintf("X-IDENTITY-HEADER: %s", hv);
	} else {
		if (imds && *imds && !(base = imds_base(imds, &why))) {
			aml_err("AML_IMDS_ENDPOINT: %s: %s", imds, why);
			free(eres);
			free(cid);
			return AML_EXIT_USAGE;
		}
		url = aml_xasprintf("%s/metadata/identity/oauth2/token?api-version=2018-02-01&resource=%s%s%s",
		    base ? base : "http://169.254.169.254", eres, cid ? "&client_id=" : "", cid ? cid : "");
		h0 = aml_xstrdup("Metadata: true");
		q.flags = AML_HTTP_IMDS | AML_HTTP_DIRECT;
		q.connect_ms = 2000;
	}
	free(base);
	free(eres);
	free(cid);
	hdrs[0] = h0;
	q.url = url;
	q.hdrs = hdrs;
	q.flags |= AML_HTTP_ANYSTATUS | AML_HTTP_QUIET;
	rc = aml_http_raw(&q, &r);
	if (rc == 0 && r.status == 200 && parse_token(&r, 1, t, &why) == 0) {
		warn_skew(&r);
	} else if (rc == 0 && r.status == 200) {
		aml_err("managed identity: %s", why);
		rc = AML_EXIT_FAIL;
	} else {
		rc = token_error(&q, &r, c, NULL, "managed identity");
	}
	aml_resp_free(&r);
	aml_freesecret(h0);
	free(url);
	return rc;
}

static const char *
env(const char *name)
{
	const char *s = getenv(name);

	return s && *s ? s : NULL;
}

/* NAME, or NAME_FILE naming the file that holds it. */
static int
env_or_file(const char *name)
{
	char *f = aml_xasprintf("%s_FILE", name);
	int there = env(name) || env(f);

	free(f);
	return there;
}

int
aml_cred_env_complete(void)
{
	return env("AZURE_CLIENT_ID") && env("AZURE_TENANT_ID") &&
	    (env_or_file("AZURE_CLIENT_SECRET") || env("AZURE_CLIENT_CERTIFICATE_PATH") ||
	    env("AZURE_FEDERATED_TOKEN_FILE"));
}

/* The certificate's password: the variable whole (a password may have
 * spaces), else the first line of the file its _FILE names. */
static int
cert_password(struct aml_cred *c)
{
	const char *e;

	if ((e = env("AZURE_CLIENT_CERTIFICATE_PASSWORD"))) {
		c->secret = aml_xstrdup(e);
		aml_secret_hold(c->secret);
	} else if ((e = env("AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE")) &&
	    !(c->secret = aml_read_secret_file(e, "AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE"))) {
		return AML_EXIT_AUTH;
	}
	return 0;
}

int
aml_cred_env(struct aml_cred *c)
{
	static const char *const secretvars[] = { "AZURE_CLIENT_SECRET", NULL };
	const char *e;

	c->kind = 0;
	if (env_or_file("AZURE_CLIENT_SECRET")) {
		if (aml_secret_get(NULL, secretvars, NULL, &c->secret) < 0)
			return AML_EXIT_AUTH;
		if (c->secret) {
			c->kind = AML_CRED_SECRET;
			return 0;
		}
	}
	if ((e = env("AZURE_CLIENT_CERTIFICATE_PATH"))) {
		c->kind = AML_CRED_CERT;
		if (!(c->cert_path = realpath(e, NULL))) {
			aml_err("certificate %s:", e);
			return AML_EXIT_AUTH;
		}
		e = env("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN");
		c->send_chain = e && (!strcmp(e, "1") || !strcasecmp(e, "true"));
		return cert_password(c);
	}
	if ((e = env("AZURE_FEDERATED_TOKEN_FILE"))) {
		c->kind = AML_CRED_WORKLOAD;
		if (!(c->token_file = realpath(e, NULL))) {
			aml_err("federated token file %s:", e);
			return AML_EXIT_AUTH;
		}
	}
	return 0;
}

int
aml_cred_token(struct aml_cred *c, const char *res, struct aml_token *t)
{
	char *scope;
	int rc;

	memset(t, 0, sizeof *t);
	asked = res;
	/* Whatever path the secret came by, a server echoing it back in an
	 * error description must not get it printed. */
	aml_secret_hold(c->secret);
	aml_secret_hold(c->refresh_token);
	switch (c->kind) {
	case AML_CRED_SECRET:
	case AML_CRED_CERT:
	case AML_CRED_WORKLOAD:
		scope = scope_of(res);
		rc = client_credentials(c, scope, t);
		free(scope);
		return rc;
	case AML_CRED_USER:
		scope = scope_of(res);
		rc = refresh_grant(c, scope, t);
		free(scope);
		return rc;
	case AML_CRED_MI:
		return managed_identity(c, res, t);
	default:
		aml_err("the stored sign-in cannot get a new token for %s; run aml-login", res);
		return AML_EXIT_AUTH;
	}
}

/*
 * Device code (RFC 8628; Entra's v2 /devicecode)
 */

struct device {
	char *code;
	long interval, expires_in;
};

static int
device_start(struct aml_cred *c, const char *scope, struct device *d)
{
	char *url = token_url(c, "devicecode"), *sc = aml_xasprintf("%s offline_access openid profile", scope);
	struct aml_req q = { 0 };
	struct aml_jerr je;
	struct aml_resp r;
	struct aml_wbuf f;
	const char *msg, *uri, *ucode, *dc;
	double v;
	cJSON *j = NULL;
	int rc;

	aml_wbuf_init(&f, -1);
	form_add(&f, "client_id", c->client_id);
	form_add(&f, "scope", sc);
	q.method = "POST";
	q.url = url;
	/* This one creates a code on the server: like any non-idempotent
	 * request, repeated only when it never arrived. */
	rc = post_form(url, &f, &r, 0);
	form_free(&f);
	if (rc != 0 || r.status != 200) {
		rc = token_error(&q, &r, c, NULL, "device code sign-in");
		goto out;
	}
	if (!(j = aml_json_parse(r.body, r.len, &je)) || !(dc = aml_json_str(j, "device_code"))) {
		aml_err("POST /%s/oauth2/v2.0/devicecode: the answer has no device_code", c->tenant);
		rc = AML_EXIT_FAIL;
		goto out;
	}
	d->code = aml_xstrdup(dc);
	d->interval = aml_json_num(j, "interval", &v) == 0 && v >= 1 && v <= 3600 ? (long)v : 5;
	d->expires_in = aml_json_num(j, "expires_in", &v) == 0 && v >= 1 && v <= 86400 ? (long)v : 900;
	/* The only thing a user must see, and they read it on stderr. */
	if ((msg = aml_json_str(j, "message")) && *msg) {
		fprintf(stderr, "%s\n", msg);
	} else {
		if (!(uri = aml_json_str(j, "verification_uri")))
			uri = aml_json_str(j, "verification_url");
		ucode = aml_json_str(j, "user_code");
		fprintf(stderr, "To sign in, use a web browser to open the page %s and enter the code %s to authenticate.\n",
		    uri ? uri : "?", ucode ? ucode : "?");
	}
	fflush(stderr);
out:
	cJSON_Delete(j);
	aml_resp_free(&r);
	free(sc);
	free(url);
	return rc;
}

static int
cancelled(void)
{
	aml_err("sign-in cancelled");
	return -1;
}

int
aml_cred_device(struct aml_cred *c, const char *res, struct aml_token *t)
{
	char *scope = scope_of(res), *url = token_url(c, "token");
	struct device d = { 0 };
	struct aml_req q = { 0 };
	struct aml_jerr je;
	struct aml_resp r;
	struct aml_wbuf f;
	const char *err, *why;
	struct aml_backoff b;
	time_t deadline;
	char lim[32];
	long ms;
	cJSON *j;
	int rc;

	memset(t, 0, sizeof *t);
	memset(&r, 0, sizeof r);
	asked = res;
	aml_catch_signals();
	if ((rc = device_start(c, scope, &d)) != 0)
		goto out;
	deadline = time(NULL) + d.expires_in;
	q.method = "POST";
	q.url = url;
	/* RFC 8628 polls at a steady interval: a backoff whose first step
	 * is its cap, which also keeps the pauses within -m. */
	aml_backoff_init(&b, d.interval * 1000, d.interval * 1000, 0);
	for (;;) {
		if ((ms = aml_backoff_next(&b, -1)) < 0) {
			aml_fmt_duration(lim, sizeof lim, aml_deadline_limit());
			aml_err("device code sign-in: not completed within the time limit (-m %s)", lim);
			rc = AML_EXIT_FAIL;
			goto out;
		}
		if (aml_sleep_ms(ms) < 0) {
			rc = cancelled();
			goto out;
		}
		if (time(NULL) >= deadline) {
			aml_err("device code sign-in: the code expired after %ld s before sign-in completed; run aml-login again",
			    d.expires_in);
			rc = AML_EXIT_AUTH;
			goto out;
		}
		aml_wbuf_init(&f, -1);
		form_add(&f, "grant_type", "urn:ietf:params:oauth:grant-type:device_code");
		form_add(&f, "client_id", c->client_id);
		form_add(&f, "device_code", d.code);
		rc = post_form(url, &f, &r, AML_HTTP_IDEMPOTENT);
		form_free(&f);
		if (aml_signalled) {
			rc = cancelled();
			goto out;
		}
		if (rc == 0 && r.status == 200) {
			if (parse_token(&r, 0, t, &why) < 0) {
				aml_err("device code sign-in: %s", why);
				rc = AML_EXIT_FAIL;
			}
			warn_skew(&r);
			goto out;
		}
		j = rc == 0 && r.status == 400 ? aml_json_parse(r.body, r.len, &je) : NULL;
		err = j ? aml_json_str(j, "error") : NULL;
		if (err && !strcmp(err, "authorization_pending")) {
			if (aml_verbose)
				fprintf(stderr, "* device code: authorization_pending; polling again in %ld s\n", d.interval);
		} else if (err && !strcmp(err, "slow_down")) {
			/* RFC 8628 3.5: and for all later requests too. */
			d.interval += 5;
			aml_backoff_init(&b, d.interval * 1000, d.interval * 1000, 0);
			if (aml_verbose)
				fprintf(stderr, "* device code: slow_down; polling every %ld s from now on\n", d.interval);
		} else if (err && (!strcmp(err, "authorization_declined") || !strcmp(err, "access_denied"))) {
			aml_err("device code sign-in: declined by the user (%s)", err);
			rc = AML_EXIT_AUTH;
		} else if (err && !strcmp(err, "expired_token")) {
			aml_err("device code sign-in: the code expired before sign-in completed (%s); run aml-login again", err);
			rc = AML_EXIT_AUTH;
		} else {
			rc = token_error(&q, &r, c, NULL, "device code sign-in");
		}
		cJSON_Delete(j);
		aml_resp_free(&r);
		if (rc)
			goto out;
	}
out:
	aml_resp_free(&r);
	aml_freesecret(d.code);
	free(scope);
	free(url);
	if (rc) {
		aml_token_free(t);
		if (rc < 0)
			aml_resignal();
	}
	return rc;
}
