/* SPDX-License-Identifier: MIT */
/*
 * ml-assets.c: model containers and versions (notes/aml2-endpoints.md §5).  A version PUT
 * is synchronous (201, then 200) and makes its container when there is
 * none; the container's latestVersion and nextVersion follow.  modelUri
 * must point at something that is there: a finished job's output
 * (azureml://jobs/{job}/outputs/{output}[/paths/{path}]), a datastore
 * path (azureml://datastores/{ds}/paths/{path}) or a blob URL of this
 * emulator; where it points is kept, so that a deployment can load the
 * model later.  modelType is kept as it was sent.
 *
 * A model record: {"name", "props", "created", "modified", "latest",
 * "versions": {version: {"version", "props", "created", "modified",
 * "account", "container", "path"}}}.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ml.h"

#define VERSION_TYPE ML_WS_TYPE "/models/versions"

static cJSON *
models(const cJSON *ws)
{
	return cJSON_GetObjectItemCaseSensitive(ws, "models");
}

static cJSON *
model(const cJSON *ws, const char *name)
{
	char *k = ml_lower(name);
	cJSON *m = cJSON_GetObjectItemCaseSensitive(models(ws), k);

	free(k);
	return m;
}

static cJSON *
version(const cJSON *m, const char *v)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(m, "versions"), v);
}

char *
ml_model_id(const cJSON *ws, const char *name, const char *ver)
{
	char *w = ml_ws_id(ws), *id = aml_xasprintf("%s/models/%s/versions/%s", w, name, ver);

	free(w);
	return id;
}

/* The number after the largest numeric version, as the service counts. */
static char *
next_version(const cJSON *m)
{
	long max = 0;
	cJSON *v;

	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(m, "versions")) {
		char *end;
		long n = strtol(v->string, &end, 10);

		if (!*end && end != v->string && n > max)
			max = n;
	}
	return aml_xasprintf("%ld", max + 1);
}

/* ---- where a model is ----------------------------------------------- */

/* modelUri to the blob or folder it names; -1 with why. */
static int
locate(const cJSON *ws, const char *uri, char **account, char **container, char **path,
    char **why)
{
	static const char jobs[] = "azureml://jobs/";
	const char *p, *o, *rest;
	char *job, *out, *folder;

	*account = *container = *path = NULL;
	if (strncasecmp(uri, jobs, sizeof jobs - 1) == 0) {
		p = uri + sizeof jobs - 1;
		if (!(o = strstr(p, "/outputs/")) || o == p || !o[9]) {
			*why = aml_xasprintf("'%s' is not of the form azureml://jobs/<job>/outputs/"
			    "<output>[/paths/<path>]", uri);
			return -1;
		}
		job = aml_xstrndup(p, (size_t)(o - p));
		o += 9;
		rest = strchr(o, '/');
		out = rest ? aml_xstrndup(o, (size_t)(rest - o)) : aml_xstrdup(o);
		folder = ml_job_output(ws, job, out, why);
		free(job);
		free(out);
		if (!folder)
			return -1;
		if (rest && strcmp(rest, "/") && (strncmp(rest, "/paths/", 7) || !rest[7])) {
			*why = aml_xasprintf("'%s': after the output name comes /paths/<path>", uri);
			free(folder);
			return -1;
		}
		*account = aml_xstrdup(STUDIO_ACCOUNT);
		*container = aml_xstrdup(ml_datastore_container(ws));
		if (rest && strncmp(rest, "/paths/", 7) == 0) {
			*path = aml_xasprintf("%s/%s", folder, rest + 7);
			while ((*path)[strlen(*path) - 1] == '/')
				(*path)[strlen(*path) - 1] = '\0';
			free(folder);
		} else {
			*path = folder;
		}
	} else if (ml_datastore_split(ws, uri, account, container, path, why) < 0) {
		return -1;
	}
	if (!ml_blob_kind(*account, *container, *path)) {
		*why = aml_xasprintf("nothing is stored at '%s'", uri);
		free(*account), free(*container), free(*path);
		*account = *container = *path = NULL;
		return -1;
	}
	return 0;
}

