/* SPDX-License-Identifier: MIT */
/*
 * auth.c: the signed-in account and its token cache.  aml-login writes
 * profile.json (who signed in, where, and how to do it again: never a
 * secret) and tokens.json (access tokens by resource, and a user's
 * refresh token); every other program asks aml_auth_token, which hands
 * out the cached token while it has more than five minutes to live and
 * otherwise gets a new one with the same credential, under the lock, so
 * that eight programs starting together refresh once.
 *
 * When no one has run aml-login and the environment names a service
 * principal (AZURE_CLIENT_ID, AZURE_TENANT_ID and a secret, certificate
 * or federated token, as azure-identity's EnvironmentCredential and
 * WorkloadIdentityCredential read them), the first program that needs
 * the account signs in with it and stores what aml-login would, so that
 * CI jobs and pods need no aml-login step; the programs after it use
 * the cache.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "amlnet.h"

static cJSON *profile;
static int profile_state;	/* 0 not tried, 1 loaded, -1 failed */
static int signin_rc;		/* why a sign-in from the environment failed */
static char *armend;

static const char *const kindnames[] = {
	[AML_CRED_SECRET] = "clientSecret",
	[AML_CRED_CERT] = "clientCertificate",
	[AML_CRED_WORKLOAD] = "workloadIdentity",
	[AML_CRED_MI] = "managedIdentity",
	[AML_CRED_USER] = "deviceCode",
	[AML_CRED_TOKEN] = "accessToken",
};

const char *
aml_cred_typename(int kind)
{
	return kind > 0 && kind <= AML_CRED_TOKEN ? kindnames[kind] : "unknown";
}

static int
kind_of(const char *name)
{
	int k;

	for (k = AML_CRED_SECRET; name && k <= AML_CRED_TOKEN; k++)
		if (!strcmp(kindnames[k], name))
			return k;
	return 0;
}

static void
free_profile(void)
{
	cJSON_Delete(profile);
	profile = NULL;
	free(armend);
	armend = NULL;
}

static void
atexit_once(void)
{
	static int done;

	if (!done++)
		atexit(free_profile);
}

static int env_sign_in(void);
static int env_replaces(const cJSON *p);

static int
profile_there(void)
{
	struct stat st;
	char *path = aml_config_path("profile.json");
	int there = lstat(path, &st) == 0;

	free(path);
	return there;
}

/* quiet: only look; say nothing when there is no account, and do not
 * sign in from the environment. */
static const cJSON *
load_profile(int quiet)
{
	int rc;

	if (profile_state)
		return profile;
	if (quiet && !profile_there())
		return NULL;
	if (!quiet && !profile_there() && aml_cred_env_complete()) {
		profile_state = -1;	/* what the sign-in asks of the account: none yet */
		if ((signin_rc = env_sign_in()) != 0)
			return NULL;
		profile_state = 0;
	}
	profile_state = -1;
	if ((rc = aml_config_prepare(0)) != 0)
		return NULL;
	if (aml_config_read("profile.json", 0, &profile) != 0)
		return NULL;
	if (!cJSON_IsObject(profile)) {
		if (profile)
			aml_err("%s/profile.json: not an account; run aml-login", aml_config_dir());
		else
			aml_err("not signed in (run aml-login)");
		cJSON_Delete(profile);
		profile = NULL;
		return NULL;
	}
	profile_state = 1;
	atexit_once();
	/* Made from other variables than the ones set now (a runner that
	 * keeps its configuration between jobs): sign in anew. */
	if (!quiet && env_replaces(profile)) {
		cJSON_Delete(profile);
		profile = NULL;
		profile_state = -1;
		if ((signin_rc = env_sign_in()) != 0)
			return NULL;
		profile_state = 0;
		return load_profile(1);
	}
	return profile;
}

const cJSON *
aml_account(void)
{
	return load_profile(0);
}

int
aml_account_status(void)
{
	return signin_rc ? signin_rc : AML_EXIT_AUTH;
}

static const char *
pstr(const char *key)
{
	const cJSON *p = load_profile(1);

	return p ? aml_json_str(p, key) : NULL;
}

