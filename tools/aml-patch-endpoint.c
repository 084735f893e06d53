/* SPDX-License-Identifier: MIT */
/*
 * aml-patch-endpoint: point an added endpoint of a classic predictive
 * web service at a retrained model: PATCH its "[trained model]"
 * resource with the blob of a Batch Execution job's Results (-b) or of
 * explicit locations, then GET the endpoint until it reports the new
 * location, which takes the service half a minute or so.
 *
 * Everything that can be known beforehand is checked before the PATCH:
 * the model's extension and SAS expiry (the service reads the blob with
 * that SAS), that the endpoint is not the web service's default one
 * (whose model follows the web service and cannot be replaced), and
 * that it has the resource at all (a training web service has none).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "amlnet.h"

#define DEFAULT_MAX_MS (5 * 60 * 1000L)	/* the switch takes half a minute or so */

enum { OPT_SERVICE = AML_OPT_OWN, OPT_RESULT, OPT_SAS_FILE, OPT_NO_VERIFY };

static const struct option longopts[] = {
	{ "workspace", required_argument, NULL, 'w' },
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "endpoint-url", required_argument, NULL, 'U' },
	{ "location", required_argument, NULL, 'l' },
	{ "key-file", required_argument, NULL, 'k' },
	{ "resource", required_argument, NULL, 'a' },
	{ "bes-status", required_argument, NULL, 'b' },
	{ "result", required_argument, NULL, OPT_RESULT },
	{ "base-location", required_argument, NULL, 'B' },
	{ "relative-location", required_argument, NULL, 'L' },
	{ "sas-file", required_argument, NULL, OPT_SAS_FILE },
	{ "no-verify", no_argument, NULL, OPT_NO_VERIFY },
	AML_NET_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static const char *ws, *svc, *epurl, *region, *keyfile, *bes, *baseopt, *relopt, *sasfile;
static const char *epname, *resname, *result;
static int noverify;
static char *base, *rel, *sas, *jobid;

/* Locations come from a file: shown with any query (a SAS) redacted, and
 * quoted when they hold anything that would break the one-line message.
 * quoted_msg keeps what is about to be printed reachable until exit. */
static char *quoted_msg;

static char *
quoted(const char *uri)
{
	char *r = aml_uri_redact(uri), *q = aml_jw_name(r);

	free(r);
	return q;
}

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-patch-endpoint [-cqv] [--no-verify] [-w workspace] [--service service]\n"
	    "                          [-l location] [-k key-file] [-a resource] [-m duration]\n"
	    "                          [-E ca-bundle] (-b bes-status [--result name] |\n"
	    "                          -B base -L relative [--sas-file file]) name\n"
	    "       aml-patch-endpoint [-cqv] [--no-verify] -U endpoint-url [-k key-file]\n"
	    "                          [-a resource] (-b ... | -B ... -L ...) ...\n");
	if (!status) {
		fputs("  -w, --workspace ID            workspace (default AML_WORKSPACE_ID)\n"
		    "      --service ID              web service (default AML_WEBSERVICE_ID)\n"
		    "  -U, --endpoint-url URL        the endpoint's management (PATCH) URL\n"
		    "  -l, --location REGION         the workspace's region (default\n"
		    "                                AML_CLASSIC_ENDPOINT, else South Central US)\n"
		    "  -k, --key-file FILE           workspace token or endpoint key (default\n"
		    "                                AML_WORKSPACE_TOKEN, then AML_API_KEY, or their _FILE)\n"
		    "  -a, --resource NAME           the resource (default: the endpoint's only one)\n"
		    "  -b, --bes-status FILE         aml-retrain's output: the model from its Results\n"
		    "      --result NAME             which output (default: the one .ilearner)\n"
		    "  -B, --base-location URL       the storage account's URL\n"
		    "  -L, --relative-location PATH  container/blob.ilearner\n"
		    "      --sas-file FILE           the SAS token for it (default AML_SAS_TOKEN, or the\n"
		    "                                file AML_SAS_TOKEN_FILE names)\n"
		    "      --no-verify               do not wait for the endpoint to use the new model\n", fp);
		aml_net_help(fp, "default 5m");
	}
	exit(status);
}

