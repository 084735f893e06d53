/* SPDX-License-Identifier: MIT */
/*
 * aml-rm-ws: remove a web service (Remove-AzMlWebService): DELETE, wait
 * for the operation, print nothing.
 *
 * Resource Manager answers a DELETE of a service that is not there with
 * 202 or 204 like any other ("returned even if the service did not
 * exist"), so that is not an error here either; a 404 is.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static int nowait;

static const struct option longopts[] = {
	AML_WS_LONGOPTS,
	{ "no-wait", no_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-rm-ws [-qvw] (-g group -n name | -i id) [-s subscription]\n"
	    "                 [-a api-version] [-m seconds] [-E ca-bundle]\n");
	if (!status)
		fprintf(fp, "%s"
		    "  -w, --no-wait             print the first answer and the operation URL\n",
		    aml_ws_optshelp);
	exit(status);
}

static int
rm(const struct aml_ws *ws, struct aml_wbuf *out)
{
	char *url = aml_ws_url(ws, "", NULL);
	int rc;

	rc = aml_lro_run(&ws->rs, "DELETE", url, NULL, 0, "removing", nowait, out);
	free(url);
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
	while ((c = getopt_long(argc, argv, AML_WS_SHORTOPTS "w", longopts, NULL)) != -1) {
		switch (c) {
		case 'w': nowait = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ws_opt(&ws, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if ((rc = aml_ws_setup(&ws, AML_WS_ONE)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		return rc;

	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	if ((rc = rm(&ws, &out)) == 0 && out.len) {
		fwrite(out.buf, 1, out.len, stdout);
		rc = aml_fshut(stdout, "<stdout>");
	}
	aml_wbuf_free(&out);
	aml_ws_free(&ws);
	aml_resignal();
	return rc;
}