static const struct aml_cloud *
cloud(void)
{
	const char *name = pstr("environmentName");
	const struct aml_cloud *c;

	if (!name)
		name = getenv("AML_CLOUD");
	return name && (c = aml_cloud_find(name)) ? c : aml_cloud_find("AzureCloud");
}

const char *
aml_arm_endpoint(void)
{
	const char *s = getenv("AML_ARM_ENDPOINT"), *why;

	if (armend)
		return armend;
	if (s && *s) {
		if (!(armend = aml_base_url(s, &why)))
			aml_diex(AML_EXIT_USAGE, "AML_ARM_ENDPOINT: %s: %s", s, why);
	} else if ((s = pstr("resourceManager"))) {
		armend = aml_xstrdup(s);
	} else {
		armend = aml_xstrdup(cloud()->arm);
	}
	atexit_once();
	return armend;
}

void
aml_arm_endpoint_set(const char *url)
{
	free(armend);
	armend = aml_xstrdup(url);
	atexit_once();
}

static const char *
arm_resource(void)
{
	const char *s = pstr("armResource");

	return s ? s : cloud()->armres;
}

const char *
aml_subscription(void)
{
	const cJSON *p = load_profile(1), *sub = p ? cJSON_GetObjectItemCaseSensitive(p, "subscription") : NULL;

	return sub ? aml_json_str(sub, "id") : NULL;
}

const char *
aml_tenant(void)
{
	return pstr("tenantId");
}

void
aml_time_local(time_t t, char *buf, size_t n)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S.000000", &tm);
}

/*
 * Credentials from the account
 */

static char *
dupstr(const cJSON *o, const char *key)
{
	const char *s = o ? aml_json_str(o, key) : NULL;

	return s ? aml_xstrdup(s) : NULL;
}

/* name's value, else the first line of the file name_FILE names: 0
 * with *out (NULL when neither is set), or the exit status after an
 * error line.  A client secret is read as aml_secret_get reads keys (a
 * refusal can then say when the variable held a file's name); a
 * certificate's password is taken whole, spaces and all. */
static int
env_secret(const char *name, char **out)
{
	const char *vars[] = { name, NULL };
	char *fv = aml_xasprintf("%s_FILE", name);
	const char *v = getenv(name), *f = getenv(fv);
	int rc = 0;

	*out = NULL;
	if (!strcmp(name, "AZURE_CLIENT_SECRET")) {
		rc = aml_secret_get(NULL, vars, NULL, out) < 0 ? AML_EXIT_AUTH : 0;
	} else if (v && *v) {
		*out = aml_xstrdup(v);
		aml_secret_hold(*out);
	} else if (f && *f && !(*out = aml_read_secret_file(f, fv))) {
		rc = AML_EXIT_AUTH;
	}
	free(fv);
	return rc;
}

/* The secret for a refresh: the environment (when it names the same
 * client), the file it came from, or what --save-secret kept. */
static int
refresh_secret(const cJSON *cred, struct aml_cred *c, const char *envname, const char *filekey,
    const char *savedkey, int required)
{
	const char *id = getenv("AZURE_CLIENT_ID"), *f;
	cJSON *saved = NULL;
	int rc;

	/* The variable (or the file its _FILE names), when it is for the
	 * same client. */
	if ((!id || !*id || !c->client_id || !strcmp(id, c->client_id)) &&
	    (rc = env_secret(envname, &c->secret)) != 0)
		return rc;
	if (c->secret)
		return 0;
	if ((f = aml_json_str(cred, filekey))) {
		c->secret_file = aml_xstrdup(f);
		return (c->secret = aml_read_secret_file(f, "secret file")) ? 0 : AML_EXIT_AUTH;
	}
	if ((rc = aml_config_read("secret.json", 0, &saved)) != 0)
		return rc;
	if (saved && (f = aml_json_str(saved, savedkey)))
		c->secret = aml_xstrdup(f);
	cJSON_Delete(saved);
	if (!c->secret && required) {
		aml_err("cannot renew the token: the client secret was not saved; set %s, "
		    "or run aml-login again (with --save-secret to keep it)", envname);
		return AML_EXIT_AUTH;
	}
	return 0;
}

