/* SPDX-License-Identifier: MIT */
/*
 * aml-login: sign in to Azure, pick a subscription, and keep the tokens
 * for the other aml-* programs (Connect-AzAccount, az login).  Prints
 * the account as JSON, never a token.  The credential is taken in a
 * fixed order, flags first, then the azure-identity environment; see
 * aml-login(1).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "amlnet.h"

#define SUBS_API "2020-01-01"

static const char *cloudname, *tenant, *subscription, *client_id, *secret_file;
static const char *cert_path, *cert_pw_file, *token_file, *authority;
static int spflag, secret_stdin, identity, device, token_stdin, save_secret, list;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp,
	    "usage: aml-login [-c cloud] [-t tenant] [-s subscription] [-a authority-host]\n"
	    "                 [-p [-u client-id] [-f secret-file | -i | -C certificate [-P password-file] |\n"
	    "                     -F federated-token-file]] [-I [-u client-id]] [-d [-u client-id]] [-T]\n"
	    "                 [-W] [-m seconds] [-E ca-bundle] [-vq]\n"
	    "       aml-login -l [-vq]\n");
	if (!status)
		fprintf(fp,
		    "  -c, --cloud NAME              AzureCloud, AzureChinaCloud or AzureUSGovernment\n"
		    "  -t, --tenant ID               tenant (default AZURE_TENANT_ID)\n"
		    "  -s, --subscription ID|NAME    subscription to select (default AZURE_SUBSCRIPTION_ID)\n"
		    "  -a, --authority-host URL      Entra ID endpoint (default AZURE_AUTHORITY_HOST)\n"
		    "  -p, --service-principal       sign in as an application\n"
		    "  -u, --client-id ID            application or user-assigned identity\n"
		    "  -f, --secret-file FILE        client secret from FILE\n"
		    "  -i, --secret-stdin            client secret from standard input\n"
		    "  -C, --certificate FILE        PEM (certificate and key) or PKCS#12 file\n"
		    "  -P, --certificate-password-file FILE\n"
		    "  -F, --federated-token-file FILE\n"
		    "  -I, --identity                managed identity\n"
		    "  -d, --device-code             sign in as a user with a code shown on stderr\n"
		    "  -T, --token-stdin             use an access token read from standard input\n"
		    "  -W, --save-secret             keep the client secret for later renewals\n"
		    "  -l, --list                    list the signed-in account's subscriptions\n"
		    "  -m, --timeout SECONDS         per HTTP request\n"
		    "  -E, --ca-bundle FILE          CA certificates for TLS\n"
		    "  -v, --verbose                 HTTP trace on stderr, secrets masked\n"
		    "  -q, --quiet                   no warnings\n"
		    "  -h, --help\n"
		    "  -V, --version\n");
	exit(status);
}

static const char *
env(const char *name)
{
	const char *s = getenv(name);

	return s && *s ? s : NULL;
}

/*
 * Reading secrets and tokens from standard input
 */

static char *
read_stdin(const char *what)
{
	char *buf;
	size_t len;

	if (isatty(0)) {
		aml_err("%s: standard input is a terminal; pipe the %s in", what, what);
		usage(AML_EXIT_USAGE);
	}
	if (aml_slurp(NULL, 1u << 20, &buf, &len) < 0)
		aml_die("%s: <stdin>:", what);
	return buf;
}

static char *
secret_from_stdin(void)
{
	char *buf = read_stdin("client secret");
	size_t n = strcspn(buf, "\r\n");

	if (!n) {
		aml_freesecret(buf);
		aml_diex(AML_EXIT_AUTH, "client secret: <stdin>: empty");
	}
	buf[n] = '\0';
	return buf;
}

