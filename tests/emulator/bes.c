/* SPDX-License-Identifier: MIT */
/*
 * bes.c: the Batch Execution Service, version 2.0
 * (notes/retrain-apis.md §1): submit a job (its id comes back as a JSON
 * string), start it, read its status, cancel or delete it.  A job on a
 * training web service reads the CSV of input1 and writes the trained
 * model (output1, .ilearner) and its evaluation (output2, .csv); a job
 * on a predictive service scores the CSV with the service's current
 * model (output1, .csv).  A started job runs for /_emu/studio's jobMs
 * and is carried out, all at once, by the first request that finds it
 * due; so is an injected failure.
 *
 * The request is checked as the service checks it, Newtonsoft style:
 * member names in any case, unknown members ignored (so a misspelt
 * "GolbalParameters" is silently lost, as it is on Azure), and the
 * documented BadArgument errors for what is wrong with a blob.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "studio.h"

static const char *const statusnames[] = {
	"NotStarted", "Running", "Failed", "Cancelled", "Finished"
};
enum { NOTSTARTED, RUNNING, FAILED, CANCELLED, FINISHED };

/* ---- the request ---------------------------------------------------- */

/* Member names are matched ignoring case, as the service matches them:
 * cJSON_GetObjectItem (cJSON_GetObjectItemCaseSensitive is the other). */

static const char *
str(const cJSON *o, const char *name)
{
	const cJSON *c = cJSON_GetObjectItem(o, name);

	return cJSON_IsString(c) && *c->valuestring ? c->valuestring : NULL;
}

static const char *const dataset_ext[] = { ".csv", ".tsv", ".arff", NULL };
static const char *const model_ext[] = { ".ilearner", NULL };

static int
ends(const char *s, const char *const *ext)
{
	size_t n = strlen(s);

	for (; *ext; ext++)
		if (n > strlen(*ext) && strcasecmp(s + n - strlen(*ext), *ext) == 0)
			return 1;
	return 0;
}

/* "container/path/blob" (a leading '/' allowed) into its parts. */
static int
split_rel(const char *rel, char **cont, char **name)
{
	const char *slash;

	while (*rel == '/')
		rel++;
	if (!(slash = strchr(rel, '/')) || slash == rel || !slash[1])
		return -1;
	*cont = aml_xstrndup(rel, (size_t)(slash - rel));
	*name = aml_xstrdup(slash + 1);
	return 0;
}

/* A blob reference of the request, checked and resolved into a
 * {"account","container","blob"} object; NULL with the error answered.
 * perm: 'r' for inputs, 'w' for outputs. */
