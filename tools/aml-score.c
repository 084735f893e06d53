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

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-score [-cqVv] [-u url] [-k key-file] [-F table|swagger] [-m seconds]\n"
	    "                 [-E ca-bundle] [request.json]\n");
	if (!status)
		fprintf(fp,
		    "  -u, --url URL           the web service (its ApiLocation; default AML_RRS_URL)\n"
		    "  -k, --key-file FILE     its API key (default AML_API_KEY)\n"
		    "  -F, --format FORMAT     table (ColumnNames and Values) or swagger (row objects);\n"
		    "                          default: the shape of the request\n"
		    "  -c, --compact           the answer on one line\n"
		    "  -m, --timeout SECONDS   per HTTP request (default 120)\n"
		    "  -E, --ca-bundle FILE    CA certificates for TLS\n"
		    "  -v, --verbose           HTTP trace on stderr, secrets masked\n"
		    "  -q, --quiet             no warnings\n"
		    "  -h, --help\n"
		    "  -V, --version\n");
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'F' },
		{ "compact", no_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 'm' },
		{ "ca-bundle", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const keyvars[] = { "AML_API_KEY", NULL };
	const char *url = NULL, *keyfile = NULL, *path = NULL, *why, *name;
	struct aml_req q = { 0 };
	struct aml_resp r;
	struct aml_jdoc d;
	struct aml_jerr e;
	struct aml_wbuf w;
	int c, fmt = FMT_AUTO, compact = 0, rc;
	char *buf, *base, *key;
	size_t len;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "u:k:F:cm:E:vqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'u': url = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'F':
			if (!strcasecmp(optarg, "table"))
				fmt = FMT_TABLE;
			else if (!strcasecmp(optarg, "swagger"))
				fmt = FMT_SWAGGER;
			else {
				aml_err("--format %s: table or swagger", optarg);
				usage(AML_EXIT_USAGE);
			}
			break;
		case 'c': compact = 1; break;
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
	if ((!path || !strcmp(path, "-")) && isatty(0))
		usage(AML_EXIT_USAGE);
	name = aml_inname(path);
	buf = aml_jload(path, &d, &len);
	c = shape(&d, name);
	if (fmt == FMT_AUTO)
		fmt = c;
	aml_jfree(&d);
	if (!url && !(url = getenv("AML_RRS_URL"))) {
		aml_err("no web service: give --url or set AML_RRS_URL");
		usage(AML_EXIT_USAGE);
	}
	aml_argv_secret("--url", url, "give the service's URL without it; keys go in --key-file or AML_API_KEY");
	if (!(base = aml_studio_base(url, &why)))
		aml_diex(AML_EXIT_USAGE, "--url %s: %s", url, why);
	if (aml_secret_get(keyfile, keyvars, "--key-file", &key) < 0)
		exit(AML_EXIT_FAIL);
	if (!key)
		aml_diex(AML_EXIT_AUTH, "no API key: give --key-file or set AML_API_KEY (or AML_API_KEY_FILE)");
	q.method = "POST";
	q.url = aml_xasprintf("%s/execute?api-version=2.0&%s", base,
	    fmt == FMT_SWAGGER ? "format=swagger" : "details=true");
	q.body = buf;
	q.len = len;
	/* Scoring changes nothing: a throttled call (503) is tried again. */
	q.flags = AML_HTTP_IDEMPOTENT;
	rc = aml_studio_http(key, &q, &r);
	if (rc == 0) {
		if (aml_jparse(&d, r.body, r.len, &e) < 0) {
			aml_err("POST %s: the answer is not JSON: %s", "execute", e.msg);
			rc = AML_EXIT_FAIL;
		} else {
			aml_wbuf_init(&w, 1);
			aml_jw_doc(&w, &d, 0, compact ? 0 : AML_JW_PRETTY);
			if (aml_wflush(&w) < 0) {
				aml_err("write <stdout>:");
				rc = AML_EXIT_FAIL;
			}
			aml_wbuf_free(&w);
			aml_jfree(&d);
		}
	}
	aml_resp_free(&r);
	free((char *)q.url);
	free(base);
	free(buf);
	aml_freesecret(key);
	return rc;
}
