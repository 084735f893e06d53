/* SPDX-License-Identifier: MIT */
/*
 * studio.c: the Machine Learning Studio (classic) side of the emulator,
 * its common part: settings under /_emu/studio, the error shapes of
 * the execution and management APIs, the workspace with its web
 * services and endpoints, the keys, which model a service scores with,
 * the seed (a training service, a predictive service, a storage account
 * with the training data and the model trained from it) and the files
 * and variables the demo and the tests take.
 *
 * Keys, ids and the storage key are kept in "identity", so that they
 * survive POST /_emu/reset like the rest of the identity: the files the
 * emulator wrote at start stay right.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "studio.h"

#define SEED_CSV "adult-census-income.csv"
#define SEED_MODEL "adult-census-income.ilearner"
#define RESOURCE_NAME "Adult Census Income Model [trained model]"

struct studio_cfg studio_cfg = {
	.job_ms = 2000,
	.status_int = 0,
	.sas_ttl = 24 * 3600 + 300,	/* the documented examples span 24 h 5 min */
	.switch_ms = 3000,
	.endpoint_limit = 3,		/* a free workspace */
};
static struct studio_cfg cfg_initial;

/* The training data the seeded model was trained on: numeric census
 * columns, one text column (left out of training), and the label. */
const char studio_seed_csv[] =
	"age,workclass,education-num,hours-per-week,capital-gain,income\n"
	"39,Private,8,40,7688,<=50K\n"
	"42,Self-emp,15,20,3103,>50K\n"
	"21,Local-gov,7,40,594,<=50K\n"
	"22,State-gov,15,25,0,<=50K\n"
	"22,State-gov,15,50,594,<=50K\n"
	"27,State-gov,10,40,0,<=50K\n"
	"26,State-gov,15,38,3103,<=50K\n"
	"55,Private,16,35,0,>50K\n"
	"54,State-gov,7,50,0,<=50K\n"
	"46,Local-gov,11,40,5178,<=50K\n"
	"42,State-gov,10,35,0,<=50K\n"
	"38,Local-gov,14,40,0,<=50K\n"
	"37,Federal-gov,15,25,0,<=50K\n"
	"28,Private,13,40,0,<=50K\n"
	"67,Local-gov,14,50,0,>50K\n"
	"56,Federal-gov,13,25,0,>50K\n"
	"49,State-gov,16,25,0,>50K\n"
	"62,Local-gov,13,38,15024,>50K\n"
	"61,Local-gov,11,20,2174,<=50K\n"
	"22,Self-emp,9,65,0,<=50K\n"
	"66,Self-emp,9,40,594,>50K\n"
	"47,Self-emp,12,45,0,<=50K\n"
	"46,Local-gov,14,38,15024,>50K\n"
	"33,Self-emp,8,25,0,<=50K\n"
	"33,Federal-gov,16,35,0,<=50K\n"
	"37,State-gov,6,30,594,<=50K\n"
	"42,State-gov,15,50,0,>50K\n"
	"58,Private,16,55,15024,>50K\n"
	"48,Private,16,65,3103,>50K\n"
	"49,Self-emp,16,40,0,>50K\n"
	"23,Private,9,40,0,<=50K\n"
	"19,Private,15,30,3103,<=50K\n"
	"42,Self-emp,15,20,0,>50K\n"
	"59,Federal-gov,10,40,5178,<=50K\n"
	"49,Local-gov,7,25,2174,<=50K\n"
	"38,Federal-gov,7,30,0,<=50K\n"
	"66,State-gov,10,40,15024,>50K\n"
	"42,Private,8,60,3103,<=50K\n"
	"67,Federal-gov,14,38,7688,>50K\n"
	"52,Self-emp,11,30,0,<=50K\n"
	"53,Self-emp,14,65,3103,>50K\n"
	"34,Self-emp,12,60,0,<=50K\n"
	"52,Federal-gov,13,40,15024,>50K\n"
	"49,State-gov,10,35,15024,>50K\n"
	"41,Federal-gov,13,65,15024,>50K\n"
	"24,Local-gov,9,25,0,<=50K\n"
	"31,Private,11,35,2174,<=50K\n"
	"49,Private,16,40,7688,>50K\n"
	;
const size_t studio_seed_csv_len = sizeof studio_seed_csv - 1;

/* Injected job failures (POST /_emu/studio/fail), under the lock. */
static long fail_count;
static char *fail_details;

/* ---- the execution API's errors ------------------------------------- */

