/* SPDX-License-Identifier: MIT */
/*
 * control.c: the control API under /_emu/, for tests and demos: health,
 * the request log, faults, device-code decisions, reset, configuration,
 * external (federated) tokens, more web services, subscriptions and
 * certificates.  It answers only
 * loopback peers (the server binds nothing else, but a proxy could).
 */
#include <stdlib.h>
#include <string.h>

#include "emu.h"

int
emu_control_local(struct emu_req *r)
{
	if (emu_peer_loopback(r))
		return 1;
	emu_answer_error(r, 403, "Forbidden", "The control API answers loopback only.");
	return 0;
}

cJSON *
emu_control_body(struct emu_req *r)
{
	struct aml_jerr e;
	cJSON *j;
	char *m;

	if (!r->bodylen)
		return cJSON_CreateObject();
	if (!(j = aml_json_parse(r->body, r->bodylen, &e))) {
		m = aml_xasprintf("request body: line %lu, column %lu: %s", e.line, e.col, e.msg);
		emu_answer_error(r, 400, "InvalidJson", m);
		free(m);
	}
	return j;
}

static void
health(struct emu_req *r)
{
	static const char ok[] = "{\"status\":\"ok\"}\n";

	emu_answer(r, 200, "application/json", ok, sizeof ok - 1);
}

static void
requests_get(struct emu_req *r)
{
	char *s;

	if (!emu_control_local(r))
		return;
	s = emu_log_json();
	emu_answer(r, 200, "application/json", s, strlen(s));
	free(s);
}

static void
requests_delete(struct emu_req *r)
{
	if (!emu_control_local(r))
		return;
	emu_log_clear();
	emu_answer(r, 204, NULL, NULL, 0);
}

static void
faults_post(struct emu_req *r)
{
	cJSON *j, *o;
	char *why = NULL;
	long id;

	if (!emu_control_local(r) || !(j = emu_control_body(r)))
		return;
	id = emu_fault_add(j, &why);
	cJSON_Delete(j);
	if (id < 0) {
		emu_answer_error(r, 400, "InvalidFault", why);
		free(why);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	emu_answer_json(r, 201, o);
	cJSON_Delete(o);
}

static void
faults_get(struct emu_req *r)
{
	char *s;

	if (!emu_control_local(r))
		return;
	s = emu_fault_list();
	emu_answer(r, 200, "application/json", s, strlen(s));
	free(s);
}

static void
faults_delete(struct emu_req *r)
{
	if (!emu_control_local(r))
		return;
	emu_fault_clear();
	emu_answer(r, 204, NULL, NULL, 0);
}

static void
device_approve(struct emu_req *r)
{
	if (emu_control_local(r))
		emu_device_decide(r, r->seg[0], 1);
}

static void
device_decline(struct emu_req *r)
{
	if (emu_control_local(r))
		emu_device_decide(r, r->seg[0], 0);
}

void
emu_reset_all(void)
{
	emu_lock();
	emu_cfg = emu_config_initial;
	emu_state_seed();
	for (struct emu_module *m = emu_modules; m; m = m->next)
		if (m->reset)
			m->reset();
	emu_changed();
	emu_unlock();
	emu_fault_clear();
	emu_log_clear();
}

static void
reset(struct emu_req *r)
{
	if (!emu_control_local(r))
		return;
	emu_reset_all();
	emu_answer(r, 204, NULL, NULL, 0);
}

static void
signing_key(struct emu_req *r)
{
	const char *pem;

	emu_lock();
	pem = emu_id("signingPublic");
	emu_answer(r, 200, "application/x-pem-file", pem, strlen(pem));
	emu_unlock();
}

static const struct {
	const char *name;
	long *v;
	long lo, hi;
} knobs[] = {
	{ "tokenLifetime", &emu_cfg.token_lifetime, -86400, 7 * 86400 },
	{ "pageSize", &emu_cfg.page_size, 1, 100000 },
	{ "lroMs", &emu_cfg.lro_ms, 0, 3600000 },
	{ "clockSkew", &emu_cfg.clock_skew, -10 * 365 * 86400L, 10 * 365 * 86400L },
	{ "clockStopped", &emu_cfg.clock_stopped, 0, 1 },
	{ "deviceInterval", &emu_cfg.device_interval, 0, 3600 },
	{ "deviceExpiresIn", &emu_cfg.device_expires_in, 0, 86400 },
	{ "federatedLifetime", &emu_cfg.federated_lifetime, -86400, 86400 },
};

static void
config_answer(struct emu_req *r)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < sizeof knobs / sizeof *knobs; i++)
		cJSON_AddNumberToObject(o, knobs[i].name, (double)*knobs[i].v);
	emu_answer_json(r, 200, o);
	cJSON_Delete(o);
}

