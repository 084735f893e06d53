/* SPDX-License-Identifier: MIT */
/*
 * entra.c: Entra ID as the tools meet it.  The v1 (/{tenant}/oauth2/token,
 * resource=, numbers as strings) and v2 (/{tenant}/oauth2/v2.0/token,
 * scope=) token endpoints with the client credential grant (a secret in
 * the form or HTTP Basic, a certificate's client assertion, a federated
 * external token), refresh tokens and the device code grant; IMDS and
 * the App Service identity endpoint; and the bearer check ARM makes.
 *
 * Errors have the real shape (notes/auth.md §1.3): error, an
 * error_description starting "AADSTSnnnn:" with trace and correlation
 * ids, error_codes, timestamp, trace_id, correlation_id, error_uri; 400,
 * and 401 for invalid_client.  Access tokens are RS256 JWTs signed with
 * the emulator's key (GET /_emu/signing-key.pem) with the v1 claims.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "emu.h"

#define JWT_BEARER "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#define DEVICE_GRANT "urn:ietf:params:oauth:grant-type:device_code"
#define DEVICE_URI "https://microsoft.com/devicelogin"
#define CERT_DOC "Review the documentation at " \
	"https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials ."
/* Entra allows five minutes of clock skew on the times of a client
 * assertion (and ARM on a bearer token's), the default ClockSkew of the
 * .NET token validators both run on. */
#define LEEWAY 300
#define RT_LIFETIME (90L * 86400)	/* refresh tokens die of 90 days' inactivity */

/* Public clients allowed to use the device code flow: Azure CLI's and
 * Azure PowerShell's well-known application ids (notes/auth.md §3.1). */
static const char *const public_clients[] = {
	"04b07795-8ddb-461a-bbee-02f9e1bf7b46",
	"1950a258-227b-4e31-a9cf-717495945fc2",
};

/* ---- errors --------------------------------------------------------- */

static void
entra_headers(struct emu_req *r)
{
	const char *crid = emu_header(r, "client-request-id");

	emu_set_header(r, "Cache-Control", "no-store, no-cache");
	emu_set_header(r, "Pragma", "no-cache");
	emu_set_header(r, "Expires", "-1");
	emu_set_header(r, "Strict-Transport-Security", "max-age=31536000; includeSubDomains");
	emu_set_header(r, "X-Content-Type-Options", "nosniff");
	emu_set_header(r, "x-ms-request-id", r->reqid);
	emu_set_header(r, "x-ms-ests-server", "2.1.19145.6 - aml-emulator");
	if (crid)
		emu_set_header(r, "client-request-id", crid);
}

/* The correlation id is the client's client-request-id when it sent
 * one, as Entra does. */
static const char *
correlation(struct emu_req *r)
{
	const char *crid = emu_header(r, "client-request-id");

	return crid && strlen(crid) < 64 ? crid : r->corrid;
}

static void
aad_error_extra(struct emu_req *r, int status, const char *error, long code,
    const char *desc, cJSON *extra)
{
	cJSON *j = cJSON_CreateObject(), *codes;
	char ts[40], *d, *uri;

	emu_time_aad(ts, sizeof ts, emu_now());
	d = aml_xasprintf("AADSTS%ld: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
	    code, desc, r->reqid, correlation(r), ts);
	uri = aml_xasprintf("%s/error?code=%ld", emu_base, code);
	cJSON_AddStringToObject(j, "error", error);
	cJSON_AddStringToObject(j, "error_description", d);
	codes = cJSON_AddArrayToObject(j, "error_codes");
	cJSON_AddItemToArray(codes, cJSON_CreateNumber((double)code));
	cJSON_AddStringToObject(j, "timestamp", ts);
	cJSON_AddStringToObject(j, "trace_id", r->reqid);
	cJSON_AddStringToObject(j, "correlation_id", correlation(r));
	cJSON_AddStringToObject(j, "error_uri", uri);
	for (cJSON *c = extra ? extra->child : NULL; c; c = c->next)
		cJSON_AddItemToObject(j, c->string, cJSON_Duplicate(c, 1));
	emu_answer_json(r, status, j);
	entra_headers(r);
	cJSON_Delete(j);
	free(d);
	free(uri);
}

static void
aad(struct emu_req *r, int status, const char *error, long code, const char *fmt, ...)
    AML_PRINTF(5, 6);

static void
aad(struct emu_req *r, int status, const char *error, long code, const char *fmt, ...)
{
	va_list ap;
	char *d;

	va_start(ap, fmt);
	if (vasprintf(&d, fmt, ap) < 0)
		aml_die("out of memory");
	va_end(ap);
	aad_error_extra(r, status, error, code, d, NULL);
	free(d);
}

/* Known AADSTS codes, for faults that name one ("code": "AADSTS50076"). */
static const struct {
	long code;
	int status;
	const char *error, *desc;
} known[] = {
	{ 50076, 400, "interaction_required", "Due to a configuration change made by your "
	    "administrator, or because you moved to a new location, you must use multi-factor "
	    "authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'." },
	{ 50079, 400, "interaction_required", "Due to a configuration change made by your "
	    "administrator, or because you moved to a new location, you must enroll in "
	    "multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'." },
	{ 50078, 400, "interaction_required", "Presented multi-factor authentication has "
	    "expired due to policies configured by your administrator, you must refresh your "
	    "multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'." },
	{ 53003, 400, "invalid_grant", "Access has been blocked by Conditional Access "
	    "policies. The access policy does not allow token issuance." },
	{ 53000, 400, "invalid_grant", "Device is not in required device state: compliant. "
	    "Conditional Access policy requires a compliant device, and the device is not "
	    "compliant. The user must enroll their device with an approved MDM provider like Intune." },
	{ 50173, 400, "invalid_grant", "The provided grant has expired due to it being "
	    "revoked, a fresh auth token is needed. The user might have changed or reset their "
	    "password." },
	{ 700082, 400, "invalid_grant", "The refresh token has expired due to inactivity. "
	    "The token was issued on a date more than 90.00:00:00 ago and was inactive for "
	    "90.00:00:00." },
	{ 70043, 400, "invalid_grant", "The refresh token has expired or is invalid due to "
	    "sign-in frequency checks by conditional access." },
	{ 7000222, 401, "invalid_client", "The provided client secret keys for app are "
	    "expired. Visit the Azure portal to create new keys for your app: "
	    "https://aka.ms/NewClientSecret, or consider using certificate credentials for added "
	    "security: https://aka.ms/certCreds." },
	{ 7000215, 401, "invalid_client", "Invalid client secret provided. Ensure the secret "
	    "being sent in the request is the client secret value, not the client secret ID." },
	{ 50196, 400, "invalid_grant", "The server terminated an operation because it "
	    "encountered a client request loop. Please contact your app vendor." },
	{ 700024, 401, "invalid_client", "Client assertion is not within its valid time "
	    "range. " CERT_DOC },
	{ 90002, 400, "invalid_request", "Tenant not found. Check to make sure you have the "
	    "correct tenant ID and are signing into the correct cloud." },
	{ 700016, 400, "unauthorized_client", "Application was not found in the directory." },
	{ 50000, 500, "temporarily_unavailable", "There was an error issuing a token or an "
	    "issue with our sign-in service." },
	{ 90033, 503, "temporarily_unavailable", "A transient error has occurred. Please try "
	    "again." },
};

/* A fault on an Entra path.  "code" may name an AADSTS code (with or
 * without the prefix) or an OAuth error; the message replaces the
 * description. */
static void
fault_aad(struct emu_req *r, int status, const char *code, const char *message)
{
	const char *c = code ? code : "";
	const char *error = status >= 500 || status == 429 ? "temporarily_unavailable" :
	    status == 401 ? "invalid_client" : "invalid_request";
	long num = status >= 500 || status == 429 ? 50000 : 90014;
	cJSON *extra = NULL;

	if (status == 405 && !*c) {
		char *m = aml_xasprintf("The endpoint only accepts POST, OPTIONS requests. "
		    "Received a %s request.", r->method);

		aad_error_extra(r, 405, "invalid_request", 900561, m, NULL);
		free(m);
		return;
	}
	if (strncasecmp(c, "AADSTS", 6) == 0)
		c += 6;
	if (*c >= '0' && *c <= '9') {
		num = strtol(c, NULL, 10);
		for (size_t i = 0; i < sizeof known / sizeof *known; i++)
			if (known[i].code == num) {
				error = known[i].error;
				if (!message || strncmp(message, "Injected", 8) == 0)
					message = known[i].desc;
			}
	} else if (*c) {
		error = c;
	}
	if (num == 50076 || num == 50079) {
		extra = cJSON_CreateObject();
		cJSON_AddStringToObject(extra, "suberror", "basic_action");
		cJSON_AddStringToObject(extra, "claims",
		    "{\"access_token\":{\"capolids\":{\"essential\":true,"
		    "\"values\":[\"6f2d2f4b-5f1b-4d38-9a6d-fd8b8b1a2c3e\"]}}}");
	}
	aad_error_extra(r, status, error, num, message ? message : "Injected fault.", extra);
	cJSON_Delete(extra);
}

static void
entra_error(struct emu_req *r, int status, const char *code, const char *message)
{
	cJSON *j;

	if (strncasecmp(r->path, "/metadata/", 10) == 0) {
		/* IMDS: {"error", "error_description"} */
		j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "error", code && *code ? code :
		    status >= 500 ? "server_error" : "invalid_request");
		cJSON_AddStringToObject(j, "error_description", message);
		emu_answer_json(r, status, j);
		cJSON_Delete(j);
	} else if (strncasecmp(r->path, "/msi/", 5) == 0) {
		/* App Service: {"statusCode", "message", "correlationId"} */
		j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "statusCode", status);
		cJSON_AddStringToObject(j, "message", message);
		cJSON_AddStringToObject(j, "correlationId", r->corrid);
		emu_answer_json(r, status, j);
		cJSON_Delete(j);
	} else {
		fault_aad(r, status, code, message);
	}
}

