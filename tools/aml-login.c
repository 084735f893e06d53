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

enum {
	OPT_CLOUD = AML_OPT_OWN, OPT_AUTHORITY, OPT_CLIENT_ID, OPT_SECRET_STDIN, OPT_LIST
};

static const struct option longopts[] = {
	{ "cloud", required_argument, NULL, OPT_CLOUD },
	{ "tenant", required_argument, NULL, 't' },
	{ "subscription", required_argument, NULL, 's' },
	{ "authority-host", required_argument, NULL, OPT_AUTHORITY },
	{ "service-principal", no_argument, NULL, 'p' },
	{ "client-id", required_argument, NULL, OPT_CLIENT_ID },
	{ "key-file", required_argument, NULL, 'k' },
	{ "secret-stdin", no_argument, NULL, OPT_SECRET_STDIN },
	{ "certificate", required_argument, NULL, 'C' },
	{ "certificate-password-file", required_argument, NULL, 'P' },
	{ "federated-token-file", required_argument, NULL, 'F' },
	{ "identity", no_argument, NULL, 'I' },
	{ "device-code", no_argument, NULL, 'D' },
	{ "token-stdin", no_argument, NULL, 'T' },
	{ "save-secret", no_argument, NULL, 'W' },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "table", no_argument, NULL, AML_OPT_TABLE },
	AML_NET_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static const char *cloudname, *tenant, *subscription, *client_id, *secret_file;
static const char *cert_path, *cert_pw_file, *token_file, *authority;
static int spflag, secret_stdin, identity, device, token_stdin, save_secret, list, table;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp,
	    "usage: aml-login [-cqv] [--cloud cloud] [-t tenant] [-s subscription] [--authority-host url]\n"
	    "                 [-p [--client-id id] [-k key-file | --secret-stdin | -C certificate\n"
	    "                     [-P password-file] | -F federated-token-file]]\n"
	    "                 [-I [--client-id id]] [-D [--client-id id]] [-T] [-W]\n"
	    "                 [-m duration] [-E ca-bundle]\n"
	    "       aml-login -s subscription [-cqv] [-m duration] [-E ca-bundle]\n"
	    "       aml-login --list [--table] [-qv] [-m duration] [-E ca-bundle]\n");
	if (!status) {
		fprintf(fp,
		    "      --cloud NAME              AzureCloud, AzureChinaCloud or AzureUSGovernment\n"
		    "  -t, --tenant ID               tenant (default AZURE_TENANT_ID)\n"
		    "  -s, --subscription ID|NAME    subscription to select (default AZURE_SUBSCRIPTION_ID);\n"
		    "                                alone, switch the signed-in account to it\n"
		    "      --authority-host URL      Entra ID endpoint (default AZURE_AUTHORITY_HOST)\n"
		    "  -p, --service-principal       sign in as an application\n"
		    "      --client-id ID            application or user-assigned identity\n"
		    "  -k, --key-file FILE           client secret from FILE\n"
		    "      --secret-stdin            client secret from standard input\n"
		    "  -C, --certificate FILE        PEM (certificate and key) or PKCS#12 file\n"
		    "  -P, --certificate-password-file FILE\n"
		    "  -F, --federated-token-file FILE\n"
		    "  -I, --identity                managed identity\n"
		    "  -D, --device-code             sign in as a user with a code shown on stderr\n"
		    "  -T, --token-stdin             use an access token read from standard input\n"
		    "  -W, --save-secret             keep the client secret for later renewals\n"
		    "      --list                    list the signed-in account's subscriptions\n"
		    "      --table                   with --list: an aligned table, not JSON Lines\n");
		aml_net_help(fp, NULL);
	}
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

/* A service principal: its client id and tenant, and one proof: the
 * flags', else the environment's (aml_cred_env, the order azure-identity
 * has). */
