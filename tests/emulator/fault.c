/* SPDX-License-Identifier: MIT */
/*
 * fault.c: fault injection rules, set through POST /_emu/faults.  A rule
 * names a method and a glob on the path (without the query) and answers
 * the next `count` matching requests its way.  Rules are tried in the
 * order they were added; the first that matches is used up first.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu.h"

static pthread_mutex_t flock_ = PTHREAD_MUTEX_INITIALIZER;
static struct emu_fault *faults;
static long nextid = 1;

static char *
dup0(const char *s)
{
	return s ? aml_xstrdup(s) : NULL;
}

static struct emu_fault *
copy(const struct emu_fault *f)
{
	struct emu_fault *c = aml_xmalloc(sizeof *c);

	*c = *f;
	c->method = dup0(f->method);
	c->path = dup0(f->path);
	c->code = dup0(f->code);
	c->message = dup0(f->message);
	c->lro = dup0(f->lro);
	c->body = dup0(f->body);
	c->headers = f->nheaders ? aml_xreallocarray(NULL, f->nheaders, sizeof *c->headers) : NULL;
	for (size_t i = 0; i < f->nheaders; i++)
		c->headers[i] = aml_xstrdup(f->headers[i]);
	c->next = NULL;
	return c;
}

void
emu_fault_free(struct emu_fault *f)
{
	if (!f)
		return;
	free(f->method);
	free(f->path);
	free(f->code);
	free(f->message);
	free(f->lro);
	free(f->body);
	for (size_t i = 0; i < f->nheaders; i++)
		free(f->headers[i]);
	free(f->headers);
	free(f);
}

static int
generic(const struct emu_fault *f)
{
	return f->status || f->delay_ms > 0 || f->drop || f->truncate || f->notjson || f->body ||
	    f->nheaders;
}

/* What the next long-running operation does: its outcome, how it is
 * announced, how its polls are answered. */
static int
lro_kind(const struct emu_fault *f)
{
	return f->lro != NULL || f->lro_location_only || f->lro_retry_after >= 0;
}

static int
kind_ok(const struct emu_fault *f, int kind)
{
	switch (kind) {
	case 0:
		return generic(f);
	case EMU_TAKE_LRO:
		return lro_kind(f);
	default:
		return f->expire_token;
	}
}

static struct emu_fault *
take(const char *method, const char *path, int kind)
{
	struct emu_fault **p, *f, *c = NULL;

	pthread_mutex_lock(&flock_);
	for (p = &faults; (f = *p); p = &f->next) {
		if (!kind_ok(f, kind))
			continue;
		if (strcmp(f->method, "*") && strcasecmp(f->method, method))
			continue;
		if (fnmatch(f->path, path, FNM_CASEFOLD) != 0)
			continue;
		c = copy(f);
		if (--f->count <= 0) {
			*p = f->next;
			emu_fault_free(f);
		}
		break;
	}
	pthread_mutex_unlock(&flock_);
	return c;
}

struct emu_fault *
emu_fault_match(const char *method, const char *path)
{
	return faults ? take(method, path, 0) : NULL;
}

struct emu_fault *
emu_fault_take(const char *method, const char *path, int kind)
{
	return faults ? take(method, path, kind) : NULL;
}

static int
getnum(const cJSON *spec, const char *key, long lo, long hi, long *v, char **why)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(spec, key);

	if (!j)
		return 0;
	/* The range first: (long)1e300 is undefined. */
	if (!cJSON_IsNumber(j) || !(j->valuedouble >= lo && j->valuedouble <= hi) ||
	    j->valuedouble != (double)(long)j->valuedouble) {
		*why = aml_xasprintf("\"%s\" must be an integer from %ld to %ld", key, lo, hi);
		return -1;
	}
	*v = (long)j->valuedouble;
	return 1;
}

static int
getstr(const cJSON *spec, const char *key, char **v, char **why)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(spec, key);

	if (!j)
		return 0;
	if (!cJSON_IsString(j)) {
		*why = aml_xasprintf("\"%s\" must be a string", key);
		return -1;
	}
	*v = aml_xstrdup(j->valuestring);
	return 1;
}

static int
getbool(const cJSON *spec, const char *key, int *v, char **why)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(spec, key);

	if (!j)
		return 0;
	if (!cJSON_IsBool(j)) {
		*why = aml_xasprintf("\"%s\" must be true or false", key);
		return -1;
	}
	*v = cJSON_IsTrue(j);
	return 1;
}

