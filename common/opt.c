/* SPDX-License-Identifier: MIT */
/*
 * opt.c: the command line every program shares.  Programs parse their
 * options with getopt_long as usual; the Makefile links every program
 * with -Wl,--wrap=getopt_long, so that each of their calls comes here
 * first and then goes on to the C library's.
 *
 * Why a wrap and not a function of our own that programs must call:
 * the two things done here must hold for every program, including the
 * ones written next to this file at the same time, without anyone
 * remembering to opt in.
 *
 * 1. A usage error says what is wrong in our words and suggests the
 *    nearest option ("unknown option --tenat; did you mean --tenant?")
 *    instead of glibc's "unrecognized option"; the program then prints
 *    its usage as it always did.
 * 2. The hidden first argument --aml-option-table prints the program's
 *    option table (the very struct option array and option string it
 *    parses with) and exits.  The build turns those tables into the
 *    bash and zsh completions (completion/gen.sh), so that completions
 *    cannot drift from what a program accepts.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "aml.h"

#define TABLE_ARG "--aml-option-table"

int __real_getopt_long(int argc, char *const argv[], const char *optstring,
    const struct option *longopts, int *longindex);
int __wrap_getopt_long(int argc, char *const argv[], const char *optstring,
    const struct option *longopts, int *longindex);

/* Options renamed before 1.0 that many scripts still carry: the new name
 * is suggested when the program has it. */
static const char *const renamed[][2] = {
	{ "timeout", "max-time" },
	{ "secret-file", "key-file" },
	{ "region", "location" },
	{ NULL, NULL }
};

int
aml_edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	int d[64][64];

	if (n >= 64 || m >= 64)
		return 99;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int ai = tolower((unsigned char)a[i - 1]), bj = tolower((unsigned char)b[j - 1]);
			int v = d[i - 1][j - 1] + (ai != bj);

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			/* A transposition (tenatn for tenant) is one slip. */
			if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == bj && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

const char *
aml_nearest(const char *word, const char *const *names, size_t n, int maxd)
{
	const char *best = NULL;
	int bd = maxd + 1, d;

	for (size_t i = 0; i < n; i++)
		if (names[i] && (d = aml_edit_distance(word, names[i])) < bd) {
			bd = d;
			best = names[i];
		}
	return best;
}

static size_t
count(const struct option *lo)
{
	size_t n = 0;

	while (lo && lo[n].name)
		n++;
	return n;
}

/* The long option called name (len bytes), or the only one it begins;
 * NULL when none or several. */
static const struct option *
long_match(const struct option *lo, const char *name, size_t len)
{
	const struct option *found = NULL;
	size_t n = 0;

	for (; lo && lo->name; lo++) {
		if (strlen(lo->name) == len && !strncmp(lo->name, name, len))
			return lo;
		if (!strncmp(lo->name, name, len) && !n++)
			found = lo;
	}
	return n == 1 ? found : NULL;
}

/* What the user most likely meant by --name: a renamed option's new
 * name, else the nearest by edit distance (a slip or two, more for
 * longer names). */
static const char *
suggest(const struct option *lo, const char *name)
{
	size_t n = count(lo), len = strlen(name);
	const char **names;
	const char *best;

	for (size_t i = 0; renamed[i][0]; i++)
		if (!strcmp(name, renamed[i][0]) &&
		    long_match(lo, renamed[i][1], strlen(renamed[i][1])))
			return renamed[i][1];
	names = aml_xcalloc(n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++)
		names[i] = lo[i].name;
	best = aml_nearest(name, names, n, 1 + (int)len / 4);
	free(names);
	return best;
}

/* The long options that begin with the len bytes of name, for an
 * ambiguous abbreviation; malloc'd, "--a, --b". */
static char *
candidates(const struct option *lo, const char *name, size_t len)
{
	struct aml_wbuf w;

	aml_wbuf_init(&w, -1);
	for (; lo && lo->name; lo++)
		if (!strncmp(lo->name, name, len))
			aml_wprintf(&w, "%s--%s", w.len ? ", " : "", lo->name);
	return aml_wbuf_take(&w);
}

/* arg is "--name" or "--name=value" that getopt_long refused. */
static void
long_trouble(const char *arg, const struct option *lo)
{
	const char *name = arg + 2, *near;
	size_t len = strcspn(name, "="), n = 0;
	const struct option *o = long_match(lo, name, len);
	char *shown = aml_xstrndup(name, len), *list;

	for (const struct option *p = lo; p && p->name; p++)
		n += !strncmp(p->name, name, len);
	if (o && o->has_arg == no_argument && name[len] == '=') {
		aml_err("option --%s takes no value", o->name);
	} else if (o && o->has_arg == required_argument) {
		aml_err("option --%s needs a value", o->name);
	} else if (!o && n > 1) {
		list = candidates(lo, name, len);
		aml_err("option --%s is ambiguous: %s", shown, list);
		free(list);
	} else if ((near = suggest(lo, shown))) {
		aml_err("unknown option --%s; did you mean --%s?", shown, near);
	} else {
		aml_err("unknown option --%s", shown);
	}
	free(shown);
}

/* getopt_long said '?': say why, once, in the toolkit's words.  glibc
 * leaves 0 in optopt for a long option it does not know (or cannot tell
 * from another), the option's value when a known one lacks a value or
 * has one it does not take, and a short option's letter otherwise; a
 * long option is always the argument just passed. */
static void
trouble(char *const argv[], const char *optstring, const struct option *lo)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;
	const struct option *o;

	if (arg && arg[0] == '-' && arg[1] == '-' && arg[2]) {
		o = long_match(lo, arg + 2, strcspn(arg + 2, "="));
		if (optopt == 0 || (o && o->val == optopt)) {
			long_trouble(arg, lo);
			return;
		}
	}
	if (optopt > ' ' && optopt < 0x7f && optopt != ':' && strchr(optstring, optopt))
		aml_err("option -%c needs a value", optopt);
	else if (optopt > ' ' && optopt < 0x7f)
		aml_err("unknown option -%c", optopt);
	else
		aml_err("invalid option");
}

/* One line an option: its long name ("-" for none), 0/1/2 for no,
 * required or optional value, and its letter ("-" for none). */
static AML_NORETURN void
table(const char *optstring, const struct option *lo)
{
	const struct option *p;
	const char *s;

	for (p = lo; p && p->name; p++) {
		if (!p->flag && p->val > ' ' && p->val < 0x7f && strchr(optstring, p->val))
			printf("%s\t%d\t%c\n", p->name, p->has_arg, p->val);
		else
			printf("%s\t%d\t-\n", p->name, p->has_arg);
	}
	for (s = optstring; *s; s++) {
		if (*s == ':' || *s == '+' || *s == '-')
			continue;
		for (p = lo; p && p->name; p++)
			if (!p->flag && p->val == *s)
				break;
		if (!p || !p->name)
			printf("-\t%d\t%c\n", s[1] != ':' ? 0 : s[2] == ':' ? 2 : 1, *s);
	}
	exit(aml_fshut(stdout, "<stdout>"));
}

int
__wrap_getopt_long(int argc, char *const argv[], const char *optstring,
    const struct option *longopts, int *longindex)
{
	static int first = 1;
	int c;

	if (first) {
		first = 0;
		if (argc == 2 && !strcmp(argv[1], TABLE_ARG))
			table(optstring, longopts);
	}
	opterr = 0;
	c = __real_getopt_long(argc, argv, optstring, longopts, longindex);
	if (c == '?')
		trouble(argv, optstring, longopts);
	return c;
}