static const struct {
	const char *name;
	int status;
	const char *message;
} classes[] = {
	{ "BadArgument", 400, "Invalid argument provided." },
	{ "BadUserArgument", 400, "Invalid user argument provided." },
	{ "InvalidOperation", 400, "The request is invalid in the current context." },
	{ "LibraryExecutionError", 400, "Module execution encountered an internal library error." },
	{ "ModuleExecutionError", 400, "Module execution encountered an error." },
	{ "Unauthorized", 401, "Request is unauthorized to access resource." },
	{ "NotFound", 404, "Resource not found." },
	{ "MethodNotAllowed", 405, "The requested resource does not support this http method." },
	{ "RequestTimeout", 408, "The operation could not be completed within the permitted time." },
	{ "Conflict", 409, "Resource already exists." },
	{ "MemoryQuotaViolation", 413, "The model had exceeded the memory quota assigned to it." },
	{ "InternalError", 500, "Execution encountered an internal error." },
	{ "ServiceUnavailable", 503, "Service is temporarily unavailable." },
	{ "GatewayTimeout", 504, "The operation could not be completed within the permitted time." },
};
#define NCLASSES (sizeof classes / sizeof *classes)

/* The specific codes (web-service-error-codes.md) and their class; the
 * message is what a fault without one of its own says. */
static const struct {
	const char *code, *cls, *message;
} details[] = {
	{ "BadVersionCall", "BadArgument", "Invalid version parameter was passed during the API "
	    "call: . Check the API help page for passing the correct version and try again." },
	{ "BatchJobInputsNotSpecified", "BadArgument", NULL },
	{ "BatchJobInputsTooManySpecified", "BadArgument", NULL },
	{ "BlobNotFound", "BadArgument", NULL },
	{ "DuplicateInputInBatchCall", "BadArgument", "The batch request is invalid. Cannot specify "
	    "both single and multiple input at the same time. Remove one of these items from the "
	    "request and try again." },
	{ "ExpiryTimeInThePast", "BadArgument", NULL },
	{ "InputBlobRelativeLocationInvalid", "BadArgument", "No Azure storage blob name provided. "
	    "Provide a valid blob name and try again." },
	{ "InvalidBlob", "BadArgument", NULL },
	{ "InvalidBlobConnectionString", "BadArgument", NULL },
	{ "InvalidBlobExtension", "BadArgument", NULL },
	{ "InvalidInputNames", "BadArgument", NULL },
	{ "InvalidOutputOverrideName", "BadArgument", NULL },
	{ "MissingInputBlobInformation", "BadArgument", "Missing Azure storage blob information. "
	    "Provide a valid connection string and relative path or URI and try again." },
	{ "MissingJobId", "BadArgument", "No job Id provided. A job Id is returned when a job was "
	    "submitted for the first time. Verify the job Id is correct and try again." },
	{ "MissingRequestInput", "BadArgument", "The web service expects an input, but no input "
	    "was provided. Ensure valid inputs are provided based on the published input ports in "
	    "the model and try again." },
	{ "RequestBodyInvalid", "BadArgument", "No request body provided or error in "
	    "deserializing the request body." },
	{ "UnexpectedParameter", "BadArgument", "Unexpected parameters provided. Verify all "
	    "parameter names are spelled correctly, only expected parameters are passed, and try again." },
	{ "InputMismatchError", "BadUserArgument", "Input data does not match input port schema." },
	{ "InputParseError", "BadUserArgument", NULL },
	{ "CannotStartJob", "InvalidOperation", NULL },
	{ "IncompatibleModel", "InvalidOperation", NULL },
	{ "ScoreRequestUnauthorized", "Unauthorized", "Invalid credentials provided." },
	{ "WebServiceNotFound", "NotFound", "Web service not found. Verify the web service Id is "
	    "correct and try again." },
	{ "WebServiceIdNotFoundInWorkspace", "NotFound", "Web service under this workspace not "
	    "found. There is a mismatch between the webServiceId and the workspaceId. Verify the web "
	    "service provided is part of the workspace and try again." },
	{ "WorkspaceNotFound", "NotFound", "Workspace not found. Verify the workspace Id is correct "
	    "and try again." },
	{ "JobNotFound", "NotFound", NULL },
	{ "ScoreRequestTimeout", "RequestTimeout", "Execution request timed out." },
	{ "ResourceDownload", "InternalError", NULL },
	{ "UnknownJobStatusCode", "InternalError", NULL },
	{ "NoMoreResources", "ServiceUnavailable", "No resources available for request." },
	{ "RequestThrottled", "ServiceUnavailable", "Request was throttled for default endpoint. "
	    "The maximum concurrency for the endpoint is 4." },
	{ "TooManyConcurrentRequests", "ServiceUnavailable", "Too many concurrent requests sent." },
	{ "BackendScoreTimeout", "GatewayTimeout", "The web service request execution could not be "
	    "completed within the permitted time." },
};
#define NDETAILS (sizeof details / sizeof *details)

void
studio_headers(struct emu_req *r)
{
	emu_set_header(r, "x-ms-request-id", r->reqid);
	emu_set_header(r, "Cache-Control", "no-cache");
}

static int
class_index(const char *name, int status)
{
	for (size_t i = 0; i < NCLASSES; i++)
		if (name ? strcmp(classes[i].name, name) == 0 : classes[i].status == status)
			return (int)i;
	return -1;
}

