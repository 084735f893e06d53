/* SPDX-License-Identifier: MIT */
/*
 * blob.c: a Blob service on the emulator's port, path-style as Azurite
 * has it: {base}/blob/{account}/{container}/{blob}.  Block blobs are
 * put, read, listed and deleted with a service SAS that is checked as
 * the service checks it: the HMAC-SHA256 of the documented
 * string-to-sign under the account key, the time window, the resource
 * and the permission.  Refusals are the service's XML errors (403
 * AuthenticationFailed and friends).  Containers are seeded, not made.
 *
 * State: "blob": {"accounts": {name: {"containers": {name: {"created",
 * "blobs": {name: {"data" (base64), "type", "etag", "modified", "md5"}}}}}}}.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "studio.h"

#define XMS_VERSION "2018-11-09"

/* ---- state ---------------------------------------------------------- */

static cJSON *
accounts(void)
{
	return emu_obj(emu_obj(emu_state, "blob"), "accounts");
}

static cJSON *
container(const char *account, const char *name)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(accounts(), account);

	return a ? cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(a,
	    "containers"), name) : NULL;
}

static cJSON *
blob(const char *account, const char *cont, const char *name)
{
	cJSON *c = container(account, cont);

	return c ? cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c,
	    "blobs"), name) : NULL;
}

const char *
blob_account_key(const char *account)
{
	return strcmp(account, STUDIO_ACCOUNT) == 0 ? emu_id("storageKey") : NULL;
}

int
blob_container_exists(const char *account, const char *cont)
{
	return container(account, cont) != NULL;
}

static void
add_container(cJSON *a, const char *name)
{
	cJSON *c = cJSON_AddObjectToObject(emu_obj(a, "containers"), name);
	char t[64];

	emu_time_http(t, sizeof t, emu_now());
	cJSON_AddStringToObject(c, "created", t);
	cJSON_AddObjectToObject(c, "blobs");
}

void
blob_seed(cJSON *state)
{
	cJSON *a = emu_obj(emu_obj(emu_obj(state, "blob"), "accounts"), STUDIO_ACCOUNT);

	add_container(a, "models");
	add_container(a, "data");
	add_container(a, "experimentoutput");
}

void
blob_add_container(const char *account, const char *name)
{
	cJSON *a = emu_obj(accounts(), account);

	if (!container(account, name))
		add_container(a, name);
}

int
blob_get(const char *account, const char *cont, const char *name,
    unsigned char **data, size_t *len)
{
	cJSON *b = blob(account, cont, name);
	const char *d = b ? aml_json_str(b, "data") : NULL;

	if (!d)
		return -1;
	*data = emu_unb64(d, strlen(d), 0, len);
	if (!*data) {
		*data = (unsigned char *)aml_xstrdup("");
		*len = 0;
	}
	return 0;
}

static void
md5_b64(const void *data, size_t len, char **out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(data, len, d, &n, EVP_md5(), NULL);
	*out = emu_b64(d, n, 0);
}

void
blob_put(const char *account, const char *cont, const char *name,
    const void *data, size_t len, const char *ctype)
{
	cJSON *blobs = cJSON_GetObjectItemCaseSensitive(container(account, cont), "blobs");
	cJSON *b = cJSON_CreateObject();
	unsigned char r[8];
	char etag[40], *s;

	emu_random(r, sizeof r);
	snprintf(etag, sizeof etag, "\"0x8D%02X%02X%02X%02X%02X%02X%02X\"", r[0], r[1], r[2],
	    r[3], r[4], r[5], r[6]);
	s = emu_b64(data, len, 0);
	cJSON_AddStringToObject(b, "data", s);
	free(s);
	cJSON_AddStringToObject(b, "type", ctype && *ctype ? ctype : "application/octet-stream");
	cJSON_AddStringToObject(b, "etag", etag);
	cJSON_AddNumberToObject(b, "modified", (double)emu_now());
	md5_b64(data, len, &s);
	cJSON_AddStringToObject(b, "md5", s);
	free(s);
	cJSON_DeleteItemFromObjectCaseSensitive(blobs, name);
	cJSON_AddItemToObject(blobs, name, b);
}

