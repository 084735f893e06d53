/* SPDX-License-Identifier: MIT */
/*
 * classic.c: the web service management API of Studio (classic), the
 * management.azureml.net shape (notes/retrain-apis.md §3): web services
 * and their endpoints under /workspaces/{ws}/webservices, endpoint PUT
 * with the name rules and the endpoint limit, PATCH of the
 * trained-model resource with the checks the service makes, refresh,
 * DELETE, and the help page an endpoint's HelpLocation names
 * (notes/classic-endpoints.md).
 *
 * The bearer is the workspace's authorization token, or an endpoint's
 * own key for that endpoint.  A PATCH is accepted at once and takes
 * effect after the switch-over delay (/_emu/studio switchMs): until
 * then GET shows, and scoring uses, the old model.  The default
 * endpoint follows its web service and has, like every endpoint of a
 * training web service, no updatable resources; it can be deleted only
 * when it is the last endpoint.  Every other endpoint stays on the graph
 * and trained models it was created with until it is refreshed: a web
 * service re-published (POST /_emu/studio/publish) moves its default
 * endpoint alone.
 *
 * Emulator members of a web service: "published", when its graph was
 * last published (else CreationTime); "resources", what it publishes
 * once its default endpoint is gone.  Of an endpoint: "graph", the
 * version of the web service's graph it runs.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "studio.h"

#define NO_RESOURCES "Sorry, but this feature is not supported or available in this " \
	"context. This Web Service has no updatable resources. We apologize for the " \
	"inconvenience and are working on improving this workflow."
#define UNAUTHORIZED "The request couldn't be authorized. Verify that the right workspace / " \
	"endpoint key is being sent, in an 'Authorization: Bearer ___' header."

static int
is_default(const cJSON *svc, const cJSON *ep)
{
	return strcmp(aml_json_str(svc, "DefaultEndpointName"), aml_json_str(ep, "Name")) == 0;
}

static int
updatable(const cJSON *svc, const cJSON *ep)
{
	return aml_json_str(svc, "resource") && !is_default(svc, ep);
}

/* ---- what a web service publishes ----------------------------------- */

static const char *
svc_version(const cJSON *svc)
{
	const char *v = aml_json_str(svc, "published");

	return v ? v : aml_json_str(svc, "CreationTime");
}

static const char *
ep_graph(const cJSON *svc, const cJSON *ep)
{
	const char *g = aml_json_str(ep, "graph");

	return g ? g : aml_json_str(svc, "CreationTime");
}

static cJSON *
default_endpoint(cJSON *svc)
{
	return studio_endpoint(svc, aml_json_str(svc, "DefaultEndpointName"));
}

/* Its trained models: the default endpoint's, which follows it, or what
 * that endpoint had when it was deleted. */
static cJSON *
svc_resources(cJSON *svc)
{
	cJSON *def = default_endpoint(svc);

	return def ? cJSON_GetObjectItemCaseSensitive(def, "Resources") :
	    cJSON_GetObjectItemCaseSensitive(svc, "resources");
}

static void
set_member(cJSON *o, const char *k, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, k))
		cJSON_ReplaceItemInObjectCaseSensitive(o, k, v);
	else
		cJSON_AddItemToObject(o, k, v);
}

/* ---- rendering ------------------------------------------------------ */

static cJSON *
render_service(const cJSON *svc)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *c;

	cJSON_ArrayForEach(c, svc)
		if (c->string[0] >= 'A' && c->string[0] <= 'Z')
			cJSON_AddItemToObject(o, c->string, cJSON_Duplicate(c, 1));
	cJSON_AddNumberToObject(o, "EndpointCount",
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(svc, "endpoints")));
	return o;
}

static cJSON *
render_endpoint(const cJSON *svc, cJSON *ep)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *c;

	studio_settle(ep);
	cJSON_ArrayForEach(c, ep) {
		if (c->string[0] < 'A' || c->string[0] > 'Z')
			continue;
		if (strcmp(c->string, "Resources") == 0 && !updatable(svc, ep))
			cJSON_AddArrayToObject(o, "Resources");
		else
			cJSON_AddItemToObject(o, c->string, cJSON_Duplicate(c, 1));
	}
	return o;
}