const struct emu_family emu_fam_entra = { "entra", entra_error };

/* ---- tokens --------------------------------------------------------- */

enum who { APP, USER, MI };

struct grant {
	enum who who;
	const char *appid;	/* the client the token is for */
	const char *oid;
	const char *acr;	/* appidacr: 0 public, 1 secret, 2 certificate */
	const char *aud;
	const char *scp;	/* users */
	int expired;		/* the expireToken fault */
};

static void
num(cJSON *o, const char *k, long v)
{
	char buf[32];
	cJSON *n = cJSON_CreateNumber((double)v);

	snprintf(buf, sizeof buf, "%ld", v);
	n->valuestring = aml_xstrdup(buf);
	cJSON_AddItemToObject(o, k, n);
}

/* The token's life: iat and nbf five minutes back, as Entra sets them;
 * an expired token (fault) ended ten minutes ago, past ARM's leeway. */
static void
times(const struct grant *g, long *iat, long *exp)
{
	long now = (long)emu_now();

	*iat = now - LEEWAY;
	*exp = now + emu_cfg.token_lifetime;
	if (g->expired) {
		*exp = now - 2 * LEEWAY;
		*iat = *exp - emu_cfg.token_lifetime;
	}
}

static cJSON *
token_claims(const struct grant *g, long *expires_on)
{
	cJSON *c = cJSON_CreateObject();
	char *iss, *uti = emu_random_token(16), *aio = emu_random_token(48);
	const char *tid = emu_id("tenantId");
	long iat, exp;

	times(g, &iat, &exp);
	iss = aml_xasprintf("https://sts.windows.net/%s/", tid);
	cJSON_AddStringToObject(c, "aud", g->aud);
	cJSON_AddStringToObject(c, "iss", iss);
	num(c, "iat", iat);
	num(c, "nbf", iat);
	num(c, "exp", exp);
	if (g->who == USER) {
		cJSON *amr = cJSON_AddArrayToObject(c, "amr");

		cJSON_AddStringToObject(c, "acr", "1");
		cJSON_AddItemToArray(amr, cJSON_CreateString("pwd"));
		cJSON_AddItemToArray(amr, cJSON_CreateString("mfa"));
	}
	cJSON_AddStringToObject(c, "aio", aio);
	cJSON_AddStringToObject(c, "appid", g->appid);
	cJSON_AddStringToObject(c, "appidacr", g->acr);
	if (g->who == USER) {
		cJSON_AddStringToObject(c, "family_name", "User");
		cJSON_AddStringToObject(c, "given_name", "Emulated");
		cJSON_AddStringToObject(c, "idtyp", "user");
		cJSON_AddStringToObject(c, "ipaddr", "127.0.0.1");
		cJSON_AddStringToObject(c, "name", emu_id("userDisplayName"));
	} else {
		cJSON_AddStringToObject(c, "idp", iss);
		cJSON_AddStringToObject(c, "idtyp", "app");
	}
	cJSON_AddStringToObject(c, "oid", g->oid);
	cJSON_AddStringToObject(c, "rh", "0.AAAAemulatedrhclaim.");
	if (g->scp)
		cJSON_AddStringToObject(c, "scp", g->scp);
	cJSON_AddStringToObject(c, "sub", g->oid);
	cJSON_AddStringToObject(c, "tid", tid);
	if (g->who == USER) {
		cJSON_AddStringToObject(c, "unique_name", emu_id("userName"));
		cJSON_AddStringToObject(c, "upn", emu_id("userName"));
	}
	cJSON_AddStringToObject(c, "uti", uti);
	cJSON_AddStringToObject(c, "ver", "1.0");
	if (g->who == MI) {
		char *mirid = aml_xasprintf("/subscriptions/%s/resourcegroups/%s/providers/"
		    "Microsoft.ManagedIdentity/userAssignedIdentities/aml-emulator-identity",
		    emu_id("subscriptionId"), emu_id("demoGroup"));

		cJSON_AddStringToObject(c, "xms_mirid", mirid);
		free(mirid);
	}
	*expires_on = exp;
	free(iss);
	free(uti);
	free(aio);
	return c;
}

static char *
access_token(const struct grant *g, long *expires_on)
{
	cJSON *c = token_claims(g, expires_on);
	char *tok = emu_jwt_sign(emu_id("signingKey"), emu_id("signingX5t"), c);

	cJSON_Delete(c);
	return tok;
}

/* POST /_emu/token: a token of the secret service principal for ARM,
 * signed like any other, with the claims given replacing its own (null
 * removes one), so that tests can make the tokens Entra would never
 * issue here: another tenant, another audience, no exp. */
char *
emu_mint_token(const cJSON *over, char **why)
{
	struct grant g = { .who = APP, .acr = "1", .aud = "https://management.azure.com/" };
	cJSON *c;
	long exp;
	char *tok;

	if (over && !cJSON_IsObject(over)) {
		*why = aml_xstrdup("\"claims\" must be an object");
		return NULL;
	}
	g.appid = emu_id("spClientId");
	g.oid = emu_id("spObjectId");
	emu_lock();
	c = token_claims(&g, &exp);
	for (const cJSON *o = over ? over->child : NULL; o; o = o->next) {
		cJSON_DeleteItemFromObjectCaseSensitive(c, o->string);
		if (!cJSON_IsNull(o))
			cJSON_AddItemToObject(c, o->string, cJSON_Duplicate(o, 1));
	}
	tok = emu_jwt_sign(emu_id("signingKey"), emu_id("signingX5t"), c);
	emu_unlock();
	cJSON_Delete(c);
	return tok;
}

static char *
id_token(const char *client)
{
	cJSON *c = cJSON_CreateObject();
	char *iss = aml_xasprintf("%s/%s/v2.0", emu_base, emu_id("tenantId")), *tok;
	long now = (long)emu_now();

	cJSON_AddStringToObject(c, "aud", client);
	cJSON_AddStringToObject(c, "iss", iss);
	num(c, "iat", now - LEEWAY);
	num(c, "nbf", now - LEEWAY);
	num(c, "exp", now + emu_cfg.token_lifetime);
	cJSON_AddStringToObject(c, "name", emu_id("userDisplayName"));
	cJSON_AddStringToObject(c, "oid", emu_id("userObjectId"));
	cJSON_AddStringToObject(c, "preferred_username", emu_id("userName"));
	cJSON_AddStringToObject(c, "sub", emu_id("userObjectId"));
	cJSON_AddStringToObject(c, "tid", emu_id("tenantId"));
	cJSON_AddStringToObject(c, "ver", "2.0");
	tok = emu_jwt_sign(emu_id("signingKey"), emu_id("signingX5t"), c);
	cJSON_Delete(c);
	free(iss);
	return tok;
}

/* ---- a token request ------------------------------------------------ */

struct treq {
	struct emu_req *r;
	int v1;
	const char *tenant;
	char *grant, *client, *secret, *assertion, *atype, *scope, *resource;
	char *aud;		/* the resource the token is for */
	int offline, openid;
};

static void
treq_free(struct treq *t)
{
	free(t->grant);
	free(t->client);
	if (t->secret)
		aml_freesecret(t->secret);
	if (t->assertion)
		aml_freesecret(t->assertion);
	free(t->atype);
	free(t->scope);
	free(t->resource);
	free(t->aud);
}

