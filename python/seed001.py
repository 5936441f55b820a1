"""Seed 001 §4.1's five training runs, as the real-client scripts log them (python/check_experiment_e2e.py,
python/ui_e2e.py), so both log the same curves from one copy.

`SEED` lists each run: name, epochs, best epoch (1-based), validation loss best → last, training loss
first → last, the overfitting severity crates/verdict-app/tests/check_run.rs asserts for these curves,
and the test predictions file the run is evaluated on (`verdict eval FILE --run RUN_ID`; None: none).
The files are seed 000's two smile models (examples/seed000/smile_*.csv, one eval set of 80
sequences) and the breast-cancer predictions (examples/breast_cancer.csv, 569 rows): two eval sets.

`log_seed_runs(mlflow, client)` logs them in the active experiment epoch by epoch, as a training loop
does, and checks that each history reads back as exactly the floats sent.
"""

import os

from steps import check, eq  # python/steps.py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMILE_BEST = os.path.join(ROOT, "examples", "seed000", "smile_finetuned.csv")  # ROC AUC 0.7347
SMILE_OTHER = os.path.join(ROOT, "examples", "seed000", "smile_baseline.csv")  # ROC AUC 0.6606
BREAST = os.path.join(ROOT, "examples", "breast_cancer.csv")

# Seed 001 §4.1 (the report's numbers): name, epochs, best epoch (1-based), val loss best → last,
# train loss first → last, the severity crates/verdict-app/tests/check_run.rs asserts for these
# curves, and the test file this run is evaluated on (None: no evaluation).
SEED = [
    ("late_fusion_v2", 12, 5, 0.475, 0.584, 1.118, 0.191, "mild", SMILE_BEST),
    ("resnet18_no_x", 12, 5, 0.734, 1.190, 0.214, 0.074, "severe", SMILE_OTHER),
    ("drn_aspp", 16, 9, 0.392, 0.904, 0.182, 0.065, "severe", BREAST),
    ("cbam_768_no_x", 8, 1, 0.484, 1.166, 0.220, 0.063, "extreme", None),
    ("hd_cnn_v2", 14, 7, 2.437, 11.508, 2.539, 0.747, "extreme", None),
]


def seed_loss(n, best_at, best, last):
    """verdict-testkit's curves::seed_loss: linear from 1.3·best down to best at epoch best_at
    (1-based; at once when it is 1), then linear up to last at epoch n (same operations, same floats)."""
    start = best * 1.3
    out = []
    for e in range(1, n + 1):
        if e <= best_at:
            out.append(best if best_at == 1 else start + (best - start) * (e - 1) / (best_at - 1))
        else:
            out.append(best + (last - best) * (e - best_at) / (n - best_at))
    return out


def falling(n, first, last):
    """verdict-testkit's curves::falling: n values linear from first to last."""
    return [first + (last - first) * i / max(n - 1, 1) for i in range(n)]


def log_seed_runs(mlflow, client):
    """Logs every SEED run in mlflow's active experiment (`val_loss` and `loss` at epochs 1..n, one
    log_metric call each, as mlflow.keras.autolog logs them), reads each history back through
    `client` and checks its steps and that every value is exactly the float sent. Returns
    {name: {"id": run id, "val": val_loss values, "train": loss values}} as read back."""
    runs = {}
    for name, n, best_at, best, last, t0, t1, _, _ in SEED:
        val, train = seed_loss(n, best_at, best, last), falling(n, t0, t1)
        with mlflow.start_run(run_name=name) as run:
            for epoch in range(1, n + 1):  # Keras' epochs, as mlflow.keras.autolog logs them
                mlflow.log_metric("val_loss", val[epoch - 1], step=epoch)
                mlflow.log_metric("loss", train[epoch - 1], step=epoch)
        stored = {}
        for key, sent in (("val_loss", val), ("loss", train)):
            hist = sorted((m.step, m.value) for m in client.get_metric_history(run.info.run_id, key))
            eq([s for s, _ in hist], list(range(1, n + 1)), f"{name}: {key} steps read back")
            # Exactly the floats sent: verdict server parses request JSON with a correctly rounded
            # float parser (serde_json's `float_roundtrip`; without it 0.45080000000000003 came
            # back as 0.4508).
            for (epoch, got), want in zip(hist, sent):
                check(got == want, f"{name}: {key} at epoch {epoch}: got {got!r}, sent {want!r}")
            stored[key] = [v for _, v in hist]
        runs[name] = {"id": run.info.run_id, "val": stored["val_loss"], "train": stored["loss"]}
    return runs
