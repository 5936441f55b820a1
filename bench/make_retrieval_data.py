#!/usr/bin/env python
"""Random float32 data for the retrieval benchmarks (issue 4), written to bench-data/ (git-ignored).

    python bench/make_retrieval_data.py [--out bench-data]

* retrieval_queries.npy   20,000 x 128 float32 ~ N(0, 1), default_rng(42)
* retrieval_gallery.npy  200,000 x 128 float32 ~ N(0, 1), same rng, drawn after the queries
* retrieval_{queries,gallery}_labels.{npy,csv}  int64 labels in 0..999, default_rng(43) (queries
  first): random, so the flat-kNN metrics are near chance; they only make the CLI's input complete
* retrieval_loo.npy       35,529 x 128 float32 ~ N(0, 1) + 0.5 * class centre, default_rng(7)
* retrieval_loo_labels.npy 35,529 int64 labels in 0..4 (rng.integers(0, 5)), class centres ~ N(0, 1)
* retrieval_loo_labels.csv id,label (ids "e00000".."e35528") for CLIs that read CSV labels
"""
import argparse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "bench-data")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(42)
    q = rng.standard_normal((20_000, 128), dtype=np.float32)
    g = rng.standard_normal((200_000, 128), dtype=np.float32)
    np.save(a.out / "retrieval_queries.npy", q)
    np.save(a.out / "retrieval_gallery.npy", g)
    lrng = np.random.default_rng(43)
    for name, n in (("queries", len(q)), ("gallery", len(g))):
        lab = lrng.integers(0, 1000, n).astype(np.int64)
        np.save(a.out / f"retrieval_{name}_labels.npy", lab)
        with open(a.out / f"retrieval_{name}_labels.csv", "w") as f:
            f.write("id,label\n")
            f.writelines(f"{name[0]}{i:06d},{int(l)}\n" for i, l in enumerate(lab))
    rng = np.random.default_rng(7)
    n, d, c = 35_529, 128, 5
    labels = rng.integers(0, c, n)
    centres = rng.standard_normal((c, d), dtype=np.float32)
    x = rng.standard_normal((n, d), dtype=np.float32) + np.float32(0.5) * centres[labels]
    np.save(a.out / "retrieval_loo.npy", x.astype(np.float32))
    np.save(a.out / "retrieval_loo_labels.npy", labels.astype(np.int64))
    with open(a.out / "retrieval_loo_labels.csv", "w") as f:
        f.write("id,label\n")
        f.writelines(f"e{i:05d},{int(l)}\n" for i, l in enumerate(labels))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
