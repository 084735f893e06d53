/* SPDX-License-Identifier: MIT */
/*
 * lro.c: long-running operations as the Azure ML resource provider ran
 * them (notes/arm-webservices.md §3): the mutating call answers at once
 * with Azure-AsyncOperation (and, for DELETE, Location), and the
 * operationsStatus resource says Provisioning with a percentComplete
 * fraction until the operation ends: Succeeded (or Failed or Canceled
 * when a fault asked for it) with endTime and percentComplete 1.0.
 *
 * Nothing runs in the background: an operation is due once --lro-ms
 * have passed since it started, and every request that looks at the
 * state settles the due ones first, under the lock, in start order.
 * Only then does the resource change (the apply callback of arm.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu.h"

#define KEEP_OPS 2000

static emu_lro_apply *apply_fn;

void
emu_lro_set_apply(emu_lro_apply *fn)
{
	apply_fn = fn;
}

static cJSON *
ops(void)
{
	return emu_obj(emu_obj(emu_state, "arm"), "operations");
}

static void
setnum(cJSON *o, const char *k, const char *text)
{
	cJSON *n = cJSON_CreateNumber(strtod(text, NULL));

	n->valuestring = aml_xstrdup(text);
	if (cJSON_GetObjectItemCaseSensitive(o, k))
		cJSON_ReplaceItemInObjectCaseSensitive(o, k, n);
	else
		cJSON_AddItemToObject(o, k, n);
}

static int64_t
getnum(const cJSON *o, const char *k)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, k);

	if (cJSON_IsNumber(n) && n->valuestring)
		return strtoll(n->valuestring, NULL, 10);
	return cJSON_IsNumber(n) ? (int64_t)n->valuedouble : 0;
}

cJSON *
emu_lro_start(const char *kind, const char *key, const char *location,
    const char *outcome, const char *code, const char *message)
{
	cJSON *op = cJSON_CreateObject(), *e;
	char id[37], buf[32];

	emu_guid(id);
	cJSON_AddStringToObject(op, "kind", kind);
	cJSON_AddStringToObject(op, "key", key);
	cJSON_AddStringToObject(op, "location", location);
	snprintf(buf, sizeof buf, "%lld", (long long)emu_now_100ns());
	setnum(op, "start", buf);
	snprintf(buf, sizeof buf, "%ld", emu_cfg.lro_ms);
	setnum(op, "durationMs", buf);
	cJSON_AddStringToObject(op, "status", "Running");
	cJSON_AddStringToObject(op, "outcome", outcome ? outcome : "Succeeded");
	if (outcome && strcmp(outcome, "Succeeded")) {
		int failed = strcmp(outcome, "Failed") == 0;

		e = cJSON_AddObjectToObject(op, "error");
		cJSON_AddStringToObject(e, "code", code ? code :
		    failed ? "InternalServerError" : "OperationCanceled");
		cJSON_AddStringToObject(e, "message", message ? message : failed ?
		    "The operation failed because of an internal error." :
		    "The operation was canceled.");
	}
	cJSON_AddItemToObject(ops(), id, op);
	emu_changed();
	return op;
}

/* Old finished operations go, so the state does not grow without end. */
static void
prune(cJSON *all)
{
	int n = cJSON_GetArraySize(all);
	cJSON *e, *next;

	for (e = all->child; e && n > KEEP_OPS; e = next) {
		next = e->next;
		if (strcmp(aml_json_str(e, "status"), "Running")) {
			cJSON_Delete(cJSON_DetachItemViaPointer(all, e));
			n--;
		}
	}
}

void
emu_lro_settle(void)
{
	cJSON *all = ops(), *op;
	int64_t now = emu_now_100ns();
	char buf[32];

	cJSON_ArrayForEach(op, all) {
		struct emu_lro_done d;
		int64_t end;

		if (strcmp(aml_json_str(op, "status"), "Running"))
			continue;
		end = getnum(op, "start") + getnum(op, "durationMs") * 10000;
		if (end > now)
			continue;
		snprintf(buf, sizeof buf, "%lld", (long long)end);
		setnum(op, "end", buf);
		cJSON_ReplaceItemInObjectCaseSensitive(op, "status",
		    cJSON_CreateString(aml_json_str(op, "outcome")));
		d.kind = aml_json_str(op, "kind");
		d.key = aml_json_str(op, "key");
		d.status = aml_json_str(op, "status");
		d.op = op;
		if (apply_fn)
			apply_fn(&d);
		emu_changed();
	}
	prune(all);
}

int
emu_lro_busy(const char *key)
{
	cJSON *op;

	cJSON_ArrayForEach(op, ops())
		if (strcmp(aml_json_str(op, "status"), "Running") == 0 &&
		    strcmp(aml_json_str(op, "key"), key) == 0)
			return 1;
	return 0;
}

/* The headers of the answer that starts an operation: Azure-
 * AsyncOperation, and Location for DELETE; only Location when a fault
 * asked (lroLocationOnly), as other resource providers do. */
