/* SPDX-License-Identifier: MIT */
/*
 * jsonw.c: the one JSON writer.  Tape values are copied byte for byte
 * (numbers and string escapes as they were read); strings from elsewhere
 * are escaped the minimal way: '"', '\\' and control characters only.
 * cJSON trees are written through it by jsoncj.c, so that the filters,
 * which write only tapes, do not load libcjson.
 */
#include <stdlib.h>
#include <string.h>

#include "aml.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

int aml_compact;

/* The separator before an item in pretty output: ",\n" (or "\n" from the
 * second byte) and the indentation, taken in one piece for depths up to
 * NLSP_DEPTH. */
#define NLSP_DEPTH 64
static const char nlsp[2 + 2 * NLSP_DEPTH + 1] = ",\n"
    "                                                                "
    "                                                                ";

/* Indentation deeper than nlsp holds, a piece at a time. */
static void
deepindent(struct aml_wbuf *w, int depth)
{
	size_t n = (size_t)depth * 2;

	while (n > 2 * NLSP_DEPTH) {
		aml_wput(w, nlsp + 2, 2 * NLSP_DEPTH);
		n -= 2 * NLSP_DEPTH;
	}
	aml_wput(w, nlsp + 2, n);
}

/* Bytes that item() may write past what it prints; s and b below always
 * have that many, and two, readable bytes. */
#define SLACK 32
static const char nothing[2];

/*
 * Everything the writer prints goes through here: the separator the
 * item needs (none after a key; ',' unless it is the first in its
 * container; in pretty output a newline and indentation), then a and b
 * (a key and ": ", or a value and ""), in one reservation and one copy
 * each, rather than a call per piece.
 */
static inline __attribute__((always_inline)) void
item(struct aml_jw *jw, const char *a, size_t an, const char *b, size_t bn)
{
	struct aml_wbuf *w = jw->w;
	const char *s = nlsp;
	size_t sn = 0, n;
	int comma;
	char *o;

	if (jw->afterkey) {
		jw->afterkey = 0;
	} else if (jw->depth > 0) {
		comma = !jw->first;
		jw->first = 0;
		if (!(jw->flags & AML_JW_PRETTY)) {
			sn = (size_t)comma;
		} else if (jw->depth <= NLSP_DEPTH) {
			s = nlsp + !comma;
			sn = (size_t)(1 + comma + 2 * jw->depth);
		} else {
			aml_wput(w, nlsp + !comma, (size_t)(1 + comma));
			deepindent(w, jw->depth);
		}
	}
	n = sn + an + bn;
	if (w->cap - w->len < n + SLACK && aml_wroom(w, n + SLACK) < 0) {
		aml_wput(w, s, sn);
		aml_wput(w, a, an);
		aml_wput(w, b, bn);
		return;
	}
	/* Fixed-size copies are a few moves where memcpy(n) is a call;
	 * what they write past the piece is overwritten next. */
	o = w->buf + w->len;
	if (sn <= SLACK)
		memcpy(o, s, SLACK);
	else
		memcpy(o, s, sn);
	memcpy(o + sn, a, an);
	memcpy(o + sn + an, b, 2);
	w->len += n;
}

/* The separator alone, before a value written piece by piece. */
static void
sep(struct aml_jw *jw)
{
	item(jw, "", 0, nothing, 0);
}

void
aml_jw_init(struct aml_jw *jw, struct aml_wbuf *w, int flags)
{
	memset(jw, 0, sizeof *jw);
	jw->w = w;
	jw->flags = flags;
}

/* Only "first" of the innermost container is live: a container is never
 * left before its children are, so opening one can forget the parent's
 * flag, which is necessarily 0 again when we come back. */
void
aml_jw_open(struct aml_jw *jw, char c)
{
	item(jw, &c, 1, nothing, 0);
	jw->depth++;
	jw->first = 1;
}

void
aml_jw_close(struct aml_jw *jw, char c)
{
	struct aml_wbuf *w = jw->w;
	size_t n;

	jw->depth--;
	if (jw->first || !(jw->flags & AML_JW_PRETTY)) {
		aml_wputc(w, c);
	} else if (jw->depth <= NLSP_DEPTH) {
		n = (size_t)(2 + 2 * jw->depth);
		if (w->cap - w->len >= n || aml_wroom(w, n) == 0) {
			memcpy(w->buf + w->len, nlsp + 1, n - 1);
			w->buf[w->len + n - 1] = c;
			w->len += n;
		} else {
			aml_wput(w, nlsp + 1, n - 1);
			aml_wputc(w, c);
		}
	} else {
		aml_wputc(w, '\n');
		deepindent(w, jw->depth);
		aml_wputc(w, c);
	}
	jw->first = 0;
}

void
aml_jw_rawkey(struct aml_jw *jw, const char *quoted, size_t n)
{
	if (jw->flags & AML_JW_PRETTY)
		item(jw, quoted, n, ": ", 2);
	else
		item(jw, quoted, n, ":", 1);
	jw->afterkey = 1;
}

