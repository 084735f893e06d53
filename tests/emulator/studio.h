/* SPDX-License-Identifier: MIT */
/*
 * studio.h: what the Machine Learning Studio (classic) side of
 * aml-emulator shares, following notes/retrain-apis.md.
 *
 *   studio.c   settings (/_emu/studio), error shapes, the workspace, its
 *              web services and endpoints, keys, the exported files
 *   blob.c     a Blob service: containers, block blobs, SAS checks
 *   train.c    CSV, least squares and logistic regression, .ilearner
 *   bes.c      the Batch Execution Service: jobs that train or score
 *   rrs.c      the Request-Response Service: execute, swagger.json
 *   classic.c  the management API (management.azureml.net shape)
 *
 * Everything lives in the one state tree, under "studio" and "blob";
 * handlers hold emu_lock() while they read or change it.  Members of
 * web services and endpoints whose names start with a capital letter
 * are what the service shows; lower-case ones are the emulator's own.
 */
#ifndef STUDIO_H
#define STUDIO_H

#include "emu.h"

/* ---- settings (studio.c, POST /_emu/studio) ------------------------- */
struct studio_cfg {
	long job_ms;		/* how long a BES job runs once started */
	int status_int;		/* StatusCode as 0..4 instead of names */
	long sas_ttl;		/* seconds a SAS in BES Results stays valid */
	long switch_ms;		/* endpoint PATCH to the new model in use */
	long endpoint_limit;	/* endpoints per web service, default included */
};
extern struct studio_cfg studio_cfg;

#define STUDIO_ACCOUNT "amlemustore"	/* the seeded storage account */
/* What BES Results carry (notes/retrain-apis.md §1.4). */
#define STUDIO_SAS_VERSION "2013-08-15"

/* The census rows the seeded models are trained on (studio.c). */
extern const char studio_seed_csv[];
extern const size_t studio_seed_csv_len;

/* ---- error shapes (studio.c) ---------------------------------------- */
/* The execution API (BES, RRS): {"error":{"code": class, "message":
 * the class's text, "details":[{"code","message"}]}} after the table of
 * web-service-error-codes.md.  The management API: {"error":{"code",
 * "message"}}.  The Blob service: its XML <Error>. */
extern const struct emu_family studio_fam_exec, studio_fam_mgmt, studio_fam_blob;
/* code is a detail code of the table (its class and HTTP status follow)
 * or a class; the message is printf-formatted. */
void studio_error(struct emu_req *r, const char *code, const char *fmt, ...)
    AML_PRINTF(3, 4);
void studio_mgmt_error(struct emu_req *r, int status, const char *code,
    const char *fmt, ...) AML_PRINTF(4, 5);
void studio_headers(struct emu_req *r);	/* x-ms-request-id and friends */

/* ---- the workspace (studio.c) --------------------------------------- */
cJSON *studio_state(void);		/* the "studio" member */
cJSON *studio_workspace(const char *wsid);	/* any case; NULL if unknown */
cJSON *studio_service(cJSON *ws, const char *svcid);
cJSON *studio_endpoint(cJSON *svc, const char *name);
/* The endpoint whose ApiLocation ends in /workspaces/{ws}/services/{api},
 * with its web service in *svc. */
cJSON *studio_endpoint_by_api(const char *wsid, const char *api, cJSON **svc);
/* 1 when the bearer token of the request is one of the endpoint's keys. */
int studio_key_ok(struct emu_req *r, const cJSON *ep);
const char *studio_bearer(struct emu_req *r);
/* Apply an endpoint's pending resource switch when it is due. */
void studio_settle(cJSON *ep);
cJSON *studio_new_endpoint(cJSON *ws, cJSON *svc, const char *name);
char *studio_key(void);			/* a new 88-character API key */

/* The model an execution target uses now: the classic endpoint's
 * resource, or the trained-model asset of a new (Resource Manager) web
 * service.  NULL with the reason in why. */