/* ---- the request's workspace, service, endpoint and bearer ---------- */

struct ctx {
	cJSON *ws, *svc, *ep;
};

static int
same_token(const char *a, const char *b)
{
	return a && b && strlen(a) == strlen(b) && strcmp(a, b) == 0;
}

/* Find what the path names (nseg: 1 workspace, 2 web service, 3
 * endpoint) and check the bearer.  0, or -1 with the error answered. */
static int
begin(struct emu_req *r, struct ctx *c, int nseg, int need_ep)
{
	const char *tok;

	memset(c, 0, sizeof *c);
	studio_headers(r);
	if (!(c->ws = studio_workspace(r->seg[0]))) {
		studio_mgmt_error(r, 404, "WorkspaceNotFound", "Workspace not found. Verify the "
		    "workspace Id is correct and try again.");
		return -1;
	}
	if (nseg >= 2)
		c->svc = studio_service(c->ws, r->seg[1]);
	if (nseg >= 3 && c->svc)
		c->ep = studio_endpoint(c->svc, r->seg[2]);
	tok = studio_bearer(r);
	if (!same_token(tok, emu_id("studioWorkspaceToken")) &&
	    !(c->ep && studio_key_ok(r, c->ep))) {
		studio_mgmt_error(r, 401, "Unauthorized", UNAUTHORIZED);
		return -1;
	}
	if (nseg >= 2 && !c->svc) {
		studio_mgmt_error(r, 404, "WebServiceNotFound", "Web service not found. Verify the web "
		    "service Id is correct and try again.");
		return -1;
	}
	if (need_ep && !c->ep) {
		studio_mgmt_error(r, 404, "EndpointNotFound", "Endpoint '%s' not found in web service "
		    "%s. Verify the endpoint name is correct and try again.", r->seg[2],
		    aml_json_str(c->svc, "Id"));
		return -1;
	}
	return 0;
}

static void
list(struct emu_req *r, cJSON *items, cJSON *(*fn)(const cJSON *, cJSON *), const cJSON *svc)
{
	cJSON *a = cJSON_CreateArray(), *c;

	cJSON_ArrayForEach(c, items)
		cJSON_AddItemToArray(a, fn(svc ? svc : c, c));
	if (cJSON_GetArraySize(a))
		emu_answer_json(r, 200, a);
	else
		emu_answer(r, 204, NULL, NULL, 0);
	cJSON_Delete(a);
}

static cJSON *
service_item(const cJSON *svc, cJSON *unused)
{
	return render_service(svc);
}

static void
services_get(struct emu_req *r)
{
	struct ctx c;

	emu_lock();
	if (begin(r, &c, 1, 0) == 0)
		list(r, cJSON_GetObjectItemCaseSensitive(c.ws, "services"), service_item, NULL);
	emu_unlock();
}

static void
service_get(struct emu_req *r)
{
	struct ctx c;
	cJSON *o;

	emu_lock();
	if (begin(r, &c, 2, 0) == 0) {
		o = render_service(c.svc);
		emu_answer_json(r, 200, o);
		cJSON_Delete(o);
	}
	emu_unlock();
}

static void
endpoints_get(struct emu_req *r)
{
	struct ctx c;

	emu_lock();
	if (begin(r, &c, 2, 0) == 0)
		list(r, cJSON_GetObjectItemCaseSensitive(c.svc, "endpoints"), render_endpoint, c.svc);
	emu_unlock();
}

static void
endpoint_get(struct emu_req *r)
{
	struct ctx c;
	cJSON *o;

	emu_lock();
	if (begin(r, &c, 3, 1) == 0) {
		o = render_endpoint(c.svc, c.ep);
		emu_answer_json(r, 200, o);
		cJSON_Delete(o);
	}
	emu_unlock();
}

/* ---- PUT ------------------------------------------------------------ */

/* Maximum 24 characters; lower-case letters, digits and hyphens, but
 * no hyphen first or last (the Endpoint.Name of the swagger). */
static int
name_ok(const char *n)
{
	size_t len = strlen(n);

	if (!len || len > 24 || n[0] == '-' || n[len - 1] == '-')
		return 0;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9') || *n == '-'))
			return 0;
	return 1;
}

