#!/usr/bin/env python
"""Real-client MLflow compatibility workload: the contract `verdict server` must pass.

Drives an MLflow tracking server with the real `mlflow` client (mlflow-skinny + pandas, pinned in
python/requirements-mlflow.txt) and ASSERTS what comes back. It passes against the real
`mlflow server` 3.17.2 (SQLite backend, artifacts served with --artifacts-destination), so whatever
passes here is what a drop-in server has to do.

    python3 -m venv /work/mlflow-client-venv
    /work/mlflow-client-venv/bin/pip install -r python/requirements-mlflow.txt
    /work/mlflow-client-venv/bin/python python/mlflow_workload.py --uri http://127.0.0.1:5055 [--tmp DIR]
    ... --token SECRET     # server started with an auth token: the client sends MLFLOW_TRACKING_TOKEN
                           # (Bearer) and a request without it must be answered 401
    ... --only registry,pyfunc   # only the steps whose name contains one of these words (debugging:
                                 # steps build on earlier ones, so a lone step may fail for lack of state)

scripts/mlflow_compat.sh starts a server, waits for /health and runs this script.

One line per step, `ok <name>`, `FAIL <name>: <reason>` or `skip <name>: <reason>`, then a closing
line `N passed, M failed[, K skipped]`; the exit code is 1 if any step failed. Steps never assume
server-chosen ids (the real server numbers experiments 1, 2, ...; others may use uuids); every
object name carries a random prefix, so the workload can run repeatedly against one server.
"""

import argparse
import json
import math
import os
import sys
import tempfile
import time
import uuid

from steps import check, client_env, eq, run_steps, step  # python/steps.py, shared with check_experiment_e2e.py

# --- arguments first: MLFLOW_TRACKING_TOKEN must be in the environment before mlflow is used -----
ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--uri", required=True, help="tracking server, e.g. http://127.0.0.1:5055")
ap.add_argument("--tmp", help="scratch directory (default: a fresh temporary directory)")
ap.add_argument("--token", help="bearer token the server requires (enables the auth step)")
ap.add_argument("--only", help="comma-separated substrings: run only matching steps")
ap.add_argument("--verbose", action="store_true", help="print tracebacks and step timings")
ARGS = ap.parse_args()
URI = ARGS.uri.rstrip("/")
client_env(ARGS.token)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import requests  # noqa: E402

import mlflow  # noqa: E402
import mlflow.artifacts  # noqa: E402
import mlflow.pyfunc  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunTag, ViewType  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402

mlflow.set_tracking_uri(URI)
C = MlflowClient(URI)
P = "wl" + uuid.uuid4().hex[:8]  # prefix of every name this run creates
TMP = ARGS.tmp or tempfile.mkdtemp(prefix="mlflow-wl-")
os.makedirs(TMP, exist_ok=True)
S = {}  # state shared between steps (ids the server chose)
DBL_MAX = sys.float_info.max


# --- helpers --------------------------------------------------------------------------------------
def now_ms():
    return int(time.time() * 1000)


def expect_error(code, fn, what):
    """fn() must raise MlflowException with error_code == code."""
    try:
        fn()
    except MlflowException as e:
        if e.error_code != code:
            raise AssertionError(f"{what}: error_code {e.error_code}, want {code} ({e})")
        return e
    raise AssertionError(f"{what}: no error, want {code}")


def auth_headers():
    return {"Authorization": f"Bearer {ARGS.token}"} if ARGS.token else {}


def raw(method, path, auth=True, **kw):
    """A raw HTTP request (no mlflow client), with the bearer token unless auth=False."""
    headers = dict(kw.pop("headers", {}))
    if auth:
        headers.update(auth_headers())
    return requests.request(method, URI + path, headers=headers, timeout=30, **kw)


def rjson(r, what):
    check(r.status_code == 200, f"{what}: HTTP {r.status_code}: {r.text[:300]}")
    return r.json() if r.text.strip() else {}


def history(run_id, key):
    return [(m.step, m.value) for m in sorted(C.get_metric_history(run_id, key), key=lambda m: (m.step, m.timestamp))]


def search_ids(exp_ids, filt="", **kw):
    return [r.info.run_id for r in C.search_runs(exp_ids, filt, **kw)]


def artifact_path_of(run):
    """The mlflow-artifacts proxy path of a run's artifact root, from its artifact_uri."""
    uri = run.info.artifact_uri
    check(uri.startswith("mlflow-artifacts:"), f"artifact_uri {uri!r} is not mlflow-artifacts:")
    return uri[len("mlflow-artifacts:"):].lstrip("/")


# --- health and auth ------------------------------------------------------------------------------
@step
def health():
    r = raw("GET", "/health", auth=bool(ARGS.token))
    eq(r.status_code, 200, "GET /health status")
    eq(r.text.strip(), "OK", "GET /health body")


@step
def auth_token_required():
    if not ARGS.token:
        return "skip", "no --token given (the open-source mlflow server has no token auth)"
    path = "/api/2.0/mlflow/experiments/search"
    r = raw("POST", path, auth=False, json={"max_results": 1})
    eq(r.status_code, 401, "search without Authorization")
    r = raw("POST", path, auth=False, json={"max_results": 1}, headers={"Authorization": "Bearer wrong-" + ARGS.token})
    eq(r.status_code, 401, "search with a wrong bearer token")
    r = raw("POST", path, json={"max_results": 1})
    eq(r.status_code, 200, "search with the bearer token")
    C.search_experiments(max_results=1)  # the client itself sends MLFLOW_TRACKING_TOKEN


# --- experiment and the main run ------------------------------------------------------------------
@step
def set_experiment():
    exp = mlflow.set_experiment(f"{P}-exp")  # get-by-name 404 -> create -> get
    eq(exp.name, f"{P}-exp", "name")
    eq(exp.lifecycle_stage, "active", "lifecycle_stage")
    check(isinstance(exp.experiment_id, str) and exp.experiment_id, "experiment_id is a non-empty string")
    check(exp.artifact_location.startswith("mlflow-artifacts:"), f"artifact_location {exp.artifact_location}")
    again = mlflow.set_experiment(f"{P}-exp")  # now found by name
    eq(again.experiment_id, exp.experiment_id, "set_experiment twice gives the same id")
    eq(C.get_experiment(exp.experiment_id).name, exp.name, "get_experiment name")
    eq(C.get_experiment_by_name(exp.name).experiment_id, exp.experiment_id, "get_experiment_by_name id")
    S["exp"] = exp.experiment_id


@step
def start_run_with_tags():
    run = mlflow.start_run(run_name="r1", tags={"team": "a", "purpose": "workload"})
    S["rid"] = rid = run.info.run_id
    check(len(rid) >= 8, f"run_id {rid!r}")
    r = C.get_run(rid)
    eq(r.info.run_name, "r1", "run_name")
    eq(r.info.experiment_id, S["exp"], "experiment_id")
    eq(r.info.status, "RUNNING", "status")
    eq(r.info.lifecycle_stage, "active", "lifecycle_stage")
    eq(r.data.tags.get("team"), "a", "tag team")
    eq(r.data.tags.get("mlflow.runName"), "r1", "tag mlflow.runName")
    check("mlflow.user" in r.data.tags and "mlflow.source.name" in r.data.tags, "reserved tags stored")
    check(r.info.start_time and abs(r.info.start_time - now_ms()) < 600_000, "start_time is now (ms)")
    check(r.info.end_time in (None, 0), f"end_time unset while running, got {r.info.end_time}")
    artifact_path_of(r)


@step
def log_params():
    mlflow.log_param("lr", 0.01)
    mlflow.log_params({"bs": 32, "opt": "adam"})
    mlflow.log_param("lr", 0.01)  # same value again: allowed
    eq(C.get_run(S["rid"]).data.params, {"lr": "0.01", "bs": "32", "opt": "adam"}, "params")


@step
def log_metric_steps():
    for s in range(3):
        mlflow.log_metric("loss", 1 / (s + 1), step=s)
    mlflow.log_metric("late", 5.0, step=5)  # a lower step logged afterwards is not the latest
    mlflow.log_metric("late", 1.0, step=1)
    mlflow.log_metric("nostep", 7.5)  # step defaults to 0
    m = C.get_run(S["rid"]).data.metrics
    eq(m.get("loss"), 1 / 3, "latest loss = value at max step")
    eq(m.get("late"), 5.0, "latest 'late' = value at step 5 although step 1 came later")
    eq(history(S["rid"], "nostep"), [(0, 7.5)], "default step 0")


@step
def log_metrics_dict():
    mlflow.log_metrics({"acc": 0.91, "f1": 0.8}, step=2)
    m = C.get_run(S["rid"]).data.metrics
    eq((m.get("acc"), m.get("f1")), (0.91, 0.8), "acc, f1")
    eq(history(S["rid"], "acc"), [(2, 0.91)], "acc history")


@step
def log_batch_client():
    ts = now_ms()
    C.log_batch(
        S["rid"],
        metrics=[Metric("bm", float(i), ts + i, i) for i in range(10)],
        params=[Param("bp", "x"), Param("bq", "y")],
        tags=[RunTag("bt", "z")],
    )
    r = C.get_run(S["rid"])
    eq(r.data.metrics.get("bm"), 9.0, "latest bm")
    eq((r.data.params.get("bp"), r.data.params.get("bq"), r.data.tags.get("bt")), ("x", "y", "z"), "batch params/tags")
    eq(history(S["rid"], "bm"), [(i, float(i)) for i in range(10)], "bm history")
    hist = sorted(C.get_metric_history(S["rid"], "bm"), key=lambda m: m.step)
    eq([m.timestamp for m in hist], [ts + i for i in range(10)], "timestamps kept exactly")


@step
def async_logging():
    for s in range(5):
        mlflow.log_metric("x", float(s * s), step=s, synchronous=False)
    mlflow.log_param("async_p", "1", synchronous=False)
    mlflow.set_tag("async_t", "2", synchronous=False)
    op = mlflow.log_metrics({"y": 1.5}, step=0, synchronous=False)
    op.wait()
    eq(C.get_run(S["rid"]).data.metrics.get("y"), 1.5, "awaited async log_metrics")
    S["async_checked_at_end"] = True  # the x history is checked after end_run flushes the queue


@step
def tags_set_delete():
    mlflow.set_tag("stage", "dev")
    mlflow.set_tags({"k1": "v1", "k2": "v2"})
    mlflow.set_tag("stage", "prod")  # tags may be overwritten
    C.delete_tag(S["rid"], "k2")
    t = C.get_run(S["rid"]).data.tags
    eq((t.get("stage"), t.get("k1"), "k2" in t), ("prod", "v1", False), "stage, k1, k2 deleted")
    expect_error("RESOURCE_DOES_NOT_EXIST", lambda: C.delete_tag(S["rid"], "never-set"), "delete a missing tag")


