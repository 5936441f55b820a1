#!/usr/bin/env python
"""Benchmark data for `verdict check --experiment` (git-ignored, bench-data/check/):

    /path/to/venv/bin/python bench/make_check_ledger.py [--out bench-data/check] [--runs 1000]
        [--epochs 100] [--evaluated 50] [--rows 35529]

* mlruns/: an MLflow FileStore (the layout the MLflow client writes: meta.yaml per experiment and
  run, one `timestamp value step` line per metric point) with one experiment `bench-check` and
  `--runs` runs, each logging 4 curves (loss, val_loss, accuracy, val_accuracy) over `--epochs`
  epochs; the curves' shapes are drawn from a seeded rng, so severities vary over the runs.
* preds/run_<i>.parquet for the first `--evaluated` runs: binary predictions of `--rows` rows
  (id, label, score), half of them on test set A and half on test set B (another label draw:
  another eval set, hence another fingerprint).

`verdict import mlruns` brings the FileStore into a ledger and `verdict eval … --run` stores the
evaluations (bench/check_experiment.sh does both).
"""

import argparse
import os
import shutil
import uuid
from pathlib import Path

import numpy as np
import pandas as pd


def curves(rng, epochs):
    best = int(rng.integers(1, epochs + 1))
    low = 0.2 + 0.6 * rng.random()
    rise = rng.random() * 1.5
    e = np.arange(1, epochs + 1)
    val = np.where(
        e <= best,
        low * (1.3 - 0.3 * (e - 1) / max(best - 1, 1)),
        low * (1 + rise * (e - best) / max(epochs - best, 1)),
    )
    loss = 1.0 * np.exp(-3 * e / epochs) + 0.05
    acc = 1 - loss / 2
    val_acc = 1 - val / 3
    return {"loss": loss, "val_loss": val, "accuracy": acc, "val_accuracy": val_acc}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="bench-data/check")
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--evaluated", type=int, default=50)
    ap.add_argument("--rows", type=int, default=35_529)
    a = ap.parse_args()
    out = Path(a.out)
    if out.exists():
        shutil.rmtree(out)
    exp_id = "424242"
    exp = out / "mlruns" / exp_id
    exp.mkdir(parents=True)
    t0 = 1_796_000_000_000
    (exp / "meta.yaml").write_text(
        f"artifact_location: file://{exp.resolve()}\ncreation_time: {t0}\n"
        f"experiment_id: '{exp_id}'\nlast_update_time: {t0}\nlifecycle_stage: active\n"
        "name: bench-check\n"
    )
    rng = np.random.default_rng(7)
    ids = []
    for i in range(a.runs):
        run_id = uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | i).hex
        ids.append(run_id)
        run = exp / run_id
        (run / "metrics").mkdir(parents=True)
        (run / "params").mkdir()
        (run / "tags").mkdir()
        start = t0 + 1000 * i
        (run / "meta.yaml").write_text(
            f"artifact_uri: file://{(run / 'artifacts').resolve()}\nend_time: {start + 500}\n"
            f"entry_point_name: ''\nexperiment_id: '{exp_id}'\nlifecycle_stage: active\n"
            f"run_id: {run_id}\nrun_name: run-{i:04d}\nsource_name: ''\nsource_type: 4\n"
            f"source_version: ''\nstart_time: {start}\nstatus: 3\ntags: []\nuser_id: bench\n"
        )
        (run / "tags" / "mlflow.runName").write_text(f"run-{i:04d}")
        for key, values in curves(rng, a.epochs).items():
            lines = "".join(
                f"{start + e} {v!r} {e}\n" for e, v in enumerate(values.tolist())
            )
            (run / "metrics" / key).write_text(lines)
    preds = out / "preds"
    preds.mkdir()
    n = a.rows
    label_a = np.random.default_rng(42).integers(0, 2, n, dtype=np.int64)
    label_b = np.random.default_rng(43).integers(0, 2, n, dtype=np.int64)
    row_ids = [f"s{j}" for j in range(n)]
    for i in range(a.evaluated):
        label = label_a if i % 2 == 0 else label_b
        skill = 0.2 + 0.4 * (i / max(a.evaluated - 1, 1))
        r = np.random.default_rng(1000 + i).random(n)
        pd.DataFrame(
            {"id": row_ids, "label": label, "score": (r + skill * label) / (1 + skill)}
        ).to_parquet(preds / f"run_{i}.parquet", index=False)
    (out / "run_ids.txt").write_text("\n".join(ids[: a.evaluated]) + "\n")
    print(f"{a.runs} runs x 4 curves x {a.epochs} epochs; {a.evaluated} prediction files of {n} rows")


if __name__ == "__main__":
    main()
