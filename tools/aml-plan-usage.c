/* SPDX-License-Identifier: MIT */
/*
 * aml-plan-usage: a commitment plan's usage history, one PlanUsageHistory
 * a line (compact JSON) across all pages, oldest period first as the
 * service lists them (Get-AzMlCommitmentPlanUsageHistory).
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

	fprintf(fp, "usage: aml-plan-usage [-qv] (-g group -n name | -i id) [-s subscription]\n"
	    "                      [--api-version V] [-m duration] [-E ca-bundle]\n");
	if (!status)
		fprintf(fp, "%s%s", aml_plan_optshelp, aml_plan_commonhelp);
	exit(status);
}

int
main(int argc, char **argv)
{
	static const char *const more[] = { "usageHistory", NULL };
	struct aml_plan p;
	struct aml_wbuf out;
	char *url;
	int c, rc;

	aml_setprog(&argv[0]);
	aml_plan_init(&p, 0);
	while ((c = getopt_long(argc, argv, AML_PLAN_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'c': usage(AML_EXIT_USAGE); break;	/* nothing to make compact */
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_plan_opt(&p, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if ((rc = aml_plan_setup(&p, AML_PLAN_ONE)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		return rc;

	aml_wbuf_init(&out, -1);
	url = aml_plan_url(&p, more, NULL);
	rc = aml_plan_flush(aml_plan_list(&p, url, &out), &out);
	free(url);
	aml_wbuf_free(&out);
	aml_plan_free(&p);
	return rc;
}
