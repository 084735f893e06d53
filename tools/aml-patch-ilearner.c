/* SPDX-License-Identifier: MIT */
/*
 * aml-patch-ilearner: point one asset of a web service definition at a
 * retrained model, properties.assets.<key>.locationInfo.uri, and change
 * nothing else.  The new string is spliced into the input bytes at the
 * old value's span, so every other byte (whitespace, escapes, key case,
 * a byte order mark, CRLF line ends) stays as it was.
 */
#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include "aml.h"

static int vflag;
static const char *inname;

enum { OPT_KEEP_SAS = AML_OPT_OWN, OPT_RESULT };

static const struct option longopts[] = {
	{ "asset", required_argument, NULL, 'a' },
	{ "bes-status", required_argument, NULL, 'b' },
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "keep-sas", no_argument, NULL, OPT_KEEP_SAS },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "result", required_argument, NULL, OPT_RESULT },
	{ "uri", required_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-patch-ilearner [-fqv] [--keep-sas] [-a asset] [-o file] -u uri [file]\n"
	    "       aml-patch-ilearner [-fqv] [--keep-sas] [-a asset] [-o file] -b bes-status\n"
	    "                          [--result output] [file]\n");
	if (!status)
		fprintf(fp,
		    "  -a, --asset KEY|NAME     the asset to change (default: the one Resource\n"
		    "                           asset named \"... [trained model]\")\n"
		    "  -u, --uri URI            its new location\n"
		    "  -b, --bes-status FILE    take it from a finished BES job's status\n"
		    "      --result NAME        the BES output to use (default: the one .ilearner)\n"
		    "      --keep-sas           keep a SAS token in the URI: the output's with -b;\n"
		    "                           with -u, AML_SAS_TOKEN or AML_SAS_TOKEN_FILE's\n"
		    "  -o, --output FILE        write the definition to FILE (atomically)\n"
		    "  -f, --force              replace FILE if it exists\n"
		    "  -q, --quiet              say nothing on success, no warnings\n"
		    "  -v, --verbose            say more on stderr\n"
		    "  -h, --help               this help\n"
		    "  -V, --version            print the version\n");
	exit(status);
}


/* The new location from a BES job status: Base + Relative, one slash;
 * NULL after the error line. */
static char *
from_bes(const char *path, const char *result, int keepsas, const char **src)
{
	struct aml_bes_status st;
	struct aml_jdoc d;
	char why[512], *buf, *uri = NULL, *shown;
	const char *name = aml_inname(path), *output;

	buf = aml_jload(path, &d, NULL);
	if (aml_bes_parse(&d, 0, &st, why, sizeof why) < 0 ||
	    !(uri = aml_bes_model_uri(&st, result, keepsas, &output, why, sizeof why))) {
		aml_err("%s: %s", name, why);
	} else {
		shown = aml_jw_name(output);
		if (vflag)
			fprintf(stderr, "%s: %s: job Finished; using output %s\n", aml_prog, name, shown);
		*src = aml_xasprintf("%s: Results.%s", name, shown);
		free(shown);
	}
	aml_bes_free(&st);
	aml_jfree(&d);
	free(buf);
	return uri;
}

/* -u's location; with --keep-sas, the SAS token from the environment after it
 * (argv is public: a SAS given there is warned about). */
static char *
from_arg(const char *arg, int keepsas)
{
	static const char *const vars[] = { "AML_SAS_TOKEN", NULL };
	char *tok, *sas, *uri;

	if (!keepsas)
		return aml_xstrdup(arg);
	if (aml_secret_get(NULL, vars, NULL, &tok) < 0)
		return NULL;
	if (!tok || !(sas = aml_sas_query(tok))) {
		aml_err("--keep-sas with -u: no SAS token in AML_SAS_TOKEN or AML_SAS_TOKEN_FILE");
		aml_freesecret(tok);
		return NULL;
	}
	if (strchr(arg, '?')) {
		aml_err("--keep-sas with -u: the URI has a query already");
		uri = NULL;
	} else {
		uri = aml_xasprintf("%s%s", arg, sas);
	}
	aml_freesecret(tok);
	aml_freesecret(sas);
	return uri;
}

