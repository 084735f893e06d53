/* SPDX-License-Identifier: MIT */
/*
 * aml-retrain: run a Batch Execution Service job on a training web
 * service and print its final status, whose Results name the retrained
 * model (.ilearner) for aml-patch-ilearner -b and aml-patch-endpoint -b.
 *
 * The request is checked before anything is sent, because the service
 * silently ignores what it does not know: a misspelt "GolbalParameters"
 * or "ConnetionString" (as in a widely copied sample) is lost without a
 * word, and the job fails much later or not at all.  Then submit,
 * start, and poll with backoff for as long as retraining takes (hours
 * is not unusual), never cancelling the job unless asked to.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "amlnet.h"

#define MAXMODELS 16
#define POLL_CAP_MS 30000L
#define CANCEL_MS 15000L	/* a cancel's own time, past -m if need be */
#define DEFAULT_MAX_MS (24 * 3600 * 1000L)	/* retraining takes hours */

enum {
	OPT_CHECK = AML_OPT_OWN, OPT_INTERVAL, OPT_CANCEL_ON_EXIT
};

static const struct option longopts[] = {
	{ "url", required_argument, NULL, 'U' },
	{ "key-file", required_argument, NULL, 'k' },
	{ "model-output", required_argument, NULL, 'M' },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "job", required_argument, NULL, 'j' },
	{ "no-wait", no_argument, NULL, AML_OPT_NO_WAIT },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "cancel-on-exit", no_argument, NULL, OPT_CANCEL_ON_EXIT },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, 'f' },
	AML_NET_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static const char *url, *keyfile, *jobarg, *outpath, *reqpath, *inname;
static const char *models[MAXMODELS];
static int nmodels, nowait, cancel_on_exit, checkonly, force;
static long interval_ms = 1000;
static char *base, *key;
static char *lasterr;		/* the last transient status failure */

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-retrain [-cfqv] [--no-wait] [--cancel-on-exit] [-U url] [-k key-file]\n"
	    "                   [-M output] [--interval duration] [-m duration] [-o file]\n"
	    "                   [-E ca-bundle] [request.json]\n"
	    "       aml-retrain --check [-cqv] [-M output] [request.json]\n"
	    "       aml-retrain -j job-id [-cfqv] [--no-wait] [--cancel-on-exit] [-U url] [-k key-file]\n"
	    "                   [-m duration] [-o file]\n");
	if (!status) {
		fputs("  -U, --url URL             the training web service (its ApiLocation;\n"
		    "                            default AML_BES_URL)\n"
		    "  -k, --key-file FILE       its API key (default AML_API_KEY, or the file\n"
		    "                            AML_API_KEY_FILE names)\n"
		    "  -M, --model-output NAME   this output is a trained model (.ilearner)\n"
		    "      --check               check the request, send nothing; print what it has\n"
		    "  -j, --job ID              follow a job submitted before\n"
		    "      --no-wait             print the status once the job runs, and exit\n"
		    "      --interval DURATION   first pause between polls (default 1s, doubling\n"
		    "                            to 30s)\n"
		    "      --cancel-on-exit      cancel the job on Ctrl-C or at the time limit\n"
		    "  -o, --output FILE         write the status to FILE, atomically (mode 0600)\n"
		    "  -f, --force               replace FILE if it exists\n", fp);
		aml_net_help(fp, "default 24h");
	}
	exit(status);
}
/* ---- checking the request ------------------------------------------- */

AML_NORETURN static void bad(const char *path, const char *fmt, ...) AML_PRINTF(2, 3);

static void
bad(const char *path, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		aml_die("out of memory");
	va_end(ap);
	aml_diex(AML_EXIT_FAIL, "%s: %s%s%s", inname, path, *path ? ": " : "", m);
}

/* The member names an object may have (matched as the service matches
 * them, ignoring case); a near miss is named. */
