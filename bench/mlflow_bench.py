#!/usr/bin/env python
"""MLflow tracking-server benchmark (issue 5): one client workload, identical for any server.

    python bench/mlflow_bench.py --uri http://127.0.0.1:5055 --label mlflow [--scale 0.1] > mlflow.json
    python bench/mlflow_bench.py --report mlflow.json [verdict.json]      # Markdown table (+ ratios)

Run it with the pinned client (python/requirements-mlflow.txt); bench/mlflow_bench.sh starts the
real `mlflow server` (and `verdict server`, when given) and runs both side by side. Everything is
timed in this process with time.perf_counter, one request at a time, through the real
`mlflow.MlflowClient` -- so client-side work (building and parsing protobuf messages) is included,
the same for every server. Every row also has a raw-HTTP twin (`requests`, one loopback round trip):
log-batch bodies serialised by the client's own code before the clock starts, search and history
bytes fetched but not parsed. Those rows time the server; the client rows time what a user waits.

  (a) log_batch throughput: `--batch-calls` (50) MlflowClient.log_batch calls of 1000 metrics
      each (10 keys x 100 steps) into one run -> calls/s, metrics/s, p50 latency per call; then the
      same 50 calls as raw HTTP into a second run.
  (b) ingest: 100 runs x 100,000 points (1 key, 100 log_batch calls of 1000 points per run) ->
      points/s. `--scale` multiplies the points per run (0.1 -> 10,000 points per run). Then one
      more run of the same size as raw HTTP, into the full table.
  (c) search_runs over `--search-runs` (10,000) runs, each made by create_run + one log_batch
      (metric m ~ U(0,1) seeded, metric loss, param p, tag t): p50/p95 of
      `search_runs([exp], "metrics.m > 0.5", max_results=1000)` over `--reps` (20) repetitions,
      plus one full paginated pass (page size 1000) over every match. The number of matches is
      known exactly (seeded values) and checked. `--setup-threads` creates the runs concurrently
      (setup only; its runs/s is reported but is not a benchmark row of issue 5).
  (d) get_metric_history of `--history-points` (100,000) points of one metric: p50 over
      `--history-reps` (5) repetitions, all points checked.

  (f) client floor, no server: the time the client itself needs to build and serialise one
      1000-metric log_batch, and to decode a 1000-run search_runs answer and a 100,000-point
      history (in-memory JSON), i.e. the lower bound of any server's client-measured (a)-(d) rows;
      compare servers on the raw-HTTP rows when near it.

Before (a), untimed warm-up requests (8 x log_batch, search_runs, get_metric_history) reach every
worker process of the server. JSON on stdout: {"label", "uri", "scale", "client", "results": {"a_log_batch": {...}, ...}};
progress on stderr. `--only a,c` runs a subset (`--only f` needs no server but --uri).
"""

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor


