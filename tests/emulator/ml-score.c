/* SPDX-License-Identifier: MIT */
/*
 * ml-score.c: the scoring URI of every online endpoint (notes/aml2-endpoints.md §9), on
 * the emulator's own port: {base}/online/{endpoint}/score.  A request
 * carries "Authorization: Bearer" with what the endpoint's authMode
 * takes (a key, an AML token from POST .../token, or an Entra token for
 * https://ml.azure.com); it goes to the deployment the
 * azureml-model-deployment header names, else to one the traffic
 * weights choose, by smooth weighted round robin so that a split is
 * exact and repeatable; it is scored with the model version that
 * deployment serves, and the answer says which deployment served it.
 *
 * Rows come as MLflow's and az ml invoke's {"input_data": {"columns",
 * "index", "data"}}, as {"input_data" or "data" or "dataframe_records":
 * [{column: value}]}, as {"data": [[...]]} (values in the model's
 * feature order) or as a bare [{column: value}]; the answer is a JSON
 * array of predictions.  A request the model cannot score is what the
 * model's container answers 400 to, which the service passes on as
 * 424 with ms-azureml-model-error-statuscode and -reason.  A
 * deployment's scoringFault (POST /_emu/ml/scoring) makes it answer
 * 424, 408 or 429 until it is cleared.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "ml.h"

#define NO_DEPLOYMENT "No valid deployments to route to. Please check that the endpoint " \
	"has at least one deployment with positive weight values or use a deployment " \
	"specific header to route."

/* ---- answers -------------------------------------------------------- */

static void
headers(struct emu_req *r)
{
	emu_set_header(r, "x-ms-request-id", r->reqid);
	emu_set_header(r, "x-request-id", r->reqid);
}

static void
fail(struct emu_req *r, int status, const char *code, const char *msg)
{
	emu_answer_error(r, status, code, msg);
	headers(r);
}

/* What the model's container said, passed on as 424. */
static void
model_error(struct emu_req *r, const cJSON *d, int status, const char *reason)
{
	char buf[16];

	snprintf(buf, sizeof buf, "%d", status);
	fail(r, 424, "ModelError", "The model's container answered with an error; see "
	    "ms-azureml-model-error-statuscode and ms-azureml-model-error-reason.");
	emu_set_header(r, "ms-azureml-model-error-statuscode", buf);
	emu_set_header(r, "ms-azureml-model-error-reason", reason);
	emu_set_header(r, "azureml-model-deployment", aml_json_str(d, "name"));
}

/* ---- who may call --------------------------------------------------- */

static int
same(const char *a, const char *b)
{
	size_t n = strlen(a);

	return b && n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

/* 0 when the bearer is what the endpoint's authMode takes; else -1
 * with the 401 answered. */
static int
authorized(struct emu_req *r, const cJSON *ep, const char *mode)
{
	const char *tok = studio_bearer(r);
	const cJSON *keys = cJSON_GetObjectItemCaseSensitive(ep, "keys"), *t;
	char *why = NULL, *m;
	int ok = 0;

	if (!tok || !*tok) {
		fail(r, 401, "Unauthorized", "An authentication header with a bearer key or "
		    "token is required.");
		return -1;
	}
	if (strcmp(mode, "Key") == 0) {
		ok = same(tok, aml_json_str(keys, "primaryKey")) ||
		    same(tok, aml_json_str(keys, "secondaryKey"));
		if (!ok)
			why = aml_xstrdup("the key is not one of the endpoint's keys");
	} else if (strcmp(mode, "AMLToken") == 0) {
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(ep, "tokens"))
			if (same(tok, aml_json_str(t, "token"))) {
				double exp = 0;

				aml_json_num(t, "exp", &exp);
				ok = (double)emu_now() < exp;
				if (!ok)
					why = aml_xstrdup("the token has expired");
			}
		if (!ok && !why)
			why = aml_xstrdup("the token is not one the endpoint issued");
	} else {
		ok = emu_entra_token_ok(tok, "https://ml.azure.com", &why) == 0;
	}
	if (ok)
		return 0;
	m = aml_xasprintf("Unauthorized (authMode %s): %s.", mode, why);
	fail(r, 401, "Unauthorized", m);
	emu_set_header(r, "WWW-Authenticate", "Bearer");
	free(m);
	free(why);
	return -1;
}