/* ---- URLs ----------------------------------------------------------- */

char *
blob_account_url(const char *account)
{
	return aml_xasprintf("%s%s/%s/", emu_base, EMU_BLOB_PREFIX, account);
}

int
blob_split_url(const char *url, char **account, char **cont, char **name)
{
	size_t n = strlen(emu_base), k = strlen(EMU_BLOB_PREFIX);
	const char *p, *a, *c, *q;

	if (strncasecmp(url, emu_base, n) != 0 || strncmp(url + n, EMU_BLOB_PREFIX "/", k + 1))
		return -1;
	a = url + n + k + 1;
	if (!(c = strchr(a, '/')) || c == a)
		return -1;
	if (!(p = strchr(c + 1, '/')) || p == c + 1 || !p[1])
		return -1;
	q = p + 1 + strcspn(p + 1, "?#");
	*account = aml_urldec(a, (size_t)(c - a), 0);
	*cont = aml_urldec(c + 1, (size_t)(p - c - 1), 0);
	*name = aml_urldec(p + 1, (size_t)(q - p - 1), 0);
	return 0;
}

/* ---- SAS ------------------------------------------------------------ */

static void
iso(char *buf, size_t n, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static char *
canonical(const char *sv, const char *account, const char *cont, const char *name)
{
	const char *svc = strcmp(sv, "2015-02-21") >= 0 ? "/blob" : "";

	return name ? aml_xasprintf("%s/%s/%s/%s", svc, account, cont, name) :
	    aml_xasprintf("%s/%s/%s", svc, account, cont);
}

struct sasf {
	char *sv, *sr, *sp, *st, *se, *si, *sip, *spr, *sst, *sig;
	char *rscc, *rscd, *rsce, *rscl, *rsct;
};

static char *
nz(char *s)
{
	return s ? s : aml_xstrdup("");
}

static void
sas_parse(const char *q, struct sasf *f)
{
	if (*q == '?')
		q++;
	f->sv = emu_form(q, "sv");
	f->sr = emu_form(q, "sr");
	f->sp = emu_form(q, "sp");
	f->st = nz(emu_form(q, "st"));
	f->se = emu_form(q, "se");
	f->si = nz(emu_form(q, "si"));
	f->sip = nz(emu_form(q, "sip"));
	f->spr = nz(emu_form(q, "spr"));
	f->sst = nz(emu_form(q, "sst"));
	f->sig = emu_form(q, "sig");
	f->rscc = nz(emu_form(q, "rscc"));
	f->rscd = nz(emu_form(q, "rscd"));
	f->rsce = nz(emu_form(q, "rsce"));
	f->rscl = nz(emu_form(q, "rscl"));
	f->rsct = nz(emu_form(q, "rsct"));
}

static void
sas_free(struct sasf *f)
{
	char **v[] = { &f->sv, &f->sr, &f->sp, &f->st, &f->se, &f->si, &f->sip, &f->spr,
		&f->sst, &f->sig, &f->rscc, &f->rscd, &f->rsce, &f->rscl, &f->rsct };

	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		if (*v[i])
			aml_freesecret(*v[i]);
		*v[i] = NULL;
	}
}

/* The string-to-sign of a service SAS for the Blob service, by version
 * (Create a service SAS, "Constructing the signature string"). */
static char *
string_to_sign(const struct sasf *f, const char *res)
{
	if (strcmp(f->sv, "2018-11-09") >= 0)
		return aml_xasprintf("%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s",
		    f->sp, f->st, f->se, res, f->si, f->sip, f->spr, f->sv, f->sr, f->sst,
		    f->rscc, f->rscd, f->rsce, f->rscl, f->rsct);
	if (strcmp(f->sv, "2015-04-05") >= 0)
		return aml_xasprintf("%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s",
		    f->sp, f->st, f->se, res, f->si, f->sip, f->spr, f->sv,
		    f->rscc, f->rscd, f->rsce, f->rscl, f->rsct);
	if (strcmp(f->sv, "2013-08-15") >= 0)
		return aml_xasprintf("%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s",
		    f->sp, f->st, f->se, res, f->si, f->sv,
		    f->rscc, f->rscd, f->rsce, f->rscl, f->rsct);
	return aml_xasprintf("%s\n%s\n%s\n%s\n%s\n%s", f->sp, f->st, f->se, res, f->si, f->sv);
}

