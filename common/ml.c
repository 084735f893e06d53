/* SPDX-License-Identifier: MIT */
/*
 * ml.c: Azure Machine Learning (Microsoft.MachineLearningServices), for
 * the programs that work on a workspace's online endpoints, deployments,
 * model versions and jobs: naming them (-s, -g, -w, -e, -d), the
 * api-version, their URLs, and what those programs share: a GET read
 * into a tape, a document printed (to stdout or -o), a resource made fit
 * to be PUT back.  The wire facts are in notes/aml2-endpoints.md.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "amlnet.h"

#define PROVIDER "Microsoft.MachineLearningServices/workspaces"

void
aml_ml_help(FILE *fp)
{
	fputs("  -g, --resource-group RG   the workspace's resource group\n"
	    "  -w, --workspace WS        the Azure Machine Learning workspace\n"
	    "  -s, --subscription SUB    subscription id or name (default\n"
	    "                            AZURE_SUBSCRIPTION_ID, else the signed-in account's)\n"
	    "      --api-version V       the provider's api-version (default " AML_ML_APIVER ")\n", fp);
	aml_net_help(fp, NULL);
}

void
aml_ml_init(struct aml_ml *ml)
{
	memset(ml, 0, sizeof *ml);
	ml->apiver = AML_ML_APIVER;
}

void
aml_ml_free(struct aml_ml *ml)
{
	aml_rsrc_free(&ml->rs);
	memset(ml, 0, sizeof *ml);
}

/* 2024-04-01 or 2024-04-01-preview: the shape of every api-version. */
static int
apiver_ok(const char *s)
{
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return 0;
	return !s[10] || !strcmp(s + 10, "-preview");
}

int
aml_ml_opt(struct aml_ml *ml, int c, const char *arg)
{
	switch (c) {
	case 's': ml->subarg = arg; break;
	case 'g': ml->group = arg; break;
	case 'w': ml->ws = arg; break;
	case 'e': ml->ep = arg; break;
	case 'd': ml->dep = arg; break;
	case AML_OPT_API_VERSION:
		if (!apiver_ok(arg)) {
			aml_err("--api-version %s: not an api-version (%s, or %s-preview)", arg,
			    AML_ML_APIVER, AML_ML_APIVER);
			return -1;
		}
		ml->apiver = arg;
		break;
	default: return aml_http_opt(c, arg);
	}
	return 1;
}

/* -x NAME, in the order a reader looks for them. */
static int
required(const char *opt, const char *v)
{
	if (!v) {
		aml_err("%s is required", opt);
		return -1;
	}
	if (!*v) {
		aml_err("%s: empty", opt);
		return -1;
	}
	return 0;
}

int
aml_ml_setup(struct aml_ml *ml, int need)
{
	int rc;

	if (required("-g", ml->group) < 0 || required("-w", ml->ws) < 0 ||
	    ((need & (AML_ML_EP | AML_ML_DEP)) && required("-e", ml->ep) < 0) ||
	    ((need & AML_ML_DEP) && required("-d", ml->dep) < 0) ||
	    (ml->ep && required("-e", ml->ep) < 0) || (ml->dep && required("-d", ml->dep) < 0))
		return AML_EXIT_USAGE;
	if (ml->subarg && !*ml->subarg) {
		aml_err("-s: empty");
		return AML_EXIT_USAGE;
	}
	if ((rc = aml_arm_subscription(ml->subarg, &ml->rs.sub)) != 0)
		return rc;
	if (ml->dep)
		ml->rs.label = aml_xasprintf("%s/%s", ml->ep, ml->dep);
	else
		ml->rs.label = aml_xstrdup(ml->ep ? ml->ep : ml->ws);
	aml_ml_check(ml, ml->dep ? "aml-get-deployment" : "aml-traffic", NULL);
	return 0;
}

