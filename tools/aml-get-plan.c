/* SPDX-License-Identifier: MIT */
/*
 * aml-get-plan: one commitment plan as 2-space JSON (-c: one line), or
 * every plan of a resource group or of the subscription across all
 * pages, one compact object per line (Get-AzMlCommitmentPlan).  Bodies
 * go out through the tape, so numbers keep the text the service sent
 * (25.0 stays 25.0).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_PLAN_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-get-plan [-cqv] [-s subscription] [-g group [-n name]]\n"
	    "                    [--api-version V] [-m duration] [-E ca-bundle]\n"
	    "       aml-get-plan [-cqv] -i id [--api-version V] [-m duration] [-E ca-bundle]\n");
	if (!status)
		fprintf(fp, "%s%s%s", aml_plan_optshelp, aml_plan_compacthelp, aml_plan_commonhelp);
	exit(status);
}

int
main(int argc, char **argv)
{
	struct aml_plan p;
	struct aml_wbuf out;
	char *url;
	int c, rc;

	aml_setprog(&argv[0]);
	aml_plan_init(&p, 0);
	while ((c = getopt_long(argc, argv, AML_PLAN_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_plan_opt(&p, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if ((rc = aml_plan_setup(&p, AML_PLAN_LIST)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		return rc;

	/* Nothing on stdout unless every page came. */
	aml_wbuf_init(&out, -1);
	url = aml_plan_url(&p, NULL, NULL);
	rc = p.name ? aml_plan_get(&p, url, &out) : aml_plan_list(&p, url, &out);
	free(url);
	rc = aml_plan_flush(rc, &out);
	aml_wbuf_free(&out);
	aml_plan_free(&p);
	return rc;
}
