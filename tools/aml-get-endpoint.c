/* SPDX-License-Identifier: MIT */
/*
 * aml-get-endpoint: read the management API of Studio (classic): the
 * web services of a workspace, the endpoints of a web service, or one
 * endpoint, as compact JSON, one object per line, without keys or SAS
 * tokens.  -P prints an endpoint's management URL instead, the "PATCH
 * URL" of its help page, which aml-patch-endpoint -U takes; -K writes
 * its primary key to a file for aml-score.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-get-endpoint [-fPqVv] [-w workspace] [-s service] [-l location]\n"
	    "                        [-k key-file] [-K key-out] [-m seconds] [-E ca-bundle] [name]\n"
	    "       aml-get-endpoint [-fPqVv] -U endpoint-url [-k key-file] [-K key-out] [-m seconds]\n");
	if (!status)
		fprintf(fp,
		    "  -w, --workspace ID        workspace (default AML_WORKSPACE_ID)\n"
		    "  -s, --service ID          web service (default AML_WEBSERVICE_ID); without it,\n"
		    "                            the workspace's web services are listed\n"
		    "  -U, --endpoint-url URL    the endpoint's management (PATCH) URL\n"
		    "  -l, --location REGION     the workspace's region (default AML_CLASSIC_ENDPOINT,\n"
		    "                            else South Central US)\n"
		    "  -k, --key-file FILE       workspace token or endpoint key\n"
		    "                            (default AML_WORKSPACE_TOKEN, then AML_API_KEY)\n"
		    "  -P, --patch-url           print the endpoint's management URL\n"
		    "  -K, --save-key FILE       write the endpoint's primary key to FILE (mode 0600)\n"
		    "  -f, --force               replace FILE if it exists\n"
		    "  -m, --timeout SECONDS     per HTTP request (default 120)\n"
		    "  -E, --ca-bundle FILE      CA certificates for TLS\n"
		    "  -v, --verbose             HTTP trace on stderr, secrets masked\n"
		    "  -q, --quiet               no warnings\n"
		    "  -h, --help\n"
		    "  -V, --version\n");
	exit(status);
}

static void
put(struct aml_wbuf *w, cJSON *o)
{
	aml_endpoint_strip(o);
	aml_json_write(w, o, 0);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "workspace", required_argument, NULL, 'w' },
		{ "service", required_argument, NULL, 's' },
		{ "endpoint-url", required_argument, NULL, 'U' },
		{ "location", required_argument, NULL, 'l' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "patch-url", no_argument, NULL, 'P' },
		{ "save-key", required_argument, NULL, 'K' },
		{ "force", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 'm' },
		{ "ca-bundle", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *ws = NULL, *svc = NULL, *epurl = NULL, *region = NULL, *keyfile = NULL;
	const char *keyout = NULL;
	struct aml_classic cl;
	struct aml_resp r;
	struct aml_wbuf w;
	cJSON *j = NULL, *it;
	int c, patchurl = 0, force = 0, rc, depth;
	char *u;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "w:s:U:l:k:PK:fm:E:vqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'w': ws = optarg; break;
		case 's': svc = optarg; break;
		case 'U': epurl = optarg; break;
		case 'l': region = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'P': patchurl = 1; break;
		case 'K': keyout = optarg; break;
		case 'f': force = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_http_opt(c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || (epurl && (argc || ws || svc || region)))
		usage(AML_EXIT_USAGE);
	if ((rc = aml_classic_setup(&cl, epurl, ws, svc, argc ? argv[0] : NULL, region, keyfile)))
		return rc == AML_EXIT_USAGE ? (usage(rc), rc) : rc;
	depth = cl.name ? 3 : cl.svc ? 2 : 0;
	if ((patchurl || keyout) && depth != 3) {
		aml_err("%s: name an endpoint", patchurl ? "--patch-url" : "--save-key");
		aml_classic_free(&cl);
		usage(AML_EXIT_USAGE);
	}
	rc = aml_classic_call(&cl, NULL, depth, NULL, 0, &j, &r);
	aml_resp_free(&r);
	if (rc == 0 && depth == 3 && !cJSON_IsObject(j)) {
		aml_err("endpoint %s: the answer is not an endpoint", cl.name);
		rc = AML_EXIT_FAIL;
	}
	if (rc == 0 && keyout) {
		const char *k = aml_json_str(j, "PrimaryKey");

		if (!k) {
			aml_err("endpoint %s: no PrimaryKey in the answer (is the key an endpoint's "
			    "own? Only a workspace token shows them)", cl.name);
			rc = AML_EXIT_FAIL;
		} else {
			rc = aml_save_key(keyout, k, force);
		}
	}
	if (rc == 0) {
		aml_wbuf_init(&w, 1);
		if (patchurl) {
			u = aml_classic_url(&cl, 3);
			aml_wprintf(&w, "%s\n", u);
			free(u);
		} else if (cJSON_IsArray(j)) {
			cJSON_ArrayForEach(it, j)
				put(&w, it);
		} else if (j) {
			put(&w, j);
		}
		if (aml_wflush(&w) < 0) {
			aml_err("write <stdout>:");
			rc = AML_EXIT_FAIL;
		}
		aml_wbuf_free(&w);
	}
	if (j)
		aml_json_free_secret(j);
	aml_classic_free(&cl);
	return rc;
}
