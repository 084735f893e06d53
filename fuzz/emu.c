/* SPDX-License-Identifier: MIT */
/*
 * emu: one request to aml-emulator, from bytes to its answer, through
 * route.c's emu_dispatch and every module's handlers: paths and query
 * strings, form bodies of the token endpoints, client assertions and
 * bearer tokens (JWTs), JSON bodies of ARM's PUT and PATCH and of the
 * control API, and the request log that masks what it keeps.
 *
 * The input is an HTTP/1.1 request as it goes on the wire:
 *
 *	METHOD /path?query HTTP/1.1
 *	Name: value
 *
 *	body
 *
 * Before it is read, the names below in @...@ are replaced by the
 * emulator's own values, so that the fuzzer gets past authentication
 * (it cannot sign a token) and reaches what lies behind it:
 *
 *	@TENANT@ @SUB@ @RG@ @WS@	tenant, subscription, demo group, service
 *	@CLIENT@ @SECRET@		the service principal with a secret
 *	@CERTCLIENT@ @ASSERTION@	the one with a certificate, an assertion
 *					signed by it for the v2 token URL
 *	@FEDCLIENT@ @FEDTOKEN@		workload identity and its federated token
 *	@MICLIENT@ @IDHEADER@		managed identity, App Service's header
 *	@TOKEN@				an ARM access token
 *	@NAME@				every `export NAME=value` line a module
 *					prints (@AML_DEMO_WORKSPACE_ID@...); for a
 *					NAME_FILE, @NAME@ is the file's first line
 *					(@AML_DEMO_TRAIN_KEY@), for a NAME_URL,
 *					@NAME_PATH@ the URL without the base
 *
 * The state is reset after every request, so that a crash depends on
 * its input alone.  With AML_FUZZ_TRACE in the environment, each answer
 * is shown on stderr (to check that a new seed does what it should).
 *
 * Promises checked: an answer has a status from 100 to 599, and a body
 * that says it is JSON parses as JSON; the request log is valid JSON.
 * The emulator is a server: aml_die or exit on any input is a crash.
 */
#include <dirent.h>
#include <unistd.h>

#include "fuzz.h"
#include "emu.h"

#define SIGN_EVERY 3600		/* seconds between new tokens and assertions */

struct subst {
	char *name;		/* "@NAME@" */
	char *value;
};
static struct subst *subst;
static size_t nsubst;
static time_t signed_at;
static int trace;		/* AML_FUZZ_TRACE set: each answer on stderr */

static void
set(const char *name, char *value)
{
	char *at = aml_xasprintf("@%s@", name);

	for (size_t i = 0; i < nsubst; i++)
		if (!strcmp(subst[i].name, at)) {
			free(at);
			free(subst[i].value);
			subst[i].value = value;
			return;
		}
	subst = aml_xreallocarray(subst, nsubst + 1, sizeof *subst);
	subst[nsubst].name = at;
	subst[nsubst++].value = value;
}

/* Every module's `export NAME='value'` lines as @NAME@; a *_FILE also
 * as @NAME@ without _FILE, its first line (a key, a token); a *_URL
 * also as @NAME_PATH@, the part after the base URL.  A module added
 * later is reachable the same way without a change here. */
static void
module_exports(void)
{
	struct aml_wbuf w;
	char *all, *line, *next, *name, *eq, *val, *o, *p, *file, *nl, *pn;
	size_t n, len, nb = strlen(emu_base);

	aml_wbuf_init(&w, -1);
	for (struct emu_module *m = emu_modules; m; m = m->next)
		if (m->exports)
			m->exports(&w);
	all = aml_wbuf_take(&w);
	for (line = all; *line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (strncmp(line, "export ", 7) || !(eq = strstr(line, "='")))
			continue;
		name = line + 7;
		*eq = '\0';
		/* The value, its '\'' quoting undone. */
		for (o = p = val = eq + 2; *p; p++) {
			if (!strncmp(p, "'\\''", 4))
				*o++ = '\'', p += 3;
			else if (*p != '\'')
				*o++ = *p;
		}
		*o = '\0';
		set(name, aml_xstrdup(val));
		n = strlen(name);
		if (n > 5 && !strcmp(name + n - 5, "_FILE") && aml_slurp(val, 1 << 20, &file, &len) == 0) {
			if ((nl = strchr(file, '\n')))
				*nl = '\0';
			name[n - 5] = '\0';
			set(name, file);
		} else if (n > 4 && !strcmp(name + n - 4, "_URL") && !strncmp(val, emu_base, nb)) {
			pn = aml_xasprintf("%s_PATH", name);
			set(pn, aml_xstrdup(val + nb));
			free(pn);
		}
	}
	free(all);
}

