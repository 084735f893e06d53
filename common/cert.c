/* SPDX-License-Identifier: MIT */
/*
 * cert.c: a service principal's certificate, and the client assertion
 * it signs.  The certificate comes as a PEM file holding the certificate
 * and its private key (the key possibly encrypted) or as a PKCS#12 file
 * with a password; OpenSSL decrypts it here, because libjwt hands PEM to
 * OpenSSL, which would prompt on the terminal for a pass phrase.  The
 * assertion is RS256 (libjwt 1.10 has no PS256) with x5t, the SHA-1
 * thumbprint Entra ID matches against the registered certificate, and
 * x5t#S256 besides; x5c carries the chain when asked for (subject name
 * and issuer authentication).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "aml.h"

#define ASSERTION_LIFETIME 600	/* seconds, as MSAL */

static void
b64(const unsigned char *in, size_t n, int url, struct aml_wbuf *w)
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

char *
aml_b64(const void *in, size_t n, int url)
{
	struct aml_wbuf w;

	aml_wbuf_init(&w, -1);
	b64(in, n, url, &w);
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
	return aml_b64(d, n, 1);
}

static void
x5c_add(struct aml_wbuf *w, X509 *x, int first)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);

	if (n <= 0)
		aml_die("i2d_X509: %s", sslerr());
	aml_wputs(w, first ? "[\"" : ",\"");
	b64(der, (size_t)n, 0, w);
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
	/* libjwt wants the key as unencrypted PEM; secure memory is
	 * cleansed when freed. */
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

char *
aml_cert_assertion(const struct aml_cert *c, const char *client_id, const char *aud, int chain)
{
	char jti[37], *hdr, *out;
	time_t now = time(NULL);
	jwt_t *j;

	if (jwt_new(&j))
		aml_die("out of memory");
	aml_uuid(jti);
	if (jwt_set_alg(j, JWT_ALG_RS256, (const unsigned char *)c->keypem, (int)c->keylen) ||
	    jwt_add_header(j, "x5t", c->x5t) || jwt_add_header(j, "x5t#S256", c->x5t256) ||
	    jwt_add_grant(j, "aud", aud) || jwt_add_grant(j, "iss", client_id) ||
	    jwt_add_grant(j, "sub", client_id) || jwt_add_grant(j, "jti", jti) ||
	    jwt_add_grant_int(j, "nbf", (long)now) || jwt_add_grant_int(j, "iat", (long)now) ||
	    jwt_add_grant_int(j, "exp", (long)now + ASSERTION_LIFETIME))
		aml_die("client assertion: cannot build the JWT");
	if (chain) {
		hdr = aml_xasprintf("{\"x5c\":%s}", c->x5c);
		if (jwt_add_headers_json(j, hdr))
			aml_die("client assertion: cannot add x5c");
		free(hdr);
	}
	errno = 0;
	if (!(out = jwt_encode_str(j)))
		aml_die("client assertion: signing failed: %s", errno ? strerror(errno) : "bad key");
	jwt_free(j);
	return out;
}
