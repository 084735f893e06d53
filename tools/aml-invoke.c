/* SPDX-License-Identifier: MIT */
/*
 * aml-invoke: one scoring request to an Azure Machine Learning online
 * endpoint (az ml online-endpoint invoke): the request body in (a file or
 * stdin), the model's answer out.
 *
 * The scoring URI and the endpoint's authMode come from Resource
 * Manager's GET of the endpoint.  The credential is the key given
 * (--key-file, AML_ONLINE_KEY or AML_ONLINE_KEY_FILE; never argv), else
 * what the authMode asks for: the endpoint's primary key (listKeys), its
 * AML token, or an Entra token for https://ml.azure.com, which bearer.c
 * lets go to the scoring URI's origin only.  -d sends the request to one
 * deployment whatever the traffic (azureml-model-deployment), which is how
 * a new deployment is tried before it takes traffic.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_ML_LONGOPTS,
	AML_ML_EP_LONGOPT,
	AML_ML_DEP_LONGOPT,
	{ "key-file", required_argument, NULL, 'k' },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 }
};

static const char *outpath, *keyfile, *reqpath;
static int force;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-invoke [-cfqv] -g group -w workspace -e endpoint [-d deployment]\n"
	    "                  [-k key-file] [-s subscription] [-o file] [-m duration]\n"
	    "                  [-E ca-bundle] [request.json]\n");
	if (!status) {
		fputs("  -e, --endpoint EP         the online endpoint\n"
		    "  -d, --deployment D        send the request to this deployment, whatever the\n"
		    "                            traffic says\n"
		    "  -k, --key-file FILE       the key or token to send (default AML_ONLINE_KEY,\n"
		    "                            AML_ONLINE_KEY_FILE, else what the endpoint's\n"
		    "                            authMode asks for)\n"
		    "  -o, --output FILE         write the answer to FILE (atomically)\n"
		    "  -f, --force               replace FILE if it exists\n", fp);
		aml_ml_help(fp);
	}
	exit(status);
}

/* The endpoint's scoring URI and authMode. */
struct target {
	char *uri, *mode;
	char *cred;		/* the key or token to send; NULL: an Entra token */
	const char *what;	/* what it is, for a 401 */
};

static int
endpoint(const struct aml_ml *ml, struct target *t)
{
	char *url = aml_ml_ep_url(ml, NULL);
	struct aml_resp r;
	struct aml_jdoc d;
	uint32_t p, v;
	int rc;

	if ((rc = aml_ml_get(ml, url, 0, &r, &d)) == 0) {
		p = aml_jget(&d, 0, "properties");
		if (p && AML_JTYPE(&d, p) == AML_JOBJECT) {
			if ((v = aml_jget(&d, p, "scoringUri")) && AML_JTYPE(&d, v) == AML_JSTRING)
				t->uri = aml_jstrdup(&d, v);
			if ((v = aml_jget(&d, p, "authMode")) && AML_JTYPE(&d, v) == AML_JSTRING)
				t->mode = aml_jstrdup(&d, v);
		}
		if (!t->uri || !t->mode) {
			aml_err("%s: the endpoint has no %s", ml->rs.label,
			    t->uri ? "authMode" : "scoringUri (is it still being created?)");
			rc = AML_EXIT_FAIL;
		}
	}
	aml_jfree(&d);
	aml_resp_free(&r);
	free(url);
	return rc;
}

/* POST suffix of the endpoint; member of its answer, held as a secret. */
static int
secret_of(const struct aml_ml *ml, const char *suffix, const char *member, char **out)
{
	char *url = aml_ml_ep_url(ml, suffix);
	struct aml_resp r;
	struct aml_jdoc d = { 0 };
	uint32_t v;
	int rc;

	*out = NULL;
	if ((rc = aml_arm_call(&ml->rs, "POST", url, NULL, 0, 0, &r)) == 0 &&
	    (rc = aml_arm_answer("POST", url, &r, &d)) == 0) {
		if ((v = aml_jget(&d, 0, member)) && AML_JTYPE(&d, v) == AML_JSTRING && d.tok[v].len > 2) {
			*out = aml_jstrdup(&d, v);
			aml_secret_hold(*out);
		} else {
			aml_err("POST %s: the answer has no %s", suffix + 1, member);
			rc = AML_EXIT_FAIL;
		}
	}
	aml_jfree(&d);
	aml_resp_free(&r);
	free(url);
	return rc;
}

