/* SPDX-License-Identifier: MIT */
/*
 * emu.h: what the files of aml-emulator share.
 *
 *   main.c     options, files, the socket, --daemon, the export lines
 *   identity.c the identity (tenant, applications, keys), the configuration
 *   server.c   libmicrohttpd (thread pool): requests in, answers out
 *   route.c    routing, request facts, answers, faults, dispatch (no HTTP
 *              library: the fuzz target drives it with bytes)
 *   reqlog.c   the request log behind /_emu/requests, secrets masked
 *   fault.c    fault injection rules (/_emu/faults)
 *   store.c    the state: one cJSON tree, one mutex, --state load/save
 *   crypto.c   random ids, base64, keys, certificates, JWT sign/verify
 *   entra.c    Entra ID token endpoints, device code, IMDS, App Service
 *   arm.c      Resource Manager: subscriptions, webServices
 *   lro.c      long-running operations (operationsStatus/operationresults)
 *   plans.c    commitment plans and their associations with web services
 *   control.c  /_emu/: health, log, faults, reset, config, devices
 *   hold.c     /_emu/holds: keep jobs and operations in progress
 *   ml*.c      Azure Machine Learning (Microsoft.MachineLearningServices),
 *              see ml.h
 *
 * Adding a service (a blob store, BES, RRS, the classic management API)
 * is a new file that defines a struct emu_module with its routes and
 * registers it with EMU_MODULE(); nothing else needs to change.
 */
#ifndef EMU_H
#define EMU_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include <cJSON.h>

#include "amlnet.h"

struct emu_req;

/* ---- modules and routes (route.c) ----------------------------------- */

/* Errors have one shape per family of paths: ARM's {"error":{...}},
 * Entra's {"error":"...","error_description":"AADSTS..."}, and so on.
 * Fault injection and unknown methods use the family's writer. */
struct emu_family {
	const char *name;
	void (*error)(struct emu_req *r, int status, const char *code,
	    const char *message);
};
extern const struct emu_family emu_fam_arm, emu_fam_entra, emu_fam_plain;

/* A route pattern is a path of '/'-separated segments matched without
 * regard to case: a literal, "*" (any one segment, captured into
 * r->seg[]), or a final "**" (the rest of the path, captured whole).
 * The most specific match wins (more literal segments, then fewer
 * wildcards); a path that matches with another method gets 405. */
typedef void emu_handler(struct emu_req *r);
struct emu_route {
	const char *method;	/* "GET", "POST", ... or "*" */
	const char *pattern;	/* "/subscriptions/ * /resourceGroups/..." */
	emu_handler *fn;
	const struct emu_family *family;
};

struct emu_module {
	const char *name;
	const struct emu_route *routes;
	size_t nroutes;
	/* Fill this module's part of a fresh state (under the lock); called
	 * at start unless --state loaded one, and by POST /_emu/reset. */
	void (*seed)(cJSON *state);
	/* Drop runtime data that is not in the state (under the lock):
	 * called by POST /_emu/reset after the state is re-seeded. */
	void (*reset)(void);
	/* Once, when the state is ready and before the first request:
	 * register hooks (emu_on_model_change), make files. */
	void (*init)(void);
	/* Extra `export NAME='value'` lines, after the common ones. */
	void (*exports)(struct aml_wbuf *w);
	/* At exit, free what the module holds. */
	void (*fini)(void);
	struct emu_module *next;
};
void emu_module_register(struct emu_module *m);
/* One `export NAME='value'` line for --daemon's output, quoted for sh. */
void emu_export(struct aml_wbuf *w, const char *name, const char *value);
extern struct emu_module *emu_modules;
#define EMU_MODULE(m) \
	static void __attribute__((constructor)) m##_register(void) \
	{ emu_module_register(&m); }

/* The server itself: routes are compiled once all modules registered;
 * the daemon serves the listening socket fd (TLS when key is given). */
