/* SPDX-License-Identifier: MIT */
/*
 * err.c: "prog: what: why" diagnostics, the only way programs complain,
 * and the floor of libaml: it needs nothing but the C library.  Every
 * line it writes is one line however it was made: control characters
 * from a file or a server are escaped (a newline cannot split it, an
 * escape sequence cannot drive the terminal), and the secrets the
 * program holds are masked by their value, because a server may echo
 * one back anywhere (an error description quoting the client secret).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aml.h"

#define LINE_MAX_BYTES 4096
#define MASK "***"
#define HELD_MIN 6	/* shorter values would mask ordinary words */
#define HELD_MAX 64

const char *aml_prog = "aml";
int aml_quiet;

static char *held[HELD_MAX];
static size_t nheld;

/* Take the program name from argv[0] once, and shorten argv[0] itself,
 * because getopt prefixes its own messages with argv[0] as given. */
void
aml_setprog(char **argv0)
{
	char *s;

	if (!argv0 || !*argv0)
		return;
	if ((s = strrchr(*argv0, '/')) && s[1])
		*argv0 = s + 1;
	aml_prog = *argv0;
}

/*
 * Secrets masked by value
 */

static void
forget_held(void)
{
	while (nheld) {
		nheld--;
		explicit_bzero(held[nheld], strlen(held[nheld]));
		free(held[nheld]);
	}
}

void
aml_secret_hold(const char *s)
{
	static int registered;
	size_t i;
	char *copy;

	if (!s || strlen(s) < HELD_MIN)
		return;
	for (i = 0; i < nheld; i++)
		if (!strcmp(held[i], s))
			return;
	if (!(copy = strdup(s)))
		aml_die("out of memory");
	if (nheld == HELD_MAX) {	/* the oldest goes: tokens are renewed */
		explicit_bzero(held[0], strlen(held[0]));
		free(held[0]);
		memmove(held, held + 1, --nheld * sizeof *held);
	}
	if (!registered++)
		atexit(forget_held);
	held[nheld++] = copy;
}

/* The held secret that starts earliest in the n bytes at s (the
 * longest there), or NULL; *len is its length. */
static const char *
next_held(const char *s, size_t n, size_t *len)
{
	const char *best = NULL, *f;
	size_t i, k;

	*len = 0;
	for (i = 0; i < nheld; i++) {
		k = strlen(held[i]);
		if (!(f = memmem(s, n, held[i], k)))
			continue;
		if (!best || f < best || (f == best && k > *len))
			best = f, *len = k;
	}
	return best;
}

char *
aml_mask_held(const char *s)
{
	const char *p = s, *f;
	size_t len, n = 0, cap = strlen(s) + 1;
	char *out;

	/* Masks are never longer than what they replace. */
	if (!(out = malloc(cap)))
		aml_die("out of memory");
	while ((f = next_held(p, strlen(p), &len))) {
		memcpy(out + n, p, (size_t)(f - p));
		n += (size_t)(f - p);
		memcpy(out + n, MASK, sizeof MASK - 1);
		n += sizeof MASK - 1;
		p = f + len;
	}
	memcpy(out + n, p, strlen(p) + 1);
	return out;
}

/*
 * Lines
 */

struct line {
	char buf[LINE_MAX_BYTES];
	size_t len;
};

static void
put(struct line *l, const char *s, size_t n)
{
	size_t room = sizeof l->buf - 4 - l->len;	/* "...\n" always fits */

	if (n > room) {
		n = room;
		memcpy(l->buf + l->len, s, n);
		l->len += n;
		memcpy(l->buf + l->len, "...", 3);
		l->len += 3;
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void
put_escaped(struct line *l, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char e[4];
	size_t i, run;

	for (i = 0; i < n; i += run) {
		for (run = 0; i + run < n && (unsigned char)s[i + run] >= 0x20 &&
		    s[i + run] != 0x7f; run++)
			;
		if (run) {
			put(l, s + i, run);
			continue;
		}
		run = 1;
		e[0] = '\\';
		switch (s[i]) {
		case '\n': e[1] = 'n'; put(l, e, 2); break;
		case '\r': e[1] = 'r'; put(l, e, 2); break;
		case '\t': e[1] = 't'; put(l, e, 2); break;
		default:
			e[1] = 'x';
			e[2] = hex[(unsigned char)s[i] >> 4];
			e[3] = hex[s[i] & 15];
			put(l, e, 4);
		}
	}
}

void
aml_eline(const char *prefix, const char *s, size_t n)
{
	struct line l;
	const char *p = s, *end = s + n, *f;
	size_t len;

	l.len = 0;
	put(&l, prefix, strlen(prefix));
	while ((f = next_held(p, (size_t)(end - p), &len))) {
		put_escaped(&l, p, (size_t)(f - p));
		put(&l, MASK, sizeof MASK - 1);
		p = f + len;
	}
	put_escaped(&l, p, (size_t)(end - p));
	l.buf[l.len++] = '\n';
	fwrite(l.buf, 1, l.len, stderr);
	explicit_bzero(l.buf, l.len);
}

static void
verr(const char *prefix, const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);
	char head[160], *msg = NULL, *full = NULL;

	snprintf(head, sizeof head, "%s: %s", aml_prog, prefix ? prefix : "");
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (msg && n && fmt[n - 1] == ':' && asprintf(&full, "%s %s", msg, strerror(saved)) < 0)
		full = NULL;
	if (full)
		aml_eline(head, full, strlen(full));
	else
		aml_eline(head, msg ? msg : fmt, strlen(msg ? msg : fmt));
	if (msg)
		explicit_bzero(msg, strlen(msg));
	if (full)
		explicit_bzero(full, strlen(full));
	free(msg);
	free(full);
	errno = saved;
}

void
aml_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(NULL, fmt, ap);
	va_end(ap);
}

void
aml_warn(const char *fmt, ...)
{
	va_list ap;

	if (aml_quiet)
		return;
	va_start(ap, fmt);
	verr("warning: ", fmt, ap);
	va_end(ap);
}

void
aml_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(NULL, fmt, ap);
	va_end(ap);
	exit(AML_EXIT_FAIL);
}

void
aml_diex(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(NULL, fmt, ap);
	va_end(ap);
	exit(status);
}