static cJSON *
parse_body(struct emu_req *r)
{
	struct aml_jerr e;
	cJSON *j;

	if (!r->bodylen)
		return cJSON_CreateObject();
	if (!(j = aml_json_parse(r->body, r->bodylen, &e)) || !cJSON_IsObject(j)) {
		studio_mgmt_error(r, 400, "BadRequest", "The request body is not a valid JSON object%s%s.",
		    j ? "" : ": ", j ? "" : e.msg);
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

static int
one_of(const char *v, const char *a, const char *b, const char *c)
{
	return strcasecmp(v, a) == 0 || strcasecmp(v, b) == 0 || (c && strcasecmp(v, c) == 0);
}

/* The settable properties of PUT and PATCH, checked first, then set. */
static int
properties(struct emu_req *r, cJSON *ep, const cJSON *b, int set)
{
	/* Names ignoring case, as the service reads them. */
	const cJSON *d = cJSON_GetObjectItem(b, "Description");
	const cJSON *t = cJSON_GetObjectItem(b, "ThrottleLevel");
	const cJSON *m = cJSON_GetObjectItem(b, "MaxConcurrentCalls");
	const cJSON *l = cJSON_GetObjectItem(b, "DiagnosticsTraceLevel");
	const cJSON *p = cJSON_GetObjectItem(b, "PreventUpdate");

	if (!set) {
		if (d && !cJSON_IsNull(d) && (!cJSON_IsString(d) || strlen(d->valuestring) > 2000))
			return studio_mgmt_error(r, 400, "BadRequest", "Description must be a string of at "
			    "most 2000 characters."), -1;
		if (t && !cJSON_IsNull(t) && (!cJSON_IsString(t) || !one_of(t->valuestring, "Low",
		    "High", NULL)))
			return studio_mgmt_error(r, 400, "BadRequest", "ThrottleLevel must be Low or "
			    "High."), -1;
		if (m && !cJSON_IsNull(m) && (!cJSON_IsNumber(m) || m->valuedouble < 1 ||
		    m->valuedouble > 200 || m->valuedouble != (double)(int)m->valuedouble))
			return studio_mgmt_error(r, 400, "BadRequest", "MaxConcurrentCalls must be an "
			    "integer from 1 to 200."), -1;
		if (l && !cJSON_IsNull(l) && (!cJSON_IsString(l) || !one_of(l->valuestring, "None",
		    "Error", "All")))
			return studio_mgmt_error(r, 400, "BadRequest", "DiagnosticsTraceLevel must be "
			    "None, Error or All."), -1;
		if (p && !cJSON_IsNull(p) && !cJSON_IsBool(p))
			return studio_mgmt_error(r, 400, "BadRequest", "PreventUpdate must be true or "
			    "false."), -1;
		return 0;
	}
	if (d && cJSON_IsString(d))
		cJSON_ReplaceItemInObjectCaseSensitive(ep, "Description", cJSON_CreateString(d->valuestring));
	if (t && cJSON_IsString(t))
		cJSON_ReplaceItemInObjectCaseSensitive(ep, "ThrottleLevel",
		    cJSON_CreateString(strcasecmp(t->valuestring, "High") ? "Low" : "High"));
	if (m && cJSON_IsNumber(m))
		cJSON_ReplaceItemInObjectCaseSensitive(ep, "MaxConcurrentCalls",
		    cJSON_CreateNumber(m->valuedouble));
	if (strcmp(aml_json_str(ep, "ThrottleLevel"), "Low") == 0 &&
	    cJSON_GetObjectItemCaseSensitive(ep, "MaxConcurrentCalls")->valuedouble > 4)
		cJSON_ReplaceItemInObjectCaseSensitive(ep, "MaxConcurrentCalls", cJSON_CreateNumber(4));
	if (l && cJSON_IsString(l))
		cJSON_ReplaceItemInObjectCaseSensitive(ep, "DiagnosticsTraceLevel",
		    cJSON_CreateString(strcasecmp(l->valuestring, "All") == 0 ? "All" :
		    strcasecmp(l->valuestring, "Error") == 0 ? "Error" : "None"));
	if (p && cJSON_IsBool(p))
		cJSON_ReplaceItemInObjectCaseSensitive(ep, "PreventUpdate", cJSON_CreateBool(cJSON_IsTrue(p)));
	return 0;
}

static void
endpoint_put(struct emu_req *r)
{
	struct ctx c;
	cJSON *b = NULL, *o;
	int count;

	emu_lock();
	if (begin(r, &c, 3, 0) < 0)
		goto done;
	if (!name_ok(r->seg[2])) {
		studio_mgmt_error(r, 400, "BadRequest", "Invalid endpoint name '%s'. The endpoint name "
		    "is limited to 24 characters; only numeric characters and lower case alphabets are "
		    "allowed, with hyphens allowed anywhere except the first and the last character.",
		    r->seg[2]);
		goto done;
	}
	if (!(b = parse_body(r)) || properties(r, NULL, b, 0) < 0)
		goto done;
	count = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c.svc, "endpoints"));
	if (!c.ep && count >= studio_cfg.endpoint_limit) {
		studio_mgmt_error(r, 400, "BadRequest", "The web service already has %d endpoints, the "
		    "most this workspace allows (the default endpoint included). Delete an endpoint "
		    "before adding another.", count);
		goto done;
	}
	if (!c.ep) {
		c.ep = studio_new_endpoint(c.ws, c.svc, r->seg[2]);
		/* It locks onto the web service's graph as it is now. */
		cJSON_AddStringToObject(c.ep, "graph", svc_version(c.svc));
		if (!default_endpoint(c.svc) && svc_resources(c.svc))
			set_member(c.ep, "Resources", cJSON_Duplicate(svc_resources(c.svc), 1));
	}
	properties(r, c.ep, b, 1);
	emu_changed();
	o = render_endpoint(c.svc, c.ep);
	emu_answer_json(r, 200, o);
	cJSON_Delete(o);
done:
	cJSON_Delete(b);
	emu_unlock();
}

