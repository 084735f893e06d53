/* SPDX-License-Identifier: MIT */
/*
 * aml-new-model: register the next version of a model in an Azure
 * Machine Learning workspace (New-AzMLWorkspaceModelVersion, az ml model
 * create): from what a finished job wrote (-j, its output
 * azureml://jobs/JOB/outputs/OUTPUT) or from a URI (-u), and print the
 * model version, which aml-patch-model -b takes.
 *
 * -j takes the job's name or a file that holds the job (what aml-run-job
 * printed); either way the job is read from the workspace, so that its
 * status is today's: it must have Completed.  Its output is the one
 * --job-output names, else the one of a model type, else the only one.
 * The version is --model-version, else the model's nextVersion (1 for a
 * new model); a version that exists is never replaced, since the service
 * treats versions as immutable.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amlnet.h"

enum { OPT_OUTPUT = AML_OPT_OWN, OPT_VERSION, OPT_TYPE, OPT_DESCRIPTION };

static const struct option longopts[] = {
	AML_ML_LONGOPTS,
	{ "name", required_argument, NULL, 'n' },
	{ "job", required_argument, NULL, 'j' },
	{ "uri", required_argument, NULL, 'u' },
	{ "job-output", required_argument, NULL, OPT_OUTPUT },
	{ "model-version", required_argument, NULL, OPT_VERSION },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "description", required_argument, NULL, OPT_DESCRIPTION },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 }
};

static const char *model, *jobarg, *uriarg, *outname, *version, *type, *description, *outpath;
static int force;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-new-model [-cfqv] -g group -w workspace -n model (-j job [--job-output name]\n"
	    "                     | -u uri) [--model-version v] [--type type] [--description text]\n"
	    "                     [-s subscription] [-o file] [-m duration] [-E ca-bundle]\n");
	if (!status) {
		fputs("  -n, --name MODEL          the model\n"
		    "  -j, --job JOB|FILE        the finished job whose output is the model (its name,\n"
		    "                            or a file holding it, such as aml-run-job's output)\n"
		    "      --job-output NAME     that output (default: the one of a model type, else\n"
		    "                            the only one; \"artifacts\" is the job's own)\n"
		    "  -u, --uri URI             the model's files instead (azureml://datastores/...,\n"
		    "                            azureml://jobs/..., a blob URL)\n"
		    "      --model-version V     the version (default: the model's next, 1 when new)\n"
		    "      --type TYPE           custom_model (default), mlflow_model, triton_model\n"
		    "      --description TEXT    what it is\n"
		    "  -o, --output FILE         write it to FILE (atomically)\n"
		    "  -f, --force               replace FILE if it exists\n", fp);
		aml_ml_help(fp);
	}
	exit(status);
}

#define RACES 8		/* lost to other registrations, then give up */

static const char *const modeltypes[] = { "custom_model", "mlflow_model", "triton_model", NULL };

static int
is_model_type(const char *s)
{
	for (size_t i = 0; modeltypes[i]; i++)
		if (s && !strcmp(s, modeltypes[i]))
			return 1;
	return 0;
}

/* The job's name: -j itself, or the name in the file it names. */
static char *
job_name(void)
{
	const char *file = aml_inname(jobarg);
	struct aml_jdoc d;
	uint32_t v;
	char *buf, *name = NULL;

	if (strcmp(jobarg, "-") && !strchr(jobarg, '/') && !strchr(jobarg, '.') &&
	    access(jobarg, F_OK) < 0)
		return aml_xstrdup(jobarg);
	buf = aml_jload(jobarg, &d, NULL);
	if (AML_JTYPE(&d, 0) == AML_JOBJECT && (v = aml_jget(&d, 0, "name")) &&
	    AML_JTYPE(&d, v) == AML_JSTRING)
		name = aml_jstrdup(&d, v);
	else
		aml_err("%s: not a job (aml-run-job's output): it has no name", file);
	aml_jfree(&d);
	free(buf);
	return name;
}

