#!/usr/bin/env python
"""Generate the `verdict retrieval` reference fixtures (issue 4) in
crates/verdict/tests/fixtures/retrieval/.

Run with the retrieval venv (python/requirements-retrieval.txt, installed with --no-deps):

    /path/rfx-venv/bin/python python/make_retrieval_fixtures.py [--out DIR]

What it writes (see the fixture README.md for the full description):

* digits_emb.npy / digits_labels.csv: sklearn's load_digits (1797 x 64) embedded by
  StandardScaler + PCA(16, svd_solver="full"), float32, numpy.save; labels csv has
  id,label,subset,split.
* digits_{cosine,l2}_{loo,split}.expected.json: pytorch-metric-learning 2.9.0 AccuracyCalculator
  (precision_at_1, r_precision, mean_average_precision_at_r, mean_reciprocal_rank,
  k="max_bin_count"), per-query values captured from inside PML, and hit_rate_at_{1,5,10}
  computed in numpy from the exact neighbour lists.
* digits.run / digits.qrels / digits_ranx.expected.json: leave-one-out cosine top-100 run and
  same-label qrels, ranx 0.3.21 evaluate() means and per-query scores (ranked-list input).
* tiny_graded.run / tiny_graded.qrels / tiny_graded.expected.json: a hand-made graded run with
  score ties, ranx values, and which tie rule ranx's values correspond to.

Deterministic: no randomness except PCA (svd_solver="full", deterministic sign flip); floats are
written with repr(); expected values are computed from the files as re-read from disk.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "verdict" / "tests" / "fixtures" / "retrieval"
GENERATOR = "python/make_retrieval_fixtures.py"
PINNED = {
    "numpy": "2.4.6",
    "scikit-learn": "1.9.1",
    "pytorch-metric-learning": "2.9.0",
    "ranx": "0.3.21",
    "faiss-cpu": "1.15.1",
    "torch": "2.15.0",
}
PML_METRICS = ("precision_at_1", "r_precision", "mean_average_precision_at_r", "mean_reciprocal_rank")
PML_TO_OURS = {
    "precision_at_1": "precision_at_1",
    "r_precision": "r_precision",
    "mean_average_precision_at_r": "map_at_r",
    "mean_reciprocal_rank": "mrr",
}
RANX_METRICS = ["recall@1", "recall@5", "recall@10", "precision@5", "precision@10", "mrr", "map", "map@100",
                "ndcg@10", "hit_rate@1", "hit_rate@5", "hit_rate@10"]
HIT_KS = (1, 5, 10)
N_QUERY_SPLIT = 500
RUN_DEPTH = 100
PCA_DIM = 16


def versions() -> dict:
    import faiss
    import pytorch_metric_learning
    import ranx
    import sklearn
    import torch

    return {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "pytorch-metric-learning": pytorch_metric_learning.__version__,
        "ranx": ranx.__version__ if hasattr(ranx, "__version__") else _dist_version("ranx"),
        "faiss-cpu": faiss.__version__,
        "torch": torch.__version__.split("+")[0],
    }


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def check_versions() -> None:
    got = versions()
    bad = {k: (got[k], v) for k, v in PINNED.items() if got[k] != v}
    if bad:
        raise SystemExit("version mismatch (got, pinned): " + json.dumps(bad))


def ours(pml_name: str) -> str:
    return PML_TO_OURS[pml_name]


# --------------------------------------------------------------------------------------------
# data


def make_digits(out: Path):
    from sklearn.datasets import load_digits
    from sklearn.decomposition import PCA
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    emb = make_pipeline(StandardScaler(), PCA(n_components=PCA_DIM, svd_solver="full")).fit_transform(X)
    emb = np.ascontiguousarray(emb, dtype=np.float32)  # C order: the .npy header says fortran_order False
    np.save(out / "digits_emb.npy", emb)
    ids = [f"d{i:04d}" for i in range(len(y))]
    with open(out / "digits_labels.csv", "w", newline="\n") as f:
        f.write("id,label,subset,split\n")
        for i, (iid, lab) in enumerate(zip(ids, y)):
            subset = "even" if lab % 2 == 0 else "odd"
            split = "query" if i < N_QUERY_SPLIT else "gallery"
            f.write(f"{iid},{int(lab)},{subset},{split}\n")
    # re-read what was written
    emb = np.load(out / "digits_emb.npy")
    rows = [line.rstrip("\n").split(",") for line in open(out / "digits_labels.csv")][1:]
    ids = [r[0] for r in rows]
    labels = np.array([int(r[1]) for r in rows], dtype=np.int64)
    subsets = np.array([r[2] for r in rows])
    splits = np.array([r[3] for r in rows])
    assert emb.dtype == np.float32 and emb.shape == (1797, PCA_DIM) and emb.flags.c_contiguous
    return emb, labels, ids, subsets, splits


def normalize_f32(x: np.ndarray) -> np.ndarray:
    """What we hand to PML for cosine: float32 row / float32 L2 norm."""
    n = np.linalg.norm(x, axis=1, keepdims=True).astype(np.float32)
    return np.ascontiguousarray(x / n, dtype=np.float32)


# --------------------------------------------------------------------------------------------
# exact neighbours in float64 (the Rust side's reference ordering)


def exact_neighbours(q: np.ndarray, g: np.ndarray, metric: str, k: int, exclude_self: bool):
    """Order by (distance asc, gallery index asc) computed in float64 from the float32 inputs.

    cosine: distance = -cos(q, g) with both normalized in float64.  l2: squared Euclidean.
    exclude_self: query i is gallery i (leave-one-out) and is removed by index.
    Returns (indices [nq, k], scores [nq, k]) where score is cos (cosine) or squared L2 (l2).
    """
    q = q.astype(np.float64)
    g = g.astype(np.float64)
    if metric == "cosine":
        qn = q / np.linalg.norm(q, axis=1, keepdims=True)
        gn = g / np.linalg.norm(g, axis=1, keepdims=True)
        sim = qn @ gn.T
        dist = -sim
    else:
        dist = ((q[:, None, :] - g[None, :, :]) ** 2).sum(-1)
    nq, ng = dist.shape
    idx_all = np.empty((nq, ng - int(exclude_self)), dtype=np.int64)
    for i in range(nq):
        order = np.lexsort((np.arange(ng), dist[i]))
        if exclude_self:
            order = order[order != i]
        idx_all[i] = order
    idx = idx_all[:, :k]
    d = np.take_along_axis(dist, idx, axis=1)
    score = -d if metric == "cosine" else d
    return idx, score, dist


def min_label_gap(dist: np.ndarray, order: np.ndarray, labels_g: np.ndarray) -> float:
    """Smallest distance gap between two adjacent ranked items with different labels (ties that
    could change a label sequence if an implementation rounds differently)."""
    dd = np.take_along_axis(dist, order, axis=1)
    lab = labels_g[order]
    diff = np.diff(dd, axis=1)
    mask = lab[:, 1:] != lab[:, :-1]
    return float(diff[mask].min())


# --------------------------------------------------------------------------------------------
# PML with per-query capture


def run_pml(query, qlab, reference=None, rlab=None, knn="faiss"):
    import torch
    from pytorch_metric_learning.distances import CosineSimilarity
    from pytorch_metric_learning.utils import accuracy_calculator as ac
    from pytorch_metric_learning.utils.inference import CustomKNN, FaissKNN

    captured: dict[str, np.ndarray] = {}
    orig = ac.maybe_get_avg_of_avgs

    def spy(accuracy_per_sample, sample_labels, avg_of_avgs, return_per_class):
        fr = sys._getframe(1)
        name = fr.f_code.co_name
        if name == "mean_average_precision":
            name = "mean_average_precision_at_r" if fr.f_locals.get("at_r") else "mean_average_precision"
        elif name == "precision_at_k":
            name = f"precision_at_{fr.f_locals['k']}"
        captured[name] = accuracy_per_sample.detach().cpu().numpy().astype(np.float64).reshape(-1)
        return orig(accuracy_per_sample, sample_labels, avg_of_avgs, return_per_class)

    inner = FaissKNN() if knn == "faiss" else CustomKNN(CosineSimilarity())
    knn_out = {}

    def knn_func(q, k, r, ref_includes_query):
        d, i = inner(q, k, r, ref_includes_query)
        knn_out["indices"] = i.cpu().numpy().astype(np.int64)
        knn_out["k"] = k
        return d, i

    calc = ac.AccuracyCalculator(include=PML_METRICS, k="max_bin_count", knn_func=knn_func)
    ac.maybe_get_avg_of_avgs = spy
    try:
        torch.manual_seed(0)
        if reference is None:
            res = calc.get_accuracy(query, qlab)
        else:
            res = calc.get_accuracy(query, qlab, reference, rlab, ref_includes_query=False)
    finally:
        ac.maybe_get_avg_of_avgs = orig
    for m in PML_METRICS:
        # mean_reciprocal_rank is computed in float32 by PML (argmax + 1.0, 1/x, torch.mean in f32)
        tol = 1e-6 if m == "mean_reciprocal_rank" else 1e-12
        assert abs(float(np.mean(captured[m])) - res[m]) < tol, (m, np.mean(captured[m]), res[m])
    return res, captured, knn_out


def per_query_numpy(idx, qlab, glab, R):
    """Reference re-implementation of the four PML metrics (docs/design/metrics.md §2.1) + hit rate, per query,
    from neighbour index lists truncated at k = max_bin_count (- self)."""
    rel = (glab[idx] == qlab[:, None]).astype(np.int64)
    k = rel.shape[1]
    ranks = np.arange(1, k + 1)
    out = {}
    out["precision_at_1"] = rel[:, 0].astype(np.float64)
    rp = np.empty(len(qlab))
    mapr = np.empty(len(qlab))
    mrr = np.empty(len(qlab))
    for i in range(len(qlab)):
        r = int(R[i])
        m = min(r, k)
        rp[i] = rel[i, :m].sum() / m
        cs = np.cumsum(rel[i, :m])
        mapr[i] = float((rel[i, :m] * cs / ranks[:m]).sum()) / r
        hits = np.flatnonzero(rel[i])
        mrr[i] = 1.0 / (hits[0] + 1) if len(hits) else 0.0
    out["r_precision"] = rp
    out["mean_average_precision_at_r"] = mapr
    out["mean_reciprocal_rank"] = mrr
    for K in HIT_KS:
        out[f"hit_rate_at_{K}"] = (rel[:, :K].sum(1) > 0).astype(np.float64)
    return out


def write_json(path: Path, doc: dict) -> None:
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")


def digits_pml_scenario(out, emb, labels, ids, subsets, splits, metric, mode):
    is_q = splits == "query"
    if metric == "cosine":
        x = normalize_f32(emb)
    else:
        x = np.ascontiguousarray(emb)
    if mode == "loo":
        q, ql, g, gl = x, labels, None, None
        qidx = np.arange(len(labels))
        gidx = qidx
    else:
        q, ql = x[is_q], labels[is_q]
        g, gl = x[~is_q], labels[~is_q]
        qidx = np.flatnonzero(is_q)
        gidx = np.flatnonzero(~is_q)
    res, captured, knn = run_pml(q, ql.astype(np.float32), g, None if gl is None else gl.astype(np.float32))
    k_pml = knn["k"]  # as passed to knn_func (FaissKNN searches k+1 internally in LOO)
    glab = labels[gidx]
    # R per query: same-label gallery count (minus self in LOO)
    R = np.array([(glab == l).sum() - (1 if mode == "loo" else 0) for l in labels[qidx]])
    k_used = int(R.max()) if mode == "loo" else int(max((glab == l).sum() for l in np.unique(labels[qidx])))
    # exact float64 neighbours from the float32 file (un-normalized raw embeddings for cosine: the
    # Rust side normalizes itself)
    idx, _, dist = exact_neighbours(emb[qidx], emb[gidx], metric, k_used, exclude_self=(mode == "loo"))
    assert k_used == knn["k"], (k_used, knn["k"])
    mine = per_query_numpy(idx, labels[qidx], glab, R)
    # PML's own neighbour list (faiss, after self removal) vs ours: compare label sequences
    pml_idx = knn["indices"]  # FaissKNN already searched k+1 and removed self (return_results)
    same_order = int((pml_idx == idx).all(1).sum())
    same_labels = int((glab[pml_idx] == glab[idx]).all(1).sum())
    full_order = np.argsort(dist, axis=1, kind="stable")
    if mode == "loo":
        full_order = np.stack([r[r != i] for i, r in enumerate(full_order)])
    gap = min_label_gap(dist, full_order[:, : k_used + 1], glab)
    # 1) PML's per-query values == numpy re-implementation on PML's own neighbour lists
    on_pml = per_query_numpy(knn["indices"], labels[qidx], glab, R)
    for m in PML_METRICS:
        tol = 1e-7 if m == "mean_reciprocal_rank" else 1e-12
        assert np.allclose(on_pml[m], captured[m], rtol=0, atol=tol), (metric, mode, m)
    # 2) exact float64 ordering vs PML's float32 faiss ordering: near-ties can swap neighbours
    sensitive = {}
    for i in range(len(qidx)):
        d = {ours(m): [float(captured[m][i] if m != "mean_reciprocal_rank" else on_pml[m][i]),
                       float(mine[m][i])]
             for m in PML_METRICS if abs(on_pml[m][i] - mine[m][i]) > 1e-12}
        d.update({f"hit_rate_at_{K}": [float(on_pml[f"hit_rate_at_{K}"][i]), float(mine[f"hit_rate_at_{K}"][i])]
                  for K in HIT_KS if on_pml[f"hit_rate_at_{K}"][i] != mine[f"hit_rate_at_{K}"][i]})
        if d:
            sensitive[ids[qidx[i]]] = d
    mean_gap = max(abs(float(np.mean(on_pml[m])) - float(np.mean(mine[m])))
                   for m in list(PML_METRICS) + [f"hit_rate_at_{K}" for K in HIT_KS])
    assert mean_gap < 1e-6, mean_gap
    mrr_exact_mean = float(np.mean(on_pml["mean_reciprocal_rank"]))
    metrics = {ours(m): {"value": res[m]} for m in PML_METRICS}
    for K in HIT_KS:
        metrics[f"hit_rate_at_{K}"] = {"value": float(np.mean(on_pml[f"hit_rate_at_{K}"]))}
    per_query = {"ids": [ids[i] for i in qidx]}
    for m in PML_METRICS:
        src = on_pml if m == "mean_reciprocal_rank" else captured  # exact 1/rank, not PML's float32
        per_query[ours(m)] = [float(v) for v in src[m]]
    for K in HIT_KS:
        per_query[f"hit_rate_at_{K}"] = [float(v) for v in on_pml[f"hit_rate_at_{K}"]]
    by_subset = {}
    qsub = subsets[qidx]
    for s in ("even", "odd"):
        sel = qsub == s
        by_subset[s] = {"n_queries": int(sel.sum())}
        for name in list(per_query):
            if name != "ids":
                by_subset[s][name] = {"value": float(np.mean(np.array(per_query[name])[sel]))}
    if mode == "loo":
        args = ["--embeddings", "digits_emb.npy", "--labels", "digits_labels.csv", "--metric", metric,
                "--leave-one-out", "--k", "max_bin_count"]
        setup = "leave-one-out: every row is a query, the reference is all rows, self excluded by index"
    else:
        args = ["--embeddings", "digits_emb.npy", "--labels", "digits_labels.csv", "--metric", metric,
                "--split-column", "split", "--k", "max_bin_count"]
        setup = (f"split: rows with split=query (the first {N_QUERY_SPLIT}) are queries, rows with "
                 "split=gallery the reference; ref_includes_query=False")
    if metric == "cosine":
        dist_note = ("cosine: embeddings L2-normalized in float32 (x / ||x||) and handed to PML's default "
                     "FaissKNN (faiss.IndexFlatL2, squared L2 = 2 - 2 cos on unit vectors, so the ranking "
                     "is the cosine ranking up to float32 rounding).")
    else:
        dist_note = ("l2: raw float32 embeddings handed to PML's default FaissKNN (faiss.IndexFlatL2, "
                     "squared Euclidean). This is what AccuracyCalculator() computes when given no knn_func; "
                     "it does NOT normalize (LpDistance(normalize_embeddings=True) is the default of the "
                     "losses/miners, not of AccuracyCalculator).")
    notes = (f"pytorch-metric-learning AccuracyCalculator(include={list(PML_METRICS)}, k='max_bin_count'); "
             f"{setup}; {dist_note} k used by PML = {k_pml}. Per-query values are PML's own "
             "accuracy_per_sample vectors (captured by wrapping accuracy_calculator.maybe_get_avg_of_avgs); "
             "their means equal PML's returned values to 1e-12, and a numpy re-implementation "
             "(docs/design/metrics.md §2.1) applied to PML's own neighbour lists reproduces every per-query value to 1e-12. "
             "Exception: PML computes mean_reciprocal_rank in float32 (per query and the mean), so "
             "per_query.mrr holds the exact 1/rank (PML's float32 values agree to 1e-7) and metrics.mrr is "
             f"PML's float32 mean ({res['mean_reciprocal_rank']!r}; the float64 mean of the exact values is "
             f"{mrr_exact_mean!r}). hit_rate_at_K (metric-learning 'Recall@K') = 1 if any of the top K "
             "neighbours has the query's label, computed in numpy from PML's neighbour lists (no PML metric). "
             "No query is lone. Float32 rounding check: ordering the float32 file's rows by distance computed "
             "in float64 (cosine: both sides normalized in float64), ties by gallery index asc, gives the "
             f"same neighbour order as PML/faiss for {same_order}/{len(qidx)} queries and the same label "
             f"sequence for {same_labels}/{len(qidx)}; the queries whose per-query values change are listed in "
             "rounding_sensitive as {id: {metric: [pml_value, exact_f64_value]}} (a correct float32 or "
             "float64 implementation may give either); the means differ by at most "
             f"{mean_gap:.1e} (< 1e-6). Smallest distance gap between adjacent differently-labelled "
             f"neighbours within the top k+1 (float64): {gap:.3e}. "
             "by_subset = plain means of per-query values over queries whose label is even/odd "
             "(the `subset` column; not a PML feature). Tolerance: 1e-6 (float32 embeddings).")
    doc = {
        "files": ["digits_emb.npy", "digits_labels.csv"],
        "args": args,
        "generator": GENERATOR,
        "versions": versions(),
        "notes": notes,
        "tolerance": 1e-6,
        "setup": {"metric": metric, "mode": mode, "k": k_pml, "n_queries": int(len(qidx)),
                  "n_reference": int(len(gidx)),
                  "mrr_float64_mean": mrr_exact_mean, "pml_order_equals_exact": same_order, "pml_labels_equal_exact": same_labels,
                  "min_label_gap": gap, "max_mean_diff_exact_vs_pml": mean_gap},
        "rounding_sensitive": sensitive,
        "expected": {"metrics": metrics, "by_subset": by_subset, "per_query": per_query},
    }
    write_json(out / f"digits_{metric}_{mode}.expected.json", doc)
    return idx, R, res, same_order, same_labels, gap


# --------------------------------------------------------------------------------------------
# ranx


def write_trec_run(path: Path, run: dict[str, list[tuple[str, float]]], tag: str) -> None:
    with open(path, "w", newline="\n") as f:
        for q, docs in run.items():
            for rank, (d, s) in enumerate(docs, start=1):
                f.write(f"{q} Q0 {d} {rank} {repr(float(s))} {tag}\n")


def write_trec_qrels(path: Path, qrels: dict[str, list[tuple[str, int]]]) -> None:
    with open(path, "w", newline="\n") as f:
        for q, docs in qrels.items():
            for d, r in docs:
                f.write(f"{q} 0 {d} {int(r)}\n")


def ranx_eval(qrels_path: Path, run_path: Path, metrics: list[str]):
    from ranx import Qrels, Run, evaluate

    qrels = Qrels.from_file(str(qrels_path), kind="trec")
    run = Run.from_file(str(run_path), kind="trec")
    means = evaluate(qrels, run, metrics, make_comparable=True)
    if len(metrics) == 1:
        means = {metrics[0]: means}
    per_query = {m: {q: float(v) for q, v in run.scores[m].items()} for m in metrics}
    return {m: float(v) for m, v in means.items()}, per_query


def ranx_name(m: str) -> str:
    base, _, k = m.partition("@")
    base = {"recall": "recall_at", "precision": "precision_at", "ndcg": "ndcg_at", "map": "map_at",
            "hit_rate": "hit_rate_at", "mrr": "mrr_at"}[base] if k else base
    return f"{base}_{k}" if k else base


def digits_ranx(out, emb, labels, ids):
    idx, score, _ = exact_neighbours(emb, emb, "cosine", RUN_DEPTH, exclude_self=True)
    # ties at full float64 precision inside one query's top-100 (would make ranx's order undefined)
    ties = int(sum((np.diff(score[i]) == 0).sum() for i in range(len(ids))))
    run = {ids[i]: [(ids[j], float(s)) for j, s in zip(idx[i], score[i])] for i in range(len(ids))}
    qrels = {ids[i]: [(ids[j], 1) for j in range(len(ids)) if j != i and labels[j] == labels[i]]
             for i in range(len(ids))}
    write_trec_run(out / "digits.run", run, "pca16_cosine")
    write_trec_qrels(out / "digits.qrels", qrels)
    means, per_query = ranx_eval(out / "digits.qrels", out / "digits.run", RANX_METRICS)
    # numpy check of every metric from the run file as written (ranked by score desc, then line order)
    metrics = {ranx_name(m): {"value": v} for m, v in means.items()}
    pq = {"ids": ids}
    for m in RANX_METRICS:
        pq[ranx_name(m)] = [per_query[m][q] for q in ids]
    check = check_ir_numpy(out / "digits.qrels", out / "digits.run", RANX_METRICS)
    maxdiff = max(abs(check[m][q] - per_query[m][q]) for m in RANX_METRICS for q in ids)
    doc = {
        "files": ["digits.run", "digits.qrels"],
        "args": ["--run", "digits.run", "--qrels", "digits.qrels"],
        "generator": GENERATOR,
        "versions": versions(),
        "notes": ("Ranked-list input. Run: for every item of digits_emb.npy (leave-one-out), its top "
                  f"{RUN_DEPTH} neighbours by cosine similarity (float64 from the float32 embeddings, self "
                  "excluded, ranked by score desc then index asc), score = cosine written with repr(). "
                  f"Score ties at full precision within a query: {ties}. Qrels: every other item with the same "
                  "label, relevance 1 (R = 173..182). Metrics in the IR sense (docs/design/metrics.md §2.2): "
                  "recall_at_k = hits@k / R, precision_at_k = hits@k / k, map = AP over the 100 retrieved "
                  "divided by R (= map_at_100 here), mrr, ndcg_at_10 (Jarvelin, binary), hit_rate_at_k = "
                  "any hit in top k. Values from ranx.evaluate (means) and run.scores (per query); an "
                  "independent numpy implementation reading the same files reproduces every per-query value "
                  f"(max abs diff {maxdiff:.1e}). Tolerance: exact (1e-12 allows for summation order)."),
        "tolerance": 1e-12,
        "expected": {"metrics": metrics, "per_query": pq},
    }
    write_json(out / "digits_ranx.expected.json", doc)
    return means, ties, maxdiff


def read_trec(run_path: Path, qrels_path: Path):
    run: dict[str, list[tuple[str, float]]] = {}
    for line in open(run_path):
        q, _, d, _, s, _ = line.split()
        run.setdefault(q, []).append((d, float(s)))
    qrels: dict[str, dict[str, int]] = {}
    for line in open(qrels_path):
        q, _, d, r = line.split()
        qrels.setdefault(q, {})[d] = int(r)
    return run, qrels


def ir_metrics(ranked_rels: list[int], judged: dict[str, int], metric: str) -> float:
    """docs/design/metrics.md §2.2 on a ranked list of graded relevances (already ordered)."""
    metric, _, lvl = metric.partition("-l")
    lvl = int(lvl) if lvl else 1
    base, _, k = metric.partition("@")
    k = int(k) if k else len(ranked_rels)
    ranked_rels = [r if r >= lvl else 0 for r in ranked_rels]
    judged = {d: r for d, r in judged.items() if r >= lvl}
    top = ranked_rels[:k]
    binary = [1 if r >= lvl else 0 for r in top]
    R = len(judged)
    if R == 0:
        return 0.0
    if base == "recall":
        return sum(binary) / R
    if base == "precision":
        return sum(binary) / k
    if base == "hit_rate":
        return float(any(binary))
    if base == "mrr":
        for i, b in enumerate(binary):
            if b:
                return 1.0 / (i + 1)
        return 0.0
    if base == "map":
        s, h = 0.0, 0
        for i, b in enumerate(binary):
            if b:
                h += 1
                s += h / (i + 1)
        return s / R
    if base == "ndcg":
        dcg = sum(r / math.log2(i + 2) for i, r in enumerate(top))
        ideal = sorted(judged.values(), reverse=True)[:k]
        idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
        return dcg / (idcg if idcg > 0 else 1.0)
    raise ValueError(metric)


def check_ir_numpy(qrels_path, run_path, metrics, tie_rule="docid_asc"):
    run, qrels = read_trec(run_path, qrels_path)
    res = {m: {} for m in metrics}
    for q in qrels:
        docs = run.get(q, [])
        if tie_rule == "docid_asc":
            docs = sorted(docs, key=lambda t: (-t[1], t[0]))
        elif tie_rule == "docid_desc":
            docs = sorted(sorted(docs, key=lambda t: t[0], reverse=True), key=lambda t: -t[1])
        elif tie_rule == "file_order":
            docs = sorted(docs, key=lambda t: -t[1])  # stable: keeps file order within ties
        rels = [qrels[q].get(d, 0) for d, _ in docs]
        for m in metrics:
            res[m][q] = ir_metrics(rels, qrels[q], m)
    return res


TINY_METRICS = ["recall@1", "recall@3", "recall@5", "precision@3", "precision@10", "mrr", "map", "map@3",
                "ndcg@3", "ndcg@5", "ndcg", "hit_rate@1", "ndcg@5-l2", "map-l2", "recall@3-l2"]


def tiny(out: Path):
    # Hand-made. Docids chosen so that ascending-docid and file order differ inside ties.
    run = {
        "q1": [("a3", 0.9), ("a1", 0.8), ("a2", 0.8), ("a5", 0.8), ("a4", 0.5), ("a6", 0.1)],
        "q2": [("b2", 1.0), ("b1", 1.0), ("b3", 0.7), ("b4", 0.7), ("b5", 0.2)],
        "q3": [("c1", 0.95), ("c2", 0.85), ("c3", 0.75), ("c4", 0.65)],  # no ties
        "q4": [("d1", 0.5), ("d2", 0.4), ("d3", 0.3)],  # only grade-0 judgments -> R = 0
        "q5": [("e9", 0.3), ("e1", 0.3), ("e5", 0.3), ("e2", 0.3)],  # all tied
    }
    qrels = {
        "q1": [("a1", 2), ("a2", 0), ("a5", 1), ("a6", 2), ("a7", 1)],  # a7 relevant, never retrieved
        "q2": [("b1", 1), ("b2", 0), ("b3", 2), ("b4", 0)],
        "q3": [("c2", 1), ("c4", 2), ("c9", 1)],
        "q4": [("d1", 0), ("d2", 0)],
        "q5": [("e2", 2), ("e5", 1), ("e9", 0)],
    }
    write_trec_run(out / "tiny_graded.run", run, "handmade")
    write_trec_qrels(out / "tiny_graded.qrels", qrels)
    means, per_query = ranx_eval(out / "tiny_graded.qrels", out / "tiny_graded.run", TINY_METRICS)
    qids = list(qrels)
    rules = {}
    for rule in ("docid_asc", "docid_desc", "file_order"):
        chk = check_ir_numpy(out / "tiny_graded.qrels", out / "tiny_graded.run", TINY_METRICS, rule)
        rules[rule] = [q for q in qids if all(abs(chk[m][q] - per_query[m][q]) < 1e-12 for m in TINY_METRICS)]
    # which queries are tie-sensitive at all
    sens = []
    chks = [check_ir_numpy(out / "tiny_graded.qrels", out / "tiny_graded.run", TINY_METRICS, r)
            for r in ("docid_asc", "docid_desc", "file_order")]
    for q in qids:
        if any(abs(c[m][q] - chks[0][m][q]) > 1e-12 for c in chks[1:] for m in TINY_METRICS):
            sens.append(q)
    metrics = {ranx_name_l(m): {"value": v} for m, v in means.items()}
    pq = {"ids": qids}
    for m in TINY_METRICS:
        pq[ranx_name_l(m)] = [per_query[m][q] for q in qids]
    doc = {
        "files": ["tiny_graded.run", "tiny_graded.qrels"],
        "args": ["--run", "tiny_graded.run", "--qrels", "tiny_graded.qrels"],
        "generator": GENERATOR,
        "versions": versions(),
        "notes": ("Hand-made graded run (relevance 0/1/2) with score ties. ranx.evaluate means and "
                  "run.scores per query. Relevance level: plain metrics count rel >= 1; '-l2' suffixed "
                  "ranx metrics (metric name suffix _l2 here) count rel >= 2 as relevant; ndcg uses the "
                  "graded rel (Jarvelin: rel / log2(i+1)), idcg from the qrels sorted by grade; q4 has "
                  "only grade-0 judgments, so R = 0 and every metric is 0. a7 and c9 are relevant but "
                  "never retrieved. precision@10 divides by 10 even though lists are shorter. "
                  f"Tie-sensitive queries (the three tie rules disagree): {sens}. ranx's per-query values "
                  f"equal a numpy evaluation with ties broken by: docid ascending for {rules['docid_asc']}, "
                  f"docid descending for {rules['docid_desc']}, file (input) order for {rules['file_order']}. "
                  "ranx sorts with numba np.argsort(-score) (quicksort, not stable), so its tie order is an "
                  "implementation accident; see tie_rules for what the Rust side should reproduce."),
        "tolerance": 1e-12,
        "tie_rules": {"tie_sensitive_queries": sens, "ranx_matches": rules},
        "expected": {"metrics": metrics, "per_query": pq},
    }
    write_json(out / "tiny_graded.expected.json", doc)
    return means, rules, sens


def ranx_name_l(m: str) -> str:
    m2, _, lvl = m.partition("-l")
    return ranx_name(m2) + (f"_l{lvl}" if lvl else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--no-version-check", action="store_true")
    a = ap.parse_args()
    if not a.no_version_check:
        check_versions()
    out = a.out
    out.mkdir(parents=True, exist_ok=True)
    emb, labels, ids, subsets, splits = make_digits(out)
    summary = {}
    for metric in ("cosine", "l2"):
        for mode in ("loo", "split"):
            _, _, res, so, sl, gap = digits_pml_scenario(out, emb, labels, ids, subsets, splits, metric, mode)
            summary[f"{metric}_{mode}"] = {"pml": res, "order_eq": so, "labels_eq": sl, "min_gap": gap}
    means, ties, md = digits_ranx(out, emb, labels, ids)
    summary["ranx_digits"] = {"means": means, "ties": ties, "numpy_maxdiff": md}
    tm, rules, sens = tiny(out)
    summary["ranx_tiny"] = {"means": tm, "rules": rules, "tie_sensitive": sens}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
