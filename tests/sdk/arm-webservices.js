// tests/sdk/arm-webservices.js: drive aml-emulator with Microsoft's
// official JavaScript clients, @azure/identity (MSAL underneath) for the
// token and @azure/arm-webservices (AzureMLWebServicesManagementClient,
// api-version 2017-01-01) for Resource Manager.  Each step prints one
// JSON line; tests/0550-emu-sdk.t checks them.
"use strict";
const { AzureMLWebServicesManagementClient } = require("@azure/arm-webservices");
const { ClientSecretCredential } = require("@azure/identity");

const env = process.env;
const poll = { updateIntervalInMs: 20 };

function out(step, fields) {
	console.log(JSON.stringify(Object.assign({ step }, fields)));
}

async function names(iter) {
	const v = [];
	for await (const x of iter)
		v.push(x.name);
	return v;
}

async function main() {
	const cred = new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID,
	    env.AZURE_CLIENT_SECRET, { authorityHost: env.AZURE_AUTHORITY_HOST,
	    disableInstanceDiscovery: true });
	const client = new AzureMLWebServicesManagementClient(cred, env.AZURE_SUBSCRIPTION_ID,
	    { endpoint: env.AML_ARM_ENDPOINT,
	    credentialScopes: ["https://management.azure.com/.default"] });
	const rg = env.AML_DEMO_RG, ws = env.AML_DEMO_WS;

	let s = await client.webServices.get(rg, ws);
	out("get", { name: s.name, packageType: s.properties.packageType,
	    assets: Object.keys(s.properties.assets || {}).length,
	    model: Object.values(s.properties.assets).filter((a) => a.type === "Resource")
	    .map((a) => a.locationInfo.uri)[0], keys: s.properties.keys === undefined });
	out("listByResourceGroup", { names: await names(client.webServices.listByResourceGroup(rg)) });
	out("listBySubscriptionId", { names: await names(client.webServices.listBySubscriptionId()) });
	const k = await client.webServices.listKeys(rg, ws);
	out("listKeys", { primary: k.primary.length, secondary: k.secondary.length });

	s = await client.webServices.beginPatchAndWait(rg, ws,
	    { properties: { packageType: "Graph", title: "Patched by the SDK" } }, poll);
	out("patch", { title: s.properties.title, state: s.properties.provisioningState });

	const def = await client.webServices.get(rg, ws);
	s = await client.webServices.beginCreateOrUpdateAndWait(rg, "sdk-created",
	    { location: def.location, properties: def.properties }, poll);
	out("create", { name: s.name, state: s.properties.provisioningState,
	    title: s.properties.title });

	await client.webServices.beginCreateRegionalPropertiesAndWait(rg, ws, "westcentralus", poll);
	s = await client.webServices.get(rg, ws, { region: "westcentralus" });
	out("region", { name: s.name });

	await client.webServices.beginRemoveAndWait(rg, "sdk-created", poll);
	try {
		await client.webServices.get(rg, "sdk-created");
		out("remove", { gone: false });
	} catch (e) {
		out("remove", { gone: e.statusCode === 404, code: e.code,
		    requestId: Boolean(e.request && e.response && e.response.headers.get("x-ms-request-id")) });
	}
	out("operations", { names: await names(client.operations.list()) });
}

main().catch((e) => {
	out("error", { message: String(e && e.message), code: e && e.code, status: e && e.statusCode });
	process.exit(1);
});