static cJSON *
resolve(struct emu_req *r, const char *io, const cJSON *ref, char perm)
{
	const char *cs = str(ref, "ConnectionString"), *rel = str(ref, "RelativeLocation");
	const char *base = str(ref, "BaseLocation"), *sas = str(ref, "SasBlobToken");
	char *acct = NULL, *cont = NULL, *name = NULL, *why = NULL, *code = NULL, *u;
	int auth, status;
	cJSON *out = NULL;

	if (!cJSON_IsObject(ref)) {
		studio_error(r, "RequestBodyInvalid", NULL);
		return NULL;
	}
	if (!rel) {
		studio_error(r, "InputBlobRelativeLocationInvalid", NULL);
		return NULL;
	}
	if (split_rel(rel, &cont, &name) < 0) {
		studio_error(r, "InvalidBlob", "Invalid blob specification for blob: %s. Verify that "
		    "connection string / relative path or SAS token specification is correct and try "
		    "again.", rel);
		return NULL;
	}
	if (cs) {
		if (blob_conn_check(cs, &acct, &auth, &why) < 0) {
			if (auth)
				studio_error(r, "BlobNotFound", "Unable to access the provided Azure blob "
				    "- %s.  Azure error message: %s.", rel, why);
			else
				studio_error(r, "InvalidBlobConnectionString", "The connection string "
				    "specified for one of the input/output blobs in invalid: %s. Please "
				    "correct this and try again.", why);
			goto out;
		}
	} else if (base && sas) {
		u = aml_bes_join(base, rel);
		free(cont), free(name);
		cont = name = NULL;
		if (blob_split_url(u, &acct, &cont, &name) < 0) {
			studio_error(r, "BlobNotFound", "Unable to access the provided Azure blob - %s.  "
			    "Azure error message: The remote name could not be resolved.", rel);
			free(u);
			goto out;
		}
		free(u);
		if (blob_sas_check(acct, cont, name, sas, perm, &status, &code, &why) < 0) {
			studio_error(r, "BlobNotFound", "Unable to access the provided Azure blob - %s.  "
			    "Azure error message: %s%s%s.", rel, code, why ? ": " : "", why ? why : "");
			goto out;
		}
	} else {
		studio_error(r, "MissingInputBlobInformation", NULL);
		goto out;
	}
	if (!blob_container_exists(acct, cont)) {
		studio_error(r, "BlobNotFound", "Unable to access the provided Azure blob - %s.  Azure "
		    "error message: The specified container does not exist.", rel);
		goto out;
	}
	if (perm == 'r') {
		unsigned char *d;
		size_t n;

		if (blob_get(acct, cont, name, &d, &n) < 0) {
			studio_error(r, "BlobNotFound", "Unable to access the provided Azure blob - %s.  "
			    "Azure error message: The specified blob does not exist.", rel);
			goto out;
		}
		free(d);
	}
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "account", acct);
	cJSON_AddStringToObject(out, "container", cont);
	cJSON_AddStringToObject(out, "blob", name);
	(void)io;
out:
	free(acct), free(cont), free(name), free(why), free(code);
	return out;
}

/* The service's inputs and outputs: name -> kind ("dataset", "model",
 * "evaluation", "scored"). */
static void
ports(const struct studio_target *t, cJSON **in, cJSON **out)
{
	const cJSON *tr = studio_training(t);

	*in = cJSON_CreateArray();
	*out = cJSON_CreateObject();
	if (tr) {
		cJSON_AddItemToArray(*in, cJSON_CreateString("input1"));
		cJSON_AddStringToObject(*out, "output1", "model");
		cJSON_AddStringToObject(*out, "output2", "evaluation");
	} else {
		cJSON_AddItemToArray(*in, cJSON_CreateString("input1"));
		cJSON_AddStringToObject(*out, "output1", "scored");
	}
}

static int
is_port(const cJSON *list, const char *name)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, list)
		if (strcmp(c->valuestring, name) == 0)
			return 1;
	return 0;
}

static cJSON *
check_inputs(struct emu_req *r, const cJSON *req, const cJSON *in)
{
	const cJSON *single = cJSON_GetObjectItem(req, "Input"), *c;
	const cJSON *multi = cJSON_GetObjectItem(req, "Inputs");
	cJSON *res = cJSON_CreateObject(), *b;

	if (single && !cJSON_IsNull(single) && multi && !cJSON_IsNull(multi)) {
		studio_error(r, "DuplicateInputInBatchCall", NULL);
		goto bad;
	}
	if (single && !cJSON_IsNull(single)) {
		if (!(b = resolve(r, "input", single, 'r')))
			goto bad;
		cJSON_AddItemToObject(res, cJSON_GetArrayItem(in, 0)->valuestring, b);
		return res;
	}
	if (multi && !cJSON_IsNull(multi) && !cJSON_IsObject(multi)) {
		studio_error(r, "RequestBodyInvalid", NULL);
		goto bad;
	}
	cJSON_ArrayForEach(c, multi)
		if (!is_port(in, c->string)) {
			studio_error(r, "InvalidInputNames", "Invalid service input name(s) specified in "
			    "the request: %s. Please map the input data to the correct service inputs and "
			    "try again.", c->string);
			goto bad;
		}
	cJSON_ArrayForEach(c, in)
		if (!cJSON_GetObjectItem(multi, c->valuestring) ||
		    cJSON_IsNull(cJSON_GetObjectItem(multi, c->valuestring))) {
			studio_error(r, "BatchJobInputsNotSpecified", "The following required input(s) "
			    "were not specified with the request: %s. Please ensure all input data is "
			    "specified and try again.", c->valuestring);
			goto bad;
		}
	cJSON_ArrayForEach(c, in) {
		if (!(b = resolve(r, "input", cJSON_GetObjectItem(multi, c->valuestring), 'r')))
			goto bad;
		cJSON_AddItemToObject(res, c->valuestring, b);
	}
	return res;
bad:
	cJSON_Delete(res);
	return NULL;
}

