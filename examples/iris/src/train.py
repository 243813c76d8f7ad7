"""Train a softmax-regression classifier on the Iris data set (Python 3 standard library only).

Usage (as the job's command runs it):
    python train.py --data <iris.csv or a folder with it> --model <output folder> [--epochs 200] [--lr 0.5]

* Stratified, seeded train/test split; features standardised with the training mean and std.
* Full-batch gradient descent on the cross-entropy loss (optional L2).
* Per epoch it logs `loss` (training cross-entropy), `accuracy` and `f1_macro` (on the test split)
  to MLflow through its REST API (`runs/log-batch`), using MLFLOW_TRACKING_URI, MLFLOW_RUN_ID and
  MLFLOW_TRACKING_TOKEN as Azure ML sets them for a job. Without MLFLOW_TRACKING_URI it only prints.
* Writes an MLflow model to --model: weights.json, an MLmodel file with a python_function flavor
  and a signature, the loader module under code/, and environment files.
"""

import argparse
import csv
import hashlib
import json
import math
import os
import platform
import random
import shutil
import sys
import time
import urllib.error
import urllib.request

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
HERE = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------- MLflow over REST


class MlflowRest:
    """The few MLflow REST calls a training script needs, with retries on throttling and 5xx."""

    def __init__(self, tracking_uri, run_id, token=None):
        self.base = tracking_uri.rstrip("/") + "/api/2.0/mlflow/"
        self.run_id = run_id
        self.token = token
        self.pending = []

    def _post(self, path, body):
        data = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        delay = 0.5
        for attempt in range(5):
            request = urllib.request.Request(self.base + path, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return json.loads(response.read().decode("utf-8") or "{}")
            except urllib.error.HTTPError as err:
                detail = err.read().decode("utf-8", "replace")
                if err.code in (429, 500, 502, 503, 504) and attempt < 4:
                    retry_after = err.headers.get("Retry-After")
                    time.sleep(float(retry_after) if retry_after and retry_after.isdigit() else delay)
                    delay *= 2
                    continue
                raise RuntimeError("MLflow %s failed with HTTP %d: %s" % (path, err.code, detail)) from None
            except urllib.error.URLError as err:
                if attempt < 4:
                    time.sleep(delay)
                    delay *= 2
                    continue
                raise RuntimeError("MLflow %s failed: %s" % (path, err.reason)) from None
        return {}

    def log_params(self, params):
        items = [{"key": k, "value": str(v)} for k, v in params.items()]
        for i in range(0, len(items), 100):
            self._post("runs/log-batch", {"run_id": self.run_id, "params": items[i : i + 100]})

    def set_tags(self, tags):
        items = [{"key": k, "value": str(v)} for k, v in tags.items()]
        self._post("runs/log-batch", {"run_id": self.run_id, "tags": items})

    def log_metrics(self, metrics, step):
        now = int(time.time() * 1000)
        for key, value in metrics.items():
            self.pending.append({"key": key, "value": float(value), "timestamp": now, "step": int(step)})
        if len(self.pending) >= 900:
            self.flush()

    def flush(self):
        while self.pending:
            batch, self.pending = self.pending[:1000], self.pending[1000:]
            self._post("runs/log-batch", {"run_id": self.run_id, "metrics": batch})


# --------------------------------------------------------------------------- data


def find_csv(path):
    if os.path.isdir(path):
        names = sorted(n for n in os.listdir(path) if n.lower().endswith(".csv"))
        if not names:
            raise SystemExit("no .csv file in the data folder %s" % path)
        preferred = [n for n in names if n.lower() == "iris.csv"]
        return os.path.join(path, (preferred or names)[0])
    return path


def load_iris(path):
    rows = []
    with open(find_csv(path), newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in FEATURES + ["species"] if c not in (reader.fieldnames or [])]
        if missing:
            raise SystemExit("the data file lacks column(s): %s" % ", ".join(missing))
        for record in reader:
            rows.append(([float(record[c]) for c in FEATURES], record["species"].strip()))
    if not rows:
        raise SystemExit("the data file has no rows")
    return rows


def stratified_split(rows, test_size, seed):
    rng = random.Random(seed)
    by_class = {}
    for x, y in rows:
        by_class.setdefault(y, []).append((x, y))
    train, test = [], []
    for label in sorted(by_class):
        items = by_class[label][:]
        rng.shuffle(items)
        n_test = max(1, int(round(len(items) * test_size)))
        test.extend(items[:n_test])
        train.extend(items[n_test:])
    rng.shuffle(train)
    return train, test


def standardiser(xs):
    n = len(xs)
    mean = [sum(x[j] for x in xs) / n for j in range(len(FEATURES))]
    std = [math.sqrt(sum((x[j] - mean[j]) ** 2 for x in xs) / n) or 1.0 for j in range(len(FEATURES))]
    return mean, std


# --------------------------------------------------------------------------- model


def softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


def predict_proba(W, b, x):
    return softmax([sum(w * xi for w, xi in zip(row, x)) + bias for row, bias in zip(W, b)])


def f1_macro(y_true, y_pred, classes):
    scores = []
    for c in classes:
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == c and p == c)
        fp = sum(1 for t, p in zip(y_true, y_pred) if t != c and p == c)
        fn = sum(1 for t, p in zip(y_true, y_pred) if t == c and p != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def prepare(args):
    rows = load_iris(args.data)
    train_rows, test_rows = stratified_split(rows, args.test_size, args.seed)
    classes = sorted({y for _, y in rows})
    index = {c: i for i, c in enumerate(classes)}
    mean, std = standardiser([x for x, _ in train_rows])
    norm = lambda x: [(v - m) / s for v, m, s in zip(x, mean, std)]
    xtr = [norm(x) for x, _ in train_rows]
    ytr = [index[y] for _, y in train_rows]
    xte = [norm(x) for x, _ in test_rows]
    yte = [y for _, y in test_rows]

    rng = random.Random(args.seed)
    k, d, n = len(classes), len(FEATURES), len(xtr)
    W = [[rng.gauss(0.0, 0.01) for _ in range(d)] for _ in range(k)]
    b = [0.0] * k
    return classes, mean, std, xtr, ytr, xte, yte, W, b, n, k, d


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="iris.csv, or a folder that holds it")
    parser.add_argument("--model", required=True, help="output folder for the MLflow model")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--l2", type=float, default=0.0)
    parser.add_argument("--test-size", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if args.epochs < 1:
        raise SystemExit("--epochs must be at least 1")
    if not 0 < args.test_size < 1:
        raise SystemExit("--test-size must be between 0 and 1")

    tracking_uri = os.environ.get("MLFLOW_TRACKING_URI")
    run_id = os.environ.get("MLFLOW_RUN_ID")
    mlflow = MlflowRest(tracking_uri, run_id, os.environ.get("MLFLOW_TRACKING_TOKEN")) if tracking_uri and run_id else None

    classes, mean, std, xtr, ytr, xte, yte, W, b, n, k, d = prepare(args)
    print("training softmax regression: %d train / %d test rows, classes %s" % (n, len(xte), ", ".join(classes)))
    params = {"epochs": args.epochs, "lr": args.lr, "l2": args.l2, "test_size": args.test_size, "seed": args.seed, "n_train": n, "n_test": len(xte)}
    if mlflow:
        mlflow.log_params(params)
        mlflow.set_tags({"model_type": "softmax_regression", "framework": "python-stdlib"})

    accuracy = f1 = loss = 0.0
    for epoch in range(1, args.epochs + 1):
        grad_w = [[0.0] * d for _ in range(k)]
        grad_b = [0.0] * k
        loss = 0.0
        for x, y in zip(xtr, ytr):
            p = predict_proba(W, b, x)
            loss -= math.log(max(p[y], 1e-12))
            for c in range(k):
                g = p[c] - (1.0 if c == y else 0.0)
                grad_b[c] += g
                for j in range(d):
                    grad_w[c][j] += g * x[j]
        loss = loss / n + 0.5 * args.l2 * sum(w * w for row in W for w in row)
        for c in range(k):
            b[c] -= args.lr * grad_b[c] / n
            for j in range(d):
                W[c][j] -= args.lr * (grad_w[c][j] / n + args.l2 * W[c][j])
        predictions = [classes[max(range(k), key=lambda c: predict_proba(W, b, x)[c])] for x in xte]
        accuracy = sum(1 for p, t in zip(predictions, yte) if p == t) / len(yte)
        f1 = f1_macro(yte, predictions, classes)
        if mlflow:
            mlflow.log_metrics({"loss": loss, "accuracy": accuracy, "f1_macro": f1}, step=epoch)
        if epoch == 1 or epoch % 25 == 0 or epoch == args.epochs:
            print("epoch %4d  loss %.4f  accuracy %.4f  f1_macro %.4f" % (epoch, loss, accuracy, f1))
    if mlflow:
        mlflow.flush()

    write_model(args.model, classes, mean, std, W, b, run_id)
    print("final: accuracy %.4f  f1_macro %.4f  loss %.4f; model written to %s" % (accuracy, f1, loss, args.model))
    return 0


def write_model(folder, classes, mean, std, W, b, run_id):
    os.makedirs(os.path.join(folder, "code"), exist_ok=True)
    weights = {
        "format": "iris-softmax-regression/1",
        "feature_names": FEATURES,
        "classes": classes,
        "mean": mean,
        "std": std,
        "weights": W,
        "bias": b,
    }
    weights_text = json.dumps(weights, indent=2, sort_keys=True)
    with open(os.path.join(folder, "weights.json"), "w") as f:
        f.write(weights_text + "\n")
    shutil.copyfile(os.path.join(HERE, "iris_softmax.py"), os.path.join(folder, "code", "iris_softmax.py"))
    model_uuid = hashlib.sha256(weights_text.encode("utf-8")).hexdigest()[:32]
    inputs = json.dumps([{"type": "double", "name": name, "required": True} for name in FEATURES])
    outputs = json.dumps([{"type": "string", "required": True}])
    python_version = platform.python_version()
    lines = [
        "artifact_path: model",
        "flavors:",
        "  python_function:",
        "    code: code",
        "    data: weights.json",
        "    env:",
        "      conda: conda.yaml",
        "      virtualenv: python_env.yaml",
        "    loader_module: iris_softmax",
        "    python_version: %s" % python_version,
        "model_uuid: %s" % model_uuid,
    ]
    if run_id:
        lines.append("run_id: %s" % run_id)
    lines += [
        "signature:",
        "  inputs: '%s'" % inputs,
        "  outputs: '%s'" % outputs,
        "  params: null",
    ]
    with open(os.path.join(folder, "MLmodel"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(folder, "conda.yaml"), "w") as f:
        f.write("channels:\n- conda-forge\ndependencies:\n- python=%s\n- pip\nname: iris-env\n" % python_version)
    with open(os.path.join(folder, "python_env.yaml"), "w") as f:
        f.write("python: %s\nbuild_dependencies:\n- pip\ndependencies:\n- -r requirements.txt\n" % python_version)
    with open(os.path.join(folder, "requirements.txt"), "w") as f:
        f.write("# the model needs only the Python standard library\n")
    with open(os.path.join(folder, "input_example.json"), "w") as f:
        json.dump({"columns": FEATURES, "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}, f)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
