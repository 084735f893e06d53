/* SPDX-License-Identifier: MIT */
/*
 * aml-rm-deployment: remove an online deployment
 * (Remove-AzMLWorkspaceOnlineDeployment, az ml online-deployment
 * delete): DELETE, wait for the operation, and say what was removed,
 * {"id": ..., "name": ..., "deleted": true}, so that a script's log
 * shows what went.
 *
 * The service refuses to delete a deployment that still takes traffic
 * (move it away with aml-traffic first).  A deployment that is not there
 * (nor its endpoint or workspace) is no error, only a warning with what
 * the service said and "deleted": false, so that a script that retires
 * one can run again and a typo is still seen; it is looked up first for
 * that.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_ML_LONGOPTS,
	AML_ML_EP_LONGOPT,
	AML_ML_DEP_LONGOPT,
	{ "no-wait", no_argument, NULL, AML_OPT_NO_WAIT },
	{ NULL, 0, NULL, 0 }
};

static struct aml_ml ml;
static int nowait;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-rm-deployment [-cqv] [--no-wait] -g group -w workspace -e endpoint\n"
	    "                         -d deployment [-s subscription] [-m duration] [-E ca-bundle]\n");
	if (!status) {
		fputs("  -e, --endpoint EP         the online endpoint\n"
		    "  -d, --deployment D        the deployment to remove\n"
		    "      --no-wait             print the first answer and the operation URL\n", fp);
		aml_ml_help(fp);
	}
	exit(status);
}

/* What was removed, or was not there to remove. */
static void
removed(struct aml_wbuf *out, int deleted)
{
	cJSON *o = cJSON_CreateObject();
	char *id = aml_ml_dep_id(&ml);

	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "name", ml.dep);
	cJSON_AddBoolToObject(o, "deleted", deleted);
	aml_json_write(out, o, AML_JW_ONE);
	cJSON_Delete(o);
	free(id);
}

/* Look, then DELETE and wait.  What is not there is said, not removed. */
static int
rm(struct aml_wbuf *out)
{
	struct aml_req q = { .method = "GET" };
	struct aml_resp r;
	struct aml_jdoc d;
	char *url = aml_ml_dep_url(&ml, NULL), *line;
	int rc;

	rc = aml_ml_lookup(&ml, url, &r, &d);
	if (rc == AML_ML_ABSENT) {
		q.url = url;
		line = aml_http_errline(&q, &r);
		aml_warn("%s; nothing to remove", line);
		free(line);
		removed(out, 0);
		rc = 0;
	} else if (rc == 0) {
		rc = aml_lro_run(&ml.rs, "DELETE", url, NULL, 0, "removing", nowait, out);
		if (rc == 0 && !nowait)
			removed(out, 1);
	}
	aml_jfree(&d);
	aml_resp_free(&r);
	free(url);
	return rc;
}

static void
options(int argc, char **argv)
{
	int c, rc;

	aml_ml_init(&ml);
	while ((c = getopt_long(argc, argv, AML_ML_SHORTOPTS "e:d:", longopts, NULL)) != -1) {
		switch (c) {
		case AML_OPT_NO_WAIT: nowait = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ml_opt(&ml, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if ((rc = aml_ml_setup(&ml, AML_ML_DEP)) == AML_EXIT_USAGE)
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
	aml_ml_free(&ml);
	aml_resignal();
	return rc;
}
