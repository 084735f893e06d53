/* SPDX-License-Identifier: MIT */
/*
 * aml-update-ws: PATCH a web service, as Update-AzMlWebService does,
 * wait for the operation, GET the service and print it.  What is sent
 * is the definition it reads (-ServiceUpdates), or what its flags say
 * (-Title, -Description, -IsReadOnly, -Diagnostics,
 * -RealtimeConfiguration, -Keys, -StorageAccountKey), or both: the flags
 * then win over the definition's values.  One PATCH and one wait either
 * way; Resource Manager merges a PATCH into the service, so a body of
 * flags alone changes only what they name.
 *
 * With flags and no FILE operand nothing is read from standard input
 * (a script under cron has a pipe there that never ends); "-" merges
 * the definition on standard input with the flags.
 *
 * The definition goes out in its canonical form (aml-import-ws's):
 * read-only fields dropped, schema names camelCase, everything else as
 * it came, readOnly only when the input or --read-only has it.
 * --if-unmodified-since reads the service first and sends nothing when
 * someone changed it since: Resource Manager has no ETag for this
 * resource, so that is the only guard an edit of an old export has
 * against reverting theirs.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "amlnet.h"

enum {
	OPT_SINCE = AML_OPT_OWN, OPT_TITLE, OPT_DESCRIPTION, OPT_READ_ONLY, OPT_DIAGNOSTICS,
	OPT_MAX_CALLS, OPT_KEYS_FILE, OPT_STORAGE_KEY_FILE
};

static const struct option longopts[] = {
	AML_WS_LONGOPTS,
	{ "if-unmodified-since", required_argument, NULL, OPT_SINCE },
	{ "no-wait", no_argument, NULL, AML_OPT_NO_WAIT },
	{ "force", no_argument, NULL, 'f' },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "description", required_argument, NULL, OPT_DESCRIPTION },
	{ "read-only", no_argument, NULL, OPT_READ_ONLY },
	{ "diagnostics", required_argument, NULL, OPT_DIAGNOSTICS },
	{ "max-concurrent-calls", required_argument, NULL, OPT_MAX_CALLS },
	{ "keys-file", required_argument, NULL, OPT_KEYS_FILE },
	{ "storage-key-file", required_argument, NULL, OPT_STORAGE_KEY_FILE },
	{ NULL, 0, NULL, 0 }
};

static struct aml_ws ws;
static int force, nowait, readonly;
static const char *since, *path, *inname;
static int64_t since_ticks;
/* The flags of the parameter set; nflags counts them. */
static const char *title, *description, *diagnostics, *keysfile, *storagefile;
static long maxcalls;
static int nflags;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-update-ws [-cfqv] [--no-wait] [--if-unmodified-since time]\n"
	    "                     (-g group -n name | -i id) [-s subscription] [--api-version v]\n"
	    "                     [-m duration] [-E ca-bundle] [file]\n"
	    "       aml-update-ws [-cfqv] [--title text] [--description text] [--read-only]\n"
	    "                     [--diagnostics None|Error|All] [--max-concurrent-calls n]\n"
	    "                     [--keys-file file] [--storage-key-file file] ... [file | -]\n");
	if (!status) {
		fputs("The flags make the PATCH; with FILE (or - for standard input) they are\n"
		    "merged into its definition and win; without, standard input is not read.\n"
		    "      --title TEXT          the service's title\n"
		    "      --description TEXT    its description\n"
		    "      --read-only           make it read-only: it can then only be removed,\n"
		    "                            never updated again\n"
		    "      --diagnostics LEVEL   None, Error or All\n"
		    "      --max-concurrent-calls N  4 to 200\n"
		    "      --keys-file FILE      new keys: {\"primary\": ..., \"secondary\": ...}, as\n"
		    "                            aml-ws-keys prints them (either or both)\n"
		    "      --storage-key-file FILE  the storage account's new key (first line)\n"
		    "      --if-unmodified-since TIME  send nothing if the service was modified\n"
		    "                            after TIME (RFC 3339, as its modifiedOn)\n"
		    "      --no-wait             print the first answer and the operation URL\n"
		    "  -f, --force               send a definition that sets readOnly\n", fp);
		aml_ws_help(fp);
	}
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

/*
 * What is sent
 */

/* The definition read (canonical, as a tree), or a bare PATCH body for
 * flags alone: properties.packageType is required in every one. */
static cJSON *
definition(void)
{
	cJSON *j;

	if (nflags && !path) {
		j = cJSON_CreateObject();
		cJSON_AddStringToObject(cJSON_AddObjectToObject(j, "properties"), "packageType", "Graph");
		return j;
	}
	return aml_defn_tree(path, AML_DEFN_PARTIAL | (!strcmp(ws.apiver, AML_WS_APIVER_PREVIEW) ?
	    AML_DEFN_PREVIEW : 0));
}

