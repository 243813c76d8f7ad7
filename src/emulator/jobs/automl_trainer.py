#!/usr/bin/env python3
"""One AutoML trial of the local Azure ML emulator (Python 3 standard library only).

The emulator's AutoML runner (automl.ts) reads the job's MLTable inputs into a plan (files,
read_delimited options, task settings) and starts this script once per candidate as a child job
``<parent>_<i>``:

    python3 automl_trainer.py --plan PLAN.json --algorithm NAME --params JSON --iteration I --output DIR

It reads the tables, featurizes them, fits the candidate, scores it on the validation data (the
given validation table, a holdout of ``validation_size``, or k-fold cross-validation as Azure's
defaults choose), logs the metrics under the names Azure AutoML logs to the job's MLflow run
(``MLFLOW_TRACKING_URI`` / ``MLFLOW_RUN_ID``), and writes the model as an MLflow model to
``DIR/mlflow-model`` (Azure's place in a child run's artifacts: ``outputs/mlflow-model``) with
automl_model.py as its python_function loader module.
"""

import argparse
import csv
import json
import math
import os
import random
import shutil
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import automl_model as am  # noqa: E402


class UserError(Exception):
    pass


def log(message):
    sys.stdout.write("%s\n" % message)
    sys.stdout.flush()


# --- reading an MLTable (the runner resolved its paths to local files) ----------------------------


def read_table(table):
    rows = []
    header = None
    for i, f in enumerate(table["files"]):
        fmt = f.get("format", "delimited")
        with open(f["path"], "r", encoding=f.get("encoding") or "utf-8", errors="replace", newline="") as fh:
            if fmt == "json_lines":
                for line in fh:
                    if line.strip():
                        row = json.loads(line)
                        if f.get("include_path_column"):
                            row["Path"] = f["path"]
                        rows.append(row)
                continue
            reader = csv.reader(fh, delimiter=f.get("delimiter") or ",")
            mode = f.get("header") or "all_files_same_headers"
            names = None
            for j, rec in enumerate(reader):
                if j == 0:
                    if mode == "no_header":
                        names = ["Column%d" % (k + 1) for k in range(len(rec))]
                    elif mode == "from_first_file" and i > 0 and header is not None:
                        names = header
                    else:
                        names = [c.strip() for c in rec]
                        if header is None:
                            header = names
                        continue
                if not rec:
                    continue
                row = {}
                for k, name in enumerate(names):
                    v = rec[k] if k < len(rec) else ""
                    row[name] = v if (v != "" or f.get("empty_as_string")) else None
                if f.get("include_path_column"):
                    row["Path"] = f["path"]
                rows.append(row)
    for t in table.get("transforms", []):
        if "drop_columns" in t:
            drop = set(t["drop_columns"])
            rows = [{k: v for k, v in r.items() if k not in drop} for r in rows]
        elif "keep_columns" in t:
            keep = t["keep_columns"]
            rows = [{k: r.get(k) for k in keep} for r in rows]
        elif "take" in t:
            rows = rows[: int(t["take"])]
        elif "skip" in t:
            rows = rows[int(t["skip"]) :]
        elif "take_random_sample" in t:
            rnd = random.Random(t.get("seed", 0))
            rows = [r for r in rows if rnd.random() < float(t["take_random_sample"])]
    return rows


# --- metrics, under the names Azure AutoML logs ---------------------------------------------------


def auc_binary(scores, truth):
    pairs = sorted(zip(scores, truth))
    pos = sum(truth)
    neg = len(truth) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        avg_rank = (i + 1 + j) / 2.0
        rank_sum += avg_rank * sum(t for _, t in pairs[i:j])
        i = j
    return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg)


def average_precision(scores, truth):
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    pos = sum(truth)
    if pos == 0:
        return float("nan")
    hits = 0
    total = 0.0
    for rank, i in enumerate(order, 1):
        if truth[i]:
            hits += 1
            total += hits / rank
    return total / pos