static int
form_body(struct emu_req *r)
{
	const char *ct = emu_header(r, "Content-Type");

	return ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

static char *
field(struct treq *t, const char *name)
{
	char *v = form_body(t->r) ? emu_form(t->r->body, name) : NULL;

	if (v && !*v) {
		free(v);
		v = NULL;
	}
	return v;
}

static int
missing(struct treq *t, const char *name)
{
	aad(t->r, 400, "invalid_request", 900144,
	    "The request body must contain the following parameter: '%s'.", name);
	return -1;
}

static int
tenant_ok(struct emu_req *r, const char *tenant, int users)
{
	if (strcasecmp(tenant, emu_id("tenantId")) == 0 ||
	    strcasecmp(tenant, emu_id("tenantDomain")) == 0)
		return 1;
	if (users && (strcasecmp(tenant, "common") == 0 ||
	    strcasecmp(tenant, "organizations") == 0))
		return 1;
	if (strcasecmp(tenant, "common") == 0 || strcasecmp(tenant, "organizations") == 0) {
		aad(r, 400, "invalid_request", 50059, "No tenant-identifying information found "
		    "in either the request or implied by any provided credentials.");
		return 0;
	}
	aad(r, 400, "invalid_request", 90002, "Tenant '%s' not found. Check to make sure you "
	    "have the correct tenant ID and are signing into the correct cloud. Check with your "
	    "subscription administrator, this may happen if there are no active subscriptions "
	    "for the tenant.", tenant);
	return 0;
}

/* Resources every tenant has (first-party applications): Resource
 * Manager under both its names first, then the others a token may be
 * asked for, though only Resource Manager is served here. */
static const char *const resources[] = {
	"https://management.azure.com", "https://management.core.windows.net",
	"https://storage.azure.com", "https://vault.azure.net",
	"https://graph.microsoft.com", "https://database.windows.net",
	"https://studioapi.azureml.net", "https://ml.azure.com",
};

static int
resource_index(const char *res)
{
	size_t n = strlen(res);

	if (n && res[n - 1] == '/')
		n--;
	for (size_t i = 0; i < sizeof resources / sizeof *resources; i++)
		if (strlen(resources[i]) == n && strncasecmp(res, resources[i], n) == 0)
			return (int)i;
	return -1;
}

static int
known_resource(const char *res)
{
	return resource_index(res) >= 0;
}

static int
bad_resource(struct treq *t, const char *res)
{
	aad(t->r, 400, "invalid_resource", 500011, "The resource principal named %s was not "
	    "found in the tenant named %s. This can happen if the application has not been "
	    "installed by the administrator of the tenant or consented to by any user in the "
	    "tenant. You might have sent your authentication request to the wrong tenant.",
	    res, t->tenant);
	return -1;
}

/* v1: resource=.  v2: scope= (space-separated), "/.default" or a
 * permission after the last slash; Entra takes the part before the last
 * slash as the resource (so ".../" + "/.default" has a double slash). */
static int
audience(struct treq *t, int app)
{
	char *scope, *tok, *save = NULL, *res = NULL;
	int rc = 0;

	if (t->v1) {
		if (!(t->resource = field(t, "resource")))
			return missing(t, "resource");
		if (!known_resource(t->resource))
			return bad_resource(t, t->resource);
		t->aud = aml_xstrdup(t->resource);
		return 0;
	}
	if ((t->resource = field(t, "resource"))) {
		aad(t->r, 400, "invalid_request", 901002,
		    "The 'resource' request parameter is not supported.");
		return -1;
	}
	if (!(t->scope = field(t, "scope")))
		return missing(t, "scope");
	scope = aml_xstrdup(t->scope);
	for (tok = strtok_r(scope, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *slash;

		if (!strcmp(tok, "openid") || !strcmp(tok, "profile") || !strcmp(tok, "email") ||
		    !strcmp(tok, "offline_access")) {
			t->offline |= !strcmp(tok, "offline_access");
			t->openid |= !strcmp(tok, "openid");
			if (app) {
				aad(t->r, 400, "invalid_scope", 1002012, "The provided value for "
				    "scope %s is not valid. Client credential flows must have a scope "
				    "value with /.default suffixed to the resource identifier "
				    "(application ID URI).", tok);
				rc = -1;
				break;
			}
			continue;
		}
		slash = strrchr(tok, '/');
		if (!slash || slash == tok || (app && strcmp(slash, "/.default"))) {
			aad(t->r, 400, "invalid_scope", app ? 1002012 : 70011,
			    app ? "The provided value for scope %s is not valid. Client credential "
			    "flows must have a scope value with /.default suffixed to the resource "
			    "identifier (application ID URI)." : "The provided value for the input "
			    "parameter 'scope' is not valid. The scope %s is not valid.", tok);
			rc = -1;
			break;
		}
		*slash = '\0';
		if (res && strcasecmp(res, tok)) {
			aad(t->r, 400, "invalid_scope", 70011, "The provided value for the input "
			    "parameter 'scope' is not valid. The scope '%s' does not name a single "
			    "resource.", t->scope);
			rc = -1;
			break;
		}
		res = tok;
	}
	if (rc == 0 && !res) {
		aad(t->r, 400, "invalid_scope", 70011, "The provided request must include a "
		    "'scope' input parameter.");
		rc = -1;
	}
	if (rc == 0 && !known_resource(res))
		rc = bad_resource(t, res);
	if (rc == 0)
		t->aud = aml_xstrdup(res);
	free(scope);
	return rc;
}

static int
is_public(const char *client)
{
	for (size_t i = 0; i < sizeof public_clients / sizeof *public_clients; i++)
		if (strcasecmp(client, public_clients[i]) == 0)
			return 1;
	return 0;
}

static int
unknown_client(struct treq *t)
{
	aad(t->r, 400, "unauthorized_client", 700016, "Application with identifier '%s' was "
	    "not found in the directory '%s'. This can happen if the application has not been "
	    "installed by the administrator of the tenant or consented to by any user in the "
	    "tenant. You may have sent your authentication request to the wrong tenant.",
	    t->client, t->tenant);
	return -1;
}

/* client_id and client_secret from the form, or from HTTP Basic (RFC
 * 6749 §2.3.1: both form-urlencoded, then base64). */
static int
client_auth(struct treq *t)
{
	const char *auth = emu_header(t->r, "Authorization");
	unsigned char *raw;
	size_t n;
	char *colon, *id, *sec;

	t->client = field(t, "client_id");
	t->secret = field(t, "client_secret");
	t->assertion = field(t, "client_assertion");
	t->atype = field(t, "client_assertion_type");
	if (auth && strncasecmp(auth, "Basic ", 6) == 0) {
		raw = emu_unb64(auth + 6, strlen(auth + 6), 0, &n);
		if (!raw || !(colon = strchr((char *)raw, ':'))) {
			free(raw);
			aad(t->r, 401, "invalid_client", 7000218, "The request body must contain "
			    "the following parameter: 'client_assertion' or 'client_secret'.");
			return -1;
		}
		id = aml_urldec((char *)raw, (size_t)(colon - (char *)raw), 1);
		sec = aml_urldec(colon + 1, strlen(colon + 1), 1);
		aml_wipe(raw, n);
		free(raw);
		if (t->client && strcmp(t->client, id)) {
			free(id);
			aml_freesecret(sec);
			aad(t->r, 401, "invalid_client", 7000218, "The client_id in the body does "
			    "not match the client in the Authorization header.");
			return -1;
		}
		free(t->client);
		t->client = id;
		if (t->secret)
			aml_freesecret(t->secret);
		t->secret = sec;
	}
	if (!t->client)
		return missing(t, "client_id");
	return 0;
}

static int
bad_secret(struct treq *t)
{
	aad(t->r, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure "
	    "the secret being sent in the request is the client secret value, not the client "
	    "secret ID, for a secret added to app '%s'.", t->client);
	return -1;
}

static int
secret_eq(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned char d = n != m;

	for (size_t i = 0; i < n && i < m; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* A time claim; one past any plausible time (1e300) is held at +-1e15
 * s, since converting it as it is would be undefined. */
static long
claim_num(const cJSON *c, const char *k, int *present)
{
	double v;

	*present = aml_json_num(c, k, &v) == 0 && v == v;
	if (!*present)
		return 0;
	return v > 1e15 ? (long)1e15 : v < -1e15 ? (long)-1e15 : (long)v;
}

static int
aud_is(const cJSON *c, const char *want)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(c, "aud"), *e;

	if (cJSON_IsString(a))
		return strcmp(a->valuestring, want) == 0;
	cJSON_ArrayForEach(e, a)
		if (cJSON_IsString(e) && strcmp(e->valuestring, want) == 0)
			return 1;
	return 0;
}

static int
time_range(struct treq *t, const cJSON *c)
{
	int hasnbf, hasexp;
	long nbf = claim_num(c, "nbf", &hasnbf), exp = claim_num(c, "exp", &hasexp);
	long now = (long)emu_now();
	char n[40], f[40], e[40];

	if (hasexp && (!hasnbf || nbf <= now + LEEWAY) && now <= exp + LEEWAY)
		return 0;
	emu_time_aad(n, sizeof n, now);
	emu_time_aad(f, sizeof f, hasnbf ? nbf : 0);
	emu_time_aad(e, sizeof e, exp);
	n[strlen(n) - 1] = f[strlen(f) - 1] = e[strlen(e) - 1] = '\0';
	aad(t->r, 401, "invalid_client", 700024, "Client assertion is not within its valid "
	    "time range. Current time: %s, assertion valid from %s, expiry time of assertion "
	    "%s. " CERT_DOC, n, hasnbf ? f : "(none)", hasexp ? e : "(none)");
	return -1;
}

/* jti is single use (for as long as the assertion could be accepted).
 * Entra documents no error for a replay; AADSTS50013 "Assertion failed
 * signature validation" is the code it uses for assertions it rejects
 * on other grounds than time and key, so that is what a replay gets. */
static int
jti_fresh(struct treq *t, const cJSON *c)
{
	cJSON *seen = emu_obj(emu_obj(emu_state, "entra"), "jtis"), *e, *next;
	const char *jti = aml_json_str(c, "jti");
	int has;
	long exp = claim_num(c, "exp", &has), now = (long)emu_now();
	char *key;

	for (e = seen->child; e; e = next) {
		next = e->next;
		if (!cJSON_IsNumber(e) || e->valuedouble + LEEWAY < now)
			cJSON_DeleteItemFromObjectCaseSensitive(seen, e->string);
	}
	if (!jti)
		return 0;
	key = aml_xasprintf("%s/%s", t->client, jti);
	if (cJSON_GetObjectItemCaseSensitive(seen, key)) {
		free(key);
		aad(t->r, 401, "invalid_client", 50013, "Assertion failed signature validation. "
		    "[Reason - The assertion was already used: jti '%s' is replayed.] " CERT_DOC, jti);
		return -1;
	}
	num(seen, key, exp);
	free(key);
	emu_changed();
	return 0;
}

/* The certificate application's keys: the certificate made at start,
 * and those registered since through the control API (the state's
 * entra.certificates, gone at reset). */
static cJSON *
certs(void)
{
	cJSON *e = emu_obj(emu_state, "entra"), *a = cJSON_GetObjectItemCaseSensitive(e, "certificates");

	if (!cJSON_IsArray(a)) {
		cJSON_DeleteItemFromObjectCaseSensitive(e, "certificates");
		a = cJSON_AddArrayToObject(e, "certificates");
	}
	return a;
}

/* The PEM of the key that x5t or x5t#S256 names, or NULL. */
static const char *
cert_key(const char *x5t, const char *x5t256)
{
	const cJSON *k;

	if ((x5t && strcmp(x5t, emu_id("certX5t")) == 0) ||
	    (x5t256 && strcmp(x5t256, emu_id("certX5tS256")) == 0))
		return emu_id("cert");
	cJSON_ArrayForEach(k, certs())
		if ((x5t && strcmp(x5t, aml_json_str(k, "x5t")) == 0) ||
		    (x5t256 && strcmp(x5t256, aml_json_str(k, "x5tS256")) == 0))
			return aml_json_str(k, "pem");
	return NULL;
}

/* A key whose certificate has expired is refused before its signature
 * is looked at, with the key's dates as Entra shows them (US format,
 * UTC): AADSTS700027. */
static int
cert_expired(struct treq *t, const char *pem, const char *hex)
{
	time_t nb, na;
	char s[32], e[32];

	if (emu_cert_dates(pem, &nb, &na) < 0 || na >= emu_now())
		return 0;
	strftime(s, sizeof s, "%m/%d/%Y %H:%M:%S", gmtime(&nb));
	strftime(e, sizeof e, "%m/%d/%Y %H:%M:%S", gmtime(&na));
	aad(t->r, 401, "invalid_client", 700027, "Client assertion contains an invalid "
	    "signature. [Reason - The key used is expired., Thumbprint of key used by client: "
	    "'%s', Found key 'Start=%s, End=%s', Please visit the Azure Portal, Graph Explorer "
	    "or directly use MS Graph to see configured keys for app Id '%s'.]", hex ? hex : "",
	    s, e, t->client);
	return 1;
}

cJSON *
emu_entra_add_cert(const char *pem, char **why)
{
	cJSON *k, *d;
	time_t nb, na;
	char *x5t, *x5t256, *hex, t[48];

	if (emu_cert_dates(pem, &nb, &na) < 0) {
		*why = aml_xstrdup("\"pem\" is not a PEM certificate");
		return NULL;
	}
	x5t = emu_cert_thumb(pem, 0, 1);
	x5t256 = emu_cert_thumb(pem, 1, 1);
	hex = emu_cert_thumb(pem, 0, 0);
	k = cJSON_CreateObject();
	cJSON_AddStringToObject(k, "pem", pem);
	cJSON_AddStringToObject(k, "x5t", x5t);
	cJSON_AddStringToObject(k, "x5tS256", x5t256);
	cJSON_AddItemToArray(certs(), k);
	emu_changed();
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "clientId", emu_id("certClientId"));
	cJSON_AddStringToObject(d, "thumbprint", hex);
	cJSON_AddStringToObject(d, "x5t", x5t);
	cJSON_AddStringToObject(d, "x5tS256", x5t256);
	emu_time_rfc3339ms(t, sizeof t, (int64_t)nb * 1000);
	cJSON_AddStringToObject(d, "notBefore", t);
	emu_time_rfc3339ms(t, sizeof t, (int64_t)na * 1000);
	cJSON_AddStringToObject(d, "notAfter", t);
	free(x5t);
	free(x5t256);
	free(hex);
	return d;
}

/* A certificate's client assertion, checked in the order of
 * notes/auth.md §6: a JWT; RS256 (or PS256); x5t or x5t#S256 naming a
 * registered certificate (else AADSTS50012) that has not expired (else
 * AADSTS700027); its signature (else AADSTS700027); aud the exact token URL (else 700023); iss = sub =
 * client_id (else 700021); nbf/exp within the leeway (else 700024); jti
 * not replayed. */
static int
cert_assertion(struct treq *t)
{
	cJSON *h = NULL, *c = NULL;
	const char *x5t, *x5t256, *iss, *sub, *given, *pem;
	char *url = NULL, *hex = NULL;
	int rc = -1, jrc;
	size_t n;
	unsigned char *raw;

	jrc = emu_jwt_decode(t->assertion, NULL, &h, &c);
	if (jrc != EMU_JWT_OK) {
		aad(t->r, 400, "invalid_request", 50027, "JWT token is invalid or malformed.");
		goto out;
	}
	x5t = aml_json_str(h, "x5t");
	x5t256 = aml_json_str(h, "x5t#S256");
	given = x5t ? x5t : x5t256 ? x5t256 : "";
	if ((raw = emu_unb64(given, strlen(given), 1, &n))) {
		hex = aml_xmalloc(2 * n + 1);
		emu_hex(hex, raw, n, 1);
		free(raw);
	}
	if (!(pem = cert_key(x5t, x5t256))) {
		aad(t->r, 401, "invalid_client", 50012, "Client assertion contains an invalid "
		    "signature. [Reason - The key was not found., Thumbprint of key used by client: "
		    "'%s', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to "
		    "see configured keys for app Id '%s'.]", hex ? hex : "", t->client);
		goto out;
	}
	if (cert_expired(t, pem, hex))
		goto out;
	cJSON_Delete(h);
	cJSON_Delete(c);
	if (emu_jwt_decode(t->assertion, pem, &h, &c) != EMU_JWT_OK) {
		aad(t->r, 401, "invalid_client", 700027,
		    "Client assertion failed signature validation.");
		goto out;
	}
	url = aml_xasprintf("%s%s", emu_base, t->r->path);
	if (!aud_is(c, url)) {
		aad(t->r, 401, "invalid_client", 700023, "Client assertion audience claim does "
		    "not match Realm issuer. " CERT_DOC);
		goto out;
	}
	iss = aml_json_str(c, "iss");
	sub = aml_json_str(c, "sub");
	if (!iss || !sub || strcmp(iss, t->client) || strcmp(sub, t->client)) {
		aad(t->r, 401, "invalid_client", 700021, "Client assertion application identifier "
		    "doesn't match 'client_id' parameter. " CERT_DOC);
		goto out;
	}
	if (time_range(t, c) < 0 || jti_fresh(t, c) < 0)
		goto out;
	rc = 0;
out:
	cJSON_Delete(h);
	cJSON_Delete(c);
	free(url);
	free(hex);
	return rc;
}

/* Workload identity federation: the assertion is an external OIDC token
 * (here minted by POST /_emu/federated-token) that must match the app's
 * federated credential: issuer, subject, audience. */
static int
federated_assertion(struct treq *t)
{
	cJSON *h = NULL, *c = NULL;
	const char *iss, *sub;
	const cJSON *aud;
	char *audtxt = NULL;
	int rc = -1, jrc;

	jrc = emu_jwt_decode(t->assertion, emu_id("signingPublic"), &h, &c);
	if (jrc == EMU_JWT_MALFORMED || jrc == EMU_JWT_ALG) {
		aad(t->r, 400, "invalid_request", 50027, "JWT token is invalid or malformed.");
		goto out;
	}
	if (jrc != EMU_JWT_OK) {
		aad(t->r, 401, "invalid_client", 700027,
		    "Client assertion failed signature validation.");
		goto out;
	}
	iss = aml_json_str(c, "iss");
	sub = aml_json_str(c, "sub");
	aud = cJSON_GetObjectItemCaseSensitive(c, "aud");
	if (cJSON_IsString(aud)) {
		audtxt = aml_xstrdup(aud->valuestring);
	} else {
		struct aml_wbuf w;
		const cJSON *e;

		aml_wbuf_init(&w, -1);
		cJSON_ArrayForEach(e, aud)
			if (cJSON_IsString(e))
				aml_wprintf(&w, "%s%s", w.len ? ", " : "", e->valuestring);
		audtxt = aml_wbuf_take(&w);
	}
	if (!iss || !sub || strcmp(iss, emu_base) || strcmp(sub, emu_id("fedSubject")) ||
	    !aud_is(c, emu_id("fedAudience"))) {
		aad(t->r, 401, "invalid_client", 70021, "No matching federated identity record "
		    "found for presented assertion. Assertion Issuer: '%s'. Assertion Subject: '%s'. "
		    "Assertion Audience: '%s'. https://docs.microsoft.com/en-us/azure/"
		    "active-directory/develop/workload-identity-federation",
		    iss ? iss : "", sub ? sub : "", audtxt);
		goto out;
	}
	if (time_range(t, c) < 0)
		goto out;
	rc = 0;
out:
	cJSON_Delete(h);
	cJSON_Delete(c);
	free(audtxt);
	return rc;
}

/* Which confidential client this is, and whether its credential holds.
 * Returns the appidacr ("1" secret, "2" assertion) or NULL after an
 * error answer. */
static const char *
confidential(struct treq *t, const char **oid)
{
	int sp = strcasecmp(t->client, emu_id("spClientId")) == 0;
	int cert = strcasecmp(t->client, emu_id("certClientId")) == 0;
	int fed = strcasecmp(t->client, emu_id("fedClientId")) == 0;

	if (!sp && !cert && !fed) {
		if (is_public(t->client) && !t->secret && !t->assertion) {
			aad(t->r, 401, "invalid_client", 7000218, "The request body must contain "
			    "the following parameter: 'client_assertion' or 'client_secret'.");
			return NULL;
		}
		unknown_client(t);
		return NULL;
	}
	*oid = emu_id(sp ? "spObjectId" : cert ? "certObjectId" : "fedObjectId");
	if (t->assertion) {
		if (!t->atype || strcmp(t->atype, JWT_BEARER)) {
			missing(t, "client_assertion_type");
			return NULL;
		}
		if (sp) {
			aad(t->r, 401, "invalid_client", 50012, "Client assertion contains an "
			    "invalid signature. [Reason - The key was not found., Please visit the "
			    "Azure Portal, Graph Explorer or directly use MS Graph to see configured "
			    "keys for app Id '%s'.]", t->client);
			return NULL;
		}
		if ((cert ? cert_assertion(t) : federated_assertion(t)) < 0)
			return NULL;
		return "2";
	}
	if (!t->secret) {
		aad(t->r, 401, "invalid_client", 7000218, "The request body must contain the "
		    "following parameter: 'client_assertion' or 'client_secret'.");
		return NULL;
	}
	if (!sp || !secret_eq(t->secret, emu_id("spSecret"))) {
		bad_secret(t);
		return NULL;
	}
	return "1";
}

/* ---- answers -------------------------------------------------------- */

static void
strnum(cJSON *o, const char *k, long v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%ld", v);
	cJSON_AddStringToObject(o, k, buf);
}

static char *
new_refresh(struct treq *t)
{
	cJSON *rts = emu_obj(emu_obj(emu_state, "entra"), "refreshTokens"), *e;
	char *rnd = emu_random_token(96), *rt;

	rt = aml_xasprintf("1.AQ0A%s", rnd);
	free(rnd);
	e = cJSON_AddObjectToObject(rts, rt);
	cJSON_AddStringToObject(e, "client", t->client);
	num(e, "exp", (long)emu_now() + RT_LIFETIME);
	emu_changed();
	return rt;
}

static void
token_answer(struct treq *t, const struct grant *g, int user)
{
	cJSON *j = cJSON_CreateObject();
	char *at, *rt = NULL, *it = NULL;
	long exp, now = (long)emu_now(), life;

	at = access_token(g, &exp);
	/* expires_in stays honest about the lifetime asked for even when the
	 * expireToken fault backdated the token: the client cannot know. */
	life = g->expired ? emu_cfg.token_lifetime : exp - now;
	if (user && (t->offline || t->v1))
		rt = new_refresh(t);
	if (user && t->openid && !t->v1)
		it = id_token(t->client);
	cJSON_AddStringToObject(j, "token_type", "Bearer");
	if (t->v1) {
		strnum(j, "expires_in", life);
		strnum(j, "ext_expires_in", life);
		strnum(j, "expires_on", g->expired ? now + life : exp);
		strnum(j, "not_before", now - LEEWAY);
		cJSON_AddStringToObject(j, "resource", t->aud);
		if (user)
			cJSON_AddStringToObject(j, "scope", "user_impersonation");
	} else {
		if (user) {
			char *scope = aml_xasprintf("%s/user_impersonation %s/.default", t->aud, t->aud);

			cJSON_AddStringToObject(j, "scope", scope);
			free(scope);
		}
		num(j, "expires_in", life);
		num(j, "ext_expires_in", life);
	}
	cJSON_AddStringToObject(j, "access_token", at);
	if (rt)
		cJSON_AddStringToObject(j, "refresh_token", rt);
	if (it)
		cJSON_AddStringToObject(j, "id_token", it);
	if (user && !t->v1) {
		char *ci = field(t, "client_info"), *info, *b;

		if (ci && strcmp(ci, "1") == 0) {
			info = aml_xasprintf("{\"uid\":\"%s\",\"utid\":\"%s\"}",
			    emu_id("userObjectId"), emu_id("tenantId"));
			b = emu_b64(info, strlen(info), 1);
			cJSON_AddStringToObject(j, "client_info", b);
			free(b);
			free(info);
		}
		free(ci);
	}
	emu_answer_json(t->r, 200, j);
	entra_headers(t->r);
	cJSON_Delete(j);
	aml_freesecret(at);
	free(rt);
	free(it);
}

static int
expire_fault(struct emu_req *r)
{
	struct emu_fault *f = emu_fault_take(r->method, r->path, EMU_TAKE_EXPIRE);

	emu_fault_free(f);
	return f != NULL;
}

/* ---- grants --------------------------------------------------------- */

static void
client_credentials(struct treq *t)
{
	struct grant g = { .who = APP };

	if (!tenant_ok(t->r, t->tenant, 0) || client_auth(t) < 0)
		return;
	if (!(g.acr = confidential(t, &g.oid)) || audience(t, 1) < 0)
		return;
	g.appid = t->client;
	g.aud = t->aud;
	g.expired = expire_fault(t->r);
	token_answer(t, &g, 0);
}

static int
user_client(struct treq *t)
{
	if (client_auth(t) < 0)
		return -1;
	if (!is_public(t->client)) {
		if (strcasecmp(t->client, emu_id("spClientId")) == 0 ||
		    strcasecmp(t->client, emu_id("certClientId")) == 0) {
			aad(t->r, 401, "invalid_client", 7000218, "The request body must contain "
			    "the following parameter: 'client_assertion' or 'client_secret'.");
			return -1;
		}
		return unknown_client(t);
	}
	if (t->secret || t->assertion) {
		aad(t->r, 401, "invalid_client", 700025, "Client is public so neither "
		    "'client_assertion' nor 'client_secret' should be presented.");
		return -1;
	}
	return 0;
}

static void
user_token(struct treq *t)
{
	struct grant g = { .who = USER, .acr = "0", .scp = "user_impersonation" };

	g.appid = t->client;
	g.oid = emu_id("userObjectId");
	g.aud = t->aud;
	g.expired = expire_fault(t->r);
	token_answer(t, &g, 1);
}

static void
refresh_grant(struct treq *t)
{
	cJSON *rts, *e;
	char *rt;
	const char *client;
	int has;

	if (!tenant_ok(t->r, t->tenant, 1) || user_client(t) < 0)
		return;
	if (!(rt = field(t, "refresh_token"))) {
		missing(t, "refresh_token");
		return;
	}
	rts = emu_obj(emu_obj(emu_state, "entra"), "refreshTokens");
	e = cJSON_GetObjectItemCaseSensitive(rts, rt);
	aml_freesecret(rt);
	if (!e) {
		aad(t->r, 400, "invalid_grant", 9002313,
		    "Invalid request. Request is malformed or invalid.");
		return;
	}
	client = aml_json_str(e, "client");
	if (!client || strcasecmp(client, t->client)) {
		aad(t->r, 400, "invalid_grant", 70000, "Provided grant is invalid or malformed.");
		return;
	}
	if (claim_num(e, "exp", &has) < (long)emu_now()) {
		aad(t->r, 400, "invalid_grant", 700082, "The refresh token has expired due to "
		    "inactivity. The token was issued on a date more than 90.00:00:00 ago and was "
		    "inactive for 90.00:00:00.");
		return;
	}
	/* A refresh token stays good while it is used: it is not revoked by
	 * its use, and a new one comes back every time (notes/auth.md §2.4). */
	cJSON_ReplaceItemInObjectCaseSensitive(e, "exp",
	    cJSON_CreateNumber((double)((long)emu_now() + RT_LIFETIME)));
	emu_changed();
	if (t->v1) {
		if (!(t->resource = field(t, "resource")))
			t->resource = aml_xstrdup("https://management.core.windows.net/");
		if (!known_resource(t->resource)) {
			bad_resource(t, t->resource);
			return;
		}
		t->aud = aml_xstrdup(t->resource);
	} else {
		char *sc = field(t, "scope");

		if (!sc) {
			t->aud = aml_xstrdup("https://management.core.windows.net/");
			t->offline = t->openid = 1;
		} else {
			free(sc);
			if (audience(t, 0) < 0)
				return;
		}
	}
	t->offline = 1;
	user_token(t);
}

static cJSON *
devices(void)
{
	return emu_obj(emu_obj(emu_state, "entra"), "devices");
}

static void
device_grant(struct treq *t)
{
	cJSON *d;
	char *code;
	const char *state, *client;
	long now = (long)emu_now(), last;
	int has;

	if (!tenant_ok(t->r, t->tenant, 1) || user_client(t) < 0)
		return;
	if (!(code = field(t, t->v1 ? "code" : "device_code")) &&
	    !(code = field(t, "device_code"))) {
		missing(t, t->v1 ? "code" : "device_code");
		return;
	}
	d = cJSON_GetObjectItemCaseSensitive(devices(), code);
	aml_freesecret(code);
	if (!d || !(client = aml_json_str(d, "client")) || strcasecmp(client, t->client)) {
		aad(t->r, 400, "bad_verification_code", 70018, "Invalid verification code. "
		    "The device code is not known or was issued to another application.");
		return;
	}
	state = aml_json_str(d, "state");
	last = claim_num(d, "lastPoll", &has);
	cJSON_ReplaceItemInObjectCaseSensitive(d, "lastPoll", cJSON_CreateNumber((double)now));
	emu_changed();
	if (now > claim_num(d, "expires", &has)) {
		aad(t->r, 400, "expired_token", 70019, "Verification code expired.");
	} else if (strcmp(state, "declined") == 0) {
		aad(t->r, 400, "authorization_declined", 65004,
		    "User declined to consent to access the app.");
	} else if (strcmp(state, "redeemed") == 0) {
		aad(t->r, 400, "invalid_grant", 54005, "OAuth2 Authorization code was already "
		    "redeemed, please retry with a new valid code or use an existing refresh token.");
	} else if (strcmp(state, "pending") == 0) {
		if (now - last < claim_num(d, "interval", &has))
			aad(t->r, 400, "slow_down", 70016, "OAuth 2.0 device flow error. "
			    "Polling faster than the interval: slow down.");
		else
			aad(t->r, 400, "authorization_pending", 70016, "OAuth 2.0 device flow "
			    "error. Authorization is pending. Continue polling.");
	} else {
		cJSON_ReplaceItemInObjectCaseSensitive(d, "state", cJSON_CreateString("redeemed"));
		t->aud = aml_xstrdup(aml_json_str(d, "resource"));
		t->offline = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "offline"));
		t->openid = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "openid"));
		user_token(t);
	}
}

