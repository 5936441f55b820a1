#!/usr/bin/env python
"""The work of `verdict ensemble TEST… --val VAL… --optimize caruana --bootstrap B` in numpy +
scikit-learn, the peer of bench/ensemble.sh:

1. read the members' validation and test Parquet files (pandas), align them by id;
2. Caruana's ensemble selection on validation: 50 rounds, with replacement, from the best single
   member, on `sklearn.metrics.log_loss` (numpy for the running mean);
3. the soft-voting ensemble on test with those weights, and the ensemble without each member of
   nonzero weight (weights renormalised): 1 + 4 + up to 4 models;
4. B paired bootstrap resamples (one index draw shared by every model): accuracy and log loss of
   every model (`sklearn.metrics`), each model's percentile interval, and the paired difference of
   every member and every leave-one-out ensemble with the ensemble (interval and two-sided
   bootstrap p-value); McNemar's exact test of the ensemble against each member
   (`scipy.stats.binomtest`); the members' pairwise disagreement and Q statistic (numpy).

Verdict computes more in each resample (every metric of `verdict eval`: 15 or so, not 2), so the
comparison is conservative. Prints one JSON line: seconds per phase and the results' headline.

    python bench/ensemble_numpy.py --data bench-data/ensemble --bootstrap 50
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.metrics import accuracy_score, log_loss

ap = argparse.ArgumentParser()
ap.add_argument("--data", type=Path, required=True)
ap.add_argument("--bootstrap", type=int, default=1000)
ap.add_argument("--rounds", type=int, default=50)
a = ap.parse_args()

t0 = time.perf_counter()


def load(split):
    frames = [pd.read_parquet(f) for f in sorted((a.data / split).glob("m*.parquet"))]
    frames = [f.sort_values("id", kind="stable").reset_index(drop=True) for f in frames]
    for f in frames[1:]:
        if not (f["id"].to_numpy() == frames[0]["id"].to_numpy()).all():
            raise SystemExit("eval sets differ")
    cols = [c for c in frames[0].columns if c.startswith("prob_")]
    return frames[0]["label"].to_numpy(), [f[cols].to_numpy(dtype=np.float64) for f in frames]


y_val, val = load("val")
y_test, test = load("test")
k = val[0].shape[1]
labels = list(range(k))
t_read = time.perf_counter()

# Caruana's selection with replacement, initialised with the best single member.
m = len(val)
total = np.zeros_like(val[0])
counts = np.zeros(m, dtype=int)
for r in range(1, a.rounds + 1):
    scores = [log_loss(y_val, (total + p) / r, labels=labels) for p in val]
    j = int(np.argmin(scores))
    total += val[j]
    counts[j] += 1
weights = counts / a.rounds
t_select = time.perf_counter()


def soft(members, w):
    w = np.asarray(w, dtype=float)
    return np.average(np.stack(members), axis=0, weights=w)


models = [soft(test, weights)] + test
for j in range(m):
    rest = [i for i in range(m) if i != j]
    # As verdict: without a member of weight 0 the ensemble is the ensemble itself (no new model).
    if weights[j] > 0 and weights[rest].sum() > 0:
        models.append(soft([test[i] for i in rest], weights[rest]))
preds = [p.argmax(axis=1) for p in models]
t_combine = time.perf_counter()

n = len(y_test)
rng = np.random.default_rng(0)
acc = np.empty((a.bootstrap, len(models)))
ll = np.empty((a.bootstrap, len(models)))
for b in range(a.bootstrap):
    idx = rng.integers(0, n, n)
    yb = y_test[idx]
    for i, (p, q) in enumerate(zip(models, preds)):
        acc[b, i] = accuracy_score(yb, q[idx])
        ll[b, i] = log_loss(yb, p[idx], labels=labels)
t_boot = time.perf_counter()


def summary(values):
    lo, hi = np.percentile(values, [2.5, 97.5], axis=0)
    return lo, hi


out = {}
for name, rep in (("accuracy", acc), ("log_loss", ll)):
    lo, hi = summary(rep)
    d = rep[:, 1:] - rep[:, :1]
    dlo, dhi = summary(d)
    p = np.minimum(1, 2 * np.minimum((d <= 0).mean(axis=0), (d >= 0).mean(axis=0)))
    out[name] = {"ci": [lo.tolist(), hi.tolist()], "delta_ci": [dlo.tolist(), dhi.tolist()], "p": p.tolist()}
correct = [q == y_test for q in preds]
mcnemar = []
for i in range(1, m + 1):
    b_ = int((correct[0] & ~correct[i]).sum())
    c_ = int((~correct[0] & correct[i]).sum())
    mcnemar.append(binomtest(min(b_, c_), b_ + c_, 0.5).pvalue if b_ + c_ else 1.0)
pairs = []
for i in range(m):
    for j in range(i + 1, m):
        a1, b1 = correct[1 + i], correct[1 + j]
        n11 = int((a1 & b1).sum()); n00 = int((~a1 & ~b1).sum())
        n10 = int((a1 & ~b1).sum()); n01 = int((~a1 & b1).sum())
        q = (n11 * n00 - n01 * n10) / (n11 * n00 + n01 * n10)
        pairs.append({"a": i, "b": j, "disagreement": (n01 + n10) / n, "q": q})
t_end = time.perf_counter()
print(json.dumps({
    "rows": n, "members": m, "classes": k, "bootstrap": a.bootstrap, "rounds": a.rounds,
    "weights": weights.tolist(),
    "ensemble_accuracy": accuracy_score(y_test, preds[0]),
    "ensemble_log_loss": log_loss(y_test, models[0], labels=labels),
    "seconds": {"read": t_read - t0, "select": t_select - t_read, "combine": t_combine - t_select,
                "bootstrap": t_boot - t_combine, "tests": t_end - t_boot, "total": t_end - t0},
    "seconds_per_resample": (t_boot - t_combine) / a.bootstrap,
}))