/* o[key] = v, replacing what was there. */
static void
set(cJSON *o, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

/* o[key], an object, made when it is not one. */
static cJSON *
object(cJSON *o, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsObject(v)) {
		v = cJSON_CreateObject();
		set(o, key, v);
	}
	return v;
}

/* --keys-file: the object aml-ws-keys prints, primary or secondary or
 * both; into keys, member by member (the service keeps the other). */
static void
keys_from(cJSON *keys)
{
	static const char *const names[] = { "primary", "secondary" };
	struct aml_jerr e;
	const cJSON *m;
	cJSON *j;
	char *buf;
	size_t len, n = 0;

	if (aml_slurp(keysfile, 1u << 20, &buf, &len) < 0)
		aml_die("--keys-file %s:", keysfile);
	j = aml_json_parse(buf, len, &e);
	aml_freesecret(buf);
	cJSON_ArrayForEach(m, j)
		for (size_t i = 0; i < 2; i++)
			if (m->string && !strcmp(m->string, names[i]) && cJSON_IsString(m) && *m->valuestring) {
				aml_secret_hold(m->valuestring);
				n++;
			}
	if (!cJSON_IsObject(j) || !n || cJSON_GetArraySize(j) != (int)n) {
		aml_json_free_secret(j);
		aml_diex(AML_EXIT_FAIL, "--keys-file %s: not {\"primary\": \"...\", \"secondary\": "
		    "\"...\"} (either or both, as aml-ws-keys prints them)", keysfile);
	}
	for (size_t i = 0; i < 2; i++)
		if ((m = cJSON_GetObjectItemCaseSensitive(j, names[i])))
			set(keys, names[i], cJSON_CreateString(m->valuestring));
	aml_json_free_secret(j);
}

/* The flags over the definition's values. */
static void
apply_flags(cJSON *j)
{
	cJSON *props = object(j, "properties");
	char *key;

	if (title)
		set(props, "title", cJSON_CreateString(title));
	if (description)
		set(props, "description", cJSON_CreateString(description));
	if (readonly)
		set(props, "readOnly", cJSON_CreateTrue());
	if (diagnostics)
		set(object(props, "diagnostics"), "level", cJSON_CreateString(diagnostics));
	if (maxcalls)
		set(object(props, "realtimeConfiguration"), "maxConcurrentCalls",
		    cJSON_CreateNumber((double)maxcalls));
	if (keysfile)
		keys_from(object(props, "keys"));
	if (storagefile) {
		if (!(key = aml_read_secret_file(storagefile, "--storage-key-file")))
			exit(AML_EXIT_FAIL);
		set(object(props, "storageAccount"), "key", cJSON_CreateString(key));
		aml_freesecret(key);
	}
}

/* The body, compact, checked as a PATCH body once more (a flag may have
 * given a value the definition's own check would refuse). */
static char *
body_of(size_t *len)
{
	struct aml_jdoc d;
	struct aml_jerr e;
	cJSON *j = definition();
	uint32_t ro;
	char *body;

	apply_flags(j);
	body = aml_json_print(j, 0);
	aml_json_free_secret(j);
	*len = strlen(body);
	if (aml_jparse(&d, body, *len, &e) < 0)
		aml_die("%s: %s", inname, e.msg);
	if (aml_defn_check(&d, AML_DEFN_PARTIAL | (!strcmp(ws.apiver, AML_WS_APIVER_PREVIEW) ?
	    AML_DEFN_PREVIEW : 0), aml_defn_stderr, (void *)inname) > 0)
		exit(AML_EXIT_FAIL);
	ro = property(&d, "readOnly");
	if (ro && AML_JTYPE(&d, ro) == AML_JTRUE && !force && !readonly)
		aml_die("%s: properties.readOnly is true: the service could then only be removed, "
		    "never updated again (use --force)", inname);
	aml_jfree(&d);
	return body;
}

/*
 * The update
 */