/* What a client would sign: a certificate assertion for the v2 token
 * endpoint, valid a day. */
static char *
assertion(void)
{
	cJSON *c = cJSON_CreateObject();
	char jti[37], *url, *tok;
	long now = (long)emu_now();

	emu_guid(jti);
	url = aml_xasprintf("%s/%s/oauth2/v2.0/token", emu_base, emu_id("tenantId"));
	cJSON_AddStringToObject(c, "aud", url);
	cJSON_AddStringToObject(c, "iss", emu_id("certClientId"));
	cJSON_AddStringToObject(c, "sub", emu_id("certClientId"));
	cJSON_AddStringToObject(c, "jti", jti);
	cJSON_AddNumberToObject(c, "nbf", (double)now);
	cJSON_AddNumberToObject(c, "exp", (double)(now + 86400));
	tok = emu_jwt_sign(emu_id("certKey"), emu_id("certX5t"), c);
	cJSON_Delete(c);
	free(url);
	return tok;
}

static void
sign(void)
{
	cJSON *opts = cJSON_CreateObject();
	char *why = NULL;

	set("ASSERTION", assertion());
	set("FEDTOKEN", emu_federated_token(opts, &why));
	set("TOKEN", emu_mint_token(NULL, &why));
	cJSON_Delete(opts);
	for (size_t i = 0; i < nsubst; i++)
		if (!subst[i].value) {
			fprintf(stderr, "fuzz: no value for %s: %s\n", subst[i].name, why ? why : "");
			abort();
		}
	signed_at = time(NULL);
}

