#!/usr/bin/env python
"""Python peers for the `verdict retrieval` benchmark (issue 4). Run with the retrieval venv
(python/requirements-retrieval.txt) after bench/make_retrieval_data.py:

    python bench/faiss_pml_bench.py [--data bench-data] [--repeats 1] [--skip-flat] [--skip-pml]

Prints one JSON object with wall seconds (time.perf_counter, best of --repeats):
* flat_ip / flat_l2: faiss.IndexFlatIP / IndexFlatL2 built on the 200,000 x 128 gallery, search of
  the 20,000 x 128 queries with k = 10 (exact; index build included, it is just a copy).
* pml_loo: pytorch-metric-learning AccuracyCalculator(include=(precision_at_1, r_precision,
  mean_average_precision_at_r, mean_reciprocal_rank), k=100).get_accuracy(x, labels) on
  35,529 x 128, leave-one-out. The kNN (PML's default FaissKNN = IndexFlatL2, k+1 searched, self
  removed) is inside the timed call; pml_knn_only times that same kNN alone. With 5 classes
  (~7,100 items each) k=100 < max_bin_count, so PML warns that r_precision and MAP@R are
  truncated at 100 (they are reported but are not the true R-metrics); the timing is what counts.
Threads: faiss/torch use all cores (2 here); the count is reported.
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
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--loo-k", type=int, default=100)
    ap.add_argument("--skip-flat", action="store_true")
    ap.add_argument("--skip-pml", action="store_true")
    a = ap.parse_args()

    import faiss
    import pytorch_metric_learning
    import torch

    res = {"versions": {"faiss-cpu": faiss.__version__, "torch": torch.__version__,
                        "pytorch-metric-learning": pytorch_metric_learning.__version__, "numpy": np.__version__},
           "threads": {"faiss": faiss.omp_get_max_threads(), "torch": torch.get_num_threads()}}
    if not a.skip_flat:
        q = np.load(a.data / "retrieval_queries.npy")
        g = np.load(a.data / "retrieval_gallery.npy")
        for name, cls in (("flat_ip", faiss.IndexFlatIP), ("flat_l2", faiss.IndexFlatL2)):
            def run():
                index = cls(g.shape[1])
                index.add(g)
                return index.search(q, a.k)
            secs, (D, I) = best(run, a.repeats)
            res[name] = {"seconds": secs, "n_queries": len(q), "n_gallery": len(g), "d": g.shape[1], "k": a.k,
                         "checksum_first_row": I[0].tolist()}
    if not a.skip_pml:
        from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator
        from pytorch_metric_learning.utils.inference import FaissKNN

        x = np.load(a.data / "retrieval_loo.npy")
        y = np.load(a.data / "retrieval_loo_labels.npy")
        calc = AccuracyCalculator(include=("precision_at_1", "r_precision", "mean_average_precision_at_r",
                                           "mean_reciprocal_rank"), k=a.loo_k)
        secs, acc = best(lambda: calc.get_accuracy(x, y), a.repeats)
        res["pml_loo"] = {"seconds": secs, "n": len(x), "d": x.shape[1], "k": a.loo_k, "metrics": acc}
        xt = torch.from_numpy(x)
        secs, _ = best(lambda: FaissKNN()(xt, a.loo_k, xt, True), a.repeats)
        res["pml_knn_only"] = {"seconds": secs}
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
