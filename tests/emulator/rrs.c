/* SPDX-License-Identifier: MIT */
/*
 * rrs.c: the Request-Response Service (notes/retrain-apis.md §2): POST
 * execute with api-version=2.0, rows in and scored rows out, in the two
 * shapes the services take: ColumnNames and Values (details=true adds
 * the column names and types to the answer), or with format=swagger a
 * list of row objects.  It scores with the model the service uses at
 * that moment (studio_target_model), so a retrain-and-update shows.
 * Also swagger.json, which names a service's inputs, outputs and
 * columns.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "studio.h"

/* Member and column names are matched ignoring case, as the service
 * matches them: cJSON_GetObjectItem. */

/* A cell as text: strings as they are, numbers with the text they were
 * sent with, true/false, null as "". */
static char *
cell(const cJSON *c)
{
	if (cJSON_IsString(c) || (cJSON_IsNumber(c) && c->valuestring))
		return aml_xstrdup(c->valuestring);
	if (cJSON_IsNumber(c)) {
		char b[40];

		studio_fmt(b, sizeof b, c->valuedouble);
		return aml_xstrdup(b);
	}
	if (cJSON_IsBool(c))
		return aml_xstrdup(cJSON_IsTrue(c) ? "true" : "false");
	return aml_xstrdup("");
}

/* The input as a table, from either shape; -1 with the error answered. */
static int
table(struct emu_req *r, const cJSON *in, int swagger, struct studio_csv *t)
{
	const cJSON *names, *values, *row, *c;
	size_t i;

	memset(t, 0, sizeof *t);
	if (swagger) {
		if (!cJSON_IsArray(in))
			goto shape;
		cJSON_ArrayForEach(row, in) {
			if (!cJSON_IsObject(row))
				goto shape;
			cJSON_ArrayForEach(c, row) {
				for (i = 0; i < t->ncol && strcmp(t->names[i], c->string); i++)
					;
				if (i == t->ncol) {
					t->names = aml_xreallocarray(t->names, t->ncol + 1, sizeof *t->names);
					t->names[t->ncol++] = aml_xstrdup(c->string);
				}
			}
		}
		t->rows = aml_xcalloc((size_t)cJSON_GetArraySize(in) + 1, sizeof *t->rows);
		cJSON_ArrayForEach(row, in) {
			char **v = aml_xcalloc(t->ncol + 1, sizeof *v);

			for (i = 0; i < t->ncol; i++)
				v[i] = (c = cJSON_GetObjectItem(row, t->names[i])) ? cell(c) : aml_xstrdup("");
			t->rows[t->nrow++] = v;
		}
		return 0;
	}
	names = cJSON_GetObjectItem(in, "ColumnNames");
	values = cJSON_GetObjectItem(in, "Values");
	if (!cJSON_IsObject(in) || !cJSON_IsArray(names) || !cJSON_IsArray(values))
		goto shape;
	cJSON_ArrayForEach(c, names) {
		if (!cJSON_IsString(c))
			goto shape;
		t->names = aml_xreallocarray(t->names, t->ncol + 1, sizeof *t->names);
		t->names[t->ncol++] = aml_xstrdup(c->valuestring);
	}
	t->rows = aml_xcalloc((size_t)cJSON_GetArraySize(values) + 1, sizeof *t->rows);
	cJSON_ArrayForEach(row, values) {
		char **v;

		if (!cJSON_IsArray(row) || (size_t)cJSON_GetArraySize(row) != t->ncol) {
			studio_error(r, "InputParseError", "Parsing of input vector failed.  Verify the "
			    "input vector has the correct number of columns and data types.  Additional "
			    "details: row %zu has %d values for %zu columns.", t->nrow + 1,
			    cJSON_IsArray(row) ? cJSON_GetArraySize(row) : 0, t->ncol);
			return -1;
		}
		v = aml_xcalloc(t->ncol + 1, sizeof *v);
		i = 0;
		cJSON_ArrayForEach(c, row)
			v[i++] = cell(c);
		t->rows[t->nrow++] = v;
	}
	return 0;
shape:
	studio_error(r, "InputParseError", "Parsing of input vector failed.  Verify the input "
	    "vector has the correct number of columns and data types.  Additional details: %s.",
	    swagger ? "input1 must be a list of row objects (format=swagger)" :
	    "input1 must have ColumnNames and Values");
	return -1;
}