/* az's "YYYY-MM-DD HH:MM:SS.ffffff", local time. */
static time_t
local_time(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (!strptime(s, "%Y-%m-%d %H:%M:%S", &tm))
		return 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* What `az account get-access-token` or aml-token print, or the bare
 * token.  Its expiry from the JSON, else from the token's exp claim. */
static int
token_from_stdin(struct aml_token *t)
{
	char *buf = read_stdin("access token"), *s = buf, *e;
	struct aml_jerr je;
	cJSON *j = NULL, *claims;
	const char *v;
	double d;

	memset(t, 0, sizeof *t);
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s == '{') {
		if (!(j = aml_json_parse(buf, strlen(buf), &je)) ||
		    (!(v = aml_json_str(j, "accessToken")) && !(v = aml_json_str(j, "access_token")))) {
			aml_err("access token: <stdin>: JSON without accessToken");
			goto fail;
		}
		t->access = aml_xstrdup(v);
		if (aml_json_num(j, "expires_on", &d) == 0 && d > 0 && d <= 253402300799.0)
			t->expires_on = (time_t)d;
		else if ((v = aml_json_str(j, "expiresOn")))
			t->expires_on = local_time(v);
		if ((v = aml_json_str(j, "tenant")))
			t->tenant = aml_xstrdup(v);
	} else {
		for (e = s; *e && *e != ' ' && *e != '\t' && *e != '\r' && *e != '\n'; e++)
			;
		if (e == s) {
			aml_err("access token: <stdin>: empty");
			goto fail;
		}
		t->access = aml_xstrndup(s, (size_t)(e - s));
	}
	aml_secret_hold(t->access);
	if ((claims = aml_jwt_claims(t->access))) {
		if (!t->expires_on && aml_json_num(claims, "exp", &d) == 0 && d > 0 && d <= 253402300799.0)
			t->expires_on = (time_t)d;
		if (!t->tenant && (v = aml_json_str(claims, "tid")))
			t->tenant = aml_xstrdup(v);
		if ((v = aml_json_str(claims, "upn")) || (v = aml_json_str(claims, "unique_name")) ||
		    (v = aml_json_str(claims, "appid")) || (v = aml_json_str(claims, "oid")))
			t->user = aml_xstrdup(v);
		cJSON_Delete(claims);
	}
	if (!t->expires_on) {
		aml_err("access token: <stdin>: cannot tell when it expires (no expires_on, and not a JWT)");
		goto fail;
	}
	if (t->expires_on <= time(NULL)) {
		aml_err("access token: <stdin>: it has expired");
		goto fail;
	}
	cJSON_Delete(j);
	aml_freesecret(buf);
	return 0;
fail:
	cJSON_Delete(j);
	aml_freesecret(buf);
	aml_token_free(t);
	return AML_EXIT_AUTH;
}

/*
 * Choosing the credential
 */

static int
need(const char *value, const char *what, const char *hint)
{
	if (value)
		return 0;
	aml_err("no %s (%s)", what, hint);
	return AML_EXIT_AUTH;
}

/* A service principal: its client id and tenant, and one proof. */
static int
service_principal(struct aml_cred *c)
{
	const char *id = client_id ? client_id : env("AZURE_CLIENT_ID");
	const char *ten = tenant ? tenant : env("AZURE_TENANT_ID");
	const char *e;
	int rc;

	if ((rc = need(id, "client id", "give --client-id or set AZURE_CLIENT_ID")) ||
	    (rc = need(ten, "tenant", "give --tenant or set AZURE_TENANT_ID")))
		return rc;
	c->client_id = aml_xstrdup(id);
	c->tenant = aml_xstrdup(ten);
	if (secret_file || secret_stdin) {
		c->kind = AML_CRED_SECRET;
		if (secret_file)
			c->secret_file = realpath(secret_file, NULL);
		if (secret_file && !c->secret_file)
			aml_diex(AML_EXIT_AUTH, "secret file %s:", secret_file);
		c->secret = secret_file ? aml_read_secret_file(c->secret_file, "secret file") : secret_from_stdin();
		return c->secret ? 0 : AML_EXIT_AUTH;
	}
	if (cert_path || ((cert_pw_file || (!token_file && !env("AZURE_CLIENT_SECRET"))) &&
	    env("AZURE_CLIENT_CERTIFICATE_PATH"))) {
		c->kind = AML_CRED_CERT;
		if (!(c->cert_path = realpath(cert_path ? cert_path : env("AZURE_CLIENT_CERTIFICATE_PATH"), NULL)))
			aml_diex(AML_EXIT_AUTH, "certificate %s:", cert_path ? cert_path : env("AZURE_CLIENT_CERTIFICATE_PATH"));
		if (cert_pw_file) {
			if (!(c->secret_file = realpath(cert_pw_file, NULL)))
				aml_diex(AML_EXIT_AUTH, "certificate password file %s:", cert_pw_file);
			if (!(c->secret = aml_read_secret_file(c->secret_file, "certificate password file")))
				return AML_EXIT_AUTH;
		} else if ((e = env("AZURE_CLIENT_CERTIFICATE_PASSWORD"))) {
			c->secret = aml_xstrdup(e);
		}
		e = env("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN");
		c->send_chain = e && (!strcmp(e, "1") || !strcasecmp(e, "true"));
		return 0;
	}
	if (token_file || (!env("AZURE_CLIENT_SECRET") && env("AZURE_FEDERATED_TOKEN_FILE"))) {
		c->kind = AML_CRED_WORKLOAD;
		e = token_file ? token_file : env("AZURE_FEDERATED_TOKEN_FILE");
		if (!(c->token_file = realpath(e, NULL)))
			aml_diex(AML_EXIT_AUTH, "federated token file %s:", e);
		return 0;
	}
	if ((e = env("AZURE_CLIENT_SECRET"))) {
		c->kind = AML_CRED_SECRET;
		c->secret = aml_xstrdup(e);
		return 0;
	}
	aml_err("no secret, certificate or federated token for client %s "
	    "(give --secret-file, --secret-stdin, --certificate or --federated-token-file, "
	    "or set AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE)", id);
	return AML_EXIT_AUTH;
}