static void
exec_answer(struct emu_req *r, int status, const char *cls, const char *cmsg,
    const char *code, const char *message)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error"), *d, *o;

	cJSON_AddStringToObject(e, "code", cls);
	cJSON_AddStringToObject(e, "message", cmsg);
	if (code) {
		d = cJSON_AddArrayToObject(e, "details");
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "code", code);
		cJSON_AddStringToObject(o, "message", message ? message : "");
		cJSON_AddItemToArray(d, o);
	}
	emu_answer_json(r, status, j);
	cJSON_Delete(j);
	studio_headers(r);
}

/* code: a specific code, a class, or "" (the class of the status).  An
 * injected fault that names a specific code but no message of its own
 * gets the code's documented text. */
static void
exec_error(struct emu_req *r, int status, const char *code, const char *message)
{
	int c;

	if (message && strncmp(message, "Injected fault: HTTP ", 21) == 0)
		message = NULL;

	for (size_t i = 0; i < NDETAILS; i++)
		if (strcmp(details[i].code, code) == 0) {
			c = class_index(details[i].cls, 0);
			exec_answer(r, status ? status : classes[c].status, classes[c].name,
			    classes[c].message, code, message && *message ? message :
			    details[i].message ? details[i].message : classes[c].message);
			return;
		}
	if ((c = class_index(*code ? code : NULL, status)) < 0)
		c = class_index(status >= 500 ? "InternalError" : "BadArgument", 0);
	exec_answer(r, status ? status : classes[c].status, classes[c].name,
	    message && *message ? message : classes[c].message, NULL, NULL);
}

void
studio_error(struct emu_req *r, const char *code, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;

	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(&m, fmt, ap) < 0)
			aml_die("out of memory");
		va_end(ap);
	}
	exec_error(r, 0, code, m);
	free(m);
}

const struct emu_family studio_fam_exec = { "studio", exec_error };

/* ---- the management API's errors ------------------------------------ */

static void
mgmt_error(struct emu_req *r, int status, const char *code, const char *message)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error");

	if (!*code)
		code = status == 401 ? "Unauthorized" : status == 403 ? "Forbidden" :
		    status == 404 ? "NotFound" : status == 405 ? "MethodNotAllowed" :
		    status == 503 ? "ServiceUnavailable" : status >= 500 ? "InternalServerError" :
		    "BadRequest";
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	emu_answer_json(r, status, j);
	cJSON_Delete(j);
	studio_headers(r);
}

void
studio_mgmt_error(struct emu_req *r, int status, const char *code, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		aml_die("out of memory");
	va_end(ap);
	mgmt_error(r, status, code, m);
	free(m);
}

const struct emu_family studio_fam_mgmt = { "management", mgmt_error };

/* ---- identity ------------------------------------------------------- */

static cJSON *
identity(void)
{
	return cJSON_GetObjectItemCaseSensitive(emu_state, "identity");
}

char *
studio_key(void)
{
	return emu_random_b64(64);	/* 88 characters ending in "==" */
}

static void
ensure(const char *name, char *(*make)(void))
{
	char *v;

	if (*emu_id(name))
		return;
	v = make();
	cJSON_AddStringToObject(identity(), name, v);
	aml_freesecret(v);
}

static char *
hex32(void)
{
	unsigned char b[16];
	char *s = aml_xmalloc(33);

	emu_random(b, sizeof b);
	emu_hex(s, b, sizeof b, 0);
	return s;
}

/* Only ever adds members, and only when the state is first made (or was
 * written by an emulator without them), before the server answers. */
static void
ensure_identity(void)
{
	ensure("storageKey", studio_key);
	ensure("studioWorkspaceId", hex32);
	ensure("studioWorkspaceToken", hex32);
	ensure("studioTrainService", hex32);
	ensure("studioTrainApi", hex32);
	ensure("studioTrainKey", studio_key);
	ensure("studioScoreService", hex32);
	ensure("studioScoreApi", hex32);
	ensure("studioScoreKey", studio_key);
}

/* ---- the workspace -------------------------------------------------- */

cJSON *
studio_state(void)
{
	return emu_obj(emu_state, "studio");
}

static cJSON *
lookup_ci(cJSON *o, const char *key)
{
	cJSON *c;

	cJSON_ArrayForEach(c, o)
		if (strcasecmp(c->string, key) == 0)
			return c;
	return NULL;
}

cJSON *
studio_workspace(const char *wsid)
{
	return lookup_ci(emu_obj(studio_state(), "workspaces"), wsid);
}

cJSON *
studio_service(cJSON *ws, const char *svcid)
{
	return lookup_ci(cJSON_GetObjectItemCaseSensitive(ws, "services"), svcid);
}

cJSON *
studio_endpoint(cJSON *svc, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(svc,
	    "endpoints"), name);
}

cJSON *
studio_endpoint_by_api(const char *wsid, const char *api, cJSON **svcp)
{
	cJSON *svc, *ep, *ws = studio_workspace(wsid);

	cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(ws, "services"))
		cJSON_ArrayForEach(ep, cJSON_GetObjectItemCaseSensitive(svc, "endpoints")) {
			const char *id = aml_json_str(ep, "apiId");

			if (id && strcasecmp(id, api) == 0) {
				*svcp = svc;
				return ep;
			}
		}
	return NULL;
}

