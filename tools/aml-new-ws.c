/* SPDX-License-Identifier: MIT */
/*
 * aml-new-ws: create a web service from a definition (New-AzMlWebService
 * -DefinitionFile): PUT, wait for the operation, GET and print it.
 *
 * The name and location on the command line win over the file's, as
 * the cmdlet has it.  A PUT replaces a service without a word (the
 * specification says so), so the service is looked up first and an
 * existing one is left alone unless --force.
 *
 * --plan bills the service to a commitment plan: a plan's resource id,
 * or the name of a plan in the service's resource group and
 * subscription.  It sets properties.commitmentPlan.id when the
 * definition has none; when the definition names a plan (an export of
 * the preview api-version may), the two must be the same plan (ids
 * compared without regard to case, as Resource Manager compares them),
 * else nothing is sent: a service's plan is set once, at creation.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "amlnet.h"

static int force, nowait;
static const char *location;
static const char *planarg;
static char *planid;
static const char *inname;

static const struct option longopts[] = {
	AML_WS_LONGOPTS,
	{ "location", required_argument, NULL, 'l' },
	{ "force", no_argument, NULL, 'f' },
	{ "no-wait", no_argument, NULL, 'w' },
	{ "plan", required_argument, NULL, AML_PLAN_OPT_PLAN },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-new-ws [-fqvw] -l location (-g group -n name | -i id) [--plan plan]\n"
	    "                  [-s subscription] [-a api-version] [-m seconds] [-E ca-bundle] [file]\n");
	if (!status)
		fprintf(fp, "%s"
		    "  -l, --location LOCATION   where the service runs (South Central US, or\n"
		    "                            southcentralus); wins over the file's\n"
		    "  -f, --force               replace a service that exists\n"
		    "      --plan PLAN           the commitment plan that bills it: a plan's id, or\n"
		    "                            a plan's name in the service's resource group\n"
		    "  -w, --no-wait             print the first answer and the operation URL\n",
		    aml_ws_optshelp);
	exit(status);
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

/* properties.commitmentPlan.id: --plan's, or the definition's when it
 * is the same plan; a definition naming another plan is refused. */
