#!/usr/bin/env python
"""Reference values for Verdict's ensemble core (issue 16, `verdict ensemble`).

    /work/venvs/ens/bin/python python/make_ensemble_fixtures.py \
        --out crates/verdict-core/tests/fixtures/ensemble --examples examples/ensemble/seed004

Install the reference stack first (python/requirements-ensemble.txt, exact pins):

    python3 -m venv /work/venvs/ens && /work/venvs/ens/bin/pip install -r python/requirements-ensemble.txt

Writes into --out (read by crates/verdict-core/tests/ensemble_parity.rs):

* voting.json: scikit-learn's real `VotingClassifier` (soft and hard) on wine (3 classes), digits
  (10) and breast_cancer (binary), each fitted on a train split; on the test split the four fitted
  members' `predict_proba` (from `vc.estimators_`), and per weight vector `vc.predict_proba`,
  `vc.predict` (soft) and the hard-voting `vc.predict`; for the binary data set also rank averaging
  (a numpy reference: per member `scipy.stats.rankdata(p_positive, "average") / n`, then the mean
  weighted by the normalised weights, summed in member order).
* optimize.json: per data set, five members' out-of-fold probabilities (`cross_val_predict(...,
  method="predict_proba")`) on a validation part and fitted-on-validation probabilities on a test
  part; (a) the log-loss optimum over the weight simplex from `scipy.optimize.minimize(method=
  "SLSQP")` (sum = 1 equality, [0, 1] bounds, start at equal weights, analytic gradient, ftol 1e-16);
  (b) Caruana et al. (2004) ensemble selection from the plain-Python reference `caruana_reference`
  below, for log loss and accuracy, 50 and 7 rounds.
* diversity.json: Kuncheva & Whitaker (2003) pairwise measures on the members' oracle outputs, from
  the numpy reference `diversity_reference` below, incl. degenerate cases where a measure is 0/0.

and into --examples the seed-004 synthetic ensemble (inputs only, no expected values):
`{val,test}/{bert,bilstm,lstm,lexicon}.csv` in Verdict's predictions format (`id,label,score`,
labels `pos`/`neg`, score = P(pos) to 4 decimals), see `seed004_members` below and the README
written next to them.

Deterministic: fixed seeds everywhere (data splits, CV folds, forests, the synthetic data), floats
written with repr() (shortest round-trip, up to 17 significant digits), keys sorted. Two runs give
identical bytes on one machine; another CPU may change the last bits of fitted models (BLAS), which
`python/fixtures_match.py` tolerates (1e-9 relative).

JSON layout: dicts one key per line; a list of numbers on one line; a list of lists one inner list per
line. Probability matrices are lists of rows (n × k); `member_proba` / `proba` are lists of such
matrices, one per member, in member order. Class indices are 0-based (scikit-learn's encoded labels).
Undefined values (0/0) are null.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.optimize import minimize
from scipy.stats import rankdata
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.ensemble import RandomForestClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

GENERATOR = "python/make_ensemble_fixtures.py"
PINNED = {"numpy": "2.4.6", "scipy": "1.17.1", "sklearn": "1.9.1"}
EPS = float(np.finfo(np.float64).eps)


def versions() -> dict:
    return {
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "python": platform.python_version(),
    }


# ---------------------------------------------------------------------------------------------
# JSON writer: repr floats, sorted keys, rows on one line.


def _scalar(x) -> str:
    if x is None:
        return "null"
    if isinstance(x, (bool, np.bool_)):
        return "true" if x else "false"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        f = float(x)
        assert math.isfinite(f), f"non-finite value {f} in a fixture"
        return repr(f)
    if isinstance(x, str):
        return json.dumps(x, ensure_ascii=False)
    raise TypeError(f"cannot write {type(x)}")


def dump(obj, indent: int = 0) -> str:
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(obj, np.ndarray):
        obj = obj.tolist()
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {dump(obj[k], indent + 1)}" for k in sorted(obj)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, (list, tuple)):
        if all(not isinstance(v, (list, tuple, dict, np.ndarray)) for v in obj):
            return "[" + ", ".join(_scalar(v) for v in obj) + "]"
        return "[\n" + ",\n".join(inner + dump(v, indent + 1) for v in obj) + "\n" + pad + "]"
    return _scalar(obj)


def write_json(path: Path, obj) -> None:
    path.write_text(dump(obj) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Data sets and members.


def datasets():
    """(name, X, y) for the three scikit-learn data sets; y are class indices 0..k-1."""
    out = []
    for name, loader in (("wine", load_wine), ("digits", load_digits), ("breast_cancer", load_breast_cancer)):
        d = loader()
        out.append((name, d.data.astype(np.float64), d.target.astype(np.int64)))
    return out


def voting_members():
    """Four different estimators whose `predict` is the argmax of `predict_proba` (asserted)."""
    return [
        ("logreg", make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))),
        ("gaussian_nb", GaussianNB()),
        ("random_forest", RandomForestClassifier(n_estimators=20, random_state=0, n_jobs=1)),
        # Unscaled, 4 neighbours: coarse probabilities (multiples of 1/4), so soft ties happen too.
        ("knn", KNeighborsClassifier(n_neighbors=4)),
    ]


def optimize_members():
    """Five members for weight learning: a decision tree (0/1 probabilities) makes a boundary optimum."""
    return [
        ("logreg", make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))),
        ("gaussian_nb", GaussianNB()),
        ("random_forest", RandomForestClassifier(n_estimators=50, random_state=0, n_jobs=1)),
        ("knn", KNeighborsClassifier(n_neighbors=10)),
        ("decision_tree", DecisionTreeClassifier(random_state=0)),
    ]


def assert_predict_is_argmax(est, X, what):
    pred = est.predict(X)
    arg = np.argmax(est.predict_proba(X), axis=1)
    assert np.array_equal(pred, est.classes_[arg]), f"{what}: predict is not argmax(predict_proba)"
    assert np.array_equal(est.classes_, np.arange(len(est.classes_))), what


# ---------------------------------------------------------------------------------------------
# voting.json


VOTING_SPLITS = {"wine": 0.4, "digits": 0.2, "breast_cancer": 0.3}
VOTING_WEIGHTS = [
    [1.0, 1.0, 1.0, 1.0],  # equal: 2–2 hard-vote ties
    [0.3, 0.3, 0.25, 0.15],  # seed 004's weights (float sums: 0.3 + 0.15 vs 0.3 + 0.25 ...)
    [2.0, 1.0, 0.0, 1.0],  # a zero weight, and 2 vs 1 + 1 ties
    [0.1, 0.2, 0.3, 0.4],
]


def hard_ties(preds: np.ndarray, w: np.ndarray, k: int) -> int:
    """Rows whose weighted vote count has more than one maximum (scikit-learn takes the lowest class)."""
    ties = 0
    for row in preds.T:
        counts = np.bincount(row, weights=w, minlength=k)
        ties += int(np.sum(counts == counts.max()) > 1)
    return ties


def rank_average_reference(p_pos: list[np.ndarray], w: np.ndarray) -> np.ndarray:
    """Per member rankdata(p, "average") / n, then Σ_m (w_m / Σw) · R_m summed in member order."""
    n = len(p_pos[0])
    wn = w / w.sum()
    out = np.zeros(n)
    for m, p in enumerate(p_pos):
        out = out + wn[m] * (rankdata(p, method="average") / n)
    return out


def make_voting():
    out = []
    total_ties = 0
    for name, X, y in datasets():
        k = int(y.max()) + 1
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=VOTING_SPLITS[name], random_state=0, stratify=y)
        names = [n for n, _ in voting_members()]
        member_proba = None
        cases = []
        for w in VOTING_WEIGHTS:
            soft = VotingClassifier(voting_members(), voting="soft", weights=w).fit(Xtr, ytr)
            hard = VotingClassifier(voting_members(), voting="hard", weights=w).fit(Xtr, ytr)
            probas = [est.predict_proba(Xte) for est in soft.estimators_]
            for est, nm in zip(soft.estimators_, names):
                assert_predict_is_argmax(est, Xte, f"{name}/{nm}")
            for a, b in zip(probas, (est.predict_proba(Xte) for est in hard.estimators_)):
                assert np.array_equal(a, b), "hard and soft members differ"
            if member_proba is None:
                member_proba = probas
            else:
                assert all(np.array_equal(a, b) for a, b in zip(member_proba, probas)), "refit differs"
            sp = soft.predict_proba(Xte)
            spred = soft.predict(Xte)
            assert np.array_equal(spred, np.argmax(sp, axis=1))
            hpred = hard.predict(Xte)
            member_preds = np.asarray([est.predict(Xte) for est in hard.estimators_])
            ties = hard_ties(member_preds, np.asarray(w), k)
            total_ties += ties
            case = {
                "weights": w,
                "soft_proba": sp,
                "soft_pred": spred,
                "hard_pred": hpred,
                "hard_ties": ties,
            }
            if k == 2:
                case["rank_average"] = rank_average_reference([p[:, 1] for p in probas], np.asarray(w))
            cases.append(case)
        out.append(
            {
                "name": name,
                "k": k,
                "n_train": len(ytr),
                "n": len(yte),
                "labels": yte,
                "members": names,
                "member_proba": member_proba,
                "cases": cases,
            }
        )
    assert total_ties > 0, "no hard-vote tie in any case"
    return {
        "generator": GENERATOR,
        "versions": versions(),
        "notes": (
            "VotingClassifier(members, voting=soft|hard, weights=w).fit(train); member_proba = "
            "[e.predict_proba(test) for e in vc.estimators_]; soft_proba = vc.predict_proba(test) "
            "(np.average(axis=0, weights=w)); soft_pred / hard_pred = vc.predict(test); hard ties go "
            "to the lowest class (argmax(bincount(preds, weights=w))); hard_ties = rows with a tied "
            "weighted count; rank_average (binary only) = sum over members in order of "
            "(w_m / sum w) * rankdata(proba[:, 1], 'average') / n."
        ),
        "datasets": out,
    }


# ---------------------------------------------------------------------------------------------
# optimize.json


OPT_SPLITS = {"wine": (0.5, 0.5), "digits": (600, 600), "breast_cancer": (0.5, 0.5)}


def true_class_matrix(P: list[np.ndarray], y: np.ndarray) -> np.ndarray:
    """A[i, m] = P_m[i, y_i]: all the log loss of a mixture depends on."""
    return np.stack([p[np.arange(len(y)), y] for p in P], axis=1)


def slsqp_optimum(P: list[np.ndarray], y: np.ndarray, k: int) -> dict:
    A = true_class_matrix(P, y)
    M = A.shape[1]

    def f(w):
        q = np.clip(A @ w, EPS, 1 - EPS)
        return -np.mean(np.log(q))

    def g(w):
        q = A @ w
        inside = (q > EPS) & (q < 1 - EPS)
        coef = np.where(inside, 1.0 / np.where(inside, q, 1.0), 0.0)
        return -(A * coef[:, None]).mean(axis=0)

    res = minimize(
        f,
        np.full(M, 1.0 / M),
        jac=g,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * M,
        constraints=[{"type": "eq", "fun": lambda w: np.sum(w) - 1.0, "jac": lambda w: np.ones(M)}],
        options={"ftol": 1e-16, "maxiter": 1000},
    )
    assert res.success, res.message
    w = np.clip(res.x, 0.0, None)
    w = w / w.sum()
    ens = np.average(np.asarray(P), axis=0, weights=w)
    ll = log_loss(y, ens, labels=list(range(k)))
    # KKT check: on the free coordinates the gradient is equal (= the multiplier), on the bound ones
    # it is not smaller.
    grad = g(w)
    free = w > 1e-9
    mu = float(np.mean(grad[free]))
    spread = float(np.max(np.abs(grad[free] - mu)))
    slack = float(np.min(grad[~free] - mu)) if np.any(~free) else None
    return {
        "x": res.x,
        "weights": w,
        "log_loss": ll,
        "nit": int(res.nit),
        "kkt_free_gradient_spread": spread,
        "kkt_min_bound_slack": slack,
    }


def metric_value(metric: str, y: np.ndarray, P: np.ndarray, k: int) -> float:
    if metric == "log_loss":
        return float(log_loss(y, P, labels=list(range(k))))
    if metric == "accuracy":
        return float(np.mean(np.argmax(P, axis=1) == y))
    raise ValueError(metric)


def caruana_reference(P: list[np.ndarray], y: np.ndarray, k: int, rounds: int, metric: str) -> dict:
    """Caruana, Niculescu-Mizil, Crew & Ksikes (2004), ensemble selection with replacement.

    Round r (1-based) tries every member j and scores the ensemble (S + P_j) / r, S = the sum of the
    probabilities of the members selected so far (S = 0 in round 1, so round 1 picks the best single
    member); the best j is added (ties: lowest index, i.e. only a strictly better score replaces the
    current best). weights = selection counts / rounds. Log loss is minimised, accuracy maximised.
    """
    better = (lambda a, b: a < b) if metric == "log_loss" else (lambda a, b: a > b)
    running = np.zeros_like(P[0])
    order, scores = [], []
    for r in range(1, rounds + 1):
        best_j, best_s = None, None
        for j in range(len(P)):
            s = metric_value(metric, y, (running + P[j]) / r, k)
            if best_j is None or better(s, best_s):
                best_j, best_s = j, s
        running = running + P[best_j]
        order.append(best_j)
        scores.append(best_s)
    weights = [order.count(j) / rounds for j in range(len(P))]
    return {"metric": metric, "rounds": rounds, "order": order, "scores": scores, "weights": weights}


def optimize_case(name, k, members, Pval, yval, Ptest, ytest, extra=None):
    case = {
        "name": name,
        "k": k,
        "members": members,
        "val": {"labels": yval, "proba": Pval},
        "test": {"labels": ytest, "proba": Ptest},
        "equal_weights_log_loss": log_loss(yval, np.average(np.asarray(Pval), axis=0), labels=list(range(k))),
        "slsqp": slsqp_optimum(Pval, yval, k),
        "caruana": [
            caruana_reference(Pval, yval, k, rounds, metric)
            for metric in ("log_loss", "accuracy")
            for rounds in (50, 7)
        ],
    }
    case.update(extra or {})
    return case


def make_optimize(seed004_val, seed004_test):
    out = []
    for name, X, y in datasets():
        k = int(y.max()) + 1
        a, b = OPT_SPLITS[name]
        Xv, Xt, yv, yt = train_test_split(X, y, train_size=a, test_size=b, random_state=1, stratify=y)
        cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        names, Pv, Pt = [], [], []
        for nm, est in optimize_members():
            names.append(nm)
            Pv.append(cross_val_predict(est, Xv, yv, cv=cv, method="predict_proba"))
            Pt.append(est.fit(Xv, yv).predict_proba(Xt))
        out.append(optimize_case(name, k, names, Pv, yv, Pt, yt))
    # Seed 004's synthetic members as Verdict reads their CSVs: score s (4 decimals) → row [1 − s, s].
    names = [m for m, *_ in SEED004]
    rows = lambda split: [np.stack([1.0 - s, s], axis=1) for s in split["scores"]]
    out.append(
        optimize_case(
            "seed004", 2, names, rows(seed004_val), seed004_val["y"], rows(seed004_test), seed004_test["y"],
            {"source": "examples/ensemble/seed004/{val,test}/*.csv (score → [1 - score, score])"},
        )
    )
    return {
        "generator": GENERATOR,
        "versions": versions(),
        "notes": (
            "val.proba = cross_val_predict(member, X_val, y_val, cv=StratifiedKFold(5, shuffle=True, "
            "random_state=0), method='predict_proba'); test.proba = member.fit(X_val, y_val)."
            "predict_proba(X_test). slsqp: minimize(-mean(log(clip(A @ w, eps, 1-eps))), A[i,m] = "
            "P_m[i, y_i], method='SLSQP', x0 = 1/M, bounds [0,1], sum(w) = 1, analytic jac, "
            "ftol=1e-16); weights = clip(x, 0) / sum; log_loss = sklearn log_loss(y_val, "
            "np.average(P, axis=0, weights=weights), labels=range(k)); kkt_* = the gradient's spread "
            "on the free weights and the smallest gradient - multiplier on the zero ones (>= 0 at a "
            "minimum). caruana: see caruana_reference in the generator (ties: lowest index)."
        ),
        "datasets": out,
    }


# ---------------------------------------------------------------------------------------------
# diversity.json


def ratio(num: int, den: int):
    """num / den as a float (Python ints are exact, so no overflow); None for 0/0."""
    if den == 0:
        assert num == 0
        return None
    return num / den


def diversity_reference(correct: np.ndarray) -> tuple[list, list | None]:
    """Kuncheva & Whitaker (2003) for every pair a < b of the rows of `correct` (members × n, bool).

    N11 both correct, N10 a correct and b wrong, N01 a wrong and b correct, N00 both wrong;
    disagreement (N01 + N10) / N, Q = (N11·N00 − N01·N10) / (N11·N00 + N01·N10), double fault
    N00 / N, ρ = (N11·N00 − N01·N10) / sqrt((N11+N10)(N01+N00)(N11+N01)(N10+N00)). Counts by numpy,
    the formulas in Python integers (exact), one division (and one sqrt of the exact product, rounded
    once to float) at the end; 0/0 → None.

    most_redundant: the pair with the highest Q; ties by the higher double fault, then the lowest
    (a, b); pairs with an undefined Q are skipped; None when no Q is defined.
    """
    pairs = []
    M = correct.shape[0]
    for a in range(M):
        for b in range(a + 1, M):
            ca, cb = correct[a], correct[b]
            n11 = int(np.sum(ca & cb))
            n10 = int(np.sum(ca & ~cb))
            n01 = int(np.sum(~ca & cb))
            n00 = int(np.sum(~ca & ~cb))
            n = n11 + n10 + n01 + n00
            num = n11 * n00 - n01 * n10
            prod = (n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00)
            if prod == 0:
                assert num == 0
                rho = None
            else:
                rho = num / math.sqrt(float(prod))
            pairs.append(
                {
                    "a": a,
                    "b": b,
                    "n11": n11,
                    "n10": n10,
                    "n01": n01,
                    "n00": n00,
                    "disagreement": ratio(n01 + n10, n),
                    "q": ratio(num, n11 * n00 + n01 * n10),
                    "double_fault": ratio(n00, n),
                    "correlation": rho,
                }
            )
    best = None
    for p in pairs:
        if p["q"] is None:
            continue
        key = (p["q"], p["double_fault"] if p["double_fault"] is not None else -1.0)
        if best is None or key > best[0]:
            best = (key, [p["a"], p["b"]])
    return pairs, (best[1] if best else None)


def make_diversity(voting, optimize, seed004_val):
    cases = []

    def add(name, source, correct):
        correct = np.asarray(correct, dtype=bool).reshape(len(correct), -1)
        pairs, red = diversity_reference(correct)
        cases.append(
            {
                "name": name,
                "source": source,
                "n": int(correct.shape[1]),
                "correct": correct.astype(int),
                "pairs": pairs,
                "most_redundant": red,
            }
        )

    for d in voting["datasets"]:
        y = np.asarray(d["labels"])
        add(d["name"] + "-test", f"voting.json:{d['name']}",
            [np.argmax(p, axis=1) == y for p in d["member_proba"]])
    for d in optimize["datasets"]:
        if d["name"] == "seed004":
            continue
        y = np.asarray(d["val"]["labels"])
        add(d["name"] + "-val", f"optimize.json:{d['name']}:val",
            [np.argmax(p, axis=1) == y for p in d["val"]["proba"]])
    y = seed004_val["y"]
    add("seed004-val", "examples/ensemble/seed004/val (score >= 0.5 → pos)",
        [np.argmax(np.stack([1.0 - s, s], axis=1), axis=1) == y for s in seed004_val["scores"]])
    # Degenerate: members 0 and 1 always correct (Q and ρ of (0, 1) are 0/0; ρ of every pair with
    # an always-correct member too), member 2 always wrong, member 3 alternates.
    n = 8
    add("degenerate", "constructed", [[True] * n, [True] * n, [False] * n, [i % 2 == 0 for i in range(n)]])
    # Two members that never agree on being right: Q = -1, ρ = -1.
    add("opposite", "constructed", [[i % 2 == 0 for i in range(6)], [i % 2 == 1 for i in range(6)]])
    # No rows at all: every ratio is 0/0.
    add("empty", "constructed", np.zeros((3, 0), dtype=bool))
    return {
        "generator": GENERATOR,
        "versions": versions(),
        "notes": (
            "correct[m][i] = 1 iff argmax(proba_m[i]) == y[i] (numpy argmax: first maximum); pairs "
            "a < b in order (0,1), (0,2), ...; null = 0/0; most_redundant = the pair with the highest "
            "q, ties by the higher double_fault, then the lowest (a, b); null when no q is defined. "
            "See diversity_reference in the generator."
        ),
        "cases": cases,
    }


# ---------------------------------------------------------------------------------------------
# Seed 004: a synthetic four-member binary sentiment ensemble.

# (member, accuracy, loading on the shared difficulty h, loading on the RNN factor r, confidence scale)
SEED004 = [
    ("bert", 0.96, 0.45, 0.20, 4.0),
    ("bilstm", 0.87, 0.35, 0.75, 2.5),
    ("lstm", 0.85, 0.35, 0.75, 2.5),
    ("lexicon", 0.82, 0.25, 0.00, 1.5),
]
SEED004_N = 2000


def seed004_members(rng: np.random.Generator, n: int) -> dict:
    """One split of the synthetic seed-004 ensemble.

    Labels: n/2 pos (1), n/2 neg (0), shuffled. Each row has a shared difficulty h ~ N(0, 1) that
    every member sees a little, and an RNN factor r ~ N(0, 1) that BiLSTM and LSTM share strongly
    (their errors overlap) and BERT weakly; the lexicon's errors are mostly its own. Member m's
    latent ease is a·h + b·r + sqrt(1 − a² − b²)·e_m (e_m ~ N(0, 1)); the round(n·(1 − acc)) rows
    with the lowest ease are its errors, so its accuracy is exactly the target. Its probability of
    the true class is sigmoid(scale · (ease − t)), t halfway between the worst correct row and the
    best wrong one, rounded to 4 decimals and kept in [0.0001, 0.9999] and off 0.5 (so argmax, and
    a 0.5 threshold, give exactly the intended errors); score = P(pos).
    """
    y = np.array([1] * (n // 2) + [0] * (n - n // 2))
    rng.shuffle(y)
    h = rng.standard_normal(n)
    r = rng.standard_normal(n)
    scores, correct = [], []
    for _, acc, a, b, scale in SEED004:
        e = rng.standard_normal(n)
        ease = a * h + b * r + math.sqrt(1.0 - a * a - b * b) * e
        n_err = round(n * (1.0 - acc))
        order = np.argsort(ease, kind="stable")
        ok = np.ones(n, dtype=bool)
        ok[order[:n_err]] = False
        t = 0.5 * (ease[order[n_err - 1]] + ease[order[n_err]])
        p_true = 1.0 / (1.0 + np.exp(-scale * (ease - t)))
        p_true = np.clip(np.round(p_true, 4), 0.0001, 0.9999)
        p_true = np.where(ok, np.maximum(p_true, 0.5001), np.minimum(p_true, 0.4999))
        s = np.round(np.where(y == 1, p_true, 1.0 - p_true), 4)
        assert np.array_equal((s >= 0.5) == (y == 1), ok)
        scores.append(s)
        correct.append(ok)
    return {"y": y, "scores": scores, "correct": correct}


def write_seed004(root: Path, splits: dict) -> None:
    for split, data in splits.items():
        d = root / split
        d.mkdir(parents=True, exist_ok=True)
        for (member, *_), s in zip(SEED004, data["scores"]):
            lines = ["id,label,score"]
            for i, (yi, si) in enumerate(zip(data["y"], s)):
                lines.append(f"{split}-{i + 1:05d},{'pos' if yi == 1 else 'neg'},{repr(float(si))}")
            (d / f"{member}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    stats = []
    for split, data in splits.items():
        c = data["correct"]
        accs = ", ".join(f"{m} {np.mean(ok):.2%}" for (m, *_), ok in zip(SEED004, c))
        both = lambda i, j: int(np.sum(~c[i] & ~c[j]))
        stats.append(
            f"* `{split}/`: accuracies {accs}; rows both wrong: BiLSTM & LSTM {both(1, 2)}, "
            f"BiLSTM & lexicon {both(1, 3)}, LSTM & lexicon {both(2, 3)}, BERT & BiLSTM {both(0, 1)}."
        )
    # examples/ensemble/README.md (hand-written, its commands run by the README test) quotes these.
    print("\n".join(stats))


# ---------------------------------------------------------------------------------------------


FIXTURE_README = """# Ensemble reference fixtures (issue 16)

