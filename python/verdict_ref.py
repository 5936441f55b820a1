"""Reference computations shared by the fixture generator, the examples and the benchmarks.

Everything here reproduces, with scikit-learn 1.9.1, what `verdict eval --format json --bootstrap 0`
must print (docs/eval-json.md). Conventions that are not sklearn functions (top-label calibration,
Youden / max-F1 tie breaking, grouped classes) are documented next to the code and in
crates/verdict/tests/fixtures/parity/README.md.
"""

from __future__ import annotations

import csv
import io
import json
import math
import platform
import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy.special import softmax
from sklearn.calibration import calibration_curve
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    classification_report,
    confusion_matrix,
    f1_score,
    log_loss,
    matthews_corrcoef,
    precision_recall_curve,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
    top_k_accuracy_score,
)

PINNED = {"sklearn": "1.9.1", "numpy": "2.4.6", "scipy": "1.17.1", "pandas": "3.1.1", "pyarrow": "26.0.1"}
CV_SEED = 0
N_FOLDS = 5
HIGH_CONFIDENCE = 0.9


def versions() -> dict:
    import pyarrow

    return {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "pyarrow": pyarrow.__version__,
        "python": platform.python_version(),
    }


def check_versions() -> None:
    v = versions()
    bad = {k: (v[k], want) for k, want in PINNED.items() if v[k] != want}
    if bad:
        raise SystemExit(f"version mismatch (have, pinned): {bad}; use the venv from python/requirements.txt")


# ----------------------------------------------------------------------------------------------
# number formatting


def fnum(x) -> str:
    """Shortest round-trip repr of a float64 (what Rust's `{}` / ryu prints, modulo exponent style)."""
    return repr(float(x))


def jnum(x):
    """JSON leaf for a float: NaN and +-inf become null (docs/eval-json.md)."""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return None
    return x


def jlist(a):
    return [jnum(v) for v in np.asarray(a, dtype=np.float64)]


# ----------------------------------------------------------------------------------------------
# out-of-fold predictions


def folds(y) -> np.ndarray:
    """Fold index (0..4) of every sample under StratifiedKFold(5, shuffle=True, random_state=0)."""
    from sklearn.model_selection import StratifiedKFold

    f = np.empty(len(y), dtype=np.int64)
    skf = StratifiedKFold(N_FOLDS, shuffle=True, random_state=CV_SEED)
    for k, (_, test) in enumerate(skf.split(np.zeros(len(y)), y)):
        f[test] = k
    return f


