/* SPDX-License-Identifier: MIT */
/*
 * ml.c: Azure Machine Learning (Microsoft.MachineLearningServices), the
 * part every resource shares: the api-versions, the resource provider's
 * errors, the workspace and its default datastore, long-running
 * operations, lists, the seed and the control API under /_emu/ml.
 *
 * Operations follow lro.c's model: nothing runs in the background; an
 * operation is due once --lro-ms have passed since it started (and no
 * hold keeps it), and every request settles the due ones under the
 * lock before it looks.  Their status is served at the URL shapes the
 * service hands out, .../locations/{loc}/mfeOperationsStatus/{id}
 * (Azure-AsyncOperation) and .../mfeOperationResults/{id} (Location).
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ml.h"

#define KEEP_OPS 2000
#define SEED_JOB "census-train-1"
#define SEED_MODEL "census"
#define SEED_CSV "census/census-2023.csv"

/* What Microsoft's SDKs send from 2022-10-01 to 2024-04-01: every stable
 * and preview version of the provider's specification in that span
 * (azure-ai-ml 1.x sends 2023-04-01-preview for deployments, the Debian
 * Python client and @azure/arm-machinelearning 2.x send 2022-10-01). */
const char *const emu_mls_versions[] = {
	"2022-10-01", "2022-10-01-preview", "2022-12-01-preview", "2023-02-01-preview",
	"2023-04-01", "2023-04-01-preview", "2023-06-01-preview", "2023-08-01-preview",
	"2023-10-01", "2024-01-01-preview", "2024-04-01", "2024-04-01-preview", NULL,
};

struct ml_cfg ml_cfg = {
	.job_ms = 3000,
	.retry_after = 10,	/* the specification's least */
};
static struct ml_cfg cfg_initial;
static long fail_count;
static char *fail_message;

#define MAXCLASSES 4
static const struct ml_op_class *classes[MAXCLASSES];

/* ---- small things ---------------------------------------------------- */

char *
ml_lower(const char *s)
{
	char *t = aml_xstrdup(s);

	emu_lower(t);
	return t;
}

void
ml_set(cJSON *o, const char *k, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, k))
		cJSON_ReplaceItemInObjectCaseSensitive(o, k, v);
	else
		cJSON_AddItemToObject(o, k, v);
}

void
ml_set_str(cJSON *o, const char *k, const char *v)
{
	ml_set(o, k, cJSON_CreateString(v));
}

static cJSON *
ml(void)
{
	return emu_obj(emu_state, "ml");
}

cJSON *
ml_workspaces(void)
{
	return emu_obj(ml(), "workspaces");
}

static cJSON *
ops(void)
{
	return emu_obj(ml(), "operations");
}

cJSON *
ml_ws_find(const char *group, const char *name)
{
	char *k = aml_xasprintf("%s/%s", group, name);
	cJSON *ws;

	emu_lower(k);
	ws = cJSON_GetObjectItemCaseSensitive(ml_workspaces(), k);
	free(k);
	return ws;
}

char *
ml_ws_id(const cJSON *ws)
{
	return aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s",
	    emu_id("subscriptionId"), aml_json_str(ws, "group"), ML_WS_TYPE,
	    aml_json_str(ws, "name"));
}

const char *
ml_ws_location(const cJSON *ws)
{
	return aml_json_str(ws, "location");
}

void
ml_touch(cJSON *rec, int created)
{
	char t[40];

	emu_time_rfc3339ms(t, sizeof t, emu_now_ms());
	if (created)
		ml_set_str(rec, "created", t);
	ml_set_str(rec, "modified", t);
}

void
ml_add_system_data(cJSON *out, const cJSON *rec)
{
	cJSON *s = cJSON_AddObjectToObject(out, "systemData");
	const char *who = emu_id("spClientId");

	cJSON_AddStringToObject(s, "createdAt", aml_json_str(rec, "created"));
	cJSON_AddStringToObject(s, "createdBy", who);
	cJSON_AddStringToObject(s, "createdByType", "Application");
	cJSON_AddStringToObject(s, "lastModifiedAt", aml_json_str(rec, "modified"));
	cJSON_AddStringToObject(s, "lastModifiedBy", who);
	cJSON_AddStringToObject(s, "lastModifiedByType", "Application");
}

/* ---- errors and answers --------------------------------------------- */

void
ml_answer(struct emu_req *r, int status, const cJSON *j)
{
	if (j)
		emu_answer_json(r, status, j);
	else
		emu_answer(r, status, NULL, NULL, 0);
	emu_arm_headers(r);
}

