/* SPDX-License-Identifier: MIT */
/*
 * reqlog.c: the request log behind GET /_emu/requests.  Tests read it to
 * see what a client sent (headers, form fields, the path and query) and
 * to make sure no secret travelled where it should not, so secrets are
 * masked as "***" before anything is kept.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu.h"

#define LOG_CAP 20000

static pthread_mutex_t loglock = PTHREAD_MUTEX_INITIALIZER;
static char *ring[LOG_CAP];
static size_t head, count;

static int
has(const char *name, const char *part)
{
	return strcasestr(name, part) != NULL;
}

/* Whether a header, form field or query parameter carries a secret. */
static int
secret_name(const char *n)
{
	static const char *const exact[] = {
		"authorization", "proxy-authorization", "cookie", "set-cookie",
		"x-identity-header", "secret", "sig", "code", "device_code",
		"x-functions-key", "ocp-apim-subscription-key",
	};

	for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
		if (strcasecmp(n, exact[i]) == 0)
			return 1;
	if (has(n, "skiptoken") || has(n, "_type") || has(n, "token_type"))
		return 0;
	return has(n, "token") || has(n, "secret") || has(n, "password") ||
	    has(n, "assertion") || has(n, "key") || has(n, "signature");
}

/* name=value&... with the values of secret names replaced; the rest is
 * kept as it came (still encoded). */
static void
mask_params(struct aml_wbuf *w, const char *s)
{
	while (*s) {
		const char *amp = strchr(s, '&'), *eq;
		size_t len = amp ? (size_t)(amp - s) : strlen(s);
		char *key;

		eq = memchr(s, '=', len);
		key = aml_urldec(s, eq ? (size_t)(eq - s) : len, 1);
		if (eq && secret_name(key)) {
			aml_wput(w, s, (size_t)(eq - s) + 1);
			aml_wputs(w, "***");
		} else {
			aml_wput(w, s, len);
		}
		free(key);
		if (!amp)
			break;
		aml_wputc(w, '&');
		s = amp + 1;
	}
}

char *
emu_log_mask_uri(const char *uri)
{
	const char *q = strchr(uri, '?');
	struct aml_wbuf w;

	aml_wbuf_init(&w, -1);
	if (!q) {
		aml_wputs(&w, uri);
	} else {
		aml_wput(&w, uri, (size_t)(q - uri) + 1);
		mask_params(&w, q + 1);
	}
	return aml_wbuf_take(&w);
}

/* Names and values as they will be written (not UTF-8: U+FFFD), so that
 * two names that differ only in bytes that are not UTF-8 are one key. */
static void
add_header(cJSON *h, const char *rawkey, const char *value)
{
	cJSON *old;
	char *key = aml_utf8_clean(rawkey, strlen(rawkey));
	char *cv = value ? aml_utf8_clean(value, strlen(value)) : NULL;
	const char *v = secret_name(key) ? "***" : cv ? cv : "";
	char *joined;

	if ((old = cJSON_GetObjectItem(h, key))) {
		joined = aml_xasprintf("%s, %s", old->valuestring, v);
		cJSON_ReplaceItemInObject(h, key, cJSON_CreateString(joined));
		free(joined);
	} else {
		cJSON_AddStringToObject(h, key, v);
	}
	free(key);
	if (cv)
		aml_freesecret(cv);	/* it may be the value of a secret header */
}

static cJSON *
form_fields(const char *body)
{
	cJSON *f = cJSON_CreateObject();
	const char *s = body;

	while (*s) {
		const char *amp = strchr(s, '&'), *eq;
		size_t len = amp ? (size_t)(amp - s) : strlen(s);
		char *key, *val, *clean;

		eq = memchr(s, '=', len);
		key = aml_urldec(s, eq ? (size_t)(eq - s) : len, 1);
		val = eq ? aml_urldec(eq + 1, len - (size_t)(eq + 1 - s), 1) : aml_xstrdup("");
		clean = aml_utf8_clean(key, strlen(key));
		free(key);
		key = clean;
		if (*key && !cJSON_GetObjectItemCaseSensitive(f, key))
			cJSON_AddStringToObject(f, key, secret_name(key) ? "***" : val);
		aml_freesecret(val);
		free(key);
		if (!amp)
			break;
		s = amp + 1;
	}
	return f;
}

void
emu_log_add(struct emu_req *r, int status, const char *time)
{
	cJSON *e = cJSON_CreateObject(), *h;
	const char *ct, *auth;
	char *path = emu_log_mask_uri(r->uri), *s, sp[32];

	cJSON_AddStringToObject(e, "time", time);
	cJSON_AddStringToObject(e, "method", r->method);
	cJSON_AddStringToObject(e, "path", path);
	cJSON_AddNumberToObject(e, "status", status);
	h = cJSON_AddObjectToObject(e, "headers");
	for (size_t i = 0; i < r->nreqhdr; i += 2)
		add_header(h, r->reqhdr[i], r->reqhdr[i + 1]);
	if ((auth = emu_header(r, "Authorization"))) {
		size_t n = strcspn(auth, " ");

		snprintf(sp, sizeof sp, "%.*s", (int)(n < 31 ? n : 31), auth);
		cJSON_AddStringToObject(e, "authScheme", sp);
	}
	cJSON_AddNumberToObject(e, "bodySize", (double)r->bodylen);
	ct = emu_header(r, "Content-Type");
	if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 && r->body)
		cJSON_AddItemToObject(e, "form", form_fields(r->body));
	s = aml_json_print(e, 0);
	cJSON_Delete(e);
	free(path);
	pthread_mutex_lock(&loglock);
	if (count == LOG_CAP) {
		free(ring[head]);
		ring[head] = s;
		head = (head + 1) % LOG_CAP;
	} else {
		ring[(head + count++) % LOG_CAP] = s;
	}
	pthread_mutex_unlock(&loglock);
}

char *
emu_log_json(void)
{
	struct aml_wbuf w;

	aml_wbuf_init(&w, -1);
	aml_wputc(&w, '[');
	pthread_mutex_lock(&loglock);
	for (size_t i = 0; i < count; i++) {
		if (i)
			aml_wputc(&w, ',');
		aml_wputs(&w, ring[(head + i) % LOG_CAP]);
	}
	pthread_mutex_unlock(&loglock);
	aml_wputs(&w, "]\n");
	return aml_wbuf_take(&w);
}

void
emu_log_clear(void)
{
	pthread_mutex_lock(&loglock);
	for (size_t i = 0; i < count; i++)
		free(ring[(head + i) % LOG_CAP]);
	head = count = 0;
	pthread_mutex_unlock(&loglock);
}

void
emu_log_fini(void)
{
	emu_log_clear();
}