static cJSON *
check_outputs(struct emu_req *r, const cJSON *req, const cJSON *out)
{
	const cJSON *o = cJSON_GetObjectItem(req, "Outputs"), *c;
	cJSON *res = cJSON_CreateObject(), *b;

	if (o && !cJSON_IsNull(o) && !cJSON_IsObject(o)) {
		studio_error(r, "RequestBodyInvalid", NULL);
		goto bad;
	}
	cJSON_ArrayForEach(c, o) {
		const char *kind = aml_json_str(out, c->string), *rel;
		int model;

		if (!kind) {
			studio_error(r, "InvalidOutputOverrideName", "Invalid output override name: %s. "
			    "The service does not have an output node with this name. Please pass in a "
			    "correct output node name to override (case sensitivity applies).", c->string);
			goto bad;
		}
		if (cJSON_IsNull(c))
			continue;
		model = strcmp(kind, "model") == 0;
		if ((rel = str(c, "RelativeLocation")) && !ends(rel, model ? model_ext : dataset_ext)) {
			studio_error(r, "InvalidBlobExtension", "The blob reference: %s has an invalid or "
			    "missing file extension. Supported file extensions for this output type are: "
			    "\"%s\".", rel, model ? ".ilearner" : ".csv, .tsv, .arff");
			goto bad;
		}
		if (!(b = resolve(r, "output", c, 'w')))
			goto bad;
		cJSON_AddItemToObject(res, c->string, b);
	}
	return res;
bad:
	cJSON_Delete(res);
	return NULL;
}

static int
check_globals(struct emu_req *r, const cJSON *req)
{
	const cJSON *g = cJSON_GetObjectItem(req, "GlobalParameters");

	if (!g || cJSON_IsNull(g))
		return 0;
	if (!cJSON_IsObject(g)) {
		studio_error(r, "RequestBodyInvalid", NULL);
		return -1;
	}
	if (g->child) {
		studio_error(r, "UnexpectedParameter", NULL);
		return -1;
	}
	return 0;
}

/* ---- jobs ----------------------------------------------------------- */

static cJSON *
jobs(void)
{
	return emu_obj(studio_state(), "jobs");
}

static char *
target_key(const struct studio_target *t)
{
	return t->ep ? aml_xasprintf("ep:%s", aml_json_str(t->ep, "apiId")) :
	    aml_xasprintf("arm:%s", t->armsvc);
}

static int
status_of(const cJSON *job)
{
	const char *s = aml_json_str(job, "status");

	for (int i = 0; i <= FINISHED; i++)
		if (strcmp(s, statusnames[i]) == 0)
			return i;
	return FAILED;
}

static void
set_status(cJSON *job, int st)
{
	cJSON_ReplaceItemInObjectCaseSensitive(job, "status", cJSON_CreateString(statusnames[st]));
}

static void
fail(cJSON *job, const char *module, const char *why)
{
	char *d = aml_xasprintf("ModuleExecutionError: Module execution encountered an error. "
	    "(%s) %s", module, why);

	set_status(job, FAILED);
	cJSON_AddStringToObject(job, "details", d);
	free(d);
}

/* Where an output goes when the request did not say: the workspace's
 * storage, under experimentoutput/{job}/. */
