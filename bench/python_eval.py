#!/usr/bin/env python
"""The Python package against scikit-learn, in one Python process (BENCHMARKS.md, "The Python
package"). Run by bench/python_eval.sh, in a venv with the pinned reference stack
(python/requirements.txt) and the package's wheel:

    /path/to/venv/bin/python bench/python_eval.py [--reps 3] [--data bench-data]

Data: bench/make_data.py's files (label ~ Bernoulli(1/2), score = (U + 0.3·label)/1.3,
default_rng(42)), read once with pandas into NumPy arrays (int64 labels, float64 scores) before
anything is timed. Each figure is the best of `--reps` runs, wall time (perf_counter):

1. `verdict.evaluate(y, s, bootstrap=1000)` on 35,529 rows — all 13 binary metrics with 95 %
   intervals from 1,000 resamples — vs bench/sklearn_bootstrap.py's loop of
   `roc_auc_score(y[idx], s[idx])` over 1,000 resamples (the AUC's interval only);
2. `verdict.evaluate(y, s, bootstrap=0)` on 10,000,000 rows vs bench/sklearn_eval.py's
   `evaluate(y, s)` (accuracy, balanced accuracy, precision, recall, specificity, F1, MCC,
   confusion matrix, ROC AUC, AP, log loss, Brier, ROC and PR curves, Youden threshold);
3. the conversion: the package's Python layer (`_convert.prediction_columns`) plus the native
   table building (`_native.convert_only`: NumPy → the core's owned columns, one copy), and the
   result's way back (`json.loads` of the report), as shares of (2)'s time.

The ROC AUCs of both sides must agree to 1e-9. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import sklearn  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

import sklearn_bootstrap  # noqa: E402
import sklearn_eval  # noqa: E402
import verdict  # noqa: E402
from verdict import _convert, _native  # noqa: E402


def best(reps, f):
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def load(path: Path):
    df = pd.read_parquet(path, columns=["label", "score"])
    return df["label"].to_numpy(dtype=np.int64), df["score"].to_numpy(dtype=np.float64)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--data", type=Path, default=HERE.parent / "bench-data")
    a = ap.parse_args()
    out: dict = {"verdict": verdict.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__,
                 "reps": a.reps}

    y, s = load(a.data / "binary_35529.parquet")
    t_v, ev = best(a.reps, lambda: verdict.evaluate(y, s, bootstrap=1000))
    t_s, (aucs, undefined) = best(a.reps, lambda: sklearn_bootstrap.bootstrap_auc(y, s, 1000))
    lo, hi = np.percentile(np.asarray(aucs), [2.5, 97.5])
    auc = ev.metrics["roc_auc"]
    assert abs(auc.value - roc_auc_score(y, s)) <= 1e-9
    out["bootstrap_35529"] = {
        "n": int(len(y)), "verdict_s": t_v, "sklearn_loop_s": t_s, "ratio": t_s / t_v,
        "verdict_ci": [auc.ci_low, auc.ci_high], "sklearn_ci": [float(lo), float(hi)],
        "sklearn_undefined": undefined,
    }

    y, s = load(a.data / "binary_10m.parquet")
    t_v, ev = best(a.reps, lambda: verdict.evaluate(y, s, bootstrap=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_s, ref = best(a.reps, lambda: sklearn_eval.evaluate(y, s))
    assert abs(ev.metrics["roc_auc"].value - ref["roc_auc"]) <= 1e-9
    t_py, cols = best(a.reps, lambda: _convert.prediction_columns(y, y_score=s))
    t_native, rows = best(a.reps, lambda: _native.convert_only(cols))
    assert rows == len(y)
    text = ev.to_json()
    t_back, _ = best(a.reps, lambda: json.loads(text))
    out["eval_10m"] = {
        "n": int(len(y)), "verdict_s": t_v, "sklearn_s": t_s, "ratio": t_s / t_v,
        "conversion": {
            "python_layer_s": t_py, "native_columns_s": t_native, "json_loads_s": t_back,
            "share_of_evaluate": (t_py + t_native + t_back) / t_v,
        },
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
