#!/usr/bin/env python
"""How long the web UI takes to draw a run whose metric has 100,000 points (bench/ui_curve.sh).

One run, logged by the pinned mlflow-skinny client (python/requirements-ui.txt) with
MlflowClient.log_batch in batches of 1,000 metrics: `val_loss` and `train_loss` at steps
0..N-1 (N = --points, default 100,000; deterministic noisy curves, random.Random(0)). Then:

* the server alone: --loads GETs of /ui/runs/<id> with `requests` (one keep-alive connection),
  each timed from sending to the last byte of the page;
* the browser: headless Chromium (python/ui_browser.py, the same driver setup as the UI's tests)
  opens /ui/runs/<id> once to warm up, then --loads times, each a fresh navigation (the page is
  `Cache-Control: no-store`). The chart is server-rendered SVG inside the HTML, so the page's
  Navigation Timing entry says when it was drawn: responseStart → loadEventEnd (receiving,
  parsing and laying out the page, the SVG included) and startTime (navigationStart) →
  loadEventEnd (everything, the server's work included); requestStart → responseStart is the
  server's time to the first byte (the page is rendered whole before it is sent). "next frame" is
  when the frame after the load event was produced (two requestAnimationFrame callbacks after
  WebDriver returned from the navigation): an upper bound on when the chart was on screen.

Each load is checked: the plot is there, both series are drawn as polylines, the best step is
marked. Prints a table of p50 / p95 / max per measure (p95: the nearest-rank 95th percentile, the
19th of 20) and a JSON line with every sample (for BENCHMARKS.md).

    .venv-ui/bin/python bench/ui_curve.py --uri http://127.0.0.1:5055 --token T [--points 100000] [--loads 20]
"""

import argparse
import json
import math
import os
import random
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))

from steps import client_env  # noqa: E402  python/steps.py

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--uri", required=True)
ap.add_argument("--token")
ap.add_argument("--points", type=int, default=100_000, help="points per metric (default 100,000)")
ap.add_argument("--loads", type=int, default=20, help="timed page loads (default 20)")
ap.add_argument("--batch", type=int, default=1000, help="metrics per log_batch call (MLflow's limit: 1000)")
ARGS = ap.parse_args()
URI = ARGS.uri.rstrip("/")
client_env(ARGS.token)

import requests  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

import ui_browser  # noqa: E402  python/ui_browser.py


def curves(n):
    """val_loss falls to a minimum near 40 % of the run, then creeps up; train_loss keeps falling;
    both with noise, so no two neighbouring points are collinear (the plot must decimate)."""
    rng = random.Random(0)
    val, train = [], []
    for s in range(n):
        x = s / max(n - 1, 1)
        val.append(0.35 + 0.9 * math.exp(-8 * x) + 0.25 * max(0.0, x - 0.4) ** 2 + rng.gauss(0, 0.01))
        train.append(0.05 + 1.2 * math.exp(-6 * x) + rng.gauss(0, 0.01))
    return val, train


def log_run(client):
    exp = client.create_experiment(f"ui-curve-{os.getpid()}-{int(time.time())}")
    run = client.create_run(exp, run_name=f"curve_{ARGS.points}")
    rid = run.info.run_id
    val, train = curves(ARGS.points)
    t0 = time.perf_counter()
    ts = int(time.time() * 1000)
    pending = []
    for key, values in (("val_loss", val), ("train_loss", train)):
        for step, v in enumerate(values):
            pending.append(Metric(key, v, ts, step))
            if len(pending) == ARGS.batch:
                client.log_batch(rid, metrics=pending)
                pending = []
    if pending:
        client.log_batch(rid, metrics=pending)
    client.set_terminated(rid)
    return rid, time.perf_counter() - t0, min(range(len(val)), key=val.__getitem__)


def quantile(xs, q):
    """Nearest rank: the ceil(q·n)-th smallest."""
    s = sorted(xs)
    return s[max(0, math.ceil(q * len(s)) - 1)]


