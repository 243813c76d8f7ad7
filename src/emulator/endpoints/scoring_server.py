#!/usr/bin/env python3
"""Scoring server of the local Azure ML emulator: one process per online deployment.

Like Azure ML's inference server it imports the deployment's scoring script, calls ``init()``
once (``AZUREML_MODEL_DIR`` points at the downloaded model) and answers ``POST /score`` with
``run(raw_body)``: the return value JSON-encoded (200), an exception as 500 with its message and
the traceback in the log. ``GET /live`` answers once the server listens, ``GET /ready`` once
``init()`` has returned. Without a scoring script (``--mlflow-loader``) it serves an MLflow model
through its ``python_function`` loader module, as Azure's no-code MLflow deployments do.

Standard library only. The emulator starts it as
    python3 scoring_server.py --port-file F (--script PATH | --mlflow-loader MOD --mlflow-data P
                              [--mlflow-code DIR]) [--workers N] [--name NAME]
and reads the port it bound from F. The emulator's router may add the header
``x-azureml-emulator-fault`` (``sleep=<ms>``, ``raise=<message>``, ``crash``; separated by ``;``)
to inject the faults a test asked for; clients never reach this server directly.
"""

import argparse
import importlib
import importlib.util
import json
import os
import signal
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

VERSION = "1.0.0"
FAULT_HEADER = "x-azureml-emulator-fault"
GENERIC_ERROR = "An unexpected error occurred in scoring script. Check the logs for more info."


class State:
    ready = False
    run = None
    workers = None
    name = "deployment"
    swagger = None


def log(message):
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".%03dZ" % (int(time.time() * 1000) % 1000)
    sys.stdout.write("%s %s\n" % (stamp, message))
    sys.stdout.flush()


def parse_fault(value):
    out = {}
    if not value:
        return out
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        key, _, arg = part.partition("=")
        out[key.strip().lower()] = unquote(arg)
    return out


