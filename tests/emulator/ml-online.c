/* SPDX-License-Identifier: MIT */
/*
 * ml-online.c: managed online endpoints and their deployments (notes
 * §2, §4, §7, §8).  PUT creates with 201, Azure-AsyncOperation and
 * x-ms-async-operation-timeout, and updates with 200 and no header at
 * all (a client polls GET); either way the body already says Creating
 * or Updating.  PATCH takes tags and identity (endpoint) or tags and sku
 * (deployment) and nothing else, and answers 202 with Location and
 * Retry-After; DELETE answers 202 the same way.  What a PUT changes that
 * matters to scoring (an endpoint's traffic and authMode, a deployment's
 * model) is used only once its operation has succeeded.
 *
 * An endpoint record: {"name", "location", "tags", "identity", "kind",
 * "sku", "props" (properties as sent, keys left out), "state", "keys":
 * {"primaryKey", "secondaryKey"}, "tokens": [{"token", "exp"}],
 * "scoringUri", "swaggerUri", "live": {"traffic", "mirrorTraffic",
 * "authMode"} (what scoring uses), "rr" (ml-score.c's round robin),
 * "deployments"}.  A deployment: {"name", "location", "tags", "kind",
 * "sku", "identity", "props", "state", "serving": {"model", "account",
 * "container", "path"} (what it scores with), "scoringFault"}.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ml.h"

#define EP_TYPE ML_WS_TYPE "/onlineEndpoints"
#define DEP_TYPE EP_TYPE "/deployments"
#define TOKEN_TTL 3600		/* an AML token lasts an hour */
#define KEEP_TOKENS 20

static cJSON *
endpoints(const cJSON *ws)
{
	return cJSON_GetObjectItemCaseSensitive(ws, "endpoints");
}

cJSON *
ml_endpoint(const cJSON *ws, const char *name)
{
	char *k = ml_lower(name);
	cJSON *e = cJSON_GetObjectItemCaseSensitive(endpoints(ws), k);

	free(k);
	return e;
}

static cJSON *
deployments(const cJSON *ep)
{
	return cJSON_GetObjectItemCaseSensitive(ep, "deployments");
}

cJSON *
ml_deployment(const cJSON *ep, const char *name)
{
	char *k = ml_lower(name);
	cJSON *d = cJSON_GetObjectItemCaseSensitive(deployments(ep), k);

	free(k);
	return d;
}

cJSON *
ml_endpoint_anywhere(const char *name, cJSON **ws)
{
	cJSON *w, *ep;

	cJSON_ArrayForEach(w, ml_workspaces())
		if ((ep = ml_endpoint(w, name))) {
			*ws = w;
			return ep;
		}
	return NULL;
}

static char *
dep_name(const cJSON *ep, const char *dep)
{
	return aml_xasprintf("%s/%s", aml_json_str(ep, "name"), dep);
}

/* "South Central US" and "southcentralus" are one region. */
static int
same_location(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if ((*a | 32) != (*b | 32))
			return 0;
		a++, b++;
	}
}

static cJSON *
dup_or_empty(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsObject(v) ? cJSON_Duplicate(v, 1) : cJSON_CreateObject();
}

static void
copy_if(cJSON *out, const cJSON *from, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, k);

	if (v && !cJSON_IsNull(v))
		cJSON_AddItemToObject(out, k, cJSON_Duplicate(v, 1));
}

/* ---- rendering ------------------------------------------------------ */

static void
head(cJSON *j, const cJSON *ws, const char *path, const char *name, const char *type,
    const cJSON *rec)
{
	char *w = ml_ws_id(ws), *id = aml_xasprintf("%s/%s", w, path);

	cJSON_AddStringToObject(j, "id", id);
	cJSON_AddStringToObject(j, "name", name);
	cJSON_AddStringToObject(j, "type", type);
	cJSON_AddStringToObject(j, "location", aml_json_str(rec, "location"));
	cJSON_AddItemToObject(j, "tags", dup_or_empty(rec, "tags"));
	copy_if(j, rec, "kind");
	copy_if(j, rec, "identity");
	copy_if(j, rec, "sku");
	free(id);
	free(w);
}

static cJSON *
endpoint_json(const cJSON *ws, const cJSON *ep, void *cls)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(ep, "props");
	const char *name = aml_json_str(ep, "name");
	cJSON *j = cJSON_CreateObject(), *p;
	char *path = aml_xasprintf("onlineEndpoints/%s", name);

	(void)cls;
	head(j, ws, path, name, EP_TYPE, ep);
	free(path);
	p = cJSON_AddObjectToObject(j, "properties");
	copy_if(p, props, "description");
	cJSON_AddItemToObject(p, "properties", dup_or_empty(props, "properties"));
	cJSON_AddStringToObject(p, "authMode", aml_json_str(props, "authMode"));
	copy_if(p, props, "compute");
	cJSON_AddItemToObject(p, "traffic", dup_or_empty(props, "traffic"));
	cJSON_AddItemToObject(p, "mirrorTraffic", dup_or_empty(props, "mirrorTraffic"));
	cJSON_AddStringToObject(p, "publicNetworkAccess",
	    aml_json_str(props, "publicNetworkAccess") ? aml_json_str(props,
	    "publicNetworkAccess") : "Enabled");
	cJSON_AddStringToObject(p, "scoringUri", aml_json_str(ep, "scoringUri"));
	cJSON_AddStringToObject(p, "swaggerUri", aml_json_str(ep, "swaggerUri"));
	cJSON_AddStringToObject(p, "provisioningState", aml_json_str(ep, "state"));
	ml_add_system_data(j, ep);
	return j;
}

/* What the service fills in when a deployment leaves it out (SPEC
 * defaults). */
