/* SPDX-License-Identifier: MIT */
/*
 * uri.c: the little the toolkit needs to know about URIs.  A blob URI may
 * carry a SAS in its query string, which is a bearer credential, so
 * messages show URIs through aml_uri_redact only.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aml.h"

/* RFC 3986: unreserved, gen-delims and sub-delims ('%' is checked apart). */
static int
uric(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c && strchr("-._~:/?#[]@!$&'()*+,;=", c) != NULL;
}

static int
ishex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Where the scheme's "://" ends, or 0 when uri is not http(s). */
static size_t
schemelen(const char *uri, int *https)
{
	if (!strncasecmp(uri, "https://", 8)) {
		*https = 1;
		return 8;
	}
	if (!strncasecmp(uri, "http://", 7)) {
		*https = 0;
		return 7;
	}
	return 0;
}

int
aml_uri_loopback(const char *host, size_t n)
{
	char buf[64];
	struct in_addr a4;
	struct in6_addr a6;

	if (n >= sizeof buf)
		return 0;
	memcpy(buf, host, n);
	buf[n] = '\0';
	if (!strcasecmp(buf, "localhost"))
		return 1;
	if (inet_pton(AF_INET, buf, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (n > 2 && buf[0] == '[' && buf[n - 1] == ']') {
		buf[n - 1] = '\0';
		return inet_pton(AF_INET6, buf + 1, &a6) == 1 &&
		    !memcmp(&a6, &in6addr_loopback, sizeof a6);
	}
	return 0;
}

int
aml_uri_check(const char *uri, const char **why)
{
	const char *p, *auth, *host, *hend;
	size_t n;
	int https;

	for (p = uri; *p; p++) {
		if (*p == '%') {
			if (!ishex((unsigned char)p[1]) || !ishex((unsigned char)p[2])) {
				*why = "a '%' that does not start a %XX escape";
				return -1;
			}
			p += 2;
		} else if (!uric((unsigned char)*p)) {
			*why = "a character not allowed in a URI (a space, a quote, a control or non-ASCII character)";
			return -1;
		}
	}
	if (!(n = schemelen(uri, &https))) {
		*why = "not an absolute https URI";
		return -1;
	}
	auth = uri + n;
	hend = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(hend - auth))) {
		*why = "user information in a URI is not accepted";
		return -1;
	}
	host = auth;
	if (*host == '[') {
		if (!(p = memchr(host, ']', (size_t)(hend - host)))) {
			*why = "an unterminated IPv6 address";
			return -1;
		}
		p++;
	} else {
		for (p = host; p < hend && *p != ':'; p++)
			;
	}
	if (p == host) {
		*why = "no host";
		return -1;
	}
	if (p < hend) {
		const char *q = p + 1;
		long port = 0;

		if (*p != ':' || q == hend) {
			*why = "a bad port";
			return -1;
		}
		for (; q < hend; q++) {
			if (*q < '0' || *q > '9' || (port = port * 10 + (*q - '0')) > 65535) {
				*why = "a bad port";
				return -1;
			}
		}
		if (port == 0) {
			*why = "a bad port";
			return -1;
		}
	}
	if (!https && !aml_uri_loopback(host, (size_t)(p - host))) {
		*why = "plain http is accepted only for a loopback host (127.0.0.0/8, ::1, localhost); use https";
		return -1;
	}
	return 0;
}

char *
aml_uri_redact(const char *uri)
{
	struct aml_wbuf w;
	const char *auth, *at, *hend, *q;
	size_t n;
	int https;

	aml_wbuf_init(&w, -1);
	n = schemelen(uri, &https);
	auth = uri + n;
	hend = auth + strcspn(auth, "/?#");
	at = NULL;
	for (q = auth; q < hend; q++)
		if (*q == '@')
			at = q;
	aml_wput(&w, uri, n);
	if (at) {
		aml_wputs(&w, "<redacted>");
		auth = at;
	}
	q = auth + strcspn(auth, "?#");
	aml_wput(&w, auth, (size_t)(q - auth));
	if (*q)
		aml_wputs(&w, *q == '?' ? "?<redacted>" : "#<redacted>");
	return aml_wbuf_take(&w);
}

int
aml_uri_path_ends(const char *uri, const char *suffix)
{
	size_t n = strcspn(uri, "?#"), k = strlen(suffix);

	return n >= k && !memcmp(uri + n - k, suffix, k);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
aml_urldec(const char *s, size_t n, int plus)
{
	char *out = aml_xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < n &&
		    (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus && s[i] == '+') {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}
