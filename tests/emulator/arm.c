/* SPDX-License-Identifier: MIT */
/*
 * arm.c: Resource Manager as the tools meet it: subscriptions, resource
 * groups, the Microsoft.MachineLearning provider and every operation on
 * its webServices (api-version 2017-01-01 and 2016-05-01-preview),
 * following notes/arm-webservices.md; where the specification and the
 * recorded traffic disagree, the recorded traffic is what is done.
 *
 * A web service is kept as {group, name, svcid, location, tags,
 * properties, regions} under its lower-cased "group/name" key.  Its
 * properties are the canonical definition: secrets included (keys, the
 * storage key, commitmentPlan), read-only fields computed here.  GET and
 * list leave the secrets out; listKeys gives the keys.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "emu.h"

#define WS_TYPE "Microsoft.MachineLearning/webServices"
#define PREVIEW "2016-05-01-preview"
#define STABLE "2017-01-01"

/* The regions the provider registration listed (REC/CreateGetRemove). */
static const char *const regions[][2] = {
	{ "southcentralus", "South Central US" },
	{ "westeurope", "West Europe" },
	{ "southeastasia", "Southeast Asia" },
	{ "japaneast", "Japan East" },
	{ "eastus2", "East US 2" },
	{ "westcentralus", "West Central US" },
};
#define NREGIONS (sizeof regions / sizeof *regions)

static const char *const resources_versions[] = {
	"2014-04-01", "2014-04-01-preview", "2015-01-01", "2015-11-01", "2016-02-01",
	"2016-06-01", "2016-07-01", "2016-09-01", "2017-05-10", "2018-02-01",
	"2018-05-01", "2019-03-01", "2019-05-01", "2019-06-01", "2019-07-01",
	"2019-08-01", "2019-10-01", "2019-11-01", "2020-01-01", "2020-06-01",
	"2020-08-01", "2020-10-01", "2021-01-01", "2021-04-01", "2022-01-01",
	"2022-09-01", "2022-12-01", "2023-07-01", "2024-03-01",
};

static emu_model_hook *hooks[8];

/* ---- headers and errors --------------------------------------------- */

void
emu_arm_headers(struct emu_req *r)
{
	const char *corr = emu_header(r, "x-ms-correlation-request-id");
	char route[128], ts[32];
	time_t now = emu_now();
	struct tm tm;
	int read = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;

	if (!corr || strlen(corr) > 64)
		corr = r->corrid;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(route, sizeof route, "SOUTHCENTRALUS:%s:%s", ts, corr);
	emu_set_header(r, "Cache-Control", "no-cache");
	emu_set_header(r, "Pragma", "no-cache");
	emu_set_header(r, "Expires", "-1");
	emu_set_header(r, "x-ms-request-id", r->reqid);
	emu_set_header(r, "x-ms-correlation-request-id", corr);
	emu_set_header(r, "x-ms-routing-request-id", route);
	emu_set_header(r, read ? "x-ms-ratelimit-remaining-subscription-reads" :
	    "x-ms-ratelimit-remaining-subscription-writes", read ? "11999" : "1199");
	emu_set_header(r, "Strict-Transport-Security", "max-age=31536000; includeSubDomains");
	emu_set_header(r, "Server", "Microsoft-HTTPAPI/2.0");
}

static const char *
default_code(int status)
{
	switch (status) {
	case 400: return "BadRequest";
	case 401: return "AuthenticationFailed";
	case 403: return "AuthorizationFailed";
	case 404: return "NotFound";
	case 405: return "MethodNotAllowed";
	case 409: return "Conflict";
	case 412: return "PreconditionFailed";
	case 413: return "RequestEntityTooLarge";
	case 429: return "TooManyRequests";
	case 502: return "BadGateway";
	case 503: return "ServiceUnavailable";
	case 504: return "GatewayTimeout";
	default: return status >= 500 ? "InternalServerError" : "BadRequest";
	}
}

/* Resource Manager's own errors (the front door): compact. */
static void
arm_error(struct emu_req *r, int status, const char *code, const char *message)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error");

	cJSON_AddStringToObject(e, "code", code && *code ? code : default_code(status));
	cJSON_AddStringToObject(e, "message", message);
	emu_answer_json(r, status, j);
	emu_arm_headers(r);
	cJSON_Delete(j);
}

const struct emu_family emu_fam_arm = { "arm", arm_error };

void
emu_arm_rp_error(struct emu_req *r, int status, const char *code, const char *message,
    const char *dcode, const char *dmessage)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error"), *d, *o;

	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	if (dcode) {
		d = cJSON_AddArrayToObject(e, "details");
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "code", dcode);
		cJSON_AddStringToObject(o, "message", dmessage);
		cJSON_AddItemToArray(d, o);
	}
	emu_answer_pretty(r, status, j);
	emu_arm_headers(r);
	cJSON_Delete(j);
}

static void
joined(struct aml_wbuf *w, const char *const *v, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			aml_wputs(w, sep);
		aml_wputs(w, v[i]);
	}
}

/* Resource Manager takes JSON only: a body sent as a form (libcurl's
 * default for a POST) gets 415 from the front door, whatever the
 * resource provider, even when the body is empty. */
static int
unsupported_media(struct emu_req *r)
{
	const char *ct = emu_header(r, "Content-Type");
	char *m;
	size_t n;

	if (!ct)
		return 0;
	n = strcspn(ct, "; \t");
	if (n == 16 && !strncasecmp(ct, "application/json", 16))
		return 0;
	if (!(n == 33 && !strncasecmp(ct, "application/x-www-form-urlencoded", 33)) &&
	    !(n == 10 && !strncasecmp(ct, "text/plain", 10)))
		return 0;
	m = aml_xasprintf("The content media type '%.*s' is not supported. Only "
	    "'application/json' is supported.", (int)n, ct);
	arm_error(r, 415, "UnsupportedMediaType", m);
	free(m);
	return 1;
}

static void
bad_version(struct emu_req *r, int api, const char *v)
{
	struct aml_wbuf w;
	char *m;

	aml_wbuf_init(&w, -1);
	if (api == EMU_API_RESOURCES) {
		aml_wprintf(&w, "The api-version '%s' is invalid. The supported versions are '", v);
		joined(&w, resources_versions, sizeof resources_versions / sizeof *resources_versions, ",");
		aml_wputs(&w, "'.");
		m = aml_wbuf_take(&w);
		arm_error(r, 400, "InvalidApiVersionParameter", m);
	} else if (api == EMU_API_MLS) {
		aml_wprintf(&w, "No registered resource provider found for location "
		    "'southcentralus' and API version '%s' for type 'workspaces'. The supported "
		    "api-versions are '", v);
		for (size_t i = 0; emu_mls_versions[i]; i++)
			aml_wprintf(&w, "%s%s", i ? ", " : "", emu_mls_versions[i]);
		aml_wputs(&w, "'. The supported locations are '");
		for (size_t i = 0; i < NREGIONS; i++)
			aml_wprintf(&w, "%s%s", i ? ", " : "", regions[i][0]);
		aml_wputs(&w, "'.");
		m = aml_wbuf_take(&w);
		arm_error(r, 400, "NoRegisteredProviderFound", m);
	} else {
		aml_wprintf(&w, "No registered resource provider found for location "
		    "'southcentralus' and API version '%s' for type '%s'. The supported "
		    "api-versions are '%s'. The supported locations are '", v,
		    api == EMU_API_PLANS ? "commitmentPlans" : "webServices",
		    api == EMU_API_ML ? PREVIEW ", " STABLE : api == EMU_API_PLANS ? PREVIEW : STABLE);
		for (size_t i = 0; i < NREGIONS; i++)
			aml_wprintf(&w, "%s%s", i ? ", " : "", regions[i][0]);
		aml_wputs(&w, "'.");
		m = aml_wbuf_take(&w);
		arm_error(r, 400, "NoRegisteredProviderFound", m);
	}
	free(m);
}

/* ---- subscriptions -------------------------------------------------- */

/* The subscriptions the identities can use, in the order GET
 * /subscriptions lists them: the seeded one (which holds the demo
 * resource group), then those the control API added, which hold
 * nothing.  Under the lock. */
static cJSON *
subs(void)
{
	cJSON *a = emu_obj(emu_state, "arm"), *l = cJSON_GetObjectItemCaseSensitive(a, "subscriptions"), *s;

	if (!cJSON_IsArray(l)) {	/* a state saved before there were more */
		cJSON_DeleteItemFromObjectCaseSensitive(a, "subscriptions");
		l = cJSON_AddArrayToObject(a, "subscriptions");
		s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "subscriptionId", emu_id("subscriptionId"));
		cJSON_AddStringToObject(s, "displayName", emu_id("subscriptionName"));
		cJSON_AddStringToObject(s, "state", "Enabled");
		cJSON_AddItemToArray(l, s);
	}
	return l;
}

static cJSON *
sub_find(const char *id)
{
	cJSON *s;

	cJSON_ArrayForEach(s, subs())
		if (strcasecmp(aml_json_str(s, "subscriptionId"), id) == 0)
			return s;
	return NULL;
}

static int
sub_read_only(const char *state)
{
	return !strcasecmp(state, "Disabled") || !strcasecmp(state, "Deleted");
}

/* The subscription of r->seg[0]: unknown is 404; a disabled one takes
 * no writes; one the control API added has no resource groups, so what
 * is under one is 404 and its lists are empty.  0 to go on, else -1 with
 * the answer written. */