def pct(xs, q):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def bench(args):
    import requests

    import mlflow
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param, RunTag

    uri = args.uri.rstrip("/")
    c = MlflowClient(uri)
    sess = requests.Session()
    tag = f"bench-{args.label}-{uuid.uuid4().hex[:6]}"
    only = set(args.only.split(",")) if args.only else set("abcdf")
    res = {}
    ts0 = int(time.time() * 1000)

    def batches_for(run_id, key, n_points, start_step=0):
        """Metric lists of 1000 points (steps start_step..), prebuilt so only the calls are timed."""
        out = []
        for b in range(0, n_points, 1000):
            out.append([Metric(key, 1.0 / (1 + s), ts0 + s, s) for s in range(start_step + b, start_step + min(b + 1000, n_points))])
        return out

    # warm-up, untimed: every server worker process gets its first requests (imports, connections)
    if only & set("abcd"):
        wexp = c.create_experiment(f"{tag}-warmup")
        wrid = c.create_run(wexp).info.run_id
        for i in range(8):
            c.log_batch(wrid, metrics=[Metric("w", 0.0, ts0, i * 1000 + j) for j in range(1000)])
            c.search_runs([wexp], "metrics.w > 0.5", max_results=10)
            c.get_metric_history(wrid, "w")

    # (a) log_batch throughput ------------------------------------------------------------------
    if "a" in only:
        exp = c.create_experiment(f"{tag}-a")
        rid = c.create_run(exp).info.run_id
        calls = []
        for i in range(args.batch_calls + 1):  # +1 warm-up call
            calls.append([Metric(f"k{j % 10}", random.random(), ts0 + i, i * 100 + j // 10) for j in range(1000)])
        c.log_batch(rid, metrics=calls[0])
        lat = []
        t0 = time.perf_counter()
        for ms in calls[1:]:
            t = time.perf_counter()
            c.log_batch(rid, metrics=ms)
            lat.append(time.perf_counter() - t)
        wall = time.perf_counter() - t0
        n = len(calls) - 1
        res["a_log_batch"] = {"calls": n, "metrics_per_call": 1000, "seconds": wall, "calls_per_s": n / wall,
                              "metrics_per_s": n * 1000 / wall, "p50_ms": 1000 * pct(lat, 0.5), "p95_ms": 1000 * pct(lat, 0.95)}
        got = len(c.get_metric_history(rid, "k0"))
        if got != (n + 1) * 100:
            raise SystemExit(f"(a) k0 has {got} points, want {(n + 1) * 100}")
        # the same calls as raw HTTP: the client's own LogBatch JSON, serialised before timing, into a
        # second run, so only the server (and one loopback round trip) is timed
        rid2 = c.create_run(exp).info.run_id
        bodies = [log_batch_body(rid2, ms) for ms in calls[1:]]
        raw, t0 = post_all(sess, uri, bodies)
        res["a_log_batch"].update({"raw_http_p50_ms": 1000 * pct(raw, 0.5), "raw_http_p95_ms": 1000 * pct(raw, 0.95),
                                   "raw_http_metrics_per_s": n * 1000 / t0})
        got = len(c.get_metric_history(rid2, "k0"))
        if got != n * 100:
            raise SystemExit(f"(a) raw run: k0 has {got} points, want {n * 100}")
        log(f"(a) {res['a_log_batch']['calls_per_s']:.1f} calls/s")

    # (b) ingest 100 runs x 100,000 points ----------------------------------------------------------
    if "b" in only:
        exp = c.create_experiment(f"{tag}-b")
        per_run = max(1000, int(round(100_000 * args.scale / 1000)) * 1000)
        runs = [c.create_run(exp).info.run_id for _ in range(args.ingest_runs)]
        total = 0
        t0 = time.perf_counter()
        for k, rid in enumerate(runs):
            for ms in batches_for(rid, "train_loss", per_run):
                c.log_batch(rid, metrics=ms)
                total += len(ms)
            if k % 10 == 9:
                log(f"(b) {k + 1}/{len(runs)} runs, {total / (time.perf_counter() - t0):.0f} points/s")
        wall = time.perf_counter() - t0
        res["b_ingest"] = {"runs": len(runs), "points_per_run": per_run, "points": total, "calls": total // 1000,
                           "seconds": wall, "points_per_s": total / wall}
        got = len(c.get_metric_history(runs[-1], "train_loss"))
        if got != per_run:
            raise SystemExit(f"(b) last run has {got} points, want {per_run}")
        # one more run of the same shape as raw HTTP (pre-serialised bodies) into the now full table:
        # the server's own ingest rate at the end of (b)
        rid = c.create_run(exp).info.run_id
        bodies = [log_batch_body(rid, ms) for ms in batches_for(rid, "train_loss", per_run)]
        raw, raw_wall = post_all(sess, uri, bodies)
        res["b_ingest"].update({"raw_http_points": per_run, "raw_http_points_per_s": per_run / raw_wall,
                                "raw_http_p50_ms": 1000 * pct(raw, 0.5)})
        got = len(c.get_metric_history(rid, "train_loss"))
        if got != per_run:
            raise SystemExit(f"(b) raw run has {got} points, want {per_run}")
        log(f"(b) {res['b_ingest']['points_per_s']:.0f} points/s, raw HTTP {res['b_ingest']['raw_http_points_per_s']:.0f}")

    # (c) search_runs over N runs -------------------------------------------------------------------
    if "c" in only:
        exp = c.create_experiment(f"{tag}-c")
        rng = random.Random(42)
        n_runs = args.search_runs
        values = [rng.random() for _ in range(n_runs)]
        def make(i):
            v = values[i]
            rid = c.create_run(exp, start_time=ts0 + i, run_name=f"r{i}").info.run_id
            c.log_batch(rid, metrics=[Metric("m", v, ts0, 0), Metric("loss", 1 - v, ts0, 0)],
                        params=[Param("p", str(i % 7))], tags=[RunTag("t", f"g{i % 3}")])
            if i % 1000 == 999:
                log(f"(c) setup {i + 1}/{n_runs} runs, {(i + 1) / (time.perf_counter() - t0):.0f} runs/s")

        t0 = time.perf_counter()
        if args.setup_threads > 1:  # setup only; every timed call below is sequential
            with ThreadPoolExecutor(args.setup_threads) as pool:
                list(pool.map(make, range(n_runs)))
        else:
            for i in range(n_runs):
                make(i)
        setup = time.perf_counter() - t0
        want = sum(v > 0.5 for v in values)
        filt = "metrics.m > 0.5"
        first = c.search_runs([exp], filt, max_results=1000)  # warm-up
        if len(first) != min(1000, want):
            raise SystemExit(f"(c) first page has {len(first)} runs, want {min(1000, want)}")
        lat = []
        for _ in range(args.reps):
            t = time.perf_counter()
            c.search_runs([exp], filt, max_results=1000)
            lat.append(time.perf_counter() - t)
        raw = []
        body = {"experiment_ids": [exp], "filter": filt, "max_results": 1000, "run_view_type": "ACTIVE_ONLY"}
        for _ in range(args.reps):
            t = time.perf_counter()
            r = sess.post(f"{uri}/api/2.0/mlflow/runs/search", json=body, headers=_auth())
            r.raise_for_status()
            _ = r.content
            raw.append(time.perf_counter() - t)
        t = time.perf_counter()
        seen, token, pages = set(), None, 0
        while True:
            page = c.search_runs([exp], filt, max_results=1000, page_token=token)
            seen.update(x.info.run_id for x in page)
            pages += 1
            token = page.token
            if not token:
                break
        full = time.perf_counter() - t
        if len(seen) != want:
            raise SystemExit(f"(c) paginated pass saw {len(seen)} runs, want {want}")
        res["c_search_runs"] = {"runs": n_runs, "matches": want, "setup_seconds": setup, "setup_runs_per_s": n_runs / setup,
                                "filter": filt, "max_results": 1000, "reps": args.reps,
                                "p50_ms": 1000 * pct(lat, 0.5), "p95_ms": 1000 * pct(lat, 0.95),
                                "raw_http_p50_ms": 1000 * pct(raw, 0.5), "raw_http_p95_ms": 1000 * pct(raw, 0.95),
                                "full_pass_seconds": full, "full_pass_pages": pages}
        log(f"(c) search p50 {res['c_search_runs']['p50_ms']:.0f} ms")

    # (d) get_metric_history of 100,000 points -----------------------------------------------------
    if "d" in only:
        exp = c.create_experiment(f"{tag}-d")
        rid = c.create_run(exp).info.run_id
        n = args.history_points
        t0 = time.perf_counter()
        for ms in batches_for(rid, "h", n):
            c.log_batch(rid, metrics=ms)
        setup = time.perf_counter() - t0
        h = c.get_metric_history(rid, "h")  # warm-up + check
        if len(h) != n or sorted(m.step for m in h) != list(range(n)):
            raise SystemExit(f"(d) history has {len(h)} points, want {n}")
        lat = []
        for _ in range(args.history_reps):
            t = time.perf_counter()
            c.get_metric_history(rid, "h")
            lat.append(time.perf_counter() - t)
        raw = []
        for _ in range(args.history_reps):
            t = time.perf_counter()
            r = sess.get(f"{uri}/api/2.0/mlflow/metrics/get-history", params={"run_id": rid, "metric_key": "h"}, headers=_auth())
            r.raise_for_status()
            _ = r.content
            raw.append(time.perf_counter() - t)
        res["d_metric_history"] = {"points": n, "setup_seconds": setup, "reps": args.history_reps,
                                   "p50_ms": 1000 * pct(lat, 0.5), "min_ms": 1000 * min(lat),
                                   "raw_http_p50_ms": 1000 * pct(raw, 0.5), "bytes": len(r.content)}
        log(f"(d) history p50 {res['d_metric_history']['p50_ms']:.0f} ms")

    # (f) client-side floor: the pinned client parsing responses of (c)'s and (d)'s sizes, no server
    if "f" in only:
        res["f_client_floor"] = client_floor(args.history_points)
        log(f"(f) client parse floor: search {res['f_client_floor']['search_1000_runs_parse_ms']:.0f} ms, "
            f"history {res['f_client_floor']['history_parse_ms']:.0f} ms")

    return {"label": args.label, "uri": uri, "scale": args.scale, "client": f"mlflow-skinny {mlflow.__version__}",
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts0 / 1000)), "results": res}


def log_batch_body(run_id, metrics):
    """The JSON body MlflowClient.log_batch sends (RestStore: LogBatch proto -> message_to_json)."""
    from mlflow.protos.service_pb2 import LogBatch
    from mlflow.utils.proto_json_utils import message_to_json

    return message_to_json(LogBatch(run_id=run_id, metrics=[m.to_proto() for m in metrics]))


def post_all(sess, uri, bodies):
    """POSTs pre-serialised log-batch bodies one at a time; per-call latencies and the wall time."""
    lat = []
    t0 = time.perf_counter()
    for b in bodies:
        t = time.perf_counter()
        r = sess.post(f"{uri}/api/2.0/mlflow/runs/log-batch", data=b,
                      headers={"Content-Type": "application/json", **_auth()})
        r.raise_for_status()
        lat.append(time.perf_counter() - t)
    return lat, time.perf_counter() - t0


def client_floor(history_points, reps=3):
    """Best-of-reps time for the client to json-decode + protobuf-parse + build entities of (a) a
    search_runs answer of 1000 runs shaped like (c)'s and (b) a get-history answer of history_points
    points, from in-memory JSON text (MLflow's indent=2 style). Any server's client-measured latency
    includes this; no server can be timed below it through MlflowClient."""
    from mlflow.entities import Metric, Run
    from mlflow.protos.service_pb2 import GetMetricHistory, SearchRuns
    from mlflow.utils.proto_json_utils import parse_dict

    def best(text, msg_cls, field, conv):
        b = float("inf")
        for _ in range(reps):
            t = time.perf_counter()
            resp = msg_cls.Response()
            parse_dict(json.loads(text), resp)
            [conv(x) for x in getattr(resp, field)]
            b = min(b, time.perf_counter() - t)
        return 1000 * b

    ts = 1796000000000
    hist = json.dumps({"metrics": [{"key": "h", "value": 1.0 / (1 + s), "timestamp": ts + s, "step": s}
                                   for s in range(history_points)]}, indent=2)

    def run(i):
        rid = "%032x" % i
        return {"info": {"run_uuid": rid, "run_id": rid, "experiment_id": "3", "run_name": f"r{i}", "user_id": "root",
                         "status": "RUNNING", "start_time": ts + i, "artifact_uri": f"mlflow-artifacts:/3/{rid}/artifacts",
                         "lifecycle_stage": "active"},
                "data": {"metrics": [{"key": "m", "value": 0.7, "timestamp": ts, "step": 0},
                                     {"key": "loss", "value": 0.3, "timestamp": ts, "step": 0}],
                         "params": [{"key": "p", "value": "3"}],
                         "tags": [{"key": "t", "value": "g1"}, {"key": "mlflow.runName", "value": f"r{i}"}]},
                "inputs": {}, "outputs": {}}

    search = json.dumps({"runs": [run(i) for i in range(1000)], "next_page_token": "eyJvZmZzZXQiOiAxMDAwfQ=="}, indent=2)
    batch = [Metric(f"k{j % 10}", 0.5, ts, j // 10) for j in range(1000)]
    build = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        log_batch_body("0" * 32, batch)
        build = min(build, time.perf_counter() - t)
    return {"log_batch_build_ms": 1000 * build,"search_1000_runs_parse_ms": best(search, SearchRuns, "runs", Run.from_proto),
            "search_bytes": len(search),
            "history_points": history_points,
            "history_parse_ms": best(hist, GetMetricHistory, "metrics", Metric.from_proto),
            "history_bytes": len(hist)}


def _auth():
    import os

    tok = os.environ.get("MLFLOW_TRACKING_TOKEN")
    return {"Authorization": f"Bearer {tok}"} if tok else {}


# --- Markdown report ------------------------------------------------------------------------------
ROWS = [  # section, key, label, higher is better
    ("a_log_batch", "calls_per_s", "(a) log_batch, 1000 metrics/call: calls/s", True),
    ("a_log_batch", "metrics_per_s", "(a) log_batch: metrics/s", True),
    ("a_log_batch", "p50_ms", "(a) log_batch: p50 ms/call", False),
    ("a_log_batch", "raw_http_p50_ms", "(a) same calls, raw HTTP (client's JSON pre-serialised): p50 ms/call", False),
    ("a_log_batch", "raw_http_metrics_per_s", "(a) raw HTTP: metrics/s", True),
    ("b_ingest", "points_per_s", "(b) ingest {runs} runs × {points_per_run:,} points: points/s", True),
    ("b_ingest", "seconds", "(b) ingest: total s", False),
    ("b_ingest", "raw_http_points_per_s", "(b) one more run of {points_per_run:,} points after them, raw HTTP: points/s", True),
    ("c_search_runs", "p50_ms", "(c) search_runs over {runs:,} runs, `{filter}`, max_results 1000: p50 ms", False),
    ("c_search_runs", "p95_ms", "(c) search_runs: p95 ms", False),
    ("c_search_runs", "raw_http_p50_ms", "(c) same request, raw HTTP (no client parsing): p50 ms", False),
    ("c_search_runs", "full_pass_seconds", "(c) full paginated pass over {matches:,} matches: s", False),
    ("c_search_runs", "setup_runs_per_s", "(c) setup, create_run + log_batch: runs/s", True),
    ("d_metric_history", "p50_ms", "(d) get_metric_history, {points:,} points: p50 ms", False),
    ("d_metric_history", "raw_http_p50_ms", "(d) same request, raw HTTP: p50 ms", False),
    ("f_client_floor", "log_batch_build_ms", "(f) client floor: building + serialising one 1000-metric log_batch, ms", False),
    ("f_client_floor", "search_1000_runs_parse_ms", "(f) client floor: parsing a 1000-run search answer, ms", False),
    ("f_client_floor", "history_parse_ms", "(f) client floor: parsing a {history_points:,}-point history, ms", False),
]


def report(paths):
    docs = [json.load(open(p)) for p in paths]
    base = docs[0]
    head = "| benchmark | " + " | ".join(d["label"] for d in docs)
    if len(docs) > 1:
        head += " | " + " | ".join(f"{d['label']} vs {base['label']}" for d in docs[1:])
    lines = [head + " |", "|---|" + "---:|" * (2 * len(docs) - 1)]
    for sec, key, label, higher in ROWS:
        if sec not in base["results"]:
            continue
        b = base["results"][sec].get(key)
        vals = [d["results"].get(sec, {}).get(key) for d in docs]
        row = "| " + label.format(**base["results"][sec]) + " | " + " | ".join(fmt(v) for v in vals)
        for v in vals[1:]:
            if v and b and not sec.startswith("f_"):  # (f) times the client alone: no server ratio
                row += f" | {(v / b if higher else b / v):.1f}×"
            else:
                row += " | –"
        lines.append(row + " |")
    lines.append("")
    lines.append("Ratios: how many times faster than " + base["label"] + " (throughput ratio, or latency ratio inverted);"
                 " the (f) rows time the client alone, their spread between columns is the machine's noise.")
    lines.append("Scale: " + ", ".join(f"{d['label']} {d['scale']}" for d in docs) + "; client " + base["client"] + ".")
    return "\n".join(lines)


def fmt(v):
    if v is None:
        return "–"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--uri")
    ap.add_argument("--label", default="server")
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies (b)'s points per run (1 = 100,000)")
    ap.add_argument("--batch-calls", type=int, default=50)
    ap.add_argument("--ingest-runs", type=int, default=100)
    ap.add_argument("--search-runs", type=int, default=10_000)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--setup-threads", type=int, default=1, help="client threads creating (c)'s runs (setup only)")
    ap.add_argument("--history-points", type=int, default=100_000)
    ap.add_argument("--history-reps", type=int, default=5)
    ap.add_argument("--only", help="subset of a,b,c,d")
    ap.add_argument("--report", nargs="+", metavar="JSON", help="print a Markdown table of result files instead")
    args = ap.parse_args()
    if args.report:
        print(report(args.report))
        return
    if not args.uri:
        ap.error("--uri is required")
    random.seed(0)
    json.dump(bench(args), sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