/* The model's blob from a job status that aml-retrain printed. */
static void
from_bes(const char *path)
{
	const struct aml_bes_output *o;
	struct aml_bes_status st;
	struct aml_jdoc d;
	char why[256], *buf;
	const char *name = aml_inname(path);
	uint32_t j;
	size_t len;

	buf = aml_jload(path, &d, &len);
	if (aml_bes_parse(&d, 0, &st, why, sizeof why) < 0)
		aml_diex(AML_EXIT_FAIL, "%s: %s", name, why);
	if (st.code != AML_BES_FINISHED)
		aml_diex(AML_EXIT_FAIL, "%s: the job is %s, not Finished", name,
		    aml_bes_codename(st.code));
	if (!(o = aml_bes_pick(&st, result, why, sizeof why)))
		aml_diex(AML_EXIT_FAIL, "%s: %s", name, why);
	if (!o->base || !o->rel) {
		quoted_msg = aml_jw_name(o->name);
		aml_diex(AML_EXIT_FAIL, "%s: Results.%s: no BaseLocation or RelativeLocation", name,
		    quoted_msg);
	}
	base = aml_xstrdup(o->base);
	rel = aml_xstrdup(o->rel);
	sas = o->sas ? aml_sas_query(o->sas) : NULL;
	if ((j = aml_jget(&d, 0, "JobId")) && AML_JTYPE(&d, j) == AML_JSTRING)
		jobid = aml_jstrdup(&d, j);
	aml_bes_free(&st);
	aml_jfree(&d);
	aml_wipe(buf, len);
	free(buf);
}

static void
check_location(void)
{
	const char *why;
	time_t se;
	char when[32];
	size_t n = strlen(rel);

	if (aml_uri_check(base, &why) < 0)
		aml_diex(AML_EXIT_FAIL, "BaseLocation %s: %s", quoted_msg = quoted(base), why);
	if (n < 10 || strcasecmp(rel + n - 9, ".ilearner"))
		aml_diex(AML_EXIT_FAIL, "RelativeLocation %s: a trained model ends in .ilearner",
		    quoted_msg = quoted(rel));
	if (!sas || !*sas)
		aml_diex(AML_EXIT_FAIL, "no SAS token: the service reads the model's blob with it");
	if (aml_sas_expiry(sas, &se) < 0)
		aml_diex(AML_EXIT_FAIL, "the SAS token has no valid expiry time (se)");
	if (se <= time(NULL)) {
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&se));
		if (jobid)
			aml_diex(AML_EXIT_FAIL, "the SAS token expired at %s; get a fresh one with "
			    "aml-retrain -j %s", when, jobid);
		aml_diex(AML_EXIT_FAIL, "the SAS token expired at %s; read the job's status again "
		    "for a fresh one", when);
	}
}

static const cJSON *
find_resource(const cJSON *ep, const char *name)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(ep, "Resources"))
		if (aml_json_str(r, "Name") && !strcmp(aml_json_str(r, "Name"), name))
			return r;
	return NULL;
}

static char *
names(const cJSON *ep)
{
	struct aml_wbuf w;
	const cJSON *r;

	aml_wbuf_init(&w, -1);
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(ep, "Resources"))
		aml_wprintf(&w, "%s'%s'", w.len ? ", " : "", aml_json_str(r, "Name") ?
		    aml_json_str(r, "Name") : "");
	return aml_wbuf_take(&w);
}

/* The endpoint may be patched: not the default one, and it has the
 * resource.  Returns the resource's name. */
