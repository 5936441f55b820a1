#!/usr/bin/env python
"""Generate the reference values of `verdict_core::splits` in crates/verdict-core/tests/fixtures/splits/.

Run from anywhere with the pinned venv (python/requirements.txt):

    /path/to/venv/bin/python python/make_splits_fixtures.py [--out DIR]

Three files, one per statistic the split checks print, each a list of named cases:

* homogeneity.json: `scipy.stats.chi2_contingency(table, correction=False)` (chi2, p, dof) and
  Cramér's V = sqrt(chi2 / (n * (min(r, c) - 1))) of a splits x classes count table, after the
  all-zero rows and columns are dropped (scipy refuses zero expected counts).
* nmi.json: `sklearn.metrics.normalized_mutual_info_score(x, y, average_method="arithmetic")`,
  each case given as its contingency table (rows = values of x, columns = values of y; the arrays
  are `np.repeat`ed from it, so the files stay small).
* wilson.json: `statsmodels.stats.proportion.proportion_confint(count, n, alpha, method="wilson")`,
  for integer counts and for the rate 0.5 (count = n / 2, the rate `small_split` judges at).

The cases are built from seed 001's figures (docs of each case below). Deterministic: floats are
written with repr(), so a rerun reproduces identical bytes.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy.stats import chi2_contingency
from sklearn.metrics import normalized_mutual_info_score
from statsmodels.stats.proportion import proportion_confint

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "verdict-core" / "tests" / "fixtures" / "splits"
GENERATOR = "python/make_splits_fixtures.py"
PINNED = {"scipy": "1.17.1", "sklearn": "1.9.1", "statsmodels": "0.15.0"}

# Seed 001 §1.2 (current test split) and §6.3 (the old one), classes in this order.
CLASSES = ["cell_normal", "cell_porosity", "module_normal", "module_porosity", "module_resin"]
CURRENT_TEST = [10655, 3870, 11089, 9542, 373]
OLD_TEST = [3240, 11316, 1620, 20221, 27]
# §6.2: train and val of the current split hold only the cell classes in the report's table.
CURRENT_TRAIN = [35658, 16165, 0, 0, 0]
CURRENT_VAL = [7840, 1861, 0, 0, 0]
# §6.3: the old no_x test split.
OLD_NO_X_TEST = [3240, 11499, 1324, 16055, 374]

# §5.2 on the current test split (binary normal/defect): x slices (8,923 = 35,529 - 26,606 of the
# no_x test, §6.2) are 99.97% normal; the y and z slices hold the rest, half each.
AXIS = {  # value: [normal, defect]
    "x": [8920, 3],
    "y": [6412, 6891],
    "z": [6412, 6891],
}


def homogeneity_cases():
    cases = [
        ("current_vs_old_test", [CURRENT_TEST, OLD_TEST]),
        ("current_train_val_test", [CURRENT_TRAIN, CURRENT_VAL, CURRENT_TEST]),
        ("old_test_vs_old_no_x_test", [OLD_TEST, OLD_NO_X_TEST]),
        ("two_by_two", [[30, 10], [20, 40]]),
        ("zero_column", [[5, 0, 7], [3, 0, 9]]),
        ("empty_row", [[12, 8], [0, 0], [10, 30]]),
        ("identical_proportions", [[10, 20], [20, 40]]),
    ]
    out = []
    for name, table in cases:
        t = np.array(table, dtype=np.int64)
        kept = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
        chi2, p, dof, _ = chi2_contingency(kept, correction=False)
        n = kept.sum()
        v = math.sqrt(chi2 / (n * (min(kept.shape) - 1)))
        out.append({"name": name, "table": table, "chi2": float(chi2), "dof": int(dof),
                    "p_value": float(p), "cramers_v": v})
    return out


def nmi_cases():
    cases = [
        ("axis_x_normal", [AXIS["x"], AXIS["y"], AXIS["z"]]),
        ("current_vs_old_classes", [CURRENT_TEST, OLD_TEST]),
        ("independent", [[10, 20], [20, 40]]),
        ("perfect", [[7, 0], [0, 5]]),
        ("single_value", [[4, 6]]),
        ("single_value_single_label", [[9]]),
        ("three_by_four", [[5, 0, 2, 1], [0, 7, 3, 0], [1, 1, 1, 9]]),
    ]
    out = []
    for name, table in cases:
        t = np.array(table, dtype=np.int64)
        x, y = [], []
        for i in range(t.shape[0]):
            for j in range(t.shape[1]):
                x += [i] * int(t[i, j])
                y += [j] * int(t[i, j])
        nmi = normalized_mutual_info_score(np.array(x), np.array(y), average_method="arithmetic")
        out.append({"name": name, "contingency": table, "nmi": float(nmi)})
    return out


def wilson_cases():
    counts = [
        (8920, 8923),  # §5.2: x slices normal
        (12824, 26606),  # y/z slices normal
        (21744, 35529),  # the test split's normal share
        (27, 36424),  # §6.3 module_resin
        (0, 10),
        (10, 10),
        (1, 1),
        (13, 19),  # seed 000: a 19-sequence validation split
        (50, 100),
    ]
    out = []
    for k, n in counts:
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
        out.append({"successes": k, "n": n, "level": 0.95, "low": float(lo), "high": float(hi)})
    half = []
    for n in [1, 17, 19, 25, 92, 100, 385, 27539, 35529, 138334]:
        lo, hi = proportion_confint(n / 2, n, alpha=0.05, method="wilson")
        half.append({"n": n, "level": 0.95, "half_width": float((hi - lo) / 2)})
    for n, level in [(25, 0.9), (25, 0.99)]:
        lo, hi = proportion_confint(n / 2, n, alpha=1 - level, method="wilson")
        half.append({"n": n, "level": level, "half_width": float((hi - lo) / 2)})
    return {"counts": out, "half_widths_at_one_half": half}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--allow-version-mismatch", action="store_true")
    args = ap.parse_args()
    got = {"scipy": scipy.__version__, "sklearn": sklearn.__version__,
           "statsmodels": statsmodels.__version__}
    bad = {k: (got[k], v) for k, v in PINNED.items() if got[k] != v}
    if bad and not args.allow_version_mismatch:
        raise SystemExit(f"pinned versions differ (got, want): {bad}")
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {"generator": GENERATOR, "versions": got}
    files = {
        "homogeneity.json": {**meta, "cases": homogeneity_cases()},
        "nmi.json": {**meta, "cases": nmi_cases()},
        "wilson.json": {**meta, **wilson_cases()},
    }
    for name, doc in files.items():
        (args.out / name).write_text(json.dumps(doc, indent=1) + "\n")
        print(args.out / name)


if __name__ == "__main__":
    main()
