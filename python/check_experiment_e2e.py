#!/usr/bin/env python
"""`verdict check --experiment` end to end, with runs logged by the real MLflow client.

The pinned mlflow-skinny client (python/requirements-mlflow.txt) logs five runs to a running
`verdict server` — the validation and training losses of seed 001 §4.1, epoch by epoch, as a
training loop logs them — then the `verdict` binary stores three test evaluations in three of those
runs (`verdict eval FILE --run RUN_ID --eval-name test`, on the server's own store and artifact
root), on two different test sets: seed 000's two smile models (examples/seed000/smile_*.csv, one
eval set of 80 sequences) and the breast-cancer predictions (examples/breast_cancer.csv, 569 rows).
Then `verdict check --experiment NAME --eval-name test --format json --bootstrap 200` must give

* the overfitting table: each run's severity (the ones crates/verdict-app/tests/check_run.rs asserts
  for the same curves), best epoch / total, first / best / last values, and the severity counts;
* one leaderboard per eval-set fingerprint (newest first) with its rows, class counts and runs;
* in the smile leaderboard, the paired p-value of the second run against the best exactly equal
  (same float) to `verdict compare BEST OTHER --baseline BEST --bootstrap 200 --format json`'s
  `comparisons[0]` on the same two files;
* a `split_changed` finding (warn), and exit code 1 with `--fail-on warn`.

Then (issue 14) in a run of its own experiment: `verdict splits check examples/splits/{train,val,test}.csv
--group-col battery_id --meta axis --run RUN_ID` must leave three dataset inputs the client reads back
(name, `mlflow.data.context` training/validation/testing, digest = the first 32 hex digits of the
fingerprint, source, profile, schema) and the `verdict.split.<context>.fingerprint` tags, and
`verdict eval --run` of another eval set must warn that the run recorded another test split.

    .venv-mlflow/bin/python python/check_experiment_e2e.py --uri http://127.0.0.1:5055 \
        --verdict target/debug/verdict --store /tmp/x/verdict.db --artifacts /tmp/x/artifacts [--token T]

--verdict, --store and --artifacts default to $VERDICT_BINARY, $VERDICT_STORE and
$VERDICT_ARTIFACTS; --store / --artifacts must be the server's --store / --artifacts (SQLite in WAL
mode lets the CLI write next to the running server; PostgreSQL is a URL shared by both).
scripts/check_experiment_e2e.sh starts the server and runs this script.

Output as python/mlflow_workload.py: `ok <step>` or `FAIL <step>: <reason>` per step, then
`N passed, M failed`; exit code 1 if any step failed. Names carry a random prefix, so the script can
run repeatedly against one server (each run makes its own experiment).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter

import seed001  # python/seed001.py: seed 001's runs (the table, the curves, the logging), shared with ui_e2e.py
from seed001 import BREAST, ROOT, SEED, SMILE_BEST, SMILE_OTHER
from steps import check, client_env, eq, run_steps, step  # python/steps.py, shared with mlflow_workload.py

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--uri", required=True, help="tracking server, e.g. http://127.0.0.1:5055")
ap.add_argument("--verdict", default=os.environ.get("VERDICT_BINARY"), help="the verdict binary ($VERDICT_BINARY)")
ap.add_argument("--store", default=os.environ.get("VERDICT_STORE"), help="the server's --store ($VERDICT_STORE)")
ap.add_argument(
    "--artifacts", default=os.environ.get("VERDICT_ARTIFACTS"), help="the server's --artifacts ($VERDICT_ARTIFACTS)"
)
ap.add_argument("--token", help="bearer token the server requires")
ap.add_argument("--verbose", action="store_true", help="print tracebacks and step timings")
ARGS = ap.parse_args()
for flag in ("verdict", "store", "artifacts"):
    if not getattr(ARGS, flag):
        ap.error(f"--{flag} (or its environment variable) is required")
URI = ARGS.uri.rstrip("/")
client_env(ARGS.token)

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402

BOOTSTRAP = "200"
# examples/splits: battery-CT split manifests (id, label, battery_id, axis); name, MLflow context
SPLITS = [
    (os.path.join(ROOT, "examples", "splits", f"{name}.csv"), name, context)
    for name, context in (("train", "training"), ("val", "validation"), ("test", "testing"))
]

mlflow.set_tracking_uri(URI)
C = MlflowClient(URI)
P = "ce" + uuid.uuid4().hex[:8]  # prefix of every name this run creates
S = {}  # state shared between steps


# --- helpers --------------------------------------------------------------------------------------
def need(*keys):
    missing = [k for k in keys if k not in S]
    if missing:
        raise AssertionError(f"an earlier step failed (no {', '.join(missing)})")
    return [S[k] for k in keys]


def verdict(*args, want_rc=0):
    """Runs the verdict binary; returns its stdout (the exit code must be want_rc)."""
    cmd = [ARGS.verdict, *args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != want_rc:
        raise AssertionError(
            f"`verdict {' '.join(args)}` exited {p.returncode} (want {want_rc}): {p.stderr.strip()[-600:]}"
        )
    return p.stdout


def verdict_stderr(*args, want_rc=0):
    """Runs the verdict binary; returns its stderr (the exit code must be want_rc)."""
    p = subprocess.run([ARGS.verdict, *args], capture_output=True, text=True, timeout=120)
    if p.returncode != want_rc:
        raise AssertionError(
            f"`verdict {' '.join(args)}` exited {p.returncode} (want {want_rc}): {p.stderr.strip()[-600:]}"
        )
    return p.stderr


def ledger():
    return ["--store", ARGS.store, "--artifacts", ARGS.artifacts]


def class_counts(path):
    with open(path, newline="") as f:
        return dict(Counter(row["label"] for row in csv.DictReader(f)))


def manifest(path):
    """A split manifest's header and rows, as csv reads them."""
    with open(path, newline="") as f:
        r = csv.DictReader(f)
        return r.fieldnames, list(r)