const char *
studio_bearer(struct emu_req *r)
{
	const char *a = emu_header(r, "Authorization");

	if (!a || strncasecmp(a, "Bearer ", 7) != 0)
		return NULL;
	for (a += 7; *a == ' '; a++)
		;
	return a;
}

static int
same(const char *a, const char *b)
{
	size_t n = strlen(a);

	return b && n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

int
studio_key_ok(struct emu_req *r, const cJSON *ep)
{
	const char *t = studio_bearer(r);

	return t && *t && (same(t, aml_json_str(ep, "PrimaryKey")) ||
	    same(t, aml_json_str(ep, "SecondaryKey")));
}

static void
now_dotnet(char *buf, size_t n)
{
	emu_time_dotnet(buf, n, emu_now_100ns());
}

static cJSON *
location(const char *rel)
{
	cJSON *l = cJSON_CreateObject();
	char *base = blob_account_url(STUDIO_ACCOUNT);

	cJSON_AddStringToObject(l, "BaseLocation", base);
	cJSON_AddStringToObject(l, "RelativeLocation", rel);
	cJSON_AddStringToObject(l, "SasBlobToken", "");
	free(base);
	return l;
}

static void
add_endpoint(cJSON *ws, cJSON *svc, const char *name, const char *api, const char *key)
{
	cJSON *eps = emu_obj(svc, "endpoints"), *ep = cJSON_CreateObject(), *res;
	const char *wsid = aml_json_str(ws, "Id"), *svcid = aml_json_str(svc, "Id");
	char t[48], *s;

	now_dotnet(t, sizeof t);
	cJSON_AddStringToObject(ep, "Name", name);
	cJSON_AddStringToObject(ep, "Description", "");
	cJSON_AddStringToObject(ep, "CreationTime", t);
	cJSON_AddStringToObject(ep, "WorkspaceId", wsid);
	cJSON_AddStringToObject(ep, "WebServiceId", svcid);
	s = aml_xasprintf("%s/apihelp/workspaces/%s/webservices/%s/endpoints/%s", emu_base, wsid,
	    svcid, name);
	cJSON_AddStringToObject(ep, "HelpLocation", s);
	free(s);
	s = key ? aml_xstrdup(key) : studio_key();
	cJSON_AddStringToObject(ep, "PrimaryKey", s);
	aml_freesecret(s);
	s = studio_key();
	cJSON_AddStringToObject(ep, "SecondaryKey", s);
	aml_freesecret(s);
	s = aml_xasprintf("%s/workspaces/%s/services/%s", emu_base, wsid, api);
	cJSON_AddStringToObject(ep, "ApiLocation", s);
	free(s);
	s = aml_xasprintf("%s/Home/ViewWorkspaceCached/%s#Workspaces/Experiments/Experiment/%s",
	    emu_base, wsid, aml_json_str(svc, "experiment"));
	cJSON_AddStringToObject(ep, "ExperimentLocation", s);
	free(s);
	cJSON_AddStringToObject(ep, "Version", t);
	cJSON_AddNumberToObject(ep, "MaxConcurrentCalls", 4);
	cJSON_AddStringToObject(ep, "DiagnosticsTraceLevel", "None");
	cJSON_AddStringToObject(ep, "ThrottleLevel", "Low");
	cJSON_AddFalseToObject(ep, "PreventUpdate");
	cJSON_AddTrueToObject(ep, "SampleDataEnabled");
	res = cJSON_AddArrayToObject(ep, "Resources");
	/* An added endpoint locks onto the model of the web service as it
	 * is (the default endpoint's). */
	if (aml_json_str(svc, "resource")) {
		cJSON *def = studio_endpoint(svc, aml_json_str(svc, "DefaultEndpointName"));
		cJSON *r0 = def ? cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(def,
		    "Resources"), 0) : NULL;

		if (r0) {
			cJSON_AddItemToArray(res, cJSON_Duplicate(r0, 1));
		} else {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "Name", aml_json_str(svc, "resource"));
			cJSON_AddStringToObject(o, "Kind", "TrainedModel");
			s = aml_xasprintf("models/%s", SEED_MODEL);
			cJSON_AddItemToObject(o, "Location", location(s));
			free(s);
			cJSON_AddItemToArray(res, o);
		}
	}
	cJSON_AddStringToObject(ep, "apiId", api);
	cJSON_AddItemToObject(eps, name, ep);
}

cJSON *
studio_new_endpoint(cJSON *ws, cJSON *svc, const char *name)
{
	char *api = hex32();

	add_endpoint(ws, svc, name, api, NULL);
	free(api);
	return studio_endpoint(svc, name);
}

/* ---- models in use -------------------------------------------------- */

static cJSON *
bound(void)
{
	return emu_obj(studio_state(), "bound");
}

