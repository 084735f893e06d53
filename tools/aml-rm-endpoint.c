/* SPDX-License-Identifier: MIT */
/*
 * aml-rm-endpoint: remove an endpoint of a classic web service (DELETE
 * .../endpoints/NAME of the management API), as
 * Remove-AmlWebServiceEndpoint does, and say what was removed:
 * {"name": ..., "webService": ..., "workspace": ..., "deleted": true,
 * "default": false}, so that a script's log shows what went.
 *
 * The service keeps a web service's default endpoint while other
 * endpoints exist, and removes it when it is the last; so the default
 * endpoint is refused here before anything is sent, with the names of
 * the endpoints in the way, unless it is the last one ("default": true
 * then).  An endpoint's own key cannot read its web service: then the
 * service decides, and "default" is null.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_EP_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static struct aml_ep_args args;
static struct aml_classic cl;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-rm-endpoint [-cqv] [-w workspace] [--service service] [-l location]\n"
	    "                       [-k key-file] [-m duration] [-E ca-bundle] name\n"
	    "       aml-rm-endpoint [-cqv] -U endpoint-url [-k key-file] [-m duration] [-E ca-bundle]\n");
	if (!status)
		aml_ep_help(fp);
	exit(status);
}

/* What was removed; def as aml_ep_is_default said (-1: unknown). */
static void
removed(struct aml_wbuf *out, int def)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", cl.name);
	cJSON_AddStringToObject(o, "webService", cl.svc);
	cJSON_AddStringToObject(o, "workspace", cl.ws);
	cJSON_AddTrueToObject(o, "deleted");
	if (def < 0)
		cJSON_AddNullToObject(o, "default");
	else
		cJSON_AddBoolToObject(o, "default", def);
	aml_json_write(out, o, AML_JW_ONE);
	cJSON_Delete(o);
}

static int
rm(struct aml_wbuf *out)
{
	struct aml_req q = { .method = "DELETE" };
	struct aml_resp r;
	char *others;
	cJSON *j;
	int rc, def;

	def = aml_ep_is_default(&cl, &others, &rc);
	if (rc == 0 && def == 1 && *others) {
		aml_err("endpoint %s: the default endpoint of web service %s, which the service "
		    "removes only when it is the last; nothing sent: remove the others first (%s)",
		    cl.name, cl.svc, others);
		rc = AML_EXIT_FAIL;
	}
	free(others);
	if (rc)
		return rc;
	rc = aml_classic_call(&cl, "DELETE", AML_AT_ENDPOINT, NULL, AML_HTTP_QUIET, &j, &r);
	if (rc) {
		q.url = aml_classic_url(&cl, AML_AT_ENDPOINT);
		aml_ep_failed(&q, &r);
		free((char *)q.url);
	} else {
		removed(out, def);
	}
	cJSON_Delete(j);
	aml_resp_free(&r);
	return rc;
}

static void
options(int argc, char **argv)
{
	int c, rc;

	while ((c = getopt_long(argc, argv, AML_EP_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
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
	rc = aml_print_out(&out, rm(&out));
	aml_classic_free(&cl);
	aml_resignal();
	return rc;
}
