/* SPDX-License-Identifier: MIT */
/*
 * bes: a Batch Execution Service job status, as aml-patch-ilearner -b
 * and aml-retrain read it: aml_bes_parse, the choice of output, and the
 * Base + Relative join.  The input is the status, then optionally a NUL
 * and the --result argument, then a NUL and anything: --keep-sas.
 *
 * Promises checked: every reason is one line; the join has exactly one
 * '/' between the two parts; the SAS and connection string never appear
 * in a message.
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

/* Whether s is found where a message may show it: the user's own
 * --result, or a name in Results (names are printed; values are not). */
static int
shown(const char *s, const struct aml_bes_status *st, const char *result)
{
	if (result && strstr(result, s))
		return 1;
	for (size_t i = 0; i < st->nout; i++)
		if (strstr(st->out[i].name, s))
			return 1;
	return 0;
}

/* No SAS or connection string of the status in msg. */
static void
nosecret(const char *msg, const struct aml_bes_status *st, const char *result)
{
	for (size_t i = 0; i < st->nout; i++) {
		const struct aml_bes_output *o = &st->out[i];

		/* Short values are found by chance in any text. */
		if (o->sas && strlen(o->sas) >= 8 && !shown(o->sas, st, result))
			FUZZ_ASSERT(!strstr(msg, o->sas), "a SAS in a message", msg);
		if (o->conn && strlen(o->conn) >= 8 && !shown(o->conn, st, result))
			FUZZ_ASSERT(!strstr(msg, o->conn), "a connection string in a message", msg);
	}
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
	char *part[3], why[512], *uri;
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
	if (aml_bes_parse(&d, 0, &st, why, sizeof why) < 0) {
		FUZZ_ONELINE(why);
		nosecret(why, &st, result);
		aml_bes_free(&st);
		aml_jfree(&d);
		goto out;
	}
	FUZZ_ONELINE(aml_bes_codename(st.code));
	if (!(uri = aml_bes_model_uri(&st, result, keepsas, &output, why, sizeof why))) {
		FUZZ_ONELINE(why);
		nosecret(why, &st, result);
	} else {
		const struct aml_bes_output *o = NULL;

		for (size_t i = 0; i < st.nout; i++)
			if (st.out[i].name == output)
				o = &st.out[i];
		FUZZ_ASSERT(o && o->base && o->rel, "the model's output is not in Results", uri);
		joined(uri, o->base, o->rel);
		if (!keepsas && o->sas && strlen(o->sas) >= 8)
			FUZZ_ASSERT(!strstr(uri, o->sas), "the SAS kept without --keep-sas", uri);
		free(uri);
	}
	aml_bes_free(&st);
	aml_jfree(&d);
out:
	fuzz_free_parts(part, np);
	return 0;
}