void
aml_ml_check(struct aml_ml *ml, const char *prog, const char *more)
{
	struct aml_wbuf w;

	aml_wbuf_init(&w, -1);
	aml_wputs(&w, prog);
	if (ml->subarg) {
		aml_wputs(&w, " -s ");
		aml_shword(&w, ml->subarg);
	}
	aml_wputs(&w, " -g ");
	aml_shword(&w, ml->group);
	aml_wputs(&w, " -w ");
	aml_shword(&w, ml->ws);
	if (ml->ep) {
		aml_wputs(&w, " -e ");
		aml_shword(&w, ml->ep);
	}
	if (ml->dep) {
		aml_wputs(&w, " -d ");
		aml_shword(&w, ml->dep);
	}
	if (more)
		aml_wputs(&w, more);
	free(ml->rs.check);
	ml->rs.check = aml_wbuf_take(&w);
}

char *
aml_ml_url(const struct aml_ml *ml, const char *const *segs, const char *suffix,
    const char *query)
{
	const char *all[8];
	size_t n = 0;

	all[n++] = ml->ws;
	for (; segs && *segs && n < 7; segs++)
		all[n++] = *segs;
	all[n] = NULL;
	return aml_arm_url(ml->rs.sub, ml->group, PROVIDER, all, suffix, ml->apiver, query);
}

char *
aml_ml_ep_url(const struct aml_ml *ml, const char *suffix)
{
	const char *segs[] = { "onlineEndpoints", ml->ep, NULL };

	return aml_ml_url(ml, segs, suffix, NULL);
}

char *
aml_ml_dep_url(const struct aml_ml *ml, const char *suffix)
{
	const char *segs[] = { "onlineEndpoints", ml->ep, "deployments", ml->dep, NULL };

	return aml_ml_url(ml, segs, suffix, NULL);
}

char *
aml_ml_dep_id(const struct aml_ml *ml)
{
	return aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/" PROVIDER
	    "/%s/onlineEndpoints/%s/deployments/%s", ml->rs.sub, ml->group, ml->ws, ml->ep, ml->dep);
}

int
aml_ml_get(const struct aml_ml *ml, const char *url, int flags, struct aml_resp *r,
    struct aml_jdoc *d)
{
	int rc;

	memset(d, 0, sizeof *d);
	if ((rc = aml_arm_call(&ml->rs, "GET", url, NULL, 0, flags, r)) != 0)
		return rc;
	return aml_arm_answer("GET", url, r, d);
}

int
aml_ml_name_ok(const char *opt, const char *name)
{
	size_t n = strlen(name);

	if (n < 1 || n > 255 || !isalnum((unsigned char)name[0]))
		goto bad;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '_')
			goto bad;
	return 0;
bad:
	aml_err("%s %s: a name is 1 to 255 letters, digits, '-' and '_', starting with a letter "
	    "or digit", opt, name);
	return -1;
}

int
aml_ml_print(const struct aml_jdoc *d, uint32_t i, const char *outpath, int mode, int force)
{
	struct aml_out out;

	aml_out_open(&out, outpath, mode, force);
	aml_jw_doc(&out.w, d, i, AML_JW_ONE);
	/* What held a secret is wiped once it is written. */
	if (mode == 0600 && aml_wflush(&out.w) == 0 && out.w.buf)
		aml_wipe(out.w.buf, out.w.cap);
	return aml_out_close(&out);
}

/* obj's member k, when it is an object. */
static cJSON *
object(cJSON *obj, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, k);

	return cJSON_IsObject(v) ? v : NULL;
}