static void
members(const struct aml_jdoc *d, uint32_t o, const char *path, const char *const *known)
{
	AML_JOBJ_EACH(d, o, k) {
		char *name = aml_jstrdup(d, k);
		const char *const *p, *near = NULL;

		for (p = known; *p && strcasecmp(*p, name); p++)
			if (aml_edit_distance(*p, name) <= 2)
				near = *p;
		if (!*p)
			bad(path, near ? "%s: unknown member; did you mean %s?" :
			    "%s: unknown member (the service would ignore it)", name, near);
		free(name);
	}
}

static uint32_t
get(const struct aml_jdoc *d, uint32_t o, const char *name)
{
	uint32_t v = aml_jget_ci(d, o, name);

	return v && AML_JTYPE(d, v) != AML_JNULL ? v : 0;
}

static char *
string(const struct aml_jdoc *d, uint32_t o, const char *name, const char *path)
{
	uint32_t v = get(d, o, name);

	if (!v)
		return NULL;
	if (AML_JTYPE(d, v) != AML_JSTRING)
		bad(path, "%s: expected a string, got %s", name, aml_jtypename(AML_JTYPE(d, v)));
	return aml_jstrdup(d, v);
}

/* DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...: the
 * names only are reported, never a value. */
static void
connection_string(const char *cs, const char *path)
{
	static const char *const known[] = {
		"DefaultEndpointsProtocol", "AccountName", "AccountKey", "EndpointSuffix",
		"BlobEndpoint", "QueueEndpoint", "TableEndpoint", "FileEndpoint",
		"SharedAccessSignature", NULL
	};
	char *s = aml_xstrdup(cs), *save = NULL, *kv;
	int name = 0, cred = 0;

	for (kv = strtok_r(s, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(kv, '=');
		const char *const *p, *near = NULL;

		if (!eq || eq == kv)
			bad(path, "ConnectionString: not name=value pairs separated by ';'");
		*eq = '\0';
		for (p = known; *p && strcasecmp(*p, kv); p++)
			if (aml_edit_distance(*p, kv) <= 2)
				near = *p;
		if (!*p)
			bad(path, near ? "ConnectionString: %s: unknown setting; did you mean %s?" :
			    "ConnectionString: %s: unknown setting", kv, near);
		if (!eq[1])
			bad(path, "ConnectionString: %s is empty", kv);
		name |= !strcasecmp(kv, "AccountName");
		cred |= !strcasecmp(kv, "AccountKey") || !strcasecmp(kv, "SharedAccessSignature");
	}
	aml_freesecret(s);
	if (!name || !cred)
		bad(path, "ConnectionString: no %s", !name ? "AccountName" : "AccountKey");
}

static void
sas_token(const char *sas, const char *path)
{
	time_t se;
	char when[32];

	if (!strstr(sas, "sig="))
		bad(path, "SasBlobToken: not a SAS token (no sig)");
	if (aml_sas_expiry(sas, &se) < 0)
		bad(path, "SasBlobToken: no valid expiry time (se)");
	if (se <= time(NULL)) {
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&se));
		bad(path, "SasBlobToken: expired at %s", when);
	}
}

static int
ends(const char *s, const char *ext)
{
	size_t n = strlen(s), e = strlen(ext);

	return n > e && !strcasecmp(s + n - e, ext);
}

/* Outputs named with -M, or without it those whose name
 * says "model" (model, trainedModel, ...). */
static int
is_model(const char *name)
{
	for (int i = 0; i < nmodels; i++)
		if (!strcmp(models[i], name))
			return 1;
	return !nmodels && strcasestr(name, "model");
}

