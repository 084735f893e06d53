/* SPDX-License-Identifier: MIT */
/*
 * aml-add-endpoint: add an endpoint to a classic web service (PUT
 * .../endpoints/NAME of the management API), as Add-AmlWebServiceEndpoint
 * does.  Retraining needs one: the default endpoint follows its web
 * service, so only an added endpoint of the predictive web service can
 * be pointed at a retrained model (aml-patch-endpoint).  The endpoint
 * is printed without its keys; --save-key writes the primary key to a
 * file for aml-score.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "amlnet.h"

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-add-endpoint [-fpqVv] [-w workspace] [-s service] [-l location]\n"
	    "                        [-k key-file] [-d description] [-T Low|High] [-c max-calls]\n"
	    "                        [-K key-out] [-m seconds] [-E ca-bundle] name\n");
	if (!status)
		fprintf(fp,
		    "  -w, --workspace ID        workspace (default AML_WORKSPACE_ID)\n"
		    "  -s, --service ID          web service (default AML_WEBSERVICE_ID)\n"
		    "  -l, --location REGION     the workspace's region (default AML_CLASSIC_ENDPOINT,\n"
		    "                            else South Central US)\n"
		    "  -k, --key-file FILE       workspace token (default AML_WORKSPACE_TOKEN)\n"
		    "  -d, --description TEXT    what the endpoint is for\n"
		    "  -T, --throttle-level L    Low (at most 4 concurrent calls) or High\n"
		    "  -c, --max-calls N         concurrent calls, 1 to 200\n"
		    "  -p, --prevent-update      keep the endpoint's model on re-publication\n"
		    "  -K, --save-key FILE       write the endpoint's primary key to FILE (mode 0600)\n"
		    "  -f, --force               update an existing endpoint; replace FILE\n"
		    "  -m, --timeout SECONDS     per HTTP request (default 120)\n"
		    "  -E, --ca-bundle FILE      CA certificates for TLS\n"
		    "  -v, --verbose             HTTP trace on stderr, secrets masked\n"
		    "  -q, --quiet               no warnings\n"
		    "  -h, --help\n"
		    "  -V, --version\n");
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "workspace", required_argument, NULL, 'w' },
		{ "service", required_argument, NULL, 's' },
		{ "location", required_argument, NULL, 'l' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "description", required_argument, NULL, 'd' },
		{ "throttle-level", required_argument, NULL, 'T' },
		{ "max-calls", required_argument, NULL, 'c' },
		{ "prevent-update", no_argument, NULL, 'p' },
		{ "save-key", required_argument, NULL, 'K' },
		{ "force", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 'm' },
		{ "ca-bundle", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *ws = NULL, *svc = NULL, *region = NULL, *keyfile = NULL, *desc = NULL;
	const char *throttle = NULL, *keyout = NULL, *why;
	struct aml_classic cl;
	struct aml_resp r;
	struct aml_wbuf w;
	cJSON *body, *ep = NULL;
	long calls = 0;
	int c, force = 0, prevent = 0, rc;
	char *end, *s;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "w:s:l:k:d:T:c:pK:fm:E:vqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'w': ws = optarg; break;
		case 's': svc = optarg; break;
		case 'l': region = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'd':
			if (strlen(optarg) > 2000) {
				aml_err("--description: at most 2000 characters");
				usage(AML_EXIT_USAGE);
			}
			desc = optarg;
			break;
		case 'T':
			if (strcasecmp(optarg, "Low") && strcasecmp(optarg, "High")) {
				aml_err("--throttle-level %s: Low or High", optarg);
				usage(AML_EXIT_USAGE);
			}
			throttle = strcasecmp(optarg, "Low") ? "High" : "Low";
			break;
		case 'c':
			calls = strtol(optarg, &end, 10);
			if (end == optarg || *end || calls < 1 || calls > 200) {
				aml_err("--max-calls %s: a number from 1 to 200", optarg);
				usage(AML_EXIT_USAGE);
			}
			break;
		case 'p': prevent = 1; break;
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
	if (argc != 1)
		usage(AML_EXIT_USAGE);
	/* The service's own rule, checked before anything is sent. */
	if (aml_endpoint_name_check(argv[0], &why) < 0)
		aml_diex(AML_EXIT_USAGE, "%s: %s", argv[0], why);
	/* A key file that would be refused is refused before the PUT. */
	if (keyout && !force && access(keyout, F_OK) == 0)
		aml_diex(AML_EXIT_FAIL, "%s: exists (use --force to replace it)", keyout);
	if ((rc = aml_classic_setup(&cl, NULL, ws, svc, argv[0], region, keyfile)))
		return rc == AML_EXIT_USAGE ? (usage(rc), rc) : rc;
	if (!cl.svc) {
		aml_err("no web service: give --service or set AML_WEBSERVICE_ID");
		usage(AML_EXIT_USAGE);
	}
	/* PUT would quietly change an endpoint that exists. */
	if (!force) {
		rc = aml_classic_call(&cl, NULL, 3, NULL, AML_HTTP_QUIET, &ep, &r);
		cJSON_Delete(ep);
		ep = NULL;
		if (rc == 0) {
			aml_err("endpoint %s exists (use --force to update it)", cl.name);
			aml_resp_free(&r);
			aml_classic_free(&cl);
			return AML_EXIT_FAIL;
		}
		if (r.status != 404) {
			struct aml_req q = { .url = aml_classic_url(&cl, 3) };

			s = aml_studio_errline(&q, &r);
			aml_err("%s", s);
			free(s);
			free((char *)q.url);
			aml_resp_free(&r);
			aml_classic_free(&cl);
			return rc;
		}
		aml_resp_free(&r);
	}
	body = cJSON_CreateObject();
	if (desc)
		cJSON_AddStringToObject(body, "Description", desc);
	if (throttle)
		cJSON_AddStringToObject(body, "ThrottleLevel", throttle);
	if (calls)
		cJSON_AddNumberToObject(body, "MaxConcurrentCalls", (double)calls);
	if (prevent)
		cJSON_AddTrueToObject(body, "PreventUpdate");
	s = aml_json_print(body, 0);
	rc = aml_classic_call(&cl, "PUT", 3, s, 0, &ep, &r);
	free(s);
	aml_resp_free(&r);
	/* An answer without the endpoint (empty, or not JSON): what a GET
	 * shows must be what was asked for. */
	if (rc == 0 && !ep && (rc = aml_classic_call(&cl, NULL, 3, NULL, 0, &ep, &r)) == 0 &&
	    !shows(ep, body)) {
		aml_err("PUT endpoints/%s: the service answered, but the endpoint does not show the "
		    "settings sent: check with aml-get-endpoint", cl.name);
		rc = AML_EXIT_FAIL;
	}
	aml_resp_free(&r);
	cJSON_Delete(body);
	if (rc == 0 && !cJSON_IsObject(ep)) {
		aml_err("PUT endpoints/%s: the answer is not an endpoint", cl.name);
		rc = AML_EXIT_FAIL;
	}
	if (rc == 0 && keyout) {
		const char *k = aml_json_str(ep, "PrimaryKey");

		if (!k) {
			aml_err("endpoint %s: no PrimaryKey in the answer", cl.name);
			rc = AML_EXIT_FAIL;
		} else {
			rc = aml_save_key(keyout, k, force);
		}
	}
	if (rc == 0) {
		aml_endpoint_strip(ep);
		aml_wbuf_init(&w, 1);
		aml_json_write(&w, ep, 0);
		if (aml_wflush(&w) < 0) {
			aml_err("write <stdout>:");
			rc = AML_EXIT_FAIL;
		}
		aml_wbuf_free(&w);
	}
	if (ep)
		aml_json_free_secret(ep);
	aml_classic_free(&cl);
	return rc;
}
