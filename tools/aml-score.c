/* SPDX-License-Identifier: MIT */
/*
 * aml-score: one Request-Response Service call: a scoring request in,
 * the service's answer out.  The request is either shape the services
 * take: {"Inputs": {"input1": {"ColumnNames": [...], "Values": [[...]]}}}
 * (sent with details=true, so the answer names its columns and types)
 * or {"Inputs": {"input1": [{"column": value, ...}]}} (format=swagger).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "amlnet.h"

enum { FMT_AUTO, FMT_TABLE, FMT_SWAGGER };
enum { OPT_FORMAT = AML_OPT_OWN };

static const struct option longopts[] = {
	{ "url", required_argument, NULL, 'U' },
	{ "key-file", required_argument, NULL, 'k' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	AML_NET_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static const char *url, *keyfile, *path;
static int fmt = FMT_AUTO;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-score [-cqv] [-U url] [-k key-file] [--format table|swagger]\n"
	    "                 [-m duration] [-E ca-bundle] [request.json]\n");
	if (!status) {
		fputs("  -U, --url URL             the web service (its ApiLocation; default\n"
		    "                            AML_RRS_URL)\n"
		    "  -k, --key-file FILE       its API key (default AML_API_KEY, or the file\n"
		    "                            AML_API_KEY_FILE names)\n"
		    "      --format FORMAT       table (ColumnNames and Values) or swagger (row\n"
		    "                            objects); default: the shape of the request\n", fp);
		aml_net_help(fp, NULL);
	}
	exit(status);
}

/* The shape of input1 (or of the first input): rows as objects in a
 * list, or a table. */
static int
shape(const struct aml_jdoc *d, const char *name)
{
	uint32_t in, first = 0;

	if (AML_JTYPE(d, 0) != AML_JOBJECT)
		aml_diex(AML_EXIT_FAIL, "%s: expected a scoring request (an object), got %s", name,
		    aml_jtypename(AML_JTYPE(d, 0)));
	if (!(in = aml_jget_ci(d, 0, "Inputs")) || AML_JTYPE(d, in) != AML_JOBJECT)
		aml_diex(AML_EXIT_FAIL, "%s: no Inputs object", name);
	AML_JOBJ_EACH(d, in, k)
		if (!first)
			first = k + 1;
	if (!first)
		aml_diex(AML_EXIT_FAIL, "%s: Inputs is empty", name);
	if (AML_JTYPE(d, first) == AML_JARRAY)
		return FMT_SWAGGER;
	if (AML_JTYPE(d, first) == AML_JOBJECT)
		return FMT_TABLE;
	aml_diex(AML_EXIT_FAIL, "%s: Inputs: expected a table (ColumnNames, Values) or a list of "
	    "rows, got %s", name, aml_jtypename(AML_JTYPE(d, first)));
}

static void
options(int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "U:k:" AML_NET_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'U': url = optarg; break;
		case 'k': keyfile = optarg; break;
		case OPT_FORMAT:
			if (!strcasecmp(optarg, "table"))
				fmt = FMT_TABLE;
			else if (!strcasecmp(optarg, "swagger"))
				fmt = FMT_SWAGGER;
			else {
				aml_err("--format %s: table or swagger", optarg);
				usage(AML_EXIT_USAGE);
			}
			break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_http_opt(c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(AML_EXIT_USAGE);
	if (argc == 1)
		path = argv[0];
	if (!url && !(url = getenv("AML_RRS_URL"))) {
		aml_err("-U or AML_RRS_URL is required (the web service)");
		usage(AML_EXIT_USAGE);
	}
	if ((!path || !strcmp(path, "-")) && isatty(0))
		usage(AML_EXIT_USAGE);
}

/* The request, checked: its bytes and their shape. */
static char *
request(size_t *len)
{
	const char *name = aml_inname(path);
	struct aml_jdoc d;
	char *buf = aml_jload(path, &d, len);
	int c = shape(&d, name);

	if (fmt == FMT_AUTO)
		fmt = c;
	aml_jfree(&d);
	return buf;
}

/* The call: the answer parsed into d, or the exit status. */
static int
score(const char *base, const char *key, const char *buf, size_t len, struct aml_resp *r,
    struct aml_jdoc *d)
{
	struct aml_req q = { 0 };
	struct aml_jerr e;
	int rc;

	q.method = "POST";
	q.url = aml_xasprintf("%s/execute?api-version=2.0&%s", base,
	    fmt == FMT_SWAGGER ? "format=swagger" : "details=true");
	q.body = buf;
	q.len = len;
	/* Scoring changes nothing: a throttled call (503) is tried again. */
	q.flags = AML_HTTP_IDEMPOTENT;
	rc = aml_studio_http(key, &q, r);
	if (rc == 0 && aml_jparse(d, r->body, r->len, &e) < 0) {
		aml_err("POST %s: the answer is not JSON: %s", "execute", e.msg);
		rc = AML_EXIT_FAIL;
	}
	free((char *)q.url);
	return rc;
}

static int
print(const struct aml_jdoc *d)
{
	struct aml_wbuf w;
	int rc = 0;

	aml_wbuf_init(&w, 1);
	aml_jw_doc(&w, d, 0, AML_JW_ONE);
	if (aml_wflush(&w) < 0) {
		aml_err("write <stdout>:");
		rc = AML_EXIT_FAIL;
	}
	aml_wbuf_free(&w);
	return rc;
}

int
main(int argc, char **argv)
{
	static const char *const keyvars[] = { "AML_API_KEY", NULL };
	const char *why;
	struct aml_resp r;
	struct aml_jdoc d;
	char *buf, *base, *key;
	size_t len;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv);
	buf = request(&len);
	aml_argv_secret("-U", url, "give the service's URL without it; keys go in -k or AML_API_KEY");
	if (!(base = aml_studio_base(url, &why)))
		aml_diex(AML_EXIT_USAGE, "-U %s: %s", url, why);
	if (aml_secret_get(keyfile, keyvars, "-k", &key) < 0)
		exit(AML_EXIT_FAIL);
	if (!key)
		aml_diex(AML_EXIT_AUTH, "-k or AML_API_KEY is required (the API key; or AML_API_KEY_FILE)");
	if ((rc = score(base, key, buf, len, &r, &d)) == 0) {
		rc = print(&d);
		aml_jfree(&d);
	}
	aml_resp_free(&r);
	free(base);
	free(buf);
	aml_freesecret(key);
	return rc;
}