/* The job's chosen output: its name and type (borrowed from d). */
static int
pick_output(const char *job, const struct aml_jdoc *d, uint32_t outs, char **out, char **otype)
{
	struct aml_wbuf w;
	uint32_t one = 0, typed = 0, t;
	int n = 0, ntyped = 0;
	char *list;

	*out = *otype = NULL;
	if (outname && !strcmp(outname, "artifacts")) {
		*out = aml_xstrdup(outname);
		return 0;
	}
	aml_wbuf_init(&w, -1);
	if (outs && AML_JTYPE(d, outs) == AML_JOBJECT)
		AML_JOBJ_EACH(d, outs, k) {
			char *name = aml_jstrdup(d, k);

			aml_wprintf(&w, "%s%s", n ? ", " : "", name);
			n++;
			one = k;
			t = AML_JTYPE(d, k + 1) == AML_JOBJECT ? aml_jget(d, k + 1, "jobOutputType") : 0;
			if (t && AML_JTYPE(d, t) == AML_JSTRING) {
				char *ts = aml_jstrdup(d, t);

				if (is_model_type(ts))
					typed = k, ntyped++;
				free(ts);
			}
			if (outname && !strcmp(name, outname))
				*out = aml_xstrdup(name);
			free(name);
		}
	list = aml_wbuf_take(&w);
	if (outname && !*out)
		aml_err("job %s has no output %s (it has %s%s)", job, outname, n ? list : "none",
		    n ? "; or artifacts, its own" : "");
	else if (!outname && !n)
		aml_err("job %s has no outputs; --job-output artifacts takes its own", job);
	else if (!outname && ntyped != 1 && n != 1)
		aml_err("job %s has outputs %s: choose one with --job-output", job, list);
	else if (!outname)
		*out = aml_jstrdup(d, ntyped == 1 ? typed : one);
	free(list);
	if (*out && outs && AML_JTYPE(d, outs) == AML_JOBJECT &&
	    (t = aml_jget(d, outs, *out)) && AML_JTYPE(d, t) == AML_JOBJECT &&
	    (t = aml_jget(d, t, "jobOutputType")) && AML_JTYPE(d, t) == AML_JSTRING)
		*otype = aml_jstrdup(d, t);
	return *out ? 0 : AML_EXIT_FAIL;
}

/* From the job: modelUri, the model's type (from the output's) and the
 * job's name. */
static int
from_job(const struct aml_ml *ml, char **uri, char **mtype, char **job)
{
	struct aml_resp r;
	struct aml_jdoc d;
	uint32_t p, st;
	char *url, *out = NULL, *otype = NULL, status[64] = "";
	const char *segs[3] = { "jobs", NULL, NULL };
	int rc;

	if (!(*job = job_name()))
		return AML_EXIT_FAIL;
	segs[1] = *job;
	url = aml_ml_url(ml, segs, NULL, NULL);
	if ((rc = aml_ml_get(ml, url, 0, &r, &d)) == 0) {
		p = aml_jget(&d, 0, "properties");
		if (p && AML_JTYPE(&d, p) == AML_JOBJECT && (st = aml_jget(&d, p, "status")) &&
		    AML_JTYPE(&d, st) == AML_JSTRING)
			aml_jstr(&d, st, status, sizeof status);
		if (strcmp(status, "Completed")) {
			aml_err("job %s is %s, not Completed: register its model once it has "
			    "(aml-run-job -j %s waits for it)", *job, *status ? status : "of no status",
			    *job);
			rc = AML_EXIT_FAIL;
		} else if ((rc = pick_output(*job, &d, aml_jget(&d, p, "outputs"), &out, &otype)) == 0) {
			*uri = !strcmp(out, "artifacts") ?
			    aml_xasprintf("azureml://jobs/%s/outputs/artifacts/paths/model/", *job) :
			    aml_xasprintf("azureml://jobs/%s/outputs/%s", *job, out);
			*mtype = aml_xstrdup(type ? type : is_model_type(otype) ? otype : "custom_model");
		}
	}
	free(out);
	free(otype);
	aml_jfree(&d);
	aml_resp_free(&r);
	free(url);
	return rc;
}

/* The version to make: --model-version, else the model's nextVersion
 * (one more than its largest, when it says none), else 1. */