void
ml_error(struct emu_req *r, int status, const char *code, const char *target,
    const char *fmt, ...)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error");
	va_list ap;
	char *m;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		aml_die("out of memory");
	va_end(ap);
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", m);
	if (target)
		cJSON_AddStringToObject(e, "target", target);
	cJSON_AddArrayToObject(e, "details");
	ml_answer(r, status, j);
	cJSON_Delete(j);
	free(m);
}

void
ml_not_found(struct emu_req *r, const char *type)
{
	ml_error(r, 404, "ResourceNotFound", NULL, "The Resource '%s/%s/%s' under resource "
	    "group '%s' was not found. For more details please go to "
	    "https://aka.ms/ARMResourceNotFoundFix", ML_WS_TYPE, r->seg[2], type, r->seg[1]);
}

int
ml_name_ok(struct emu_req *r, const char *param, const char *name)
{
	size_t n = strlen(name);
	int ok = n >= 1 && n <= 255 && strchr("-_", name[0]) == NULL;

	for (const char *p = name; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_';
	if (ok)
		return 0;
	ml_error(r, 400, "BadArgument", param, "The value '%s' of %s is invalid: it must "
	    "match the pattern ^[a-zA-Z0-9][a-zA-Z0-9\\-_]{0,254}$.", name, param);
	return -1;
}

cJSON *
ml_body(struct emu_req *r)
{
	struct aml_jerr e;
	cJSON *j;

	if (!r->bodylen) {
		ml_error(r, 400, "BadArgument", NULL, "The request body is empty.");
		return NULL;
	}
	if (!(j = aml_json_parse(r->body, r->bodylen, &e))) {
		ml_error(r, 400, "BadArgument", NULL, "The request body is not valid JSON: %s "
		    "(line %lu, position %lu).", e.msg, e.line, e.col);
		return NULL;
	}
	if (!cJSON_IsObject(j)) {
		ml_error(r, 400, "BadArgument", NULL, "The request body must be a JSON object.");
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

int
ml_object(struct emu_req *r, cJSON *parent, const char *k, const char *target, cJSON **out)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(parent, k);

	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v)) {
		ml_error(r, 400, "BadArgument", target, "%s must be a JSON object.", target);
		return -1;
	}
	*out = v;
	return 0;
}

/* ---- a request ------------------------------------------------------ */

int
ml_begin(struct emu_req *r, struct ml_call *c)
{
	char *k;
	int found;

	c->apiver = NULL;
	c->ws = NULL;
	if (emu_arm_begin(r, EMU_API_MLS, 1, &c->apiver) < 0)
		return -1;
	emu_lock();
	ml_settle();
	k = ml_lower(r->seg[1]);
	found = cJSON_GetObjectItemCaseSensitive(emu_obj(emu_obj(emu_state, "arm"), "groups"),
	    k) != NULL;
	free(k);
	if (!found) {
		char *m = aml_xasprintf("Resource group '%s' could not be found.", r->seg[1]);

		emu_answer_error(r, 404, "ResourceGroupNotFound", m);
		free(m);
		goto fail;
	}
	if (!(c->ws = ml_ws_find(r->seg[1], r->seg[2]))) {
		ml_error(r, 404, "ResourceNotFound", NULL, "The Resource '%s/%s' under resource "
		    "group '%s' was not found. For more details please go to "
		    "https://aka.ms/ARMResourceNotFoundFix", ML_WS_TYPE, r->seg[2], r->seg[1]);
		goto fail;
	}
	return 0;
fail:
	emu_unlock();
	free(c->apiver);
	c->apiver = NULL;
	return -1;
}

void
ml_end(struct ml_call *c)
{
	emu_unlock();
	free(c->apiver);
	c->apiver = NULL;
}

/* ---- lists ---------------------------------------------------------- */

/* $skipToken is an offset here; clients only ever follow nextLink. */
void
ml_list(struct emu_req *r, struct ml_call *c, cJSON *items,
    cJSON *(*render)(const cJSON *ws, const cJSON *item, void *cls), void *cls)
{
	char *tok = emu_query(r, "$skipToken"), *end = NULL, *q;
	long off = tok ? strtol(tok, &end, 10) : 0, i = 0, page = emu_cfg.page_size;
	cJSON *j, *v, *it;
	int more = 0;

	if (tok && (*end || off < 0 || end == tok)) {
		ml_error(r, 400, "BadArgument", "$skipToken", "The $skipToken is not valid.");
		free(tok);
		return;
	}
	j = cJSON_CreateObject();
	v = cJSON_AddArrayToObject(j, "value");
	cJSON_ArrayForEach(it, items) {
		if (i >= off + page) {
			more = 1;
			break;
		}
		if (i++ >= off)
			cJSON_AddItemToArray(v, render(c->ws, it, cls));
	}
	if (more) {
		q = strchr(r->uri, '?');
		char *path = aml_xstrndup(r->uri, q ? (size_t)(q - r->uri) : strlen(r->uri));
		char *link = aml_xasprintf("%s%s?api-version=%s&$skipToken=%ld", emu_base, path,
		    c->apiver, off + page);

		cJSON_AddStringToObject(j, "nextLink", link);
		free(link);
		free(path);
	}
	ml_answer(r, 200, j);
	cJSON_Delete(j);
	free(tok);
}