@step
def artifacts_upload():
    d = os.path.join(TMP, "up")
    os.makedirs(os.path.join(d, "tree", "deep"), exist_ok=True)
    with open(os.path.join(d, "notes.txt"), "w") as f:
        f.write("hello artifacts\n")
    with open(os.path.join(d, "tree", "a.csv"), "w") as f:
        f.write("x,y\n1,2\n")
    with open(os.path.join(d, "tree", "deep", "b.bin"), "wb") as f:
        f.write(bytes(range(256)) * 4)
    mlflow.log_artifact(os.path.join(d, "notes.txt"))
    mlflow.log_artifact(os.path.join(d, "notes.txt"), artifact_path="sub")
    mlflow.log_artifacts(os.path.join(d, "tree"), artifact_path="dir")
    mlflow.log_dict({"a": 1, "b": [1, 2]}, "cfg.json")
    mlflow.log_text("plain text ✓", "text/hello.txt")
    S["updir"] = d


@step
def artifacts_list():
    rid = S["rid"]
    root = {f.path: f for f in C.list_artifacts(rid)}
    eq(sorted(root), ["cfg.json", "dir", "notes.txt", "sub", "text"], "root listing")
    eq((root["dir"].is_dir, root["notes.txt"].is_dir), (True, False), "is_dir flags")
    eq(root["notes.txt"].file_size, len("hello artifacts\n"), "file_size")
    sub = C.list_artifacts(rid, "sub")
    eq([(f.path, f.is_dir) for f in sub], [("sub/notes.txt", False)], "listing of sub")
    deep = sorted((f.path, f.is_dir) for f in C.list_artifacts(rid, "dir"))
    eq(deep, [("dir/a.csv", False), ("dir/deep", True)], "listing of dir")
    eq([f.path for f in C.list_artifacts(rid, "dir/deep")], ["dir/deep/b.bin"], "listing of dir/deep")
    eq(C.list_artifacts(rid, "no/such/dir"), [], "listing of a missing dir")


@step
def artifacts_download():
    rid = S["rid"]
    dst = tempfile.mkdtemp(dir=TMP)
    p = C.download_artifacts(rid, "notes.txt", dst)
    with open(p) as f:
        eq(f.read(), "hello artifacts\n", "downloaded notes.txt")
    dst2 = tempfile.mkdtemp(dir=TMP)
    p = mlflow.artifacts.download_artifacts(run_id=rid, artifact_path="dir", dst_path=dst2)
    with open(os.path.join(p, "deep", "b.bin"), "rb") as f:
        eq(f.read(), bytes(range(256)) * 4, "downloaded dir/deep/b.bin (binary)")
    with open(os.path.join(p, "a.csv")) as f:
        eq(f.read(), "x,y\n1,2\n", "downloaded dir/a.csv")
    eq(mlflow.artifacts.load_dict(f"runs:/{rid}/cfg.json"), {"a": 1, "b": [1, 2]}, "load_dict")
    eq(mlflow.artifacts.load_text(f"runs:/{rid}/text/hello.txt"), "plain text ✓", "load_text (utf-8)")


@step
def artifacts_proxy_raw():
    base = artifact_path_of(C.get_run(S["rid"]))
    doc = rjson(raw("GET", "/api/2.0/mlflow-artifacts/artifacts", params={"path": base + "/sub"}), "list sub")
    eq(doc.get("files"), [{"path": "notes.txt", "is_dir": False, "file_size": 16}], "raw listing of sub (relative paths)")
    doc = rjson(raw("GET", "/api/2.0/mlflow-artifacts/artifacts", params={"path": base + "/notes.txt"}), "list a file")
    eq(doc.get("files", []), [], "listing a file path gives no files")
    r = raw("GET", f"/api/2.0/mlflow-artifacts/artifacts/{base}/notes.txt")
    eq((r.status_code, r.content), (200, b"hello artifacts\n"), "raw download")
    r = raw("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{base}/raw/put.txt", data=b"put-bytes")
    eq(r.status_code, 200, "raw upload")
    r = raw("GET", f"/api/2.0/mlflow-artifacts/artifacts/{base}/raw/put.txt")
    eq(r.content, b"put-bytes", "raw upload read back")
    r = raw("GET", f"/api/2.0/mlflow-artifacts/artifacts/{base}/no-such-file.txt")
    eq(r.status_code, 404, "download of a missing artifact")


@step
def log_input_dataset():
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["u", "v", "w"], "y": [0, 1, 0]})
    ds = mlflow.data.from_pandas(df, name="train", targets="y")
    mlflow.log_input(ds, context="training", tags={"split": "train"})
    r = C.get_run(S["rid"])
    inputs = r.inputs.dataset_inputs
    eq(len(inputs), 1, "number of dataset inputs")
    got = inputs[0].dataset
    eq((got.name, got.digest, got.source_type), ("train", ds.digest, ds.source.__class__._get_source_type()), "dataset identity")
    eq(json.loads(got.profile), json.loads(ds.to_dict()["profile"]), "dataset profile")
    eq(json.loads(got.schema or "null"), json.loads(ds.to_dict().get("schema") or "null"), "dataset schema as sent")
    eq(json.loads(got.source), json.loads(ds.to_dict()["source"]), "dataset source as sent")
    tags = {t.key: t.value for t in inputs[0].tags}
    eq(tags, {"mlflow.data.context": "training", "split": "train"}, "input tags")
    mlflow.log_metric("ds_acc", 0.5, dataset=ds)  # metric linked to the dataset
    hist = C.get_metric_history(S["rid"], "ds_acc")
    eq([m.value for m in hist], [0.5], "metric logged with dataset=")
    # the real SQL store keeps no dataset link on run metrics (its metrics table has no such columns);
    # a server that keeps it must echo exactly what was sent
    check(all((m.dataset_name, m.dataset_digest) in ((None, None), ("", ""), ("train", ds.digest)) for m in hist),
          f"metric dataset link: {[(m.dataset_name, m.dataset_digest) for m in hist]}")
    S["ds_digest"] = ds.digest


@step
def nan_inf_metrics():
    mlflow.log_metric("nanm", float("nan"), step=0)
    mlflow.log_metric("infm", float("inf"), step=0)
    mlflow.log_metric("ninfm", float("-inf"), step=0)
    m = C.get_run(S["rid"]).data.metrics
    check(math.isnan(m["nanm"]), f"NaN latest value, got {m['nanm']!r}")
    # The real SQL-backed server clamps ±inf to ±DBL_MAX; keeping the infinities is also accepted.
    check(m["infm"] in (math.inf, DBL_MAX), f"+inf latest value, got {m['infm']!r}")
    check(m["ninfm"] in (-math.inf, -DBL_MAX), f"-inf latest value, got {m['ninfm']!r}")
    check(math.isnan(C.get_metric_history(S["rid"], "nanm")[0].value), "NaN in history")
    v = C.get_metric_history(S["rid"], "infm")[0].value
    check(v in (math.inf, DBL_MAX), f"+inf history, got {v!r}")
    doc = rjson(raw("GET", "/api/2.0/mlflow/metrics/get-history", params={"run_id": S["rid"], "metric_key": "nanm"}), "raw history")
    eq(doc["metrics"][0]["value"], "NaN", "NaN travels as the JSON string 'NaN'")


@step
def end_run_and_flush():
    mlflow.end_run()
    rid = S["rid"]
    r = C.get_run(rid)
    eq(r.info.status, "FINISHED", "status after end_run")
    check(r.info.end_time and r.info.end_time >= r.info.start_time, "end_time >= start_time")
    eq(history(rid, "x"), [(s, float(s * s)) for s in range(5)], "async metrics flushed at end_run")
    eq((r.data.params.get("async_p"), r.data.tags.get("async_t")), ("1", "2"), "async param and tag")
    check(mlflow.active_run() is None, "no active run")


@step
def get_run_latest_metrics():
    r = C.get_run(S["rid"])
    m = r.data.metrics
    for k, v in {"loss": 1 / 3, "late": 5.0, "acc": 0.91, "f1": 0.8, "bm": 9.0, "x": 16.0, "y": 1.5}.items():
        eq(m.get(k), v, f"latest {k}")
    eq(r.info.run_id, S["rid"], "run_id")
    expect_error("RESOURCE_DOES_NOT_EXIST", lambda: C.get_run(uuid.uuid4().hex), "get_run of an unknown id")


@step
def metric_history_exact():
    eq(history(S["rid"], "loss"), [(0, 1.0), (1, 0.5), (2, 1 / 3)], "loss history")
    eq(history(S["rid"], "late"), [(1, 1.0), (5, 5.0)], "late history")
    eq(C.get_metric_history(S["rid"], "never-logged"), [], "history of an unknown key")
    # int64 fields may be sent as JSON strings
    r = raw("POST", "/api/2.0/mlflow/runs/log-metric",
            json={"run_id": S["rid"], "key": "strint", "value": 2.5, "timestamp": str(now_ms()), "step": "3"})
    rjson(r, "log-metric with int64 as strings")
    eq(history(S["rid"], "strint"), [(3, 2.5)], "step sent as a string")
    doc = rjson(raw("GET", "/api/2.0/mlflow/metrics/get-history", params={"run_id": S["rid"], "metric_key": "strint"}), "raw")
    check(isinstance(doc["metrics"][0]["step"], int) and isinstance(doc["metrics"][0]["timestamp"], int),
          f"int64 emitted as JSON numbers: {doc}")


@step
def metric_history_paged_raw():
    rid = S["rid"]
    seen, token, pages = [], None, 0
    while True:
        params = {"run_id": rid, "metric_key": "bm", "max_results": 4}
        if token:
            params["page_token"] = token
        doc = rjson(raw("GET", "/api/2.0/mlflow/metrics/get-history", params=params), "paged get-history")
        check(len(doc.get("metrics", [])) <= 4, "page respects max_results")
        seen += [m["step"] for m in doc.get("metrics", [])]
        pages += 1
        token = doc.get("next_page_token")
        if not token or pages > 10:
            break
    eq(sorted(seen), list(range(10)), "every point exactly once over the pages")
    check(pages >= 3, f"paged into >= 3 pages, got {pages}")


@step
def bulk_interval_downsampling():
    rid = S["rid"]
    ts = now_ms()
    C.log_batch(rid, metrics=[Metric("bulk", float(i) / 10, ts, i) for i in range(100)])
    run2 = C.create_run(S["exp"], run_name="bulk2")
    C.log_batch(run2.info.run_id, metrics=[Metric("bulk", -float(i), ts, i) for i in range(0, 200, 2)])
    path = "/api/2.0/mlflow/metrics/get-history-bulk-interval"
    doc = rjson(raw("GET", path, params={"run_ids": [rid], "metric_key": "bulk", "max_results": 10}), "bulk-interval")
    steps = [m["step"] for m in doc["metrics"]]
    check(0 < len(steps) <= 10, f"at most max_results points, got {len(steps)}")
    check(steps[0] == 0 and steps[-1] == 99, f"first and last step kept, got {steps}")
    eq(steps, sorted(set(steps)), "ascending distinct steps")
    for m in doc["metrics"]:
        eq((m["run_id"], m["key"], m["value"]), (rid, "bulk", m["step"] / 10), "point fields")
    doc = rjson(raw("GET", path, params={"run_ids": [rid], "metric_key": "bulk", "max_results": 1000}), "bulk-interval all")
    eq([m["step"] for m in doc["metrics"]], list(range(100)), "max_results >= points: every point")
    doc = rjson(raw("GET", path, params={"run_ids": [rid], "metric_key": "bulk", "max_results": 5,
                                         "start_step": 20, "end_step": 40}), "bulk-interval window")
    steps = [m["step"] for m in doc["metrics"]]
    check(0 < len(steps) <= 5 and steps[0] == 20 and steps[-1] == 40, f"window keeps its ends, got {steps}")
    doc = rjson(raw("GET", path, params={"run_ids": [rid, run2.info.run_id], "metric_key": "bulk", "max_results": 8}), "two runs")
    by_run = {}
    for m in doc["metrics"]:
        by_run.setdefault(m["run_id"], []).append(m["step"])
    eq(sorted(by_run), sorted([rid, run2.info.run_id]), "both runs answered")
    for r_, steps in by_run.items():
        check(len(steps) <= 8, f"per-run max_results, run {r_}: {len(steps)}")
    eq((by_run[rid][0], by_run[rid][-1]), (0, 99), "run 1 ends")
    eq((by_run[run2.info.run_id][0], by_run[run2.info.run_id][-1]), (0, 198), "run 2 ends")
    r = raw("GET", path, params={"run_ids": [rid], "metric_key": "bulk", "max_results": 0})
    eq(r.status_code, 400, "max_results 0 rejected")
    C.set_terminated(run2.info.run_id)