/* Read the model blob at uri and keep it as what key scores with. */
static int
bind(const char *key, const char *uri, char **why)
{
	char *acct, *cont, *name;
	unsigned char *data;
	size_t len;
	struct studio_model *m;
	cJSON *b;

	if (blob_split_url(uri, &acct, &cont, &name) < 0) {
		*why = aml_xstrdup("the trained model is not in a storage account this service can read");
		return -1;
	}
	if (blob_get(acct, cont, name, &data, &len) < 0) {
		*why = aml_xasprintf("the trained model blob %s/%s does not exist", cont, name);
		free(acct), free(cont), free(name);
		return -1;
	}
	free(acct), free(cont), free(name);
	if (!(m = model_load(data, len, why))) {
		free(data);
		return -1;
	}
	model_free(m);
	cJSON_DeleteItemFromObjectCaseSensitive(bound(), key);
	b = cJSON_AddObjectToObject(bound(), key);
	cJSON_AddStringToObject(b, "uri", uri);
	data = aml_xrealloc(data, len + 1);
	data[len] = '\0';
	cJSON_AddStringToObject(b, "model", (char *)data);
	free(data);
	emu_changed();
	return 0;
}

static char *
resource_uri(const cJSON *res)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(res, "Location");
	const char *b = aml_json_str(l, "BaseLocation"), *rel = aml_json_str(l, "RelativeLocation");

	return b && rel ? aml_bes_join(b, rel) : NULL;
}

/* The switch-over: an endpoint PATCHed a while ago now uses its new
 * resources (the docs say about 30 seconds). */
void
studio_settle(cJSON *ep)
{
	cJSON *p = cJSON_GetObjectItemCaseSensitive(ep, "pending"), *res;
	char t[48], *why = NULL, *key, *uri;

	if (!p || emu_now_ms() < (int64_t)cJSON_GetObjectItemCaseSensitive(p, "due")->valuedouble)
		return;
	res = cJSON_DetachItemFromObjectCaseSensitive(p, "Resources");
	cJSON_ReplaceItemInObjectCaseSensitive(ep, "Resources", res);
	cJSON_DeleteItemFromObjectCaseSensitive(ep, "pending");
	now_dotnet(t, sizeof t);
	cJSON_ReplaceItemInObjectCaseSensitive(ep, "Version", cJSON_CreateString(t));
	key = aml_xasprintf("ep:%s", aml_json_str(ep, "apiId"));
	if ((uri = resource_uri(cJSON_GetArrayItem(res, 0))) && bind(key, uri, &why) < 0)
		free(why);
	free(uri);
	free(key);
	emu_changed();
}

struct studio_model *
studio_target_model(const struct studio_target *t, char **why)
{
	char *key, *uri = NULL;
	struct studio_model *m = NULL;
	const char *u, *text;
	cJSON *b;

	if (t->ep) {
		studio_settle(t->ep);
		key = aml_xasprintf("ep:%s", aml_json_str(t->ep, "apiId"));
		uri = resource_uri(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(t->ep,
		    "Resources"), 0));
	} else {
		key = aml_xasprintf("arm:%s", t->armsvc);
		if ((u = emu_ws_model_uri(t->armsvc)))
			uri = aml_xstrdup(u);
	}
	if (!uri) {
		*why = aml_xstrdup("the web service has no trained model");
		goto out;
	}
	b = cJSON_GetObjectItemCaseSensitive(bound(), key);
	if ((!b || strcmp(aml_json_str(b, "uri"), uri) != 0) && bind(key, uri, why) < 0)
		goto out;
	b = cJSON_GetObjectItemCaseSensitive(bound(), key);
	text = aml_json_str(b, "model");
	m = model_load((const unsigned char *)text, strlen(text), why);
out:
	free(uri);
	free(key);
	return m;
}

/* A new web service's update has finished: bind its new model now, so
 * that it is what it scores with even if the blob changes later. */
static void
arm_model_changed(const struct emu_model_event *ev)
{
	char *key = aml_xasprintf("arm:%s", ev->svcid), *why = NULL;

	cJSON_DeleteItemFromObjectCaseSensitive(bound(), key);
	if (ev->new_uri && bind(key, ev->new_uri, &why) < 0)
		free(why);
	free(key);
}


const cJSON *
studio_training(const struct studio_target *t)
{
	return t->svc ? cJSON_GetObjectItemCaseSensitive(t->svc, "training") : NULL;
}

int
studio_take_failure(char **why)
{
	if (fail_count <= 0)
		return 0;
	fail_count--;
	*why = aml_xstrdup(fail_details);
	return 1;
}

/* ---- the execution API's requests ----------------------------------- */

static int
api_version(struct emu_req *r, int required)
{
	char *v = emu_query(r, "api-version");
	int ok = v ? strcmp(v, "2.0") == 0 : !required;

	if (!ok)
		studio_error(r, "BadVersionCall", "Invalid version parameter was passed during the "
		    "API call: %s. Check the API help page for passing the correct version and try "
		    "again.", v ? v : "");
	free(v);
	return ok ? 0 : -1;
}

