"""The local emulator's parallel job driver (Python 3 standard library only).

Runs a parallel step's entry script as Azure ML's parallel job does
(https://learn.microsoft.com/azure/machine-learning/how-to-use-parallel-job-in-pipeline,
and ParallelRunConfig: https://learn.microsoft.com/python/api/azureml-pipeline-steps/azureml.pipeline.steps.parallelrunconfig):

- the input data is split into mini-batches: for files (uri_folder / uri_file) mini_batch_size is a
  number of files, and run() gets a list of file paths; for tabular data (an MLTable folder, or
  CSV files) it is a size in bytes, and run() gets the rows (a pandas DataFrame when pandas is
  installed, otherwise a list of dicts, one per row); with partition_keys every distinct key value
  is one mini-batch;
- instance_count x max_concurrency_per_instance worker processes each import the entry script,
  call init() once, then run(mini_batch) for the mini-batches they are given;
- a mini-batch fails when run() raises, runs longer than retry_settings.timeout seconds, or (with
  append_row_to, without partition_keys) returns fewer results than it had items; it is tried again
  up to retry_settings.max_retries times; run(mini_batch, mini_batch_context) gets the partition's
  key values as mini_batch_context.partition_key_value;
- when more mini-batches fail than mini_batch_error_threshold, or more items than error_threshold,
  the job stops and fails (-1: ignore every failure);
- with append_row_to, every element run() returns (a DataFrame: every row) is appended as one
  line to the output: the file of a uri_file output, or parallel_run_step.txt in a folder.
"""

import argparse
import csv
import importlib.util
import inspect
import io
import logging
import multiprocessing as mp
import os
import queue
import sys
import time
import traceback

APPEND_ROW_FILE = "parallel_run_step.txt"  # ParallelRunConfig: append_row_file_name default
DEFAULT_FILES_PER_BATCH = 10  # how-to-use-parallel-job-in-pipeline: mini_batch_size default for files
DEFAULT_TABULAR_BYTES = 1024 * 1024  # ...and 1 MB for tabular data


def parse_args(argv):
    p = argparse.ArgumentParser(prog="parallel_driver")
    p.add_argument("--entry-script", required=True)
    p.add_argument("--input-data", required=True)
    p.add_argument("--input-type", default="")
    p.add_argument("--mini-batch-size", type=int, default=0)
    p.add_argument("--partition-keys", default="")
    p.add_argument("--instance-count", type=int, default=1)
    p.add_argument("--max-concurrency-per-instance", type=int, default=1)
    p.add_argument("--max-retries", type=int, default=2)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--error-threshold", type=int, default=-1)
    p.add_argument("--mini-batch-error-threshold", type=int, default=-1)
    p.add_argument("--append-row-to", default="")
    p.add_argument("--logging-level", default="INFO")
    if "--" in argv:
        i = argv.index("--")
        return p.parse_args(argv[:i]), argv[i + 1 :]
    return p.parse_args(argv), []


# ---------------------------------------------------------------- input data


def list_files(path):
    if os.path.isfile(path):
        return [path]
    out = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for f in sorted(files):
            out.append(os.path.join(root, f))
    return out


def read_mltable(folder):
    """The paths and delimited-read settings of an MLTable file (the subset az ml examples use)."""
    paths, delimiter, header = [], ",", True
    section = None
    with open(os.path.join(folder, "MLTable"), encoding="utf-8") as fh:
        for raw in fh:
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            if not line.startswith((" ", "-")):
                section = line.split(":", 1)[0].strip()
                continue
            body = line.strip().lstrip("-").strip()
            if ":" not in body:
                continue
            key, value = (s.strip().strip("'\"") for s in body.split(":", 1))
            if section == "paths" and key in ("file", "folder", "pattern"):
                paths.append((key, value))
            elif section == "transformations" and key == "delimiter":
                delimiter = value or ","
            elif section == "transformations" and key == "header":
                header = value != "no_header"
    files = []
    for kind, value in paths:
        target = os.path.normpath(os.path.join(folder, value))
        if kind == "file":
            files.append(target)
        elif kind == "folder":
            files.extend(f for f in list_files(target) if not f.endswith("MLTable"))
        else:
            import glob

            files.extend(sorted(glob.glob(target, recursive=True)))
    return files, delimiter, header