static void
set_plan(cJSON *j)
{
	cJSON *props, *cp, *id;

	if (!planid)
		return;
	if (!(props = cJSON_GetObjectItemCaseSensitive(j, "properties")))
		props = cJSON_AddObjectToObject(j, "properties");
	cp = cJSON_GetObjectItemCaseSensitive(props, "commitmentPlan");
	if (!cJSON_IsObject(cp)) {
		cJSON_DeleteItemFromObjectCaseSensitive(props, "commitmentPlan");
		cp = cJSON_AddObjectToObject(props, "commitmentPlan");
	}
	id = cJSON_GetObjectItemCaseSensitive(cp, "id");
	if (cJSON_IsString(id) && *id->valuestring) {
		if (strcasecmp(id->valuestring, planid) != 0)
			aml_die("%s: properties.commitmentPlan.id is %s, not the plan --plan names (%s); "
			    "nothing sent", inname, id->valuestring, planid);
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(cp, "id");
	cJSON_AddStringToObject(cp, "id", planid);
}

/* The definition as it is sent: canonical, with our location, compact. */
static char *
body_of(const char *path, size_t *len, int preview)
{
	struct aml_wbuf w;
	struct aml_jdoc d;
	struct aml_jw jw;
	struct aml_jerr e;
	cJSON *j;
	char *buf, *body, *s;
	size_t n;

	buf = aml_jload(path, &d, NULL);
	if (aml_defn_check(&d, preview ? AML_DEFN_PREVIEW : 0, aml_defn_stderr, (void *)inname) > 0)
		exit(AML_EXIT_FAIL);
	aml_wbuf_init(&w, -1);
	aml_jw_init(&jw, &w, 0);
	aml_defn_emit(&jw, &d);
	aml_jfree(&d);
	aml_freesecret(buf);
	/* Small enough for a tree; numbers keep their text in it.  The
	 * parser stops at the NUL that aml_wbuf_take adds. */
	n = w.len;
	s = aml_wbuf_take(&w);
	if (!(j = aml_json_parse(s, n, &e)))
		aml_die("%s: %s", inname, e.msg);
	aml_wipe(s, n);
	free(s);
	set_plan(j);
	creation_needs(j);
	if (cJSON_GetObjectItemCaseSensitive(j, "location"))
		cJSON_ReplaceItemInObjectCaseSensitive(j, "location", cJSON_CreateString(location));
	else
		cJSON_AddStringToObject(j, "location", location);
	body = aml_json_print(j, 0);
	aml_json_free_secret(j);
	*len = strlen(body);
	return body;
}

/* 0 when there is no such service yet (or --force), else the status. */
static int
absent(const struct aml_ws *ws, const char *url)
{
	struct aml_req q = { .method = "GET", .url = url };
	struct aml_resp r;
	char *line;
	int rc;

	rc = aml_arm_call(&ws->rs, "GET", url, NULL, 0, AML_HTTP_QUIET, &r);
	if (rc == 0 && !force) {
		aml_err("%s: the web service exists; nothing sent (use --force to replace it)",
		    ws->rs.label);
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
create(const struct aml_ws *ws, const char *body, size_t len, struct aml_wbuf *out)
{
	char *url = aml_ws_url(ws, "", NULL);
	struct aml_resp r;
	struct aml_jdoc d;
	int rc;

	if ((rc = absent(ws, url)) != 0)
		goto out;
	say_needs();
	rc = aml_lro_run(&ws->rs, "PUT", url, body, len, "creating", nowait, out);
	if (rc || nowait)
		goto out;
	if ((rc = aml_arm_call(&ws->rs, "GET", url, NULL, 0, 0, &r)) == 0 &&
	    (rc = aml_arm_answer("GET", url, &r, &d)) == 0) {
		aml_jw_doc(out, &d, 0, 0);
		aml_jfree(&d);
	}
	aml_resp_free(&r);
out:
	free(url);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *path = NULL, *why;
	struct aml_wbuf out;
	struct aml_ws ws;
	size_t len;
	char *body;
	int c, rc;

	aml_setprog(&argv[0]);
	aml_ws_init(&ws);
	while ((c = getopt_long(argc, argv, AML_WS_SHORTOPTS "l:fw", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': location = optarg; break;
		case 'f': force = 1; break;
		case 'w': nowait = 1; break;
		case AML_PLAN_OPT_PLAN: planarg = optarg; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ws_opt(&ws, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(AML_EXIT_USAGE);
	if (argc == 1)
		path = argv[0];
	if ((!path || !strcmp(path, "-")) && isatty(0))
		usage(AML_EXIT_USAGE);
	if (!location || !*location) {
		aml_err("%s", location ? "--location: empty" : "--location is required");
		usage(AML_EXIT_USAGE);
	}
	inname = aml_inname(path);
	if ((rc = aml_ws_setup(&ws, AML_WS_ONE)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		return rc;
	if (aml_ws_name_ok(ws.name, &why) < 0) {
		aml_err("%s: %s", ws.name, why);
		usage(AML_EXIT_USAGE);
	}
	if (planarg && !(planid = aml_plan_ref(planarg, ws.rs.sub, ws.group, &why))) {
		aml_err("--plan %s: %s", planarg, why);
		usage(AML_EXIT_USAGE);
	}

	body = body_of(path, &len, !strcmp(ws.apiver, AML_WS_APIVER_PREVIEW));
	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	if ((rc = create(&ws, body, len, &out)) == 0) {
		fwrite(out.buf, 1, out.len, stdout);
		rc = aml_fshut(stdout, "<stdout>");
	}
	aml_wbuf_free(&out);
	aml_freesecret(body);	/* it may hold keys and the storage key */
	free(planid);
	aml_ws_free(&ws);
	aml_resignal();
	return rc;
}