static int
arm_sub_ok(const char *s)
{
	const char *sub = emu_id("subscriptionId");
	size_t i = 0;

	for (; *sub; sub++) {
		if (*sub == '-')
			continue;
		if (!s[i] || tolower((unsigned char)s[i]) != tolower((unsigned char)*sub))
			return strcasecmp(s, emu_id("subscriptionId")) == 0;
		i++;
	}
	return !s[i] || strcasecmp(s, emu_id("subscriptionId")) == 0;
}

int
studio_exec_begin(struct emu_req *r, struct studio_target *t, int flags)
{
	static const char *const keynames[] = { "primary", "secondary" };
	const char *tok;

	memset(t, 0, sizeof *t);
	studio_headers(r);
	if (api_version(r, flags & STUDIO_VERSION) < 0)
		return -1;
	if (strncasecmp(r->path, "/workspaces/", 12) == 0) {
		if (!studio_workspace(r->seg[0])) {
			studio_error(r, "WorkspaceNotFound", NULL);
			return -1;
		}
		t->wsid = aml_json_str(studio_workspace(r->seg[0]), "Id");
		if (!(t->ep = studio_endpoint_by_api(r->seg[0], r->seg[1], &t->svc))) {
			studio_error(r, "WebServiceNotFound", NULL);
			return -1;
		}
		if (!(flags & STUDIO_NOAUTH) && !studio_key_ok(r, t->ep)) {
			studio_error(r, "ScoreRequestUnauthorized", NULL);
			return -1;
		}
		return 0;
	}
	if (!arm_sub_ok(r->seg[0])) {
		studio_error(r, "WorkspaceNotFound", NULL);
		return -1;
	}
	cJSON *p = emu_ws_props(r->seg[1]);
	if (!p) {
		studio_error(r, "WebServiceNotFound", NULL);
		return -1;
	}
	emu_lower(r->seg[1]);
	t->armsvc = r->seg[1];
	if (flags & STUDIO_NOAUTH)
		return 0;
	tok = studio_bearer(r);
	for (size_t i = 0; i < 2; i++)
		if (tok && *tok && same(tok, aml_json_str(cJSON_GetObjectItemCaseSensitive(p, "keys"),
		    keynames[i])))
			return 0;
	studio_error(r, "ScoreRequestUnauthorized", NULL);
	return -1;
}

/* ---- seeding -------------------------------------------------------- */

static cJSON *
add_service(cJSON *ws, const char *id, const char *name, const char *desc, const char *kind)
{
	cJSON *svc = cJSON_AddObjectToObject(emu_obj(ws, "services"), id);
	char t[48], *x = hex32();

	now_dotnet(t, sizeof t);
	cJSON_AddStringToObject(svc, "Id", id);
	cJSON_AddStringToObject(svc, "Name", name);
	cJSON_AddStringToObject(svc, "Description", desc);
	cJSON_AddStringToObject(svc, "CreationTime", t);
	cJSON_AddStringToObject(svc, "WorkspaceId", aml_json_str(ws, "Id"));
	cJSON_AddStringToObject(svc, "DefaultEndpointName", "default");
	cJSON_AddStringToObject(svc, "kind", kind);
	cJSON_AddStringToObject(svc, "experiment", x);
	free(x);
	return svc;
}

static void
seed_blobs(cJSON *state)
{
	struct studio_csv c;
	char *model, *why = NULL;

	blob_seed(state);
	blob_put(STUDIO_ACCOUNT, "data", SEED_CSV, studio_seed_csv, studio_seed_csv_len, "text/csv");
	if (studio_csv_parse(studio_seed_csv, studio_seed_csv_len, &c, &why) < 0)
		aml_die("seed data: %s", why);
	model = train_fit(&c, "income", "data/" SEED_CSV, (const unsigned char *)studio_seed_csv,
	    studio_seed_csv_len, &why);
	if (!model)
		aml_die("seed model: %s", why);
	blob_put(STUDIO_ACCOUNT, "models", SEED_MODEL, model, strlen(model),
	    "application/octet-stream");
	free(model);
	studio_csv_free(&c);
}

static void
seed(cJSON *state)
{
	cJSON *ws, *svc, *tr, *o;

	ensure_identity();
	seed_blobs(state);
	ws = cJSON_AddObjectToObject(emu_obj(emu_obj(state, "studio"), "workspaces"),
	    emu_id("studioWorkspaceId"));
	cJSON_AddStringToObject(ws, "Id", emu_id("studioWorkspaceId"));
	cJSON_AddStringToObject(ws, "Name", "aml-demo-workspace");
	cJSON_AddStringToObject(ws, "Region", "South Central US");

	svc = add_service(ws, emu_id("studioTrainService"), "Adult Census Income",
	    "Retrains the income model: Train Model (output1, .ilearner) and Evaluate Model "
	    "(output2, .csv) on the data set of input1.", "training");
	tr = cJSON_AddObjectToObject(svc, "training");
	cJSON_AddStringToObject(tr, "label", "income");
	o = cJSON_AddArrayToObject(tr, "inputs");
	cJSON_AddItemToArray(o, cJSON_CreateString("input1"));
	o = cJSON_AddObjectToObject(tr, "outputs");
	cJSON_AddStringToObject(o, "output1", "model");
	cJSON_AddStringToObject(o, "output2", "evaluation");
	add_endpoint(ws, svc, "default", emu_id("studioTrainApi"), emu_id("studioTrainKey"));

	svc = add_service(ws, emu_id("studioScoreService"), "Adult Census Income [Predictive Exp.]",
	    "Scores census rows with the trained income model.", "predictive");
	cJSON_AddStringToObject(svc, "resource", RESOURCE_NAME);
	add_endpoint(ws, svc, "default", emu_id("studioScoreApi"), emu_id("studioScoreKey"));
	emu_obj(studio_state(), "jobs");
	emu_obj(studio_state(), "bound");
}

