#!/usr/bin/env python
"""Live training rules end to end (issue 15), with runs logged by the real MLflow client.

This script starts `verdict server` itself (it must restart it mid-run), on the --store and
--artifacts given, with a bearer token, and:

* attaches seed 003's rules (examples/rules/rules.toml) to an experiment with
  `verdict rules attach`, then logs seed 003's curve (examples/rules/seed003_history.csv) epoch by
  epoch with `mlflow.log_metrics(..., step=epoch)`, reading `client.get_run(...).data.tags` after
  each epoch as a training loop would: `verdict.decision` must turn `rollback` at epoch 13 (R@1 fell
  twice, best step 11) while the client is still logging, `verdict.decision.step`,
  `verdict.best_step`, `verdict.lr` (Keras' float32 1e-4 · 0.5 after the plateau at epoch 14) must
  follow, and `GET /api/2.0/verdict/rules/decisions` must list the decisions `verdict rules check
  --run` computes afterwards;
* restarts the server after epoch 12 of a second run: the decisions after the restart are the
  uninterrupted run's (the engine's state is stored with every write);
* logs 8 runs concurrently (threads, one client each, noisy variants of the curve, one
  `log_batch` per epoch): every run's decision history equals `verdict rules check --run` on its
  stored history afterwards, and its tags the check's outcome;
* a run tagged `verdict.rules = <other ruleset>` is judged by that ruleset instead.

    .venv-mlflow/bin/python python/rules_e2e.py --verdict target/debug/verdict \
        --store /tmp/x/verdict.db --artifacts /tmp/x/artifacts

Output as python/mlflow_workload.py (`ok <step>` / `FAIL <step>: <reason>`, then a count); exit 1
if any step failed. scripts/rules_e2e.sh runs it on SQLite and on PostgreSQL.
"""

import argparse
import csv
import json
import os
import random
import secrets
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

from steps import check, client_env, eq, run_steps, step

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--verdict", required=True, help="the verdict binary")
ap.add_argument("--store", required=True, help="the ledger URL the server and the CLI share")
ap.add_argument("--artifacts", required=True, help="the server's --artifacts")
ap.add_argument("--verbose", action="store_true")
ARGS = ap.parse_args()
TOKEN = "rules-" + secrets.token_hex(8)
client_env(TOKEN)

import mlflow  # noqa: E402 -- after client_env
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric  # noqa: E402

RULES = os.path.join(ROOT, "examples/rules/rules.toml")
PREFIX = uuid.uuid4().hex[:6]
SERVER = {}


