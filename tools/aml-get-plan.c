/* SPDX-License-Identifier: MIT */
/*
 * aml-get-plan: one commitment plan as 2-space JSON (-c: one line), or
 * every plan of a resource group or of the subscription across all
 * pages, one compact object per line (Get-AzMlCommitmentPlan); --table
 * shows either as aligned columns for a person.  Bodies go out through
 * the tape, so numbers keep the text the service sent (25.0 stays 25.0).
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

/* --table's columns.  A plan has no provisioning state or modification
 * time; what it is and what it costs is its SKU and capacity. */
static const char *const heads[] = { "NAME", "LOCATION", "SKU", "CAPACITY", "CREATED" };
static const char *const cols[] = { "name", "location", "sku.name", "sku.capacity",
	"properties.creationDate" };

static struct aml_plan p;
static int table;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-get-plan [-cqv] [--table] [-s subscription] [-g group [-n name]]\n"
	    "                    [--api-version V] [-m duration] [-E ca-bundle]\n"
	    "       aml-get-plan [-cqv] [--table] -i id [--api-version V] [-m duration]\n"
	    "                    [-E ca-bundle]\n");
	if (!status) {
		fputs("      --table               name, location, SKU, capacity and creation time,\n"
		    "                            aligned, instead of JSON\n", fp);
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
	if ((rc = aml_plan_setup(&p, AML_PLAN_LIST)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
}

int
main(int argc, char **argv)
{
	struct aml_table tb;
	struct aml_wbuf out;
	char *url;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv);
	/* Nothing on stdout unless every page came. */
	aml_wbuf_init(&out, -1);
	aml_table_init(&tb, 5, heads);
	url = aml_plan_url(&p, NULL, NULL);
	if (p.name)
		rc = aml_plan_get(&p, url, table ? &tb : NULL, row, &out);
	else
		rc = aml_plan_list(&p, url, table ? &tb : NULL, row, &out);
	free(url);
	rc = aml_print_out(&out, rc);
	aml_table_free(&tb);
	aml_plan_free(&p);
	return rc;
}