# --- many runs: search, ordering, paging ----------------------------------------------------------
SEARCH_RUNS = [  # name, m (None = not logged), p, t, status
    ("s0", 0.9, "a", "xray", "FINISHED"),
    ("s1", 0.2, "b", "xylo", "FINISHED"),
    ("s2", 0.7, "a", "yak", "FAILED"),
    ("s3", float("nan"), "c", "xeno", "FINISHED"),
    ("s4", None, "a", None, "RUNNING"),
    ("s5", 0.55, None, "zed", "KILLED"),
    ("s6", -1.0, "b", "xx", "FINISHED"),
]


@step
def create_search_runs():
    exp = C.create_experiment(f"{P}-search", tags={"kind": "search"})
    S["sexp"] = exp
    base = now_ms() - 100_000
    ids = {}
    for i, (name, m, p, t, status) in enumerate(SEARCH_RUNS):
        run = C.create_run(exp, start_time=base + i * 1000, run_name=name)
        rid = run.info.run_id
        metrics = [] if m is None else [Metric("m", m, base, 0)]
        metrics += [Metric("rank", float(i), base, 0)]
        params = [] if p is None else [Param("p", p)]
        tags = [] if t is None else [RunTag("t", t)]
        C.log_batch(rid, metrics=metrics, params=params, tags=tags)
        if status != "RUNNING":
            C.set_terminated(rid, status, end_time=base + i * 1000 + 500)
        ids[name] = rid
    S["sids"] = ids
    eq(len(search_ids([exp])), len(SEARCH_RUNS), "all runs found")


def names(run_ids):
    inv = {v: k for k, v in S["sids"].items()}
    return [inv.get(r, r) for r in run_ids]


@step
def search_filters():
    e = [S["sexp"]]
    ids = S["sids"]

    def got(f, **kw):
        return sorted(names(search_ids(e, f, **kw)))

    cases = [
        ("metrics.m > 0.5", ["s0", "s2", "s5"]),
        ("metrics.m >= 0.55", ["s0", "s2", "s5"]),
        ("metrics.m <= 0.2 and metrics.m > -5", ["s1", "s6"]),
        ("metrics.m != 0.9 and metrics.m > 0", ["s1", "s2", "s5"]),
        ("metric.rank = 3", ["s3"]),
        ("params.p = 'a'", ["s0", "s2", "s4"]),
        ("params.p != 'a'", ["s1", "s3", "s6"]),
        ("parameters.p LIKE 'b%'", ["s1", "s6"]),
        ("params.p IS NULL", ["s5"]),
        ("params.p IS NOT NULL and params.p = 'b'", ["s1", "s6"]),
        ("tags.t LIKE 'x%'", ["s0", "s1", "s3", "s6"]),
        ("tags.t ILIKE 'X%O'", ["s1", "s3"]),
        ("tags.t = 'yak'", ["s2"]),
        ("tags.`mlflow.runName` = 's4'", ["s4"]),
        ("attributes.status = 'FINISHED'", ["s0", "s1", "s3", "s6"]),
        ("attributes.status != 'FINISHED'", ["s2", "s4", "s5"]),
        ("attribute.run_name LIKE 's%' and metrics.m > 0.8", ["s0"]),
        ("run_name = 's5'", ["s5"]),
        (f"attributes.run_id IN ('{ids['s1']}', '{ids['s6']}')", ["s1", "s6"]),
        (f"attributes.run_id NOT IN ('{ids['s1']}', '{ids['s6']}')", ["s0", "s2", "s3", "s4", "s5"]),
        ("metrics.m > 0.5 and params.p = 'a' and tags.t LIKE '%a%' and attributes.status = 'FINISHED'", ["s0"]),
        (f"attributes.start_time >= {C.get_run(ids['s5']).info.start_time}", ["s5", "s6"]),
        ("metrics.m > 0.5 AND params.p = 'a'", ["s0", "s2"]),  # keywords are case-insensitive, entity types are not
    ]
    for f, want in cases:
        eq(got(f), want, f"filter {f!r}")


@step
def search_filter_datasets():
    got = search_ids([S["exp"]], "datasets.name = 'train'")
    eq(got, [S["rid"]], "datasets.name filter")
    got = search_ids([S["exp"]], f"datasets.digest = '{S['ds_digest']}' and datasets.context = 'training'")
    eq(got, [S["rid"]], "datasets.digest/context filter")


@step
def search_order_by():
    e = [S["sexp"]]
    # numeric values in order, then NaN, then runs without the metric -- for DESC and for ASC
    eq(names(search_ids(e, order_by=["metrics.m DESC"])), ["s0", "s2", "s5", "s1", "s6", "s3", "s4"], "metrics.m DESC")
    eq(names(search_ids(e, order_by=["metrics.m ASC"])), ["s6", "s1", "s5", "s2", "s0", "s3", "s4"], "metrics.m ASC")
    eq(names(search_ids(e, order_by=["metrics.m"])), ["s6", "s1", "s5", "s2", "s0", "s3", "s4"], "default ASC")
    eq(names(search_ids(e)), ["s6", "s5", "s4", "s3", "s2", "s1", "s0"], "default: start_time DESC")
    eq(names(search_ids(e, order_by=["attributes.start_time ASC"])), ["s0", "s1", "s2", "s3", "s4", "s5", "s6"], "start_time ASC")
    eq(names(search_ids(e, order_by=["params.p DESC", "attributes.start_time ASC"])), ["s3", "s1", "s6", "s0", "s2", "s4", "s5"],
       "params.p DESC then start_time (missing last)")
    eq(names(search_ids(e, order_by=["tags.t ASC"])), ["s3", "s0", "s6", "s1", "s2", "s5", "s4"], "tags.t ASC (missing last)")
    eq(names(search_ids(e, order_by=["attributes.run_name DESC"])), ["s6", "s5", "s4", "s3", "s2", "s1", "s0"], "run_name DESC")
    eq(names(search_ids(e, "metrics.m > 0", order_by=["metrics.m DESC"], max_results=2)), ["s0", "s2"], "top-2 by metric")


@step
def search_paging():
    e = [S["sexp"]]
    for order in ([], ["metrics.m DESC"], ["params.p ASC", "attributes.run_name ASC"]):
        seen, token, pages = [], None, 0
        while True:
            page = C.search_runs(e, "", max_results=3, order_by=order, page_token=token)
            check(len(page) <= 3, "page size <= max_results")
            seen += [r.info.run_id for r in page]
            pages += 1
            token = page.token
            if not token or pages > 10:
                break
        eq(sorted(seen), sorted(S["sids"].values()), f"every run exactly once (order {order})")
        eq(pages, 3, f"7 runs in pages of 3 (order {order})")
        eq(seen, search_ids(e, order_by=order), f"pages concatenate to the unpaged order ({order})")
    page = C.search_runs(e, "", max_results=7)
    check(not page.token, f"no next_page_token when everything fits, got {page.token!r}")


@step
def search_runs_dataframe():
    df = mlflow.search_runs(experiment_ids=[S["sexp"]], order_by=["attributes.start_time ASC"])
    eq(len(df), len(SEARCH_RUNS), "rows")
    for col in ("run_id", "experiment_id", "status", "start_time", "metrics.m", "params.p", "tags.t", "tags.mlflow.runName"):
        check(col in df.columns, f"column {col} in {list(df.columns)}")
    eq(list(df["tags.mlflow.runName"]), [r[0] for r in SEARCH_RUNS], "row order")
    eq(list(df["params.p"].fillna("-")), [r[2] or "-" for r in SEARCH_RUNS], "params.p column")
    m = list(df["metrics.m"])
    eq((m[0], m[2]), (0.9, 0.7), "metrics.m values")
    check(math.isnan(m[3]) and math.isnan(m[4]), "NaN metric and missing metric are NaN in the frame")
    one = mlflow.search_runs(experiment_names=[f"{P}-search"], filter_string="params.p = 'c'")
    eq(list(one["run_id"]), [S["sids"]["s3"]], "search by experiment name")
    lst = mlflow.search_runs(experiment_ids=[S["sexp"]], output_format="list")
    eq(len(lst), len(SEARCH_RUNS), "output_format=list")


@step
def run_delete_restore():
    e = [S["sexp"]]
    rid = S["sids"]["s1"]
    C.delete_run(rid)
    eq(C.get_run(rid).info.lifecycle_stage, "deleted", "lifecycle after delete")
    check(rid not in search_ids(e), "deleted run hidden from ACTIVE_ONLY")
    eq(search_ids(e, run_view_type=ViewType.DELETED_ONLY), [rid], "DELETED_ONLY")
    eq(len(search_ids(e, run_view_type=ViewType.ALL)), len(SEARCH_RUNS), "ALL")
    check(rid not in list(mlflow.search_runs(experiment_ids=e)["run_id"]), "hidden from the DataFrame")
    C.restore_run(rid)
    eq(C.get_run(rid).info.lifecycle_stage, "active", "lifecycle after restore")
    eq(len(search_ids(e)), len(SEARCH_RUNS), "restored run is back")
    eq(search_ids(e, run_view_type=ViewType.DELETED_ONLY), [], "DELETED_ONLY empty again")
    expect_error("RESOURCE_DOES_NOT_EXIST", lambda: C.delete_run(uuid.uuid4().hex), "delete an unknown run")


@step
def update_run():
    rid = S["sids"]["s4"]
    C.update_run(rid, status="FINISHED", name="s4-renamed")
    r = C.get_run(rid)
    eq((r.info.status, r.info.run_name), ("FINISHED", "s4-renamed"), "status and run_name updated")
    eq(r.data.tags.get("mlflow.runName"), "s4-renamed", "mlflow.runName tag follows the rename")
    C.update_run(rid, name="s4")