static int
service_principal(struct aml_cred *c)
{
	const char *id = client_id ? client_id : env("AZURE_CLIENT_ID");
	const char *ten = tenant ? tenant : env("AZURE_TENANT_ID");
	const char *e;
	int rc;

	if ((rc = need(id, "client id", "give --client-id or set AZURE_CLIENT_ID")) ||
	    (rc = need(ten, "tenant", "give -t or set AZURE_TENANT_ID")))
		return rc;
	c->client_id = aml_xstrdup(id);
	c->tenant = aml_xstrdup(ten);
	if (secret_file || secret_stdin) {
		c->kind = AML_CRED_SECRET;
		if (secret_file)
			c->secret_file = realpath(secret_file, NULL);
		if (secret_file && !c->secret_file)
			aml_diex(AML_EXIT_AUTH, "key file %s:", secret_file);
		c->secret = secret_file ? aml_read_secret_file(c->secret_file, "key file") : secret_from_stdin();
		return c->secret ? 0 : AML_EXIT_AUTH;
	}
	if (cert_path || (cert_pw_file && env("AZURE_CLIENT_CERTIFICATE_PATH"))) {
		c->kind = AML_CRED_CERT;
		e = cert_path ? cert_path : env("AZURE_CLIENT_CERTIFICATE_PATH");
		if (!(c->cert_path = realpath(e, NULL)))
			aml_diex(AML_EXIT_AUTH, "certificate %s:", e);
		if (cert_pw_file) {
			if (!(c->secret_file = realpath(cert_pw_file, NULL)))
				aml_diex(AML_EXIT_AUTH, "certificate password file %s:", cert_pw_file);
			if (!(c->secret = aml_read_secret_file(c->secret_file, "certificate password file")))
				return AML_EXIT_AUTH;
		} else if ((e = env("AZURE_CLIENT_CERTIFICATE_PASSWORD"))) {
			c->secret = aml_xstrdup(e);
		} else if ((e = env("AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE")) &&
		    !(c->secret = aml_read_secret_file(e, "AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE"))) {
			return AML_EXIT_AUTH;
		}
		e = env("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN");
		c->send_chain = e && (!strcmp(e, "1") || !strcasecmp(e, "true"));
		return 0;
	}
	if (token_file) {
		c->kind = AML_CRED_WORKLOAD;
		if (!(c->token_file = realpath(token_file, NULL)))
			aml_diex(AML_EXIT_AUTH, "federated token file %s:", token_file);
		return 0;
	}
	if ((rc = aml_cred_env(c)) != 0 || c->kind)
		return rc;
	aml_err("no secret, certificate or federated token for client %s "
	    "(give -k, --secret-stdin, -C or -F, or set AZURE_CLIENT_SECRET, "
	    "AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE)", id);
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
	if (spflag || aml_cred_env_complete())
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
	aml_err("no credentials: give -p, -I, -D or -T, "
	    "or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET");
	return AML_EXIT_AUTH;
}

/*
 * Subscriptions
 */

static int
enabled(const cJSON *s)
{
	const char *st = aml_json_str(s, "state");

	return st && !strcasecmp(st, "Enabled");
}

