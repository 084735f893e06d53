/* SPDX-License-Identifier: MIT */
/*
 * aml-run-job: submit an Azure Machine Learning command job and follow it
 * to its end (az ml job create --stream; New-AzMLWorkspaceJob): the job in
 * JSON (a JobBaseResource, {"properties": {"jobType": "Command", ...}}),
 * the final job out, exit 0 only when it Completed.  -j follows a job
 * submitted before.
 *
 * The job's name is -n, else made here, unique: its experiment's name,
 * the time in UTC and random digits (retrain-20240501-123456-3f9a0c), since
 * a PUT to a name that is taken does not run anything (the service only
 * replaces the old job's tags).  For the same reason a name given with -n
 * is looked up first.  A job printed before may be given again: what the
 * service wrote into it (id, name, status, ...) is dropped.
 *
 * The status is polled with pauses that grow to half a minute; on a
 * terminal a progress line shows it.  Ctrl-C cancels a job this program
 * submitted (POST cancel, followed until the job is Canceled) and then
 * dies of the signal; a job it only follows (-j) goes on.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "amlnet.h"

#define POLL_CAP_MS 30000L

static const struct option longopts[] = {
	AML_ML_LONGOPTS,
	{ "name", required_argument, NULL, 'n' },
	{ "job", required_argument, NULL, 'j' },
	{ "no-wait", no_argument, NULL, AML_OPT_NO_WAIT },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 }
};

static int nowait, force;
static const char *outpath, *jobpath, *jobarg, *namearg;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-run-job [-cfqv] [--no-wait] -g group -w workspace [-n name] [-o file]\n"
	    "                   [-s subscription] [-m duration] [-E ca-bundle] [job.json]\n"
	    "       aml-run-job [-cfqv] -g group -w workspace -j name [-o file] [-m duration]\n");
	if (!status) {
		fputs("  -n, --name NAME           the new job's name (default: made unique)\n"
		    "  -j, --job NAME            follow this job, submitted before\n"
		    "      --no-wait             print the job once submitted, and exit\n"
		    "  -o, --output FILE         write the final job to FILE (atomically)\n"
		    "  -f, --force               replace FILE if it exists\n", fp);
		aml_ml_help(fp);
	}
	exit(status);
}

static char *
job_url(const struct aml_ml *ml, const char *name, const char *suffix)
{
	const char *segs[] = { "jobs", name, NULL };

	return aml_ml_url(ml, segs, suffix, NULL);
}

/* ---- the job to submit ---------------------------------------------- */

static cJSON *
object(cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsObject(v) ? v : NULL;
}

/* The job from path as a PUT body: a JobBaseResource (a bare JobBase is
 * wrapped), without what the service writes. */
static cJSON *
read_job(const char *path)
{
	static const char *const ro[] = { "status", "parameters", "error" };
	const char *name = aml_inname(path);
	struct aml_jdoc d;
	struct aml_jerr e;
	cJSON *j, *p, *s, *svc;
	size_t len;
	char *buf;

	buf = aml_jload(path, &d, &len);
	aml_jfree(&d);
	if (!(j = aml_json_parse(buf, len, &e)))
		aml_die("%s: %s", name, e.msg);
	free(buf);
	if (!cJSON_IsObject(j))
		aml_diex(AML_EXIT_FAIL, "%s: expected a job (an object)", name);
	/* A JobBase has a "properties" of its own (a string map): its
	 * jobType tells it from a resource. */
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "jobType"))) {
		p = j;
		j = cJSON_CreateObject();
		cJSON_AddItemToObject(j, "properties", p);
	}
	if (!(p = object(j, "properties")) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(p,
	    "jobType")))
		aml_diex(AML_EXIT_FAIL, "%s: properties.jobType: required (a command job is "
		    "{\"properties\": {\"jobType\": \"Command\", \"command\": ..., "
		    "\"environmentId\": ...}})", name);
	cJSON_DeleteItemFromObjectCaseSensitive(j, "id");
	cJSON_DeleteItemFromObjectCaseSensitive(j, "name");
	cJSON_DeleteItemFromObjectCaseSensitive(j, "type");
	cJSON_DeleteItemFromObjectCaseSensitive(j, "systemData");
	for (size_t i = 0; i < sizeof ro / sizeof *ro; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(p, ro[i]);
	if ((svc = object(p, "services")))
		cJSON_ArrayForEach(s, svc)
			if (cJSON_IsObject(s)) {
				cJSON_DeleteItemFromObjectCaseSensitive(s, "status");
				cJSON_DeleteItemFromObjectCaseSensitive(s, "errorMessage");
			}
	return j;
}