static const char defaults[] =
    "{\"scaleSettings\":{\"scaleType\":\"Default\"},"
    "\"requestSettings\":{\"maxConcurrentRequestsPerInstance\":1,\"maxQueueWait\":\"PT0.5S\","
    "\"requestTimeout\":\"PT5S\"},"
    "\"appInsightsEnabled\":false,\"egressPublicNetworkAccess\":\"Enabled\","
    "\"livenessProbe\":{\"failureThreshold\":30,\"successThreshold\":1,\"timeout\":\"PT2S\","
    "\"period\":\"PT10S\",\"initialDelay\":\"PT10S\"},"
    "\"readinessProbe\":{\"failureThreshold\":30,\"successThreshold\":1,\"timeout\":\"PT2S\","
    "\"period\":\"PT10S\",\"initialDelay\":\"PT10S\"}}";

static cJSON *
deployment_json(const cJSON *ws, const cJSON *dep, void *cls)
{
	const cJSON *ep = cls, *props = cJSON_GetObjectItemCaseSensitive(dep, "props"), *x;
	const char *name = aml_json_str(dep, "name");
	cJSON *j = cJSON_CreateObject(), *p, *d;
	struct aml_jerr e;
	char *path = aml_xasprintf("onlineEndpoints/%s/deployments/%s", aml_json_str(ep, "name"),
	    name);

	head(j, ws, path, name, DEP_TYPE, dep);
	free(path);
	p = cJSON_Duplicate(props, 1);
	cJSON_AddItemToObject(j, "properties", p);
	d = aml_json_parse(defaults, sizeof defaults - 1, &e);
	cJSON_ArrayForEach(x, d)
		if (!cJSON_GetObjectItemCaseSensitive(p, x->string))
			cJSON_AddItemToObject(p, x->string, cJSON_Duplicate(x, 1));
	cJSON_Delete(d);
	if (!cJSON_GetObjectItemCaseSensitive(p, "properties"))
		cJSON_AddItemToObject(p, "properties", cJSON_CreateObject());
	ml_set_str(p, "provisioningState", aml_json_str(dep, "state"));
	ml_add_system_data(j, dep);
	return j;
}

/* ---- input ---------------------------------------------------------- */

static int
bad_string(struct emu_req *r, const cJSON *o, const char *k, const char *target, int required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if ((!v || cJSON_IsNull(v)) && !required)
		return 0;
	if (cJSON_IsString(v) && *v->valuestring)
		return 0;
	ml_error(r, 400, "BadArgument", target, "%s %s.", target, v && !cJSON_IsNull(v) ?
	    "must be a non-empty string" : "is required");
	return 1;
}

/* location, properties and the resource's own members every PUT takes;
 * -1 answered. */
static int
common_in(struct emu_req *r, cJSON *b, const cJSON *old, cJSON **props)
{
	cJSON *x;

	if (bad_string(r, b, "location", "location", 1))
		return -1;
	if (old && !same_location(aml_json_str(b, "location"), aml_json_str(old, "location"))) {
		ml_error(r, 400, "BadArgument", "location", "The location cannot be changed: it "
		    "is '%s', not '%s'.", aml_json_str(old, "location"), aml_json_str(b, "location"));
		return -1;
	}
	if (ml_object(r, b, "properties", "properties", props) < 0)
		return -1;
	if (!*props) {
		ml_error(r, 400, "BadArgument", "properties", "properties is required.");
		return -1;
	}
	if (ml_object(r, b, "tags", "tags", &x) < 0 || ml_object(r, b, "sku", "sku", &x) < 0 ||
	    ml_object(r, b, "identity", "identity", &x) < 0 || bad_string(r, b, "kind", "kind", 0))
		return -1;
	return 0;
}

static void
take_common(cJSON *rec, const cJSON *b)
{
	static const char *const k[] = { "tags", "kind", "sku", "identity" };

	ml_set_str(rec, "location", aml_json_str(b, "location"));
	for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(b, k[i]);

		cJSON_DeleteItemFromObjectCaseSensitive(rec, k[i]);
		if (v && !cJSON_IsNull(v))
			cJSON_AddItemToObject(rec, k[i], cJSON_Duplicate(v, 1));
	}
}

/* The principal id of a record's system-assigned identity, kept across
 * a PUT or PATCH that replaces the identity; malloc'd or NULL. */
static char *
principal(const cJSON *rec)
{
	const char *p = aml_json_str(cJSON_GetObjectItemCaseSensitive(rec, "identity"),
	    "principalId");

	return p ? aml_xstrdup(p) : NULL;
}

/* A managed identity as the service shows it: the ids it made (prev,
 * the one it had, when there was one). */
static void
identity_ids(cJSON *rec, const char *prev)
{
	cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, "identity");
	const char *t = aml_json_str(id, "type");
	char g[37];

	if (!id) {
		id = cJSON_AddObjectToObject(rec, "identity");
		cJSON_AddStringToObject(id, "type", "SystemAssigned");
		t = "SystemAssigned";
	}
	cJSON_DeleteItemFromObjectCaseSensitive(id, "principalId");
	cJSON_DeleteItemFromObjectCaseSensitive(id, "tenantId");
	if (!t || !strstr(t, "SystemAssigned"))
		return;
	if (!prev)
		emu_guid(g);
	cJSON_AddStringToObject(id, "principalId", prev ? prev : g);
	cJSON_AddStringToObject(id, "tenantId", emu_id("tenantId"));
}

/* traffic or mirrorTraffic: deployment names to whole percentages; -1
 * answered. */