/* The user of the previous sign-in, if it left a refresh token. */
static int
cached_user(struct aml_cred *c)
{
	cJSON *p = NULL, *tokens = NULL;
	const char *rt, *type;
	char *path = aml_config_path("profile.json");
	int there = access(path, F_OK) == 0, found = 0;

	free(path);
	if (!there || aml_config_prepare(1) != 0 || aml_config_read("profile.json", 1, &p) != 0 || !p)
		goto out;
	type = aml_json_str(cJSON_GetObjectItemCaseSensitive(p, "credential"), "type");
	if (!type || strcmp(type, aml_cred_typename(AML_CRED_USER)))
		goto out;
	if (aml_config_read("tokens.json", 1, &tokens) != 0 || !(rt = aml_json_str(tokens, "refreshToken")))
		goto out;
	if (aml_cred_from_account(p, c) != 0)
		goto out;
	c->refresh_token = aml_xstrdup(rt);
	found = 1;
	if (aml_verbose)
		fprintf(stderr, "* credential: the refresh token of the previous sign-in\n");
out:
	cJSON_Delete(p);
	aml_json_free_secret(tokens);
	return found;
}

/* The order of aml-login(1): flags, then the environment. */
static int
choose(struct aml_cred *c)
{
	const char *ten = tenant ? tenant : env("AZURE_TENANT_ID");

	if (token_stdin) {
		c->kind = AML_CRED_TOKEN;
		return 0;
	}
	if (device) {
		c->kind = AML_CRED_USER;
		c->client_id = aml_xstrdup(client_id ? client_id : aml_device_client_id());
		c->tenant = aml_xstrdup(ten ? ten : "organizations");
		return 0;
	}
	if (identity) {
		c->kind = AML_CRED_MI;
		c->client_id = client_id ? aml_xstrdup(client_id) : NULL;
		return 0;
	}
	if (spflag)
		return service_principal(c);
	if ((env("AZURE_CLIENT_SECRET") || env("AZURE_CLIENT_CERTIFICATE_PATH") || env("AZURE_FEDERATED_TOKEN_FILE")) &&
	    env("AZURE_CLIENT_ID") && env("AZURE_TENANT_ID"))
		return service_principal(c);
	if (env("IDENTITY_ENDPOINT") && env("IDENTITY_HEADER")) {
		c->kind = AML_CRED_MI;
		c->client_id = client_id ? aml_xstrdup(client_id) : NULL;
		return 0;
	}
	if (cached_user(c))
		return 0;
	if (isatty(2)) {
		c->kind = AML_CRED_USER;
		c->client_id = aml_xstrdup(client_id ? client_id : aml_device_client_id());
		c->tenant = aml_xstrdup(ten ? ten : "organizations");
		return 0;
	}
	aml_err("no credentials: give --service-principal, --identity, --device-code or --token-stdin, "
	    "or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET");
	return AML_EXIT_AUTH;
}

