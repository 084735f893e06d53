/* SPDX-License-Identifier: MIT */
/* xalloc.c: allocation that dies on failure, and wiping of secrets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