# --- steps ----------------------------------------------------------------------------------------
@step
def log_seed_runs():
    exp = mlflow.set_experiment(f"{P}-seed001")
    S["exp_id"], S["exp_name"] = exp.experiment_id, exp.name
    S["runs"] = seed001.log_seed_runs(mlflow, C)


@step
def store_evaluations():
    (runs,) = need("runs")
    S["evals"] = {}
    for name, *_, test_file in SEED:
        if test_file is None:
            continue
        out = verdict(
            "eval", test_file, "--run", runs[name]["id"], "--eval-name", "test", *ledger(),
            "--bootstrap", BOOTSTRAP, "--format", "json", "--quiet",
        )
        S["evals"][name] = (test_file, json.loads(out))
        time.sleep(0.01)  # distinct evaluation times: the breast-cancer leaderboard is the newest
    # the server sees what the CLI stored: the fingerprint tag and the artifacts under its root
    for name, (_, doc) in S["evals"].items():
        run = C.get_run(runs[name]["id"])
        eq(run.data.tags.get("verdict.eval.test.fingerprint"), doc["fingerprint"], f"{name}: fingerprint tag")
        eq(run.data.metrics.get("test/roc_auc"), doc["metrics"]["roc_auc"]["value"], f"{name}: metric test/roc_auc")
        listed = {a.path for a in C.list_artifacts(runs[name]["id"], "verdict")}
        want = {"verdict/test.json", "verdict/test.predictions.parquet"}
        check(want <= listed, f"{name}: artifacts served by the server {sorted(listed)}, want {sorted(want)}")
    fps = {doc["fingerprint"] for _, doc in S["evals"].values()}
    eq(len(fps), 2, "distinct eval-set fingerprints of the three evaluations")


@step
def check_experiment_json():
    (exp_name,) = need("exp_name")
    need("evals")
    out = verdict(
        "check", "--experiment", exp_name, "--eval-name", "test", *ledger(),
        "--bootstrap", BOOTSTRAP, "--format", "json",
    )
    S["doc"] = doc = json.loads(out)
    eq(doc.get("schema"), 1, "schema")
    eq(doc.get("subject"), {"experiment_id": S["exp_id"], "experiment_name": exp_name}, "subject")
    eq(doc.get("eval_name"), "test", "eval_name")
    for key in ("overfitting", "severity_counts", "leaderboards", "findings"):
        check(key in doc, f"no {key!r} in the document (keys: {sorted(doc)})")