static const cJSON *
select_sub(const cJSON *subs)
{
	const char *want = subscription ? subscription : env("AZURE_SUBSCRIPTION_ID");
	const cJSON *s;

	if (want)
		return aml_arm_sub_find(subs, want, subscription ? NULL : "AZURE_SUBSCRIPTION_ID");
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

static const char *
sub_id(const cJSON *s)
{
	return aml_json_str(s, "subscriptionId");
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

/* --list: the subscriptions of the signed-in account, one per line, or
 * --table's columns. */
static int
list_subs(void)
{
	static const char *const heads[] = { "NAME", "ID", "STATE", "DEFAULT" };
	const char *cur;
	struct aml_table tb;
	struct aml_wbuf w;
	const cJSON *s;
	cJSON *subs, *o;
	int rc, isdef;

	if (!aml_account())
		return aml_account_status();
	cur = aml_subscription();
	if ((rc = aml_arm_subscriptions(NULL, &subs)) != 0)
		return rc;
	aml_wbuf_init(&w, 1);
	aml_table_init(&tb, 4, heads);
	cJSON_ArrayForEach(s, subs) {
		isdef = cur && sub_id(s) && !strcasecmp(cur, sub_id(s));
		if (table) {
			const char *row[] = { aml_json_str(s, "displayName"), sub_id(s),
			    aml_json_str(s, "state"), isdef ? "true" : "false" };

			aml_table_add(&tb, row);
			continue;
		}
		o = sub_brief(s, isdef);
		aml_json_write(&w, o, 0);
		cJSON_Delete(o);
	}
	if (table)
		aml_table_print(&tb, &w);
	aml_table_free(&tb);
	cJSON_Delete(subs);
	rc = aml_wflush(&w) < 0 ? (aml_err("write <stdout>:"), AML_EXIT_FAIL) : 0;
	aml_wbuf_free(&w);
	return rc;
}

/*
 * The account
 */

static int
print_account(const cJSON *p, const char *credtype, time_t expires_on)
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
	cJSON_AddStringToObject(o, "credential", credtype);
	aml_time_local(expires_on, when, sizeof when);
	cJSON_AddStringToObject(o, "expiresOn", when);
	cJSON_AddNumberToObject(o, "expires_on", (double)expires_on);
	aml_wbuf_init(&w, 1);
	aml_json_write(&w, o, AML_JW_ONE);
	cJSON_Delete(o);
	rc = aml_wflush(&w) < 0 ? (aml_err("write <stdout>:"), AML_EXIT_FAIL) : 0;
	aml_wbuf_free(&w);
	return rc;
}

/* -s alone, signed in: make another subscription of the same account
 * the default, as az account set does; no new sign-in.  The cached
 * token is for the account's tenant, so a subscription of another
 * tenant needs a sign-in to that tenant. */
static int
switch_sub(void)
{
	const cJSON *p, *sub, *cred;
	const char *ten, *subten;
	struct aml_token t = { 0 };
	cJSON *subs = NULL;
	int rc, cached;

	if (!(p = aml_account()))
		return aml_account_status();
	if ((rc = aml_arm_subscriptions(NULL, &subs)) != 0)
		return rc;
	if (!(sub = aml_arm_sub_find(subs, subscription, NULL))) {
		rc = AML_EXIT_FAIL;
		goto out;
	}
	ten = aml_json_str(p, "tenantId");
	if ((subten = aml_json_str(sub, "tenantId")) && ten && strcasecmp(ten, subten)) {
		aml_err("subscription %s is in tenant %s, not in %s, the signed-in one: sign in to it "
		    "with aml-login -t %s -s %s", sub_id(sub), subten, ten, subten, sub_id(sub));
		rc = AML_EXIT_FAIL;
		goto out;
	}
	if (!enabled(sub))
		aml_warn("subscription %s is %s", sub_id(sub), aml_json_str(sub, "state") ?
		    aml_json_str(sub, "state") : "not enabled");
	if ((rc = aml_auth_set_subscription(sub)) != 0 ||
	    (rc = aml_auth_token(AML_ARM, 0, 0, &t, &cached)) != 0)
		goto out;
	if (!(p = aml_account())) {
		rc = AML_EXIT_AUTH;
		goto out;
	}
	cred = cJSON_GetObjectItemCaseSensitive(p, "credential");
	rc = print_account(p, aml_json_str(cred, "type") ? aml_json_str(cred, "type") : "unknown",
	    t.expires_on);
out:
	aml_token_free(&t);
	cJSON_Delete(subs);
	return rc;
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
	auth = aml_auth_endpoint(authority, "--authority-host", "AZURE_AUTHORITY_HOST", cl->authority);
	arm = aml_auth_endpoint(NULL, NULL, "AML_ARM_ENDPOINT", cl->arm);
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
	if ((rc = aml_arm_subscriptions(t.access, &subs)) != 0)
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
	p = aml_profile_new(cl, c.authority, arm, ten, sub, &c, &t);
	if ((rc = aml_auth_save(p, &c, cl->armres, &t, save_secret)) != 0)
		goto out;
	rc = print_account(p, aml_cred_typename(c.kind), t.expires_on);
out:
	cJSON_Delete(p);
	cJSON_Delete(subs);
	aml_cred_free(&c);
	aml_token_free(&t);
	free(auth);
	free(arm);
	return rc;
}

/* The options, checked together; usage errors exit 2. */
static void
options(int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "t:s:pk:C:P:F:IDTW" AML_NET_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (c) {
		case OPT_CLOUD: cloudname = optarg; break;
		case 't': tenant = optarg; break;
		case 's': subscription = optarg; break;
		case OPT_AUTHORITY: authority = optarg; break;
		case 'p': spflag = 1; break;
		case OPT_CLIENT_ID: client_id = optarg; break;
		case 'k': secret_file = optarg; spflag = 1; break;
		case OPT_SECRET_STDIN: secret_stdin = 1; spflag = 1; break;
		case 'C': cert_path = optarg; spflag = 1; break;
		case 'P': cert_pw_file = optarg; spflag = 1; break;
		case 'F': token_file = optarg; spflag = 1; break;
		case 'I': identity = 1; break;
		case 'D': device = 1; break;
		case 'T': token_stdin = 1; break;
		case 'W': save_secret = 1; break;
		case OPT_LIST: list = 1; break;
		case AML_OPT_TABLE: table = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_http_opt(c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if (spflag + identity + device + token_stdin + list > 1) {
		aml_err("choose one of -p (or its secret, certificate or token options), "
		    "-I, -D, -T and --list");
		usage(AML_EXIT_USAGE);
	}
	if ((secret_file != NULL) + secret_stdin + (cert_path != NULL) + (token_file != NULL) > 1) {
		aml_err("choose one of -k, --secret-stdin, -C and -F");
		usage(AML_EXIT_USAGE);
	}
	if (cert_pw_file && !cert_path && !env("AZURE_CLIENT_CERTIFICATE_PATH")) {
		aml_err("-P needs -C or AZURE_CLIENT_CERTIFICATE_PATH");
		usage(AML_EXIT_USAGE);
	}
	if (table && !list) {
		aml_err("--table goes with --list");
		usage(AML_EXIT_USAGE);
	}
	if (list && subscription) {
		aml_err("--list lists them all: leave out -s");
		usage(AML_EXIT_USAGE);
	}
}

/* -s and nothing that says how to sign in, and someone is signed in. */
static int
switching(void)
{
	char *path;
	int there;

	if (!subscription || spflag || identity || device || token_stdin || save_secret ||
	    tenant || client_id || cloudname || authority)
		return 0;
	path = aml_config_path("profile.json");
	there = access(path, F_OK) == 0;
	free(path);
	return there;
}

int
main(int argc, char **argv)
{
	aml_setprog(&argv[0]);
	options(argc, argv);
	if (list)
		return list_subs();
	if (switching())
		return switch_sub();
	return login();
}