/* ---- the datastore -------------------------------------------------- */

const char *
ml_datastore_container(const cJSON *ws)
{
	return aml_json_str(ws, "datastoreContainer");
}

int
ml_datastore_split(const cJSON *ws, const char *uri, char **account, char **container,
    char **path, char **why)
{
	static const char pre[] = "azureml://datastores/";
	const char *p, *slash;
	char *ds;

	*account = *container = *path = NULL;
	if (strncasecmp(uri, pre, sizeof pre - 1) == 0) {
		p = uri + sizeof pre - 1;
		if (!(slash = strchr(p, '/')) || strncmp(slash, "/paths/", 7) || !slash[7]) {
			*why = aml_xasprintf("'%s' is not of the form azureml://datastores/"
			    "<datastore>/paths/<path>", uri);
			return -1;
		}
		ds = aml_xstrndup(p, (size_t)(slash - p));
		if (strcmp(ds, ML_DATASTORE)) {
			*why = aml_xasprintf("the workspace has no datastore '%s'", ds);
			free(ds);
			return -1;
		}
		free(ds);
		*account = aml_xstrdup(STUDIO_ACCOUNT);
		*container = aml_xstrdup(ml_datastore_container(ws));
		*path = aml_xstrdup(slash + 7);
		while (**path && (*path)[strlen(*path) - 1] == '/')
			(*path)[strlen(*path) - 1] = '\0';
		return 0;
	}
	if (blob_split_url(uri, account, container, path) == 0)
		return 0;
	*why = aml_xasprintf("'%s' is neither an azureml://datastores/ path nor a blob URL "
	    "of this storage", uri);
	return -1;
}

int
ml_blob_kind(const char *account, const char *container, const char *path)
{
	cJSON *b, *blobs;
	size_t n = strlen(path);
	unsigned char *d;
	size_t len;

	if (blob_get(account, container, path, &d, &len) == 0) {
		free(d);
		return 1;
	}
	blobs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(emu_obj(emu_state, "blob"), "accounts"), account),
	    "containers"), container), "blobs");
	cJSON_ArrayForEach(b, blobs)
		if (n && strncmp(b->string, path, n) == 0 && b->string[n] == '/')
			return 2;
	return 0;
}

/* ---- operations ----------------------------------------------------- */

void
ml_op_class(const struct ml_op_class *c)
{
	for (size_t i = 0; i < MAXCLASSES; i++)
		if (!classes[i]) {
			classes[i] = c;
			return;
		}
	aml_die("too many operation classes");
}

static const struct ml_op_class *
class_of(const char *kind)
{
	for (size_t i = 0; i < MAXCLASSES && classes[i]; i++)
		if (strcmp(classes[i]->kind, kind) == 0)
			return classes[i];
	return NULL;
}

static void
setnum(cJSON *o, const char *k, long long v)
{
	char buf[32];
	cJSON *n;

	snprintf(buf, sizeof buf, "%lld", v);
	n = cJSON_CreateNumber((double)v);
	n->valuestring = aml_xstrdup(buf);
	ml_set(o, k, n);
}

static long long
getnum(const cJSON *o, const char *k)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, k);

	if (cJSON_IsNumber(n) && n->valuestring)
		return strtoll(n->valuestring, NULL, 10);
	return cJSON_IsNumber(n) ? (long long)n->valuedouble : 0;
}

cJSON *
ml_op_start(struct emu_req *r, const cJSON *ws, const char *kind, const char *verb,
    const char *name, cJSON *payload)
{
	struct emu_fault *f = emu_fault_take(r->method, r->path, EMU_TAKE_LRO);
	cJSON *op = cJSON_CreateObject(), *e;
	char id[37];

	emu_guid(id);
	cJSON_AddStringToObject(op, "kind", kind);
	cJSON_AddStringToObject(op, "verb", verb);
	cJSON_AddStringToObject(op, "workspace", ws->string);
	cJSON_AddStringToObject(op, "name", name);
	cJSON_AddStringToObject(op, "location", ml_ws_location(ws));
	setnum(op, "start", (long long)emu_now_ms());
	setnum(op, "durationMs", emu_cfg.lro_ms);
	cJSON_AddStringToObject(op, "status", "InProgress");
	cJSON_AddStringToObject(op, "outcome", f && f->lro ? f->lro : "Succeeded");
	if (f && f->lro) {
		int failed = strcmp(f->lro, "Failed") == 0;

		e = cJSON_AddObjectToObject(op, "error");
		cJSON_AddStringToObject(e, "code", f->code ? f->code : failed ?
		    "InternalServerError" : "OperationCanceled");
		cJSON_AddStringToObject(e, "message", f->message ? f->message : failed ?
		    "The operation failed because of an internal error." :
		    "The operation was canceled.");
	}
	if (f && f->lro_location_only)
		cJSON_AddTrueToObject(op, "locationOnly");
	if (f && f->lro_retry_after >= 0)
		cJSON_AddNumberToObject(op, "retryAfter", (double)f->lro_retry_after);
	if (payload)
		cJSON_AddItemToObject(op, "payload", payload);
	cJSON_AddItemToObject(ops(), id, op);
	emu_fault_free(f);
	emu_changed();
	return op;
}