/* POST /{tenant}/oauth2[/v2.0]/devicecode */
static void
devicecode(struct emu_req *r, int v1)
{
	struct treq t = { .r = r, .v1 = v1, .tenant = r->seg[0] };
	cJSON *d, *j;
	char *code, *msg, user[10];
	static const char alpha[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char rnd[9];
	long now = (long)emu_now();

	emu_lock();
	if (!tenant_ok(r, t.tenant, 1) || user_client(&t) < 0 || audience(&t, 0) < 0)
		goto out;
	emu_random(rnd, sizeof rnd);
	for (int i = 0; i < 9; i++)
		user[i] = alpha[rnd[i] % (sizeof alpha - 1)];
	user[9] = '\0';
	code = emu_random_token(96);
	d = cJSON_AddObjectToObject(devices(), code);
	cJSON_AddStringToObject(d, "userCode", user);
	cJSON_AddStringToObject(d, "client", t.client);
	cJSON_AddStringToObject(d, "resource", t.aud);
	cJSON_AddBoolToObject(d, "offline", t.offline || v1);
	cJSON_AddBoolToObject(d, "openid", t.openid);
	cJSON_AddStringToObject(d, "state", "pending");
	num(d, "interval", emu_cfg.device_interval);
	num(d, "expires", now + emu_cfg.device_expires_in);
	num(d, "lastPoll", now - emu_cfg.device_interval);
	emu_changed();
	msg = aml_xasprintf("To sign in, use a web browser to open the page %s and enter the "
	    "code %s to authenticate.", DEVICE_URI, user);
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "user_code", user);
	cJSON_AddStringToObject(j, "device_code", code);
	if (v1) {
		cJSON_AddStringToObject(j, "verification_url", DEVICE_URI);
		strnum(j, "expires_in", emu_cfg.device_expires_in);
		strnum(j, "interval", emu_cfg.device_interval);
	} else {
		cJSON_AddStringToObject(j, "verification_uri", DEVICE_URI);
		num(j, "expires_in", emu_cfg.device_expires_in);
		num(j, "interval", emu_cfg.device_interval);
	}
	cJSON_AddStringToObject(j, "message", msg);
	emu_answer_json(r, 200, j);
	entra_headers(r);
	cJSON_Delete(j);
	free(msg);
	free(code);
out:
	emu_unlock();
	treq_free(&t);
}