struct studio_model;
struct studio_target {
	cJSON *svc, *ep;	/* classic */
	const char *armsvc;	/* new web service: its svcid */
	const char *wsid;
};
struct studio_model *studio_target_model(const struct studio_target *t, char **why);
/* The training set-up of a training web service, else NULL. */
const cJSON *studio_training(const struct studio_target *t);
/* Every execution API handler starts here: api-version=2.0 (required
 * with STUDIO_VERSION), the target from the path (/workspaces/{ws}/
 * services/{api} or /subscriptions/{sub}/services/{svcid}), and its key
 * as the bearer (unless STUDIO_NOAUTH).  0, or -1 with the error
 * answered.  Under the lock. */
#define STUDIO_VERSION 1
#define STUDIO_NOAUTH 2
int studio_exec_begin(struct emu_req *r, struct studio_target *t, int flags);
/* 1 and the Details text when an injected failure is due (/_emu/studio/fail). */
int studio_take_failure(char **why);

/* ---- blobs (blob.c) ------------------------------------------------- */
/* Blobs are addressed by account, container and name; their URLs are
 * {base}/blob/{account}/{container}/{name}. */
void blob_seed(cJSON *state);
/* A container more in an account (made if need be); under the lock. */
void blob_add_container(const char *account, const char *container);
int blob_get(const char *account, const char *container, const char *name,
    unsigned char **data, size_t *len);	/* 0, or -1 when absent */
int blob_container_exists(const char *account, const char *container);
void blob_put(const char *account, const char *container, const char *name,
    const void *data, size_t len, const char *ctype);
/* Split a blob URL of this emulator; -1 when it is not one. */
int blob_split_url(const char *url, char **account, char **container, char **name);
/* The account URL with its trailing slash (a BaseLocation). */
char *blob_account_url(const char *account);
/* A secret into a 0600 file of the emulator's directory, and the line
 * exporting var as the file's name (never the secret). */
void studio_secret_file(struct aml_wbuf *w, const char *var, const char *file, const char *value);
/* A service SAS (query string with the leading '?') for a blob, or for
 * the container when name is NULL. */
char *blob_sas(const char *account, const char *container, const char *name,
    const char *perms, time_t start, time_t expiry, const char *version);
/* Check a SAS query (with or without '?') for an operation needing
 * permission perm on the blob (name) or container (name NULL).  0, or -1
 * with the Blob service's error code, message and detail (malloc'd). */
int blob_sas_check(const char *account, const char *container, const char *name,
    const char *query, char perm, int *status, char **code, char **detail);
/* A connection string: DefaultEndpointsProtocol, AccountName, AccountKey,
 * BlobEndpoint, EndpointSuffix.  0 with the account; -1 with why (bad
 * syntax: *auth 0; a key the account does not have: *auth 1). */
int blob_conn_check(const char *cs, char **account, int *auth, char **why);
const char *blob_account_key(const char *account);

/* ---- training and scoring (train.c) --------------------------------- */
struct studio_csv {
	char **names;
	size_t ncol, nrow;
	char ***rows;		/* rows[i][j] */
};
int studio_csv_parse(const char *text, size_t len, struct studio_csv *c, char **why);
void studio_csv_free(struct studio_csv *c);

/* Fit a model of the label column on the numeric columns; the .ilearner
 * text (JSON of our own format) or NULL with the reason. */
char *train_fit(const struct studio_csv *c, const char *label, const char *source,
    const unsigned char *raw, size_t rawlen, char **why);
/* Evaluation of a model on a data set, as a CSV (Evaluate Model). */
char *train_evaluate(const struct studio_model *m, const struct studio_csv *c, char **why);
struct studio_model *model_load(const unsigned char *data, size_t len, char **why);
void model_free(struct studio_model *m);
size_t model_nfeatures(const struct studio_model *m);
const char *model_feature(const struct studio_model *m, size_t i);
const char *model_label(const struct studio_model *m);
int model_classifier(const struct studio_model *m);
/* Score one row: x holds the features in model order.  The label (a
 * class name, or a number as text) into label, and for a classifier the
 * probability of the positive class into *p. */
void model_score(const struct studio_model *m, const double *x, char *label,
    size_t lsize, double *p);
/* Batch scoring: the input CSV with the score columns appended. */
char *model_score_csv(const struct studio_model *m, const struct studio_csv *c, char **why);
int studio_number(const char *s, double *v);	/* a finite number, all of s */
void studio_fmt(char *buf, size_t n, double v);	/* shortest text that reads back */

#endif
