/* SPDX-License-Identifier: MIT */
/*
 * aml-get-ws: one web service (2-space JSON, or one line with -c), or
 * every web service of a resource group or of the subscription across
 * all pages, one compact object per line (Get-AzMlWebService); --table
 * shows either as aligned columns for a person.  Bodies go out through
 * the tape, so numbers and strings keep the text the service sent.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_WS_LONGOPTS,
	{ "location", required_argument, NULL, 'l' },
	{ "table", no_argument, NULL, AML_OPT_TABLE },
	{ NULL, 0, NULL, 0 }
};

static const char *location;
static int table;
static struct aml_ws ws;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-get-ws [-cqv] [--table] [-s subscription] [-g group [-n name [-l location]]]\n"
	    "                  [--api-version v] [-m duration] [-E ca-bundle]\n"
	    "       aml-get-ws [-cqv] [--table] -i id [-l location] [--api-version v] [-m duration]\n"
	    "                  [-E ca-bundle]\n");
	if (!status) {
		fputs("  -l, --location LOCATION   the service's definition for that region\n"
		    "      --table               name, location, state and modification time,\n"
		    "                            aligned, instead of JSON\n", fp);
		aml_ws_help(fp);
	}
	exit(status);
}

/* A string member of the item at i (a path of keys), or NULL; malloc'd. */
static char *
member(const struct aml_jdoc *d, uint32_t i, const char *key, const char *sub)
{
	uint32_t v = aml_jget(d, i, key);

	if (v && sub && AML_JTYPE(d, v) == AML_JOBJECT)
		v = aml_jget(d, v, sub);
	else if (sub)
		v = 0;
	return v && AML_JTYPE(d, v) == AML_JSTRING ? aml_jstrdup(d, v) : NULL;
}

/* One service: its row of the table, or itself as JSON. */
static void
put(struct aml_table *tb, struct aml_wbuf *out, const struct aml_jdoc *d, uint32_t i, int flags)
{
	char *row[4];

	if (!table) {
		aml_jw_doc(out, d, i, flags);
		return;
	}
	row[0] = member(d, i, "name", NULL);
	row[1] = member(d, i, "location", NULL);
	row[2] = member(d, i, "properties", "provisioningState");
	row[3] = member(d, i, "properties", "modifiedOn");
	aml_table_add(tb, (const char *const *)row);
	for (int k = 0; k < 4; k++)
		free(row[k]);
}

static int
get_one(struct aml_table *tb, struct aml_wbuf *out)
{
	struct aml_resp r;
	struct aml_jdoc d;
	char *url, *q = NULL, *e;
	int rc;

	if (location) {
		e = aml_urlenc(location);
		q = aml_xasprintf("region=%s", e);
		free(e);
	}
	url = aml_ws_url(&ws, "", q);
	if ((rc = aml_arm_call(&ws.rs, "GET", url, NULL, 0, 0, &r)) == 0 &&
	    (rc = aml_arm_answer("GET", url, &r, &d)) == 0) {
		put(tb, out, &d, 0, AML_JW_ONE);
		aml_jfree(&d);
	}
	aml_resp_free(&r);
	free(url);
	free(q);
	return rc;
}

struct sink {
	struct aml_table *tb;
	struct aml_wbuf *out;
};

/* An item of a list: a line of JSON Lines, or a row. */
static int
item(void *arg, const struct aml_jdoc *d, uint32_t i)
{
	struct sink *k = arg;

	put(k->tb, k->out, d, i, 0);
	return 0;
}

/* Every page.  The pager follows nextLink only as far as bearer.c lets
 * the token go, and never in a circle. */
static int
get_list(struct aml_table *tb, struct aml_wbuf *out)
{
	struct sink k = { tb, out };
	char *url = aml_ws_url(&ws, "", NULL);
	int rc;

	rc = aml_arm_pages(&ws.rs, url, ws.apiver, item, &k);
	free(url);
	return rc;
}

static void
options(int argc, char **argv)
{
	int c, rc;

	aml_ws_init(&ws);
	while ((c = getopt_long(argc, argv, AML_WS_SHORTOPTS "l:", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': location = optarg; break;
		case AML_OPT_TABLE: table = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ws_opt(&ws, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if (location && (!*location || !(ws.name || ws.idbuf))) {
		aml_err("-l %s: %s", location, *location ? "needs one web service (-n or -i)" : "empty");
		usage(AML_EXIT_USAGE);
	}
	if (location && !strcmp(ws.apiver, AML_WS_APIVER_PREVIEW)) {
		aml_err("-l: api-version %s has no regional definitions", ws.apiver);
		usage(AML_EXIT_USAGE);
	}
	if ((rc = aml_ws_setup(&ws, AML_WS_LIST)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
}

int
main(int argc, char **argv)
{
	static const char *const heads[] = { "NAME", "LOCATION", "STATE", "MODIFIED" };
	struct aml_table tb;
	struct aml_wbuf out;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv);
	/* Nothing on stdout unless every page came. */
	aml_wbuf_init(&out, -1);
	aml_table_init(&tb, 4, heads);
	rc = ws.name ? get_one(&tb, &out) : get_list(&tb, &out);
	if (rc == 0 && table)
		aml_table_print(&tb, &out);
	if (rc == 0) {
		fwrite(out.buf, 1, out.len, stdout);
		rc = aml_fshut(stdout, "<stdout>");
	}
	aml_table_free(&tb);
	aml_wbuf_free(&out);
	aml_ws_free(&ws);
	return rc;
}