static void
config_get(struct emu_req *r)
{
	if (!emu_control_local(r))
		return;
	emu_lock();
	config_answer(r);
	emu_unlock();
}

static void
config_post(struct emu_req *r)
{
	cJSON *j;
	char *m;
	size_t i;

	if (!emu_control_local(r) || !(j = emu_control_body(r)))
		return;
	/* Check everything first, so a bad request changes nothing. */
	for (cJSON *c = j->child; c; c = c->next) {
		for (i = 0; i < sizeof knobs / sizeof *knobs; i++)
			if (strcmp(c->string, knobs[i].name) == 0)
				break;
		/* The range first: converting a double out of long's range
		 * (1e300) to test it for an integer is undefined. */
		if (i == sizeof knobs / sizeof *knobs || !cJSON_IsNumber(c) ||
		    !(c->valuedouble >= knobs[i].lo && c->valuedouble <= knobs[i].hi) ||
		    c->valuedouble != (double)(long)c->valuedouble) {
			m = i == sizeof knobs / sizeof *knobs ?
			    aml_xasprintf("unknown setting \"%s\"", c->string) :
			    aml_xasprintf("\"%s\" must be an integer from %ld to %ld",
			    c->string, knobs[i].lo, knobs[i].hi);
			emu_answer_error(r, 400, "InvalidConfig", m);
			free(m);
			cJSON_Delete(j);
			return;
		}
	}
	emu_lock();
	for (cJSON *c = j->child; c; c = c->next)
		for (i = 0; i < sizeof knobs / sizeof *knobs; i++)
			if (strcmp(c->string, knobs[i].name) == 0)
				*knobs[i].v = (long)c->valuedouble;
	emu_clock_stop(emu_cfg.clock_stopped != 0);
	config_answer(r);
	emu_unlock();
	cJSON_Delete(j);
}

