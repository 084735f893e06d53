/* SPDX-License-Identifier: MIT */
/*
 * jsoncj.c: the strict parser onto cJSON trees, and the writer of cJSON
 * trees (through jsonw.c's).  cJSON's own parser turns every number into
 * a double and lets duplicate keys through; here each number keeps its
 * text in valuestring (cJSON_Delete frees it, and cJSON_Duplicate copies
 * it), and the tape parser has already refused what is not strict JSON.
 * The filters link none of this, and so not libcjson.
 */
#include <math.h>
#include <stdio.h>
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

/* The shortest text that reads back as the same double. */
static void
number(struct aml_jw *jw, double v)
{
	char buf[40];
	int prec;

	if (!isfinite(v)) {
		aml_jw_raw(jw, "null", 4);
		return;
	}
	if (v == floor(v) && fabs(v) < 9007199254740992.0) {
		snprintf(buf, sizeof buf, "%.0f", v);
	} else {
		for (prec = 15; prec < 17; prec++) {
			snprintf(buf, sizeof buf, "%.*g", prec, v);
			if (strtod(buf, NULL) == v)
				break;
		}
		if (prec == 17)
			snprintf(buf, sizeof buf, "%.17g", v);
	}
	aml_jw_raw(jw, buf, strlen(buf));
}

static void
cj(struct aml_jw *jw, const cJSON *j)
{
	const cJSON *c;

	switch (j->type & 0xff) {
	case cJSON_Object:
		aml_jw_open(jw, '{');
		for (c = j->child; c; c = c->next) {
			if ((jw->flags & AML_JW_DROPNULL) && cJSON_IsNull(c))
				continue;
			aml_jw_key(jw, c->string ? c->string : "");
			cj(jw, c);
		}
		aml_jw_close(jw, '}');
		break;
	case cJSON_Array:
		aml_jw_open(jw, '[');
		for (c = j->child; c; c = c->next)
			cj(jw, c);
		aml_jw_close(jw, ']');
		break;
	case cJSON_String:
		aml_jw_str(jw, j->valuestring ? j->valuestring : "");
		break;
	case cJSON_Number:
		if (j->valuestring)
			aml_jw_raw(jw, j->valuestring, strlen(j->valuestring));
		else
			number(jw, j->valuedouble);
		break;
	case cJSON_Raw:
		aml_jw_raw(jw, j->valuestring, strlen(j->valuestring));
		break;
	case cJSON_True:
		aml_jw_raw(jw, "true", 4);
		break;
	case cJSON_False:
		aml_jw_raw(jw, "false", 5);
		break;
	default:
		aml_jw_raw(jw, "null", 4);
		break;
	}
}

void
aml_json_write(struct aml_wbuf *w, const cJSON *j, int flags)
{
	struct aml_jw jw;

	aml_jw_init(&jw, w, flags);
	cj(&jw, j);
	aml_wputc(w, '\n');
}

char *
aml_json_print(const cJSON *j, int flags)
{
	struct aml_wbuf w;
	struct aml_jw jw;

	aml_wbuf_init(&w, -1);
	aml_jw_init(&jw, &w, flags);
	cj(&jw, j);
	return aml_wbuf_take(&w);
}