static const char *
check_endpoint(const struct aml_classic *cl, const cJSON *ep)
{
	struct aml_resp r;
	cJSON *svcj = NULL;
	const char *def, *only = NULL;
	char *list;
	int rc, n;

	rc = aml_classic_call(cl, NULL, AML_AT_SERVICE, NULL, AML_HTTP_QUIET, &svcj, &r);
	if (rc == 0 && (def = aml_json_str(svcj, "DefaultEndpointName")) && !strcmp(def, cl->name))
		aml_diex(AML_EXIT_FAIL, "endpoint %s is the default endpoint of web service %s: its "
		    "model follows the web service and cannot be replaced; add an endpoint "
		    "(aml-add-endpoint) and patch that", cl->name, cl->svc);
	/* An endpoint's own key may not read its web service: go on. */
	if (rc && r.status != 401) {
		struct aml_req q = { .url = aml_classic_url(cl, AML_AT_SERVICE) };
		char *line = aml_studio_errline(&q, &r);

		aml_err("%s", line);
		exit(rc);
	}
	cJSON_Delete(svcj);
	aml_resp_free(&r);
	n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ep, "Resources"));
	if (!n)
		aml_diex(AML_EXIT_FAIL, "endpoint %s has no updatable resources (is %s the training "
		    "web service, or its default endpoint? Add the endpoint to the predictive web "
		    "service)", cl->name, cl->svc);
	if (resname) {
		if (!find_resource(ep, resname)) {
			list = names(ep);
			aml_diex(AML_EXIT_FAIL, "endpoint %s has no resource '%s'; its updatable "
			    "resources: %s", cl->name, resname, list);
		}
		return resname;
	}
	if (n > 1) {
		list = names(ep);
		aml_diex(AML_EXIT_FAIL, "endpoint %s has %d updatable resources (%s): choose one with "
		    "-a", cl->name, n, list);
	}
	only = aml_json_str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ep, "Resources"), 0),
	    "Name");
	if (!only || !*only)
		aml_diex(AML_EXIT_FAIL, "endpoint %s: its resource has no name", cl->name);
	return only;
}

static char *
body(const char *name)
{
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "Resources");
	cJSON *r = cJSON_CreateObject(), *l;
	char *s;

	cJSON_AddStringToObject(r, "Name", name);
	l = cJSON_AddObjectToObject(r, "Location");
	cJSON_AddStringToObject(l, "BaseLocation", base);
	cJSON_AddStringToObject(l, "RelativeLocation", rel);
	cJSON_AddStringToObject(l, "SasBlobToken", sas);
	cJSON_AddItemToArray(a, r);
	s = aml_json_print(o, 0);
	aml_json_free_secret(o);
	return s;
}

/* 1 when the endpoint's resource now lies where we put it. */
static int
switched(const cJSON *ep, const char *name)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(find_resource(ep, name), "Location");
	const char *b = aml_json_str(l, "BaseLocation"), *r = aml_json_str(l, "RelativeLocation");
	char *have, *want;
	int same;

	if (!b || !r)
		return 0;
	have = aml_bes_join(b, r);
	want = aml_bes_join(base, rel);
	same = !strcmp(have, want);
	free(have);
	free(want);
	return same;
}

/* GET the endpoint until it reports the new location, pausing by the
 * one backoff (half a second doubling to five), within -m. */
static int
verify(const struct aml_classic *cl, const char *name, cJSON **ep)
{
	struct aml_backoff b;
	struct aml_resp r;
	time_t t0 = time(NULL);
	char lim[32];
	long ms;
	int rc;

	aml_backoff_init(&b, 500, 5000, 0);
	for (;;) {
		rc = aml_classic_call(cl, NULL, AML_AT_ENDPOINT, NULL, 0, ep, &r);
		aml_resp_free(&r);
		if (rc || switched(*ep, name))
			break;
		aml_json_free_secret(*ep);
		*ep = NULL;
		if ((ms = aml_backoff_next(&b, -1)) < 0) {
			aml_progress_clear();
			aml_fmt_duration(lim, sizeof lim, aml_deadline_limit());
			aml_err("endpoint %s still reports the old model at the time limit (-m %s); the "
			    "PATCH was accepted: check again later with aml-get-endpoint", cl->name, lim);
			rc = AML_EXIT_FAIL;
			break;
		}
		aml_progress("waiting for %s to use the new model %lds", cl->name,
		    (long)(time(NULL) - t0));
		if (aml_sleep_ms(ms) < 0) {
			rc = AML_EXIT_FAIL;
			break;
		}
	}
	aml_progress_clear();
	return rc;
}

/* ---- the command line ----------------------------------------------- */

/* Which model, said one way: -b, or -B and -L (with --sas-file). */
static void
model_options(void)
{
	const char *why = NULL;

	if (!bes && !baseopt && !relopt)
		why = "-b, or -B and -L, is required (the retrained model)";
	else if (bes && (baseopt || relopt))
		why = "give -b, or -B and -L, not both";
	else if (!bes && !baseopt)
		why = "-B is required with -L (the storage account's URL)";
	else if (!bes && !relopt)
		why = "-L is required with -B (container/blob.ilearner)";
	else if (bes && sasfile)
		why = "--sas-file goes with -B and -L (-b's status has the SAS)";
	else if (result && !bes)
		why = "--result goes with -b";
	if (why) {
		aml_err("%s", why);
		usage(AML_EXIT_USAGE);
	}
}

