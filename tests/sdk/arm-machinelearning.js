// tests/sdk/arm-machinelearning.js: drive aml-emulator's Azure Machine
// Learning with Microsoft's official JavaScript client,
// @azure/arm-machinelearning (AzureMachineLearningWorkspaces, its own
// api-version, its own pagers and long-running-operation pollers), with
// @azure/identity for the token.  Holds are set and lifted through the
// emulator's control API, so that nothing waits on a clock.  Each step
// prints one JSON line; tests/0552-emu-sdk-ml.t checks them.
"use strict";
const { AzureMachineLearningWorkspaces } = require("@azure/arm-machinelearning");
const { ClientSecretCredential } = require("@azure/identity");
const { createPipelineRequest } = require("@azure/core-rest-pipeline");

const env = process.env;
const poll = { updateIntervalInMs: 20 };
const rg = env.AML_DEMO_RG, ws = env.AML_DEMO_WORKSPACE, ep = env.AML_DEMO_ENDPOINT;

function out(step, fields) {
	console.log(JSON.stringify(Object.assign({ step }, fields)));
}

async function names(iter) {
	const v = [];
	for await (const x of iter)
		v.push(x.name);
	return v;
}

async function control(method, path, body) {
	const r = await fetch(`${env.AML_EMULATOR_URL}/_emu/${path}`, { method,
	    headers: { "Content-Type": "application/json" },
	    body: body === undefined ? undefined : JSON.stringify(body) });
	return r.status === 204 ? null : r.json();
}

