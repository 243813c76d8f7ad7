"""A model trained by the local Azure ML emulator's AutoML runner: featurization and prediction.

Python 3 standard library only. The trainer (automl_trainer.py) fits a model and saves it as JSON;
this module is copied into the MLflow model folder as its ``python_function`` loader module
(``_load_pyfunc(path)`` returns an object with ``predict(rows)``), so the emulator's scoring server
serves it as Azure serves an AutoML MLflow model without a scoring script.

Rows are dicts (column -> value), a ``{"columns": [...], "data": [[...]]}`` split frame, or a
list of lists in the training column order.
"""

import json
import math
from datetime import datetime


def to_float(value):
    """A number from a cell, or None when it is empty or not numeric."""
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return None if (isinstance(value, float) and math.isnan(value)) else float(value)
    text = str(value).strip()
    if text == "" or text.lower() in ("nan", "na", "null", "none"):
        return None
    try:
        f = float(text)
    except ValueError:
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def to_time(value):
    """Seconds since the epoch of an ISO date / datetime cell (or a number), else None."""
    f = to_float(value)
    if f is not None:
        return f
    text = str(value).strip().replace("Z", "+00:00")
    for parse in (datetime.fromisoformat, lambda t: datetime.strptime(t, "%m/%d/%Y"), lambda t: datetime.strptime(t, "%Y/%m/%d")):
        try:
            d = parse(text)
            if d.tzinfo is None:
                return (d - datetime(1970, 1, 1)).total_seconds()
            return d.timestamp()
        except ValueError:
            continue
    return None


class Featurizer:
    """Numeric columns: missing values -> training mean, then standardized. Categorical columns:
    one-hot over the most frequent training values (others -> all zeros)."""

    def __init__(self, spec):
        self.columns = spec["columns"]  # [{name, kind: numeric|categorical|time, mean, std, values}]

    @staticmethod
    def fit(rows, names, kinds, max_categories=30):
        columns = []
        for name in names:
            kind = kinds[name]
            if kind in ("numeric", "time"):
                conv = to_time if kind == "time" else to_float
                vals = [v for v in (conv(r.get(name)) for r in rows) if v is not None]
                mean = sum(vals) / len(vals) if vals else 0.0
                var = sum((v - mean) ** 2 for v in vals) / len(vals) if vals else 0.0
                columns.append({"name": name, "kind": kind, "mean": mean, "std": math.sqrt(var) or 1.0})
            else:
                counts = {}
                for r in rows:
                    v = "" if r.get(name) is None else str(r.get(name))
                    counts[v] = counts.get(v, 0) + 1
                top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:max_categories]
                columns.append({"name": name, "kind": "categorical", "values": [k for k, _ in top]})
        return Featurizer({"columns": columns})

    def spec(self):
        return {"columns": self.columns}

    def feature_names(self):
        out = []
        for c in self.columns:
            if c["kind"] == "categorical":
                out.extend("%s=%s" % (c["name"], v) for v in c["values"])
            else:
                out.append(c["name"])
        return out

    def transform_row(self, row):
        x = []
        for c in self.columns:
            raw = row.get(c["name"])
            if c["kind"] == "categorical":
                v = "" if raw is None else str(raw)
                x.extend(1.0 if v == cat else 0.0 for cat in c["values"])
            else:
                f = (to_time if c["kind"] == "time" else to_float)(raw)
                x.append(((c["mean"] if f is None else f) - c["mean"]) / c["std"])
        return x

    def transform(self, rows):
        return [self.transform_row(r) for r in rows]


def dot(w, x):
    return sum(a * b for a, b in zip(w, x))


def softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


def tree_predict(node, x):
    while "leaf" not in node:
        node = node["left"] if x[node["feature"]] <= node["threshold"] else node["right"]
    return node["leaf"]


def knn_neighbours(ref, x, k):
    d = []
    for i, r in enumerate(ref):
        s = 0.0
        for a, b in zip(r, x):
            t = a - b
            s += t * t
        d.append((s, i))
    d.sort()
    return [i for _, i in d[:k]]


