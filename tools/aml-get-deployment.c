/* SPDX-License-Identifier: MIT */
/*
 * aml-get-deployment: one online deployment of an Azure Machine Learning
 * endpoint, 2-space indented (-c: one line), or with no -d every
 * deployment of the endpoint across all pages, one compact object per
 * line (Get-AzMLWorkspaceOnlineDeployment, az ml online-deployment show
 * and list); --table shows either as aligned columns for a person.
 * Bodies go out through the tape, so numbers and strings keep the text
 * the service sent; aml-export-deployment makes a definition of one.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_ML_LONGOPTS,
	AML_ML_EP_LONGOPT,
	AML_ML_DEP_LONGOPT,
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, 'f' },
	{ "table", no_argument, NULL, AML_OPT_TABLE },
	{ NULL, 0, NULL, 0 }
};

/* --table's columns: what a person looks for first. */
static const char *const heads[] = { "NAME", "LOCATION", "STATE", "MODIFIED" };
static const char *const cols[] = { "name", "location", "properties.provisioningState",
	"systemData.lastModifiedAt" };

static const char *outpath;
static int force, table;
static struct aml_ml ml;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-get-deployment [-cfqv] [--table] -g group -w workspace -e endpoint\n"
	    "                          [-d deployment] [-s subscription] [-o file] [-m duration]\n"
	    "                          [-E ca-bundle]\n");
	if (!status) {
		fputs("  -e, --endpoint EP         the online endpoint\n"
		    "  -d, --deployment D        the deployment (default: list the endpoint's)\n"
		    "  -o, --output FILE         write to FILE (atomically)\n"
		    "  -f, --force               replace FILE if it exists\n"
		    "      --table               name, location, state and modification time,\n"
		    "                            aligned, instead of JSON\n", fp);
		aml_ml_help(fp);
	}
	exit(status);
}

struct sink {
	struct aml_table *tb;
	struct aml_wbuf *out;
};

/* An item of the list: a line of JSON Lines, or a row. */
static int
item(void *arg, const struct aml_jdoc *d, uint32_t i)
{
	struct sink *k = arg;

	if (table)
		aml_table_add_doc(k->tb, d, i, cols);
	else
		aml_jw_doc(k->out, d, i, 0);
	return 0;
}

/* The one deployment -d names. */
static int
get_one(const char *url, struct aml_table *tb, struct aml_wbuf *out)
{
	struct aml_resp r;
	struct aml_jdoc d;
	int rc;

	if ((rc = aml_ml_get(&ml, url, 0, &r, &d)) == 0) {
		if (table)
			aml_table_add_doc(tb, &d, 0, cols);
		else
			aml_jw_doc(out, &d, 0, AML_JW_ONE);
	}
	aml_jfree(&d);
	aml_resp_free(&r);
	return rc;
}

static void
options(int argc, char **argv)
{
	int c, rc;

	aml_ml_init(&ml);
	while ((c = getopt_long(argc, argv, AML_ML_SHORTOPTS "e:d:o:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': outpath = optarg; break;
		case 'f': force = 1; break;
		case AML_OPT_TABLE: table = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ml_opt(&ml, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if ((rc = aml_ml_setup(&ml, AML_ML_EP)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
}

int
main(int argc, char **argv)
{
	struct sink k;
	struct aml_table tb;
	struct aml_wbuf buf;
	struct aml_out out;
	char *url;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv);
	if (aml_ml_out_check(outpath, force) < 0) {
		aml_ml_free(&ml);
		return AML_EXIT_FAIL;
	}
	/* Nothing on stdout or in FILE unless every page came. */
	aml_wbuf_init(&buf, -1);
	aml_table_init(&tb, 4, heads);
	k.tb = &tb;
	k.out = &buf;
	url = aml_ml_dep_url(&ml, NULL);
	rc = ml.dep ? get_one(url, &tb, &buf) : aml_arm_pages(&ml.rs, url, ml.apiver, item, &k);
	if (rc == 0 && table)
		aml_table_print(&tb, &buf);
	if (rc == 0) {
		aml_out_open(&out, outpath, 0644, force);
		aml_wput(&out.w, buf.buf, buf.len);
		rc = aml_out_close(&out);
	}
	aml_table_free(&tb);
	aml_wbuf_free(&buf);
	free(url);
	aml_ml_free(&ml);
	return rc;
}