# --- experiments ----------------------------------------------------------------------------------
@step
def experiments_search_rename_delete_restore():
    a = C.create_experiment(f"{P}-qa", tags={"color": "red"})
    b = C.create_experiment(f"{P}-qb", tags={"color": "blue"})
    C.set_experiment_tag(b, "extra", "1")
    eq(C.get_experiment(b).tags, {"color": "blue", "extra": "1"}, "experiment tags")
    found = C.search_experiments(filter_string=f"name LIKE '{P}-q%'")
    eq(sorted(x.name for x in found), [f"{P}-qa", f"{P}-qb"], "search by name LIKE")
    found = C.search_experiments(filter_string=f"name LIKE '{P}%' and tags.color = 'red'")
    eq([x.experiment_id for x in found], [a], "search by tag")
    found = C.search_experiments(filter_string=f"name LIKE '{P}-q%'", order_by=["name DESC"])
    eq([x.name for x in found], [f"{P}-qb", f"{P}-qa"], "order_by name DESC")
    page = C.search_experiments(filter_string=f"name LIKE '{P}%'", max_results=1)
    check(len(page) == 1 and page.token, "paged experiment search gives a token")
    allp, token = list(page), page.token
    while token:
        page = C.search_experiments(filter_string=f"name LIKE '{P}%'", max_results=1, page_token=token)
        allp += list(page)
        token = page.token
    eq(sorted(x.name for x in allp), sorted([f"{P}-exp", f"{P}-search", f"{P}-qa", f"{P}-qb"]), "all pages")

    C.rename_experiment(a, f"{P}-qa2")
    eq(C.get_experiment(a).name, f"{P}-qa2", "renamed")
    check(C.get_experiment_by_name(f"{P}-qa") is None, "old name gone")
    eq(C.get_experiment_by_name(f"{P}-qa2").experiment_id, a, "found by new name")

    C.delete_experiment(b)
    eq(C.get_experiment(b).lifecycle_stage, "deleted", "lifecycle after delete")
    act = [x.experiment_id for x in C.search_experiments(filter_string=f"name LIKE '{P}%'")]
    dele = [x.experiment_id for x in C.search_experiments(view_type=ViewType.DELETED_ONLY, filter_string=f"name LIKE '{P}%'")]
    alle = [x.experiment_id for x in C.search_experiments(view_type=ViewType.ALL, filter_string=f"name LIKE '{P}%'")]
    check(b not in act and dele == [b] and b in alle and a in alle, f"view types: {act} {dele} {alle}")
    expect_error("RESOURCE_ALREADY_EXISTS", lambda: C.create_experiment(f"{P}-qb"), "name of a deleted experiment is taken")
    C.restore_experiment(b)
    eq(C.get_experiment(b).lifecycle_stage, "active", "lifecycle after restore")
    check(b in [x.experiment_id for x in C.search_experiments(filter_string=f"name LIKE '{P}%'")], "restored is active")
    C.delete_experiment_tag(b, "extra")
    eq(C.get_experiment(b).tags, {"color": "blue"}, "experiment tag deleted")
    check(C.get_experiment_by_name(f"{P}-never") is None, "get_experiment_by_name of a missing name is None")
    dflt = C.get_experiment_by_name("Default")
    check(dflt is not None, "the Default experiment exists")


# --- error contract -------------------------------------------------------------------------------
@step
def errors_client():
    rid = S["rid"]
    expect_error("RESOURCE_ALREADY_EXISTS", lambda: C.create_experiment(f"{P}-exp"), "create an existing experiment")
    expect_error("RESOURCE_DOES_NOT_EXIST", lambda: C.get_run("0" * 32), "get an unknown run")
    expect_error("RESOURCE_DOES_NOT_EXIST", lambda: C.get_experiment("987654321"), "get an unknown experiment")
    expect_error("RESOURCE_DOES_NOT_EXIST", lambda: C.get_registered_model(f"{P}-nomodel"), "get an unknown model")
    expect_error("INVALID_PARAMETER_VALUE", lambda: C.search_runs([S["exp"]], "metrics.acc > 'x'"), "metric vs string")
    expect_error("INVALID_PARAMETER_VALUE", lambda: C.search_runs([S["exp"]], "metrics.acc > 1 OR metrics.acc < 0"), "OR")
    expect_error("INVALID_PARAMETER_VALUE", lambda: C.search_runs([S["exp"]], "params.lr = 0.01"), "unquoted param value")
    expect_error("INVALID_PARAMETER_VALUE", lambda: C.search_runs([S["exp"]], "foo.bar = 'x'"), "unknown entity type")
    expect_error("INVALID_PARAMETER_VALUE", lambda: C.search_runs([S["exp"]], "", order_by=["metrics.m SIDEWAYS"]), "bad order_by")
    expect_error("INVALID_PARAMETER_VALUE", lambda: C.log_param(rid, "lr", "0.5"), "param overwrite with another value")
    expect_error("RESOURCE_DOES_NOT_EXIST", lambda: C.log_metric(uuid.uuid4().hex, "m", 1.0), "log to an unknown run")
    expect_error("INVALID_PARAMETER_VALUE", lambda: C.search_runs([S["exp"]], "", max_results=50001), "max_results > 50000")


@step
def errors_raw():
    rid = S["rid"]
    api = "/api/2.0/mlflow"
    ts = now_ms()
    # 1001 metrics in one log-batch (the client would split them; the server must refuse them)
    body = {"run_id": rid, "metrics": [{"key": "big", "value": float(i), "timestamp": ts, "step": i} for i in range(1001)]}
    r = raw("POST", api + "/runs/log-batch", json=body)
    eq(r.status_code, 400, "1001-metric log-batch status")
    eq(r.json().get("error_code"), "INVALID_PARAMETER_VALUE", "1001-metric log-batch error_code")
    eq(C.get_metric_history(rid, "big"), [], "a refused batch wrote nothing")
    body["metrics"] = body["metrics"][:1000]
    rjson(raw("POST", api + "/runs/log-batch", json=body), "1000-metric log-batch")
    eq(len(C.get_metric_history(rid, "big")), 1000, "1000 points stored")
    # batch that is atomic: a param overwrite inside a batch rejects the metrics too
    body = {"run_id": rid, "metrics": [{"key": "atom", "value": 1.0, "timestamp": ts, "step": 0}],
            "params": [{"key": "lr", "value": "999"}]}
    r = raw("POST", api + "/runs/log-batch", json=body)
    eq((r.status_code, r.json().get("error_code")), (400, "INVALID_PARAMETER_VALUE"), "param overwrite in a batch")
    eq(C.get_metric_history(rid, "atom"), [], "a refused batch is atomic: its metric was not written")
    eq(C.get_run(rid).data.params["lr"], "0.01", "param unchanged")
    # unknown endpoint
    r = raw("GET", api + "/no-such-endpoint")
    eq(r.status_code, 404, "unknown GET endpoint status")
    r = raw("POST", api + "/runs/no-such-thing", json={})
    eq(r.status_code, 404, "unknown POST endpoint status")
    from mlflow.utils.credentials import get_default_host_creds
    from mlflow.utils.rest_utils import http_request, verify_rest_response

    creds = get_default_host_creds(URI)
    resp = http_request(creds, api + "/no-such-endpoint", "GET")
    expect_error("ENDPOINT_NOT_FOUND", lambda: verify_rest_response(resp, api + "/no-such-endpoint"), "client mapping of 404")
    # POST without a JSON content type
    r = raw("POST", api + "/experiments/create", data=json.dumps({"name": f"{P}-ct"}), headers={"Content-Type": "text/plain"})
    eq(r.status_code, 400, "POST with text/plain status")
    eq(r.json().get("error_code"), "INVALID_PARAMETER_VALUE", "POST with text/plain error_code")
    r = raw("POST", api + "/experiments/create", data=json.dumps({"name": f"{P}-ct"}))
    eq(r.status_code, 400, "POST without Content-Type status")
    check(C.get_experiment_by_name(f"{P}-ct") is None, "nothing created by the refused requests")
    # missing required field, wrong type
    r = raw("POST", api + "/experiments/create", json={})
    eq((r.status_code, r.json().get("error_code")), (400, "INVALID_PARAMETER_VALUE"), "create without name")
    r = raw("POST", api + "/runs/log-metric", json={"run_id": rid, "key": "k", "value": "abc", "timestamp": ts})
    eq((r.status_code, r.json().get("error_code")), (400, "INVALID_PARAMETER_VALUE"), "non-numeric metric value")
    r = raw("GET", api + "/runs/get", params={"run_id": uuid.uuid4().hex})
    eq((r.status_code, r.json().get("error_code")), (404, "RESOURCE_DOES_NOT_EXIST"), "raw unknown run")
    check(isinstance(r.json().get("message"), str) and r.json()["message"], "error body has a message")
    check(r.headers.get("Content-Type", "").startswith("application/json"), f"error Content-Type {r.headers.get('Content-Type')}")
    r = raw("POST", api + "/experiments/create", json={"name": f"{P}-exp"})
    eq((r.status_code, r.json().get("error_code")), (400, "RESOURCE_ALREADY_EXISTS"), "raw duplicate experiment (400)")


# --- model registry -------------------------------------------------------------------------------
@step
def registry_models_versions():
    name = f"{P}-model"
    S["model"] = name
    rm = C.create_registered_model(name, tags={"owner": "wl"}, description="workload model")
    eq((rm.name, rm.description, rm.tags), (name, "workload model", {"owner": "wl"}), "created model")
    expect_error("RESOURCE_ALREADY_EXISTS", lambda: C.create_registered_model(name), "duplicate model")
    src = f"runs:/{S['rid']}/sub"
    v1 = C.create_model_version(name, src, run_id=S["rid"], tags={"v": "1"}, description="first")
    v2 = C.create_model_version(name, src, run_id=S["rid"])
    eq((v1.version, v2.version), ("1", "2"), "versions are '1', '2' (strings)")
    eq((v1.status, v1.current_stage, v1.run_id, v1.source), ("READY", "None", S["rid"], src), "version fields")
    eq(C.get_model_version(name, "1").tags, {"v": "1"}, "version tags")
    eq(C.get_model_version(name, "1").description, "first", "version description")
    latest = C.get_latest_versions(name)
    eq([v.version for v in latest], ["2"], "get_latest_versions")
    eq([v.version for v in C.get_latest_versions(name, stages=["None"])], ["2"], "latest in stage None")
    mvs = C.search_model_versions(f"name='{name}'")
    eq(sorted(v.version for v in mvs), ["1", "2"], "search_model_versions")
    mvs = C.search_model_versions(f"name='{name}' and version_number > 1")
    eq([v.version for v in mvs], ["2"], "search_model_versions by version_number")
    mvs = C.search_model_versions(f"run_id='{S['rid']}'")
    eq(sorted(v.version for v in mvs if v.name == name), ["1", "2"], "search_model_versions by run_id")
    uri = C.get_model_version_download_uri(name, "1")
    # the real server answers the source as given (runs:/...); a resolved mlflow-artifacts: URI also works
    check(uri == src or (uri.startswith("mlflow-artifacts:") and uri.endswith("/sub")), f"download uri {uri!r}")
    expect_error("RESOURCE_DOES_NOT_EXIST", lambda: C.get_model_version(name, "3"), "unknown version")