#define EMU_THREADS 8
void emu_routes_init(void);
void emu_routes_fini(void);
int emu_server_start(int fd, const char *tls_key, const char *tls_cert);
void emu_server_stop(void);

/* ---- one request and its answer (route.c) --------------------------- */

#define EMU_MAXSEG 8
struct emu_req {
	void *conn;		/* struct MHD_Connection *, or NULL */
	char **reqhdr;		/* request headers: name, value, ... as received */
	size_t nreqhdr;
	int loopback;		/* the peer is on loopback */
	char *uri;		/* as received: path and query, still encoded */
	char *path;		/* the path part of uri, still encoded */
	const char *query;	/* after '?' in uri, or "" */
	const char *method;
	char *body;		/* NUL-terminated */
	size_t bodylen;
	char *seg[EMU_MAXSEG];	/* captures, percent-decoded */
	int nseg;
	const struct emu_route *route;
	const struct emu_family *family;
	char reqid[37];		/* x-ms-request-id of the answer */
	char corrid[37];	/* x-ms-correlation-request-id */

	/* The answer, built by the handler. */
	int status;
	struct aml_wbuf out;
	char *ctype;
	char **hdr;		/* name, value, name, value, ... */
	size_t nhdr;
	int nolog;		/* /_emu/ itself is not logged */
	struct emu_fault *fault;	/* the fault that matched, if any */
	/* 1 when the client has gone away (closed its side); set by
	 * server.c, NULL where there is no connection (the fuzz target). */
	int (*gone)(void *conn);
	/* internal to server.c and route.c */
	int stage;
	size_t bodycap;
	int toolarge;
	int64_t t0;
};

/* A request: new from its URI as received, headers added in order, a
 * body (malloc'd, NUL-terminated) set; dispatched to its route, which
 * writes the answer into it; freed once the answer is sent. */
struct emu_req *emu_req_new(const char *uri, const char *method);
void emu_req_header(struct emu_req *r, const char *name, const char *value);
void emu_dispatch(struct emu_req *r);
void emu_req_free(struct emu_req *r);

/* Request facts.  Header lookup is case-insensitive; query and form
 * values are percent-decoded (aml_urldec; '+' is a space, as ASP.NET has
 * it) and returned malloc'd, or NULL when absent. */
const char *emu_header(struct emu_req *r, const char *name);
char *emu_query(struct emu_req *r, const char *name);
char *emu_form(const char *body, const char *name);
int emu_peer_loopback(struct emu_req *r);
/* The control API (/_emu/): 1 for a loopback peer, else 0 after a 403;
 * the request body as JSON ({} when empty), or NULL after a 400 that
 * gives the line and column. */
int emu_control_local(struct emu_req *r);
cJSON *emu_control_body(struct emu_req *r);

/* Answers.  emu_answer_json writes compact JSON; emu_answer_pretty the
 * 2-space Newtonsoft indentation with CRLF line ends that the ARM
 * resource provider sends.  The common ARM/Entra headers are added by
 * emu_arm_headers / emu_entra_headers. */
void emu_set_header(struct emu_req *r, const char *name, const char *value);
void emu_answer(struct emu_req *r, int status, const char *ctype,
    const char *body, size_t len);
void emu_answer_json(struct emu_req *r, int status, const cJSON *j);
void emu_answer_pretty(struct emu_req *r, int status, const cJSON *j);
void emu_answer_error(struct emu_req *r, int status, const char *code,
    const char *message);	/* in the request's family */

/* ---- the request log (reqlog.c) ------------------------------------- */
void emu_log_add(struct emu_req *r, int status, const char *time);
char *emu_log_mask_uri(const char *uri);	/* secrets in the query masked */
char *emu_log_json(void);	/* malloc'd JSON array */
void emu_log_clear(void);
void emu_log_fini(void);

