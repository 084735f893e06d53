/* SPDX-License-Identifier: MIT */
/*
 * aml-rm-endpoint: remove an endpoint of a classic web service (DELETE
 * .../endpoints/NAME of the management API), as
 * Remove-AmlWebServiceEndpoint does, and say so on stdout.
 *
 * The service keeps a web service's default endpoint while other
 * endpoints exist, and removes it when it is the last; so the default
 * endpoint is refused here before anything is sent, with the names of
 * the endpoints in the way, unless it is the last one.  An endpoint's
 * own key cannot read its web service: then the service decides.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-rm-endpoint [-qv] [-w workspace] [--service service] [-l location]\n"
	    "                       [-k key-file] [-m duration] [-E ca-bundle] name\n"
	    "       aml-rm-endpoint [-qv] -U endpoint-url [-k key-file] [-m duration] [-E ca-bundle]\n");
	if (!status)
		fprintf(fp, "%s", aml_ep_optshelp);
	exit(status);
}

static int
rm(const struct aml_classic *c, struct aml_wbuf *out)
{
	struct aml_req q = { .method = "DELETE" };
	struct aml_resp r;
	char *others;
	cJSON *j;
	int rc, def;

	def = aml_ep_is_default(c, &others, &rc);
	if (rc == 0 && def == 1 && *others) {
		aml_err("endpoint %s: the default endpoint of web service %s, which the service "
		    "removes only when it is the last; nothing sent: remove the others first (%s)",
		    c->name, c->svc, others);
		rc = AML_EXIT_FAIL;
	}
	free(others);
	if (rc)
		return rc;
	rc = aml_classic_call(c, "DELETE", 3, NULL, AML_HTTP_QUIET, &j, &r);
	if (rc) {
		q.url = aml_classic_url(c, 3);
		aml_ep_failed(&q, &r);
		free((char *)q.url);
	} else if (def == 1) {
		aml_wprintf(out, "removed endpoint %s, the default and last endpoint of web service %s\n",
		    c->name, c->svc);
	} else {
		aml_wprintf(out, "removed endpoint %s of web service %s\n", c->name, c->svc);
	}
	cJSON_Delete(j);
	aml_resp_free(&r);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		AML_EP_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct aml_ep_args a = { 0 };
	struct aml_classic cl;
	struct aml_wbuf out;
	int c, rc;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, AML_EP_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ep_opt(&a, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if ((rc = aml_ep_setup(&cl, &a, argc - optind, argv + optind)))
		return rc == AML_EXIT_USAGE ? (usage(rc), rc) : rc;

	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	if ((rc = rm(&cl, &out)) == 0) {
		fwrite(out.buf, 1, out.len, stdout);
		rc = aml_fshut(stdout, "<stdout>");
	}
	aml_wbuf_free(&out);
	aml_classic_free(&cl);
	aml_resignal();
	return rc;
}