static int
check_traffic(struct emu_req *r, const cJSON *props, const char *k, const cJSON *ep)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(props, k), *v;
	int mirror = strcmp(k, "mirrorTraffic") == 0;
	char target[64];
	long sum = 0;

	snprintf(target, sizeof target, "properties.%s", k);
	if (!t || cJSON_IsNull(t))
		return 0;
	if (!cJSON_IsObject(t)) {
		ml_error(r, 400, "BadArgument", target, "%s must be a JSON object.", target);
		return -1;
	}
	cJSON_ArrayForEach(v, t) {
		const cJSON *d = ep ? ml_deployment(ep, v->string) : NULL;

		if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 100) ||
		    v->valuedouble != (double)(long)v->valuedouble) {
			ml_error(r, 400, "BadArgument", target, "%s: the value for '%s' must be a "
			    "whole number from 0 to 100.", target, v->string);
			return -1;
		}
		if (!d || strcmp(aml_json_str(d, "state"), "Deleting") == 0) {
			ml_error(r, 400, "BadArgument", target, "%s: deployment '%s' does not exist "
			    "in endpoint '%s'.", target, v->string, ep ? aml_json_str(ep, "name") :
			    r->seg[3]);
			return -1;
		}
		sum += (long)v->valuedouble;
	}
	if (mirror && sum > 50) {
		ml_error(r, 400, "BadArgument", target, "Mirror traffic values need to sum to at "
		    "most 50, not %ld.", sum);
		return -1;
	}
	if (!mirror && sum != 0 && sum != 100) {
		ml_error(r, 400, "BadArgument", target, "Traffic values need to sum to 100, not "
		    "%ld.", sum);
		return -1;
	}
	return 0;
}

static cJSON *
endpoint_props_in(struct emu_req *r, cJSON *in, const cJSON *ep)
{
	static const char *const modes[] = { "Key", "AMLToken", "AADToken" };
	const char *m = aml_json_str(in, "authMode"), *pna;
	cJSON *x, *p;
	size_t i;

	for (i = 0; m && i < 3 && strcmp(m, modes[i]); i++)
		;
	if (!m || i == 3) {
		ml_error(r, 400, "BadArgument", "properties.authMode", m ?
		    "properties.authMode must be one of Key, AMLToken, AADToken, not '%s'." :
		    "properties.authMode is required%s.", m ? m : "");
		return NULL;
	}
	if (check_traffic(r, in, "traffic", ep) < 0 || check_traffic(r, in, "mirrorTraffic", ep) < 0 ||
	    ml_object(r, in, "properties", "properties.properties", &x) < 0 ||
	    bad_string(r, in, "description", "properties.description", 0) ||
	    bad_string(r, in, "compute", "properties.compute", 0))
		return NULL;
	pna = aml_json_str(in, "publicNetworkAccess");
	if (pna && strcmp(pna, "Enabled") && strcmp(pna, "Disabled")) {
		ml_error(r, 400, "BadArgument", "properties.publicNetworkAccess",
		    "properties.publicNetworkAccess must be Enabled or Disabled.");
		return NULL;
	}
	p = cJSON_Duplicate(in, 1);
	/* Read-only members are dropped; keys are create-only and never shown. */
	cJSON_DeleteItemFromObjectCaseSensitive(p, "scoringUri");
	cJSON_DeleteItemFromObjectCaseSensitive(p, "swaggerUri");
	cJSON_DeleteItemFromObjectCaseSensitive(p, "provisioningState");
	cJSON_DeleteItemFromObjectCaseSensitive(p, "keys");
	return p;
}

static cJSON *
live_of(const cJSON *props)
{
	cJSON *l = cJSON_CreateObject();

	cJSON_AddItemToObject(l, "traffic", dup_or_empty(props, "traffic"));
	cJSON_AddItemToObject(l, "mirrorTraffic", dup_or_empty(props, "mirrorTraffic"));
	cJSON_AddStringToObject(l, "authMode", aml_json_str(props, "authMode"));
	return l;
}

static void
new_keys(cJSON *ep, const cJSON *given)
{
	cJSON *k = cJSON_CreateObject();

	for (int i = 0; i < 2; i++) {
		const char *n = i ? "secondaryKey" : "primaryKey", *v = aml_json_str(given, n);
		char *s = v && *v ? aml_xstrdup(v) : emu_random_token(32);

		cJSON_AddStringToObject(k, n, s);
		aml_freesecret(s);
	}
	ml_set(ep, "keys", k);
}

static cJSON *
endpoint_new(cJSON *ws, const char *name)
{
	char *k = ml_lower(name), *u;
	cJSON *ep = cJSON_AddObjectToObject(endpoints(ws), k);

	free(k);
	cJSON_AddStringToObject(ep, "name", name);
	u = aml_xasprintf("%s/online/%s/score", emu_base, name);
	cJSON_AddStringToObject(ep, "scoringUri", u);
	free(u);
	u = aml_xasprintf("%s/online/%s/swagger.json", emu_base, name);
	cJSON_AddStringToObject(ep, "swaggerUri", u);
	free(u);
	cJSON_AddObjectToObject(ep, "deployments");
	cJSON_AddArrayToObject(ep, "tokens");
	ml_touch(ep, 1);
	return ep;
}

/* ---- endpoints ------------------------------------------------------ */

static int
ep_missing(struct emu_req *r, const cJSON *ep)
{
	char *t;

	if (ep)
		return 0;
	t = aml_xasprintf("onlineEndpoints/%s", r->seg[3]);
	ml_not_found(r, t);
	free(t);
	return 1;
}

static void
ep_list(struct emu_req *r)
{
	struct ml_call c;

	if (ml_begin(r, &c) < 0)
		return;
	ml_list(r, &c, endpoints(c.ws), endpoint_json, NULL);
	ml_end(&c);
}

static void
ep_get(struct emu_req *r)
{
	struct ml_call c;
	cJSON *ep, *j;

	if (ml_begin(r, &c) < 0)
		return;
	if (!ep_missing(r, (ep = ml_endpoint(c.ws, r->seg[3])))) {
		j = endpoint_json(c.ws, ep, NULL);
		ml_answer(r, 200, j);
		cJSON_Delete(j);
	}
	ml_end(&c);
}