static void
reset(void)
{
	studio_cfg = cfg_initial;
	fail_count = 0;
	free(fail_details);
	fail_details = NULL;
}

/* Once the state is there (made or loaded): the hook that binds new
 * web services' models, and the identity a state of an older emulator
 * may lack. */
static void
init(void)
{
	ensure_identity();
	emu_on_model_change(arm_model_changed);
}

static void
fini(void)
{
	reset();
}

/* ---- files and variables -------------------------------------------- */

/* A secret into a 0600 file of the emulator's directory; the variable
 * names the file, never the secret. */
void
studio_secret_file(struct aml_wbuf *w, const char *var, const char *file, const char *value)
{
	char *p = aml_xasprintf("%s/%s", emu_dir, file), *v = aml_xasprintf("%s\n", value);

	if (emu_write_file(p, v, strlen(v), 0600) < 0)
		aml_die("%s:", p);
	emu_export(w, var, p);
	aml_freesecret(v);
	free(p);
}

static void
exports(struct aml_wbuf *w)
{
	const char *ws = emu_id("studioWorkspaceId"), *arm, *k;
	char *s;
	cJSON *p;

	emu_lock();
	emu_export(w, "AML_DEMO_WORKSPACE_ID", ws);
	studio_secret_file(w, "AML_DEMO_WORKSPACE_TOKEN_FILE", "workspace-token",
	    emu_id("studioWorkspaceToken"));
	emu_export(w, "AML_DEMO_TRAIN_SERVICE", emu_id("studioTrainService"));
	s = aml_xasprintf("%s/workspaces/%s/services/%s", emu_base, ws, emu_id("studioTrainApi"));
	emu_export(w, "AML_DEMO_TRAIN_URL", s);
	free(s);
	studio_secret_file(w, "AML_DEMO_TRAIN_KEY_FILE", "train-api-key", emu_id("studioTrainKey"));
	emu_export(w, "AML_DEMO_SCORE_SERVICE", emu_id("studioScoreService"));
	s = aml_xasprintf("%s/workspaces/%s/services/%s", emu_base, ws, emu_id("studioScoreApi"));
	emu_export(w, "AML_DEMO_SCORE_URL", s);
	free(s);
	studio_secret_file(w, "AML_DEMO_SCORE_KEY_FILE", "score-api-key", emu_id("studioScoreKey"));
	emu_export(w, "AML_DEMO_RESOURCE", RESOURCE_NAME);
	if ((arm = emu_ws_svcid(emu_id("demoGroup"), emu_id("demoService"))) &&
	    (p = emu_ws_props(arm))) {
		char sub[40];
		size_t n = 0;

		for (const char *c = emu_id("subscriptionId"); *c && n < sizeof sub - 1; c++)
			if (*c != '-')
				sub[n++] = *c;
		sub[n] = '\0';
		s = aml_xasprintf("%s/subscriptions/%s/services/%s", emu_base, sub, arm);
		emu_export(w, "AML_DEMO_WS_URL", s);
		free(s);
		if ((k = aml_json_str(cJSON_GetObjectItemCaseSensitive(p, "keys"), "primary")))
			studio_secret_file(w, "AML_DEMO_WS_KEY_FILE", "ws-api-key", k);
	}
	emu_export(w, "AML_DEMO_STORAGE_ACCOUNT", STUDIO_ACCOUNT);
	s = blob_account_url(STUDIO_ACCOUNT);
	s[strlen(s) - 1] = '\0';
	emu_export(w, "AML_DEMO_STORAGE_URL", s);
	free(s);
	studio_secret_file(w, "AML_DEMO_STORAGE_KEY_FILE", "storage-key", emu_id("storageKey"));
	s = aml_xasprintf("DefaultEndpointsProtocol=%s;AccountName=%s;AccountKey=%s;BlobEndpoint=%s%s/%s;",
	    emu_cfg.tls ? "https" : "http", STUDIO_ACCOUNT, emu_id("storageKey"), emu_base,
	    EMU_BLOB_PREFIX, STUDIO_ACCOUNT);
	studio_secret_file(w, "AML_DEMO_STORAGE_CONNECTION_FILE", "storage-connection-string", s);
	aml_freesecret(s);
	/* For uploads of training data: a year on the "data" container. */
	s = blob_sas(STUDIO_ACCOUNT, "data", NULL, "racwdl", emu_now() - 300,
	    emu_now() + 365 * 86400L, "2018-11-09");
	studio_secret_file(w, "AML_DEMO_SAS_FILE", "storage-sas", s);
	aml_freesecret(s);
	emu_unlock();
}

