/* SPDX-License-Identifier: MIT */
/*
 * aml-get-deployment: one online deployment of an Azure Machine Learning
 * endpoint, 2-space indented (-c: one line), or with no -d every
 * deployment of the endpoint across all pages, one compact object per
 * line (Get-AzMLWorkspaceOnlineDeployment, az ml online-deployment show
 * and list).  Bodies go out through the tape, so numbers and strings keep
 * the text the service sent; aml-export-deployment makes a definition of
 * one.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_ML_LONGOPTS,
	AML_ML_EP_LONGOPT,
	AML_ML_DEP_LONGOPT,
	{ "compact", no_argument, NULL, 'c' },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-get-deployment [-cfqv] -g group -w workspace -e endpoint [-d deployment]\n"
	    "                          [-s subscription] [-o file] [-m duration] [-E ca-bundle]\n");
	if (!status)
		fprintf(fp,
		    "  -e, --endpoint EP         the online endpoint\n"
		    "  -d, --deployment D        the deployment (default: list the endpoint's)\n"
		    "  -c, --compact             one deployment on one line\n"
		    "  -o, --output FILE         write to FILE (atomically)\n"
		    "  -f, --force               replace FILE if it exists\n"
		    "%s", aml_ml_optshelp);
	exit(status);
}

/* An item of the list, compacted, one per line. */
static int
item(void *out, const struct aml_jdoc *d, uint32_t i)
{
	aml_jw_doc(out, d, i, 0);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *outpath = NULL;
	struct aml_wbuf list;
	struct aml_out out;
	struct aml_resp r;
	struct aml_jdoc d;
	struct aml_ml ml;
	int c, rc, compact = 0, force = 0;
	char *url;

	aml_setprog(&argv[0]);
	aml_ml_init(&ml);
	while ((c = getopt_long(argc, argv, AML_ML_SHORTOPTS "e:d:co:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': compact = 1; break;
		case 'o': outpath = optarg; break;
		case 'f': force = 1; break;
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
		return rc;

	if (aml_ml_out_check(outpath, force) < 0) {
		aml_ml_free(&ml);
		return AML_EXIT_FAIL;
	}
	url = aml_ml_dep_url(&ml, NULL);
	if (ml.dep) {
		if ((rc = aml_ml_get(&ml, url, 0, &r, &d)) == 0)
			rc = aml_ml_print(&d, 0, compact, outpath, 0644, force);
		aml_jfree(&d);
		aml_resp_free(&r);
	} else {
		/* Nothing on stdout unless every page came. */
		aml_wbuf_init(&list, -1);
		if ((rc = aml_arm_pages(&ml.rs, url, ml.apiver, item, &list)) == 0) {
			aml_out_open(&out, outpath, 0644, force);
			aml_wput(&out.w, list.buf, list.len);
			rc = aml_out_close(&out);
		}
		aml_wbuf_free(&list);
	}
	free(url);
	aml_ml_free(&ml);
	return rc;
}