int
aml_cred_from_account(const cJSON *p, struct aml_cred *c)
{
	const cJSON *cred = cJSON_GetObjectItemCaseSensitive(p, "credential");
	const char *f;

	memset(c, 0, sizeof *c);
	if (!cJSON_IsObject(cred) || !(c->kind = kind_of(aml_json_str(cred, "type")))) {
		aml_err("%s/profile.json: no usable credential; run aml-login", aml_config_dir());
		return AML_EXIT_AUTH;
	}
	c->authority = dupstr(p, "authorityHost");
	c->tenant = dupstr(p, "tenantId");
	c->client_id = dupstr(cred, "clientId");
	c->cert_path = dupstr(cred, "certificatePath");
	c->send_chain = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cred, "sendCertificateChain"));
	switch (c->kind) {
	case AML_CRED_SECRET:
		return refresh_secret(cred, c, "AZURE_CLIENT_SECRET", "secretFile", "clientSecret", 1);
	case AML_CRED_CERT:
		return refresh_secret(cred, c, "AZURE_CLIENT_CERTIFICATE_PASSWORD", "certificatePasswordFile",
		    "certificatePassword", 0);
	case AML_CRED_WORKLOAD:
		/* The file's path may move with the pod; the variable wins. */
		if ((f = getenv("AZURE_FEDERATED_TOKEN_FILE")) && *f)
			c->token_file = aml_xstrdup(f);
		else
			c->token_file = dupstr(cred, "federatedTokenFile");
		return 0;
	default:
		return 0;
	}
}

static cJSON *
cred_json(const struct aml_cred *c)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "type", aml_cred_typename(c->kind));
	if (c->client_id)
		cJSON_AddStringToObject(j, "clientId", c->client_id);
	if (c->kind == AML_CRED_SECRET && c->secret_file)
		cJSON_AddStringToObject(j, "secretFile", c->secret_file);
	if (c->kind == AML_CRED_CERT) {
		cJSON_AddStringToObject(j, "certificatePath", c->cert_path);
		if (c->secret_file)
			cJSON_AddStringToObject(j, "certificatePasswordFile", c->secret_file);
		if (c->send_chain)
			cJSON_AddTrueToObject(j, "sendCertificateChain");
	}
	if (c->kind == AML_CRED_WORKLOAD)
		cJSON_AddStringToObject(j, "federatedTokenFile", c->token_file);
	if (c->from_env)
		cJSON_AddStringToObject(j, "source", "environment");
	return j;
}

static char *
fingerprint(const cJSON *p)
{
	const cJSON *cred = cJSON_GetObjectItemCaseSensitive(p, "credential");
	const char *a = aml_json_str(p, "authorityHost"), *t = aml_json_str(p, "tenantId");
	const char *c = cred ? aml_json_str(cred, "clientId") : NULL;
	const char *k = cred ? aml_json_str(cred, "type") : NULL;

	return aml_xasprintf("%s|%s|%s|%s", a ? a : "", t ? t : "", c ? c : "", k ? k : "");
}

/* Resources compare without their trailing slashes. */
static int
same_resource(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);

	while (na && a[na - 1] == '/')
		na--;
	while (nb && b[nb - 1] == '/')
		nb--;
	return na == nb && !strncmp(a, b, na);
}

static cJSON *
find_entry(cJSON *tokens, const char *resource)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(tokens, "accessTokens"), *e;
	const char *r;

	if (!cJSON_IsArray(arr))
		return NULL;
	cJSON_ArrayForEach(e, arr)
		if ((r = aml_json_str(e, "resource")) && same_resource(r, resource))
			return e;
	return NULL;
}