/*
 * Subscriptions
 */

static int
add_sub(void *all, const struct aml_jdoc *d, uint32_t i)
{
	cJSON_AddItemToArray(all, aml_json_from_tape(d, i));
	return 0;
}

/* Every page of GET /subscriptions, with a token in hand (signing in)
 * or from the cache. */
static int
subscriptions(const char *arm, const char *bearer, cJSON **out)
{
	char label[] = "the subscriptions", check[] = "aml-login --list";
	struct aml_rsrc rs = { .token = bearer, .label = label, .check = check };
	char *url = aml_xasprintf("%s/subscriptions?api-version=%s", arm, SUBS_API);
	cJSON *all = cJSON_CreateArray();
	int rc;

	rc = aml_arm_pages(&rs, url, SUBS_API, add_sub, all);
	free(url);
	if (rc) {
		cJSON_Delete(all);
		return rc;
	}
	*out = all;
	return 0;
}

static const char *
sub_id(const cJSON *s)
{
	return aml_json_str(s, "subscriptionId");
}

static int
enabled(const cJSON *s)
{
	const char *st = aml_json_str(s, "state");

	return st && !strcasecmp(st, "Enabled");
}

static const cJSON *
select_sub(const cJSON *subs)
{
	const char *want = subscription ? subscription : env("AZURE_SUBSCRIPTION_ID"), *n;
	const cJSON *s;

	if (want) {
		cJSON_ArrayForEach(s, subs)
			if ((n = sub_id(s)) && !strcasecmp(n, want))
				return s;
		cJSON_ArrayForEach(s, subs)
			if ((n = aml_json_str(s, "displayName")) && !strcasecmp(n, want))
				return s;
		aml_err("subscription %s is not among the %d this account can use%s", want, cJSON_GetArraySize(subs),
		    subscription ? "" : " (from AZURE_SUBSCRIPTION_ID)");
		return NULL;
	}
	cJSON_ArrayForEach(s, subs)
		if (enabled(s))
			return s;
	aml_err("the account has no enabled subscription");
	return NULL;
}

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static cJSON *
sub_brief(const cJSON *s, int isdefault)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "id", sub_id(s));
	add_str(o, "name", aml_json_str(s, "displayName"));
	add_str(o, "state", aml_json_str(s, "state"));
	add_str(o, "tenantId", aml_json_str(s, "tenantId"));
	cJSON_AddBoolToObject(o, "isDefault", isdefault);
	return o;
}

/* -l: the subscriptions of the signed-in account, one per line. */
static int
list_subs(void)
{
	const char *cur = aml_subscription();
	struct aml_wbuf w;
	const cJSON *s;
	cJSON *subs, *o;
	int rc;

	if (!aml_account())
		return AML_EXIT_AUTH;
	if ((rc = subscriptions(aml_arm_endpoint(), NULL, &subs)) != 0)
		return rc;
	aml_wbuf_init(&w, 1);
	cJSON_ArrayForEach(s, subs) {
		o = sub_brief(s, cur && sub_id(s) && !strcasecmp(cur, sub_id(s)));
		aml_json_write(&w, o, 0);
		cJSON_Delete(o);
	}
	cJSON_Delete(subs);
	rc = aml_wflush(&w) < 0 ? (aml_err("write <stdout>:"), AML_EXIT_FAIL) : 0;
	aml_wbuf_free(&w);
	return rc;
}

/*
 * The account
 */

static void
user_of(const struct aml_cred *c, const struct aml_token *t, const char **name, const char **type)
{
	*type = "servicePrincipal";
	switch (c->kind) {
	case AML_CRED_MI:
		*name = c->client_id ? "userAssignedIdentity" : "systemAssignedIdentity";
		break;
	case AML_CRED_USER:
		*type = "user";
		*name = t->user ? t->user : "unknown";
		break;
	case AML_CRED_TOKEN:
		*name = t->user ? t->user : "unknown";
		if (t->user && strchr(t->user, '@'))
			*type = "user";
		break;
	default:
		*name = c->client_id;
		break;
	}
}

