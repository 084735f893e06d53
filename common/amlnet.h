/* SPDX-License-Identifier: MIT */
/*
 * amlnet.h: libaml's network layer, for the programs that talk to Azure
 * (and for the emulator): HTTP, clouds, the configuration directory,
 * certificates, credentials and tokens, the signed-in account, Resource
 * Manager, long-running operations and the Studio (classic) services.
 * The JSON filters never include it.  One section per file, in the
 * order the files depend on each other.
 */
#ifndef AMLNET_H
#define AMLNET_H

#include "aml.h"

/*
 * http.c: the one place libcurl is used (network programs only).
 *
 * One connection-keeping handle per process.  TLS is always verified
 * (CA: aml_http_set_ca_bundle, else CURL_CA_BUNDLE, else SSL_CERT_FILE,
 * else the system store); plain http is refused before any connection
 * unless the host is loopback (127.0.0.0/8, ::1, localhost); proxies come
 * from the usual variables, but never for loopback or 169.254.169.254.
 * Every request sends x-ms-client-request-id (a fresh UUID, the same on
 * its retries), User-Agent "aml-tools/VERSION (prog)", Accept:
 * application/json, and no Expect: 100-continue.
 *
 * Retries: connection failures and 408, 429, 500, 502, 503, 504, with
 * exponential backoff (AML_RETRY_BASE_MS, default 1000, doubling, capped
 * at AML_RETRY_CAP_MS, default 30000, +-20% jitter) or the server's
 * Retry-After (seconds or HTTP date), at most AML_RETRY_MAX times
 * (default 4).  Methods other than GET and HEAD are retried only when
 * the request never reached the server or was refused with 429 (not
 * carried out), unless AML_HTTP_IDEMPOTENT; they always go on a new
 * connection, so that libcurl never repeats them on its own.
 * Each retry prints one warning (none with -q):
 *   prog: warning: HTTP 503 from GET /path, retrying in 2 s (3 left)
 *
 * Failures print one line (unless AML_HTTP_QUIET), e.g.
 *   prog: GET /subscriptions/.../webServices/x: HTTP 404 NotFound: The
 *   specified resource was not found. (WebServiceNotFound) [request-id ...]
 * with the path only (never the host or query, which may hold a SAS).
 */
extern int aml_verbose;		/* -v: curl-style trace on stderr, secrets masked */

#define AML_HTTP_ANYSTATUS 0x01	/* any HTTP status is a result, not a failure */
#define AML_HTTP_QUIET 0x02	/* print nothing; see aml_http_errline */
#define AML_HTTP_IDEMPOTENT 0x04 /* safe to repeat although not GET (token POSTs) */
#define AML_HTTP_IMDS 0x08	/* IMDS rules: 404 and 410 are transient too */
#define AML_HTTP_NORETRY 0x10	/* one attempt only */
#define AML_HTTP_DIRECT 0x20	/* never through a proxy */

struct aml_req {
	const char *method;	/* NULL: GET */
	const char *url;
	const char *body;	/* NULL: none (POST/PUT/PATCH send Content-Length: 0) */
	size_t len;
	const char *ctype;	/* Content-Type of body; NULL: application/json */
	const char *const *hdrs; /* more "Name: value" lines, NULL-terminated */
	const char *auth;	/* the Authorization header's value (a secret), or NULL */
	/* For bearer.c only (http.c knows nothing of tokens): the audience
	 * of the token to send (AML_ARM: Resource Manager of the signed-in
	 * cloud), and a token already in hand instead of the cache's. */
	const char *resource;
	const char *token;
	long connect_ms, total_ms;	/* 0: the defaults (10 s, or 120 s), cut to -m */
	int flags;
};

struct aml_hdr {
	char *name, *value;
};

struct aml_resp {
	long status;		/* 0: no response; why is in err */
	char *body;		/* NUL-terminated, at most AML_MAX_INPUT bytes */
	size_t len;
	struct aml_hdr *hdr;	/* the final response's headers, in order */
	size_t nhdr;
	time_t date;		/* the server's Date header, or 0 */
	int sent;		/* the last attempt's request reached the server */
	int deadline;		/* no response: -m's time ran out */
	char err[512];
};

/* 0 when a response arrived and its status is 2xx (any status with
 * AML_HTTP_ANYSTATUS); otherwise the exit status to use (AML_EXIT_AUTH
 * for 401, else AML_EXIT_FAIL), after printing the error line.  r is
 * always to be freed with aml_resp_free. */
int aml_http(const struct aml_req *q, struct aml_resp *r);
/* The same without the error line: 0 or -1 (no response). */
int aml_http_raw(const struct aml_req *q, struct aml_resp *r);
void aml_resp_free(struct aml_resp *r);
const char *aml_http_header(const struct aml_resp *r, const char *name); /* any case */
long aml_http_retry_after(const struct aml_resp *r);	/* seconds, or -1 */
time_t aml_http_date(const char *s);	/* an HTTP date; -1 if it is not one */
/* "METHOD /path: HTTP 404 Code: message (DetailCode) [request-id ...]",
 * or "METHOD /path: <why there was no response>"; malloc'd. */