static cJSON *
new_entry(const char *resource, const struct aml_token *t)
{
	cJSON *e = cJSON_CreateObject();

	cJSON_AddStringToObject(e, "resource", resource);
	cJSON_AddStringToObject(e, "accessToken", t->access);
	cJSON_AddNumberToObject(e, "expires_on", (double)t->expires_on);
	if (t->refresh_on)
		cJSON_AddNumberToObject(e, "refresh_on", (double)t->refresh_on);
	return e;
}

/* Put t into tokens for resource, and a rotated refresh token. */
static void
store(cJSON *tokens, const char *resource, const struct aml_token *t)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(tokens, "accessTokens"), *e;

	if (!cJSON_IsArray(arr)) {
		cJSON_DeleteItemFromObjectCaseSensitive(tokens, "accessTokens");
		arr = cJSON_AddArrayToObject(tokens, "accessTokens");
	}
	if ((e = find_entry(tokens, resource)))
		cJSON_ReplaceItemViaPointer(arr, e, new_entry(resource, t));
	else
		cJSON_AddItemToArray(arr, new_entry(resource, t));
	if (t->refresh) {
		cJSON_DeleteItemFromObjectCaseSensitive(tokens, "refreshToken");
		cJSON_AddStringToObject(tokens, "refreshToken", t->refresh);
	}
}

/* Free a tree that holds secrets, wiping its strings first. */
static void
wipe_json(cJSON *j)
{
	cJSON *c;

	if (!j)
		return;
	if (j->valuestring)
		aml_wipe(j->valuestring, strlen(j->valuestring));
	for (c = j->child; c; c = c->next)
		wipe_json(c);
}

void
aml_json_free_secret(cJSON *j)
{
	wipe_json(j);
	cJSON_Delete(j);
}

static int
entry_token(const cJSON *e, struct aml_token *t)
{
	const char *s = aml_json_str(e, "accessToken");
	double v;

	memset(t, 0, sizeof *t);
	/* A time past 9999 is a damaged cache, and converting it would be
	 * undefined: the entry is not used. */
	if (!s || aml_json_num(e, "expires_on", &v) < 0 || !(v > 0 && v <= 253402300799.0))
		return -1;
	t->access = aml_xstrdup(s);
	aml_secret_hold(t->access);
	t->expires_on = (time_t)v;
	if (aml_json_num(e, "refresh_on", &v) == 0 && v > 0 && v <= 253402300799.0)
		t->refresh_on = (time_t)v;
	return 0;
}

static void
trace_token(const char *what, const char *resource, const struct aml_token *t)
{
	char when[40];

	if (!aml_verbose)
		return;
	aml_time_local(t->expires_on, when, sizeof when);
	fprintf(stderr, "* token for %s %s, expires %.19s (in %ld s)\n", resource, what, when,
	    (long)(t->expires_on - time(NULL)));
}

static int
renew(const cJSON *p, cJSON *tokens, const char *resource, long minvalid, struct aml_token *t)
{
	struct aml_cred c;
	const char *rt;
	char when[40];
	int rc;

	if ((rc = aml_cred_from_account(p, &c)) != 0)
		goto out;
	if (c.kind == AML_CRED_TOKEN) {
		aml_err("the access token given to aml-login --token-stdin %s; sign in again",
		    find_entry(tokens, resource) ? "has expired or expires too soon" : "is not for this resource");
		rc = AML_EXIT_AUTH;
		goto out;
	}
	if (c.kind == AML_CRED_USER) {
		if (!(rt = aml_json_str(tokens, "refreshToken"))) {
			aml_err("the sign-in has no refresh token; run aml-login --device-code");
			rc = AML_EXIT_AUTH;
			goto out;
		}
		c.refresh_token = aml_xstrdup(rt);
	}
	if ((rc = aml_cred_token(&c, resource, t)) != 0)
		goto out;
	if (t->expires_on - time(NULL) <= minvalid) {
		aml_time_local(t->expires_on, when, sizeof when);
		aml_err("the new token for %s expires at %.19s, sooner than the %ld s asked for",
		    resource, when, minvalid);
		aml_token_free(t);
		rc = AML_EXIT_FAIL;
		goto out;
	}
	trace_token("renewed", resource, t);
	store(tokens, resource, t);
	rc = aml_config_write("tokens.json", tokens);
out:
	aml_cred_free(&c);
	return rc;
}

