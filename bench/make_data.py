#!/usr/bin/env python
"""Benchmark data (git-ignored): bench-data/binary_10m.parquet and bench-data/binary_35529.parquet.

    /path/to/venv/bin/python bench/make_data.py [--out bench-data] [--force]

Each file is drawn from a fresh rng = np.random.default_rng(42):
    label = rng.integers(0, 2, n)                      # int64, Bernoulli(1/2)
    score = (rng.random(n) + 0.3 * label) / 1.3        # float64 in [0, 1), AUC ~ 0.755
so `score` is a valid probability (log_loss / brier / calibration are computed too).
"""

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

SIZES = {"binary_10m.parquet": 10_000_000, "binary_35529.parquet": 35_529}


def make(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(42)
    label = rng.integers(0, 2, n, dtype=np.int64)
    score = (rng.random(n) + 0.3 * label) / 1.3
    return pd.DataFrame({"label": label, "score": score})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "bench-data")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    # A second model on the 35,529-row set, for the paired comparison benchmark (issue 3): the same
    # labels, a correlated score (shared noise), both with an `id` column for alignment.
    pair_a, pair_b = a.out / "pair_a_35529.parquet", a.out / "pair_b_35529.parquet"
    if not (pair_a.exists() and pair_b.exists()) or a.force:
        n = 35_529
        rng = np.random.default_rng(7)
        label = rng.integers(0, 2, n, dtype=np.int64)
        shared = rng.random(n)
        sa = (0.6 * shared + 0.4 * rng.random(n) + 0.30 * label) / 1.3
        sb = (0.6 * shared + 0.4 * rng.random(n) + 0.32 * label) / 1.32
        ids = np.arange(n)
        pd.DataFrame({"id": ids, "label": label, "score": sa}).to_parquet(pair_a, index=False)
        pd.DataFrame({"id": ids, "label": label, "score": sb}).to_parquet(pair_b, index=False)
        print(f"{pair_a}, {pair_b}: n={n}")
    for name, n in SIZES.items():
        p = a.out / name
        if p.exists() and not a.force:
            print(f"{p}: exists")
            continue
        t0 = time.perf_counter()
        make(n).to_parquet(p, index=False)
        print(f"{p}: n={n} ({time.perf_counter() - t0:.1f} s, {p.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
