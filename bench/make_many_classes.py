#!/usr/bin/env python
"""Many-class benchmark data (git-ignored): bench-data/many_<k>x<n>.parquet.

    /path/to/venv/bin/python bench/make_many_classes.py [--classes 1000 5000] [--rows 10000] [--out bench-data] [--force]

Each file is drawn from a fresh rng = np.random.default_rng(20261203):
    label  = rng.integers(0, k, n)                                  # int64, uniform over k classes
    logits = rng.standard_normal((n, k)); logits[i, label[i]] += 3  # an informative model
    prob_c = softmax(logits)[:, c]                                  # float64, rows sum to 1 (≤ 1e-15)
with columns `label, prob_0, …, prob_{k-1}` (Parquet, written with pyarrow; no pandas, so 5,000 columns
stay cheap). Used by the "many classes" rows of BENCHMARKS.md (`bench/many_classes.sh`).
"""

import argparse
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

SEED = 20261203


def make(k: int, n: int) -> pa.Table:
    rng = np.random.default_rng(SEED)
    label = rng.integers(0, k, n, dtype=np.int64)
    logits = rng.standard_normal((n, k))
    logits[np.arange(n), label] += 3.0
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    cols = {"label": pa.array(label)}
    for c in range(k):
        cols[f"prob_{c}"] = pa.array(np.ascontiguousarray(p[:, c]))
    return pa.table(cols)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--classes", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "bench-data")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    for k in a.classes:
        path = a.out / f"many_{k}x{a.rows}.parquet"
        if path.exists() and not a.force:
            print(f"{path}: exists")
            continue
        t0 = time.perf_counter()
        pq.write_table(make(k, a.rows), path)
        print(f"{path}: k={k} n={a.rows} ({time.perf_counter() - t0:.1f} s, {path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
