/* SPDX-License-Identifier: MIT */
/*
 * jsonfast.h: what makes the filters fast and is not the JSON grammar:
 * big buffers with few page faults (jsonfast.c), and the scans json.c
 * runs over every byte of a string and every run of indentation, 16
 * bytes at a time where SSE2 is there.  Inline, as they run once a
 * token.  For common/ only; programs include aml.h.
 */
#ifndef AML_JSONFAST_H
#define AML_JSONFAST_H

#include <stddef.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Buffers of n bytes that may be large: from malloc below 256 KiB, else
 * a mapping aligned for transparent huge pages.  The size is the
 * caller's to remember; free and grow with the same n.  They die
 * ("out of memory") rather than return NULL. */
void *aml_big_alloc(size_t n);
void *aml_big_grow(void *p, size_t old, size_t n);
void aml_big_free(void *p, size_t n);

/* 1: a byte that ends a fast string scan ('"', '\\', controls, non-ASCII). */
static const unsigned char aml_jfast_strstop[256] = {
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,
	0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
};

/* The first byte at or after p that ends a fast string scan.  The vector
 * loop reads 16 bytes at a time only while all of them are at or before
 * the '\0' at lim[-1]; the byte loop stops at that '\0'. */
static inline const unsigned char *
aml_jfast_str(const unsigned char *p, const unsigned char *lim)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i ctl = _mm_set1_epi8(0x20);
	__m128i v, m;
	unsigned bits;

	while (lim - p >= 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* Signed: bytes below 0x20 and from 0x80 up, in one compare. */
		m = _mm_or_si128(_mm_cmplt_epi8(v, ctl),
		    _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
		if ((bits = (unsigned)_mm_movemask_epi8(m)))
			return p + __builtin_ctz(bits);
		p += 16;
	}
#endif
	while (!aml_jfast_strstop[*p])
		p++;
	return p;
}

/* Past a run of spaces (indentation), with the same bounds. */
static inline const char *
aml_jfast_spaces(const char *p, const char *lim)
{
#ifdef __SSE2__
	const __m128i sp = _mm_set1_epi8(' ');
	unsigned bits;

	while (lim - p >= 16) {
		bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)p), sp)) ^ 0xffffu;
		if (bits)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#endif
	while (*p == ' ')
		p++;
	return p;
}

#endif
