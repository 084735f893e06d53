/* SPDX-License-Identifier: MIT */
/*
 * store.c: the emulator's state, one cJSON tree behind one mutex.  Every
 * change is saved (with --state) when the lock is released, written to a
 * temporary file and renamed, so a killed emulator leaves a whole file.
 *
 * "identity" is made once (tenant, subscription, apps, secrets, keys)
 * and survives POST /_emu/reset, since the test that started the
 * emulator holds those values in its environment; every other member
 * belongs to a module and is re-seeded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

cJSON *emu_state;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *state_path;
static int dirty;
struct emu_module *emu_modules;

void
emu_module_register(struct emu_module *m)
{
	struct emu_module **p = &emu_modules;

	/* Keep registration order stable whatever the link order did. */
	while (*p && strcmp((*p)->name, m->name) < 0)
		p = &(*p)->next;
	m->next = *p;
	*p = m;
}

void
emu_lock(void)
{
	pthread_mutex_lock(&lock);
}

static void
save(void)
{
	char *s = aml_json_print(emu_state, AML_JW_PRETTY);
	size_t n = strlen(s);

	s = aml_xrealloc(s, n + 2);
	s[n++] = '\n';
	s[n] = '\0';
	if (emu_write_file(state_path, s, n, 0600) < 0)
		aml_warn("%s: cannot save state:", state_path);
	aml_wipe(s, n);
	free(s);
}

void
emu_unlock(void)
{
	if (dirty && state_path)
		save();
	dirty = 0;
	pthread_mutex_unlock(&lock);
}

void
emu_changed(void)
{
	dirty = 1;
}

void
emu_state_save_now(void)
{
	emu_lock();
	if (state_path && emu_state)
		save();
	pthread_mutex_unlock(&lock);
}

cJSON *
emu_obj(cJSON *parent, const char *key)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(parent, key);

	if (!cJSON_IsObject(o)) {
		cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
		o = cJSON_AddObjectToObject(parent, key);
	}
	return o;
}

const char *
emu_id(const char *key)
{
	const char *s = aml_json_str(cJSON_GetObjectItemCaseSensitive(emu_state,
	    "identity"), key);

	return s ? s : "";
}

/* Returns 1 when a state was loaded, 0 when the file does not exist yet
 * (it will be written), -1 with *why on error. */
int
emu_state_load(const char *path, char **why)
{
	struct aml_jerr e;
	const char *t;
	char *buf;
	size_t len;
	cJSON *j;

	state_path = aml_xstrdup(path);
	if (aml_slurp(path, AML_INPUT_LIMIT, &buf, &len) < 0) {
		if (errno == ENOENT)
			return 0;
		*why = aml_xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	j = aml_json_parse(buf, len, &e);
	aml_wipe(buf, len);
	free(buf);
	if (!j) {
		*why = aml_xasprintf("%s:%lu:%lu: %s", path, e.line, e.col, e.msg);
		return -1;
	}
	t = aml_json_str(cJSON_GetObjectItemCaseSensitive(j, "identity"), "tenantId");
	if (!t || !*t) {
		cJSON_Delete(j);
		*why = aml_xasprintf("%s: not an aml-emulator state file", path);
		return -1;
	}
	/* identity first: see emu_state_seed */
	cJSON_InsertItemInArray(j, 0, cJSON_DetachItemFromObjectCaseSensitive(j, "identity"));
	emu_state = j;
	return 1;
}

/* The root object and its "identity" member are never replaced once the
 * emulator serves: emu_id() reads the identity without the lock, and it
 * is the first member, so a reset that deletes the members after it (under
 * the lock) never touches what emu_id() walks. */
void
emu_state_seed(void)
{
	cJSON *c, *next;

	for (c = emu_state->child; c; c = next) {
		next = c->next;
		if (strcmp(c->string, "identity"))
			cJSON_Delete(cJSON_DetachItemViaPointer(emu_state, c));
	}
	for (struct emu_module *m = emu_modules; m; m = m->next)
		if (m->seed)
			m->seed(emu_state);
	dirty = 1;
}

static void
rebase(cJSON *j, const char *from, const char *to)
{
	size_t n = strlen(from);

	for (cJSON *c = j->child; c; c = c->next) {
		if (cJSON_IsString(c) && strncmp(c->valuestring, from, n) == 0) {
			char *s = aml_xasprintf("%s%s", to, c->valuestring + n);

			free(c->valuestring);
			c->valuestring = s;
		} else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
			rebase(c, from, to);
		}
	}
}

/* URLs in the state (the trained model's blob, swaggerLocation) carry
 * the base URL; a resumed state on another port gets them moved. */
void
emu_state_rebase(const char *base)
{
	const char *old = aml_json_str(emu_state, "base");
	cJSON *c;

	if (old && strcmp(old, base)) {
		char *from = aml_xstrdup(old);

		for (c = emu_state->child; c; c = c->next)
			if (strcmp(c->string, "identity") && (cJSON_IsObject(c) || cJSON_IsArray(c)))
				rebase(c, from, base);
		free(from);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(emu_state, "base");
	cJSON_AddStringToObject(emu_state, "base", base);
	dirty = 1;
}

void
emu_state_fini(void)
{
	cJSON_Delete(emu_state);
	emu_state = NULL;
	free(state_path);
	state_path = NULL;
}