/* ---- PATCH ---------------------------------------------------------- */

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *c = cJSON_GetObjectItem(o, k);

	return cJSON_IsString(c) && *c->valuestring ? c->valuestring : NULL;
}

/* One resource of the PATCH body: name and blob checked; its new value
 * (Name, Kind, Location) into *out.  0, or -1 with the error answered. */
static int
check_resource(struct emu_req *r, const cJSON *svc, const cJSON *res, cJSON **out)
{
	const cJSON *loc = cJSON_GetObjectItem(res, "Location");
	const char *name = str(res, "Name"), *want = aml_json_str(svc, "resource");
	const char *base = str(loc, "BaseLocation"), *rel = str(loc, "RelativeLocation");
	const char *sas = str(loc, "SasBlobToken");
	char *url, *acct = NULL, *cont = NULL, *blob = NULL, *code = NULL, *detail = NULL;
	unsigned char *data;
	size_t len;
	int status, rc = -1;
	struct studio_model *m;

	if (!cJSON_IsObject(res))
		return studio_mgmt_error(r, 400, "BadRequest", "Resources must be a list of objects "
		    "with Name and Location."), -1;
	if (!name)
		return studio_mgmt_error(r, 400, "BadRequest", "Resource name is empty string"), -1;
	if (strcmp(name, want) != 0)
		return studio_mgmt_error(r, 400, "BadRequest", "Resource '%s' is not an updatable "
		    "resource of this endpoint. Updatable resources: '%s'.", name, want), -1;
	if (!cJSON_IsObject(loc) || !base || !rel)
		return studio_mgmt_error(r, 400, "BadRequest", "The Location of resource '%s' needs "
		    "BaseLocation and RelativeLocation.", name), -1;
	if (!aml_uri_path_ends(rel, ".ilearner"))
		return studio_mgmt_error(r, 400, "InvalidBlobExtension", "The blob reference: %s has "
		    "an invalid or missing file extension. Supported file extensions for this output "
		    "type are: \".ilearner\".", rel), -1;
	url = aml_bes_join(base, rel);
	if (blob_split_url(url, &acct, &cont, &blob) < 0) {
		studio_mgmt_error(r, 400, "BlobNotFound", "Unable to access the provided Azure blob - "
		    "%s.  Azure error message: The remote name could not be resolved.", rel);
		goto out;
	}
	if (!sas) {
		studio_mgmt_error(r, 400, "InvalidBlob", "Invalid blob specification for blob: %s. "
		    "Verify that connection string / relative path or SAS token specification is "
		    "correct and try again.", rel);
		goto out;
	}
	if (blob_sas_check(acct, cont, blob, sas, 'r', &status, &code, &detail) < 0) {
		if (detail && strncmp(detail, "Signature not valid in the specified time frame", 47) == 0) {
			char *se = emu_form(*sas == '?' ? sas + 1 : sas, "se");

			studio_mgmt_error(r, 400, "ExpiryTimeInThePast", "Expiry time provided is in the "
			    "past: %s. Provide a future expiry time in UTC and try again. To never expire, "
			    "set expiry time to NULL.", se ? se : "");
			free(se);
		} else {
			studio_mgmt_error(r, 400, "InvalidBlob", "Invalid blob specification for blob: %s. "
			    "Verify that connection string / relative path or SAS token specification is "
			    "correct and try again. Azure error code: %s.", rel, code);
		}
		goto out;
	}
	if (!blob_container_exists(acct, cont) || blob_get(acct, cont, blob, &data, &len) < 0) {
		studio_mgmt_error(r, 400, "BlobNotFound", "Unable to access the provided Azure blob - "
		    "%s.  Azure error message: The specified %s does not exist.", rel,
		    blob_container_exists(acct, cont) ? "blob" : "container");
		goto out;
	}
	m = model_load(data, len, &code);
	free(data);
	if (!m) {
		studio_mgmt_error(r, 400, "InvalidBlob", "Invalid blob specification for blob: %s: %s.",
		    rel, code);
		goto out;
	}
	model_free(m);
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "Name", name);
	cJSON_AddStringToObject(*out, "Kind", "TrainedModel");
	loc = cJSON_AddObjectToObject(*out, "Location");
	cJSON_AddStringToObject((cJSON *)loc, "BaseLocation", base);
	cJSON_AddStringToObject((cJSON *)loc, "RelativeLocation", rel);
	cJSON_AddStringToObject((cJSON *)loc, "SasBlobToken", sas);
	rc = 0;