int
aml_auth_token(const char *resource, long minvalid, int force, struct aml_token *t, int *cached)
{
	cJSON *p = NULL, *tokens = NULL, *e;
	char *fp = NULL;
	const char *acc;
	time_t now;
	long margin;
	int rc, kind;

	memset(t, 0, sizeof *t);
	*cached = 0;
	if (!aml_account())
		return aml_account_status();
	if (!strcmp(resource, AML_ARM))
		resource = arm_resource();
	if ((rc = aml_config_lock()) != 0)
		return rc;
	/* The account again, under the lock: aml-login may have replaced
	 * it since this program started. */
	if ((rc = aml_config_read("profile.json", 0, &p)) != 0)
		goto out;
	if (!cJSON_IsObject(p)) {
		aml_err("not signed in (run aml-login)");
		rc = AML_EXIT_AUTH;
		goto out;
	}
	if ((rc = aml_config_read("tokens.json", 0, &tokens)) != 0)
		goto out;
	kind = kind_of(aml_json_str(cJSON_GetObjectItemCaseSensitive(p, "credential"), "type"));
	fp = fingerprint(p);
	if (!cJSON_IsObject(tokens) || !(acc = aml_json_str(tokens, "account")) || strcmp(acc, fp)) {
		aml_json_free_secret(tokens);
		tokens = cJSON_CreateObject();
		cJSON_AddStringToObject(tokens, "account", fp);
	}
	now = time(NULL);
	/* A token given on stdin cannot be renewed: any validity will do. */
	margin = kind == AML_CRED_TOKEN ? minvalid : (minvalid > AML_REFRESH_MARGIN ? minvalid : AML_REFRESH_MARGIN);
	if ((e = find_entry(tokens, resource)) && entry_token(e, t) == 0) {
		if (!force && t->expires_on - now > margin &&
		    (kind == AML_CRED_TOKEN || !t->refresh_on || now < t->refresh_on)) {
			*cached = 1;
			trace_token("from the cache", resource, t);
			goto out;
		}
		aml_token_free(t);
	}
	rc = renew(p, tokens, resource, minvalid, t);
out:
	aml_config_unlock();
	aml_json_free_secret(tokens);
	cJSON_Delete(p);
	free(fp);
	return rc;
}

/*
 * aml-login and aml-logout
 */

static const char *const files[] = { "profile.json", "tokens.json", "secret.json", NULL };

/* Files about to be replaced: say so when their modes were too open. */
static void
warn_modes(void)
{
	const char *const *f;
	struct stat st;
	char *path;

	for (f = files; *f; f++) {
		path = aml_config_path(*f);
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			aml_warn("%s: was a symbolic link; replaced by a file of mode 0600", path);
		else if (lstat(path, &st) == 0 && (st.st_mode & 077))
			aml_warn("%s: mode %04o was too open; replaced by a file of mode 0600",
			    path, (unsigned)(st.st_mode & 07777));
		free(path);
	}
}

int
aml_auth_save(cJSON *p, const struct aml_cred *c, const char *resource, const struct aml_token *t,
    int save_secret)
{
	cJSON *tokens = cJSON_CreateObject(), *sec = NULL;
	char *fp;
	int rc;

	cJSON_AddItemToObject(p, "credential", cred_json(c));
	fp = fingerprint(p);
	cJSON_AddStringToObject(tokens, "account", fp);
	free(fp);
	store(tokens, resource, t);
	if (save_secret && c->secret) {
		sec = cJSON_CreateObject();
		cJSON_AddStringToObject(sec, c->kind == AML_CRED_CERT ? "certificatePassword" : "clientSecret",
		    c->secret);
	}
	if ((rc = aml_config_prepare(1)) != 0 || (rc = aml_config_lock()) != 0)
		goto out;
	warn_modes();
	if (!(rc = aml_config_write("tokens.json", tokens)) &&
	    !(rc = sec ? aml_config_write("secret.json", sec) : aml_config_remove("secret.json")))
		rc = aml_config_write("profile.json", p);
	aml_config_unlock();
out:
	aml_json_free_secret(tokens);
	aml_json_free_secret(sec);
	return rc;
}

