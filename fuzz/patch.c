/* SPDX-License-Identifier: MIT */
/*
 * patch: what aml-patch-ilearner does to a definition.  The input is
 * the definition, then optionally a NUL and the -a argument, then a NUL
 * and the -u argument (default: a blob URI ending in .ilearner).
 *
 * Promises checked: the URI check and the asset choice fail with one
 * line; the patched document parses, has the same shape, the new URI at
 * the same asset, and every other byte as it was.
 */
#include "fuzz.h"

#define NEWURI "https://acct.blob.core.windows.net/models/retrained.ilearner"

static void
ignore(void *arg, int severity, const char *path, const char *msg)
{
}

/* The patched document, checked against the original. */
static void
verify(const struct aml_jdoc *d, const struct aml_patch *p, const char *want,
    const char *uri, const char *out, size_t len)
{
	const struct aml_jtok *t = &d->tok[p->uri];
	size_t tail = d->len - t->off - t->len;
	struct aml_patch p2;
	struct aml_jdoc d2;
	struct aml_jerr e;
	char *why, *got;

	FUZZ_ASSERT(len >= t->off + tail && !memcmp(out, d->buf, t->off) &&
	    !memcmp(out + len - tail, d->buf + t->off + t->len, tail),
	    "bytes other than the uri changed", uri);
	if (aml_jparse(&d2, out, len, &e) < 0)
		FUZZ_ASSERT(0, "the patched document does not parse", e.msg);
	FUZZ_ASSERT(d2.ntok == d->ntok, "the patched document has another shape", uri);
	if (aml_patch_locate(&d2, want, &p2, &why) < 0)
		FUZZ_ASSERT(0, "the patched asset is not found again", why);
	FUZZ_ASSERT(p2.key == p->key && p2.uri == p->uri, "another asset found after patching", uri);
	got = aml_jstrdup(&d2, p2.uri);
	FUZZ_ASSERT(!strcmp(got, uri), "the patched uri reads back otherwise", got);
	free(got);
	aml_patch_free(&p2);
	aml_jfree(&d2);
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
	char *part[3], *why, *s, *out;
	const char *uri, *want, *w;
	size_t len[3], n;
	struct aml_patch p;
	struct aml_jdoc d;
	struct aml_jerr e;
	struct aml_wbuf wb;
	int np = fuzz_split(data, size, part, len, 3);

	want = np > 1 ? part[1] : NULL;
	uri = np > 2 ? part[2] : NEWURI;
	/* The order of the program: the URI first, then the definition. */
	s = aml_uri_redact(uri);
	if (aml_uri_check(uri, &w) < 0) {
		FUZZ_ONELINE(w);
		free(s);
		goto out;
	}
	FUZZ_ONELINE(s);
	free(s);
	(void)aml_uri_path_ends(uri, ".ilearner");
	if (aml_jparse(&d, part[0], len[0], &e) < 0)
		goto out;
	if (aml_defn_check(&d, AML_DEFN_SHAPE, ignore, NULL) > 0) {
		aml_jfree(&d);
		goto out;
	}
	if (aml_patch_locate(&d, want, &p, &why) < 0) {
		FUZZ_ONELINE(why);
		free(why);
		aml_jfree(&d);
		goto out;
	}
	if (p.warning)
		FUZZ_ONELINE(p.warning);
	s = aml_patch_describe(&d, p.key);
	FUZZ_ONELINE(s);
	free(s);
	aml_wbuf_init(&wb, -1);
	aml_patch_splice(&wb, &d, &p, uri);
	n = wb.len;
	out = aml_wbuf_take(&wb);
	verify(&d, &p, want, uri, out, n);
	free(out);
	aml_patch_free(&p);
	aml_jfree(&d);
out:
	fuzz_free_parts(part, np);
	return 0;
}
