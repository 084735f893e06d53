/* SPDX-License-Identifier: MIT */
/*
 * aml-get-association: one commitment association of a plan as 2-space
 * JSON (-c: one line), or every association of the plan across all
 * pages, one compact object per line (Get-AzMlCommitmentAssociation).
 * An association binds a web service (properties.associatedResourceId)
 * to the plan that bills it.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_PLAN_LONGOPTS,
	{ "plan", required_argument, NULL, AML_PLAN_OPT_PLAN },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-get-association [-cqv] -g group --plan plan [-n name] [-s subscription]\n"
	    "                           [--api-version V] [-m duration] [-E ca-bundle]\n"
	    "       aml-get-association [-cqv] --plan plan-id [-n name] [...]\n"
	    "       aml-get-association [-cqv] -i id [...]\n");
	if (!status)
		fprintf(fp, "%s%s%s", aml_assoc_optshelp, aml_plan_compacthelp, aml_plan_commonhelp);
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
	aml_plan_init(&p, 1);
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

	aml_wbuf_init(&out, -1);
	url = aml_assoc_url(&p, NULL);
	rc = p.assoc ? aml_plan_get(&p, url, &out) : aml_plan_list(&p, url, &out);
	free(url);
	rc = aml_plan_flush(rc, &out);
	aml_wbuf_free(&out);
	aml_plan_free(&p);
	return rc;
}