static const char *const known[] = {
	"method", "path", "count", "status", "code", "message", "retryAfter",
	"delayMs", "drop", "truncate", "notJson", "lro", "lroLocationOnly", "lroRetryAfter",
	"expireToken", "body", "headers", "carriedOut",
};

/* "headers": {"Name": "value", ...}, added to whatever the answer is. */
static int
getheaders(const cJSON *spec, struct emu_fault *f, char **why)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(spec, "headers"), *h;

	if (!j)
		return 0;
	if (!cJSON_IsObject(j) || !j->child) {
		*why = aml_xstrdup("\"headers\" must be an object of strings");
		return -1;
	}
	cJSON_ArrayForEach(h, j) {
		if (!cJSON_IsString(h) || !*h->string || strpbrk(h->string, ":\r\n") ||
		    strpbrk(h->valuestring, "\r\n")) {
			*why = aml_xstrdup("\"headers\" must be an object of strings");
			return -1;
		}
		f->headers = aml_xreallocarray(f->headers, f->nheaders + 2, sizeof *f->headers);
		f->headers[f->nheaders++] = aml_xstrdup(h->string);
		f->headers[f->nheaders++] = aml_xstrdup(h->valuestring);
	}
	return 1;
}

static int
parse(const cJSON *spec, struct emu_fault *f, char **why)
{
	char *drop = NULL;
	long status = 0;
	int kinds;

	if (!cJSON_IsObject(spec)) {
		*why = aml_xstrdup("a fault is a JSON object");
		return -1;
	}
	for (const cJSON *c = spec->child; c; c = c->next) {
		size_t i;

		for (i = 0; i < sizeof known / sizeof *known; i++)
			if (strcmp(c->string, known[i]) == 0)
				break;
		if (i == sizeof known / sizeof *known) {
			*why = aml_xasprintf("unknown member \"%s\"", c->string);
			return -1;
		}
	}
	f->count = 1;
	f->retry_after = -1;
	f->lro_retry_after = -1;
	if (getstr(spec, "method", &f->method, why) < 0 ||
	    getstr(spec, "path", &f->path, why) < 0 ||
	    getnum(spec, "count", 1, 1000000, &f->count, why) < 0 ||
	    getnum(spec, "status", 200, 599, &status, why) < 0 ||
	    getstr(spec, "code", &f->code, why) < 0 ||
	    getstr(spec, "message", &f->message, why) < 0 ||
	    getnum(spec, "retryAfter", 0, 86400, &f->retry_after, why) < 0 ||
	    getnum(spec, "delayMs", 0, 120000, &f->delay_ms, why) < 0 ||
	    getstr(spec, "drop", &drop, why) < 0 ||
	    getbool(spec, "truncate", &f->truncate, why) < 0 ||
	    getbool(spec, "notJson", &f->notjson, why) < 0 ||
	    getstr(spec, "lro", &f->lro, why) < 0 ||
	    getbool(spec, "lroLocationOnly", &f->lro_location_only, why) < 0 ||
	    getnum(spec, "lroRetryAfter", 0, 3600, &f->lro_retry_after, why) < 0 ||
	    getbool(spec, "expireToken", &f->expire_token, why) < 0 ||
	    getstr(spec, "body", &f->body, why) < 0 ||
	    getbool(spec, "carriedOut", &f->carried_out, why) < 0 ||
	    getheaders(spec, f, why) < 0) {
		free(drop);
		return -1;
	}
	f->status = (int)status;
	if (!f->method)
		f->method = aml_xstrdup("*");
	if (!f->path)
		f->path = aml_xstrdup("*");
	if (drop) {
		if (strcmp(drop, "before-body") == 0)
			f->drop = EMU_DROP_BEFORE;
		else if (strcmp(drop, "after-body") == 0)
			f->drop = EMU_DROP_AFTER;
		free(drop);
		if (!f->drop) {
			*why = aml_xstrdup("\"drop\" is \"before-body\" or \"after-body\"");
			return -1;
		}
	}
	if (f->lro && strcmp(f->lro, "Failed") && strcmp(f->lro, "Canceled")) {
		*why = aml_xstrdup("\"lro\" is \"Failed\" or \"Canceled\"");
		return -1;
	}
	if (f->status && f->status < 400 && !f->body) {
		*why = aml_xstrdup("\"status\" below 400 goes with \"body\"");
		return -1;
	}
	kinds = (f->status || f->drop || f->truncate || f->notjson || f->body) +
	    lro_kind(f) + f->expire_token;
	if (kinds + ((f->delay_ms > 0 || f->nheaders) && !f->status && !f->body) != 1 ||
	    (f->drop && (f->status || f->truncate || f->notjson || f->body)) ||
	    (f->truncate && f->notjson) || (f->body && f->notjson)) {
		*why = aml_xstrdup("give one of status (with optional delayMs or notJson), "
		    "body (with optional status), delayMs, headers, drop, truncate, notJson, "
		    "lro (or lroLocationOnly, lroRetryAfter), expireToken");
		return -1;
	}
	if (f->carried_out && (!f->notjson || f->status)) {
		*why = aml_xstrdup("\"carriedOut\" goes with \"notJson\" alone");
		return -1;
	}
	if (f->retry_after >= 0 && !f->status && !f->notjson) {
		*why = aml_xstrdup("\"retryAfter\" goes with \"status\"");
		return -1;
	}
	return 0;
}