/* The service as it is now: refuse when it changed after --since. */
static int
check_unmodified(const char *url, char **oldkey, char **olduri)
{
	struct aml_resp r;
	struct aml_jdoc d;
	uint32_t m;
	int64_t t;
	char *mod = NULL;
	int rc;

	if ((rc = aml_arm_call(&ws.rs, "GET", url, NULL, 0, 0, &r)) != 0 ||
	    (rc = aml_arm_answer("GET", url, &r, &d)) != 0) {
		aml_resp_free(&r);
		return rc;
	}
	m = property(&d, "modifiedOn");
	if (m && AML_JTYPE(&d, m) == AML_JSTRING)
		mod = aml_jstrdup(&d, m);
	if (!mod || aml_rfc3339(mod, &t) < 0) {
		aml_err("%s: the service has no modifiedOn to compare with --if-unmodified-since; "
		    "nothing sent", ws.rs.label);
		rc = AML_EXIT_FAIL;
	} else if (t > since_ticks) {
		aml_err("%s: modified at %s, after %s (--if-unmodified-since); nothing sent: "
		    "export it again and redo the change", ws.rs.label, mod, since);
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
report(const struct aml_jdoc *d, const char *oldkey, const char *olduri)
{
	char *key, *uri = model_uri(d, &key), *a, *b;

	if (uri && olduri && oldkey && !strcmp(key, oldkey) && strcmp(uri, olduri) && !aml_quiet) {
		a = aml_uri_redact(olduri);
		b = aml_uri_redact(uri);
		fprintf(stderr, "%s: %s: %s (trained model): %s -> %s\n", aml_prog, ws.rs.label,
		    key, a, b);
		free(a);
		free(b);
	}
	free(key);
	free(uri);
}

static int
update(const char *body, size_t len, struct aml_wbuf *out)
{
	char *url = aml_ws_url(&ws, "", NULL), *oldkey = NULL, *olduri = NULL;
	struct aml_resp r;
	struct aml_jdoc d;
	int rc;

	if (since && (rc = check_unmodified(url, &oldkey, &olduri)) != 0)
		goto out;
	rc = aml_lro_run(&ws.rs, "PATCH", url, body, len, "updating", nowait, out);
	if (rc || nowait)
		goto out;
	if ((rc = aml_arm_call(&ws.rs, "GET", url, NULL, 0, 0, &r)) == 0 &&
	    (rc = aml_arm_answer("GET", url, &r, &d)) == 0) {
		aml_jw_doc(out, &d, 0, AML_JW_ONE);
		report(&d, oldkey, olduri);
		aml_jfree(&d);
	}
	aml_resp_free(&r);
out:
	free(oldkey);
	free(olduri);
	free(url);
	return rc;
}

/*
 * The command line
 */

static void
flag_value(int c, const char *arg)
{
	static const char *const levels[] = { "None", "Error", "All" };
	char *end;

	nflags++;
	switch (c) {
	case OPT_TITLE: title = arg; break;
	case OPT_DESCRIPTION: description = arg; break;
	case OPT_READ_ONLY: readonly = 1; break;
	case OPT_KEYS_FILE: keysfile = arg; break;
	case OPT_STORAGE_KEY_FILE: storagefile = arg; break;
	case OPT_DIAGNOSTICS:
		for (size_t i = 0; i < 3; i++)
			if (!strcasecmp(arg, levels[i]))
				diagnostics = levels[i];
		if (!diagnostics) {
			aml_err("--diagnostics %s: None, Error or All", arg);
			usage(AML_EXIT_USAGE);
		}
		break;
	case OPT_MAX_CALLS:
		maxcalls = strtol(arg, &end, 10);
		if (end == arg || *end || maxcalls < 4 || maxcalls > 200) {
			aml_err("--max-concurrent-calls %s: a number from 4 to 200", arg);
			usage(AML_EXIT_USAGE);
		}
		break;
	}
}

static void
options(int argc, char **argv)
{
	int c, rc;

	aml_ws_init(&ws);
	while ((c = getopt_long(argc, argv, AML_WS_SHORTOPTS "f", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SINCE:
			since = optarg;
			if (aml_rfc3339(since, &since_ticks) < 0) {
				aml_err("--if-unmodified-since %s: not an RFC 3339 time "
				    "(2017-04-26T17:08:47.9139511Z)", since);
				usage(AML_EXIT_USAGE);
			}
			break;
		case OPT_TITLE: case OPT_DESCRIPTION: case OPT_READ_ONLY: case OPT_DIAGNOSTICS:
		case OPT_MAX_CALLS: case OPT_KEYS_FILE: case OPT_STORAGE_KEY_FILE:
			flag_value(c, optarg);
			break;
		case AML_OPT_NO_WAIT: nowait = 1; break;
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
	/* Standard input is the definition's only without flags, or as -. */
	if ((path ? !strcmp(path, "-") : !nflags) && isatty(0))
		usage(AML_EXIT_USAGE);
	inname = nflags && !path ? "the flags" : aml_inname(path);
	if ((rc = aml_ws_setup(&ws, AML_WS_ONE)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
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
	rc = aml_print_out(&out, update(body, len, &out));
	aml_freesecret(body);	/* it may hold keys */
	aml_ws_free(&ws);
	aml_resignal();
	return rc;
}