static cJSON *
make_profile(const struct aml_cloud *cl, const char *auth, const char *arm, const char *ten,
    const cJSON *sub, const struct aml_cred *c, const struct aml_token *t)
{
	cJSON *p = cJSON_CreateObject(), *o;
	const char *name, *type;

	cJSON_AddStringToObject(p, "environmentName", cl->name);
	cJSON_AddStringToObject(p, "authorityHost", auth);
	cJSON_AddStringToObject(p, "resourceManager", arm);
	cJSON_AddStringToObject(p, "armResource", cl->armres);
	add_str(p, "tenantId", ten);
	o = cJSON_AddObjectToObject(p, "subscription");
	add_str(o, "id", sub_id(sub));
	add_str(o, "name", aml_json_str(sub, "displayName"));
	add_str(o, "state", aml_json_str(sub, "state"));
	user_of(c, t, &name, &type);
	o = cJSON_AddObjectToObject(p, "user");
	add_str(o, "name", name);
	cJSON_AddStringToObject(o, "type", type);
	return p;
}

static int
print_account(const cJSON *p, const struct aml_cred *c, const struct aml_token *t)
{
	const cJSON *sub = cJSON_GetObjectItemCaseSensitive(p, "subscription");
	cJSON *o = cJSON_CreateObject();
	struct aml_wbuf w;
	char when[40];
	int rc;

	add_str(o, "environmentName", aml_json_str(p, "environmentName"));
	add_str(o, "tenantId", aml_json_str(p, "tenantId"));
	add_str(o, "id", aml_json_str(sub, "id"));
	add_str(o, "name", aml_json_str(sub, "name"));
	add_str(o, "state", aml_json_str(sub, "state"));
	cJSON_AddTrueToObject(o, "isDefault");
	cJSON_AddItemToObject(o, "user", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p, "user"), 1));
	cJSON_AddStringToObject(o, "credential", aml_cred_typename(c->kind));
	aml_time_local(t->expires_on, when, sizeof when);
	cJSON_AddStringToObject(o, "expiresOn", when);
	cJSON_AddNumberToObject(o, "expires_on", (double)t->expires_on);
	aml_wbuf_init(&w, 1);
	aml_json_write(&w, o, AML_JW_PRETTY);
	cJSON_Delete(o);
	rc = aml_wflush(&w) < 0 ? (aml_err("write <stdout>:"), AML_EXIT_FAIL) : 0;
	aml_wbuf_free(&w);
	return rc;
}

static char *
endpoint(const char *flag, const char *envname, const char *def)
{
	const char *s = flag ? flag : env(envname), *why;
	char *u;

	if (!s)
		return aml_xstrdup(def);
	if (!(u = aml_base_url(s, &why)))
		aml_diex(AML_EXIT_USAGE, "%s %s: %s", flag ? "--authority-host" : envname, s, why);
	return u;
}

