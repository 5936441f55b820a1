#!/usr/bin/env python
"""Reference outputs of cleanlab 2.9's confident learning, for `verdict_core::label_review` (issue 16).

Writes crates/verdict-core/tests/fixtures/label_review/ (or --out DIR). Every expected value is read
back from cleanlab (or, for the suggested label, numpy's argmax, which is cleanlab's
`CleanLearning` convention); nothing here reimplements confident learning.

Install and run (its own venv; see python/requirements-label-review.txt):

    python3 -m venv /work/venvs/cl
    /work/venvs/cl/bin/pip install -r python/requirements-label-review.txt
    /work/venvs/cl/bin/python python/make_label_review_fixtures.py --out /tmp/lr
    /work/venvs/cl/bin/python python/fixtures_match.py /tmp/lr crates/verdict-core/tests/fixtures/label_review

Files (each `{"generator", "versions", "cases": [case, ...]}`):

* datasets.json: three real data sets that ship with scikit-learn (digits, 10 classes; wine, 3;
  breast_cancer, binary), a seeded fraction of the labels flipped on purpose to a uniformly drawn
  other class, and out-of-fold probabilities of a standardised logistic regression from
  `cross_val_predict(..., cv=StratifiedKFold(5, shuffle=True, random_state=0),
  method="predict_proba")` fitted on the flipped labels;
* edge_cases.json: synthetic probabilities for the edges: rare classes (4 rows, 1 row) and a class
  absent from the labels, exact ties (probabilities on a grid of eighths), a clean set with no
  issue at all, binary rows around 0.5 within cleanlab's 1e-6 fuzz;
* random_small.json: 40 small random problems (n 4-80, k 2-6, fine or coarse probabilities), a
  sweep over the rarely reached branches (zero diagonals, ties in the rounding, tiny classes).

A case:

    {"name", "source" (what the data are), "n", "k",
     "labels": the given (noisy) labels fed to cleanlab,
     "pred_probs": n rows of k floats, exactly what was fed,
     "planted": {"flipped": sorted row ids whose label was changed, "original_labels": [...]}
                or null (synthetic cases without a planted flip),
     "cleanlab": outputs of the unmodified library (below),
     "cleanlab_stable_argsort": the same outputs with numpy.argsort forced to kind="stable"
                while cleanlab runs,
     "tie_sensitive": whether the two differ}

Outputs (the same keys in both):

* is_label_issue: `cleanlab.filter.find_label_issues(labels, pred_probs)` (every default: the
  boolean mask);
* ranked: `find_label_issues(labels, pred_probs, return_indices_ranked_by="self_confidence")`;
* quality: `cleanlab.rank.get_label_quality_scores(labels, pred_probs)` (self_confidence);
* thresholds: `cleanlab.count.get_confident_thresholds(labels, pred_probs)`;
* confident_joint_uncalibrated: `compute_confident_joint(labels, pred_probs, calibrate=False)`;
* confident_joint: `compute_confident_joint(labels, pred_probs)` (calibrated, the one
  find_label_issues prunes with);
* py, noise_matrix, inverse_noise_matrix: `estimate_py_and_noise_matrices_from_probabilities(
  labels, pred_probs, converge_latent_estimates=False)` (the setting `CleanLearning` and
  `Datalab` use; its confident joint is asserted equal to the one above);
* predicted_label: `pred_probs.argmax(axis=1)`, as `CleanLearning.find_label_issues` reports it;
* planted_found: how many planted flips the mask flags (null without planted flips).

Why two runs: cleanlab sorts with numpy's default `np.argsort` (kind="quicksort"), which is not
stable; numpy 2.x dispatches it to SIMD sorting networks (AVX-512 or AVX2, by CPU), so the order
of equal values, and with it which of several equally ranked rows are pruned, depends on the
machine cleanlab ran on. The stable run fixes one documented tie rule (equal values keep their
index order); Verdict follows it, and equals the unmodified library whenever no tie decides.

Deterministic: seeded numpy generators, BLAS limited to one thread while the models fit, floats
written with repr(), keys in a fixed order. `find_label_issues` runs with its default `n_jobs`
in the unmodified run (the generator checks `n_jobs=1` gives the same mask) and with `n_jobs=1`
in the stable one.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import warnings
from pathlib import Path

import cleanlab
import numpy as np
import scipy
import sklearn
from cleanlab import count, filter, rank
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "verdict-core" / "tests" / "fixtures" / "label_review"
GENERATOR = "python/make_label_review_fixtures.py"
PINNED = {"cleanlab": "2.9.0", "numpy": "2.4.6", "scipy": "1.17.1", "sklearn": "1.9.1"}


# ---------------------------------------------------------------------------------------------
# Running cleanlab.


@contextlib.contextmanager
def stable_argsort():
    """numpy.argsort with kind="stable" while the block runs (cleanlab calls np.argsort)."""
    original = np.argsort

    def stable(a, axis=-1, kind=None, order=None, **kw):
        return original(a, axis=axis, kind="stable", order=order, **kw)

    np.argsort = stable
    try:
        yield
    finally:
        np.argsort = original


def cleanlab_outputs(labels, P, planted, n_jobs=None):
    with warnings.catch_warnings():
        # "May not flag all label issues in class k, it has too few examples": expected here.
        warnings.simplefilter("ignore")
        mask = filter.find_label_issues(labels, P, n_jobs=n_jobs)
        ranked = filter.find_label_issues(labels, P, return_indices_ranked_by="self_confidence",
                                          n_jobs=n_jobs)
        quality = rank.get_label_quality_scores(labels, P)
        thresholds = count.get_confident_thresholds(labels, P)
        cj_raw = count.compute_confident_joint(labels, P, calibrate=False)
        cj = count.compute_confident_joint(labels, P)
        py, nm, inm, cj2 = count.estimate_py_and_noise_matrices_from_probabilities(
            labels, P, converge_latent_estimates=False)
    assert (cj2 == cj).all()
    assert sorted(ranked.tolist()) == np.flatnonzero(mask).tolist()
    return {
        "is_label_issue": [bool(b) for b in mask],
        "ranked": [int(i) for i in ranked],
        "quality": [float(q) for q in quality],
        "thresholds": [float(t) for t in thresholds],
        "confident_joint_uncalibrated": [[int(c) for c in row] for row in cj_raw],
        "confident_joint": [[int(c) for c in row] for row in cj],
        "py": [float(p) for p in py],
        "noise_matrix": [[float(x) for x in row] for row in nm],
        "inverse_noise_matrix": [[float(x) for x in row] for row in inm],
        "predicted_label": [int(c) for c in P.argmax(axis=1)],
        "planted_found": None if planted is None else int(mask[planted["flipped"]].sum()),
    }


def case(name, source, labels, P, planted=None):
    labels = np.asarray(labels, dtype=np.int64)
    P = np.asarray(P, dtype=np.float64)
    n, k = P.shape
    assert labels.shape == (n,) and len(set(labels.tolist())) >= 2, name
    # Feed exactly what is written: repr() round-trips a float64, so the file holds these values.
    native = cleanlab_outputs(labels, P, planted)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert (filter.find_label_issues(labels, P, n_jobs=1) == np.array(native["is_label_issue"])).all()
    with stable_argsort():
        stable = cleanlab_outputs(labels, P, planted, n_jobs=1)
    return {
        "name": name,
        "source": source,
        "n": int(n),
        "k": int(k),
        "labels": labels.tolist(),
        "pred_probs": [[float(x) for x in row] for row in P],
        "planted": None if planted is None else {
            "flipped": [int(i) for i in planted["flipped"]],
            "original_labels": [int(c) for c in planted["original_labels"]],
        },
        "cleanlab": native,
        "cleanlab_stable_argsort": stable,
        "tie_sensitive": native != stable,
    }


# ---------------------------------------------------------------------------------------------
# Real data sets with planted flips.


def flip(y, frac, seed):
    """Flip round(frac * n) labels (seeded rows) to a uniformly drawn other class."""
    rng = np.random.default_rng(seed)
    k = int(y.max()) + 1
    m = int(round(frac * len(y)))
    idx = np.sort(rng.choice(len(y), size=m, replace=False))
    noisy = y.copy()
    noisy[idx] = (y[idx] + rng.integers(1, k, size=m)) % k
    assert (noisy[idx] != y[idx]).all()
    return noisy, idx


MODEL = ("make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)); "
         "cross_val_predict(cv=StratifiedKFold(5, shuffle=True, random_state=0), "
         "method='predict_proba') on the flipped labels")


def oof_probs(X, y):
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    with threadpool_limits(limits=1):
        return cross_val_predict(model, X, y, cv=cv, method="predict_proba")


def dataset_cases():
    out = []
    for name, loader, frac, seed in [
        ("digits-flip10", load_digits, 0.10, 1601),
        ("wine-flip15", load_wine, 0.15, 1602),
        ("breast-cancer-flip8", load_breast_cancer, 0.08, 1603),
    ]:
        X, y = loader(return_X_y=True)
        noisy, flipped = flip(y, frac, seed)
        P = oof_probs(X, noisy)
        source = (f"sklearn.datasets.{loader.__name__}; {frac:.0%} of the labels flipped "
                  f"(numpy default_rng({seed})); {MODEL}")
        out.append(case(name, source, noisy, P, {"flipped": flipped, "original_labels": y}))
    return out


# ---------------------------------------------------------------------------------------------
# Synthetic edge cases.


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def rare_absent():
    """k = 6: classes of 120, 90, 20, 4 and 1 rows, class 5 never given (its column still there,
    three rows lean to it). The single row of class 4 is confidently class 0 (a one-row class is
    never flagged); one of the 4 rows of class 3 is really class 1."""
    rng = np.random.default_rng(1611)
    sizes = [120, 90, 20, 4, 1]
    true = np.repeat(np.arange(5), sizes)
    n, k = len(true), 6
    z = rng.normal(0.0, 1.0, (n, k))
    z[np.arange(n), true] += 3.0
    z[:, 5] -= 1.0
    # A few rows look most like the absent class 5.
    z[[3, 130, 215], 5] += 6.0
    labels = true.copy()
    # Flip 10% of the rows of the three large classes to another of them.
    idx = np.sort(rng.choice(230, size=23, replace=False))
    labels[idx] = (true[idx] + rng.integers(1, 3, size=23)) % 3
    # The 4-row class: one of its rows is really class 1.
    z[231, :] = 0.0
    z[231, 1] = 4.0
    # The singleton (class 4, last row) is confidently class 0.
    z[-1, :] = 0.0
    z[-1, 0] = 5.0
    P = softmax(z)
    flipped = np.flatnonzero(labels != true)
    flipped = np.union1d(flipped, [231])
    original = true.copy()
    original[231] = 1
    return case("rare-and-absent-classes",
                "synthetic: softmax(N(0,1) logits + 3 on the true class), class sizes 120/90/20/4/1, "
                "class 5 absent from the labels; numpy default_rng(1611)",
                labels, P, {"flipped": flipped, "original_labels": original})


def exact_ties():
    """k = 3, probabilities on a grid of eighths (exact in binary, rows sum to exactly 1), so
    margins, self-confidences and the rounding residuals tie."""
    rng = np.random.default_rng(1612)
    patterns = np.array([
        [6, 1, 1], [5, 2, 1], [4, 2, 2], [1, 6, 1], [2, 5, 1], [1, 1, 6], [2, 2, 4], [3, 3, 2],
        [4, 4, 0], [8, 0, 0], [0, 8, 0], [0, 0, 8],
    ], dtype=float) / 8.0
    n = 90
    rows = rng.integers(0, len(patterns), size=n)
    P = patterns[rows]
    argmax = P.argmax(axis=1)
    labels = argmax.copy()
    wrong = rng.random(n) < 0.25
    labels[wrong] = (argmax[wrong] + rng.integers(1, 3, size=int(wrong.sum()))) % 3
    return case("exact-ties",
                "synthetic: rows drawn from 12 patterns of eighths, 25% of labels moved off the "
                "argmax; numpy default_rng(1612)", labels, P)


def clean_set():
    """k = 4, every label is the confident argmax: no issue."""
    rng = np.random.default_rng(1613)
    n, k = 200, 4
    labels = rng.integers(0, k, size=n)
    rest = rng.dirichlet(np.ones(k - 1), size=n)
    top = rng.uniform(0.75, 0.97, size=n)
    P = np.zeros((n, k))
    for i in range(n):
        others = [c for c in range(k) if c != labels[i]]
        P[i, labels[i]] = top[i]
        P[i, others] = (1.0 - top[i]) * rest[i]
    c = case("clean", "synthetic: given label always the argmax with probability 0.75-0.97; "
             "numpy default_rng(1613)", labels, P)
    assert not any(c["cleanlab"]["is_label_issue"]), "the clean set must have no issue"
    return c


def binary_half():
    """Binary rows at and around 0.5, within and outside cleanlab's 1e-6 fuzz."""
    rng = np.random.default_rng(1614)
    base = [0.5, 0.5 + 4e-7, 0.5 - 4e-7, 0.5 + 1e-6, 0.5 - 1e-6, 0.5 + 3e-6, 0.5 - 3e-6, 0.6, 0.4,
            0.9, 0.1, 0.99, 0.01]
    p1 = np.array(base * 6)
    p1 = np.concatenate([p1, rng.uniform(0.0, 1.0, 40)])
    P = np.stack([1.0 - p1, p1], axis=1)
    labels = (rng.random(len(p1)) < 0.5).astype(np.int64)
    labels[:len(base)] = 1
    labels[len(base):2 * len(base)] = 0
    return case("binary-around-half",
                "synthetic: P(class 1) at 0.5 and 0.5 +- 4e-7, 1e-6, 3e-6 (around cleanlab's 1e-6 "
                "fuzz), then uniform; numpy default_rng(1614)", labels, P)


