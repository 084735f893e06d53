/* SPDX-License-Identifier: MIT */
/*
 * bes.c: a Batch Execution Service job status, as the service returns it:
 * {"StatusCode": ..., "Results": {output: {BaseLocation, RelativeLocation,
 * SasBlobToken, ConnectionString}} | null, "Details": ... | null}.
 *
 * StatusCode comes as a name or as the C# enum's number 0..4 (the samples
 * and the portal's own responses differ), and an old documentation page
 * spells the key "Status Code"; Newtonsoft on the other side matches
 * names case-insensitively, so we do too.  The SAS and the connection
 * string are secrets: they are wiped when freed and never printed.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aml.h"

static const char *const codenames[] = {
	"NotStarted", "Running", "Failed", "Cancelled", "Finished"
};

const char *
aml_bes_codename(int code)
{
	return code >= 0 && code <= AML_BES_FINISHED ? codenames[code] : "unknown";
}

static int
codeof(const char *s)
{
	int i;

	for (i = 0; i <= AML_BES_FINISHED; i++)
		if (!strcasecmp(s, codenames[i]))
			return i;
	if (!strcasecmp(s, "Canceled"))
		return AML_BES_CANCELLED;
	if (s[0] >= '0' && s[0] <= '4' && !s[1])
		return s[0] - '0';
	return -1;
}

/* A string member, NULL when absent or null; -1 when of another type. */
static int
strmember(const struct aml_jdoc *d, uint32_t obj, const char *key, char **out)
{
	uint32_t v = aml_jget_ci(d, obj, key);

	*out = NULL;
	if (!v || AML_JTYPE(d, v) == AML_JNULL)
		return 0;
	if (AML_JTYPE(d, v) != AML_JSTRING)
		return -1;
	*out = aml_jstrdup(d, v);
	return 0;
}

static int
output(const struct aml_jdoc *d, uint32_t k, struct aml_bes_output *o,
    char *why, size_t whysize)
{
	static const char *const keys[] = {
		"BaseLocation", "RelativeLocation", "SasBlobToken", "ConnectionString"
	};
	char **f[4], *n;
	uint32_t v = k + 1;
	int i;

	memset(o, 0, sizeof *o);
	o->name = aml_jstrdup(d, k);
	if (AML_JTYPE(d, v) == AML_JNULL)
		return 0;
	/* Names are data: one that is not plain is quoted in a message. */
	if (AML_JTYPE(d, v) != AML_JOBJECT) {
		n = aml_jw_name(o->name);
		snprintf(why, whysize, "Results.%s: expected an object, got %s",
		    n, aml_jtypename(AML_JTYPE(d, v)));
		free(n);
		return -1;
	}
	f[0] = &o->base, f[1] = &o->rel, f[2] = &o->sas, f[3] = &o->conn;
	for (i = 0; i < 4; i++) {
		if (strmember(d, v, keys[i], f[i]) < 0) {
			n = aml_jw_name(o->name);
			snprintf(why, whysize, "Results.%s.%s: expected a string", n, keys[i]);
			free(n);
			return -1;
		}
	}
	return 0;
}

int
aml_bes_parse(const struct aml_jdoc *d, uint32_t root, struct aml_bes_status *st,
    char *why, size_t whysize)
{
	uint32_t c, r;
	char num[2];

	memset(st, 0, sizeof *st);
	st->code = -1;
	if (AML_JTYPE(d, root) != AML_JOBJECT) {
		snprintf(why, whysize, "expected a BES job status (an object), got %s",
		    aml_jtypename(AML_JTYPE(d, root)));
		return -1;
	}
	if (!(c = aml_jget_ci(d, root, "StatusCode")) && !(c = aml_jget_ci(d, root, "Status Code"))) {
		snprintf(why, whysize, "not a BES job status: no StatusCode");
		return -1;
	}
	if (AML_JTYPE(d, c) == AML_JSTRING) {
		char *s = aml_jstrdup(d, c);

		st->code = codeof(s);
		free(s);
	} else if (AML_JTYPE(d, c) == AML_JNUMBER && d->tok[c].len == 1) {
		num[0] = d->buf[d->tok[c].off];
		num[1] = '\0';
		st->code = codeof(num);
	}
	if (st->code < 0) {
		snprintf(why, whysize, "StatusCode: not one of NotStarted, Running, Failed, "
		    "Cancelled, Finished or 0..4");
		return -1;
	}
	if (strmember(d, root, "Details", &st->details) < 0) {
		snprintf(why, whysize, "Details: expected a string");
		return -1;
	}
	r = aml_jget_ci(d, root, "Results");
	if (!r || AML_JTYPE(d, r) == AML_JNULL)
		return 0;
	if (AML_JTYPE(d, r) != AML_JOBJECT) {
		snprintf(why, whysize, "Results: expected an object, got %s",
		    aml_jtypename(AML_JTYPE(d, r)));
		return -1;
	}
	AML_JOBJ_EACH(d, r, k)
		st->nout++;
	st->out = aml_xcalloc(st->nout ? st->nout : 1, sizeof *st->out);
	st->nout = 0;
	AML_JOBJ_EACH(d, r, k)
		if (output(d, k, &st->out[st->nout++], why, whysize) < 0)
			return -1;
	return 0;
}

