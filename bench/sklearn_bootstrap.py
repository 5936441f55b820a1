#!/usr/bin/env python
"""Naive sklearn bootstrap of ROC AUC: B resamples of roc_auc_score(y[idx], s[idx]).

    /path/to/venv/bin/python bench/sklearn_bootstrap.py bench-data/binary_35529.parquet 1000

rng = np.random.default_rng(0); idx = rng.integers(0, n, n) per replicate (with replacement,
unstratified; replicates with a single class are skipped and counted). 95% percentile CI =
np.percentile(aucs, [2.5, 97.5]) (linear / type 7). Timed: the resampling loop only.
Prints {"seconds": ..., "replicates": B, "undefined": ..., "roc_auc": ..., "ci": [lo, hi]}.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score


def bootstrap_auc(y, s, B):
    """The loop (also bench/python_eval.py's peer): (aucs, undefined)."""
    n = len(y)
    rng = np.random.default_rng(0)
    aucs = []
    undefined = 0
    for _ in range(B):
        idx = rng.integers(0, n, n)
        yb = y[idx]
        if yb.min() == yb.max():
            undefined += 1
            continue
        aucs.append(roc_auc_score(yb, s[idx]))
    return aucs, undefined


def main():
    path, B = sys.argv[1], int(sys.argv[2])
    df = pd.read_parquet(path, columns=["label", "score"])
    y = df["label"].to_numpy()
    s = df["score"].to_numpy(dtype=np.float64)
    t0 = time.perf_counter()
    aucs, undefined = bootstrap_auc(y, s, B)
    t1 = time.perf_counter()
    lo, hi = np.percentile(np.asarray(aucs), [2.5, 97.5])
    print(json.dumps({"seconds": t1 - t0, "replicates": B, "undefined": undefined,
                      "roc_auc": float(roc_auc_score(y, s)), "ci": [float(lo), float(hi)]}))


if __name__ == "__main__":
    main()
