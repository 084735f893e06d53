/* SPDX-License-Identifier: MIT */
/*
 * json.c: a strict JSON parser that does not build a tree.  It records a
 * tape: one 16-byte token per value or key, pointing into the input, so
 * a definition costs its own size plus well under twice that again, and
 * every number, escape and key order is kept exactly as it was read.
 *
 * The input must be followed by a '\0' (buf[len] == 0, as aml_slurp and
 * aml_wbuf_take leave it): it is the sentinel that ends every scan.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aml.h"
#include "jsonfast.h"

/* Where a parse that ran out of input resumes.  Each is a point where
 * the parser has just skipped whitespace: it only ever stops there. */
enum {
	S_VALUE,	/* a value is expected */
	S_OBJFIRST,	/* after '{': a key or '}' */
	S_ARRFIRST,	/* after '[': a value or ']' */
	S_KEY,		/* after ',' in an object */
	S_COLON,	/* after a key */
	S_AFTER,	/* after a value: ',' or a closing bracket */
	S_TRAILING	/* after the document: only whitespace may follow */
};

struct parser {
	struct aml_jdoc *d;
	struct aml_jerr *e;
	const char *p, *end;			/* *end is always '\0' */
	uint32_t stack[AML_JMAXDEPTH + 1];	/* open containers */
	uint32_t kbase[AML_JMAXDEPTH + 1];	/* first key of each open object */
	int depth;
	uint32_t *keys;				/* keys of open objects */
	size_t nkeys, kcap;
	struct { uint32_t tok, h; } *hash;	/* duplicate detection */
	size_t hcap;
	char *s1, *s2;				/* unescaped keys */
	size_t s1cap, s2cap;
	/* Parsing as input arrives (aml_jinc_*). */
	int state;		/* S_*: where to go on */
	int final;		/* end is the end of the input, not of a chunk */
	int started;		/* the byte order mark has been dealt with */
	int failed;		/* e holds the error */
	size_t pos;		/* offset of p: the buffer may move between chunks */
	size_t seen;		/* bytes searched for a newline so far */
};