int
ml_model_blob(const cJSON *ws, const cJSON *ver, char **account, char **container,
    char **path, char **why)
{
	const char *a = aml_json_str(ver, "account"), *c = aml_json_str(ver, "container");
	const char *p = aml_json_str(ver, "path");

	(void)ws;
	if (!a || !c || !p) {
		*why = aml_xstrdup("the model version has no files");
		return -1;
	}
	*account = aml_xstrdup(a);
	*container = aml_xstrdup(c);
	*path = ml_blob_kind(a, c, p) == 2 ? aml_xasprintf("%s/%s", p, ML_MODEL_FILE) :
	    aml_xstrdup(p);
	return 0;
}

cJSON *
ml_model_version(const cJSON *ws, const char *ref, char **name, char **ver, char **why)
{
	char *wid = ml_ws_id(ws), *pre = aml_xasprintf("%s/models/", wid);
	const char *p, *s;
	cJSON *m, *v = NULL;

	*name = *ver = NULL;
	if (strncasecmp(ref, pre, strlen(pre)) == 0) {
		p = ref + strlen(pre);
		if ((s = strchr(p, '/')) && strncasecmp(s, "/versions/", 10) == 0 && s[10] &&
		    !strchr(s + 10, '/')) {
			*name = aml_xstrndup(p, (size_t)(s - p));
			*ver = aml_xstrdup(s + 10);
		}
	} else if (strncmp(ref, "azureml:", 8) == 0 && ref[8] != '/' &&
	    (s = strrchr(ref + 8, ':')) && s != ref + 8 && s[1]) {
		*name = aml_xstrndup(ref + 8, (size_t)(s - ref - 8));
		*ver = aml_xstrdup(s + 1);
	}
	if (!*name) {
		*why = aml_xasprintf("'%s' is neither the ARM id of a model version of this "
		    "workspace (%s<name>/versions/<version>) nor azureml:<name>:<version>", ref, pre);
	} else if (!(m = model(ws, *name)) || !(v = version(m, *ver))) {
		*why = aml_xasprintf("model '%s' has no version '%s' in workspace '%s'", *name,
		    *ver, aml_json_str(ws, "name"));
	}
	if (!v) {
		free(*name), free(*ver);
		*name = *ver = NULL;
	}
	free(pre);
	free(wid);
	return v;
}

/* ---- store ---------------------------------------------------------- */

static cJSON *
container_new(cJSON *ws, const char *name)
{
	char *k = ml_lower(name);
	cJSON *m = cJSON_AddObjectToObject(models(ws), k);

	free(k);
	cJSON_AddStringToObject(m, "name", name);
	cJSON_AddObjectToObject(m, "props");
	ml_touch(m, 1);
	cJSON_AddObjectToObject(m, "versions");
	return m;
}

/* Seed: a version whose modelUri is known to be good. */
cJSON *
ml_model_put(cJSON *ws, const char *name, const char *ver, cJSON *props)
{
	cJSON *m = model(ws, name), *v;
	char *a, *c, *p, *why = NULL;

	if (!m)
		m = container_new(ws, name);
	v = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(m, "versions"), ver);
	cJSON_AddStringToObject(v, "version", ver);
	cJSON_AddItemToObject(v, "props", props);
	ml_touch(v, 1);
	if (locate(ws, aml_json_str(props, "modelUri"), &a, &c, &p, &why) < 0)
		aml_die("seed model: %s", why);
	cJSON_AddStringToObject(v, "account", a);
	cJSON_AddStringToObject(v, "container", c);
	cJSON_AddStringToObject(v, "path", p);
	free(a), free(c), free(p);
	ml_set_str(m, "latest", ver);
	return v;
}

/* ---- rendering ------------------------------------------------------ */

static void
base_props(cJSON *out, const cJSON *props)
{
	static const char *const objs[] = { "tags", "properties" };
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(props, "description");

	if (cJSON_IsString(d))
		cJSON_AddStringToObject(out, "description", d->valuestring);
	for (size_t i = 0; i < 2; i++) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(props, objs[i]);

		cJSON_AddItemToObject(out, objs[i], cJSON_IsObject(o) ? cJSON_Duplicate(o, 1) :
		    cJSON_CreateObject());
	}
	cJSON_AddBoolToObject(out, "isArchived",
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(props, "isArchived")));
}

