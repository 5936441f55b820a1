#!/usr/bin/env python
"""Side-by-side timing of `verdict retrieval` vs faiss-cpu and pytorch-metric-learning (issue 4),
called by bench/retrieval.sh; any Python runs this driver, the peers run under --peer-python.

    python bench/retrieval_compare.py --verdict target/release/verdict \
        --peer-python /path/rfx-venv/bin/python [--data bench-data] [--repeats 3] [--skip-exact]

Every command is a subprocess, run --repeats times, interleaved (verdict, peer, verdict, peer, ...)
so that both sides see the same machine; the best wall time (process start to exit, file reading
included) is reported. The peer's own in-process time (its timed call only, see
bench/faiss_pml_bench.py) and verdict's search time (`--timings`: kNN + per-query metrics, after
reading) are shown too, with the GFLOP/s each reaches, against the FMA peak of bench/peak.rs.
Each row also checks that both sides computed the same metrics. Prints a Markdown table.
"""
import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from compare import run  # noqa: E402  (one subprocess runner for every benchmark)


def verdict_search_seconds(stderr):
    m = re.search(r"kNN search \+ per-query metrics ([0-9.]+) s \(([0-9.]+) GFLOP/s", stderr)
    return (float(m.group(1)), float(m.group(2))) if m else (None, None)


def fmt(x, nd=2):
    return "–" if x is None else f"{x:.{nd}f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--verdict", required=True)
    ap.add_argument("--peer-python", required=True)
    ap.add_argument("--data", type=Path, default=HERE.parent / "bench-data")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-exact", action="store_true", help="skip PML with k=max_bin_count (slow)")
    ap.add_argument("--exact-repeats", type=int, default=1,
                    help="repeats of the PML k=max_bin_count row (minutes per run; default 1)")
    ap.add_argument("--peak", type=float, default=None, help="machine FMA peak, GFLOP/s (bench/peak.rs)")
    a = ap.parse_args()
    d = a.data
    v = a.verdict
    peer = [a.peer_python, str(HERE / "faiss_pml_bench.py"), "--data", str(d)]
    flat = ["retrieval", "--query", str(d / "retrieval_queries.npy"),
            "--query-labels", str(d / "retrieval_queries_labels.csv"),
            "--gallery", str(d / "retrieval_gallery.npy"),
            "--gallery-labels", str(d / "retrieval_gallery_labels.csv"),
            "--k", "10", "--depth", "10", "--bootstrap", "0", "--format", "json", "--timings", "-q"]
    loo = ["retrieval", "--query", str(d / "retrieval_loo.npy"),
           "--query-labels", str(d / "retrieval_loo_labels.csv"),
           "--similarity", "l2", "--k", "1,10,100", "--bootstrap", "0", "--format", "json", "--timings", "-q"]
    # (name, verdict command, peer command, metrics to check, tolerance[, repeats])
    cases = [
        ("kNN 20,000 × 200,000 × 128, k = 10, inner product (faiss IndexFlatIP)",
         [v, *flat, "--similarity", "dot"], [*peer, "--case", "flat_ip"],
         ["hit_rate_at_10", "precision_at_10"], 1e-4),
        ("kNN 20,000 × 200,000 × 128, k = 10, squared L2 (faiss IndexFlatL2)",
         [v, *flat, "--similarity", "l2"], [*peer, "--case", "flat_l2"],
         ["hit_rate_at_10", "precision_at_10"], 1e-4),
        ("leave-one-out 35,529 × 128, depth 100 (PML k = 100; verdict `--depth 100`)",
         [v, *loo, "--depth", "100"], [*peer, "--case", "pml_loo"],
         ["precision_at_1", "mrr"], 1e-6),
        ("leave-one-out 35,529 × 128, verdict exact R-metrics (depth 7,210) vs PML k = 100 (truncated)",
         [v, *loo], [*peer, "--case", "pml_loo"],
         ["precision_at_1"], 1e-6),
    ]
    if not a.skip_exact:
        cases.append(("leave-one-out 35,529 × 128, exact R-metrics on both sides (PML k = \"max_bin_count\")",
                      [v, *loo], [*peer, "--case", "pml_loo_exact"],
                      ["precision_at_1", "map_at_r", "r_precision"], 1e-6, a.exact_repeats))

    rows = []
    for name, vcmd, pcmd, check, tol, *reps in cases:
        sys.stderr.write(f"[bench] {name} ...\n")
        vruns, pruns = [], []
        for _ in range(reps[0] if reps else a.repeats):
            vruns.append(run(vcmd))
            pruns.append(run(pcmd))
        vw, vdoc, verr = min(vruns, key=lambda r: r[0])
        pw, pdoc, _ = min(pruns, key=lambda r: r[0])
        vsearch, vgf = verdict_search_seconds(verr)
        diffs = []
        for m in check:
            x = vdoc["metrics"][m]["value"]
            y = pdoc["metrics"][m]
            diffs.append(abs(x - y))
        ok = all(dd <= tol for dd in diffs)
        rows.append(dict(name=name, verdict_wall=vw, verdict_search=vsearch, verdict_gflops=vgf,
                         peer_wall=pw, peer_inproc=pdoc["seconds"], peer_gflops=pdoc.get("gflops"),
                         ratio_wall=pw / vw, ratio_inproc=pdoc["seconds"] / vsearch if vsearch else None,
                         check=", ".join(f"{m} Δ={dd:.1e}" for m, dd in zip(check, diffs)), ok=ok, tol=tol,
                         peer_threads=pdoc["threads"]))
    print("| task | verdict wall (s) | verdict search (s) | peer wall (s) | peer timed call (s) | "
          "speed-up wall | speed-up search vs timed call | verdict GFLOP/s | peer GFLOP/s | same metrics |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['name']} | {fmt(r['verdict_wall'])} | {fmt(r['verdict_search'])} | {fmt(r['peer_wall'])} | "
              f"{fmt(r['peer_inproc'])} | {fmt(r['ratio_wall'], 1)}× | {fmt(r['ratio_inproc'], 1)}× | "
              f"{fmt(r['verdict_gflops'], 0)} | {fmt(r['peer_gflops'], 0)} | "
              f"{'yes' if r['ok'] else 'NO'} ({r['check']}; tol {r['tol']:.0e}) |")
    if a.peak:
        print(f"\nMachine FMA peak (bench/peak.rs, all cores): {a.peak:.0f} GFLOP/s.")
    print(f"\nPeer threads: {rows[0]['peer_threads']}; best of {a.repeats} (the exact-PML row: "
          f"{a.exact_repeats}), interleaved.")


if __name__ == "__main__":
    main()