@step
def registry_aliases():
    name = S["model"]
    C.set_registered_model_alias(name, "champion", "1")
    C.set_registered_model_alias(name, "challenger", "2")
    eq(C.get_model_version_by_alias(name, "champion").version, "1", "alias champion")
    eq(C.get_registered_model(name).aliases, {"champion": "1", "challenger": "2"}, "model aliases")
    eq(C.get_model_version(name, "1").aliases, ["champion"], "version aliases")
    C.set_registered_model_alias(name, "champion", "2")  # move the alias
    eq(C.get_model_version_by_alias(name, "champion").version, "2", "moved alias")
    eq(sorted(C.get_model_version(name, "2").aliases), ["challenger", "champion"], "version 2 aliases")
    C.delete_registered_model_alias(name, "challenger")
    eq(C.get_registered_model(name).aliases, {"champion": "2"}, "alias deleted")
    # the real server answers 400 INVALID_PARAMETER_VALUE "Registered model alias challenger not found."
    expect_error("INVALID_PARAMETER_VALUE", lambda: C.get_model_version_by_alias(name, "challenger"), "deleted alias")
    expect_error("INVALID_PARAMETER_VALUE", lambda: C.set_registered_model_alias(name, "v1", "1"), "reserved alias v1")


@step
def registry_search_and_tags():
    name = S["model"]
    other = f"{P}-other"
    C.create_registered_model(other)
    found = C.search_registered_models(filter_string=f"name LIKE '{P}-%'", order_by=["name ASC"])
    eq([m.name for m in found], [name, other], "search_registered_models LIKE, ordered")
    eq([v.version for v in found[0].latest_versions], ["2"], "latest_versions in search result")
    found = C.search_registered_models(filter_string=f"name = '{other}'")
    eq([m.name for m in found], [other], "search by exact name")
    page = C.search_registered_models(filter_string=f"name LIKE '{P}-%'", max_results=1)
    check(len(page) == 1 and page.token, "paged model search")
    C.set_registered_model_tag(name, "stage", "prod")
    found = C.search_registered_models(filter_string=f"name LIKE '{P}-%' and tags.stage = 'prod'")
    eq([m.name for m in found], [name], "search by model tag")
    eq(C.get_registered_model(name).tags, {"owner": "wl", "stage": "prod"}, "model tags")
    C.delete_registered_model_tag(name, "owner")
    eq(C.get_registered_model(name).tags, {"stage": "prod"}, "model tag deleted")
    C.set_model_version_tag(name, "2", "validated", "yes")
    eq(C.get_model_version(name, "2").tags, {"validated": "yes"}, "version tag")
    mvs = C.search_model_versions(f"name='{name}' and tags.validated = 'yes'")
    eq([v.version for v in mvs], ["2"], "search versions by tag")
    C.delete_model_version_tag(name, "2", "validated")
    eq(C.get_model_version(name, "2").tags, {}, "version tag deleted")
    C.update_registered_model(name, description="updated")
    eq(C.get_registered_model(name).description, "updated", "model description updated")
    C.update_model_version(name, "1", description="v1 desc")
    eq(C.get_model_version(name, "1").description, "v1 desc", "version description updated")
    C.rename_registered_model(other, f"{other}-renamed")
    eq(C.get_registered_model(f"{other}-renamed").name, f"{other}-renamed", "renamed model")
    C.delete_registered_model(f"{other}-renamed")
    expect_error("RESOURCE_DOES_NOT_EXIST", lambda: C.get_registered_model(f"{other}-renamed"), "deleted model")
    C.delete_model_version(name, "1")
    eq(sorted(v.version for v in C.search_model_versions(f"name='{name}'")), ["2"], "version 1 deleted")


# --- pyfunc models --------------------------------------------------------------------------------
class Doubler(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input * 2


@step
def pyfunc_log_load():
    mlflow.set_experiment(f"{P}-exp")
    with mlflow.start_run(run_name="model-run") as run:
        mlflow.log_metric("val", 0.25, step=1)
        info = mlflow.pyfunc.log_model(name="model", python_model=Doubler(), pip_requirements=["mlflow-skinny"])
    rid = run.info.run_id
    S["model_info"] = info
    r = C.get_run(rid)
    eq(r.info.status, "FINISHED", "the run with the model finished")
    check(info.model_uri.startswith("models:/"), f"model_uri {info.model_uri}")
    eq([o.model_id for o in r.outputs.model_outputs], [info.model_id], "run outputs list the logged model")
    lm = C.get_logged_model(info.model_id)
    eq((lm.name, lm.source_run_id, lm.experiment_id, str(lm.status)), ("model", rid, r.info.experiment_id, "READY"), "logged model")
    df = pd.DataFrame({"a": [1.0, 2.5]})
    for uri in (info.model_uri, f"runs:/{rid}/model"):
        model = mlflow.pyfunc.load_model(uri)
        out = model.predict(df)
        eq(list(np.asarray(out).ravel()), [2.0, 5.0], f"predict of {uri}")
    found = C.search_logged_models(experiment_ids=[r.info.experiment_id], filter_string="name = 'model'")
    eq([m.model_id for m in found], [info.model_id], "search_logged_models")


@step
def pyfunc_register_alias_load():
    info = S["model_info"]
    name = f"{P}-pyfunc"
    mv = mlflow.register_model(info.model_uri, name)
    eq((mv.version, mv.status), ("1", "READY"), "registered version")
    C.set_registered_model_alias(name, "prod", mv.version)
    df = pd.DataFrame({"a": [3.0]})
    for uri in (f"models:/{name}@prod", f"models:/{name}/1"):
        out = mlflow.pyfunc.load_model(uri).predict(df)
        eq(list(np.asarray(out).ravel()), [6.0], f"predict of {uri}")
    eq(C.get_model_version(name, "1").source, info.model_uri, "version source is the logged model's URI")


# --- conformance A: artifact downloads and missing endpoints (MIME types, nosniff, get-artifact, ----
# upload-artifact, logged-model artifact files, single-value writers' validation) ------------------
# Expected answers are what `mlflow server` 3.17.2 gives (MLflow's test_mlflow_artifacts.py and
# handlers.py: _send_artifact, mime_type_utils._guess_mime_type, get_artifact_handler,
# get_logged_model_artifact_handler, upload_artifact_handler).
def c11a_run_root():
    """A run of its own (created once) and its proxy path."""
    if "c11a_rid" not in S:
        exp = C.create_experiment(f"{P}-c11a")
        S["c11a_rid"] = C.create_run(exp).info.run_id
    rid = S["c11a_rid"]
    return rid, artifact_path_of(C.get_run(rid))


def c11a_assert_download(r, body, mime, disposition, what):
    eq(r.status_code, 200, f"{what}: status ({r.text[:200]})")
    eq(r.content, body, f"{what}: body")
    eq(r.headers.get("Content-Type"), mime, f"{what}: Content-Type")
    eq(r.headers.get("Content-Disposition"), disposition, f"{what}: Content-Disposition")
    eq(r.headers.get("X-Content-Type-Options"), "nosniff", f"{what}: X-Content-Type-Options")


def c11a_error(r, status, code, message, what):
    eq(r.status_code, status, f"{what}: status ({r.text[:200]})")
    doc = r.json()
    eq(doc.get("error_code"), code, f"{what}: error_code")
    if message is not None:
        eq(doc.get("message"), message, f"{what}: message")


@step
def c11a_download_mime_types_nosniff():
    _, base = c11a_run_root()
    for name, mime in [("a.txt", "text/plain"), ("b.pkl", "application/octet-stream"), ("c.png", "image/png"),
                       ("d.pdf", "application/pdf"), ("MLmodel", "text/plain"), ("mlproject", "text/plain"),
                       ("e.html", "text/html"), ("f.tar.gz", "application/x-tar")]:
        url = f"/api/2.0/mlflow-artifacts/artifacts/{base}/mime/{name}"
        eq(raw("PUT", url, data=b"0").status_code, 200, f"upload {name}")
        # a requested (Accept) type changes nothing: test_server_overrides_requested_mime_type
        r = raw("GET", url, headers={"Accept": "text/html"})
        c11a_assert_download(r, b"0", mime, f"attachment; filename={name}", f"download {name}")
    r = raw("GET", f"/api/2.0/mlflow-artifacts/artifacts/{base}/mime/x%20y.txt")
    eq(r.status_code, 404, "missing file")
    eq(r.headers.get("X-Content-Type-Options"), "nosniff", "nosniff on an error answer")
    r = raw("GET", f"/api/2.0/mlflow-artifacts/artifacts/{base}/mime")
    eq(r.status_code, 400, "download of a directory")


@step
def c11a_get_artifact_endpoint():
    rid, base = c11a_run_root()
    d = os.path.join(TMP, "c11a")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "MLmodel"), "w") as f:
        f.write("flavors: {}\n")
    with open(os.path.join(d, "img.png"), "wb") as f:
        f.write(b"\x89PNG\r\n")
    C.log_artifact(rid, os.path.join(d, "MLmodel"))
    C.log_artifact(rid, os.path.join(d, "img.png"), artifact_path="sub")
    r = raw("GET", "/get-artifact", params={"run_id": rid, "path": "MLmodel"})
    c11a_assert_download(r, b"flavors: {}\n", "text/plain", "attachment; filename=MLmodel", "get-artifact MLmodel")
    r = raw("GET", "/get-artifact", params={"run_uuid": rid, "path": "sub/img.png"})
    c11a_assert_download(r, b"\x89PNG\r\n", "image/png", "attachment; filename=img.png", "get-artifact by run_uuid")
    c11a_error(raw("GET", "/get-artifact", params={"run_id": rid, "path": "sub"}), 400, "INVALID_PARAMETER_VALUE",
               f"Artifact path refers to a directory, not a file: '{base}/sub'", "get-artifact of a directory")
    c11a_error(raw("GET", "/get-artifact", params={"run_id": rid, "path": "nope.txt"}), 404,
               "RESOURCE_DOES_NOT_EXIST", f"No such artifact: '{base}/nope.txt'", "get-artifact of a missing file")
    for bad in ["../x", "/etc/passwd", "a#b"]:
        c11a_error(raw("GET", "/get-artifact", params={"run_id": rid, "path": bad}), 400, "INVALID_PARAMETER_VALUE",
                   "Invalid path", f"get-artifact path {bad!r}")
    c11a_error(raw("GET", "/get-artifact", params={"run_id": "0" * 32, "path": "MLmodel"}), 404,
               "RESOURCE_DOES_NOT_EXIST", None, "get-artifact of an unknown run")