void
aml_ml_strip(cJSON *res)
{
	static const char *const top[] = { "id", "name", "type", "systemData" };
	static const char *const props[] = { "provisioningState", "scoringUri", "swaggerUri",
		"keys" };
	cJSON *p, *id, *uai, *u;

	for (size_t i = 0; i < sizeof top / sizeof *top; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(res, top[i]);
	if ((p = object(res, "properties")))
		for (size_t i = 0; i < sizeof props / sizeof *props; i++)
			cJSON_DeleteItemFromObjectCaseSensitive(p, props[i]);
	if ((id = object(res, "identity"))) {
		cJSON_DeleteItemFromObjectCaseSensitive(id, "principalId");
		cJSON_DeleteItemFromObjectCaseSensitive(id, "tenantId");
		if ((uai = object(id, "userAssignedIdentities")))
			cJSON_ArrayForEach(u, uai) {
				if (!cJSON_IsObject(u))
					continue;
				cJSON_DeleteItemFromObjectCaseSensitive(u, "principalId");
				cJSON_DeleteItemFromObjectCaseSensitive(u, "clientId");
			}
	}
}

int
aml_ml_lookup(const struct aml_ml *ml, const char *url, struct aml_resp *r, struct aml_jdoc *d)
{
	struct aml_req q = { .method = "GET", .url = url };
	char *line;
	int rc;

	memset(d, 0, sizeof *d);
	rc = aml_arm_call(&ml->rs, "GET", url, NULL, 0, AML_HTTP_QUIET, r);
	if (rc == 0)
		return aml_arm_answer("GET", url, r, d);
	if (r->status == 404)
		return AML_ML_ABSENT;
	if (r->status || r->err[0]) {
		line = aml_http_errline(&q, r);
		aml_err("%s", line);
		free(line);
	}
	return rc;
}

cJSON *
aml_ml_deployment_read(const char *path)
{
	const char *name = aml_inname(path);
	struct aml_wbuf w;
	struct aml_jdoc d;
	struct aml_jerr e;
	struct aml_jw jw;
	cJSON *j;
	char *buf, *s;
	size_t n;

	buf = aml_jload(path, &d, NULL);
	if (aml_mldefn_check(&d, 0, aml_defn_stderr, (void *)name) > 0)
		exit(AML_EXIT_FAIL);
	aml_wbuf_init(&w, -1);
	aml_jw_init(&jw, &w, 0);
	aml_mldefn_emit(&jw, &d);
	aml_jfree(&d);
	free(buf);
	n = w.len;
	s = aml_wbuf_take(&w);
	/* Small: a tree, whose numbers keep their text. */
	if (!(j = aml_json_parse(s, n, &e)))
		aml_die("%s: %s", name, e.msg);
	free(s);
	return j;
}

char *
aml_ml_doc_model(const struct aml_jdoc *d)
{
	uint32_t p = aml_jget(d, 0, "properties"), m;

	if (p && AML_JTYPE(d, p) == AML_JOBJECT && (m = aml_jget(d, p, "model")) &&
	    AML_JTYPE(d, m) == AML_JSTRING)
		return aml_jstrdup(d, m);
	return NULL;
}

int
aml_ml_same_location(const char *a, const char *b)
{
	/* "South Central US" is "southcentralus". */
	for (;; a++, b++) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		if (!*a)
			return 1;
	}
}

int
aml_ml_out_check(const char *path, int force)
{
	struct stat st;

	if (!path || !strcmp(path, "-") || lstat(path, &st) < 0)
		return 0;
	if (!force)
		aml_err("%s: file exists (use -f to replace it)", path);
	else if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		aml_err("%s: not a regular file; not replaced", path);
	else
		return 0;
	return -1;
}

int
aml_ml_answer(const struct aml_ml *ml, const char *method, const char *url,
    const struct aml_resp *r, struct aml_jdoc *d)
{
	struct aml_jerr e = { 0 };
	char *path;

	memset(d, 0, sizeof *d);
	if (aml_jparse(d, r->body, r->len, &e) == 0 && AML_JTYPE(d, 0) == AML_JOBJECT)
		return 0;
	aml_jfree(d);
	path = aml_url_path(url);
	aml_err("%s %s: HTTP %ld: the answer is not %s (%s); the request reached the server, so it "
	    "may have taken effect: check with %s", method, path, r->status,
	    e.msg[0] ? "JSON" : "a JSON object", e.msg[0] ? e.msg : "", ml->rs.check);
	free(path);
	return AML_EXIT_FAIL;
}