static void
ep_put(struct emu_req *r)
{
	struct ml_call c;
	cJSON *b = NULL, *in, *p, *ep, *op, *j, *keys;
	char *pid;
	int created;

	if (ml_begin(r, &c) < 0)
		return;
	if (ml_name_ok(r, "endpointName", r->seg[3]) < 0 || !(b = ml_body(r)))
		goto out;
	ep = ml_endpoint(c.ws, r->seg[3]);
	if (common_in(r, b, ep, &in) < 0 || !(p = endpoint_props_in(r, in, ep)))
		goto out;
	if (ep && ml_busy(r, c.ws, "endpoint", aml_json_str(ep, "name"))) {
		cJSON_Delete(p);
		goto out;
	}
	if ((created = !ep)) {
		ep = endpoint_new(c.ws, r->seg[3]);
		keys = cJSON_GetObjectItemCaseSensitive(in, "keys");
		new_keys(ep, cJSON_IsObject(keys) ? keys : NULL);
	}
	pid = principal(ep);
	take_common(ep, b);
	identity_ids(ep, pid);
	free(pid);
	ml_set(ep, "props", p);
	ml_set_str(ep, "state", created ? "Creating" : "Updating");
	ml_touch(ep, 0);
	op = ml_op_start(r, c.ws, "endpoint", "PUT", aml_json_str(ep, "name"), live_of(p));
	j = endpoint_json(c.ws, ep, NULL);
	ml_answer(r, created ? 201 : 200, j);
	cJSON_Delete(j);
	/* An update has none, unless a fault asks for a Location. */
	ml_op_headers(r, op, c.apiver, created ? ML_HDR_ASYNC | ML_HDR_TIMEOUT : 0);
out:
	cJSON_Delete(b);
	ml_end(&c);
}

static void
ep_patch(struct emu_req *r)
{
	struct ml_call c;
	cJSON *b = NULL, *ep, *tags, *id, *op;

	if (ml_begin(r, &c) < 0)
		return;
	if (ep_missing(r, (ep = ml_endpoint(c.ws, r->seg[3]))) || !(b = ml_body(r)))
		goto out;
	/* PartialMinimalTrackedResourceWithIdentity: tags and identity; the
	 * rest of a body is not read (traffic moves with a PUT). */
	if (ml_object(r, b, "tags", "tags", &tags) < 0 ||
	    ml_object(r, b, "identity", "identity", &id) < 0 ||
	    ml_busy(r, c.ws, "endpoint", aml_json_str(ep, "name")))
		goto out;
	if (tags)
		ml_set(ep, "tags", cJSON_Duplicate(tags, 1));
	if (id) {
		char *pid = principal(ep);

		ml_set(ep, "identity", cJSON_Duplicate(id, 1));
		identity_ids(ep, pid);
		free(pid);
	}
	ml_set_str(ep, "state", "Updating");
	ml_touch(ep, 0);
	op = ml_op_start(r, c.ws, "endpoint", "PATCH", aml_json_str(ep, "name"), NULL);
	ml_answer(r, 202, NULL);
	ml_op_headers(r, op, c.apiver, ML_HDR_LOCATION | ML_HDR_TIMEOUT);
out:
	cJSON_Delete(b);
	ml_end(&c);
}

static void
ep_delete(struct emu_req *r)
{
	struct ml_call c;
	cJSON *ep, *d, *op;

	if (ml_begin(r, &c) < 0)
		return;
	if (!(ep = ml_endpoint(c.ws, r->seg[3]))) {
		ml_answer(r, 204, NULL);
	} else if (!ml_busy(r, c.ws, "endpoint", aml_json_str(ep, "name"))) {
		ml_set_str(ep, "state", "Deleting");
		cJSON_ArrayForEach(d, deployments(ep))
			ml_set_str(d, "state", "Deleting");
		op = ml_op_start(r, c.ws, "endpoint", "DELETE", aml_json_str(ep, "name"), NULL);
		ml_answer(r, 202, NULL);
		ml_op_headers(r, op, c.apiver, ML_HDR_LOCATION | ML_HDR_TIMEOUT);
	}
	ml_end(&c);
}

/* Which credential calls an endpoint takes depends on its authMode;
 * the others are refused (the status is the emulator's choice). */
static int
wrong_mode(struct emu_req *r, const cJSON *ep, const char *want, const char *what)
{
	const char *m = aml_json_str(cJSON_GetObjectItemCaseSensitive(ep, "props"), "authMode");

	if (strcmp(m, want) == 0)
		return 0;
	ml_error(r, 400, "BadArgument", NULL, "%s: endpoint '%s' has authMode %s; %s needs "
	    "authMode %s.", what, aml_json_str(ep, "name"), m, what, want);
	return 1;
}

static void
ep_keys(struct emu_req *r)
{
	struct ml_call c;
	cJSON *ep, *j;

	if (ml_begin(r, &c) < 0)
		return;
	if (!ep_missing(r, (ep = ml_endpoint(c.ws, r->seg[3]))) &&
	    !wrong_mode(r, ep, "Key", "listKeys")) {
		j = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(ep, "keys"), 1);
		ml_answer(r, 200, j);
		aml_json_free_secret(j);
	}
	ml_end(&c);
}

static void
ep_regenerate(struct emu_req *r)
{
	struct ml_call c;
	cJSON *b = NULL, *ep, *pl, *op;
	const char *kt, *kv;

	if (ml_begin(r, &c) < 0)
		return;
	if (ep_missing(r, (ep = ml_endpoint(c.ws, r->seg[3]))) || !(b = ml_body(r)) ||
	    wrong_mode(r, ep, "Key", "regenerateKeys"))
		goto out;
	kt = aml_json_str(b, "keyType");
	if (!kt || (strcmp(kt, "Primary") && strcmp(kt, "Secondary"))) {
		ml_error(r, 400, "BadArgument", "keyType", kt ? "keyType must be Primary or "
		    "Secondary, not '%s'." : "keyType is required%s.", kt ? kt : "");
		goto out;
	}
	if (bad_string(r, b, "keyValue", "keyValue", 0) ||
	    ml_busy(r, c.ws, "endpoint", aml_json_str(ep, "name")))
		goto out;
	pl = cJSON_CreateObject();
	cJSON_AddStringToObject(pl, "keyType", kt);
	if ((kv = aml_json_str(b, "keyValue"))) {
		cJSON_AddStringToObject(pl, "keyValue", kv);
	} else {
		char *s = emu_random_token(32);

		cJSON_AddStringToObject(pl, "keyValue", s);
		aml_freesecret(s);
	}
	op = ml_op_start(r, c.ws, "endpoint", "REGENERATE", aml_json_str(ep, "name"), pl);
	ml_answer(r, 202, NULL);
	ml_op_headers(r, op, c.apiver, ML_HDR_ASYNC | ML_HDR_LOCATION);
out:
	if (b)
		aml_json_free_secret(b);
	ml_end(&c);
}