static cJSON *
container_json(const cJSON *ws, const cJSON *m, void *cls)
{
	cJSON *j = cJSON_CreateObject(), *p;
	char *w = ml_ws_id(ws), *id = aml_xasprintf("%s/models/%s", w, aml_json_str(m, "name"));
	char *next = next_version(m);

	(void)cls;
	cJSON_AddStringToObject(j, "id", id);
	cJSON_AddStringToObject(j, "name", aml_json_str(m, "name"));
	cJSON_AddStringToObject(j, "type", ML_WS_TYPE "/models");
	p = cJSON_AddObjectToObject(j, "properties");
	base_props(p, cJSON_GetObjectItemCaseSensitive(m, "props"));
	if (aml_json_str(m, "latest"))
		cJSON_AddStringToObject(p, "latestVersion", aml_json_str(m, "latest"));
	else
		cJSON_AddNullToObject(p, "latestVersion");
	cJSON_AddStringToObject(p, "nextVersion", next);
	cJSON_AddStringToObject(p, "provisioningState", "Succeeded");
	ml_add_system_data(j, m);
	free(next);
	free(id);
	free(w);
	return j;
}

static cJSON *
version_json(const cJSON *ws, const cJSON *v, void *cls)
{
	static const char *const keep[] = {
		"flavors", "modelType", "modelUri", "jobName", "stage",
	};
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(v, "props"), *x;
	const char *name = cls;
	cJSON *j = cJSON_CreateObject(), *p;
	char *id = ml_model_id(ws, name, aml_json_str(v, "version"));

	cJSON_AddStringToObject(j, "id", id);
	free(id);
	cJSON_AddStringToObject(j, "name", aml_json_str(v, "version"));
	cJSON_AddStringToObject(j, "type", VERSION_TYPE);
	p = cJSON_AddObjectToObject(j, "properties");
	base_props(p, props);
	cJSON_AddBoolToObject(p, "isAnonymous",
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(props, "isAnonymous")));
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
		if ((x = cJSON_GetObjectItemCaseSensitive(props, keep[i])) && !cJSON_IsNull(x))
			cJSON_AddItemToObject(p, keep[i], cJSON_Duplicate(x, 1));
	cJSON_AddStringToObject(p, "provisioningState", "Succeeded");
	ml_add_system_data(j, v);
	return j;
}

/* ---- input ---------------------------------------------------------- */

/* The writable members of a container's or version's properties, type
 * checked; NULL with the 400 answered. */
static cJSON *
props_in(struct emu_req *r, cJSON *body, int ver)
{
	static const char *const strs[] = { "description", "modelType", "modelUri", "jobName",
		"stage" };
	static const char *const objs[] = { "tags", "properties", "flavors" };
	static const char *const bools[] = { "isArchived", "isAnonymous" };
	cJSON *in, *out, *x;
	char t[64];

	if (ml_object(r, body, "properties", "properties", &in) < 0)
		return NULL;
	if (!in) {
		ml_error(r, 400, "BadArgument", "properties", "properties is required.");
		return NULL;
	}
	out = cJSON_CreateObject();
	for (size_t i = 0; i < (ver ? 5 : 1); i++) {
		x = cJSON_GetObjectItemCaseSensitive(in, strs[i]);
		snprintf(t, sizeof t, "properties.%s", strs[i]);
		if (x && !cJSON_IsNull(x) && !cJSON_IsString(x)) {
			ml_error(r, 400, "BadArgument", t, "%s must be a string.", t);
			goto bad;
		}
		if (cJSON_IsString(x))
			cJSON_AddStringToObject(out, strs[i], x->valuestring);
	}
	for (size_t i = 0; i < (ver ? 3 : 2); i++) {
		snprintf(t, sizeof t, "properties.%s", objs[i]);
		if (ml_object(r, in, objs[i], t, &x) < 0)
			goto bad;
		if (x)
			cJSON_AddItemToObject(out, objs[i], cJSON_Duplicate(x, 1));
	}
	for (size_t i = 0; i < (ver ? 2 : 1); i++) {
		x = cJSON_GetObjectItemCaseSensitive(in, bools[i]);
		snprintf(t, sizeof t, "properties.%s", bools[i]);
		if (x && !cJSON_IsNull(x) && !cJSON_IsBool(x)) {
			ml_error(r, 400, "BadArgument", t, "%s must be true or false.", t);
			goto bad;
		}
		if (cJSON_IsBool(x))
			cJSON_AddBoolToObject(out, bools[i], cJSON_IsTrue(x));
	}
	return out;
bad:
	cJSON_Delete(out);
	return NULL;
}