static int
fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;

	ps->e->off = (size_t)(at - ps->d->buf);
	aml_jpos(ps->d->buf, ps->e->off, &ps->e->line, &ps->e->col);
	va_start(ap, fmt);
	vsnprintf(ps->e->msg, sizeof ps->e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* Say what was found where something else was expected. */
static int
unexpected(struct parser *ps, const char *at, const char *want)
{
	unsigned char c = (unsigned char)*at;

	if (at >= ps->end)
		return fail(ps, at, "unexpected end of input, expected %s", want);
	if (c == 0)
		return fail(ps, at, "NUL byte in input");
	if (c >= 0x21 && c < 0x7f)
		return fail(ps, at, "unexpected '%c', expected %s", c, want);
	return fail(ps, at, "unexpected byte 0x%02x, expected %s", c, want);
}

void
aml_jpos(const char *buf, size_t off, unsigned long *line, unsigned long *col)
{
	const char *p = buf, *stop = buf + off, *nl;

	*line = 1;
	while ((nl = memchr(p, '\n', (size_t)(stop - p)))) {
		(*line)++;
		p = nl + 1;
	}
	/* Columns count characters, not bytes. */
	*col = 1;
	for (; p < stop; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			(*col)++;
}

/* Out of line: it runs a few dozen times for millions of tokens.  A
 * tape that outgrows 64 KiB (an input of about 50 KB) becomes a big one
 * at once, and then doubles: its pages move rather than copy
 * (jsonfast.c). */
static void
growtape(struct aml_jdoc *d)
{
	uint32_t old = d->cap;

	if (d->cap >= UINT32_MAX / 2)
		aml_die("out of memory");
	if (d->cap < 4096)
		d->cap = d->cap + d->cap / 2 + 64;
	else if (d->cap < 65536)
		d->cap = 65536;
	else
		d->cap *= 2;
	d->tok = aml_big_grow(d->tok, (size_t)old * sizeof *d->tok,
	    (size_t)d->cap * sizeof *d->tok);
}

static inline uint32_t
newtok(struct parser *ps, enum aml_jtype type, const char *at)
{
	struct aml_jdoc *d = ps->d;
	struct aml_jtok *t;

	if (d->ntok == d->cap)
		growtape(d);
	t = &d->tok[d->ntok];
	t->off = (uint32_t)(at - d->buf);
	t->len = 0;
	t->end = d->ntok + 1;
	t->type = (uint8_t)type;
	t->flags = 0;
	return d->ntok++;
}

/* Length of a valid UTF-8 sequence at p, or 0: no overlong forms, no
 * surrogates, nothing past U+10FFFF. */
static int
utf8len(const unsigned char *p)
{
	unsigned char c = p[0];

	if (c < 0xc2)
		return 0;
	if (c < 0xe0)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c < 0xf0) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0;
		if (c == 0xed && p[1] >= 0xa0)
			return 0;
		return 3;
	}
	if (c < 0xf5) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0;
		if (c == 0xf4 && p[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
string(struct parser *ps, int key)
{
	const unsigned char *p = (const unsigned char *)ps->p + 1;
	const unsigned char *end = (const unsigned char *)ps->end;
	uint32_t t = newtok(ps, AML_JSTRING, ps->p);
	uint8_t flags = key ? AML_JF_KEY : 0;
	int n;

	for (;;) {
		p = aml_jfast_str(p, end + 1);
		if (*p == '"')
			break;
		if (*p == '\\') {
			flags |= AML_JF_ESC;
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b':
			case 'f': case 'n': case 'r': case 't':
				p += 2;
				continue;
			case 'u':
				if (hexval(p[2]) < 0 || hexval(p[3]) < 0 ||
				    hexval(p[4]) < 0 || hexval(p[5]) < 0)
					return fail(ps, (const char *)p,
					    "invalid \\u escape in string");
				p += 6;
				continue;
			}
			if ((const unsigned char *)p + 1 >= end)
				return fail(ps, (const char *)p + 1, "unexpected end of input in string");
			return fail(ps, (const char *)p, "invalid escape sequence in string");
		}
		if (*p >= 0x80) {
			if (!(n = utf8len(p)))
				return fail(ps, (const char *)p, "invalid UTF-8 in string");
			p += n;
			continue;
		}
		if (p >= end)
			return fail(ps, (const char *)p, "unexpected end of input in string");
		if (*p == 0)
			return fail(ps, (const char *)p, "NUL byte in input");
		return fail(ps, (const char *)p, "unescaped control character 0x%02x in string", *p);
	}
	p++;
	ps->d->tok[t].len = (uint32_t)((const char *)p - ps->p);
	ps->d->tok[t].flags = flags;
	ps->p = (const char *)p;
	return 0;
}

static int
isdigitc(int c)
{
	return c >= '0' && c <= '9';
}

static int
number(struct parser *ps)
{
	const char *s = ps->p, *p = s;
	uint32_t t;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (isdigitc(*p))
		while (isdigitc(*p))
			p++;
	else
		return fail(ps, s, "invalid number");
	if (*p == '.') {
		if (!isdigitc(*++p))
			return fail(ps, s, "invalid number");
		while (isdigitc(*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigitc(*p))
			return fail(ps, s, "invalid number");
		while (isdigitc(*p))
			p++;
	}
	if (isdigitc(*p) || *p == '.' || *p == 'e' || *p == 'E' ||
	    (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
		return fail(ps, s, "invalid number");
	t = newtok(ps, AML_JNUMBER, s);
	ps->d->tok[t].len = (uint32_t)(p - s);
	ps->p = p;
	return 0;
}

static int
literal(struct parser *ps)
{
	static const struct { const char *s; size_t n; enum aml_jtype t; } lit[] = {
		{ "true", 4, AML_JTRUE }, { "false", 5, AML_JFALSE }, { "null", 4, AML_JNULL },
	};
	const char *p = ps->p;
	size_t i;
	uint32_t t;

	for (i = 0; i < 3; i++) {
		if ((size_t)(ps->end - p) >= lit[i].n && !memcmp(p, lit[i].s, lit[i].n)) {
			char c = p[lit[i].n];

			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isdigitc(c))
				break;
			t = newtok(ps, lit[i].t, p);
			ps->d->tok[t].len = (uint32_t)lit[i].n;
			ps->p = p + lit[i].n;
			return 0;
		}
	}
	return unexpected(ps, p, "a JSON value");
}

/* 1: ' ', '\t', '\r'; 2: '\n'.  Half the calls find no whitespace at
 * all, and say so after one load. */
static const unsigned char wsclass[256] = {
	[' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 2
};

/* Pretty input is mostly a newline and a run of spaces between tokens. */
static inline void
skipws(struct parser *ps)
{
	const unsigned char *p = (const unsigned char *)ps->p;
	unsigned c;

	while ((c = wsclass[*p])) {
		if (c == 2)
			p = (const unsigned char *)aml_jfast_spaces((const char *)p + 1, ps->end + 1);
		else
			p++;
	}
	ps->p = (const char *)p;
}

/* Unescape the string token at i into *buf (grown as needed). */
static size_t
unesc(const struct aml_jdoc *d, uint32_t i, char **buf, size_t *cap)
{
	size_t need = d->tok[i].len;

	if (*cap < need) {
		*cap = need + 64;
		*buf = aml_xrealloc(*buf, *cap);
	}
	return aml_jstr(d, i, *buf, *cap);
}

static int
keyeq(struct parser *ps, uint32_t a, uint32_t b)
{
	const struct aml_jdoc *d = ps->d;
	const struct aml_jtok *ta = &d->tok[a], *tb = &d->tok[b];
	size_t na, nb;

	if (!((ta->flags | tb->flags) & AML_JF_ESC))
		return ta->len == tb->len &&
		    !memcmp(d->buf + ta->off, d->buf + tb->off, ta->len);
	na = unesc(d, a, &ps->s1, &ps->s1cap);
	nb = unesc(d, b, &ps->s2, &ps->s2cap);
	return na == nb && !memcmp(ps->s1, ps->s2, na);
}

/* The key's hash, keyed (hash.c): keys come from the input, and with a
 * hash the input could predict, it could put them all in one slot. */
static uint64_t
keyhash(struct parser *ps, uint32_t k)
{
	const struct aml_jtok *t = &ps->d->tok[k];
	size_t n;

	if (t->flags & AML_JF_ESC) {
		n = unesc(ps->d, k, &ps->s1, &ps->s1cap);
		return aml_hash(ps->s1, n);
	}
	return aml_hash(ps->d->buf + t->off + 1, t->len - 2);
}

/* The key JSON-escaped, as it would be written (a key can hold a
 * newline, and the message is one line), and cut after 64 bytes. */
static int
dupkey(struct parser *ps, uint32_t k)
{
	struct aml_wbuf w;
	char name[80], *q;
	size_t full = aml_jstr(ps->d, k, name, sizeof name), n = full > 64 ? 64 : full;
	int r;

	/* Not in the middle of a character. */
	while (n < full && n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
		n--;
	aml_wbuf_init(&w, -1);
	aml_jw_escape(&w, name, n);
	if (n < full)
		aml_wputs(&w, "...");
	q = aml_wbuf_take(&w);
	r = fail(ps, ps->d->buf + ps->d->tok[k].off, "duplicate key %s", q);
	free(q);
	return r;
}

/* Small objects compare every pair; big ones (package.nodes can hold
 * thousands) go through a hash table, so the check stays linear.  The
 * table is sized for this object, not for the largest one before it: a
 * huge object followed by many small ones would otherwise clear the
 * huge table for each. */
static int
checkdups(struct parser *ps, size_t base)
{
	size_t n = ps->nkeys - base, i, j, cap, mask;
	uint32_t *k, tag;
	uint64_t h;

	if (n < 2)
		return 0;
	k = ps->keys + base;	/* not before: keys is NULL until a key is pushed */
	if (n <= 8) {
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (keyeq(ps, k[i], k[j]))
					return dupkey(ps, k[i]);
		return 0;
	}
	for (cap = 16; cap < n * 2; cap *= 2)
		;
	if (ps->hcap < cap) {
		free(ps->hash);
		ps->hash = aml_xreallocarray(NULL, cap, sizeof *ps->hash);
		ps->hcap = cap;
	}
	memset(ps->hash, 0, cap * sizeof *ps->hash);
	mask = cap - 1;
	/* The slot from the hash's low bits, a tag from its high bits:
	 * keys are compared only when their tags match, as in a large
	 * object each key read is a cache miss. */
	for (i = 0; i < n; i++) {
		h = keyhash(ps, k[i]);
		tag = (uint32_t)(h >> 32);
		for (j = h & mask; ps->hash[j].tok; j = (j + 1) & mask)
			if (ps->hash[j].h == tag && keyeq(ps, ps->hash[j].tok, k[i]))
				return dupkey(ps, k[i]);
		ps->hash[j].tok = k[i];
		ps->hash[j].h = tag;
	}
	return 0;
}

static void
pushkey(struct parser *ps, uint32_t k)
{
	if (ps->nkeys == ps->kcap) {
		ps->kcap = ps->kcap * 2 + 64;
		ps->keys = aml_xreallocarray(ps->keys, ps->kcap, sizeof *ps->keys);
	}
	ps->keys[ps->nkeys++] = k;
}

static int
open_container(struct parser *ps, enum aml_jtype type)
{
	if (ps->depth == AML_JMAXDEPTH)
		return fail(ps, ps->p, "nesting deeper than %d levels", AML_JMAXDEPTH);
	ps->stack[ps->depth] = newtok(ps, type, ps->p);
	ps->kbase[ps->depth] = (uint32_t)ps->nkeys;
	ps->depth++;
	ps->p++;
	return 0;
}

static int
close_container(struct parser *ps)
{
	uint32_t t = ps->stack[--ps->depth];
	struct aml_jtok *tok = &ps->d->tok[t];

	ps->p++;
	tok->len = (uint32_t)(ps->p - (ps->d->buf + tok->off));
	tok->end = ps->d->ntok;
	if (tok->type == AML_JOBJECT) {
		if (checkdups(ps, ps->kbase[ps->depth]) < 0)
			return -1;
		ps->nkeys = ps->kbase[ps->depth];
	}
	return 0;
}

/* Nothing more can be looked at before the next chunk arrives. */
#define WAIT(s) do { ps->state = (s); return 1; } while (0)
#define MORE() (ps->p >= ps->end && !ps->final)

/*
 * The grammar as a state machine whose states are labels, so that the
 * hot path is straight jumps and a parse can stop where the input ends
 * (in whitespace only: a raw newline, which is where a chunk ends, can
 * only stand between tokens) and resume at the same label.  Returns 0
 * at the end of the input, 1 when it needs more, -1 on an error.
 */
static int
parse(struct parser *ps)
{
	uint32_t top;
	char c;

	switch (ps->state) {
	case S_VALUE: goto value;
	case S_OBJFIRST: goto objfirst;
	case S_ARRFIRST: goto arrfirst;
	case S_KEY: goto key;
	case S_COLON: goto colon;
	case S_AFTER: goto after;
	default: goto trailing;
	}
value:
	skipws(ps);
	if (ps->p >= ps->end) {
		if (!ps->final)
			WAIT(S_VALUE);
		return unexpected(ps, ps->p, "a JSON value");
	}
	switch (*ps->p) {
	case '{':
		if (open_container(ps, AML_JOBJECT) < 0)
			return -1;
		goto objfirst;
	case '[':
		if (open_container(ps, AML_JARRAY) < 0)
			return -1;
		goto arrfirst;
	case '"':
		if (string(ps, 0) < 0)
			return -1;
		break;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		if (number(ps) < 0)
			return -1;
		break;
	default:
		if (literal(ps) < 0)
			return -1;
		break;
	}
after:
	/* After a value: close containers, or go on to the next one. */
	for (;;) {
		if (ps->depth == 0)
			goto trailing;
		skipws(ps);
		if (MORE())
			WAIT(S_AFTER);
		top = ps->stack[ps->depth - 1];
		c = ps->p < ps->end ? *ps->p : '\0';
		if (c == ',') {
			ps->p++;
			if (ps->d->tok[top].type == AML_JOBJECT)
				goto key;
			goto value;
		}
		if (ps->d->tok[top].type == AML_JOBJECT ? c == '}' : c == ']') {
			if (close_container(ps) < 0)
				return -1;
			continue;
		}
		return unexpected(ps, ps->p, ps->d->tok[top].type == AML_JOBJECT ?
		    "',' or '}'" : "',' or ']'");
	}
objfirst:
	skipws(ps);
	if (MORE())
		WAIT(S_OBJFIRST);
	if (*ps->p == '}' && ps->p < ps->end) {
		if (close_container(ps) < 0)
			return -1;
		goto after;
	}
	goto key;
arrfirst:
	skipws(ps);
	if (MORE())
		WAIT(S_ARRFIRST);
	if (*ps->p == ']' && ps->p < ps->end) {
		if (close_container(ps) < 0)
			return -1;
		goto after;
	}
	goto value;
key:
	skipws(ps);
	if (MORE())
		WAIT(S_KEY);
	if (*ps->p != '"' || ps->p >= ps->end)
		return unexpected(ps, ps->p, "a string key");
	if (string(ps, 1) < 0)
		return -1;
	pushkey(ps, ps->d->ntok - 1);
colon:
	skipws(ps);
	if (MORE())
		WAIT(S_COLON);
	if (*ps->p != ':' || ps->p >= ps->end)
		return unexpected(ps, ps->p, "':' after the key");
	ps->p++;
	goto value;
trailing:
	skipws(ps);
	if (ps->p < ps->end)
		return *ps->p ? fail(ps, ps->p, "unexpected data after the JSON value") :
		    fail(ps, ps->p, "NUL byte in input");
	if (!ps->final)
		WAIT(S_TRAILING);
	return 0;
}

struct aml_jinc *
aml_jinc_new(struct aml_jdoc *d, struct aml_jerr *e, size_t sizehint)
{
	struct parser *ps;

	memset(d, 0, sizeof *d);
	memset(e, 0, sizeof *e);
	ps = aml_xcalloc(1, sizeof *ps);
	ps->d = d;
	ps->e = e;
	ps->state = S_VALUE;
	/* Definitions have a token for every 12 to 20 bytes. */
	if (sizehint >= UINT32_MAX)
		sizehint = 0;
	d->cap = (uint32_t)(sizehint / 12 + 16);
	d->tok = aml_big_alloc((size_t)d->cap * sizeof *d->tok);
	return (struct aml_jinc *)ps;
}

/* What aml_jparse checks before the first token; 0 or -1. */
static int
start(struct parser *ps, const char *buf, size_t len)
{
	ps->started = 1;
	ps->pos = 0;
	if (len >= 2 && (((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe) ||
	    ((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff))) {
		ps->p = buf;
		return fail(ps, buf, "input is UTF-16; convert it with iconv -f UTF-16 -t UTF-8");
	}
	/* Windows tools write a UTF-8 byte order mark; it is not JSON. */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		ps->pos = 3;
	return 0;
}

/* Parse buf[pos .. len), which ends in the '\0' at buf[len]. */
static int
run(struct parser *ps, const char *buf, size_t len)
{
	int r;

	ps->d->buf = buf;
	ps->p = buf + ps->pos;
	ps->end = buf + len;
	r = parse(ps);
	ps->pos = (size_t)(ps->p - buf);
	if (r < 0)
		ps->failed = 1;
	return r;
}

int
aml_jinc_feed(struct aml_jinc *s, char *buf, size_t len)
{
	struct parser *ps = (struct parser *)s;
	const char *nl;
	size_t safe;
	char save;

	if (ps->failed)
		return -1;
	/* Only up to the last newline: a token never spans one. */
	if (len <= ps->seen || !(nl = memrchr(buf + ps->seen, '\n', len - ps->seen))) {
		ps->seen = len;
		return 0;
	}
	ps->seen = len;
	safe = (size_t)(nl - buf) + 1;
	if (!ps->started) {
		if (len < 3)
			return 0;
		ps->d->buf = buf;
		if (start(ps, buf, len) < 0) {
			ps->failed = 1;
			return -1;
		}
	}
	if (safe <= ps->pos)
		return 0;
	/* Every scan ends at a '\0': lend it the byte after the newline. */
	save = buf[safe];
	buf[safe] = '\0';
	run(ps, buf, safe);
	buf[safe] = save;
	return ps->failed ? -1 : 0;
}

static void
release(struct parser *ps)
{
	free(ps->keys);
	free(ps->hash);
	free(ps->s1);
	free(ps->s2);
	free(ps);
}

void
aml_jinc_abort(struct aml_jinc *s)
{
	struct parser *ps = (struct parser *)s;

	aml_jfree(ps->d);
	release(ps);
}

int
aml_jinc_end(struct aml_jinc *s, const char *buf, size_t len)
{
	struct parser *ps = (struct parser *)s;
	struct aml_jdoc *d = ps->d;
	int r = -1;

	d->buf = buf;
	d->len = len;
	if (ps->failed)
		goto out;
	if (len >= UINT32_MAX) {
		snprintf(ps->e->msg, sizeof ps->e->msg, "input larger than 4 GiB");
		goto out;
	}
	/* Without the terminator the scan would run on past the input. */
	if (buf[len] != '\0') {
		snprintf(ps->e->msg, sizeof ps->e->msg, "input not NUL-terminated");
		goto out;
	}
	if (!ps->started && start(ps, buf, len) < 0)
		goto out;
	ps->final = 1;
	r = run(ps, buf, len);
out:
	release(ps);
	if (r < 0)
		aml_jfree(d);
	return r;
}

int
aml_jparse(struct aml_jdoc *d, const char *buf, size_t len, struct aml_jerr *e)
{
	return aml_jinc_end(aml_jinc_new(d, e, len), buf, len);
}

void
aml_jfree(struct aml_jdoc *d)
{
	aml_big_free(d->tok, (size_t)d->cap * sizeof *d->tok);
	d->tok = NULL;
	d->ntok = d->cap = 0;
}

static size_t
pututf8(char *o, unsigned long c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static unsigned long
hex4(const char *p)
{
	return (unsigned long)(hexval(p[0]) << 12 | hexval(p[1]) << 8 |
	    hexval(p[2]) << 4 | hexval(p[3]));
}

/* The parser has validated the escapes; a lone surrogate becomes U+FFFD. */
size_t
aml_jstr(const struct aml_jdoc *d, uint32_t i, char *buf, size_t size)
{
	const struct aml_jtok *t = &d->tok[i];
	const char *p = d->buf + t->off + 1, *end = d->buf + t->off + t->len - 1;
	size_t n = 0, k;
	char tmp[4];
	unsigned long c, lo;

	if (!(t->flags & AML_JF_ESC)) {
		n = (size_t)(end - p);
		if (size) {
			k = n < size ? n : size - 1;
			memcpy(buf, p, k);
			buf[k] = '\0';
		}
		return n;
	}
	while (p < end) {
		if (*p != '\\') {
			if (n + 1 < size)
				buf[n] = *p;
			n++, p++;
			continue;
		}
		switch (p[1]) {
		case 'b': tmp[0] = '\b'; k = 1; break;
		case 'f': tmp[0] = '\f'; k = 1; break;
		case 'n': tmp[0] = '\n'; k = 1; break;
		case 'r': tmp[0] = '\r'; k = 1; break;
		case 't': tmp[0] = '\t'; k = 1; break;
		case 'u':
			c = hex4(p + 2);
			p += 4;
			if (c >= 0xd800 && c < 0xdc00 && p + 2 < end && p[2] == '\\' &&
			    p[3] == 'u' && (lo = hex4(p + 4)) >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (c >= 0xd800 && c < 0xe000) {
				c = 0xfffd;
			}
			k = pututf8(tmp, c);
			break;
		default: tmp[0] = p[1]; k = 1; break;
		}
		p += 2;
		if (n + k < size)
			memcpy(buf + n, tmp, k);
		else if (n < size)
			size = n + 1;	/* stop filling: never split a character */
		n += k;
	}
	if (size)
		buf[n < size ? n : size - 1] = '\0';
	return n;
}

char *
aml_jstrdup(const struct aml_jdoc *d, uint32_t i)
{
	size_t n = d->tok[i].len;	/* unescaping never grows a string */
	char *s = aml_xmalloc(n + 1);

	aml_jstr(d, i, s, n + 1);
	return s;
}

static int
streq(const struct aml_jdoc *d, uint32_t i, const char *s, int ci)
{
	const struct aml_jtok *t = &d->tok[i];
	size_t n = strlen(s);
	char small[128], *buf;
	int r;

	if (t->type != AML_JSTRING)
		return 0;
	if (!(t->flags & AML_JF_ESC)) {
		if (t->len - 2 != n)
			return 0;
		return ci ? !strncasecmp(d->buf + t->off + 1, s, n) :
		    !memcmp(d->buf + t->off + 1, s, n);
	}
	buf = t->len < sizeof small ? small : aml_xmalloc(t->len);
	r = aml_jstr(d, i, buf, t->len) == n &&
	    (ci ? !strncasecmp(buf, s, n) : !memcmp(buf, s, n));
	if (buf != small)
		free(buf);
	return r;
}

int
aml_jkeyeq(const struct aml_jdoc *d, uint32_t i, const char *s)
{
	return streq(d, i, s, 0);
}

int
aml_jkeyeq_ci(const struct aml_jdoc *d, uint32_t i, const char *s)
{
	return streq(d, i, s, 1);
}

uint32_t
aml_jget(const struct aml_jdoc *d, uint32_t obj, const char *key)
{
	if (!d->tok || d->tok[obj].type != AML_JOBJECT)
		return 0;
	AML_JOBJ_EACH(d, obj, k)
		if (aml_jkeyeq(d, k, key))
			return k + 1;
	return 0;
}

uint32_t
aml_jget_ci(const struct aml_jdoc *d, uint32_t obj, const char *key)
{
	if (!d->tok || d->tok[obj].type != AML_JOBJECT)
		return 0;
	AML_JOBJ_EACH(d, obj, k)
		if (aml_jkeyeq_ci(d, k, key))
			return k + 1;
	return 0;
}

int
aml_jstrends(const struct aml_jdoc *d, uint32_t i, const char *suffix)
{
	const struct aml_jtok *t = &d->tok[i];
	size_t n = strlen(suffix), len;
	char *s;
	int r;

	if (t->type != AML_JSTRING)
		return 0;
	if (!(t->flags & AML_JF_ESC))
		return t->len - 2 >= n &&
		    !memcmp(d->buf + t->off + t->len - 1 - n, suffix, n);
	s = aml_jstrdup(d, i);
	len = strlen(s);
	r = len >= n && !memcmp(s + len - n, suffix, n);
	free(s);
	return r;
}

const char *
aml_jtypename(enum aml_jtype t)
{
	switch (t) {
	case AML_JNULL: return "null";
	case AML_JFALSE: case AML_JTRUE: return "boolean";
	case AML_JNUMBER: return "number";
	case AML_JSTRING: return "string";
	case AML_JARRAY: return "array";
	case AML_JOBJECT: return "object";
	}
	return "?";
}
