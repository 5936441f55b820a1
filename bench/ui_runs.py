#!/usr/bin/env python
"""Web UI benchmark: the runs page of an experiment of 10,000 and 100,000 runs, `verdict server`'s
server-rendered page (/ui/experiments/{id}) side by side with MLflow's own UI (the requests its
experiment page makes to `mlflow server`). bench/ui_runs.sh drives it; the subcommands:

    populate --uri URL --name NAME --runs N [--procs P]   one experiment of N runs through the REST API
    capture  --upstream URL --exp ID --out FILE           the requests MLflow's UI makes (headless chromium)
    measure  --verdict URL --verdict-exps ID10,ID100 --mlflow URL --mlflow-exp ID --requests FILE > JSON
    report   JSON                                         the Markdown table of BENCHMARKS.md

Standard library + `requests` only (the pinned server venv of python/requirements-mlflow-server.txt has it).

The runs (`run_spec`): run i of an experiment starts at T0 + 30 s · i and is the same run in every
experiment and on both servers (seeded by i alone): a name `<model>-<optimizer>-<i>`, user `bench`,
5 params (lr, batch_size, optimizer, model, epochs), 5 metrics (train_loss and val_loss with a 5-step
history, val_accuracy, accuracy and f1 logged once at the end: 13 points), 3 tags (team, dataset,
git_sha) plus mlflow.runName, status FINISHED (95 %), FAILED or KILLED with its end time. Written with
runs/create (name, start time, tags), runs/log-batch (params, metrics), runs/update (status, end time):
three requests per run, P client processes at once.

Timing (`measure`): one keep-alive `requests.Session` per server, time.perf_counter from before the
request is sent to after the last byte of the body is read, requests one at a time. A Verdict page
view is one GET; an MLflow page view is the sequence of API requests its UI made when the page was
opened in chromium (`capture`), replayed with the captured bodies and summed; static files (the
HTML shell and JS bundles, cached by a browser) are not counted. Each scenario: `--warmup` untimed
views, then `--reps` timed ones; every round visits every server and scenario, the order of the
servers alternating round by round.
"""

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from multiprocessing import Pool

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z, ms
# the scenarios' queries (the same on both servers)
SORT_KEY = "val_accuracy"
FILTER = "metrics.val_accuracy > 0.9 and params.optimizer = 'adam'"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def pct(xs, q):
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


# --- the runs ---------------------------------------------------------------------------------------


def run_spec(i):
    """Run i: name, start/end, status, params, metrics (key, value, timestamp, step), tags."""
    r = random.Random(1_000_003 * 7 + i)
    model = r.choice(["resnet18", "resnet50", "vit-b16", "convnext-t"])
    opt = r.choice(["adam", "adamw", "sgd"])
    params = {
        "lr": r.choice(["0.0001", "0.0003", "0.001", "0.003"]),
        "batch_size": r.choice(["32", "64", "128", "256"]),
        "optimizer": opt,
        "model": model,
        "epochs": r.choice(["10", "20", "50"]),
    }
    q = r.random()  # the run's quality
    start = T0 + 30_000 * i
    dur = r.randint(5 * 60_000, 3 * 3_600_000)
    u = r.random()
    status = "FINISHED" if u < 0.95 else ("FAILED" if u < 0.99 else "KILLED")
    metrics = []
    for s in range(5):
        ts = start + (s + 1) * dur // 5
        metrics.append(("train_loss", round((1.2 - 0.9 * q) * 0.7**s + 0.02 * r.random(), 6), ts, s))
        metrics.append(("val_loss", round((1.3 - 0.9 * q) * 0.75**s + 0.03 * r.random(), 6), ts, s))
    val_acc = round(0.6 + 0.39 * q, 6)
    metrics.append(("val_accuracy", val_acc, start + dur, 4))
    metrics.append(("accuracy", round(min(0.999, val_acc + 0.05 * r.random()), 6), start + dur, 4))
    metrics.append(("f1", round(val_acc - 0.03 * r.random(), 6), start + dur, 4))
    tags = {
        "team": r.choice(["vision", "nlp", "speech"]),
        "dataset": r.choice(["cifar10", "imagenet-1k", "places365"]),
        "git_sha": "%040x" % r.getrandbits(160),
    }
    return {"name": f"{model}-{opt}-{i:06d}", "start": start, "end": start + dur, "status": status,
            "params": params, "metrics": metrics, "tags": tags}