static char *
sign(const char *account, const char *sts)
{
	const char *k = blob_account_key(account);
	unsigned char *key, mac[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	size_t klen;
	char *s;

	if (!k || !(key = emu_unb64(k, strlen(k), 0, &klen)))
		return NULL;
	HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)sts, strlen(sts), mac, &n);
	aml_wipe(key, klen);
	free(key);
	s = emu_b64(mac, n, 0);
	aml_wipe(mac, sizeof mac);
	return s;
}

char *
blob_sas(const char *account, const char *cont, const char *name, const char *perms,
    time_t start, time_t expiry, const char *version)
{
	struct sasf f;
	char st[32], se[32], *res, *sts, *sig, *e[4], *out;

	memset(&f, 0, sizeof f);
	iso(st, sizeof st, start);
	iso(se, sizeof se, expiry);
	f.sv = (char *)version;
	f.sr = name ? "b" : "c";
	f.sp = (char *)perms;
	f.st = st;
	f.se = se;
	f.si = f.sip = f.spr = f.sst = f.rscc = f.rscd = f.rsce = f.rscl = f.rsct = "";
	res = canonical(version, account, cont, name);
	sts = string_to_sign(&f, res);
	sig = sign(account, sts);
	e[0] = aml_urlenc(sig ? sig : "");
	e[1] = aml_urlenc(st);
	e[2] = aml_urlenc(se);
	e[3] = aml_urlenc(perms);
	out = aml_xasprintf("?sv=%s&sr=%s&sig=%s&st=%s&se=%s&sp=%s", version, f.sr, e[0],
	    e[1], e[2], e[3]);
	for (int i = 0; i < 4; i++)
		free(e[i]);
	if (sig)
		aml_freesecret(sig);
	free(sts);
	free(res);
	return out;
}

static int
refuse(int *status, char **code, char **detail, int st, const char *c, const char *fmt, ...)
    AML_PRINTF(6, 7);

static int
refuse(int *status, char **code, char **detail, int st, const char *c, const char *fmt, ...)
{
	va_list ap;

	*status = st;
	*code = aml_xstrdup(c);
	*detail = NULL;
	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(detail, fmt, ap) < 0)
			aml_die("out of memory");
		va_end(ap);
	}
	return -1;
}

static void
http_time(char *buf, size_t n, time_t t)
{
	emu_time_http(buf, n, t);
}

