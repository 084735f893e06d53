/* SPDX-License-Identifier: MIT */
/*
 * aml-patch-model: point an online deployment definition at another
 * model version, properties.model, and change nothing else: the new
 * string is spliced into the input bytes at the old value's span, so
 * every other byte stays as it was.
 *
 * The version comes from -u (its ARM id, azureml:NAME:VERSION, or a
 * registry's azureml://registries/...) or from -b, the model version
 * aml-new-model printed.  azureml:NAME:VERSION is written as the ARM id
 * when the definition's old model is an ARM id: the workspace is then
 * known (it is the deployment's), and the service writes ids, so the
 * definition keeps one form and a diff shows the version alone.
 */
#include <getopt.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "aml.h"

static const struct option longopts[] = {
	{ "model", required_argument, NULL, 'u' },
	{ "model-file", required_argument, NULL, 'b' },
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static int vflag;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-patch-model [-fqv] [-o file] -u model [file]\n"
	    "       aml-patch-model [-fqv] [-o file] -b model-version.json [file]\n");
	if (!status)
		fprintf(fp,
		    "  -u, --model REF          the model version: its ARM id, azureml:NAME:VERSION\n"
		    "                           or azureml://registries/REG/models/NAME/versions/V\n"
		    "  -b, --model-file FILE    the model version aml-new-model printed\n"
		    "  -o, --output FILE        write the definition to FILE (atomically)\n"
		    "  -f, --force              replace FILE if it exists\n"
		    "  -q, --quiet              say nothing on success, no warnings\n"
		    "  -v, --verbose            say more on stderr\n"
		    "  -h, --help               this help\n"
		    "  -V, --version            print the version\n");
	exit(status);
}

/* The model version in aml-new-model's output (a model version
 * resource): its id.  NULL after the error line. */
static char *
from_file(const char *path)
{
	const char *name = aml_inname(path), *why;
	struct aml_mlref ref;
	struct aml_jdoc d;
	uint32_t id, props, st;
	char *buf, *s = NULL, *state;

	buf = aml_jload(path, &d, NULL);
	if (AML_JTYPE(&d, 0) != AML_JOBJECT || !(id = aml_jget(&d, 0, "id")) ||
	    AML_JTYPE(&d, id) != AML_JSTRING) {
		aml_err("%s: not a model version (aml-new-model's output): it has no id", name);
	} else {
		s = aml_jstrdup(&d, id);
		if (aml_mlref_parse(s, &ref, &why) < 0 || ref.kind != AML_MLREF_ID) {
			aml_err("%s: its id is not a model version's "
			    "(.../workspaces/WS/models/NAME/versions/VERSION)", name);
			free(s);
			s = NULL;
		}
		aml_mlref_free(&ref);
	}
	props = s ? aml_jget(&d, 0, "properties") : 0;
	if (props && AML_JTYPE(&d, props) == AML_JOBJECT &&
	    (st = aml_jget(&d, props, "provisioningState")) && AML_JTYPE(&d, st) == AML_JSTRING &&
	    !aml_jkeyeq(&d, st, "Succeeded")) {
		state = aml_jw_name((state = aml_jstrdup(&d, st)));
		aml_warn("%s: the model version's provisioningState is %s, not Succeeded", name, state);
		free(state);
	}
	if (vflag && s)
		fprintf(stderr, "%s: %s: model version %s\n", aml_prog, name, s);
	aml_jfree(&d);
	free(buf);
	return s;
}

/* What goes into the definition: azureml:NAME:VERSION as an ARM id in
 * the old model's workspace when the old model is an ARM id. */
