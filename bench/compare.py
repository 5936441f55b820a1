#!/usr/bin/env python
"""Side-by-side timing of verdict vs scikit-learn (called by bench/run.sh).

    python bench/compare.py --verdict target/release/verdict --python venv/bin/python \
        --data bench-data [--repeats 3] [--bootstrap 1000] [--skip-10m]

Every command is run `--repeats` times as a subprocess; the table reports the best wall time
(time.perf_counter around subprocess.run, so it includes process start-up, imports and file
reading for both tools). The sklearn scripts also report their in-process time (file read +
metrics, imports excluded), shown in its own column. Prints a Markdown table on stdout.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(cmd):
    """Runs `cmd`; returns (wall seconds, the JSON it printed, its stderr). Exits on failure."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.stderr.write(f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n{p.stderr}\n")
        raise SystemExit(1)
    return wall, json.loads(p.stdout), p.stderr


def best_of(cmd, repeats):
    runs = [run(cmd)[:2] for _ in range(repeats)]
    return min(runs, key=lambda r: r[0])


def verdict_auc(doc):
    if "comparisons" in doc:  # verdict compare: model B's AUC and the interval of B − A
        m = doc["models"][1]["metrics"]["roc_auc"]
        d = doc["comparisons"][0]["deltas"]["roc_auc"]
        return m.get("value"), [d.get("ci_low"), d.get("ci_high")]
    m = doc.get("metrics", {}).get("roc_auc", {})
    return m.get("value"), [m.get("ci_low"), m.get("ci_high")]


def fmt(x, nd=3):
    return "–" if x is None else f"{x:.{nd}f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--verdict", required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--data", type=Path, default=HERE.parent / "bench-data")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--skip-10m", action="store_true")
    a = ap.parse_args()

    small = a.data / "binary_35529.parquet"
    big = a.data / "binary_10m.parquet"
    cases = []
    for f in ([small] if a.skip_10m else [small, big]):
        cases.append((f"eval, `--bootstrap 0`", f,
                      [a.verdict, "eval", str(f), "--bootstrap", "0", "--format", "json"],
                      [a.python, str(HERE / "sklearn_eval.py"), str(f)]))
    cases.append((f"ROC AUC bootstrap, B={a.bootstrap}", small,
                  [a.verdict, "eval", str(small), "--bootstrap", str(a.bootstrap), "--seed", "0", "--format", "json"],
                  [a.python, str(HERE / "sklearn_bootstrap.py"), str(small), str(a.bootstrap)]))

    pa, pb = a.data / "pair_a_35529.parquet", a.data / "pair_b_35529.parquet"
    if pa.exists() and pb.exists():
        cases.append((f"paired AUC-difference bootstrap, B={a.bootstrap}", pa,
                      [a.verdict, "compare", str(pa), str(pb), "--bootstrap", str(a.bootstrap), "--seed", "0", "--format", "json"],
                      [a.python, str(HERE / "sklearn_paired_bootstrap.py"), str(pa), str(pb), str(a.bootstrap)]))

    rows = []
    for name, f, vcmd, scmd in cases:
        sys.stderr.write(f"[bench] {name} on {f.name} ...\n")
        vwall, vdoc = best_of(vcmd, a.repeats)
        swall, sdoc = best_of(scmd, a.repeats)
        vauc, vci = verdict_auc(vdoc)
        sauc = sdoc.get("roc_auc")
        same = vauc is not None and sauc is not None and abs(vauc - sauc) <= 1e-9
        extra = ""
        if "ci" in sdoc and "delta" in sdoc:
            extra = f"Δ CI: verdict [{fmt(vci[0], 4)}, {fmt(vci[1], 4)}] / sklearn [{fmt(sdoc['ci'][0], 4)}, {fmt(sdoc['ci'][1], 4)}]"
        elif "ci" in sdoc:
            extra = f"verdict CI [{fmt(vci[0], 4)}, {fmt(vci[1], 4)}] / sklearn CI [{fmt(sdoc['ci'][0], 4)}, {fmt(sdoc['ci'][1], 4)}]"
        rows.append((name, vdoc.get("n", sdoc.get("n", "")), vwall, swall, sdoc.get("seconds"),
                     swall / vwall if vwall > 0 else None, "yes" if same else f"NO ({vauc} vs {sauc})", extra))

    print(f"| task | n | verdict wall (s) | sklearn wall (s) | sklearn in-process (s) | speed-up (wall) | AUC equal (1e-9) | notes |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for name, n, vw, sw, sin, ratio, same, extra in rows:
        n_s = f"{n:,}" if isinstance(n, int) else str(n)
        print(f"| {name} | {n_s} | {fmt(vw)} | {fmt(sw)} | {fmt(sin)} | {fmt(ratio, 1)}× | {same} | {extra} |")
    print(f"\nBest of {a.repeats} runs each; wall = process start to exit (includes file reading).")


if __name__ == "__main__":
    main()
