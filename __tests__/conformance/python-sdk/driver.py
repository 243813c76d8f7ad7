"""Drives Microsoft's azure-ai-ml (MLClient) through every operation the actions use, against the
emulator. One JSON line per operation on stdout: {"name", "ok", "error"?, "seconds"}; a last line
{"summary": {"version", "ok", "total"}}.

Configuration (environment):
  EMULATOR_CONFIG  JSON {authorityHost, tenantId, subscriptionId, resourceGroup, workspaceName, workDir}
  REQUESTS_CA_BUNDLE  the test CA that signed the emulator's https certificate
  HTTPS_PROXY, NO_PROXY  the blob host proxy (see below); the emulator itself directly

How the SDK reaches the emulator, with nothing but the SDK's own settings:
  - ARM: AZUREML_DEV_URL_MFE, the SDK's developer override of the ARM base url
    (azure/ai/ml/_utils/utils.py _get_mfe_url_override, read by MLClient through
    _azure_environments._get_base_url_from_metadata(is_local_mfe=True)); the test sets it.
  - Credential: azure-identity's ClientSecretCredential with `authority` at the emulator's https
    listener (its Entra-like OpenID configuration and token endpoint).
  - Blob: azure-ai-ml 1.4.0 builds the storage url from a hard-coded template
    (constants/_common.py STORAGE_ACCOUNT_URLS "https://{}.blob.{}" with the cloud's
    "core.windows.net"), ignoring the datastore's `endpoint` and `protocol`. The test's proxy
    (HTTPS_PROXY, blob-host-proxy.ts) answers CONNECT <account>.blob.core.windows.net with a
    test-CA certificate and forwards to Azurite. Nothing in the SDK is patched.
"""
import json
import os
import sys
import tempfile
import time
import traceback
import uuid

CONFIG = json.loads(os.environ["EMULATOR_CONFIG"])


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    return True