static cJSON *
output_place(cJSON *job, const char *name, const char *kind)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(job,
	    "outputs"), name);
	unsigned char rnd[16];
	char hex[33], *blob;

	if (o)
		return o;
	emu_random(rnd, sizeof rnd);
	emu_hex(hex, rnd, sizeof rnd, 0);
	blob = aml_xasprintf("%s/%s%s", aml_json_str(job, "id"), hex,
	    strcmp(kind, "model") == 0 ? ".ilearner" : ".csv");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "account", STUDIO_ACCOUNT);
	cJSON_AddStringToObject(o, "container", "experimentoutput");
	cJSON_AddStringToObject(o, "blob", blob);
	cJSON_AddItemToObject(emu_obj(job, "outputs"), name, o);
	free(blob);
	return o;
}

static void
write_output(cJSON *job, const char *name, const char *kind, const char *data)
{
	cJSON *o = output_place(job, name, kind);

	blob_put(aml_json_str(o, "account"), aml_json_str(o, "container"), aml_json_str(o, "blob"),
	    data, strlen(data), strcmp(kind, "model") == 0 ? "application/octet-stream" : "text/csv");
	cJSON_AddBoolToObject(o, "written", 1);
}

static int
read_input(cJSON *job, struct studio_csv *c, unsigned char **raw, size_t *len, char **src,
    char **why)
{
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(job,
	    "inputs"), "input1");
	const char *cont = aml_json_str(in, "container"), *blob = aml_json_str(in, "blob");

	if (blob_get(aml_json_str(in, "account"), cont, blob, raw, len) < 0) {
		*why = aml_xasprintf("Error 0000: Unable to read the input blob %s/%s: The specified "
		    "blob does not exist.", cont, blob);
		return -1;
	}
	*src = aml_xasprintf("%s/%s", cont, blob);
	if (studio_csv_parse((const char *)*raw, *len, c, why) < 0) {
		char *w = aml_xasprintf("Error 0048: Exception while reading input1 (%s): %s", *src, *why);

		free(*why);
		*why = w;
		free(*raw);
		free(*src);
		return -1;
	}
	return 0;
}

static void
run_training(cJSON *job, const cJSON *tr)
{
	struct studio_csv c;
	struct studio_model *m;
	unsigned char *raw;
	size_t len;
	char *src, *why = NULL, *model, *eval;

	if (read_input(job, &c, &raw, &len, &src, &why) < 0) {
		fail(job, "Import Data", why);
		free(why);
		return;
	}
	model = train_fit(&c, aml_json_str(tr, "label"), src, raw, len, &why);
	if (!model) {
		fail(job, "Train Model", why);
		goto out;
	}
	m = model_load((unsigned char *)model, strlen(model), &why);
	eval = m ? train_evaluate(m, &c, &why) : NULL;
	model_free(m);
	if (!eval) {
		fail(job, "Evaluate Model", why);
		free(model);
		goto out;
	}
	write_output(job, "output1", "model", model);
	write_output(job, "output2", "evaluation", eval);
	set_status(job, FINISHED);
	free(model);
	free(eval);
out:
	free(why);
	free(raw);
	free(src);
	studio_csv_free(&c);
}

static void
run_scoring(cJSON *job, struct studio_model *m)
{
	struct studio_csv c;
	unsigned char *raw;
	size_t len;
	char *src, *why = NULL, *out;

	if (read_input(job, &c, &raw, &len, &src, &why) < 0) {
		fail(job, "Import Data", why);
		free(why);
		return;
	}
	if (!(out = model_score_csv(m, &c, &why))) {
		fail(job, "Score Model", why);
	} else {
		write_output(job, "output1", "scored", out);
		set_status(job, FINISHED);
		free(out);
	}
	free(why);
	free(raw);
	free(src);
	studio_csv_free(&c);
}

