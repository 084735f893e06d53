# tests/sdk/arm-machinelearning.py: drive aml-emulator's Azure Machine
# Learning with Microsoft's generated Python client as Debian packages it
# (python3-azure: azure-mgmt-machinelearningservices, api-version
# 2022-10-01), azure-identity for the token.  Holds are set and lifted
# through the emulator's control API, so nothing waits on a clock.  Each
# step prints one JSON line; tests/0553-emu-sdk-ml-python.t checks them.
import json
import os
import sys
import urllib.request

from azure.core.exceptions import HttpResponseError
from azure.identity import ClientSecretCredential
from azure.mgmt.machinelearningservices import MachineLearningServicesMgmtClient
from azure.mgmt.machinelearningservices import models as m

env = os.environ
RG, WS, EP = env["AML_DEMO_RG"], env["AML_DEMO_WORKSPACE"], env["AML_DEMO_ENDPOINT"]
FAST = dict(polling_interval=0.02)


def out(step, **fields):
    print(json.dumps(dict(step=step, **fields)), flush=True)


def control(method, path, body=None):
    req = urllib.request.Request(env["AML_EMULATOR_URL"] + "/_emu/" + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as r:
        text = r.read()
        return json.loads(text) if text else None


def main():
    cred = ClientSecretCredential(env["AZURE_TENANT_ID"], env["AZURE_CLIENT_ID"],
                                  env["AZURE_CLIENT_SECRET"],
                                  authority=env["AZURE_AUTHORITY_HOST"],
                                  instance_discovery=False)
    c = MachineLearningServicesMgmtClient(cred, env["AZURE_SUBSCRIPTION_ID"],
                                          base_url=env["AML_ARM_ENDPOINT"],
                                          credential_scopes=["https://management.azure.com/.default"])
    w = c.workspaces.get(RG, WS)
    out("workspace", name=w.name, location=w.location, state=w.provisioning_state)
    w_id = w.id

    e = c.online_endpoints.get(RG, WS, EP)
    out("endpoint", name=e.name, authMode=e.properties.auth_mode,
        state=e.properties.provisioning_state, traffic=e.properties.traffic)
    d = c.online_deployments.get(RG, WS, EP, env["AML_DEMO_DEPLOYMENT"])
    out("deployment", name=d.name, type=d.properties.endpoint_compute_type,
        cls=type(d.properties).__name__, state=d.properties.provisioning_state)
    out("listEndpoints", names=[x.name for x in c.online_endpoints.list(RG, WS)])
    k = c.online_endpoints.list_keys(RG, WS, EP)
    out("listKeys", primary=len(k.primary_key) > 20, secondary=len(k.secondary_key) > 20)

    job = m.JobBase(properties=m.CommandJob(
        command="python train.py", environment_id="azureml:sklearn:1",
        inputs={"training_data": m.UriFileJobInput(uri=env["TRAIN_URI"])},
        outputs={"model_output": m.CustomModelJobOutput()}))
    j = c.jobs.create_or_update(RG, WS, "py-train", job)
    done = c.jobs.get(RG, WS, "py-train")
    out("job", created=j.properties.status, then=done.properties.status,
        cls=type(done.properties).__name__)
    mv = c.model_versions.create_or_update(RG, WS, env["AML_DEMO_MODEL"], "2", m.ModelVersion(
        properties=m.ModelVersionProperties(model_uri="azureml://jobs/py-train/outputs/model_output",
                                            model_type="custom_model", job_name="py-train")))
    out("modelVersion", name=mv.name, modelType=mv.properties.model_type)

    h = control("POST", "holds", {"what": "job", "match": "py-cancel"})
    c.jobs.create_or_update(RG, WS, "py-cancel", m.JobBase(properties=m.CommandJob(
        command="sleep 1h", environment_id="azureml:sklearn:1")))
    poller = c.jobs.begin_cancel(RG, WS, "py-cancel", **FAST)
    mid = c.jobs.get(RG, WS, "py-cancel").properties.status
    control("DELETE", "holds/%d" % h["id"])
    poller.result()
    out("cancel", during=mid, after=c.jobs.get(RG, WS, "py-cancel").properties.status)

    def dep(version):
        return m.OnlineDeployment(location=e.location, sku=m.Sku(name="Default", capacity=1),
                                  properties=m.ManagedOnlineDeployment(
                                      model="%s/models/%s/versions/%s" % (w_id, env["AML_DEMO_MODEL"], version),
                                      instance_type="Standard_DS3_v2"))
    g = c.online_deployments.begin_create_or_update(RG, WS, EP, "green", dep(1), **FAST).result()
    out("create", name=g.name, state=g.properties.provisioning_state)
    g = c.online_deployments.begin_create_or_update(RG, WS, EP, "green", dep(2), **FAST).result()
    out("update", model=g.properties.model.split("/")[-1], state=g.properties.provisioning_state)
    g = c.online_deployments.begin_update(RG, WS, EP, "green", m.PartialMinimalTrackedResourceWithSku(
        tags={"by": "python"}, sku=m.PartialSku(capacity=2)), **FAST).result()
    out("patch", capacity=g.sku.capacity, tag=g.tags.get("by"), state=g.properties.provisioning_state)
    out("listDeployments", names=[x.name for x in c.online_deployments.list(RG, WS, EP)])

    e.properties.traffic = {env["AML_DEMO_DEPLOYMENT"]: 0, "green": 100}
    t = c.online_endpoints.begin_create_or_update(RG, WS, EP, m.OnlineEndpoint(
        location=e.location, properties=m.OnlineEndpointProperties(
            auth_mode="Key", traffic=e.properties.traffic)), **FAST).result()
    out("traffic", traffic=t.properties.traffic, state=t.properties.provisioning_state)
    req = urllib.request.Request(t.properties.scoring_uri, method="POST",
                                 data=json.dumps({"data": [[50, 16, 60, 15024]]}).encode())
    req.add_header("Authorization", "Bearer " + k.primary_key)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as r:
        out("score", who=r.headers["azureml-model-deployment"], answer=json.loads(r.read()))

    c.online_endpoints.begin_create_or_update(RG, WS, EP, m.OnlineEndpoint(
        location=e.location, properties=m.OnlineEndpointProperties(
            auth_mode="Key", traffic={env["AML_DEMO_DEPLOYMENT"]: 100})), **FAST).result()
    c.online_deployments.begin_delete(RG, WS, EP, "green", **FAST).result()
    try:
        c.online_deployments.get(RG, WS, EP, "green")
        out("delete", gone=False)
    except HttpResponseError as err:
        out("delete", gone=err.status_code == 404, code=err.error.code if err.error else None)


try:
    main()
except Exception as err:  # every failure becomes a line the test shows
    out("error", message=str(err)[:500], type=type(err).__name__)
    sys.exit(1)
