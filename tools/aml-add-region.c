/* SPDX-License-Identifier: MIT */
/*
 * aml-add-region: prepare a web service's definition for another region
 * (Add-AzMlWebServiceRegionalProperty): POST CreateRegionalBlob with the
 * region, wait for the operation, then GET the service for that region
 * and print it (2-space JSON, one line with -c).  Its encrypted parameters then
 * carry that region's certificate thumbprint.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static int nowait;
static const char *region;

static const struct option longopts[] = {
	AML_WS_LONGOPTS,
	{ "location", required_argument, NULL, 'l' },
	{ "no-wait", no_argument, NULL, AML_OPT_NO_WAIT },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-add-region [-cqv] [--no-wait] -l location (-g group -n name | -i id)\n"
	    "                      [-s subscription] [--api-version v] [-m duration] [-E ca-bundle]\n");
	if (!status) {
		fputs("  -l, --location LOCATION   the region to add (westcentralus, ...)\n"
		    "      --no-wait             print the first answer and the operation URL\n", fp);
		aml_ws_help(fp);
	}
	exit(status);
}

static int
add(const struct aml_ws *ws, struct aml_wbuf *out)
{
	char *e = aml_urlenc(region), *q = aml_xasprintf("region=%s", e);
	char *post = aml_ws_url(ws, "/CreateRegionalBlob", q), *get = aml_ws_url(ws, "", q);
	struct aml_resp r;
	struct aml_jdoc d;
	int rc;

	rc = aml_lro_run(&ws->rs, "POST", post, NULL, 0, "preparing region for", nowait, out);
	if (rc || nowait)
		goto out;
	if ((rc = aml_arm_call(&ws->rs, "GET", get, NULL, 0, 0, &r)) == 0 &&
	    (rc = aml_arm_answer("GET", get, &r, &d)) == 0) {
		aml_jw_doc(out, &d, 0, AML_JW_ONE);
		aml_jfree(&d);
	}
	aml_resp_free(&r);
out:
	free(e);
	free(q);
	free(post);
	free(get);
	return rc;
}

int
main(int argc, char **argv)
{
	struct aml_wbuf out;
	struct aml_ws ws;
	int c, rc;

	aml_setprog(&argv[0]);
	aml_ws_init(&ws);
	while ((c = getopt_long(argc, argv, AML_WS_SHORTOPTS "l:", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': region = optarg; break;
		case AML_OPT_NO_WAIT: nowait = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ws_opt(&ws, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if (!region || !*region) {
		aml_err("%s", region ? "-l: empty" : "-l LOCATION is required (the region to add)");
		usage(AML_EXIT_USAGE);
	}
	if (!strcmp(ws.apiver, AML_WS_APIVER_PREVIEW)) {
		aml_err("api-version %s has no CreateRegionalBlob", ws.apiver);
		usage(AML_EXIT_USAGE);
	}
	if ((rc = aml_ws_setup(&ws, AML_WS_ONE)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		return rc;

	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	rc = aml_print_out(&out, add(&ws, &out));
	aml_ws_free(&ws);
	aml_resignal();
	return rc;
}