/* ---- which deployment ----------------------------------------------- */

/* Smooth weighted round robin (nginx's): every pick adds each weight to
 * its deployment's current value and takes the largest, which then
 * gives back the total.  The current values live in the endpoint. */
static cJSON *
pick(cJSON *ep)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ep,
	    "live"), "traffic"), *w;
	cJSON *rr = emu_obj(ep, "rr"), *best = NULL, *d;
	double total = 0, bestv = 0;

	cJSON_ArrayForEach(w, t) {
		double cur = 0;
		cJSON *c;

		if (!cJSON_IsNumber(w) || w->valuedouble <= 0 || !ml_deployment(ep, w->string))
			continue;
		aml_json_num(rr, w->string, &cur);
		cur += w->valuedouble;
		total += w->valuedouble;
		c = cJSON_CreateNumber(cur);
		ml_set(rr, w->string, c);
		if (!best || cur > bestv) {
			best = c;
			bestv = cur;
		}
	}
	if (!best)
		return NULL;
	d = ml_deployment(ep, best->string);
	ml_set(rr, best->string, cJSON_CreateNumber(bestv - total));
	emu_changed();
	return d;
}

/* ---- rows ----------------------------------------------------------- */

static char *
cell(const cJSON *c)
{
	char b[40];

	if (cJSON_IsString(c) || (cJSON_IsNumber(c) && c->valuestring))
		return aml_xstrdup(c->valuestring);
	if (cJSON_IsNumber(c)) {
		studio_fmt(b, sizeof b, c->valuedouble);
		return aml_xstrdup(b);
	}
	if (cJSON_IsBool(c))
		return aml_xstrdup(cJSON_IsTrue(c) ? "true" : "false");
	return aml_xstrdup("");
}

static void
add_name(struct studio_csv *t, const char *n)
{
	for (size_t i = 0; i < t->ncol; i++)
		if (strcmp(t->names[i], n) == 0)
			return;
	t->names = aml_xreallocarray(t->names, t->ncol + 1, sizeof *t->names);
	t->names[t->ncol++] = aml_xstrdup(n);
}

static void
add_row(struct studio_csv *t, char **v)
{
	t->rows = aml_xreallocarray(t->rows, t->nrow + 1, sizeof *t->rows);
	t->rows[t->nrow++] = v;
}

static void
table_free(struct studio_csv *t)
{
	for (size_t i = 0; i < t->nrow; i++) {
		for (size_t j = 0; j < t->ncol; j++)
			free(t->rows[i][j]);
		free(t->rows[i]);
	}
	free(t->rows);
	for (size_t j = 0; j < t->ncol; j++)
		free(t->names[j]);
	free(t->names);
	memset(t, 0, sizeof *t);
}

/* [{column: value}, ...] */
static int
records(const cJSON *a, struct studio_csv *t, char **why)
{
	const cJSON *row, *c;

	cJSON_ArrayForEach(row, a) {
		if (!cJSON_IsObject(row)) {
			*why = aml_xstrdup("every row must be an object of column names to values");
			return -1;
		}
		cJSON_ArrayForEach(c, row)
			add_name(t, c->string);
	}
	cJSON_ArrayForEach(row, a) {
		char **v = aml_xcalloc(t->ncol + 1, sizeof *v);

		for (size_t j = 0; j < t->ncol; j++)
			v[j] = (c = cJSON_GetObjectItemCaseSensitive(row, t->names[j])) ? cell(c) :
			    aml_xstrdup("");
		add_row(t, v);
	}
	return 0;
}

/* {"columns": [...], "data": [[...]]}, or data alone in the model's
 * feature order. */
static int
split(const cJSON *cols, const cJSON *data, const struct studio_model *m,
    struct studio_csv *t, char **why)
{
	const cJSON *c, *row;

