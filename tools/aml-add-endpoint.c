/* SPDX-License-Identifier: MIT */
/*
 * aml-add-endpoint: add an endpoint to a classic web service (PUT
 * .../endpoints/NAME of the management API), as Add-AmlWebServiceEndpoint
 * does.  Retraining needs one: the default endpoint follows its web
 * service, so only an added endpoint of the predictive web service can
 * be pointed at a retrained model (aml-patch-endpoint).  The endpoint
 * is printed without its keys; -K writes the primary key to a file for
 * aml-score.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "amlnet.h"

enum {
	OPT_SERVICE = AML_OPT_OWN, OPT_DESCRIPTION, OPT_THROTTLE, OPT_MAX_CALLS, OPT_PREVENT
};

static const struct option longopts[] = {
	{ "workspace", required_argument, NULL, 'w' },
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "location", required_argument, NULL, 'l' },
	{ "key-file", required_argument, NULL, 'k' },
	{ "description", required_argument, NULL, OPT_DESCRIPTION },
	{ "throttle-level", required_argument, NULL, OPT_THROTTLE },
	{ "max-calls", required_argument, NULL, OPT_MAX_CALLS },
	{ "prevent-update", no_argument, NULL, OPT_PREVENT },
	{ "save-key", required_argument, NULL, 'K' },
	{ "force", no_argument, NULL, 'f' },
	AML_NET_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static const char *ws, *svc, *region, *keyfile, *desc, *throttle, *keyout, *name;
static long calls;
static int force, prevent;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-add-endpoint [-cfqv] [-w workspace] [--service service] [-l location]\n"
	    "                        [-k key-file] [--description text] [--throttle-level Low|High]\n"
	    "                        [--max-calls n] [--prevent-update] [-K key-out] [-m duration]\n"
	    "                        [-E ca-bundle] name\n");
	if (!status) {
		fputs("  -w, --workspace ID        workspace (default AML_WORKSPACE_ID)\n"
		    "      --service ID          web service (default AML_WEBSERVICE_ID)\n"
		    "  -l, --location REGION     the workspace's region (default AML_CLASSIC_ENDPOINT,\n"
		    "                            else South Central US)\n"
		    "  -k, --key-file FILE       workspace token (default AML_WORKSPACE_TOKEN, or the\n"
		    "                            file AML_WORKSPACE_TOKEN_FILE names)\n"
		    "      --description TEXT    what the endpoint is for\n"
		    "      --throttle-level L    Low (at most 4 concurrent calls) or High\n"
		    "      --max-calls N         concurrent calls, 1 to 200\n"
		    "      --prevent-update      keep the endpoint's model on re-publication\n"
		    "  -K, --save-key FILE       write the endpoint's primary key to FILE (mode 0600)\n"
		    "  -f, --force               update an existing endpoint; replace FILE\n", fp);
		aml_net_help(fp, NULL);
	}
	exit(status);
}

/* Whether the endpoint has every setting of the body, as sent. */
static int
shows(const cJSON *ep, const cJSON *body)
{
	const cJSON *b, *e;

	if (!cJSON_IsObject(ep))
		return 0;
	cJSON_ArrayForEach(b, body) {
		e = cJSON_GetObjectItemCaseSensitive(ep, b->string);
		if (!e || !cJSON_Compare(b, e, 1))
			return 0;
	}
	return 1;
}

static void
own_option(int c, const char *arg)
{
	char *end;

	switch (c) {
	case OPT_DESCRIPTION:
		if (strlen(arg) > 2000) {
			aml_err("--description: at most 2000 characters");
			usage(AML_EXIT_USAGE);
		}
		desc = arg;
		break;
	case OPT_THROTTLE:
		if (strcasecmp(arg, "Low") && strcasecmp(arg, "High")) {
			aml_err("--throttle-level %s: Low or High", arg);
			usage(AML_EXIT_USAGE);
		}
		throttle = strcasecmp(arg, "Low") ? "High" : "Low";
		break;
	case OPT_MAX_CALLS:
		calls = strtol(arg, &end, 10);
		if (end == arg || *end || calls < 1 || calls > 200) {
			aml_err("--max-calls %s: a number from 1 to 200", arg);
			usage(AML_EXIT_USAGE);
		}
		break;
	}
}