def classification_metrics(y_true, probas, classes):
    n = len(y_true)
    k = len(classes)
    index = {c: i for i, c in enumerate(classes)}
    t = [index.get(v, -1) for v in y_true]
    p = [max(range(k), key=lambda i: pr[i]) for pr in probas]
    support = [sum(1 for v in t if v == c) for c in range(k)]
    tp = [sum(1 for a, b in zip(t, p) if a == b == c) for c in range(k)]
    pred_n = [sum(1 for b in p if b == c) for c in range(k)]
    prec = [tp[c] / pred_n[c] if pred_n[c] else 0.0 for c in range(k)]
    rec = [tp[c] / support[c] if support[c] else 0.0 for c in range(k)]
    f1 = [2 * prec[c] * rec[c] / (prec[c] + rec[c]) if prec[c] + rec[c] else 0.0 for c in range(k)]
    present = [c for c in range(k) if support[c] > 0]
    w = [support[c] / n for c in range(k)]
    macro = lambda xs: sum(xs[c] for c in present) / len(present) if present else 0.0  # noqa: E731
    weighted = lambda xs: sum(xs[c] * w[c] for c in range(k))  # noqa: E731
    accuracy = sum(tp) / n
    aucs = [auc_binary([pr[c] for pr in probas], [1 if v == c else 0 for v in t]) for c in range(k)]
    aps = [average_precision([pr[c] for pr in probas], [1 if v == c else 0 for v in t]) for c in range(k)]
    valid_auc = [c for c in present if not math.isnan(aucs[c])]
    recall_macro = macro(rec)
    chance = 1.0 / max(1, len(present))
    eps = 1e-15
    log_loss = -sum(math.log(min(1 - eps, max(eps, probas[i][t[i]]))) for i in range(n) if t[i] >= 0) / n
    # Matthews correlation, multiclass form (Gorodkin).
    s = n
    c_ = sum(tp)
    cov_pp = s * s - sum(x * x for x in pred_n)
    cov_tt = s * s - sum(x * x for x in support)
    mcc_num = c_ * s - sum(pred_n[c] * support[c] for c in range(k))
    mcc = mcc_num / math.sqrt(cov_pp * cov_tt) if cov_pp > 0 and cov_tt > 0 else 0.0
    micro = accuracy
    return {
        "accuracy": accuracy,
        "balanced_accuracy": recall_macro,
        "AUC_weighted": sum(aucs[c] * support[c] for c in valid_auc) / max(1, sum(support[c] for c in valid_auc)) if valid_auc else float("nan"),
        "AUC_macro": sum(aucs[c] for c in valid_auc) / len(valid_auc) if valid_auc else float("nan"),
        "average_precision_score_weighted": sum(aps[c] * w[c] for c in present if not math.isnan(aps[c])),
        "average_precision_score_macro": macro([0.0 if math.isnan(a) else a for a in aps]),
        "precision_score_weighted": weighted(prec),
        "precision_score_macro": macro(prec),
        "precision_score_micro": micro,
        "recall_score_weighted": weighted(rec),
        "recall_score_macro": recall_macro,
        "recall_score_micro": micro,
        "f1_score_weighted": weighted(f1),
        "f1_score_macro": macro(f1),
        "f1_score_micro": micro,
        "norm_macro_recall": max(0.0, (recall_macro - chance) / (1 - chance)) if chance < 1 else 0.0,
        "log_loss": log_loss,
        "matthews_correlation": mcc,
    }


def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and xs[order[j]] == xs[order[i]]:
            j += 1
        for q in range(i, j):
            r[order[q]] = (i + j + 1) / 2.0
        i = j
    return r