char *aml_http_errline(const struct aml_req *q, const struct aml_resp *r);
/* The body's first bytes for a message: one line, secrets masked. */
char *aml_http_snippet(const struct aml_resp *r);
int aml_http_set_timeout(const char *seconds);	/* each request's limit; -1 if invalid */
void aml_http_set_ca_bundle(const char *path);	/* --ca-bundle */
/* The options of every network program, -m duration (the whole
 * program's deadline), -E ca-bundle, -c, -v and -q: 1 taken, 0 not one
 * of them, -1 a bad value (its error line printed; show usage and exit
 * 2).  -h and -V are the program's, which prints its own usage. */
int aml_http_opt(int c, const char *arg);
#define AML_NET_SHORTOPTS "cm:E:vqhV"
#define AML_NET_LONGOPTS \
	{ "compact", no_argument, NULL, 'c' }, \
	{ "max-time", required_argument, NULL, 'm' }, \
	{ "ca-bundle", required_argument, NULL, 'E' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }
/* Their lines of --help; maxtime completes the -m line ("default 1h"),
 * or NULL. */
void aml_net_help(FILE *fp, const char *maxtime);
char *aml_urlenc(const char *s);	/* percent-encoded, for queries and forms */
char *aml_url_path(const char *url);	/* path only: no host, query or fragment */
void aml_uuid(char out[37]);		/* random (v4), lower case */

/* cloud.c: the Azure clouds (AzureCloud, AzureChinaCloud,
 * AzureUSGovernment) and the rule for endpoint URLs. */
struct aml_cloud {
	const char *name;
	const char *authority;	/* Entra ID, no trailing slash */
	const char *arm;	/* Resource Manager, no trailing slash */
	const char *armres;	/* Resource Manager's token audience */
};
const struct aml_cloud *aml_cloud_find(const char *name);	/* any case; NULL */
/* "host", "https://host/...", or "http://" to a loopback host only:
 * a base URL without trailing slash, or NULL and why. */
char *aml_base_url(const char *s, const char **why);

/* config.c: the configuration directory ($AML_CONFIG_DIR, else
 * ${XDG_CONFIG_HOME:-$HOME/.config}/aml), 0700, files 0600 owned by the
 * user.  The functions print their error and return an exit status.
 * repair: create the directory and fix looser modes with a warning
 * (aml-login); otherwise a missing directory means "not signed in" and
 * looser modes, another owner or a symlink are refused (exit 3). */
const char *aml_config_dir(void);
char *aml_config_path(const char *name);	/* malloc'd */
int aml_config_prepare(int repair);
int aml_config_lock(void);	/* flock on DIR/lock, exclusive, bounded wait */
void aml_config_unlock(void);
int aml_config_read(const char *name, int repair, cJSON **out);	/* *out NULL: absent */
int aml_config_write(const char *name, const cJSON *j);	/* atomic, 0600 */
int aml_config_remove(const char *name);

/* cert.c: a certificate with its private key (PEM, or PKCS#12 with a
 * password) and the RS256 client assertion it signs. */
struct aml_cert {
	char *keypem;		/* unencrypted PEM, wiped when freed */
	size_t keylen;
	char *x5t, *x5t256;	/* base64url SHA-1 and SHA-256 thumbprints */
	char *x5c;		/* JSON array of the chain, standard base64 DER */
	time_t not_before, not_after;
};
int aml_cert_load(const char *path, const char *password, struct aml_cert *c, const char **why);
void aml_cert_free(struct aml_cert *c);
/* aud is the token URL; chain adds x5c.  malloc'd; a secret. */
char *aml_cert_assertion(const struct aml_cert *c, const char *client_id, const char *aud, int chain);

/* cred.c: credentials to access tokens (Entra ID v2, managed identity).
 * Errors are printed; the result is 0 or an exit status (3: refused). */
enum {
	AML_CRED_SECRET = 1,	/* service principal, client secret */
	AML_CRED_CERT,		/* service principal, certificate */
	AML_CRED_WORKLOAD,	/* service principal, federated token file */
	AML_CRED_MI,		/* managed identity */
	AML_CRED_USER,		/* device code, then its refresh token */
	AML_CRED_TOKEN		/* an access token given on stdin */
};
struct aml_cred {
	int kind;
	char *authority;	/* Entra ID base URL */
	char *tenant;
	char *client_id;	/* MI: a user-assigned identity, or NULL */
	char *secret;		/* the client secret, or the certificate's password */
	char *secret_file;	/* where the secret is read again for refreshes */
	char *cert_path;
	int send_chain;		/* x5c (AZURE_CLIENT_SEND_CERTIFICATE_CHAIN) */
	char *token_file;	/* workload identity; read anew for every request */
	char *refresh_token;	/* user */
	int from_env;		/* signed in from the environment, not by aml-login */
};
struct aml_token {
	char *access;		/* secret */
	char *refresh;		/* secret; user flows */
	char *user;		/* from the id token, user flows */
	char *tenant;		/* from the id token, user flows */
	time_t expires_on;
	time_t refresh_on;	/* refresh early from here on; 0: 5 min before expiry */
};
int aml_cred_token(struct aml_cred *c, const char *resource, struct aml_token *t);
/* The service principal of the environment, as azure-identity's
 * EnvironmentCredential and WorkloadIdentityCredential read it: the
 * first of a client secret (AZURE_CLIENT_SECRET, or the file
 * AZURE_CLIENT_SECRET_FILE names), a certificate
 * (AZURE_CLIENT_CERTIFICATE_PATH, its password, the chain switch) and a
 * federated token (AZURE_FEDERATED_TOKEN_FILE).  Client id and tenant
 * are the caller's to set.  0 with c->kind set, or 0 and c->kind 0 when
 * the environment names none; else the exit status after an error line. */