out:
	free(url), free(acct), free(cont), free(blob), free(code), free(detail);
	return rc;
}

static void
endpoint_patch(struct emu_req *r)
{
	struct ctx c;
	const cJSON *res, *it;
	cJSON *b = NULL, *next = NULL, *one, *p;

	emu_lock();
	if (begin(r, &c, 3, 1) < 0 || !(b = parse_body(r)) || properties(r, NULL, b, 0) < 0)
		goto done;
	if ((res = cJSON_GetObjectItem(b, "Resources")) && !cJSON_IsNull(res)) {
		if (!updatable(c.svc, c.ep)) {
			studio_mgmt_error(r, 400, "BadRequest", NO_RESOURCES);
			goto done;
		}
		if (!cJSON_IsArray(res) || !cJSON_GetArraySize(res)) {
			studio_mgmt_error(r, 400, "BadRequest", "Resources must be a list of objects with "
			    "Name and Location.");
			goto done;
		}
		next = cJSON_CreateArray();
		cJSON_ArrayForEach(it, res) {
			if (check_resource(r, c.svc, it, &one) < 0)
				goto done;
			cJSON_AddItemToArray(next, one);
		}
	}
	properties(r, c.ep, b, 1);
	if (next) {
		studio_settle(c.ep);
		cJSON_DeleteItemFromObjectCaseSensitive(c.ep, "pending");
		p = cJSON_AddObjectToObject(c.ep, "pending");
		cJSON_AddItemToObject(p, "Resources", next);
		cJSON_AddNumberToObject(p, "due", (double)(emu_now_ms() + studio_cfg.switch_ms));
		next = NULL;
		studio_settle(c.ep);
	}
	emu_changed();
	emu_answer(r, 204, NULL, NULL, 0);
done:
	cJSON_Delete(next);
	cJSON_Delete(b);
	emu_unlock();
}