	if (!cJSON_IsArray(data)) {
		*why = aml_xstrdup("\"data\" must be an array of rows");
		return -1;
	}
	if (cols) {
		if (!cJSON_IsArray(cols)) {
			*why = aml_xstrdup("\"columns\" must be an array of names");
			return -1;
		}
		cJSON_ArrayForEach(c, cols) {
			if (!cJSON_IsString(c)) {
				*why = aml_xstrdup("\"columns\" must be an array of names");
				return -1;
			}
			t->names = aml_xreallocarray(t->names, t->ncol + 1, sizeof *t->names);
			t->names[t->ncol++] = aml_xstrdup(c->valuestring);
		}
	} else {
		for (size_t j = 0; j < model_nfeatures(m); j++)
			add_name(t, model_feature(m, j));
	}
	cJSON_ArrayForEach(row, data) {
		char **v;
		size_t j = 0;

		if (!cJSON_IsArray(row) || (size_t)cJSON_GetArraySize(row) != t->ncol) {
			*why = aml_xasprintf("row %zu must be an array of %zu values%s", t->nrow + 1,
			    t->ncol, cols ? "" : " (the model's features, in order)");
			return -1;
		}
		v = aml_xcalloc(t->ncol + 1, sizeof *v);
		cJSON_ArrayForEach(c, row)
			v[j++] = cell(c);
		add_row(t, v);
	}
	return 0;
}

static int
rows_of(const cJSON *req, const struct studio_model *m, struct studio_csv *t, char **why)
{
	const cJSON *in;

	memset(t, 0, sizeof *t);
	if (cJSON_IsArray(req))
		return records(req, t, why);
	if (!cJSON_IsObject(req))
		goto shape;
	if ((in = cJSON_GetObjectItemCaseSensitive(req, "input_data")) ||
	    (in = cJSON_GetObjectItemCaseSensitive(req, "dataframe_split"))) {
		if (cJSON_IsArray(in))
			return records(in, t, why);
		if (cJSON_IsObject(in))
			return split(cJSON_GetObjectItemCaseSensitive(in, "columns"),
			    cJSON_GetObjectItemCaseSensitive(in, "data"), m, t, why);
		goto shape;
	}
	if ((in = cJSON_GetObjectItemCaseSensitive(req, "dataframe_records"))) {
		if (cJSON_IsArray(in))
			return records(in, t, why);
		goto shape;
	}
	if ((in = cJSON_GetObjectItemCaseSensitive(req, "data"))) {
		if (cJSON_IsArray(in) && cJSON_IsObject(in->child))
			return records(in, t, why);
		return split(cJSON_GetObjectItemCaseSensitive(req, "columns"), in, m, t, why);
	}
shape:
	*why = aml_xstrdup("the request must hold input_data, data or a list of rows");
	return -1;
}

static long
find_col(const struct studio_csv *t, const char *name)
{
	for (size_t j = 0; j < t->ncol; j++)
		if (strcmp(t->names[j], name) == 0)
			return (long)j;
	for (size_t j = 0; j < t->ncol; j++)
		if (strcasecmp(t->names[j], name) == 0)
			return (long)j;
	return -1;
}

static cJSON *
predict(const struct studio_model *m, const struct studio_csv *t, char **why)
{
	size_t n = model_nfeatures(m);
	long *col = aml_xcalloc(n + 1, sizeof *col);
	double *x = aml_xcalloc(n + 1, sizeof *x), p;
	cJSON *out = NULL;
	char lab[256];

	for (size_t j = 0; j < n; j++)
		if ((col[j] = find_col(t, model_feature(m, j))) < 0) {
			*why = aml_xasprintf("column '%s', a feature of the model, is missing",
			    model_feature(m, j));
			goto done;
		}
	out = cJSON_CreateArray();
	for (size_t i = 0; i < t->nrow; i++) {
		for (size_t j = 0; j < n; j++)
			if (!studio_number(t->rows[i][col[j]], &x[j])) {
				*why = aml_xasprintf("row %zu, column '%s': '%s' is not a number",
				    i + 1, model_feature(m, j), t->rows[i][col[j]]);
				cJSON_Delete(out);
				out = NULL;
				goto done;
			}
		model_score(m, x, lab, sizeof lab, &p);
		if (model_classifier(m)) {
			cJSON_AddItemToArray(out, cJSON_CreateString(lab));
		} else {
			cJSON *num = cJSON_CreateNumber(p);

			num->valuestring = aml_xstrdup(lab);
			cJSON_AddItemToArray(out, num);
		}
	}
done:
	free(col);
	free(x);
	return out;
}

