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

#define TRAINED " [trained model]"
#define MAXLIST 10		/* candidates named in one error line */

static int vflag;
static const char *inname;

static const struct option longopts[] = {
	{ "asset", required_argument, NULL, 'a' },
	{ "bes-status", required_argument, NULL, 'b' },
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "keep-sas", no_argument, NULL, 'k' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "result", required_argument, NULL, 'r' },
	{ "uri", required_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-patch-ilearner [-fqv] [-a asset] [-o file] -u uri [file]\n"
	    "       aml-patch-ilearner [-fkqv] [-a asset] [-o file] -b bes-status [-r output] [file]\n");
	if (!status)
		fprintf(fp,
		    "  -a, --asset KEY|NAME     the asset to change (default: the one Resource\n"
		    "                           asset named \"... [trained model]\")\n"
		    "  -u, --uri URI            its new location\n"
		    "  -b, --bes-status FILE    take it from a finished BES job's status\n"
		    "  -r, --result NAME        the BES output to use (default: the one .ilearner)\n"
		    "  -k, --keep-sas           keep the output's SAS token in the URI\n"
		    "  -o, --output FILE        write the definition to FILE (atomically)\n"
		    "  -f, --force              replace FILE if it exists\n"
		    "  -q, --quiet              say nothing on success, no warnings\n"
		    "  -v, --verbose            say more on stderr\n"
		    "  -h, --help               this help\n"
		    "  -V, --version            print the version\n");
	exit(status);
}

static void
problem(void *arg, int severity, const char *path, const char *msg)
{
	if (*path)
		aml_err("%s: %s: %s", inname, path, msg);
	else
		aml_err("%s: %s", inname, msg);
}

/* A string for a message: JSON-quoted, so that it stays on one line. */
static char *
quoted(const char *s)
{
	struct aml_wbuf w;

	aml_wbuf_init(&w, -1);
	aml_jw_escape(&w, s, strlen(s));
	return aml_wbuf_take(&w);
}

/* The new location from a BES job status: Base + Relative, one slash. */
static char *
from_bes(const char *path, const char *result, int keepsas, const char **src)
{
	struct aml_bes_status st;
	const struct aml_bes_output *o;
	struct aml_jdoc d;
	char why[512], *buf, *uri, *t;
	const char *name = aml_inname(path);

	buf = aml_jload(path, &d, NULL);
	if (aml_bes_parse(&d, 0, &st, why, sizeof why) < 0)
		aml_die("%s: %s", name, why);
	if (st.code != AML_BES_FINISHED)
		aml_die("%s: the job is %s, not Finished; there is no model to use",
		    name, aml_bes_codename(st.code));
	if (!(o = aml_bes_pick(&st, result, why, sizeof why)))
		aml_die("%s: %s", name, why);
	if (!o->base || !*o->base)
		aml_die("%s: Results.%s: no BaseLocation", name, o->name);
	if (!o->rel || !*o->rel)
		aml_die("%s: Results.%s: no RelativeLocation", name, o->name);
	uri = aml_bes_join(o->base, o->rel);
	if (keepsas && o->sas && *o->sas) {
		t = aml_xasprintf("%s%s%s", uri, *o->sas == '?' ? "" : "?", o->sas);
		free(uri);
		uri = t;
	}
	if (vflag)
		fprintf(stderr, "%s: %s: job Finished; using output %s\n", aml_prog, name, o->name);
	*src = aml_xasprintf("%s: Results.%s", name, o->name);
	aml_bes_free(&st);
	aml_jfree(&d);
	free(buf);
	return uri;
}

static int
istrained(const struct aml_jdoc *d, uint32_t asset)
{
	uint32_t type = aml_jget_ci(d, asset, "type"), name = aml_jget_ci(d, asset, "name");

	return type && name && aml_jkeyeq(d, type, "Resource") && aml_jstrends(d, name, TRAINED);
}

/* "asset3 \"Name\"", for messages. */
static char *
describe(const struct aml_jdoc *d, uint32_t k)
{
	uint32_t name = aml_jget_ci(d, k + 1, "name");
	char *key = aml_jstrdup(d, k), *n, *s;

	if (!name || AML_JTYPE(d, name) != AML_JSTRING)
		return key;
	s = aml_jstrdup(d, name);
	n = quoted(s);
	free(s);
	s = aml_xasprintf("%s %s", key, n);
	free(key);
	free(n);
	return s;
}