static int
sub_check(struct emu_req *r)
{
	const char *pat = r->route->pattern;
	cJSON *s, *j;
	char *m = NULL, state[32] = "";
	int found, seeded = strcasecmp(r->seg[0], emu_id("subscriptionId")) == 0;

	emu_lock();
	if ((found = (s = sub_find(r->seg[0])) != NULL))
		snprintf(state, sizeof state, "%s", aml_json_str(s, "state"));
	emu_unlock();
	if (!found) {
		m = aml_xasprintf("The subscription '%s' could not be found.", r->seg[0]);
		arm_error(r, 404, "SubscriptionNotFound", m);
	} else if (strcmp(r->method, "GET") && sub_read_only(state)) {
		m = aml_xasprintf("The subscription '%s' is disabled and therefore marked as read "
		    "only. You cannot perform any write actions on this subscription until it is "
		    "re-enabled.", r->seg[0]);
		arm_error(r, 409, "ReadOnlyDisabledSubscription", m);
	} else if (seeded) {
		return 0;
	} else if (r->nseg >= 2 && strcasestr(pat, "/resourceGroups/*")) {
		m = aml_xasprintf("Resource group '%s' could not be found.", r->seg[1]);
		arm_error(r, 404, "ResourceGroupNotFound", m);
	} else if (!strcasecmp(pat, "/subscriptions/*/resourcegroups") ||
	    !strcasecmp(pat, "/subscriptions/*/providers/Microsoft.MachineLearning/webServices")) {
		j = cJSON_CreateObject();
		cJSON_AddArrayToObject(j, "value");
		emu_answer_json(r, 200, j);
		cJSON_Delete(j);
	} else {
		return 0;
	}
	free(m);
	return -1;
}

int
emu_arm_begin(struct emu_req *r, int api, int sub, char **apiver)
{
	char *v;
	int ok = 0;

	emu_arm_headers(r);
	if (emu_entra_check_bearer(r) < 0)
		return -1;
	if (unsupported_media(r))
		return -1;
	if (!(v = emu_query(r, "api-version"))) {
		arm_error(r, 400, "MissingApiVersionParameter", "The api-version query parameter "
		    "(?api-version=) is required for all requests.");
		return -1;
	}
	if (api == EMU_API_RESOURCES) {
		for (size_t i = 0; i < sizeof resources_versions / sizeof *resources_versions; i++)
			ok |= strcmp(v, resources_versions[i]) == 0;
	} else if (api == EMU_API_PLANS) {
		ok = strcmp(v, PREVIEW) == 0;	/* commitmentPlans has no other */
	} else if (api == EMU_API_MLS) {
		for (size_t i = 0; emu_mls_versions[i]; i++)
			ok |= strcmp(v, emu_mls_versions[i]) == 0;
	} else {
		ok = strcmp(v, STABLE) == 0 || (api == EMU_API_ML && strcmp(v, PREVIEW) == 0);
	}
	if (!ok) {
		bad_version(r, api, v);
		free(v);
		return -1;
	}
	if (sub && sub_check(r) < 0) {
		free(v);
		return -1;
	}
	if (apiver)
		*apiver = v;
	else
		free(v);
	return 0;
}

/* ---- the store ------------------------------------------------------ */

static cJSON *
arm(void)
{
	return emu_obj(emu_state, "arm");
}

static cJSON *
services(void)
{
	return emu_obj(arm(), "services");
}

static cJSON *
groups(void)
{
	return emu_obj(arm(), "groups");
}

static char *
lowdup(const char *s)
{
	char *t = aml_xstrdup(s);

	emu_lower(t);
	return t;
}

static char *
ws_key(const char *group, const char *name)
{
	char *k = aml_xasprintf("%s/%s", group, name);

	emu_lower(k);
	return k;
}

static cJSON *
group_get(const char *name)
{
	char *k = lowdup(name);
	cJSON *g = cJSON_GetObjectItemCaseSensitive(groups(), k);

	free(k);
	return g;
}

static int
group_missing(struct emu_req *r, const char *name)
{
	char *m;

	if (group_get(name))
		return 0;
	m = aml_xasprintf("Resource group '%s' could not be found.", name);
	arm_error(r, 404, "ResourceGroupNotFound", m);
	free(m);
	return 1;
}

static const char *
region_display(const char *loc)
{
	char n[64];
	size_t k = 0;

	for (const char *p = loc; *p && k < sizeof n - 1; p++)
		if (*p != ' ')
			n[k++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
	n[k] = '\0';
	for (size_t i = 0; i < NREGIONS; i++)
		if (strcmp(n, regions[i][0]) == 0)
			return regions[i][1];
	return NULL;
}

static const char *
region_name(const char *loc)
{
	const char *d = region_display(loc);

	for (size_t i = 0; d && i < NREGIONS; i++)
		if (d == regions[i][1])
			return regions[i][0];
	return NULL;
}

static cJSON *
props_of(cJSON *svc)
{
	return cJSON_GetObjectItemCaseSensitive(svc, "properties");
}

static void
set_str(cJSON *o, const char *k, const char *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, k))
		cJSON_ReplaceItemInObjectCaseSensitive(o, k, cJSON_CreateString(v));
	else
		cJSON_AddStringToObject(o, k, v);
}

static void
set_item(cJSON *o, const char *k, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, k))
		cJSON_ReplaceItemInObjectCaseSensitive(o, k, v);
	else
		cJSON_AddItemToObject(o, k, v);
}

static void
timestamp(char *buf, size_t n)
{
	emu_time_dotnet(buf, n, emu_now_100ns());
}

/* The "[trained model]" asset: type Resource, name ending so. */
static cJSON *
model_asset(cJSON *props)
{
	cJSON *a;
	const char *name, *type;
	size_t n, m = strlen("[trained model]");

	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(props, "assets")) {
		name = aml_json_str(a, "name");
		type = aml_json_str(a, "type");
		if (name && type && strcmp(type, "Resource") == 0 && (n = strlen(name)) >= m &&
		    strcmp(name + n - m, "[trained model]") == 0)
			return a;
	}
	return NULL;
}

static const char *
model_uri(cJSON *props)
{
	cJSON *a = model_asset(props);

	return a ? aml_json_str(cJSON_GetObjectItemCaseSensitive(a, "locationInfo"), "uri") : NULL;
}

void
emu_on_model_change(emu_model_hook *fn)
{
	for (size_t i = 0; i < sizeof hooks / sizeof *hooks; i++)
		if (!hooks[i]) {
			hooks[i] = fn;
			return;
		}
	aml_die("too many model hooks");
}

void
emu_model_notify(const struct emu_model_event *ev)
{
	for (size_t i = 0; i < sizeof hooks / sizeof *hooks && hooks[i]; i++)
		hooks[i](ev);
}

static void
notify(cJSON *svc, const char *old, const char *new)
{
	struct emu_model_event ev;
	cJSON *a = model_asset(props_of(svc));

	if ((old && new && strcmp(old, new) == 0) || (!old && !new))
		return;
	ev.subscription = emu_id("subscriptionId");
	ev.group = aml_json_str(svc, "group");
	ev.name = aml_json_str(svc, "name");
	ev.svcid = aml_json_str(svc, "svcid");
	ev.asset = a ? a->string : NULL;
	ev.old_uri = old;
	ev.new_uri = new;
	emu_model_notify(&ev);
}

const char *
emu_ws_model_uri(const char *svcid)
{
	cJSON *svc;

	emu_lro_settle();
	cJSON_ArrayForEach(svc, services()) {
		const char *id = aml_json_str(svc, "svcid");

		if (id && strcasecmp(id, svcid) == 0)
			return model_uri(props_of(svc));
	}
	return NULL;
}

/* For the Studio services (studio.c): a service by its svcid, and the
 * svcid of a service by group and name, under the lock. */
cJSON *
emu_ws_props(const char *svcid)
{
	cJSON *svc;

	emu_lro_settle();
	cJSON_ArrayForEach(svc, services()) {
		const char *id = aml_json_str(svc, "svcid");

		if (id && strcasecmp(id, svcid) == 0)
			return props_of(svc);
	}
	return NULL;
}

const char *
emu_ws_svcid(const char *group, const char *name)
{
	char *key = ws_key(group, name);
	cJSON *svc = cJSON_GetObjectItemCaseSensitive(services(), key);

	free(key);
	return svc ? aml_json_str(svc, "svcid") : NULL;
}

/* ---- encrypted parameters ------------------------------------------- */

/* The service decrypts what it is given and re-encrypts it with a
 * certificate of its region, so GET shows another value and thumbprint
 * than PUT sent (notes/arm-webservices.md §10), and each region its own
 * thumbprint.  The emulator's "ciphertext" wraps the original value and
 * thumbprint, so that a definition taken from GET and sent back is
 * understood. */
#define SEAL "aml-emulator-sealed\n"

static char *
region_thumb(const char *svcid, const char *region)
{
	unsigned char d[20];
	char *s = aml_xmalloc(41), *in = aml_xasprintf("%s:%s", svcid, region);
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < sizeof d; i++) {
		for (const char *p = in; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h ^= i;
		d[i] = (unsigned char)(h >> 24);
	}
	emu_hex(s, d, sizeof d, 1);
	free(in);
	return s;
}

static void
each_param(cJSON *props, void (*fn)(cJSON *p, void *cls), void *cls)
{
	cJSON *n, *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(props, "parameters"))
		fn(p, cls);
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(props, "package"), "nodes"))
		cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(n, "parameters"))
			fn(p, cls);
}

struct sealctx {
	const char *svcid, *region;
};