def to_json_bytes(value):
    if hasattr(value, "tolist"):
        value = value.tolist()
    return json.dumps(value).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "azureml-emulator-inference/" + VERSION
    sys_version = ""

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, fmt, *args):  # access lines are written by do_POST
        pass

    def _send(self, status, body, content_type="application/json", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path in ("", "/"):
            self._send(200, b"Healthy", "text/plain; charset=utf-8")
        elif path == "/live":
            self._send(200, b"alive", "text/plain; charset=utf-8")
        elif path == "/ready":
            if State.ready:
                self._send(200, b"ready", "text/plain; charset=utf-8")
            else:
                self._send(503, b"init() has not finished", "text/plain; charset=utf-8")
        elif path == "/swagger.json":
            doc = State.swagger or {
                "swagger": "2.0",
                "info": {"title": State.name, "version": "1.0"},
                "paths": {"/score": {"post": {"consumes": ["application/json"], "produces": ["application/json"]}}},
            }
            self._send(200, json.dumps(doc).encode("utf-8"))
        else:
            self._send(404, json.dumps({"message": "no route %s" % path}).encode("utf-8"))

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        if path != "/score":
            self._send(404, json.dumps({"message": "no route %s" % path}).encode("utf-8"))
            return
        if not State.ready:
            self._send(503, json.dumps({"message": "the scoring server is starting: init() has not finished"}).encode("utf-8"))
            return
        fault = parse_fault(self.headers.get(FAULT_HEADER))
        started = time.monotonic()
        request_id = self.headers.get("x-request-id") or "-"
        if "sleep" in fault:
            try:
                time.sleep(max(0.0, float(fault["sleep"]) / 1000.0))
            except ValueError:
                pass
        if "crash" in fault:
            log("Container crash (fault injected by the emulator): the process exits with status 137.")
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(137)
        failed = False
        with State.workers:
            try:
                if "raise" in fault:
                    raise RuntimeError(fault["raise"] or "model error (fault injected by the emulator)")
                result = State.run(body.decode("utf-8", errors="replace"))
                try:
                    payload = to_json_bytes(result)
                except (TypeError, ValueError) as exc:
                    raise TypeError("run() returned a value that cannot be encoded as JSON: %s" % exc)
                status = 200
            except Exception as exc:  # the scoring script's failure: 500 with its message
                failed = True
                log("Encountered Exception in run(): %s: %s" % (type(exc).__name__, exc))
                sys.stdout.write(traceback.format_exc())
                sys.stdout.flush()
                payload = json.dumps({"message": GENERIC_ERROR, "error": "%s: %s" % (type(exc).__name__, exc)}).encode("utf-8")
                status = 500
        elapsed = (time.monotonic() - started) * 1000.0
        log('%d POST /score %.2fms request-id=%s' % (status, elapsed, request_id))
        self._send(status, payload, headers={"x-ms-run-function-failed": "True" if failed else "False", "x-ms-request-id": request_id})


def load_script(path):
    if not os.path.isfile(path):
        log("ERROR: the scoring script %s does not exist." % path)
        sys.exit(2)
    folder = os.path.dirname(os.path.abspath(path))
    for entry in (folder, os.getcwd()):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    spec = importlib.util.spec_from_file_location("score", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["score"] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:  # noqa: BLE001 - report whatever the import raised
        log("ERROR: importing the scoring script %s failed: %s: %s" % (path, type(exc).__name__, exc))
        sys.stdout.write(traceback.format_exc())
        sys.exit(3)
    run = getattr(module, "run", None)
    if not callable(run):
        log("ERROR: the scoring script %s defines no run() function." % path)
        sys.exit(4)
    init = getattr(module, "init", None)
    if callable(init):
        log("Calling init() of %s" % path)
        try:
            init()
        except BaseException as exc:  # noqa: BLE001
            log("ERROR: init() raised %s: %s" % (type(exc).__name__, exc))
            sys.stdout.write(traceback.format_exc())
            sys.exit(3)
    else:
        log("WARNING: the scoring script %s defines no init() function." % path)
    return run


def mlflow_input(payload):
    """The rows of an Azure ML / MLflow scoring request, in a form the pyfunc model accepts."""
    if isinstance(payload, dict):
        for key in ("input_data", "dataframe_split", "dataframe_records", "instances", "inputs", "data"):
            if key in payload:
                value = payload[key]
                if isinstance(value, dict) and "columns" in value and "data" in value:
                    return {"columns": value["columns"], "data": value["data"]}
                return value
        raise ValueError("expected one of input_data, dataframe_split, dataframe_records, instances, inputs or data in the request body")
    if isinstance(payload, list):
        return payload
    raise ValueError("the request body must be a JSON object or array")


def load_mlflow(loader, data_path, code_dirs):
    for entry in code_dirs:
        if entry and entry not in sys.path:
            sys.path.insert(0, entry)
    log("Loading MLflow model: loader_module %s, data %s" % (loader, data_path))
    try:
        module = importlib.import_module(loader)
        model = module._load_pyfunc(data_path)
    except BaseException as exc:  # noqa: BLE001
        log("ERROR: loading the MLflow model failed: %s: %s" % (type(exc).__name__, exc))
        sys.stdout.write(traceback.format_exc())
        sys.exit(3)

    def run(raw):
        payload = json.loads(raw) if raw.strip() else None
        predictions = model.predict(mlflow_input(payload))
        if hasattr(predictions, "tolist"):
            predictions = predictions.tolist()
        return predictions

    return run


def watch_parent(pid):
    """The emulator stops its scoring servers; if it dies without doing so, do not outlive it."""
    while True:
        time.sleep(1.0)
        if os.getppid() != pid:
            log("The emulator (pid %d) is gone: shutting down." % pid)
            os._exit(0)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Azure ML emulator scoring server")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--script")
    parser.add_argument("--mlflow-loader")
    parser.add_argument("--mlflow-data")
    parser.add_argument("--mlflow-code", action="append", default=[])
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKER_COUNT", "1") or 1))
    parser.add_argument("--name", default="deployment")
    parser.add_argument("--parent-pid", type=int, default=0, help="exit when this process (the emulator) is gone")
    args = parser.parse_args(argv)
    State.name = args.name
    State.workers = threading.BoundedSemaphore(max(1, args.workers))

    def stop(signum, _frame):
        log("Received signal %d: shutting down." % signum)
        sys.stdout.flush()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.parent_pid > 0:
        threading.Thread(target=watch_parent, args=(args.parent_pid,), name="parent", daemon=True).start()

    log("Azure ML emulator inference server v%s (Python %s)" % (VERSION, sys.version.split()[0]))
    log("Server settings: entry script %s, model directory %s, worker count %d"
        % (args.script or "(MLflow model, no scoring script)", os.environ.get("AZUREML_MODEL_DIR", "(none)"), max(1, args.workers)))
    server = ThreadingHTTPServer((args.host, 0), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.replace(tmp, args.port_file)
    log("Listening on http://%s:%d (liveness /live, readiness /ready, scoring /score)" % (args.host, port))
    thread = threading.Thread(target=server.serve_forever, name="http", daemon=True)
    thread.start()

    if args.script:
        State.run = load_script(args.script)
    elif args.mlflow_loader and args.mlflow_data:
        State.run = load_mlflow(args.mlflow_loader, args.mlflow_data, args.mlflow_code)
    else:
        log("ERROR: neither a scoring script nor an MLflow model was given.")
        sys.exit(2)
    State.ready = True
    log("Scoring server is ready: init() finished.")
    while thread.is_alive():
        thread.join(3600)


if __name__ == "__main__":
    main()
