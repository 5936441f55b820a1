#!/usr/bin/env python
"""Write the bundled retrieval example (examples/retrieval/) from scikit-learn's digits.

    .venv/bin/python examples/retrieval/make_retrieval_example.py
    (any venv with python/requirements.txt: numpy 2.4.6, scikit-learn 1.9.1)

Data: sklearn's load_digits (1,797 8x8 images of the digits 0-9; it ships with scikit-learn).
Split (stratified by digit, random_state=0): 897 images to FIT the embedding models, and the
other 900, never seen by either model, as 300 queries and 600 gallery items.

Two embedding models, both fitted on the 897 training images only, both 9-dimensional:
* pca: PCA(n_components=9, svd_solver="full") on the raw pixels (unsupervised);
* lda: LinearDiscriminantAnalysis(solver="svd") on the raw pixels (supervised: the labels
  shape the space; 9 = classes - 1 components).

Files (float32 embeddings, NumPy .npy v1.0, row i <-> data row i of the labels file):
* query/pca.npy, query/lda.npy      300 x 9 query embeddings
* gallery/pca.npy, gallery/lda.npy  600 x 9 gallery embeddings
* query/labels.csv    id, label, ink: id = "d" + the load_digits row; label = the digit;
                      ink = "light" / "heavy": the image's total pixel intensity below / at or
                      above the median of the 300 queries (a real property to slice by).
* gallery/labels.csv  id, label
* lda.trec            a TREC run: for every query, the 10 gallery items with the highest cosine
                      similarity of their lda embeddings (scores to 6 decimals, rank ties by
                      gallery row), run tag "lda"
* qrels.trec          TREC qrels: for every query, every gallery item with its digit (grade 1)

Deterministic (same venv, same bytes); the whole directory stays under 1 MB.
"""

from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.model_selection import train_test_split

HERE = Path(__file__).resolve().parent
LIMIT = 1_000_000
DEPTH = 10


def save(path: Path, x: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.ascontiguousarray(x, dtype=np.float32))


def write(path: Path, lines) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="\n", encoding="utf-8") as fh:
        fh.writelines(lines)


def main() -> None:
    X, y = load_digits(return_X_y=True)
    rows = np.arange(len(y))
    train, rest = train_test_split(rows, train_size=897, stratify=y, random_state=0)
    query, gallery = train_test_split(rest, train_size=300, stratify=y[rest], random_state=0)
    query, gallery = np.sort(query), np.sort(gallery)

    models = {
        "pca": PCA(n_components=9, svd_solver="full").fit(X[train]),
        "lda": LinearDiscriminantAnalysis(solver="svd").fit(X[train], y[train]),
    }
    emb = {}
    for name, m in models.items():
        emb[name] = (m.transform(X[query]).astype(np.float32), m.transform(X[gallery]).astype(np.float32))
        save(HERE / "query" / f"{name}.npy", emb[name][0])
        save(HERE / "gallery" / f"{name}.npy", emb[name][1])

    ink = X[query].sum(axis=1)
    median = np.median(ink)
    write(
        HERE / "query" / "labels.csv",
        ["id,label,ink\n"]
        + [f"d{r:04d},{y[r]},{'heavy' if s >= median else 'light'}\n" for r, s in zip(query, ink)],
    )
    write(HERE / "gallery" / "labels.csv", ["id,label\n"] + [f"d{r:04d},{y[r]}\n" for r in gallery])

    # The lda run: cosine similarity in float64 of the float32 embeddings, best first, ties by
    # gallery row (a stable sort).
    q, g = (e.astype(np.float64) for e in emb["lda"])
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    g /= np.linalg.norm(g, axis=1, keepdims=True)
    scores = q @ g.T
    run, qrels = [], []
    for i, r in enumerate(query):
        order = np.argsort(-scores[i], kind="stable")[:DEPTH]
        run += [f"d{r:04d} Q0 d{gallery[j]:04d} {rank} {scores[i, j]:.6f} lda\n" for rank, j in enumerate(order, 1)]
        qrels += [f"d{r:04d} 0 d{gr:04d} 1\n" for gr in gallery if y[gr] == y[r]]
    write(HERE / "lda.trec", run)
    write(HERE / "qrels.trec", qrels)

    total = sum(p.stat().st_size for p in HERE.rglob("*") if p.is_file() and p.suffix != ".py")
    for p in sorted(HERE.rglob("*")):
        if p.is_file() and p.suffix != ".py":
            print(f"{p.relative_to(HERE.parent.parent)}: {p.stat().st_size} bytes")
    print(f"total {total} bytes")
    assert total < LIMIT, total


if __name__ == "__main__":
    main()