int
blob_sas_check(const char *account, const char *cont, const char *name,
    const char *query, char perm, int *status, char **code, char **detail)
{
	struct sasf f;
	char *res = NULL, *sts = NULL, *sig = NULL, tb[3][40];
	time_t st = 0, se = 0, now = emu_now();
	int rc = -1;

	memset(&f, 0, sizeof f);
	sas_parse(query, &f);
	if (!f.sig) {
		if (perm == 'r' || perm == 'l')
			rc = refuse(status, code, detail, 404, "ResourceNotFound", NULL);
		else
			rc = refuse(status, code, detail, 401, "NoAuthenticationInformation", NULL);
		goto out;
	}
	if (!f.sv || !*f.sv || !f.sp || !*f.sp || !f.se || !*f.se || !f.sr || !*f.sr) {
		rc = refuse(status, code, detail, 403, "AuthenticationFailed", "%s is mandatory. Cannot be empty",
		    !f.sv || !*f.sv ? "sv" : !f.sp || !*f.sp ? "sp" : !f.se || !*f.se ? "se" : "sr");
		goto out;
	}
	/* st and se in the forms Azure accepts (aml_iso_time): YYYY-MM-DD,
	 * and with Thh:mmZ, Thh:mm:ssZ or fractions of a second. */
	st = *f.st ? aml_iso_time(f.st) : 0;
	se = aml_iso_time(f.se);
	if (st == -1 || se == -1) {
		rc = refuse(status, code, detail, 403, "AuthenticationFailed",
		    "%s is not a valid date", se == -1 ? "se" : "st");
		goto out;
	}
	if (strcmp(f.sr, "b") && strcmp(f.sr, "c")) {
		rc = refuse(status, code, detail, 403, "AuthenticationFailed",
		    "Signed resource type is invalid: %s", f.sr);
		goto out;
	}
	/* A blob SAS covers that blob; a container SAS every blob in it. */
	res = canonical(f.sv, account, cont, strcmp(f.sr, "b") == 0 ? name : NULL);
	sts = string_to_sign(&f, res);
	sig = sign(account, sts);
	if (!sig || strlen(sig) != strlen(f.sig) || CRYPTO_memcmp(sig, f.sig, strlen(sig)) != 0 ||
	    (strcmp(f.sr, "b") == 0 && !name)) {
		char *shown = aml_xstrdup(sts);

		for (char *p = shown; *p; p++)
			if (*p == '\n')
				*p = ' ';
		rc = refuse(status, code, detail, 403, "AuthenticationFailed",
		    "Signature did not match. String to sign used was %s", shown);
		free(shown);
		goto out;
	}
	if ((*f.st && now < st) || now >= se) {
		http_time(tb[0], sizeof tb[0], *f.st ? st : now);
		http_time(tb[1], sizeof tb[1], se);
		http_time(tb[2], sizeof tb[2], now);
		rc = refuse(status, code, detail, 403, "AuthenticationFailed",
		    "Signature not valid in the specified time frame: Start [%s] - Expiry [%s] - Current [%s]",
		    tb[0], tb[1], tb[2]);
		goto out;
	}
	if (*f.spr && strcmp(f.spr, "https,http") && !emu_cfg.tls) {
		rc = refuse(status, code, detail, 403, "AuthorizationProtocolMismatch", NULL);
		goto out;
	}
	if (!strchr(f.sp, perm) && !(perm == 'w' && strchr(f.sp, 'c'))) {
		rc = refuse(status, code, detail, 403, "AuthorizationPermissionMismatch", NULL);
		goto out;
	}
	rc = 0;
out:
	if (sig)
		aml_freesecret(sig);
	free(sts);
	free(res);
	sas_free(&f);
	return rc;
}

/* ---- connection strings --------------------------------------------- */