@step
def c11a_logged_model_artifact_files():
    rid, _ = c11a_run_root()
    lm = C.create_logged_model(experiment_id=C.get_run(rid).info.experiment_id, name="c11a-model")
    uri = lm.artifact_location
    check(uri.startswith("mlflow-artifacts:"), f"logged model artifact_location {uri!r}")
    root = uri[len("mlflow-artifacts:"):].lstrip("/")
    eq(raw("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{root}/MLmodel", data=b"artifact_path: m\n").status_code,
       200, "upload MLmodel of the logged model")
    eq(raw("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{root}/model.pkl", data=b"\x80\x04").status_code,
       200, "upload model.pkl of the logged model")
    files = f"/ajax-api/2.0/mlflow/logged-models/{lm.model_id}/artifacts/files"
    c11a_assert_download(raw("GET", files, params={"artifact_file_path": "MLmodel"}), b"artifact_path: m\n",
                         "text/plain", "attachment; filename=MLmodel", "logged-model MLmodel")
    c11a_assert_download(raw("GET", files, params={"artifact_file_path": "model.pkl"}), b"\x80\x04",
                         "application/octet-stream", "attachment; filename=model.pkl", "logged-model model.pkl")
    c11a_error(raw("GET", files), 400, "BAD_REQUEST",
               'Request must include the "artifact_file_path" query parameter.', "logged-model files without a path")
    c11a_error(raw("GET", files, params={"artifact_file_path": "../x"}), 400, "INVALID_PARAMETER_VALUE",
               "Invalid path", "logged-model files with ..")
    c11a_error(raw("GET", files, params={"artifact_file_path": "nope.txt"}), 404, "RESOURCE_DOES_NOT_EXIST",
               f"No such artifact: '{root}/nope.txt'", "logged-model missing file")
    c11a_error(raw("GET", f"/ajax-api/2.0/mlflow/logged-models/m-{'0' * 32}/artifacts/files",
                   params={"artifact_file_path": "MLmodel"}), 404, "RESOURCE_DOES_NOT_EXIST", None,
               "files of an unknown logged model")


@step
def c11a_upload_artifact_endpoint():
    rid, _ = c11a_run_root()
    up = "/ajax-api/2.0/mlflow/upload-artifact"
    r = raw("POST", up, params={"run_uuid": rid, "path": "ui/uploaded.txt"}, data=b"from the ui")
    eq((r.status_code, r.content), (200, b""), "upload-artifact answer")
    dst = tempfile.mkdtemp(dir=TMP)
    with open(C.download_artifacts(rid, "ui/uploaded.txt", dst)) as f:
        eq(f.read(), "from the ui", "uploaded file read back by the client")
    eq(sorted(a.path for a in C.list_artifacts(rid, "ui")), ["ui/uploaded.txt"], "listing of the uploaded dir")
    for params, data, message in [
        ({"run_id": rid, "path": "x.txt"}, b"x", "Request must specify run_uuid."),
        ({"run_uuid": rid}, b"x", "Request must specify path."),
        ({"run_uuid": rid, "path": "x.txt"}, b"", "Request must specify data."),
        ({"run_uuid": rid, "path": "../x.txt"}, b"x", "Invalid path"),
        ({"run_uuid": rid, "path": "big.bin"}, b"x" * (10 * 1024 * 1024 + 1),
         "Artifact size is too large. Max size is 10MB."),
    ]:
        c11a_error(raw("POST", up, params=params, data=data), 400, "INVALID_PARAMETER_VALUE", message,
                   f"upload-artifact {params}")
    c11a_error(raw("POST", up, params={"run_uuid": "0" * 32, "path": "x.txt"}, data=b"x"), 404,
               "RESOURCE_DOES_NOT_EXIST", None, "upload-artifact to an unknown run")


# --- conformance B: validation and MLflow's exact messages ---------------------------------------
# (steps of group B go here)
_C11B_DOCS = " See the API docs for more information about request parameters."


def _c11b_400(method, path, message, prefix="/api/2.0/mlflow", **kw):
    """A raw request that must be answered 400 INVALID_PARAMETER_VALUE with exactly `message`."""
    r = raw(method, prefix + path, **kw)
    eq(r.status_code, 400, f"{method} {path} {kw} status ({r.text[:300]})")
    eq((r.json().get("error_code"), r.json().get("message")), ("INVALID_PARAMETER_VALUE", message), f"{method} {path} {kw}")


def _c11b_hint(value, param, typ):
    return f"Invalid value {value} for parameter '{param}' supplied:  Hint: Value was of type '{typ}'.{_C11B_DOCS}"


def _c11b_missing(param):
    return f"Missing value for required parameter '{param}'.{_C11B_DOCS}"


