/* SPDX-License-Identifier: MIT */
/*
 * crypto.c: the emulator's clock, random ids, base64, and the keys and
 * certificates it makes (OpenSSL); tokens are signed with libjwt and
 * verified here with OpenSSL, which also takes PS256 and tells a bad
 * signature from a malformed token.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "emu.h"

/* ---- clock ---------------------------------------------------------- */

static int64_t
real_100ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 10000000 + ts.tv_nsec / 100;
}

/* A stopped clock stands where the real one was when it stopped, so that
 * what moves by itself (a plan's usage, operations, jobs) holds still
 * while a test compares two reads; clockSkew still moves it.  It runs
 * again from the real clock, not from where it stood: the emulator's
 * time stays the real time plus clockSkew, as tokens and client
 * assertions dated by the real clock need. */
int64_t
emu_now_100ns(void)
{
	int64_t t = emu_cfg.clock_stop_at;

	return (t ? t : real_100ns()) + (int64_t)emu_cfg.clock_skew * 10000000;
}

void
emu_clock_stop(int stop)
{
	if (!stop)
		emu_cfg.clock_stop_at = 0;
	else if (!emu_cfg.clock_stop_at)
		emu_cfg.clock_stop_at = real_100ns();
}

int64_t
emu_now_ms(void)
{
	return emu_now_100ns() / 10000;
}

time_t
emu_now(void)
{
	return (time_t)(emu_now_100ns() / 10000000);
}

static void
utc(time_t t, struct tm *tm)
{
	gmtime_r(&t, tm);
}

/* .NET's round-trip format as Newtonsoft writes it: up to 7 fractional
 * digits, trailing zeros dropped ("17:08:56.600043Z"). */
void
emu_time_dotnet(char *buf, size_t n, int64_t t)
{
	struct tm tm;
	char frac[16];
	int len;

	utc((time_t)(t / 10000000), &tm);
	len = snprintf(frac, sizeof frac, ".%07ld", (long)(t % 10000000));
	while (len > 1 && frac[len - 1] == '0')
		frac[--len] = '\0';
	if (len == 1)
		frac[0] = '\0';
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

void
emu_time_rfc3339ms(char *buf, size_t n, int64_t ms)
{
	struct tm tm;

	utc((time_t)(ms / 1000), &tm);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (int)(ms % 1000));
}

void
emu_time_http(char *buf, size_t n, time_t t)
{
	struct tm tm;

	utc(t, &tm);
	strftime(buf, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

void
emu_time_aad(char *buf, size_t n, time_t t)
{
	struct tm tm;

	utc(t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%SZ", &tm);
}

/* ---- random and encodings ------------------------------------------- */

void
emu_random(void *p, size_t n)
{
	if (RAND_bytes(p, (int)n) != 1)
		aml_die("RAND_bytes failed");
}

void
emu_hex(char *out, const unsigned char *p, size_t n, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void
emu_guid(char out[37])
{
	unsigned char b[16];
	char h[33];

	emu_random(b, sizeof b);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	emu_hex(h, b, sizeof b, 0);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

char *
emu_b64(const void *p, size_t n, int url)
{
	char *s = aml_xmalloc(4 * ((n + 2) / 3) + 1);
	int len = EVP_EncodeBlock((unsigned char *)s, p, (int)n);

	if (url) {
		while (len > 0 && s[len - 1] == '=')
			len--;
		s[len] = '\0';
		for (char *c = s; *c; c++)
			if (*c == '+')
				*c = '-';
			else if (*c == '/')
				*c = '_';
	}
	return s;
}

/* Either alphabet, padding optional; NULL if it is not base64. */
unsigned char *
emu_unb64(const char *s, size_t n, int url, size_t *outlen)
{
	char *t = aml_xmalloc(n + 4);
	unsigned char *out;
	size_t m = 0, pad = 0;
	int len;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (url && c == '-')
			c = '+';
		else if (url && c == '_')
			c = '/';
		else if (url && (c == '+' || c == '/'))
			goto bad;
		t[m++] = c;
	}
	while (m > 0 && t[m - 1] == '=') {
		m--;
		pad++;
	}
	if (m % 4 == 1 || pad > 2)
		goto bad;
	pad = (4 - m % 4) % 4;
	memset(t + m, '=', pad);
	m += pad;
	out = aml_xmalloc(m / 4 * 3 + 1);
	len = m ? EVP_DecodeBlock(out, (unsigned char *)t, (int)m) : 0;
	if (len < 0) {
		free(out);
		goto bad;
	}
	*outlen = (size_t)len - pad;
	out[*outlen] = '\0';
	free(t);
	return out;
bad:
	free(t);
	return NULL;
}

char *
emu_random_b64(size_t nbytes)
{
	unsigned char *b = aml_xmalloc(nbytes);
	char *s;

	emu_random(b, nbytes);
	s = emu_b64(b, nbytes, 0);
	free(b);
	return s;
}

char *
emu_random_token(size_t nbytes)
{
	unsigned char *b = aml_xmalloc(nbytes);
	char *s;

	emu_random(b, nbytes);
	s = emu_b64(b, nbytes, 1);
	free(b);
	return s;
}

void
emu_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

/* ---- keys and certificates ------------------------------------------ */

static char *
bio_take(BIO *b)
{
	char *p, *s;
	long n = BIO_get_mem_data(b, &p);

	s = aml_xstrndup(p, (size_t)n);
	BIO_free(b);
	return s;
}

static EVP_PKEY *
read_key(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);

	BIO_free(b);
	return k;
}

static X509 *
read_cert(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);

	BIO_free(b);
	return x;
}

static char *
key_pem(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());

	if (!PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL))
		aml_die("cannot write a private key");
	return bio_take(b);
}