static void
free_table(struct studio_csv *t)
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

static int
numeric_col(const struct studio_csv *t, size_t j)
{
	double v;

	for (size_t i = 0; i < t->nrow; i++)
		if (!studio_number(t->rows[i][j], &v))
			return 0;
	return t->nrow > 0;
}

/* Scores into out[i] = {label, probability text}; -1 with the error
 * answered. */
static int
score(struct emu_req *r, const struct studio_model *m, const struct studio_csv *t,
    char ***labels, char ***probs)
{
	size_t n = model_nfeatures(m);
	long *col = aml_xcalloc(n + 1, sizeof *col);
	double *x = aml_xcalloc(n + 1, sizeof *x), p;
	char lab[256], num[40];

	for (size_t j = 0; j < n; j++)
		if ((col[j] = find_col(t, model_feature(m, j))) < 0) {
			studio_error(r, "InputMismatchError", "Input data does not match input port "
			    "schema.  Missing column: %s.", model_feature(m, j));
			free(col), free(x);
			return -1;
		}
	*labels = aml_xcalloc(t->nrow + 1, sizeof **labels);
	*probs = aml_xcalloc(t->nrow + 1, sizeof **probs);
	for (size_t i = 0; i < t->nrow; i++) {
		for (size_t j = 0; j < n; j++)
			if (!studio_number(t->rows[i][col[j]], &x[j])) {
				studio_error(r, "InputParseError", "Parsing of input vector failed.  Verify "
				    "the input vector has the correct number of columns and data types.  "
				    "Additional details: row %zu, column '%s': '%s' is not a number.", i + 1,
				    model_feature(m, j), t->rows[i][col[j]]);
				for (size_t k = 0; k < i; k++)
					free((*labels)[k]), free((*probs)[k]);
				free(*labels), free(*probs), free(col), free(x);
				return -1;
			}
		model_score(m, x, lab, sizeof lab, &p);
		studio_fmt(num, sizeof num, p);
		(*labels)[i] = aml_xstrdup(lab);
		(*probs)[i] = aml_xstrdup(num);
	}
	free(col);
	free(x);
	return 0;
}

static cJSON *
answer_table(const struct studio_model *m, const struct studio_csv *t, char **labels,
    char **probs, int details)
{
	cJSON *o = cJSON_CreateObject(), *out, *v, *a, *row;
	int cls = model_classifier(m);

	out = cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "Results"), "output1");
	cJSON_AddStringToObject(out, "type", "DataTable");
	v = cJSON_AddObjectToObject(out, "value");
	if (details) {
		a = cJSON_AddArrayToObject(v, "ColumnNames");
		for (size_t j = 0; j < t->ncol; j++)
			cJSON_AddItemToArray(a, cJSON_CreateString(t->names[j]));
		cJSON_AddItemToArray(a, cJSON_CreateString("Scored Labels"));
		if (cls)
			cJSON_AddItemToArray(a, cJSON_CreateString("Scored Probabilities"));
		a = cJSON_AddArrayToObject(v, "ColumnTypes");
		for (size_t j = 0; j < t->ncol; j++)
			cJSON_AddItemToArray(a, cJSON_CreateString(numeric_col(t, j) ? "Numeric" : "String"));
		cJSON_AddItemToArray(a, cJSON_CreateString(cls ? "String" : "Numeric"));
		if (cls)
			cJSON_AddItemToArray(a, cJSON_CreateString("Numeric"));
	}
	a = cJSON_AddArrayToObject(v, "Values");
	for (size_t i = 0; i < t->nrow; i++) {
		row = cJSON_CreateArray();
		for (size_t j = 0; j < t->ncol; j++)
			cJSON_AddItemToArray(row, cJSON_CreateString(t->rows[i][j]));
		cJSON_AddItemToArray(row, cJSON_CreateString(labels[i]));
		if (cls)
			cJSON_AddItemToArray(row, cJSON_CreateString(probs[i]));
		cJSON_AddItemToArray(a, row);
	}
	return o;
}