/* ---- handlers: containers ------------------------------------------- */

static void
models_list(struct emu_req *r)
{
	struct ml_call c;

	if (ml_begin(r, &c) < 0)
		return;
	ml_list(r, &c, models(c.ws), container_json, NULL);
	ml_end(&c);
}

static int
model_missing(struct emu_req *r, cJSON *m)
{
	char *t;

	if (m)
		return 0;
	t = aml_xasprintf("models/%s", r->seg[3]);
	ml_not_found(r, t);
	free(t);
	return 1;
}

static void
model_get(struct emu_req *r)
{
	struct ml_call c;
	cJSON *m, *j;

	if (ml_begin(r, &c) < 0)
		return;
	if (!model_missing(r, (m = model(c.ws, r->seg[3])))) {
		j = container_json(c.ws, m, NULL);
		ml_answer(r, 200, j);
		cJSON_Delete(j);
	}
	ml_end(&c);
}

static void
model_put(struct emu_req *r)
{
	struct ml_call c;
	cJSON *b = NULL, *p, *m, *j;
	int created;

	if (ml_begin(r, &c) < 0)
		return;
	if (ml_name_ok(r, "name", r->seg[3]) < 0 || !(b = ml_body(r)) || !(p = props_in(r, b, 0)))
		goto out;
	created = !(m = model(c.ws, r->seg[3]));
	if (created)
		m = container_new(c.ws, r->seg[3]);
	ml_set(m, "props", p);
	ml_touch(m, 0);
	emu_changed();
	j = container_json(c.ws, m, NULL);
	ml_answer(r, created ? 201 : 200, j);
	cJSON_Delete(j);
out:
	cJSON_Delete(b);
	ml_end(&c);
}

static void
model_delete(struct emu_req *r)
{
	struct ml_call c;
	cJSON *m;

	if (ml_begin(r, &c) < 0)
		return;
	if ((m = model(c.ws, r->seg[3]))) {
		cJSON_Delete(cJSON_DetachItemViaPointer(models(c.ws), m));
		emu_changed();
	}
	ml_answer(r, m ? 200 : 204, NULL);
	ml_end(&c);
}

/* ---- handlers: versions --------------------------------------------- */

static void
versions_list(struct emu_req *r)
{
	struct ml_call c;
	cJSON *m;

	if (ml_begin(r, &c) < 0)
		return;
	if (!model_missing(r, (m = model(c.ws, r->seg[3]))))
		ml_list(r, &c, cJSON_GetObjectItemCaseSensitive(m, "versions"), version_json,
		    (void *)aml_json_str(m, "name"));
	ml_end(&c);
}

static int
version_missing(struct emu_req *r, cJSON *v)
{
	char *t;

	if (v)
		return 0;
	t = aml_xasprintf("models/%s/versions/%s", r->seg[3], r->seg[4]);
	ml_not_found(r, t);
	free(t);
	return 1;
}

static void
version_get(struct emu_req *r)
{
	struct ml_call c;
	cJSON *m, *v = NULL, *j;

	if (ml_begin(r, &c) < 0)
		return;
	if ((m = model(c.ws, r->seg[3])))
		v = version(m, r->seg[4]);
	if (!version_missing(r, v)) {
		j = version_json(c.ws, v, (void *)aml_json_str(m, "name"));
		ml_answer(r, 200, j);
		cJSON_Delete(j);
	}
	ml_end(&c);
}