static char *
cert_pem(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());

	if (!PEM_write_bio_X509(b, x))
		aml_die("cannot write a certificate");
	return bio_take(b);
}

char *
emu_rsa_keygen(void)
{
	EVP_PKEY *k = EVP_RSA_gen(2048);
	char *s;

	if (!k)
		aml_die("cannot generate an RSA key");
	s = key_pem(k);
	EVP_PKEY_free(k);
	return s;
}

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if (!(e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)))
		aml_die("cannot make certificate extension %s", value);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

/* A certificate for key, issued by (ikey, issuer) or self-signed. */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, int days, EVP_PKEY *ikey, X509 *issuer)
{
	X509 *x = X509_new();
	X509_NAME *name;
	unsigned char serial[16];
	BIGNUM *bn;

	X509_set_version(x, 2);
	emu_random(serial, sizeof serial);
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof serial, NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	X509_time_adj_ex(X509_getm_notBefore(x), 0, -3600, NULL);
	X509_time_adj_ex(X509_getm_notAfter(x), days, 0, NULL);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	add_ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash");
	return x;
}

static void
sign_cert(X509 *x, EVP_PKEY *ikey)
{
	if (!X509_sign(x, ikey, EVP_sha256()))
		aml_die("cannot sign a certificate");
}

char *
emu_cert_selfsigned(const char *kpem, const char *cn, int days)
{
	EVP_PKEY *k = read_key(kpem);
	X509 *x;
	char *s;

	if (!k)
		aml_die("cannot read a private key");
	x = make_cert(k, cn, days, NULL, NULL);
	add_ext(x, x, NID_basic_constraints, "critical,CA:FALSE");
	add_ext(x, x, NID_key_usage, "critical,digitalSignature,keyEncipherment");
	add_ext(x, x, NID_ext_key_usage, "clientAuth");
	sign_cert(x, k);
	s = cert_pem(x);
	X509_free(x);
	EVP_PKEY_free(k);
	return s;
}

/* A CA (written to dir/ca.pem for CURL_CA_BUNDLE) and a server
 * certificate it signs for the address served on, 127.0.0.1 and
 * localhost.  EC keys: they are made in microseconds, and TLS does not
 * care. */
int
emu_tls_make(const char *dir, const char *address, char **ca_path, char **kpem, char **cpem)
{
	EVP_PKEY *cakey = EVP_EC_gen("P-256"), *key = EVP_EC_gen("P-256");
	X509 *ca, *x;
	char *capem, *san;
	int rc;

	if (!cakey || !key)
		aml_die("cannot generate an EC key");
	ca = make_cert(cakey, "aml-emulator test CA", 30, NULL, NULL);
	add_ext(ca, ca, NID_basic_constraints, "critical,CA:TRUE");
	add_ext(ca, ca, NID_key_usage, "critical,keyCertSign,cRLSign");
	sign_cert(ca, cakey);
	x = make_cert(key, "127.0.0.1", 30, cakey, ca);
	add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE");
	add_ext(x, ca, NID_key_usage, "critical,digitalSignature,keyEncipherment");
	add_ext(x, ca, NID_ext_key_usage, "serverAuth");
	san = strcmp(address, "127.0.0.1") ? aml_xasprintf("IP:%s,IP:127.0.0.1,DNS:localhost", address) :
	    aml_xstrdup("IP:127.0.0.1,DNS:localhost");
	add_ext(x, ca, NID_subject_alt_name, san);
	free(san);
	add_ext(x, ca, NID_authority_key_identifier, "keyid:always");
	sign_cert(x, cakey);
	capem = cert_pem(ca);
	*ca_path = aml_xasprintf("%s/ca.pem", dir);
	rc = emu_write_file(*ca_path, capem, strlen(capem), 0644);
	*kpem = key_pem(key);
	*cpem = cert_pem(x);
	free(capem);
	X509_free(ca);
	X509_free(x);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(key);
	return rc;
}