int aml_cred_env(struct aml_cred *c);
/* The three the environment must give for aml_cred_env's credential to
 * be used without aml-login: a client id, a tenant and a proof. */
int aml_cred_env_complete(void);
/* Device code: the message on stderr, polling per RFC 8628; Ctrl-C
 * cancels (the program then dies of the signal). */
int aml_cred_device(struct aml_cred *c, const char *resource, struct aml_token *t);
void aml_cred_free(struct aml_cred *c);
void aml_token_free(struct aml_token *t);
const char *aml_device_client_id(void);	/* the default public client */
cJSON *aml_jwt_claims(const char *jwt);	/* payload, unverified; NULL if not a JWT */
/* A token endpoint's answer (Entra ID v1 or v2, IMDS, App Service):
 * expires_in, else expires_on (a number, a numeric string or an HTTP
 * date), refresh_in, the user and tenant of an id_token.  mi: managed
 * identity rules.  0, or -1 with *why (t is then empty). */
int aml_token_parse(const char *body, size_t len, int mi, time_t now, struct aml_token *t,
    const char **why);
/* The one line for a failed token request (no response, or a refusal
 * with its AADSTS code, first line of the description, correlation id
 * and a hint), malloc'd; *status: 3 for a refusal (4xx but 408 and
 * 429), else 1.  what prefixes it (NULL: "sign-in refused" or "sign-in
 * failed"). */
char *aml_token_errline(const struct aml_req *q, const struct aml_resp *r,
    const struct aml_cred *c, const struct aml_cert *cert, const char *what, int *status);

/*
 * auth.c: the signed-in account and its token cache, for every network
 * program.  Files in the configuration directory: profile.json (the
 * account: cloud, endpoints, tenant, subscription, user, how to sign in
 * again; no secret), tokens.json (access tokens per resource, the user's
 * refresh token) and secret.json (only with aml-login --save-secret).
 */
#define AML_ARM "arm"		/* as a resource: Resource Manager of the account's cloud */
#define AML_REFRESH_MARGIN 300	/* seconds: tokens are renewed this long before expiry */

/* A token for resource valid at least max(minvalid, 5 min) more (the
 * cached one, or a new one, under the lock so that concurrent programs
 * refresh once).  force: a new one regardless.  *cached says whether
 * it came from the cache. */
int aml_auth_token(const char *resource, long minvalid, int force, struct aml_token *t, int *cached);
/* The signed-in account (profile.json), loaded once; NULL after an
 * error line (exit 3: not signed in). */
const cJSON *aml_account(void);
/* The exit status to give when aml_account() returned NULL: 3, or a
 * sign-in from the environment's own (1 when the network failed). */
int aml_account_status(void);
const char *aml_arm_endpoint(void);	/* AML_ARM_ENDPOINT, else the account's cloud */
void aml_arm_endpoint_set(const char *url);	/* aml-login: the cloud it signs in to */
const char *aml_subscription(void);	/* the account's subscription id, or NULL */
const char *aml_tenant(void);
/* aml-login: replace the stored sign-in. */
int aml_auth_save(cJSON *profile, const struct aml_cred *c, const char *resource,
    const struct aml_token *t, int save_secret);
/* The account aml-login stores: cloud, endpoints, tenant, subscription
 * (an item of GET /subscriptions, or NULL) and user. */
cJSON *aml_profile_new(const struct aml_cloud *cl, const char *authority, const char *arm,
    const char *tenant, const cJSON *sub, const struct aml_cred *c, const struct aml_token *t);
/* An endpoint of the sign-in: flag (named opt in messages), else the
 * variable envname, else def; a base URL, malloc'd.  Exits 2 on a bad one. */
char *aml_auth_endpoint(const char *flag, const char *opt, const char *envname, const char *def);
/* aml-login -s without credentials: the cached account's subscription
 * becomes sub (an item of its GET /subscriptions). */
