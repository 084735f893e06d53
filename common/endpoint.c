/* SPDX-License-Identifier: MIT */
/*
 * endpoint.c: the options of the classic endpoint lifecycle programs
 * (aml-rm-endpoint, aml-refresh-endpoint), and the default endpoint's
 * rule: the service never refreshes it, and removes it only when it is
 * the web service's last endpoint (notes/classic-endpoints.md).  The
 * programs ask before they send, so that a refusal comes with the
 * names of the endpoints in the way.
 */
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

void
aml_ep_help(FILE *fp)
{
	fputs("  -w, --workspace ID        workspace (default AML_WORKSPACE_ID)\n"
	    "      --service ID          web service (default AML_WEBSERVICE_ID)\n"
	    "  -U, --endpoint-url URL    the endpoint's management URL, instead of -w,\n"
	    "                            --service, -l and the name\n"
	    "  -l, --location REGION     the workspace's region (default AML_CLASSIC_ENDPOINT,\n"
	    "                            else South Central US)\n"
	    "  -k, --key-file FILE       workspace token (default AML_WORKSPACE_TOKEN, then\n"
	    "                            AML_API_KEY, or their _FILE)\n", fp);
	aml_net_help(fp, NULL);
}

int
aml_ep_opt(struct aml_ep_args *a, int c, const char *arg)
{
	switch (c) {
	case 'w': a->ws = arg; break;
	case AML_EP_OPT_SERVICE: a->svc = arg; break;
	case 'U': a->epurl = arg; break;
	case 'l': a->region = arg; break;
	case 'k': a->keyfile = arg; break;
	default: return aml_http_opt(c, arg);
	}
	return 1;
}

int
aml_ep_setup(struct aml_classic *c, const struct aml_ep_args *a, int argc, char **argv)
{
	const char *why;

	if (a->epurl && (argc || a->ws || a->svc || a->region)) {
		aml_err("--endpoint-url names the endpoint: leave out -w, --service, -l and the name");
		return AML_EXIT_USAGE;
	}
	if (!a->epurl && argc != 1) {
		aml_err(argc ? "one endpoint at a time" : "no endpoint: name it, or give --endpoint-url");
		return AML_EXIT_USAGE;
	}
	if (argc && aml_endpoint_name_check(argv[0], &why) < 0) {
		aml_err("%s: %s", argv[0], why);
		return AML_EXIT_USAGE;
	}
	return aml_classic_setup(c, a->epurl, a->ws, a->svc, argc ? argv[0] : NULL, a->region,
	    a->keyfile);
}

void
aml_ep_failed(const struct aml_req *q, const struct aml_resp *r)
{
	char *line;

	if (!r->status && !r->err[0])
		return;
	line = aml_studio_errline(q, r);
	if (!r->status && r->sent && q->method && strcmp(q->method, "GET") && !aml_signalled)
		aml_err("%s; the request reached the server, so it may have taken effect: "
		    "check with aml-get-endpoint", line);
	else
		aml_err("%s", line);
	free(line);
}

/* The names of the web service's endpoints other than name, ", "
 * between them. */
static int
others_of(const struct aml_classic *c, const char *name, char **others)
{
	struct aml_wbuf w;
	struct aml_resp r;
	const char *n;
	cJSON *j, *it;
	int rc;

	if ((rc = aml_classic_call(c, NULL, 2, NULL, 0, &j, &r)) == 0) {
		aml_wbuf_init(&w, -1);
		aml_wputs(&w, "");
		cJSON_ArrayForEach(it, j) {
			if (!(n = aml_json_str(it, "Name")) || !strcmp(n, name))
				continue;
			aml_wprintf(&w, "%s%s", w.len ? ", " : "", n);
		}
		*others = aml_wbuf_take(&w);
	}
	if (j)
		aml_json_free_secret(j);	/* the list shows keys */
	aml_resp_free(&r);
	return rc;
}

int
aml_ep_is_default(const struct aml_classic *c, char **others, int *rc)
{
	struct aml_req q = { .url = NULL };
	struct aml_resp r;
	const char *def;
	cJSON *svc;
	int is;

	*others = NULL;
	*rc = aml_classic_call(c, NULL, 1, NULL, AML_HTTP_QUIET, &svc, &r);
	if (*rc && r.status == 401) {
		/* An endpoint's own key reaches that endpoint only. */
		*rc = 0;
		aml_resp_free(&r);
		return -1;
	}
	if (*rc) {
		q.url = aml_classic_url(c, 1);
		aml_ep_failed(&q, &r);
		free((char *)q.url);
		aml_resp_free(&r);
		cJSON_Delete(svc);
		return 0;
	}
	aml_resp_free(&r);
	def = aml_json_str(svc, "DefaultEndpointName");
	is = def && !strcmp(def, c->name);
	if (is)
		*rc = others_of(c, c->name, others);
	cJSON_Delete(svc);
	return is;
}
