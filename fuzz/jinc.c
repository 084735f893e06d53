/* SPDX-License-Identifier: MIT */
/*
 * jinc: the parser fed while its input arrives (aml_jinc_feed, as
 * aml_jload drives it from aml_slurp_cb) against the parser given the
 * whole input at once (aml_jparse).
 *
 * Promise checked: however the input is cut into reads, and wherever the
 * buffer moves between them, the result is exactly aml_jparse's: the
 * same tape token for token, or the same error at the same line, column
 * and offset.  The cuts come from a generator seeded by the input, so a
 * crash replays.
 */
#include "fuzz.h"

static uint64_t
seed(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	while (n--)
		h = (h ^ *p++) * 1099511628211ULL;
	return h | 1;
}

/* The next read's size: mostly small (every token boundary gets a
 * chance to fall at a cut), sometimes large, as a pipe hands them out. */
static size_t
cut(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	switch (*x % 8) {
	case 0: return 1 + (size_t)(*x >> 8) % 4096;
	case 1: return 1;
	default: return 1 + (size_t)(*x >> 8) % 24;
	}
}

/* The bytes read so far in a fresh allocation of exactly len + 1, so
 * that the parser finds its earlier pointers stale and ASan catches a
 * read past the end; buf[len] is writable but not a NUL. */
static char *
moved(char *old, const uint8_t *data, size_t len)
{
	char *b = malloc(len + 1);

	memcpy(b, data, len);
	b[len] = 'x';
	free(old);
	return b;
}

static void
same(const struct aml_jdoc *a, const struct aml_jdoc *b)
{
	uint32_t i;

	FUZZ_ASSERT(a->ntok == b->ntok, "a different number of tokens", "");
	for (i = 0; i < a->ntok; i++) {
		const struct aml_jtok *s = &a->tok[i], *t = &b->tok[i];

		FUZZ_ASSERT(s->off == t->off && s->len == t->len && s->end == t->end &&
		    s->type == t->type && s->flags == t->flags, "a different token", "");
	}
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
	struct aml_jdoc d1, d2;
	struct aml_jerr e1, e2;
	struct aml_jinc *inc;
	char *whole = malloc(size + 1), *buf = NULL;
	uint64_t x = seed(data, size);
	size_t len = 0;
	int r1, r2;

	memcpy(whole, data, size);
	whole[size] = '\0';
	r1 = aml_jparse(&d1, whole, size, &e1);

	inc = aml_jinc_new(&d2, &e2, x & 2 ? size : 0);
	while (len < size) {
		len += cut(&x);
		if (len > size)
			len = size;
		buf = moved(buf, data, len);
		aml_jinc_feed(inc, buf, len);
	}
	/* The end, as aml_slurp leaves it: NUL-terminated, perhaps moved. */
	buf = moved(buf, data, size);
	buf[size] = '\0';
	r2 = aml_jinc_end(inc, buf, size);

	FUZZ_ASSERT(r1 == r2, "fed in pieces, a different result", r1 < 0 ? e1.msg : e2.msg);
	if (r1 < 0) {
		FUZZ_ASSERT(!strcmp(e1.msg, e2.msg), "fed in pieces, a different error", e2.msg);
		FUZZ_ASSERT(e1.line == e2.line && e1.col == e2.col && e1.off == e2.off,
		    "fed in pieces, the error elsewhere", e2.msg);
	} else {
		same(&d1, &d2);
		aml_jfree(&d1);
		aml_jfree(&d2);
	}
	free(buf);
	free(whole);
	return 0;
}