int aml_auth_set_subscription(const cJSON *sub);
int aml_auth_forget(void);	/* aml-logout */
const char *aml_cred_typename(int kind);
int aml_cred_from_account(const cJSON *profile, struct aml_cred *c);
void aml_time_local(time_t t, char *buf, size_t n);	/* "YYYY-MM-DD HH:MM:SS.000000", local */
void aml_json_free_secret(cJSON *j);	/* cJSON_Delete after wiping every string */

/*
 * bearer.c: requests that carry an access token (q->resource says for
 * what audience; q->token, when set, is a token already in hand).  The
 * token goes only to its audience's origin: Resource Manager's endpoint
 * for AML_ARM, else an origin given to aml_bearer_allow; any other URL
 * is refused before a connection is made.  The result is aml_http's.
 */
int aml_bearer_call(const struct aml_req *q, struct aml_resp *r);
/* Let the token for resource go to url's origin (scheme, host, port):
 * a URL learnt from Resource Manager, such as a scoring URI.  -1 and
 * why when url is not a URL a request may go to. */
int aml_bearer_allow(const char *resource, const char *url, const char **why);

/*
 * arm.c: Resource Manager for every program that works on a resource
 * there.  A resource, for the messages about it: what to call it, and
 * the command that looks at it again (an operation that may still be
 * running says how to check).
 */
struct aml_rsrc {
	const char *sub;	/* the subscription id */
	char *label;		/* "group/name", or what else names it */
	char *check;		/* "aml-get-ws -g group -n name" */
	const char *token;	/* a token in hand (aml-login); NULL: the cache's */
};
void aml_rsrc_free(struct aml_rsrc *rs);	/* label and check */
/* The subscription: given (-s), else AZURE_SUBSCRIPTION_ID, else the
 * signed-in account's.  An id is taken as it is; anything else is a
 * display name, looked up in GET /subscriptions (ignoring case, as az
 * account set does).  0, or the exit status after an error line
 * (unknown or ambiguous names included). */
int aml_arm_subscription(const char *given, const char **sub);
/* Every subscription the account (token, or the cache's with NULL) can
 * use: GET /subscriptions, all pages, as a cJSON array of its items. */
#define AML_SUBS_APIVER "2020-01-01"
int aml_arm_subscriptions(const char *token, cJSON **out);
/* The one of subs that want names (its subscriptionId, else its
 * displayName, case ignored); NULL after an error line that says what
 * (from names where want came from: "-s", "AZURE_SUBSCRIPTION_ID"). */
const cJSON *aml_arm_sub_find(const cJSON *subs, const char *want, const char *from);
/* The signed-in account's subscription; for one signed in without (from
 * the environment, which named none or only a display name), the first
 * enabled one it can use, as aml-login chooses, kept in the account.
 * NULL when it has none. */
const char *aml_arm_account_subscription(void);
/* ENDPOINT/subscriptions/SUB[/resourceGroups/GROUP]/providers/PROVIDER,
 * then each of segs (NULL-terminated, each percent-encoded), suffix
 * ("/listKeys" or NULL), "?api-version=APIVER" and "&QUERY" (encoded by
 * the caller; NULL for none); malloc'd. */
char *aml_arm_url(const char *sub, const char *group, const char *provider, const char *const *segs,
    const char *suffix, const char *apiver, const char *query);
/* One word as sh would read it back: quoted unless plain (for checks). */
void aml_shword(struct aml_wbuf *w, const char *s);
/* One Resource Manager request with the token.  Returns 0 for 2xx (any
 * status with AML_HTTP_ANYSTATUS), else the exit status after one error
 * line; a write that failed after it reached the server adds that it
 * may have taken effect, and rs->check. */
int aml_arm_call(const struct aml_rsrc *rs, const char *method, const char *url,
    const char *body, size_t len, int flags, struct aml_resp *r);
/* Every page of a list (GET url, then each nextLink, given apiver when
 * it has none): each item of "value" to fn (0 to go on, else the exit
 * status).  A nextLink back to a page already read, or more than
 * AML_ARM_MAX_PAGES pages, fail with one line: the list would never
 * end.  0, or the exit status. */
#define AML_ARM_MAX_PAGES 1000
typedef int aml_arm_item_fn(void *arg, const struct aml_jdoc *d, uint32_t item);
int aml_arm_pages(const struct aml_rsrc *rs, const char *url, const char *apiver,
    aml_arm_item_fn *fn, void *arg);
/* Parse an answer that must be a JSON object; 1 after an error line
 * ("METHOD /path: the answer is not JSON: ..."). */
int aml_arm_answer(const char *method, const char *url, const struct aml_resp *r,
    struct aml_jdoc *d);

/* RFC 3339 date-time (up to 7 fractional digits, Z or an offset) as
 * 100-ns ticks since the epoch; -1 when it is not one. */
int aml_rfc3339(const char *s, int64_t *ticks);

/* The web services (Microsoft.MachineLearning/webServices), for the
 * programs that mirror Az.MachineLearning's cmdlets (aml-get-ws,
 * aml-update-ws, aml-new-ws, aml-rm-ws, aml-ws-keys, aml-add-region):
 * naming a service (-g and -n, or --id), the subscription, api-version
 * and URLs. */
