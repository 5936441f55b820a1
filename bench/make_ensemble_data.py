#!/usr/bin/env python
"""Benchmark data for `verdict ensemble` (git-ignored): bench-data/ensemble/{val,test}/m{0..3}.parquet.

    /path/to/venv/bin/python bench/make_ensemble_data.py [--out bench-data/ensemble] [--rows 1000000]

Four members of a 5-class task, each file `id, label, prob_0 … prob_4` (float64 rows summing to 1),
validation and test parts of `--rows` rows each. Member m's logits are `strength[m]·onehot(label)`
plus noise shared by all members (so their errors correlate) plus its own noise; the
probabilities are their softmax. Seeded (numpy default_rng(2026)), so the same files every time.
"""

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

K = 5
STRENGTH = (2.4, 1.8, 1.5, 1.0)


def part(rng, n, prefix):
    label = rng.integers(0, K, n)
    shared = rng.normal(size=(n, K))
    ids = np.char.add(prefix, np.arange(n).astype(str))
    out = []
    for s in STRENGTH:
        logits = s * np.eye(K)[label] + 0.8 * shared + rng.normal(size=(n, K))
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        df = pd.DataFrame({"id": ids, "label": label})
        for c in range(K):
            df[f"prob_{c}"] = p[:, c]
        out.append(df)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "bench-data" / "ensemble")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    done = a.out / f".rows-{a.rows}"
    if done.exists() and not a.force:
        return
    rng = np.random.default_rng(2026)
    for split in ("val", "test"):
        d = a.out / split
        d.mkdir(parents=True, exist_ok=True)
        for m, df in enumerate(part(rng, a.rows, f"{split}-")):
            df.to_parquet(d / f"m{m}.parquet", index=False)
    for old in a.out.glob(".rows-*"):
        old.unlink()
    done.touch()


if __name__ == "__main__":
    main()
