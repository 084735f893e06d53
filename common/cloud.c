/* SPDX-License-Identifier: MIT */
/*
 * cloud.c: the Azure clouds and their endpoints (az's cloud.py, the
 * azure-identity KnownAuthorities), and the rule for endpoint URLs
 * given by users: a bare host means https, and plain http is allowed
 * only for loopback, so that the local emulator works and nothing else
 * can downgrade a sign-in to cleartext.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "amlnet.h"

static const struct aml_cloud clouds[] = {
	{ "AzureCloud", "https://login.microsoftonline.com",
	  "https://management.azure.com", "https://management.azure.com/" },
	{ "AzureChinaCloud", "https://login.chinacloudapi.cn",
	  "https://management.chinacloudapi.cn", "https://management.chinacloudapi.cn/" },
	{ "AzureUSGovernment", "https://login.microsoftonline.us",
	  "https://management.usgovcloudapi.net", "https://management.usgovcloudapi.net/" },
};

const struct aml_cloud *
aml_cloud_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof clouds / sizeof clouds[0]; i++)
		if (!strcasecmp(clouds[i].name, name))
			return &clouds[i];
	return NULL;
}

/* "host", "host:port", "https://host/" or "http://127.0.0.1:8080":
 * a base URL without a trailing slash, or NULL (why says why). */
char *
aml_base_url(const char *s, const char **why)
{
	struct aml_url parts;
	char *u;
	size_t n;

	*why = NULL;
	if (!s || !*s) {
		*why = "empty";
		return NULL;
	}
	if (strstr(s, "://"))
		u = aml_xstrdup(s);
	else
		u = aml_xasprintf("https://%s", s);
	if (aml_url_check(u, &parts, why) < 0) {
		free(u);
		return NULL;
	}
	if (strchr(parts.path, '?') || strchr(parts.path, '#')) {
		free(u);
		*why = "a base URL has no query or fragment";
		return NULL;
	}
	n = strlen(u);
	while (n && u[n - 1] == '/')
		u[--n] = '\0';
	return u;
}