#define AML_WS_APIVER "2017-01-01"
#define AML_WS_APIVER_PREVIEW "2016-05-01-preview"
#define AML_WS_PROVIDER "Microsoft.MachineLearning/webServices"

struct aml_ws {
	struct aml_rsrc rs;		/* rs.sub: NULL until aml_ws_setup */
	const char *group, *name;
	const char *apiver;		/* AML_WS_APIVER unless --api-version */
	const char *subarg;		/* -s, or --id's */
	char *idbuf;			/* --id, split in place */
	int subgiven;			/* -s or --id named the subscription */
};

/* Options every webServices program takes; the program adds its own
 * letters and names, and passes what it does not know to aml_ws_opt. */
#define AML_WS_SHORTOPTS "g:n:i:s:" AML_NET_SHORTOPTS
#define AML_WS_LONGOPTS \
	{ "resource-group", required_argument, NULL, 'g' }, \
	{ "name", required_argument, NULL, 'n' }, \
	{ "id", required_argument, NULL, 'i' }, \
	{ "subscription", required_argument, NULL, 's' }, \
	{ "api-version", required_argument, NULL, AML_OPT_API_VERSION }, \
	AML_NET_LONGOPTS
/* The usage lines of those options, for the programs' --help. */
void aml_ws_help(FILE *fp);

void aml_ws_init(struct aml_ws *ws);
void aml_ws_free(struct aml_ws *ws);
/* One option: 1 taken, 0 not one of the common ones, -1 a bad value
 * (the error line is printed; show usage and exit 2). */
int aml_ws_opt(struct aml_ws *ws, int c, const char *arg);
#define AML_WS_ONE 1		/* a service must be named */
#define AML_WS_LIST 2		/* or a resource group, or nothing (a list) */
/* After the options: 0, AML_EXIT_USAGE (error printed; show usage), or
 * AML_EXIT_AUTH (not signed in, or no subscription anywhere). */
int aml_ws_setup(struct aml_ws *ws, int flags);
/* 0 when name may be a web service's (1 to 260 characters, none of
 * <>*%&:?+/\\ or controls, no final space); else -1 and *why. */
int aml_ws_name_ok(const char *name, const char **why);
/* The service's URL (the group's or subscription's list without a name)
 * with suffix ("/listKeys", or "") and api-version, then query ("a=b",
 * encoded by the caller, or NULL); malloc'd. */
char *aml_ws_url(const struct aml_ws *ws, const char *suffix, const char *query);

/*
 * lro.c: the long-running operations of PUT, PATCH, DELETE and
 * CreateRegionalBlob.  Polls Azure-AsyncOperation (Location only when it
 * is the only one) until Succeeded, Failed or Canceled, honouring
 * Retry-After, else every AML_POLL_MS (default 1000) doubling up to five
 * times that (a Retry-After is kept to 600 s, the most the spec lets an
 * operation ask); gives up at -m (default one hour) saying the
 * operation may still complete and how to check.  On a terminal, a
 * progress line with percentComplete on stderr.
 */
/* The one progress line of a program waiting on a terminal: "prog: ..."
 * rewritten in place; nothing when stderr is not a terminal, or with -q
 * or -v.  Clear it before any other message. */
void aml_progress(const char *fmt, ...) AML_PRINTF(1, 2);
void aml_progress_clear(void);
/* Send method url (body, len), then wait for the operation (0 when it
 * succeeded, else the exit status after one error line), or with
 * nowait print {"status":N,"operation":URL,"response":FIRST-BODY} onto
 * out (2-space JSON, one line with -c), so that a script can poll later. */
int aml_lro_run(const struct aml_rsrc *rs, const char *method, const char *url, const char *body,
    size_t len, const char *doing, int nowait, struct aml_wbuf *out);
/* The same with flags: AML_LRO_STATE, for resources that say their own
 * state (Azure Machine Learning's): an answer without an operation to
 * follow whose body's properties.provisioningState is not Succeeded,
 * Failed or Canceled (a PUT that updates: 200, "Updating") is followed
 * by GETs of url until it is; Failed and Canceled report the error the
 * resource carries.  A Location poll answered with a 4xx and an error
 * envelope is the operation's failure, for either. */
#define AML_LRO_STATE 1
int aml_lro_run_flags(const struct aml_rsrc *rs, const char *method, const char *url,
    const char *body, size_t len, const char *doing, int flags, int nowait, struct aml_wbuf *out);

/*
 * ml.c: Azure Machine Learning (Microsoft.MachineLearningServices), for
 * the programs of its online endpoints, deployments, model versions and
 * jobs: a workspace by resource group and name (-g, -w), an endpoint
 * (-e) and a deployment (-d) in it, the subscription (-s) and the
 * api-version (--api-version, long only).
 */
#define AML_ML_APIVER "2024-04-01"
#define AML_ML_RESOURCE "https://ml.azure.com"	/* the data plane's token audience */