def oof(model, X, y, method: str) -> np.ndarray:
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    cv = StratifiedKFold(N_FOLDS, shuffle=True, random_state=CV_SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cross_val_predict(model, X, y, cv=cv, method=method)


# ----------------------------------------------------------------------------------------------
# writers (floats as repr, so the file holds exactly the float64 values sklearn sees)


def write_csv(path, columns: dict) -> None:
    names = list(columns)
    n = len(next(iter(columns.values())))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for i in range(n):
        w.writerow([_cell(columns[c][i]) for c in names])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        fh.write(buf.getvalue())


def _cell(v):
    if isinstance(v, (float, np.floating)):
        return fnum(v)
    if isinstance(v, (np.integer,)):
        return str(int(v))
    return str(v)


def write_jsonl(path, columns: dict) -> None:
    names = list(columns)
    n = len(next(iter(columns.values())))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        for i in range(n):
            row = {}
            for c in names:
                v = columns[c][i]
                if isinstance(v, (float, np.floating)):
                    v = float(v)
                elif isinstance(v, np.integer):
                    v = int(v)
                else:
                    v = str(v)
                row[c] = v
            fh.write(json.dumps(row, separators=(",", ":")) + "\n")


def write_parquet(path, columns: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    df = pd.DataFrame(columns)
    table = pa.Table.from_pandas(df, preserve_index=False)
    # fixed writer settings => byte-identical reruns
    pq.write_table(table, path, compression="snappy", write_statistics=True)


def read_back(path) -> pd.DataFrame:
    """Re-read a written prediction file; expected values are computed from these values."""
    path = str(path)
    if path.endswith(".csv"):
        # parse floats with Python's float() (correctly rounded), labels as strings
        with open(path, encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        head, body = rows[0], rows[1:]
        cols = {}
        for j, name in enumerate(head):
            vals = [r[j] for r in body]
            if name in ("label", "pred", "id", "group") or name not in _float_cols(head):
                cols[name] = vals
            else:
                cols[name] = np.array([float(v) for v in vals], dtype=np.float64)
        return pd.DataFrame(cols)
    if path.endswith(".jsonl"):
        with open(path, encoding="utf-8") as fh:
            recs = [json.loads(line) for line in fh]
        df = pd.DataFrame(recs)
        for c in ("label", "pred"):
            if c in df:
                df[c] = df[c].map(lambda v: v if isinstance(v, str) else str(v))
        return df
    if path.endswith(".parquet"):
        df = pd.read_parquet(path)
        for c in ("label", "pred"):
            if c in df:
                df[c] = df[c].map(str)
        return df
    raise ValueError(path)


def _float_cols(head):
    return {h for h in head if h == "score" or h.startswith("prob_") or h.startswith("logit_")}


# ----------------------------------------------------------------------------------------------
# label handling (Verdict: numeric sort if every label is an integer, else string sort)


def class_order(labels) -> list[str]:
    u = sorted(set(map(str, labels)))
    try:
        ints = [int(x) for x in u]
        if all(str(i) == s for i, s in zip(ints, u)):
            return [str(i) for i in sorted(ints)]
    except ValueError:
        pass
    return u


def encode(labels, classes):
    """Labels as the values sklearn sees: ints if the classes are integers, else strings."""
    if all(_is_int(c) for c in classes):
        return np.array([int(x) for x in labels], dtype=np.int64), [int(c) for c in classes]
    return np.array([str(x) for x in labels], dtype=object), list(classes)


def _is_int(s):
    try:
        return str(int(s)) == s
    except ValueError:
        return False


# ----------------------------------------------------------------------------------------------
# calibration (top-label)


def calibration_block(conf, correct, n_bins: int) -> dict:
    """Top-label reliability data with sklearn's calibration_curve binning.

    bins: linspace(0, 1, n_bins+1) (numpy: edge_i = i * (1/n_bins), last edge forced to 1.0);
    bin id = searchsorted(edges[1:-1], conf, side='left') => bins are (lo, hi], the first is [0, hi],
    conf == 1.0 goes to the last bin. Only non-empty bins are listed.
    """
    conf = np.asarray(conf, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        acc_b, conf_b = calibration_curve(correct, conf, n_bins=n_bins, strategy="uniform")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], conf, side="left")
    counts = np.bincount(ids, minlength=n_bins)
    nz = np.nonzero(counts)[0]
    assert len(nz) == len(acc_b)
    N = len(conf)
    bins = []
    gaps = []
    for j, b in enumerate(nz):
        bins.append(
            {
                "lower": jnum(edges[b]),
                "upper": jnum(edges[b + 1]),
                "count": int(counts[b]),
                "mean_confidence": jnum(conf_b[j]),
                "accuracy": jnum(acc_b[j]),
            }
        )
        gaps.append(abs(acc_b[j] - conf_b[j]))
    ece = float(sum(counts[b] / N * g for b, g in zip(nz, gaps)))
    mce = float(max(gaps))
    hi = conf >= HIGH_CONFIDENCE
    n_hi = int(hi.sum())
    err_hi = float(1.0 - correct[hi].mean()) if n_hi else None
    return {
        "strategy": "uniform",
        "n_bins": n_bins,
        "ece": jnum(ece),
        "mce": jnum(mce),
        "mean_confidence": jnum(conf.mean()),
        "accuracy": jnum(correct.mean()),
        "high_confidence": {"threshold": HIGH_CONFIDENCE, "n": n_hi, "error_rate": err_hi},
        "bins": bins,
    }


# ----------------------------------------------------------------------------------------------
# binary


def _quiet():
    w = warnings.catch_warnings()
    w.__enter__()
    warnings.simplefilter("ignore", UndefinedMetricWarning)
    warnings.simplefilter("ignore", RuntimeWarning)
    return w


def binary_expected(
    labels,
    score=None,
    pred=None,
    threshold: float = 0.5,
    calibration_bins: int = 15,
    probabilities: bool | None = None,
    classes: list[str] | None = None,
    positive: str | None = None,
) -> dict:
    """Subset of the eval JSON for a binary problem.

    labels: strings as written to the file. score: P(positive) or any score; pred: hard labels.
    """
    classes = classes or class_order(labels)
    assert len(classes) == 2
    positive = positive if positive is not None else classes[-1]
    negative = [c for c in classes if c != positive][0]
    y, cls = encode(labels, classes)
    pos = cls[classes.index(positive)]
    neg = cls[classes.index(negative)]

    w = _quiet()
    try:
        out: dict = {"task": "binary", "n": int(len(y)), "classes": classes, "positive": positive}
        if score is not None:
            s = np.asarray(score, dtype=np.float64)
            yhat = np.where(s >= threshold, pos, neg)
            yhat = yhat.astype(y.dtype)
            out["inputs"] = "scores"
            out["threshold"] = float(threshold)
        else:
            yhat, _ = encode(pred, classes)
            out["inputs"] = "predictions"
        m = {
            "accuracy": accuracy_score(y, yhat),
            "balanced_accuracy": balanced_accuracy_score(y, yhat),
            "precision": precision_score(y, yhat, pos_label=pos),
            "recall": recall_score(y, yhat, pos_label=pos),
            "specificity": recall_score(y, yhat, pos_label=neg),
            "f1": f1_score(y, yhat, pos_label=pos),
            "matthews_corrcoef": matthews_corrcoef(y, yhat),
        }
        if score is not None:
            if probabilities is None:
                probabilities = bool(s.min() >= 0.0 and s.max() <= 1.0)
            m["roc_auc"] = roc_auc_score(y, s)
            m["average_precision"] = average_precision_score(y, s, pos_label=pos)
            if probabilities:
                m["log_loss"] = log_loss(y, s, labels=cls)
                m["brier_score"] = brier_score_loss(y, s, pos_label=pos)
        out["metrics"] = {k: {"value": jnum(v)} for k, v in m.items()}

        out["per_class"] = per_class(y, yhat, cls, classes)
        out["confusion_matrix"] = {
            "labels": classes,
            "matrix": confusion_matrix(y, yhat, labels=cls).astype(int).tolist(),
        }

        if score is not None:
            fpr, tpr, thr = roc_curve(y, s, pos_label=pos)
            prec, rec, pthr = precision_recall_curve(y, s, pos_label=pos)
            out["curves"] = {
                "roc": {"fpr": jlist(fpr), "tpr": jlist(tpr), "thresholds": jlist(thr)},
                "pr": {"precision": jlist(prec), "recall": jlist(rec), "thresholds": jlist(pthr)},
            }
            out["thresholds"] = {
                "youden": youden(y, s, pos),
                "max_f1": max_f1(y, s, pos),
            }
            if probabilities:
                phat = s >= 0.5
                conf = np.maximum(s, 1.0 - s)
                correct = (phat == (y == pos)).astype(np.int64)
                cal = calibration_block(conf, correct, calibration_bins)
                out["metrics"]["ece"] = {"value": cal["ece"]}
                out["metrics"]["mce"] = {"value": cal["mce"]}
                out["calibration"] = cal
        return out
    finally:
        w.__exit__(None, None, None)


def per_class(y, yhat, cls, classes):
    rep = classification_report(y, yhat, labels=cls, output_dict=True, zero_division=0.0)
    p, r, f, sup = precision_recall_fscore_support(y, yhat, labels=cls, average=None)
    rows = []
    for i, c in enumerate(classes):
        d = rep[str(cls[i])]
        assert d["precision"] == p[i] and d["recall"] == r[i] and d["f1-score"] == f[i]
        rows.append(
            {"class": c, "precision": jnum(p[i]), "recall": jnum(r[i]), "f1": jnum(f[i]), "support": int(sup[i])}
        )
    return rows


def youden(y, s, pos) -> dict:
    """i = argmax(tpr - fpr) over roc_curve points, excluding the +inf point; numpy argmax takes the
    first maximum = the highest threshold among ties."""
    fpr, tpr, thr = roc_curve(y, s, pos_label=pos)
    if np.isnan(fpr).any() or np.isnan(tpr).any():
        return {"threshold": None, "tpr": None, "fpr": None, "j": None}
    j = tpr - fpr
    i = int(np.argmax(j[1:])) + 1
    # the same point with drop_intermediate=False
    fpr2, tpr2, thr2 = roc_curve(y, s, pos_label=pos, drop_intermediate=False)
    i2 = int(np.argmax((tpr2 - fpr2)[1:])) + 1
    assert thr2[i2] == thr[i], (thr2[i2], thr[i])
    return {"threshold": jnum(thr[i]), "tpr": jnum(tpr[i]), "fpr": jnum(fpr[i]), "j": jnum(j[i])}


def max_f1(y, s, pos) -> dict:
    """Max F1 over the distinct observed thresholds of precision_recall_curve (predict positive iff
    s >= t); ties (compared exactly, as fractions of counts) go to the HIGHEST threshold.
    f1 = 2tp/(2tp+fp+fn) = f1_score at that threshold."""
    prec, rec, thr = precision_recall_curve(y, s, pos_label=pos)
    yb = (np.asarray(y) == pos)
    P = int(yb.sum())
    if P == 0:
        return {"threshold": None, "f1": None, "precision": None, "recall": None}
    order = np.argsort(-s, kind="stable")
    ss, yy = s[order], yb[order]
    # counts at each distinct threshold (descending)
    last = np.r_[np.nonzero(np.diff(ss))[0], len(ss) - 1]
    tps = np.cumsum(yy)[last]
    fps = (last + 1) - tps
    best = None
    for t, tp, fp in zip(ss[last], tps, fps):  # descending thresholds: keep first max
        f = Fraction(2 * int(tp), 2 * int(tp) + int(fp) + (P - int(tp)))
        if best is None or f > best[0]:
            best = (f, float(t), int(tp), int(fp))
    f, t, tp, fp = best
    assert t in set(thr.tolist())
    yhat = s >= t
    f1v = f1_score(yb, yhat)
    assert abs(f1v - 2 * tp / (2 * tp + fp + P - tp)) < 1e-15
    return {
        "threshold": jnum(t),
        "f1": jnum(f1v),
        "precision": jnum(precision_score(yb, yhat, zero_division=0.0)),
        "recall": jnum(recall_score(yb, yhat)),
    }


def target_threshold(labels, s, which: str, target: float) -> dict:
    """The threshold for a target recall or precision over the distinct observed scores (positive
    iff s >= t), with recall/precision from scikit-learn's recall_score/precision_score there."""
    classes = class_order(labels)
    yb = np.asarray([str(v) for v in labels]) == classes[-1]
    cands = []
    for t in np.unique(s)[::-1]:  # descending
        yhat = s >= t
        r = recall_score(yb, yhat)
        p = precision_score(yb, yhat, zero_division=0.0)
        cands.append((float(t), p, r))
    if which == "recall":
        t, p, r = next(c for c in cands if c[2] >= target)
    else:
        ok = [c for c in cands if c[1] >= target]
        best_r = max(c[2] for c in ok)
        t, p, r = next(c for c in ok if c[2] == best_r)
    return {"threshold": jnum(t), "precision": jnum(p), "recall": jnum(r), "target": jnum(target)}


# ----------------------------------------------------------------------------------------------
# multiclass


def multiclass_expected(labels, proba=None, pred=None, inputs="probabilities", calibration_bins=15, classes=None):
    """proba: (n, K) probabilities in `classes` order (already softmaxed for logits)."""
    classes = classes or class_order(labels)
    y, cls = encode(labels, classes)
    K = len(classes)
    w = _quiet()
    try:
        out = {"task": "multiclass", "n": int(len(y)), "classes": classes, "inputs": inputs}
        if proba is not None:
            P = np.asarray(proba, dtype=np.float64)
            idx = np.argmax(P, axis=1)  # first max = lowest class index among ties
            yhat = np.array([cls[i] for i in idx], dtype=y.dtype)
        else:
            yhat, _ = encode(pred, classes)
        m = {"accuracy": accuracy_score(y, yhat), "balanced_accuracy": balanced_accuracy_score(y, yhat)}
        if proba is not None:
            for k in (2, 3):
                if k < K:
                    m[f"top_{k}_accuracy"] = top_k_accuracy_score(y, P, k=k, labels=cls)
        for avg in ("macro", "weighted", "micro"):
            p, r, f, _ = precision_recall_fscore_support(y, yhat, labels=cls, average=avg)
            m[f"precision_{avg}"], m[f"recall_{avg}"], m[f"f1_{avg}"] = p, r, f
        # keep the doc's grouping: precision_*, recall_*, f1_*
        m = _reorder_pr(m)
        if proba is not None:
            m["roc_auc_ovr_macro"] = roc_auc_score(y, P, multi_class="ovr", average="macro", labels=cls)
            m["roc_auc_ovr_weighted"] = roc_auc_score(y, P, multi_class="ovr", average="weighted", labels=cls)
            m["roc_auc_ovo_macro"] = roc_auc_score(y, P, multi_class="ovo", average="macro", labels=cls)
            m["log_loss"] = log_loss(y, P, labels=cls)
        out["metrics"] = {k: {"value": jnum(v)} for k, v in m.items()}
        out["per_class"] = per_class(y, yhat, cls, classes)
        out["confusion_matrix"] = {
            "labels": classes,
            "matrix": confusion_matrix(y, yhat, labels=cls).astype(int).tolist(),
        }
        if proba is not None:
            conf = P.max(axis=1)
            correct = (idx == np.array([cls.index(v) for v in y])).astype(np.int64)
            cal = calibration_block(conf, correct, calibration_bins)
            out["metrics"]["ece"] = {"value": cal["ece"]}
            out["metrics"]["mce"] = {"value": cal["mce"]}
            out["calibration"] = cal
        return out
    finally:
        w.__exit__(None, None, None)


def _reorder_pr(m):
    head = {k: m[k] for k in m if not k.startswith(("precision_", "recall_", "f1_"))}
    for name in ("precision", "recall", "f1"):
        for avg in ("macro", "weighted", "micro"):
            head[f"{name}_{avg}"] = m[f"{name}_{avg}"]
    return head


def grouped_expected(labels, proba, classes, name, members, threshold=0.5) -> dict:
    """--group-classes NAME=a,b,...: y = label in members, score = sum of the members' probability
    columns added left to right in `classes` order; the collapsed problem is a binary problem with
    the default threshold (positive iff score >= 0.5)."""
    P = np.asarray(proba, dtype=np.float64)
    s = np.zeros(len(P))
    first = True
    for j, c in enumerate(classes):
        if c in members:
            s = P[:, j].copy() if first else s + P[:, j]
            first = False
    yb = np.array(["1" if str(v) in members else "0" for v in labels])
    b = binary_expected(yb, score=s, threshold=threshold, probabilities=True, classes=["0", "1"], positive="1")
    return {
        "name": name,
        "members": list(members),
        "metrics": {k: v for k, v in b["metrics"].items() if k not in ("ece", "mce")},
        # rows = true (not in group, in group), columns = predicted (same order)
        "confusion_matrix": {"matrix": b["confusion_matrix"]["matrix"]},
    }
