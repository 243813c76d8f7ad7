"""Scoring script for an Azure ML online deployment of the Iris model.

Azure ML calls `init()` once when the deployment starts (AZUREML_MODEL_DIR points at the
registered model's files) and `run(raw_data)` for each request. Accepted request bodies:
    {"input_data": {"columns": [...], "data": [[...], ...]}}   (the MLflow / Azure ML format)
    {"input_data": [[5.1, 3.5, 1.4, 0.2], ...]}
    {"data": [[5.1, 3.5, 1.4, 0.2], ...]}                       (rows in signature order)
    [{"sepal_length": 5.1, ...}, ...]
The answer is {"predictions": [class, ...], "probabilities": [[p_setosa, p_versicolor, p_virginica], ...], "classes": [...]}.
"""

import importlib.util
import json
import logging
import os

model = None


def _find(root, name):
    for folder, _dirs, files in sorted(os.walk(root)):
        if name in files:
            return os.path.join(folder, name)
    return None


def init():
    global model
    root = os.environ.get("AZUREML_MODEL_DIR")
    if not root or not os.path.isdir(root):
        raise RuntimeError("AZUREML_MODEL_DIR is not set to a folder (got %r)" % root)
    weights = _find(root, "weights.json")
    if weights is None:
        raise RuntimeError("no weights.json under AZUREML_MODEL_DIR=%s" % root)
    # Use the loader that ships with the model (its MLmodel names code/iris_softmax.py).
    loader_path = _find(os.path.dirname(weights), "iris_softmax.py")
    if loader_path is None:
        raise RuntimeError("the model folder %s has no code/iris_softmax.py" % os.path.dirname(weights))
    spec = importlib.util.spec_from_file_location("iris_softmax", loader_path)
    loader = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loader)
    model = loader.load_model(weights)
    logging.info("Iris model loaded from %s (classes: %s)", weights, ", ".join(model.classes))


def run(raw_data):
    if model is None:
        raise RuntimeError("init() has not loaded the model")
    payload = json.loads(raw_data) if isinstance(raw_data, (str, bytes, bytearray)) else raw_data
    if isinstance(payload, dict):
        if "input_data" in payload:
            rows = payload["input_data"]
        elif "data" in payload:
            rows = payload["data"]
        else:
            raise ValueError("expected 'input_data' or 'data' in the request body")
    else:
        rows = payload
    if isinstance(rows, dict) and "data" in rows and "columns" not in rows:
        rows = rows["data"]
    probabilities = model.predict_proba(rows)
    predictions = [model.classes[max(range(len(p)), key=p.__getitem__)] for p in probabilities]
    return {
        "predictions": predictions,
        "probabilities": [[round(v, 6) for v in p] for p in probabilities],
        "classes": model.classes,
    }