def pearson(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    sa = math.sqrt(sum((x - ma) ** 2 for x in a))
    sb = math.sqrt(sum((x - mb) ** 2 for x in b))
    return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / (sa * sb) if sa and sb else 0.0


def regression_metrics(y, pred, y_range):
    n = len(y)
    err = [p - t for p, t in zip(pred, y)]
    mean_y = sum(y) / n
    ss_tot = sum((t - mean_y) ** 2 for t in y)
    ss_res = sum(e * e for e in err)
    mean_err = sum(err) / n
    var_err = sum((e - mean_err) ** 2 for e in err)
    mae = sum(abs(e) for e in err) / n
    rmse = math.sqrt(ss_res / n)
    med = sorted(abs(e) for e in err)
    medae = med[n // 2] if n % 2 else (med[n // 2 - 1] + med[n // 2]) / 2.0
    rng = y_range if y_range > 0 else 1.0
    out = {
        "r2_score": 1 - ss_res / ss_tot if ss_tot else 0.0,
        "explained_variance": 1 - var_err / ss_tot if ss_tot else 0.0,
        "mean_absolute_error": mae,
        "median_absolute_error": medae,
        "root_mean_squared_error": rmse,
        "normalized_mean_absolute_error": mae / rng,
        "normalized_median_absolute_error": medae / rng,
        "normalized_root_mean_squared_error": rmse / rng,
        "spearman_correlation": pearson(ranks(y), ranks(pred)),
    }
    if all(v >= 0 for v in y) and all(v > -1 for v in pred):
        rmsle = math.sqrt(sum((math.log1p(max(p, 0)) - math.log1p(t)) ** 2 for p, t in zip(pred, y)) / n)
        out["root_mean_squared_log_error"] = rmsle
        out["normalized_root_mean_squared_log_error"] = rmsle / (math.log1p(max(y)) - math.log1p(min(y)) or 1.0)
    nz = [(p, t) for p, t in zip(pred, y) if t != 0]
    if nz:
        out["mean_absolute_percentage_error"] = 100.0 * sum(abs((p - t) / t) for p, t in nz) / len(nz)
    return out


# --- the candidates -------------------------------------------------------------------------------


def fit_softmax(X, y, k, params, rnd, margin=False):
    d = len(X[0]) if X else 0
    W = [[0.0] * d for _ in range(k)]
    b = [0.0] * k
    lam = 1.0 / (float(params.get("C", 1.0)) * max(1, len(X)))
    epochs = int(params.get("epochs", 8))
    order = list(range(len(X)))
    step = 0
    for _ in range(epochs):
        rnd.shuffle(order)
        for i in order:
            step += 1
            lr = float(params.get("lr", 0.1)) / (1 + 0.001 * step)
            x = X[i]
            z = [am.dot(W[c], x) + b[c] for c in range(k)]
            if margin:  # one-vs-rest hinge loss (a linear SVM fitted by SGD)
                for c in range(k):
                    target = 1.0 if y[i] == c else -1.0
                    if target * z[c] < 1:
                        g = -target
                        W[c] = [w - lr * (g * xv + lam * w) for w, xv in zip(W[c], x)]
                        b[c] -= lr * g
                    else:
                        W[c] = [w * (1 - lr * lam) for w in W[c]]
            else:
                p = am.softmax(z)
                for c in range(k):
                    g = p[c] - (1.0 if y[i] == c else 0.0)
                    if g != 0.0:
                        W[c] = [w - lr * (g * xv + lam * w) for w, xv in zip(W[c], x)]
                    b[c] -= lr * g
    return {"kind": "linear_margin" if margin else "linear_softmax", "weights": W, "bias": b}


def fit_bernoulli_nb(X, y, k, params):
    alpha = float(params.get("alpha", 1.0))
    d = len(X[0]) if X else 0
    counts = [0] * k
    ones = [[0.0] * d for _ in range(k)]
    for x, c in zip(X, y):
        counts[c] += 1
        row = ones[c]
        for j, v in enumerate(x):
            if v > 0:
                row[j] += 1
    n = len(X)
    return {
        "kind": "bernoulli_nb",
        "log_prior": [math.log((counts[c] + 1.0) / (n + k)) for c in range(k)],
        "feature_prob": [[(ones[c][j] + alpha) / (counts[c] + 2 * alpha) for j in range(d)] for c in range(k)],
    }


def fit_tree(X, y, params, k=None):
    """CART: gini impurity (classification, k classes) or variance (regression, k None)."""
    max_depth = int(params.get("max_depth", 6))
    min_leaf = int(params.get("min_samples_leaf", 5))
    d = len(X[0]) if X else 0

    def leaf(idx):
        if k is None:
            return {"leaf": sum(y[i] for i in idx) / len(idx)}
        counts = [0.0] * k
        for i in idx:
            counts[y[i]] += 1
        return {"leaf": [(c + 0.5) / (len(idx) + 0.5 * k) for c in counts]}

    def impurity_parts(idx):
        if k is None:
            s = sum(y[i] for i in idx)
            q = sum(y[i] * y[i] for i in idx)
            return s, q
        counts = [0] * k
        for i in idx:
            counts[y[i]] += 1
        return counts

    def build(idx, depth):
        n = len(idx)
        if depth >= max_depth or n < 2 * min_leaf:
            return leaf(idx)
        best = None
        if k is None:
            tot_s, tot_q = impurity_parts(idx)
            base = tot_q - tot_s * tot_s / n
        else:
            tot = impurity_parts(idx)
            base = n - sum(c * c for c in tot) / n
        if base <= 1e-12:
            return leaf(idx)
        for j in range(d):
            order = sorted(idx, key=lambda i: X[i][j])
            if k is None:
                ls = lq = 0.0
            else:
                lc = [0] * k
            for pos in range(n - 1):
                i = order[pos]
                if k is None:
                    ls += y[i]
                    lq += y[i] * y[i]
                else:
                    lc[y[i]] += 1
                nl = pos + 1
                if nl < min_leaf or n - nl < min_leaf:
                    continue
                v, nv = X[i][j], X[order[pos + 1]][j]
                if v == nv:
                    continue
                nr = n - nl
                if k is None:
                    cost = (lq - ls * ls / nl) + ((tot_q - lq) - (tot_s - ls) ** 2 / nr)
                else:
                    cost = (nl - sum(c * c for c in lc) / nl) + (nr - sum((t - c) ** 2 for t, c in zip(tot, lc)) / nr)
                if best is None or cost < best[0]:
                    best = (cost, j, (v + nv) / 2.0)
        if best is None or best[0] >= base - 1e-12:
            return leaf(idx)
        _, j, thr = best
        left = [i for i in idx if X[i][j] <= thr]
        right = [i for i in idx if X[i][j] > thr]
        return {"feature": j, "threshold": thr, "left": build(left, depth + 1), "right": build(right, depth + 1)}

    return {"kind": "tree", "tree": build(list(range(len(X))), 0)}


def fit_knn(X, y, params, rnd, classes=None):
    cap = int(params.get("max_reference_rows", 1500))
    idx = list(range(len(X)))
    if len(idx) > cap:
        idx = sorted(rnd.sample(idx, cap))
    spec = {"kind": "knn", "k": max(1, min(int(params.get("k", 5)), len(idx))), "ref": [X[i] for i in idx], "ref_y": [y[i] for i in idx]}
    if classes is not None:
        spec["classes"] = classes
    return spec


def fit_linear(X, y, params, rnd):
    """Least squares by SGD with an elastic net penalty (alpha, l1_ratio); y is standardized."""
    d = len(X[0]) if X else 0
    w = [0.0] * d
    b = 0.0
    alpha = float(params.get("alpha", 0.0))
    l1 = float(params.get("l1_ratio", 0.0))
    order = list(range(len(X)))
    step = 0
    for _ in range(int(params.get("epochs", 10))):
        rnd.shuffle(order)
        for i in order:
            step += 1
            lr = float(params.get("lr", 0.01)) / (1 + 0.0005 * step)
            g = am.dot(w, X[i]) + b - y[i]
            w = [wj - lr * (g * xj + alpha * (l1 * (1 if wj > 0 else -1 if wj < 0 else 0) + (1 - l1) * wj)) for wj, xj in zip(w, X[i])]
            b -= lr * g
    return {"kind": "linear", "weights": w, "bias": b}


CLASSIFIERS = ("LogisticRegression", "SGD", "BernoulliNaiveBayes", "DecisionTree", "KNN")
REGRESSORS = ("ElasticNet", "SGD", "DecisionTree", "KNN")
SERIES = {"Naive": "naive", "SeasonalNaive": "seasonal_naive", "Average": "average", "SeasonalAverage": "seasonal_average", "ExponentialSmoothing": "exponential_smoothing"}


def fit_classifier(algorithm, X, y, k, params, rnd, classes):
    if algorithm == "LogisticRegression":
        return fit_softmax(X, y, k, params, rnd)
    if algorithm == "SGD":
        return fit_softmax(X, y, k, params, rnd, margin=True)
    if algorithm == "BernoulliNaiveBayes":
        return fit_bernoulli_nb(X, y, k, params)
    if algorithm == "DecisionTree":
        return fit_tree(X, y, params, k)
    if algorithm == "KNN":
        return fit_knn(X, y, params, rnd, classes)
    raise UserError("the emulator has no classification algorithm %s (it trains %s)" % (algorithm, ", ".join(CLASSIFIERS)))


def fit_regressor(algorithm, X, y, params, rnd):
    if algorithm in ("ElasticNet", "SGD"):
        return fit_linear(X, y, params if algorithm == "ElasticNet" else dict(params, alpha=0.0), rnd)
    if algorithm == "DecisionTree":
        return fit_tree(X, y, params)
    if algorithm == "KNN":
        return fit_knn(X, y, params, rnd)
    raise UserError("the emulator has no regression algorithm %s (it trains %s)" % (algorithm, ", ".join(REGRESSORS)))


# --- training --------------------------------------------------------------------------------------


def column_kinds(rows, names, plan):
    declared = {k: str(v).lower() for k, v in (plan.get("featurization", {}).get("column_types") or {}).items()}
    mode = plan.get("featurization", {}).get("mode", "auto")
    kinds = {}
    for name in names:
        t = declared.get(name)
        if t in ("numeric", "numerical"):
            kinds[name] = "numeric"
        elif t in ("categorical", "text", "categoricalhash"):
            kinds[name] = "categorical"
        elif t in ("datetime",):
            kinds[name] = "time"
        elif t in ("ignore", "ignored"):
            continue
        else:
            vals = [r.get(name) for r in rows if r.get(name) not in (None, "")]
            numeric = sum(1 for v in vals if am.to_float(v) is not None)
            kinds[name] = "numeric" if vals and numeric >= 0.95 * len(vals) else "categorical"
        if mode == "off" and kinds[name] != "numeric":
            del kinds[name]
    return kinds


def split_rows(rows, plan, rnd):
    """(train, [(fit, score)...], how): the validation scheme Azure AutoML applies."""
    if plan.get("validation"):
        return rows, [(rows, read_table(plan["validation"]))], "validation data"
    size = plan.get("validation_size")
    folds = plan.get("n_cross_validations")
    n = len(rows)
    if not size and not folds:
        # Azure's defaults: > 20,000 rows a 10 % holdout; 1,000-20,000 rows 3-fold, fewer 10-fold cross-validation.
        if n > 20000:
            size = 0.1
        else:
            folds = 3 if n >= 1000 else 10
    order = list(range(n))
    rnd.shuffle(order)
    if size:
        cut = max(1, int(round(n * float(size))))
        val = [rows[i] for i in order[:cut]]
        fit = [rows[i] for i in order[cut:]]
        return rows, [(fit, val)], "a %.0f %% holdout" % (100 * float(size))
    folds = max(2, min(int(folds), n))
    parts = [order[f::folds] for f in range(folds)]
    pairs = []
    for f in range(folds):
        held = set(parts[f])
        pairs.append(([rows[i] for i in order if i not in held], [rows[i] for i in parts[f]]))
    return rows, pairs, "%d-fold cross-validation" % folds


def labelled(rows, target):
    return [r for r in rows if r.get(target) not in (None, "")]


def train_tabular(plan, algorithm, params, rows, rnd):
    task = plan["task"]
    target = plan["target"]
    drop = {target} | ({plan["weight_column"]} if plan.get("weight_column") else set())
    names = [c for c in rows[0].keys() if c not in drop] if rows else []
    all_rows, pairs, how = split_rows(rows, plan, rnd)
    classes = sorted({str(r[target]) for r in all_rows}) if task == "classification" else None
    if classes is not None and len(classes) < 2:
        raise UserError("the target column '%s' has %d distinct value(s); classification needs at least 2" % (target, len(classes)))

    def fit(train_rows):
        kinds = column_kinds(train_rows, names, plan)
        feat = am.Featurizer.fit(train_rows, [n for n in names if n in kinds], kinds)
        X = feat.transform(train_rows)
        if task == "classification":
            y = [classes.index(str(r[target])) for r in train_rows]
            return feat, fit_classifier(algorithm, X, y, len(classes), params, rnd, classes), None
        ys = [am.to_float(r[target]) for r in train_rows]
        m = sum(ys) / len(ys)
        s = math.sqrt(sum((v - m) ** 2 for v in ys) / len(ys)) or 1.0
        return feat, fit_regressor(algorithm, X, [(v - m) / s for v in ys], params, rnd), {"mean": m, "std": s}

    ys_all = [am.to_float(r[target]) for r in all_rows] if task != "classification" else []
    y_range = (max(ys_all) - min(ys_all)) if ys_all else 1.0
    fold_metrics = []
    for fit_rows, val_rows in pairs:
        feat, est, scale = fit(fit_rows)
        model = am.AutoMLModel({"task": task, "input_columns": names, "featurizer": feat.spec(), "estimator": est, "classes": classes, "y_scale": scale})
        if task == "classification":
            probas = model.predict_proba_rows(val_rows)
            fold_metrics.append(classification_metrics([str(r[target]) for r in val_rows], probas, classes))
        else:
            pred = model.predict_values(val_rows)
            fold_metrics.append(regression_metrics([am.to_float(r[target]) for r in val_rows], pred, y_range))
    metrics = {k: sum(m[k] for m in fold_metrics) / len(fold_metrics) for k in fold_metrics[0] if all(k in m for m in fold_metrics)}
    if len(pairs) == 1 and pairs[0][0] is all_rows:
        final = (feat, est, scale)
    else:
        final = fit(all_rows)  # the model Azure keeps is refitted on all the training data
    doc = {"task": task, "input_columns": names, "featurizer": final[0].spec(), "estimator": final[1], "classes": classes, "y_scale": final[2]}
    return doc, metrics, how, len(all_rows)


def train_forecasting(plan, algorithm, params, rows, rnd):
    fc = plan.get("forecasting") or {}
    target = plan["target"]
    time_col = fc.get("time_column")
    if not time_col:
        raise UserError("a forecasting job needs forecasting_settings.time_column_name")
    ids = fc.get("series_columns") or []
    horizon = max(1, int(fc.get("horizon") or 1))
    for r in rows:
        if time_col not in r:
            raise UserError("the time column '%s' is not a column of the training data" % time_col)
    rows = [r for r in rows if am.to_time(r.get(time_col)) is not None]
    key = lambda r: "|".join(str(r.get(c, "")) for c in ids)  # noqa: E731
    series = {}
    for r in sorted(rows, key=lambda r: am.to_time(r.get(time_col))):
        series.setdefault(key(r), []).append(r)
    if plan.get("validation"):
        val_rows = labelled(read_table(plan["validation"]), target)
        fit_series = series
        how = "validation data"
    else:
        # The last forecast_horizon points of each series are held out (a time-ordered split).
        fit_series = {k: v[:-horizon] if len(v) > horizon + 1 else v for k, v in series.items()}
        val_rows = [r for k, v in series.items() if len(v) > horizon + 1 for r in v[-horizon:]]
        how = "the last %d point(s) of each series" % horizon
    if not val_rows:
        raise UserError("the series are too short to hold out forecast_horizon=%d point(s) for validation" % horizon)
    season = fc.get("seasonality")
    season = int(season) if isinstance(season, (int, float)) or (isinstance(season, str) and season.isdigit()) else 7

    def fit(by_series):
        if algorithm in SERIES:
            states = {}
            for k, v in by_series.items():
                hist = [am.to_float(r[target]) or 0.0 for r in v]
                times = [am.to_time(r[time_col]) for r in v]
                deltas = sorted(b - a for a, b in zip(times, times[1:]) if b > a)
                alpha = float(params.get("alpha", 0.5))
                level = hist[0]
                for h in hist[1:]:
                    level = alpha * h + (1 - alpha) * level
                states[k] = {
                    "history": hist[-max(season * 4, 1) :],
                    "last_time": times[-1],
                    "step": deltas[len(deltas) // 2] if deltas else 0,
                    "mean": sum(hist) / len(hist),
                    "level": level,
                }
            est = {"kind": "series", "method": SERIES[algorithm], "season": season, "series_columns": ids, "time_column": time_col, "series": states, "fallback": next(iter(states))}
            return {"task": "forecasting", "input_columns": [time_col] + ids, "estimator": est}
        flat = [r for v in by_series.values() for r in v]
        names = [c for c in flat[0].keys() if c != target]
        kinds = column_kinds(flat, names, plan)
        kinds[time_col] = "time"
        feat = am.Featurizer.fit(flat, [n for n in names if n in kinds], kinds)
        ys = [am.to_float(r[target]) or 0.0 for r in flat]
        m = sum(ys) / len(ys)
        s = math.sqrt(sum((v - m) ** 2 for v in ys) / len(ys)) or 1.0
        est = fit_regressor(algorithm, feat.transform(flat), [(v - m) / s for v in ys], params, rnd)
        return {"task": "forecasting", "input_columns": names, "featurizer": feat.spec(), "estimator": est, "y_scale": {"mean": m, "std": s}}

    doc = fit(fit_series)
    model = am.AutoMLModel(doc)
    truth = [am.to_float(r[target]) or 0.0 for r in val_rows]
    all_y = [am.to_float(r[target]) or 0.0 for r in rows]
    metrics = regression_metrics(truth, model.predict_values(val_rows), max(all_y) - min(all_y))
    final = fit(series) if fit_series is not series else doc
    return final, metrics, how, len(rows)


# --- MLflow: metrics over the tracking REST API, the model as an MLflow model folder -----------------


def log_to_mlflow(metrics, params, tags):
    uri = os.environ.get("MLFLOW_TRACKING_URI")
    run_id = os.environ.get("MLFLOW_RUN_ID")
    if not uri or not run_id:
        log("MLFLOW_TRACKING_URI / MLFLOW_RUN_ID are not set: metrics are not logged")
        return
    now = int(time.time() * 1000)
    body = {
        "run_id": run_id,
        "metrics": [{"key": k, "value": v, "timestamp": now, "step": 0} for k, v in sorted(metrics.items()) if not math.isnan(v)],
        "params": [{"key": k, "value": str(v)} for k, v in sorted(params.items())],
        "tags": [{"key": k, "value": str(v)} for k, v in sorted(tags.items())],
    }
    req = urllib.request.Request(
        uri.rstrip("/") + "/api/2.0/mlflow/runs/log-batch",
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json", "Authorization": "Bearer %s" % os.environ.get("MLFLOW_TRACKING_TOKEN", "")},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as res:
        res.read()


def mlflow_type(values):
    vals = [v for v in values if v not in (None, "")]
    if vals and all(am.to_float(v) is not None for v in vals):
        return "long" if all(float(am.to_float(v)).is_integer() and "." not in str(v) for v in vals) else "double"
    return "string"


def write_mlflow_model(out_dir, doc, rows, run_id, algorithm):
    model_dir = os.path.join(out_dir, "mlflow-model")
    os.makedirs(os.path.join(model_dir, "code"), exist_ok=True)
    with open(os.path.join(model_dir, "model.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f)
    shutil.copyfile(os.path.join(os.path.dirname(os.path.abspath(__file__)), "automl_model.py"), os.path.join(model_dir, "code", "automl_model.py"))
    inputs = [{"type": mlflow_type([r.get(c) for r in rows[:200]]), "name": c} for c in doc["input_columns"]]
    output_type = "string" if doc["task"] == "classification" else "double"
    pyver = "%d.%d.%d" % sys.version_info[:3]
    lines = [
        "artifact_path: outputs/mlflow-model",
        "flavors:",
        "  python_function:",
        "    code: code",
        "    data: model.json",
        "    env:",
        "      conda: conda.yaml",
        "    loader_module: automl_model",
        "    python_version: %s" % pyver,
        "metadata:",
        "  azureml.base_image: azureml-emulator",
        "  algorithm: %s" % algorithm,
        "model_uuid: %s" % os.urandom(16).hex(),
        "run_id: %s" % run_id,
        "signature:",
        "  inputs: '%s'" % json.dumps(inputs).replace("'", "''"),
        "  outputs: '%s'" % json.dumps([{"type": output_type}]),
        "  params: null",
        "utc_time_created: '%s'" % time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        "",
    ]
    with open(os.path.join(model_dir, "MLmodel"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    with open(os.path.join(model_dir, "conda.yaml"), "w", encoding="utf-8") as f:
        f.write("name: automl-emulator\ndependencies:\n- python=%s\n" % pyver)
    return model_dir


def main(argv=None):
    ap = argparse.ArgumentParser(description="one AutoML trial of the Azure ML emulator")
    ap.add_argument("--plan", required=True)
    ap.add_argument("--algorithm", required=True)
    ap.add_argument("--params", default="{}")
    ap.add_argument("--iteration", type=int, default=0)
    ap.add_argument("--output", required=True)
    args = ap.parse_args(argv)
    with open(args.plan, "r", encoding="utf-8") as f:
        plan = json.load(f)
    params = json.loads(args.params)
    rnd = random.Random(int(plan.get("seed", 0)) * 1000 + args.iteration)
    started = time.time()
    try:
        rows = labelled(read_table(plan["training"]), plan["target"])
        if not rows:
            raise UserError("the training data has no rows with a value in the target column '%s'" % plan["target"])
        if plan["target"] not in rows[0]:
            raise UserError("the target column '%s' is not a column of the training data (%s)" % (plan["target"], ", ".join(rows[0].keys())))
        log("iteration %d: %s %s on %d row(s), task %s" % (args.iteration, args.algorithm, json.dumps(params, sort_keys=True), len(rows), plan["task"]))
        if plan["task"] == "forecasting":
            doc, metrics, how, n = train_forecasting(plan, args.algorithm, params, rows, rnd)
        else:
            doc, metrics, how, n = train_tabular(plan, args.algorithm, params, rows, rnd)
    except UserError as exc:
        log("UserError: %s" % exc)
        return 2
    fit_time = time.time() - started
    log("validated on %s; %s = %s" % (how, plan["primary_metric"], metrics.get(plan["primary_metric"])))
    for k in sorted(metrics):
        log("  %s: %s" % (k, metrics[k]))
    run_id = os.environ.get("MLFLOW_RUN_ID", "")
    doc["algorithm"] = args.algorithm
    model_dir = write_mlflow_model(args.output, doc, rows, run_id, args.algorithm)
    with open(os.path.join(args.output, "scores.json"), "w", encoding="utf-8") as f:
        json.dump({"metrics": metrics, "validation": how, "rows": n, "fit_time": fit_time}, f)
    tags = {"run_algorithm": args.algorithm, "run_preprocessor": "StandardScalerWrapper" if plan["task"] != "forecasting" or args.algorithm not in SERIES else "", "iteration": args.iteration}
    log_to_mlflow(metrics, dict(params, algorithm=args.algorithm), tags)
    log("model written to %s" % model_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