/* A blob reference of Inputs or Outputs. */
static void
blobref(const struct aml_jdoc *d, uint32_t v, const char *path, const char *output)
{
	static const char *const known[] = {
		"ConnectionString", "RelativeLocation", "BaseLocation", "SasBlobToken", NULL
	};
	char *cs, *rel, *baseloc, *sas;

	if (AML_JTYPE(d, v) != AML_JOBJECT)
		bad(path, "expected a blob reference (an object), got %s", aml_jtypename(AML_JTYPE(d, v)));
	members(d, v, path, known);
	cs = string(d, v, "ConnectionString", path);
	rel = string(d, v, "RelativeLocation", path);
	baseloc = string(d, v, "BaseLocation", path);
	sas = string(d, v, "SasBlobToken", path);
	if (!rel || !*rel)
		bad(path, "no RelativeLocation (container/blob)");
	{
		const char *r = rel + strspn(rel, "/"), *slash = strchr(r, '/');

		if (!slash || slash == r || !slash[1])
			bad(path, "RelativeLocation: %s: not container/blob", rel);
	}
	if (cs && *cs)
		connection_string(cs, path);
	else if (!baseloc || !*baseloc || !sas || !*sas)
		bad(path, "needs ConnectionString, or BaseLocation and SasBlobToken");
	if (sas && *sas && !(cs && *cs))
		sas_token(sas, path);
	if (output) {
		if (is_model(output) && !ends(rel, ".ilearner"))
			bad(path, "RelativeLocation: %s: a trained model is written as .ilearner", rel);
		if (!ends(rel, ".ilearner") && !ends(rel, ".csv") && !ends(rel, ".tsv") &&
		    !ends(rel, ".arff"))
			bad(path, "RelativeLocation: %s: an output is a trained model (.ilearner) or a "
			    "data set (.csv, .tsv or .arff)", rel);
	}
	if (cs)
		aml_freesecret(cs);
	if (sas)
		aml_freesecret(sas);
	free(rel);
	free(baseloc);
}

static void
refs(const struct aml_jdoc *d, uint32_t o, const char *what, int outputs)
{
	char *path;

	if (AML_JTYPE(d, o) != AML_JOBJECT)
		bad(what, "expected an object of named blob references, got %s",
		    aml_jtypename(AML_JTYPE(d, o)));
	AML_JOBJ_EACH(d, o, k) {
		char *name = aml_jstrdup(d, k);

		path = aml_xasprintf("%s.%s", what, name);
		if (AML_JTYPE(d, k + 1) != AML_JNULL)
			blobref(d, k + 1, path, outputs ? name : NULL);
		free(path);
		free(name);
	}
}

static void
check(const struct aml_jdoc *d)
{
	static const char *const known[] = {
		"Inputs", "Input", "Outputs", "GlobalParameters", NULL
	};
	uint32_t in, in1, out, g;

	if (AML_JTYPE(d, 0) != AML_JOBJECT)
		bad("", "expected a BatchExecutionRequest (an object), got %s",
		    aml_jtypename(AML_JTYPE(d, 0)));
	members(d, 0, "", known);
	in = get(d, 0, "Inputs");
	in1 = get(d, 0, "Input");
	if (in && in1)
		bad("", "Input and Inputs: give one (the service refuses both)");
	if (in)
		refs(d, in, "Inputs", 0);
	if (in1)
		blobref(d, in1, "Input", NULL);
	if ((out = get(d, 0, "Outputs")))
		refs(d, out, "Outputs", 1);
	for (int i = 0; i < nmodels; i++)
		if (!out || !aml_jget(d, out, models[i]))
			bad("Outputs", "%s: no such output (given with -M)", models[i]);
	if ((g = get(d, 0, "GlobalParameters"))) {
		if (AML_JTYPE(d, g) != AML_JOBJECT)
			bad("GlobalParameters", "expected an object, got %s", aml_jtypename(AML_JTYPE(d, g)));
		AML_JOBJ_EACH(d, g, k)
			if (AML_JTYPE(d, k + 1) == AML_JOBJECT || AML_JTYPE(d, k + 1) == AML_JARRAY) {
				char *name = aml_jstrdup(d, k);

				bad("GlobalParameters", "%s: expected a string, got %s", name,
				    aml_jtypename(AML_JTYPE(d, k + 1)));
			}
	}
}

/* ---- the service ---------------------------------------------------- */

static char *
job_url(const char *id, const char *tail)
{
	return aml_xasprintf("%s/jobs%s%s%s?api-version=2.0", base, id ? "/" : "", id ? id : "",
	    tail ? tail : "");
}

static int
job_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z') || *s == '-'))
			return 0;
	return 1;
}