static char *
op_url(const cJSON *op, const char *what, const char *apiver)
{
	return aml_xasprintf("%s/subscriptions/%s/providers/%s/locations/%s/%s/%s?api-version=%s",
	    emu_base, emu_id("subscriptionId"), ML_PROVIDER, aml_json_str(op, "location"), what,
	    op->string, apiver);
}

void
ml_op_headers(struct emu_req *r, const cJSON *op, const char *apiver, int which)
{
	char *u, buf[24];

	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(op, "locationOnly")))
		which = (which & ~ML_HDR_ASYNC) | ML_HDR_LOCATION;
	if (which & ML_HDR_ASYNC) {
		u = op_url(op, "mfeOperationsStatus", apiver);
		emu_set_header(r, "Azure-AsyncOperation", u);
		free(u);
	}
	if (which & ML_HDR_LOCATION) {
		u = op_url(op, "mfeOperationResults", apiver);
		emu_set_header(r, "Location", u);
		free(u);
		snprintf(buf, sizeof buf, "%ld", ml_cfg.retry_after);
		emu_set_header(r, "Retry-After", buf);
	}
	if (which & ML_HDR_TIMEOUT)
		emu_set_header(r, "x-ms-async-operation-timeout", "PT1H");
}

int
ml_busy(struct emu_req *r, const cJSON *ws, const char *kind, const char *name)
{
	cJSON *op;

	cJSON_ArrayForEach(op, ops())
		if (strcmp(aml_json_str(op, "status"), "InProgress") == 0 &&
		    strcmp(aml_json_str(op, "workspace"), ws->string) == 0 &&
		    strcmp(aml_json_str(op, "kind"), kind) == 0 &&
		    strcasecmp(aml_json_str(op, "name"), name) == 0) {
			ml_error(r, 409, "Conflict", NULL, "An operation (%s) on %s '%s' is in "
			    "progress. Wait for it to finish, then try again.",
			    aml_json_str(op, "verb"), kind, name);
			return 1;
		}
	return 0;
}

static void
prune(cJSON *all)
{
	int n = cJSON_GetArraySize(all);
	cJSON *e, *next;

	for (e = all->child; e && n > KEEP_OPS; e = next) {
		next = e->next;
		if (strcmp(aml_json_str(e, "status"), "InProgress")) {
			cJSON_Delete(cJSON_DetachItemViaPointer(all, e));
			n--;
		}
	}
}

void
ml_settle(void)
{
	cJSON *op, *ws;
	long long now = (long long)emu_now_ms();

	cJSON_ArrayForEach(op, ops()) {
		const struct ml_op_class *c;
		cJSON *w;

		if (strcmp(aml_json_str(op, "status"), "InProgress"))
			continue;
		if (getnum(op, "start") + getnum(op, "durationMs") > now ||
		    emu_held(aml_json_str(op, "kind"), aml_json_str(op, "name")))
			continue;
		setnum(op, "end", now);
		ml_set_str(op, "status", aml_json_str(op, "outcome"));
		w = cJSON_GetObjectItemCaseSensitive(ml_workspaces(), aml_json_str(op, "workspace"));
		if (w && (c = class_of(aml_json_str(op, "kind"))))
			c->apply(w, op, aml_json_str(op, "status"));
		emu_changed();
	}
	prune(ops());
	cJSON_ArrayForEach(ws, ml_workspaces())
		ml_jobs_settle(ws);
}

static cJSON *
op_find(struct emu_req *r)
{
	cJSON *op;

	/* seg: subscription, location, operation id */
	if (strcasecmp(r->seg[0], emu_id("subscriptionId")))
		return NULL;
	cJSON_ArrayForEach(op, ops())
		if (strcasecmp(op->string, r->seg[2]) == 0 &&
		    strcasecmp(aml_json_str(op, "location"), r->seg[1]) == 0)
			return op;
	return NULL;
}

