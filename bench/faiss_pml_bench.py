#!/usr/bin/env python
"""Python peers for the `verdict retrieval` benchmark (issue 4). Run with the retrieval venv
(python/requirements-retrieval.txt) after bench/make_retrieval_data.py:

    python bench/faiss_pml_bench.py --case CASE [--data bench-data] [--repeats 1]

CASE is one of (the timed part in brackets; wall seconds by time.perf_counter, best of --repeats):
* flat_ip / flat_l2: [faiss.IndexFlatIP / IndexFlatL2 built on the 200,000 x 128 gallery, search
  of the 20,000 x 128 queries with k = 10] (exact; the build is just a copy). Also reported, from
  the neighbours: hit_rate_at_10 and precision_at_10 with the label files (the same definitions as
  verdict's), and the first query's neighbour ids, so the two sides can be checked to agree.
* pml_loo: [pytorch-metric-learning AccuracyCalculator(include=(precision_at_1, r_precision,
  mean_average_precision_at_r, mean_reciprocal_rank), k=100).get_accuracy(x, labels)] on
  35,529 x 128, leave-one-out, kNN included (PML's default FaissKNN = IndexFlatL2, k+1 searched,
  self removed). With 5 classes (~7,100 items each) k=100 < max_bin_count, so PML warns that
  r_precision and MAP@R are truncated at 100 (reported, but not the true R-metrics).
* pml_loo_exact: the same with k="max_bin_count" (7,211 neighbours), PML's exact R-metrics.
* pml_knn_only: PML's FaissKNN alone (k = 101 on the same data, self removed).
Threads: faiss/torch use all cores (2 here); the count is reported. Prints one JSON object.
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def best(fn, repeats):
    out, ts = None, []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return min(ts), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT / "bench-data")
    ap.add_argument("--case", required=True,
                    choices=["flat_ip", "flat_l2", "pml_loo", "pml_loo_exact", "pml_knn_only"])
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--loo-k", type=int, default=100)
    a = ap.parse_args()

    import faiss
    import pytorch_metric_learning
    import torch

    res = {"case": a.case,
           "versions": {"faiss-cpu": faiss.__version__, "torch": torch.__version__,
                        "pytorch-metric-learning": pytorch_metric_learning.__version__, "numpy": np.__version__},
           "threads": {"faiss": faiss.omp_get_max_threads(), "torch": torch.get_num_threads()}}
    if a.case in ("flat_ip", "flat_l2"):
        q = np.load(a.data / "retrieval_queries.npy")
        g = np.load(a.data / "retrieval_gallery.npy")
        ql = np.load(a.data / "retrieval_queries_labels.npy")
        gl = np.load(a.data / "retrieval_gallery_labels.npy")
        cls = faiss.IndexFlatIP if a.case == "flat_ip" else faiss.IndexFlatL2

        def run():
            index = cls(g.shape[1])
            index.add(g)
            return index.search(q, a.k)

        secs, (D, I) = best(run, a.repeats)
        rel = gl[I] == ql[:, None]
        res.update(seconds=secs, n_queries=len(q), n_gallery=len(g), d=g.shape[1], k=a.k,
                   gflops=2.0 * len(q) * len(g) * g.shape[1] / secs / 1e9,
                   metrics={f"hit_rate_at_{a.k}": float(rel.any(axis=1).mean()),
                            f"precision_at_{a.k}": float(rel.mean())},
                   first_row=I[0].tolist())
    else:
        from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator
        from pytorch_metric_learning.utils.inference import FaissKNN

        x = np.load(a.data / "retrieval_loo.npy")
        y = np.load(a.data / "retrieval_loo_labels.npy")
        if a.case == "pml_knn_only":
            xt = torch.from_numpy(x)
            secs, _ = best(lambda: FaissKNN()(xt, a.loo_k + 1, xt, True), a.repeats)
            res.update(seconds=secs, n=len(x), d=x.shape[1], k=a.loo_k)
        else:
            k = a.loo_k if a.case == "pml_loo" else "max_bin_count"
            calc = AccuracyCalculator(include=("precision_at_1", "r_precision", "mean_average_precision_at_r",
                                               "mean_reciprocal_rank"), k=k)
            secs, acc = best(lambda: calc.get_accuracy(x, y), a.repeats)
            res.update(seconds=secs, n=len(x), d=x.shape[1], k=k,
                       metrics={{"mean_average_precision_at_r": "map_at_r", "mean_reciprocal_rank": "mrr"}.get(m, m):
                                float(v) for m, v in acc.items()})
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