/* The job id, or NULL with *rc the exit status after the error line. */
static char *
submit(const char *body, size_t len, int *rcp)
{
	struct aml_req q = { 0 };
	struct aml_resp r;
	struct aml_jdoc d;
	struct aml_jerr e;
	char *id = NULL;
	int rc;

	q.method = "POST";
	q.url = job_url(NULL, NULL);
	q.body = body;
	q.len = len;
	/* A refused submission (503 throttling) left nothing behind. */
	q.flags = AML_HTTP_IDEMPOTENT;
	rc = aml_studio_http(key, &q, &r);
	if (rc == 0) {
		if (aml_jparse(&d, r.body, r.len, &e) < 0 || AML_JTYPE(&d, 0) != AML_JSTRING ||
		    !job_id_ok(id = aml_jstrdup(&d, 0))) {
			aml_err("POST %s: the answer is not a job id (a JSON string)", "jobs");
			free(id);
			id = NULL;
		}
		aml_jfree(&d);
	}
	aml_resp_free(&r);
	free((char *)q.url);
	*rcp = rc ? rc : AML_EXIT_FAIL;
	return id;
}

/* GET the status (cut to -m, as every request is): 0 with the body
 * parsed into d and st; else the exit status after the error line.
 * transient: set when the failure may pass (no answer, 408, 429, 5xx),
 * and then nothing is printed. */
static int
status(const char *id, struct aml_resp *r, struct aml_jdoc *d, struct aml_bes_status *st,
    int *transient)
{
	struct aml_req q = { 0 };
	struct aml_jerr e;
	char why[256];
	int rc;

	*transient = 0;
	q.url = job_url(id, NULL);
	q.flags = AML_HTTP_QUIET;
	rc = aml_studio_http(key, &q, r);
	if (rc) {
		char *line = aml_studio_errline(&q, r);

		if (!r->status || r->status == 408 || r->status == 429 || r->status >= 500) {
			*transient = 1;
			free(lasterr);
			lasterr = line;
		} else {
			aml_err("%s", line);
			free(line);
		}
		free((char *)q.url);
		return rc;
	}
	free((char *)q.url);
	if (aml_jparse(d, r->body, r->len, &e) < 0) {
		aml_err("job %s: the status is not JSON: %s", id, e.msg);
		return AML_EXIT_FAIL;
	}
	if (aml_bes_parse(d, 0, st, why, sizeof why) < 0) {
		aml_err("job %s: %s", id, why);
		aml_bes_free(st);
		aml_jfree(d);
		return AML_EXIT_FAIL;
	}
	return 0;
}

static int
cancel(const char *id)
{
	struct aml_req q = { 0 };
	struct aml_resp r;
	int rc;

	q.method = "DELETE";
	q.url = job_url(id, NULL);
	q.flags = AML_HTTP_NORETRY;
	/* At the time limit, the cancel still gets its own few seconds. */
	aml_deadline_set(CANCEL_MS);
	rc = aml_studio_http(key, &q, &r);
	aml_resp_free(&r);
	free((char *)q.url);
	return rc;
}

static int
start(const char *id)
{
	struct aml_req q = { 0 };
	struct aml_resp r, r2;
	struct aml_jdoc d;
	struct aml_jerr e;
	struct aml_bes_status st;
	int rc, transient;

	q.method = "POST";
	q.url = job_url(id, "/start");
	q.flags = AML_HTTP_IDEMPOTENT | AML_HTTP_QUIET;
	rc = aml_studio_http(key, &q, &r);
	/* A start repeated after a lost answer finds the job running. */
	if (rc && r.status == 400 && strstr(r.body, "CannotStartJob") &&
	    status(id, &r2, &d, &st, &transient) == 0) {
		if (st.code != AML_BES_NOTSTARTED)
			rc = 0;
		aml_bes_free(&st);
		aml_jfree(&d);
		aml_resp_free(&r2);
	}
	if (rc) {
		char *line = aml_studio_errline(&q, &r);

		aml_err("%s", line);
		free(line);
	} else if (r.len && aml_jparse(&d, r.body, r.len, &e) < 0) {
		/* The service answers a start with nothing (or JSON); a page
		 * of HTML is a gateway's, and no sign that the job started. */
		char *path = aml_url_path(q.url);

		aml_err("POST %s: HTTP %ld: the answer is not JSON (%s); job %s may not have started",
		    path, r.status, e.msg, id);
		free(path);
		rc = AML_EXIT_FAIL;
	} else if (r.len) {
		aml_jfree(&d);
	}
	aml_resp_free(&r);
	free((char *)q.url);
	return rc;
}