static void
ep_token(struct emu_req *r)
{
	struct ml_call c;
	cJSON *ep, *j, *tl, *t;
	char *tok;
	long now = (long)emu_now();

	if (ml_begin(r, &c) < 0)
		return;
	if (ep_missing(r, (ep = ml_endpoint(c.ws, r->seg[3]))) ||
	    wrong_mode(r, ep, "AMLToken", "token"))
		goto out;
	tok = emu_random_token(48);
	tl = cJSON_GetObjectItemCaseSensitive(ep, "tokens");
	if (!cJSON_IsArray(tl)) {
		cJSON_DeleteItemFromObjectCaseSensitive(ep, "tokens");
		tl = cJSON_AddArrayToObject(ep, "tokens");
	}
	t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "token", tok);
	cJSON_AddNumberToObject(t, "exp", (double)(now + TOKEN_TTL));
	cJSON_AddItemToArray(tl, t);
	while (cJSON_GetArraySize(tl) > KEEP_TOKENS)
		cJSON_DeleteItemFromArray(tl, 0);
	emu_changed();
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "accessToken", tok);
	cJSON_AddStringToObject(j, "tokenType", "Bearer");
	cJSON_AddItemToObject(j, "expiryTimeUtc", cJSON_CreateNumber((double)(now + TOKEN_TTL)));
	cJSON_AddItemToObject(j, "refreshAfterTimeUtc",
	    cJSON_CreateNumber((double)(now + TOKEN_TTL / 2)));
	ml_answer(r, 200, j);
	aml_json_free_secret(j);
	aml_freesecret(tok);
out:
	ml_end(&c);
}

/* ---- deployments ---------------------------------------------------- */

/* The endpoint of seg[3] must be there and not going; -1 answered. */
static int
dep_begin(struct emu_req *r, struct ml_call *c, cJSON **ep)
{
	if (ml_begin(r, c) < 0)
		return -1;
	if (ep_missing(r, (*ep = ml_endpoint(c->ws, r->seg[3])))) {
		ml_end(c);
		return -1;
	}
	return 0;
}

static int
dep_missing(struct emu_req *r, const cJSON *d)
{
	char *t;

	if (d)
		return 0;
	t = aml_xasprintf("onlineEndpoints/%s/deployments/%s", r->seg[3], r->seg[4]);
	ml_not_found(r, t);
	free(t);
	return 1;
}

static void
dep_list(struct emu_req *r)
{
	struct ml_call c;
	cJSON *ep;

	if (dep_begin(r, &c, &ep) < 0)
		return;
	ml_list(r, &c, deployments(ep), deployment_json, ep);
	ml_end(&c);
}

static void
dep_get(struct emu_req *r)
{
	struct ml_call c;
	cJSON *ep, *d, *j;

	if (dep_begin(r, &c, &ep) < 0)
		return;
	if (!dep_missing(r, (d = ml_deployment(ep, r->seg[4])))) {
		j = deployment_json(c.ws, d, ep);
		ml_answer(r, 200, j);
		cJSON_Delete(j);
	}
	ml_end(&c);
}

/* What the deployment will score with: its model version's file. */
static cJSON *
serving_of(struct emu_req *r, const cJSON *ws, const char *model)
{
	char *n, *v, *a, *ct, *p, *why = NULL;
	cJSON *ver, *s = cJSON_CreateObject();

	if (!model)
		return s;
	if (!(ver = ml_model_version(ws, model, &n, &v, &why)) ||
	    ml_model_blob(ws, ver, &a, &ct, &p, &why) < 0) {
		ml_error(r, 400, "BadArgument", "properties.model", "properties.model: %s.", why);
		if (ver)
			free(n), free(v);
		free(why);
		cJSON_Delete(s);
		return NULL;
	}
	cJSON_AddStringToObject(s, "model", model);
	cJSON_AddStringToObject(s, "modelName", n);
	cJSON_AddStringToObject(s, "modelVersion", v);
	cJSON_AddStringToObject(s, "account", a);
	cJSON_AddStringToObject(s, "container", ct);
	cJSON_AddStringToObject(s, "path", p);
	free(n), free(v), free(a), free(ct), free(p);
	return s;
}

