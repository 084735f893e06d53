/* SPDX-License-Identifier: MIT */
/*
 * aml-get-association: one commitment association of a plan as 2-space
 * JSON (-c: one line), or every association of the plan across all
 * pages, one compact object per line (Get-AzMlCommitmentAssociation);
 * --table shows either as aligned columns for a person.  An association
 * binds a web service (properties.associatedResourceId) to the plan
 * that bills it.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_PLAN_LONGOPTS,
	{ "plan", required_argument, NULL, AML_PLAN_OPT_PLAN },
	{ "table", no_argument, NULL, AML_OPT_TABLE },
	{ NULL, 0, NULL, 0 }
};

/* --table's columns: the web service by its name (the last segment of
 * its id, which is in the JSON whole). */
static const char *const heads[] = { "NAME", "LOCATION", "WEB SERVICE", "CREATED" };

static struct aml_plan p;
static int table;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-get-association [-cqv] [--table] -g group --plan plan [-n name]\n"
	    "                           [-s subscription] [--api-version V] [-m duration]\n"
	    "                           [-E ca-bundle]\n"
	    "       aml-get-association [-cqv] [--table] --plan plan-id [-n name] [...]\n"
	    "       aml-get-association [-cqv] [--table] -i id [...]\n");
	if (!status) {
		fputs("      --table               name, location, web service and creation time,\n"
		    "                            aligned, instead of JSON\n", fp);
		aml_plan_help(fp, 1);
	}
	exit(status);
}

static void
row(struct aml_table *tb, const struct aml_jdoc *d, uint32_t i)
{
	char *cell[4], *slash;

	cell[0] = aml_table_text(d, i, "name");
	cell[1] = aml_table_text(d, i, "location");
	cell[2] = aml_table_text(d, i, "properties.associatedResourceId");
	cell[3] = aml_table_text(d, i, "properties.creationDate");
	if (cell[2] && (slash = strrchr(cell[2], '/')) && slash[1])
		memmove(cell[2], slash + 1, strlen(slash + 1) + 1);
	aml_table_add(tb, (const char *const *)cell);
	for (int k = 0; k < 4; k++)
		free(cell[k]);
}

static void
options(int argc, char **argv)
{
	int c, rc;

	aml_plan_init(&p, 1);
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
	aml_table_init(&tb, 4, heads);
	url = aml_assoc_url(&p, NULL);
	if (p.assoc)
		rc = aml_plan_get(&p, url, table ? &tb : NULL, row, &out);
	else
		rc = aml_plan_list(&p, url, table ? &tb : NULL, row, &out);
	free(url);
	rc = aml_print_out(&out, rc);
	aml_table_free(&tb);
	aml_plan_free(&p);
	return rc;
}