static void
endpoint_delete(struct emu_req *r)
{
	struct ctx c;
	char *key;

	emu_lock();
	if (begin(r, &c, 3, 1) < 0)
		goto done;
	/* "If you have added additional endpoints to the web service, you
	 * cannot delete the default endpoint" (create-endpoint.md). */
	if (is_default(c.svc, c.ep)) {
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c.svc, "endpoints")) > 1) {
			studio_mgmt_error(r, 400, "BadRequest", "The default endpoint of a web service "
			    "cannot be deleted while the web service has other endpoints. Delete them "
			    "first.");
			goto done;
		}
		studio_settle(c.ep);
		set_member(c.svc, "resources", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(c.ep,
		    "Resources"), 1));
	}
	key = aml_xasprintf("ep:%s", aml_json_str(c.ep, "apiId"));
	cJSON_DeleteItemFromObjectCaseSensitive(emu_obj(studio_state(), "bound"), key);
	free(key);
	cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(c.svc,
	    "endpoints"), aml_json_str(c.ep, "Name"));
	emu_changed();
	emu_answer(r, 204, NULL, NULL, 0);
done:
	emu_unlock();
}

/* ---- refresh -------------------------------------------------------- */

/* {"OverwriteResources": "True"} as azuremlps sends it (a .NET bool's
 * ToString()); a JSON boolean, any case, or nothing (false) too. */
static int
overwrite_flag(struct emu_req *r, const cJSON *b, int *over)
{
	const cJSON *o = cJSON_GetObjectItem(b, "OverwriteResources");
	const char *v;
	size_t n;

	*over = 0;
	if (!o || cJSON_IsNull(o))
		return 0;
	if (cJSON_IsBool(o)) {
		*over = cJSON_IsTrue(o);
		return 0;
	}
	if (cJSON_IsString(o)) {
		for (v = o->valuestring; *v == ' '; v++)
			;
		for (n = strlen(v); n && v[n - 1] == ' '; n--)
			;
		if ((n == 4 && strncasecmp(v, "true", 4) == 0) ||
		    (n == 5 && strncasecmp(v, "false", 5) == 0)) {
			*over = n == 4;
			return 0;
		}
	}
	studio_mgmt_error(r, 400, "BadRequest", "OverwriteResources must be True or False.");
	return -1;
}

/* POST .../endpoints/{name}/refresh: the endpoint takes the web service's
 * graph as it is now; with OverwriteResources its trained models too (a
 * PATCH still waiting for its switch-over is dropped).  304 when that
 * changes nothing; the default endpoint follows its web service and is
 * never refreshed (azuremlps README). */
static void
endpoint_refresh(struct emu_req *r)
{
	struct ctx c;
	cJSON *b = NULL, *res;
	int over, changed;

	emu_lock();
	if (begin(r, &c, 3, 1) < 0 || !(b = parse_body(r)) || overwrite_flag(r, b, &over) < 0)
		goto done;
	if (is_default(c.svc, c.ep)) {
		studio_mgmt_error(r, 400, "BadRequest", "The default endpoint of a web service "
		    "cannot be refreshed: it always runs what the web service publishes.");
		goto done;
	}
	studio_settle(c.ep);
	res = svc_resources(c.svc);
	changed = strcmp(ep_graph(c.svc, c.ep), svc_version(c.svc)) != 0;
	if (over && res)
		changed |= !cJSON_Compare(res, cJSON_GetObjectItemCaseSensitive(c.ep, "Resources"), 1) ||
		    cJSON_GetObjectItemCaseSensitive(c.ep, "pending");
	if (!changed) {
		emu_answer(r, 304, NULL, NULL, 0);
		goto done;
	}
	set_member(c.ep, "graph", cJSON_CreateString(svc_version(c.svc)));
	set_member(c.ep, "Version", cJSON_CreateString(svc_version(c.svc)));
	if (over && res) {
		cJSON_DeleteItemFromObjectCaseSensitive(c.ep, "pending");
		set_member(c.ep, "Resources", cJSON_Duplicate(res, 1));
	}
	emu_changed();
	emu_answer(r, 204, NULL, NULL, 0);
done:
	cJSON_Delete(b);
	emu_unlock();
}

