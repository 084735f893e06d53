/* SPDX-License-Identifier: MIT */
/*
 * aml-update-ws: PATCH a web service with the whole definition it reads,
 * as Update-AzMlWebService -ServiceUpdates does, wait for the operation,
 * GET the service and print it (compact JSON, one line).
 *
 * The definition goes out in its canonical form (aml-import-ws's):
 * read-only fields dropped, schema names camelCase, everything else as
 * it came, readOnly only when the input has it.  --if-unmodified-since
 * reads the service first and sends nothing when someone changed it
 * since: Resource Manager has no ETag for this resource, so that is the
 * only guard an edit of an old export has against reverting theirs.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amlnet.h"

static int force, nowait;
static const char *since;
static int64_t since_ticks;
static const char *inname;

static const struct option longopts[] = {
	AML_WS_LONGOPTS,
	{ "if-unmodified-since", required_argument, NULL, 'u' },
	{ "no-wait", no_argument, NULL, 'w' },
	{ "force", no_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-update-ws [-fqvw] [-u time] (-g group -n name | -i id)\n"
	    "                     [-s subscription] [-a api-version] [-m seconds] [-E ca-bundle] [file]\n");
	if (!status)
		fprintf(fp, "%s"
		    "  -u, --if-unmodified-since TIME  send nothing if the service was modified\n"
		    "                            after TIME (RFC 3339, as its modifiedOn)\n"
		    "  -w, --no-wait             print the first answer and the operation URL\n"
		    "  -f, --force               send a definition that sets readOnly\n",
		    aml_ws_optshelp);
	exit(status);
}


/* properties.key, names in any case (PowerShell writes PascalCase); 0
 * when either is absent. */
static uint32_t
property(const struct aml_jdoc *d, const char *key)
{
	uint32_t props = aml_jget_ci(d, 0, "properties");

	return props ? aml_jget_ci(d, props, key) : 0;
}

/* The trained model's uri and asset key, found as aml-patch-ilearner
 * finds it (aml_patch_locate); NULL when there is not exactly one. */
static char *
model_uri(const struct aml_jdoc *d, char **key)
{
	struct aml_patch p;
	char *why, *uri = NULL;

	*key = NULL;
	if (aml_patch_locate(d, NULL, &p, &why) == 0) {
		*key = aml_jstrdup(d, p.key);
		uri = aml_jstrdup(d, p.uri);
	}
	free(why);
	aml_patch_free(&p);
	return uri;
}

/* The service as it is now: refuse when it changed after --since. */
static int
check_unmodified(const struct aml_ws *ws, const char *url, char **oldkey, char **olduri)
{
	struct aml_resp r;
	struct aml_jdoc d;
	uint32_t m;
	int64_t t;
	char *mod = NULL;
	int rc;

	if ((rc = aml_arm_call(&ws->rs, "GET", url, NULL, 0, 0, &r)) != 0 ||
	    (rc = aml_arm_answer("GET", url, &r, &d)) != 0) {
		aml_resp_free(&r);
		return rc;
	}
	m = property(&d, "modifiedOn");
	if (m && AML_JTYPE(&d, m) == AML_JSTRING)
		mod = aml_jstrdup(&d, m);
	if (!mod || aml_rfc3339(mod, &t) < 0) {
		aml_err("%s: the service has no modifiedOn to compare with --if-unmodified-since; "
		    "nothing sent", ws->rs.label);
		rc = AML_EXIT_FAIL;
	} else if (t > since_ticks) {
		aml_err("%s: modified at %s, after %s (--if-unmodified-since); nothing sent: "
		    "export it again and redo the change", ws->rs.label, mod, since);
		rc = AML_EXIT_FAIL;
	} else {
		*olduri = model_uri(&d, oldkey);
	}
	free(mod);
	aml_jfree(&d);
	aml_resp_free(&r);
	return rc;
}