int
blob_conn_check(const char *cs, char **account, int *auth, char **why)
{
	char *s = aml_xstrdup(cs), *save = NULL, *kv, *name = NULL, *key = NULL;
	int rc = -1;

	*account = NULL;
	*auth = 0;
	for (kv = strtok_r(s, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(kv, '=');

		if (!eq || eq == kv) {
			*why = aml_xstrdup("it is not a list of name=value pairs separated by ';'");
			goto out;
		}
		*eq = '\0';
		if (strcasecmp(kv, "AccountName") == 0)
			name = eq + 1;
		else if (strcasecmp(kv, "AccountKey") == 0)
			key = eq + 1;
		else if (strcasecmp(kv, "DefaultEndpointsProtocol") && strcasecmp(kv, "BlobEndpoint") &&
		    strcasecmp(kv, "EndpointSuffix") && strcasecmp(kv, "SharedAccessSignature")) {
			*why = aml_xasprintf("unknown setting '%s'", kv);
			goto out;
		}
	}
	if (!name || !*name || !key || !*key) {
		*why = aml_xasprintf("no %s", !name || !*name ? "AccountName" : "AccountKey");
		goto out;
	}
	*auth = 1;
	if (!blob_account_key(name) || strcmp(blob_account_key(name), key) != 0) {
		*why = aml_xstrdup("Server failed to authenticate the request. Make sure the value of "
		    "Authorization header is formed correctly including the signature");
		goto out;
	}
	*account = aml_xstrdup(name);
	rc = 0;
out:
	aml_freesecret(s);
	return rc;
}

/* ---- the error shape ------------------------------------------------ */

static const struct {
	const char *code, *message;
} blob_messages[] = {
	{ "AuthenticationFailed", "Server failed to authenticate the request. Make sure the value "
	    "of Authorization header is formed correctly including the signature." },
	{ "AuthorizationPermissionMismatch",
	    "This request is not authorized to perform this operation using this permission." },
	{ "AuthorizationProtocolMismatch",
	    "This request is not authorized to perform this operation using this protocol." },
	{ "AuthorizationFailure", "This request is not authorized to perform this operation." },
	{ "NoAuthenticationInformation", "Server failed to authenticate the request. Please refer "
	    "to the information in the www-authenticate header." },
	{ "ResourceNotFound", "The specified resource does not exist." },
	{ "BlobNotFound", "The specified blob does not exist." },
	{ "ContainerNotFound", "The specified container does not exist." },
	{ "MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified." },
	{ "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format." },
	{ "InvalidQueryParameterValue",
	    "Value for one of the query parameters specified in the request URI is invalid." },
	{ "UnsupportedHttpVerb", "The resource doesn't support specified Http Verb." },
	{ "ServerBusy", "The server is busy." },
	{ "InternalError", "The server encountered an internal error. Please retry the request." },
};

static void
xml_escape(struct aml_wbuf *w, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': aml_wputs(w, "&lt;"); break;
		case '>': aml_wputs(w, "&gt;"); break;
		case '&': aml_wputs(w, "&amp;"); break;
		case '"': aml_wputs(w, "&quot;"); break;
		default: aml_wputc(w, *s);
		}
	}
}

static void
xms_headers(struct emu_req *r)
{
	emu_set_header(r, "x-ms-request-id", r->reqid);
	emu_set_header(r, "x-ms-version", XMS_VERSION);
	emu_set_header(r, "Server", "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0");
}

/* message: the code's own text when NULL or ""; extra: an element after
 * Message (<AuthenticationErrorDetail>...), raw XML. */
static void
xml_error(struct emu_req *r, int status, const char *code, const char *message,
    const char *extra)
{
	struct aml_wbuf w;
	char t[48];

	if (!*code)
		code = status == 404 ? "ResourceNotFound" : status == 503 ? "ServerBusy" :
		    status >= 500 ? "InternalError" : status == 403 ? "AuthenticationFailed" :
		    "InvalidQueryParameterValue";
	if (!message || !*message) {
		message = code;
		for (size_t i = 0; i < sizeof blob_messages / sizeof *blob_messages; i++)
			if (strcmp(blob_messages[i].code, code) == 0)
				message = blob_messages[i].message;
	}
	emu_time_dotnet(t, sizeof t, emu_now_100ns());
	aml_wbuf_init(&w, -1);
	aml_wputs(&w, "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>");
	xml_escape(&w, code);
	aml_wputs(&w, "</Code><Message>");
	xml_escape(&w, message);
	aml_wprintf(&w, "\nRequestId:%s\nTime:%s</Message>", r->reqid, t);
	if (extra)
		aml_wputs(&w, extra);
	aml_wputs(&w, "</Error>");
	emu_answer(r, status, "application/xml", w.buf, w.len);
	aml_wbuf_free(&w);
	xms_headers(r);
	emu_set_header(r, "x-ms-error-code", code);
}

static void
fam_error(struct emu_req *r, int status, const char *code, const char *message)
{
	xml_error(r, status, code, message, NULL);
}

const struct emu_family studio_fam_blob = { "blob", fam_error };

static void
sas_refused(struct emu_req *r, int status, const char *code, const char *detail)
{
	struct aml_wbuf w;

	if (!detail) {
		xml_error(r, status, code, NULL, NULL);
		return;
	}
	aml_wbuf_init(&w, -1);
	aml_wputs(&w, "<AuthenticationErrorDetail>");
	xml_escape(&w, detail);
	aml_wputs(&w, "</AuthenticationErrorDetail>");
	aml_wputc(&w, '\0');
	xml_error(r, status, code, NULL, w.buf);
	aml_wbuf_free(&w);
}