@step
def overfitting_table():
    doc, runs = need("doc", "runs")
    rows = {r["run_id"]: r for r in doc["overfitting"]}
    eq(len(doc["overfitting"]), len(SEED), "overfitting rows")
    for name, n, best_at, _, _, _, _, severity, _ in SEED:
        r = rows.get(runs[name]["id"])
        check(r is not None, f"{name}: no overfitting row")
        val, train = runs[name]["val"], runs[name]["train"]
        got = {k: r.get(k) for k in (
            "run_name", "curve", "train", "mode", "epochs", "best_epoch", "first", "best", "last",
            "train_first", "train_last", "severity")}
        want = {
            "run_name": name, "curve": "val_loss", "train": "loss", "mode": "min", "epochs": n,
            "best_epoch": best_at, "first": val[0], "best": val[best_at - 1], "last": val[-1],
            "train_first": train[0], "train_last": train[-1], "severity": severity,
        }
        diff = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
        check(not diff, f"{name}: overfitting row differs (key: (got, want)): {diff}")
    want_counts = {"none": 0, "mild": 0, "moderate": 0, "severe": 0, "extreme": 0, "not_judged": 0}
    want_counts.update(Counter(s[7] for s in SEED))
    eq(doc["severity_counts"], want_counts, "severity_counts")


@step
def leaderboards_by_fingerprint():
    doc, runs, evals = need("doc", "runs", "evals")
    boards = doc["leaderboards"]
    eq(len(boards), 2, "leaderboards (one per eval-set fingerprint)")
    by_file = {}
    for name, (test_file, ev) in evals.items():
        by_file.setdefault(test_file, []).append((name, ev))
    # newest first: the breast-cancer evaluation was stored last
    for board, files in zip(boards, ([BREAST], [SMILE_BEST, SMILE_OTHER])):
        members = [m for f in files for m in by_file[f]]
        fp = members[0][1]["fingerprint"]
        eq(board["fingerprint"], fp, f"leaderboard of {os.path.basename(files[0])}: fingerprint")
        eq(board["rows"], members[0][1]["n"], f"{fp}: rows")
        eq(board["classes"], class_counts(files[0]), f"{fp}: class counts")
        eq(board["metric"], "roc_auc", f"{fp}: metric")
        check(isinstance(board.get("newest"), int), f"{fp}: newest is not a time in ms: {board.get('newest')!r}")
        # ranked by the stored ROC AUC, best first
        members.sort(key=lambda m: -m[1]["metrics"]["roc_auc"]["value"])
        eq([r["run_id"] for r in board["runs"]], [runs[m[0]]["id"] for m in members], f"{fp}: runs, ranked")
        for rank, (row, (name, ev)) in enumerate(zip(board["runs"], members), start=1):
            eq(row["rank"], rank, f"{name}: rank")
            eq(row["run_name"], name, f"{name}: run_name")
            eq(row["value"], ev["metrics"]["roc_auc"]["value"], f"{name}: ROC AUC = the stored evaluation's")
            check(row["ci_low"] <= row["value"] <= row["ci_high"], f"{name}: interval {row['ci_low']}…{row['ci_high']}")
            eq(row["best"], rank == 1, f"{name}: best")
            eq(row["not_tested_because"], None, f"{name}: not_tested_because (its predictions are stored)")
            # the run's failing checks beside its rank: here only overfitting, a failure when severe or worse
            severity = next(s[7] for s in SEED if s[0] == name)
            eq(row.get("failing"), ["overfitting"] if severity in ("severe", "extreme") else [], f"{name}: failing")
            if rank == 1:
                eq((row["p_value"], row["p_holm"], row["test"]), (None, None, None), f"{name}: the best is not tested")
    newest = [b["newest"] for b in boards]
    check(newest[0] >= newest[1], f"leaderboards not newest first: {newest}")
    S["smile_board"] = boards[1]