static int
next_version(const struct aml_ml *ml, char **v)
{
	const char *segs[] = { "models", model, NULL };
	char *url = aml_ml_url(ml, segs, NULL, NULL);
	struct aml_resp r;
	struct aml_jdoc d;
	uint32_t p, n = 0;
	int rc;

	rc = aml_ml_lookup(ml, url, &r, &d);
	if (rc == AML_ML_ABSENT) {
		*v = aml_xstrdup("1");
		rc = 0;
	} else if (rc == 0) {
		p = aml_jget(&d, 0, "properties");
		if (p && AML_JTYPE(&d, p) == AML_JOBJECT && !(n = aml_jget(&d, p, "nextVersion")))
			n = aml_jget(&d, p, "latestVersion");
		if (n && AML_JTYPE(&d, n) == AML_JSTRING) {
			*v = aml_jstrdup(&d, n);
		} else if (n && AML_JTYPE(&d, n) == AML_JNUMBER) {
			*v = aml_xstrndup(d.buf + d.tok[n].off, d.tok[n].len);
		} else {
			aml_err("model %s: the workspace says no nextVersion; give --model-version",
			    model);
			rc = AML_EXIT_FAIL;
		}
		if (rc == 0 && n == aml_jget(&d, p, "latestVersion")) {
			/* Only the latest: the next is one more, if it is a number. */
			char *end;
			long x = strtol(*v, &end, 10);

			free(*v);
			*v = NULL;
			if (*end || x < 0) {
				aml_err("model %s: its latest version is not a number; give "
				    "--model-version", model);
				rc = AML_EXIT_FAIL;
			} else {
				*v = aml_xasprintf("%ld", x + 1);
			}
		}
	}
	aml_jfree(&d);
	aml_resp_free(&r);
	free(url);
	return rc;
}

/* A PUT's failure, said as aml_arm_call says it (the PUT was quiet, so
 * that one refused because the version was taken meanwhile could be
 * told apart first). */
static void
say_failure(const struct aml_ml *ml, const char *url, const struct aml_resp *r)
{
	struct aml_req q = { .method = "PUT", .url = url };
	char *line;

	if (!r->status && !r->err[0])
		return;		/* the sign-in said why */
	line = aml_http_errline(&q, r);
	if (!r->status && r->sent && !aml_signalled)
		aml_err("%s; the request reached the server, so it may have taken effect: check "
		    "with %s", line, ml->rs.check);
	else
		aml_err("%s", line);
	free(line);
}

/* Whether version v is there (after a PUT of it was refused). */
static int
there(const struct aml_ml *ml, const char *url)
{
	struct aml_resp r;
	struct aml_jdoc d;
	int rc = aml_ml_lookup(ml, url, &r, &d);

	aml_jfree(&d);
	aml_resp_free(&r);
	return rc == 0;
}

#define TAKEN (-2)	/* the next version was made meanwhile: count again */

/* PUT version v.  autov: v is the next version as counted, and TAKEN
 * says another registration made it first. */
static int
create(struct aml_ml *ml, const char *uri, const char *mtype, const char *job, const char *v,
    int autov)
{
	const char *segs[] = { "models", model, "versions", v, NULL };
	char *url = aml_ml_url(ml, segs, NULL, NULL), *body, *more, *shown;
	struct aml_resp r;
	struct aml_jdoc d;
	cJSON *j, *p;
	int rc;

	free(ml->rs.label);
	ml->rs.label = aml_xasprintf("model %s:%s", model, v);
	more = aml_xasprintf(" -n %s --model-version %s (which refuses a version that exists)",
	    model, v);
	aml_ml_check(ml, "aml-new-model", more);
	free(more);
	rc = aml_ml_lookup(ml, url, &r, &d);
	aml_jfree(&d);
	aml_resp_free(&r);
	if (rc == 0 && autov) {
		rc = TAKEN;
	} else if (rc == 0) {
		aml_err("model %s version %s exists; nothing sent (a version never changes: choose "
		    "another --model-version)", model, v);
		rc = AML_EXIT_FAIL;
	}
	if (rc != AML_ML_ABSENT) {
		free(url);
		return rc;
	}
	j = cJSON_CreateObject();
	p = cJSON_AddObjectToObject(j, "properties");
	cJSON_AddStringToObject(p, "modelUri", uri);
	cJSON_AddStringToObject(p, "modelType", mtype);
	if (job)
		cJSON_AddStringToObject(p, "jobName", job);
	if (description)
		cJSON_AddStringToObject(p, "description", description);
	body = aml_json_print(j, 0);
	cJSON_Delete(j);
	rc = aml_arm_call(&ml->rs, "PUT", url, body, strlen(body), AML_HTTP_QUIET, &r);
	if (rc == 0 && (rc = aml_ml_answer(ml, "PUT", url, &r, &d)) != 0) {
		;	/* said: no telling whether it was made */
	} else if ((rc == 0 && r.status == 200) || (rc && r.status / 100 == 4 &&
	    r.status != 401 && r.status != 403 && there(ml, url))) {
		/* 200, not 201: the version was there, made meanwhile with
		 * the same files; a refusal, and it is there now: made with
		 * others. */
		if (autov) {
			rc = TAKEN;
		} else {
			aml_err("model %s version %s was made meanwhile by another registration; "
			    "nothing changed", model, v);
			rc = AML_EXIT_FAIL;
		}
	} else if (rc) {
		say_failure(ml, url, &r);
	} else {
		rc = aml_ml_print(&d, 0, outpath, 0644, force);
		if (rc == 0 && !aml_quiet) {
			shown = aml_uri_redact(uri);
			fprintf(stderr, "%s: model %s version %s from %s\n", aml_prog, model, v, shown);
			free(shown);
		}
	}
	aml_jfree(&d);
	aml_resp_free(&r);
	free(body);
	free(url);
	return rc;
}

