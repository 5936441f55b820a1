#!/usr/bin/env python
"""Generate the `verdict compare` reference fixtures in crates/verdict/tests/fixtures/compare/.

Run from anywhere with the pinned venv (python/requirements.txt):

    /path/to/venv/bin/python python/make_compare_fixtures.py [--out DIR]

Each scenario is a few prediction files plus `<name>.expected.json`:

    {"files": [...], "args": [...], "generator", "versions", "notes", ["absent": [...]],
     "expected": {a subset of the compare JSON (docs/compare-json.md), same key names}}

The Rust test runs `verdict compare <files> --format json --bootstrap 0 <args>` in this directory and
checks every leaf of "expected" (numbers to 1e-9, strings/integers/null exactly). Refusal scenarios
have "expected": {"error_contains": "..."}: the command must fail and its message must contain that
text (the id that differs).

Deterministic: re-running reproduces identical bytes (fixed CV seed, fixed model seeds, fixed
shuffles, floats written with repr(), expected values computed from the values re-read from the
written files). Formulas: docs/design/metrics.md §3 (McNemar §3.1, DeLong §3.2, Obuchowski
§3.3); every interpretation is spelled out next to the code and in the fixtures' README.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
from scipy.stats import binom, norm
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
import verdict_ref as R  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "verdict" / "tests" / "fixtures" / "compare"
EXAMPLES = ROOT / "examples" / "seed000"
GENERATOR = "python/make_compare_fixtures.py"
PINNED_STATSMODELS = "0.15.0"
ALPHA = 0.05
Z975 = float(norm.ppf(1 - ALPHA / 2))


def versions() -> dict:
    import statsmodels

    v = R.versions()
    v["statsmodels"] = statsmodels.__version__
    return v


def check_versions() -> None:
    R.check_versions()
    import statsmodels

    if statsmodels.__version__ != PINNED_STATSMODELS:
        raise SystemExit(f"version mismatch: statsmodels {statsmodels.__version__}, pinned {PINNED_STATSMODELS}")


def lr():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))


def write_expected(out: Path, name: str, files: list[str], args: list[str], expected: dict, notes: str,
                   absent=None):
    doc = {"files": files, "args": args, "generator": GENERATOR, "versions": versions(), "notes": notes}
    if absent:
        doc["absent"] = absent
    doc["expected"] = expected
    text = json.dumps(doc, indent=1, allow_nan=False, ensure_ascii=False) + "\n"
    (out / f"{name}.expected.json").write_text(text, encoding="utf-8")


def stem(f: str) -> str:
    return Path(f).stem


# ----------------------------------------------------------------------------------------------
# §3.1 McNemar


def mcnemar_block(correct_a: np.ndarray, correct_b: np.ndarray) -> dict:
    """b = #(A right, B wrong), c = #(A wrong, B right); p-values from statsmodels' mcnemar on the
    2x2 table [[both right, A only], [B only, both wrong]]; mid-p (not in statsmodels) from
    scipy.stats.binom as docs/design/metrics.md §3.1: 2·cdf(min(b,c); n, ½) − pmf(min(b,c); n, ½), from the
    UNcapped exact value. chi2 = without continuity correction, chi2_cc = with (cc = 1)."""
    from statsmodels.stats.contingency_tables import mcnemar

    ca, cb = np.asarray(correct_a, bool), np.asarray(correct_b, bool)
    t = np.array([[np.sum(ca & cb), np.sum(ca & ~cb)], [np.sum(~ca & cb), np.sum(~ca & ~cb)]], dtype=np.int64)
    b, c = int(t[0, 1]), int(t[1, 0])
    n = b + c
    k = min(b, c)
    ex = mcnemar(t, exact=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # n = 0 -> NaN (-> null)
        asy = mcnemar(t, exact=False, correction=False)
        acc = mcnemar(t, exact=False, correction=True)
    mid = 2.0 * binom.cdf(k, n, 0.5) - binom.pmf(k, n, 0.5) if n > 0 else 1.0
    exact_p = float(ex.pvalue) if n > 0 else 1.0
    assert abs(exact_p - min(1.0, 2.0 * binom.cdf(k, n, 0.5))) < 1e-15
    return {"b": b, "c": c, "exact_p": R.jnum(exact_p), "mid_p": R.jnum(mid),
            "chi2": R.jnum(asy.statistic), "chi2_p": R.jnum(asy.pvalue),
            "chi2_cc": R.jnum(acc.statistic), "chi2_cc_p": R.jnum(acc.pvalue)}


# ----------------------------------------------------------------------------------------------
# §3.2 DeLong: fast (Sun & Xu) and direct (placements), which must agree


def compute_midrank(x: np.ndarray) -> np.ndarray:
    """1-based average ranks (ties share the mean rank); yandexdataschool compute_midrank."""
    J = np.argsort(x, kind="mergesort")
    Z = x[J]
    N = len(x)
    T = np.zeros(N, dtype=np.float64)
    i = 0
    while i < N:
        j = i
        while j < N and Z[j] == Z[i]:
            j += 1
        T[i:j] = 0.5 * (i + j - 1)
        i = j
    T2 = np.empty(N, dtype=np.float64)
    T2[J] = T + 1
    return T2


def fast_delong(preds_sorted: np.ndarray, m: int):
    """yandexdataschool/roc_comparison compare_auc_delong_xu.py `fastDeLong`.

    preds_sorted: (k models, m+n) with the m positives first. Returns (aucs, covariance S) with
    S = S10/m + S01/n, np.cov (ddof=1)."""
    n = preds_sorted.shape[1] - m
    pos, neg = preds_sorted[:, :m], preds_sorted[:, m:]
    k = preds_sorted.shape[0]
    tx = np.empty([k, m])
    ty = np.empty([k, n])
    tz = np.empty([k, m + n])
    for r in range(k):
        tx[r, :] = compute_midrank(pos[r, :])
        ty[r, :] = compute_midrank(neg[r, :])
        tz[r, :] = compute_midrank(preds_sorted[r, :])
    aucs = tz[:, :m].sum(axis=1) / m / n - float(m + 1.0) / 2.0 / n
    v01 = (tz[:, :m] - tx[:, :]) / n          # docs/design/metrics.md §3.2 V10 (placements of the positives)
    v10 = 1.0 - (tz[:, m:] - ty[:, :]) / m    # docs/design/metrics.md §3.2 V01 (placements of the negatives)
    sx = np.atleast_2d(np.cov(v01))
    sy = np.atleast_2d(np.cov(v10))
    return aucs, sx / m + sy / n


def psi_matrix(x_pos: np.ndarray, y_neg: np.ndarray) -> np.ndarray:
    """ψ(Xi, Yj) = 1 if Xi > Yj, ½ if equal, 0 otherwise; shape (m, n)."""
    return (x_pos[:, None] > y_neg[None, :]).astype(np.float64) + 0.5 * (x_pos[:, None] == y_neg[None, :])


def direct_delong(scores: list[np.ndarray], ypos: np.ndarray):
    """O(m·n) DeLong from the placements of docs/design/metrics.md §3.2."""
    V10, V01, aucs = [], [], []
    for s in scores:
        P = psi_matrix(s[ypos], s[~ypos])
        V10.append(P.mean(axis=1))
        V01.append(P.mean(axis=0))
        aucs.append(P.mean())
    m, n = int(ypos.sum()), int((~ypos).sum())
    S10 = np.atleast_2d(np.cov(np.array(V10)))
    S01 = np.atleast_2d(np.cov(np.array(V01)))
    return np.array(aucs), S10 / m + S01 / n


def delong_two(y_pos: np.ndarray, sa: np.ndarray, sb: np.ndarray) -> tuple[float, float, float]:
    """AUC_a, AUC_b and Var(AUC_b − AUC_a) by the fast algorithm, verified against the direct one."""
    order = np.argsort(~y_pos, kind="mergesort")  # positives first, stable
    m = int(y_pos.sum())
    preds = np.vstack([sa, sb])[:, order]
    aucs, S = fast_delong(preds, m)
    aucs_d, S_d = direct_delong([sa, sb], y_pos)
    assert np.allclose(aucs, aucs_d, rtol=0, atol=1e-12), (aucs, aucs_d)
    assert np.allclose(S, S_d, rtol=0, atol=1e-12), (S, S_d)
    var = float(S[0, 0] + S[1, 1] - 2.0 * S[0, 1])
    return float(aucs[0]), float(aucs[1]), var


# ----------------------------------------------------------------------------------------------
# §3.3 Obuchowski (1997) clustered AUC, written literally from docs/design/metrics.md


def obuchowski_two(y_pos: np.ndarray, clusters: np.ndarray, sa: np.ndarray, sb: np.ndarray):
    """Obuchowski's clustered variance of AUC_a, AUC_b and of their difference (docs/design/metrics.md §3.3).

    Returns (theta_a, theta_b, var_a, var_b, cov_ab)."""
    X_mask, Y_mask = y_pos, ~y_pos
    M = int(X_mask.sum())                     # M = Σ m_i (all positives)
    N = int(Y_mask.sum())                     # N = Σ n_i (all negatives)
    ids = sorted(set(clusters.tolist()))
    I = len(ids)                              # I = number of clusters
    m_i = np.array([int(np.sum(X_mask & (clusters == c))) for c in ids], dtype=np.float64)
    n_i = np.array([int(np.sum(Y_mask & (clusters == c))) for c in ids], dtype=np.float64)
    I10 = int(np.sum(m_i > 0))                # clusters with at least one positive
    I01 = int(np.sum(n_i > 0))                # clusters with at least one negative

    def components(s):
        P = psi_matrix(s[X_mask], s[Y_mask])  # ψ(X_k, Y_l) against ALL negatives / positives
        v10 = P.mean(axis=1)                  # V10(X_k) = (1/N) Σ_l ψ(X_k, Y_l)
        v01 = P.mean(axis=0)                  # V01(Y_l) = (1/M) Σ_k ψ(X_k, Y_l)
        theta = float(P.mean())               # θ = the ordinary AUC
        cx, cy = clusters[X_mask], clusters[Y_mask]
        V10_i = np.array([v10[cx == c].sum() for c in ids])   # V10_i. = Σ over cluster i's positives
        V01_i = np.array([v01[cy == c].sum() for c in ids])   # V01_i. = Σ over cluster i's negatives
        d10 = V10_i - m_i * theta             # (V10_i. − m_i θ)
        d01 = V01_i - n_i * theta             # (V01_i. − n_i θ)
        return theta, d10, d01

    ta, d10a, d01a = components(sa)
    tb, d10b, d01b = components(sb)

    def S10(u, v):  # S10 = I10/((I10−1)·M) · Σ_i (V10_i. − m_i θ)(…)
        return I10 / ((I10 - 1) * M) * float(np.sum(u * v))

    def S01(u, v):  # S01 = I01/((I01−1)·N) · Σ_i (V01_i. − n_i θ)(…)
        return I01 / ((I01 - 1) * N) * float(np.sum(u * v))

    def S11(u10, v01):  # S11 = I/(I−1) · Σ_i (V10_i. − m_i θ)(V01_i. − n_i θ)
        return I / (I - 1) * float(np.sum(u10 * v01))

    # Var θ = S10/M + S01/N + 2·S11/(M·N)
    var_a = S10(d10a, d10a) / M + S01(d01a, d01a) / N + 2.0 * S11(d10a, d01a) / (M * N)
    var_b = S10(d10b, d10b) / M + S01(d01b, d01b) / N + 2.0 * S11(d10b, d01b) / (M * N)
    # Cov = S10_12/M + S01_12/N + (S11_12 + S11_21)/(M·N): model-1 term times model-2 term
    cov = (S10(d10a, d10b) / M + S01(d01a, d01b) / N
           + (S11(d10a, d01b) + S11(d10b, d01a)) / (M * N))
    return ta, tb, var_a, var_b, cov


def delong_block(auc_a: float, auc_b: float, var: float, clustered: bool) -> dict:
    """diff = AUC_b − AUC_a; se = √Var(Δ); z = diff/se; p = 2·Φ(−|z|) = 2·norm.sf(|z|);
    95% CI = diff ± z_{0.975}·se (docs/design/metrics.md §3.2/§3.3)."""
    diff = auc_b - auc_a
    se = float(np.sqrt(var))
    z = diff / se
    p = 2.0 * norm.sf(abs(z))
    return {"auc_a": R.jnum(auc_a), "auc_b": R.jnum(auc_b), "diff": R.jnum(diff), "se": R.jnum(se),
            "z": R.jnum(z), "p_value": R.jnum(p), "ci_low": R.jnum(diff - Z975 * se),
            "ci_high": R.jnum(diff + Z975 * se), "clustered": clustered}


def self_checks():
    """Goldens of docs/design/metrics.md §3.1/§3.2, and Obuchowski == DeLong when every sample is its own cluster."""
    m = mcnemar_block(np.r_[np.ones(10), np.zeros(3)], np.r_[np.zeros(10), np.ones(3)])
    assert (m["b"], m["c"]) == (10, 3)
    assert m["exact_p"] == 0.09228515625, m
    assert abs(m["mid_p"] - 0.057373046875) < 1e-16, m
    assert abs(m["chi2_cc_p"] - 0.0960923294556734) < 1e-15, m
    assert abs(m["chi2_p"] - 0.0522036353413146) < 1e-15, m

    y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 0]) == 1
    a = np.array([.1, .3, .35, .6, .4, .7, .8, .8, .9, .2])
    b = np.array([.2, .1, .5, .5, .5, .6, .4, .9, .7, .3])
    order = np.argsort(~y, kind="mergesort")
    aucs, S = fast_delong(np.vstack([a, b])[:, order], int(y.sum()))
    assert np.allclose(aucs, [0.96, 0.88], atol=1e-15)
    assert np.allclose(S, [[0.0032, 0.0026], [0.0026, 0.0118]], atol=1e-15), S
    au, bu, var = delong_two(y, a, b)
    d = delong_block(au, bu, var, False)
    assert abs(abs(d["z"]) - 0.8081220356417671) < 1e-14, d
    assert abs(d["p_value"] - 0.4190203335343168) < 1e-14, d
    ta, tb, va, vb, cov = obuchowski_two(y, np.arange(len(y)), a, b)
    assert abs((va + vb - 2 * cov) - var) < 1e-15 and abs(va - S[0, 0]) < 1e-15 and abs(cov - S[0, 1]) < 1e-15


# ----------------------------------------------------------------------------------------------
# expected blocks


def binary_metrics(y, s, pos, threshold=0.5) -> dict:
    """Metric values with scikit-learn (positive iff score >= threshold)."""
    yb = np.asarray(y) == pos
    yhat = np.asarray(s) >= threshold
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {"accuracy": accuracy_score(yb, yhat), "precision": precision_score(yb, yhat),
                "recall": recall_score(yb, yhat), "f1": f1_score(yb, yhat), "roc_auc": roc_auc_score(yb, s)}


def read_aligned(out: Path, files: list[str]):
    """Re-read every file and align the rows to the first file's order by id (asserting that label
    and group agree, which is what `verdict compare` must check)."""
    dfs = [R.read_back(out / f) for f in files]
    base = dfs[0]
    aligned = [base]
    for df in dfs[1:]:
        idx = {v: i for i, v in enumerate(df["id"])}
        rows = [idx[v] for v in base["id"]]
        d = df.iloc[rows].reset_index(drop=True)
        assert list(d["label"]) == list(base["label"])
        if "group" in base:
            assert list(d["group"]) == list(base["group"])
        aligned.append(d)
    return aligned


def binary_doc(out: Path, files: list[str], metric_names: list[str], clustered: bool, holm: bool = True,
               positive: str | None = None) -> dict:
    dfs = read_aligned(out, files)
    labels = dfs[0]["label"]
    classes = R.class_order(labels)
    pos = positive or classes[-1]
    y = np.array([str(v) for v in labels], dtype=object)
    ypos = y == pos
    scores = [d["score"].to_numpy(dtype=np.float64) for d in dfs]
    names = [stem(f) for f in files]
    mets = [binary_metrics(y, s, pos) for s in scores]
    # roc_auc: sklearn with string/ints as written, as a cross-check of the boolean form
    for s, mt in zip(scores, mets):
        yy, _ = R.encode(labels, classes)
        assert mt["roc_auc"] == roc_auc_score(yy, s) or abs(mt["roc_auc"] - roc_auc_score(yy, s)) < 1e-15

    doc: dict = {"task": "binary", "n": int(len(y)), "classes": classes, "positive": pos}
    if clustered:
        doc["groups"] = {"column": "group", "count": int(len(set(dfs[0]["group"])))}
    else:
        doc["groups"] = None
    doc.update({"threshold": 0.5, "metric": "roc_auc", "alpha": ALPHA, "baseline": names[0]})
    doc["models"] = [{"name": nm, "source": f, "metrics": {k: {"value": R.jnum(mt[k])} for k in metric_names}}
                     for nm, f, mt in zip(names, files, mets)]
    # leaderboard: by roc_auc, best first (no ties occur in these fixtures; asserted)
    aucs = [mt["roc_auc"] for mt in mets]
    assert len(set(aucs)) == len(aucs)
    order = sorted(range(len(files)), key=lambda i: -aucs[i])
    doc["leaderboard"] = [{"rank": r + 1, "model": names[i], "value": R.jnum(aucs[i])} for r, i in enumerate(order)]

    comps, pvals = [], []
    correct = [(s >= 0.5) == ypos for s in scores]
    for j in range(1, len(files)):
        au, bu, var = delong_two(ypos, scores[0], scores[j])
        assert abs(au - aucs[0]) < 1e-12 and abs(bu - aucs[j]) < 1e-12
        if clustered:
            g = np.array([str(v) for v in dfs[0]["group"]], dtype=object)
            ta, tb, va, vb, cov = obuchowski_two(ypos, g, scores[0], scores[j])
            assert abs(ta - aucs[0]) < 1e-12 and abs(tb - aucs[j]) < 1e-12
            var = va + vb - 2.0 * cov                      # Var(Δ) = Var1 + Var2 − 2·Cov
        dl = delong_block(aucs[0], aucs[j], var, clustered)  # AUCs from sklearn, variance from above
        pvals.append(dl["p_value"])
        comps.append({
            "a": names[0], "b": names[j],
            "deltas": {k: {"value": R.jnum(mets[j][k] - mets[0][k])} for k in metric_names},
            "tests": {"mcnemar": mcnemar_block(correct[0], correct[j]), "delong": dl},
        })
    if holm:
        from statsmodels.stats.multitest import multipletests

        adj = multipletests(pvals, alpha=ALPHA, method="holm")[1]
        for c, p in zip(comps, adj):
            c["p_holm"] = R.jnum(p)
    doc["comparisons"] = comps
    return doc


# ----------------------------------------------------------------------------------------------
# scenarios


def breast_cancer(out: Path):
    X, y = load_breast_cancer(return_X_y=True)
    ids = np.arange(len(y))
    s_lr = R.oof(lr(), X, y, "predict_proba")[:, 1]
    s_nb = R.oof(GaussianNB(), X, y, "predict_proba")[:, 1]
    s_rf = R.oof(RandomForestClassifier(n_estimators=25, random_state=0), X, y, "predict_proba")[:, 1]

    # B files: rows shuffled so that alignment by id is exercised
    rng = np.random.default_rng(0)
    perm_nb = rng.permutation(len(y))
    perm_rf = rng.permutation(len(y))
    R.write_csv(out / "bc_lr.csv", {"id": ids, "label": y, "score": s_lr})
    R.write_csv(out / "bc_nb.csv", {"id": ids[perm_nb], "label": y[perm_nb], "score": s_nb[perm_nb]})
    R.write_csv(out / "bc_rf.csv", {"id": ids[perm_rf], "label": y[perm_rf], "score": s_rf[perm_rf]})

    files = ["bc_lr.csv", "bc_nb.csv"]
    doc = binary_doc(out, files, ["accuracy", "roc_auc"], clustered=False)
    write_expected(out, "bc_two_models", files, [], doc, notes=(
        "breast_cancer (sklearn target: 1 = benign = positive), out-of-fold P(1) from "
        "StandardScaler+LogisticRegression (bc_lr) and GaussianNB (bc_nb), 5-fold StratifiedKFold(shuffle, "
        "random_state=0); bc_nb.csv rows shuffled (numpy default_rng(0).permutation), aligned by id. "
        "mcnemar: statsmodels mcnemar on [[both right, A right B wrong], [A wrong B right, both wrong]] at "
        "score >= 0.5 (exact; exact=False with correction=False -> chi2, correction=True -> chi2_cc); mid_p = "
        "2*binom.cdf(min(b,c), b+c, .5) - binom.pmf(min(b,c), b+c, .5). delong: fast DeLong (Sun & Xu, "
        "yandexdataschool fastDeLong, np.cov ddof=1) verified against the O(m*n) placements to 1e-12; "
        "diff = auc_b - auc_a, se = sqrt(S_aa + S_bb - 2 S_ab), z = diff/se, p = 2*norm.sf(|z|), "
        "CI = diff -/+ norm.ppf(0.975)*se. deltas = sklearn metric(B) - metric(A). p_holm: Holm over the "
        "single DeLong p-value (= the p-value itself)."))

    # 3. N-way: LR (first file = baseline), NB, RF
    files3 = ["bc_lr.csv", "bc_nb.csv", "bc_rf.csv"]
    doc = binary_doc(out, files3, ["accuracy", "roc_auc"], clustered=False)
    write_expected(out, "bc_three_models", files3, [], doc, notes=(
        "N-way: bc_lr (baseline = first file), bc_nb, bc_rf (RandomForestClassifier(n_estimators=25, "
        "random_state=0), OOF P(1); rows shuffled). leaderboard sorted by roc_auc, best first. One comparison "
        "per non-baseline model against bc_lr, in file order. p_holm = statsmodels multipletests(p, "
        "method='holm')[1] where p = [DeLong p_value of bc_nb vs bc_lr, DeLong p_value of bc_rf vs bc_lr] "
        "(the headline metric roc_auc; unclustered DeLong, since --bootstrap 0 gives no bootstrap p-values)."))
    return X, y, ids, s_lr, s_nb


def bc_grouped(out: Path, X, y, ids, s_lr, s_nb):
    # breast_cancer has no natural clusters (one row per patient): clusters assigned
    # deterministically by sorting on the first feature (mean radius, stable sort) and cutting the
    # sorted rows into 40 contiguous blocks (numpy array_split: sizes 15 x 9 then 14 x 31).
    order = np.argsort(X[:, 0], kind="mergesort")
    group = np.empty(len(y), dtype=np.int64)
    for k, block in enumerate(np.array_split(order, 40)):
        group[block] = k
    perm = np.random.default_rng(1).permutation(len(y))
    R.write_csv(out / "bc_grouped_lr.csv", {"id": ids, "label": y, "score": s_lr, "group": group})
    R.write_csv(out / "bc_grouped_nb.csv",
                {"id": ids[perm], "label": y[perm], "score": s_nb[perm], "group": group[perm]})
    files = ["bc_grouped_lr.csv", "bc_grouped_nb.csv"]
    doc = binary_doc(out, files, ["accuracy", "roc_auc"], clustered=True)
    write_expected(out, "bc_grouped", files, [], doc, notes=(
        "same predictions as bc_two_models plus a `group` column. breast_cancer has no natural clusters, so "
        "the 40 clusters are ASSIGNED: rows sorted by the first feature (mean radius, stable) and cut into 40 "
        "contiguous blocks with numpy array_split (not the CV fold). Clusters are therefore made-up but "
        "correlated with the label (some are single-class: I10, I01 < I). bc_grouped_nb.csv rows shuffled "
        "(default_rng(1)). delong.clustered = true: Obuchowski (1997) literally as docs/design/metrics.md §3.3: placements "
        "against ALL negatives/positives, V10_i./V01_i. cluster sums, S10 = I10/((I10-1)M) sum(V10_i.-m_i "
        "theta)^2, S01 likewise with I01 and N, S11 = I/(I-1) sum(V10_i.-m_i theta)(V01_i.-n_i theta), "
        "Var = S10/M + S01/N + 2 S11/(MN); Cov = S10_12/M + S01_12/N + (S11_12+S11_21)/(MN); Var(diff) = "
        "Var_a + Var_b - 2 Cov; se = sqrt(Var(diff)) (no round(var, 15) as in doAUCcluster.R). I = 40 counts "
        "every cluster. McNemar stays per sample. p_holm = the clustered DeLong p (single comparison)."))


def spread_wins(p: int, q: int, W2: int) -> list[int]:
    """2·wins per positive (each positive beats k negatives; an odd value means one extra tie)
    summing to W2 (twice the wanted number of (pos > neg) pairs within a zone of p positives and
    q negatives). Start from an even spread (zone AUC ≈ ½) and move one step at a time from the
    top positive down until the sum is right."""
    k = [2 * ((q * (2 * i + 1)) // (2 * p)) for i in range(p)]  # non-decreasing, in [0, 2q]
    i = p - 1
    while sum(k) != W2:
        step = 1 if sum(k) < W2 else -1
        # step by 2 (a whole negative) unless only one half-step is left
        d = step * (2 if abs(W2 - sum(k)) >= 2 else 1)
        if 0 <= k[i] + d <= 2 * q:
            k[i] += d
        i = (i - 1) % p
    return sorted(k)


def zone_scores(k2: list[int], q: int, lo: float, hi: float):
    """Scores in (lo, hi) for a zone: q negatives at ascending ranks; a positive with k2 = 2k
    is placed just above the k-th negative, with k2 = 2k+1 it ties with the (k+1)-th negative.
    Returns (positive scores in k2 order, negative scores ascending), 4-decimal values."""
    items = []  # ascending list of ("n", j) / ("p", i) / ("t", i) (tie with the next negative)
    for j in range(q + 1):
        for i, v in enumerate(k2):
            if v == 2 * j:
                items.append(("p", i))
        if j < q:
            ties = [i for i, v in enumerate(k2) if v == 2 * j + 1]
            items.append(("n", j, ties))
    L = len(items)
    step = (hi - lo) / (L + 1)
    pos = [None] * len(k2)
    neg = []
    for r, it in enumerate(items):
        val = round(lo + (r + 1) * step, 4)
        if it[0] == "p":
            pos[it[1]] = val
        else:
            neg.append(val)
            for i in it[2]:
                pos[i] = val
    allv = [v for v in pos] + neg
    assert lo < min(allv) and max(allv) < hi
    assert len(set(neg)) == q
    return pos, neg


def smile(out: Path, copy_examples: bool = True):
    """Seed 000's A/B test (80 sequences: 40 smile, 40 non-smile) reconstructed from the report's
    tables: confusion matrices at 0.5 exactly, ROC AUC as close as possible (multiples of 1/3200)."""
    target = {"smile_baseline": ((22, 18, 10, 30), 0.6606), "smile_finetuned": ((23, 17, 13, 27), 0.7347)}
    # per-sample correctness (A = baseline, B = fine-tuned) -- the report gives only the marginals;
    # this joint table is a choice: negatives both 18 / A only 4 / B only 5 / neither 13,
    # positives both 24 / A only 6 / B only 3 / neither 7  ->  b = 10, c = 8
    joint = {"non_smile": [(True, True)] * 18 + [(True, False)] * 4 + [(False, True)] * 5 + [(False, False)] * 13,
             "smile": [(True, True)] * 24 + [(True, False)] * 6 + [(False, True)] * 3 + [(False, False)] * 7}
    rng = np.random.default_rng(0)
    labels = np.array(["non_smile"] * 40 + ["smile"] * 40, dtype=object)
    perm = rng.permutation(80)            # row order / ids: labels interleaved
    labels = labels[perm]
    # assign the joint categories to each class's rows in id order
    corr = [None] * 80
    cnt = {"non_smile": 0, "smile": 0}
    for r in range(80):
        lab = labels[r]
        corr[r] = joint[lab][cnt[lab]]
        cnt[lab] += 1
    reached = {}
    scores_by_model = {}
    for mi, (name, ((tn, fp, fn, tp), auc_target)) in enumerate(target.items()):
        c = np.array([x[mi] for x in corr])
        pos = labels == "smile"
        above = (pos & c) | (~pos & ~c)   # predicted smile: TP or FP
        assert (np.sum(pos & above), np.sum(~pos & above), np.sum(pos & ~above), np.sum(~pos & ~above)) == (
            tp, fp, fn, tn)
        # 2·(pos>neg pairs) target: AUC·1600 pairs, ties count ½ -> resolution 1/3200
        W2 = int(round(auc_target * 3200))
        guaranteed2 = 2 * tp * tn                      # positive above 0.5 vs negative below
        free_up, free_dn = tp * fp, fn * tn            # pairs decided inside each zone
        need2 = W2 - guaranteed2
        assert 0 <= need2 <= 2 * (free_up + free_dn)
        up2 = int(round(need2 * free_up / (free_up + free_dn)))
        dn2 = need2 - up2
        pu, nu = zone_scores(spread_wins(tp, fp, up2), fp, 0.5, 1.0)
        pd_, nd = zone_scores(spread_wins(fn, tn, dn2), tn, 0.0, 0.5)
        s = np.empty(80)
        # deal the zone scores to rows in a deterministic shuffled order
        for mask, vals in (((pos & above), pu), ((~pos & above), nu), ((pos & ~above), pd_), ((~pos & ~above), nd)):
            rows = np.nonzero(mask)[0]
            rows = rows[rng.permutation(len(rows))]
            s[rows] = vals
        scores_by_model[name] = s
    ids = np.arange(1, 81)
    for name, s in scores_by_model.items():
        R.write_csv(out / f"{name}.csv", {"id": ids, "label": labels, "score": s})
    files = ["smile_baseline.csv", "smile_finetuned.csv"]
    dfs = read_aligned(out, files)
    from sklearn.metrics import confusion_matrix
    for (name, ((tn, fp, fn, tp), auc_target)), d in zip(target.items(), dfs):
        yy = np.array(d["label"], dtype=object)
        sc = d["score"].to_numpy()
        cm = confusion_matrix(yy, np.where(sc >= 0.5, "smile", "non_smile"), labels=["non_smile", "smile"])
        assert cm.tolist() == [[tn, fp], [fn, tp]], (name, cm)
        reached[name] = roc_auc_score(yy == "smile", sc)
        assert round(reached[name], 4) == auc_target, (name, reached[name])
    metric_names = ["accuracy", "precision", "recall", "f1", "roc_auc"]
    doc = binary_doc(out, files, metric_names, clustered=False)
    mc = doc["comparisons"][0]["tests"]["mcnemar"]
    assert (mc["b"], mc["c"]) == (10, 8)
    write_expected(out, "smile_ab", files, [], doc, notes=(
        "RECONSTRUCTION of seed 000's fine-tuning A/B report (80 sequences, 40 smile / 40 non_smile): the raw "
        "predictions were never published. Scores are constructed so that the confusion matrices at 0.5 are "
        "exactly the report's (baseline [[22,18],[10,30]], fine-tuned [[23,17],[13,27]], rows = actual "
        "non_smile/smile, cols = predicted) and the ROC AUCs round to the report's 4 decimals: baseline "
        f"{reached['smile_baseline']!r} (report 0.6606), fine-tuned {reached['smile_finetuned']!r} (report "
        "0.7347; 1175.5/1600, one tied pair). The per-sample pairing of the two models' correctness is NOT in "
        "the report and was chosen: b = #(baseline right, fine-tuned wrong) = 10, c = 8 (negatives 18/4/5/13, "
        "positives 24/6/3/7 as both/A only/B only/neither). Labels are strings: positive = 'smile' (the "
        "greater label). The report's 'optimal thresholds' (0.8659, 0.0001) are not reproduced."))
    if copy_examples:
        EXAMPLES.mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.copyfile(out / f, EXAMPLES / f)
    return reached


def digits(out: Path):
    X, y = load_digits(return_X_y=True)
    ids = np.arange(len(y))
    classes = [str(c) for c in range(10)]
    P_lr = R.oof(lr(), X, y, "predict_proba")
    P_nb = R.oof(GaussianNB(), X, y, "predict_proba")
    perm = np.random.default_rng(2).permutation(len(y))
    R.write_csv(out / "digits_lr.csv", {"id": ids, "label": y, **{f"prob_{c}": P_lr[:, j] for j, c in enumerate(classes)}})
    R.write_csv(out / "digits_nb.csv", {"id": ids[perm], "label": y[perm],
                                         **{f"prob_{c}": P_nb[perm, j] for j, c in enumerate(classes)}})
    files = ["digits_lr.csv", "digits_nb.csv"]
    dfs = read_aligned(out, files)
    yy = np.array([int(v) for v in dfs[0]["label"]])
    mets, correct = [], []
    for d in dfs:
        P = np.column_stack([d[f"prob_{c}"].to_numpy(dtype=np.float64) for c in classes])
        yhat = np.argmax(P, axis=1)  # first max = lowest class index among ties
        correct.append(yhat == yy)
        mets.append({"accuracy": accuracy_score(yy, yhat),
                     "f1_macro": f1_score(yy, yhat, average="macro", labels=list(range(10)))})
    names = [stem(f) for f in files]
    doc = {"task": "multiclass", "n": int(len(yy)), "classes": classes, "groups": None, "alpha": ALPHA,
           "baseline": names[0],
           "models": [{"name": nm, "source": f, "metrics": {k: {"value": R.jnum(v)} for k, v in mt.items()}}
                      for nm, f, mt in zip(names, files, mets)],
           "comparisons": [{"a": names[0], "b": names[1],
                            "deltas": {k: {"value": R.jnum(mets[1][k] - mets[0][k])} for k in ("accuracy", "f1_macro")},
                            "tests": {"mcnemar": mcnemar_block(correct[0], correct[1])}}]}
    write_expected(out, "digits_two_models", files, [], doc, absent=["comparisons.0.tests.delong"], notes=(
        "digits (10 classes), OOF predict_proba of StandardScaler+LogisticRegression (digits_lr) and GaussianNB "
        "(digits_nb, rows shuffled with default_rng(2)). Top-1 = argmax of the prob_ columns (first maximum = "
        "lowest class index among ties); McNemar on top-1 correctness; deltas = sklearn accuracy_score and "
        "f1_score(average='macro') of B minus A. No DeLong for multi-class (absent: path segments that are "
        "integers index arrays)."))


def refusals(out: Path):
    """Files only: `verdict compare` must refuse, naming the id that differs."""
    X, y = load_breast_cancer(return_X_y=True)
    n = 30
    ids = np.arange(1001, 1001 + n)
    yy = y[:n]
    s_lr = R.oof(lr(), X, y, "predict_proba")[:n, 1]
    s_nb = R.oof(GaussianNB(), X, y, "predict_proba")[:n, 1]
    group = np.arange(n) // 5
    base = {"id": ids, "label": yy, "score": s_lr, "group": group}
    R.write_csv(out / "refuse_a.csv", base)
    perm = np.random.default_rng(3).permutation(n)

    def b_file(name, ids_b, y_b, g_b):
        R.write_csv(out / name, {"id": ids_b[perm], "label": y_b[perm], "score": s_nb[perm], "group": g_b[perm]})

    cases = []
    k = 16  # the row of id 1017
    # B has an id A lacks: id 1017 renamed 1917 (A's 1017 is then also missing from B)
    i2 = ids.copy(); i2[k] = 1917
    b_file("refuse_b_extra_id.csv", i2, yy, group)
    cases.append(("refuse_extra_id", "refuse_b_extra_id.csv", "1917",
                  "B has id 1917, which A lacks (B's row for id 1017 was renamed; A's 1017 is missing from B "
                  "too). The message must name 1917 (naming 1017 as well is welcome)."))
    # B has a different label for one id
    y2 = yy.copy(); y2[k] = 1 - y2[k]
    b_file("refuse_b_label.csv", ids, y2, group)
    cases.append(("refuse_label", "refuse_b_label.csv", "1017",
                  f"B's label for id 1017 is {y2[k]} where A has {yy[k]}; the message must name id 1017."))
    # B has a different group for one id
    g2 = group.copy(); g2[k] = 99
    b_file("refuse_b_group.csv", ids, yy, g2)
    cases.append(("refuse_group", "refuse_b_group.csv", "1017",
                  f"B's group for id 1017 is 99 where A has {group[k]}; the message must name id 1017."))
    for name, fb, needle, note in cases:
        write_expected(out, name, ["refuse_a.csv", fb], [], {"error_contains": needle}, notes=(
            "refusal: the eval sets differ, so `verdict compare` must fail (non-zero exit) with a message "
            "containing the expected text. Ids 1001..1030 (first 30 breast_cancer rows), B rows shuffled. "
            + note))


def by_position(out: Path):
    """Files without an id column: rows are paired by position. A pair in the same row order must
    compare (and say it paired by position); the same B rows in another order must be refused at the
    first row whose labels differ."""
    X, y = load_breast_cancer(return_X_y=True)
    n = 30
    yy = y[:n]
    s_lr = R.oof(lr(), X, y, "predict_proba")[:n, 1]
    s_nb = R.oof(GaussianNB(), X, y, "predict_proba")[:n, 1]
    R.write_csv(out / "position_a.csv", {"label": yy, "score": s_lr})
    R.write_csv(out / "position_b.csv", {"label": yy, "score": s_nb})
    acc = [accuracy_score(yy, (s >= 0.5).astype(int)) for s in (s_lr, s_nb)]
    auc = [roc_auc_score(yy, s) for s in (s_lr, s_nb)]
    correct = [(s >= 0.5).astype(int) == yy for s in (s_lr, s_nb)]
    files = ["position_a.csv", "position_b.csv"]
    doc = {"n": n,
           "models": [{"name": stem(f), "metrics": {"accuracy": {"value": R.jnum(a)}, "roc_auc": {"value": R.jnum(u)}}}
                      for f, a, u in zip(files, acc, auc)],
           "comparisons": [{"a": "position_a", "b": "position_b",
                            "deltas": {"accuracy": {"value": R.jnum(acc[1] - acc[0])},
                                       "roc_auc": {"value": R.jnum(auc[1] - auc[0])}},
                            "tests": {"mcnemar": mcnemar_block(correct[0], correct[1])}}]}
    write_expected(out, "position_two_models", files, [], doc, notes=(
        "No id column in either file: rows are paired by position (row i of A is row i of B). The first 30 "
        "breast_cancer rows in file order, OOF predict_proba[:, 1] of StandardScaler+LogisticRegression (A) and "
        "GaussianNB (B). Accuracy at 0.5 and roc_auc_score from sklearn, McNemar from statsmodels."))
    perm = np.random.default_rng(3).permutation(n)
    R.write_csv(out / "position_b_shuffled.csv", {"label": yy[perm], "score": s_nb[perm]})
    first = int(np.flatnonzero(yy[perm] != yy)[0])
    write_expected(out, "refuse_position_shuffled", ["position_a.csv", "position_b_shuffled.csv"], [],
                   {"error_contains": f"labels differ from row {first} on"}, notes=(
        "refusal: no id column, so rows are paired by position, but B lists the same rows shuffled "
        f"(default_rng(3)); row {first} (counted from 0, header excluded) is the first whose labels differ "
        f"(A {yy[first]}, B {yy[perm][first]}; {int((yy[perm] != yy).sum())} of {n} rows differ). The message "
        "must name that row."))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--allow-version-mismatch", action="store_true")
    ap.add_argument("--no-examples", action="store_true",
                    help="do not copy the smile_* files to examples/seed000/")
    a = ap.parse_args()
    if not a.allow_version_mismatch:
        check_versions()
    a.out.mkdir(parents=True, exist_ok=True)
    self_checks()
    X, y, ids, s_lr, s_nb = breast_cancer(a.out)
    bc_grouped(a.out, X, y, ids, s_lr, s_nb)
    reached = smile(a.out, copy_examples=not a.no_examples)
    digits(a.out)
    refusals(a.out)
    by_position(a.out)
    print(f"wrote {len(list(a.out.glob('*.expected.json')))} expected files to {a.out}")
    for k, v in reached.items():
        print(f"  {k}: roc_auc {v!r}")


if __name__ == "__main__":
    main()