/* EXPERIMENT-YYYYMMDD-HHMMSS-XXXX, in the characters a job name takes. */
static char *
make_name(const cJSON *job)
{
	const char *exp = aml_json_str(object((cJSON *)job, "properties"), "experimentName");
	char stamp[32], id[37], base[65];
	time_t now = time(NULL);
	struct tm tm;
	size_t n = 0;

	for (const char *p = exp ? exp : ""; *p && n < sizeof base - 1; p++)
		base[n++] = (isalnum((unsigned char)*p) || *p == '_' || *p == '-') ? *p : '-';
	base[n] = '\0';
	if (!n || !isalnum((unsigned char)base[0]))
		snprintf(base, sizeof base, "job");
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	aml_uuid(id);
	return aml_xasprintf("%s-%s-%.6s", base, stamp, id);
}

/* -n NAME: that no job has it (a PUT would change only its tags). */
static int
name_free(const struct aml_ml *ml, const char *name)
{
	char *url = job_url(ml, name, NULL);
	struct aml_resp r;
	struct aml_jdoc d;
	int rc;

	rc = aml_ml_lookup(ml, url, &r, &d);
	if (rc == 0) {
		aml_err("job %s exists; nothing sent (follow it with aml-run-job -j %s, or choose "
		    "another -n)", name, name);
		rc = AML_EXIT_FAIL;
	} else if (rc == AML_ML_ABSENT) {
		rc = 0;
	}
	aml_jfree(&d);
	aml_resp_free(&r);
	free(url);
	return rc;
}

static int
submit(const struct aml_ml *ml, const char *name, const cJSON *job, struct aml_wbuf *out)
{
	char *url = job_url(ml, name, NULL), *body = aml_json_print(job, 0);
	struct aml_resp r;
	struct aml_jdoc d = { 0 };
	int rc;

	rc = aml_arm_call(&ml->rs, "PUT", url, body, strlen(body), 0, &r);
	if (rc == 0 && (rc = aml_ml_answer(ml, "PUT", url, &r, &d)) == 0 && r.status != 201) {
		aml_err("job %s: the name was taken meanwhile (HTTP %ld, not 201); the service kept "
		    "the other job and ran nothing", name, r.status);
		rc = AML_EXIT_FAIL;
	}
	if (rc == 0 && out)
		aml_jw_doc(out, &d, 0, AML_JW_ONE);
	if (rc == 0 && aml_verbose)
		fprintf(stderr, "* job %s submitted\n", name);
	aml_jfree(&d);
	aml_resp_free(&r);
	free(body);
	free(url);
	return rc;
}

/* ---- following it --------------------------------------------------- */

static long
poll_base_ms(void)
{
	const char *s = getenv("AML_POLL_MS");
	long v = s && *s ? strtol(s, NULL, 10) : 0;

	return v >= 1 && v <= 600000 ? v : 1000;
}

/* Ctrl-C: cancel the job this program submitted, follow the cancel to
 * its end, then die of the signal. */
