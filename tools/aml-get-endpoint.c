/* SPDX-License-Identifier: MIT */
/*
 * aml-get-endpoint: read the management API of Studio (classic): the
 * web services of a workspace or the endpoints of a web service, one
 * compact object per line, or one endpoint (2-space JSON, one line with
 * -c), all without keys or SAS tokens; --table shows them as aligned
 * columns.  --patch-url prints an endpoint's management URL instead,
 * the "PATCH URL" of its help page, which aml-patch-endpoint -U takes;
 * -K writes its primary key to a file for aml-score.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

enum { OPT_SERVICE = AML_OPT_OWN, OPT_PATCH_URL };

static const struct option longopts[] = {
	{ "workspace", required_argument, NULL, 'w' },
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "endpoint-url", required_argument, NULL, 'U' },
	{ "location", required_argument, NULL, 'l' },
	{ "key-file", required_argument, NULL, 'k' },
	{ "patch-url", no_argument, NULL, OPT_PATCH_URL },
	{ "save-key", required_argument, NULL, 'K' },
	{ "force", no_argument, NULL, 'f' },
	{ "table", no_argument, NULL, AML_OPT_TABLE },
	AML_NET_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static const char *ws, *svc, *epurl, *region, *keyfile, *keyout, *name;
static int patchurl, force, table;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-get-endpoint [-cfqv] [--table] [--patch-url] [-w workspace]\n"
	    "                        [--service service] [-l location] [-k key-file] [-K key-out]\n"
	    "                        [-m duration] [-E ca-bundle] [name]\n"
	    "       aml-get-endpoint [-cfqv] [--patch-url] -U endpoint-url [-k key-file] [-K key-out]\n"
	    "                        [-m duration] [-E ca-bundle]\n");
	if (!status) {
		fputs("  -w, --workspace ID        workspace (default AML_WORKSPACE_ID)\n"
		    "      --service ID          web service (default AML_WEBSERVICE_ID); without it,\n"
		    "                            the workspace's web services are listed\n"
		    "  -U, --endpoint-url URL    the endpoint's management (PATCH) URL\n"
		    "  -l, --location REGION     the workspace's region (default AML_CLASSIC_ENDPOINT,\n"
		    "                            else South Central US)\n"
		    "  -k, --key-file FILE       workspace token or endpoint key (default\n"
		    "                            AML_WORKSPACE_TOKEN, then AML_API_KEY, or their _FILE)\n"
		    "      --patch-url           print the endpoint's management URL\n"
		    "  -K, --save-key FILE       write the endpoint's primary key to FILE (mode 0600)\n"
		    "  -f, --force               replace FILE if it exists\n"
		    "      --table               aligned columns instead of JSON\n", fp);
		aml_net_help(fp, NULL);
	}
	exit(status);
}

static void
options(int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "w:U:l:k:K:f" AML_NET_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'w': ws = optarg; break;
		case OPT_SERVICE: svc = optarg; break;
		case 'U': epurl = optarg; break;
		case 'l': region = optarg; break;
		case 'k': keyfile = optarg; break;
		case OPT_PATCH_URL: patchurl = 1; break;
		case 'K': keyout = optarg; break;
		case 'f': force = 1; break;
		case AML_OPT_TABLE: table = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_http_opt(c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(AML_EXIT_USAGE);
	name = argc ? argv[0] : NULL;
	if (epurl && (name || ws || svc || region)) {
		aml_err("-U names the endpoint: leave out -w, --service, -l and NAME");
		usage(AML_EXIT_USAGE);
	}
	if (table && patchurl) {
		aml_err("give one of --table and --patch-url");
		usage(AML_EXIT_USAGE);
	}
}

/* A member as a cell: strings as they are, numbers by their text. */
static const char *
text(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) || cJSON_IsNumber(v) ? v->valuestring : NULL;
}

/* One web service or endpoint: a row, or a line of JSON. */
static void
put(struct aml_table *tb, struct aml_wbuf *w, cJSON *o, int depth, int flags)
{
	if (!table) {
		aml_endpoint_strip(o);
		aml_json_write(w, o, flags);
	} else if (depth == AML_AT_SERVICES) {
		const char *row[] = { text(o, "Name"), text(o, "Id"), text(o, "EndpointCount"),
		    text(o, "CreationTime") };

		aml_table_add(tb, row);
	} else {
		const char *row[] = { text(o, "Name"), text(o, "ThrottleLevel"),
		    text(o, "MaxConcurrentCalls"), text(o, "Version") };

		aml_table_add(tb, row);
	}
}

/* -K's file, then what was read: the URL, the items, or the endpoint. */
static int
print(const struct aml_classic *cl, cJSON *j, int depth)
{
	static const char *const svcheads[] = { "NAME", "ID", "ENDPOINTS", "CREATED" };
	static const char *const epheads[] = { "NAME", "THROTTLE", "MAX CALLS", "MODIFIED" };
	const char *k = aml_json_str(j, "PrimaryKey");
	struct aml_table tb;
	struct aml_wbuf w;
	cJSON *it;
	char *u;
	int rc = 0;

	if (keyout && !k) {
		aml_err("endpoint %s: no PrimaryKey in the answer (is the key an endpoint's own? "
		    "Only a workspace token shows them)", cl->name);
		return AML_EXIT_FAIL;
	}
	if (keyout && (rc = aml_save_key(keyout, k, force)) != 0)
		return rc;
	aml_wbuf_init(&w, 1);
	aml_table_init(&tb, 4, depth == AML_AT_SERVICES ? svcheads : epheads);
	if (patchurl) {
		u = aml_classic_url(cl, AML_AT_ENDPOINT);
		aml_wprintf(&w, "%s\n", u);
		free(u);
	} else if (cJSON_IsArray(j)) {
		cJSON_ArrayForEach(it, j)
			put(&tb, &w, it, depth, 0);
	} else if (j) {
		put(&tb, &w, j, depth, AML_JW_ONE);
	}
	if (table)
		aml_table_print(&tb, &w);
	aml_table_free(&tb);
	if (aml_wflush(&w) < 0) {
		aml_err("write <stdout>:");
		rc = AML_EXIT_FAIL;
	}
	aml_wbuf_free(&w);
	return rc;
}

int
main(int argc, char **argv)
{
	struct aml_classic cl;
	struct aml_resp r;
	cJSON *j = NULL;
	int rc, depth;

	aml_setprog(&argv[0]);
	options(argc, argv);
	if ((rc = aml_classic_setup(&cl, epurl, ws, svc, name, region, keyfile)))
		return rc == AML_EXIT_USAGE ? (usage(rc), rc) : rc;
	depth = cl.name ? AML_AT_ENDPOINT : cl.svc ? AML_AT_ENDPOINTS : AML_AT_SERVICES;
	if ((patchurl || keyout) && depth != AML_AT_ENDPOINT) {
		aml_err("%s: NAME is required (the endpoint's)", patchurl ? "--patch-url" : "-K");
		aml_classic_free(&cl);
		usage(AML_EXIT_USAGE);
	}
	rc = aml_classic_call(&cl, NULL, depth, NULL, 0, &j, &r);
	aml_resp_free(&r);
	if (rc == 0 && depth == AML_AT_ENDPOINT && !cJSON_IsObject(j)) {
		aml_err("endpoint %s: the answer is not an endpoint", cl.name);
		rc = AML_EXIT_FAIL;
	}
	if (rc == 0)
		rc = print(&cl, j, depth);
	if (j)
		aml_json_free_secret(j);
	aml_classic_free(&cl);
	return rc;
}