async function main() {
	const cred = new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID,
	    env.AZURE_CLIENT_SECRET, { authorityHost: env.AZURE_AUTHORITY_HOST,
	    disableInstanceDiscovery: true });
	const client = new AzureMachineLearningWorkspaces(cred, env.AZURE_SUBSCRIPTION_ID,
	    { endpoint: env.AML_ARM_ENDPOINT,
	    credentialScopes: ["https://management.azure.com/.default"] });
	const w = `/subscriptions/${env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${rg}/providers/` +
	    `Microsoft.MachineLearningServices/workspaces/${ws}`;

	const e = await client.onlineEndpoints.get(rg, ws, ep);
	out("endpoint", { name: e.name, authMode: e.properties.authMode,
	    traffic: e.properties.traffic, state: e.properties.provisioningState,
	    scoringUri: e.properties.scoringUri, apiVersion: client.apiVersion });
	const d = await client.onlineDeployments.get(rg, ws, ep, env.AML_DEMO_DEPLOYMENT);
	out("deployment", { name: d.name, type: d.properties.endpointComputeType,
	    model: d.properties.model, state: d.properties.provisioningState });
	out("listEndpoints", { names: await names(client.onlineEndpoints.list(rg, ws)) });
	const k = await client.onlineEndpoints.listKeys(rg, ws, ep);
	out("listKeys", { primary: k.primaryKey.length > 20, secondary: k.secondaryKey.length > 20 });

	// A command job that trains, a model version from it.  This client's
	// serializer drops the uri of a uri_file input (its UriFileJobInput
	// mapper is registered under AssetJobInput, which the JobInput
	// discriminator never reaches), so the PUT goes through the client's
	// own pipeline with the body written out; the rest is the client's.
	const dropped = await client.jobs.createOrUpdate(rg, ws, "sdk-dropped", { properties: {
	    jobType: "Command", command: "python train.py", environmentId: "azureml:sklearn:1",
	    inputs: { training_data: { jobInputType: "uri_file", uri: env.TRAIN_URI } } } })
	    .then(() => "accepted", (err) => err.code + ": " + err.message);
	out("serializer", { answer: dropped });
	const put = await client.sendRequest(createPipelineRequest({ method: "PUT",
	    url: `${env.AML_ARM_ENDPOINT}${w}/jobs/sdk-train?api-version=${client.apiVersion}`,
	    body: JSON.stringify({ properties: {
	    jobType: "Command", command: "python train.py", environmentId: "azureml:sklearn:1",
	    inputs: { training_data: { jobInputType: "uri_file", uri: env.TRAIN_URI } },
	    outputs: { model_output: { jobOutputType: "custom_model" } } } }) }));
	const job = JSON.parse(put.bodyAsText);
	const done = await client.jobs.get(rg, ws, "sdk-train");
	out("job", { put: put.status, created: job.properties.status, then: done.properties.status,
	    jobType: done.properties.jobType, uri: done.properties.inputs.training_data.uri === env.TRAIN_URI });
	const mv = await client.modelVersions.createOrUpdate(rg, ws, env.AML_DEMO_MODEL, "2",
	    { properties: { modelUri: "azureml://jobs/sdk-train/outputs/model_output",
	    modelType: "custom_model", jobName: "sdk-train" } });
	out("modelVersion", { name: mv.name, modelType: mv.properties.modelType });

	// Cancel a job the emulator holds Running, then lift the hold.
	const h = await control("POST", "holds", { what: "job", match: "sdk-cancel" });
	await client.jobs.createOrUpdate(rg, ws, "sdk-cancel", { properties: {
	    jobType: "Command", command: "sleep 1h", environmentId: "azureml:sklearn:1" } });
	const poller = await client.jobs.beginCancel(rg, ws, "sdk-cancel", poll);
	await poller.poll();
	const mid = (await client.jobs.get(rg, ws, "sdk-cancel")).properties.status;
	await control("DELETE", `holds/${h.id}`);
	await poller.pollUntilDone();
	out("cancel", { during: mid, after: (await client.jobs.get(rg, ws, "sdk-cancel")).properties.status });

	// A deployment: created (201, Azure-AsyncOperation), then updated to
	// the new model (200, polled by GET), its sku patched (202, Location).
	const body = (model) => ({ location: e.location, sku: { name: "Default", capacity: 1 },
	    properties: { endpointComputeType: "Managed", model, instanceType: "Standard_DS3_v2" } });
	let g = await client.onlineDeployments.beginCreateOrUpdateAndWait(rg, ws, ep, "green",
	    body(`${w}/models/${env.AML_DEMO_MODEL}/versions/1`), poll);
	out("create", { name: g.name, state: g.properties.provisioningState });
	g = await client.onlineDeployments.beginCreateOrUpdateAndWait(rg, ws, ep, "green",
	    body(`${w}/models/${env.AML_DEMO_MODEL}/versions/2`), poll);
	out("update", { model: g.properties.model.split("/").pop(),
	    state: g.properties.provisioningState });
	g = await client.onlineDeployments.beginUpdateAndWait(rg, ws, ep, "green",
	    { tags: { by: "sdk" }, sku: { capacity: 2 } }, poll);
	out("patch", { capacity: g.sku.capacity, tag: g.tags.by, state: g.properties.provisioningState });
	out("listDeployments", { names: await names(client.onlineDeployments.list(rg, ws, ep)) });

	// Traffic: the whole endpoint PUT again.
	const cur = await client.onlineEndpoints.get(rg, ws, ep);
	cur.properties.traffic = { [env.AML_DEMO_DEPLOYMENT]: 50, green: 50 };
	const t = await client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, ep,
	    { location: cur.location, properties: { authMode: cur.properties.authMode,
	    traffic: cur.properties.traffic } }, poll);
	out("traffic", { traffic: t.properties.traffic, state: t.properties.provisioningState });
	const who = [];
	for (let i = 0; i < 4; i++) {
		const r = await fetch(t.properties.scoringUri, { method: "POST",
		    headers: { "Authorization": `Bearer ${k.primaryKey}`, "Content-Type": "application/json" },
		    body: JSON.stringify({ data: [[50, 16, 60, 15024]] }) });
		who.push(r.headers.get("azureml-model-deployment"));
	}
	out("score", { who });

	// Back to blue alone, then the green deployment goes.
	await client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, ep, { location: cur.location,
	    properties: { authMode: "Key", traffic: { [env.AML_DEMO_DEPLOYMENT]: 100 } } }, poll);
	await client.onlineDeployments.beginDeleteAndWait(rg, ws, ep, "green", poll);
	try {
		await client.onlineDeployments.get(rg, ws, ep, "green");
		out("delete", { gone: false });
	} catch (err) {
		out("delete", { gone: err.statusCode === 404, code: err.code });
	}
}

main().catch((e) => {
	out("error", { message: String(e && e.message), code: e && e.code, status: e && e.statusCode });
	process.exit(1);
});
