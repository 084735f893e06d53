/* SPDX-License-Identifier: MIT */
/*
 * ml-jobs.c: command jobs (notes/aml2-endpoints.md §6).  PUT is synchronous (201, then 200
 * with only the tags changed); the status walks NotStarted, Queued,
 * Running over /_emu/ml's jobMs on the emulator's clock and ends
 * Completed or Failed; a hold of kind "job" keeps a job Running (or
 * CancelRequested) until it is lifted.  Cancel answers 202 with
 * Location: CancelRequested, then Canceled.
 *
 * A job really trains, with train.c's trainer: its inputs.training_data
 * (uri_file: an azureml://datastores/ path or a blob URL of this
 * emulator) is read from the blob store, the label is the literal input
 * label_column (or label), else the last column, and the model is
 * written to the output model_output (else the first asset output) in
 * the workspace's datastore, at azureml/{job}/{output}/ unless the
 * output names a datastore path, and to the reserved output artifacts
 * under model/.  A job that cannot train ends Failed, and says why in
 * properties.error (a member of the emulator's own: the service keeps
 * the reason in the run's history, which it does not serve).
 *
 * A job record: {"name", "props", "status", "start", "created",
 * "modified", "outputPaths": {output: datastore path}, "error"}.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ml.h"

static const char *const input_types[] = {
	"literal", "uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model",
	"triton_model",
};
static const char *const output_types[] = {
	"uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model",
};

static cJSON *
jobs(const cJSON *ws)
{
	return cJSON_GetObjectItemCaseSensitive(ws, "jobs");
}

cJSON *
ml_job(const cJSON *ws, const char *name)
{
	char *k = ml_lower(name);
	cJSON *j = cJSON_GetObjectItemCaseSensitive(jobs(ws), k);

	free(k);
	return j;
}

static int
terminal(const char *st)
{
	return !strcmp(st, "Completed") || !strcmp(st, "Failed") || !strcmp(st, "Canceled");
}

static int
one_of(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, v[i]) == 0)
			return 1;
	return 0;
}

char *
ml_job_output(const cJSON *ws, const char *name, const char *output, char **why)
{
	cJSON *j = ml_job(ws, name);
	const char *st, *p;

	if (!j) {
		*why = aml_xasprintf("job '%s' does not exist in workspace '%s'", name,
		    aml_json_str(ws, "name"));
		return NULL;
	}
	if (strcmp((st = aml_json_str(j, "status")), "Completed")) {
		*why = aml_xasprintf("job '%s' is %s, not Completed", name, st);
		return NULL;
	}
	if (!(p = aml_json_str(cJSON_GetObjectItemCaseSensitive(j, "outputPaths"), output))) {
		*why = aml_xasprintf("job '%s' has no output '%s'", name, output);
		return NULL;
	}
	return aml_xstrdup(p);
}

/* ---- training ------------------------------------------------------- */

static const char *
literal(const cJSON *inputs, const char *name)
{
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(inputs, name);
	const char *t = aml_json_str(in, "jobInputType");

	return t && strcmp(t, "literal") == 0 ? aml_json_str(in, "value") : NULL;
}

/* The training set of the job: its CSV text, or NULL with why. */
static char *
training_data(const cJSON *ws, const cJSON *inputs, size_t *len, char **source, char **why)
{
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(inputs, "training_data");
	const char *t = aml_json_str(in, "jobInputType"), *uri = aml_json_str(in, "uri");
	char *a, *c, *p;
	unsigned char *d = NULL;

	if (!in) {
		*why = aml_xstrdup("the job has no input training_data, the uri_file of CSV "
		    "data the trainer reads");
		return NULL;
	}
	if (!t || strcmp(t, "uri_file") || !uri) {
		*why = aml_xstrdup("input training_data must be a uri_file with a uri");
		return NULL;
	}
	if (ml_datastore_split(ws, uri, &a, &c, &p, why) < 0) {
		char *w = *why;

		*why = aml_xasprintf("input training_data: %s", w);
		free(w);
		return NULL;
	}
	if (blob_get(a, c, p, &d, len) < 0)
		*why = aml_xasprintf("input training_data: no file at '%s'", uri);
	else
		*source = aml_xstrdup(uri);
	free(a), free(c), free(p);
	return (char *)d;
}

/* The output that holds the model: model_output, else the first asset
 * output; NULL when there is none. */
