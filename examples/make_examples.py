#!/usr/bin/env python
"""Write the small example prediction files bundled for the README.

    /path/to/venv/bin/python examples/make_examples.py

* examples/breast_cancer.csv  binary: id, label (0 = malignant, 1 = benign), score = P(benign),
  fold. Out-of-fold predictions of StandardScaler+LogisticRegression under
  StratifiedKFold(5, shuffle=True, random_state=0) on sklearn's load_breast_cancer (same model as
  the parity fixture breast_cancer_lr.csv; full-precision floats).
* examples/digits.csv  10 classes: id, label, prob_0..prob_9, fold. Out-of-fold predictions of
  StandardScaler+LogisticRegression on load_digits. Probabilities are rounded to 6 decimals to keep
  the file small (rows still sum to 1 within 1e-5), so this file is NOT a parity fixture.
  load_digits ships no writer ids, so the real grouping column is the CV fold (`--by fold`).

Deterministic; every file stays under 300 KB.
"""

import sys
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "python"))
import verdict_ref as R  # noqa: E402

LIMIT = 300_000


def lr():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))


def main():
    X, y = load_breast_cancer(return_X_y=True)
    s = R.oof(lr(), X, y, "predict_proba")[:, 1]
    R.write_csv(HERE / "breast_cancer.csv", {"id": np.arange(len(y)), "label": y, "score": s, "fold": R.folds(y)})

    X, y = load_digits(return_X_y=True)
    P = np.round(R.oof(lr(), X, y, "predict_proba"), 6)
    cols = {"id": np.arange(len(y)), "label": y}
    for k in range(10):
        cols[f"prob_{k}"] = [f"{v:.6f}".rstrip("0").rstrip(".") if v else "0" for v in P[:, k]]
    cols["fold"] = R.folds(y)
    R.write_csv(HERE / "digits.csv", cols)

    for f in ("breast_cancer.csv", "digits.csv"):
        size = (HERE / f).stat().st_size
        assert size < LIMIT, (f, size)
        print(f"examples/{f}: {size} bytes")


if __name__ == "__main__":
    main()
