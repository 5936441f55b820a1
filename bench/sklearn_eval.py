#!/usr/bin/env python
"""What `verdict eval FILE --bootstrap 0` computes for a binary file, done with scikit-learn.

    /path/to/venv/bin/python bench/sklearn_eval.py bench-data/binary_10m.parquet

Timed (wall, perf_counter): reading the parquet with pandas + every metric below. Imports are not
timed (the `wall` measured by bench/run.sh includes interpreter start-up and imports).
Prints one JSON line: {"seconds": total, "read_seconds": ..., "n": ..., "roc_auc": ..., ...}.
"""

import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    matthews_corrcoef,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)


def evaluate(y, s, threshold=0.5):
    pos, neg = 1, 0
    yhat = (s >= threshold).astype(y.dtype)
    out = {
        "accuracy": accuracy_score(y, yhat),
        "balanced_accuracy": balanced_accuracy_score(y, yhat),
        "precision": precision_score(y, yhat, pos_label=pos),
        "recall": recall_score(y, yhat, pos_label=pos),
        "specificity": recall_score(y, yhat, pos_label=neg),
        "f1": f1_score(y, yhat, pos_label=pos),
        "matthews_corrcoef": matthews_corrcoef(y, yhat),
        "confusion_matrix": confusion_matrix(y, yhat, labels=[neg, pos]).tolist(),
        "roc_auc": roc_auc_score(y, s),
        "average_precision": average_precision_score(y, s, pos_label=pos),
        "log_loss": log_loss(y, s, labels=[neg, pos]),
        "brier_score": brier_score_loss(y, s, pos_label=pos),
    }
    fpr, tpr, thr = roc_curve(y, s, pos_label=pos)
    prec, rec, pthr = precision_recall_curve(y, s, pos_label=pos)
    i = 1 + int(np.argmax((tpr - fpr)[1:]))  # Youden J, +inf point excluded, highest threshold on ties
    out["youden_threshold"] = float(thr[i])
    out["roc_points"] = int(len(fpr))
    out["pr_points"] = int(len(prec))
    return out


def main():
    path = sys.argv[1]
    t0 = time.perf_counter()
    df = pd.read_parquet(path, columns=["label", "score"])
    y = df["label"].to_numpy()
    s = df["score"].to_numpy(dtype=np.float64)
    t1 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = evaluate(y, s)
    t2 = time.perf_counter()
    res = {k: (float(v) if isinstance(v, (np.floating, float)) else v) for k, v in res.items()}
    print(json.dumps({"seconds": t2 - t0, "read_seconds": t1 - t0, "n": int(len(y)), **res}))


if __name__ == "__main__":
    main()