@step
def c11b_single_value_writers_validate():
    # handlers._log_metric / _log_param / _set_tag schemas (MLflow's test_log_metric_validation,
    # test_log_param_validation, test_set_tag_validation): bad types are 400, not a 404 for run "31"
    exp = C.create_experiment(f"{P}-c11b-writers")
    rid = C.create_run(exp).info.run_id
    for body, msg in [
        ({"run_id": 31, "key": "metric", "value": 41, "timestamp": 59, "step": 26}, _c11b_hint("31", "run_id", "int")),
        ({"run_id": rid, "key": 31, "value": 41, "timestamp": 59, "step": 26}, _c11b_hint("31", "key", "int")),
        ({"run_id": rid, "key": "foo", "value": 31, "timestamp": 59, "step": "foo"}, _c11b_hint('"foo"', "step", "str")),
        ({"run_id": rid, "key": "foo", "value": 31, "timestamp": "foo", "step": 41}, _c11b_hint('"foo"', "timestamp", "str")),
        ({"run_id": None, "key": "foo", "value": 31, "timestamp": 59, "step": 41}, _c11b_missing("run_id")),
        ({"run_id": rid, "value": 31, "timestamp": 59, "step": 41}, _c11b_missing("key")),
        ({"run_id": rid, "key": None, "value": 31, "timestamp": 59, "step": 41}, _c11b_missing("key")),
        ({"run_id": rid, "key": "foo", "value": 1}, _c11b_missing("timestamp")),
    ]:
        _c11b_400("POST", "/runs/log-metric", msg, json=body)
    for body, msg in [
        ({"run_id": 31, "key": "param", "value": 41}, _c11b_hint("31", "run_id", "int")),
        ({"run_id": rid, "key": 31, "value": 41}, _c11b_hint("31", "key", "int")),
        ({"run_id": rid, "key": "p", "value": 41}, _c11b_hint("41", "value", "int")),
    ]:
        _c11b_400("POST", "/runs/log-parameter", msg, json=body)
    for body, msg in [
        ({"run_id": 31, "key": "tag", "value": 41}, _c11b_hint("31", "run_id", "int")),
        ({"run_id": rid, "key": "param", "value": 41}, _c11b_hint("41", "value", "int")),
        ({"run_id": rid, "value": "value"}, _c11b_missing("key")),
    ]:
        _c11b_400("POST", "/runs/set-tag", msg, json=body)
    # what is accepted: run_uuid alone, an absent value ("" for params and tags), int64 as strings
    rjson(raw("POST", "/api/2.0/mlflow/runs/set-tag", json={"run_uuid": rid, "key": "key", "value": "value"}), "set-tag by run_uuid")
    rjson(raw("POST", "/api/2.0/mlflow/runs/set-tag", json={"run_id": rid, "key": "t_empty"}), "set-tag without value")
    rjson(raw("POST", "/api/2.0/mlflow/runs/log-parameter", json={"run_id": rid, "key": "p_empty"}), "log-parameter without value")
    rjson(raw("POST", "/api/2.0/mlflow/runs/log-metric", json={"run_id": rid, "key": "m", "value": 1, "timestamp": "7", "step": "3"}), "int64 strings")
    run = C.get_run(rid)
    eq(run.data.params, {"p_empty": ""}, "params")
    eq({k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")}, {"key": "value", "t_empty": ""}, "tags")
    eq([(m.step, m.timestamp) for m in C.get_metric_history(rid, "m")], [(3, 7)], "metric history")



@step
def c11b_mlflow_exact_messages():
    # the messages MLflow's REST tests match: log-batch items, bulk history requests, model
    # version numbers, unsafe artifact paths (handlers.py, utils/validation.py, utils/uri.py)
    exp = C.create_experiment(f"{P}-c11b-messages")
    rid = C.create_run(exp).info.run_id
    _c11b_400("POST", "/runs/log-batch", _c11b_missing("metrics[0].timestamp"), json={"run_id": rid, "metrics": [{"key": "mae", "value": 2.5}]})
    _c11b_400("POST", "/runs/log-batch", _c11b_missing("params[0].key"), json={"run_id": rid, "params": [{"value": "x"}]})
    for field in ("metrics", "params", "tags"):
        _c11b_400("POST", "/runs/log-batch", _c11b_hint('"foo"', field, "str"), json={"run_id": rid, field: "foo"})
    rjson(raw("POST", "/api/2.0/mlflow/runs/log-batch", json={"run_id": rid, "metrics": [{"key": "mae", "value": 2.5, "timestamp": 123456789}]}), "log-batch without step")
    bi = "/metrics/get-history-bulk-interval"
    _c11b_400("GET", bi, _c11b_missing("run_ids"), params={"metric_key": "key"})
    _c11b_400("GET", bi, f"GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 1000 run_ids.{_C11B_DOCS}",
              params={"run_ids": [f"id_{i}" for i in range(1000)], "metric_key": "key"})
    _c11b_400("GET", bi, f"max_results must be between 1 and 2500.{_C11B_DOCS}", params={"run_ids": [rid], "metric_key": "key", "max_results": 0})
    _c11b_400("GET", bi, _c11b_missing("metric_key"), params={"run_ids": [rid], "metric_key": ""})
    bulk, ajax = "/metrics/get-history-bulk", "/ajax-api/2.0/mlflow"  # the UI's call: ajax-api only in MLflow
    _c11b_400("GET", bulk, "GetMetricHistoryBulk request must specify at least one run_id.", ajax, params={"metric_key": "key"})
    _c11b_400("GET", bulk, "GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received 101 run_ids.", ajax,
              params={"run_id": [f"id_{i}" for i in range(101)], "metric_key": "key"})
    _c11b_400("GET", bulk, "GetMetricHistoryBulk request must specify a metric_key.", ajax, params={"run_id": [rid]})
    name = f"{P}-c11b-model"
    C.create_registered_model(name)
    C.create_model_version(name, f"runs:/{rid}/model", run_id=rid)
    bad = "Parameter 'version' must be an integer, got 'something not correct'."
    _c11b_400("GET", "/model-versions/get", bad, params={"name": name, "version": "something not correct"})
    _c11b_400("PATCH", "/model-versions/update", bad, json={"name": name, "version": "something not correct", "description": "d"})
    _c11b_400("POST", "/registered-models/alias", bad, json={"name": name, "alias": "a", "version": "something not correct"})
    for path in ("../path", "a/../b", "/abs", "a#b", "%2E%2E/x", "file:///etc"):
        _c11b_400("GET", "/artifacts/list", "Invalid path", params={"run_id": rid, "path": path})
    got = rjson(raw("GET", "/api/2.0/mlflow/artifacts/list", params={"run_id": rid, "path": "ok/sub"}), "safe path")
    eq(got.get("files"), None, "listing of a missing directory")


@step
def c11b_create_experiment_validation():
    # handlers._create_experiment (schema, custom views, _validate_storage_location_uri) and the
    # store's name and tag checks (MLflow's test_create_experiment_validation and more)
    host = ("'artifact_location' cannot use the '{0}' scheme: the '{0}' scheme addresses a host other than the tracking "
            "server's configured artifact storage, so the server would connect to the host named in the URI. Set the "
            "MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES environment variable on the server to allow it.")
    bad_path = ("Invalid value \"{0}\" for parameter 'key' supplied: Names may be treated as files in certain cases, and "
                "must not resolve to other names when treated as such. This name would resolve to '{1}'")
    frag = "'artifact_location' URL can't include fragments or params."
    n = f"{P}-c11b-exp"
    for body, msg in [
        ({"name": 123}, _c11b_hint("123", "name", "int")),
        ({}, _c11b_missing("name")),
        ({"name": n, "artifact_location": 9.0, "tags": [{"key": "key", "value": "value"}]}, _c11b_hint("9.0", "artifact_location", "float")),
        ({"name": n, "artifact_location": "my_location", "tags": "5"}, _c11b_hint('"5"', "tags", "str")),
        ({"name": "x" * 501}, "'name' exceeds the maximum length of 500 characters"),
        ({"name": n, "artifact_location": "runs:/abc/x"}, "Artifact location cannot be a runs:/ URI. Given: 'runs:/abc/x'"),
        ({"name": n, "artifact_location": "file:///tmp/x#frag"}, frag),
        ({"name": n, "artifact_location": "my;loc"}, frag),
        ({"name": n, "artifact_location": "s3://b/x?a=%2E%2E/b"}, "Invalid query string"),
        ({"name": n, "artifact_location": "http://example.com/x"}, host.format("http")),
        ({"name": n, "artifact_location": "HTTPS://example.com/x"}, host.format("https")),
        ({"name": n, "artifact_location": "mlflow-artifacts://host:9000/x"}, host.format("mlflow-artifacts")),
        ({"name": n, "artifact_location": "s3://b/" + "x" * 2100},
         "Invalid artifact path length. The length of the artifact path cannot be greater than 2048 characters. To "
         "configure this limit, please set the MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH environment variable."),
        ({"name": n, "tags": [{"value": "v"}]}, bad_path.format("", ".")),
        ({"name": n, "tags": [{"key": "a//b", "value": "v"}]}, bad_path.format("a//b", "a/b")),
        ({"name": n, "tags": [{"key": "k", "value": "v" * 20001}]}, "'value' exceeds the maximum length of 20000 characters"),
        ({"name": n, "tags": [{"key": f"mlflow.customView.view{i}", "value": "v"} for i in range(51)]},
         "Unable to create another custom view; the maximum number of custom views per experiment is 50. Delete an "
         "existing custom view before creating a new one."),
    ]:
        _c11b_400("POST", "/experiments/create", msg, json=body)
    check(C.get_experiment_by_name(n) is None, "nothing created by the refused requests")
    for i, loc in enumerate(("mlflow-artifacts:/custom", "s3://bucket/x?versionId=3")):
        got = rjson(raw("POST", "/api/2.0/mlflow/experiments/create", json={"name": f"{n}{i}", "artifact_location": loc, "tags": [{"key": "k"}]}), loc)
        exp = C.get_experiment(got["experiment_id"])
        eq((exp.artifact_location, exp.tags), (loc, {"k": ""}), "accepted experiment")


@step
def c11b_search_datasets_validation():
    # handlers.search_datasets_impl (MLflow's test_search_dataset_handler_rejects_invalid_requests);
    # the UI's call, under /ajax-api only in MLflow
    ajax, path = "/ajax-api/2.0/mlflow", "/experiments/search-datasets"
    none = "SearchDatasets request must specify at least one experiment_id."
    for body in ({}, {"experiment_ids": []}, {"experiment_ids": "1"}, {"experiment_ids": [1]}):
        _c11b_400("POST", path, none, ajax, json=body)
    for n in (1000, 21):
        _c11b_400("POST", path, f"SearchDatasets request cannot specify more than 20 experiment_ids. Received {n} experiment_ids.",
                  ajax, json={"experiment_ids": [f"id_{i}" for i in range(n)]})
    _c11b_400("POST", path, "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.", ajax, json={"experiment_ids": ["abc"]})
    eq(rjson(raw("POST", ajax + path, json={"experiment_ids": [str(10**9 + i) for i in range(20)]}), "20 ids"), {}, "20 unknown ids")
    exp = C.create_experiment(f"{P}-c11b-datasets")
    rid = C.create_run(exp).info.run_id
    from mlflow.entities import Dataset, DatasetInput, InputTag

    C.log_inputs(rid, [DatasetInput(Dataset(name="name1", digest="digest1", source_type="source_type1", source="source1"),
                                    [InputTag("mlflow.data.context", "training")])])
    got = rjson(raw("POST", ajax + path, json={"experiment_ids": [exp]}), "search-datasets")
    eq(got.get("dataset_summaries"), [{"experiment_id": exp, "name": "name1", "digest": "digest1", "context": "training"}], "summaries")


@step
def c11b_model_version_sources():
    # handlers._create_model_version: _validate_artifact_uri_scheme, _validate_source_run,
    # _validate_source_model (MLflow's test_create_model_version_with_path_source,
    # ..._with_non_local_source, ..._with_file_uri)
    exp = C.create_experiment(f"{P}-c11b-sources")
    run = C.create_run(exp)
    rid, au = run.info.run_id, run.info.artifact_uri
    lm = C.create_logged_model(exp)
    name = f"{P}-c11b-src"
    C.create_registered_model(name)
    owner = "Invalid model version source: '{0}'. The {1} request parameter must identify the resource that contains the source."
    relative = ("Invalid model version source: '{0}'. If supplying a source as an http, https, local file path, ftp, "
                "objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references "
                "present. Please provide an absolute path.")
    local = ("Invalid model version source: '{0}'. To use a local path as a model version source, the {1} request parameter "
             "has to be specified and the local path has to be contained within the artifact directory of the run "
             "specified by the {1}.")
    host = ("'source' cannot use the '{0}' scheme: the '{0}' scheme addresses a host other than the tracking server's "
            "configured artifact storage, so the server would connect to the host named in the URI. Set the "
            "MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES environment variable on the server to allow it.")
    dbfs = f"dbfs:/{rid}/artifacts/a%3f/../../../../../../../../../../"
    for body, msg in [
        ({"source": au}, owner.format(au, "run_id")),
        ({"source": "mlflow-artifacts:/models", "run_id": rid}, owner.format("mlflow-artifacts:/models", "run_id")),
        ({"source": f"{au}/model/..", "run_id": rid}, relative.format(f"{au}/model/..")),
        ({"source": "mlflow-artifacts://host:9000/models", "run_id": rid}, host.format("mlflow-artifacts")),
        ({"source": "http://host:9000/models/../../../", "run_id": rid}, host.format("http")),
        ({"source": f"runs:/{rid}/model"}, owner.format(f"runs:/{rid}/model", "run_id")),
        ({"source": "s3://bucket/a/../b"}, relative.format("s3://bucket/a/../b")),
        ({"source": dbfs, "run_id": rid}, relative.format(dbfs)),
        ({"source": "/tmp/x"}, local.format("/tmp/x", "run_id")),
        ({"source": "/tmp/../tmp/x/./y", "run_id": rid}, local.format("/tmp/x/y", "run_id")),
        ({"source": "file:///tmp/x", "run_id": rid}, local.format("/tmp/x", "run_id")),
        ({"source": "file:///path/to/model", "model_id": lm.model_id}, local.format("/path/to/model", "model_id")),
        ({"source": "models:/m-other", "model_id": lm.model_id}, owner.format("models:/m-other", "model_id")),
        ({"source": f"models:/{lm.model_id}"}, owner.format(f"models:/{lm.model_id}", "model_id")),
    ]:
        _c11b_400("POST", "/model-versions/create", msg, json={"name": name, **body})
    accepted = [
        {"source": au, "run_id": rid}, {"source": f"{au}/model", "run_id": rid}, {"source": f"runs:/{rid}/model", "run_id": rid},
        {"source": "s3://bucket/model/"}, {"source": lm.artifact_location, "model_id": lm.model_id},
        {"source": lm.model_uri, "model_id": lm.model_id},
    ]
    for body in accepted:
        rjson(raw("POST", "/api/2.0/mlflow/model-versions/create", json={"name": name, **body}), f"create version {body}")
    eq(sorted(int(v.version) for v in C.search_model_versions(f"name='{name}'")), list(range(1, len(accepted) + 1)), "versions")

# --- conformance C: semantics (artifact locations, history bulk, registry copy/description, --------
# logged-model links and filters, DELETE without a body) -------------------------------------------
# (steps of group C go here)
@step
def c11c_artifact_locations():
    # A relative location is made absolute against the server's working directory (MLflow's
    # resolve_uri_if_local); scripts/mlflow_compat.sh starts the server in the client's cwd.
    rel = f"{P}-rel/arts"
    eid = C.create_experiment(f"{P}-c11c-rel", artifact_location=rel)
    loc = C.get_experiment(eid).artifact_location
    check(loc.startswith("/") and loc.endswith("/" + rel), f"relative location stored as {loc!r}")
    eq(loc, os.path.join(os.getcwd(), rel), "relative location resolved against the cwd")
    eq(C.create_run(eid).info.artifact_uri.rsplit("/", 2)[0], loc, "run artifact_uri under it")
    # file: with a relative path keeps its scheme.
    eid = C.create_experiment(f"{P}-c11c-relfile", artifact_location=f"file:{P}-relfile")
    eq(C.get_experiment(eid).artifact_location, "file://" + os.path.join(os.getcwd(), f"{P}-relfile"),
       "file:<relative> location")
    # A file:// experiment: its runs get file:// artifact URIs (the client writes there itself).
    file_loc = "file://" + os.path.join(TMP, f"{P}-fileloc")
    eid = C.create_experiment(f"{P}-c11c-file", artifact_location=file_loc)
    eq(C.get_experiment(eid).artifact_location, file_loc, "file:// location kept")
    run = C.create_run(eid)
    eq(run.info.artifact_uri, f"{file_loc}/{run.info.run_id}/artifacts", "run artifact_uri")
    C.log_text(run.info.run_id, "hello", "t/notes.txt")
    eq([a.path for a in C.list_artifacts(run.info.run_id, "t")], ["t/notes.txt"], "file:// run artifacts")
    C.set_terminated(run.info.run_id)
    # Only the server's default is mlflow-artifacts:.
    eid = C.create_experiment(f"{P}-c11c-default")
    eq(C.get_experiment(eid).artifact_location, f"mlflow-artifacts:/{eid}", "default location")
    run = C.create_run(eid)
    eq(run.info.artifact_uri, f"mlflow-artifacts:/{eid}/{run.info.run_id}/artifacts", "default run artifact_uri")
    C.set_terminated(run.info.run_id)


@step
def c11c_history_bulk():
    # get-history-bulk (the UI's ajax call): runs by id, then timestamp, step, value; max_results
    # truncates the whole answer (0: an empty list; above 25000: 25000); unknown runs: no points.
    eid = C.create_experiment(f"{P}-c11c-bulk")
    lo, hi = sorted(C.create_run(eid).info.run_id for _ in range(2))
    C.log_batch(lo, metrics=[Metric("m", float(s), 1000 - s, s) for s in range(5)])
    C.log_batch(hi, metrics=[Metric("m", 7.0, 5, 0), Metric("m", 8.0, 5, 0)])
    path = "/ajax-api/2.0/mlflow/metrics/get-history-bulk"

    def bulk(**params):
        return rjson(raw("GET", path, params={"metric_key": "m", **params}), f"get-history-bulk {params}")

    got = bulk(run_id=[hi, lo])["metrics"]
    want = [(lo, s, float(s)) for s in (4, 3, 2, 1, 0)] + [(hi, 0, 7.0), (hi, 0, 8.0)]
    eq([(m["run_id"], m["step"], m["value"]) for m in got], want, "bulk order")
    eq(got[0], {"key": "m", "value": 4.0, "timestamp": 996, "step": 4, "run_id": lo}, "bulk point fields")
    eq([(m["run_id"], m["step"]) for m in bulk(run_id=[hi, lo], max_results=3)["metrics"]],
       [(lo, 4), (lo, 3), (lo, 2)], "bulk max_results=3")
    eq(bulk(run_id=[lo], max_results=0), {"metrics": []}, "bulk max_results=0")
    eq(len(bulk(run_id=[lo], max_results=30000)["metrics"]), 5, "bulk max_results above 25000")
    eq(bulk(run_id=["nosuchrun"]), {"metrics": []}, "bulk of an unknown run")
    eq(len(bulk(run_id=[hi, hi])["metrics"]), 2, "bulk with a repeated run id")
    # get-history-bulk-interval: rows (not steps) sampled in NTILE buckets, last row kept.
    r3 = C.create_run(eid).info.run_id
    C.log_batch(r3, metrics=[Metric("k", float(s), 10, s) for s in range(21)]
                + [Metric("k", 100.0 + i, 20 + i, 5) for i in range(3)])

    def interval(runs, **params):
        r = raw("GET", "/api/2.0/mlflow/metrics/get-history-bulk-interval",
                params={"run_ids": runs, "metric_key": "k", **params})
        return [(m["run_id"], m["step"], m["value"]) for m in rjson(r, f"bulk-interval {params}").get("metrics", [])]

    eq(interval([r3], max_results=5), [(r3, s, float(s)) for s in (0, 5, 7, 12, 20)], "interval max_results=5")
    eq(interval([r3], max_results=1), [(r3, 20, 20.0)], "interval max_results=1 keeps the last point")
    eq(interval([r3], max_results=4, start_step=3, end_step=8),
       [(r3, 3, 3.0), (r3, 5, 100.0), (r3, 5, 102.0), (r3, 8, 8.0)], "interval window")
    eq(len(interval([r3])), 24, "interval without max_results (2500 per run)")
    eq(interval([r3, lo, r3], max_results=2), [(r3, 0, 0.0), (r3, 20, 20.0)] * 2, "interval run order")
    eq(interval(["nosuchrun"], max_results=3), [], "interval of an unknown run")
    for r in (lo, hi, r3):
        C.set_terminated(r)


@step
def c11c_copy_model_version():
    # copy_model_version (MLflow's test_copy_model_version_flow): the copy's source is
    # models:/<name>/<number> (an alias resolved), with the source's run, description and tags,
    # and it downloads from where the source does.
    name = f"{P}-c11c-copy"
    run = C.create_run(C.create_experiment(f"{P}-c11c-copy")).info.run_id
    C.create_registered_model(name)
    src = C.create_model_version(name, f"runs:/{run}/model", run, description="dummy", tags={"hello": "world"})
    C.set_registered_model_alias(name, "test_alias", "1")
    copy = C.copy_model_version(f"models:/{name}@test_alias", name)
    eq((copy.name, copy.version), (name, "2"), "copy name and version")
    got = C.get_model_version(name, 2)
    eq(got.source, f"models:/{name}/1", "copy source")
    eq((got.description, got.run_id, got.tags), ("dummy", run, {"hello": "world"}), "copy fields")
    eq(C.get_model_version_download_uri(name, 2), C.get_model_version_download_uri(name, src.version),
       "copy download URI")
    r = raw("POST", "/api/2.0/mlflow/model-versions/create",
            json={"name": name, "source": f"models:/{name}/latest", "run_id": "other"})
    eq((r.status_code, r.json().get("error_code")), (400, "INVALID_PARAMETER_VALUE"), "copy with another run_id")
    # A version created without a description has "" (MLflow's test_update_model_version_flow),
    # and an update to "" keeps "".
    plain = C.create_model_version(name, f"runs:/{run}/model", run)
    eq(str(C.get_model_version(name, plain.version).description), "", "description of a new version")
    r = raw("POST", "/api/2.0/mlflow/model-versions/create", json={"name": name, "source": f"runs:/{run}/m", "run_id": run})
    eq((rjson(r, "create")["model_version"].get("description"), r.json()["model_version"].get("run_link")), ("", ""),
       "raw description and run_link")
    C.update_model_version(name, plain.version, description="set")
    eq(C.update_model_version(name, plain.version, description="").description, "", "updated to an empty description")
    eq(C.get_model_version(name, plain.version).description, "", "empty description read back")
    C.set_terminated(run)


@step
def c11c_model_version_tag():
    # model-versions/create with a model_id lists the version on the logged model's
    # mlflow.modelVersions tag (Python's json.dumps of [{"name", "version"}]), and the version
    # takes the model's source run.
    eid = C.create_experiment(f"{P}-c11c-links")
    run = C.create_run(eid).info.run_id
    model = C.create_logged_model(eid, name="lm", source_run_id=run)
    mid = model.model_id
    a, b = f"{P}-c11c-a", f"{P}-c11c-modèle"
    for n in (a, b):
        C.create_registered_model(n)
    v = C.create_model_version(a, f"models:/{mid}", model_id=mid)
    eq(v.run_id, run, "version run_id from the logged model")
    eq(C.get_logged_model(mid).tags.get("mlflow.modelVersions"), json.dumps([{"name": a, "version": 1}]),
       "mlflow.modelVersions after one version")
    C.create_model_version(a, f"models:/{mid}", model_id=mid)
    C.create_model_version(b, f"models:/{mid}", model_id=mid)
    want = [{"name": a, "version": 1}, {"name": a, "version": 2}, {"name": b, "version": 1}]
    eq(C.get_logged_model(mid).tags.get("mlflow.modelVersions"), json.dumps(want), "mlflow.modelVersions after three")
    C.set_terminated(run)


@step
def c11c_search_logged_models():
    # search_logged_models as MLflow's SQL store: metric clauses match any point (never a NaN),
    # datasets restrict them, only attributes/metrics/params/tags prefixes, string keys take
    # = != LIKE ILIKE IN NOT IN, no IS NULL, metric-only ordering (latest point, on a dataset).
    eid = C.create_experiment(f"{P}-c11c-slm")
    run = C.create_run(eid).info.run_id
    ids = []
    for i in range(4):
        kw = dict(model_type=f"t{i % 2}", source_run_id=run, tags={"a": "b" if i < 2 else "c"},
                  params={"width": str(128 * (i + 1))}) if i < 3 else {}
        ids.append(C.create_logged_model(eid, name=f"model-{i}", **kw).model_id)
        time.sleep(0.005)
    for i, mid in enumerate(ids[:3]):
        raw("POST", "/api/2.0/mlflow/runs/log-metric",
            json={"run_id": run, "key": "acc", "value": 0.3 * i, "timestamp": 1000, "step": 0, "model_id": mid})
    raw("POST", "/api/2.0/mlflow/runs/log-metric", json={"run_id": run, "key": "acc", "value": 0.95, "timestamp": 1000,
        "step": 1, "model_id": ids[0], "dataset_name": "ds", "dataset_digest": "dg"})
    raw("POST", "/api/2.0/mlflow/runs/log-metric",
        json={"run_id": run, "key": "loss", "value": "NaN", "timestamp": 1000, "step": 0, "model_id": ids[1]})

    def names(**kw):
        return [m.name for m in C.search_logged_models(experiment_ids=[eid], **kw)]

    eq(names(filter_string="metrics.acc > 0.5"), ["model-2", "model-0"], "metrics.acc > 0.5")
    eq(names(filter_string="metrics.acc = 0.95"), ["model-0"], "any point of the metric")
    eq(names(filter_string="metrics.loss != 0"), [], "a NaN point never matches")
    eq(names(filter_string="model_type != 't0'"), ["model-3", "model-1"], "model_type '' when not given")
    eq(names(filter_string="name IN ('model-1', 'model-2')"), ["model-2", "model-1"], "name IN")
    eq(names(datasets=[{"dataset_name": "ds", "dataset_digest": "dg"}]), ["model-0"], "datasets")
    eq(names(filter_string="metrics.acc < 0.5", datasets=[{"dataset_name": "ds", "dataset_digest": "dg"}]), [],
       "metric clause on the dataset")
    eq(names(order_by=[{"field_name": "metrics.acc", "ascending": False}]),
       ["model-0", "model-2", "model-1", "model-3"], "order by a metric")
    eq(names(order_by=[{"field_name": "metrics.acc", "ascending": False, "dataset_name": "ds"}]),
       ["model-0", "model-3", "model-2", "model-1"], "order by a metric on a dataset")
    for filt, msg in [
        ("tag.a = 'b'", "Invalid entity type: 'tag'. Expected one of ['attributes', 'metrics', 'params', 'tags']."),
        ("params.width > '200'", "Invalid comparison operator for params.width: '>'. Expected one of "
                                 "('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN')."),
        ("tags.a IS NULL", "Invalid comparison: tags.aIS NULL. Expected a comparison with 3 tokens."),
    ]:
        r = raw("POST", "/api/2.0/mlflow/logged-models/search", json={"experiment_ids": [eid], "filter": filt})
        eq((r.status_code, r.json().get("error_code"), r.json().get("message")), (400, "INVALID_PARAMETER_VALUE", msg), filt)
    r = raw("POST", "/api/2.0/mlflow/logged-models/search",
            json={"experiment_ids": [eid], "order_by": [{"field_name": "params.width"}]})
    eq((r.status_code, r.json().get("message")),
       (400, "Invalid order by field name: params.width. Only metrics are supported."), "order by a param")
    C.set_terminated(run)


@step
def c11c_delete_logged_model_tag():
    # MLflow checks the content type of POST and PUT only: DELETE …/logged-models/<id>/tags/<key>
    # without a JSON content type (and without a body) works.
    eid = C.create_experiment(f"{P}-c11c-deltag")
    mid = C.create_logged_model(eid, name="n", tags={"k": "v", "k2": "v", "k3": "v"}).model_id
    path = f"/api/2.0/mlflow/logged-models/{mid}/tags"
    r = raw("DELETE", f"{path}/k")
    eq((r.status_code, rjson(r, "DELETE tag without a content type")), (200, {}), "DELETE tag, no content type")
    r = raw("DELETE", f"{path}/k")
    eq((r.status_code, r.json().get("error_code")), (404, "RESOURCE_DOES_NOT_EXIST"), "DELETE of a deleted tag")
    r = raw("DELETE", f"{path}/k2", headers={"Content-Type": "text/plain"}, data="x")
    eq(r.status_code, 200, "DELETE tag with text/plain")
    C.delete_logged_model_tag(mid, "k3")  # the client's own call
    eq(C.get_logged_model(mid).tags, {}, "tags after the deletes")


# --- runner ---------------------------------------------------------------------------------------
def main():
    def end_active_run():
        if mlflow.active_run():
            mlflow.end_run()

    return run_steps(ARGS.only, ARGS.verbose, after=end_active_run, trailer=f"prefix {P}, uri {URI}")


if __name__ == "__main__":
    sys.exit(main())