/* What to send, as the authMode says, unless a key was given. */
static int
credential(const struct aml_ml *ml, struct target *t)
{
	const char *why;

	if (t->cred)
		return 0;
	if (!strcmp(t->mode, "Key")) {
		t->what = "the endpoint's primary key";
		return secret_of(ml, "/listKeys", "primaryKey", &t->cred);
	}
	if (!strcmp(t->mode, "AMLToken")) {
		t->what = "the endpoint's AML token";
		return secret_of(ml, "/token", "accessToken", &t->cred);
	}
	if (!strcmp(t->mode, "AADToken")) {
		t->what = "the Entra token for " AML_ML_RESOURCE;
		if (aml_bearer_allow(AML_ML_RESOURCE, t->uri, &why) < 0) {
			aml_err("%s: scoringUri: %s", ml->rs.label, why);
			return AML_EXIT_FAIL;
		}
		return 0;
	}
	aml_err("%s: authMode %s: not Key, AMLToken or AADToken; give the credential with "
	    "--key-file", ml->rs.label, t->mode);
	return AML_EXIT_FAIL;
}

/* The error's message in the body, one line, masked; "" if none. */
static char *
message(const struct aml_resp *r)
{
	struct aml_jdoc d;
	struct aml_jerr e;
	uint32_t err, m = 0;
	char *s = NULL, *red;

	if (r->len && aml_jparse(&d, r->body, r->len, &e) == 0) {
		if (AML_JTYPE(&d, 0) == AML_JOBJECT) {
			if ((err = aml_jget(&d, 0, "error")) && AML_JTYPE(&d, err) == AML_JOBJECT)
				m = aml_jget(&d, err, "message");
			else
				m = aml_jget(&d, 0, "message");
		}
		if (m && AML_JTYPE(&d, m) == AML_JSTRING)
			s = aml_jstrdup(&d, m);
		aml_jfree(&d);
	}
	if (!s)
		return r->len ? aml_http_snippet(r) : aml_xstrdup("");
	red = aml_redact(s, strlen(s));
	free(s);
	return red;
}

static void
print_errline(const struct aml_req *q, const struct aml_resp *r)
{
	char *line = aml_http_errline(q, r);

	aml_err("%s", line);
	free(line);
}

/* One line for what scoring answered, by status. */
static int
failed(const struct aml_ml *ml, const struct target *t, const struct aml_req *q,
    const struct aml_resp *r)
{
	const char *rid = aml_http_header(r, "x-ms-request-id"), *code, *reason;
	char *path = aml_url_path(q->url), *msg = message(r), *line, idpart[128] = "";
	int rc = AML_EXIT_FAIL;

	if (!rid)
		rid = aml_http_header(r, "x-request-id");
	if (rid && *rid)
		snprintf(idpart, sizeof idpart, " [request-id %.80s]", rid);
	switch (r->status) {
	case 401:
		aml_err("POST %s: HTTP 401: %s was refused%s%s%s", path, t->what, *msg ? ": " : "",
		    msg, idpart);
		rc = AML_EXIT_AUTH;
		break;
	case 404:
		aml_err("POST %s: HTTP 404: %s%s%s", path, *msg ? msg : "not found",
		    ml->dep ? "" : "; give a deployment traffic with aml-traffic, or choose one with -d",
		    idpart);
		break;
	case 408:
		aml_err("POST %s: HTTP 408: the model took longer than the deployment's request "
		    "timeout (requestSettings.requestTimeout)%s", path, idpart);
		break;
	case 424:
		/* What the model said may quote what it was sent: masked. */
		code = aml_http_header(r, "ms-azureml-model-error-statuscode");
		reason = aml_http_header(r, "ms-azureml-model-error-reason");
		line = aml_redact(reason ? reason : "", reason ? strlen(reason) : 0);
		aml_err("POST %s: HTTP 424: the model failed: its container answered %.8s%s%s%s",
		    path, code ? code : "an error", *line ? ": " : "", line, idpart);
		free(line);
		break;
	case 429:
		aml_err("POST %s: HTTP 429: too many requests are waiting at the deployment; try "
		    "again later, or give it more instances%s", path, idpart);
		break;
	default:
		print_errline(q, r);
		if (r->status == 401 || r->status == 403)
			rc = AML_EXIT_AUTH;
	}
	free(msg);
	free(path);
	return rc;
}

