/* SPDX-License-Identifier: MIT */
/*
 * bes: a Batch Execution Service job status, as aml-patch-ilearner -b
 * and aml-retrain read it: aml_bes_parse, the choice of output, and the
 * Base + Relative join.  The input is the status, then optionally a NUL
 * and the --result argument, then a NUL and anything: --keep-sas.
 *
 * Promises checked: every reason is one line; the join has exactly one
 * '/' between the two parts; the SAS and the connection string change
 * neither a message nor, without --keep-sas, the URI (the outcome with
 * them replaced by markers is the same).
 */
#include "fuzz.h"

/* Base + Relative: exactly one slash where they meet. */
static void
joined(const char *uri, const char *base, const char *rel)
{
	size_t nb = strlen(base), nu = strlen(uri);

	while (nb && base[nb - 1] == '/')
		nb--;
	while (*rel == '/')
		rel++;
	FUZZ_ASSERT(nu >= nb + 1 && !memcmp(uri, base, nb) && uri[nb] == '/' &&
	    !strncmp(uri + nb + 1, rel, strlen(rel)), "Base + Relative joined otherwise", uri);
}

/* The model's URI (or NULL and why) with every non-empty SAS and
 * connection string of st replaced by a marker: if a secret shows in a
 * message or, without --keep-sas, in the URI, the two runs differ. */
static char *
marked(struct aml_bes_status *st, const char *result, int keepsas, char *why, size_t n)
{
	static char sasmark[] = "sv=MARK&sig=MARK", connmark[] = "AccountKey=MARK";
	char **sas = calloc(st->nout + 1, sizeof *sas), **conn = calloc(st->nout + 1, sizeof *conn);
	const char *output;
	char *uri;

	for (size_t i = 0; i < st->nout; i++) {
		sas[i] = st->out[i].sas;
		conn[i] = st->out[i].conn;
		if (sas[i] && *sas[i])
			st->out[i].sas = sasmark;
		if (conn[i] && *conn[i])
			st->out[i].conn = connmark;
	}
	uri = aml_bes_model_uri(st, result, keepsas, &output, why, n);
	for (size_t i = 0; i < st->nout; i++) {
		st->out[i].sas = sas[i];
		st->out[i].conn = conn[i];
	}
	free(sas);
	free(conn);
	return uri;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_setprog("aml-patch-ilearner");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *part[3], why[512], why2[512], *uri, *uri2;
	const char *result, *output;
	struct aml_bes_status st;
	size_t len[3];
	struct aml_jdoc d;
	struct aml_jerr e;
	int np = fuzz_split(data, size, part, len, 3), keepsas = np > 2;

	result = np > 1 && *part[1] ? part[1] : NULL;
	if (aml_jparse(&d, part[0], len[0], &e) < 0) {
		FUZZ_ONELINE(e.msg);
		goto out;
	}
	/* The reasons of a parse name keys and types, never values. */
	if (aml_bes_parse(&d, 0, &st, why, sizeof why) < 0) {
		FUZZ_ONELINE(why);
		aml_bes_free(&st);
		aml_jfree(&d);
		goto out;
	}
	FUZZ_ONELINE(aml_bes_codename(st.code));
	uri = aml_bes_model_uri(&st, result, keepsas, &output, why, sizeof why);
	uri2 = marked(&st, result, keepsas, why2, sizeof why2);
	FUZZ_ASSERT(!uri == !uri2, "a secret decided the outcome", why);
	if (!uri) {
		FUZZ_ONELINE(why);
		FUZZ_ASSERT(!strcmp(why, why2), "a secret in a message", why);
	} else {
		const struct aml_bes_output *o = NULL;

		for (size_t i = 0; i < st.nout; i++)
			if (st.out[i].name == output)
				o = &st.out[i];
		FUZZ_ASSERT(o && o->base && o->rel, "the model's output is not in Results", uri);
		joined(uri, o->base, o->rel);
		if (!keepsas)
			FUZZ_ASSERT(!strcmp(uri, uri2), "the SAS kept without --keep-sas", uri);
		free(uri);
		free(uri2);
	}
	aml_bes_free(&st);
	aml_jfree(&d);
out:
	fuzz_free_parts(part, np);
	return 0;
}
