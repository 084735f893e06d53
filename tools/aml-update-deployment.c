/* SPDX-License-Identifier: MIT */
/*
 * aml-update-deployment: PUT a whole definition to an online deployment
 * that exists, wait until it has been rolled out, GET it and print it
 * (Update-AzMLWorkspaceOnlineDeployment -JsonFilePath, az ml
 * online-deployment update -f).  A PUT, because the deployment's PATCH
 * takes only tags and sku: a new model needs the whole resource.
 *
 * It never creates: the deployment is read first, and one that is not
 * there is left to aml-new-deployment, so that a mistyped -d does not
 * make a second deployment.  --if-unmodified-since refuses to send when
 * someone changed the deployment since (systemData.lastModifiedAt):
 * Resource Manager has no ETag for it, so that is the one guard an edit
 * of an old export has against undoing theirs.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amlnet.h"

enum { OPT_SINCE = AML_OPT_OWN };

static const struct option longopts[] = {
	AML_ML_LONGOPTS,
	AML_ML_EP_LONGOPT,
	AML_ML_DEP_LONGOPT,
	{ "if-unmodified-since", required_argument, NULL, OPT_SINCE },
	{ "no-wait", no_argument, NULL, AML_OPT_NO_WAIT },
	{ "force", no_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 }
};

static int force, nowait;
static const char *since;
static int64_t since_ticks;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-update-deployment [-cfqv] [--no-wait] [--if-unmodified-since time]\n"
	    "                             -g group -w workspace -e endpoint -d deployment\n"
	    "                             [-s subscription] [-m duration] [-E ca-bundle] [file]\n");
	if (!status) {
		fputs("  -e, --endpoint EP         the online endpoint\n"
		    "  -d, --deployment D        the deployment, which must exist\n"
		    "      --if-unmodified-since TIME  send nothing if the deployment was modified\n"
		    "                            after TIME (RFC 3339, as systemData.lastModifiedAt)\n"
		    "  -f, --force               send it all the same\n"
		    "      --no-wait             print the first answer and the operation URL\n", fp);
		aml_ml_help(fp);
	}
	exit(status);
}

/* The deployment as it is: refuse when it changed after --since. */
static int
unmodified(const struct aml_ml *ml, const struct aml_jdoc *d)
{
	uint32_t sd = aml_jget(d, 0, "systemData"), v = 0;
	char *mod = NULL;
	int64_t t;
	int rc = 0;

	if (sd && AML_JTYPE(d, sd) == AML_JOBJECT && (v = aml_jget(d, sd, "lastModifiedAt")) &&
	    AML_JTYPE(d, v) == AML_JSTRING)
		mod = aml_jstrdup(d, v);
	if (!mod || aml_rfc3339(mod, &t) < 0) {
		if (!force) {
			aml_err("%s: the deployment has no systemData.lastModifiedAt to compare with "
			    "--if-unmodified-since; nothing sent (use --force to send it anyway)",
			    ml->rs.label);
			rc = AML_EXIT_FAIL;
		}
	} else if (t > since_ticks && !force) {
		aml_err("%s: modified at %s, after %s (--if-unmodified-since); nothing sent: export "
		    "it again and redo the change, or use --force", ml->rs.label, mod, since);
		rc = AML_EXIT_FAIL;
	}
	free(mod);
	return rc;
}

/* The definition's location: the deployment's when it has none, and it
 * cannot move. */
static int
place(const struct aml_ml *ml, cJSON *def, const struct aml_jdoc *d)
{
	const char *loc = aml_json_str(def, "location");
	uint32_t v = aml_jget(d, 0, "location");
	char *cur = v && AML_JTYPE(d, v) == AML_JSTRING ? aml_jstrdup(d, v) : NULL;
	int rc = 0;

	if (!loc && cur)
		cJSON_AddStringToObject(def, "location", cur);
	else if (loc && cur && !aml_ml_same_location(loc, cur)) {
		aml_err("%s: location %s: the deployment is in %s, and a location cannot change; "
		    "nothing sent", ml->rs.label, loc, cur);
		rc = AML_EXIT_FAIL;
	}
	free(cur);
	return rc;
}

/* After the update: the model it serves now, when that changed. */
static void
report(const struct aml_ml *ml, const char *old, const struct aml_jdoc *d)
{
	char *now = aml_ml_doc_model(d), *a, *b;

	if (!aml_quiet && now && (!old || strcmp(old, now))) {
		a = aml_jw_name(old ? old : "(none)");
		b = aml_jw_name(now);
		fprintf(stderr, "%s: %s: model %s -> %s\n", aml_prog, ml->rs.label, a, b);
		free(a);
		free(b);
	}
	free(now);
}

static int
update(const struct aml_ml *ml, cJSON *def, struct aml_wbuf *out)
{
	char *url = aml_ml_dep_url(ml, NULL), *body = NULL, *old = NULL;
	struct aml_resp r;
	struct aml_jdoc d;
	int rc;

	rc = aml_ml_lookup(ml, url, &r, &d);
	if (rc == AML_ML_ABSENT) {
		struct aml_req q = { .method = "GET", .url = url };
		char *line = aml_http_errline(&q, &r);

		aml_err("%s; nothing sent (create the deployment with aml-new-deployment)", line);
		free(line);
		rc = AML_EXIT_FAIL;
	}
	if (rc == 0 && (!since || (rc = unmodified(ml, &d)) == 0) && (rc = place(ml, def, &d)) == 0)
		old = aml_ml_doc_model(&d);
	aml_jfree(&d);
	aml_resp_free(&r);
	if (rc)
		goto out;
	body = aml_json_print(def, 0);
	rc = aml_lro_run_flags(&ml->rs, "PUT", url, body, strlen(body), "updating", AML_LRO_STATE,
	    nowait, out);
	if (rc || nowait)
		goto out;
	if ((rc = aml_ml_get(ml, url, 0, &r, &d)) == 0) {
		aml_jw_doc(out, &d, 0, AML_JW_ONE);
		report(ml, old, &d);
	}
	aml_jfree(&d);
	aml_resp_free(&r);
out:
	free(body);
	free(old);
	free(url);
	return rc;
}

/* The options into ml; the definition's file (NULL: stdin). */
static const char *
options(int argc, char **argv, struct aml_ml *ml)
{
	const char *path = NULL;
	int c, rc;

	aml_ml_init(ml);
	while ((c = getopt_long(argc, argv, AML_ML_SHORTOPTS "e:d:f", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SINCE:
			since = optarg;
			if (aml_rfc3339(since, &since_ticks) < 0) {
				aml_err("--if-unmodified-since %s: not an RFC 3339 time "
				    "(2024-05-01T12:34:56.789Z)", since);
				usage(AML_EXIT_USAGE);
			}
			break;
		case AML_OPT_NO_WAIT: nowait = 1; break;
		case 'f': force = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ml_opt(ml, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	path = aml_input_operand(argc - optind, argv + optind, usage);
	if ((rc = aml_ml_setup(ml, AML_ML_DEP)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
	return path;
}

int
main(int argc, char **argv)
{
	const char *path;
	struct aml_wbuf out;
	struct aml_ml ml;
	cJSON *def;
	int rc;

	aml_setprog(&argv[0]);
	path = options(argc, argv, &ml);
	def = aml_ml_deployment_read(path);
	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	rc = aml_print_out(&out, update(&ml, def, &out));
	cJSON_Delete(def);
	aml_ml_free(&ml);
	aml_resignal();
	return rc;
}