@step
def paired_p_values_equal_compare():
    (board,) = need("smile_board")
    best, other = board["runs"][0], board["runs"][1]
    stem = os.path.splitext(os.path.basename(SMILE_BEST))[0]
    cmp = json.loads(verdict(
        "compare", SMILE_BEST, SMILE_OTHER, "--baseline", stem, "--bootstrap", BOOTSTRAP, "--format", "json",
    ))
    c = cmp["comparisons"][0]
    eq((c["a"], c["b"]), (stem, "smile_baseline"), "compare's comparison")
    eq(cmp["fingerprint"], board["fingerprint"], "compare's fingerprint = the leaderboard's")
    check(isinstance(other["p_value"], float), f"{other['run_name']}: p_value {other['p_value']!r}")
    # exactly the same floats (JSON round-trips f64 exactly)
    eq(other["p_value"], c["p_value"], f"{other['run_name']} vs {best['run_name']}: p_value = verdict compare's")
    eq(other["p_holm"], c["p_holm"], f"{other['run_name']} vs {best['run_name']}: p_holm = verdict compare's")
    eq(other["test"], c["headline_test"], f"{other['run_name']}: test = verdict compare's headline_test")
    eq(other["significant"], c["significant"], f"{other['run_name']}: significant = verdict compare's")
    # the values and intervals are compare's leaderboard too (same bootstrap: --bootstrap 200, seed 0)
    lb = {m["model"]: m for m in cmp["leaderboard"]}
    for row, path in ((best, SMILE_BEST), (other, SMILE_OTHER)):
        m = lb[os.path.splitext(os.path.basename(path))[0]]
        eq((row["value"], row["ci_low"], row["ci_high"]), (m["value"], m["ci_low"], m["ci_high"]),
           f"{row['run_name']}: value and interval = verdict compare's leaderboard")


@step
def split_changed_finding():
    (doc,) = need("doc")
    found = [f for f in doc["findings"] if f.get("check") == "split_changed"]
    eq(len(found), 1, "split_changed findings")
    eq(found[0]["status"], "warn", "split_changed status")
    checks = {f.get("check") for f in doc["findings"]}
    check("overfitting" in checks, f"no run's overfitting finding in findings: {sorted(checks)}")


@step
def fail_on_gate_and_other_formats():
    (exp_name,) = need("exp_name")
    base = ["check", "--experiment", exp_name, "--eval-name", "test", *ledger(), "--bootstrap", BOOTSTRAP]
    verdict(*base, "--fail-on", "warn", "--format", "json", want_rc=1)  # split_changed is a warning
    for fmt in ("text", "md"):
        out = verdict(*base, "--format", fmt)
        for name, *_ in SEED:
            check(name in out, f"--format {fmt}: run {name} not in the report")
    # by id as well as by name
    by_id = json.loads(verdict(
        "check", "--experiment", S["exp_id"], "--eval-name", "test", *ledger(), "--bootstrap", BOOTSTRAP,
        "--format", "json",
    ))
    eq(by_id["subject"], S["doc"]["subject"], "subject when the experiment is given by id")


