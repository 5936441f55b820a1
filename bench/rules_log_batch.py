"""log_batch throughput with training rules attached vs without, in one process and one server.

Two runs in two experiments of the same `verdict server`: one experiment has seed 003's rules
attached (examples/rules/rules.toml: threshold, decline, plateau, non_finite), the other none. The
client posts raw `runs/log-batch` requests over one keep-alive HTTP connection (no MLflow client
overhead, so the server's cost is what is measured): each batch is one epoch of a training loop,
10 metrics at one step (3 of them monitored). Rounds alternate between the two runs so both see the
same machine state: each pair of neighbouring rounds (one per run, back to back) gives one
slowdown, and the figure is the median slowdown over the pairs (with its interquartile range),
which a machine whose load drifts during the run moves less than a ratio of medians would.

    python bench/rules_log_batch.py --uri http://127.0.0.1:PORT --verdict target/release/verdict \
        --store STORE [--rounds 21 --batches 200]
"""
import argparse
import http.client
import json
import math
import statistics
import subprocess
import time
import urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument("--uri", required=True)
ap.add_argument("--verdict", required=True)
ap.add_argument("--store", required=True)
ap.add_argument("--rules", default="examples/rules/rules.toml")
ap.add_argument("--rounds", type=int, default=21)
ap.add_argument("--batches", type=int, default=200)
ap.add_argument("--busy", action="store_true", help="monitored metrics that make the rules fire every few batches")
a = ap.parse_args()
u = urllib.parse.urlparse(a.uri)
conn = http.client.HTTPConnection(u.hostname, u.port)


def call(path, body):
    conn.request("POST", "/api/2.0/mlflow/" + path, json.dumps(body), {"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        raise SystemExit(f"{path}: {r.status} {data[:200]}")
    return json.loads(data or b"{}")


def run_in(name):
    exp = call("experiments/create", {"name": name})["experiment_id"]
    run = call("runs/create", {"experiment_id": exp, "start_time": 0})["run"]["info"]["run_id"]
    return exp, run


tag = str(int(time.time() * 1000))
exp_rules, run_rules = run_in(f"bench-rules-{tag}")
exp_plain, run_plain = run_in(f"bench-plain-{tag}")
subprocess.run([a.verdict, "rules", "attach", "--experiment", exp_rules, a.rules, "--name", f"bench-{tag}",
                "--store", a.store], check=True, capture_output=True)
step = {run_rules: 0, run_plain: 0}


def batch(run):
    s = step[run]
    step[run] += 1
    # A training run that keeps improving a little (so the rules judge every batch but rarely
    # fire); --busy makes the monitored metrics cycle instead, so a plateau reduction fires every
    # few batches (the decision-heavy worst case: decision rows and tag writes on most batches).
    if a.busy:
        vals = (0.11 + (s % 7) * 1e-4, 0.80 + (s % 5) * 1e-3, 100.0 - (s % 3))
    else:
        vals = (0.119 - 0.008 * (1 - math.exp(-s / 500)), 0.79 + 0.08 * (1 - math.exp(-s / 500)),
                145.0 - 100 * (1 - math.exp(-s / 300)))
    metrics = [
        {"key": k, "value": v, "timestamp": 1000 + s, "step": s}
        for k, v in zip(("val_loss", "val_r1", "avg_triplets"), vals)
    ] + [{"key": f"extra_{i}", "value": s * 0.5 + i, "timestamp": 1000 + s, "step": s} for i in range(7)]
    call("runs/log-batch", {"run_id": run, "metrics": metrics})


rates = {run_rules: [], run_plain: []}
pairs = []
for r in range(a.rounds):
    pair = {}
    for run in ([run_rules, run_plain] if r % 2 == 0 else [run_plain, run_rules]):
        t0 = time.perf_counter()
        for _ in range(a.batches):
            batch(run)
        pair[run] = a.batches / (time.perf_counter() - t0)
        rates[run].append(pair[run])
    pairs.append(100 * (1 - pair[run_rules] / pair[run_plain]))
with_rules = statistics.median(rates[run_rules])
without = statistics.median(rates[run_plain])
q = statistics.quantiles(pairs, n=4)
print(json.dumps({
    "batches_per_s_with_rules": round(with_rules, 1),
    "batches_per_s_without": round(without, 1),
    "slowdown_pct": round(statistics.median(pairs), 1),
    "slowdown_iqr_pct": [round(q[0], 1), round(q[2], 1)],
    "busy": a.busy, "rounds": a.rounds, "batches_per_round": a.batches, "metrics_per_batch": 10,
}))