int
aml_auth_forget(void)
{
	const char *const *f;
	struct stat st;
	char *lock;
	int rc = 0;

	if (lstat(aml_config_dir(), &st) < 0 && errno == ENOENT)
		return 0;
	/* Not the files of the directory a symlink points at. */
	if (S_ISLNK(st.st_mode)) {
		aml_err("%s: is a symbolic link; refusing to follow it "
		    "(set AML_CONFIG_DIR to the directory itself)", aml_config_dir());
		return AML_EXIT_AUTH;
	}
	/* A symlink at the lock goes the way of the files, unfollowed. */
	lock = aml_config_path("lock");
	if (lstat(lock, &st) == 0 && S_ISLNK(st.st_mode))
		unlink(lock);
	free(lock);
	if ((rc = aml_config_lock()) != 0)
		return rc;
	for (f = files; *f; f++)
		if (aml_config_remove(*f) != 0)
			rc = AML_EXIT_FAIL;
	lock = aml_config_path("lock");
	unlink(lock);
	free(lock);
	aml_config_unlock();
	/* Only when nothing else lives there. */
	rmdir(aml_config_dir());
	return rc;
}

/*
 * The account as aml-login stores it
 */

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

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

static void
put_subscription(cJSON *p, const cJSON *sub)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "id", aml_json_str(sub, "subscriptionId"));
	add_str(o, "name", aml_json_str(sub, "displayName"));
	add_str(o, "state", aml_json_str(sub, "state"));
	if (cJSON_GetObjectItemCaseSensitive(p, "subscription"))
		cJSON_ReplaceItemInObjectCaseSensitive(p, "subscription", o);
	else
		cJSON_AddItemToObject(p, "subscription", o);
}

cJSON *
aml_profile_new(const struct aml_cloud *cl, const char *authority, const char *arm,
    const char *tenant, const cJSON *sub, const struct aml_cred *c, const struct aml_token *t)
{
	cJSON *p = cJSON_CreateObject(), *o;
	const char *name, *type;

	cJSON_AddStringToObject(p, "environmentName", cl->name);
	cJSON_AddStringToObject(p, "authorityHost", authority);
	cJSON_AddStringToObject(p, "resourceManager", arm);
	cJSON_AddStringToObject(p, "armResource", cl->armres);
	add_str(p, "tenantId", tenant);
	put_subscription(p, sub);
	user_of(c, t, &name, &type);
	o = cJSON_AddObjectToObject(p, "user");
	add_str(o, "name", name);
	cJSON_AddStringToObject(o, "type", type);
	return p;
}

char *
aml_auth_endpoint(const char *flag, const char *opt, const char *envname, const char *def)
{
	const char *s = flag ? flag : getenv(envname), *why;
	char *u;

	if (!s || !*s)
		return aml_xstrdup(def);
	if (!(u = aml_base_url(s, &why)))
		aml_diex(AML_EXIT_USAGE, "%s %s: %s", flag ? opt : envname, s, why);
	return u;
}

int
aml_auth_set_subscription(const cJSON *sub)
{
	cJSON *p = NULL;
	int rc;

	if ((rc = aml_config_prepare(0)) != 0 || (rc = aml_config_lock()) != 0)
		return rc;
	if ((rc = aml_config_read("profile.json", 0, &p)) == 0) {
		if (!cJSON_IsObject(p)) {
			aml_err("not signed in (run aml-login)");
			rc = AML_EXIT_AUTH;
		} else {
			put_subscription(p, sub);
			rc = aml_config_write("profile.json", p);
		}
	}
	aml_config_unlock();
	cJSON_Delete(p);
	/* The next aml_account() reads the account as it is now. */
	free_profile();
	profile_state = 0;
	return rc;
}

/*
 * Signing in from the environment
 */