void
emu_lro_headers(struct emu_req *r, const cJSON *op, const char *apiver, int location)
{
	char *u;

	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(op, "locationOnly"))) {
		location = 1;
	} else {
		u = aml_xasprintf("%s/subscriptions/%s/providers/Microsoft.MachineLearning/"
		    "locations/%s/operationsStatus/%s?api-version=%s", emu_base,
		    emu_id("subscriptionId"), aml_json_str(op, "location"), op->string, apiver);
		emu_set_header(r, "Azure-AsyncOperation", u);
		free(u);
		emu_set_header(r, "Azure-AsyncOperationPercentComplete", "0");
	}
	if (location) {
		u = aml_xasprintf("%s/subscriptions/%s/providers/Microsoft.MachineLearning/"
		    "locations/%s/operationresults/%s?api-version=%s", emu_base,
		    emu_id("subscriptionId"), aml_json_str(op, "location"), op->string, apiver);
		emu_set_header(r, "Location", u);
		free(u);
	}
}

/* The operationsStatus body (REC, all four tests). */
static cJSON *
status_body(const cJSON *op)
{
	cJSON *j = cJSON_CreateObject();
	const char *st = aml_json_str(op, "status");
	int running = strcmp(st, "Running") == 0;
	char t[48], *id, pc[8];

	id = aml_xasprintf("/subscriptions/%s/providers/Microsoft.MachineLearning/locations/"
	    "%s/operationsStatus/%s", emu_id("subscriptionId"), aml_json_str(op, "location"),
	    op->string);
	cJSON_AddStringToObject(j, "id", id);
	free(id);
	cJSON_AddStringToObject(j, "name", op->string);
	cJSON_AddStringToObject(j, "status", running ? "Provisioning" : st);
	emu_time_dotnet(t, sizeof t, getnum(op, "start"));
	cJSON_AddStringToObject(j, "startTime", t);
	if (!running) {
		emu_time_dotnet(t, sizeof t, getnum(op, "end"));
		cJSON_AddStringToObject(j, "endTime", t);
		snprintf(pc, sizeof pc, "1.0");
	} else {
		int64_t dur = getnum(op, "durationMs") * 10000;
		double f = dur > 0 ? (double)(emu_now_100ns() - getnum(op, "start")) / (double)dur : 0;

		f = floor(f * 10) / 10;
		snprintf(pc, sizeof pc, "%.1f", f < 0.1 ? 0.1 : f > 0.9 ? 0.9 : f);
	}
	setnum(j, "percentComplete", pc);
	if (cJSON_GetObjectItemCaseSensitive(op, "error") && !running)
		cJSON_AddItemToObject(j, "error",
		    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(op, "error"), 1));
	return j;
}

/* While it runs, the polls of an operation a fault gave lroRetryAfter
 * say how long to wait. */
static void
retry_after(struct emu_req *r, const cJSON *op)
{
	const cJSON *ra = cJSON_GetObjectItemCaseSensitive(op, "retryAfter");
	char buf[24];

	if (cJSON_IsNumber(ra) && strcmp(aml_json_str(op, "status"), "Running") == 0) {
		snprintf(buf, sizeof buf, "%ld", (long)ra->valuedouble);
		emu_set_header(r, "Retry-After", buf);
	}
}

static cJSON *
find(struct emu_req *r)
{
	cJSON *op;

	/* seg: subscription, location, operation id */
	if (strcasecmp(r->seg[0], emu_id("subscriptionId")))
		return NULL;
	cJSON_ArrayForEach(op, ops())
		if (strcasecmp(op->string, r->seg[2]) == 0)
			return op;
	return NULL;
}

static void
not_found(struct emu_req *r)
{
	char *m = aml_xasprintf("No operation could be found with the provided id: %s.", r->seg[2]);

	emu_arm_rp_error(r, 404, "NotFound", "The specified resource was not found.",
	    "OperationNotFound", m);
	free(m);
}

static void
op_status(struct emu_req *r)
{
	cJSON *op, *j;

	if (emu_arm_begin(r, EMU_API_ML, 1, NULL) < 0)
		return;
	emu_lock();
	emu_lro_settle();
	if (!(op = find(r))) {
		not_found(r);
	} else {
		j = status_body(op);
		emu_answer_pretty(r, 200, j);
		retry_after(r, op);
		cJSON_Delete(j);
	}
	emu_unlock();
}

/* The Location URL of DELETE: 202 while running, then 204, or the
 * operation's error (the recorded client never fetched it). */
static void
op_result(struct emu_req *r)
{
	const char *st;
	char *apiver = NULL, *u;
	cJSON *op, *j;

	if (emu_arm_begin(r, EMU_API_ML, 1, &apiver) < 0)
		return;
	emu_lock();
	emu_lro_settle();
	if (!(op = find(r))) {
		not_found(r);
	} else if (strcmp((st = aml_json_str(op, "status")), "Running") == 0) {
		emu_answer(r, 202, NULL, NULL, 0);
		u = aml_xasprintf("%s%s", emu_base, r->uri);
		emu_set_header(r, "Location", u);
		free(u);
		retry_after(r, op);
	} else if (strcmp(st, "Succeeded") == 0) {
		emu_answer(r, 204, NULL, NULL, 0);
	} else {
		j = cJSON_CreateObject();
		cJSON_AddItemToObject(j, "error",
		    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(op, "error"), 1));
		emu_answer_pretty(r, 500, j);
		cJSON_Delete(j);
	}
	emu_unlock();
	free(apiver);
}

static const struct emu_route routes[] = {
	{ "GET", "/subscriptions/*/providers/Microsoft.MachineLearning/locations/*/"
	    "operationsStatus/*", op_status, &emu_fam_arm },
	{ "GET", "/subscriptions/*/providers/Microsoft.MachineLearning/locations/*/"
	    "operationresults/*", op_result, &emu_fam_arm },
};

static struct emu_module lro = {
	.name = "lro",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
};
EMU_MODULE(lro)
