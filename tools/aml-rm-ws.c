/* SPDX-License-Identifier: MIT */
/*
 * aml-rm-ws: remove a web service (Remove-AzMlWebService): DELETE, wait
 * for the operation, and say what was removed: {"id": ..., "name": ...,
 * "deleted": true}, so that a script's log shows what went.
 *
 * Resource Manager answers a DELETE of a service that is not there with
 * 202 or 204 like any other ("returned even if the service did not
 * exist"), so that is not an error here either; a 404 is.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_WS_LONGOPTS,
	{ "no-wait", no_argument, NULL, AML_OPT_NO_WAIT },
	{ NULL, 0, NULL, 0 }
};

static struct aml_ws ws;
static int nowait;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-rm-ws [-cqv] [--no-wait] (-g group -n name | -i id) [-s subscription]\n"
	    "                 [--api-version v] [-m duration] [-E ca-bundle]\n");
	if (!status) {
		fputs("      --no-wait             print the first answer and the operation URL\n", fp);
		aml_ws_help(fp);
	}
	exit(status);
}

/* What was removed. */
static void
removed(struct aml_wbuf *out)
{
	cJSON *o = cJSON_CreateObject();
	char *id = aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s", ws.rs.sub,
	    ws.group, AML_WS_PROVIDER, ws.name);

	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "name", ws.name);
	cJSON_AddTrueToObject(o, "deleted");
	aml_json_write(out, o, AML_JW_ONE);
	cJSON_Delete(o);
	free(id);
}

static int
rm(struct aml_wbuf *out)
{
	char *url = aml_ws_url(&ws, "", NULL);
	int rc;

	rc = aml_lro_run(&ws.rs, "DELETE", url, NULL, 0, "removing", nowait, out);
	if (rc == 0 && !nowait)
		removed(out);
	free(url);
	return rc;
}

static void
options(int argc, char **argv)
{
	int c, rc;

	aml_ws_init(&ws);
	while ((c = getopt_long(argc, argv, AML_WS_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
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
	if ((rc = aml_ws_setup(&ws, AML_WS_ONE)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
}

int
main(int argc, char **argv)
{
	struct aml_wbuf out;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv);
	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	rc = aml_print_out(&out, rm(&out));
	aml_ws_free(&ws);
	aml_resignal();
	return rc;
}