static void
version_put(struct emu_req *r)
{
	struct ml_call c;
	cJSON *b = NULL, *p = NULL, *m, *v, *j;
	const char *uri;
	char *a = NULL, *ct = NULL, *path = NULL, *why = NULL;
	int created;

	if (ml_begin(r, &c) < 0)
		return;
	if (ml_name_ok(r, "name", r->seg[3]) < 0 || !(b = ml_body(r)) || !(p = props_in(r, b, 1)))
		goto out;
	if (!(uri = aml_json_str(p, "modelUri")) || !*uri) {
		ml_error(r, 400, "BadArgument", "properties.modelUri", "properties.modelUri is "
		    "required: the model's files.");
		goto out;
	}
	m = model(c.ws, r->seg[3]);
	v = m ? version(m, r->seg[4]) : NULL;
	if (v && strcmp(uri, aml_json_str(cJSON_GetObjectItemCaseSensitive(v, "props"),
	    "modelUri"))) {
		ml_error(r, 400, "BadArgument", "properties.modelUri", "Model version %s:%s "
		    "exists and its modelUri cannot be changed; register a new version.",
		    aml_json_str(m, "name"), r->seg[4]);
		goto out;
	}
	if (!v && locate(c.ws, uri, &a, &ct, &path, &why) < 0) {
		ml_error(r, 400, "BadArgument", "properties.modelUri", "properties.modelUri: %s.",
		    why);
		goto out;
	}
	if ((created = !v)) {
		if (!m)
			m = container_new(c.ws, r->seg[3]);
		v = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(m, "versions"), r->seg[4]);
		cJSON_AddStringToObject(v, "version", r->seg[4]);
		cJSON_AddStringToObject(v, "account", a);
		cJSON_AddStringToObject(v, "container", ct);
		cJSON_AddStringToObject(v, "path", path);
		ml_touch(v, 1);
		ml_set_str(m, "latest", r->seg[4]);
	} else {
		ml_touch(v, 0);
	}
	ml_set(v, "props", p);
	p = NULL;
	emu_changed();
	j = version_json(c.ws, v, (void *)aml_json_str(m, "name"));
	ml_answer(r, created ? 201 : 200, j);
	cJSON_Delete(j);
out:
	free(a), free(ct), free(path), free(why);
	cJSON_Delete(p);
	cJSON_Delete(b);
	ml_end(&c);
}

static void
version_delete(struct emu_req *r)
{
	struct ml_call c;
	cJSON *m, *v = NULL, *vs;

	if (ml_begin(r, &c) < 0)
		return;
	if ((m = model(c.ws, r->seg[3])) && (v = version(m, r->seg[4]))) {
		vs = cJSON_GetObjectItemCaseSensitive(m, "versions");
		cJSON_Delete(cJSON_DetachItemViaPointer(vs, v));
		/* latestVersion: the one made last of those left */
		if (vs->child) {
			cJSON *last = vs->child;

			while (last->next)
				last = last->next;
			ml_set_str(m, "latest", last->string);
		} else {
			cJSON_DeleteItemFromObjectCaseSensitive(m, "latest");
		}
		emu_changed();
	}
	ml_answer(r, v ? 200 : 204, NULL);
	ml_end(&c);
}

#define W "/subscriptions/*/resourceGroups/*/providers/Microsoft.MachineLearningServices/" \
	"workspaces/*"

static const struct emu_route routes[] = {
	{ "GET", W "/models", models_list, &emu_fam_arm },
	{ "GET", W "/models/*", model_get, &emu_fam_arm },
	{ "PUT", W "/models/*", model_put, &emu_fam_arm },
	{ "DELETE", W "/models/*", model_delete, &emu_fam_arm },
	{ "GET", W "/models/*/versions", versions_list, &emu_fam_arm },
	{ "GET", W "/models/*/versions/*", version_get, &emu_fam_arm },
	{ "PUT", W "/models/*/versions/*", version_put, &emu_fam_arm },
	{ "DELETE", W "/models/*/versions/*", version_delete, &emu_fam_arm },
};

static struct emu_module assetsmod = {
	.name = "ml-assets",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
};
EMU_MODULE(assetsmod)
