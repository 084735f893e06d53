/* SPDX-License-Identifier: MIT */
/*
 * uri.c: the little the toolkit needs to know about URIs.  A blob URI may
 * carry a SAS in its query string, which is a bearer credential, so
 * messages show URIs through aml_uri_redact only.
 */
#include <arpa/inet.h>
#include <ctype.h>
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

/* The one loopback test: 127.0.0.0/8, ::1 (bracketed, as in a URL) and
 * the name localhost, which resolvers keep on the machine. */
static int
loopback(const char *host)
{
	char buf[64];
	struct in_addr a4;
	struct in6_addr a6;
	size_t n = strlen(host);

	if (!strcasecmp(host, "localhost"))
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (n > 2 && n < sizeof buf && host[0] == '[' && host[n - 1] == ']') {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		return inet_pton(AF_INET6, buf, &a6) == 1 &&
		    !memcmp(&a6, &in6addr_loopback, sizeof a6);
	}
	return 0;
}

int
aml_url_parse(const char *url, struct aml_url *u, const char **why)
{
	const char *p, *auth, *hend, *host, *port;
	size_t n;
	long v = 0;

	memset(u, 0, sizeof *u);
	for (p = url; *p; p++) {
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
	if (!(n = schemelen(url, &u->https))) {
		*why = "not an absolute https URI";
		return -1;
	}
	auth = url + n;
	hend = auth + strcspn(auth, "/?#");
	u->path = hend;
	/* user@host would make the origin a matter of parsing: refused. */
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
		p = memchr(host, ':', (size_t)(hend - host));
		p = p ? p : hend;
	}
	if (p == host || (size_t)(p - host) >= sizeof u->host) {
		*why = p == host ? "no host" : "a host name that is too long";
		return -1;
	}
	for (n = 0; host + n < p; n++)
		u->host[n] = (char)tolower((unsigned char)host[n]);
	u->host[n] = '\0';
	u->port = u->https ? 443 : 80;
	if (p < hend) {
		if (*p != ':' || p + 1 == hend) {
			*why = "a bad port";
			return -1;
		}
		for (port = p + 1; port < hend; port++)
			if (*port < '0' || *port > '9' || (v = v * 10 + (*port - '0')) > 65535) {
				*why = "a bad port";
				return -1;
			}
		if (v == 0) {
			*why = "a bad port";
			return -1;
		}
		u->port = (int)v;
	}
	u->loopback = loopback(u->host);
	return 0;
}

int
aml_url_same_origin(const struct aml_url *a, const struct aml_url *b)
{
	return a->https == b->https && a->port == b->port && !strcmp(a->host, b->host);
}

int
aml_url_check(const char *url, struct aml_url *u, const char **why)
{
	if (aml_url_parse(url, u, why) < 0)
		return -1;
	if (!u->https && !u->loopback) {
		*why = "plain http is allowed only for loopback addresses (use https)";
		return -1;
	}
	return 0;
}

int
aml_uri_check(const char *uri, const char **why)
{
	struct aml_url u;

	return aml_url_check(uri, &u, why);
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

char *
aml_sas_query(const char *sas)
{
	char *q;
	size_t n;

	while (*sas == ' ' || *sas == '\t')
		sas++;
	n = strcspn(sas, " \t\r\n");
	if (n && *sas == '?')
		sas++, n--;
	if (!n)
		return NULL;
	q = aml_xmalloc(n + 2);
	q[0] = '?';
	memcpy(q + 1, sas, n);
	q[n + 1] = '\0';
	aml_secret_hold(q + 1);
	return q;
}

/* What in a query makes a URL a credential: a SAS signature, or a key. */
static int
secret_query(const char *url)
{
	static const char *const names[] = { "sig", "code", "key", "api-key", "token", NULL };
	const char *q = strchr(url, '?'), *p;
	size_t n;

	for (p = q; p && *p; p += strcspn(p, "&")) {
		p++;
		for (const char *const *k = names; *k; k++) {
			n = strlen(*k);
			if (!strncasecmp(p, *k, n) && p[n] == '=')
				return 1;
		}
	}
	return 0;
}

int
aml_argv_secret(const char *opt, const char *url, const char *instead)
{
	if (!secret_query(url))
		return 0;
	aml_warn("%s: the URL carries a credential in its query, which every user of this machine "
	    "can read on a command line (ps); %s", opt, instead);
	return 1;
}

/* Subscription, tenant and client ids are GUIDs; anything else given
 * for one is a name to look up. */
int
aml_is_guid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	for (i = 0; shape[i]; i++)
		if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	return !s[i];
}