static cJSON *
dep_props_in(struct emu_req *r, cJSON *in, const cJSON *old)
{
	static const char *const types[] = { "Managed", "Kubernetes", "AzureMLCompute" };
	const char *t = aml_json_str(in, "endpointComputeType"), *it, *oit;
	size_t i;
	cJSON *p;

	for (i = 0; t && i < 3 && strcmp(t, types[i]); i++)
		;
	if (!t || i == 3) {
		ml_error(r, 400, "BadArgument", "properties.endpointComputeType", t ?
		    "properties.endpointComputeType must be one of Managed, Kubernetes, "
		    "AzureMLCompute, not '%s'." : "properties.endpointComputeType is required%s.",
		    t ? t : "");
		return NULL;
	}
	if (bad_string(r, in, "model", "properties.model", 0) ||
	    bad_string(r, in, "instanceType", "properties.instanceType", 0))
		return NULL;
	it = aml_json_str(in, "instanceType");
	oit = old ? aml_json_str(cJSON_GetObjectItemCaseSensitive(old, "props"), "instanceType") :
	    NULL;
	if (it && oit && strcasecmp(it, oit)) {
		ml_error(r, 400, "BadArgument", "properties.instanceType", "The instanceType "
		    "cannot be changed: it is '%s', not '%s'.", oit, it);
		return NULL;
	}
	p = cJSON_Duplicate(in, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(p, "provisioningState");
	if (!it && oit)
		cJSON_AddStringToObject(p, "instanceType", oit);
	return p;
}

static void
dep_put(struct emu_req *r)
{
	struct ml_call c;
	cJSON *b = NULL, *ep, *in, *p = NULL, *d, *op, *j, *sv = NULL;
	char *dn = NULL, *k, *pid;
	int created;

	if (dep_begin(r, &c, &ep) < 0)
		return;
	if (strcmp(aml_json_str(ep, "state"), "Deleting") == 0) {
		ml_error(r, 409, "Conflict", NULL, "Endpoint '%s' is being deleted.",
		    aml_json_str(ep, "name"));
		goto out;
	}
	if (ml_name_ok(r, "deploymentName", r->seg[4]) < 0 || !(b = ml_body(r)))
		goto out;
	d = ml_deployment(ep, r->seg[4]);
	if (common_in(r, b, d, &in) < 0 || !(p = dep_props_in(r, in, d)) ||
	    !(sv = serving_of(r, c.ws, aml_json_str(p, "model"))))
		goto out;
	dn = dep_name(ep, d ? aml_json_str(d, "name") : r->seg[4]);
	if (d && ml_busy(r, c.ws, "deployment", dn))
		goto out;
	if ((created = !d)) {
		k = ml_lower(r->seg[4]);
		d = cJSON_AddObjectToObject(deployments(ep), k);
		free(k);
		cJSON_AddStringToObject(d, "name", r->seg[4]);
		ml_touch(d, 1);
	}
	pid = principal(d);
	take_common(d, b);
	if (!cJSON_GetObjectItemCaseSensitive(d, "sku")) {
		cJSON *s = cJSON_AddObjectToObject(d, "sku");

		cJSON_AddStringToObject(s, "name", "Default");
		cJSON_AddNumberToObject(s, "capacity", 1);
	}
	if (cJSON_GetObjectItemCaseSensitive(d, "identity"))
		identity_ids(d, pid);
	free(pid);
	ml_set(d, "props", p);
	p = NULL;
	ml_set_str(d, "state", created ? "Creating" : "Updating");
	ml_touch(d, 0);
	op = ml_op_start(r, c.ws, "deployment", "PUT", dn, sv);
	sv = NULL;
	j = deployment_json(c.ws, d, ep);
	ml_answer(r, created ? 201 : 200, j);
	cJSON_Delete(j);
	/* An update has none, unless a fault asks for a Location. */
	ml_op_headers(r, op, c.apiver, created ? ML_HDR_ASYNC | ML_HDR_TIMEOUT : 0);
out:
	free(dn);
	cJSON_Delete(sv);
	cJSON_Delete(p);
	cJSON_Delete(b);
	ml_end(&c);
}

static void
dep_patch(struct emu_req *r)
{
	struct ml_call c;
	cJSON *b = NULL, *ep, *d, *tags, *sku, *op;
	char *dn = NULL;

	if (dep_begin(r, &c, &ep) < 0)
		return;
	if (dep_missing(r, (d = ml_deployment(ep, r->seg[4]))) || !(b = ml_body(r)))
		goto out;
	/* PartialMinimalTrackedResourceWithSku: tags and sku; a model in a
	 * PATCH body is not read, so it changes nothing. */
	dn = dep_name(ep, aml_json_str(d, "name"));
	if (ml_object(r, b, "tags", "tags", &tags) < 0 || ml_object(r, b, "sku", "sku", &sku) < 0 ||
	    ml_busy(r, c.ws, "deployment", dn))
		goto out;
	if (tags)
		ml_set(d, "tags", cJSON_Duplicate(tags, 1));
	if (sku) {
		cJSON *s = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(d, "sku"), 1), *x;

		if (!s)
			s = cJSON_CreateObject();
		cJSON_ArrayForEach(x, sku)
			ml_set(s, x->string, cJSON_Duplicate(x, 1));
		ml_set(d, "sku", s);
	}
	ml_set_str(d, "state", "Updating");
	ml_touch(d, 0);
	op = ml_op_start(r, c.ws, "deployment", "PATCH", dn, NULL);
	ml_answer(r, 202, NULL);
	ml_op_headers(r, op, c.apiver, ML_HDR_LOCATION | ML_HDR_TIMEOUT);
out:
	free(dn);
	cJSON_Delete(b);
	ml_end(&c);
}

static long
share(const cJSON *ep, const char *k, const char *dep)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ep,
	    "props"), k), *v;

	cJSON_ArrayForEach(v, t)
		if (strcasecmp(v->string, dep) == 0 && cJSON_IsNumber(v))
			return (long)v->valuedouble;
	return 0;
}

static void
dep_delete(struct emu_req *r)
{
	struct ml_call c;
	cJSON *ep, *d, *op;
	char *dn = NULL;
	const char *name;

	if (dep_begin(r, &c, &ep) < 0)
		return;
	if (!(d = ml_deployment(ep, r->seg[4]))) {
		ml_answer(r, 204, NULL);
		goto out;
	}
	name = aml_json_str(d, "name");
	if (share(ep, "traffic", name) > 0 || share(ep, "mirrorTraffic", name) > 0) {
		ml_error(r, 409, "Conflict", NULL, "Deployment '%s' takes %ld%% of the traffic "
		    "(and %ld%% mirrored) of endpoint '%s'; set it to 0 before deleting the "
		    "deployment.", name, share(ep, "traffic", name),
		    share(ep, "mirrorTraffic", name), aml_json_str(ep, "name"));
		goto out;
	}
	dn = dep_name(ep, name);
	if (ml_busy(r, c.ws, "deployment", dn))
		goto out;
	ml_set_str(d, "state", "Deleting");
	op = ml_op_start(r, c.ws, "deployment", "DELETE", dn, NULL);
	ml_answer(r, 202, NULL);
	ml_op_headers(r, op, c.apiver, ML_HDR_LOCATION | ML_HDR_TIMEOUT);
out:
	free(dn);
	ml_end(&c);
}