def start_server():
    proc = subprocess.Popen(
        [ARGS.verdict, "server", "--store", ARGS.store, "--artifacts", ARGS.artifacts, "--host", "127.0.0.1",
         "--port", "0", "--auth-token", TOKEN],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    line = proc.stdout.readline()
    check("listening on " in line, f"server did not start: {line!r}")
    url = line.split("listening on ", 1)[1].split()[0]
    SERVER.update(proc=proc, url=url)
    mlflow.set_tracking_uri(url)
    return url


def stop_server():
    proc = SERVER.pop("proc", None)
    if proc is not None:
        proc.terminate()
        proc.wait(timeout=30)


def verdict(*args):
    out = subprocess.run([ARGS.verdict, *args], capture_output=True, text=True)
    check(out.returncode == 0, f"verdict {' '.join(args)}: exit {out.returncode}: {out.stderr.strip()}")
    return out.stdout


def api(path):
    req = urllib.request.Request(SERVER["url"] + path, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def history():
    with open(os.path.join(ROOT, "examples/rules/seed003_history.csv")) as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def key(d):
    """What a decision is, independent of where it was computed."""
    return (d["rule"], d["action"], d["step"], d["metric"])


def checked(run_id):
    rep = json.loads(verdict("rules", "check", RULES, "--run", run_id, "--store", ARGS.store,
                             "--artifacts", ARGS.artifacts, "--format", "json"))
    return rep["runs"][0]


def live(run_id):
    got = api(f"/api/2.0/verdict/rules/decisions?run_id={run_id}")["decisions"]
    return [(d["rule"], d["action"], d["step"], d["metric"]) for d in got], got


def new_experiment(name):
    exp_id = MlflowClient().create_experiment(f"{PREFIX}-{name}")
    verdict("rules", "attach", "--experiment", exp_id, RULES, "--name", f"{PREFIX}-seed003", "--store", ARGS.store)
    return exp_id


STATE = {}


@step
def start_and_attach():
    start_server()
    STATE["exp"] = new_experiment("seed003")
    listed = verdict("rules", "list", "--store", ARGS.store)
    check(f"{PREFIX}-seed003" in listed, f"rules list: {listed}")


@step
def seed003_decisions_appear_while_logging():
    client = MlflowClient()
    run = client.create_run(STATE["exp"], run_name="seed003")
    rid = run.info.run_id
    STATE["seed_run"] = rid
    seen = {}
    with mlflow.start_run(run_id=rid):
        for row in history():
            epoch = int(row.pop("epoch"))
            mlflow.log_metrics(row, step=epoch)
            tags = client.get_run(rid).data.tags  # the training loop's check
            seen[epoch] = {k: v for k, v in tags.items() if k.startswith("verdict.")}
    eq(seen[12].get("verdict.decision"), "continue", "decision after epoch 12")
    eq(seen[13].get("verdict.decision"), "rollback", "decision after epoch 13 (R@1 fell twice)")
    eq(seen[13].get("verdict.decision.step"), "13", "decision step")
    eq(seen[13].get("verdict.best_step"), "11", "best step by val_r1")
    check("declined" in seen[13].get("verdict.decision.reason", ""), f"reason: {seen[13]}")
    # The stop latches: the threshold at epoch 14 does not replace the first ending action.
    eq(seen[15].get("verdict.decision"), "rollback", "decision after epoch 15")
    # Keras style: the float32 rate 1e-4 times 0.5, stored as float32.
    eq(float(seen[14]["verdict.lr"]), 4.999999873689376e-05, "verdict.lr after the plateau")
    want = checked(rid)
    got, raw = live(rid)
    eq(got, [key(d) for d in want["decisions"]], "live decisions vs rules check --run")
    eq(raw[0]["reason"]["best_step"], 11, "structured reason's best step")
    eq(want["ended"], {"action": "rollback", "step": 13, "rule": "decline:val_r1"}, "ended")
    eq(want["wasted"], 2, "evaluations past the first stop")


@step
def a_restart_mid_run_resumes_exactly():
    client = MlflowClient()
    rid = client.create_run(STATE["exp"], run_name="restarted").info.run_id
    rows = history()
    for row in rows[:12]:
        epoch = int(row.pop("epoch"))
        client.log_batch(rid, metrics=[Metric(k, v, 0, epoch) for k, v in row.items()])
    stop_server()
    start_server()
    client = MlflowClient()  # the restarted server listens on another port
    for row in rows[12:]:
        epoch = int(row.pop("epoch"))
        client.log_batch(rid, metrics=[Metric(k, v, 0, epoch) for k, v in row.items()])
        if epoch == 13:
            eq(client.get_run(rid).data.tags.get("verdict.decision"), "rollback", "first decision after the restart")
    got, _ = live(rid)
    want, _ = live(STATE["seed_run"])
    eq(got, want, "decisions of the restarted run vs the uninterrupted one")


@step
def eight_concurrent_runs_decide_as_the_check_does():
    client = MlflowClient()
    ids = [client.create_run(STATE["exp"], run_name=f"concurrent-{i}").info.run_id for i in range(8)]
    base = history()
    errors = []

    def log(i, rid):
        try:
            c = MlflowClient()
            rnd = random.Random(i)
            for row in base:
                epoch = int(row["epoch"])
                metrics = [
                    Metric("val_loss", round(row["val_loss"] + rnd.gauss(0, 0.004), 4), 0, epoch),
                    Metric("val_r1", round(row["val_r1"] + rnd.gauss(0, 0.003), 4), 0, epoch),
                    Metric("avg_triplets", round(row["avg_triplets"] + rnd.choice([0, 0, 0.3]), 1), 0, epoch),
                    Metric("train_loss", rnd.random(), 0, epoch),
                ]
                c.log_batch(rid, metrics=metrics)
        except Exception as e:  # noqa: BLE001 -- reported below
            errors.append(f"run {i}: {e}")

    threads = [threading.Thread(target=log, args=(i, rid)) for i, rid in enumerate(ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, "; ".join(errors))
    fired = 0
    for rid in ids:
        want = checked(rid)
        got, _ = live(rid)
        eq(got, [key(d) for d in want["decisions"]], f"run {rid}: live decisions vs rules check --run")
        tags = client.get_run(rid).data.tags
        eq(tags.get("verdict.decision"), want["decision"], f"run {rid}: verdict.decision")
        if want["best"]:
            eq(tags.get("verdict.best_step"), str(want["best"]["step"]), f"run {rid}: best step")
        fired += len(got)
    check(fired > 8, f"only {fired} decisions over 8 runs")


@step
def a_run_tag_names_another_ruleset():
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
        f.write('[[rule]]\nkind = "threshold"\nmonitor = "val_loss"\nabove = 0.111\naction = "stop"\n')
        other = f.name
    other_name = f"{PREFIX}-strict"
    # Attaching to a scratch experiment stores the ruleset under its name.
    scratch = MlflowClient().create_experiment(f"{PREFIX}-scratch")
    verdict("rules", "attach", "--experiment", scratch, other, "--name", other_name, "--store", ARGS.store)
    client = MlflowClient()
    rid = client.create_run(STATE["exp"], run_name="tagged", tags={"verdict.rules": other_name}).info.run_id
    for row in history()[:3]:
        epoch = int(row.pop("epoch"))
        client.log_batch(rid, metrics=[Metric(k, v, 0, epoch) for k, v in row.items()])
    tags = client.get_run(rid).data.tags
    eq(tags.get("verdict.decision"), "stop", "decision by the tagged ruleset (0.118 > 0.111 at epoch 1)")
    eq(tags.get("verdict.decision.step"), "1", "its step")
    got, raw = live(rid)
    eq([d["ruleset"] for d in raw], [other_name], "the ruleset of the decision")
    verdict("rules", "detach", "--experiment", scratch, "--store", ARGS.store)


@step
def decisions_endpoint_refuses_bad_requests():
    for path, code in [("/api/2.0/verdict/rules/decisions", 400),
                       ("/api/2.0/verdict/rules/decisions?run_id=" + "0" * 32, 404)]:
        try:
            api(path)
            raise AssertionError(f"{path}: no error")
        except urllib.error.HTTPError as e:
            eq(e.code, code, path)
            body = json.loads(e.read())
            check("error_code" in body and "message" in body, f"{path}: {body}")


try:
    rc = run_steps(verbose=ARGS.verbose)
finally:
    stop_server()
sys.exit(rc)
