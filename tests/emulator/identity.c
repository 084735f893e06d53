/* SPDX-License-Identifier: MIT */
/*
 * identity.c: who the emulator is (tenant, subscription, applications
 * and their secrets, keys and certificates), generated afresh at every
 * start unless --state loaded one, and the configuration it runs with.
 */
#include <stdlib.h>
#include <string.h>

#include "emu.h"

struct emu_config emu_cfg = {
	.lro_ms = 300,
	.page_size = 100,
	.token_lifetime = 86399,	/* as recorded (notes/auth.md §1.2) */
	.device_interval = 5,
	.device_expires_in = 900,
	.federated_lifetime = 600,
};
struct emu_config emu_config_initial;
char *emu_base;
char *emu_dir;

static char *
guid(void)
{
	char g[37];

	emu_guid(g);
	return aml_xstrdup(g);
}

/* Entra client secrets look like "Xy18Q~" and 34 characters more, some
 * of which need URL encoding in a form: clients must encode them. */
static char *
client_secret(void)
{
	static const char alnum[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static const char more[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-";
	unsigned char r[40];
	char *s = aml_xmalloc(41);

	emu_random(r, sizeof r);
	for (int i = 0; i < 3; i++)
		s[i] = alnum[r[i] % (sizeof alnum - 1)];
	memcpy(s + 3, "8Q~", 3);
	for (int i = 6; i < 40; i++)
		s[i] = more[r[i] % (sizeof more - 1)];
	s[10] = '.';
	s[20] = '~';
	s[40] = '\0';
	return s;
}

static void
put(cJSON *o, const char *k, char *v)
{
	cJSON_AddStringToObject(o, k, v);
	free(v);
}

void
emu_identity_make(void)
{
	cJSON *id;
	char *key, *cert, *skey, *scert;

	emu_state = cJSON_CreateObject();
	id = cJSON_AddObjectToObject(emu_state, "identity");
	put(id, "tenantId", guid());
	cJSON_AddStringToObject(id, "tenantDomain", "amlemulator.onmicrosoft.com");
	put(id, "subscriptionId", guid());
	cJSON_AddStringToObject(id, "subscriptionName", "Azure ML Emulator");
	cJSON_AddStringToObject(id, "demoGroup", "aml-demo-rg");
	cJSON_AddStringToObject(id, "demoService", "aml-demo-ws");

	put(id, "spClientId", guid());
	put(id, "spObjectId", guid());
	put(id, "spSecret", client_secret());

	key = emu_rsa_keygen();
	cert = emu_cert_selfsigned(key, "aml-emulator-sp-cert", 365);
	put(id, "certClientId", guid());
	put(id, "certObjectId", guid());
	cJSON_AddStringToObject(id, "certKey", key);
	cJSON_AddStringToObject(id, "cert", cert);
	put(id, "certX5t", emu_cert_thumb(cert, 0, 1));
	put(id, "certX5tS256", emu_cert_thumb(cert, 1, 1));
	put(id, "certThumbprint", emu_cert_thumb(cert, 0, 0));
	put(id, "pfxPassword", emu_random_token(12));
	aml_freesecret(key);
	free(cert);

	cJSON_AddStringToObject(id, "userName", "emu.user@amlemulator.onmicrosoft.com");
	cJSON_AddStringToObject(id, "userDisplayName", "Emulated User");
	put(id, "userObjectId", guid());

	put(id, "miClientId", guid());
	put(id, "miObjectId", guid());
	put(id, "identityHeader", guid());

	put(id, "fedClientId", guid());
	put(id, "fedObjectId", guid());
	cJSON_AddStringToObject(id, "fedSubject", "system:serviceaccount:aml:aml-emulator");
	cJSON_AddStringToObject(id, "fedAudience", "api://AzureADTokenExchange");

	skey = emu_rsa_keygen();
	scert = emu_cert_selfsigned(skey, "aml-emulator token signing", 365);
	cJSON_AddStringToObject(id, "signingKey", skey);
	cJSON_AddStringToObject(id, "signingCert", scert);
	put(id, "signingX5t", emu_cert_thumb(scert, 0, 1));
	put(id, "signingPublic", emu_pubkey_pem(skey));
	aml_freesecret(skey);
	free(scert);
}