static void
seal(cJSON *p, void *cls)
{
	struct sealctx *c = cls;
	const char *thumb = aml_json_str(p, "certificateThumbprint");
	cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "value");
	char *text, *plain, *b, *t;

	if (!thumb || !*thumb || !v)
		return;
	text = aml_json_print(v, 0);
	plain = aml_xasprintf(SEAL "%s\n%s\n%s", c->region, thumb, text);
	b = emu_b64(plain, strlen(plain), 0);
	t = region_thumb(c->svcid, c->region);
	set_item(p, "value", cJSON_CreateString(b));
	set_str(p, "certificateThumbprint", t);
	free(text);
	free(plain);
	free(b);
	free(t);
}

static void
unseal(cJSON *p, void *cls)
{
	const char *v = aml_json_str(p, "value");
	unsigned char *raw;
	char *thumb, *text;
	size_t n;
	struct aml_jerr e;
	cJSON *orig;

	if (!v || !(raw = emu_unb64(v, strlen(v), 0, &n)))
		return;
	if (strncmp((char *)raw, SEAL, strlen(SEAL)) || !(thumb = strchr((char *)raw +
	    strlen(SEAL), '\n')) || !(text = strchr(thumb + 1, '\n'))) {
		free(raw);
		return;
	}
	*text++ = '\0';
	if ((orig = aml_json_parse(text, strlen(text), &e))) {
		set_item(p, "value", orig);
		set_str(p, "certificateThumbprint", thumb + 1);
	}
	free(raw);
}

/* ---- rendering ------------------------------------------------------ */

/* The order of properties in a GET body (REC/CreateGetRemove). */
static const char *const full_order[] = {
	"payloadsInBlobStorage", "payloadsLocation", "provisioningState", "createdOn",
	"modifiedOn", "title", "description", "swaggerLocation", "readOnly",
	"realtimeConfiguration", "diagnostics", "storageAccount", "machineLearningWorkspace",
	"assets", "input", "output", "packageType", "exampleRequest", "exposeSampleData",
	"parameters", "package",
};
/* List items are sparse (REC/List). */
static const char *const list_order[] = {
	"payloadsInBlobStorage", "provisioningState", "createdOn", "modifiedOn", "title",
	"description", "swaggerLocation", "readOnly", "realtimeConfiguration", "diagnostics",
	"storageAccount", "machineLearningWorkspace", "packageType", "exposeSampleData",
};
/* What a PUT or PATCH may set; the rest is read-only or unknown, and the
 * service's deserializer drops it. */
static const char *const writable[] = {
	"title", "description", "keys", "readOnly", "exposeSampleData",
	"realtimeConfiguration", "diagnostics", "storageAccount", "machineLearningWorkspace",
	"commitmentPlan", "input", "output", "exampleRequest", "assets", "parameters",
	"payloadsInBlobStorage", "payloadsLocation", "packageType", "package",
};

static int
in_list(const char *k, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(k, v[i]) == 0)
			return 1;
	return 0;
}

static char *
ws_id(cJSON *svc)
{
	return aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s",
	    emu_id("subscriptionId"), aml_json_str(svc, "group"), WS_TYPE,
	    aml_json_str(svc, "name"));
}

static cJSON *
resource_head(cJSON *svc, int tags)
{
	cJSON *j = cJSON_CreateObject();
	char *id = ws_id(svc);

	cJSON_AddStringToObject(j, "id", id);
	cJSON_AddStringToObject(j, "name", aml_json_str(svc, "name"));
	cJSON_AddStringToObject(j, "type", WS_TYPE);
	cJSON_AddStringToObject(j, "location", aml_json_str(svc, "location"));
	if (tags)
		cJSON_AddItemToObject(j, "tags",
		    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(svc, "tags"), 1));
	free(id);
	return j;
}

/* 2016-05-01-preview: parameters are strings (notes/arm-webservices.md §7). */
static void
stringify(cJSON *p, void *cls)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "value");
	char *text;

	(void)cls;
	text = cJSON_IsString(v) ? aml_xstrdup(v->valuestring) : v ? aml_json_print(v, 0) :
	    aml_xstrdup("");
	/* replace the object by its string, in place */
	cJSON_DeleteItemFromObjectCaseSensitive(p, "value");
	cJSON_DeleteItemFromObjectCaseSensitive(p, "certificateThumbprint");
	p->type = cJSON_String;
	p->valuestring = text;
	cJSON_Delete(p->child);
	p->child = NULL;
}

static cJSON *
render(cJSON *svc, int list, const char *apiver, const char *region)
{
	cJSON *j = resource_head(svc, 1), *props = props_of(svc), *out, *v, *c;
	const char *const *order = list ? list_order : full_order;
	size_t n = list ? sizeof list_order / sizeof *list_order :
	    sizeof full_order / sizeof *full_order;
	int preview = strcmp(apiver, PREVIEW) == 0;

	out = cJSON_AddObjectToObject(j, "properties");
	for (size_t i = 0; i < n; i++) {
		if (!(v = cJSON_GetObjectItemCaseSensitive(props, order[i])))
			continue;
		if (preview && strncmp(order[i], "payloads", 8) == 0)
			continue;
		if (strcmp(order[i], "storageAccount") == 0) {
			c = cJSON_AddObjectToObject(out, "storageAccount");
			if (aml_json_str(v, "name"))
				cJSON_AddStringToObject(c, "name", aml_json_str(v, "name"));
		} else if (strcmp(order[i], "package") == 0) {
			static const char *const po[] = { "edges", "graphParameters", "nodes" };
			cJSON *x;

			c = cJSON_AddObjectToObject(out, "package");
			for (size_t k = 0; k < 3; k++)
				if ((x = cJSON_GetObjectItemCaseSensitive(v, po[k])))
					cJSON_AddItemToObject(c, po[k], cJSON_Duplicate(x, 1));
			cJSON_ArrayForEach(x, v)
				if (!in_list(x->string, po, 3))
					cJSON_AddItemToObject(c, x->string, cJSON_Duplicate(x, 1));
		} else {
			cJSON_AddItemToObject(out, order[i], cJSON_Duplicate(v, 1));
		}
	}
	if (!list) {
		if (preview) {
			each_param(out, stringify, NULL);
		} else {
			struct sealctx sc = { aml_json_str(svc, "svcid"), region };

			each_param(out, seal, &sc);
		}
	}
	return j;
}

static cJSON *
sparse(cJSON *svc, const char *apiver, int put)
{
	cJSON *j = resource_head(svc, 1), *p = cJSON_AddObjectToObject(j, "properties");

	if (put && strcmp(apiver, PREVIEW))
		cJSON_AddFalseToObject(p, "payloadsInBlobStorage");
	cJSON_AddStringToObject(p, "provisioningState", "Provisioning");
	return j;
}

/* ---- input ---------------------------------------------------------- */

static void
strip_nulls(cJSON *o)
{
	cJSON *c, *next;

	for (c = o->child; c; c = next) {
		next = c->next;
		if (cJSON_IsNull(c) && cJSON_IsObject(o))
			cJSON_Delete(cJSON_DetachItemViaPointer(o, c));
		else if (cJSON_IsObject(c) || cJSON_IsArray(c))
			strip_nulls(c);
	}
}

struct problems {
	cJSON *details;
};
static int invalid(struct emu_req *r, struct problems *pb);

static void
problem(struct problems *pb, const char *code, const char *target, const char *fmt, ...)
    AML_PRINTF(4, 5);

static void
problem(struct problems *pb, const char *code, const char *target, const char *fmt, ...)
{
	va_list ap;
	char *m;
	cJSON *o;

	if (!pb->details)
		pb->details = cJSON_CreateArray();
	if (cJSON_GetArraySize(pb->details) >= 20)
		return;
	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		aml_die("out of memory");
	va_end(ap);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddStringToObject(o, "message", m);
	cJSON_AddStringToObject(o, "target", target);
	cJSON_AddItemToArray(pb->details, o);
	free(m);
}

static void
defn_report(void *arg, int severity, const char *path, const char *msg)
{
	if (severity == AML_DEFN_ERROR)
		problem(arg, "InvalidWebServiceDefinition", *path ? path : "(body)", "%s%s%s",
		    path, *path ? ": " : "", msg);
}

/* A definition as the resource provider's model binding takes it
 * (common/defn.c: structure, types, required members, the references
 * between assets, nodes, inputs, outputs and parameters), then in its
 * canonical form: schema names camelCase, read-only and null members
 * gone, free-form values byte for byte.  NULL when it was refused. */
static cJSON *
definition(struct emu_req *r, const struct aml_jdoc *d, int flags)
{
	struct problems pb = { NULL };
	struct aml_wbuf w;
	struct aml_jw jw;
	struct aml_jerr e;
	size_t len;
	char *s;
	cJSON *j;

	if (aml_defn_check(d, flags, defn_report, &pb) > 0 || pb.details) {
		invalid(r, &pb);
		return NULL;
	}
	aml_wbuf_init(&w, -1);
	aml_jw_init(&jw, &w, 0);
	aml_defn_emit(&jw, d);
	len = w.len;
	s = aml_wbuf_take(&w);	/* the parser stops at its NUL */
	j = aml_json_parse(s, len, &e);
	free(s);
	/* The canonical form parses (the defn fuzz target sees to it), but a
	 * string holding \u0000, valid JSON, cannot become a cJSON string:
	 * the request is refused rather than the emulator stopped. */
	if (!j) {
		s = aml_xasprintf("The request content was invalid and could not be "
		    "deserialized: '%s.'.", e.msg);
		arm_error(r, 400, "InvalidRequestContent", s);
		free(s);
	}
	return j;
}

