/* SPDX-License-Identifier: MIT */
/*
 * aml-get-ws: one web service, or every web service of a resource group
 * or of the subscription across all pages, as compact JSON, one object
 * per line (Get-AzMlWebService).  Bodies go out through the tape, so
 * numbers and strings keep the text the service sent.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_WS_LONGOPTS,
	{ "region", required_argument, NULL, 'r' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-get-ws [-qv] [-s subscription] [-g group [-n name [-r region]]]\n"
	    "                  [-a api-version] [-m seconds] [-E ca-bundle]\n"
	    "       aml-get-ws [-qv] -i id [-r region] [-a api-version] [-m seconds] [-E ca-bundle]\n");
	if (!status)
		fprintf(fp, "%s  -r, --region REGION       the service's definition for that region\n",
		    aml_ws_optshelp);
	exit(status);
}

/* One service: the answer, compacted, onto out. */
static int
get_one(const struct aml_ws *ws, const char *region, struct aml_wbuf *out)
{
	struct aml_resp r;
	struct aml_jdoc d;
	char *url, *q = NULL, *e;
	int rc;

	if (region) {
		e = aml_urlenc(region);
		q = aml_xasprintf("region=%s", e);
		free(e);
	}
	url = aml_ws_url(ws, "", q);
	if ((rc = aml_arm_call(&ws->rs, "GET", url, NULL, 0, 0, &r)) == 0 &&
	    (rc = aml_arm_answer("GET", url, &r, &d)) == 0) {
		aml_jw_doc(out, &d, 0, 0);
		aml_jfree(&d);
	}
	aml_resp_free(&r);
	free(url);
	free(q);
	return rc;
}

/* An item of a list, compacted, one per line. */
static int
item(void *out, const struct aml_jdoc *d, uint32_t i)
{
	aml_jw_doc(out, d, i, 0);
	return 0;
}

/* Every page.  The pager follows nextLink only as far as bearer.c lets
 * the token go, and never in a circle. */
static int
get_list(const struct aml_ws *ws, struct aml_wbuf *out)
{
	char *url = aml_ws_url(ws, "", NULL);
	int rc;

	rc = aml_arm_pages(&ws->rs, url, ws->apiver, item, out);
	free(url);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *region = NULL;
	struct aml_wbuf out;
	struct aml_ws ws;
	int c, rc;

	aml_setprog(&argv[0]);
	aml_ws_init(&ws);
	while ((c = getopt_long(argc, argv, AML_WS_SHORTOPTS "r:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': region = optarg; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ws_opt(&ws, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if (region && (!*region || !(ws.name || ws.idbuf))) {
		aml_err("--region %s: %s", region, *region ? "needs one web service (-n or --id)" :
		    "empty");
		usage(AML_EXIT_USAGE);
	}
	if (region && !strcmp(ws.apiver, AML_WS_APIVER_PREVIEW)) {
		aml_err("--region: api-version %s has no regional definitions", ws.apiver);
		usage(AML_EXIT_USAGE);
	}
	if ((rc = aml_ws_setup(&ws, AML_WS_LIST)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		return rc;

	/* Nothing on stdout unless every page came. */
	aml_wbuf_init(&out, -1);
	rc = ws.name ? get_one(&ws, region, &out) : get_list(&ws, &out);
	if (rc == 0) {
		fwrite(out.buf, 1, out.len, stdout);
		rc = aml_fshut(stdout, "<stdout>");
	}
	aml_wbuf_free(&out);
	aml_ws_free(&ws);
	return rc;
}
