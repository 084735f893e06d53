/* SPDX-License-Identifier: MIT */
/*
 * defn: a web service definition as aml-import-ws, aml-export-ws and
 * the emulator's PUT and PATCH take it: aml_jparse, aml_defn_check under
 * every set of flags the programs use, and aml_defn_emit.
 *
 * Promises checked: every problem is reported on one line, and the
 * number of errors returned is the number reported; the canonical form
 * of a definition that passed parses again, passes the same check, and
 * is its own canonical form (export twice = export once).
 */
#include "fuzz.h"

static const int flagsets[] = {
	0,					/* aml-import-ws, the emulator's PUT */
	AML_DEFN_SHAPE,				/* aml-export-ws, aml-patch-ilearner */
	AML_DEFN_LOCATION,			/* a PUT body */
	AML_DEFN_PARTIAL,			/* a PATCH body */
	AML_DEFN_PREVIEW,
	AML_DEFN_PARTIAL | AML_DEFN_PREVIEW,
	AML_DEFN_LOCATION | AML_DEFN_PREVIEW,
};

struct tally {
	size_t errors;
};

static void
report(void *arg, int severity, const char *path, const char *msg)
{
	struct tally *t = arg;

	FUZZ_ONELINE(path);
	FUZZ_ONELINE(msg);
	FUZZ_ASSERT(*msg, "an empty message", path);
	if (severity == AML_DEFN_ERROR)
		t->errors++;
}

static size_t
check(const struct aml_jdoc *d, int flags)
{
	struct tally t = { 0 };
	size_t n = aml_defn_check(d, flags, report, &t);

	FUZZ_ASSERT(n == t.errors, "errors returned and reported differ", "");
	return n;
}

/* The canonical form, pretty or compact. */
static char *
emit(const struct aml_jdoc *d, int pretty, size_t *len)
{
	struct aml_wbuf w;
	struct aml_jw jw;

	aml_wbuf_init(&w, -1);
	aml_jw_init(&jw, &w, pretty ? AML_JW_PRETTY : 0);
	aml_defn_emit(&jw, d);
	*len = w.len;
	return aml_wbuf_take(&w);
}

/* What was emitted parses, passes the same check, and is canonical. */
static void
again(const char *out, size_t len, int flags, int pretty)
{
	struct aml_jdoc d2;
	struct aml_jerr e;
	size_t len2;
	char *out2;

	if (aml_jparse(&d2, out, len, &e) < 0)
		FUZZ_ASSERT(0, "the canonical form does not parse", e.msg);
	FUZZ_ASSERT(check(&d2, flags) == 0, "the canonical form fails the check it passed", out);
	out2 = emit(&d2, pretty, &len2);
	FUZZ_ASSERT(len2 == len && !memcmp(out, out2, len), "the canonical form is not canonical", out2);
	free(out2);
	aml_jfree(&d2);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_setprog("aml-import-ws");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aml_jdoc d;
	struct aml_jerr e;
	char *buf = malloc(size + 1), *out;
	size_t i, len;

	/* As aml_slurp leaves it: the exact bytes and a NUL. */
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (aml_jparse(&d, buf, size, &e) < 0) {
		FUZZ_ONELINE(e.msg);
		FUZZ_ASSERT(e.off <= size, "error offset past the end", e.msg);
		free(buf);
		return 0;
	}
	for (i = 0; i < sizeof flagsets / sizeof flagsets[0]; i++) {
		int f = flagsets[i];

		if (check(&d, f) > 0)
			continue;
		/* As aml-export-ws and aml-import-ws write it, and as the
		 * emulator keeps it. */
		out = emit(&d, 1, &len);
		again(out, len, f, 1);
		free(out);
		out = emit(&d, 0, &len);
		again(out, len, f, 0);
		free(out);
	}
	aml_jfree(&d);
	free(buf);
	return 0;
}
