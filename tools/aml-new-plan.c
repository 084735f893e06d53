/* SPDX-License-Identifier: MIT */
/*
 * aml-new-plan: create a commitment plan (New-AzMlCommitmentPlan): PUT
 * {location, sku, tags}, wait for the operation should the service make
 * one, GET the plan and print it.
 *
 * A PUT replaces a plan of that name, and New-AzMlCommitmentPlan lets it
 * (it overwrites an existing plan); a plan carries the billing of every
 * web service associated with it, so here the plan is looked up first
 * and an existing one is left alone unless --force.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static int force;
static const char *location;
static struct aml_plan_sku sku;

static const struct option longopts[] = {
	AML_PLAN_LONGOPTS,
	{ "location", required_argument, NULL, 'l' },
	{ "force", no_argument, NULL, 'f' },
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

	fprintf(fp, "usage: aml-new-plan [-cfqv] (-g group -n name | -i id) -l location --sku SKU\n"
	    "                    [--tier TIER] [--capacity N] [--tag KEY=VALUE]... [-s subscription]\n"
	    "                    [--api-version V] [-m duration] [-E ca-bundle]\n");
	if (!status) {
		fputs("  -l, --location LOCATION   where the plan is (southcentralus)\n"
		    "      --sku SKU             S1, S2, S3, DevTest, PAYG ...\n"
		    "      --tier TIER           the SKU's tier (default Standard)\n"
		    "      --capacity N          how many units of the SKU (default 1)\n"
		    "      --tag KEY=VALUE       a tag (repeat for more)\n"
		    "  -f, --force               replace a plan that exists\n", fp);
		aml_plan_help(fp, 0);
	}
	exit(status);
}

static char *
body_of(size_t *len)
{
	cJSON *j = cJSON_CreateObject(), *s;
	char *body;

	cJSON_AddStringToObject(j, "location", location);
	s = cJSON_AddObjectToObject(j, "sku");
	cJSON_AddStringToObject(s, "name", sku.sku);
	cJSON_AddStringToObject(s, "tier", sku.tier ? sku.tier : "Standard");
	if (sku.capacity)
		cJSON_AddNumberToObject(s, "capacity", (double)sku.capacity);
	if (sku.tags)
		cJSON_AddItemToObject(j, "tags", cJSON_Duplicate(sku.tags, 1));
	body = aml_json_print(j, 0);
	cJSON_Delete(j);
	*len = strlen(body);
	return body;
}

/* 0 when there is no such plan yet (or --force), else the status. */
static int
absent(const struct aml_plan *p, const char *url)
{
	struct aml_resp r;
	int rc;

	rc = aml_arm_call(&p->rs, "GET", url, NULL, 0, AML_HTTP_QUIET, &r);
	if (rc == 0 && !force) {
		aml_err("%s: the commitment plan exists; nothing sent (use --force to replace it)",
		    p->rs.label);
		rc = AML_EXIT_FAIL;
	} else if (rc && r.status == 404) {
		rc = 0;
	} else if (rc) {
		aml_plan_failed(p, "GET", url, &r, NULL);
	}
	aml_resp_free(&r);
	return rc;
}

static int
create(const struct aml_plan *p, struct aml_wbuf *out)
{
	char *url = aml_plan_url(p, NULL, NULL), *body;
	size_t len;
	int rc;

	if ((rc = absent(p, url)) != 0)
		goto out;
	body = body_of(&len);
	rc = aml_lro_run(&p->rs, "PUT", url, body, len, "creating", 0, out);
	free(body);
	if (rc == 0)
		rc = aml_plan_get(p, url, NULL, NULL, out);
out:
	free(url);
	return rc;
}

static void
options(int argc, char **argv, struct aml_plan *p)
{
	int c, rc;

	aml_plan_init(p, 0);
	while ((c = getopt_long(argc, argv, AML_PLAN_SHORTOPTS "l:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': location = optarg; break;
		case 'f': force = 1; break;
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
	if (!location || !*location) {
		aml_err("%s", location ? "--location: empty" : "no --location: where the plan is");
		usage(AML_EXIT_USAGE);
	}
	if (!sku.sku) {
		aml_err("no --sku: the plan's SKU (S1, S2, S3, DevTest, PAYG ...)");
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
	rc = aml_print_out(&out, create(&p, &out));
	aml_plan_sku_free(&sku);
	aml_plan_free(&p);
	aml_resignal();
	return rc;
}