/* After the update: say where the trained model went, when it moved. */
static void
report(const struct aml_ws *ws, const struct aml_jdoc *d, const char *oldkey, const char *olduri)
{
	char *key, *uri = model_uri(d, &key), *a, *b;

	if (uri && olduri && oldkey && !strcmp(key, oldkey) && strcmp(uri, olduri) && !aml_quiet) {
		a = aml_uri_redact(olduri);
		b = aml_uri_redact(uri);
		fprintf(stderr, "%s: %s: %s (trained model): %s -> %s\n", aml_prog, ws->rs.label,
		    key, a, b);
		free(a);
		free(b);
	}
	free(key);
	free(uri);
}

/* The definition as it is sent: canonical, compact. */
static char *
body_of(const char *path, size_t *len, int preview)
{
	struct aml_wbuf w;
	struct aml_jdoc d;
	struct aml_jw jw;
	uint32_t ro;
	char *buf, *body;

	buf = aml_jload(path, &d, NULL);
	if (aml_defn_check(&d, AML_DEFN_PARTIAL | (preview ? AML_DEFN_PREVIEW : 0),
	    aml_defn_stderr, (void *)inname) > 0)
		exit(AML_EXIT_FAIL);
	ro = property(&d, "readOnly");
	if (ro && AML_JTYPE(&d, ro) == AML_JTRUE && !force)
		aml_die("%s: properties.readOnly is true: the service could then only be removed, "
		    "never updated again (use --force)", inname);
	aml_wbuf_init(&w, -1);
	aml_jw_init(&jw, &w, 0);
	aml_defn_emit(&jw, &d);
	*len = w.len;
	body = aml_wbuf_take(&w);
	aml_jfree(&d);
	free(buf);
	return body;
}

static int
update(const struct aml_ws *ws, const char *body, size_t len, struct aml_wbuf *out)
{
	char *url = aml_ws_url(ws, "", NULL), *oldkey = NULL, *olduri = NULL;
	struct aml_resp r;
	struct aml_jdoc d;
	int rc;

	if (since && (rc = check_unmodified(ws, url, &oldkey, &olduri)) != 0)
		goto out;
	rc = aml_lro_run(&ws->rs, "PATCH", url, body, len, "updating", nowait, out);
	if (rc || nowait)
		goto out;
	if ((rc = aml_arm_call(&ws->rs, "GET", url, NULL, 0, 0, &r)) == 0 &&
	    (rc = aml_arm_answer("GET", url, &r, &d)) == 0) {
		aml_jw_doc(out, &d, 0, 0);
		report(ws, &d, oldkey, olduri);
		aml_jfree(&d);
	}
	aml_resp_free(&r);
out:
	free(oldkey);
	free(olduri);
	free(url);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *path = NULL;
	struct aml_wbuf out;
	struct aml_ws ws;
	size_t len;
	char *body;
	int c, rc;

	aml_setprog(&argv[0]);
	aml_ws_init(&ws);
	while ((c = getopt_long(argc, argv, AML_WS_SHORTOPTS "u:wf", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			since = optarg;
			if (aml_rfc3339(since, &since_ticks) < 0) {
				aml_err("--if-unmodified-since %s: not an RFC 3339 time "
				    "(2017-04-26T17:08:47.9139511Z)", since);
				usage(AML_EXIT_USAGE);
			}
			break;
		case 'w': nowait = 1; break;
		case 'f': force = 1; break;
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
	inname = aml_inname(path);
	if ((rc = aml_ws_setup(&ws, AML_WS_ONE)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		return rc;

	body = body_of(path, &len, !strcmp(ws.apiver, AML_WS_APIVER_PREVIEW));
	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	if ((rc = update(&ws, body, len, &out)) == 0) {
		fwrite(out.buf, 1, out.len, stdout);
		rc = aml_fshut(stdout, "<stdout>");
	}
	aml_wbuf_free(&out);
	aml_freesecret(body);	/* it may hold keys */
	aml_ws_free(&ws);
	aml_resignal();
	return rc;
}