Written by `python/make_ensemble_fixtures.py` (reference stack: `python/requirements-ensemble.txt`), read by
`crates/verdict-core/tests/ensemble_parity.rs`. Do not edit by hand; regenerate and check with

    /work/venvs/ens/bin/python python/make_ensemble_fixtures.py --out /tmp/ens --examples /tmp/ens-seed004
    python python/fixtures_match.py /tmp/ens crates/verdict-core/tests/fixtures/ensemble

Conventions: class indices 0-based; a probability matrix is a list of rows (n × k); `member_proba` /
`proba` are lists of matrices, one per member; undefined (0/0) is `null`. Every file has `generator`,
`versions` and `notes`.

## voting.json
`datasets[]`: `name` (wine, digits, breast_cancer), `k`, `n_train`, `n` (test rows), `labels` (test),
`members` (names), `member_proba` (each fitted member's `predict_proba` on the test split), `cases[]`:
`weights` (as given to `VotingClassifier`), `soft_proba` (`vc.predict_proba`), `soft_pred`, `hard_pred`
(`vc.predict` under soft / hard voting), `hard_ties` (rows with a tied weighted vote count),
`rank_average` (binary only: numpy reference).

## optimize.json
`datasets[]`: `name` (wine, digits, breast_cancer, seed004), `k`, `members`, `val` / `test`: `labels`, `proba`
(val: out-of-fold), `equal_weights_log_loss`, `slsqp`: `x` (scipy's raw result), `weights` (clipped at 0,
renormalised), `log_loss` (sklearn, at `weights`), `nit`, `kkt_free_gradient_spread`, `kkt_min_bound_slack`;
`caruana[]`: `metric` (`log_loss` | `accuracy`), `rounds`, `order` (selected member per round), `scores`
(metric after each round), `weights` (counts / rounds). seed004 also has `source`.

## diversity.json
`cases[]`: `name`, `source`, `n`, `correct` (members × n, 0/1), `pairs[]` (a < b): `a`, `b`, `n11`, `n10`,
`n01`, `n00`, `disagreement`, `q`, `double_fault`, `correlation`; `most_redundant` ([a, b] or null).
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="fixture directory (voting/optimize/diversity.json)")
    ap.add_argument("--examples", type=Path, help="directory for the seed-004 CSVs (val/, test/)")
    a = ap.parse_args()
    v = versions()
    bad = {k: (v[k], want) for k, want in PINNED.items() if v[k] != want}
    if bad:
        sys.exit(f"reference stack differs from the pins (python/requirements-ensemble.txt): {bad}")
    rng = np.random.default_rng(20250717)  # the seed report's date
    seed004 = {"val": seed004_members(rng, SEED004_N), "test": seed004_members(rng, SEED004_N)}
    a.out.mkdir(parents=True, exist_ok=True)
    voting = make_voting()
    write_json(a.out / "voting.json", voting)
    optimize = make_optimize(seed004["val"], seed004["test"])
    write_json(a.out / "optimize.json", optimize)
    write_json(a.out / "diversity.json", make_diversity(voting, optimize, seed004["val"]))
    (a.out / "README.md").write_text(FIXTURE_README, encoding="utf-8")
    if a.examples:
        write_seed004(a.examples, seed004)
    for d in optimize["datasets"]:
        s = d["slsqp"]
        print(f"{d['name']}: slsqp nit {s['nit']} log loss {s['log_loss']:.12g} weights "
              f"{np.round(s['weights'], 6).tolist()} kkt spread {s['kkt_free_gradient_spread']:.2g} "
              f"slack {s['kkt_min_bound_slack']}")


if __name__ == "__main__":
    main()