def filter_matches(n):
    """How many of runs 0..n-1 the FILTER scenario matches (checks the servers' answers)."""
    c = 0
    for i in range(n):
        s = run_spec(i)
        last = {k: v for k, v, _, _ in s["metrics"]}
        c += last["val_accuracy"] > 0.9 and s["params"]["optimizer"] == "adam"
    return c


# --- populate -----------------------------------------------------------------------------------------


def _post(sess, uri, path, body, tries=8):
    """POST a JSON body; retries the 5xx answers a busy SQLite gives (`database is locked`: the
    transaction was rolled back, so retrying is safe)."""
    for k in range(tries):
        r = sess.post(f"{uri}/api/2.0/mlflow/{path}", json=body)
        if r.status_code < 500 or k == tries - 1:
            if r.status_code >= 300:
                raise SystemExit(f"{path}: HTTP {r.status_code}: {r.text[:500]}")
            return r.json()
        time.sleep(0.05 * (k + 1))


def _populate_worker(job):
    import requests

    uri, exp, lo, hi, step = job
    sess = requests.Session()
    t0 = time.perf_counter()
    done = 0
    for i in range(lo, hi, step):
        s = run_spec(i)
        rid = _post(sess, uri, "runs/create", {
            "experiment_id": exp, "run_name": s["name"], "start_time": s["start"], "user_id": "bench",
            "tags": [{"key": k, "value": v} for k, v in s["tags"].items()]})["run"]["info"]["run_id"]
        _post(sess, uri, "runs/log-batch", {
            "run_id": rid,
            "params": [{"key": k, "value": v} for k, v in s["params"].items()],
            "metrics": [{"key": k, "value": v, "timestamp": ts, "step": st} for k, v, ts, st in s["metrics"]]})
        _post(sess, uri, "runs/update", {"run_id": rid, "status": s["status"], "end_time": s["end"]})
        done += 1
        if lo == 0 and done % 2000 == 0:
            log(f"  worker 0: {done} runs, {done / (time.perf_counter() - t0):.0f} runs/s per worker")
    return done


def populate(a):
    import requests

    uri = a.uri.rstrip("/")
    sess = requests.Session()
    exp = _post(sess, uri, "experiments/create", {"name": a.name})["experiment_id"]
    t0 = time.perf_counter()
    jobs = [(uri, exp, w, a.runs, a.procs) for w in range(a.procs)]
    with Pool(a.procs) as pool:
        n = sum(pool.map(_populate_worker, jobs))
    secs = time.perf_counter() - t0
    # check: count the experiment's runs (paginated, 1000 a page)
    seen, token = 0, None
    while True:
        body = {"experiment_ids": [exp], "max_results": 1000, "run_view_type": "ACTIVE_ONLY"}
        if token:
            body["page_token"] = token
        page = _post(sess, uri, "runs/search", body)
        seen += len(page.get("runs", []))
        token = page.get("next_page_token")
        if not token:
            break
    if seen != a.runs or n != a.runs:
        raise SystemExit(f"populate: {seen} runs found, {n} written, want {a.runs}")
    log(f"populated {a.name} (experiment {exp}): {n} runs in {secs:.1f} s, {n / secs:.0f} runs/s, {a.procs} processes")
    json.dump({"name": a.name, "experiment_id": exp, "runs": n, "seconds": secs, "procs": a.procs}, sys.stdout)
    print()


