/* SPDX-License-Identifier: MIT */
/*
 * cert.c: a service principal's certificate, and the client assertion
 * it signs.  The certificate comes as a PEM file holding the certificate
 * and its private key (the key possibly encrypted) or as a PKCS#12 file
 * with a password; OpenSSL decrypts it here, and it would otherwise
 * prompt on the terminal for a pass phrase.  The assertion is RS256,
 * signed with OpenSSL (libjwt is not linked: loading it and its JSON
 * library cost every network program time at start), with x5t, the SHA-1
 * thumbprint Entra ID matches against the registered certificate, and
 * x5t#S256 besides; x5c carries the chain when asked for (subject name
 * and issuer authentication).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "amlnet.h"

#define ASSERTION_LIFETIME 600	/* seconds, as MSAL */

static void
b64_put(const unsigned char *in, size_t n, int url, struct aml_wbuf *w)
{
	static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *t = url ? safe : std;
	unsigned long v;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
		aml_wputc(w, t[v >> 18 & 63]);
		aml_wputc(w, t[v >> 12 & 63]);
		aml_wputc(w, t[v >> 6 & 63]);
		aml_wputc(w, t[v & 63]);
	}
	if (n - i == 1) {
		v = (unsigned long)in[i] << 16;
		aml_wputc(w, t[v >> 18 & 63]);
		aml_wputc(w, t[v >> 12 & 63]);
		if (!url)
			aml_wputs(w, "==");
	} else if (n - i == 2) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;
		aml_wputc(w, t[v >> 18 & 63]);
		aml_wputc(w, t[v >> 12 & 63]);
		aml_wputc(w, t[v >> 6 & 63]);
		if (!url)
			aml_wputc(w, '=');
	}
}

static char *
b64(const void *in, size_t n, int url)
{
	struct aml_wbuf w;

	aml_wbuf_init(&w, -1);
	b64_put(in, n, url, &w);
	return aml_wbuf_take(&w);
}

/* OpenSSL's default would prompt on the terminal: give the password we
 * have, or none. */
static int
passcb(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	size_t n;

	if (!pw)
		return -1;
	n = strlen(pw);
	if (n >= (size_t)size)
		return -1;
	memcpy(buf, pw, n);
	return (int)n;
}

static const char *
sslerr(void)
{
	static char buf[160];
	unsigned long e = ERR_peek_last_error();

	if (!e)
		return "no certificate or key found";
	ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return buf;
}

static time_t
asn1time(const ASN1_TIME *a)
{
	struct tm tm;

	if (!a || !ASN1_TIME_to_tm(a, &tm))
		return 0;
	return timegm(&tm);
}

static int
load_pem(const char *buf, size_t len, const char *pw, EVP_PKEY **key, X509 **cert,
    STACK_OF(X509) **chain, const char **why)
{
	BIO *bio = BIO_new_mem_buf(buf, (int)len);
	X509 *x;

	*key = NULL;
	*cert = NULL;
	*chain = sk_X509_new_null();
	if (!bio || !*chain)
		aml_die("out of memory");
	if (!(*key = PEM_read_bio_PrivateKey(bio, NULL, passcb, (void *)pw))) {
		unsigned long e = ERR_peek_last_error();

		*why = ERR_GET_REASON(e) == PEM_R_BAD_PASSWORD_READ || ERR_GET_REASON(e) == PEM_R_BAD_DECRYPT ||
		    ERR_GET_REASON(e) == EVP_R_BAD_DECRYPT ? "cannot decrypt the private key (wrong or missing password)"
		    : "no private key in the PEM file";
		ERR_clear_error();
		BIO_free(bio);
		return -1;
	}
	/* The key may come before or after the certificates. */
	BIO_free(bio);
	bio = BIO_new_mem_buf(buf, (int)len);
	while ((x = PEM_read_bio_X509(bio, NULL, passcb, NULL))) {
		if (!*cert && X509_check_private_key(x, *key))
			*cert = x;
		else
			sk_X509_push(*chain, x);
	}
	ERR_clear_error();
	BIO_free(bio);
	if (!*cert) {
		*why = "no certificate matching the private key in the PEM file";
		return -1;
	}
	return 0;
}