struct aml_ml {
	struct aml_rsrc rs;	/* label "EP/D", "EP" or "WS"; check: how to look */
	const char *subarg, *group, *ws, *ep, *dep;
	const char *apiver;
};

/* The options every program of a workspace takes, with every network
 * program's (AML_NET_SHORTOPTS), and the endpoint and deployment ones;
 * a program's own long-only options take codes from AML_OPT_OWN on. */
#define AML_ML_SHORTOPTS "s:g:w:" AML_NET_SHORTOPTS
#define AML_ML_LONGOPTS \
	{ "subscription", required_argument, NULL, 's' }, \
	{ "resource-group", required_argument, NULL, 'g' }, \
	{ "workspace", required_argument, NULL, 'w' }, \
	{ "api-version", required_argument, NULL, AML_OPT_API_VERSION }, \
	AML_NET_LONGOPTS
#define AML_ML_EP_LONGOPT { "endpoint", required_argument, NULL, 'e' }
#define AML_ML_DEP_LONGOPT { "deployment", required_argument, NULL, 'd' }
/* Their --help lines, ending with aml_net_help's. */
void aml_ml_help(FILE *fp);

void aml_ml_init(struct aml_ml *ml);
void aml_ml_free(struct aml_ml *ml);
/* One option: 1 taken, 0 not one of these, -1 a bad value (its error
 * line printed; show usage and exit 2). */
int aml_ml_opt(struct aml_ml *ml, int c, const char *arg);
#define AML_ML_EP 1		/* an endpoint must be named */
#define AML_ML_DEP 2		/* and a deployment */
/* After the options: 0; AML_EXIT_USAGE after "-e is required" (show
 * usage); AML_EXIT_AUTH (no subscription anywhere, not signed in). */
int aml_ml_setup(struct aml_ml *ml, int need);
/* rs.check: "PROG [-s S] -g G -w W [-e E] [-d D]MORE", quoted for sh. */
void aml_ml_check(struct aml_ml *ml, const char *prog, const char *more);
/* .../workspaces/WS/SEGS...SUFFIX?api-version=V[&QUERY]; malloc'd.  The
 * endpoint's, and the deployment's (the endpoint's list without -d). */
char *aml_ml_url(const struct aml_ml *ml, const char *const *segs, const char *suffix,
    const char *query);
char *aml_ml_ep_url(const struct aml_ml *ml, const char *suffix);
char *aml_ml_dep_url(const struct aml_ml *ml, const char *suffix);
/* The deployment's resource id, as the service writes it in "id"
 * (/subscriptions/S/resourceGroups/G/providers/.../deployments/D);
 * malloc'd. */
char *aml_ml_dep_id(const struct aml_ml *ml);
/* GET url, its answer (a JSON object) onto d: 0, or the exit status after
 * the error line (none with AML_HTTP_QUIET: r says what came).  r and d
 * are to be freed either way. */
int aml_ml_get(const struct aml_ml *ml, const char *url, int flags, struct aml_resp *r,
    struct aml_jdoc *d);
/* GET url where a 404 is an answer: 0 and d when it is there,
 * AML_ML_ABSENT when it is not, else the exit status after the error
 * line.  r is to be freed either way (it holds the 404's answer). */
#define AML_ML_ABSENT (-1)
int aml_ml_lookup(const struct aml_ml *ml, const char *url, struct aml_resp *r, struct aml_jdoc *d);
/* A deployment definition from path (NULL or "-": stdin), checked as
 * aml-import-deployment checks it but for location (every problem
 * reported; the program exits 1 on an error), in its canonical form. */
cJSON *aml_ml_deployment_read(const char *path);
char *aml_ml_doc_model(const struct aml_jdoc *d);	/* properties.model, malloc'd, or NULL */
/* Two spellings of a region the same ("South Central US", "southcentralus")? */
int aml_ml_same_location(const char *a, const char *b);
/* The names a PUT takes (^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$): 0, or -1
 * after "OPT NAME: ..." (a usage error). */
int aml_ml_name_ok(const char *opt, const char *name);
/* The value i of d, a single object (AML_JW_ONE: 2-space indented, one
 * line with -c), and a newline, onto stdout or written atomically to
 * outpath (mode 0644, or 0600 for what holds a secret, wiped once
 * written): 0, or 1 after the error. */
int aml_ml_print(const struct aml_jdoc *d, uint32_t i, const char *outpath, int mode, int force);
/* The answer to a request that changes something (a PUT of a job or a
 * model version) onto d: 0, or 1 after a line that says it may have
 * taken effect all the same, and how to look (rs.check). */
int aml_ml_answer(const struct aml_ml *ml, const char *method, const char *url,
    const struct aml_resp *r, struct aml_jdoc *d);
/* -o FILE, looked at before anything is sent, so that a program that
 * changes something does not do so only to fail at writing what it did:
 * 0, or -1 after aml_out_open's error line (it exists, without force). */