static int
pick_any(const struct aml_jdoc *d, uint32_t asset, const void *arg)
{
	return 1;
}

/* The assets pick() likes, key and name, for one line; their number in *n. */
static char *
list(const struct aml_jdoc *d, uint32_t assets, int (*pick)(const struct aml_jdoc *,
    uint32_t, const void *), const void *arg, size_t *n)
{
	struct aml_wbuf w;
	char *s;

	*n = 0;
	aml_wbuf_init(&w, -1);
	AML_JOBJ_EACH(d, assets, k) {
		if (AML_JTYPE(d, k + 1) != AML_JOBJECT || !pick(d, k + 1, arg))
			continue;
		if (++*n <= MAXLIST) {
			s = describe(d, k);
			aml_wprintf(&w, "%s%s", *n > 1 ? ", " : "", s);
			free(s);
		}
	}
	if (*n > MAXLIST)
		aml_wprintf(&w, " and %zu more", *n - MAXLIST);
	return aml_wbuf_take(&w);
}

/* Die naming the candidates; when there are none, the assets there are. */
static AML_NORETURN void
candidates(const struct aml_jdoc *d, uint32_t assets, int (*pick)(const struct aml_jdoc *,
    uint32_t, const void *), const void *arg, const char *what, const char *hint)
{
	size_t n;
	char *s = list(d, assets, pick, arg, &n);

	if (n)
		aml_die("%s: %zu assets are %s: %s; %s", inname, n, what, s, hint);
	free(s);
	s = list(d, assets, pick_any, NULL, &n);
	if (!n) {
		free(s);
		aml_die("%s: no asset is %s (assets: none); %s", inname, what, hint);
	}
	aml_die("%s: no asset is %s (assets: %s); %s", inname, what, s, hint);
}

static int
pick_trained(const struct aml_jdoc *d, uint32_t asset, const void *arg)
{
	return istrained(d, asset);
}

static int
pick_named(const struct aml_jdoc *d, uint32_t asset, const void *arg)
{
	uint32_t name = aml_jget_ci(d, asset, "name");

	return name && aml_jkeyeq(d, name, arg);
}

/* The key token of the asset to change. */
static uint32_t
find_asset(const struct aml_jdoc *d, uint32_t assets, const char *want)
{
	uint32_t found = 0;
	size_t n = 0;

	if (want) {
		AML_JOBJ_EACH(d, assets, k)
			if (aml_jkeyeq(d, k, want) && AML_JTYPE(d, k + 1) == AML_JOBJECT)
				return k;
		AML_JOBJ_EACH(d, assets, k)
			if (AML_JTYPE(d, k + 1) == AML_JOBJECT && pick_named(d, k + 1, want))
				found = k, n++;
		if (n == 1)
			return found;
		if (n == 0) {
			char *q = quoted(want), *all = list(d, assets, pick_any, NULL, &n);

			aml_die("%s: -a %s: no asset has that key or name (assets: %s)", inname, q,
			    n ? all : "none");
		}
		{
			char *q = quoted(want), *what = aml_xasprintf("named %s", q);

			free(q);
			candidates(d, assets, pick_named, want, what,
			    "choose one by its key with -a");
		}
	}
	AML_JOBJ_EACH(d, assets, k)
		if (AML_JTYPE(d, k + 1) == AML_JOBJECT && istrained(d, k + 1))
			found = k, n++;
	if (n == 1)
		return found;
	candidates(d, assets, pick_trained, NULL, "a Resource named \"..." TRAINED "\"",
	    "choose one with -a");
}

/* The container a path leads to, or death with the path. */
static uint32_t
need(const struct aml_jdoc *d, uint32_t obj, const char *key, enum aml_jtype type,
    const char *path)
{
	uint32_t v = aml_jget_ci(d, obj, key);

	if (!v)
		aml_die("%s: %s: missing", inname, path);
	if (AML_JTYPE(d, v) != type)
		aml_die("%s: %s: expected %s, got %s", inname, path,
		    type == AML_JSTRING ? "a string" : "an object", aml_jtypename(AML_JTYPE(d, v)));
	return v;
}