static int
load_p12(const char *buf, size_t len, const char *pw, EVP_PKEY **key, X509 **cert,
    STACK_OF(X509) **chain, const char **why)
{
	const unsigned char *p = (const unsigned char *)buf;
	PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)len);
	int ok;

	*key = NULL;
	*cert = NULL;
	*chain = NULL;
	if (!p12) {
		*why = "neither PEM nor PKCS#12";
		ERR_clear_error();
		return -1;
	}
	ok = PKCS12_parse(p12, pw ? pw : "", key, cert, chain);
	if (!ok && !pw)
		ok = PKCS12_parse(p12, NULL, key, cert, chain);
	PKCS12_free(p12);
	if (!ok || !*key || !*cert) {
		*why = pw ? "cannot open the PKCS#12 file (wrong password?)"
		    : "cannot open the PKCS#12 file (it needs a password: AZURE_CLIENT_CERTIFICATE_PASSWORD or --certificate-password-file)";
		ERR_clear_error();
		return -1;
	}
	if (!*chain && !(*chain = sk_X509_new_null()))
		aml_die("out of memory");
	return 0;
}

static char *
thumb(X509 *x, const EVP_MD *md)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n;

	if (!X509_digest(x, md, d, &n))
		aml_die("X509_digest: %s", sslerr());
	return b64(d, n, 1);
}

static void
x5c_add(struct aml_wbuf *w, X509 *x, int first)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);

	if (n <= 0)
		aml_die("i2d_X509: %s", sslerr());
	aml_wputs(w, first ? "[\"" : ",\"");
	b64_put(der, (size_t)n, 0, w);
	aml_wputc(w, '"');
	OPENSSL_free(der);
}

int
aml_cert_load(const char *path, const char *password, struct aml_cert *c, const char **why)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	struct aml_wbuf w;
	BIO *mem;
	BUF_MEM *bm;
	char *buf;
	size_t len;
	int i, r;

	memset(c, 0, sizeof *c);
	*why = NULL;
	if (aml_slurp(path, 1u << 20, &buf, &len) < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (memmem(buf, len, "-----BEGIN", 10))
		r = load_pem(buf, len, password, &key, &cert, &chain, why);
	else
		r = load_p12(buf, len, password, &key, &cert, &chain, why);
	aml_wipe(buf, len);
	free(buf);
	if (r < 0)
		goto out;
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		*why = "the key is not RSA (RS256 assertions need an RSA key)";
		r = -1;
		goto out;
	}
	/* Kept as unencrypted PEM for signing; secure memory is cleansed
	 * when freed. */
	if (!(mem = BIO_new(BIO_s_secmem())))
		aml_die("out of memory");
	if (!PEM_write_bio_PrivateKey(mem, key, NULL, NULL, 0, NULL, NULL))
		aml_die("PEM_write_bio_PrivateKey: %s", sslerr());
	BIO_get_mem_ptr(mem, &bm);
	c->keylen = bm->length;
	c->keypem = aml_xmalloc(bm->length + 1);
	memcpy(c->keypem, bm->data, bm->length);
	c->keypem[bm->length] = '\0';
	BIO_free(mem);
	c->x5t = thumb(cert, EVP_sha1());
	c->x5t256 = thumb(cert, EVP_sha256());
	c->not_before = asn1time(X509_get0_notBefore(cert));
	c->not_after = asn1time(X509_get0_notAfter(cert));
	aml_wbuf_init(&w, -1);
	x5c_add(&w, cert, 1);
	for (i = 0; i < sk_X509_num(chain); i++)
		x5c_add(&w, sk_X509_value(chain, i), 0);
	aml_wputc(&w, ']');
	c->x5c = aml_wbuf_take(&w);
