/* SPDX-License-Identifier: MIT */
/*
 * redact.c: the one function that masks secrets in text meant for a
 * human (the -v trace, error messages quoting a server's body).  It
 * knows no format: it looks for a secret's name followed by ':' or '='
 * and masks the value, whether the text is a header line, a query
 * string, a form, a connection string or JSON, and it masks anything
 * shaped like a JWT wherever it appears.  Masking too much in a trace
 * costs nothing; masking too little leaks a credential into a log.
 *
 * Names are not enough: a server may echo a secret back anywhere (in
 * an error description, as an opaque token on a line of its own), so
 * the secrets the program holds (err.c) are also masked by their
 * value, here as in every message.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aml.h"

#define MASK "***"

/* Names whose value runs to the end of the line (header values). */
static const char *const linenames[] = {
	"authorization", "proxy-authorization", "cookie", "set-cookie",
	"x-identity-header", "secret", "ocp-apim-subscription-key",
	"x-functions-key", "api-key", NULL
};

/* Names whose value is one token: a JSON string, or a run up to the
 * next separator in forms, queries and connection strings. */
static const char *const names[] = {
	"access_token", "refresh_token", "id_token", "accessToken",
	"refreshToken", "idToken", "client_secret", "clientSecret",
	"client_assertion", "assertion", "device_code", "deviceCode",
	"password", "passwd", "pwd", "token", "apikey", "api_key", "key",
	"keys", "primary", "secondary", "primaryKey", "secondaryKey", "key1",
	"key2", "AccountKey", "sig", "SasBlobToken", "SharedAccessSignature",
	"SharedAccessKey", NULL
};

static int
identc(int c)
{
	return isalnum(c) || c == '_' || c == '-';
}

/* Length of the name at s (one of list), or 0. */
static size_t
namelen(const char *s, size_t n, const char *const *list)
{
	size_t k;

	for (; *list; list++) {
		k = strlen(*list);
		if (k <= n && !strncasecmp(s, *list, k) && (k == n || !identc((unsigned char)s[k])))
			return k;
	}
	return 0;
}

/* A JWT: "eyJ" then base64url, a dot, base64url, a dot. */
static size_t
jwtlen(const char *s, size_t n)
{
	size_t i = 3;
	int dots = 0;

	if (n < 3 || memcmp(s, "eyJ", 3))
		return 0;
	for (; i < n; i++) {
		if (s[i] == '.')
			dots++;
		else if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '=')
			break;
	}
	return dots >= 2 ? i : 0;
}

/* The value after a secret's name starts at s + *at: skip a closing
 * quote, blanks and the ':' or '='; returns the value's start or 0. */
static size_t
valuestart(const char *s, size_t n, size_t i)
{
	if (i < n && (s[i] == '"' || s[i] == '\''))
		i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || (s[i] != ':' && s[i] != '='))
		return 0;
	i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

/* End of a JSON object or array starting at s[i]: through its closing
 * bracket, strings skipped whole; n when it does not close. */
static size_t
nestedend(const char *s, size_t n, size_t i)
{
	int depth = 0;

	for (; i < n; i++) {
		if (s[i] == '"') {
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
		} else if (s[i] == '{' || s[i] == '[') {
			depth++;
		} else if ((s[i] == '}' || s[i] == ']') && --depth == 0) {
			return i + 1;
		}
	}
	return n;
}

/* End of a value: a quoted JSON string (through its closing quote), an
 * object or array whole (a graph parameter's {"value": ...} is as
 * secret as a bare string), a run up to a separator, or (line) the end
 * of the line. */
static size_t
valueend(const char *s, size_t n, size_t i, int line, size_t *from)
{
	*from = i;
	if (s[i] == '"') {
		*from = ++i;
		while (i < n && s[i] != '"')
			i += s[i] == '\\' && i + 1 < n ? 2 : 1;
		return i;
	}
	if (s[i] == '{' || s[i] == '[')
		return nestedend(s, n, i);
	if (line) {
		while (i < n && s[i] != '\r' && s[i] != '\n')
			i++;
		return i;
	}
	while (i < n && !strchr("&;, \t\r\n\"'{}[]<>", s[i]))
		i++;
	return i;
}

char *
aml_redact(const char *s, size_t n)
{
	struct aml_wbuf w;
	size_t i = 0, k, v, from, end;
	char *out, *masked;
	int line;

	aml_wbuf_init(&w, -1);
	while (i < n) {
		if ((k = jwtlen(s + i, n - i)) && (i == 0 || !identc((unsigned char)s[i - 1]))) {
			aml_wputs(&w, "eyJ" MASK);
			i += k;
			continue;
		}
		k = 0;
		line = 0;
		if (i == 0 || !identc((unsigned char)s[i - 1])) {
			if ((k = namelen(s + i, n - i, linenames)))
				line = 1;
			else
				k = namelen(s + i, n - i, names);
		}
		if (k && (v = valuestart(s, n, i + k)) && v < n) {
			end = valueend(s, n, v, line, &from);
			if (end > from) {
				aml_wput(&w, s + i, from - i);
				aml_wputs(&w, MASK);
				i = end;
				continue;
			}
		}
		aml_wputc(&w, s[i]);
		i++;
	}
	out = aml_wbuf_take(&w);
	masked = aml_mask_held(out);
	aml_freesecret(out);
	return masked;
}