/* ---- faults (fault.c) ---------------------------------------------- */
enum { EMU_DROP_NONE, EMU_DROP_BEFORE, EMU_DROP_AFTER };
struct emu_fault {
	long id;
	char *method;		/* "*" or a method */
	char *path;		/* fnmatch(3) glob, case-insensitive */
	long count;		/* answers left */
	int status;		/* 0: none */
	char *code, *message;
	long retry_after;	/* -1: none */
	long delay_ms;
	int drop;
	int truncate;
	int notjson;
	int carried_out;	/* the request is carried out, its 2xx answer replaced */
	char *lro;		/* "Failed", "Canceled" or NULL */
	int lro_location_only;	/* the operation names only Location */
	long lro_retry_after;	/* -1, or its polls say Retry-After */
	int expire_token;
	char *body;		/* the answer's body (JSON), or NULL */
	char **headers;		/* name, value, ...: added to the answer */
	size_t nheaders;
	struct emu_fault *next;
};
/* The fault for this request (a copy the caller frees with
 * emu_fault_free), consuming one of its count.  Kinds that only some
 * requests can use (lro, expireToken) are taken by emu_fault_take. */
struct emu_fault *emu_fault_match(const char *method, const char *path);
enum { EMU_TAKE_LRO = 1, EMU_TAKE_EXPIRE = 2 };
struct emu_fault *emu_fault_take(const char *method, const char *path, int kind);
void emu_fault_free(struct emu_fault *f);
long emu_fault_add(const cJSON *spec, char **why);
char *emu_fault_list(void);
void emu_fault_clear(void);

/* ---- holds (hold.c) ------------------------------------------------- */
/* A module registers the kinds of thing it lets tests hold (a static
 * string, at init), then asks, under the state lock, whether one of
 * them is held by name: while it is, the thing stays in progress. */
void emu_hold_kind(const char *what);
int emu_held(const char *what, const char *name);
void emu_hold_clear(void);

/* ---- the state (store.c) -------------------------------------------- */
/* One tree, one mutex.  Top-level members: "identity" (generated once:
 * tenant, subscription, apps, keys; never reset), and one member per
 * module ("entra", "arm", ...).  Handlers take the lock, read or change
 * the tree, call emu_changed() after a change, and unlock. */
extern cJSON *emu_state;
void emu_lock(void);
void emu_unlock(void);
void emu_changed(void);		/* save (with --state) before unlocking */
int emu_state_load(const char *path, char **why);
void emu_state_seed(void);	/* re-seed every module (keeps identity) */
void emu_state_rebase(const char *base);	/* URLs moved to this base URL */
void emu_state_save_now(void);
void emu_state_fini(void);
cJSON *emu_obj(cJSON *parent, const char *key);	/* get or add an object */
const char *emu_id(const char *key);	/* identity string, or "" */

/* Configuration that POST /_emu/config may change (read under the lock
 * or as a plain word: they are only ever set whole). */
struct emu_config {
	long lro_ms;
	long page_size;
	long token_lifetime;	/* seconds */
	long clock_skew;	/* seconds added to the real clock */
	long clock_stopped;	/* 1: the clock stands at clock_stop_at */
	int64_t clock_stop_at;	/* the real clock when it stopped (100 ns) */
	long device_interval;
	long device_expires_in;
	long federated_lifetime;
	int verbose;
	int tls;
};
extern struct emu_config emu_cfg, emu_config_initial;
/* identity.c: a new identity (tenant, subscription, applications,
 * keys) as the state's "identity" member, in a new emu_state. */
void emu_identity_make(void);
extern char *emu_base;		/* "http://127.0.0.1:PORT" */
extern char *emu_dir;		/* where key and certificate files live */