void
aml_jw_key(struct aml_jw *jw, const char *s)
{
	sep(jw);
	aml_jw_escape(jw->w, s, strlen(s));
	if (jw->flags & AML_JW_PRETTY)
		aml_wput(jw->w, ": ", 2);
	else
		aml_wputc(jw->w, ':');
	jw->afterkey = 1;
}

void
aml_jw_raw(struct aml_jw *jw, const char *json, size_t n)
{
	item(jw, json, n, nothing, 0);
}

void
aml_jw_str(struct aml_jw *jw, const char *s)
{
	sep(jw);
	aml_jw_escape(jw->w, s, strlen(s));
}

/* The first byte at or after p, before end, that is not plain ASCII to
 * copy as it is: '"', '\\', a control character or a byte >= 0x80. */
static const char *
plain(const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);
	__m128i v, m;
	unsigned bits;

	while (end - p >= 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* Signed v < 0x20: the controls and every byte >= 0x80. */
		m = _mm_or_si128(_mm_cmplt_epi8(v, space),
		    _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
		if ((bits = (unsigned)_mm_movemask_epi8(m)))
			return p + __builtin_ctz(bits);
		p += 16;
	}
#endif
	while (p < end && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80 &&
	    *p != '"' && *p != '\\')
		p++;
	return p;
}

/* The length of the well-formed UTF-8 sequence at p (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or 0. */
static size_t
utf8len(const unsigned char *p, const unsigned char *end)
{
	size_t n, i;
	unsigned long c;

	if (*p < 0xc2 || *p > 0xf4)
		return 0;
	n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
	if ((size_t)(end - p) < n)
		return 0;
	c = *p & (0x3f >> (n - 1));
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return n;
}

char *
aml_jw_name(const char *s)
{
	struct aml_wbuf w;
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p > ' ' && *p < 0x7f && *p != '"'; p++)
		;
	if (!*p && *s)
		return aml_xstrdup(s);
	aml_wbuf_init(&w, -1);
	aml_jw_escape(&w, s, strlen(s));
	return aml_wbuf_take(&w);
}

char *
aml_utf8_clean(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	struct aml_wbuf w;
	size_t k;

	aml_wbuf_init(&w, -1);
	while (p < end) {
		if (*p < 0x80)
			aml_wputc(&w, (char)*p++);
		else if ((k = utf8len(p, end)))
			aml_wput(&w, p, k), p += k;
		else
			aml_wputs(&w, "\xef\xbf\xbd"), p++;
	}
	return aml_wbuf_take(&w);
}

/* Strings from the tape are valid UTF-8 already; those from elsewhere (a
 * server's header, a path, argv) may not be, and a byte that does not
 * start a well-formed sequence is written as U+FFFD, so that the output
 * is always JSON. */
void
aml_jw_escape(struct aml_wbuf *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const char *p = s, *end = s + n, *run;
	char e[6];
	size_t k;

	aml_wputc(w, '"');
	while (p < end) {
		run = p;
		while ((p = plain(p, end)) < end && (unsigned char)*p >= 0x80 &&
		    (k = utf8len((const unsigned char *)p, (const unsigned char *)end)))
			p += k;
		aml_wput(w, run, (size_t)(p - run));
		if (p == end)
			break;
		if ((unsigned char)*p >= 0x80) {
			aml_wputs(w, "\\ufffd");
			p++;
			continue;
		}
		e[0] = '\\';
		switch (*p) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default:
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hex[(unsigned char)*p >> 4];
			e[5] = hex[*p & 15];
			aml_wput(w, e, 6);
			p++;
			continue;
		}
		aml_wput(w, e, 2);
		p++;
	}
	aml_wputc(w, '"');
}

void
aml_jw_tok(struct aml_jw *jw, const struct aml_jdoc *d, uint32_t i)
{
	const struct aml_jtok *t = &d->tok[i];

	switch (t->type) {
	case AML_JOBJECT:
		aml_jw_open(jw, '{');
		AML_JOBJ_EACH(d, i, k) {
			if ((jw->flags & AML_JW_DROPNULL) && d->tok[k + 1].type == AML_JNULL)
				continue;
			aml_jw_rawkey(jw, d->buf + d->tok[k].off, d->tok[k].len);
			aml_jw_tok(jw, d, k + 1);
		}
		aml_jw_close(jw, '}');
		break;
	case AML_JARRAY:
		aml_jw_open(jw, '[');
		AML_JARR_EACH(d, i, v)
			aml_jw_tok(jw, d, v);
		aml_jw_close(jw, ']');
		break;
	default:
		aml_jw_raw(jw, d->buf + t->off, t->len);
		break;
	}
}

void
aml_jw_doc(struct aml_wbuf *w, const struct aml_jdoc *d, uint32_t i, int flags)
{
	struct aml_jw jw;

	aml_jw_init(&jw, w, flags);
	aml_jw_tok(&jw, d, i);
	aml_wputc(w, '\n');
}