class Estimator:
    """Scores for one featurized row: class probabilities (classification) or a value."""

    def __init__(self, spec):
        self.spec = spec
        self.kind = spec["kind"]

    def proba(self, x):
        s = self.spec
        if self.kind == "linear_softmax":
            return softmax([dot(w, x) + b for w, b in zip(s["weights"], s["bias"])])
        if self.kind == "linear_margin":
            return softmax([2.0 * (dot(w, x) + b) for w, b in zip(s["weights"], s["bias"])])
        if self.kind == "bernoulli_nb":
            bits = [1.0 if v > 0 else 0.0 for v in x]
            logs = []
            for prior, probs in zip(s["log_prior"], s["feature_prob"]):
                t = prior
                for bit, p in zip(bits, probs):
                    t += math.log(p if bit else 1.0 - p)
                logs.append(t)
            return softmax(logs)
        if self.kind == "tree":
            return list(tree_predict(s["tree"], x))
        if self.kind == "knn":
            idx = knn_neighbours(s["ref"], x, s["k"])
            counts = [0.0] * len(s["classes"])
            for i in idx:
                counts[s["ref_y"][i]] += 1.0
            return [c / len(idx) for c in counts]
        raise ValueError("not a classifier: %s" % self.kind)

    def value(self, x):
        s = self.spec
        if self.kind == "linear":
            return dot(s["weights"], x) + s["bias"]
        if self.kind == "tree":
            return tree_predict(s["tree"], x)
        if self.kind == "knn":
            idx = knn_neighbours(s["ref"], x, s["k"])
            return sum(s["ref_y"][i] for i in idx) / len(idx)
        raise ValueError("not a regressor: %s" % self.kind)


class AutoMLModel:
    """The whole model: featurizer + estimator (+ the forecasting state). ``predict`` takes rows."""

    def __init__(self, doc):
        self.doc = doc
        self.task = doc["task"]
        self.input_columns = doc["input_columns"]
        self.featurizer = Featurizer(doc["featurizer"]) if doc.get("featurizer") else None
        self.estimator = Estimator(doc["estimator"]) if doc.get("estimator") else None
        self.classes = doc.get("classes") or []
        self.y_scale = doc.get("y_scale") or {"mean": 0.0, "std": 1.0}

    def rows(self, data):
        if isinstance(data, dict) and "columns" in data and "data" in data:
            return [dict(zip(data["columns"], r)) for r in data["data"]]
        if isinstance(data, dict):
            return [data]
        out = []
        for r in data:
            if isinstance(r, dict):
                out.append(r)
            elif isinstance(r, (list, tuple)):
                out.append(dict(zip(self.input_columns, r)))
            else:
                raise ValueError("each row must be an object (column: value) or a list in the order %s" % self.input_columns)
        return out

    def predict_proba_rows(self, rows):
        return [self.estimator.proba(self.featurizer.transform_row(r)) for r in rows]

    def predict_values(self, rows):
        if self.task == "forecasting" and self.doc["estimator"]["kind"] == "series":
            return [self.series_value(r) for r in rows]
        m, s = self.y_scale["mean"], self.y_scale["std"]
        return [self.estimator.value(self.featurizer.transform_row(r)) * s + m for r in rows]

    def series_value(self, row):
        f = self.doc["estimator"]
        key = "|".join(str(row.get(c, "")) for c in f["series_columns"])
        state = f["series"].get(key) or f["series"].get(f["fallback"])
        t = to_time(row.get(f["time_column"]))
        steps = 1
        if t is not None and state["step"] > 0:
            steps = max(1, int(round((t - state["last_time"]) / state["step"])))
        method = f["method"]
        hist = state["history"]
        if method == "naive":
            return hist[-1]
        if method == "average":
            return state["mean"]
        if method == "exponential_smoothing":
            return state["level"]
        season = max(1, f["season"])
        if method == "seasonal_naive":
            if len(hist) < season:
                return hist[-1]
            return hist[len(hist) - season + ((steps - 1) % season)]
        if method == "seasonal_average":
            pos = (len(hist) + steps - 1) % season
            vals = [hist[i] for i in range(len(hist)) if i % season == pos]
            return sum(vals) / len(vals) if vals else state["mean"]
        raise ValueError("unknown forecasting method %s" % method)

    def predict(self, data):
        rows = self.rows(data)
        if self.task == "classification":
            out = []
            for p in self.predict_proba_rows(rows):
                best = max(range(len(p)), key=lambda i: p[i])
                out.append(self.classes[best])
            return out
        return self.predict_values(rows)


def load(path):
    with open(path, "r", encoding="utf-8") as f:
        return AutoMLModel(json.load(f))


def _load_pyfunc(path):
    """MLflow's python_function loader entry point: ``path`` is the flavor's ``data`` file."""
    return load(path)
