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

static const char *resname, *result;
static long wait_s = 120;
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

	fprintf(fp, "usage: aml-patch-endpoint [-nqVv] [-w workspace] [-s service] [-l location]\n"
	    "                          [-k key-file] [-a resource] [-m seconds] [-E ca-bundle]\n"
	    "                          (-b bes-status [-r result] | -B base -L relative [-S sas-file])\n"
	    "                          name\n"
	    "       aml-patch-endpoint [-nqVv] -U endpoint-url [-k key-file] [-a resource] ...\n");
	if (!status)
		fprintf(fp,
		    "  -w, --workspace ID            workspace (default AML_WORKSPACE_ID)\n"
		    "  -s, --service ID              web service (default AML_WEBSERVICE_ID)\n"
		    "  -U, --endpoint-url URL        the endpoint's management (PATCH) URL\n"
		    "  -l, --location REGION         the workspace's region (default\n"
		    "                                AML_CLASSIC_ENDPOINT, else South Central US)\n"
		    "  -k, --key-file FILE           workspace token or endpoint key\n"
		    "                                (default AML_WORKSPACE_TOKEN, then AML_API_KEY)\n"
		    "  -a, --resource NAME           the resource (default: the endpoint's only one)\n"
		    "  -b, --bes-status FILE         aml-retrain's output: the model from its Results\n"
		    "  -r, --result NAME             which output (default: the one .ilearner)\n"
		    "  -B, --base-location URL       the storage account's URL\n"
		    "  -L, --relative-location PATH  container/blob.ilearner\n"
		    "  -S, --sas-file FILE           the SAS token for it (default AML_SAS_TOKEN)\n"
		    "  -m, --timeout SECONDS         wait this long for the switch (default 120)\n"
		    "  -n, --no-verify               do not wait for the switch\n"
		    "  -E, --ca-bundle FILE          CA certificates for TLS\n"
		    "  -v, --verbose                 HTTP trace on stderr, secrets masked\n"
		    "  -q, --quiet                   no warnings, no progress\n"
		    "  -h, --help\n"
		    "  -V, --version\n");
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
			    "aml-retrain --job %s", when, jobid);
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
	cJSON *svc = NULL;
	const char *def, *only = NULL;
	char *list;
	int rc, n;

	rc = aml_classic_call(cl, NULL, 1, NULL, AML_HTTP_QUIET, &svc, &r);
	if (rc == 0 && (def = aml_json_str(svc, "DefaultEndpointName")) && !strcmp(def, cl->name))
		aml_diex(AML_EXIT_FAIL, "endpoint %s is the default endpoint of web service %s: its "
		    "model follows the web service and cannot be replaced; add an endpoint "
		    "(aml-add-endpoint) and patch that", cl->name, cl->svc);
	/* An endpoint's own key may not read its web service: go on. */
	if (rc && r.status != 401) {
		struct aml_req q = { .url = aml_classic_url(cl, 1) };
		char *line = aml_studio_errline(&q, &r);

		aml_err("%s", line);
		exit(rc);
	}
	cJSON_Delete(svc);
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
		    "--resource", cl->name, n, list);
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