NEXT_FRAME_JS = """
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now())));
"""

CHART_JS = """
const fig = document.querySelector('figure.history svg');
if (!fig) return null;
return {polylines: [...fig.querySelectorAll('polyline')].map(p => p.points.numberOfItems),
        mark: fig.querySelector('g.mark title') ? fig.querySelector('g.mark title').textContent : null,
        html_bytes: document.documentElement.outerHTML.length};
"""


def main():
    client = MlflowClient(URI)
    rid, log_s, best_step = log_run(client)
    print(f"logged 2 x {ARGS.points:,} points in {log_s:.1f} s ({2 * ARGS.points / log_s:,.0f} points/s); "
          f"run {rid}, best val_loss at step {best_step}", flush=True)
    page = f"{URI}/ui/runs/{rid}"
    headers = {"Authorization": f"Bearer {ARGS.token}"} if ARGS.token else {}

    # the server alone
    server = []
    with requests.Session() as s:
        s.get(page, headers=headers, timeout=120).raise_for_status()  # warm-up
        for _ in range(ARGS.loads):
            t0 = time.perf_counter()
            r = s.get(page, headers=headers, timeout=120)
            r.raise_for_status()
            _ = r.content
            server.append((time.perf_counter() - t0) * 1000)
        page_bytes = len(r.content)

    # the browser
    d = ui_browser.start_chromium(ARGS.token)
    samples = {"server GET (requests)": server, "requestStart→responseStart": [], "responseStart→loadEventEnd": [],
               "navigationStart→loadEventEnd": [], "navigationStart→next frame": []}
    chart = None
    try:
        for i in range(ARGS.loads + 1):
            d.get(page)
            frame = d.execute_async_script(NEXT_FRAME_JS)
            nav = ui_browser.navigation_timing(d)
            chart = d.execute_script(CHART_JS)
            if nav.get("responseStatus") != 200 or not chart or len(chart["polylines"]) != 2 \
                    or min(chart["polylines"]) < 100 or not chart["mark"]:
                raise SystemExit(f"load {i}: the chart is not drawn as expected: status {nav.get('responseStatus')}, {chart}")
            if i == 0:
                continue  # warm-up
            samples["requestStart→responseStart"].append(nav["responseStart"] - nav["requestStart"])
            samples["responseStart→loadEventEnd"].append(nav["loadEventEnd"] - nav["responseStart"])
            samples["navigationStart→loadEventEnd"].append(nav["loadEventEnd"] - nav["startTime"])
            samples["navigationStart→next frame"].append(frame - nav["startTime"])
        severe = [e["message"] for e in d.get_log("browser") if e.get("level") == "SEVERE" and "favicon.ico" not in e["message"]]
        if severe:
            raise SystemExit(f"SEVERE console messages: {severe}")
        d.find_element(By.CSS_SELECTOR, "figure.history")
    finally:
        d.quit()

    print(f"page: {page_bytes:,} bytes of HTML; polyline points drawn: {chart['polylines']}; mark: {chart['mark']!r}")
    print(f"\n{ARGS.loads} loads of /ui/runs/<id> (ms):\n")
    print("| measure | p50 | p95 | max |\n|---|---:|---:|---:|")
    for name, xs in samples.items():
        print(f"| {name} | {quantile(xs, 0.5):.0f} | {quantile(xs, 0.95):.0f} | {max(xs):.0f} |")
    drawn = quantile(samples["navigationStart→loadEventEnd"], 0.95)
    print(f"\nchart drawn (navigationStart→loadEventEnd) p95 {drawn:.0f} ms: "
          f"{'within' if drawn <= 1000 else 'OVER'} the 1 s target")
    print(json.dumps({"points": ARGS.points, "loads": ARGS.loads, "log_seconds": log_s, "page_bytes": page_bytes,
                      "polyline_points": chart["polylines"], "samples_ms": samples}))


if __name__ == "__main__":
    main()
