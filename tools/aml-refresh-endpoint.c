/* SPDX-License-Identifier: MIT */
/*
 * aml-refresh-endpoint: bring an added endpoint of a classic web service
 * up to what the web service publishes now, as
 * Refresh-AmlWebServiceEndpoint does: GET the endpoint, then POST
 * .../endpoints/NAME/refresh with {"OverwriteResources": "True"} or
 * "False" (a .NET bool's text, as the cmdlet sends it).  Without
 * --overwrite-resources the endpoint's trained models stay (a retrained
 * model PATCHed in stays); with it they become the web service's too.
 *
 * 304 means nothing changed; either way the program says what happened
 * as one JSON object, {"name": ..., "webService": ..., "workspace": ...,
 * "refreshed": true|false, "overwriteResources": true|false}, with
 * "reason": "no change detected" when the service refreshed nothing, and
 * exits 0.  The default endpoint always runs what the web service
 * publishes and cannot be refreshed: it is refused here before anything
 * is sent.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_EP_LONGOPTS,
	{ "overwrite-resources", no_argument, NULL, AML_EP_OPT_OVERWRITE },
	{ NULL, 0, NULL, 0 }
};

static struct aml_ep_args args;
static struct aml_classic cl;
static int overwrite;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-refresh-endpoint [-cqv] [--overwrite-resources] [-w workspace]\n"
	    "                            [--service service] [-l location] [-k key-file]\n"
	    "                            [-m duration] [-E ca-bundle] name\n"
	    "       aml-refresh-endpoint [-cqv] [--overwrite-resources] -U endpoint-url [...]\n");
	if (!status) {
		fputs("      --overwrite-resources replace the endpoint's trained models with the\n"
		    "                            web service's too\n", fp);
		aml_ep_help(fp);
	}
	exit(status);
}

/* What happened: refreshed, or not (304). */
static void
said(struct aml_wbuf *out, int refreshed)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", cl.name);
	cJSON_AddStringToObject(o, "webService", cl.svc);
	cJSON_AddStringToObject(o, "workspace", cl.ws);
	cJSON_AddBoolToObject(o, "refreshed", refreshed);
	cJSON_AddBoolToObject(o, "overwriteResources", overwrite);
	if (!refreshed)
		cJSON_AddStringToObject(o, "reason", "no change detected");
	aml_json_write(out, o, AML_JW_ONE);
	cJSON_Delete(o);
}

static int
refresh(struct aml_wbuf *out)
{
	struct aml_req q = { .method = "POST" };
	struct aml_resp r;
	char *others, *u;
	cJSON *j;
	int rc, def;

	def = aml_ep_is_default(&cl, &others, &rc);
	free(others);
	if (rc)
		return rc;
	if (def == 1) {
		aml_err("endpoint %s: the default endpoint of web service %s always runs what the web "
		    "service publishes, and cannot be refreshed; nothing sent", cl.name, cl.svc);
		return AML_EXIT_FAIL;
	}
	/* The endpoint first, as the cmdlet does: an unknown one is a 404
	 * in the service's words. */
	rc = aml_classic_call(&cl, NULL, AML_AT_ENDPOINT, NULL, 0, &j, &r);
	if (j)
		aml_json_free_secret(j);
	aml_resp_free(&r);
	if (rc)
		return rc;
	u = aml_classic_url(&cl, AML_AT_ENDPOINT);
	q.url = aml_xasprintf("%s/refresh", u);
	free(u);
	q.body = overwrite ? "{\"OverwriteResources\":\"True\"}" : "{\"OverwriteResources\":\"False\"}";
	q.len = strlen(q.body);
	q.flags = AML_HTTP_QUIET | AML_HTTP_ANYSTATUS;
	rc = aml_studio_http(cl.key, &q, &r);
	if (rc == 0 && r.status == 304) {
		said(out, 0);
	} else if (rc == 0 && r.status / 100 == 2) {
		said(out, 1);
	} else {
		if (rc == 0)
			rc = r.status == 401 ? AML_EXIT_AUTH : AML_EXIT_FAIL;
		aml_ep_failed(&q, &r);
	}
	aml_resp_free(&r);
	free((char *)q.url);
	return rc;
}

static void
options(int argc, char **argv)
{
	int c, rc;

	while ((c = getopt_long(argc, argv, AML_EP_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case AML_EP_OPT_OVERWRITE: overwrite = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ep_opt(&args, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if ((rc = aml_ep_setup(&cl, &args, argc - optind, argv + optind)) == AML_EXIT_USAGE)
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
	rc = aml_print_out(&out, refresh(&out));
	aml_classic_free(&cl);
	aml_resignal();
	return rc;
}