/* The merged result of a PATCH must be a whole, valid definition. */
static int
whole(struct emu_req *r, cJSON *props)
{
	cJSON *doc = cJSON_CreateObject();
	struct aml_jdoc d;
	struct aml_jerr e;
	struct problems pb = { NULL };
	char *s;
	int rc = 0;

	cJSON_AddItemReferenceToObject(doc, "properties", props);
	s = aml_json_print(doc, 0);
	cJSON_Delete(doc);
	if (aml_jparse(&d, s, strlen(s), &e) < 0)
		aml_die("merged definition: %s", e.msg);
	if (aml_defn_check(&d, 0, defn_report, &pb) > 0 || pb.details)
		rc = invalid(r, &pb);
	aml_jfree(&d);
	free(s);
	return rc;
}

/* 2016-05-01-preview sends parameters as strings; they are kept in the
 * 2017-01-01 shape. */
static void
objectify(cJSON *parent)
{
	cJSON *c;

	cJSON_ArrayForEach(c, parent) {
		if (cJSON_IsString(c)) {
			char *s = c->valuestring;
			cJSON *v = cJSON_CreateString(s);

			free(s);
			c->valuestring = NULL;
			c->type = cJSON_Object;
			cJSON_AddItemToObject(c, "value", v);
			cJSON_AddStringToObject(c, "certificateThumbprint", "");
		}
	}
}

static void
to_stable(cJSON *p)
{
	cJSON *n;

	objectify(cJSON_GetObjectItemCaseSensitive(p, "parameters"));
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(p, "package"), "nodes"))
		objectify(cJSON_GetObjectItemCaseSensitive(n, "parameters"));
}

/* Only what may be written, nulls left out (they mean "not given"). */
static cJSON *
writable_props(cJSON *in)
{
	cJSON *p = cJSON_CreateObject(), *c;

	cJSON_ArrayForEach(c, in)
		if (in_list(c->string, writable, sizeof writable / sizeof *writable) &&
		    !cJSON_IsNull(c))
			cJSON_AddItemToObject(p, c->string, cJSON_Duplicate(c, 1));
	strip_nulls(p);
	return p;
}

/* What the service computes, left out of a definition to check it. */
static void
strip_computed(cJSON *p)
{
	static const char *const ro[] = {
		"createdOn", "modifiedOn", "provisioningState", "swaggerLocation",
	};

	for (size_t i = 0; i < sizeof ro / sizeof *ro; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(p, ro[i]);
}

static void
merge(cJSON *dst, cJSON *src)
{
	cJSON *c, *d;

	cJSON_ArrayForEach(c, src) {
		d = cJSON_GetObjectItemCaseSensitive(dst, c->string);
		if (d && cJSON_IsObject(d) && cJSON_IsObject(c))
			merge(d, c);
		else
			set_item(dst, c->string, cJSON_Duplicate(c, 1));
	}
}

/* ---- subscriptions, groups, provider -------------------------------- */

static cJSON *
subscription(const cJSON *e)
{
	cJSON *s = cJSON_CreateObject(), *p;
	const char *sid = aml_json_str(e, "subscriptionId");
	char *id = aml_xasprintf("/subscriptions/%s", sid);

	cJSON_AddStringToObject(s, "id", id);
	cJSON_AddStringToObject(s, "authorizationSource", "RoleBased");
	cJSON_AddArrayToObject(s, "managedByTenants");
	cJSON_AddStringToObject(s, "subscriptionId", sid);
	cJSON_AddStringToObject(s, "tenantId", emu_id("tenantId"));
	cJSON_AddStringToObject(s, "displayName", aml_json_str(e, "displayName"));
	cJSON_AddStringToObject(s, "state", aml_json_str(e, "state"));
	p = cJSON_AddObjectToObject(s, "subscriptionPolicies");
	cJSON_AddStringToObject(p, "locationPlacementId", "Public_2014-09-01");
	cJSON_AddStringToObject(p, "quotaId", "PayAsYouGo_2014-09-01");
	cJSON_AddStringToObject(p, "spendingLimit", "Off");
	free(id);
	return s;
}

static void
subs_list(struct emu_req *r)
{
	cJSON *j, *v, *c, *e;

	if (emu_arm_begin(r, EMU_API_RESOURCES, 0, NULL) < 0)
		return;
	j = cJSON_CreateObject();
	v = cJSON_AddArrayToObject(j, "value");
	emu_lock();
	cJSON_ArrayForEach(e, subs())
		cJSON_AddItemToArray(v, subscription(e));
	emu_unlock();
	c = cJSON_AddObjectToObject(j, "count");
	cJSON_AddStringToObject(c, "type", "Total");
	cJSON_AddNumberToObject(c, "value", cJSON_GetArraySize(v));
	emu_answer_json(r, 200, j);
	cJSON_Delete(j);
}

static void
sub_get(struct emu_req *r)
{
	cJSON *j;

	if (emu_arm_begin(r, EMU_API_RESOURCES, 1, NULL) < 0)
		return;
	emu_lock();
	j = subscription(sub_find(r->seg[0]));
	emu_unlock();
	emu_answer_json(r, 200, j);
	cJSON_Delete(j);
}

static cJSON *
group_json(cJSON *g)
{
	cJSON *j = cJSON_CreateObject(), *p;
	char *id = aml_xasprintf("/subscriptions/%s/resourceGroups/%s",
	    emu_id("subscriptionId"), aml_json_str(g, "name"));

	cJSON_AddStringToObject(j, "id", id);
	cJSON_AddStringToObject(j, "name", aml_json_str(g, "name"));
	cJSON_AddStringToObject(j, "type", "Microsoft.Resources/resourceGroups");
	cJSON_AddStringToObject(j, "location", aml_json_str(g, "location"));
	p = cJSON_AddObjectToObject(j, "properties");
	cJSON_AddStringToObject(p, "provisioningState", "Succeeded");
	free(id);
	return j;
}

static void
groups_list(struct emu_req *r)
{
	cJSON *j, *v, *g;

	if (emu_arm_begin(r, EMU_API_RESOURCES, 1, NULL) < 0)
		return;
	j = cJSON_CreateObject();
	v = cJSON_AddArrayToObject(j, "value");
	emu_lock();
	cJSON_ArrayForEach(g, groups())
		cJSON_AddItemToArray(v, group_json(g));
	emu_unlock();
	emu_answer_json(r, 200, j);
	cJSON_Delete(j);
}

static void
group_read(struct emu_req *r)
{
	cJSON *g, *j;

	if (emu_arm_begin(r, EMU_API_RESOURCES, 1, NULL) < 0)
		return;
	emu_lock();
	if (!group_missing(r, r->seg[1])) {
		g = group_get(r->seg[1]);
		j = group_json(g);
		emu_answer_json(r, 200, j);
		cJSON_Delete(j);
	}
	emu_unlock();
}

/* The body as a tape: strict JSON, an object; else ARM's own answer. */
static int
parse_body(struct emu_req *r, struct aml_jdoc *d)
{
	struct aml_jerr e;
	char *m;

	if (!r->bodylen) {
		arm_error(r, 400, "InvalidRequestContent", "The request content was invalid and "
		    "could not be deserialized: 'The request body is empty.'.");
		return -1;
	}
	if (aml_jparse(d, r->body, r->bodylen, &e) < 0) {
		m = aml_xasprintf("The request content was invalid and could not be deserialized: "
		    "'%s. Path '', line %lu, position %lu.'.", e.msg, e.line, e.col);
		arm_error(r, 400, "InvalidRequestContent", m);
		free(m);
		return -1;
	}
	if (AML_JTYPE(d, 0) != AML_JOBJECT) {
		aml_jfree(d);
		arm_error(r, 400, "InvalidRequestContent", "The request content was invalid and "
		    "could not be deserialized: 'The request body must be a JSON object.'.");
		return -1;
	}
	return 0;
}

static cJSON *
body_object(struct emu_req *r)
{
	struct aml_jdoc d;
	cJSON *j;

	if (parse_body(r, &d) < 0)
		return NULL;
	j = aml_json_from_tape(&d, 0);
	aml_jfree(&d);
	if (!j)
		arm_error(r, 400, "InvalidRequestContent", "The request content was invalid and "
		    "could not be deserialized: 'a string holds \\u0000.'.");
	return j;
}

static void
group_put(struct emu_req *r)
{
	cJSON *b, *g;
	const char *loc;
	char *k;
	int created;

	if (emu_arm_begin(r, EMU_API_RESOURCES, 1, NULL) < 0 || !(b = body_object(r)))
		return;
	if (!(loc = aml_json_str(b, "location"))) {
		arm_error(r, 400, "LocationRequired", "The location property is required for "
		    "this definition.");
		cJSON_Delete(b);
		return;
	}
	emu_lock();
	created = !(g = group_get(r->seg[1]));
	if (created) {
		k = lowdup(r->seg[1]);
		g = cJSON_AddObjectToObject(groups(), k);
		free(k);
		cJSON_AddStringToObject(g, "name", r->seg[1]);
		cJSON_AddStringToObject(g, "location", loc);
		emu_changed();
	}
	cJSON_Delete(b);
	b = group_json(g);
	emu_unlock();
	emu_answer_json(r, created ? 201 : 200, b);
	cJSON_Delete(b);
}

static void
provider(struct emu_req *r)
{
	static const char *const types[] = {
		"webServices", "operations", "locations/operations", "locations/operationsStatus",
		"commitmentPlans", "workspaces",
	};
	cJSON *j, *rt, *t, *l, *v;
	char *id;

	if (emu_arm_begin(r, EMU_API_RESOURCES, 1, NULL) < 0)
		return;
	j = cJSON_CreateObject();
	id = aml_xasprintf("/subscriptions/%s/providers/Microsoft.MachineLearning", r->seg[0]);
	cJSON_AddStringToObject(j, "id", id);
	free(id);
	cJSON_AddStringToObject(j, "namespace", "Microsoft.MachineLearning");
	rt = cJSON_AddArrayToObject(j, "resourceTypes");
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "resourceType", types[i]);
		l = cJSON_AddArrayToObject(t, "locations");
		if (i != 1)
			for (size_t k = 0; k < NREGIONS; k++)
				cJSON_AddItemToArray(l, cJSON_CreateString(regions[k][1]));
		v = cJSON_AddArrayToObject(t, "apiVersions");
		if (strcmp(types[i], "commitmentPlans"))
			cJSON_AddItemToArray(v, cJSON_CreateString(STABLE));
		if (i != 1)
			cJSON_AddItemToArray(v, cJSON_CreateString(PREVIEW));
		cJSON_AddItemToArray(rt, t);
	}
	cJSON_AddStringToObject(j, "registrationState", "Registered");
	emu_answer_json(r, 200, j);
	cJSON_Delete(j);
}