static void
options(int argc, char **argv)
{
	const char *why;
	int c;

	while ((c = getopt_long(argc, argv, "w:l:k:K:f" AML_NET_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'w': ws = optarg; break;
		case OPT_SERVICE: svc = optarg; break;
		case 'l': region = optarg; break;
		case 'k': keyfile = optarg; break;
		case OPT_DESCRIPTION: case OPT_THROTTLE: case OPT_MAX_CALLS:
			own_option(c, optarg);
			break;
		case OPT_PREVENT: prevent = 1; break;
		case 'K': keyout = optarg; break;
		case 'f': force = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_http_opt(c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1) {
		if (!argc)
			aml_err("NAME is required (the new endpoint's)");
		usage(AML_EXIT_USAGE);
	}
	name = argv[0];
	/* The service's own rule, checked before anything is sent. */
	if (aml_endpoint_name_check(name, &why) < 0)
		aml_diex(AML_EXIT_USAGE, "%s: %s", name, why);
	/* A key file that would be refused is refused before the PUT. */
	if (keyout && !force && access(keyout, F_OK) == 0)
		aml_diex(AML_EXIT_FAIL, "%s: exists (use -f to replace it)", keyout);
}

/* PUT would quietly change an endpoint that exists: 0 when it does not
 * (or -f), else the exit status after the error line. */
static int
absent(const struct aml_classic *cl)
{
	struct aml_req q = { 0 };
	struct aml_resp r;
	cJSON *ep = NULL;
	char *line;
	int rc;

	if (force)
		return 0;
	rc = aml_classic_call(cl, NULL, AML_AT_ENDPOINT, NULL, AML_HTTP_QUIET, &ep, &r);
	cJSON_Delete(ep);
	if (rc == 0) {
		aml_err("endpoint %s exists (use -f to update it)", cl->name);
		rc = AML_EXIT_FAIL;
	} else if (r.status == 404) {
		rc = 0;
	} else {
		q.url = aml_classic_url(cl, AML_AT_ENDPOINT);
		line = aml_studio_errline(&q, &r);
		aml_err("%s", line);
		free(line);
		free((char *)q.url);
	}
	aml_resp_free(&r);
	return rc;
}

/* The endpoint made (or updated), as the service answers: *ep. */
static int
add(const struct aml_classic *cl, cJSON **ep)
{
	struct aml_resp r;
	cJSON *body = cJSON_CreateObject();
	char *s;
	int rc;

	if (desc)
		cJSON_AddStringToObject(body, "Description", desc);
	if (throttle)
		cJSON_AddStringToObject(body, "ThrottleLevel", throttle);
	if (calls)
		cJSON_AddNumberToObject(body, "MaxConcurrentCalls", (double)calls);
	if (prevent)
		cJSON_AddTrueToObject(body, "PreventUpdate");
	s = aml_json_print(body, 0);
	rc = aml_classic_call(cl, "PUT", AML_AT_ENDPOINT, s, 0, ep, &r);
	free(s);
	aml_resp_free(&r);
	/* An answer without the endpoint (empty, or not JSON): what a GET
	 * shows must be what was asked for. */
	if (rc == 0 && !*ep && (rc = aml_classic_call(cl, NULL, AML_AT_ENDPOINT, NULL, 0, ep,
	    &r)) == 0 && !shows(*ep, body)) {
		aml_err("PUT endpoints/%s: the service answered, but the endpoint does not show the "
		    "settings sent: check with aml-get-endpoint", cl->name);
		rc = AML_EXIT_FAIL;
	}
	aml_resp_free(&r);
	cJSON_Delete(body);
	if (rc == 0 && !cJSON_IsObject(*ep)) {
		aml_err("PUT endpoints/%s: the answer is not an endpoint", cl->name);
		rc = AML_EXIT_FAIL;
	}
	return rc;
}

/* -K's file, then the endpoint without its keys. */
static int
print(const struct aml_classic *cl, cJSON *ep)
{
	const char *k = aml_json_str(ep, "PrimaryKey");
	struct aml_wbuf w;
	int rc = 0;

	if (keyout && !k) {
		aml_err("endpoint %s: no PrimaryKey in the answer", cl->name);
		return AML_EXIT_FAIL;
	}
	if (keyout && (rc = aml_save_key(keyout, k, force)) != 0)
		return rc;
	aml_endpoint_strip(ep);
	aml_wbuf_init(&w, 1);
	aml_json_write(&w, ep, AML_JW_ONE);
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
	cJSON *ep = NULL;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv);
	if ((rc = aml_classic_setup(&cl, NULL, ws, svc, name, region, keyfile)))
		return rc == AML_EXIT_USAGE ? (usage(rc), rc) : rc;
	if (!cl.svc) {
		aml_err("--service or AML_WEBSERVICE_ID is required (the web service id)");
		aml_classic_free(&cl);
		usage(AML_EXIT_USAGE);
	}
	if ((rc = absent(&cl)) == 0 && (rc = add(&cl, &ep)) == 0)
		rc = print(&cl, ep);
	if (ep)
		aml_json_free_secret(ep);
	aml_classic_free(&cl);
	return rc;
}
