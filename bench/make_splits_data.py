#!/usr/bin/env python
"""Benchmark data (git-ignored) for `verdict splits check` (issue 14): bench-data/splits/{train,val,test}.parquet.

    /path/to/venv/bin/python bench/make_splits_data.py [--out bench-data/splits] [--force]

Seed 001's patch split, 1,329,950 rows in all: 134 batteries (92 train / 17 val / 25 test, each
battery's patches in exactly one split), 9,925 patches per battery. Columns:
    id          string  "p0000000" ... (unique over the three files)
    label       string  crack / dent / normal / resin / void
    battery_id  string  "b000" ... "b133"
    hash        string  16 hex digits of the patch content; 40 test rows and 25 val rows repeat a
                        train hash (duplicate_content has something to report)
    axis        string  x / y / z; x is 99.97% normal (seed 001 §5.2), y and z carry the other classes
    scanner     string  s1 / s2 in every split, s3 only in test (condition_mismatch)
Everything is drawn from rng = np.random.default_rng(1) in one pass, so the files are deterministic.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

BATTERIES = (92, 17, 25)
PER_BATTERY = 9_925
CLASSES = np.array(["crack", "dent", "normal", "resin", "void"])


def make():
    rng = np.random.default_rng(1)
    nb = sum(BATTERIES)
    n = nb * PER_BATTERY
    battery = np.repeat(np.arange(nb), PER_BATTERY)
    axis = rng.integers(0, 3, n)  # 0 = x, 1 = y, 2 = z
    # x: normal with probability 0.9997; y, z: normal 0.4, each defect 0.15.
    lab_yz = rng.choice(5, n, p=[0.15, 0.15, 0.40, 0.15, 0.15])
    lab_x = np.where(rng.random(n) < 0.9997, 2, rng.choice([0, 1, 3, 4], n))
    label = np.where(axis == 0, lab_x, lab_yz)
    scanner = rng.integers(0, 2, n)
    hashes = rng.integers(0, 2**63, n, dtype=np.int64)
    split_of_battery = np.repeat(np.arange(3), BATTERIES)
    split = split_of_battery[battery]
    # s3 only in test: the last 5 test batteries were scanned on s3.
    scanner[battery >= nb - 5] = 2
    train_idx = np.flatnonzero(split == 0)
    for s, k in ((1, 25), (2, 40)):
        rows = rng.choice(np.flatnonzero(split == s), k, replace=False)
        hashes[rows] = hashes[rng.choice(train_idx, k, replace=False)]
    df = pd.DataFrame({
        "id": np.char.add("p", np.char.zfill(np.arange(n).astype(str), 7)),
        "label": CLASSES[label],
        "battery_id": np.char.add("b", np.char.zfill(battery.astype(str), 3)),
        "hash": [f"{h:016x}" for h in hashes],
        "axis": np.array(["x", "y", "z"])[axis],
        "scanner": np.array(["s1", "s2", "s3"])[scanner],
    })
    for c in df.columns:
        df[c] = df[c].astype(object)
    return {name: df[split == s].reset_index(drop=True) for s, name in enumerate(("train", "val", "test"))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "bench-data" / "splits")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    files = [a.out / f"{s}.parquet" for s in ("train", "val", "test")]
    if all(f.exists() for f in files) and not a.force:
        return
    t0 = time.perf_counter()
    for name, df in make().items():
        df.to_parquet(a.out / f"{name}.parquet", index=False)
        print(f"{name}: {len(df):,} rows, {df.battery_id.nunique()} batteries", flush=True)
    print(f"written to {a.out} in {time.perf_counter() - t0:.1f} s", flush=True)


if __name__ == "__main__":
    main()
