/* SPDX-License-Identifier: MIT */
/*
 * aml-update-plan: change a commitment plan's SKU or tags
 * (Update-AzMlCommitmentPlan): PATCH {sku, tags}, the only members the
 * service lets change, wait for the operation should the service make
 * one, GET the plan and print it.
 *
 * The service wants a whole sku (name and tier) in a PATCH; a change of
 * the capacity or tier alone takes the rest from the plan as it is.
 * The tags given replace the plan's, as the cmdlet's -Tag does.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static struct aml_plan_sku sku;

static const struct option longopts[] = {
	AML_PLAN_LONGOPTS,
	{ "sku", required_argument, NULL, AML_PLAN_OPT_SKU },
	{ "tier", required_argument, NULL, AML_PLAN_OPT_TIER },
	{ "capacity", required_argument, NULL, AML_PLAN_OPT_CAPACITY },
	{ "tag", required_argument, NULL, AML_PLAN_OPT_TAG },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-update-plan [-cqv] (-g group -n name | -i id) [--sku SKU] [--tier TIER]\n"
	    "                       [--capacity N] [--tag KEY=VALUE]... [-s subscription]\n"
	    "                       [--api-version V] [-m duration] [-E ca-bundle]\n");
	if (!status) {
		fputs("      --sku SKU             the new SKU (S1, S2, S3, DevTest, PAYG ...)\n"
		    "      --tier TIER           its tier (default: the plan's)\n"
		    "      --capacity N          how many units (default: the plan's)\n"
		    "      --tag KEY=VALUE       the plan's tags become those given (repeat)\n", fp);
		aml_plan_help(fp, 0);
	}
	exit(status);
}

/* The plan's sku as it is, for what the command line leaves out. */
static int
current(const struct aml_plan *p, const char *url, cJSON **cur)
{
	struct aml_resp r;
	struct aml_jerr e;
	int rc;

	*cur = NULL;
	if ((rc = aml_arm_call(&p->rs, "GET", url, NULL, 0, 0, &r)) == 0) {
		cJSON *j = aml_json_parse(r.body, r.len, &e);

		if (!j || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "sku"))) {
			aml_err("%s: the plan as GET shows it has no sku", p->rs.label);
			rc = AML_EXIT_FAIL;
		} else {
			*cur = cJSON_DetachItemFromObjectCaseSensitive(j, "sku");
		}
		cJSON_Delete(j);
	}
	aml_resp_free(&r);
	return rc;
}

static int
body_of(const struct aml_plan *p, const char *url, char **body, size_t *len)
{
	cJSON *j = cJSON_CreateObject(), *s = NULL;
	int rc;

	if (sku.sku || sku.tier || sku.capacity) {
		if ((!sku.sku || !sku.tier) && (rc = current(p, url, &s)) != 0) {
			cJSON_Delete(j);
			return rc;
		}
		if (!s)
			s = cJSON_CreateObject();
		if (sku.sku) {
			cJSON_DeleteItemFromObject(s, "name");
			cJSON_AddStringToObject(s, "name", sku.sku);
		}
		if (sku.tier) {
			cJSON_DeleteItemFromObject(s, "tier");
			cJSON_AddStringToObject(s, "tier", sku.tier);
		}
		if (sku.capacity) {
			cJSON_DeleteItemFromObject(s, "capacity");
			cJSON_AddNumberToObject(s, "capacity", (double)sku.capacity);
		}
		cJSON_AddItemToObject(j, "sku", s);
	}
	if (sku.tags)
		cJSON_AddItemToObject(j, "tags", cJSON_Duplicate(sku.tags, 1));
	*body = aml_json_print(j, 0);
	*len = strlen(*body);
	cJSON_Delete(j);
	return 0;
}

static int
update(const struct aml_plan *p, struct aml_wbuf *out)
{
	char *url = aml_plan_url(p, NULL, NULL), *body;
	size_t len;
	int rc;

	if ((rc = body_of(p, url, &body, &len)) == 0) {
		rc = aml_lro_run(&p->rs, "PATCH", url, body, len, "updating", 0, out);
		free(body);
	}
	if (rc == 0)
		rc = aml_plan_get(p, url, NULL, NULL, out);
	free(url);
	return rc;
}

static void
options(int argc, char **argv, struct aml_plan *p)
{
	int c, rc;

	aml_plan_init(p, 0);
	while ((c = getopt_long(argc, argv, AML_PLAN_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if ((rc = aml_plan_sku_opt(&sku, c, optarg)) < 0 ||
			    (rc == 0 && aml_plan_opt(p, c, optarg) <= 0))
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if (!sku.sku && !sku.tier && !sku.capacity && !sku.tags) {
		aml_err("nothing to change: give --sku, --tier, --capacity or --tag");
		usage(AML_EXIT_USAGE);
	}
	if ((rc = aml_plan_setup(p, AML_PLAN_ONE)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
}

int
main(int argc, char **argv)
{
	struct aml_plan p;
	struct aml_wbuf out;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv, &p);
	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	rc = aml_print_out(&out, update(&p, &out));
	aml_plan_sku_free(&sku);
	aml_plan_free(&p);
	aml_resignal();
	return rc;
}