/* ---- waiting -------------------------------------------------------- */

static void
progress(const char *id, int code, time_t t0)
{
	long s = (long)(time(NULL) - t0);

	aml_progress("job %s %s %ldm%02lds", id, aml_bes_codename(code), s / 60, s % 60);
}

/* Ctrl-C (or SIGTERM, SIGHUP): cancel when asked, then die of it. */
AML_NORETURN static void
interrupted(const char *id)
{
	int sig = aml_signalled;

	aml_progress_clear();
	if (cancel_on_exit) {
		aml_signalled = 0;
		if (cancel(id) == 0)
			aml_err("interrupted; job %s cancelled", id);
		aml_signalled = sig;
	} else {
		aml_err("interrupted; job %s goes on (follow it with aml-retrain -j %s)", id, id);
	}
	aml_resignal();
	exit(AML_EXIT_FAIL);
}

static int
print(const struct aml_jdoc *d, const char *id)
{
	struct aml_out out;
	struct aml_jw jw;
	int rc;

	aml_out_open(&out, outpath, 0600, force);
	aml_jw_init(&jw, &out.w, AML_JW_ONE);
	aml_jw_open(&jw, '{');
	AML_JOBJ_EACH(d, 0, k) {
		if (aml_jkeyeq(d, k, "JobId"))
			continue;
		aml_jw_rawkey(&jw, d->buf + d->tok[k].off, d->tok[k].len);
		aml_jw_tok(&jw, d, k + 1);
	}
	aml_jw_key(&jw, "JobId");
	aml_jw_str(&jw, id);
	aml_jw_close(&jw, '}');
	aml_wputc(&out.w, '\n');
	rc = aml_out_close(&out);
	return rc;
}

/* The time limit is reached with the job not done: say so, and cancel
 * it when asked to. */
static int
timed_out(const char *id, int unread)
{
	char why[512], dur[32];

	aml_progress_clear();
	aml_fmt_duration(dur, sizeof dur, aml_deadline_limit());
	/* Say "running" only when the last status said so. */
	if (unread && lasterr && !strstr(lasterr, "time limit"))
		snprintf(why, sizeof why, "no status within the time limit (-m %s; %s)", dur, lasterr);
	else if (unread)
		snprintf(why, sizeof why, "no status within the time limit (-m %s)", dur);
	else
		snprintf(why, sizeof why, "still running at the time limit (-m %s)", dur);
	if (cancel_on_exit) {
		if (cancel(id) == 0)
			aml_err("job %s %s; cancelled", id, why);
	} else {
		aml_err("job %s %s; it goes on (follow it with aml-retrain -j %s)", id, why, id);
	}
	return AML_EXIT_FAIL;
}