static void
options(int argc, char **argv)
{
	int c;

	/* The whole program, the wait for the switch included. */
	aml_deadline_set(DEFAULT_MAX_MS);
	while ((c = getopt_long(argc, argv, "w:U:l:k:a:b:B:L:" AML_NET_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'w': ws = optarg; break;
		case OPT_SERVICE: svc = optarg; break;
		case 'U': epurl = optarg; break;
		case 'l': region = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'a': resname = optarg; break;
		case 'b': bes = optarg; break;
		case OPT_RESULT: result = optarg; break;
		case 'B': baseopt = optarg; break;
		case 'L': relopt = optarg; break;
		case OPT_SAS_FILE: sasfile = optarg; break;
		case OPT_NO_VERIFY: noverify = 1; break;
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
	epname = argc ? argv[0] : NULL;
	if (epurl && (epname || ws || svc || region)) {
		aml_err("-U names the endpoint: leave out -w, --service, -l and NAME");
		usage(AML_EXIT_USAGE);
	}
	if (!epurl && !epname) {
		aml_err("NAME or -U is required (the endpoint)");
		usage(AML_EXIT_USAGE);
	}
	model_options();
	if (bes && !strcmp(bes, "-") && isatty(0))
		usage(AML_EXIT_USAGE);
}

/* The new location, from -b or -B, -L and the SAS; checked. */
static int
location(void)
{
	static const char *const sasvars[] = { "AML_SAS_TOKEN", NULL };
	char *tok;

	if (bes) {
		from_bes(bes);
	} else {
		base = aml_xstrdup(baseopt);
		rel = aml_xstrdup(relopt);
		if (aml_secret_get(sasfile, sasvars, "--sas-file", &tok) < 0)
			return AML_EXIT_FAIL;
		/* With or without its '?', as az storage and the portal give it. */
		sas = tok ? aml_sas_query(tok) : NULL;
		aml_freesecret(tok);
	}
	check_location();
	return 0;
}

/* PATCH the resource, then wait for the switch (or read the endpoint
 * once with --no-verify): the endpoint in *ep. */
static int
patch(const struct aml_classic *cl, cJSON **ep)
{
	struct aml_resp r;
	cJSON *none = NULL;
	char *name, *b;
	int rc;

	rc = aml_classic_call(cl, NULL, AML_AT_ENDPOINT, NULL, 0, ep, &r);
	aml_resp_free(&r);
	if (rc)
		return rc;
	name = aml_xstrdup(check_endpoint(cl, *ep));
	aml_json_free_secret(*ep);
	*ep = NULL;
	b = body(name);
	rc = aml_classic_call(cl, "PATCH", AML_AT_ENDPOINT, b, 0, &none, &r);
	aml_freesecret(b);
	aml_resp_free(&r);
	if (none)
		aml_json_free_secret(none);
	if (rc == 0 && noverify) {
		rc = aml_classic_call(cl, NULL, AML_AT_ENDPOINT, NULL, 0, ep, &r);
		aml_resp_free(&r);
	} else if (rc == 0) {
		rc = verify(cl, name, ep);
	}
	free(name);
	return rc;
}

static int
print(cJSON *ep)
{
	struct aml_wbuf w;
	int rc = 0;

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
	/* What can be checked here is, before anything is sent. */
	if ((rc = location()) != 0)
		return rc;
	if ((rc = aml_classic_setup(&cl, epurl, ws, svc, epname, region, keyfile)))
		return rc == AML_EXIT_USAGE ? (usage(rc), rc) : rc;
	aml_catch_signals();
	rc = patch(&cl, &ep);
	if (aml_signalled)
		aml_resignal();
	if (rc == 0 && ep)
		rc = print(ep);
	if (ep)
		aml_json_free_secret(ep);
	aml_classic_free(&cl);
	free(base);
	free(rel);
	free(jobid);
	if (sas)
		aml_freesecret(sas);
	return rc;
}
