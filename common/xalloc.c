/* SPDX-License-Identifier: MIT */
/* xalloc.c: allocation that dies on failure, and wiping of secrets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aml.h"

static void *
check(void *p)
{
	if (!p)
		aml_die("out of memory");
	return p;
}

void *
aml_xmalloc(size_t n)
{
	return check(malloc(n ? n : 1));
}

void *
aml_xcalloc(size_t nmemb, size_t size)
{
	return check(calloc(nmemb ? nmemb : 1, size ? size : 1));
}

void *
aml_xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1));
}

void *
aml_xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		aml_die("out of memory");
	return aml_xrealloc(p, nmemb * size);
}

char *
aml_xstrdup(const char *s)
{
	return check(strdup(s));
}

char *
aml_xstrndup(const char *s, size_t n)
{
	return check(strndup(s, n));
}

char *
aml_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		aml_die("out of memory");
	return s;
}

/* explicit_bzero keeps the compiler from dropping a store to memory
 * that is about to be freed. */
void
aml_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

void
aml_freesecret(char *s)
{
	if (s) {
		aml_wipe(s, strlen(s));
		free(s);
	}
}

/* Touching 50 MB a 4 KiB page at a time costs 12,800 page faults, about
 * as much time as parsing it.  The advice covers every page of the
 * buffer: a large malloc block is a mapping of its own, and advice on
 * part of it would split it in two, after which realloc can no longer
 * grow it in place (mremap) and copies it instead. */
#define HUGEPAGE ((size_t)2 << 20)

void
aml_hugepages(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	static size_t pg;
	uintptr_t a, b;

	if (n < 2 * HUGEPAGE)
		return;
	if (!pg)
		pg = (size_t)sysconf(_SC_PAGESIZE);
	a = (uintptr_t)p & ~(uintptr_t)(pg - 1);
	b = ((uintptr_t)p + n + pg - 1) & ~(uintptr_t)(pg - 1);
	madvise((void *)a, b - a, MADV_HUGEPAGE);	/* advice only */
#else
	(void)p;
	(void)n;
#endif
}
