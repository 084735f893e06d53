/* SPDX-License-Identifier: MIT */
/*
 * ml.h: what the Azure Machine Learning side of aml-emulator shares
 * (Microsoft.MachineLearningServices, notes/aml2-endpoints.md).
 *
 *   ml.c         api-versions, errors, the workspace and its datastore,
 *                long-running operations, the seed, /_emu/ml
 *   ml-online.c  online endpoints and their deployments
 *   ml-assets.c  model containers and versions, where a model lives
 *   ml-jobs.c    command jobs, which really train
 *   ml-score.c   the scoring URI of every online endpoint
 *
 * State: "ml": {"workspaces": {"group/name" lower-cased: workspace},
 * "operations": {id: operation}}.  A workspace holds "endpoints" (each
 * with its "deployments"), "models" (each with its "versions") and
 * "jobs", keyed by lower-cased name.  Members named as the service names
 * them are what GET shows; the others are the emulator's own.
 */
#ifndef ML_H
#define ML_H

#include "studio.h"

#define ML_PROVIDER "Microsoft.MachineLearningServices"
#define ML_WS_TYPE ML_PROVIDER "/workspaces"
#define ML_DATASTORE "workspaceblobstore"
#define ML_MODEL_FILE "model.json"	/* the trainer's model in a model folder */

/* ---- settings (/_emu/ml) ------------------------------------------- */
struct ml_cfg {
	long job_ms;		/* NotStarted to Completed */
	long retry_after;	/* Retry-After of 202 answers, seconds */
};
extern struct ml_cfg ml_cfg;
/* 1 and the message when the control API asked this job to fail. */
int ml_take_failure(char **why);

/* ---- a request (ml.c) ----------------------------------------------- */
/* seg[0..2]: subscription, resource group, workspace. */
struct ml_call {
	char *apiver;
	cJSON *ws;
};
/* Resource Manager's checks (token, api-version, subscription), then
 * under the lock with every due operation settled: the resource group
 * and the workspace.  0, or -1 with the answer written and the lock
 * released.  ml_end releases it. */
int ml_begin(struct emu_req *r, struct ml_call *c);
void ml_end(struct ml_call *c);

/* The resource provider's error: {"error":{"code","message","target"}}
 * with Resource Manager's headers. */
void ml_error(struct emu_req *r, int status, const char *code, const char *target,
    const char *fmt, ...) AML_PRINTF(5, 6);
/* 404 ResourceNotFound for type (under workspaces/, e.g.
 * "onlineEndpoints/ep") in the request's group. */
void ml_not_found(struct emu_req *r, const char *type);
/* The name pattern of every PUT (^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$);
 * 0, or -1 with the 400 answered. */
int ml_name_ok(struct emu_req *r, const char *param, const char *name);
/* The request body as a JSON object, or NULL with the 400 answered. */
cJSON *ml_body(struct emu_req *r);
void ml_answer(struct emu_req *r, int status, const cJSON *j);

char *ml_lower(const char *s);
char *ml_ws_id(const cJSON *ws);	/* its ARM id */
const char *ml_ws_location(const cJSON *ws);
cJSON *ml_ws_find(const char *group, const char *name);
cJSON *ml_workspaces(void);
/* systemData from a record's "created"/"modified" times. */
void ml_touch(cJSON *rec, int created);
void ml_add_system_data(cJSON *out, const cJSON *rec);
void ml_set(cJSON *o, const char *k, cJSON *v);	/* replace or add */
void ml_set_str(cJSON *o, const char *k, const char *v);
/* A JSON object member of the request body, or NULL; -1 when it is
 * there and not an object (400 answered with the target). */
int ml_object(struct emu_req *r, cJSON *parent, const char *k, const char *target,
    cJSON **out);
/* Lists: the page of items from $skipToken, nextLink when more. */
void ml_list(struct emu_req *r, struct ml_call *c, cJSON *items,
    cJSON *(*render)(const cJSON *ws, const cJSON *item, void *cls), void *cls);

/* ---- the datastore (ml.c) ------------------------------------------- */
/* Where a URI of a job input, job output or model points in the blob
 * store: azureml://datastores/{ds}/paths/{path} or a blob URL of this
 * emulator.  0, or -1 with why.  *container and *path are malloc'd. */
int ml_datastore_split(const cJSON *ws, const char *uri, char **account,
    char **container, char **path, char **why);
const char *ml_datastore_container(const cJSON *ws);
/* A blob, or a folder (a prefix that some blobs have): 1 blob, 2 folder,
 * 0 neither. */
int ml_blob_kind(const char *account, const char *container, const char *path);

/* ---- operations (ml.c) ---------------------------------------------- */
/* kind "endpoint", "deployment" or "job" (also the kind of hold that
 * keeps it running, with name ep, ep/dep or job); verb "PUT", "PATCH",
 * "DELETE", "REGENERATE", "CANCEL".  A fault of kind lro decides the
 * outcome.  The caller writes the headers with ml_op_headers. */
cJSON *ml_op_start(struct emu_req *r, const cJSON *ws, const char *kind,
    const char *verb, const char *name, cJSON *payload);
/* Azure-AsyncOperation (async), Location and Retry-After (location),
 * x-ms-async-operation-timeout (timeout). */
enum { ML_HDR_ASYNC = 1, ML_HDR_LOCATION = 2, ML_HDR_TIMEOUT = 4 };
void ml_op_headers(struct emu_req *r, const cJSON *op, const char *apiver, int which);
/* 1 when an operation on kind/name is in progress (409 answered). */
int ml_busy(struct emu_req *r, const cJSON *ws, const char *kind, const char *name);
/* What an operation that ended does to its resource, by kind; and what
 * its Location answers with at the end (NULL: no body). */
struct ml_op_class {
	const char *kind;
	void (*apply)(cJSON *ws, cJSON *op, const char *status);
	cJSON *(*result)(const cJSON *ws, const cJSON *op, const char *apiver);
};
void ml_op_class(const struct ml_op_class *c);
/* Settle every due operation and job (under the lock). */
void ml_settle(void);
void ml_jobs_settle(cJSON *ws);		/* ml-jobs.c */

/* ---- models (ml-assets.c) ------------------------------------------- */
/* A deployment's properties.model (an ARM id of a model version, or
 * azureml:NAME:VERSION) to that version's record; NULL with why. */
cJSON *ml_model_version(const cJSON *ws, const char *ref, char **name, char **version,
    char **why);
/* Where the model file of a model version is: a blob. */
int ml_model_blob(const cJSON *ws, const cJSON *ver, char **account, char **container,
    char **path, char **why);
cJSON *ml_model_put(cJSON *ws, const char *name, const char *version, cJSON *props);
char *ml_model_id(const cJSON *ws, const char *name, const char *version);

/* ---- jobs (ml-jobs.c) ----------------------------------------------- */
cJSON *ml_job(const cJSON *ws, const char *name);
/* The datastore path of a finished job's output (a folder), or NULL
 * with why. */
char *ml_job_output(const cJSON *ws, const char *job, const char *output, char **why);
void ml_jobs_seed(cJSON *ws, const char *name, const char *csvpath);

/* ---- endpoints (ml-online.c) ---------------------------------------- */
void ml_online_seed(cJSON *ws, const char *model_id);
cJSON *ml_endpoint(const cJSON *ws, const char *name);
cJSON *ml_deployment(const cJSON *ep, const char *name);
/* The endpoint of a scoring URI's name, in whatever workspace. */
cJSON *ml_endpoint_anywhere(const char *name, cJSON **ws);

#endif