def main():
    import azure.ai.ml
    from azure.ai.ml import MLClient, command
    from azure.ai.ml.entities import (
        CodeConfiguration,
        Environment,
        ManagedOnlineDeployment,
        ManagedOnlineEndpoint,
        Model,
    )

    results = []

    def op(name, fn):
        started = time.time()
        try:
            value = fn()
            rec = {"name": name, "ok": True}
        except Exception as e:  # noqa: BLE001 — every failure is a result line
            value = None
            rec = {"name": name, "ok": False, "error": f"{type(e).__name__}: {e}"[:1500]}
            if os.environ.get("DRIVER_TRACE"):
                traceback.print_exc(file=sys.stderr)
        rec["seconds"] = round(time.time() - started, 2)
        results.append(rec)
        print(json.dumps(rec), flush=True)
        return value

    work = CONFIG.get("workDir") or tempfile.mkdtemp(prefix="aml-sdk-")
    files = {
        "src/train.py": (
            "import json, os\n"
            "print('training on the emulator')\n"
            "os.makedirs('outputs/model', exist_ok=True)\n"
            "open('outputs/model.txt', 'w').write('ok')\n"
            "json.dump({'name': 'trained', 'weights': [1, 2], 'bias': 0.5}, open('outputs/model/weights.json', 'w'))\n"
        ),
        "model/weights.json": json.dumps({"name": "sdk", "weights": [1, 2], "bias": 0.5}),
        "score/score.py": (
            "import json, os\n"
            "model = None\n"
            "def init():\n"
            "    global model\n"
            "    with open(os.path.join(os.environ['AZUREML_MODEL_DIR'], 'model', 'weights.json')) as f:\n"
            "        model = json.load(f)\n"
            "    print('Init complete', flush=True)\n"
            "def run(raw_data):\n"
            "    data = json.loads(raw_data)['data']\n"
            "    return [sum(w * x for w, x in zip(model['weights'], row)) + model['bias'] for row in data]\n"
        ),
        "request.json": json.dumps({"data": [[1, 1], [2, 0]]}),
    }
    for rel, text in files.items():
        p = os.path.join(work, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)

    # azure-identity's own ClientSecretCredential (MSAL underneath) signing in at the
    # emulator's Entra-like endpoints, as at login.microsoftonline.com. MSAL looks up an
    # authority it does not know, and authority aliases, on login.microsoftonline.com
    # (msal/authority.py, msal/application.py _get_instance_metadata); azure-identity
    # 1.13.0b2 passes `instance_discovery=False` on to MSAL to skip that
    # (azure/identity/_internal/msal_credentials.py), as `disable_instance_discovery=True`
    # does in later azure-identity releases for Azure Stack and private clouds.
    from azure.identity import ClientSecretCredential

    credential = ClientSecretCredential(
        CONFIG["tenantId"],
        "sdk-driver",
        "sdk-secret",
        authority=CONFIG["authorityHost"].rstrip("/"),
        instance_discovery=False,
    )
    if os.environ.get("DRIVER_TRACE"):
        import logging

        logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    if op("credential.get_token", lambda: credential.get_token("https://management.azure.com/.default")) is None:
        print(json.dumps({"summary": {"version": azure.ai.ml.__version__, "ok": 0, "total": 1}}), flush=True)
        return

    ml = MLClient(
        credential,
        subscription_id=CONFIG["subscriptionId"],
        resource_group_name=CONFIG["resourceGroup"],
        workspace_name=CONFIG["workspaceName"],
    )
    suffix = uuid.uuid4().hex[:6]
    endpoint_name = f"sdk-ep-{suffix}"

    def workspace():
        ws = ml.workspaces.get(CONFIG["workspaceName"])
        check(ws.name == CONFIG["workspaceName"] and ws.location, f"workspace {ws.name} {ws.location}")
        check(ws.discovery_url and ws.mlflow_tracking_uri, f"discovery {ws.discovery_url}, mlflow {ws.mlflow_tracking_uri}")

    def datastore(get):
        ds = get()
        check(ds.name == "workspaceblobstore" and ds.account_name and ds.container_name, f"datastore {ds.name} {ds.account_name}/{ds.container_name}")
        check(getattr(ds.credentials, "account_key", None), "no account key after listSecrets")

    op("workspaces.get", workspace)
    op("datastores.get_default (listSecrets)", lambda: datastore(lambda: ml.datastores.get_default(include_secrets=True)))
    op("datastores.get workspaceblobstore (listSecrets)", lambda: datastore(lambda: ml.datastores.get("workspaceblobstore", include_secrets=True)))
    op("computes.get", lambda: check(ml.compute.get("cpu-cluster").name == "cpu-cluster", "compute name"))

    env = Environment(name=f"sdk-env-{suffix}", version="1", image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest")
    op("environments.create_or_update", lambda: ml.environments.create_or_update(env))
    op("environments.get", lambda: check(ml.environments.get(env.name, version="1").image == env.image, "environment image"))

    job = command(
        code=os.path.join(work, "src"),
        command="python train.py",
        environment="AzureML-sklearn-1.5@latest",
        compute="cpu-cluster",
        experiment_name="sdk-conformance",
        display_name="sdk command job",
    )
    created = op("jobs.create_or_update (command job, local code upload)", lambda: ml.jobs.create_or_update(job))
    job_name = created.name if created else "missing"
    def job_get():
        j = ml.jobs.get(job_name)
        check(j.name == job_name and j.status, f"job {j.name} status {j.status}")
        check(j.studio_url, "no studio url (properties.services.Studio.endpoint)")
        check(j.outputs.get("default") is not None and j.outputs["default"].path, f"job outputs {j.outputs}")

    op("jobs.get", job_get)

    def wait_completed():
        deadline = time.time() + 60
        while time.time() < deadline:
            status = ml.jobs.get(job_name).status
            if status in ("Completed", "Failed", "Canceled", "NotResponding"):
                if status != "Completed":
                    raise AssertionError(f"job ended {status}")
                return status
            time.sleep(0.5)
        raise AssertionError(f"job still {status} after 60 s")

    op("jobs.get until Completed", wait_completed)
    op("jobs.stream", lambda: ml.jobs.stream(job_name))
    def download():
        dest = os.path.join(work, "download")
        ml.jobs.download(job_name, download_path=dest, all=True)
        got = [os.path.relpath(os.path.join(d, f), dest) for d, _, fs in os.walk(dest) for f in fs]
        if not any(g.endswith(os.path.join("outputs", "model.txt")) for g in got):
            raise AssertionError(f"outputs/model.txt not downloaded (got {got})")

    op("jobs.download (outputs)", download)
    op("jobs.list", lambda: next(iter(ml.jobs.list()), None))

    def cancel():
        j2 = ml.jobs.create_or_update(
            command(code=os.path.join(work, "src"), command="sleep 60", environment="AzureML-sklearn-1.5@latest", compute="cpu-cluster", experiment_name="sdk-conformance")
        )
        ml.jobs.begin_cancel(j2.name).result()
        status = ml.jobs.get(j2.name).status
        if status not in ("CancelRequested", "Canceled"):
            raise AssertionError(f"status after cancel: {status}")

    op("jobs.begin_cancel", cancel)

    model = Model(name=f"sdk-model-{suffix}", path=os.path.join(work, "model"), type="custom_model", description="from azure-ai-ml")
    created_model = op("models.create_or_update (local upload)", lambda: ml.models.create_or_update(model))
    model_version = created_model.version if created_model else "1"
    def model_get():
        m = ml.models.get(model.name, version=model_version)
        check(m.version == model_version and str(m.path).startswith("azureml://"), f"model {m.version} path {m.path}")

    op("models.get", model_get)
    job_model = f"sdk-job-model-{suffix}"

    def model_from_job():
        # What register-model does: a model whose files are a finished job's output.
        m = Model(name=job_model, path=f"azureml://jobs/{job_name}/outputs/artifacts/paths/outputs/model/", type="custom_model")
        created = ml.models.create_or_update(m)
        check(created.version == "1" and "jobs" in str(created.path), f"model from job: {created.version} {created.path}")

    op("models.create_or_update (from a job's outputs)", model_from_job)
    op("models.list", lambda: check([m.version for m in ml.models.list(name=model.name)] == [model_version], "model versions listed"))

    endpoint = ManagedOnlineEndpoint(name=endpoint_name, auth_mode="key", description="azure-ai-ml conformance")
    op("online_endpoints.begin_create_or_update", lambda: ml.online_endpoints.begin_create_or_update(endpoint).result())
    def endpoint_get():
        ep = ml.online_endpoints.get(endpoint_name)
        check(ep.provisioning_state == "Succeeded" and ep.scoring_uri, f"endpoint {ep.provisioning_state} {ep.scoring_uri}")

    op("online_endpoints.get", endpoint_get)

    def deployment(name, model_ref, endpoint=None):
        return ManagedOnlineDeployment(
            name=name,
            endpoint_name=endpoint or endpoint_name,
            model=model_ref,
            environment=f"azureml:{env.name}:1",
            code_configuration=CodeConfiguration(code=os.path.join(work, "score"), scoring_script="score.py"),
            instance_type="Standard_DS3_v2",
            instance_count=1,
        )

    def set_traffic(traffic, endpoint=None):
        ep = ml.online_endpoints.get(endpoint or endpoint_name)
        ep.traffic = traffic
        ml.online_endpoints.begin_create_or_update(ep).result()
        got = ml.online_endpoints.get(endpoint or endpoint_name).traffic
        # The SDK lower-cases deployment names in traffic maps (issue 12 item 8).
        if {k.lower(): v for k, v in (got or {}).items()} != traffic:
            raise AssertionError(f"traffic read back {got}")

    def invoke(deployment_name=None, endpoint=None):
        kw = {"deployment_name": deployment_name} if deployment_name else {}
        out = ml.online_endpoints.invoke(endpoint_name=endpoint or endpoint_name, request_file=os.path.join(work, "request.json"), **kw)
        if json.loads(out) != [3.5, 2.5]:
            raise AssertionError(f"scoring answered {out!r}")
        return out

    op("online_deployments.begin_create_or_update blue", lambda: ml.online_deployments.begin_create_or_update(deployment("blue", f"azureml:{model.name}:{model_version}")).result())
    op("online_deployments.get", lambda: check(ml.online_deployments.get("blue", endpoint_name).provisioning_state == "Succeeded", "deployment state"))
    op("online_endpoints traffic update (blue 100)", lambda: set_traffic({"blue": 100}))
    op("online_endpoints.get_keys (key)", lambda: check(ml.online_endpoints.get_keys(endpoint_name).primary_key, "no primary key"))
    # Scoring by traffic first: azure-ai-ml 1.4.0's invoke writes the deployment header into the
    # class-level EndpointInvokeFields.DEFAULT_HEADER dict (operations/_online_endpoint_operations.py
    # invoke, constants/_endpoint.py), so every later invoke in the process names a deployment.
    op("online_endpoints.invoke (scoring by traffic)", invoke)
    op("online_endpoints.invoke blue (scoring)", lambda: invoke("blue"))
    def logs():
        text = ml.online_deployments.get_logs("blue", endpoint_name, lines=50)
        check("Init complete" in text, f"logs lack the scoring script's init line: {text[-500:]!r}")

    op("online_deployments.get_logs", logs)
    op("online_deployments.begin_create_or_update green (the model registered from the job)", lambda: ml.online_deployments.begin_create_or_update(deployment("green", f"azureml:{job_model}:1")).result())
    op("online_deployments.list", lambda: check(sorted(d.name for d in ml.online_deployments.list(endpoint_name)) == ["blue", "green"], "deployments listed"))
    op("online_endpoints traffic update (green 100)", lambda: set_traffic({"blue": 0, "green": 100}))
    op("online_endpoints.invoke green (scoring)", lambda: invoke("green"))
    op("online_deployments.begin_delete blue", lambda: ml.online_deployments.begin_delete("blue", endpoint_name).result())

    token_ep = ManagedOnlineEndpoint(name=f"sdk-tok-{suffix}", auth_mode="aml_token")
    op("online_endpoints.begin_create_or_update (aml_token)", lambda: ml.online_endpoints.begin_create_or_update(token_ep).result())
    def token():
        t = ml.online_endpoints.get_keys(token_ep.name)
        check(t.access_token and t.expiry_time_utc, f"token {type(t).__name__}")

    op("online_endpoints.get_keys (aml_token)", token)
    op(
        "online_deployments.begin_create_or_update (aml_token endpoint)",
        lambda: ml.online_deployments.begin_create_or_update(deployment("blue", f"azureml:{model.name}:{model_version}", token_ep.name)).result(),
    )
    op("online_endpoints traffic update (aml_token endpoint)", lambda: set_traffic({"blue": 100}, token_ep.name))
    op("online_endpoints.invoke with an aml token (scoring)", lambda: invoke("blue", endpoint=token_ep.name))

    op("online_endpoints.begin_delete", lambda: ml.online_endpoints.begin_delete(endpoint_name).result())
    op("online_endpoints.begin_delete (aml_token)", lambda: ml.online_endpoints.begin_delete(token_ep.name).result())

    ok = sum(1 for r in results if r["ok"])
    print(json.dumps({"summary": {"version": azure.ai.ml.__version__, "ok": ok, "total": len(results)}}), flush=True)


if __name__ == "__main__":
    main()