static void
operations(struct emu_req *r)
{
	static const char *const ops[][3] = {
		{ "Microsoft.MachineLearning/webServices/read", "Read any Machine Learning Web Service",
		    "Reads any Machine Learning Web Service" },
		{ "Microsoft.MachineLearning/webServices/write", "Create or update any Machine "
		    "Learning Web Service", "Creates or updates any Machine Learning Web Service" },
		{ "Microsoft.MachineLearning/webServices/delete", "Delete any Machine Learning Web "
		    "Service", "Deletes any Machine Learning Web Service" },
		{ "Microsoft.MachineLearning/webServices/listkeys/read", "List keys of any Machine "
		    "Learning Web Service", "Lists the keys of any Machine Learning Web Service" },
		{ "Microsoft.MachineLearning/locations/operationsstatus/read", "Get Operations Status",
		    "Gets the status of a long running operation" },
	};
	cJSON *j, *v, *o, *d;

	if (emu_arm_begin(r, EMU_API_ML2017, 0, NULL) < 0)
		return;
	j = cJSON_CreateObject();
	v = cJSON_AddArrayToObject(j, "value");
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", ops[i][0]);
		d = cJSON_AddObjectToObject(o, "display");
		cJSON_AddStringToObject(d, "provider", "Microsoft Machine Learning");
		cJSON_AddStringToObject(d, "resource", strstr(ops[i][0], "locations") ?
		    "Operations Status" : "Machine Learning Web Service");
		cJSON_AddStringToObject(d, "operation", ops[i][1]);
		cJSON_AddStringToObject(d, "description", ops[i][2]);
		cJSON_AddItemToArray(v, o);
	}
	emu_answer_pretty(r, 200, j);
	emu_arm_headers(r);
	cJSON_Delete(j);
}

/* ---- web services --------------------------------------------------- */

/* seg: subscription, group, name */
static cJSON *
ws_find(struct emu_req *r)
{
	char *k = ws_key(r->seg[1], r->seg[2]);
	cJSON *s = cJSON_GetObjectItemCaseSensitive(services(), k);

	free(k);
	return s;
}

static void
ws_not_found(struct emu_req *r)
{
	char *m = aml_xasprintf("No Web Service could be found with the provided name: %s.",
	    r->seg[2]);

	emu_arm_rp_error(r, 404, "NotFound", "The specified resource was not found.",
	    "WebServiceNotFound", m);
	free(m);
}

/* The common start of webServices calls: ARM checks, then the group,
 * then (when must) the service.  Takes the lock; on error releases it
 * and returns NULL with *svc unset. */
static int
ws_begin(struct emu_req *r, char **apiver, cJSON **svc, int must)
{
	if (emu_arm_begin(r, EMU_API_ML, 1, apiver) < 0)
		return -1;
	emu_lock();
	emu_lro_settle();
	if (group_missing(r, r->seg[1]))
		goto fail;
	*svc = ws_find(r);
	if (must && !*svc) {
		ws_not_found(r);
		goto fail;
	}
	return 0;
fail:
	emu_unlock();
	free(*apiver);
	*apiver = NULL;
	return -1;
}

static void
ws_get(struct emu_req *r)
{
	char *apiver = NULL, *region = NULL, *m;
	const char *rn, *own;
	cJSON *svc = NULL, *j, *rl, *e;
	int found = 0;

	if (ws_begin(r, &apiver, &svc, 1) < 0)
		return;
	own = region_name(aml_json_str(svc, "location"));
	region = strcmp(apiver, PREVIEW) ? emu_query(r, "region") : NULL;
	rn = region && *region ? region_name(region) : NULL;
	if (region && *region && (!rn || strcmp(rn, own))) {
		rl = cJSON_GetObjectItemCaseSensitive(svc, "regions");
		cJSON_ArrayForEach(e, rl)
			found |= rn && cJSON_IsString(e) && strcmp(e->valuestring, rn) == 0;
		if (!found) {
			m = aml_xasprintf("Web Service Definition for region %s was not found. Please "
			    "use the same URL making a POST call and wait for it succeeded, then try "
			    "GET again.", region);
			emu_arm_rp_error(r, 404, "NotFound", "The specified resource was not found.",
			    "PerRegionPayloadNotFound", m);
			free(m);
			goto out;
		}
	}
	j = render(svc, 0, apiver, rn ? rn : own);
	emu_answer_pretty(r, 200, j);
	emu_arm_headers(r);
	cJSON_Delete(j);
out:
	emu_unlock();
	free(region);
	free(apiver);
}

static void
ws_keys(struct emu_req *r)
{
	char *apiver = NULL;
	cJSON *svc = NULL, *k, *j;

	if (ws_begin(r, &apiver, &svc, 1) < 0)
		return;
	k = cJSON_GetObjectItemCaseSensitive(props_of(svc), "keys");
	j = cJSON_CreateObject();
	if (aml_json_str(k, "primary"))
		cJSON_AddStringToObject(j, "primary", aml_json_str(k, "primary"));
	if (aml_json_str(k, "secondary"))
		cJSON_AddStringToObject(j, "secondary", aml_json_str(k, "secondary"));
	emu_answer_pretty(r, 200, j);
	emu_arm_headers(r);
	cJSON_Delete(j);
	emu_unlock();
	free(apiver);
}

static int
busy(struct emu_req *r, cJSON *svc)
{
	char *key = ws_key(aml_json_str(svc, "group"), aml_json_str(svc, "name")), *m;

	if (!emu_lro_busy(key)) {
		free(key);
		return 0;
	}
	free(key);
	m = aml_xasprintf("Another operation is in progress on Web Service %s. Wait for it to "
	    "finish, then try again.", aml_json_str(svc, "name"));
	emu_arm_rp_error(r, 409, "Conflict", "The request conflicts with the current state of "
	    "the resource.", "AnotherOperationInProgress", m);
	free(m);
	return 1;
}

static int
read_only(struct emu_req *r, cJSON *svc)
{
	char *m;

	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(props_of(svc), "readOnly")))
		return 0;
	m = aml_xasprintf("Web Service %s is read-only: it can no longer be updated or "
	    "patched, only removed.", aml_json_str(svc, "name"));
	emu_arm_rp_error(r, 400, "BadRequest", "The request is invalid.", "ReadOnlyWebService", m);
	free(m);
	return 1;
}

static int
invalid(struct emu_req *r, struct problems *pb)
{
	cJSON *j, *e;

	if (!pb->details)
		return 0;
	j = cJSON_CreateObject();
	e = cJSON_AddObjectToObject(j, "error");
	cJSON_AddStringToObject(e, "code", "BadRequest");
	cJSON_AddStringToObject(e, "message", "The web service definition is invalid.");
	cJSON_AddItemToObject(e, "details", pb->details);
	pb->details = NULL;
	emu_answer_pretty(r, 400, j);
	emu_arm_headers(r);
	cJSON_Delete(j);
	return 1;
}

static int
bad_name(struct emu_req *r, const char *n)
{
	size_t len = strlen(n);
	char *m;

	if (len >= 1 && len <= 260 && !strpbrk(n, "<>*%&:?+/\\") && n[len - 1] != ' ') {
		int ctl = 0;

		for (const char *p = n; *p; p++)
			ctl |= (unsigned char)*p < 32 || *p == 127;
		if (!ctl)
			return 0;
	}
	m = aml_xasprintf("Resource name %s is invalid. The name can be up to 260 characters in "
	    "length and cannot contain '<', '>', '*', '%%', '&', ':', '\\', '?', '+', '/' or "
	    "control characters, and cannot end with a space.", n);
	arm_error(r, 400, "InvalidResourceName", m);
	free(m);
	return 1;
}

static char *
random_key(void)
{
	return emu_random_b64(64);	/* 88 characters, as the service's keys */
}

static void
fill_keys(cJSON *p, cJSON *old)
{
	cJSON *k = cJSON_GetObjectItemCaseSensitive(p, "keys"), *ok;
	char *s;

	if (!cJSON_IsObject(k)) {
		cJSON_DeleteItemFromObjectCaseSensitive(p, "keys");
		k = cJSON_AddObjectToObject(p, "keys");
	}
	ok = old ? cJSON_GetObjectItemCaseSensitive(old, "keys") : NULL;
	if (!aml_json_str(k, "primary")) {
		s = ok && aml_json_str(ok, "primary") ? aml_xstrdup(aml_json_str(ok, "primary")) :
		    random_key();
		set_str(k, "primary", s);
		free(s);
	}
	if (!aml_json_str(k, "secondary")) {
		s = ok && aml_json_str(ok, "secondary") ? aml_xstrdup(aml_json_str(ok, "secondary")) :
		    random_key();
		set_str(k, "secondary", s);
		free(s);
	}
}