/* ---- handlers ------------------------------------------------------- */

/* The account and container of the request must exist and the SAS
 * must allow perm; 0, or -1 with the error answered.  Under the lock. */
static int
authorize(struct emu_req *r, const char *name, char perm)
{
	int status;
	char *code, *detail;

	if (!cJSON_GetObjectItemCaseSensitive(accounts(), r->seg[0])) {
		xml_error(r, 404, "ResourceNotFound", NULL, NULL);
		return -1;
	}
	if (blob_sas_check(r->seg[0], r->seg[1], name, r->query, perm, &status, &code,
	    &detail) < 0) {
		sas_refused(r, status, code, detail);
		free(code);
		free(detail);
		return -1;
	}
	if (!container(r->seg[0], r->seg[1])) {
		xml_error(r, 404, "ContainerNotFound", NULL, NULL);
		return -1;
	}
	return 0;
}

static void
blob_headers(struct emu_req *r, cJSON *b)
{
	char t[64];

	emu_time_http(t, sizeof t, (time_t)cJSON_GetObjectItemCaseSensitive(b, "modified")->valuedouble);
	emu_set_header(r, "Last-Modified", t);
	emu_set_header(r, "ETag", aml_json_str(b, "etag"));
	emu_set_header(r, "Content-MD5", aml_json_str(b, "md5"));
	xms_headers(r);
}

static void
get_blob(struct emu_req *r)
{
	unsigned char *data;
	size_t len;
	cJSON *b;

	emu_lock();
	if (authorize(r, r->seg[2], 'r') < 0)
		goto out;
	if (!(b = blob(r->seg[0], r->seg[1], r->seg[2])) ||
	    blob_get(r->seg[0], r->seg[1], r->seg[2], &data, &len) < 0) {
		xml_error(r, 404, "BlobNotFound", NULL, NULL);
		goto out;
	}
	emu_answer(r, 200, aml_json_str(b, "type"), (const char *)data, len);
	free(data);
	blob_headers(r, b);
	emu_set_header(r, "x-ms-blob-type", "BlockBlob");
	emu_set_header(r, "Accept-Ranges", "bytes");
out:
	emu_unlock();
}

static void
put_blob(struct emu_req *r)
{
	const char *type = emu_header(r, "x-ms-blob-type"), *ct;

	emu_lock();
	if (authorize(r, r->seg[2], 'w') < 0)
		goto out;
	if (!type) {
		xml_error(r, 400, "MissingRequiredHeader", NULL,
		    "<HeaderName>x-ms-blob-type</HeaderName>");
		goto out;
	}
	if (strcmp(type, "BlockBlob") != 0) {
		struct aml_wbuf w;

		aml_wbuf_init(&w, -1);
		aml_wputs(&w, "<HeaderName>x-ms-blob-type</HeaderName><HeaderValue>");
		xml_escape(&w, type);
		aml_wputs(&w, "</HeaderValue>");
		aml_wputc(&w, '\0');
		xml_error(r, 400, "InvalidHeaderValue", NULL, w.buf);
		aml_wbuf_free(&w);
		goto out;
	}
	if (!(ct = emu_header(r, "x-ms-blob-content-type")))
		ct = emu_header(r, "Content-Type");
	blob_put(r->seg[0], r->seg[1], r->seg[2], r->body, r->bodylen, ct);
	emu_changed();
	emu_answer(r, 201, NULL, NULL, 0);
	blob_headers(r, blob(r->seg[0], r->seg[1], r->seg[2]));
	emu_set_header(r, "x-ms-request-server-encrypted", "true");
out:
	emu_unlock();
}