static void
devicecode_v1(struct emu_req *r)
{
	devicecode(r, 1);
}

static void
devicecode_v2(struct emu_req *r)
{
	devicecode(r, 0);
}

void
emu_device_decide(struct emu_req *r, const char *user_code, int approve)
{
	cJSON *d, *o;
	const char *s;

	emu_lock();
	cJSON_ArrayForEach(d, devices()) {
		s = aml_json_str(d, "userCode");
		if (s && strcasecmp(s, user_code) == 0)
			break;
	}
	if (!d) {
		emu_unlock();
		emu_answer_error(r, 404, "NotFound", "No device code has that user code.");
		return;
	}
	s = aml_json_str(d, "state");
	if (strcmp(s, "pending") == 0) {
		cJSON_ReplaceItemInObjectCaseSensitive(d, "state",
		    cJSON_CreateString(approve ? "approved" : "declined"));
		emu_changed();
	} else if (strcmp(s, approve ? "approved" : "declined")) {
		emu_unlock();
		emu_answer_error(r, 409, "Conflict", "That device code was already decided.");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "userCode", user_code);
	cJSON_AddStringToObject(o, "state", aml_json_str(d, "state"));
	emu_unlock();
	emu_answer_json(r, 200, o);
	cJSON_Delete(o);
}