static void
op_not_found(struct emu_req *r)
{
	ml_error(r, 404, "NotFound", NULL, "No operation could be found with the provided "
	    "id: %s.", r->seg[2]);
}

static void
op_retry_after(struct emu_req *r, const cJSON *op)
{
	const cJSON *ra = cJSON_GetObjectItemCaseSensitive(op, "retryAfter");
	char buf[24];

	if (cJSON_IsNumber(ra) && strcmp(aml_json_str(op, "status"), "InProgress") == 0) {
		snprintf(buf, sizeof buf, "%ld", (long)ra->valuedouble);
		emu_set_header(r, "Retry-After", buf);
	}
}

/* The Azure-AsyncOperation document, by Resource Manager's convention. */
static void
op_status(struct emu_req *r)
{
	char *apiver = NULL, *id, t[40];
	cJSON *op, *j;

	if (emu_arm_begin(r, EMU_API_MLS, 1, &apiver) < 0)
		return;
	emu_lock();
	ml_settle();
	if (!(op = op_find(r))) {
		op_not_found(r);
	} else {
		j = cJSON_CreateObject();
		id = aml_xasprintf("/subscriptions/%s/providers/%s/locations/%s/mfeOperationsStatus/%s",
		    emu_id("subscriptionId"), ML_PROVIDER, aml_json_str(op, "location"), op->string);
		cJSON_AddStringToObject(j, "id", id);
		free(id);
		cJSON_AddStringToObject(j, "name", op->string);
		cJSON_AddStringToObject(j, "status", aml_json_str(op, "status"));
		emu_time_rfc3339ms(t, sizeof t, getnum(op, "start"));
		cJSON_AddStringToObject(j, "startTime", t);
		if (strcmp(aml_json_str(op, "status"), "InProgress")) {
			emu_time_rfc3339ms(t, sizeof t, getnum(op, "end"));
			cJSON_AddStringToObject(j, "endTime", t);
			if (cJSON_GetObjectItemCaseSensitive(op, "error"))
				cJSON_AddItemToObject(j, "error", cJSON_Duplicate(
				    cJSON_GetObjectItemCaseSensitive(op, "error"), 1));
		}
		ml_answer(r, 200, j);
		op_retry_after(r, op);
		cJSON_Delete(j);
	}
	emu_unlock();
	free(apiver);
}

/* The Location URL: 202 while running; then the resource (PUT, PATCH),
 * 204 (DELETE) or 200 without a body; a failed or canceled operation
 * answers its error with 400. */
static void
op_result(struct emu_req *r)
{
	const struct ml_op_class *c;
	const char *st;
	char *apiver = NULL, *u;
	cJSON *op, *j, *ws;

	if (emu_arm_begin(r, EMU_API_MLS, 1, &apiver) < 0)
		return;
	emu_lock();
	ml_settle();
	if (!(op = op_find(r))) {
		op_not_found(r);
	} else if (strcmp((st = aml_json_str(op, "status")), "InProgress") == 0) {
		ml_answer(r, 202, NULL);
		u = aml_xasprintf("%s%s", emu_base, r->uri);
		emu_set_header(r, "Location", u);
		free(u);
		u = aml_xasprintf("%ld", ml_cfg.retry_after);
		emu_set_header(r, "Retry-After", u);
		free(u);
		op_retry_after(r, op);
	} else if (strcmp(st, "Succeeded") == 0) {
		ws = cJSON_GetObjectItemCaseSensitive(ml_workspaces(), aml_json_str(op, "workspace"));
		c = class_of(aml_json_str(op, "kind"));
		j = ws && c && c->result ? c->result(ws, op, apiver) : NULL;
		ml_answer(r, j ? 200 : strcmp(aml_json_str(op, "verb"), "DELETE") ? 200 : 204, j);
		cJSON_Delete(j);
	} else {
		j = cJSON_CreateObject();
		cJSON_AddItemToObject(j, "error",
		    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(op, "error"), 1));
		ml_answer(r, 400, j);
		cJSON_Delete(j);
	}
	emu_unlock();
	free(apiver);
}

/* ---- the workspace -------------------------------------------------- */

static char *
arm_id(const cJSON *ws, const char *type, const char *name)
{
	return aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s",
	    emu_id("subscriptionId"), aml_json_str(ws, "group"), type, name);
}