/* A job that ended without finishing. */
static int
ended(const char *id, const struct aml_bes_status *st)
{
	const char *det = st->details ? st->details : "no details";
	char *red;

	aml_progress_clear();
	if (st->code == AML_BES_CANCELLED) {
		aml_err("job %s was cancelled", id);
		return AML_EXIT_FAIL;
	}
	red = aml_redact(det, strlen(det));
	for (char *p = red; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	aml_err("job %s failed: %.500s", id, red);
	free(red);
	return AML_EXIT_FAIL;
}

/* Poll until the job ends, or runs with --no-wait, pausing by the one
 * backoff (--interval doubling to 30 s), all within -m: a status that
 * does not come cannot hold the program past it either, since every
 * request is cut to what is left. */
static int
follow(const char *id)
{
	struct aml_backoff b;
	struct aml_resp r;
	struct aml_jdoc d;
	struct aml_bes_status st;
	time_t t0 = time(NULL);
	int rc, transient, unread = 0;
	long ms;

	aml_backoff_init(&b, interval_ms, interval_ms > POLL_CAP_MS ? interval_ms : POLL_CAP_MS, 0);
	for (;;) {
		rc = status(id, &r, &d, &st, &transient);
		if (aml_signalled)
			interrupted(id);
		if (rc && !transient) {
			aml_progress_clear();
			aml_resp_free(&r);
			return rc;
		}
		if ((unread = rc != 0)) {
			aml_progress_clear();
			if (aml_deadline_left() > 0)
				aml_warn("%s; still polling", lasterr);
		} else if (st.code == AML_BES_FINISHED || (nowait && st.code == AML_BES_RUNNING)) {
			aml_progress_clear();
			rc = print(&d, id);
			break;
		} else if (st.code == AML_BES_FAILED || st.code == AML_BES_CANCELLED) {
			rc = ended(id, &st);
			break;
		} else {
			progress(id, st.code, t0);
		}
		if (!unread) {
			aml_bes_free(&st);
			aml_jfree(&d);
		}
		aml_resp_free(&r);
		if ((ms = aml_backoff_next(&b, -1)) < 0)
			return timed_out(id, unread);
		if (aml_sleep_ms(ms) < 0)
			interrupted(id);
	}
	aml_bes_free(&st);
	aml_jfree(&d);
	aml_resp_free(&r);
	return rc;
}

/* ---- --check -------------------------------------------------------- */

/* The names of an object's members, as a JSON array. */
static cJSON *
names(const struct aml_jdoc *d, uint32_t o)
{
	cJSON *a = cJSON_CreateArray();
	char *n;

	if (o && AML_JTYPE(d, o) == AML_JOBJECT)
		AML_JOBJ_EACH(d, o, k) {
			n = aml_jstrdup(d, k);
			cJSON_AddItemToArray(a, cJSON_CreateString(n));
			free(n);
		}
	return a;
}

/* The outputs that are trained models: those -M names, else those
 * written as .ilearner. */
static cJSON *
model_outputs(const struct aml_jdoc *d, uint32_t out)
{
	cJSON *a = cJSON_CreateArray();
	uint32_t rel;
	char *n, *r;

	if (out && AML_JTYPE(d, out) == AML_JOBJECT)
		AML_JOBJ_EACH(d, out, k) {
			n = aml_jstrdup(d, k);
			rel = AML_JTYPE(d, k + 1) == AML_JOBJECT ? get(d, k + 1, "RelativeLocation") : 0;
			r = rel && AML_JTYPE(d, rel) == AML_JSTRING ? aml_jstrdup(d, rel) : NULL;
			if (nmodels ? is_model(n) : r && ends(r, ".ilearner"))
				cJSON_AddItemToArray(a, cJSON_CreateString(n));
			free(n);
			free(r);
		}
	return a;
}

/* What a checked request holds, by name only (no location, no key):
 * what --check did, for the log of a script. */
static int
summary(const struct aml_jdoc *d)
{
	cJSON *o = cJSON_CreateObject();
	uint32_t out = get(d, 0, "Outputs");
	struct aml_wbuf w;
	int rc;

	cJSON_AddStringToObject(o, "checked", inname);
	if (get(d, 0, "Input")) {
		cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "inputs"), cJSON_CreateString("Input"));
	} else {
		cJSON_AddItemToObject(o, "inputs", names(d, get(d, 0, "Inputs")));
	}
	cJSON_AddItemToObject(o, "outputs", names(d, out));
	cJSON_AddItemToObject(o, "modelOutputs", model_outputs(d, out));
	cJSON_AddItemToObject(o, "globalParameters", names(d, get(d, 0, "GlobalParameters")));
	aml_wbuf_init(&w, 1);
	aml_json_write(&w, o, AML_JW_ONE);
	cJSON_Delete(o);
	rc = aml_wflush(&w) < 0 ? (aml_err("write <stdout>:"), AML_EXIT_FAIL) : 0;
	aml_wbuf_free(&w);
	return rc;
}