/* ---- control: re-publish a web service ------------------------------ */

/* The trained model of a re-published predictive experiment: a blob of
 * the seeded account, "container/name.ilearner", that holds a model. */
static int
model_ok(const char *rel, char **why)
{
	const char *slash = strchr(rel, '/');
	char *cont;
	unsigned char *data;
	size_t len;
	struct studio_model *m;
	int rc;

	if (!slash || slash == rel || !slash[1] || !aml_uri_path_ends(rel, ".ilearner")) {
		*why = aml_xasprintf("\"model\" is CONTAINER/NAME.ilearner in %s, not %s",
		    STUDIO_ACCOUNT, rel);
		return -1;
	}
	cont = aml_xstrndup(rel, (size_t)(slash - rel));
	rc = blob_get(STUDIO_ACCOUNT, cont, slash + 1, &data, &len);
	free(cont);
	if (rc < 0) {
		*why = aml_xasprintf("there is no blob %s in %s", rel, STUDIO_ACCOUNT);
		return -1;
	}
	m = model_load(data, len, why);
	free(data);
	if (!m)
		return -1;
	model_free(m);
	return 0;
}

static void
republish(cJSON *svc, const char *model, const char *t)
{
	cJSON *def = default_endpoint(svc), *res = svc_resources(svc), *r0, *loc;
	char *base;

	set_member(svc, "published", cJSON_CreateString(t));
	if (def) {
		set_member(def, "Version", cJSON_CreateString(t));
		set_member(def, "graph", cJSON_CreateString(t));
	}
	if (!model)
		return;
	if (!res) {
		res = cJSON_CreateArray();
		set_member(svc, "resources", res);
	}
	if (!(r0 = cJSON_GetArrayItem(res, 0))) {
		r0 = cJSON_CreateObject();
		cJSON_AddStringToObject(r0, "Name", aml_json_str(svc, "resource"));
		cJSON_AddStringToObject(r0, "Kind", "TrainedModel");
		cJSON_AddItemToArray(res, r0);
	}
	loc = cJSON_CreateObject();
	base = blob_account_url(STUDIO_ACCOUNT);
	cJSON_AddStringToObject(loc, "BaseLocation", base);
	cJSON_AddStringToObject(loc, "RelativeLocation", model);
	cJSON_AddStringToObject(loc, "SasBlobToken", "");
	set_member(r0, "Location", loc);
	free(base);
}

/* POST /_emu/studio/publish {"service": ID, "model": "CONTAINER/NAME"}:
 * what re-publishing the experiment from Studio does (New-AmlWebService
 * -Update): a new graph version, and with model a new trained model, for
 * the default endpoint only.  service defaults to the predictive one. */
static void
publish(struct emu_req *r)
{
	const cJSON *sv, *mv;
	const char *id, *model;
	cJSON *j, *svc, *o;
	char t[48], *why = NULL;

	if (!emu_control_local(r) || !(j = emu_control_body(r)))
		return;
	sv = cJSON_GetObjectItemCaseSensitive(j, "service");
	mv = cJSON_GetObjectItemCaseSensitive(j, "model");
	if (!cJSON_IsObject(j) || (sv && !cJSON_IsString(sv)) || (mv && !cJSON_IsString(mv))) {
		emu_answer_error(r, 400, "InvalidRequest", "expected {\"service\": ID, \"model\": "
		    "\"CONTAINER/NAME.ilearner\"}, both optional");
		goto out;
	}
	id = sv ? sv->valuestring : emu_id("studioScoreService");
	model = mv ? mv->valuestring : NULL;
	emu_lock();
	if (!(svc = studio_service(studio_workspace(emu_id("studioWorkspaceId")), id))) {
		emu_answer_error(r, 404, "WebServiceNotFound", "no such web service in the workspace");
	} else if (model && !aml_json_str(svc, "resource")) {
		emu_answer_error(r, 400, "InvalidRequest", "a training web service publishes no "
		    "trained model");
	} else if (model && model_ok(model, &why) < 0) {
		emu_answer_error(r, 400, "InvalidRequest", why);
	} else {
		emu_time_dotnet(t, sizeof t, emu_now_100ns());
		republish(svc, model, t);
		emu_changed();
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "service", aml_json_str(svc, "Id"));
		cJSON_AddStringToObject(o, "version", t);
		cJSON_AddItemToObject(o, "resources", svc_resources(svc) ?
		    cJSON_Duplicate(svc_resources(svc), 1) : cJSON_CreateArray());
		emu_answer_json(r, 200, o);
		cJSON_Delete(o);
	}
	emu_unlock();
	free(why);
