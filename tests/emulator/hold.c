/* SPDX-License-Identifier: MIT */
/*
 * hold.c: holds, so that a test never races the emulator's clock.  A
 * hold names a kind of thing ("job", "deployment", ...; modules register
 * the kinds they ask about) and a glob on its name; while it is in
 * place, whatever matches stays in progress however much time passes.
 * POST /_emu/holds adds one, GET lists them, DELETE /_emu/holds removes
 * them all and DELETE /_emu/holds/{id} one.  Released things move on at
 * the next request that looks at them, as the clock would have let them.
 *
 * Modules ask emu_held() under the state lock; holds have a lock of
 * their own, taken after it and never the other way round.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu.h"

#define MAXKINDS 16

struct hold {
	long id;
	char *what, *match;
	struct hold *next;
};

static pthread_mutex_t hlock = PTHREAD_MUTEX_INITIALIZER;
static struct hold *holds;
static long nextid = 1;
static const char *kinds[MAXKINDS];
static size_t nkinds;

void
emu_hold_kind(const char *what)
{
	for (size_t i = 0; i < nkinds; i++)
		if (strcmp(kinds[i], what) == 0)
			return;
	if (nkinds == MAXKINDS)
		aml_die("too many kinds of hold");
	kinds[nkinds++] = what;
}

static int
known(const char *what)
{
	for (size_t i = 0; i < nkinds; i++)
		if (strcmp(kinds[i], what) == 0)
			return 1;
	return 0;
}

int
emu_held(const char *what, const char *name)
{
	int held = 0;

	pthread_mutex_lock(&hlock);
	for (struct hold *h = holds; h && !held; h = h->next)
		held = strcmp(h->what, what) == 0 && fnmatch(h->match, name, FNM_CASEFOLD) == 0;
	pthread_mutex_unlock(&hlock);
	return held;
}

static void
hold_free(struct hold *h)
{
	free(h->what);
	free(h->match);
	free(h);
}

void
emu_hold_clear(void)
{
	pthread_mutex_lock(&hlock);
	while (holds) {
		struct hold *h = holds;

		holds = h->next;
		hold_free(h);
	}
	pthread_mutex_unlock(&hlock);
}

static cJSON *
describe(const struct hold *h)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)h->id);
	cJSON_AddStringToObject(o, "what", h->what);
	cJSON_AddStringToObject(o, "match", h->match);
	return o;
}

static void
kinds_message(struct emu_req *r, const char *what)
{
	struct aml_wbuf w;

	aml_wbuf_init(&w, -1);
	aml_wprintf(&w, "\"what\" is one of");
	for (size_t i = 0; i < nkinds; i++)
		aml_wprintf(&w, "%s \"%s\"", i ? "," : "", kinds[i]);
	if (what)
		aml_wprintf(&w, ", not \"%s\"", what);
	aml_wputc(&w, '\0');
	emu_answer_error(r, 400, "InvalidHold", w.buf);
	aml_wbuf_free(&w);
}

/* {"what": KIND, "match": GLOB}; match defaults to "*". */
static void
holds_post(struct emu_req *r)
{
	const cJSON *what, *match;
	struct hold *h, **p;
	cJSON *j, *o;

	if (!emu_control_local(r) || !(j = emu_control_body(r)))
		return;
	what = cJSON_GetObjectItemCaseSensitive(j, "what");
	match = cJSON_GetObjectItemCaseSensitive(j, "match");
	for (const cJSON *c = cJSON_IsObject(j) ? j->child : NULL; c; c = c->next)
		if (strcmp(c->string, "what") && strcmp(c->string, "match")) {
			char *m = aml_xasprintf("unknown member \"%s\"", c->string);

			emu_answer_error(r, 400, "InvalidHold", m);
			free(m);
			cJSON_Delete(j);
			return;
		}
	if (!cJSON_IsString(what) || !known(what->valuestring)) {
		kinds_message(r, cJSON_IsString(what) ? what->valuestring : NULL);
		cJSON_Delete(j);
		return;
	}
	if (match && (!cJSON_IsString(match) || !*match->valuestring)) {
		emu_answer_error(r, 400, "InvalidHold", "\"match\" is a non-empty glob");
		cJSON_Delete(j);
		return;
	}
	h = aml_xcalloc(1, sizeof *h);
	h->what = aml_xstrdup(what->valuestring);
	h->match = aml_xstrdup(match ? match->valuestring : "*");
	pthread_mutex_lock(&hlock);
	h->id = nextid++;
	for (p = &holds; *p; p = &(*p)->next)
		;
	*p = h;
	o = describe(h);
	pthread_mutex_unlock(&hlock);
	emu_answer_json(r, 201, o);
	cJSON_Delete(o);
	cJSON_Delete(j);
}

static void
holds_get(struct emu_req *r)
{
	cJSON *a;

	if (!emu_control_local(r))
		return;
	a = cJSON_CreateArray();
	pthread_mutex_lock(&hlock);
	for (struct hold *h = holds; h; h = h->next)
		cJSON_AddItemToArray(a, describe(h));
	pthread_mutex_unlock(&hlock);
	emu_answer_json(r, 200, a);
	cJSON_Delete(a);
}

static void
holds_delete(struct emu_req *r)
{
	if (!emu_control_local(r))
		return;
	emu_hold_clear();
	emu_answer(r, 204, NULL, NULL, 0);
}

static void
hold_delete(struct emu_req *r)
{
	struct hold **p, *h;
	char *end;
	long id = strtol(r->seg[0], &end, 10);
	int found = 0;

	if (!emu_control_local(r))
		return;
	pthread_mutex_lock(&hlock);
	for (p = &holds; !*end && (h = *p); p = &h->next)
		if (h->id == id) {
			*p = h->next;
			hold_free(h);
			found = 1;
			break;
		}
	pthread_mutex_unlock(&hlock);
	if (found) {
		emu_answer(r, 204, NULL, NULL, 0);
	} else {
		char *m = aml_xasprintf("no hold %s", r->seg[0]);

		emu_answer_error(r, 404, "NotFound", m);
		free(m);
	}
}

static const struct emu_route routes[] = {
	{ "GET", "/_emu/holds", holds_get, &emu_fam_plain },
	{ "POST", "/_emu/holds", holds_post, &emu_fam_plain },
	{ "DELETE", "/_emu/holds", holds_delete, &emu_fam_plain },
	{ "DELETE", "/_emu/holds/*", hold_delete, &emu_fam_plain },
};

static struct emu_module holdmod = {
	.name = "hold",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
	.reset = emu_hold_clear,
	.fini = emu_hold_clear,
};
EMU_MODULE(holdmod)
