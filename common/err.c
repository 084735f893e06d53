/* SPDX-License-Identifier: MIT */
/* err.c: "prog: what: why" diagnostics, the only way programs complain. */
#include <errno.h>
#include <stdio.h>
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

/* One message line: the secrets the program holds masked by their
 * value (a server may echo one back), and control characters escaped,
 * so that a newline or an escape sequence from a server or a file can
 * neither split the line nor drive the terminal. */
static void
verr(const char *prefix, const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);
	char *msg = NULL, *masked;
	struct aml_wbuf w;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	aml_wbuf_init(&w, -1);
	aml_wprintf(&w, "%s: %s", aml_prog, prefix ? prefix : "");
	masked = aml_mask_held(msg ? msg : fmt);
	aml_escape_controls(&w, masked, strlen(masked));
	if (n && fmt[n - 1] == ':')
		aml_wprintf(&w, " %s", strerror(saved));
	aml_wputc(&w, '\n');
	fwrite(w.buf, 1, w.len, stderr);
	aml_wbuf_free(&w);
	aml_freesecret(masked);
	aml_freesecret(msg);
	errno = saved;
}

void
aml_escape_controls(struct aml_wbuf *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7f) {
			aml_wputc(w, (char)c);
			continue;
		}
		aml_wputc(w, '\\');
		switch (c) {
		case '\n': aml_wputc(w, 'n'); break;
		case '\r': aml_wputc(w, 'r'); break;
		case '\t': aml_wputc(w, 't'); break;
		default:
			aml_wputc(w, 'x');
			aml_wputc(w, hex[c >> 4]);
			aml_wputc(w, hex[c & 15]);
		}
	}
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

void
aml_version(void)
{
	printf("%s %s\n", aml_prog, AML_VERSION);
	exit(aml_fshut(stdout, "<stdout>"));
}