static const char *
envs(const char *name)
{
	const char *s = getenv(name);

	return s && *s ? s : NULL;
}

/* A profile this code made from the environment, for another client or
 * tenant than the environment names now. */
static int
env_replaces(const cJSON *p)
{
	const cJSON *cred = cJSON_GetObjectItemCaseSensitive(p, "credential");
	const char *src = aml_json_str(cred, "source"), *id = aml_json_str(cred, "clientId");
	const char *ten = aml_json_str(p, "tenantId");

	if (!src || strcmp(src, "environment") || !aml_cred_env_complete())
		return 0;
	return !id || !ten || strcmp(id, envs("AZURE_CLIENT_ID")) ||
	    strcmp(ten, envs("AZURE_TENANT_ID"));
}

/* Token, subscription and profile, as aml-login -p would make them; the
 * lock is held. */
static int
env_login(void)
{
	const char *name = envs("AML_CLOUD"), *want = envs("AZURE_SUBSCRIPTION_ID");
	const struct aml_cloud *cl = aml_cloud_find(name ? name : "AzureCloud");
	struct aml_cred c = { 0 };
	struct aml_token t = { 0 };
	cJSON *sub = NULL, *p = NULL;
	char *auth = NULL, *arm = NULL;
	int rc;

	if (!cl) {
		aml_err("AML_CLOUD %s: not AzureCloud, AzureChinaCloud or AzureUSGovernment", name);
		return AML_EXIT_USAGE;
	}
	auth = aml_auth_endpoint(NULL, NULL, "AZURE_AUTHORITY_HOST", cl->authority);
	arm = aml_auth_endpoint(NULL, NULL, "AML_ARM_ENDPOINT", cl->arm);
	if ((rc = aml_cred_env(&c)) != 0)
		goto out;
	c.client_id = aml_xstrdup(envs("AZURE_CLIENT_ID"));
	c.tenant = aml_xstrdup(envs("AZURE_TENANT_ID"));
	c.authority = aml_xstrdup(auth);
	c.from_env = 1;
	if (aml_verbose)
		fprintf(stderr, "* not signed in: signing in from the environment (%s, client %s)\n",
		    aml_cred_typename(c.kind), c.client_id);
	if ((rc = aml_cred_token(&c, cl->armres, &t)) != 0)
		goto out;
	aml_arm_endpoint_set(arm);
	/* AZURE_SUBSCRIPTION_ID's subscription when it is an id.  A display
	 * name, or none (aml-login's choice then: the first enabled), needs
	 * Resource Manager's list, which is the layer above this one: it
	 * resolves and keeps the choice when a program first needs it
	 * (aml_arm_subscription, aml_arm_account_subscription).  An account
	 * without one may still get tokens. */
	if (want && aml_is_guid(want)) {
		sub = cJSON_CreateObject();
		cJSON_AddStringToObject(sub, "subscriptionId", want);
	}
	p = aml_profile_new(cl, auth, arm, c.tenant, sub, &c, &t);
	rc = aml_auth_save(p, &c, cl->armres, &t, 0);
out:
	cJSON_Delete(p);
	cJSON_Delete(sub);
	aml_cred_free(&c);
	aml_token_free(&t);
	free(auth);
	free(arm);
	return rc;
}

static int
env_sign_in(void)
{
	struct stat st;
	cJSON *p = NULL;
	int rc, fresh;

	/* A directory that is not there is made; one that is must pass
	 * the usual checks (aml-login alone repairs). */
	fresh = lstat(aml_config_dir(), &st) < 0 && errno == ENOENT;
	if ((rc = aml_config_prepare(fresh)) != 0 || (rc = aml_config_lock()) != 0)
		return rc;
	/* Another program may have signed in while this one waited. */
	if (profile_there() && aml_config_read("profile.json", 0, &p) == 0 && cJSON_IsObject(p) &&
	    !env_replaces(p)) {
		cJSON_Delete(p);
		aml_config_unlock();
		return 0;
	}
	cJSON_Delete(p);
	rc = env_login();
	aml_config_unlock();
	return rc;
}