@step
def splits_recorded_as_dataset_inputs():
    # A run of its own experiment, made by the client (the seed runs' experiment stays as it was).
    exp_id = C.create_experiment(f"{P}-splits")
    run_id = C.create_run(exp_id, run_name="battery_ct_split").info.run_id
    files = [path for path, _, _ in SPLITS]
    cmd = ["splits", "check", *files, "--group-col", "battery_id", "--meta", "axis", "--run", run_id, *ledger()]
    doc = json.loads(verdict(*cmd, "--format", "json"))
    eq([(s["name"], s["context"]) for s in doc["splits"]], [(n, c) for _, n, c in SPLITS], "splits (name, context)")
    S["split_run"], S["split_doc"] = run_id, doc
    # Checked twice: recording the same splits again must change nothing the client sees.
    for attempt in ("first", "again"):
        if attempt == "again":
            doc2 = json.loads(verdict(*cmd, "--format", "json"))
            eq([s["fingerprint"] for s in doc2["splits"]], [s["fingerprint"] for s in doc["splits"]],
               "fingerprints of the second check")
        run = C.get_run(run_id)
        inputs = run.inputs.dataset_inputs
        eq(sorted(i.dataset.name for i in inputs), sorted(n for _, n, _ in SPLITS),
           f"{attempt}: dataset input names")
        by_name = {i.dataset.name: i for i in inputs}
        for s, (path, name, context) in zip(doc["splits"], SPLITS):
            di = by_name[name]
            what = f"{attempt}: dataset input {name}"
            eq({t.key: t.value for t in di.tags}, {"mlflow.data.context": context}, f"{what}: input tags")
            ds = di.dataset
            eq(ds.digest, s["fingerprint"].removeprefix("sha256:")[:32], f"{what}: digest")
            check(len(ds.digest) == 32 and s["fingerprint"].startswith("sha256:"),
                  f"{what}: digest {ds.digest!r} of fingerprint {s['fingerprint']!r}")
            # MLflow's local source: JSON {"uri": path}, what mlflow.data.get_source parses.
            eq((ds.source_type, json.loads(ds.source)), ("local", {"uri": path}), f"{what}: (source_type, source)")
            eq(mlflow.data.get_source(di).uri, path, f"{what}: mlflow.data.get_source")
            header, rows = manifest(path)
            profile = json.loads(ds.profile)
            eq(profile, {
                "num_rows": len(rows),
                "num_groups": len({r["battery_id"] for r in rows}),
                "class_counts": class_counts(path),
                "fingerprint": s["fingerprint"],
            }, f"{what}: profile")
            eq(profile["class_counts"], doc["class_counts"][name], f"{what}: class counts = the command's")
            eq((profile["num_rows"], profile["num_groups"]), (s["rows"], s["groups"]), f"{what}: rows, groups")
            eq(json.loads(ds.schema), {"columns": header}, f"{what}: schema")
            eq(run.data.tags.get(f"verdict.split.{context}.fingerprint"), s["fingerprint"],
               f"{attempt}: tag verdict.split.{context}.fingerprint")
    # the same inputs in search results (the experiment's run list, as the UI reads it)
    found = C.search_runs([exp_id])
    eq([r.info.run_id for r in found], [run_id], "search_runs of the splits experiment")
    eq(sorted((i.dataset.name, i.dataset.digest) for i in found[0].inputs.dataset_inputs),
       sorted((i.dataset.name, i.dataset.digest) for i in C.get_run(run_id).inputs.dataset_inputs),
       "search_runs' dataset inputs = get_run's")


@step
def eval_on_another_set_warns_about_the_recorded_split():
    run_id, doc = need("split_run", "split_doc")
    test_fp = next(s["fingerprint"] for s in doc["splits"] if s["context"] == "testing")
    # seed 000's smile predictions: another eval set than the recorded test split
    err = verdict_stderr("eval", SMILE_OTHER, "--run", run_id, "--eval-name", "test", *ledger(), "--quiet")
    check("recorded its test split as" in err, f"no split warning on stderr: {err.strip()[-600:]!r}")
    check(test_fp in err, f"the warning does not name the recorded split {test_fp}: {err.strip()[-600:]!r}")
    tags = C.get_run(run_id).data.tags
    stored = tags.get("verdict.eval.test.fingerprint")
    check(stored is not None and stored != test_fp,
          f"eval fingerprint tag {stored!r} (the recorded test split is {test_fp})")
    check(stored in err, f"the warning does not name the evaluated set {stored}: {err.strip()[-600:]!r}")
    eq(tags.get("verdict.split.testing.fingerprint"), test_fp, "the recorded split's tag after the evaluation")


# --- runner ---------------------------------------------------------------------------------------
def main():
    def end_active_run():
        if mlflow.active_run():
            mlflow.end_run()

    return run_steps(verbose=ARGS.verbose, after=end_active_run, trailer=f"prefix {P}, uri {URI}")


if __name__ == "__main__":
    sys.exit(main())