static char *
resolve(const char *want, const struct aml_jdoc *d, uint32_t old, const char *src)
{
	struct aml_mlref n, o;
	const char *why;
	char *olds, *out;

	if (aml_mlref_parse(want, &n, &why) < 0)
		return NULL;
	olds = old && AML_JTYPE(d, old) == AML_JSTRING ? aml_jstrdup(d, old) : NULL;
	if (!olds || aml_mlref_parse(olds, &o, &why) < 0)
		memset(&o, 0, sizeof o);
	if (n.kind == AML_MLREF_SHORT && o.kind == AML_MLREF_ID)
		out = aml_xasprintf("%s/models/%s/versions/%s", o.ws, n.name, n.version);
	else
		out = aml_xstrdup(want);
	if (n.kind == AML_MLREF_ID && o.kind == AML_MLREF_ID && strcasecmp(n.ws, o.ws)) {
		char *q = aml_jw_name(n.ws);

		aml_warn("%s: the model is of another workspace than the deployment's old one: %s",
		    src, q);
		free(q);
	}
	aml_mlref_free(&n);
	aml_mlref_free(&o);
	free(olds);
	return out;
}

static void
say_change(const struct aml_jdoc *d, uint32_t old, const char *ref)
{
	char *o = old && AML_JTYPE(d, old) == AML_JSTRING ? aml_jstrdup(d, old) : NULL;
	char *qo = o ? aml_jw_name(o) : aml_xstrdup("(none)"), *qn = aml_jw_name(ref);

	if (o && !strcmp(o, ref))
		fprintf(stderr, "%s: properties.model: already %s; nothing changed\n", aml_prog, qn);
	else
		fprintf(stderr, "%s: properties.model: %s -> %s\n", aml_prog, qo, qn);
	free(o);
	free(qo);
	free(qn);
}

int
main(int argc, char *argv[])
{
	const char *outpath = NULL, *path = NULL, *uarg = NULL, *bfile = NULL, *why, *inname;
	struct aml_mlref check;
	struct aml_jdoc d;
	struct aml_out out;
	uint32_t props, model;
	int c, force = 0;
	char *buf, *want, *ref = NULL;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "b:fho:qu:vV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': bfile = optarg; break;
		case 'f': force = 1; break;
		case 'h': usage(0); break;
		case 'o': outpath = optarg; break;
		case 'q': aml_quiet = 1; break;
		case 'u': uarg = optarg; break;
		case 'v': vflag = 1; break;
		case 'V': aml_version(); break;
		default: usage(AML_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(AML_EXIT_USAGE);
	if (!uarg == !bfile) {
		aml_err("%s", uarg ? "-u and -b: give one of them" : "-u or -b is required");
		usage(AML_EXIT_USAGE);
	}
	if (uarg && aml_mlref_parse(uarg, &check, &why) < 0) {
		aml_err("-u %s: %s", uarg, why);
		usage(AML_EXIT_USAGE);
	}
	if (uarg)
		aml_mlref_free(&check);
	if (argc == 1)
		path = argv[0];
	/* Only one of the two inputs can come from stdin, and not from a tty. */
	c = (!path || !strcmp(path, "-")) + (bfile && !strcmp(bfile, "-"));
	if (c == 2 || (c == 1 && isatty(0)))
		usage(AML_EXIT_USAGE);
	inname = aml_inname(path);

	/* Everything is checked before the first byte goes out. */
	if (!(want = bfile ? from_file(bfile) : aml_xstrdup(uarg)))
		return AML_EXIT_FAIL;
	buf = aml_jview(path, &d, NULL);
	c = AML_EXIT_FAIL;
	if (aml_mldefn_check(&d, AML_DEFN_SHAPE, aml_defn_stderr, (void *)inname) > 0)
		goto done;
	if (aml_mldefn_model(&d, &props, &model, &why) < 0) {
		aml_err("%s: %s", inname, why);
		goto done;
	}
	ref = resolve(want, &d, model, bfile ? aml_inname(bfile) : "-u");
	aml_out_open(&out, outpath, 0644, force);
	aml_mldefn_splice_model(&out.w, &d, props, model, ref);
	if ((c = aml_out_close(&out)) == 0 && !aml_quiet)
		say_change(&d, model, ref);
done:
	aml_jfree(&d);
	aml_unmap(buf);
	free(want);
	free(ref);
	return c;
}