/* The answer: JSON as JSON (2-space, or -c), anything else as it came. */
static int
answer(const struct aml_resp *r)
{
	struct aml_jdoc d;
	struct aml_jerr e;
	struct aml_out out;
	int rc;

	if (r->len && aml_jparse(&d, r->body, r->len, &e) == 0) {
		rc = aml_ml_print(&d, 0, outpath, 0644, force);
		aml_jfree(&d);
		return rc;
	}
	aml_out_open(&out, outpath, 0644, force);
	aml_wput(&out.w, r->body ? r->body : "", r->len);
	return aml_out_close(&out);
}

static int
invoke(const struct aml_ml *ml, struct target *t, const char *body, size_t len)
{
	struct aml_req q = { 0 };
	struct aml_resp r;
	const char *hdrs[2] = { NULL, NULL };
	char *dep = NULL, *auth = NULL;
	int rc;

	q.method = "POST";
	q.url = t->uri;
	q.body = body;
	q.len = len;
	q.flags = AML_HTTP_QUIET;
	if (ml->dep) {
		dep = aml_xasprintf("azureml-model-deployment: %s", ml->dep);
		hdrs[0] = dep;
		q.hdrs = hdrs;
	}
	if (t->cred) {
		auth = aml_xasprintf("Bearer %s", t->cred);
		q.auth = auth;
		rc = aml_http(&q, &r);
	} else {
		q.resource = AML_ML_RESOURCE;
		rc = aml_bearer_call(&q, &r);
	}
	if (rc == 0)
		rc = answer(&r);
	else if (r.status)
		rc = failed(ml, t, &q, &r);
	else if (r.err[0])
		print_errline(&q, &r);
	aml_resp_free(&r);
	aml_freesecret(auth);
	free(dep);
	return rc;
}

static void
options(int argc, char **argv, struct aml_ml *ml)
{
	int c, rc;

	aml_ml_init(ml);
	while ((c = getopt_long(argc, argv, AML_ML_SHORTOPTS "e:d:k:o:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 'o': outpath = optarg; break;
		case 'f': force = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ml_opt(ml, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	reqpath = aml_input_operand(argc - optind, argv + optind, usage);
	if ((rc = aml_ml_setup(ml, AML_ML_EP)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
}

int
main(int argc, char **argv)
{
	static const char *const keyvars[] = { "AML_ONLINE_KEY", NULL };
	struct target t = { 0 };
	struct aml_ml ml;
	size_t len;
	char *buf;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv, &ml);

	if (aml_ml_out_check(outpath, force) < 0) {
		aml_ml_free(&ml);
		return AML_EXIT_FAIL;
	}
	/* The request is JSON: said before anything is sent. */
	{
		struct aml_jdoc d;

		buf = aml_jload(reqpath, &d, &len);
		aml_jfree(&d);
	}
	if (aml_secret_get(keyfile, keyvars, "--key-file", &t.cred) < 0)
		exit(AML_EXIT_FAIL);
	{
		const char *env = getenv("AML_ONLINE_KEY");

		t.what = keyfile ? "the key from --key-file" : env && *env ?
		    "the key from AML_ONLINE_KEY" : "the key from AML_ONLINE_KEY_FILE";
	}
	aml_catch_signals();
	if ((rc = endpoint(&ml, &t)) == 0 && (rc = credential(&ml, &t)) == 0)
		rc = invoke(&ml, &t, buf, len);
	free(buf);
	free(t.uri);
	free(t.mode);
	aml_freesecret(t.cred);
	aml_ml_free(&ml);
	aml_resignal();
	return rc;
}