static const cJSON *
model_output(const cJSON *outputs)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(outputs, "model_output");

	if (o)
		return o;
	cJSON_ArrayForEach(o, outputs)
		return o;
	return NULL;
}

static void
write_model(cJSON *ws, cJSON *job, const cJSON *out, const char *model)
{
	const char *cont = ml_datastore_container(ws), *name = aml_json_str(job, "name");
	const char *uri = aml_json_str(out, "uri"), *type = aml_json_str(out, "jobOutputType");
	cJSON *paths = emu_obj(job, "outputPaths");
	char *a = NULL, *c = NULL, *p = NULL, *why = NULL, *file;

	if (!uri || ml_datastore_split(ws, uri, &a, &c, &p, &why) < 0 || strcmp(c, cont)) {
		free(p);
		p = aml_xasprintf("azureml/%s/%s", name, out->string);
		if (type && !strcmp(type, "uri_file")) {
			file = aml_xasprintf("%s/%s", p, ML_MODEL_FILE);
			free(p);
			p = file;
		}
	}
	file = type && !strcmp(type, "uri_file") ? aml_xstrdup(p) :
	    aml_xasprintf("%s/%s", p, ML_MODEL_FILE);
	blob_put(STUDIO_ACCOUNT, cont, file, model, strlen(model), "application/json");
	ml_set_str(paths, out->string, p);
	free(file), free(a), free(c), free(p), free(why);
}

/* Run the job now: Completed with its model written, or Failed. */
static void
finish(cJSON *ws, cJSON *job, int seeding)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(job, "props");
	const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(props, "inputs");
	const cJSON *outputs = cJSON_GetObjectItemCaseSensitive(props, "outputs"), *out;
	char *csv = NULL, *why = NULL, *model = NULL, *source = NULL, *art;
	const char *label;
	struct studio_csv t;
	size_t len = 0;
	cJSON *e;

	if ((!seeding && ml_take_failure(&why)) || !(csv = training_data(ws, inputs, &len, &source, &why)))
		goto failed;
	if (studio_csv_parse(csv, len, &t, &why) < 0) {
		char *w = why;

		why = aml_xasprintf("input training_data: %s", w);
		free(w);
		goto failed;
	}
	label = literal(inputs, "label_column");
	if (!label)
		label = literal(inputs, "label");
	if (!label)
		label = t.names[t.ncol - 1];
	model = train_fit(&t, label, source, (const unsigned char *)csv, len, &why);
	studio_csv_free(&t);
	if (!model)
		goto failed;
	if ((out = model_output(outputs)))
		write_model(ws, job, out, model);
	art = aml_xasprintf("ExperimentRun/dcid.%s", aml_json_str(job, "name"));
	{
		char *file = aml_xasprintf("%s/model/%s", art, ML_MODEL_FILE);

		blob_put(STUDIO_ACCOUNT, ml_datastore_container(ws), file, model, strlen(model),
		    "application/json");
		free(file);
	}
	ml_set_str(emu_obj(job, "outputPaths"), "artifacts", art);
	free(art);
	ml_set_str(job, "status", "Completed");
	goto out;
failed:
	ml_set_str(job, "status", "Failed");
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "code", "UserError");
	cJSON_AddStringToObject(e, "message", why);
	ml_set(job, "error", e);
out:
	ml_touch(job, 0);
	emu_changed();
	free(csv);
	free(model);
	free(source);
	free(why);
}

void
ml_jobs_settle(cJSON *ws)
{
	int64_t now = emu_now_ms();
	cJSON *job;

	cJSON_ArrayForEach(job, jobs(ws)) {
		const char *st = aml_json_str(job, "status"), *want;
		double start;
		int64_t el, t = ml_cfg.job_ms;

		if (terminal(st) || strcmp(st, "CancelRequested") == 0 ||
		    aml_json_num(job, "start", &start) < 0)
			continue;
		el = now - (int64_t)start;
		if (el >= t && !emu_held("job", aml_json_str(job, "name"))) {
			finish(ws, job, 0);
			continue;
		}
		want = el >= t / 2 ? "Running" : el >= t / 4 ? "Queued" : "NotStarted";
		if (strcmp(st, want)) {
			ml_set_str(job, "status", want);
			emu_changed();
		}
	}
}

/* ---- rendering ------------------------------------------------------ */