static cJSON *
answer_rows(const struct studio_model *m, const struct studio_csv *t, char **labels,
    char **probs)
{
	cJSON *o = cJSON_CreateObject(), *a, *row;

	a = cJSON_AddArrayToObject(cJSON_AddObjectToObject(o, "Results"), "output1");
	for (size_t i = 0; i < t->nrow; i++) {
		row = cJSON_CreateObject();
		for (size_t j = 0; j < t->ncol; j++)
			cJSON_AddStringToObject(row, t->names[j], t->rows[i][j]);
		cJSON_AddStringToObject(row, "Scored Labels", labels[i]);
		if (model_classifier(m))
			cJSON_AddStringToObject(row, "Scored Probabilities", probs[i]);
		cJSON_AddItemToArray(a, row);
	}
	return o;
}

static void
execute(struct emu_req *r)
{
	struct studio_target tg;
	struct studio_csv t = { 0 };
	struct studio_model *m = NULL;
	struct aml_jerr e;
	cJSON *req = NULL, *o;
	const cJSON *inputs, *in, *g, *c;
	char *fmt = emu_query(r, "format"), *det = emu_query(r, "details");
	char **labels = NULL, **probs = NULL, *why = NULL;
	int swagger = fmt && strcasecmp(fmt, "swagger") == 0;
	int details = det && strcasecmp(det, "true") == 0;

	emu_lock();
	if (studio_exec_begin(r, &tg, STUDIO_VERSION) < 0)
		goto done;
	if (studio_training(&tg)) {
		studio_error(r, "IncompatibleModel", "The model is incompatible with the request "
		    "version. The request version only supports single datatable output models.");
		goto done;
	}
	if (!(req = aml_json_parse(r->body, r->bodylen, &e)) || !cJSON_IsObject(req)) {
		studio_error(r, "RequestBodyInvalid", NULL);
		goto done;
	}
	inputs = cJSON_GetObjectItem(req, "Inputs");
	if (!cJSON_IsObject(inputs) || !inputs->child) {
		studio_error(r, "MissingRequestInput", NULL);
		goto done;
	}
	cJSON_ArrayForEach(c, inputs)
		if (strcmp(c->string, "input1") != 0) {
			studio_error(r, "InvalidInputNames", "Invalid service input name(s) specified in "
			    "the request: %s. Please map the input data to the correct service inputs and "
			    "try again.", c->string);
			goto done;
		}
	in = cJSON_GetObjectItem(inputs, "input1");
	g = cJSON_GetObjectItem(req, "GlobalParameters");
	if (g && !cJSON_IsNull(g) && (!cJSON_IsObject(g) || g->child)) {
		studio_error(r, "UnexpectedParameter", NULL);
		goto done;
	}
	if (table(r, in, swagger, &t) < 0)
		goto done;
	if (!(m = studio_target_model(&tg, &why))) {
		studio_error(r, "ResourceDownload", "Could not load the trained model: %s.", why);
		goto done;
	}
	if (score(r, m, &t, &labels, &probs) < 0)
		goto done;
	o = swagger ? answer_rows(m, &t, labels, probs) : answer_table(m, &t, labels, probs, details);
	emu_answer_json(r, 200, o);
	cJSON_Delete(o);
	for (size_t i = 0; i < t.nrow; i++)
		free(labels[i]), free(probs[i]);
	free(labels);
	free(probs);
done:
	emu_unlock();
	free_table(&t);
	model_free(m);
	cJSON_Delete(req);
	free(why);
	free(fmt);
	free(det);
}

/* ---- swagger.json --------------------------------------------------- */

static cJSON *
ref(const char *to)
{
	cJSON *o = cJSON_CreateObject();
	char *s = aml_xasprintf("#/definitions/%s", to);

	cJSON_AddStringToObject(o, "$ref", s);
	free(s);
	return o;
}

static void
op(cJSON *paths, const char *path, const char *verb, const char *id, const char *summary)
{
	cJSON *p = cJSON_GetObjectItemCaseSensitive(paths, path), *o, *sec;

	if (!p)
		p = cJSON_AddObjectToObject(paths, path);
	o = cJSON_AddObjectToObject(p, verb);
	cJSON_AddStringToObject(o, "summary", summary);
	cJSON_AddStringToObject(o, "operationId", id);
	sec = cJSON_AddArrayToObject(o, "security");
	cJSON_AddItemToArray(sec, cJSON_CreateObject());
	cJSON_AddArrayToObject(cJSON_GetArrayItem(sec, 0), "api_key");
}