static const char *
lro_outcome(struct emu_req *r, struct emu_fault **f)
{
	*f = emu_fault_take(r->method, r->path, EMU_TAKE_LRO);
	return *f ? (*f)->lro : NULL;
}

static void
start_op(struct emu_req *r, cJSON *svc, const char *kind, const char *apiver,
    cJSON *payload, int location)
{
	struct emu_fault *f;
	const char *outcome = lro_outcome(r, &f);
	char *key = ws_key(aml_json_str(svc, "group"), aml_json_str(svc, "name"));
	cJSON *props = props_of(svc), *op;
	const char *ps = aml_json_str(props, "provisioningState");

	op = emu_lro_start(kind, key, region_name(aml_json_str(svc, "location")), outcome,
	    f ? f->code : NULL, f ? f->message : NULL);
	cJSON_AddStringToObject(op, "prevState", ps ? ps : "Succeeded");
	if (f && f->lro_location_only)
		cJSON_AddTrueToObject(op, "locationOnly");
	if (f && f->lro_retry_after >= 0)
		cJSON_AddNumberToObject(op, "retryAfter", (double)f->lro_retry_after);
	if (payload)
		cJSON_AddItemToObject(op, "payload", payload);
	if (strcmp(kind, "DELETE"))
		set_str(props, "provisioningState", "Provisioning");
	emu_lro_headers(r, op, apiver, location);
	emu_fault_free(f);
	free(key);
}

/* A service made with a commitmentPlan is associated with that plan
 * (plans.c keeps the associations); DELETE ends it. */
static void
associate(cJSON *svc, cJSON *props)
{
	const char *plan = aml_json_str(cJSON_GetObjectItemCaseSensitive(props, "commitmentPlan"),
	    "id");
	char *id = ws_id(svc);

	if (plan)
		emu_plan_associate(plan, id, aml_json_str(svc, "svcid"));
	free(id);
}

static void
dissociate(cJSON *svc)
{
	char *id = ws_id(svc);

	emu_plan_dissociate(id);
	free(id);
}

/* The commitmentPlan of a new service must be a plan that can take it:
 * the resource provider bills the service to it. */
static int
plan_refused(struct emu_req *r, cJSON *props, const char *location)
{
	const char *plan = aml_json_str(cJSON_GetObjectItemCaseSensitive(props, "commitmentPlan"),
	    "id");
	char *code = NULL, *why = NULL;

	if (!plan || emu_plan_check(plan, location, &code, &why) == 0)
		return 0;
	emu_arm_rp_error(r, 400, "BadRequest", "The request is invalid.", code, why);
	free(code);
	free(why);
	return 1;
}

static cJSON *
new_service(const char *group, const char *name, const char *location)
{
	cJSON *svc = cJSON_CreateObject();
	unsigned char id[16];
	char hex[33], *key = ws_key(group, name);

	emu_random(id, sizeof id);
	emu_hex(hex, id, sizeof id, 0);
	cJSON_AddStringToObject(svc, "group", group);
	cJSON_AddStringToObject(svc, "name", name);
	cJSON_AddStringToObject(svc, "svcid", hex);
	cJSON_AddStringToObject(svc, "location", location);
	cJSON_AddItemToObject(services(), key, svc);
	free(key);
	return svc;
}

static void
set_computed(cJSON *svc, cJSON *p, const char *created, const char *modified)
{
	char *sw, sub[40];
	size_t k = 0;

	for (const char *s = emu_id("subscriptionId"); *s && k < sizeof sub - 1; s++)
		if (*s != '-')
			sub[k++] = *s;
	sub[k] = '\0';
	sw = aml_xasprintf("%s/subscriptions/%s/services/%s/swagger.json", emu_base, sub,
	    aml_json_str(svc, "svcid"));
	if (created)
		set_str(p, "createdOn", created);
	if (modified)
		set_str(p, "modifiedOn", modified);
	set_str(p, "swaggerLocation", sw);
	if (!cJSON_GetObjectItemCaseSensitive(p, "payloadsInBlobStorage"))
		cJSON_AddFalseToObject(p, "payloadsInBlobStorage");
	if (!cJSON_GetObjectItemCaseSensitive(p, "readOnly"))
		cJSON_AddFalseToObject(p, "readOnly");
	if (!cJSON_GetObjectItemCaseSensitive(p, "exposeSampleData"))
		cJSON_AddTrueToObject(p, "exposeSampleData");
	free(sw);
}

/* Put the computed members where GET shows them first. */
static void
order_props(cJSON *p)
{
	static const char *const first[] = {
		"payloadsInBlobStorage", "provisioningState", "createdOn", "modifiedOn",
	};

	for (size_t i = sizeof first / sizeof *first; i-- > 0;) {
		cJSON *c = cJSON_DetachItemFromObjectCaseSensitive(p, first[i]);

		if (c)
			cJSON_InsertItemInArray(p, 0, c);
	}
}

static void
ws_put(struct emu_req *r)
{
	char *apiver = NULL, *loc = NULL, *m;
	cJSON *svc = NULL, *b = NULL, *p, *payload, *tags, *j;
	const char *disp;
	struct aml_jdoc d;
	uint32_t li;
	int preview, created, parsed = 0;

	if (ws_begin(r, &apiver, &svc, 0) < 0)
		return;
	preview = strcmp(apiver, PREVIEW) == 0;
	if (bad_name(r, r->seg[2]) || parse_body(r, &d) < 0)
		goto out;
	parsed = 1;
	li = aml_jget_ci(&d, 0, "location");
	if (!li || AML_JTYPE(&d, li) != AML_JSTRING) {
		arm_error(r, 400, "LocationRequired", "The location property is required for "
		    "this definition.");
		goto out;
	}
	loc = aml_jstrdup(&d, li);
	if (!(disp = region_display(loc))) {
		struct aml_wbuf w;

		aml_wbuf_init(&w, -1);
		aml_wprintf(&w, "The provided location '%s' is not available for resource type "
		    "'%s'. List of available regions for the resource type is '", loc, WS_TYPE);
		for (size_t i = 0; i < NREGIONS; i++)
			aml_wprintf(&w, "%s%s", i ? "," : "", regions[i][0]);
		aml_wputs(&w, "'.");
		m = aml_wbuf_take(&w);
		arm_error(r, 400, "LocationNotAvailableForResourceType", m);
		free(m);
		goto out;
	}
	if (!(b = definition(r, &d, preview ? AML_DEFN_PREVIEW : 0)))
		goto out;
	if (svc && (read_only(r, svc) || busy(r, svc)))
		goto out;
	if (!svc && plan_refused(r, cJSON_GetObjectItemCaseSensitive(b, "properties"), disp))
		goto out;
	tags = cJSON_GetObjectItemCaseSensitive(b, "tags");
	p = writable_props(cJSON_GetObjectItemCaseSensitive(b, "properties"));
	if (preview)
		to_stable(p);
	each_param(p, unseal, NULL);
	fill_keys(p, NULL);
	tags = cJSON_IsObject(tags) ? cJSON_Duplicate(tags, 1) : cJSON_CreateObject();
	created = !svc;
	if (created) {
		char t[48];

		svc = new_service(r->seg[1], r->seg[2], disp);
		cJSON_AddItemToObject(svc, "tags", tags);
		cJSON_AddItemToObject(svc, "properties", p);
		associate(svc, p);
		cJSON_AddTrueToObject(svc, "creating");
		timestamp(t, sizeof t);
		set_computed(svc, p, t, t);
		set_str(p, "provisioningState", "Provisioning");
		order_props(p);
		start_op(r, svc, "PUT", apiver, NULL, 0);
	} else {
		/* commitmentPlan is set at creation and never changes (SPEC). */
		cJSON *cp = cJSON_GetObjectItemCaseSensitive(props_of(svc), "commitmentPlan");

		if (cp)
			set_item(p, "commitmentPlan", cJSON_Duplicate(cp, 1));
		payload = cJSON_CreateObject();
		cJSON_AddStringToObject(payload, "location", disp);
		cJSON_AddItemToObject(payload, "tags", tags);
		cJSON_AddItemToObject(payload, "properties", p);
		start_op(r, svc, "PUT", apiver, payload, 0);
	}
	emu_changed();
	j = sparse(svc, apiver, 1);
	if (!created) {
		set_item(j, "location", cJSON_CreateString(disp));
		set_item(j, "tags", cJSON_Duplicate(tags, 1));
	}
	emu_answer_pretty(r, created ? 201 : 200, j);
	emu_arm_headers(r);
	cJSON_Delete(j);
out:
	emu_unlock();
	if (parsed)
		aml_jfree(&d);
	cJSON_Delete(b);
	free(loc);
	free(apiver);
}