static cJSON *
job_json(const cJSON *ws, const cJSON *job, void *cls)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(job, "props"), *x;
	cJSON *j = cJSON_CreateObject(), *p;
	char *w = ml_ws_id(ws), *id = aml_xasprintf("%s/jobs/%s", w, aml_json_str(job, "name"));

	(void)cls;
	cJSON_AddStringToObject(j, "id", id);
	cJSON_AddStringToObject(j, "name", aml_json_str(job, "name"));
	cJSON_AddStringToObject(j, "type", ML_WS_TYPE "/jobs");
	p = cJSON_Duplicate(props, 1);
	cJSON_AddItemToObject(j, "properties", p);
	if (!cJSON_GetObjectItemCaseSensitive(p, "displayName"))
		cJSON_AddStringToObject(p, "displayName", aml_json_str(job, "name"));
	if (!cJSON_GetObjectItemCaseSensitive(p, "experimentName"))
		cJSON_AddStringToObject(p, "experimentName", "Default");
	if (!cJSON_GetObjectItemCaseSensitive(p, "tags"))
		cJSON_AddItemToObject(p, "tags", cJSON_CreateObject());
	if (!cJSON_GetObjectItemCaseSensitive(p, "properties"))
		cJSON_AddItemToObject(p, "properties", cJSON_CreateObject());
	if (!cJSON_GetObjectItemCaseSensitive(p, "isArchived"))
		cJSON_AddFalseToObject(p, "isArchived");
	cJSON_AddItemToObject(p, "parameters", cJSON_CreateObject());
	cJSON_AddStringToObject(p, "status", aml_json_str(job, "status"));
	if ((x = cJSON_GetObjectItemCaseSensitive(job, "error")))
		cJSON_AddItemToObject(p, "error", cJSON_Duplicate(x, 1));
	ml_add_system_data(j, job);
	free(id);
	free(w);
	return j;
}

/* ---- input ---------------------------------------------------------- */

/* inputs or outputs: names to objects of a known type; -1 answered. */
static int
check_io(struct emu_req *r, const cJSON *props, const char *k)
{
	int in = strcmp(k, "inputs") == 0;
	const char *tk = in ? "jobInputType" : "jobOutputType", *t;
	const cJSON *io = cJSON_GetObjectItemCaseSensitive(props, k), *x;
	char target[300];

	if (!io || cJSON_IsNull(io))
		return 0;
	if (!cJSON_IsObject(io)) {
		ml_error(r, 400, "BadArgument", k, "properties.%s must be a JSON object.", k);
		return -1;
	}
	cJSON_ArrayForEach(x, io) {
		snprintf(target, sizeof target, "properties.%s.%s", k, x->string);
		if (!cJSON_IsObject(x)) {
			ml_error(r, 400, "BadArgument", target, "%s must be a JSON object.", target);
			return -1;
		}
		t = aml_json_str(x, tk);
		if (!t || !(in ? one_of(t, input_types, 7) : one_of(t, output_types, 6))) {
			ml_error(r, 400, "BadArgument", target, "%s.%s must be one of %s.", target, tk,
			    in ? "literal, uri_file, uri_folder, mltable, custom_model, mlflow_model, "
			    "triton_model" : "uri_file, uri_folder, mltable, custom_model, "
			    "mlflow_model, triton_model");
			return -1;
		}
		if (in && strcmp(t, "literal") == 0 && !aml_json_str(x, "value")) {
			ml_error(r, 400, "BadArgument", target, "%s.value is required for a literal "
			    "input.", target);
			return -1;
		}
		if (in && strcmp(t, "literal") && !aml_json_str(x, "uri")) {
			ml_error(r, 400, "BadArgument", target, "%s.uri is required for a %s input.",
			    target, t);
			return -1;
		}
	}
	return 0;
}