/* A running job whose time has come is carried out now. */
static void
settle(const struct studio_target *t, cJSON *job)
{
	const cJSON *tr;
	char *why = NULL;

	if (status_of(job) != RUNNING ||
	    emu_now_ms() < (int64_t)cJSON_GetObjectItemCaseSensitive(job, "due")->valuedouble ||
	    emu_held("bes-job", aml_json_str(job, "id")))
		return;
	if (studio_take_failure(&why)) {
		set_status(job, FAILED);
		cJSON_AddStringToObject(job, "details", why);
		free(why);
	} else if ((tr = studio_training(t))) {
		run_training(job, tr);
	} else {
		/* The model as it is when the job runs. */
		struct studio_model *m = studio_target_model(t, &why);

		if (m) {
			run_scoring(job, m);
			model_free(m);
		} else {
			char *w = aml_xasprintf("Error 0000: %s.", why);

			fail(job, "Score Model", w);
			free(w);
			free(why);
		}
	}
	emu_changed();
}

/* The job of the path (r->seg[2]) if it belongs to the target; NULL
 * with 404 answered. */
static cJSON *
find_job(struct emu_req *r, const struct studio_target *t)
{
	cJSON *job = cJSON_GetObjectItemCaseSensitive(jobs(), r->seg[2]);
	char *key = target_key(t);

	if (!job) {
		cJSON *c;

		cJSON_ArrayForEach(c, jobs())
			if (strcasecmp(c->string, r->seg[2]) == 0)
				job = c;
	}
	if (!job || strcmp(aml_json_str(job, "target"), key) != 0) {
		studio_error(r, "JobNotFound", "Job %s was not found for this web service. Verify the "
		    "job Id is correct and try again.", r->seg[2]);
		job = NULL;
	}
	free(key);
	return job;
}

/* ---- handlers ------------------------------------------------------- */

static void
submit(struct emu_req *r)
{
	struct studio_target t;
	struct aml_jerr e;
	cJSON *req = NULL, *in, *out, *ri = NULL, *ro = NULL, *job, *s;
	unsigned char id[16];
	char hex[33], *key;

	emu_lock();
	if (studio_exec_begin(r, &t, STUDIO_VERSION) < 0)
		goto done;
	if (!(req = aml_json_parse(r->body, r->bodylen, &e)) || !cJSON_IsObject(req)) {
		studio_error(r, "RequestBodyInvalid", NULL);
		goto done;
	}
	ports(&t, &in, &out);
	if ((ri = check_inputs(r, req, in)) && (ro = check_outputs(r, req, out)) &&
	    check_globals(r, req) == 0) {
		emu_random(id, sizeof id);
		emu_hex(hex, id, sizeof id, 0);
		job = cJSON_AddObjectToObject(jobs(), hex);
		cJSON_AddStringToObject(job, "id", hex);
		key = target_key(&t);
		cJSON_AddStringToObject(job, "target", key);
		free(key);
		cJSON_AddStringToObject(job, "status", statusnames[NOTSTARTED]);
		cJSON_AddNumberToObject(job, "created", (double)emu_now_ms());
		cJSON_AddItemToObject(job, "inputs", ri);
		cJSON_AddItemToObject(job, "outputs", ro);
		cJSON_AddItemToObject(job, "ports", out);
		ri = ro = out = NULL;
		emu_changed();
		s = cJSON_CreateString(hex);
		emu_answer_json(r, 200, s);
		cJSON_Delete(s);
	}
	cJSON_Delete(in);
	cJSON_Delete(out);
	cJSON_Delete(ri);
	cJSON_Delete(ro);
done:
	cJSON_Delete(req);
	emu_unlock();
}

static void
start(struct emu_req *r)
{
	struct studio_target t;
	cJSON *job;

	emu_lock();
	if (studio_exec_begin(r, &t, STUDIO_VERSION) < 0 || !(job = find_job(r, &t)))
		goto done;
	settle(&t, job);
	if (status_of(job) != NOTSTARTED) {
		studio_error(r, "CannotStartJob", "The job cannot be started because it is in %s state.",
		    aml_json_str(job, "status"));
		goto done;
	}
	set_status(job, RUNNING);
	cJSON_AddNumberToObject(job, "due", (double)(emu_now_ms() + studio_cfg.job_ms));
	emu_changed();
	emu_answer(r, 204, NULL, NULL, 0);
done:
	emu_unlock();
}