int aml_ml_out_check(const char *path, int force);
/* A tracked resource as a GET gave it, made a PUT body: id, name, type,
 * systemData, properties.provisioningState, scoringUri, swaggerUri and
 * keys, and the identities' principal, tenant and client ids dropped. */
void aml_ml_strip(cJSON *res);

/*
 * studio.c: the Studio (classic) services' programs: aml-retrain,
 * aml-score and the endpoint programs.  Keys and workspace tokens come
 * from aml_secret_get, never from argv.
 */
/* A service's base URL (its ApiLocation) from that or a request URL of
 * it; NULL and why. */
char *aml_studio_base(const char *url, const char **why);
/* aml_http with "Authorization: Bearer key"; the error line names the
 * class, the specific code and its message from "details". */
int aml_studio_http(const char *key, struct aml_req *q, struct aml_resp *r);
char *aml_studio_errline(const struct aml_req *q, const struct aml_resp *r);
time_t aml_iso_time(const char *s);	/* ISO 8601 UTC as SAS tokens have it; -1 */
int aml_sas_expiry(const char *sas, time_t *se);	/* its se; -1 if none */
/* An endpoint as printed: no keys, no SAS. */
void aml_endpoint_strip(cJSON *ep);
int aml_endpoint_name_check(const char *name, const char **why);

/* A workspace, web service and endpoint of the management API, with
 * the workspace token or endpoint key (AML_WORKSPACE_TOKEN, then
 * AML_API_KEY): from an endpoint URL, or from the ids (AML_WORKSPACE_ID,
 * AML_WEBSERVICE_ID) and the region.  0, or the exit status after the
 * error line. */
struct aml_classic {
	char *base, *ws, *svc, *name, *key;
};
int aml_classic_setup(struct aml_classic *c, const char *epurl, const char *ws,
    const char *svc, const char *name, const char *region, const char *keyfile);
void aml_classic_free(struct aml_classic *c);
/* What a request of the management API is about: the workspace's web
 * services, the web service, its endpoints, or the endpoint. */
enum {
	AML_AT_SERVICES, AML_AT_SERVICE, AML_AT_ENDPOINTS, AML_AT_ENDPOINT
};
char *aml_classic_url(const struct aml_classic *c, int depth);
/* A request; *out the parsed answer (NULL when empty); 0 or exit status. */
int aml_classic_call(const struct aml_classic *c, const char *method, int depth,
    const char *body, int flags, cJSON **out, struct aml_resp *r);
int aml_save_key(const char *path, const char *key, int force);	/* 0600, atomic */

/*
 * plan.c: commitment plans (Microsoft.MachineLearning/commitmentPlans,
 * api-version 2016-05-01-preview), the billing plans of Studio (classic)
 * "new" web services, for the programs that mirror Az.MachineLearning's
 * plan cmdlets (aml-get-plan, aml-new-plan, aml-update-plan, aml-rm-plan,
 * aml-plan-usage, aml-get-association, aml-move-association) and for
 * aml-new-ws --plan.  Wire facts: notes/commitment-plans.md.
 */

#define AML_PLAN_APIVER "2016-05-01-preview"
#define AML_PLAN_PROVIDER "Microsoft.MachineLearning/commitmentPlans"
#define AML_PLAN_ASSOCS "commitmentAssociations"

/* The plan programs' own long-only options (--api-version is the
 * toolkit's AML_OPT_API_VERSION). */
enum {
	AML_PLAN_OPT_PLAN = AML_OPT_OWN,
	AML_PLAN_OPT_SKU,
	AML_PLAN_OPT_TIER,
	AML_PLAN_OPT_CAPACITY,
	AML_PLAN_OPT_TAG,
	AML_PLAN_OPT_TO
};

/* A plan, or in the association programs (assoc set) an association:
 * -n names the program's own object, --plan the plan it belongs to. */
struct aml_plan {
	struct aml_rsrc rs;		/* rs.sub: NULL until aml_plan_setup */
	const char *group, *name;	/* the plan */
	const char *assoc;		/* the association (association programs) */
	const char *apiver;
	const char *subarg;		/* -s, or --id's */
	const char *planarg;		/* --plan: a name, or a plan's id */
	const char *plansub;		/* the subscription of --plan's id */
	int assocmode;			/* -n is an association's name */
	int subgiven;
	char *idbuf, *planbuf;		/* --id and --plan, split in place */
	const char *check;		/* the program that looks again */
};

/* Options every plan program takes, with every network program's. */
#define AML_PLAN_SHORTOPTS "g:n:i:s:" AML_NET_SHORTOPTS
#define AML_PLAN_LONGOPTS \
	{ "resource-group", required_argument, NULL, 'g' }, \
	{ "name", required_argument, NULL, 'n' }, \
	{ "id", required_argument, NULL, 'i' }, \
	{ "subscription", required_argument, NULL, 's' }, \
	{ "api-version", required_argument, NULL, AML_OPT_API_VERSION }, \
	AML_NET_LONGOPTS
/* Their --help lines (assoc: the association programs', with --plan),
 * ending with aml_net_help's. */
void aml_plan_help(FILE *fp, int assoc);