static struct studio_model *
load(const cJSON *d, char **why)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(d, "serving");
	const char *a = aml_json_str(s, "account"), *c = aml_json_str(s, "container");
	const char *p = aml_json_str(s, "path");
	struct studio_model *m;
	unsigned char *data;
	size_t len;

	if (!a || !c || !p) {
		*why = aml_xstrdup("the deployment has no model");
		return NULL;
	}
	if (blob_get(a, c, p, &data, &len) < 0) {
		*why = aml_xasprintf("the model file %s is gone", p);
		return NULL;
	}
	m = model_load(data, len, why);
	free(data);
	return m;
}

/* ---- scoring -------------------------------------------------------- */

static int
faulted(struct emu_req *r, const cJSON *d)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(d, "scoringFault");
	double st = 0, ms = 500;
	const char *reason = aml_json_str(f, "reason");

	if (!f || aml_json_num(f, "status", &st) < 0)
		return 0;
	if (st == 424) {
		aml_json_num(f, "modelStatusCode", &ms);
		model_error(r, d, (int)ms, reason ? reason : "An unexpected error occurred in "
		    "the scoring script.");
		return 1;
	}
	if (st == 408)
		fail(r, 408, "RequestTimeout", reason ? reason : "The request timed out: the "
		    "model took longer than requestSettings.requestTimeout.");
	else
		fail(r, 429, "TooManyRequests", reason ? reason : "Too many pending requests: "
		    "the deployment is at its maxConcurrentRequestsPerInstance.");
	emu_set_header(r, "azureml-model-deployment", aml_json_str(d, "name"));
	return 1;
}

static void
score(struct emu_req *r)
{
	const char *pin = emu_header(r, "azureml-model-deployment");
	struct studio_csv t = { 0 };
	struct studio_model *m = NULL;
	struct aml_jerr e;
	cJSON *ws, *ep, *d, *req = NULL, *out;
	const cJSON *live;
	char *why = NULL, *msg;

	emu_lock();
	ml_settle();
	if (!(ep = ml_endpoint_anywhere(r->seg[0], &ws))) {
		msg = aml_xasprintf("No online endpoint is named '%s'.", r->seg[0]);
		fail(r, 404, "NotFound", msg);
		free(msg);
		goto out;
	}
	if (!(live = cJSON_GetObjectItemCaseSensitive(ep, "live"))) {
		fail(r, 404, "NotFound", NO_DEPLOYMENT);
		goto out;
	}
	if (authorized(r, ep, aml_json_str(live, "authMode")) < 0)
		goto out;
	if (pin && *pin) {
		if (!(d = ml_deployment(ep, pin))) {
			msg = aml_xasprintf("Deployment '%s' of endpoint '%s' does not exist "
			    "(azureml-model-deployment).", pin, aml_json_str(ep, "name"));
			fail(r, 404, "NotFound", msg);
			free(msg);
			goto out;
		}
	} else if (!(d = pick(ep))) {
		fail(r, 404, "NotFound", NO_DEPLOYMENT);
		goto out;
	}
	if (!cJSON_GetObjectItemCaseSensitive(d, "serving")) {
		msg = aml_xasprintf("Deployment '%s' is %s and serves nothing yet.",
		    aml_json_str(d, "name"), aml_json_str(d, "state"));
		fail(r, 503, "ServiceUnavailable", msg);
		free(msg);
		goto out;
	}
	if (faulted(r, d))
		goto out;
	if (!(m = load(d, &why))) {
		model_error(r, d, 500, why);
		goto out;
	}
	if (!(req = aml_json_parse(r->body, r->bodylen, &e))) {
		msg = aml_xasprintf("the request is not JSON: %s", e.msg);
		model_error(r, d, 400, msg);
		free(msg);
		goto out;
	}
	if (rows_of(req, m, &t, &why) < 0 || !(out = predict(m, &t, &why))) {
		model_error(r, d, 400, why);
		goto out;
	}
	emu_answer_json(r, 200, out);
	cJSON_Delete(out);
	headers(r);
	emu_set_header(r, "azureml-model-deployment", aml_json_str(d, "name"));
out:
	emu_unlock();
	table_free(&t);
	model_free(m);
	cJSON_Delete(req);
	free(why);
}