/* ---- control: /_emu/studio ------------------------------------------ */

static const struct {
	const char *name;
	long *v;
	long lo, hi;
} knobs[] = {
	{ "jobMs", &studio_cfg.job_ms, 0, 24 * 3600 * 1000L },
	{ "sasTtl", &studio_cfg.sas_ttl, -7 * 86400L, 365 * 86400L },
	{ "switchMs", &studio_cfg.switch_ms, 0, 3600 * 1000L },
	{ "endpointLimit", &studio_cfg.endpoint_limit, 1, 10000 },
};
#define NKNOBS (sizeof knobs / sizeof *knobs)

static void
cfg_answer(struct emu_req *r)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < NKNOBS; i++)
		cJSON_AddNumberToObject(o, knobs[i].name, (double)*knobs[i].v);
	cJSON_AddBoolToObject(o, "statusAsInt", studio_cfg.status_int);
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

/* The control API's body, which here must be an object. */
static cJSON *
body_json(struct emu_req *r)
{
	cJSON *j = emu_control_body(r);

	if (j && !cJSON_IsObject(j)) {
		emu_answer_error(r, 400, "InvalidJson", "expected an object");
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

static void
cfg_post(struct emu_req *r)
{
	cJSON *j, *c;
	size_t i = 0;

	if (!emu_control_local(r) || !(j = body_json(r)))
		return;
	/* All checked before any is set. */
	for (c = j->child; c; c = c->next) {
		if (strcmp(c->string, "statusAsInt") == 0) {
			if (!cJSON_IsBool(c))
				goto bad;
			continue;
		}
		for (i = 0; i < NKNOBS && strcmp(c->string, knobs[i].name); i++)
			;
		/* The range first: (long)1e300 is undefined. */
		if (i == NKNOBS || !cJSON_IsNumber(c) ||
		    !(c->valuedouble >= knobs[i].lo && c->valuedouble <= knobs[i].hi) ||
		    c->valuedouble != (double)(long)c->valuedouble)
			goto bad;
	}
	emu_lock();
	for (c = j->child; c; c = c->next) {
		if (strcmp(c->string, "statusAsInt") == 0)
			studio_cfg.status_int = cJSON_IsTrue(c);
		for (i = 0; i < NKNOBS; i++)
			if (strcmp(c->string, knobs[i].name) == 0)
				*knobs[i].v = (long)c->valuedouble;
	}
	cfg_answer(r);
	emu_unlock();
	cJSON_Delete(j);
	return;
bad:
	if (strcmp(c->string, "statusAsInt") == 0)
		emu_answer_error(r, 400, "InvalidConfig", "\"statusAsInt\" must be true or false");
	else if (i == NKNOBS)
		studio_mgmt_error(r, 400, "InvalidConfig", "unknown setting \"%s\"", c->string);
	else
		studio_mgmt_error(r, 400, "InvalidConfig", "\"%s\" must be an integer from %ld to %ld",
		    c->string, knobs[i].lo, knobs[i].hi);
	cJSON_Delete(j);
}

/* {"count": N, "details": "..."}: the next N jobs that run fail so. */
static void
fail_post(struct emu_req *r)
{
	cJSON *j, *n, *d;

	if (!emu_control_local(r) || !(j = body_json(r)))
		return;
	n = cJSON_GetObjectItemCaseSensitive(j, "count");
	d = cJSON_GetObjectItemCaseSensitive(j, "details");
	if ((n && (!cJSON_IsNumber(n) || n->valuedouble < 0 || n->valuedouble > 1000 ||
	    n->valuedouble != (double)(long)n->valuedouble)) || (d && !cJSON_IsString(d))) {
		emu_answer_error(r, 400, "InvalidRequest",
		    "\"count\" must be an integer from 0 to 1000 and \"details\" a string");
		cJSON_Delete(j);
		return;
	}
	emu_lock();
	fail_count = n ? (long)n->valuedouble : 1;
	free(fail_details);
	fail_details = aml_xstrdup(d ? d->valuestring : "Error 0000: Internal error (injected "
	    "by aml-emulator).");
	cfg_answer(r);
	emu_unlock();
	cJSON_Delete(j);
}

static const struct emu_route routes[] = {
	{ "GET", "/_emu/studio", cfg_get, &emu_fam_plain },
	{ "POST", "/_emu/studio", cfg_post, &emu_fam_plain },
	{ "POST", "/_emu/studio/fail", fail_post, &emu_fam_plain },
};

static struct emu_module studiomod = {
	.name = "studio",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
	.seed = seed,
	.reset = reset,
	.init = init,
	.exports = exports,
	.fini = fini,
};

static void __attribute__((constructor))
studio_register(void)
{
	cfg_initial = studio_cfg;
	emu_module_register(&studiomod);
}