long
emu_fault_add(const cJSON *spec, char **why)
{
	struct emu_fault *f = aml_xcalloc(1, sizeof *f), **p;

	if (parse(spec, f, why) < 0) {
		emu_fault_free(f);
		return -1;
	}
	pthread_mutex_lock(&flock_);
	f->id = nextid++;
	for (p = &faults; *p; p = &(*p)->next)
		;
	*p = f;
	pthread_mutex_unlock(&flock_);
	return f->id;
}

static void
describe(cJSON *a, const struct emu_fault *f)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)f->id);
	cJSON_AddStringToObject(o, "method", f->method);
	cJSON_AddStringToObject(o, "path", f->path);
	cJSON_AddNumberToObject(o, "count", (double)f->count);
	if (f->status)
		cJSON_AddNumberToObject(o, "status", f->status);
	if (f->code)
		cJSON_AddStringToObject(o, "code", f->code);
	if (f->message)
		cJSON_AddStringToObject(o, "message", f->message);
	if (f->retry_after >= 0)
		cJSON_AddNumberToObject(o, "retryAfter", (double)f->retry_after);
	if (f->delay_ms)
		cJSON_AddNumberToObject(o, "delayMs", (double)f->delay_ms);
	if (f->drop)
		cJSON_AddStringToObject(o, "drop",
		    f->drop == EMU_DROP_BEFORE ? "before-body" : "after-body");
	if (f->truncate)
		cJSON_AddTrueToObject(o, "truncate");
	if (f->notjson)
		cJSON_AddTrueToObject(o, "notJson");
	if (f->carried_out)
		cJSON_AddTrueToObject(o, "carriedOut");
	if (f->lro)
		cJSON_AddStringToObject(o, "lro", f->lro);
	if (f->lro_location_only)
		cJSON_AddTrueToObject(o, "lroLocationOnly");
	if (f->lro_retry_after >= 0)
		cJSON_AddNumberToObject(o, "lroRetryAfter", (double)f->lro_retry_after);
	if (f->expire_token)
		cJSON_AddTrueToObject(o, "expireToken");
	if (f->body)
		cJSON_AddStringToObject(o, "body", f->body);
	if (f->nheaders) {
		cJSON *h = cJSON_AddObjectToObject(o, "headers");

		for (size_t i = 0; i + 1 < f->nheaders; i += 2)
			cJSON_AddStringToObject(h, f->headers[i], f->headers[i + 1]);
	}
	cJSON_AddItemToArray(a, o);
}

char *
emu_fault_list(void)
{
	cJSON *a = cJSON_CreateArray();
	char *s;

	pthread_mutex_lock(&flock_);
	for (struct emu_fault *f = faults; f; f = f->next)
		describe(a, f);
	pthread_mutex_unlock(&flock_);
	s = aml_json_print(a, AML_JW_PRETTY);
	cJSON_Delete(a);
	return s;
}

void
emu_fault_clear(void)
{
	pthread_mutex_lock(&flock_);
	while (faults) {
		struct emu_fault *f = faults;

		faults = f->next;
		emu_fault_free(f);
	}
	pthread_mutex_unlock(&flock_);
}