static void
swagger(struct emu_req *r)
{
	cJSON *ws, *ep, *j, *o;
	char *s;

	emu_lock();
	ml_settle();
	if (!(ep = ml_endpoint_anywhere(r->seg[0], &ws))) {
		s = aml_xasprintf("No online endpoint is named '%s'.", r->seg[0]);
		fail(r, 404, "NotFound", s);
		free(s);
		emu_unlock();
		return;
	}
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "openapi", "3.0.1");
	o = cJSON_AddObjectToObject(j, "info");
	cJSON_AddStringToObject(o, "title", aml_json_str(ep, "name"));
	cJSON_AddStringToObject(o, "version", "1.0");
	o = cJSON_AddObjectToObject(cJSON_AddObjectToObject(cJSON_AddObjectToObject(j, "paths"),
	    "/score"), "post");
	cJSON_AddStringToObject(o, "description", "Score rows with the model of the deployment "
	    "the traffic (or azureml-model-deployment) chooses; the answer is a JSON array of "
	    "predictions.");
	emu_unlock();
	emu_answer_json(r, 200, j);
	headers(r);
	cJSON_Delete(j);
}

/* ---- control: POST /_emu/ml/scoring ---------------------------------- */

/* {"endpoint", "deployment", "status": 424|408|429|0, "modelStatusCode",
 * "reason"}: the deployment answers so until status 0 clears it. */
static void
scoring_fault(struct emu_req *r)
{
	cJSON *j, *ws, *ep, *d, *f;
	const char *en, *dn, *reason;
	double st = -1, ms = 500;

	if (!emu_control_local(r) || !(j = emu_control_body(r)))
		return;
	en = aml_json_str(j, "endpoint");
	dn = aml_json_str(j, "deployment");
	reason = aml_json_str(j, "reason");
	aml_json_num(j, "status", &st);
	aml_json_num(j, "modelStatusCode", &ms);
	if (!en || !dn || (st != 0 && st != 424 && st != 408 && st != 429) ||
	    !(ms >= 100 && ms <= 599)) {
		emu_answer_error(r, 400, "InvalidRequest", "give \"endpoint\", \"deployment\" and "
		    "\"status\" 424, 408, 429 or 0 (and for 424 \"modelStatusCode\" 100 to 599), "
		    "\"reason\" optional");
		cJSON_Delete(j);
		return;
	}
	emu_lock();
	if (!(ep = ml_endpoint_anywhere(en, &ws)) || !(d = ml_deployment(ep, dn))) {
		emu_unlock();
		emu_answer_error(r, 404, "NotFound", "no such endpoint or deployment");
		cJSON_Delete(j);
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(d, "scoringFault");
	if (st != 0) {
		f = cJSON_AddObjectToObject(d, "scoringFault");
		cJSON_AddNumberToObject(f, "status", st);
		cJSON_AddNumberToObject(f, "modelStatusCode", ms);
		if (reason)
			cJSON_AddStringToObject(f, "reason", reason);
	}
	emu_changed();
	emu_unlock();
	emu_answer(r, 204, NULL, NULL, 0);
	cJSON_Delete(j);
}

static const struct emu_route routes[] = {
	{ "POST", "/online/*/score", score, &emu_fam_plain },
	{ "GET", "/online/*/swagger.json", swagger, &emu_fam_plain },
	{ "POST", "/_emu/ml/scoring", scoring_fault, &emu_fam_plain },
};

static struct emu_module scoremod = {
	.name = "ml-score",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
};
EMU_MODULE(scoremod)