static void
dep_logs(struct emu_req *r)
{
	struct ml_call c;
	cJSON *ep, *d, *b = NULL, *j;
	const cJSON *sv;
	const char *ct;
	struct aml_wbuf w;

	if (dep_begin(r, &c, &ep) < 0)
		return;
	if (dep_missing(r, (d = ml_deployment(ep, r->seg[4]))))
		goto out;
	if (r->bodylen && !(b = ml_body(r)))
		goto out;
	ct = aml_json_str(b, "containerType");
	if (ct && strcmp(ct, "StorageInitializer") && strcmp(ct, "InferenceServer")) {
		ml_error(r, 400, "BadArgument", "containerType", "containerType must be "
		    "StorageInitializer or InferenceServer, not '%s'.", ct);
		goto out;
	}
	sv = cJSON_GetObjectItemCaseSensitive(d, "serving");
	aml_wbuf_init(&w, -1);
	if (ct && strcmp(ct, "StorageInitializer") == 0)
		aml_wprintf(&w, "Downloading model %s:%s from %s/%s/%s\nDone.\n",
		    aml_json_str(sv, "modelName") ? aml_json_str(sv, "modelName") : "(none)",
		    aml_json_str(sv, "modelVersion") ? aml_json_str(sv, "modelVersion") : "-",
		    STUDIO_ACCOUNT, ml_datastore_container(c.ws),
		    aml_json_str(sv, "path") ? aml_json_str(sv, "path") : "");
	else
		aml_wprintf(&w, "aml-emulator inference server for %s/%s (%s)\nModel: %s\n"
		    "Listening on the scoring URI %s\n", aml_json_str(ep, "name"),
		    aml_json_str(d, "name"), aml_json_str(d, "state"),
		    aml_json_str(sv, "model") ? aml_json_str(sv, "model") : "(none)",
		    aml_json_str(ep, "scoringUri"));
	aml_wputc(&w, '\0');
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "content", w.buf);
	aml_wbuf_free(&w);
	ml_answer(r, 200, j);
	cJSON_Delete(j);
out:
	cJSON_Delete(b);
	ml_end(&c);
}

static void
dep_skus(struct emu_req *r)
{
	static const char skus[] = "{\"value\":[{\"resourceType\":\"Microsoft.MachineLearning."
	    "Services/endpoints/deployments\",\"sku\":{\"name\":\"Default\",\"tier\":\"Standard\"},"
	    "\"capacity\":{\"minimum\":1,\"maximum\":20,\"default\":1,\"scaleType\":\"Manual\"}}]}";
	struct ml_call c;
	struct aml_jerr e;
	cJSON *ep, *j;

	if (dep_begin(r, &c, &ep) < 0)
		return;
	if (!dep_missing(r, ml_deployment(ep, r->seg[4]))) {
		j = aml_json_parse(skus, sizeof skus - 1, &e);
		ml_answer(r, 200, j);
		cJSON_Delete(j);
	}
	ml_end(&c);
}

/* ---- operations ending ---------------------------------------------- */

static void
ep_apply(cJSON *ws, cJSON *op, const char *status)
{
	cJSON *ep = ml_endpoint(ws, aml_json_str(op, "name")), *pl;
	const char *verb = aml_json_str(op, "verb");
	int ok = strcmp(status, "Succeeded") == 0;

	if (!ep)
		return;
	pl = cJSON_GetObjectItemCaseSensitive(op, "payload");
	if (strcmp(verb, "DELETE") == 0) {
		cJSON *d;

		if (ok) {
			cJSON_Delete(cJSON_DetachItemViaPointer(endpoints(ws), ep));
			return;
		}
		cJSON_ArrayForEach(d, deployments(ep))
			ml_set_str(d, "state", "Succeeded");
	} else if (strcmp(verb, "REGENERATE") == 0) {
		if (ok)
			ml_set_str(cJSON_GetObjectItemCaseSensitive(ep, "keys"),
			    strcmp(aml_json_str(pl, "keyType"), "Primary") ? "secondaryKey" :
			    "primaryKey", aml_json_str(pl, "keyValue"));
		return;
	} else if (strcmp(verb, "PUT") == 0 && ok) {
		/* New weights start the round robin afresh. */
		ml_set(ep, "live", cJSON_Duplicate(pl, 1));
		cJSON_DeleteItemFromObjectCaseSensitive(ep, "rr");
	}
	ml_set_str(ep, "state", ok ? "Succeeded" : status);
	ml_touch(ep, 0);
}

static cJSON *
ep_result(const cJSON *ws, const cJSON *op, const char *apiver)
{
	const char *verb = aml_json_str(op, "verb");
	cJSON *ep = ml_endpoint(ws, aml_json_str(op, "name"));

	(void)apiver;
	if (!ep || (strcmp(verb, "PUT") && strcmp(verb, "PATCH")))
		return NULL;
	return endpoint_json(ws, ep, NULL);
}

/* kind "deployment", name "ep/dep" */
static cJSON *
dep_of(const cJSON *ws, const cJSON *op, cJSON **ep)
{
	const char *n = aml_json_str(op, "name"), *s = strchr(n, '/');
	char *en;

	if (!s)
		return NULL;
	en = aml_xstrndup(n, (size_t)(s - n));
	*ep = ml_endpoint(ws, en);
	free(en);
	return *ep ? ml_deployment(*ep, s + 1) : NULL;
}

