// bench/mlsdk.js: the update bench/mlpipeline.sh times, done in one Node
// process by Microsoft's JavaScript client @azure/arm-machinelearning
// (with @azure/identity for the token), for bench/mlsdk.sh: get the
// demo online deployment, point it at the other of the model's versions
// 1 and 2, begin its create-or-update and poll until done (the client's
// own poller, every AML_POLL_MS ms), COUNT times in a row (1 unless
// given).  It prints one JSON line of times in ms, as performance.now()
// counts them from the start of the process: "start" when this file
// begins to run (Node's own startup), "require" to load the client,
// "calls" each get + PUT + poll; with MLSDK_TIMES the line is also
// appended to that file (hyperfine throws standard output away).
//
//	node bench/mlsdk.js [count]
"use strict";
const start = performance.now();
const { AzureMachineLearningWorkspaces } = require("@azure/arm-machinelearning");
const { ClientSecretCredential } = require("@azure/identity");
const loaded = performance.now();

const env = process.env;
const count = Number(process.argv[2] || 1);
const rg = env.AML_DEMO_RG, ws = env.AML_DEMO_WORKSPACE;
const ep = env.AML_DEMO_ENDPOINT, dep = env.AML_DEMO_DEPLOYMENT;
const poll = { updateIntervalInMs: Number(env.AML_POLL_MS || 1000) };

// One get + PUT: the deployment as the client reads it goes back with
// the other model version (the client's serializer leaves out what is
// read-only); the result must say so, and Succeeded.
async function once(client) {
	const t = performance.now();
	const d = await client.onlineDeployments.get(rg, ws, ep, dep);
	const m = d.properties.model;
	d.properties.model = m.replace(/\/versions\/[^/]+$/, m.endsWith("/versions/1") ?
	    "/versions/2" : "/versions/1");
	const r = await client.onlineDeployments.beginCreateOrUpdateAndWait(rg, ws, ep, dep, d, poll);
	if (r.properties.model !== d.properties.model || r.properties.provisioningState !== "Succeeded")
		throw new Error(`the deployment is on ${r.properties.model}, ${r.properties.provisioningState}`);
	return performance.now() - t;
}

async function main() {
	const cred = new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID,
	    env.AZURE_CLIENT_SECRET, { authorityHost: env.AZURE_AUTHORITY_HOST,
	    disableInstanceDiscovery: true });
	const client = new AzureMachineLearningWorkspaces(cred, env.AZURE_SUBSCRIPTION_ID,
	    { endpoint: env.AML_ARM_ENDPOINT,
	    credentialScopes: ["https://management.azure.com/.default"] });
	const calls = [];
	for (let i = 0; i < count; i++)
		calls.push(await once(client));
	const line = JSON.stringify({ start, require: loaded - start, calls,
	    apiVersion: client.apiVersion }) + "\n";
	process.stdout.write(line);
	if (env.MLSDK_TIMES)
		require("fs").appendFileSync(env.MLSDK_TIMES, line);
}

main().catch((e) => {
	console.error(`mlsdk.js: ${e && e.message}`);
	process.exit(1);
});