static int
login(void)
{
	const struct aml_cloud *cl;
	struct aml_cred c = { 0 };
	struct aml_token t = { 0 };
	const char *name = cloudname ? cloudname : env("AML_CLOUD"), *ten;
	const cJSON *sub;
	cJSON *subs = NULL, *p = NULL;
	char *auth = NULL, *arm = NULL;
	int rc;

	if (!(cl = aml_cloud_find(name ? name : "AzureCloud")))
		aml_diex(AML_EXIT_USAGE, "unknown cloud %s (AzureCloud, AzureChinaCloud or AzureUSGovernment)", name);
	auth = endpoint(authority, "AZURE_AUTHORITY_HOST", cl->authority);
	arm = endpoint(NULL, "AML_ARM_ENDPOINT", cl->arm);
	aml_arm_endpoint_set(arm);	/* where the new token may go */
	if ((rc = choose(&c)) != 0)
		goto out;
	if (aml_verbose)
		fprintf(stderr, "* credential: %s\n", aml_cred_typename(c.kind));
	if (!c.authority)
		c.authority = aml_xstrdup(auth);
	if (c.kind == AML_CRED_TOKEN)
		rc = token_from_stdin(&t);
	else if (c.kind == AML_CRED_USER && !c.refresh_token)
		rc = aml_cred_device(&c, cl->armres, &t);
	else
		rc = aml_cred_token(&c, cl->armres, &t);
	if (rc)
		goto out;
	/* The tenant: the one signed in to, else the one the token names. */
	ten = c.tenant && strcmp(c.tenant, "organizations") && strcmp(c.tenant, "common") ? c.tenant : NULL;
	if (!ten && !t.tenant) {
		cJSON *claims = aml_jwt_claims(t.access);
		const char *tid = claims ? aml_json_str(claims, "tid") : NULL;

		if (tid)
			t.tenant = aml_xstrdup(tid);
		cJSON_Delete(claims);
	}
	if (!ten)
		ten = t.tenant ? t.tenant : tenant ? tenant : env("AZURE_TENANT_ID");
	if ((rc = subscriptions(arm, t.access, &subs)) != 0)
		goto out;
	if (!(sub = select_sub(subs))) {
		rc = AML_EXIT_FAIL;
		goto out;
	}
	if (!enabled(sub))
		aml_warn("subscription %s is %s", sub_id(sub), aml_json_str(sub, "state") ? aml_json_str(sub, "state") : "not enabled");
	if (!ten)
		ten = aml_json_str(sub, "tenantId");
	if (!c.tenant && ten)
		c.tenant = aml_xstrdup(ten);
	else if (c.tenant && ten && strcmp(c.tenant, ten)) {
		free(c.tenant);
		c.tenant = aml_xstrdup(ten);
	}
	p = make_profile(cl, c.authority, arm, ten, sub, &c, &t);
	if ((rc = aml_auth_save(p, &c, cl->armres, &t, save_secret)) != 0)
		goto out;
	rc = print_account(p, &c, &t);
out:
	cJSON_Delete(p);
	cJSON_Delete(subs);
	aml_cred_free(&c);
	aml_token_free(&t);
	free(auth);
	free(arm);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cloud", required_argument, NULL, 'c' },
		{ "tenant", required_argument, NULL, 't' },
		{ "subscription", required_argument, NULL, 's' },
		{ "authority-host", required_argument, NULL, 'a' },
		{ "service-principal", no_argument, NULL, 'p' },
		{ "client-id", required_argument, NULL, 'u' },
		{ "secret-file", required_argument, NULL, 'f' },
		{ "secret-stdin", no_argument, NULL, 'i' },
		{ "certificate", required_argument, NULL, 'C' },
		{ "certificate-password-file", required_argument, NULL, 'P' },
		{ "federated-token-file", required_argument, NULL, 'F' },
		{ "identity", no_argument, NULL, 'I' },
		{ "device-code", no_argument, NULL, 'd' },
		{ "token-stdin", no_argument, NULL, 'T' },
		{ "save-secret", no_argument, NULL, 'W' },
		{ "list", no_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 'm' },
		{ "ca-bundle", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c, modes;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "c:t:s:a:pu:f:iC:P:F:IdTWlm:E:vqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': cloudname = optarg; break;
		case 't': tenant = optarg; break;
		case 's': subscription = optarg; break;
		case 'a': authority = optarg; break;
		case 'p': spflag = 1; break;
		case 'u': client_id = optarg; break;
		case 'f': secret_file = optarg; spflag = 1; break;
		case 'i': secret_stdin = 1; spflag = 1; break;
		case 'C': cert_path = optarg; spflag = 1; break;
		case 'P': cert_pw_file = optarg; spflag = 1; break;
		case 'F': token_file = optarg; spflag = 1; break;
		case 'I': identity = 1; break;
		case 'd': device = 1; break;
		case 'T': token_stdin = 1; break;
		case 'W': save_secret = 1; break;
		case 'l': list = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_http_opt(c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	modes = spflag + identity + device + token_stdin + list;
	if (modes > 1) {
		aml_err("choose one of --service-principal (or its secret, certificate or token options), "
		    "--identity, --device-code, --token-stdin and --list");
		usage(AML_EXIT_USAGE);
	}
	if ((secret_file != NULL) + secret_stdin + (cert_path != NULL) + (token_file != NULL) > 1) {
		aml_err("choose one of --secret-file, --secret-stdin, --certificate and --federated-token-file");
		usage(AML_EXIT_USAGE);
	}
	if (cert_pw_file && !cert_path && !env("AZURE_CLIENT_CERTIFICATE_PATH")) {
		aml_err("--certificate-password-file needs --certificate or AZURE_CLIENT_CERTIFICATE_PATH");
		usage(AML_EXIT_USAGE);
	}
	if (list)
		return list_subs();
	return login();
}