static void
dep_apply(cJSON *ws, cJSON *op, const char *status)
{
	cJSON *ep, *d = dep_of(ws, op, &ep);
	const char *verb = aml_json_str(op, "verb");
	int ok = strcmp(status, "Succeeded") == 0;

	if (!d)
		return;
	if (strcmp(verb, "DELETE") == 0 && ok) {
		cJSON_Delete(cJSON_DetachItemViaPointer(deployments(ep), d));
		return;
	}
	if (strcmp(verb, "PUT") == 0 && ok)
		ml_set(d, "serving", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(op,
		    "payload"), 1));
	ml_set_str(d, "state", ok ? "Succeeded" : status);
	ml_touch(d, 0);
}

static cJSON *
dep_result(const cJSON *ws, const cJSON *op, const char *apiver)
{
	const char *verb = aml_json_str(op, "verb");
	cJSON *ep, *d = dep_of(ws, op, &ep);

	(void)apiver;
	if (!d || (strcmp(verb, "PUT") && strcmp(verb, "PATCH")))
		return NULL;
	return deployment_json(ws, d, ep);
}

/* ---- seed ----------------------------------------------------------- */

void
ml_online_seed(cJSON *ws, const char *model_id)
{
	cJSON *ep = endpoint_new(ws, "census-ep"), *p, *t, *d, *s;
	char *k, *why = NULL, *n, *v, *a, *c, *path;
	cJSON *ver;

	cJSON_AddStringToObject(ep, "location", ml_ws_location(ws));
	cJSON_AddItemToObject(ep, "tags", cJSON_CreateObject());
	identity_ids(ep, NULL);
	p = cJSON_AddObjectToObject(ep, "props");
	cJSON_AddStringToObject(p, "description", "Census income: is it over 50K?");
	cJSON_AddStringToObject(p, "authMode", "Key");
	t = cJSON_AddObjectToObject(p, "traffic");
	cJSON_AddNumberToObject(t, "blue", 100);
	cJSON_AddItemToObject(ep, "live", live_of(p));
	cJSON_AddStringToObject(ep, "state", "Succeeded");
	new_keys(ep, NULL);

	k = ml_lower("blue");
	d = cJSON_AddObjectToObject(deployments(ep), k);
	free(k);
	cJSON_AddStringToObject(d, "name", "blue");
	cJSON_AddStringToObject(d, "location", ml_ws_location(ws));
	cJSON_AddItemToObject(d, "tags", cJSON_CreateObject());
	s = cJSON_AddObjectToObject(d, "sku");
	cJSON_AddStringToObject(s, "name", "Default");
	cJSON_AddNumberToObject(s, "capacity", 1);
	p = cJSON_AddObjectToObject(d, "props");
	cJSON_AddStringToObject(p, "endpointComputeType", "Managed");
	cJSON_AddStringToObject(p, "model", model_id);
	cJSON_AddStringToObject(p, "instanceType", "Standard_DS3_v2");
	t = cJSON_AddObjectToObject(p, "codeConfiguration");
	cJSON_AddStringToObject(t, "scoringScript", "score.py");
	cJSON_AddStringToObject(p, "environmentId",
	    "azureml://registries/azureml/environments/sklearn-1.5/labels/latest");
	cJSON_AddStringToObject(d, "state", "Succeeded");
	ml_touch(d, 1);
	if (!(ver = ml_model_version(ws, model_id, &n, &v, &why)) ||
	    ml_model_blob(ws, ver, &a, &c, &path, &why) < 0)
		aml_die("seed deployment: %s", why);
	s = cJSON_AddObjectToObject(d, "serving");
	cJSON_AddStringToObject(s, "model", model_id);
	cJSON_AddStringToObject(s, "modelName", n);
	cJSON_AddStringToObject(s, "modelVersion", v);
	cJSON_AddStringToObject(s, "account", a);
	cJSON_AddStringToObject(s, "container", c);
	cJSON_AddStringToObject(s, "path", path);
	free(n), free(v), free(a), free(c), free(path);
}

static const struct ml_op_class epclass = { "endpoint", ep_apply, ep_result };
static const struct ml_op_class depclass = { "deployment", dep_apply, dep_result };

static void
init(void)
{
	ml_op_class(&epclass);
	ml_op_class(&depclass);
}

#define EP "/subscriptions/*/resourceGroups/*/providers/Microsoft.MachineLearningServices/" \
	"workspaces/*/onlineEndpoints"

static const struct emu_route routes[] = {
	{ "GET", EP, ep_list, &emu_fam_arm },
	{ "GET", EP "/*", ep_get, &emu_fam_arm },
	{ "PUT", EP "/*", ep_put, &emu_fam_arm },
	{ "PATCH", EP "/*", ep_patch, &emu_fam_arm },
	{ "DELETE", EP "/*", ep_delete, &emu_fam_arm },
	{ "POST", EP "/*/listKeys", ep_keys, &emu_fam_arm },
	{ "POST", EP "/*/regenerateKeys", ep_regenerate, &emu_fam_arm },
	{ "POST", EP "/*/token", ep_token, &emu_fam_arm },
	{ "GET", EP "/*/deployments", dep_list, &emu_fam_arm },
	{ "GET", EP "/*/deployments/*", dep_get, &emu_fam_arm },
	{ "PUT", EP "/*/deployments/*", dep_put, &emu_fam_arm },
	{ "PATCH", EP "/*/deployments/*", dep_patch, &emu_fam_arm },
	{ "DELETE", EP "/*/deployments/*", dep_delete, &emu_fam_arm },
	{ "POST", EP "/*/deployments/*/getLogs", dep_logs, &emu_fam_arm },
	{ "GET", EP "/*/deployments/*/skus", dep_skus, &emu_fam_arm },
};

static struct emu_module onlinemod = {
	.name = "ml-online",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
	.init = init,
};
EMU_MODULE(onlinemod)