/* ---- time and ids (crypto.c) ---------------------------------------- */
int64_t emu_now_ms(void);	/* the emulator's clock (with clockSkew) */
int64_t emu_now_100ns(void);
void emu_clock_stop(int stop);	/* under the lock: stop it now, or run again */
time_t emu_now(void);
void emu_time_dotnet(char *buf, size_t n, int64_t t100ns);	/* 7 digits, zeros trimmed */
void emu_time_rfc3339ms(char *buf, size_t n, int64_t ms);
void emu_time_http(char *buf, size_t n, time_t t);
void emu_time_aad(char *buf, size_t n, time_t t);	/* "2016-01-09 02:02:12Z" */
void emu_guid(char out[37]);
void emu_random(void *p, size_t n);
char *emu_random_b64(size_t nbytes);	/* standard base64 */
char *emu_random_token(size_t nbytes);	/* base64url, no padding */
void emu_hex(char *out, const unsigned char *p, size_t n, int upper);
char *emu_b64(const void *p, size_t n, int url);
unsigned char *emu_unb64(const char *s, size_t n, int url, size_t *outlen);
void emu_lower(char *s);

/* ---- keys, certificates, JWT (crypto.c) ----------------------------- */
/* Keys are PEM text in the identity; EVP_PKEY handles are cached. */
char *emu_rsa_keygen(void);		/* PKCS#8 PEM */
char *emu_cert_selfsigned(const char *key_pem, const char *cn, int days);
int emu_tls_make(const char *dir, const char *address, char **ca_path, char **key_pem,
    char **cert_pem);
char *emu_pubkey_pem(const char *key_pem);	/* SPKI */
char *emu_cert_thumb(const char *cert_pem, int sha256, int url);	/* base64url or hex */
int emu_cert_dates(const char *cert_pem, time_t *not_before, time_t *not_after);
int emu_write_pfx(const char *path, const char *key_pem, const char *cert_pem,
    const char *password);
int emu_write_file(const char *path, const char *data, size_t n, int mode);
int emu_jwk_ne(const char *pub_pem, char **n, char **e);
char *emu_cert_der_b64(const char *cert_pem);

/* Sign claims (a JSON object) with RS256 under the given key; kid/x5t
 * header set to x5t when not NULL.  Returns a malloc'd compact JWT. */
char *emu_jwt_sign(const char *key_pem, const char *x5t, const cJSON *claims);
enum {
	EMU_JWT_OK, EMU_JWT_MALFORMED, EMU_JWT_ALG, EMU_JWT_BADSIG
};
/* Split and decode a JWT (header and payload as cJSON trees the caller
 * frees); verify the signature with pub_pem (SPKI or certificate PEM)
 * unless it is NULL.  RS256 and PS256 are accepted. */
int emu_jwt_decode(const char *tok, const char *pub_pem, cJSON **hdr, cJSON **claims);
void emu_crypto_fini(void);

/* ---- Entra (entra.c) ------------------------------------------------ */
/* Check an ARM bearer token; 0 when good, else the 401 answer has been
 * written. */
int emu_entra_check_bearer(struct emu_req *r);
void emu_device_decide(struct emu_req *r, const char *user_code, int approve);
char *emu_federated_token(const cJSON *opts, char **why);
char *emu_mint_token(const cJSON *claims, char **why);
/* A bearer token of a data plane: one this emulator signed, of its
 * tenant, for resource (with or without the trailing slash), in date.
 * 0, or -1 with why. */
int emu_entra_token_ok(const char *tok, const char *resource, char **why);
/* Register one more certificate for the certificate application (the
 * control API); its description (thumbprints, dates), or NULL and why. */
cJSON *emu_entra_add_cert(const char *cert_pem, char **why);

/* Blob URLs the emulator hands out (the seeded trained model) live
 * under this prefix of the base URL: /blob/{account}/{container}/{name}.
 * A blob store module serves them. */
#define EMU_BLOB_PREFIX "/blob"

/* ---- ARM (arm.c, lro.c) --------------------------------------------- */
void emu_arm_headers(struct emu_req *r);
/* Every ARM handler starts here: the common headers, the bearer token,
 * api-version (one of the set; *apiver gets it), and with sub the
 * subscription in r->seg[0].  0, or -1 when the answer is written. */