out:
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	return r;
}

void
aml_cert_free(struct aml_cert *c)
{
	if (c->keypem) {
		aml_wipe(c->keypem, c->keylen);
		free(c->keypem);
	}
	free(c->x5t);
	free(c->x5t256);
	free(c->x5c);
	memset(c, 0, sizeof *c);
}

/* A JSON string for the header or payload; the values are ids, URLs and
 * thumbprints, but escape them all the same. */
static void
jstr(struct aml_wbuf *w, const char *key, const char *val)
{
	aml_jw_escape(w, key, strlen(key));
	aml_wputc(w, ':');
	aml_jw_escape(w, val, strlen(val));
}

/* base64url(header) "." base64url(payload) "." base64url(RS256 signature):
 * RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 3.3), signed by OpenSSL, which
 * the network programs load anyway for TLS. */
static char *
jws_rs256(const struct aml_cert *c, const char *hdr, const char *payload)
{
	char *h = b64(hdr, strlen(hdr), 1), *p = b64(payload, strlen(payload), 1);
	char *input = aml_xasprintf("%s.%s", h, p), *sig64, *out;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY *key = NULL;
	unsigned char *sig;
	size_t siglen = 0;
	BIO *mem;

	free(h);
	free(p);
	if (!md || !(mem = BIO_new_mem_buf(c->keypem, (int)c->keylen)))
		aml_die("out of memory");
	key = PEM_read_bio_PrivateKey(mem, NULL, passcb, NULL);	/* never a prompt */
	BIO_free(mem);
	if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)input, strlen(input)) != 1)
		aml_die("client assertion: signing failed: %s", key ? sslerr() : "bad key");
	sig = aml_xmalloc(siglen);
	if (EVP_DigestSign(md, sig, &siglen, (const unsigned char *)input, strlen(input)) != 1)
		aml_die("client assertion: signing failed: %s", sslerr());
	sig64 = b64(sig, siglen, 1);
	out = aml_xasprintf("%s.%s", input, sig64);
	free(sig64);
	free(sig);
	free(input);
	EVP_PKEY_free(key);
	EVP_MD_CTX_free(md);
	return out;
}

char *
aml_cert_assertion(const struct aml_cert *c, const char *client_id, const char *aud, int chain)
{
	char jti[37], *hdr, *payload, *out;
	long now = (long)time(NULL);
	struct aml_wbuf w;

	aml_uuid(jti);
	/* Members in the order libjwt wrote them (sorted), for the same
	 * assertion as before. */
	aml_wbuf_init(&w, -1);
	aml_wputc(&w, '{');
	jstr(&w, "alg", "RS256");
	aml_wputc(&w, ',');
	jstr(&w, "typ", "JWT");
	if (chain)
		aml_wprintf(&w, ",\"x5c\":%s", c->x5c);
	aml_wputc(&w, ',');
	jstr(&w, "x5t", c->x5t);
	aml_wputc(&w, ',');
	jstr(&w, "x5t#S256", c->x5t256);
	aml_wputc(&w, '}');
	hdr = aml_wbuf_take(&w);

	aml_wbuf_init(&w, -1);
	aml_wputc(&w, '{');
	jstr(&w, "aud", aud);
	aml_wprintf(&w, ",\"exp\":%ld,\"iat\":%ld,", now + ASSERTION_LIFETIME, now);
	jstr(&w, "iss", client_id);
	aml_wputc(&w, ',');
	jstr(&w, "jti", jti);
	aml_wprintf(&w, ",\"nbf\":%ld,", now);
	jstr(&w, "sub", client_id);
	aml_wputc(&w, '}');
	payload = aml_wbuf_take(&w);

	out = jws_rs256(c, hdr, payload);
	free(hdr);
	free(payload);
	return out;
}