static int
verify(const struct aml_classic *cl, const char *name, cJSON **ep)
{
	struct aml_resp r;
	time_t t0 = time(NULL);
	long pause = 500, left;
	int rc, shown = 0;

	for (;;) {
		rc = aml_classic_call(cl, NULL, 3, NULL, 0, ep, &r);
		aml_resp_free(&r);
		if (rc)
			break;
		if (switched(*ep, name))
			break;
		if ((left = (long)(t0 + wait_s - time(NULL))) <= 0) {
			aml_err("endpoint %s still reports the old model after %lds; the PATCH was "
			    "accepted: check again later with aml-get-endpoint", cl->name, wait_s);
			rc = AML_EXIT_FAIL;
			break;
		}
		aml_json_free_secret(*ep);
		*ep = NULL;
		if (!aml_quiet && !aml_verbose && isatty(2)) {
			fprintf(stderr, "\r%s: waiting for %s to use the new model %lds\033[K", aml_prog,
			    cl->name, (long)(time(NULL) - t0));
			shown = 1;
		}
		if (aml_sleep_ms(pause < left * 1000 ? pause : left * 1000) < 0) {
			rc = AML_EXIT_FAIL;
			break;
		}
		pause = pause * 2 > 5000 ? 5000 : pause * 2;
	}
	if (shown)
		fprintf(stderr, "\r\033[K");
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "workspace", required_argument, NULL, 'w' },
		{ "service", required_argument, NULL, 's' },
		{ "endpoint-url", required_argument, NULL, 'U' },
		{ "location", required_argument, NULL, 'l' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "resource", required_argument, NULL, 'a' },
		{ "bes-status", required_argument, NULL, 'b' },
		{ "result", required_argument, NULL, 'r' },
		{ "base-location", required_argument, NULL, 'B' },
		{ "relative-location", required_argument, NULL, 'L' },
		{ "sas-file", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 'm' },
		{ "no-verify", no_argument, NULL, 'n' },
		{ "ca-bundle", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const sasvars[] = { "AML_SAS_TOKEN", NULL };
	const char *ws = NULL, *svc = NULL, *epurl = NULL, *region = NULL, *keyfile = NULL;
	const char *bes = NULL, *baseopt = NULL, *relopt = NULL, *sasfile = NULL, *name;
	struct aml_classic cl;
	struct aml_resp r;
	struct aml_wbuf w;
	cJSON *ep = NULL, *none;
	char *end, *b, *tok;
	int c, rc;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "w:s:U:l:k:a:b:r:B:L:S:m:nE:vqhV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'w': ws = optarg; break;
		case 's': svc = optarg; break;
		case 'U': epurl = optarg; break;
		case 'l': region = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'a': resname = optarg; break;
		case 'b': bes = optarg; break;
		case 'r': result = optarg; break;
		case 'B': baseopt = optarg; break;
		case 'L': relopt = optarg; break;
		case 'S': sasfile = optarg; break;
		case 'm':
			wait_s = strtol(optarg, &end, 10);
			if (end == optarg || *end || wait_s < 1 || wait_s > 86400) {
				aml_err("--timeout %s: a number of seconds from 1 to 86400", optarg);
				usage(AML_EXIT_USAGE);
			}
			aml_http_set_timeout(optarg);	/* no request outlasts it */
			break;
		case 'n': noverify = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_http_opt(c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (epurl ? argc || ws || svc || region : argc != 1)
		usage(AML_EXIT_USAGE);
	if (!bes == !(baseopt || relopt) || (bes && sasfile) || (result && !bes) ||
	    (!bes && (!baseopt || !relopt)))
		usage(AML_EXIT_USAGE);
	if (bes && !strcmp(bes, "-") && isatty(0))
		usage(AML_EXIT_USAGE);

	/* What can be checked here is, before anything is sent. */
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
	if ((rc = aml_classic_setup(&cl, epurl, ws, svc, argc ? argv[0] : NULL, region, keyfile)))
		return rc == AML_EXIT_USAGE ? (usage(rc), rc) : rc;
	aml_catch_signals();
	rc = aml_classic_call(&cl, NULL, 3, NULL, 0, &ep, &r);
	aml_resp_free(&r);
	if (rc)
		goto out;
	name = aml_xstrdup(check_endpoint(&cl, ep));
	aml_json_free_secret(ep);
	ep = NULL;
	b = body(name);
	rc = aml_classic_call(&cl, "PATCH", 3, b, 0, &none, &r);
	aml_freesecret(b);
	aml_resp_free(&r);
	if (none)
		aml_json_free_secret(none);
	if (rc == 0) {
		if (noverify) {
			rc = aml_classic_call(&cl, NULL, 3, NULL, 0, &ep, &r);
			aml_resp_free(&r);
		} else {
			rc = verify(&cl, name, &ep);
		}
	}
	if (aml_signalled)
		aml_resignal();
	if (rc == 0 && ep) {
		aml_endpoint_strip(ep);
		aml_wbuf_init(&w, 1);
		aml_json_write(&w, ep, 0);
		if (aml_wflush(&w) < 0) {
			aml_err("write <stdout>:");
			rc = AML_EXIT_FAIL;
		}
		aml_wbuf_free(&w);
	}
	free((char *)name);
out:
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
