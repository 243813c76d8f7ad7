"""Loader module of the Iris softmax-regression model (MLflow `python_function` flavor).

MLflow calls `_load_pyfunc(<path of weights.json>)`; the returned object's `predict()` takes
rows as a pandas DataFrame, a list of dicts, a list of lists (feature order as in the signature)
or a dict of columns, and returns one class name per row. Standard library only.
"""

import json
import math
import os


class IrisSoftmaxModel:
    def __init__(self, weights):
        self.features = weights["feature_names"]
        self.classes = weights["classes"]
        self.mean = weights["mean"]
        self.std = weights["std"]
        self.W = weights["weights"]
        self.b = weights["bias"]

    def _rows(self, data):
        if hasattr(data, "to_dict"):  # a pandas DataFrame
            data = data.to_dict(orient="records")
        if isinstance(data, dict):
            if "columns" in data and "data" in data:
                columns = data["columns"]
                data = [dict(zip(columns, row)) for row in data["data"]]
            else:
                columns = list(data.keys())
                data = [dict(zip(columns, values)) for values in zip(*data.values())]
        rows = []
        for i, item in enumerate(data):
            if isinstance(item, dict):
                missing = [f for f in self.features if f not in item]
                if missing:
                    raise ValueError("row %d lacks feature(s): %s" % (i, ", ".join(missing)))
                row = [float(item[f]) for f in self.features]
            else:
                row = [float(v) for v in item]
                if len(row) != len(self.features):
                    raise ValueError("row %d has %d values; expected %d (%s)" % (i, len(row), len(self.features), ", ".join(self.features)))
            rows.append(row)
        return rows

    def predict_proba(self, data):
        out = []
        for row in self._rows(data):
            x = [(v - m) / s for v, m, s in zip(row, self.mean, self.std)]
            z = [sum(w * xi for w, xi in zip(ws, x)) + bias for ws, bias in zip(self.W, self.b)]
            top = max(z)
            e = [math.exp(v - top) for v in z]
            total = sum(e)
            out.append([v / total for v in e])
        return out

    def predict(self, data, params=None):
        return [self.classes[max(range(len(p)), key=p.__getitem__)] for p in self.predict_proba(data)]


def load_model(path):
    """A model from weights.json, or from a folder that holds it (searched recursively)."""
    if os.path.isdir(path):
        for root, _dirs, files in sorted(os.walk(path)):
            if "weights.json" in files:
                path = os.path.join(root, "weights.json")
                break
        else:
            raise FileNotFoundError("no weights.json under %s" % path)
    with open(path) as f:
        return IrisSoftmaxModel(json.load(f))


def _load_pyfunc(path):
    return load_model(path)