# --- capture: which requests does MLflow's experiment page make? ---------------------------------------


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def _logging_proxy(upstream, entries):
    """A reverse proxy (standard library) that forwards everything to upstream and records each
    request: method, path, query, body, status, start and end (s, perf_counter)."""
    import http.client
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    up = urllib.parse.urlsplit(upstream)
    hop = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host"}
    lock = threading.Lock()

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def _proxy(self):
            t0 = time.perf_counter()
            n = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(n) if n else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in hop}
            conn = http.client.HTTPConnection(up.hostname, up.port, timeout=300)
            conn.request(self.command, self.path, body=data, headers=headers)
            r = conn.getresponse()
            payload = r.read()
            self.send_response(r.status)
            for k, v in r.getheaders():
                if k.lower() not in hop and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            conn.close()
            path, _, query = self.path.partition("?")
            with lock:
                entries.append({"method": self.command, "path": path, "query": query,
                                "body": data.decode() if data else None, "status": r.status,
                                "bytes": len(payload), "t0": t0, "t1": time.perf_counter()})

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _proxy

    srv = ThreadingHTTPServer(("127.0.0.1", _free_port()), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def mlflow_views(exp):
    """The MLflow UI URLs (hash routes) of the three opened views: default, sorted, filtered. The
    experiment's "Runs" tab: MLflow 3's bare /#/experiments/{id} opens the GenAI "Overview" tab
    (trace charts, no runs table)."""
    q = urllib.parse.quote
    return {
        "default": f"/#/experiments/{exp}/runs",
        "sort": f"/#/experiments/{exp}/runs?orderByKey={q('metrics.`' + SORT_KEY + '`')}&orderByAsc=false",
        "filter": f"/#/experiments/{exp}/runs?searchFilter={q(FILTER)}",
    }


def _is_api(path):
    """The page's data requests: the REST API (ajax-api) and the GraphQL endpoint."""
    return path.startswith(("/ajax-api/", "/api/", "/graphql"))


def waves(reqs):
    """The captured requests in waves: a wave starts with a request that began after every
    earlier one had ended (it waited for something); the requests of one wave were in flight
    together. Returns lists of indices."""
    out, end = [], None
    for k, r in enumerate(sorted(range(len(reqs)), key=lambda j: reqs[j]["start_ms"])):
        if end is None or reqs[r]["start_ms"] > end:
            out.append([])
            end = reqs[r]["end_ms"]
        out[-1].append(r)
        end = max(end, reqs[r]["end_ms"])
    return out


def capture(a):
    entries = []
    srv = _logging_proxy(a.upstream.rstrip("/"), entries)
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    out = {"mlflow_ui": a.mlflow_version, "experiment_id": a.exp, "chromium": subprocess.run([a.chromium, "--version"], capture_output=True,
                                                                      text=True).stdout.strip(), "views": {}}
    for view, frag in mlflow_views(a.exp).items():
        profile = tempfile.mkdtemp(prefix="ui-bench-chromium-")
        try:
            for attempt in range(2):  # the first opening fills the (fresh) profile's cache: keep the second
                entries.clear()
                t = time.perf_counter()
                dom = subprocess.run([a.chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                                      "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                                      f"--virtual-time-budget={a.budget_ms}", "--window-size=1600,1000",
                                      "--dump-dom", base + frag],
                                     capture_output=True, text=True, timeout=300).stdout
                log(f"capture {view} (opening {attempt + 1}): {len(entries)} requests, {time.perf_counter() - t:.1f} s")
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        reqs = sorted(entries, key=lambda e: e["t0"])
        t0 = reqs[0]["t0"] if reqs else 0
        api = []
        for e in reqs:
            if not _is_api(e["path"]):
                continue
            api.append({"method": e["method"], "path": e["path"], "query": e["query"],
                        "body": json.loads(e["body"]) if e["body"] else None, "status": e["status"],
                        "bytes": e["bytes"], "start_ms": round(1000 * (e["t0"] - t0), 1),
                        "end_ms": round(1000 * (e["t1"] - t0), 1)})
        static = [e["path"] for e in reqs if not _is_api(e["path"])]
        out["views"][view] = {"url": frag, "requests": api, "static_requests": static,
                              "dom_bytes": len(dom), "dom_run_names": len(re.findall(r"-[a-z]+-\d{6}<", dom))}
    srv.shutdown()
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for v, d in out["views"].items():
        log(f"{v}: " + ", ".join(f"{r['method']} {r['path']} [{r['start_ms']:.0f}-{r['end_ms']:.0f} ms]" for r in d["requests"]))


# --- measure -------------------------------------------------------------------------------------------


class Timer:
    def __init__(self, uri):
        import requests

        self.uri = uri.rstrip("/")
        self.sess = requests.Session()

    def get(self, path, params=None):
        t = time.perf_counter()
        r = self.sess.get(self.uri + path, params=params)
        body = r.content
        dt = time.perf_counter() - t
        if r.status_code != 200:
            raise SystemExit(f"GET {path} {params}: HTTP {r.status_code}: {body[:300]!r}")
        return dt, body

    def call(self, method, path, query, body, status=200):
        t = time.perf_counter()
        r = self.sess.request(method, self.uri + path + (f"?{query}" if query else ""),
                              json=body if body is not None else None)
        content = r.content
        dt = time.perf_counter() - t
        if r.status_code != status:
            raise SystemExit(f"{method} {path}: HTTP {r.status_code}: {content[:300]!r}")
        return dt, content


NEXT = re.compile(r'<a href="([^"]*)">Next page')


def _verdict_scenarios(t, exp):
    """scenario -> a function timing one page view (seconds, and the rows seen)."""
    path = f"/ui/experiments/{exp}"

    def page(params):
        def go():
            dt, body = t.get(path, params)
            return dt, body.count(b'<tr><td><a href="/ui/runs/'), {}
        return go

    # page 2: the token from page 1's "Next page" link (parsed once: the same token every view)
    _, first = t.get(path)
    m = NEXT.search(first.decode())
    if not m:
        raise SystemExit(f"verdict page 1 of experiment {exp} has no next link")
    href = m.group(1).replace("&amp;", "&")
    qs = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(href).query, keep_blank_values=True))
    return {
        "default": page(None),
        "sort": page({"order_by": f"metrics.{SORT_KEY} DESC"}),
        "filter": page({"filter": FILTER}),
        "page2": page(qs),
    }


