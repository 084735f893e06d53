/* SPDX-License-Identifier: MIT */
/*
 * jsoncj.c: the strict parser onto cJSON trees.  cJSON's own parser turns
 * every number into a double and lets duplicate keys through; here each
 * number keeps its text in valuestring (cJSON_Delete frees it, and
 * cJSON_Duplicate copies it), and the tape parser has already refused
 * what is not strict JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "aml.h"

static cJSON *
item(int type)
{
	cJSON *j = cJSON_CreateNull();

	if (!j)
		aml_die("out of memory");
	j->type = type;
	return j;
}

/* Returns NULL only for a string holding U+0000, which C strings cannot. */
static cJSON *
build(const struct aml_jdoc *d, uint32_t i)
{
	const struct aml_jtok *t = &d->tok[i];
	cJSON *j, *c;
	char *s;

	switch (t->type) {
	case AML_JNULL:
		return item(cJSON_NULL);
	case AML_JTRUE:
		return item(cJSON_True);
	case AML_JFALSE:
		return item(cJSON_False);
	case AML_JNUMBER:
		j = item(cJSON_Number);
		j->valuestring = aml_xstrndup(d->buf + t->off, t->len);
		cJSON_SetNumberHelper(j, strtod(j->valuestring, NULL));
		return j;
	case AML_JSTRING:
		s = aml_jstrdup(d, i);
		if (strlen(s) != aml_jstr(d, i, NULL, 0)) {
			free(s);
			return NULL;
		}
		j = item(cJSON_String);
		j->valuestring = s;
		return j;
	case AML_JARRAY:
		j = item(cJSON_Array);
		AML_JARR_EACH(d, i, v) {
			if (!(c = build(d, v))) {
				cJSON_Delete(j);
				return NULL;
			}
			cJSON_AddItemToArray(j, c);
		}
		return j;
	default:
		j = item(cJSON_Object);
		AML_JOBJ_EACH(d, i, k) {
			s = aml_jstrdup(d, k);
			if (strlen(s) != aml_jstr(d, k, NULL, 0) || !(c = build(d, k + 1))) {
				free(s);
				cJSON_Delete(j);
				return NULL;
			}
			c->string = s;
			cJSON_AddItemToArray(j, c);
		}
		return j;
	}
}

cJSON *
aml_json_from_tape(const struct aml_jdoc *d, uint32_t i)
{
	return build(d, i);
}

cJSON *
aml_json_parse(const char *buf, size_t len, struct aml_jerr *e)
{
	struct aml_jdoc d;
	cJSON *j;

	if (aml_jparse(&d, buf, len, e) < 0)
		return NULL;
	if (!(j = build(&d, 0)))
		snprintf(e->msg, sizeof e->msg, "a string holds \\u0000, which is not supported");
	aml_jfree(&d);
	return j;
}

const char *
aml_json_str(const cJSON *obj, const char *key)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(j) ? j->valuestring : NULL;
}

int
aml_json_num(const cJSON *obj, const char *key, double *v)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
	char *end;

	if (cJSON_IsNumber(j)) {
		*v = j->valuedouble;
		return 0;
	}
	if (cJSON_IsString(j) && j->valuestring[0]) {
		*v = strtod(j->valuestring, &end);
		if (*end == '\0')
			return 0;
	}
	return -1;
}