static void
cleanup(void)
{
	DIR *d = opendir(emu_dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			char *p = aml_xasprintf("%s/%s", emu_dir, e->d_name);

			unlink(p);
			free(p);
		}
	if (d)
		closedir(d);
	rmdir(emu_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char tmpl[] = "/tmp/aml-fuzz-emu.XXXXXX";

	fuzz_setprog("aml-emulator");
	trace = getenv("AML_FUZZ_TRACE") != NULL;
	if (!mkdtemp(tmpl))
		aml_die("mkdtemp:");
	emu_dir = aml_xstrdup(tmpl);
	emu_base = aml_xstrdup("http://127.0.0.1:9");
	emu_cfg.lro_ms = 0;
	emu_identity_make();
	emu_state_seed();
	emu_state_rebase(emu_base);
	emu_routes_init();
	for (struct emu_module *m = emu_modules; m; m = m->next)
		if (m->init)
			m->init();
	emu_config_initial = emu_cfg;
	set("TENANT", aml_xstrdup(emu_id("tenantId")));
	set("SUB", aml_xstrdup(emu_id("subscriptionId")));
	set("RG", aml_xstrdup(emu_id("demoGroup")));
	set("WS", aml_xstrdup(emu_id("demoService")));
	set("CLIENT", aml_xstrdup(emu_id("spClientId")));
	set("SECRET", aml_xstrdup(emu_id("spSecret")));
	set("CERTCLIENT", aml_xstrdup(emu_id("certClientId")));
	set("FEDCLIENT", aml_xstrdup(emu_id("fedClientId")));
	set("MICLIENT", aml_xstrdup(emu_id("miClientId")));
	set("IDHEADER", aml_xstrdup(emu_id("identityHeader")));
	module_exports();
	/* The files were for the exports: gone now, so that a process that
	 * crashes (or -minimize_crash's many) leaves nothing behind. */
	cleanup();
	for (size_t i = 0; trace && i < nsubst; i++)
		fprintf(stderr, "fuzz: %s\n", subst[i].name);
	sign();
	return 0;
}

/* The input with the @...@ names replaced. */
static char *
substitute(const uint8_t *data, size_t size, size_t *len)
{
	struct aml_wbuf w;
	size_t i = 0, k, n;

	aml_wbuf_init(&w, -1);
	while (i < size) {
		for (k = 0; data[i] == '@' && k < nsubst; k++) {
			n = strlen(subst[k].name);
			if (size - i >= n && !memcmp(data + i, subst[k].name, n))
				break;
		}
		if (data[i] == '@' && k < nsubst) {
			aml_wputs(&w, subst[k].value);
			i += strlen(subst[k].name);
		} else {
			aml_wputc(&w, (char)data[i++]);
		}
	}
	*len = w.len;
	return aml_wbuf_take(&w);
}

/* The next line of buf (up to end), without its LF or CRLF; NULL at end. */
static char *
line(char **p, char *end)
{
	char *s = *p, *nl;

	if (s >= end)
		return NULL;
	if (!(nl = memchr(s, '\n', (size_t)(end - s))))
		nl = end;
	*p = nl < end ? nl + 1 : end;
	if (nl > s && nl[-1] == '\r')
		nl--;
	*nl = '\0';
	return s;
}

/* A request from the wire format; NULL when libmicrohttpd would not
 * have passed it on (no method or no target). */
static struct emu_req *
request(char *buf, size_t len)
{
	char *p = buf, *end = buf + len, *l, *sp, *target, *colon, *v;
	struct emu_req *r;

	if (!(l = line(&p, end)) || !(sp = strchr(l, ' ')) || sp == l)
		return NULL;
	*sp = '\0';
	target = sp + 1;
	if ((sp = strchr(target, ' ')))
		*sp = '\0';
	if (*target != '/')
		return NULL;
	r = emu_req_new(target, l);
	r->loopback = 1;
	while ((l = line(&p, end)) && *l) {
		if (!(colon = strchr(l, ':')) || colon == l)
			continue;
		*colon = '\0';
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		emu_req_header(r, l, v);
	}
	r->bodylen = (size_t)(end - p);
	r->body = aml_xmalloc(r->bodylen + 1);
	memcpy(r->body, p, r->bodylen);
	r->body[r->bodylen] = '\0';
	return r;
}

static void
check_answer(struct emu_req *r)
{
	struct aml_jerr e;
	cJSON *j;
	char *s;

	FUZZ_ASSERT(r->status >= 100 && r->status <= 599, "an answer without a valid status",
	    r->uri);
	if (r->out.len && r->ctype && strstr(r->ctype, "json")) {
		s = aml_xstrndup(r->out.buf, r->out.len);
		j = aml_json_parse(s, strlen(s), &e);
		FUZZ_ASSERT(j && strlen(s) == r->out.len, "a JSON answer that is not JSON", s);
		cJSON_Delete(j);
		free(s);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct emu_req *r;
	struct aml_jerr e;
	char *buf, *log, t[40];
	size_t len;
	cJSON *j;

	if (time(NULL) - signed_at > SIGN_EVERY)
		sign();
	buf = substitute(data, size, &len);
	if (!(r = request(buf, len))) {
		free(buf);
		return 0;
	}
	emu_dispatch(r);
	check_answer(r);
	/* For writing seeds: what each request got (run without
	 * -close_fd_mask). */
	if (trace)
		fprintf(stderr, "%s %s -> %d %.*s\n", r->method, r->uri, r->status,
		    (int)(r->out.len < 400 ? r->out.len : 400), r->out.buf);
	emu_time_rfc3339ms(t, sizeof t, r->t0);
	emu_log_add(r, r->status, t);
	log = emu_log_json();
	j = aml_json_parse(log, strlen(log), &e);
	FUZZ_ASSERT(j, "the request log is not JSON", e.msg);
	cJSON_Delete(j);
	free(log);
	emu_req_free(r);
	free(buf);
	emu_reset_all();
	return 0;
}