static void
ws_get(struct emu_req *r)
{
	struct ml_call c;
	cJSON *j, *p, *i, *s;
	char *id;

	if (ml_begin(r, &c) < 0)
		return;
	j = cJSON_CreateObject();
	id = ml_ws_id(c.ws);
	cJSON_AddStringToObject(j, "id", id);
	free(id);
	cJSON_AddStringToObject(j, "name", aml_json_str(c.ws, "name"));
	cJSON_AddStringToObject(j, "type", ML_WS_TYPE);
	cJSON_AddStringToObject(j, "location", ml_ws_location(c.ws));
	cJSON_AddItemToObject(j, "tags", cJSON_CreateObject());
	cJSON_AddStringToObject(j, "kind", "Default");
	i = cJSON_AddObjectToObject(j, "identity");
	cJSON_AddStringToObject(i, "principalId", aml_json_str(c.ws, "principalId"));
	cJSON_AddStringToObject(i, "tenantId", emu_id("tenantId"));
	cJSON_AddStringToObject(i, "type", "SystemAssigned");
	s = cJSON_AddObjectToObject(j, "sku");
	cJSON_AddStringToObject(s, "name", "Basic");
	cJSON_AddStringToObject(s, "tier", "Basic");
	p = cJSON_AddObjectToObject(j, "properties");
	cJSON_AddStringToObject(p, "friendlyName", aml_json_str(c.ws, "name"));
	cJSON_AddStringToObject(p, "description", "The aml-emulator demo workspace: census "
	    "data, a model trained from it and an online endpoint that serves it.");
	id = arm_id(c.ws, "Microsoft.Storage/storageAccounts", STUDIO_ACCOUNT);
	cJSON_AddStringToObject(p, "storageAccount", id);
	free(id);
	id = arm_id(c.ws, "Microsoft.KeyVault/vaults", "amlemukeyvault");
	cJSON_AddStringToObject(p, "keyVault", id);
	free(id);
	id = arm_id(c.ws, "microsoft.insights/components", "amlemuinsights");
	cJSON_AddStringToObject(p, "applicationInsights", id);
	free(id);
	cJSON_AddStringToObject(p, "workspaceId", aml_json_str(c.ws, "workspaceId"));
	cJSON_AddStringToObject(p, "provisioningState", "Succeeded");
	cJSON_AddFalseToObject(p, "hbiWorkspace");
	cJSON_AddStringToObject(p, "publicNetworkAccess", "Enabled");
	cJSON_AddStringToObject(p, "storageHnsEnabled", "false");
	cJSON_AddFalseToObject(p, "v1LegacyMode");
	ml_add_system_data(j, c.ws);
	ml_answer(r, 200, j);
	cJSON_Delete(j);
	ml_end(&c);
}

static cJSON *
datastore_json(const cJSON *ws, const cJSON *item, void *cls)
{
	cJSON *j = cJSON_CreateObject(), *p, *cr;
	char *id = ml_ws_id(ws), *full;

	(void)item;
	(void)cls;
	full = aml_xasprintf("%s/datastores/%s", id, ML_DATASTORE);
	cJSON_AddStringToObject(j, "id", full);
	free(full);
	free(id);
	cJSON_AddStringToObject(j, "name", ML_DATASTORE);
	cJSON_AddStringToObject(j, "type", ML_WS_TYPE "/datastores");
	p = cJSON_AddObjectToObject(j, "properties");
	cJSON_AddStringToObject(p, "datastoreType", "AzureBlob");
	cJSON_AddStringToObject(p, "accountName", STUDIO_ACCOUNT);
	cJSON_AddStringToObject(p, "containerName", ml_datastore_container(ws));
	cJSON_AddStringToObject(p, "endpoint", "core.windows.net");
	cJSON_AddStringToObject(p, "protocol", "https");
	cJSON_AddStringToObject(p, "serviceDataAccessAuthIdentity", "None");
	cJSON_AddTrueToObject(p, "isDefault");
	cr = cJSON_AddObjectToObject(p, "credentials");
	cJSON_AddStringToObject(cr, "credentialsType", "AccountKey");
	cJSON_AddItemToObject(p, "tags", cJSON_CreateObject());
	cJSON_AddItemToObject(p, "properties", cJSON_CreateObject());
	ml_add_system_data(j, ws);
	return j;
}

static void
datastore_get(struct emu_req *r)
{
	struct ml_call c;
	cJSON *j;

	if (ml_begin(r, &c) < 0)
		return;
	if (strcasecmp(r->seg[3], ML_DATASTORE)) {
		char *t = aml_xasprintf("datastores/%s", r->seg[3]);

		ml_not_found(r, t);
		free(t);
	} else {
		j = datastore_json(c.ws, NULL, NULL);
		ml_answer(r, 200, j);
		cJSON_Delete(j);
	}
	ml_end(&c);
}

