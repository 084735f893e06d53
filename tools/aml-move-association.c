/* SPDX-License-Identifier: MIT */
/*
 * aml-move-association: move a commitment association, and with it the
 * billing of its web service, to another plan
 * (Move-AzMlCommitmentAssociation): POST .../move {"destinationPlanId":
 * ID}, and print the association as it is now, under the destination
 * plan (2-space JSON, -c one line).
 *
 * --to takes the destination plan's resource id, or the name of a plan
 * in the same resource group (and subscription) as the one the
 * association is under.  The service checks the rest: that the plan is
 * there, is not the association's own, is in the same region and has
 * room.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const char *to;

static const struct option longopts[] = {
	AML_PLAN_LONGOPTS,
	{ "plan", required_argument, NULL, AML_PLAN_OPT_PLAN },
	{ "to", required_argument, NULL, AML_PLAN_OPT_TO },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-move-association [-cqv] -g group --plan plan -n name --to plan\n"
	    "                            [-s subscription] [--api-version V] [-m duration]\n"
	    "                            [-E ca-bundle]\n"
	    "       aml-move-association [-cqv] -i id --to plan [...]\n");
	if (!status) {
		fputs("      --to PLAN             the destination: a plan's resource id, or the name\n"
		    "                            of a plan in the same resource group\n", fp);
		aml_plan_help(fp, 1);
	}
	exit(status);
}

/* The association under its new plan, when the answer has no body. */
static int
get_moved(const struct aml_plan *p, const char *dest, struct aml_wbuf *out)
{
	char *e = aml_urlenc(p->assoc), *url;
	int rc;

	url = aml_xasprintf("%s%s/%s/%s?api-version=%s", aml_arm_endpoint(), dest, AML_PLAN_ASSOCS,
	    e, p->apiver);
	rc = aml_plan_get(p, url, NULL, NULL, out);
	free(url);
	free(e);
	return rc;
}

static int
move(const struct aml_plan *p, const char *dest, struct aml_wbuf *out)
{
	char *url = aml_assoc_url(p, "/move"), *body;
	struct aml_resp r;
	struct aml_jdoc d;
	cJSON *j;
	int rc;

	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "destinationPlanId", dest);
	body = aml_json_print(j, 0);
	cJSON_Delete(j);
	rc = aml_arm_call(&p->rs, "POST", url, body, strlen(body), 0, &r);
	if (rc == 0 && !r.len) {
		rc = get_moved(p, dest, out);
	} else if (rc == 0 && (rc = aml_arm_answer("POST", url, &r, &d)) == 0) {
		aml_jw_doc(out, &d, 0, AML_JW_ONE);
		aml_jfree(&d);
	}
	aml_resp_free(&r);
	free(body);
	free(url);
	return rc;
}

/* The options into p; the destination plan's id, malloc'd. */
static char *
options(int argc, char **argv, struct aml_plan *p)
{
	const char *why;
	char *dest;
	int c, rc;

	aml_plan_init(p, 1);
	while ((c = getopt_long(argc, argv, AML_PLAN_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case AML_PLAN_OPT_TO: to = optarg; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_plan_opt(p, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if (!to) {
		aml_err("no --to: the plan to move the association to");
		usage(AML_EXIT_USAGE);
	}
	if ((rc = aml_plan_setup(p, AML_PLAN_ONE)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
	if (!(dest = aml_plan_ref(to, p->rs.sub, p->group, &why))) {
		aml_err("--to %s: %s", to, why);
		aml_plan_free(p);
		usage(AML_EXIT_USAGE);
	}
	return dest;
}

int
main(int argc, char **argv)
{
	struct aml_plan p;
	struct aml_wbuf out;
	char *dest;
	int rc;

	aml_setprog(&argv[0]);
	dest = options(argc, argv, &p);
	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	rc = aml_print_out(&out, move(&p, dest, &out));
	free(dest);
	aml_plan_free(&p);
	aml_resignal();
	return rc;
}