static cJSON *
results(const cJSON *job)
{
	cJSON *res = cJSON_CreateObject(), *o, *port;
	time_t now = emu_now();

	cJSON_ArrayForEach(port, cJSON_GetObjectItemCaseSensitive(job, "ports")) {
		cJSON *p = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(job,
		    "outputs"), port->string);
		const char *acct, *cont, *blob;
		char *base, *rel, *sas;
		time_t se = now + studio_cfg.sas_ttl, st = now - 300;

		if (!p || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "written")))
			continue;
		acct = aml_json_str(p, "account");
		cont = aml_json_str(p, "container");
		blob = aml_json_str(p, "blob");
		if (st >= se)
			st = se - 60;
		base = blob_account_url(acct);
		rel = aml_xasprintf("%s/%s", cont, blob);
		sas = blob_sas(acct, cont, blob, "r", st, se, STUDIO_SAS_VERSION);
		o = cJSON_AddObjectToObject(res, port->string);
		cJSON_AddNullToObject(o, "ConnectionString");
		cJSON_AddStringToObject(o, "RelativeLocation", rel);
		cJSON_AddStringToObject(o, "BaseLocation", base);
		cJSON_AddStringToObject(o, "SasBlobToken", sas);
		aml_freesecret(sas);
		free(rel);
		free(base);
	}
	return res;
}

static void
status(struct emu_req *r)
{
	struct studio_target t;
	cJSON *job, *o;
	const char *d;
	int st;

	emu_lock();
	if (studio_exec_begin(r, &t, STUDIO_VERSION) < 0 || !(job = find_job(r, &t)))
		goto done;
	settle(&t, job);
	st = status_of(job);
	o = cJSON_CreateObject();
	if (studio_cfg.status_int)
		cJSON_AddNumberToObject(o, "StatusCode", st);
	else
		cJSON_AddStringToObject(o, "StatusCode", statusnames[st]);
	if (st == FINISHED)
		cJSON_AddItemToObject(o, "Results", results(job));
	else
		cJSON_AddNullToObject(o, "Results");
	if ((d = aml_json_str(job, "details")))
		cJSON_AddStringToObject(o, "Details", d);
	else
		cJSON_AddNullToObject(o, "Details");
	emu_answer_json(r, 200, o);
	cJSON_Delete(o);
done:
	emu_unlock();
}

static void
cancel(struct emu_req *r)
{
	struct studio_target t;
	cJSON *job;
	int st;

	emu_lock();
	if (studio_exec_begin(r, &t, STUDIO_VERSION) < 0 || !(job = find_job(r, &t)))
		goto done;
	settle(&t, job);
	st = status_of(job);
	if (st == NOTSTARTED || st == RUNNING)
		set_status(job, CANCELLED);
	else
		cJSON_DeleteItemFromObjectCaseSensitive(jobs(), job->string);
	emu_changed();
	emu_answer(r, 204, NULL, NULL, 0);
done:
	emu_unlock();
}

#define WSV "/workspaces/*/services/*"
#define SSV "/subscriptions/*/services/*"

static const struct emu_route routes[] = {
	{ "POST", WSV "/jobs", submit, &studio_fam_exec },
	{ "POST", WSV "/jobs/*/start", start, &studio_fam_exec },
	{ "GET", WSV "/jobs/*", status, &studio_fam_exec },
	{ "DELETE", WSV "/jobs/*", cancel, &studio_fam_exec },
	{ "POST", SSV "/jobs", submit, &studio_fam_exec },
	{ "POST", SSV "/jobs/*/start", start, &studio_fam_exec },
	{ "GET", SSV "/jobs/*", status, &studio_fam_exec },
	{ "DELETE", SSV "/jobs/*", cancel, &studio_fam_exec },
};

/* A test holds a job in Running with POST /_emu/holds {"what":"bes-job"}. */
static void
init(void)
{
	emu_hold_kind("bes-job");
}

static struct emu_module besmod = {
	.name = "bes",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
	.init = init,
};
EMU_MODULE(besmod)