static void
options(int argc, char **argv, struct aml_ml *ml)
{
	int c, rc;

	aml_ml_init(ml);
	while ((c = getopt_long(argc, argv, AML_ML_SHORTOPTS "n:j:u:o:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': model = optarg; break;
		case 'j': jobarg = optarg; break;
		case 'u': uriarg = optarg; break;
		case OPT_OUTPUT: outname = optarg; break;
		case OPT_VERSION: version = optarg; break;
		case OPT_TYPE: type = optarg; break;
		case OPT_DESCRIPTION: description = optarg; break;
		case 'o': outpath = optarg; break;
		case 'f': force = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ml_opt(ml, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if ((rc = aml_ml_setup(ml, 0)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
	if (!model || !*model || aml_ml_name_ok("-n", model) < 0) {
		if (!model)
			aml_err("-n is required");
		else if (!*model)
			aml_err("-n: empty");
		usage(AML_EXIT_USAGE);
	}
	if (!jobarg == !uriarg) {
		aml_err("%s", jobarg ? "-j and -u: give one of them" : "-j or -u is required");
		usage(AML_EXIT_USAGE);
	}
	if ((uriarg && (!*uriarg || outname)) || (jobarg && !*jobarg) || (version && !*version) ||
	    (type && !*type)) {
		aml_err("%s", outname && uriarg ? "--job-output goes with -j" : "an empty value");
		usage(AML_EXIT_USAGE);
	}
	if (jobarg && !strcmp(jobarg, "-") && isatty(0))
		usage(AML_EXIT_USAGE);
	if (version && (strchr(version, '/') || strchr(version, '?'))) {
		aml_err("--model-version %s: not a version", version);
		usage(AML_EXIT_USAGE);
	}
	if (uriarg)
		aml_argv_secret("-u", uriarg, "register the model from a datastore path "
		    "(azureml://datastores/...) instead");
}

int
main(int argc, char **argv)
{
	struct aml_ml ml;
	char *uri = NULL, *mtype = NULL, *job = NULL, *v = NULL;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv, &ml);
	if (aml_ml_out_check(outpath, force) < 0) {
		aml_ml_free(&ml);
		return AML_EXIT_FAIL;
	}
	aml_catch_signals();
	if (uriarg) {
		uri = aml_xstrdup(uriarg);
		mtype = aml_xstrdup(type ? type : "custom_model");
	} else if ((rc = from_job(&ml, &uri, &mtype, &job)) != 0) {
		goto out;
	}
	if (version) {
		v = aml_xstrdup(version);
		rc = create(&ml, uri, mtype, job, v, 0);
		goto out;
	}
	/* The next version, counted again while others take it first. */
	for (int tries = 0; tries < RACES; tries++) {
		free(v);
		if ((rc = next_version(&ml, &v)) != 0 ||
		    (rc = create(&ml, uri, mtype, job, v, 1)) != TAKEN)
			goto out;
	}
	aml_err("model %s: its next version was made by another registration %d times over; "
	    "nothing sent (try again, or give --model-version)", model, RACES);
	rc = AML_EXIT_FAIL;
out:
	free(uri);
	free(mtype);
	free(job);
	free(v);
	aml_ml_free(&ml);
	aml_resignal();
	return rc;
}
