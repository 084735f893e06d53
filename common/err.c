/* SPDX-License-Identifier: MIT */
/* err.c: "prog: what: why" diagnostics, the only way programs complain. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aml.h"

const char *aml_prog = "aml";
int aml_quiet;

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

void
aml_verr(const char *prefix, const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	fprintf(stderr, "%s: %s", aml_prog, prefix ? prefix : "");
	vfprintf(stderr, fmt, ap);
	if (n && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
	errno = saved;
}

void
aml_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	aml_verr(NULL, fmt, ap);
	va_end(ap);
}

void
aml_warn(const char *fmt, ...)
{
	va_list ap;

	if (aml_quiet)
		return;
	va_start(ap, fmt);
	aml_verr("warning: ", fmt, ap);
	va_end(ap);
}

void
aml_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	aml_verr(NULL, fmt, ap);
	va_end(ap);
	exit(AML_EXIT_FAIL);
}

void
aml_diex(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	aml_verr(NULL, fmt, ap);
	va_end(ap);
	exit(status);
}

void
aml_version(void)
{
	printf("%s %s\n", aml_prog, AML_VERSION);
	exit(aml_fshut(stdout, "<stdout>"));
}