out:
	cJSON_Delete(j);
}

/* ---- the help page -------------------------------------------------- */

static void
html(struct aml_wbuf *w, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': aml_wputs(w, "&lt;"); break;
		case '>': aml_wputs(w, "&gt;"); break;
		case '&': aml_wputs(w, "&amp;"); break;
		default: aml_wputc(w, *s);
		}
}

static void
help(struct emu_req *r)
{
	cJSON *ws, *svc = NULL, *ep = NULL;
	struct aml_wbuf w;

	emu_lock();
	if ((ws = studio_workspace(r->seg[0])) && (svc = studio_service(ws, r->seg[1])))
		ep = studio_endpoint(svc, r->seg[2]);
	if (!ep) {
		emu_answer(r, 404, "text/html", "<p>Not found</p>\n", 17);
		goto done;
	}
	aml_wbuf_init(&w, -1);
	aml_wputs(&w, "<!DOCTYPE html>\n<html><head><title>");
	html(&w, aml_json_str(svc, "Name"));
	aml_wputs(&w, "</title></head><body>\n<h1>");
	html(&w, aml_json_str(svc, "Name"));
	aml_wputs(&w, ": ");
	html(&w, aml_json_str(ep, "Name"));
	aml_wputs(&w, "</h1>\n<p>Request-Response: POST ");
	html(&w, aml_json_str(ep, "ApiLocation"));
	aml_wputs(&w, "/execute?api-version=2.0&amp;details=true</p>\n<p>Batch Execution: POST ");
	html(&w, aml_json_str(ep, "ApiLocation"));
	aml_wputs(&w, "/jobs?api-version=2.0</p>\n");
	if (updatable(svc, ep)) {
		aml_wprintf(&w, "<h2>Update Resource</h2>\n<p>PATCH %s/workspaces/%s/webservices/%s/"
		    "endpoints/", emu_base, aml_json_str(ws, "Id"), aml_json_str(svc, "Id"));
		html(&w, aml_json_str(ep, "Name"));
		aml_wputs(&w, "</p>\n<p>Updatable Resources: ");
		html(&w, aml_json_str(svc, "resource"));
		aml_wputs(&w, "</p>\n");
	}
	aml_wputs(&w, "</body></html>\n");
	emu_answer(r, 200, "text/html; charset=utf-8", w.buf, w.len);
	aml_wbuf_free(&w);
done:
	emu_unlock();
}

#define WSS "/workspaces/*/webservices"

static const struct emu_route routes[] = {
	{ "GET", WSS, services_get, &studio_fam_mgmt },
	{ "GET", WSS "/*", service_get, &studio_fam_mgmt },
	{ "GET", WSS "/*/endpoints", endpoints_get, &studio_fam_mgmt },
	{ "GET", WSS "/*/endpoints/*", endpoint_get, &studio_fam_mgmt },
	{ "PUT", WSS "/*/endpoints/*", endpoint_put, &studio_fam_mgmt },
	{ "PATCH", WSS "/*/endpoints/*", endpoint_patch, &studio_fam_mgmt },
	{ "DELETE", WSS "/*/endpoints/*", endpoint_delete, &studio_fam_mgmt },
	{ "POST", WSS "/*/endpoints/*/refresh", endpoint_refresh, &studio_fam_mgmt },
	{ "POST", "/_emu/studio/publish", publish, &emu_fam_plain },
	{ "GET", "/apihelp" WSS "/*/endpoints/*", help, &emu_fam_plain },
};

static struct emu_module classicmod = {
	.name = "classic",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
};
EMU_MODULE(classicmod)