void aml_plan_init(struct aml_plan *p, int assocmode);
void aml_plan_free(struct aml_plan *p);
/* 1 taken, 0 not a common option, -1 a bad value (error printed). */
int aml_plan_opt(struct aml_plan *p, int c, const char *arg);
#define AML_PLAN_ONE 1		/* the object must be named */
#define AML_PLAN_LIST 2		/* or a group, or nothing: the subscription */
#define AML_PLAN_GROUP 4	/* a list needs the group (and the plan) */
/* 0, AML_EXIT_USAGE (error printed; show usage) or AML_EXIT_AUTH. */
int aml_plan_setup(struct aml_plan *p, int flags);
/* The plan's URL (the group's or subscription's list without a name),
 * then each of more (NULL-terminated segments) and suffix; malloc'd. */
char *aml_plan_url(const struct aml_plan *p, const char *const *more, const char *suffix);
/* The association's URL, or the plan's list of them; malloc'd. */
char *aml_assoc_url(const struct aml_plan *p, const char *suffix);
/* A plan's resource id from a name in (sub, group) or an id (checked,
 * its segment names as the provider spells them): malloc'd, or NULL and
 * *why. */
char *aml_plan_ref(const char *arg, const char *sub, const char *group, const char **why);
/* With --table (tb, its header added; NULL without): row adds the
 * row of an item. */
typedef void aml_plan_row_fn(struct aml_table *tb, const struct aml_jdoc *d, uint32_t item);
/* GET url and put the object onto out (AML_JW_ONE), or with tb its row
 * and the table; 0 or the exit status. */
int aml_plan_get(const struct aml_plan *p, const char *url, struct aml_table *tb,
    aml_plan_row_fn *row, struct aml_wbuf *out);
/* Every item of every page onto out, one compact object a line (JSON
 * Lines), or with tb a row each and the table once every page came. */
int aml_plan_list(const struct aml_plan *p, const char *url, struct aml_table *tb,
    aml_plan_row_fn *row, struct aml_wbuf *out);
/* The failure line of a request made with AML_HTTP_QUIET, as
 * aml_arm_call prints it, with "; hint" after it when hint is set. */
void aml_plan_failed(const struct aml_plan *p, const char *method, const char *url,
    const struct aml_resp *r, const char *hint);
/* The error code of an ARM error body, or of its first detail. */
int aml_plan_errcode(const struct aml_resp *r, const char *code);

/* The SKU and tags options of aml-new-plan and aml-update-plan. */
struct aml_plan_sku {
	const char *sku, *tier;
	long capacity;			/* 0: not given */
	cJSON *tags;			/* NULL: no --tag */
};
/* 1 taken, 0 not one of them, -1 a bad value (error printed). */
int aml_plan_sku_opt(struct aml_plan_sku *s, int c, const char *arg);
void aml_plan_sku_free(struct aml_plan_sku *s);

/*
 * endpoint.c: what aml-rm-endpoint and aml-refresh-endpoint share on top
 * of studio.c's management API: their options, and whether an endpoint
 * is its web service's default one.  Wire facts:
 * notes/classic-endpoints.md.
 */

enum { AML_EP_OPT_SERVICE = AML_OPT_OWN, AML_EP_OPT_OVERWRITE };

/* Their options, with every network program's. */
#define AML_EP_SHORTOPTS "w:U:l:k:" AML_NET_SHORTOPTS
#define AML_EP_LONGOPTS \
	{ "workspace", required_argument, NULL, 'w' }, \
	{ "service", required_argument, NULL, AML_EP_OPT_SERVICE }, \
	{ "endpoint-url", required_argument, NULL, 'U' }, \
	{ "location", required_argument, NULL, 'l' }, \
	{ "key-file", required_argument, NULL, 'k' }, \
	AML_NET_LONGOPTS
/* Their --help lines, ending with aml_net_help's. */
void aml_ep_help(FILE *fp);

struct aml_ep_args {
	const char *ws, *svc, *epurl, *region, *keyfile;
};
/* 1 taken, 0 not one of them, -1 a bad value (error printed). */
int aml_ep_opt(struct aml_ep_args *a, int c, const char *arg);
/* The endpoint named by the operand (argc 1) or -U (argc 0):
 * aml_classic_setup's result. */
int aml_ep_setup(struct aml_classic *c, const struct aml_ep_args *a, int argc, char **argv);

/* Whether c's endpoint is the default one of its web service
 * (DefaultEndpointName): 1 yes, and *others the other endpoints' names,
 * malloc'd ("" for none); 0 no; -1 unknown, because the key is an
 * endpoint's own, which does not read the web service.  *rc: 0, or the
 * exit status after an error line (the result is then 0 or 1). */
int aml_ep_is_default(const struct aml_classic *c, char **others, int *rc);
/* The line for a request to the endpoint's URL + suffix that failed
 * (made with AML_HTTP_QUIET). */
void aml_ep_failed(const struct aml_req *q, const struct aml_resp *r);

#endif
