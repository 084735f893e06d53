/* SPDX-License-Identifier: MIT */
/*
 * aml-plan-usage: a commitment plan's usage history, one PlanUsageHistory
 * a line (compact JSON) across all pages, oldest period first as the
 * service lists them (Get-AzMlCommitmentPlanUsageHistory); --table
 * shows each period's usage and overage of the two meters a plan
 * includes, aligned, for a person.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_PLAN_LONGOPTS,
	{ "table", no_argument, NULL, AML_OPT_TABLE },
	{ NULL, 0, NULL, 0 }
};

/* --table's columns.  Each quantity of a PlanUsageHistory is a map keyed
 * by the plan's included quantities, named as a plan's
 * properties.includedQuantities names them (notes/commitment-plans.md:
 * no usage was recorded; the emulator keys them so): compute hours and
 * transactions.  A key by another name shows as "-" here, and whole in
 * the JSON. */
#define HOURS "machineLearningWebServiceComputeHours"
#define CALLS "machineLearningWebServiceTransactions"
static const char *const heads[] = { "DATE", "HOURS", "TRANSACTIONS", "OVERAGE HOURS",
	"OVERAGE TRANSACTIONS" };
static const char *const cols[] = { "usageDate", "usage." HOURS, "usage." CALLS,
	"planUsageOverage." HOURS, "planUsageOverage." CALLS };

static struct aml_plan p;
static int table;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-plan-usage [-qv] [--table] (-g group -n name | -i id) [-s subscription]\n"
	    "                      [--api-version V] [-m duration] [-E ca-bundle]\n");
	if (!status) {
		fputs("      --table               each period's date, compute hours and transactions\n"
		    "                            used and beyond the plan, aligned, instead of JSON\n",
		    fp);
		aml_plan_help(fp, 0);
	}
	exit(status);
}

static void
row(struct aml_table *tb, const struct aml_jdoc *d, uint32_t i)
{
	aml_table_add_doc(tb, d, i, cols);
}

static void
options(int argc, char **argv)
{
	int c, rc;

	aml_plan_init(&p, 0);
	while ((c = getopt_long(argc, argv, AML_PLAN_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case AML_OPT_TABLE: table = 1; break;
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
		exit(rc);
}

int
main(int argc, char **argv)
{
	static const char *const more[] = { "usageHistory", NULL };
	struct aml_table tb;
	struct aml_wbuf out;
	char *url;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv);
	/* Nothing on stdout unless every page came. */
	aml_wbuf_init(&out, -1);
	aml_table_init(&tb, 5, heads);
	url = aml_plan_url(&p, more, NULL);
	rc = aml_print_out(&out, aml_plan_list(&p, url, table ? &tb : NULL, row, &out));
	free(url);
	aml_table_free(&tb);
	aml_plan_free(&p);
	return rc;
}