static void
datastore_list(struct emu_req *r)
{
	struct ml_call c;
	cJSON *one;

	if (ml_begin(r, &c) < 0)
		return;
	one = cJSON_CreateArray();
	cJSON_AddItemToArray(one, cJSON_CreateString(ML_DATASTORE));
	ml_list(r, &c, one, datastore_json, NULL);
	cJSON_Delete(one);
	ml_end(&c);
}

/* ---- seed and exports ----------------------------------------------- */

static void
seed(cJSON *state)
{
	cJSON *ws;
	char g[37], *k, *cont, *mid;

	(void)state;
	emu_obj(ml(), "operations");
	k = aml_xasprintf("%s/%s", emu_id("demoGroup"), "aml-demo-ml");
	emu_lower(k);
	ws = cJSON_AddObjectToObject(ml_workspaces(), k);
	free(k);
	cJSON_AddStringToObject(ws, "group", emu_id("demoGroup"));
	cJSON_AddStringToObject(ws, "name", "aml-demo-ml");
	cJSON_AddStringToObject(ws, "location", "southcentralus");
	emu_guid(g);
	cJSON_AddStringToObject(ws, "workspaceId", g);
	cont = aml_xasprintf("azureml-blobstore-%s", g);
	cJSON_AddStringToObject(ws, "datastoreContainer", cont);
	emu_guid(g);
	cJSON_AddStringToObject(ws, "principalId", g);
	ml_touch(ws, 1);
	cJSON_AddObjectToObject(ws, "endpoints");
	cJSON_AddObjectToObject(ws, "models");
	cJSON_AddObjectToObject(ws, "jobs");
	blob_add_container(STUDIO_ACCOUNT, cont);
	blob_put(STUDIO_ACCOUNT, cont, SEED_CSV, studio_seed_csv, studio_seed_csv_len, "text/csv");
	free(cont);
	/* The model the endpoint starts with comes from a job that ran. */
	ml_jobs_seed(ws, SEED_JOB, SEED_CSV);
	{
		cJSON *p = cJSON_CreateObject();
		char *uri = aml_xasprintf("azureml://jobs/%s/outputs/model_output", SEED_JOB);

		cJSON_AddStringToObject(p, "description", "Income over 50K from census data, "
		    "trained by " SEED_JOB ".");
		cJSON_AddStringToObject(p, "modelType", "custom_model");
		cJSON_AddStringToObject(p, "modelUri", uri);
		cJSON_AddStringToObject(p, "jobName", SEED_JOB);
		free(uri);
		ml_model_put(ws, SEED_MODEL, "1", p);
	}
	mid = ml_model_id(ws, SEED_MODEL, "1");
	ml_online_seed(ws, mid);
	free(mid);
}

/* The demo workspace's datastore container, and a SAS that may write
 * to it for a year: what `az storage container generate-sas` gives a
 * user who uploads training data. */
static void
datastore_exports(struct aml_wbuf *w)
{
	const cJSON *ws;
	const char *cont;
	char *k, *s, *u;

	emu_lock();
	k = aml_xasprintf("%s/%s", emu_id("demoGroup"), "aml-demo-ml");
	emu_lower(k);
	ws = cJSON_GetObjectItemCaseSensitive(ml_workspaces(), k);
	free(k);
	if ((cont = aml_json_str(ws, "datastoreContainer"))) {
		u = blob_account_url(STUDIO_ACCOUNT);
		s = aml_xasprintf("%s%s", u, cont);
		emu_export(w, "AML_DEMO_DATASTORE_URL", s);
		free(s);
		free(u);
		s = blob_sas(STUDIO_ACCOUNT, cont, NULL, "racwdl", emu_now() - 300,
		    emu_now() + 365 * 86400L, "2018-11-09");
		studio_secret_file(w, "AML_DEMO_DATASTORE_SAS_FILE", "datastore-sas", s);
		aml_freesecret(s);
	}
	emu_unlock();
}

static void
exports(struct aml_wbuf *w)
{
	emu_export(w, "AML_DEMO_WORKSPACE", "aml-demo-ml");
	emu_export(w, "AML_DEMO_ENDPOINT", "census-ep");
	emu_export(w, "AML_DEMO_DEPLOYMENT", "blue");
	emu_export(w, "AML_DEMO_MODEL", SEED_MODEL);
	emu_export(w, "AML_DEMO_JOB", SEED_JOB);
	datastore_exports(w);
}

/* ---- control: /_emu/ml ---------------------------------------------- */

int
ml_take_failure(char **why)
{
	if (fail_count <= 0)
		return 0;
	fail_count--;
	*why = aml_xstrdup(fail_message);
	return 1;
}

static const struct {
	const char *name;
	long *v;
	long lo, hi;
} knobs[] = {
	{ "jobMs", &ml_cfg.job_ms, 0, 24 * 3600 * 1000L },
	{ "retryAfter", &ml_cfg.retry_after, 0, 600 },
};
#define NKNOBS (sizeof knobs / sizeof *knobs)