static void
token(struct emu_req *r, int v1)
{
	struct treq t = { .r = r, .v1 = v1, .tenant = r->seg[0] };

	emu_lock();
	if (!(t.grant = field(&t, "grant_type"))) {
		missing(&t, "grant_type");
	} else if (strcmp(t.grant, "client_credentials") == 0) {
		client_credentials(&t);
	} else if (strcmp(t.grant, "refresh_token") == 0) {
		refresh_grant(&t);
	} else if (strcmp(t.grant, DEVICE_GRANT) == 0 ||
	    (v1 && strcmp(t.grant, "device_code") == 0)) {
		device_grant(&t);
	} else {
		aad(r, 400, "unsupported_grant_type", 70003,
		    "The app requested an unsupported grant type '%s'.", t.grant);
	}
	emu_unlock();
	treq_free(&t);
}

static void
token_v1(struct emu_req *r)
{
	token(r, 1);
}

static void
token_v2(struct emu_req *r)
{
	token(r, 0);
}

/* ---- managed identity ----------------------------------------------- */

static void
mi_answer(struct emu_req *r, const char *resource, int imds)
{
	struct grant g = { .who = MI, .acr = "2", .aud = resource };
	cJSON *j = cJSON_CreateObject();
	char *at;
	long exp, now = (long)emu_now(), life;

	g.appid = emu_id("miClientId");
	g.oid = emu_id("miObjectId");
	g.expired = expire_fault(r);
	at = access_token(&g, &exp);
	life = g.expired ? emu_cfg.token_lifetime : exp - now;
	cJSON_AddStringToObject(j, "access_token", at);
	if (imds) {
		cJSON_AddStringToObject(j, "refresh_token", "");
		cJSON_AddStringToObject(j, "client_id", g.appid);
		strnum(j, "expires_in", life);
		strnum(j, "expires_on", g.expired ? now + life : exp);
		strnum(j, "ext_expires_in", life);
		strnum(j, "not_before", now - LEEWAY);
	} else {
		strnum(j, "expires_on", g.expired ? now + life : exp);
	}
	cJSON_AddStringToObject(j, "resource", resource);
	cJSON_AddStringToObject(j, "token_type", "Bearer");
	if (!imds)
		cJSON_AddStringToObject(j, "client_id", g.appid);
	emu_answer_json(r, 200, j);
	cJSON_Delete(j);
	aml_freesecret(at);
}

/* The identity a request names (client_id, object_id/principal_id,
 * msi_res_id/mi_res_id) must be the one identity there is. */
static int
mi_selected(struct emu_req *r, int imds)
{
	char *v;
	int ok = 1;

	if ((v = emu_query(r, "client_id")))
		ok &= strcasecmp(v, emu_id("miClientId")) == 0;
	free(v);
	if ((v = emu_query(r, "object_id")) || (v = emu_query(r, "principal_id")))
		ok &= strcasecmp(v, emu_id("miObjectId")) == 0;
	free(v);
	if ((v = emu_query(r, imds ? "msi_res_id" : "mi_res_id")))
		ok &= strcasestr(v, "/userAssignedIdentities/aml-emulator-identity") != NULL;
	free(v);
	return ok;
}

static void
imds(struct emu_req *r)
{
	const char *md = emu_header(r, "Metadata");
	char *ver = NULL, *res = NULL;

	emu_lock();
	if (!md || strcasecmp(md, "true")) {
		entra_error(r, 400, "bad_request_102", "Required metadata header not specified");
	} else if (emu_header(r, "X-Forwarded-For")) {
		entra_error(r, 400, "invalid_request",
		    "Request contains the X-Forwarded-For header: IMDS is not for proxies");
	} else if (!(ver = emu_query(r, "api-version"))) {
		entra_error(r, 400, "invalid_request", "Required query variable 'api-version' is missing");
	} else if (strcmp(ver, "2018-02-01") && strcmp(ver, "2019-08-01") &&
	    strcmp(ver, "2019-11-01") && strcmp(ver, "2021-02-01")) {
		entra_error(r, 400, "invalid_request", "Invalid API version");
	} else if (!(res = emu_query(r, "resource")) || !*res) {
		entra_error(r, 400, "invalid_request", "Required audience parameter not specified");
	} else if (!known_resource(res)) {
		entra_error(r, 400, "invalid_resource", "AADSTS500011: The resource principal "
		    "named was not found in the tenant.");
	} else if (!mi_selected(r, 1)) {
		entra_error(r, 400, "invalid_request", "Identity not found");
	} else {
		mi_answer(r, res, 1);
	}
	emu_unlock();
	free(ver);
	free(res);
}

static void
appservice(struct emu_req *r)
{
	const char *h = emu_header(r, "X-IDENTITY-HEADER");
	char *ver = NULL, *res = NULL;

	emu_lock();
	if (!h) {
		entra_error(r, 400, "", "The request is missing the X-IDENTITY-HEADER header.");
	} else if (!secret_eq(h, emu_id("identityHeader"))) {
		entra_error(r, 401, "", "The X-IDENTITY-HEADER header is not valid.");
	} else if (!(ver = emu_query(r, "api-version")) || strcmp(ver, "2019-08-01")) {
		entra_error(r, 400, "", "api-version must be 2019-08-01.");
	} else if (!(res = emu_query(r, "resource")) || !*res) {
		entra_error(r, 400, "", "The resource parameter is required.");
	} else if (!known_resource(res)) {
		entra_error(r, 400, "", "AADSTS500011: The resource principal named was not found "
		    "in the tenant.");
	} else if (!mi_selected(r, 0)) {
		entra_error(r, 400, "", "Unable to load the proper Managed Identity.");
	} else {
		mi_answer(r, res, 0);
	}
	emu_unlock();
	free(ver);
	free(res);
}

/* ---- external tokens (control API) ---------------------------------- */