static void
swagger(struct emu_req *r)
{
	struct studio_target tg;
	const cJSON *tr;
	cJSON *o, *info, *paths, *defs, *d, *props, *sd;
	char *base;
	const char *host;

	emu_lock();
	if (studio_exec_begin(r, &tg, STUDIO_NOAUTH) < 0)
		goto done;
	tr = studio_training(&tg);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "swagger", "2.0");
	info = cJSON_AddObjectToObject(o, "info");
	cJSON_AddStringToObject(info, "version", "2.0");
	cJSON_AddStringToObject(info, "title", tg.svc ? aml_json_str(tg.svc, "Name") : "web service");
	cJSON_AddStringToObject(info, "description", tg.svc ? aml_json_str(tg.svc, "Description") : "");
	if (tg.ep)
		cJSON_AddStringToObject(info, "x-endpoint-name", aml_json_str(tg.ep, "Name"));
	host = strstr(emu_base, "://") + 3;
	cJSON_AddStringToObject(o, "host", host);
	base = aml_xstrndup(r->path, strlen(r->path) - strlen("/swagger.json"));
	cJSON_AddStringToObject(o, "basePath", base);
	free(base);
	cJSON_AddItemToObject(o, "schemes", cJSON_CreateStringArray((const char *[]){
	    emu_cfg.tls ? "https" : "http" }, 1));
	paths = cJSON_AddObjectToObject(o, "paths");
	if (!tr)
		op(paths, "/execute?api-version=2.0&format=swagger", "post", "execute",
		    "Execute the web service and get a response synchronously");
	op(paths, "/jobs?api-version=2.0", "post", "submitjob",
	    "Submit an asynchronous job to execute the web service");
	op(paths, "/jobs/{jobId}?api-version=2.0", "get", "getjobstatus", "Get the status for a give job");
	op(paths, "/jobs/{jobId}?api-version=2.0", "delete", "canceljob", "Cancel a job");
	op(paths, "/jobs/{jobId}/start?api-version=2.0", "post", "startjob", "Start running a job");
	defs = cJSON_AddObjectToObject(o, "definitions");
	d = cJSON_AddObjectToObject(defs, "BatchInputs");
	cJSON_AddStringToObject(d, "title", "Batch inputs defintion");
	props = cJSON_AddObjectToObject(d, "properties");
	cJSON_AddItemToObject(props, "input1", ref("AzureBlobDataReference"));
	cJSON_AddStringToObject(d, "type", "object");
	d = cJSON_AddObjectToObject(defs, "BatchOutputs");
	cJSON_AddStringToObject(d, "title", "Batch outputs defintion");
	props = cJSON_AddObjectToObject(d, "properties");
	cJSON_AddItemToObject(props, "output1", ref("AzureBlobDataReference"));
	if (tr)
		cJSON_AddItemToObject(props, "output2", ref("AzureBlobDataReference"));
	cJSON_AddStringToObject(d, "type", "object");
	d = cJSON_AddObjectToObject(defs, "AzureBlobDataReference");
	props = cJSON_AddObjectToObject(d, "properties");
	for (int i = 0; i < 4; i++) {
		static const char *const k[] = { "BaseLocation", "ConnectionString",
			"RelativeLocation", "SasBlobToken" };

		sd = cJSON_AddObjectToObject(props, k[i]);
		cJSON_AddStringToObject(sd, "type", "string");
	}
	if (tr) {
		d = cJSON_AddObjectToObject(defs, "x-aml-outputs");
		cJSON_AddStringToObject(d, "output1", "Trained model (.ilearner)");
		cJSON_AddStringToObject(d, "output2", "Evaluation results (.csv)");
	}
	emu_answer_json(r, 200, o);
	cJSON_Delete(o);
done:
	emu_unlock();
}

#define WSV "/workspaces/*/services/*"
#define SSV "/subscriptions/*/services/*"

static const struct emu_route routes[] = {
	{ "POST", WSV "/execute", execute, &studio_fam_exec },
	{ "POST", SSV "/execute", execute, &studio_fam_exec },
	{ "GET", WSV "/swagger.json", swagger, &studio_fam_exec },
	{ "GET", SSV "/swagger.json", swagger, &studio_fam_exec },
};

static struct emu_module rrsmod = {
	.name = "rrs",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
};
EMU_MODULE(rrsmod)
