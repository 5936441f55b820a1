#!/usr/bin/env python
"""Generate the scikit-learn parity fixtures in crates/verdict/tests/fixtures/parity/.

Run from anywhere with the pinned venv (python/requirements.txt):

    /path/to/venv/bin/python python/make_parity_fixtures.py [--out DIR]

Deterministic: re-running reproduces identical bytes (fixed CV seed, fixed model seeds, floats
written with repr(), expected values computed from the values re-read from the written file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.special import softmax
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
import verdict_ref as R  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "verdict" / "tests" / "fixtures" / "parity"
GENERATOR = "python/make_parity_fixtures.py"


def lr():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))


def write_expected(out: Path, name: str, file: str, args: list[str], expected: dict, notes=None, absent=None):
    doc = {"file": file, "args": args, "generator": GENERATOR, "versions": R.versions()}
    if notes:
        doc["notes"] = notes
    if absent:
        doc["absent"] = absent
    doc["expected"] = expected
    text = json.dumps(doc, indent=1, allow_nan=False, ensure_ascii=False) + "\n"
    (out / f"{name}.expected.json").write_text(text, encoding="utf-8")


def sum_left_to_right(row) -> float:
    """A row sum in class order, one addition at a time (as verdict sums; NumPy's pairwise sum can
    differ in the last bit)."""
    s = 0.0
    for x in row:
        s += float(x)
    return s


def prob_cols(df, classes, prefix="prob_"):
    return np.column_stack([df[f"{prefix}{c}"].to_numpy(dtype=np.float64) for c in classes])


# ----------------------------------------------------------------------------------------------
# scenarios


def breast_cancer(out: Path):
    X, y = load_breast_cancer(return_X_y=True)
    fold = R.folds(y)
    ids = np.arange(len(y))

    # 1. logistic regression, CSV, id/label/score + metadata column `fold`
    s = R.oof(lr(), X, y, "predict_proba")[:, 1]
    f = "breast_cancer_lr.csv"
    R.write_csv(out / f, {"id": ids, "label": y, "score": s, "fold": fold})
    df = R.read_back(out / f)
    write_expected(out, "breast_cancer_lr", f, ["--threshold", "0.5"],
                   R.binary_expected(df["label"], score=df["score"].to_numpy()))

    # 1b. the same file with target thresholds and slices by `fold`:
    #     target_recall    = the HIGHEST observed threshold whose recall >= target;
    #     target_precision = among observed thresholds with precision >= target, the one with the
    #                        greatest recall, ties -> the highest threshold.
    sc = df["score"].to_numpy()
    exp = {"thresholds": {"target_recall": R.target_threshold(df["label"], sc, "recall", 0.99),
                          "target_precision": R.target_threshold(df["label"], sc, "precision", 0.99)}}
    vals = []
    for v in sorted(df["fold"].unique(), key=lambda x: str(x)):
        sub = df[df["fold"] == v]
        e = R.binary_expected(df["label"][sub.index], score=sub["score"].to_numpy(), classes=R.class_order(df["label"]))
        vals.append({"value": str(v), "n": int(len(sub)), "metrics": e["metrics"]})
    exp["slices"] = {"column": "fold", "values": vals}
    write_expected(out, "breast_cancer_lr_targets_slices", f,
                   ["--target-recall", "0.99", "--target-precision", "0.99", "--by", "fold"], exp)

    # 2. Gaussian NB (many probabilities exactly 0.0 / 1.0 -> ties, log_loss clipping), Parquet
    s = R.oof(GaussianNB(), X, y, "predict_proba")[:, 1]
    f = "breast_cancer_nb.parquet"
    R.write_parquet(out / f, {"id": ids, "label": y.astype(np.int64), "score": s, "fold": fold})
    df = R.read_back(out / f)
    write_expected(out, "breast_cancer_nb", f, [],
                   R.binary_expected(df["label"], score=df["score"].to_numpy()))

    # 3. random forest, JSONL, string labels. String sort: "benign" < "malignant", so the
    #    positive class (the greater label, as in sklearn) is "malignant"; score = P(malignant).
    names = np.array(["malignant", "benign"])[y]  # sklearn: target 0 = malignant, 1 = benign
    rf = RandomForestClassifier(n_estimators=25, random_state=0)
    s = R.oof(rf, X, y, "predict_proba")[:, 0]
    f = "breast_cancer_rf_strings.jsonl"
    R.write_jsonl(out / f, {"id": ids, "label": names, "score": s, "fold": fold})
    df = R.read_back(out / f)
    exp = R.binary_expected(df["label"], score=df["score"].to_numpy())
    assert exp["positive"] == "malignant"
    write_expected(out, "breast_cancer_rf_strings", f, [], exp)

    # 4. kNN (k=10: probabilities are multiples of 0.1, so some equal the threshold 0.3 exactly)
    knn = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=10))
    s = R.oof(knn, X, y, "predict_proba")[:, 1]
    f = "breast_cancer_knn_t03.csv"
    R.write_csv(out / f, {"id": ids, "label": y, "score": s})
    df = R.read_back(out / f)
    sc = df["score"].to_numpy()
    assert (sc == 0.3).any()
    write_expected(out, "breast_cancer_knn_t03", f, ["--threshold", "0.3"],
                   R.binary_expected(df["label"], score=sc, threshold=0.3))

    # 5. SVM decision_function: unbounded scores -> no log_loss / brier / calibration
    s = R.oof(make_pipeline(StandardScaler(), SVC()), X, y, "decision_function")
    f = "breast_cancer_svm_scores.csv"
    R.write_csv(out / f, {"id": ids, "label": y, "score": s})
    df = R.read_back(out / f)
    exp = R.binary_expected(df["label"], score=df["score"].to_numpy(), threshold=0.0, probabilities=False)
    write_expected(out, "breast_cancer_svm_scores", f, ["--threshold", "0"], exp,
                   notes="scores outside [0,1]: not probabilities",
                   absent=["metrics.log_loss", "metrics.brier_score", "metrics.ece", "metrics.mce", "calibration"])

    # 6. labels only (binary), decision tree predictions
    p = R.oof(DecisionTreeClassifier(random_state=0), X, y, "predict")
    f = "breast_cancer_tree_pred.csv"
    R.write_csv(out / f, {"id": ids, "label": y, "pred": p})
    df = R.read_back(out / f)
    exp = R.binary_expected(df["label"], pred=df["pred"])
    write_expected(out, "breast_cancer_tree_pred", f, [], exp,
                   absent=["metrics.roc_auc", "metrics.average_precision", "metrics.log_loss",
                           "metrics.brier_score", "curves", "thresholds", "calibration"])


def digits(out: Path):
    X, y = load_digits(return_X_y=True)
    fold = R.folds(y)
    ids = np.arange(len(y))
    classes = [str(c) for c in range(10)]

    P = R.oof(lr(), X, y, "predict_proba")
    f = "digits_lr.csv"
    cols = {"id": ids, "label": y, **{f"prob_{c}": P[:, j] for j, c in enumerate(classes)}, "fold": fold}
    R.write_csv(out / f, cols)
    df = R.read_back(out / f)
    write_expected(out, "digits_lr", f, [], R.multiclass_expected(df["label"], proba=prob_cols(df, classes)))

    # probabilities rounded to 6 decimals (as examples/digits.csv): row sums such as 1.000002 are
    # inside NumPy's allclose(1, s), the rule of roc_auc_score; verdict divides each such row by its
    # sum (left to right in class order), so the expected values are sklearn's on those rows.
    f = "digits_lr_rounded.csv"
    cols = {"id": ids, "label": y, **{f"prob_{c}": np.round(P[:, j], 6) for j, c in enumerate(classes)}}
    R.write_csv(out / f, cols)
    df = R.read_back(out / f)
    Pr = prob_cols(df, classes)
    sums = np.array([sum_left_to_right(row) for row in Pr])
    assert np.allclose(1, sums), "rounded rows must pass roc_auc_score's own check"
    dev = np.abs(sums - 1.0)
    moved = dev > 1e-9
    exp = R.multiclass_expected(df["label"], proba=Pr / sums[:, None])
    exp["normalized"] = {"rows": int(moved.sum()), "max_deviation": float(dev[moved].max())}
    write_expected(out, "digits_lr_rounded", f, [], exp,
                   notes="rows with |sum - 1| > 1e-9 (sum left to right) are divided by their sum; "
                         "expected metrics are scikit-learn's on the divided rows")

    # random forest: probabilities are multiples of 1/25, many exact 0.0 ties inside the top-k
    rf = RandomForestClassifier(n_estimators=25, random_state=0)
    P = R.oof(rf, X, y, "predict_proba")
    f = "digits_rf_grouped.csv"
    cols = {"id": ids, "label": y, **{f"prob_{c}": P[:, j] for j, c in enumerate(classes)}, "fold": fold}
    R.write_csv(out / f, cols)
    df = R.read_back(out / f)
    Pr = prob_cols(df, classes)
    exp = R.multiclass_expected(df["label"], proba=Pr)
    members = ["0", "2", "4", "6", "8"]
    exp["grouped"] = [R.grouped_expected(df["label"], Pr, classes, "even", members)]
    write_expected(out, "digits_rf_grouped", f, ["--group-classes", "even=0,2,4,6,8"], exp,
                   notes="grouped: y = label in members; score = sum of the members' prob_ columns added left "
                         "to right in class order; threshold-dependent metrics at score >= 0.5; "
                         "confusion_matrix rows/cols = (not in group, in group)")


def wine(out: Path):
    X, y = load_wine(return_X_y=True)
    fold = R.folds(y)
    ids = np.arange(len(y))
    classes = ["0", "1", "2"]

    P = R.oof(GaussianNB(), X, y, "predict_proba")
    f = "wine_nb.csv"
    cols = {"id": ids, "label": y, **{f"prob_{c}": P[:, j] for j, c in enumerate(classes)}, "fold": fold}
    R.write_csv(out / f, cols)
    df = R.read_back(out / f)
    write_expected(out, "wine_nb", f, [], R.multiclass_expected(df["label"], proba=prob_cols(df, classes)))

    # labels only (multiclass)
    p = R.oof(DecisionTreeClassifier(random_state=0), X, y, "predict")
    f = "wine_tree_pred.csv"
    R.write_csv(out / f, {"id": ids, "label": y, "pred": p})
    df = R.read_back(out / f)
    write_expected(out, "wine_tree_pred", f, [],
                   R.multiclass_expected(df["label"], pred=df["pred"], inputs="predictions"),
                   absent=["metrics.top_2_accuracy", "metrics.roc_auc_ovr_macro", "metrics.log_loss", "calibration"])


def iris(out: Path):
    X, y = load_iris(return_X_y=True)
    names = load_iris().target_names  # setosa < versicolor < virginica (string order == target order)
    fold = R.folds(y)
    ids = np.arange(len(y))
    Z = R.oof(lr(), X, y, "decision_function")
    lab = names[y]
    f = "iris_logits.csv"
    R.write_csv(out / f, {"id": ids, "label": lab, **{f"logit_{c}": Z[:, j] for j, c in enumerate(names)},
                          "fold": fold})
    df = R.read_back(out / f)
    classes = R.class_order(df["label"])
    assert classes == list(names)
    Zr = prob_cols(df, classes, prefix="logit_")
    P = softmax(Zr, axis=1)  # scipy: exp(z - max) / sum
    write_expected(out, "iris_logits", f, [],
                   R.multiclass_expected(df["label"], proba=P, inputs="logits"),
                   notes="probabilities = scipy.special.softmax(logits, axis=1), i.e. exp(z - rowmax) / rowsum")


def many_classes(out: Path):
    """200 classes (more than the reports' class limit of 50): 2 rows per class, logits with one
    decimal (true class + 1.5), so most rows are errors spread over many cells. The confusion matrix
    is expected in the sparse form verdict's JSON uses above the limit (docs/eval-json.md): the
    nonzero cells of sklearn's confusion_matrix in row-major order."""
    k, per = 200, 2
    rng = np.random.default_rng(200)
    y = rng.permutation(np.repeat(np.arange(k), per))
    Z = np.round(rng.standard_normal((len(y), k)), 1)
    Z[np.arange(len(y)), y] += 1.5
    f = "many_classes_logits.csv"
    R.write_csv(out / f, {"label": y, **{f"logit_{c}": Z[:, c] for c in range(k)}})
    df = R.read_back(out / f)
    classes = R.class_order(df["label"])
    assert classes == [str(c) for c in range(k)]
    P = softmax(prob_cols(df, classes, prefix="logit_"), axis=1)
    exp = R.multiclass_expected(df["label"], proba=P, inputs="logits")
    dense = np.array(exp["confusion_matrix"]["matrix"])
    rows, cols = np.nonzero(dense)  # row-major order
    exp["confusion_matrix"] = {"labels": classes, "format": "coo", "shape": [k, k],
                               "rows": rows.tolist(), "cols": cols.tolist(),
                               "counts": dense[rows, cols].astype(int).tolist()}
    write_expected(out, "many_classes_logits", f, [], exp,
                   notes="200 classes > the class limit 50: confusion_matrix is sparse (COO) = the nonzero "
                         "cells of sklearn.metrics.confusion_matrix, row-major; probabilities = "
                         "scipy.special.softmax(logits, axis=1)",
                   absent=["confusion_matrix.matrix"])


# ----------------------------------------------------------------------------------------------
# golden edge cases (tiny hand-made CSVs; see docs/design/metrics.md)


def edges(out: Path):
    # ties: AP = 0.5833333333333333, AUC = 0.625 (docs/design/metrics.md §1.3)
    f = "edge_ties.csv"
    R.write_csv(out / f, {"label": [1, 0, 1, 0], "score": [0.5, 0.5, 0.2, 0.1]})
    df = R.read_back(out / f)
    exp = R.binary_expected(df["label"], score=df["score"].to_numpy())
    assert exp["metrics"]["average_precision"]["value"] == 0.5833333333333333
    assert exp["metrics"]["roc_auc"]["value"] == 0.625
    write_expected(out, "edge_ties", f, [], exp)

    # zero division: no predicted positive at threshold 0.9 -> precision 0.0 (sklearn
    # zero_division="warn" -> 0.0), f1 0.0, mcc 0.0
    f = "edge_zero_division.csv"
    R.write_csv(out / f, {"label": [0, 1, 0, 1, 1, 0], "score": [0.1, 0.8, 0.3, 0.6, 0.2, 0.7]})
    df = R.read_back(out / f)
    exp = R.binary_expected(df["label"], score=df["score"].to_numpy(), threshold=0.9)
    assert exp["metrics"]["precision"]["value"] == 0.0
    write_expected(out, "edge_zero_division", f, ["--threshold", "0.9"], exp)

    # calibration bin edges, 5 bins: edges are linspace(0,1,6) = [0, .2, .4, 0.6000000000000001, .8, 1].
    # top-label conf = max(p, 1-p): p=0.4 -> conf 0.6 < 0.6000000000000001 -> bin (0.4, 0.6000000000000001];
    # p=0.2 -> conf 0.8 exactly on an edge -> bin (0.6.., 0.8]; p = 0 or 1 -> conf 1.0 -> last bin;
    # p=0.1 -> conf 1-0.1 == 0.9 -> counted as high confidence (conf >= 0.9).
    f = "edge_calibration_bins.csv"
    lab = [1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0]
    sc = [1.0, 0.0, 0.0, 0.4, 0.6, 0.2, 0.8, 0.5, 0.5, 0.1, 0.9, 1.0]
    R.write_csv(out / f, {"label": lab, "score": sc})
    df = R.read_back(out / f)
    exp = R.binary_expected(df["label"], score=df["score"].to_numpy(), calibration_bins=5)
    write_expected(out, "edge_calibration_bins", f, ["--calibration-bins", "5"], exp)

    # multiclass: conf 1.0, conf on edges, argmax ties, and top-k ties. top_k_accuracy_score sorts with
    # argsort(kind="mergesort")[:, ::-1]: among equal scores the HIGHER class index ranks first, so
    # rows [1, 0, 0] with label 2 and [0, 0, 1] with label 1 are top-2 hits (a "lowest index first"
    # tie rule would score 2 fewer hits).
    f = "edge_calibration_multiclass.csv"
    rows = [
        (0, [1.0, 0.0, 0.0]),
        (2, [1.0, 0.0, 0.0]),
        (1, [0.0, 0.0, 1.0]),
        (1, [0.2, 0.6, 0.2]),
        (2, [0.4, 0.4, 0.2]),   # argmax tie -> class 0 (first max)
        (0, [0.2, 0.4, 0.4]),   # argmax tie -> class 1; top-2 = {2, 1}
        (2, [0.1, 0.1, 0.8]),
        (1, [0.0, 1.0, 0.0]),
        (0, [0.5, 0.25, 0.25]),
    ]
    lab = [r[0] for r in rows]
    P = np.array([r[1] for r in rows])
    R.write_csv(out / f, {"label": lab, "prob_0": P[:, 0], "prob_1": P[:, 1], "prob_2": P[:, 2]})
    df = R.read_back(out / f)
    exp = R.multiclass_expected(df["label"], proba=prob_cols(df, ["0", "1", "2"]), calibration_bins=5)
    write_expected(out, "edge_calibration_multiclass", f, ["--calibration-bins", "5"], exp)

    # single class in y: roc_auc is NaN in sklearn 1.9.1 (UndefinedMetricWarning) -> null
    f = "edge_single_class.csv"
    lab = [1, 1, 1, 1, 1]
    sc = [0.9, 0.8, 0.3, 0.6, 0.55]
    R.write_csv(out / f, {"label": lab, "score": sc})
    df = R.read_back(out / f)
    import warnings

    from sklearn.metrics import (accuracy_score, average_precision_score, brier_score_loss, f1_score,
                                 matthews_corrcoef, precision_score, recall_score, roc_auc_score)
    y = np.array([int(v) for v in df["label"]])
    s = df["score"].to_numpy()
    yhat = (s >= 0.5).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auc = roc_auc_score(y, s)
        assert np.isnan(auc)
        m = {
            "accuracy": accuracy_score(y, yhat),
            "precision": precision_score(y, yhat),
            "recall": recall_score(y, yhat),
            "f1": f1_score(y, yhat),
            "matthews_corrcoef": matthews_corrcoef(y, yhat),  # sklearn: 0.0 when undefined
            "roc_auc": auc,
            "average_precision": average_precision_score(y, s),
            "brier_score": brier_score_loss(y, s),
        }
    exp = {"task": "binary", "n": 5, "positive": "1", "threshold": 0.5,
           "metrics": {k: {"value": R.jnum(v)} for k, v in m.items()}}
    write_expected(out, "edge_single_class", f, [], exp,
                   notes="only one class in y: roc_auc NaN -> null; matthews_corrcoef 0.0 (sklearn's convention)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--allow-version-mismatch", action="store_true")
    a = ap.parse_args()
    if not a.allow_version_mismatch:
        R.check_versions()
    a.out.mkdir(parents=True, exist_ok=True)
    for fn in (breast_cancer, digits, wine, iris, edges, many_classes):
        fn(a.out)
    print(f"wrote {len(list(a.out.glob('*.expected.json')))} expected files to {a.out}")


if __name__ == "__main__":
    main()
