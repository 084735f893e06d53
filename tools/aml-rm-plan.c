/* SPDX-License-Identifier: MIT */
/*
 * aml-rm-plan: remove a commitment plan (Remove-AzMlCommitmentPlan):
 * DELETE, then say what was removed, {"id": ..., "name": ...,
 * "deleted": true}, so that a script's log shows what went.
 *
 * The service removes a plan at once: 200 with no body (the recorded
 * exchanges have no operation to follow), and Resource Manager answers
 * 204 for a plan that is not there, which is a failure here: a name
 * mistyped should not pass for a plan removed.  A plan that still has
 * commitment associations is refused by the service (409); the line
 * then says how to find and move them.  Should the service answer 202
 * (taken, to be done later), "deleted" is false and "accepted" true,
 * and a warning says how to check.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_PLAN_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static struct aml_plan p;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-rm-plan [-cqv] (-g group -n name | -i id) [-s subscription]\n"
	    "                  [--api-version V] [-m duration] [-E ca-bundle]\n");
	if (!status)
		aml_plan_help(fp, 0);
	exit(status);
}

/* The hint for a plan that has associations. */
static char *
assoc_hint(void)
{
	struct aml_wbuf w;

	aml_wbuf_init(&w, -1);
	aml_wputs(&w, "the plan still has commitment associations, and the service removes no plan "
	    "that has: list them with aml-get-association");
	if (p.subgiven) {
		aml_wputs(&w, " -s ");
		aml_shword(&w, p.rs.sub);
	}
	aml_wputs(&w, " -g ");
	aml_shword(&w, p.group);
	aml_wputs(&w, " --plan ");
	aml_shword(&w, p.name);
	aml_wputs(&w, ", move them with aml-move-association or remove their web services");
	return aml_wbuf_take(&w);
}

/* What was removed, or taken to be removed (202). */
static void
removed(struct aml_wbuf *out, int accepted)
{
	cJSON *o = cJSON_CreateObject();
	char *id = aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s", p.rs.sub,
	    p.group, AML_PLAN_PROVIDER, p.name);

	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "name", p.name);
	cJSON_AddBoolToObject(o, "deleted", !accepted);
	if (accepted)
		cJSON_AddTrueToObject(o, "accepted");
	aml_json_write(out, o, AML_JW_ONE);
	cJSON_Delete(o);
	free(id);
}

static int
rm(struct aml_wbuf *out)
{
	char *url = aml_plan_url(&p, NULL, NULL), *hint;
	struct aml_resp r;
	int rc;

	rc = aml_arm_call(&p.rs, "DELETE", url, NULL, 0, AML_HTTP_QUIET, &r);
	if (rc && (r.status == 409 || aml_plan_errcode(&r, "CommitmentPlanHasAssociations"))) {
		hint = assoc_hint();
		aml_plan_failed(&p, "DELETE", url, &r, hint);
		free(hint);
	} else if (rc) {
		aml_plan_failed(&p, "DELETE", url, &r, NULL);
	} else if (r.status == 204) {
		aml_err("%s: no such commitment plan (HTTP 204); nothing removed", p.rs.label);
		rc = AML_EXIT_FAIL;
	} else if (r.status == 202) {
		aml_warn("removing commitment plan %s: the service took the request; check with %s",
		    p.rs.label, p.rs.check);
		removed(out, 1);
	} else {
		removed(out, 0);
	}
	aml_resp_free(&r);
	free(url);
	return rc;
}

static void
options(int argc, char **argv)
{
	int c, rc;

	aml_plan_init(&p, 0);
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
	if ((rc = aml_plan_setup(&p, AML_PLAN_ONE)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
}

int
main(int argc, char **argv)
{
	struct aml_wbuf out;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv);
	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	rc = aml_print_out(&out, rm(&out));
	aml_plan_free(&p);
	aml_resignal();
	return rc;
}