static void
ws_patch(struct emu_req *r)
{
	char *apiver = NULL;
	cJSON *svc = NULL, *b = NULL, *in, *p, *patch, *payload, *tags, *j;
	struct aml_jdoc d;
	int preview, rc;

	if (ws_begin(r, &apiver, &svc, 1) < 0)
		return;
	preview = strcmp(apiver, PREVIEW) == 0;
	if (parse_body(r, &d) < 0)
		goto out;
	/* PatchedWebService: nothing required but properties.packageType,
	 * the discriminator; location is read-only there and ignored. */
	b = definition(r, &d, AML_DEFN_PARTIAL | (preview ? AML_DEFN_PREVIEW : 0));
	aml_jfree(&d);
	if (!b || read_only(r, svc) || busy(r, svc))
		goto out;
	tags = cJSON_GetObjectItemCaseSensitive(b, "tags");
	in = cJSON_GetObjectItemCaseSensitive(b, "properties");
	patch = cJSON_IsObject(in) ? writable_props(in) : cJSON_CreateObject();
	cJSON_DeleteItemFromObjectCaseSensitive(patch, "commitmentPlan");
	if (preview)
		to_stable(patch);
	each_param(patch, unseal, NULL);
	p = cJSON_Duplicate(props_of(svc), 1);
	merge(p, patch);
	cJSON_Delete(patch);
	strip_computed(p);
	rc = whole(r, p);
	if (rc) {
		cJSON_Delete(p);
		goto out;
	}
	payload = cJSON_CreateObject();
	cJSON_AddStringToObject(payload, "location", aml_json_str(svc, "location"));
	cJSON_AddItemToObject(payload, "tags", cJSON_IsObject(tags) ? cJSON_Duplicate(tags, 1) :
	    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(svc, "tags"), 1));
	cJSON_AddItemToObject(payload, "properties", p);
	start_op(r, svc, "PATCH", apiver, payload, 0);
	emu_changed();
	/* REC/Update: the sparse body has no payloadsInBlobStorage. */
	j = sparse(svc, apiver, 0);
	emu_answer_pretty(r, 200, j);
	emu_arm_headers(r);
	cJSON_Delete(j);
out:
	emu_unlock();
	cJSON_Delete(b);
	free(apiver);
}

static void
ws_delete(struct emu_req *r)
{
	char *apiver = NULL;
	cJSON *svc = NULL, *ghost = NULL;

	if (ws_begin(r, &apiver, &svc, 0) < 0)
		return;
	if (svc && busy(r, svc))
		goto out;
	/* 202 "even if the service did not exist" (SPEC), with an operation
	 * that succeeds having done nothing. */
	if (!svc) {
		ghost = cJSON_CreateObject();
		cJSON_AddStringToObject(ghost, "group", r->seg[1]);
		cJSON_AddStringToObject(ghost, "name", r->seg[2]);
		cJSON_AddStringToObject(ghost, "location", "South Central US");
		cJSON_AddObjectToObject(ghost, "properties");
		svc = ghost;
	}
	start_op(r, svc, "DELETE", apiver, NULL, 1);
	emu_changed();
	emu_answer(r, 202, NULL, NULL, 0);
	emu_arm_headers(r);
out:
	emu_unlock();
	cJSON_Delete(ghost);
	free(apiver);
}

static void
ws_region(struct emu_req *r)
{
	char *apiver = NULL, *region = NULL, *m;
	const char *rn;
	cJSON *svc = NULL, *payload, *j, *p;

	if (ws_begin(r, &apiver, &svc, 1) < 0)
		return;
	if (strcmp(apiver, PREVIEW) == 0) {
		m = aml_xasprintf("The api-version '%s' does not support CreateRegionalBlob; use "
		    "'%s'.", PREVIEW, STABLE);
		arm_error(r, 400, "UnsupportedApiVersion", m);
		free(m);
		goto out;
	}
	region = emu_query(r, "region");
	if (!region || !*region) {
		emu_arm_rp_error(r, 400, "BadRequest", "The request is invalid.",
		    "MissingRequiredParameter", "The query parameter 'region' is required.");
		goto out;
	}
	if (!(rn = region_name(region))) {
		m = aml_xasprintf("Region '%s' is not a region the web service can run in.", region);
		emu_arm_rp_error(r, 400, "BadRequest", "The request is invalid.", "InvalidRegion", m);
		free(m);
		goto out;
	}
	if (busy(r, svc))
		goto out;
	payload = cJSON_CreateString(rn);
	start_op(r, svc, "REGION", apiver, payload, 0);
	emu_changed();
	/* REC/Regional: id is the bare name, no tags. */
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "id", aml_json_str(svc, "name"));
	cJSON_AddStringToObject(j, "name", aml_json_str(svc, "name"));
	cJSON_AddStringToObject(j, "type", WS_TYPE);
	cJSON_AddStringToObject(j, "location", aml_json_str(svc, "location"));
	p = cJSON_AddObjectToObject(j, "properties");
	cJSON_AddFalseToObject(p, "payloadsInBlobStorage");
	cJSON_AddStringToObject(p, "provisioningState", "Provisioning");
	emu_answer_pretty(r, 202, j);
	emu_arm_headers(r);
	cJSON_Delete(j);
out:
	emu_unlock();
	free(region);
	free(apiver);
}

/* ---- lists ---------------------------------------------------------- */

/* $skiptoken: opaque, standard base64 that always holds '+' and '/', so
 * a client that does not encode it breaks here as it would there. */
static char *
skiptoken(long offset)
{
	unsigned char b[64] = { 0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff };
	int n = snprintf((char *)b + 6, sizeof b - 6, "emu:%ld", offset);

	return emu_b64(b, (size_t)n + 6, 0);
}

static long
skipoffset(const char *tok)
{
	size_t n;
	unsigned char *b = emu_unb64(tok, strlen(tok), 0, &n);
	long off = -1;
	char *end;

	if (b && n > 10 && memcmp(b, "\xfb\xef\xbe\xff\xff\xff" "emu:", 10) == 0) {
		off = strtol((char *)b + 10, &end, 10);
		if (*end || off < 0)
			off = -1;
	}
	free(b);
	return off;
}

static void
pct_lower(struct aml_wbuf *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			aml_wputc(w, (char)c);
		} else {
			aml_wputc(w, '%');
			aml_wputc(w, hex[c >> 4]);
			aml_wputc(w, hex[c & 15]);
		}
	}
}

static void
list(struct emu_req *r, const char *group)
{
	char *apiver = NULL, *tok = NULL, *gk = NULL;
	cJSON *svc, *j, *v;
	long off = 0, i = 0, page;
	int more = 0;

	if (emu_arm_begin(r, EMU_API_ML, 1, &apiver) < 0)
		return;
	emu_lock();
	emu_lro_settle();
	if (group && group_missing(r, group))
		goto out;
	if ((tok = emu_query(r, "$skiptoken")) && (off = skipoffset(tok)) < 0) {
		emu_arm_rp_error(r, 400, "BadRequest", "The request is invalid.",
		    "InvalidSkipToken", "The $skiptoken is not valid.");
		goto out;
	}
	if (group)
		gk = lowdup(group);
	page = emu_cfg.page_size;
	j = cJSON_CreateObject();
	v = cJSON_AddArrayToObject(j, "value");
	cJSON_ArrayForEach(svc, services()) {
		char *g;

		g = lowdup(aml_json_str(svc, "group"));
		if (!gk || strcmp(g, gk) == 0) {
			if (i >= off + page)
				more = 1;
			else if (i >= off)
				cJSON_AddItemToArray(v, render(svc, 1, apiver, NULL));
			i++;
		}
		free(g);
	}
	if (more) {
		struct aml_wbuf w;
		char *next = skiptoken(off + page), *link;

		aml_wbuf_init(&w, -1);
		aml_wprintf(&w, "%s/subscriptions/%s", emu_base, emu_id("subscriptionId"));
		if (group)
			aml_wprintf(&w, "/resourceGroups/%s", group);
		aml_wprintf(&w, "/providers/%s?api-version=%s&%%24skiptoken=", WS_TYPE, apiver);
		pct_lower(&w, next);
		link = aml_wbuf_take(&w);
		cJSON_AddStringToObject(j, "nextLink", link);
		free(link);
		free(next);
	}
	emu_answer_pretty(r, 200, j);
	emu_arm_headers(r);
	cJSON_Delete(j);
out:
	emu_unlock();
	free(gk);
	free(tok);
	free(apiver);
}

static void
list_sub(struct emu_req *r)
{
	list(r, NULL);
}

static void
list_group(struct emu_req *r)
{
	list(r, r->seg[1]);
}

/* ---- for the provider's other resource types (plans.c) -------------- */

int
emu_arm_group_missing(struct emu_req *r, const char *group)
{
	return group_missing(r, group);
}

int
emu_arm_bad_name(struct emu_req *r, const char *name)
{
	return bad_name(r, name);
}

int
emu_arm_region(const char *location)
{
	const char *n = region_name(location);

	for (size_t i = 0; n && i < NREGIONS; i++)
		if (n == regions[i][0])
			return (int)i;
	return -1;
}

const char *
emu_arm_region_at(int i)
{
	return i >= 0 && (size_t)i < NREGIONS ? regions[i][0] : NULL;
}

char *
emu_arm_next_link(const char *path, const char *apiver, const char *param, long offset)
{
	struct aml_wbuf w;
	char *tok = skiptoken(offset);

	aml_wbuf_init(&w, -1);
	aml_wprintf(&w, "%s%s?api-version=%s&%%24%s=", emu_base, path, apiver, param);
	pct_lower(&w, tok);
	free(tok);
	return aml_wbuf_take(&w);
}

long
emu_arm_skip_offset(const char *token)
{
	return skipoffset(token);
}

/* ---- operations finishing ------------------------------------------- */

