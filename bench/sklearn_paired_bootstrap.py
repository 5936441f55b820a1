#!/usr/bin/env python
"""Paired bootstrap of the ROC AUC difference B − A with scikit-learn, the way it is written by hand:

    /path/to/venv/bin/python bench/sklearn_paired_bootstrap.py bench-data/pair_a_35529.parquet bench-data/pair_b_35529.parquet 1000

Both files hold the same ids (aligned here by id with pandas). rng = np.random.default_rng(0); per replicate one
index draw idx = rng.integers(0, n, n) is applied to both models (paired), Δ* = AUC_B(idx) − AUC_A(idx);
95% percentile CI = np.percentile(Δ*, [2.5, 97.5]); p = min(1, 2·min(P(Δ* ≤ 0), P(Δ* ≥ 0))).
Timed: reading, aligning and the resampling loop (imports excluded).
Prints {"seconds", "replicates", "roc_auc" (of B, for the cross-check), "delta", "ci", "p_value"}.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score


def main():
    pa, pb, B = sys.argv[1], sys.argv[2], int(sys.argv[3])
    t0 = time.perf_counter()
    a = pd.read_parquet(pa, columns=["id", "label", "score"]).set_index("id")
    b = pd.read_parquet(pb, columns=["id", "label", "score"]).set_index("id").loc[a.index]
    assert (a["label"].to_numpy() == b["label"].to_numpy()).all()
    y = a["label"].to_numpy()
    sa = a["score"].to_numpy(dtype=np.float64)
    sb = b["score"].to_numpy(dtype=np.float64)
    n = len(y)
    rng = np.random.default_rng(0)
    deltas = []
    for _ in range(B):
        idx = rng.integers(0, n, n)
        yb = y[idx]
        if yb.min() == yb.max():
            continue
        deltas.append(roc_auc_score(yb, sb[idx]) - roc_auc_score(yb, sa[idx]))
    t1 = time.perf_counter()
    d = np.asarray(deltas)
    lo, hi = np.percentile(d, [2.5, 97.5])
    p = min(1.0, 2 * min((d <= 0).mean(), (d >= 0).mean()))
    print(json.dumps({"seconds": t1 - t0, "replicates": B, "roc_auc": float(roc_auc_score(y, sb)),
                      "delta": float(roc_auc_score(y, sb) - roc_auc_score(y, sa)),
                      "ci": [float(lo), float(hi)], "p_value": float(p)}))


if __name__ == "__main__":
    main()