void
aml_bes_free(struct aml_bes_status *st)
{
	size_t i;

	for (i = 0; i < st->nout; i++) {
		free(st->out[i].name);
		free(st->out[i].base);
		free(st->out[i].rel);
		if (st->out[i].sas)
			aml_freesecret(st->out[i].sas);
		if (st->out[i].conn)
			aml_freesecret(st->out[i].conn);
	}
	free(st->out);
	free(st->details);
	memset(st, 0, sizeof *st);
}

static int
ilearner(const struct aml_bes_output *o)
{
	size_t n;

	if (!o->rel)
		return 0;
	n = strlen(o->rel);
	return n >= 9 && !strcmp(o->rel + n - 9, ".ilearner");
}

const struct aml_bes_output *
aml_bes_pick(const struct aml_bes_status *st, const char *name, char *why, size_t whysize)
{
	const struct aml_bes_output *o = NULL;
	struct aml_wbuf w;
	char *list, *s;
	size_t i, n = 0;

	if (name) {
		for (i = 0; i < st->nout; i++)
			if (!strcmp(st->out[i].name, name))
				o = &st->out[i];
		if (!o) {
			/* --result is quoted as JSON: it stays on one line. */
			aml_wbuf_init(&w, -1);
			aml_jw_escape(&w, name, strlen(name));
			s = aml_wbuf_take(&w);
			snprintf(why, whysize, "no output named %s in Results", s);
			free(s);
		}
		return o;
	}
	for (i = 0; i < st->nout; i++)
		if (ilearner(&st->out[i]))
			o = &st->out[i], n++;
	if (n == 1)
		return o;
	aml_wbuf_init(&w, -1);
	for (i = 0; i < st->nout; i++)
		if (n == 0 || ilearner(&st->out[i])) {
			s = aml_jw_name(st->out[i].name);
			aml_wprintf(&w, "%s%s", w.len ? ", " : "", s);
			free(s);
		}
	list = aml_wbuf_take(&w);
	if (n == 0)
		snprintf(why, whysize, "no output in Results ends in .ilearner (outputs: %s)",
		    *list ? list : "none");
	else
		snprintf(why, whysize, "%zu outputs end in .ilearner (%s); choose one with --result",
		    n, list);
	free(list);
	return NULL;
}

char *
aml_bes_join(const char *base, const char *rel)
{
	size_t nb = strlen(base);

	while (nb && base[nb - 1] == '/')
		nb--;
	while (*rel == '/')
		rel++;
	return aml_xasprintf("%.*s/%s", (int)nb, base, rel);
}

/* Base + Relative of the output chosen, with the SAS when asked. */
char *
aml_bes_model_uri(const struct aml_bes_status *st, const char *result, int keepsas,
    const char **output, char *why, size_t whysize)
{
	const struct aml_bes_output *o;
	char *uri, *t, *n;

	*output = NULL;
	if (st->code != AML_BES_FINISHED) {
		snprintf(why, whysize, "the job is %s, not Finished; there is no model to use",
		    aml_bes_codename(st->code));
		return NULL;
	}
	if (!(o = aml_bes_pick(st, result, why, whysize)))
		return NULL;
	*output = o->name;
	if (!o->base || !*o->base || !o->rel || !*o->rel) {
		n = aml_jw_name(o->name);
		snprintf(why, whysize, "Results.%s: no %s", n,
		    !o->base || !*o->base ? "BaseLocation" : "RelativeLocation");
		free(n);
		return NULL;
	}
	uri = aml_bes_join(o->base, o->rel);
	if (keepsas && o->sas && *o->sas) {
		t = aml_xasprintf("%s%s%s", uri, *o->sas == '?' ? "" : "?", o->sas);
		free(uri);
		uri = t;
	}
	return uri;
}