static void
cfg_answer(struct emu_req *r)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < NKNOBS; i++)
		cJSON_AddNumberToObject(o, knobs[i].name, (double)*knobs[i].v);
	cJSON_AddNumberToObject(o, "failJobs", (double)fail_count);
	emu_answer_json(r, 200, o);
	cJSON_Delete(o);
}

static void
cfg_get(struct emu_req *r)
{
	if (!emu_control_local(r))
		return;
	emu_lock();
	cfg_answer(r);
	emu_unlock();
}

static int
integer(const cJSON *c, long lo, long hi)
{
	/* The range first: (long)1e300 is undefined. */
	return cJSON_IsNumber(c) && c->valuedouble >= lo && c->valuedouble <= hi &&
	    c->valuedouble == (double)(long)c->valuedouble;
}

static void
cfg_post(struct emu_req *r)
{
	cJSON *j, *c;
	size_t i = 0;
	char *m;

	if (!emu_control_local(r) || !(j = emu_control_body(r)))
		return;
	for (c = cJSON_IsObject(j) ? j->child : NULL; c; c = c->next) {
		for (i = 0; i < NKNOBS && strcmp(c->string, knobs[i].name); i++)
			;
		if (i == NKNOBS || !integer(c, knobs[i].lo, knobs[i].hi)) {
			m = i == NKNOBS ? aml_xasprintf("unknown setting \"%s\"", c->string) :
			    aml_xasprintf("\"%s\" must be an integer from %ld to %ld", c->string,
			    knobs[i].lo, knobs[i].hi);
			emu_answer_error(r, 400, "InvalidConfig", m);
			free(m);
			cJSON_Delete(j);
			return;
		}
	}
	emu_lock();
	for (c = cJSON_IsObject(j) ? j->child : NULL; c; c = c->next)
		for (i = 0; i < NKNOBS; i++)
			if (strcmp(c->string, knobs[i].name) == 0)
				*knobs[i].v = (long)c->valuedouble;
	cfg_answer(r);
	emu_unlock();
	cJSON_Delete(j);
}

/* {"count": N, "message": "..."}: the next N command jobs fail so. */
static void
fail_post(struct emu_req *r)
{
	cJSON *j, *n, *d;

	if (!emu_control_local(r) || !(j = emu_control_body(r)))
		return;
	n = cJSON_GetObjectItemCaseSensitive(j, "count");
	d = cJSON_GetObjectItemCaseSensitive(j, "message");
	if ((n && !integer(n, 0, 1000)) || (d && !cJSON_IsString(d))) {
		emu_answer_error(r, 400, "InvalidRequest",
		    "\"count\" must be an integer from 0 to 1000 and \"message\" a string");
		cJSON_Delete(j);
		return;
	}
	emu_lock();
	fail_count = n ? (long)n->valuedouble : 1;
	free(fail_message);
	fail_message = aml_xstrdup(d ? d->valuestring : "Execution failed: the job was made "
	    "to fail by aml-emulator's control API.");
	cfg_answer(r);
	emu_unlock();
	cJSON_Delete(j);
}

static void
reset(void)
{
	ml_cfg = cfg_initial;
	fail_count = 0;
	free(fail_message);
	fail_message = NULL;
}

static void
init(void)
{
	emu_hold_kind("job");
	emu_hold_kind("endpoint");
	emu_hold_kind("deployment");
}

#define W "/subscriptions/*/resourceGroups/*/providers/Microsoft.MachineLearningServices/" \
	"workspaces/*"
#define LOC "/subscriptions/*/providers/Microsoft.MachineLearningServices/locations/*"

static const struct emu_route routes[] = {
	{ "GET", W, ws_get, &emu_fam_arm },
	{ "GET", W "/datastores", datastore_list, &emu_fam_arm },
	{ "GET", W "/datastores/*", datastore_get, &emu_fam_arm },
	{ "GET", LOC "/mfeOperationsStatus/*", op_status, &emu_fam_arm },
	{ "GET", LOC "/mfeOperationResults/*", op_result, &emu_fam_arm },
	{ "GET", "/_emu/ml", cfg_get, &emu_fam_plain },
	{ "POST", "/_emu/ml", cfg_post, &emu_fam_plain },
	{ "POST", "/_emu/ml/fail", fail_post, &emu_fam_plain },
};

static struct emu_module mlmod = {
	.name = "ml",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
	.seed = seed,
	.reset = reset,
	.init = init,
	.exports = exports,
	.fini = reset,
};

static void __attribute__((constructor))
ml_register(void)
{
	cfg_initial = ml_cfg;
	emu_module_register(&mlmod);
}