static void
say_change(const struct aml_jdoc *d, uint32_t key, uint32_t old, const char *uri)
{
	char *who = aml_patch_describe(d, key), *o = aml_jstrdup(d, old);
	char *ro = aml_uri_redact(o), *rn = aml_uri_redact(uri);
	/* The old value came from the file: quoted unless it is plain. */
	char *qo = aml_jw_name(ro);

	if (!strcmp(o, uri))
		fprintf(stderr, "%s: %s: already at %s; nothing changed\n", aml_prog, who, rn);
	else
		fprintf(stderr, "%s: %s: %s -> %s\n", aml_prog, who, qo, rn);
	free(who);
	free(o);
	free(ro);
	free(rn);
	free(qo);
}

int
main(int argc, char *argv[])
{
	const char *outpath = NULL, *path = NULL, *asset = NULL, *uriarg = NULL;
	const char *bes = NULL, *result = NULL, *src = "-u", *why;
	struct aml_patch p;
	struct aml_jdoc d;
	struct aml_out out;
	int c, force = 0, keepsas = 0;
	char *buf, *uri, *s, *msg;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "a:b:fho:qu:vV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': asset = optarg; break;
		case 'b': bes = optarg; break;
		case 'f': force = 1; break;
		case 'h': usage(0); break;
		case OPT_KEEP_SAS: keepsas = 1; break;
		case 'o': outpath = optarg; break;
		case 'q': aml_quiet = 1; break;
		case OPT_RESULT: result = optarg; break;
		case 'u': uriarg = optarg; break;
		case 'v': vflag = 1; break;
		case 'V': aml_version(); break;
		default: usage(AML_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(AML_EXIT_USAGE);
	if (!uriarg == !bes || (uriarg && result)) {
		if (!uriarg && !bes)
			aml_err("-u or -b is required (the new location, or the status aml-retrain printed)");
		else
			aml_err(uriarg && bes ? "give one of -u and -b" : "--result goes with -b");
		usage(AML_EXIT_USAGE);
	}
	if (argc == 1)
		path = argv[0];
	/* Only one of the two inputs can come from stdin, and not from a tty. */
	c = (!path || !strcmp(path, "-")) + (bes && !strcmp(bes, "-"));
	if (c == 2 || (c == 1 && isatty(0)))
		usage(AML_EXIT_USAGE);
	inname = aml_inname(path);

	/* Everything is checked before the first byte goes out; what was
	 * allocated is freed on the way out, failures too. */
	if (!(uri = bes ? from_bes(bes, result, keepsas, &src) : from_arg(uriarg, keepsas)))
		return AML_EXIT_FAIL;
	if (aml_uri_check(uri, &why) < 0) {
		s = aml_uri_redact(uri);
		aml_err("%s: %s: %s", src, s, why);
		free(s);
		c = AML_EXIT_FAIL;
		goto out;
	}
	if (uriarg)
		aml_argv_secret("-u", uriarg, "give the URI without its SAS and the token in "
		    "AML_SAS_TOKEN or AML_SAS_TOKEN_FILE, with --keep-sas");
	if (!aml_uri_path_ends(uri, ".ilearner")) {
		s = aml_uri_redact(uri);
		aml_warn("%s: %s does not end in .ilearner; is it a trained model?", src, s);
		free(s);
	}

	buf = aml_jview(path, &d, NULL);
	c = AML_EXIT_FAIL;
	if (aml_defn_check(&d, AML_DEFN_SHAPE, aml_defn_stderr, (void *)inname) > 0)
		goto done;
	if (aml_patch_locate(&d, asset, &p, &msg) < 0) {
		aml_err("%s: %s", inname, msg);
		free(msg);
		goto done;
	}
	if (p.warning)
		aml_warn("%s: %s", inname, p.warning);

	aml_out_open(&out, outpath, 0644, force);
	aml_patch_splice(&out.w, &d, &p, uri);
	if ((c = aml_out_close(&out)) == 0 && !aml_quiet)
		say_change(&d, p.key, p.uri, uri);
	aml_patch_free(&p);
done:
	aml_jfree(&d);
	aml_unmap(buf);
out:
	free(uri);
	if (bes)
		free((char *)src);
	return c;
}
