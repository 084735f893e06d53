/* SPDX-License-Identifier: MIT */
/*
 * aml-import-ws: a definition in (exported by aml-import-ws or by
 * PowerShell's Export-AzMlWebService, or edited by hand), validated
 * against the schema of the REST specification, and printed canonical:
 * the same form aml-import-ws prints, so that importing is idempotent.
 * Every problem is reported, one line each, before anything is written.
 */
#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include "aml.h"

static int vflag;
static const char *inname;

static const struct option longopts[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-import-ws [-fqv] [-o file] [file]\n");
	if (!status)
		fprintf(fp,
		    "  -o, --output FILE  write the definition to FILE (atomically)\n"
		    "  -f, --force        replace FILE if it exists\n"
		    "  -q, --quiet        no warnings\n"
		    "  -v, --verbose      say what was done on stderr\n"
		    "  -h, --help         this help\n"
		    "  -V, --version      print the version\n");
	exit(status);
}

static void
problem(void *arg, int severity, const char *path, const char *msg)
{
	if (severity == AML_DEFN_WARNING)
		aml_warn("%s: %s: %s", inname, path, msg);
	else if (*path)
		aml_err("%s: %s: %s", inname, path, msg);
	else
		aml_err("%s: %s", inname, msg);
}

int
main(int argc, char *argv[])
{
	const char *outpath = NULL, *path = NULL;
	struct aml_jdoc d;
	struct aml_out out;
	struct aml_jw jw;
	int c, force = 0;
	size_t len;
	char *buf;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "fho:qvV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': force = 1; break;
		case 'h': usage(0); break;
		case 'o': outpath = optarg; break;
		case 'q': aml_quiet = 1; break;
		case 'v': vflag = 1; break;
		case 'V': aml_version(); break;
		default: usage(AML_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(AML_EXIT_USAGE);
	if (argc == 1)
		path = argv[0];
	if ((!path || !strcmp(path, "-")) && isatty(0))
		usage(AML_EXIT_USAGE);
	inname = aml_inname(path);

	buf = aml_jview(path, &d, &len);
	if (vflag)
		fprintf(stderr, "%s: %s: %zu bytes, %u JSON tokens\n", aml_prog, inname,
		    len, d.ntok);
	if (aml_defn_check(&d, 0, problem, NULL) > 0)
		exit(AML_EXIT_FAIL);

	aml_out_open(&out, outpath, force);
	aml_jw_init(&jw, &out.w, AML_JW_PRETTY);
	aml_defn_emit(&jw, &d);
	aml_wputc(&out.w, '\n');
	c = aml_out_close(&out);
	if (vflag && c == 0)
		fprintf(stderr, "%s: valid; definition written to %s\n", aml_prog,
		    outpath ? outpath : "<stdout>");
	aml_jfree(&d);
	aml_unmap(buf);
	return c;
}
