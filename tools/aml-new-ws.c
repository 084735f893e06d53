/* SPDX-License-Identifier: MIT */
/*
 * aml-new-ws: create a web service from a definition (New-AzMlWebService
 * -DefinitionFile): PUT, wait for the operation, GET and print it.
 *
 * The location is -l's or the definition's; both may be given only when
 * they name the same place ("South Central US" and southcentralus do),
 * since a service put where its definition does not say is a surprise
 * found much later.  --plan bills the service to a commitment plan, by
 * name (in the service's resource group and subscription) or resource
 * id; a definition that names a plan (an export of the preview
 * api-version may) must name the same one (ids compared without regard
 * to case, as Resource Manager compares them): a service's plan is set
 * when it is made and never changes.  A PUT replaces a service
 * without a word (the specification says so), so the service is looked
 * up first and an existing one is left alone unless --force.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "amlnet.h"

enum { OPT_PLAN = AML_OPT_OWN };

static const struct option longopts[] = {
	AML_WS_LONGOPTS,
	{ "location", required_argument, NULL, 'l' },
	{ "force", no_argument, NULL, 'f' },
	{ "no-wait", no_argument, NULL, AML_OPT_NO_WAIT },
	{ "plan", required_argument, NULL, OPT_PLAN },
	{ NULL, 0, NULL, 0 }
};

static struct aml_ws ws;
static int force, nowait;
static const char *location, *plan, *path, *inname;
static char *planid;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-new-ws [-cfqv] [--no-wait] [-l location] [--plan plan]\n"
	    "                  (-g group -n name | -i id) [-s subscription] [--api-version v]\n"
	    "                  [-m duration] [-E ca-bundle] [file]\n");
	if (!status) {
		fputs("  -l, --location LOCATION   where the service runs (South Central US, or\n"
		    "                            southcentralus); default: the definition's\n"
		    "      --plan PLAN           the commitment plan: its name (in the service's\n"
		    "                            resource group) or resource id\n"
		    "  -f, --force               replace a service that exists\n"
		    "      --no-wait             print the first answer and the operation URL\n", fp);
		aml_ws_help(fp);
	}
	exit(status);
}

/* A location as Resource Manager compares them: no spaces, any case. */
static int
same_place(const char *a, const char *b)
{
	for (;; a++, b++) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		if (!*a)
			return 1;
	}
}

/* -l against the definition's location: the one to send. */
static void
place(cJSON *j)
{
	const char *mine = aml_json_str(j, "location");

	if (!location && !mine) {
		aml_err("-l LOCATION is required: %s has no location", inname);
		usage(AML_EXIT_USAGE);
	}
	if (location && mine && !same_place(location, mine)) {
		aml_err("-l %s: the definition (%s) says %s; leave out -l or change the definition",
		    location, inname, mine);
		usage(AML_EXIT_USAGE);
	}
	if (location && mine)
		cJSON_ReplaceItemInObjectCaseSensitive(j, "location", cJSON_CreateString(location));
	else if (location)
		cJSON_AddStringToObject(j, "location", location);
}

/* properties.commitmentPlan.id: --plan's, or the definition's when it
 * is the same plan. */
static void
attach_plan(cJSON *j)
{
	cJSON *props = cJSON_GetObjectItemCaseSensitive(j, "properties"), *cp;
	const char *had = aml_json_str(cJSON_GetObjectItemCaseSensitive(props, "commitmentPlan"), "id");

	if (had && strcasecmp(had, planid)) {
		aml_err("--plan %s: the definition (%s) has commitmentPlan %s; a service's plan "
		    "never changes, so give one of them", plan, inname, had);
		usage(AML_EXIT_USAGE);
	}
	if (!props)
		props = cJSON_AddObjectToObject(j, "properties");
	cp = cJSON_CreateObject();
	cJSON_AddStringToObject(cp, "id", planid);
	if (cJSON_GetObjectItemCaseSensitive(props, "commitmentPlan"))
		cJSON_ReplaceItemInObjectCaseSensitive(props, "commitmentPlan", cp);
	else
		cJSON_AddItemToObject(props, "commitmentPlan", cp);
}

/* What the service needs to create a web service that an export leaves
 * out (the storage key, a secret) or an older one lacks (the plan): the
 * definition is looked at here, and what is missing said just before
 * the PUT, with how to add it; the service has the last word
 * (notes/arm-webservices.md §4). */
enum { NEED_KEY = 1, NEED_PLAN = 2 };
static int needs;