/* ---- the command line ----------------------------------------------- */

static void
options(int argc, char **argv)
{
	int c;
	long ms;

	/* Retraining takes hours: without -m, a day. */
	aml_deadline_set(DEFAULT_MAX_MS);
	while ((c = getopt_long(argc, argv, "U:k:M:j:o:f" AML_NET_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'U': url = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'M':
			if (nmodels == MAXMODELS) {
				aml_err("-M: at most %d", MAXMODELS);
				usage(AML_EXIT_USAGE);
			}
			models[nmodels++] = optarg;
			break;
		case OPT_CHECK: checkonly = 1; break;
		case 'j': jobarg = optarg; break;
		case AML_OPT_NO_WAIT: nowait = 1; break;
		case OPT_INTERVAL:
			if (aml_duration_opt("--interval", optarg, &ms) < 0)
				usage(AML_EXIT_USAGE);
			if (ms < 10 || ms > 3600 * 1000L) {
				aml_err("--interval %s: from 0.01s to 1h", optarg);
				usage(AML_EXIT_USAGE);
			}
			interval_ms = ms;
			break;
		case OPT_CANCEL_ON_EXIT: cancel_on_exit = 1; break;
		case 'o': outpath = optarg; break;
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
	if (argc > 1 || (jobarg && (argc || checkonly || nmodels)))
		usage(AML_EXIT_USAGE);
	if (argc == 1)
		reqpath = argv[0];
	if (jobarg && !job_id_ok(jobarg)) {
		aml_err("-j %s: not a job id", jobarg);
		usage(AML_EXIT_USAGE);
	}
	/* Before the request is read: a job cannot go anywhere without. */
	if (!checkonly && !url && !(url = getenv("AML_BES_URL"))) {
		aml_err("-U or AML_BES_URL is required (the training web service)");
		usage(AML_EXIT_USAGE);
	}
	if (!jobarg && (!reqpath || !strcmp(reqpath, "-")) && isatty(0))
		usage(AML_EXIT_USAGE);
}

/* The service's base URL and its key; exits on failure. */
static void
service(void)
{
	static const char *const keyvars[] = { "AML_API_KEY", NULL };
	const char *why;

	aml_argv_secret("-U", url, "give the service's URL without it; keys go in -k or AML_API_KEY");
	if (!(base = aml_studio_base(url, &why)))
		aml_diex(AML_EXIT_USAGE, "-U %s: %s", url, why);
	if (aml_secret_get(keyfile, keyvars, "-k", &key) < 0)
		exit(AML_EXIT_FAIL);
	if (!key)
		aml_diex(AML_EXIT_AUTH, "-k or AML_API_KEY is required (the API key; or AML_API_KEY_FILE)");
}

/* Submit and start the request's job, or take -j's: the job id. */
static char *
job(char *buf, size_t len, int *rc)
{
	char *id;

	if (jobarg)
		return aml_xstrdup(jobarg);
	id = submit(buf, len, rc);
	aml_wipe(buf, len);
	if (id && aml_verbose)
		fprintf(stderr, "* job %s submitted\n", id);
	if (id && (*rc = start(id)) != 0) {
		free(id);
		id = NULL;
	}
	return id;
}

int
main(int argc, char **argv)
{
	struct aml_jdoc d;
	char *buf = NULL, *id = NULL;
	size_t len = 0;
	int rc = AML_EXIT_FAIL;

	aml_setprog(&argv[0]);
	options(argc, argv);
	if (!jobarg) {
		inname = aml_inname(reqpath);
		buf = aml_jload(reqpath, &d, &len);
		check(&d);
		if (checkonly) {
			rc = summary(&d);
			aml_jfree(&d);
			aml_freesecret(buf);
			return rc;
		}
		aml_jfree(&d);
	}
	service();
	aml_catch_signals();
	if ((id = job(buf, len, &rc)) != NULL) {
		if (aml_signalled)
			interrupted(id);
		rc = follow(id);
	}
	free(id);
	free(buf);
	free(base);
	free(lasterr);
	aml_freesecret(key);
	return rc;
}