char *
emu_pubkey_pem(const char *kpem)
{
	EVP_PKEY *k = read_key(kpem);
	BIO *b;

	if (!k)
		aml_die("cannot read a private key");
	b = BIO_new(BIO_s_mem());
	PEM_write_bio_PUBKEY(b, k);
	EVP_PKEY_free(k);
	return bio_take(b);
}

char *
emu_cert_thumb(const char *cpem, int sha256, int url)
{
	X509 *x = read_cert(cpem);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char *s;

	if (!x)
		return NULL;
	X509_digest(x, sha256 ? EVP_sha256() : EVP_sha1(), md, &n);
	X509_free(x);
	if (url)
		return emu_b64(md, n, 1);
	s = aml_xmalloc(2 * n + 1);
	emu_hex(s, md, n, 1);
	return s;
}

static time_t
asn1_time(const ASN1_TIME *a)
{
	struct tm tm;

	if (!a || !ASN1_TIME_to_tm(a, &tm))
		return 0;
	return timegm(&tm);
}

int
emu_cert_dates(const char *cpem, time_t *not_before, time_t *not_after)
{
	X509 *x = read_cert(cpem);

	if (!x)
		return -1;
	*not_before = asn1_time(X509_get0_notBefore(x));
	*not_after = asn1_time(X509_get0_notAfter(x));
	X509_free(x);
	return 0;
}

int
emu_write_file(const char *path, const char *data, size_t n, int mode)
{
	struct aml_afile af;

	if (aml_afile_open(&af, path, mode, 1) < 0)
		return -1;
	while (n > 0) {
		ssize_t w = write(af.fd, data, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			aml_afile_abort(&af);
			return -1;
		}
		data += w;
		n -= (size_t)w;
	}
	return aml_afile_commit(&af);
}

int
emu_write_pfx(const char *path, const char *kpem, const char *cpem,
    const char *password)
{
	EVP_PKEY *k = read_key(kpem);
	X509 *x = read_cert(cpem);
	PKCS12 *p12;
	BIO *b;
	char *der;
	long n;
	int rc;

	if (!k || !x)
		aml_die("cannot read the certificate or its key");
	p12 = PKCS12_create(password, "aml-emulator", k, x, NULL, 0, 0, 0, 0, 0);
	if (!p12)
		aml_die("cannot make a PKCS#12 file");
	b = BIO_new(BIO_s_mem());
	i2d_PKCS12_bio(b, p12);
	n = BIO_get_mem_data(b, &der);
	rc = emu_write_file(path, der, (size_t)n, 0600);
	BIO_free(b);
	PKCS12_free(p12);
	X509_free(x);
	EVP_PKEY_free(k);
	return rc;
}

/* The RSA public key as a JWK's n and e (base64url), for JWKS. */
int
emu_jwk_ne(const char *pem, char **n, char **e)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIGNUM *bn = NULL, *be = NULL;
	unsigned char *buf;
	int len, rc = -1;

	BIO_free(b);
	if (!k)
		return -1;
	if (EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &bn) &&
	    EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &be)) {
		buf = aml_xmalloc((size_t)BN_num_bytes(bn) + 1);
		len = BN_bn2bin(bn, buf);
		*n = emu_b64(buf, (size_t)len, 1);
		len = BN_bn2bin(be, buf);
		*e = emu_b64(buf, (size_t)len, 1);
		free(buf);
		rc = 0;
	}
	BN_free(bn);
	BN_free(be);
	EVP_PKEY_free(k);
	return rc;
}

/* The DER of a certificate PEM in standard base64 (an x5c entry). */
char *
emu_cert_der_b64(const char *cpem)
{
	X509 *x = read_cert(cpem);
	unsigned char *der = NULL;
	int len;
	char *s;

	if (!x)
		return NULL;
	len = i2d_X509(x, &der);
	X509_free(x);
	if (len <= 0)
		return NULL;
	s = emu_b64(der, (size_t)len, 0);
	OPENSSL_free(der);
	return s;
}

/* ---- JWT ------------------------------------------------------------ */