/* A new job's properties, as kept; NULL with the 400 answered. */
static cJSON *
job_in(struct emu_req *r, cJSON *body)
{
	static const char *const ro[] = { "status", "parameters", "error" };
	cJSON *p;
	const char *t;

	if (ml_object(r, body, "properties", "properties", &p) < 0)
		return NULL;
	if (!p) {
		ml_error(r, 400, "BadArgument", "properties", "properties is required.");
		return NULL;
	}
	if (!(t = aml_json_str(p, "jobType"))) {
		ml_error(r, 400, "BadArgument", "properties.jobType", "properties.jobType is "
		    "required.");
		return NULL;
	}
	if (strcmp(t, "Command")) {
		ml_error(r, 400, "BadArgument", "properties.jobType", "jobType '%s' is not "
		    "supported by aml-emulator, which runs Command jobs.", t);
		return NULL;
	}
	for (int i = 0; i < 2; i++) {
		const char *k = i ? "environmentId" : "command", *v = aml_json_str(p, k);

		if (!v || !*v) {
			ml_error(r, 400, "BadArgument", i ? "properties.environmentId" :
			    "properties.command", "properties.%s is required for a Command job.", k);
			return NULL;
		}
	}
	if (check_io(r, p, "inputs") < 0 || check_io(r, p, "outputs") < 0)
		return NULL;
	p = cJSON_Duplicate(p, 1);
	for (size_t i = 0; i < sizeof ro / sizeof *ro; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(p, ro[i]);
	return p;
}

/* ---- handlers ------------------------------------------------------- */

static void
jobs_list(struct emu_req *r)
{
	struct ml_call c;

	if (ml_begin(r, &c) < 0)
		return;
	ml_list(r, &c, jobs(c.ws), job_json, NULL);
	ml_end(&c);
}

static int
job_missing(struct emu_req *r, const cJSON *job)
{
	char *t;

	if (job)
		return 0;
	t = aml_xasprintf("jobs/%s", r->seg[3]);
	ml_not_found(r, t);
	free(t);
	return 1;
}

static void
job_get(struct emu_req *r)
{
	struct ml_call c;
	cJSON *job, *j;

	if (ml_begin(r, &c) < 0)
		return;
	if (!job_missing(r, (job = ml_job(c.ws, r->seg[3])))) {
		j = job_json(c.ws, job, NULL);
		ml_answer(r, 200, j);
		cJSON_Delete(j);
	}
	ml_end(&c);
}

static cJSON *
job_new(cJSON *ws, const char *name, cJSON *props)
{
	char *k = ml_lower(name);
	cJSON *job = cJSON_AddObjectToObject(jobs(ws), k);
	char buf[32];
	cJSON *n;

	free(k);
	cJSON_AddStringToObject(job, "name", name);
	cJSON_AddItemToObject(job, "props", props);
	cJSON_AddStringToObject(job, "status", "NotStarted");
	snprintf(buf, sizeof buf, "%lld", (long long)emu_now_ms());
	n = cJSON_CreateNumber((double)emu_now_ms());
	n->valuestring = aml_xstrdup(buf);
	cJSON_AddItemToObject(job, "start", n);
	ml_touch(job, 1);
	return job;
}

static void
job_put(struct emu_req *r)
{
	struct ml_call c;
	cJSON *b = NULL, *p, *job, *j, *tags, *in;

	if (ml_begin(r, &c) < 0)
		return;
	if (ml_name_ok(r, "id", r->seg[3]) < 0 || !(b = ml_body(r)))
		goto out;
	if ((job = ml_job(c.ws, r->seg[3]))) {
		/* Only the tags of an existing job change (SPEC). */
		if (ml_object(r, b, "properties", "properties", &in) < 0)
			goto out;
		if (in && ml_object(r, in, "tags", "properties.tags", &tags) < 0)
			goto out;
		if (in && tags)
			ml_set(cJSON_GetObjectItemCaseSensitive(job, "props"), "tags",
			    cJSON_Duplicate(tags, 1));
		ml_touch(job, 0);
		emu_changed();
		j = job_json(c.ws, job, NULL);
		ml_answer(r, 200, j);
		cJSON_Delete(j);
		goto out;
	}
	if (!(p = job_in(r, b)))
		goto out;
	job = job_new(c.ws, r->seg[3], p);
	emu_changed();
	j = job_json(c.ws, job, NULL);
	ml_answer(r, 201, j);
	cJSON_Delete(j);
out:
	cJSON_Delete(b);
	ml_end(&c);
}

static void
job_cancel(struct emu_req *r)
{
	struct ml_call c;
	cJSON *job, *op, *pl;

	if (ml_begin(r, &c) < 0)
		return;
	if (job_missing(r, (job = ml_job(c.ws, r->seg[3]))))
		goto out;
	/* Nothing to cancel: done (an emulator's choice, notes). */
	if (terminal(aml_json_str(job, "status"))) {
		ml_answer(r, 200, NULL);
		goto out;
	}
	if (ml_busy(r, c.ws, "job", aml_json_str(job, "name")))
		goto out;
	pl = cJSON_CreateObject();
	cJSON_AddStringToObject(pl, "previous", aml_json_str(job, "status"));
	op = ml_op_start(r, c.ws, "job", "CANCEL", aml_json_str(job, "name"), pl);
	ml_set_str(job, "status", "CancelRequested");
	ml_touch(job, 0);
	ml_answer(r, 202, NULL);
	ml_op_headers(r, op, c.apiver, ML_HDR_LOCATION);
out:
	ml_end(&c);
}

static void
job_delete(struct emu_req *r)
{
	struct ml_call c;
	cJSON *job, *op;

	if (ml_begin(r, &c) < 0)
		return;
	if (!(job = ml_job(c.ws, r->seg[3]))) {
		ml_answer(r, 204, NULL);
	} else if (!ml_busy(r, c.ws, "job", aml_json_str(job, "name"))) {
		op = ml_op_start(r, c.ws, "job", "DELETE", aml_json_str(job, "name"), NULL);
		ml_answer(r, 202, NULL);
		ml_op_headers(r, op, c.apiver, ML_HDR_LOCATION);
	}
	ml_end(&c);
}

static void
apply(cJSON *ws, cJSON *op, const char *status)
{
	cJSON *job = ml_job(ws, aml_json_str(op, "name"));
	const char *verb = aml_json_str(op, "verb");
	int ok = strcmp(status, "Succeeded") == 0;

	if (!job)
		return;
	if (strcmp(verb, "DELETE") == 0) {
		if (ok)
			cJSON_Delete(cJSON_DetachItemViaPointer(jobs(ws), job));
		return;
	}
	/* CANCEL: a cancel that did not go through leaves the job running. */
	if (strcmp(aml_json_str(job, "status"), "CancelRequested") == 0)
		ml_set_str(job, "status", ok ? "Canceled" : "Running");
	ml_touch(job, 0);
}

/* ---- seed ----------------------------------------------------------- */

void
ml_jobs_seed(cJSON *ws, const char *name, const char *csvpath)
{
	cJSON *p = cJSON_CreateObject(), *io, *x, *job;
	char *uri = aml_xasprintf("azureml://datastores/%s/paths/%s", ML_DATASTORE, csvpath);

	cJSON_AddStringToObject(p, "jobType", "Command");
	cJSON_AddStringToObject(p, "displayName", "Train the census income model");
	cJSON_AddStringToObject(p, "experimentName", "census");
	cJSON_AddStringToObject(p, "command", "python train.py --data ${{inputs.training_data}} "
	    "--label ${{inputs.label_column}} --model ${{outputs.model_output}}");
	cJSON_AddStringToObject(p, "environmentId",
	    "azureml://registries/azureml/environments/sklearn-1.5/labels/latest");
	io = cJSON_AddObjectToObject(p, "inputs");
	x = cJSON_AddObjectToObject(io, "training_data");
	cJSON_AddStringToObject(x, "jobInputType", "uri_file");
	cJSON_AddStringToObject(x, "uri", uri);
	cJSON_AddStringToObject(x, "mode", "ReadOnlyMount");
	x = cJSON_AddObjectToObject(io, "label_column");
	cJSON_AddStringToObject(x, "jobInputType", "literal");
	cJSON_AddStringToObject(x, "value", "income");
	io = cJSON_AddObjectToObject(p, "outputs");
	x = cJSON_AddObjectToObject(io, "model_output");
	cJSON_AddStringToObject(x, "jobOutputType", "custom_model");
	cJSON_AddStringToObject(x, "mode", "ReadWriteMount");
	free(uri);
	job = job_new(ws, name, p);
	finish(ws, job, 1);
	if (strcmp(aml_json_str(job, "status"), "Completed"))
		aml_die("seed job: %s", aml_json_str(cJSON_GetObjectItemCaseSensitive(job,
		    "error"), "message"));
}

static const struct ml_op_class jobclass = { "job", apply, NULL };

static void
init(void)
{
	ml_op_class(&jobclass);
}

#define W "/subscriptions/*/resourceGroups/*/providers/Microsoft.MachineLearningServices/" \
	"workspaces/*"

static const struct emu_route routes[] = {
	{ "GET", W "/jobs", jobs_list, &emu_fam_arm },
	{ "GET", W "/jobs/*", job_get, &emu_fam_arm },
	{ "PUT", W "/jobs/*", job_put, &emu_fam_arm },
	{ "DELETE", W "/jobs/*", job_delete, &emu_fam_arm },
	{ "POST", W "/jobs/*/cancel", job_cancel, &emu_fam_arm },
};

static struct emu_module jobsmod = {
	.name = "ml-jobs",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
	.init = init,
};
EMU_MODULE(jobsmod)
