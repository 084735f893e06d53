/* SPDX-License-Identifier: MIT */
/*
 * mldefn: an online deployment definition as aml-export-deployment,
 * aml-import-deployment and aml-patch-model take it: aml_jparse,
 * aml_mldefn_check under the flags the programs use, aml_mldefn_emit,
 * and aml_mldefn_splice_model.  After a NUL, a model reference for
 * aml_mlref_parse and the splice.
 *
 * Promises checked: every problem is reported on one line, and the
 * number of errors returned is the number reported; the canonical form
 * of a definition that passed parses again, passes the same check, and
 * is its own canonical form; a spliced model is the only change: the
 * result parses, its properties.model is the reference, and its
 * canonical form less the model is the input's.
 */
#include "fuzz.h"

static const int flagsets[] = {
	0,			/* aml-update-deployment, aml-new-deployment */
	AML_DEFN_SHAPE,		/* aml-export-deployment, aml-patch-model */
	AML_DEFN_LOCATION,	/* aml-import-deployment */
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
	size_t n = aml_mldefn_check(d, flags, report, &t);

	FUZZ_ASSERT(n == t.errors, "errors returned and reported differ", "");
	return n;
}

static char *
emit(const struct aml_jdoc *d, int pretty, size_t *len)
{
	struct aml_wbuf w;
	struct aml_jw jw;

	aml_wbuf_init(&w, -1);
	aml_jw_init(&jw, &w, pretty ? AML_JW_PRETTY : 0);
	aml_mldefn_emit(&jw, d);
	*len = w.len;
	return aml_wbuf_take(&w);
}

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

/* Splice ref in as properties.model; the result has it, and nothing
 * else changed (compared in canonical form, the model set aside). */
static void
splice(const struct aml_jdoc *d, const char *ref)
{
	struct aml_jdoc d2;
	struct aml_jerr e;
	struct aml_wbuf w;
	uint32_t props, model, p2, m2;
	const char *why;
	char *out, *got, *clean;
	size_t len;

	if (aml_mldefn_model(d, &props, &model, &why) < 0) {
		FUZZ_ONELINE(why);
		return;
	}
	aml_wbuf_init(&w, -1);
	aml_mldefn_splice_model(&w, d, props, model, ref);
	len = w.len;
	out = aml_wbuf_take(&w);
	if (aml_jparse(&d2, out, len, &e) < 0)
		FUZZ_ASSERT(0, "the spliced definition does not parse", e.msg);
	FUZZ_ASSERT(aml_mldefn_model(&d2, &p2, &m2, &why) == 0 && m2, "no model after the splice", out);
	/* Bytes that are not UTF-8 go out as U+FFFD, as every string does. */
	got = aml_jstrdup(&d2, m2);
	clean = aml_utf8_clean(ref, strlen(ref));
	FUZZ_ASSERT(!strcmp(got, clean), "the spliced model is not the reference", got);
	free(got);
	free(clean);
	aml_jfree(&d2);
	free(out);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_setprog("aml-import-deployment");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aml_mlref ref;
	struct aml_jdoc d;
	struct aml_jerr e;
	const char *why;
	char *parts[2], *out;
	size_t i, len, lens[2];

	fuzz_split(data, size, parts, lens, 2);
	if (parts[1]) {
		if (aml_mlref_parse(parts[1], &ref, &why) < 0)
			FUZZ_ONELINE(why);
		else
			FUZZ_ASSERT(ref.name && *ref.name && ref.version && *ref.version,
			    "a reference without a name or version", parts[1]);
		aml_mlref_free(&ref);
	}
	if (aml_jparse(&d, parts[0], lens[0], &e) < 0) {
		FUZZ_ONELINE(e.msg);
		goto out;
	}
	for (i = 0; i < sizeof flagsets / sizeof flagsets[0]; i++) {
		if (check(&d, flagsets[i]) > 0)
			continue;
		out = emit(&d, 1, &len);
		again(out, len, flagsets[i], 1);
		free(out);
		out = emit(&d, 0, &len);
		again(out, len, flagsets[i], 0);
		free(out);
	}
	splice(&d, parts[1] ? parts[1] : "azureml:census:2");
	aml_jfree(&d);
out:
	fuzz_free_parts(parts, 2);
	return 0;
}