char *
emu_federated_token(const cJSON *opts, char **why)
{
	cJSON *c = cJSON_CreateObject(), *aud;
	const char *sub = aml_json_str(opts, "subject");
	const char *a = aml_json_str(opts, "audience");
	double life = (double)emu_cfg.federated_lifetime;
	long now = (long)emu_now();
	char jti[37], *tok;

	if (cJSON_GetObjectItemCaseSensitive(opts, "lifetime") &&
	    (aml_json_num(opts, "lifetime", &life) < 0 ||
	    !(life >= -10 * 365 * 86400.0 && life <= 10 * 365 * 86400.0))) {
		*why = aml_xstrdup("\"lifetime\" must be a number of seconds, at most ten years either way");
		cJSON_Delete(c);
		return NULL;
	}
	emu_guid(jti);
	emu_lock();
	cJSON_AddStringToObject(c, "iss", emu_base);
	cJSON_AddStringToObject(c, "sub", sub ? sub : emu_id("fedSubject"));
	aud = cJSON_AddArrayToObject(c, "aud");
	cJSON_AddItemToArray(aud, cJSON_CreateString(a ? a : emu_id("fedAudience")));
	num(c, "iat", now);
	num(c, "nbf", life < 0 ? now + 2 * (long)life : now);
	num(c, "exp", now + (long)life);
	cJSON_AddStringToObject(c, "jti", jti);
	tok = emu_jwt_sign(emu_id("signingKey"), emu_id("signingX5t"), c);
	emu_unlock();
	cJSON_Delete(c);
	return tok;
}

/* ---- the ARM side: bearer tokens ------------------------------------ */

/* Verified tokens, so that each is checked with RSA once: the claims
 * that the per-request checks need are kept. */
#define CACHE 256
static pthread_mutex_t cachelock = PTHREAD_MUTEX_INITIALIZER;
static struct verified {
	char *tok;
	long exp, nbf;
	char *aud, *tid, *iss;
} cache[CACHE];

static uint64_t
fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int
cache_get(const char *tok, struct verified *v)
{
	struct verified *e = &cache[fnv(tok) % CACHE];
	int hit;

	pthread_mutex_lock(&cachelock);
	hit = e->tok && strcmp(e->tok, tok) == 0;
	if (hit) {
		v->exp = e->exp;
		v->nbf = e->nbf;
		v->aud = aml_xstrdup(e->aud);
		v->tid = aml_xstrdup(e->tid);
		v->iss = aml_xstrdup(e->iss);
	}
	pthread_mutex_unlock(&cachelock);
	return hit;
}

static void
cache_put(const char *tok, const struct verified *v)
{
	struct verified *e = &cache[fnv(tok) % CACHE];

	pthread_mutex_lock(&cachelock);
	free(e->tok);
	free(e->aud);
	free(e->tid);
	free(e->iss);
	e->tok = aml_xstrdup(tok);
	e->exp = v->exp;
	e->nbf = v->nbf;
	e->aud = aml_xstrdup(v->aud);
	e->tid = aml_xstrdup(v->tid);
	e->iss = aml_xstrdup(v->iss);
	pthread_mutex_unlock(&cachelock);
}

static void
cache_fini(void)
{
	for (size_t i = 0; i < CACHE; i++) {
		free(cache[i].tok);
		free(cache[i].aud);
		free(cache[i].tid);
		free(cache[i].iss);
		cache[i].tok = NULL;
	}
}

static void
unauthorized(struct emu_req *r, const char *code, const char *msg, const char *desc,
    const char *tenant)
{
	char *www = aml_xasprintf("Bearer authorization_uri=\"%s/%s\", error=\"invalid_token\", "
	    "error_description=\"%s\"", emu_base, tenant, desc);

	emu_answer_error(r, 401, code, msg);
	emu_set_header(r, "WWW-Authenticate", www);
	free(www);
}

/* M/d/yyyy h:mm:ss tt, as ARM prints times in this message. */
static void
dotnet_general(char *buf, size_t n, time_t t)
{
	struct tm tm;
	int h;

	gmtime_r(&t, &tm);
	h = tm.tm_hour % 12 ? tm.tm_hour % 12 : 12;
	snprintf(buf, n, "%d/%d/%d %d:%02d:%02d %s", tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_year + 1900, h, tm.tm_min, tm.tm_sec, tm.tm_hour < 12 ? "AM" : "PM");
}

static int
decode_bearer(struct emu_req *r, const char *tok, const char *tenant, struct verified *v)
{
	cJSON *h, *c;
	int rc, has;
	const char *s;

	if (cache_get(tok, v))
		return 0;
	rc = emu_jwt_decode(tok, emu_id("signingPublic"), &h, &c);
	if (rc != EMU_JWT_OK) {
		cJSON_Delete(h);
		cJSON_Delete(c);
		unauthorized(r, "InvalidAuthenticationToken", rc == EMU_JWT_BADSIG ?
		    "The access token has an invalid signature." : "The access token is invalid.",
		    "The access token is invalid.", tenant);
		return -1;
	}
	v->exp = claim_num(c, "exp", &has);
	if (!has)
		v->exp = 0;
	v->nbf = claim_num(c, "nbf", &has);
	v->aud = aml_xstrdup((s = aml_json_str(c, "aud")) ? s : "");
	v->tid = aml_xstrdup((s = aml_json_str(c, "tid")) ? s : "");
	v->iss = aml_xstrdup((s = aml_json_str(c, "iss")) ? s : "");
	cJSON_Delete(h);
	cJSON_Delete(c);
	cache_put(tok, v);
	return 0;
}

/* notes/auth.md §6.4: ARM accepts https://management.azure.com/ and
 * https://management.core.windows.net/, with or without the slash. */
static int
arm_audience(const char *aud)
{
	int i = resource_index(aud);

	return i == 0 || i == 1;
}

int
emu_entra_check_bearer(struct emu_req *r)
{
	const char *auth = emu_header(r, "Authorization");
	struct verified v = { 0 };
	char *tenant = aml_xstrdup(emu_id("tenantId")), a[48], b[48], *m;
	long now = (long)emu_now();
	int rc = -1, faulted;

	if (!auth) {
		unauthorized(r, "AuthenticationFailed", "Authentication failed. The "
		    "'Authorization' header is missing.", "The authentication failed because of "
		    "missing 'Authorization' header.", "");
		goto out;
	}
	if (strncasecmp(auth, "Bearer ", 7) || !auth[7]) {
		unauthorized(r, "AuthenticationFailed", "Authentication failed. The "
		    "'Authorization' header is provided in an invalid format.", "The authentication "
		    "failed because of invalid 'Authorization' header format.", "");
		goto out;
	}
	if (decode_bearer(r, auth + 7, tenant, &v) < 0)
		goto out;
	if ((faulted = expire_fault(r)) || now > v.exp + LEEWAY) {
		/* A faulted token expired a moment ago, as far as it says. */
		dotnet_general(a, sizeof a, (time_t)(faulted || !v.exp ? now - 1 : v.exp));
		dotnet_general(b, sizeof b, (time_t)now);
		m = aml_xasprintf("The access token expiry UTC time '%s' is earlier than current "
		    "UTC time '%s'.", a, b);
		unauthorized(r, "ExpiredAuthenticationToken", m, "The access token has expired.",
		    tenant);
		free(m);
		goto out;
	}
	if (v.nbf > now + LEEWAY) {
		unauthorized(r, "InvalidAuthenticationToken", "The access token is not yet valid.",
		    "The access token is not yet valid.", tenant);
		goto out;
	}
	if (!arm_audience(v.aud)) {
		m = aml_xasprintf("The access token has been obtained for wrong audience or "
		    "resource '%s'. It should exactly match with one of the allowed audiences "
		    "'https://management.core.windows.net/','https://management.core.windows.net',"
		    "'https://management.azure.com/','https://management.azure.com'.", v.aud);
		unauthorized(r, "InvalidAuthenticationTokenAudience", m, "The access token is from the "
		    "wrong audience or resource.", tenant);
		free(m);
		goto out;
	}
	if (strcasecmp(v.tid, tenant)) {
		m = aml_xasprintf("The access token is from the wrong issuer '%s'. It must match "
		    "the tenant 'https://sts.windows.net/%s/' associated with this subscription. "
		    "Please use the authority (URL) '%s/%s' to get the token. Note, if the "
		    "subscription is transferred to another tenant there is no impact to the "
		    "services, but information about new tenant could take time to propagate (up "
		    "to an hour). If you just transferred your subscription and see this error "
		    "message, please try back later.", v.iss, tenant, emu_base, tenant);
		unauthorized(r, "InvalidAuthenticationTokenTenant", m, "The access token is from "
		    "the wrong issuer.", tenant);
		free(m);
		goto out;
	}
	rc = 0;
out:
	free(v.aud);
	free(v.tid);
	free(v.iss);
	free(tenant);
	return rc;
}

/* The data planes (an online endpoint's scoring URI in AADToken mode)
 * take the same tokens for their own resource; they answer 401 their
 * own way, so this only says why. */
int
emu_entra_token_ok(const char *tok, const char *resource, char **why)
{
	cJSON *h = NULL, *c = NULL;
	long now = (long)emu_now(), exp;
	const char *aud, *tid;
	size_t n = strlen(resource);
	int has, rc = -1;

	if (emu_jwt_decode(tok, emu_id("signingPublic"), &h, &c) != EMU_JWT_OK) {
		*why = aml_xstrdup("the token is not one Entra ID issued");
		goto out;
	}
	aud = aml_json_str(c, "aud");
	tid = aml_json_str(c, "tid");
	exp = claim_num(c, "exp", &has);
	if (resource[n - 1] == '/')
		n--;
	if (!aud || strncasecmp(aud, resource, n) || (aud[n] && strcmp(aud + n, "/"))) {
		*why = aml_xasprintf("the token is for audience '%s', not '%.*s'", aud ? aud : "",
		    (int)n, resource);
	} else if (!tid || strcasecmp(tid, emu_id("tenantId"))) {
		*why = aml_xstrdup("the token is from another tenant");
	} else if (!has || now > exp + LEEWAY) {
		*why = aml_xstrdup("the token has expired");
	} else {
		rc = 0;
	}
out:
	cJSON_Delete(h);
	cJSON_Delete(c);
	return rc;
}