def edge_cases():
    return [rare_absent(), exact_ties(), clean_set(), binary_half()]


def random_small():
    out = []
    rng = np.random.default_rng(1620)
    while len(out) < 40:
        i = len(out)
        n = int(rng.integers(4, 81))
        k = int(rng.integers(2, 7))
        coarse = i % 2 == 1
        if coarse:
            grid = 8
            cnt = rng.multinomial(grid, rng.dirichlet(np.ones(k)), size=n)
            P = cnt / float(grid)
        else:
            P = rng.dirichlet(np.full(k, 0.5), size=n)
        argmax = P.argmax(axis=1)
        labels = np.where(rng.random(n) < 0.7, argmax, rng.integers(0, k, size=n))
        # Some cases leave the top class out of the labels entirely.
        if i % 5 == 4:
            labels[labels == k - 1] = 0
        if len(set(labels.tolist())) < 2:
            continue
        kind = "eighths" if coarse else "dirichlet(0.5)"
        out.append(case(f"random-small-{i:02d}",
                        f"synthetic: n={n}, k={k}, {kind} rows, 70% argmax labels; "
                        "numpy default_rng(1620), drawn in order", labels, P))
    return out


# ---------------------------------------------------------------------------------------------
# Writing.


def dump(obj, indent=0):
    """JSON with one line per scalar list (a probability row, a mask): short files, line diffs."""
    pad = " " * indent
    if isinstance(obj, dict):
        items = [f'{pad} {json.dumps(k)}: {dump(v, indent + 1).lstrip()}' for k, v in obj.items()]
        return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and obj and all(isinstance(x, (dict, list)) for x in obj):
        return pad + "[\n" + ",\n".join(dump(x, indent + 1) for x in obj) + "\n" + pad + "]"
    return pad + json.dumps(obj, separators=(", ", ": "))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--allow-version-mismatch", action="store_true")
    args = ap.parse_args()
    got = {"cleanlab": cleanlab.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
           "sklearn": sklearn.__version__}
    bad = {k: (got[k], v) for k, v in PINNED.items() if got[k] != v}
    if bad and not args.allow_version_mismatch:
        raise SystemExit(f"pinned versions differ (got, want): {bad}")
    got["python"] = sys.version.split()[0]
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {"generator": GENERATOR, "versions": got}
    files = {
        "datasets.json": dataset_cases(),
        "edge_cases.json": edge_cases(),
        "random_small.json": random_small(),
    }
    for name, cases in files.items():
        doc = {**meta, "cases": cases}
        (args.out / name).write_text(dump(doc) + "\n")
        sensitive = [c["name"] for c in cases if c["tie_sensitive"]]
        print(f"{args.out / name}: {len(cases)} cases; tie-sensitive: {sensitive or 'none'}")


if __name__ == "__main__":
    main()