AML_NORETURN static void
interrupted(const struct aml_ml *ml, const char *name, int ours)
{
	int sig = aml_signalled, rc;
	char *url;

	aml_progress_clear();
	if (!ours) {
		aml_err("interrupted; job %s goes on (follow it with %s)", name, ml->rs.check);
	} else {
		/* The cancel itself must not be cut short by the signal that
		 * asked for it; a second one still does. */
		aml_signalled = 0;
		url = job_url(ml, name, "/cancel");
		rc = aml_lro_run(&ml->rs, "POST", url, NULL, 0, "canceling", 0, NULL);
		free(url);
		if (rc == 0)
			aml_err("interrupted; job %s canceled", name);
		if (!aml_signalled)
			aml_signalled = sig;
	}
	aml_resignal();
	exit(AML_EXIT_FAIL);
}

/* The job's error, for the line that says it failed. */
static char *
why_failed(const struct aml_jdoc *d)
{
	uint32_t p = aml_jget(d, 0, "properties"), e = 0, m = 0;

	if (p && AML_JTYPE(d, p) == AML_JOBJECT && (e = aml_jget(d, p, "error")) &&
	    AML_JTYPE(d, e) == AML_JOBJECT && (!(m = aml_jget(d, e, "message")) ||
	    AML_JTYPE(d, m) != AML_JSTRING))
		m = aml_jget(d, e, "code");
	if (m && AML_JTYPE(d, m) == AML_JSTRING) {
		char *s = aml_jstrdup(d, m), *red = aml_redact(s, strlen(s));

		free(s);
		for (char *c = red; *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
		return red;
	}
	return NULL;
}

static int
time_limit(const struct aml_ml *ml, const char *name, const char *status)
{
	char dur[32];

	aml_progress_clear();
	aml_fmt_duration(dur, sizeof dur, aml_deadline_limit());
	aml_err("job %s still %s at the time limit (-m %s); it goes on: follow it with %s", name,
	    *status ? status : "unknown", dur, ml->rs.check);
	return AML_EXIT_FAIL;
}

/* One look at the job: its status into status; 0 or the exit status. */
static int
look(const struct aml_ml *ml, const char *url, struct aml_resp *r, struct aml_jdoc *d,
    char *status, size_t n)
{
	uint32_t p, s = 0;
	int rc;

	if ((rc = aml_ml_get(ml, url, AML_HTTP_QUIET, r, d)) != 0)
		return rc;
	p = aml_jget(d, 0, "properties");
	if (p && AML_JTYPE(d, p) == AML_JOBJECT)
		s = aml_jget(d, p, "status");
	if (!s || AML_JTYPE(d, s) != AML_JSTRING) {
		aml_err("job %s: the answer has no properties.status", ml->rs.label);
		return AML_EXIT_FAIL;
	}
	aml_jstr(d, s, status, n);
	return 0;
}

static int
follow(const struct aml_ml *ml, const char *name, int ours)
{
	char *url = job_url(ml, name, NULL), status[64] = "", *why;
	struct aml_req q = { .method = "GET", .url = url };
	struct aml_backoff b;
	struct aml_resp r;
	struct aml_jdoc d;
	int64_t t0 = aml_now_ms();
	long ms, s;
	int rc, seen = 0;

	aml_backoff_init(&b, poll_base_ms(), POLL_CAP_MS, 1);
	for (;;) {
		rc = look(ml, url, &r, &d, status, sizeof status);
		if (aml_signalled) {
			aml_jfree(&d);
			aml_resp_free(&r);
			free(url);
			interrupted(ml, name, ours);
		}
		if (rc && r.deadline) {
			/* -m ran out during the poll: the same news as between polls. */
			aml_jfree(&d);
			aml_resp_free(&r);
			free(url);
			return time_limit(ml, name, status);
		}
		if (rc) {
			aml_progress_clear();
			/* A 2xx that was no job has been said already. */
			if (r.status / 100 != 2 && (r.status || r.err[0])) {
				why = aml_http_errline(&q, &r);
				/* "It goes on" only of a job known to be there. */
				if (r.status == 404 || r.status == 401 || r.status == 403 ||
				    (!ours && !seen))
					aml_err("%s", why);
				else
					aml_err("%s; the job goes on: follow it with %s", why,
					    ml->rs.check);
				free(why);
			}
			break;
		}
		seen = 1;
		if (!strcmp(status, "Completed")) {
			aml_progress_clear();
			rc = aml_ml_print(&d, 0, outpath, 0644, force);
			break;
		}
		if (!strcmp(status, "Failed") || !strcmp(status, "Canceled")) {
			aml_progress_clear();
			why = why_failed(&d);
			aml_err("job %s %s%s%s", name, status, why ? ": " : "", why ? why : "");
			free(why);
			rc = AML_EXIT_FAIL;
			break;
		}
		s = (long)((aml_now_ms() - t0) / 1000);
		aml_progress("job %s %s %ldm%02lds", name, status, s / 60, s % 60);
		aml_jfree(&d);
		aml_resp_free(&r);
		if ((ms = aml_backoff_next(&b, -1)) < 0) {
			free(url);
			return time_limit(ml, name, status);
		}
		if (aml_sleep_ms(ms) < 0) {
			free(url);
			interrupted(ml, name, ours);
		}
	}
	aml_jfree(&d);
	aml_resp_free(&r);
	free(url);
	return rc;
}

static void
options(int argc, char **argv, struct aml_ml *ml)
{
	int c, rc;

	aml_ml_init(ml);
	while ((c = getopt_long(argc, argv, AML_ML_SHORTOPTS "n:j:o:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': namearg = optarg; break;
		case 'j': jobarg = optarg; break;
		case AML_OPT_NO_WAIT: nowait = 1; break;
		case 'o': outpath = optarg; break;
		case 'f': force = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ml_opt(ml, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || (jobarg && (argc || namearg || nowait))) {
		if (jobarg && (argc || namearg || nowait))
			aml_err("-j follows a job: no job file, -n or --no-wait with it");
		usage(AML_EXIT_USAGE);
	}
	if (argc == 1)
		jobpath = argv[0];
	if (!jobarg && (!jobpath || !strcmp(jobpath, "-")) && isatty(0))
		usage(AML_EXIT_USAGE);
	if (namearg && aml_ml_name_ok("-n", namearg) < 0)
		usage(AML_EXIT_USAGE);
	if (jobarg && !*jobarg) {
		aml_err("-j: empty");
		usage(AML_EXIT_USAGE);
	}
	if ((rc = aml_ml_setup(ml, 0)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
}

int
main(int argc, char **argv)
{
	struct aml_wbuf out;
	struct aml_ml ml;
	cJSON *job = NULL;
	char *name, *more;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv, &ml);
	if (aml_ml_out_check(outpath, force) < 0) {
		aml_ml_free(&ml);
		return AML_EXIT_FAIL;
	}
	if (!jobarg)
		job = read_job(jobpath);
	name = jobarg ? aml_xstrdup(jobarg) : namearg ? aml_xstrdup(namearg) : make_name(job);
	free(ml.rs.label);
	ml.rs.label = aml_xasprintf("job %s", name);
	more = aml_xasprintf(" -j %s", name);
	aml_ml_check(&ml, "aml-run-job", more);
	free(more);

	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	if (jobarg) {
		rc = follow(&ml, name, 0);
	} else if ((!namearg || (rc = name_free(&ml, name)) == 0) &&
	    (rc = submit(&ml, name, job, nowait ? &out : NULL)) == 0) {
		if (aml_signalled)
			interrupted(&ml, name, 1);
		if (nowait) {
			struct aml_out o;

			aml_out_open(&o, outpath, 0644, force);
			aml_wput(&o.w, out.buf, out.len);
			rc = aml_out_close(&o);
		} else {
			rc = follow(&ml, name, 1);
		}
	}
	aml_wbuf_free(&out);
	cJSON_Delete(job);
	free(name);
	aml_ml_free(&ml);
	aml_resignal();
	return rc;
}