def tabular_sources(path):
    if os.path.isdir(path) and os.path.exists(os.path.join(path, "MLTable")):
        return read_mltable(path)
    files = [f for f in list_files(path) if f.lower().endswith((".csv", ".tsv", ".txt"))]
    if not files:
        raise SystemExit(f"parallel job: no tabular data (an MLTable file, or .csv/.tsv files) at {path}")
    return files, "\t" if files[0].lower().endswith(".tsv") else ",", True


def tabular_batches(path, size, partition_keys):
    """Rows of the tabular input, cut into mini-batches of about `size` bytes (or by key)."""
    files, delimiter, header = tabular_sources(path)
    columns, rows = None, []
    for f in files:
        with open(f, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            first = True
            for rec in reader:
                if not rec:
                    continue
                if first and header:
                    first = False
                    if columns is None:
                        columns = rec
                    continue
                first = False
                if columns is None:
                    columns = [f"Column{i + 1}" for i in range(len(rec))]
                buf = io.StringIO()
                csv.writer(buf, delimiter=delimiter).writerow(rec)
                rows.append((rec, len(buf.getvalue().encode("utf-8"))))
    columns = columns or []
    if partition_keys:
        missing = [k for k in partition_keys if k not in columns]
        if missing:
            raise SystemExit(f"parallel job: partition_keys {missing} are not columns of the input (columns: {columns})")
        idx = [columns.index(k) for k in partition_keys]
        groups = {}
        for rec, _ in rows:
            groups.setdefault(tuple(rec[i] for i in idx), []).append(rec)
        return columns, [g for _, g in sorted(groups.items())], [dict(zip(partition_keys, k)) for k in sorted(groups)]
    batches, current, used = [], [], 0
    for rec, n in rows:
        if current and used + n > size:
            batches.append(current)
            current, used = [], 0
        current.append(rec)
        used += n
    if current:
        batches.append(current)
    return columns, batches, None


def as_frame(columns, records):
    try:
        import pandas  # noqa: F401  (the entry script's environment may have it)

        df = pandas.read_csv(io.StringIO(to_csv(columns, records)))
        return df
    except ImportError:
        return [dict(zip(columns, r)) for r in records]


def to_csv(columns, records):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    w.writerows(records)
    return buf.getvalue()


# ---------------------------------------------------------------- results


def result_rows(result):
    """What run() returned → the lines append_row writes, one per element (DataFrame: per row)."""
    if result is None:
        return []
    if hasattr(result, "itertuples") and hasattr(result, "columns"):
        return [" ".join(str(v) for v in row) for row in result.itertuples(index=False, name=None)]
    if isinstance(result, (str, bytes)):
        return [result.decode() if isinstance(result, bytes) else result]
    if isinstance(result, dict):
        return [" ".join(str(v) for v in result.values())]
    rows = []
    for item in result:
        if isinstance(item, (list, tuple)):
            rows.append(" ".join(str(v) for v in item))
        elif isinstance(item, dict):
            rows.append(" ".join(str(v) for v in item.values()))
        else:
            rows.append(str(item))
    return rows


# ---------------------------------------------------------------- workers


def load_entry(path):
    spec = importlib.util.spec_from_file_location("entry_script", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["entry_script"] = module
    spec.loader.exec_module(module)
    for fn in ("init", "run"):
        if not callable(getattr(module, fn, None)):
            raise AttributeError(f"the entry script {os.path.basename(path)} has no {fn}() function")
    return module


class MiniBatchContext:
    """The second argument of run(mini_batch, mini_batch_context) (azureml-examples cli/jobs/parallel/
    1a_oj_sales_prediction parallel_train.py reads partition_key_value)."""

    def __init__(self, index, partition_key_value):
        self.minibatch_index = index
        self.partition_key_value = partition_key_value or {}


def wants_context(fn):
    try:
        params = [
            p for p in inspect.signature(fn).parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
        ]
    except (TypeError, ValueError):
        return False
    return len(params) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)


def worker(wid, entry, argv, level, batches, keys, columns, tabular, tasks, results):
    logging.basicConfig(level=getattr(logging, level, logging.INFO), format=f"%(asctime)s worker {wid} %(levelname)s %(message)s")
    sys.argv = [entry] + argv
    try:
        module = load_entry(entry)
        module.init()
    except BaseException:  # noqa: BLE001  any failure of init() is the job's
        results.put(("init_failed", wid, None, None, traceback.format_exc()))
        return
    with_context = wants_context(module.run)
    results.put(("ready", wid, None, None, None))
    while True:
        task = tasks.get()
        if task is None:
            return
        index, attempt = task
        results.put(("start", wid, index, attempt, None))
        batch = batches[index]
        mini_batch = as_frame(columns, batch) if tabular else list(batch)
        try:
            if with_context:
                result = module.run(mini_batch, MiniBatchContext(index, keys[index] if keys else None))
            else:
                result = module.run(mini_batch)
            rows = result_rows(result)
            results.put(("done", wid, index, attempt, rows))
        except BaseException:  # noqa: BLE001  a run() that raises fails its mini-batch
            results.put(("error", wid, index, attempt, traceback.format_exc()))


class Driver:
    def __init__(self, args, argv):
        self.args = args
        self.argv = argv
        tabular = args.input_type == "mltable" or (
            args.input_type == "" and os.path.isdir(args.input_data) and os.path.exists(os.path.join(args.input_data, "MLTable"))
        )
        keys = [k for k in args.partition_keys.split(",") if k] if args.partition_keys else []
        if keys and not tabular:
            raise SystemExit("parallel job: partition_keys need tabular input (mltable)")
        if tabular:
            size = args.mini_batch_size or DEFAULT_TABULAR_BYTES
            self.columns, self.batches, self.keys = tabular_batches(args.input_data, size, keys)
        else:
            size = args.mini_batch_size or DEFAULT_FILES_PER_BATCH
            files = list_files(args.input_data)
            self.columns, self.keys = None, None
            self.batches = [files[i : i + size] for i in range(0, len(files), size)]
        self.tabular = tabular
        # Fewer results than items fail a mini-batch when results are collected (append_row); a
        # partition is one unit of work whose run() may return nothing (1a_oj_sales_prediction).
        self.counts_returns = bool(args.append_row_to) and not keys
        self.ctx = mp.get_context("fork")
        self.tasks = self.ctx.Queue()
        self.results = self.ctx.Queue()
        self.workers = {}
        self.running = {}  # wid -> (index, attempt, started)
        self.attempts = {}
        self.failed_batches = 0
        self.failed_items = 0
        self.succeeded = 0
        self.rows_written = 0
        self.out = None

    def log(self, message):
        print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} parallel: {message}", flush=True)

    def start_worker(self, wid):
        a = self.args
        p = self.ctx.Process(
            target=worker,
            args=(wid, a.entry_script, self.argv, a.logging_level.upper(), self.batches, self.keys, self.columns, self.tabular, self.tasks, self.results),
            daemon=True,
        )
        p.start()
        self.workers[wid] = p

    def open_output(self):
        target = self.args.append_row_to
        if not target:
            return
        path = os.path.join(target, APPEND_ROW_FILE) if os.path.isdir(target) else target
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self.out = open(path, "a", encoding="utf-8")
        self.log(f"append_row: results go to {path}")

    def items_of(self, index):
        return len(self.batches[index])

    def finish_batch(self, index, ok, rows, why):
        if rows and self.out:
            for r in rows:
                self.out.write(r + "\n")
            self.out.flush()
            self.rows_written += len(rows)
        if ok:
            self.succeeded += 1
            return
        self.failed_batches += 1
        self.failed_items += max(0, self.items_of(index) - (len(rows) if rows and self.counts_returns else 0))
        self.log(f"mini-batch {index} failed after {self.attempts[index]} attempt(s): {why}")

    def over_threshold(self):
        a = self.args
        if a.mini_batch_error_threshold >= 0 and self.failed_batches > a.mini_batch_error_threshold:
            return f"{self.failed_batches} mini-batches failed, more than mini_batch_error_threshold {a.mini_batch_error_threshold}"
        if a.error_threshold >= 0 and self.failed_items > a.error_threshold:
            return f"{self.failed_items} items failed, more than error_threshold {a.error_threshold}"
        return None

    def attempt_failed(self, index, rows, why):
        """A failed attempt: try again while retries are left, else the mini-batch has failed."""
        if self.attempts[index] <= self.args.max_retries:
            self.log(f"mini-batch {index} attempt {self.attempts[index]} failed ({why.strip().splitlines()[-1] if why.strip() else why}); retrying")
            self.submit(index)
            return False
        self.finish_batch(index, False, rows, why)
        return True

    def submit(self, index):
        self.attempts[index] = self.attempts.get(index, 0) + 1
        self.tasks.put((index, self.attempts[index]))

    def stop_workers(self):
        for p in self.workers.values():
            if p.is_alive():
                p.terminate()
        for p in self.workers.values():
            p.join(5)

    def run(self):
        a = self.args
        n_workers = max(1, a.instance_count) * max(1, a.max_concurrency_per_instance)
        total = len(self.batches)
        kind = "tabular rows" if self.tabular else "files"
        self.log(f"{total} mini-batches of {kind} from {a.input_data}; {n_workers} worker(s) ({a.instance_count} instance(s) x {a.max_concurrency_per_instance})")
        self.open_output()
        if total == 0:
            self.log("no input data: nothing to run")
            return 0
        for i in range(total):
            self.submit(i)
        for w in range(n_workers):
            self.start_worker(w)
        next_wid = n_workers
        settled = 0
        while settled < total:
            try:
                kind_, wid, index, attempt, payload = self.results.get(timeout=0.2)
            except queue.Empty:
                kind_ = None
            if kind_ == "init_failed":
                self.log(f"init() of {os.path.basename(a.entry_script)} failed in worker {wid}:\n{payload}")
                self.stop_workers()
                print(f"parallel job failed: init() raised in worker {wid}", file=sys.stderr, flush=True)
                return 1
            if kind_ == "start":
                self.running[wid] = (index, attempt, time.monotonic())
            elif kind_ in ("done", "error"):
                self.running.pop(wid, None)
                if attempt != self.attempts.get(index):
                    continue  # an attempt that had timed out and was already retried
                if kind_ == "done" and (len(payload) >= self.items_of(index) or not self.counts_returns):
                    self.finish_batch(index, True, payload, None)
                    settled += 1
                elif kind_ == "done":
                    why = f"run() returned {len(payload)} result(s) for {self.items_of(index)} item(s)"
                    if self.attempt_failed(index, payload, why):
                        settled += 1
                else:
                    if self.attempt_failed(index, None, payload):
                        settled += 1
            # run() past retry_settings.timeout: the worker is replaced, the attempt failed
            now = time.monotonic()
            for w, (index, attempt, started) in list(self.running.items()):
                if now - started > a.timeout:
                    self.running.pop(w, None)
                    self.workers[w].terminate()
                    self.workers[w].join(5)
                    self.start_worker(next_wid)
                    next_wid += 1
                    if self.attempt_failed(index, None, f"run() timed out after {a.timeout:g} s"):
                        settled += 1
            for w, p in list(self.workers.items()):
                if not p.is_alive() and p.exitcode not in (0, None) and w in self.running:
                    index, attempt, _ = self.running.pop(w)
                    self.start_worker(next_wid)
                    next_wid += 1
                    if self.attempt_failed(index, None, f"the worker process died (exit code {p.exitcode})"):
                        settled += 1
            reason = self.over_threshold()
            if reason:
                self.stop_workers()
                self.summary()
                print(f"parallel job failed: {reason}", file=sys.stderr, flush=True)
                return 1
        for _ in self.workers:
            self.tasks.put(None)
        for p in self.workers.values():
            p.join(10)
        self.stop_workers()
        self.summary()
        return 0

    def summary(self):
        if self.out:
            self.out.close()
        self.log(
            f"{self.succeeded} mini-batch(es) succeeded, {self.failed_batches} failed; "
            f"{self.failed_items} item(s) failed; {self.rows_written} row(s) appended"
        )


def main(argv):
    # A batch deployment's model, bound as the step input azureml_model_dir (endpoints/batch-invoke.ts):
    # the scoring script finds it at AZUREML_MODEL_DIR, as on Azure
    # (https://learn.microsoft.com/azure/machine-learning/how-to-batch-scoring-script).
    if os.environ.get("AZURE_ML_INPUT_azureml_model_dir") and not os.environ.get("AZUREML_MODEL_DIR"):
        os.environ["AZUREML_MODEL_DIR"] = os.environ["AZURE_ML_INPUT_azureml_model_dir"]
    args, rest = parse_args(argv)
    if not os.path.exists(args.entry_script):
        print(f"parallel job failed: entry script {args.entry_script} does not exist", file=sys.stderr)
        return 1
    if not os.path.exists(args.input_data):
        print(f"parallel job failed: input data {args.input_data} does not exist", file=sys.stderr)
        return 1
    return Driver(args, rest).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