/* The old uri's token, and the asset's key token in *key. */
static uint32_t
locate(const struct aml_jdoc *d, const char *want, uint32_t *key)
{
	uint32_t props, assets, loc, old, type;
	char *k, *p1, *p2;

	props = need(d, 0, "properties", AML_JOBJECT, "properties");
	assets = need(d, props, "assets", AML_JOBJECT, "properties.assets");
	*key = find_asset(d, assets, want);
	k = aml_jstrdup(d, *key);
	p1 = aml_xasprintf("properties.assets.%s.locationInfo", k);
	p2 = aml_xasprintf("%s.uri", p1);
	loc = need(d, *key + 1, "locationInfo", AML_JOBJECT, p1);
	old = need(d, loc, "uri", AML_JSTRING, p2);
	/* Chosen with -a, it may be a module: worth a word. */
	type = aml_jget_ci(d, *key + 1, "type");
	if (!type || !aml_jkeyeq(d, type, "Resource"))
		aml_warn("%s: asset %s is not a Resource (a trained model is)", inname, k);
	free(k);
	free(p1);
	free(p2);
	return old;
}

static void
say_change(const struct aml_jdoc *d, uint32_t key, uint32_t old, const char *uri)
{
	char *who = describe(d, key), *o = aml_jstrdup(d, old);
	char *ro = aml_uri_redact(o), *rn = aml_uri_redact(uri), *qo;
	const char *p;

	/* The old value came from the file: quote it unless it is plain. */
	for (p = ro; *p > ' ' && *p < 0x7f && *p != '"'; p++)
		;
	qo = *p || !*ro ? quoted(ro) : aml_xstrdup(ro);

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
	uint32_t key, old;
	struct aml_jdoc d;
	struct aml_out out;
	int c, force = 0, keepsas = 0;
	size_t len;
	char *buf, *uri, *s;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "a:b:fhko:qr:u:vV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': asset = optarg; break;
		case 'b': bes = optarg; break;
		case 'f': force = 1; break;
		case 'h': usage(0); break;
		case 'k': keepsas = 1; break;
		case 'o': outpath = optarg; break;
		case 'q': aml_quiet = 1; break;
		case 'r': result = optarg; break;
		case 'u': uriarg = optarg; break;
		case 'v': vflag = 1; break;
		case 'V': aml_version(); break;
		default: usage(AML_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || !uriarg == !bes || (uriarg && (result || keepsas)))
		usage(AML_EXIT_USAGE);
	if (argc == 1)
		path = argv[0];
	/* Only one of the two inputs can come from stdin, and not from a tty. */
	c = (!path || !strcmp(path, "-")) + (bes && !strcmp(bes, "-"));
	if (c == 2 || (c == 1 && isatty(0)))
		usage(AML_EXIT_USAGE);
	inname = aml_inname(path);

	/* Everything is checked before the first byte goes out. */
	uri = bes ? from_bes(bes, result, keepsas, &src) : aml_xstrdup(uriarg);
	if (aml_uri_check(uri, &why) < 0) {
		s = aml_uri_redact(uri);
		aml_die("%s: %s: %s", src, s, why);
	}
	if (!aml_uri_path_ends(uri, ".ilearner")) {
		s = aml_uri_redact(uri);
		aml_warn("%s: %s does not end in .ilearner; is it a trained model?", src, s);
		free(s);
	}

	buf = aml_jview(path, &d, &len);
	if (aml_defn_check(&d, AML_DEFN_SHAPE, problem, NULL) > 0)
		exit(AML_EXIT_FAIL);
	old = locate(&d, asset, &key);

	aml_out_open(&out, outpath, force);
	aml_wput(&out.w, buf, d.tok[old].off);
	aml_jw_escape(&out.w, uri, strlen(uri));
	aml_wput(&out.w, buf + d.tok[old].off + d.tok[old].len, len - d.tok[old].off - d.tok[old].len);
	if ((c = aml_out_close(&out)) == 0 && !aml_quiet)
		say_change(&d, key, old, uri);
	aml_jfree(&d);
	aml_unmap(buf);
	free(uri);
	if (bes)
		free((char *)src);
	return c;
}
