# tests/sdk/arm-webservices.py: drive aml-emulator with Microsoft's
# official Python clients as Debian packages them (python3-azure):
# azure-identity (MSAL for Python underneath) for the token, and
# azure-mgmt-core's ARMPipelineClient with ARMPolling, the pipeline and
# long-running-operation poller every generated Resource Manager client
# of the Python SDK is built on.  No Python client generated for
# Microsoft.MachineLearning/webServices is packaged, so the requests are
# the ones such a client makes, built here.  Each step prints one JSON
# line; tests/0551-emu-sdk-python.t checks them.
import json
import os
import sys

from azure.core.configuration import Configuration
from azure.core.exceptions import HttpResponseError
from azure.core.paging import ItemPaged
from azure.core.pipeline import policies
from azure.core.polling import LROPoller
from azure.core.rest import HttpRequest
from azure.identity import ClientSecretCredential
from azure.mgmt.core import ARMPipelineClient
from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy, ARMHttpLoggingPolicy
from azure.mgmt.core.polling.arm_polling import ARMPolling

env = os.environ
API = "2017-01-01"


def out(step, **fields):
    print(json.dumps(dict(step=step, **fields)), flush=True)


def client(cred):
    """The configuration a generated management client sets up."""
    c = Configuration()
    c.headers_policy = policies.HeadersPolicy()
    c.user_agent_policy = policies.UserAgentPolicy(sdk_moniker="aml-tools-sdk-test/1.0")
    c.proxy_policy = policies.ProxyPolicy()
    c.logging_policy = policies.NetworkTraceLoggingPolicy()
    c.http_logging_policy = ARMHttpLoggingPolicy()
    c.retry_policy = policies.RetryPolicy()
    c.custom_hook_policy = policies.CustomHookPolicy()
    c.redirect_policy = policies.RedirectPolicy()
    c.authentication_policy = ARMChallengeAuthenticationPolicy(
        cred, "https://management.azure.com/.default")
    return ARMPipelineClient(base_url=env["AML_ARM_ENDPOINT"], config=c)


def ws_url(name, action=""):
    return ("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearning"
            "/webServices/%s%s" % (env["AZURE_SUBSCRIPTION_ID"], env["AML_DEMO_RG"], name,
                                   action))


def run(cl, method, url, body=None, params=None):
    """One request through the pipeline, as generated code sends it."""
    p = {"api-version": API}
    p.update(params or {})
    req = HttpRequest(method, cl.format_url(url), params=p, json=body,
                      headers={"Accept": "application/json"})
    resp = cl._pipeline.run(req, stream=False)
    if resp.http_response.status_code not in (200, 201, 202, 204):
        raise HttpResponseError(response=resp.http_response)
    return resp


def lro(cl, method, url, body=None, params=None):
    """begin_*: the first answer, then ARMPolling until the operation ends."""
    first = run(cl, method, url, body, params)

    def result(pipeline_response):
        r = pipeline_response.http_response
        return r.json() if r.text() else None
    return LROPoller(cl, first, result, ARMPolling(0.02)).result()


def names(cl, url):
    """list_*: ItemPaged following nextLink, as generated code pages."""
    def get_next(link=None):
        if link:
            return cl._pipeline.run(HttpRequest("GET", link), stream=False)
        return run(cl, "GET", url)

    def extract(pipeline_response):
        d = pipeline_response.http_response.json()
        return d.get("nextLink") or None, iter(d["value"])
    return [x["name"] for x in ItemPaged(get_next, extract)]


def main():
    cred = ClientSecretCredential(env["AZURE_TENANT_ID"], env["AZURE_CLIENT_ID"],
                                  env["AZURE_CLIENT_SECRET"],
                                  authority=env["AZURE_AUTHORITY_HOST"],
                                  instance_discovery=False)
    cl = client(cred)
    ws = env["AML_DEMO_WS"]

    s = run(cl, "GET", ws_url(ws)).http_response.json()
    out("get", name=s["name"], packageType=s["properties"]["packageType"],
        keys="keys" in s["properties"])
    out("list", names=names(cl, "/subscriptions/%s/resourceGroups/%s/providers/"
                            "Microsoft.MachineLearning/webServices"
                            % (env["AZURE_SUBSCRIPTION_ID"], env["AML_DEMO_RG"])))
    k = run(cl, "GET", ws_url(ws, "/listKeys")).http_response.json()
    out("listKeys", primary=len(k["primary"]))

    s = lro(cl, "PATCH", ws_url(ws),
            {"properties": {"packageType": "Graph", "title": "Patched from Python"}})
    out("patch", title=s["properties"]["title"], state=s["properties"]["provisioningState"])

    d = run(cl, "GET", ws_url(ws)).http_response.json()
    s = lro(cl, "PUT", ws_url("py-created"), {"location": d["location"],
                                              "properties": d["properties"]})
    out("create", name=s["name"], state=s["properties"]["provisioningState"])

    lro(cl, "POST", ws_url(ws, "/CreateRegionalBlob"), params={"region": "westcentralus"})
    s = run(cl, "GET", ws_url(ws), params={"region": "westcentralus"}).http_response.json()
    out("region", name=s["name"])

    lro(cl, "DELETE", ws_url("py-created"))
    try:
        run(cl, "GET", ws_url("py-created"))
        out("remove", gone=False)
    except HttpResponseError as e:
        out("remove", gone=e.status_code == 404, code=e.error.code if e.error else None)


try:
    main()
except Exception as e:  # one line the test can show
    out("error", message="%s: %s" % (type(e).__name__, e))
    sys.exit(1)