static void
federated_token(struct emu_req *r)
{
	cJSON *j, *o;
	char *tok, *why = NULL;

	if (!emu_control_local(r) || !(j = emu_control_body(r)))
		return;
	tok = emu_federated_token(j, &why);
	cJSON_Delete(j);
	if (!tok) {
		emu_answer_error(r, 400, "InvalidRequest", why);
		free(why);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", tok);
	emu_answer_json(r, 200, o);
	cJSON_Delete(o);
	aml_freesecret(tok);
}

static void
mint(struct emu_req *r)
{
	cJSON *j, *o;
	char *tok, *why = NULL;

	if (!emu_control_local(r) || !(j = emu_control_body(r)))
		return;
	tok = emu_mint_token(cJSON_GetObjectItemCaseSensitive(j, "claims"), &why);
	cJSON_Delete(j);
	if (!tok) {
		emu_answer_error(r, 400, "InvalidRequest", why);
		free(why);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "access_token", tok);
	emu_answer_json(r, 200, o);
	cJSON_Delete(o);
	aml_freesecret(tok);
}

static void
services(struct emu_req *r)
{
	const cJSON *n;
	cJSON *j, *o;

	if (!emu_control_local(r) || !(j = emu_control_body(r)))
		return;
	n = cJSON_GetObjectItemCaseSensitive(j, "count");
	if (!cJSON_IsNumber(n) || !(n->valuedouble >= 1 && n->valuedouble <= 10000) ||
	    n->valuedouble != (double)(long)n->valuedouble) {
		emu_answer_error(r, 400, "InvalidRequest",
		    "\"count\" must be an integer from 1 to 10000");
		cJSON_Delete(j);
		return;
	}
	emu_lock();
	o = emu_arm_add_services((long)n->valuedouble);
	emu_changed();
	emu_unlock();
	emu_answer_json(r, 201, o);
	cJSON_Delete(o);
	cJSON_Delete(j);
}

static void
subscriptions(struct emu_req *r)
{
	cJSON *j, *o;
	char *why = NULL;
	int created = 0;

	if (!emu_control_local(r) || !(j = emu_control_body(r)))
		return;
	if (!cJSON_IsObject(j)) {
		emu_answer_error(r, 400, "InvalidRequest", "a subscription is a JSON object");
		cJSON_Delete(j);
		return;
	}
	emu_lock();
	o = emu_arm_subscription(j, &created, &why);
	emu_unlock();
	cJSON_Delete(j);
	if (!o) {
		emu_answer_error(r, 400, "InvalidRequest", why);
		free(why);
		return;
	}
	emu_answer_json(r, created ? 201 : 200, o);
	cJSON_Delete(o);
}

/* One more certificate for the certificate application, as a portal
 * upload would add it: {"pem": "-----BEGIN CERTIFICATE-----..."}. */
static void
certificates(struct emu_req *r)
{
	const cJSON *pem;
	cJSON *j, *o;
	char *why = NULL;

	if (!emu_control_local(r) || !(j = emu_control_body(r)))
		return;
	pem = cJSON_GetObjectItemCaseSensitive(j, "pem");
	if (!cJSON_IsString(pem)) {
		emu_answer_error(r, 400, "InvalidRequest", "\"pem\" must be a string");
		cJSON_Delete(j);
		return;
	}
	emu_lock();
	o = emu_entra_add_cert(pem->valuestring, &why);
	emu_unlock();
	cJSON_Delete(j);
	if (!o) {
		emu_answer_error(r, 400, "InvalidRequest", why);
		free(why);
		return;
	}
	emu_answer_json(r, 201, o);
	cJSON_Delete(o);
}

/* The trained-model events (emu_on_model_change), kept for tests: which
 * service now scores with which model, in order.  Under the state lock. */
#define KEEP_EVENTS 200
static cJSON *events;

static void
model_event(const struct emu_model_event *ev)
{
	cJSON *e = cJSON_CreateObject();
	char t[48];

	emu_time_rfc3339ms(t, sizeof t, emu_now_ms());
	cJSON_AddStringToObject(e, "time", t);
	cJSON_AddStringToObject(e, "resourceGroup", ev->group);
	cJSON_AddStringToObject(e, "name", ev->name);
	cJSON_AddStringToObject(e, "serviceId", ev->svcid);
	if (ev->asset)
		cJSON_AddStringToObject(e, "asset", ev->asset);
	if (ev->old_uri)
		cJSON_AddStringToObject(e, "oldUri", ev->old_uri);
	else
		cJSON_AddNullToObject(e, "oldUri");
	if (ev->new_uri)
		cJSON_AddStringToObject(e, "newUri", ev->new_uri);
	else
		cJSON_AddNullToObject(e, "newUri");
	cJSON_AddItemToArray(events, e);
	if (cJSON_GetArraySize(events) > KEEP_EVENTS)
		cJSON_DeleteItemFromArray(events, 0);
}

static void
models(struct emu_req *r)
{
	if (!emu_control_local(r))
		return;
	emu_lock();
	emu_lro_settle();
	emu_answer_json(r, 200, events);
	emu_unlock();
}

static void
init(void)
{
	events = cJSON_CreateArray();
	emu_on_model_change(model_event);
}

static void
reset_events(void)
{
	cJSON_Delete(events);
	events = cJSON_CreateArray();
}

static void
fini(void)
{
	cJSON_Delete(events);
	events = NULL;
}

static const struct emu_route routes[] = {
	{ "GET", "/_emu/models", models, &emu_fam_plain },
	{ "GET", "/_emu/health", health, &emu_fam_plain },
	{ "GET", "/_emu/requests", requests_get, &emu_fam_plain },
	{ "DELETE", "/_emu/requests", requests_delete, &emu_fam_plain },
	{ "GET", "/_emu/faults", faults_get, &emu_fam_plain },
	{ "POST", "/_emu/faults", faults_post, &emu_fam_plain },
	{ "DELETE", "/_emu/faults", faults_delete, &emu_fam_plain },
	{ "POST", "/_emu/device/*/approve", device_approve, &emu_fam_plain },
	{ "POST", "/_emu/device/*/decline", device_decline, &emu_fam_plain },
	{ "POST", "/_emu/reset", reset, &emu_fam_plain },
	{ "GET", "/_emu/signing-key.pem", signing_key, &emu_fam_plain },
	{ "GET", "/_emu/config", config_get, &emu_fam_plain },
	{ "POST", "/_emu/config", config_post, &emu_fam_plain },
	{ "POST", "/_emu/federated-token", federated_token, &emu_fam_plain },
	{ "POST", "/_emu/services", services, &emu_fam_plain },
	{ "POST", "/_emu/token", mint, &emu_fam_plain },
	{ "POST", "/_emu/certificates", certificates, &emu_fam_plain },
	{ "POST", "/_emu/subscriptions", subscriptions, &emu_fam_plain },
};

static struct emu_module control = {
	.name = "control",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
	.init = init,
	.reset = reset_events,
	.fini = fini,
};
EMU_MODULE(control)