enum { EMU_API_ML, EMU_API_ML2017, EMU_API_RESOURCES, EMU_API_PLANS, EMU_API_MLS };
/* EMU_API_MLS: the api-versions of Microsoft.MachineLearningServices the
 * emulator takes (ml.c lists them in its answers and the man page). */
extern const char *const emu_mls_versions[];
int emu_arm_begin(struct emu_req *r, int api, int sub, char **apiver);
/* The resource provider's own errors: Newtonsoft-indented, with details. */
void emu_arm_rp_error(struct emu_req *r, int status, const char *code,
    const char *message, const char *dcode, const char *dmessage);
extern const char emu_seed_service[];
/* For the provider's other resource types, after emu_arm_begin and under
 * the lock: 1 when the resource group (or the name) is refused, with the
 * answer written; a location's index in the provider's regions (-1: not
 * one) and the region name at an index; a list's nextLink for the page
 * at offset (path from /subscriptions, param "skipToken" or the like),
 * and the offset a token of it names (-1: not one). */
int emu_arm_group_missing(struct emu_req *r, const char *group);
int emu_arm_bad_name(struct emu_req *r, const char *name);
int emu_arm_region(const char *location);
const char *emu_arm_region_at(int i);
char *emu_arm_next_link(const char *path, const char *apiver, const char *param, long offset);
long emu_arm_skip_offset(const char *token);
/* Create n more web services in the demo resource group (control API). */
cJSON *emu_arm_add_services(long n);
/* Add a subscription, or change one (control API); under the lock. */
cJSON *emu_arm_subscription(const cJSON *spec, int *created, char **why);
/* The trained-model hook: after an operation that changed a web
 * service's "[trained model]" asset succeeds (PUT, PATCH, or DELETE with
 * uri NULL), every hook is called under the state lock.  svcid is the
 * 32-hex service id of swaggerLocation and the RRS paths. */
struct emu_model_event {
	const char *subscription, *group, *name, *svcid;
	const char *asset;	/* asset key, e.g. "asset3" */
	const char *old_uri, *new_uri;
};
typedef void emu_model_hook(const struct emu_model_event *ev);
void emu_on_model_change(emu_model_hook *fn);
void emu_model_notify(const struct emu_model_event *ev);
/* Under the lock: the trained-model URI a service (by svcid) now uses,
 * or NULL.  Finishes any operation that is due first. */
const char *emu_ws_model_uri(const char *svcid);
/* Under the lock: a service's properties (keys included) by svcid, and
 * the svcid of the service group/name; NULL when there is none. */
cJSON *emu_ws_props(const char *svcid);
const char *emu_ws_svcid(const char *group, const char *name);

/* plans.c, under the lock: can the commitment plan of this ARM id take
 * one more association, of a resource in location?  0, or -1 with the
 * resource provider's detail code and message (malloc'd).  A web service
 * made with a plan is associated with it (name: its svcid; a plan that
 * is not there is ignored), and dissociated when it goes. */
int emu_plan_check(const char *plan_id, const char *location, char **code, char **why);
void emu_plan_associate(const char *plan_id, const char *resource_id, const char *name);
void emu_plan_dissociate(const char *resource_id);

/* lro.c: operations finish lazily, when a request looks (under lock). */
struct emu_lro_done {
	const char *kind;	/* "PUT", "PATCH", "DELETE", "REGION" */
	const char *key;	/* the web service's key in the store */
	const char *status;	/* "Succeeded", "Failed", "Canceled" */
	cJSON *op;		/* the operation record */
};
typedef void emu_lro_apply(const struct emu_lro_done *d);
void emu_lro_set_apply(emu_lro_apply *fn);
cJSON *emu_lro_start(const char *kind, const char *key, const char *location,
    const char *outcome, const char *code, const char *message);
void emu_lro_settle(void);
int emu_lro_busy(const char *key);
void emu_lro_headers(struct emu_req *r, const cJSON *op, const char *apiver, int location);

/* control.c */
void emu_reset_all(void);

#endif