static void
creation_needs(const cJSON *j)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "properties");
	const cJSON *sa = cJSON_GetObjectItemCaseSensitive(p, "storageAccount");
	const cJSON *cp = cJSON_GetObjectItemCaseSensitive(p, "commitmentPlan");
	const char *key = aml_json_str(sa, "key");

	needs = (!key || !*key ? NEED_KEY : 0) | (!aml_json_str(cp, "id") ? NEED_PLAN : 0);
}

static void
say_needs(void)
{
	if (needs & NEED_KEY)
		aml_warn("%s: no properties.storageAccount.key: the service needs the storage "
		    "account's key to create a web service, and an export leaves it out; add it: "
		    "jq --rawfile k KEYFILE '.properties.storageAccount.key = ($k | rtrimstr(\"\\n\"))'",
		    inname);
	if (needs & NEED_PLAN)
		aml_warn("%s: no properties.commitmentPlan.id: the service needs the commitment "
		    "plan that will bill the web service; give it with --plan NAME", inname);
}

/* The body: the definition with its location and plan, compact. */
static char *
body_of(size_t *len)
{
	cJSON *j = aml_defn_tree(path, !strcmp(ws.apiver, AML_WS_APIVER_PREVIEW) ?
	    AML_DEFN_PREVIEW : 0);
	char *body;

	place(j);
	if (planid)
		attach_plan(j);
	creation_needs(j);
	body = aml_json_print(j, 0);
	aml_json_free_secret(j);
	*len = strlen(body);
	return body;
}

/* 0 when there is no such service yet (or --force), else the status. */
static int
absent(const char *url)
{
	struct aml_req q = { .method = "GET", .url = url };
	struct aml_resp r;
	char *line;
	int rc;

	rc = aml_arm_call(&ws.rs, "GET", url, NULL, 0, AML_HTTP_QUIET, &r);
	if (rc == 0 && !force) {
		aml_err("%s: the web service exists; nothing sent (use -f to replace it)",
		    ws.rs.label);
		rc = AML_EXIT_FAIL;
	} else if (rc && r.status == 404) {
		rc = 0;
	} else if (rc && (r.status || r.err[0])) {
		line = aml_http_errline(&q, &r);
		aml_err("%s", line);
		free(line);
	}
	aml_resp_free(&r);
	return rc;
}

static int
create(const char *body, size_t len, struct aml_wbuf *out)
{
	char *url = aml_ws_url(&ws, "", NULL);
	struct aml_resp r;
	struct aml_jdoc d;
	int rc;

	if ((rc = absent(url)) != 0)
		goto out;
	say_needs();
	rc = aml_lro_run(&ws.rs, "PUT", url, body, len, "creating", nowait, out);
	if (rc || nowait)
		goto out;
	if ((rc = aml_arm_call(&ws.rs, "GET", url, NULL, 0, 0, &r)) == 0 &&
	    (rc = aml_arm_answer("GET", url, &r, &d)) == 0) {
		aml_jw_doc(out, &d, 0, AML_JW_ONE);
		aml_jfree(&d);
	}
	aml_resp_free(&r);
out:
	free(url);
	return rc;
}

static void
options(int argc, char **argv)
{
	const char *why;
	int c, rc;

	aml_ws_init(&ws);
	while ((c = getopt_long(argc, argv, AML_WS_SHORTOPTS "l:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': location = optarg; break;
		case OPT_PLAN: plan = optarg; break;
		case 'f': force = 1; break;
		case AML_OPT_NO_WAIT: nowait = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ws_opt(&ws, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	path = aml_input_operand(argc - optind, argv + optind, usage);
	if ((location && !*location) || (plan && !*plan)) {
		aml_err("%s: empty", location && !*location ? "-l" : "--plan");
		usage(AML_EXIT_USAGE);
	}
	inname = aml_inname(path);
	if ((rc = aml_ws_setup(&ws, AML_WS_ONE)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
	if (aml_ws_name_ok(ws.name, &why) < 0) {
		aml_err("%s: %s", ws.name, why);
		usage(AML_EXIT_USAGE);
	}
	if (plan && !(planid = aml_plan_ref(plan, ws.rs.sub, ws.group, &why))) {
		aml_err("--plan %s: %s", plan, why);
		usage(AML_EXIT_USAGE);
	}
}

int
main(int argc, char **argv)
{
	struct aml_wbuf out;
	size_t len;
	char *body;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv);
	body = body_of(&len);
	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	rc = aml_print_out(&out, create(body, len, &out));
	aml_freesecret(body);	/* it may hold keys and the storage key */
	aml_ws_free(&ws);
	free(planid);
	aml_resignal();
	return rc;
}