def _verdict_api(t, exp):
    """The store's part alone: /api/2.0/mlflow/runs/search with the page's query (100 runs)."""
    base = {"experiment_ids": [exp], "max_results": 100, "run_view_type": "ACTIVE_ONLY"}

    def search(extra):
        body = {**base, **extra}

        def go():
            dt, content = t.call("POST", "/api/2.0/mlflow/runs/search", None, body)
            return dt, len(json.loads(content).get("runs", [])), {}
        return go

    _, first = t.call("POST", "/api/2.0/mlflow/runs/search", None, base)
    token = json.loads(first)["next_page_token"]
    return {
        "default": search({}),
        "sort": search({"order_by": [f"metrics.{SORT_KEY} DESC"]}),
        "filter": search({"filter": FILTER}),
        "page2": search({"page_token": token}),
    }


def _mlflow_scenarios(t, captured, exp):
    """scenario -> a function replaying the captured requests of one page view, one at a time."""
    def replay(reqs):
        w = waves(reqs)

        def go():
            dts, runs = [], 0
            for r in reqs:
                dt, content = t.call(r["method"], r["path"], r["query"], r["body"], r["status"])
                dts.append(dt)
                if r["path"].endswith("/runs/search"):
                    runs = max(runs, len(json.loads(content).get("runs", [])))
            # the sum (the server time of the page), the slowest of each wave summed (what a
            # browser issuing each wave's requests at once would wait at least), the searches alone
            parts = {"waves": sum(max(dts[k] for k in g) for g in w),
                     "searches": sum(d for d, r in zip(dts, reqs) if r["path"].endswith("/runs/search"))}
            for k, (d, r) in enumerate(zip(dts, reqs)):  # each request of the view on its own
                parts[f"{k:02d} {r['method']} {r['path']}"] = d
            return sum(dts), runs, parts
        return go

    views = {}
    for name, v in captured["views"].items():
        reqs = v["requests"]
        if captured.get("experiment_id") and captured["experiment_id"] != exp:
            raise SystemExit(f"the capture was made on experiment {captured['experiment_id']}, not {exp}")
        views[name] = reqs
    # page 2 ("Load more" under the table): the default view's main search again with its page token
    main = max((r for r in views["default"] if r["path"].endswith("/runs/search")),
               key=lambda r: r["body"].get("max_results", 0))
    _, content = t.call(main["method"], main["path"], main["query"], main["body"])
    token = json.loads(content)["next_page_token"]
    page2 = [{**main, "body": {**main["body"], "page_token": token}}]
    return {"default": replay(views["default"]), "sort": replay(views["sort"]),
            "filter": replay(views["filter"]), "page2": replay(page2)}, main["body"]


