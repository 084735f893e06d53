/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h: what the libFuzzer targets in fuzz/ share.  Each target is one
 * file with LLVMFuzzerTestOneInput; it drives the real code of libaml
 * (or of aml-emulator) that reads untrusted input, and checks the
 * promises that code makes beyond "does not crash": every message is
 * one line, what is written parses again, and so on.  A broken promise
 * is an abort(), which libFuzzer reports and keeps as a crash.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "amlnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A promise broken: say which, with the offending text, and abort. */
#define FUZZ_ASSERT(cond, what, text) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz: %s:%d: %s: %s\n", __FILE__, __LINE__, (what), \
		    (text) ? (const char *)(text) : "(null)"); \
		abort(); \
	} \
} while (0)

static inline void
fuzz_setprog(const char *name)
{
	static char *argv0[2];

	argv0[0] = (char *)name;
	aml_setprog(argv0);
	aml_quiet = 1;
}

/* A message for one stderr line: no line end in it, nor any other C0
 * control (an escape sequence would rewrite the terminal); DEL is left
 * alone, as JSON leaves it. */
static inline int
fuzz_oneline(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20)
			return 0;
	return 1;
}

#define FUZZ_ONELINE(s) FUZZ_ASSERT(fuzz_oneline(s), "a message of more than one line", (s))

/* The input cut at NUL bytes into at most n parts: each a malloc'd copy
 * of exactly its bytes plus a NUL, so that reading past it is caught.
 * JSON never holds a raw NUL, so a JSON document can carry arguments
 * after it.  Returns how many parts there are; the rest are NULL. */
static inline int
fuzz_split(const uint8_t *data, size_t size, char **part, size_t *len, int n)
{
	int k = 0;
	size_t i = 0;

	memset(part, 0, (size_t)n * sizeof *part);
	while (k < n) {
		const uint8_t *z = k < n - 1 ? memchr(data + i, 0, size - i) : NULL;
		size_t m = z ? (size_t)(z - (data + i)) : size - i;

		part[k] = malloc(m + 1);
		memcpy(part[k], data + i, m);
		part[k][m] = '\0';
		if (len)
			len[k] = m;
		k++;
		if (!z)
			break;
		i += m + 1;
	}
	return k;
}

static inline void
fuzz_free_parts(char **part, int n)
{
	for (int i = 0; i < n; i++)
		free(part[i]);
}

/* An HTTP response as bytes: "HTTP/1.1 404 Not Found", header lines,
 * an empty line, the body; without the "HTTP/" start, all of it is the
 * body and the status is dflt.  Filled the way http.c fills it (body
 * NUL-terminated, headers in order, date from the Date header); free it
 * with aml_resp_free. */
static inline void
fuzz_response(const uint8_t *data, size_t size, long dflt, struct aml_resp *r)
{
	const char *p = (const char *)data, *end = p + size;

	memset(r, 0, sizeof *r);
	r->status = dflt;
	if (size > 5 && !memcmp(p, "HTTP/", 5)) {
		const char *eol = memchr(p, '\n', size), *sp;

		eol = eol ? eol : end;
		sp = memchr(p, ' ', (size_t)(eol - p));
		r->status = 0;
		for (sp = sp ? sp + 1 : eol; sp < eol && *sp >= '0' && *sp <= '9' &&
		    r->status < 1000; sp++)
			r->status = r->status * 10 + (*sp - '0');
		p = eol < end ? eol + 1 : end;
		while (p < end) {
			const char *line = p, *colon, *v;
			size_t n;

			eol = memchr(p, '\n', (size_t)(end - p));
			eol = eol ? eol : end;
			p = eol < end ? eol + 1 : end;
			n = (size_t)(eol - line);
			if (n && line[n - 1] == '\r')
				n--;
			if (!n)
				break;
			if (!(colon = memchr(line, ':', n)))
				continue;
			for (v = colon + 1; v < line + n && (*v == ' ' || *v == '\t'); v++)
				;
			r->hdr = aml_xreallocarray(r->hdr, r->nhdr + 1, sizeof *r->hdr);
			r->hdr[r->nhdr].name = aml_xstrndup(line, (size_t)(colon - line));
			r->hdr[r->nhdr].value = aml_xstrndup(v, (size_t)(line + n - v));
			if (!strcasecmp(r->hdr[r->nhdr].name, "Date"))
				r->date = aml_http_date(r->hdr[r->nhdr].value);
			r->nhdr++;
		}
	}
	r->len = (size_t)(end - p);
	r->body = aml_xmalloc(r->len + 1);
	memcpy(r->body, p, r->len);
	r->body[r->len] = '\0';
}

#endif
