/* SPDX-License-Identifier: MIT */
/*
 * aml-new-deployment: create an online deployment from a definition
 * (New-AzMLWorkspaceOnlineDeployment, az ml online-deployment create):
 * PUT, wait until it has been rolled out, GET and print it.  A new
 * deployment takes no traffic; aml-traffic gives it some.
 *
 * A PUT replaces a deployment without a word, so the deployment is
 * looked up first and one that exists is left alone unless --force.  The
 * endpoint is read first too: it must exist, and its region is the
 * deployment's unless -l or the definition says otherwise.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_ML_LONGOPTS,
	AML_ML_EP_LONGOPT,
	AML_ML_DEP_LONGOPT,
	{ "location", required_argument, NULL, 'l' },
	{ "force", no_argument, NULL, 'f' },
	{ "no-wait", no_argument, NULL, AML_OPT_NO_WAIT },
	{ NULL, 0, NULL, 0 }
};

static int force, nowait;
static const char *location;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-new-deployment [-cfqv] [--no-wait] [-l location] -g group -w workspace\n"
	    "                          -e endpoint -d deployment [-s subscription] [-m duration]\n"
	    "                          [-E ca-bundle] [file]\n");
	if (!status) {
		fputs("  -e, --endpoint EP         the online endpoint, which must exist\n"
		    "  -d, --deployment D        the new deployment's name\n"
		    "  -l, --location LOCATION   its region (default: the definition's, else the\n"
		    "                            endpoint's)\n"
		    "  -f, --force               replace a deployment that exists\n"
		    "      --no-wait             print the first answer and the operation URL\n", fp);
		aml_ml_help(fp);
	}
	exit(status);
}

/* The endpoint: there, and its region. */
static int
endpoint(const struct aml_ml *ml, char **region)
{
	char *url = aml_ml_ep_url(ml, NULL);
	struct aml_resp r;
	struct aml_jdoc d;
	uint32_t v;
	int rc;

	*region = NULL;
	if ((rc = aml_ml_get(ml, url, 0, &r, &d)) == 0 && (v = aml_jget(&d, 0, "location")) &&
	    AML_JTYPE(&d, v) == AML_JSTRING)
		*region = aml_jstrdup(&d, v);
	aml_jfree(&d);
	aml_resp_free(&r);
	free(url);
	return rc;
}

/* 0 when there is no such deployment yet (or --force). */
static int
absent(const struct aml_ml *ml, const char *url)
{
	struct aml_resp r;
	struct aml_jdoc d;
	int rc;

	rc = aml_ml_lookup(ml, url, &r, &d);
	if (rc == 0 && !force) {
		aml_err("%s: the deployment exists; nothing sent (use --force to replace it, or "
		    "aml-update-deployment)", ml->rs.label);
		rc = AML_EXIT_FAIL;
	} else if (rc == AML_ML_ABSENT) {
		rc = 0;
	}
	aml_jfree(&d);
	aml_resp_free(&r);
	return rc;
}

static int
create(const struct aml_ml *ml, cJSON *def, struct aml_wbuf *out)
{
	char *url = aml_ml_dep_url(ml, NULL), *region = NULL, *body = NULL;
	struct aml_resp r;
	struct aml_jdoc d;
	int rc;

	if ((rc = endpoint(ml, &region)) != 0 || (rc = absent(ml, url)) != 0)
		goto out;
	if (location)
		cJSON_DeleteItemFromObjectCaseSensitive(def, "location");
	if (!cJSON_GetObjectItemCaseSensitive(def, "location")) {
		if (!location && !region) {
			aml_err("%s: no location in the definition or the endpoint; give -l",
			    ml->rs.label);
			rc = AML_EXIT_FAIL;
			goto out;
		}
		cJSON_AddStringToObject(def, "location", location ? location : region);
	}
	body = aml_json_print(def, 0);
	rc = aml_lro_run_flags(&ml->rs, "PUT", url, body, strlen(body), "creating", AML_LRO_STATE,
	    nowait, out);
	if (rc || nowait)
		goto out;
	if ((rc = aml_ml_get(ml, url, 0, &r, &d)) == 0)
		aml_jw_doc(out, &d, 0, AML_JW_ONE);
	aml_jfree(&d);
	aml_resp_free(&r);
out:
	free(body);
	free(region);
	free(url);
	return rc;
}

/* The options into ml; the definition's file (NULL: stdin). */
static const char *
options(int argc, char **argv, struct aml_ml *ml)
{
	const char *path = NULL;
	int c, rc;

	aml_ml_init(ml);
	while ((c = getopt_long(argc, argv, AML_ML_SHORTOPTS "e:d:l:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': location = optarg; break;
		case 'f': force = 1; break;
		case AML_OPT_NO_WAIT: nowait = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ml_opt(ml, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	path = aml_input_operand(argc - optind, argv + optind, usage);
	if (location && !*location) {
		aml_err("-l: empty");
		usage(AML_EXIT_USAGE);
	}
	if ((rc = aml_ml_setup(ml, AML_ML_DEP)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
	if (aml_ml_name_ok("-d", ml->dep) < 0)
		usage(AML_EXIT_USAGE);
	return path;
}

int
main(int argc, char **argv)
{
	const char *path;
	struct aml_wbuf out;
	struct aml_ml ml;
	cJSON *def;
	int rc;

	aml_setprog(&argv[0]);
	path = options(argc, argv, &ml);
	def = aml_ml_deployment_read(path);
	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	rc = aml_print_out(&out, create(&ml, def, &out));
	cJSON_Delete(def);
	aml_ml_free(&ml);
	aml_resignal();
	return rc;
}