static void
apply(const struct emu_lro_done *d)
{
	cJSON *all = services();
	cJSON *svc = cJSON_GetObjectItemCaseSensitive(all, d->key), *props, *pl;
	const char *prev = aml_json_str(d->op, "prevState");
	int ok = strcmp(d->status, "Succeeded") == 0;
	int canceled = strcmp(d->status, "Canceled") == 0;
	char end[48], *old;

	if (!svc)
		return;
	props = props_of(svc);
	emu_time_dotnet(end, sizeof end, (int64_t)strtoll(
	    cJSON_GetObjectItemCaseSensitive(d->op, "end")->valuestring, NULL, 10));
	if (strcmp(d->kind, "DELETE") == 0) {
		if (ok) {
			old = model_uri(props) ? aml_xstrdup(model_uri(props)) : NULL;
			notify(svc, old, NULL);
			free(old);
			dissociate(svc);
			cJSON_DeleteItemFromObjectCaseSensitive(all, d->key);
		}
		return;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(svc, "creating"))) {
		cJSON_DeleteItemFromObjectCaseSensitive(svc, "creating");
		if (canceled) {
			dissociate(svc);
			cJSON_DeleteItemFromObjectCaseSensitive(all, d->key);
			return;
		}
		set_str(props, "provisioningState", ok ? "Succeeded" : "Failed");
		if (ok) {
			set_str(props, "modifiedOn", end);
			notify(svc, NULL, model_uri(props));
		}
		return;
	}
	if (!ok) {
		set_str(props, "provisioningState", canceled ? prev : "Failed");
		return;
	}
	if (strcmp(d->kind, "REGION") == 0) {
		cJSON *rl = cJSON_GetObjectItemCaseSensitive(svc, "regions");
		const char *rn = cJSON_GetObjectItemCaseSensitive(d->op, "payload")->valuestring;

		if (!rl)
			rl = cJSON_AddArrayToObject(svc, "regions");
		cJSON_AddItemToArray(rl, cJSON_CreateString(rn));
		set_str(props, "provisioningState", "Succeeded");
		return;
	}
	/* PUT over an existing service, or PATCH: the new definition now. */
	pl = cJSON_GetObjectItemCaseSensitive(d->op, "payload");
	old = model_uri(props) ? aml_xstrdup(model_uri(props)) : NULL;
	props = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(pl, "properties"), 1);
	set_str(props, "createdOn", aml_json_str(props_of(svc), "createdOn"));
	set_computed(svc, props, NULL, end);
	set_str(props, "provisioningState", "Succeeded");
	order_props(props);
	set_item(svc, "properties", props);
	set_item(svc, "tags", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(pl, "tags"), 1));
	set_str(svc, "location", aml_json_str(pl, "location"));
	notify(svc, old, model_uri(props));
	free(old);
}

/* ---- seeding -------------------------------------------------------- */

static char *
subst(const char *tmpl, const char *const *kv)
{
	struct aml_wbuf w;
	const char *p = tmpl;

	aml_wbuf_init(&w, -1);
	while (*p) {
		size_t i;

		if (*p == '@') {
			for (i = 0; kv[i]; i += 2)
				if (strncmp(p, kv[i], strlen(kv[i])) == 0)
					break;
			if (kv[i]) {
				aml_wputs(&w, kv[i + 1]);
				p += strlen(kv[i]);
				continue;
			}
		}
		aml_wputc(&w, *p++);
	}
	return aml_wbuf_take(&w);
}

static void
add_seeded(const char *name)
{
	unsigned char ws[16];
	char wsid[33], *skey = random_key(), *def, t[48];
	const char *kv[] = {
		"@SUB@", emu_id("subscriptionId"), "@RG@", emu_id("demoGroup"),
		"@BASE@", emu_base ? emu_base : "http://127.0.0.1", "@WSID@", wsid,
		"@STORAGEKEY@", skey, NULL,
	};
	struct aml_jerr e;
	cJSON *b, *svc, *p;

	emu_random(ws, sizeof ws);
	emu_hex(wsid, ws, sizeof ws, 0);
	def = subst(emu_seed_service, kv);
	if (!(b = aml_json_parse(def, strlen(def), &e)))
		aml_die("seed definition: %s", e.msg);
	svc = new_service(emu_id("demoGroup"), name, aml_json_str(b, "location"));
	cJSON_AddItemToObject(svc, "tags",
	    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(b, "tags"), 1));
	p = writable_props(cJSON_GetObjectItemCaseSensitive(b, "properties"));
	fill_keys(p, NULL);
	timestamp(t, sizeof t);
	set_computed(svc, p, t, t);
	set_str(p, "provisioningState", "Succeeded");
	order_props(p);
	cJSON_AddItemToObject(svc, "properties", p);
	associate(svc, p);
	cJSON_Delete(b);
	aml_freesecret(def);
	aml_freesecret(skey);
}

cJSON *
emu_arm_add_services(long n)
{
	cJSON *o = cJSON_CreateObject(), *names = cJSON_AddArrayToObject(o, "created");
	long k = 1;

	while (n > 0) {
		char *name = aml_xasprintf("%s-%03ld", emu_id("demoService"), k++);
		char *key = ws_key(emu_id("demoGroup"), name);

		if (!cJSON_GetObjectItemCaseSensitive(services(), key)) {
			add_seeded(name);
			cJSON_AddItemToArray(names, cJSON_CreateString(name));
			n--;
		}
		free(key);
		free(name);
	}
	return o;
}

static void
seed(cJSON *state)
{
	cJSON *g;
	char *k;

	(void)state;
	k = lowdup(emu_id("demoGroup"));
	g = cJSON_AddObjectToObject(groups(), k);
	free(k);
	cJSON_AddStringToObject(g, "name", emu_id("demoGroup"));
	cJSON_AddStringToObject(g, "location", "southcentralus");
	services();
	emu_obj(arm(), "operations");
	subs();
	add_seeded(emu_id("demoService"));
}

/* POST /_emu/subscriptions: {"subscriptionId", "displayName", "state"},
 * all optional: changes the subscription of that id (the seeded one
 * too), or adds one at the end of the list. */
cJSON *
emu_arm_subscription(const cJSON *spec, int *created, char **why)
{
	static const char *const states[] = { "Enabled", "Warned", "PastDue", "Disabled", "Deleted" };
	const char *id = aml_json_str(spec, "subscriptionId"), *name = aml_json_str(spec, "displayName");
	const char *state = aml_json_str(spec, "state");
	cJSON *e;
	char guid[37];
	size_t i;

	for (const cJSON *c = spec->child; c; c = c->next)
		if ((strcmp(c->string, "subscriptionId") && strcmp(c->string, "displayName") &&
		    strcmp(c->string, "state")) || !cJSON_IsString(c)) {
			*why = aml_xasprintf("\"%s\": only subscriptionId, displayName and state, "
			    "strings", c->string);
			return NULL;
		}
	for (i = 0; state && i < sizeof states / sizeof *states; i++)
		if (!strcmp(state, states[i]))
			break;
	if (state && i == sizeof states / sizeof *states) {
		*why = aml_xstrdup("\"state\" is Enabled, Warned, PastDue, Disabled or Deleted");
		return NULL;
	}
	if (id && (!*id || strchr(id, '/') || strchr(id, '?'))) {
		*why = aml_xstrdup("\"subscriptionId\" must be a path segment");
		return NULL;
	}
	if (!(e = id ? sub_find(id) : NULL)) {
		e = cJSON_CreateObject();
		if (!id) {
			emu_guid(guid);
			id = guid;
		}
		cJSON_AddStringToObject(e, "subscriptionId", id);
		cJSON_AddStringToObject(e, "displayName", name ? name : id);
		cJSON_AddStringToObject(e, "state", state ? state : "Enabled");
		cJSON_AddItemToArray(subs(), e);
		*created = 1;
	} else {
		if (name)
			cJSON_ReplaceItemInObjectCaseSensitive(e, "displayName", cJSON_CreateString(name));
		if (state)
			cJSON_ReplaceItemInObjectCaseSensitive(e, "state", cJSON_CreateString(state));
		*created = 0;
	}
	emu_changed();
	return subscription(e);
}

static void
init(void)
{
	emu_lro_set_apply(apply);
}

#define WS "/subscriptions/*/resourceGroups/*/providers/Microsoft.MachineLearning/webServices"

static const struct emu_route routes[] = {
	{ "GET", "/subscriptions", subs_list, &emu_fam_arm },
	{ "GET", "/subscriptions/*", sub_get, &emu_fam_arm },
	{ "GET", "/subscriptions/*/resourcegroups", groups_list, &emu_fam_arm },
	{ "GET", "/subscriptions/*/resourcegroups/*", group_read, &emu_fam_arm },
	{ "PUT", "/subscriptions/*/resourcegroups/*", group_put, &emu_fam_arm },
	{ "GET", "/subscriptions/*/providers/Microsoft.MachineLearning", provider, &emu_fam_arm },
	{ "GET", "/providers/Microsoft.MachineLearning/operations", operations, &emu_fam_arm },
	{ "GET", "/subscriptions/*/providers/Microsoft.MachineLearning/webServices", list_sub,
	    &emu_fam_arm },
	{ "GET", WS, list_group, &emu_fam_arm },
	{ "GET", WS "/*", ws_get, &emu_fam_arm },
	{ "PUT", WS "/*", ws_put, &emu_fam_arm },
	{ "PATCH", WS "/*", ws_patch, &emu_fam_arm },
	{ "DELETE", WS "/*", ws_delete, &emu_fam_arm },
	{ "GET", WS "/*/listKeys", ws_keys, &emu_fam_arm },
	{ "POST", WS "/*/CreateRegionalBlob", ws_region, &emu_fam_arm },
};

static struct emu_module armmod = {
	.name = "arm",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
	.seed = seed,
	.init = init,
};
EMU_MODULE(armmod)