static void
delete_blob(struct emu_req *r)
{
	emu_lock();
	if (authorize(r, r->seg[2], 'd') < 0)
		goto out;
	if (!blob(r->seg[0], r->seg[1], r->seg[2])) {
		xml_error(r, 404, "BlobNotFound", NULL, NULL);
		goto out;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    container(r->seg[0], r->seg[1]), "blobs"), r->seg[2]);
	emu_changed();
	emu_answer(r, 202, NULL, NULL, 0);
	xms_headers(r);
out:
	emu_unlock();
}

static void
list_blobs(struct emu_req *r)
{
	char *restype = emu_query(r, "restype"), *comp = emu_query(r, "comp");
	char *prefix = emu_query(r, "prefix"), t[64];
	struct aml_wbuf w;
	cJSON *b;

	emu_lock();
	if (!restype || strcmp(restype, "container") || !comp || strcmp(comp, "list")) {
		xml_error(r, 400, "InvalidQueryParameterValue", NULL,
		    "<QueryParameterName>comp</QueryParameterName>");
		goto out;
	}
	if (authorize(r, NULL, 'l') < 0)
		goto out;
	aml_wbuf_init(&w, -1);
	aml_wputs(&w, "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"");
	xml_escape(&w, emu_base);
	aml_wprintf(&w, "%s/", EMU_BLOB_PREFIX);
	xml_escape(&w, r->seg[0]);
	aml_wputs(&w, "/\" ContainerName=\"");
	xml_escape(&w, r->seg[1]);
	aml_wputs(&w, "\">");
	if (prefix) {
		aml_wputs(&w, "<Prefix>");
		xml_escape(&w, prefix);
		aml_wputs(&w, "</Prefix>");
	}
	aml_wputs(&w, "<Blobs>");
	cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(container(r->seg[0], r->seg[1]),
	    "blobs")) {
		const char *d = aml_json_str(b, "data");
		size_t len = 0;
		unsigned char *raw;

		if (prefix && strncmp(b->string, prefix, strlen(prefix)))
			continue;
		if ((raw = emu_unb64(d, strlen(d), 0, &len)))
			free(raw);
		emu_time_http(t, sizeof t, (time_t)cJSON_GetObjectItemCaseSensitive(b,
		    "modified")->valuedouble);
		aml_wputs(&w, "<Blob><Name>");
		xml_escape(&w, b->string);
		aml_wprintf(&w, "</Name><Properties><Last-Modified>%s</Last-Modified><Etag>", t);
		xml_escape(&w, aml_json_str(b, "etag"));
		aml_wprintf(&w, "</Etag><Content-Length>%zu</Content-Length><Content-Type>", len);
		xml_escape(&w, aml_json_str(b, "type"));
		aml_wprintf(&w, "</Content-Type><Content-MD5>%s</Content-MD5><BlobType>BlockBlob</BlobType>"
		    "</Properties></Blob>", aml_json_str(b, "md5"));
	}
	aml_wputs(&w, "</Blobs><NextMarker /></EnumerationResults>");
	emu_answer(r, 200, "application/xml", w.buf, w.len);
	aml_wbuf_free(&w);
	xms_headers(r);
out:
	emu_unlock();
	free(restype);
	free(comp);
	free(prefix);
}

/* Containers are the seed's; a service SAS cannot make or delete them. */
static void
container_write(struct emu_req *r)
{
	xml_error(r, 403, "AuthorizationFailure", NULL, NULL);
}

#define B EMU_BLOB_PREFIX

static const struct emu_route routes[] = {
	{ "GET", B "/*/*", list_blobs, &studio_fam_blob },
	{ "PUT", B "/*/*", container_write, &studio_fam_blob },
	{ "DELETE", B "/*/*", container_write, &studio_fam_blob },
	{ "GET", B "/*/*/**", get_blob, &studio_fam_blob },
	{ "PUT", B "/*/*/**", put_blob, &studio_fam_blob },
	{ "DELETE", B "/*/*/**", delete_blob, &studio_fam_blob },
};

static struct emu_module blobmod = {
	.name = "blob",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
};
EMU_MODULE(blobmod)