/* ---- discovery ------------------------------------------------------ */

/* What MSAL and the Azure SDKs fetch before they ask for a token: the
 * OpenID configuration of the authority, its keys, and the instance
 * discovery document (clients told the authority is known skip that). */

static int
discovery_tenant(struct emu_req *r, const char *tenant, const char **tid)
{
	if (strcasecmp(tenant, "common") == 0 || strcasecmp(tenant, "organizations") == 0) {
		*tid = "{tenantid}";
		return 1;
	}
	if (strcasecmp(tenant, emu_id("tenantId")) == 0 ||
	    strcasecmp(tenant, emu_id("tenantDomain")) == 0) {
		*tid = emu_id("tenantId");
		return 1;
	}
	aad(r, 400, "invalid_tenant", 90002, "Tenant '%s' not found. Check to make sure you "
	    "have the correct tenant ID and are signing into the correct cloud.", tenant);
	return 0;
}

static void
add_url(cJSON *j, const char *k, const char *fmt, ...) AML_PRINTF(3, 4);

static void
add_url(cJSON *j, const char *k, const char *fmt, ...)
{
	va_list ap;
	char *u;

	va_start(ap, fmt);
	if (vasprintf(&u, fmt, ap) < 0)
		aml_die("out of memory");
	va_end(ap);
	cJSON_AddStringToObject(j, k, u);
	free(u);
}

static void
openid(struct emu_req *r, int v2)
{
	const char *t = r->seg[0], *tid;
	cJSON *j, *a;
	const char *v = v2 ? "/v2.0" : "";

	if (!discovery_tenant(r, t, &tid))
		return;
	j = cJSON_CreateObject();
	add_url(j, "token_endpoint", "%s/%s/oauth2%s/token", emu_base, t, v);
	a = cJSON_AddArrayToObject(j, "token_endpoint_auth_methods_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("client_secret_post"));
	cJSON_AddItemToArray(a, cJSON_CreateString("private_key_jwt"));
	cJSON_AddItemToArray(a, cJSON_CreateString("client_secret_basic"));
	add_url(j, "jwks_uri", "%s/%s/discovery%s/keys", emu_base, t, v);
	a = cJSON_AddArrayToObject(j, "response_modes_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("query"));
	cJSON_AddItemToArray(a, cJSON_CreateString("fragment"));
	cJSON_AddItemToArray(a, cJSON_CreateString("form_post"));
	a = cJSON_AddArrayToObject(j, "subject_types_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("pairwise"));
	a = cJSON_AddArrayToObject(j, "id_token_signing_alg_values_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("RS256"));
	a = cJSON_AddArrayToObject(j, "response_types_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("code"));
	cJSON_AddItemToArray(a, cJSON_CreateString("id_token"));
	cJSON_AddItemToArray(a, cJSON_CreateString("code id_token"));
	cJSON_AddItemToArray(a, cJSON_CreateString("id_token token"));
	a = cJSON_AddArrayToObject(j, "scopes_supported");
	cJSON_AddItemToArray(a, cJSON_CreateString("openid"));
	cJSON_AddItemToArray(a, cJSON_CreateString("profile"));
	cJSON_AddItemToArray(a, cJSON_CreateString("email"));
	cJSON_AddItemToArray(a, cJSON_CreateString("offline_access"));
	if (v2)
		add_url(j, "issuer", "%s/%s/v2.0", emu_base, tid);
	else
		add_url(j, "issuer", "https://sts.windows.net/%s/", tid);
	cJSON_AddFalseToObject(j, "request_uri_parameter_supported");
	add_url(j, "authorization_endpoint", "%s/%s/oauth2%s/authorize", emu_base, t, v);
	add_url(j, "device_authorization_endpoint", "%s/%s/oauth2%s/devicecode", emu_base, t, v);
	cJSON_AddTrueToObject(j, "http_logout_supported");
	cJSON_AddTrueToObject(j, "frontchannel_logout_supported");
	add_url(j, "end_session_endpoint", "%s/%s/oauth2%s/logout", emu_base, t, v);
	cJSON_AddStringToObject(j, "tenant_region_scope", "NA");
	cJSON_AddStringToObject(j, "cloud_instance_name", "microsoftonline.com");
	cJSON_AddStringToObject(j, "cloud_graph_host_name", "graph.windows.net");
	cJSON_AddStringToObject(j, "msgraph_host", "graph.microsoft.com");
	cJSON_AddStringToObject(j, "rbac_url", "https://pas.windows.net");
	emu_answer_json(r, 200, j);
	entra_headers(r);
	cJSON_Delete(j);
}

static void
openid_v1(struct emu_req *r)
{
	openid(r, 0);
}

static void
openid_v2(struct emu_req *r)
{
	openid(r, 1);
}

static void
jwks(struct emu_req *r)
{
	cJSON *j = cJSON_CreateObject(), *keys = cJSON_AddArrayToObject(j, "keys"), *k, *a;
	char *n = NULL, *e = NULL, *der;
	const char *tid;

	if (!discovery_tenant(r, r->seg[0], &tid)) {
		cJSON_Delete(j);
		return;
	}
	k = cJSON_CreateObject();
	cJSON_AddStringToObject(k, "kty", "RSA");
	cJSON_AddStringToObject(k, "use", "sig");
	cJSON_AddStringToObject(k, "kid", emu_id("signingX5t"));
	cJSON_AddStringToObject(k, "x5t", emu_id("signingX5t"));
	if (emu_jwk_ne(emu_id("signingPublic"), &n, &e) == 0) {
		cJSON_AddStringToObject(k, "n", n);
		cJSON_AddStringToObject(k, "e", e);
	}
	if (*emu_id("signingCert") && (der = emu_cert_der_b64(emu_id("signingCert")))) {
		a = cJSON_AddArrayToObject(k, "x5c");
		cJSON_AddItemToArray(a, cJSON_CreateString(der));
		free(der);
	}
	cJSON_AddItemToArray(keys, k);
	emu_answer_json(r, 200, j);
	entra_headers(r);
	cJSON_Delete(j);
	free(n);
	free(e);
}

static void
instance(struct emu_req *r)
{
	cJSON *j = cJSON_CreateObject(), *m, *o, *al;
	char *ae = emu_query(r, "authorization_endpoint"), *tenant = NULL, *host;
	const char *h = strstr(emu_base, "://") + 3;

	/* authorization_endpoint = {base}/{tenant}/oauth2/v2.0/authorize */
	if (ae && strncmp(ae, emu_base, strlen(emu_base)) == 0) {
		const char *p = ae + strlen(emu_base) + 1, *sl = strchr(p, '/');

		tenant = sl ? aml_xstrndup(p, (size_t)(sl - p)) : aml_xstrdup(p);
	}
	host = aml_xstrdup(h);
	add_url(j, "tenant_discovery_endpoint", "%s/%s/v2.0/.well-known/openid-configuration",
	    emu_base, tenant ? tenant : "common");
	cJSON_AddStringToObject(j, "api-version", "1.1");
	m = cJSON_AddArrayToObject(j, "metadata");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "preferred_network", host);
	cJSON_AddStringToObject(o, "preferred_cache", host);
	al = cJSON_AddArrayToObject(o, "aliases");
	cJSON_AddItemToArray(al, cJSON_CreateString(host));
	cJSON_AddItemToArray(m, o);
	emu_answer_json(r, 200, j);
	entra_headers(r);
	cJSON_Delete(j);
	free(ae);
	free(tenant);
	free(host);
}

/* ---- module --------------------------------------------------------- */

static void
seed(cJSON *state)
{
	cJSON *e = cJSON_AddObjectToObject(state, "entra");

	cJSON_AddObjectToObject(e, "refreshTokens");
	cJSON_AddObjectToObject(e, "devices");
	cJSON_AddObjectToObject(e, "jtis");
	cJSON_AddArrayToObject(e, "certificates");
}

static const struct emu_route routes[] = {
	{ "POST", "/*/oauth2/token", token_v1, &emu_fam_entra },
	{ "POST", "/*/oauth2/v2.0/token", token_v2, &emu_fam_entra },
	{ "POST", "/*/oauth2/devicecode", devicecode_v1, &emu_fam_entra },
	{ "POST", "/*/oauth2/v2.0/devicecode", devicecode_v2, &emu_fam_entra },
	{ "GET", "/metadata/identity/oauth2/token", imds, &emu_fam_entra },
	{ "GET", "/*/v2.0/.well-known/openid-configuration", openid_v2, &emu_fam_entra },
	{ "GET", "/*/.well-known/openid-configuration", openid_v1, &emu_fam_entra },
	{ "GET", "/*/discovery/v2.0/keys", jwks, &emu_fam_entra },
	{ "GET", "/*/discovery/keys", jwks, &emu_fam_entra },
	{ "GET", "/common/discovery/instance", instance, &emu_fam_entra },
	{ "GET", "/msi/token", appservice, &emu_fam_entra },
};

static struct emu_module entra = {
	.name = "entra",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
	.seed = seed,
	.fini = cache_fini,
};
EMU_MODULE(entra)