def measure(a):
    captured = json.load(open(a.requests))
    v = Timer(a.verdict)
    m = Timer(a.mlflow)
    e10, e100 = a.verdict_exps.split(",")
    columns = {  # column -> scenario functions
        "verdict_10k": _verdict_scenarios(v, e10),
        "verdict_100k": _verdict_scenarios(v, e100),
        "verdict_api_10k": _verdict_api(v, e10),
        "verdict_api_100k": _verdict_api(v, e100),
    }
    columns["mlflow_10k"], main_body = _mlflow_scenarios(m, captured, a.mlflow_exp)
    scen = ["default", "sort", "filter", "page2"]
    # the server of each column; the order of the servers alternates round by round
    groups = [["verdict_10k", "verdict_100k", "verdict_api_10k", "verdict_api_100k"], ["mlflow_10k"]]
    times = {c: {s: {} for s in scen} for c in columns}  # column -> scenario -> part -> seconds
    rows = {c: {s: None for s in scen} for c in columns}
    t_start = time.perf_counter()
    for rnd in range(a.warmup + a.reps):
        order = groups if rnd % 2 == 0 else groups[::-1]
        for g in order:
            for c in g:
                for s in scen:
                    dt, n, parts = columns[c][s]()
                    if rnd >= a.warmup:
                        for part, x in {"total": dt, **parts}.items():
                            times[c][s].setdefault(part, []).append(x)
                    rows[c][s] = n
        if rnd % 10 == 9:
            log(f"round {rnd + 1}/{a.warmup + a.reps}, {time.perf_counter() - t_start:.0f} s")
    small, large = (int(x) for x in a.sizes.split(","))
    for c in columns:
        n = large if c.endswith("100k") else small
        for s in scen:
            want = min(100, filter_matches(n)) if s == "filter" else 100
            if rows[c][s] != want:
                raise SystemExit(f"{c} {s}: the page shows {rows[c][s]} runs, want {want}")
    stats = lambda xs: {"p50_ms": 1000 * pct(xs, 0.5), "p95_ms": 1000 * pct(xs, 0.95),
                        "min_ms": 1000 * min(xs), "mean_ms": 1000 * statistics.mean(xs)}
    res = {c: {s: {part: stats(xs) for part, xs in times[c][s].items()} for s in scen} for c in columns}
    return {"reps": a.reps, "warmup": a.warmup, "sort": f"metrics.{SORT_KEY} DESC", "filter": FILTER,
            "mlflow_requests": {s: [f"{r['method']} {r['path']}" for r in captured["views"][s]["requests"]]
                                for s in ["default", "sort", "filter"]},
            "mlflow_main_search": main_body, "sizes": [small, large],
            "filter_matches": [filter_matches(small), filter_matches(large)],
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "results": res}


# --- report --------------------------------------------------------------------------------------------

LABELS = {
    "default": "default view (newest first)",
    "sort": f"sorted, `metrics.{SORT_KEY} DESC`",
    "filter": f"filtered, `{FILTER}`",
    "page2": "page 2 (the page token of page 1)",
}


def report(path):
    d = json.load(open(path))
    r = d["results"]
    f = lambda x: f"{x:.1f}" if x < 100 else f"{x:,.0f}"
    pp = lambda x: f"{f(x['p50_ms'])} / {f(x['p95_ms'])}"
    n, m = (f"{x:,}" for x in d["sizes"])
    lines = [f"| scenario | Verdict {n}: p50 / p95 ms | Verdict {m}: p50 / p95 ms | MLflow {n}: p50 / p95 ms "
             f"| MLflow / Verdict at {n} (p50) | MLflow {n}, its runs/search requests alone / by waves: p50 ms "
             f"| Verdict's runs/search alone, {n} / {m}: p50 ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for s, label in LABELS.items():
        v, v1, ml = r["verdict_10k"][s]["total"], r["verdict_100k"][s]["total"], r["mlflow_10k"][s]
        a10, a100 = r["verdict_api_10k"][s]["total"], r["verdict_api_100k"][s]["total"]
        lines.append(f"| {label} | {pp(v)} | {pp(v1)} | {pp(ml['total'])} | {ml['total']['p50_ms'] / v['p50_ms']:.1f}× "
                     f"| {f(ml['searches']['p50_ms'])} / {f(ml['waves']['p50_ms'])} "
                     f"| {f(a10['p50_ms'])} / {f(a100['p50_ms'])} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("populate")
    p.add_argument("--uri", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("--procs", type=int, default=4)
    p = sub.add_parser("capture")
    p.add_argument("--upstream", required=True)
    p.add_argument("--exp", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--chromium", default="chromium")
    p.add_argument("--budget-ms", type=int, default=30_000)
    p.add_argument("--mlflow-version", default="")
    p = sub.add_parser("measure")
    p.add_argument("--verdict", required=True)
    p.add_argument("--verdict-exps", required=True, help="ID of the 10k experiment,ID of the 100k one")
    p.add_argument("--mlflow", required=True)
    p.add_argument("--mlflow-exp", required=True)
    p.add_argument("--requests", required=True, help="capture's JSON")
    p.add_argument("--reps", type=int, default=50)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--sizes", default="10000,100000", help="runs of the two verdict experiments (checks the pages)")
    p = sub.add_parser("report")
    p.add_argument("json")
    a = ap.parse_args()
    if a.cmd == "populate":
        populate(a)
    elif a.cmd == "capture":
        capture(a)
    elif a.cmd == "measure":
        json.dump(measure(a), sys.stdout, indent=1)
        print()
    else:
        print(report(a.json))


if __name__ == "__main__":
    main()