char *
emu_jwt_sign(const char *kpem, const char *x5t, const cJSON *claims)
{
	jwt_t *j;
	char *json, *tok;

	if (jwt_new(&j))
		aml_die("out of memory");
	if (jwt_set_alg(j, JWT_ALG_RS256, (const unsigned char *)kpem, (int)strlen(kpem)))
		aml_die("cannot use the signing key");
	if (x5t) {
		jwt_add_header(j, "x5t", x5t);
		jwt_add_header(j, "kid", x5t);
	}
	json = aml_json_print(claims, 0);
	if (jwt_add_grants_json(j, json))
		aml_die("cannot add token claims");
	free(json);
	if (!(tok = jwt_encode_str(j)))
		aml_die("cannot sign a token");
	jwt_free(j);
	return tok;
}

/* Verification keys, parsed once: the signing key is used on every
 * ARM request. */
static pthread_mutex_t keylock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char *pem;
	EVP_PKEY *key;
} keys[16];

static EVP_PKEY *
pubkey(const char *pem)
{
	EVP_PKEY *k = NULL;
	size_t i;
	X509 *x;
	BIO *b;

	pthread_mutex_lock(&keylock);
	for (i = 0; i < 16 && keys[i].pem; i++)
		if (strcmp(keys[i].pem, pem) == 0) {
			k = keys[i].key;
			EVP_PKEY_up_ref(k);
			goto out;
		}
	b = BIO_new_mem_buf(pem, -1);
	if (strstr(pem, "BEGIN CERTIFICATE")) {
		if ((x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
			k = X509_get_pubkey(x);
			X509_free(x);
		}
	} else if (strstr(pem, "PRIVATE KEY")) {
		k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	} else {
		k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	}
	BIO_free(b);
	if (!k)
		goto out;
	if (i == 16) {
		free(keys[15].pem);
		EVP_PKEY_free(keys[15].key);
		i = 15;
	}
	keys[i].pem = aml_xstrdup(pem);
	keys[i].key = k;
	EVP_PKEY_up_ref(k);
out:
	pthread_mutex_unlock(&keylock);
	return k;
}

void
emu_crypto_fini(void)
{
	for (size_t i = 0; i < 16 && keys[i].pem; i++) {
		free(keys[i].pem);
		EVP_PKEY_free(keys[i].key);
		keys[i].pem = NULL;
	}
}

static cJSON *
part(const char *s, size_t n)
{
	struct aml_jerr e;
	unsigned char *raw;
	size_t len;
	cJSON *j;

	if (!(raw = emu_unb64(s, n, 1, &len)))
		return NULL;
	j = aml_json_parse((char *)raw, len, &e);
	free(raw);
	if (j && !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		j = NULL;
	}
	return j;
}

static int
verify(const char *alg, EVP_PKEY *k, const char *data, size_t n,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	int ok = 0;

	if (EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, k) == 1) {
		if (strcmp(alg, "PS256") == 0) {
			EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
			EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
		}
		ok = EVP_DigestVerify(ctx, sig, siglen, (const unsigned char *)data, n) == 1;
	}
	EVP_MD_CTX_free(ctx);
	return ok;
}

int
emu_jwt_decode(const char *tok, const char *pub, cJSON **hdr, cJSON **claims)
{
	const char *d1, *d2, *alg;
	unsigned char *sig;
	size_t siglen;
	EVP_PKEY *k;
	int rc;

	*hdr = *claims = NULL;
	if (!(d1 = strchr(tok, '.')) || !(d2 = strchr(d1 + 1, '.')) || strchr(d2 + 1, '.'))
		return EMU_JWT_MALFORMED;
	if (!(*hdr = part(tok, (size_t)(d1 - tok))) ||
	    !(*claims = part(d1 + 1, (size_t)(d2 - d1 - 1))))
		goto malformed;
	alg = aml_json_str(*hdr, "alg");
	if (!alg || (strcmp(alg, "RS256") && strcmp(alg, "PS256")))
		return EMU_JWT_ALG;
	if (!pub)
		return EMU_JWT_OK;
	if (!(sig = emu_unb64(d2 + 1, strlen(d2 + 1), 1, &siglen)))
		goto malformed;
	if (!(k = pubkey(pub))) {
		free(sig);
		return EMU_JWT_BADSIG;
	}
	rc = verify(alg, k, tok, (size_t)(d2 - tok), sig, siglen) ? EMU_JWT_OK : EMU_JWT_BADSIG;
	EVP_PKEY_free(k);
	free(sig);
	return rc;
malformed:
	cJSON_Delete(*hdr);
	cJSON_Delete(*claims);
	*hdr = *claims = NULL;
	return EMU_JWT_MALFORMED;
}
