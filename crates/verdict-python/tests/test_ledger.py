"""`verdict.Ledger.log_evaluation` stores an evaluation into a run of a real ledger (SQLite, the
default store) as `verdict eval --run` does: the stored evaluations are what the CLI's
`verdict runs compare` reads back and pairs, and `verdict eval --run` refuses the same name on
another eval set."""

from __future__ import annotations

import subprocess

import numpy as np
import pandas as pd
import pytest

import verdict
from conftest import REPO, run_cli, verdict_bin

RUN_A = "e0963ebc5a9a4220ae2b749f181b697b"
RUN_B = "cf2b3d890d0f41c3b3af131908d22c56"


@pytest.fixture
def ledger(tmp_path):
    """A ledger holding the importer's small FileStore (experiment ct-cnn, runs baseline and
    wider), imported by the CLI."""
    db, art = tmp_path / "verdict.db", tmp_path / "verdict-artifacts"
    subprocess.run(
        [str(verdict_bin()), "import", "mlruns", str(REPO / "crates/verdict-import/tests/fixtures/mlruns"),
         "--store", str(db), "--artifacts", str(art)],
        check=True, capture_output=True,
    )
    return verdict.Ledger(str(db), art)


def test_logged_evaluations_are_what_runs_compare_pairs(ledger):
    seed = REPO / "examples/seed000"
    a = pd.read_csv(seed / "smile_baseline.csv")
    b = pd.read_csv(seed / "smile_finetuned.csv").set_index("id").loc[a["id"]].reset_index()
    ev_a = verdict.evaluate(a["label"], a["score"], ids=a["id"], keep_predictions=True)
    ev_b = verdict.evaluate(b["label"], b["score"], ids=b["id"], keep_predictions=True)
    said = ledger.log_evaluation(RUN_A, ev_a, "test")
    assert "metrics" in said
    ledger.log_evaluation(RUN_B, ev_b, "test")
    shown = run_cli("runs", "compare", RUN_A, RUN_B, "--eval-name", "test", "--store", ledger.url,
                    "--artifacts", str(ledger.artifacts))
    ours = verdict.compare(a["label"], {"a": a["score"], "b": b["score"]}, ids=a["id"]).to_dict()
    # The same paired tests on the same eval set (the stored predictions are the ones evaluated).
    assert shown["fingerprint"] == ours["fingerprint"] == ev_a.fingerprint
    for got, want in zip(shown["comparisons"], ours["comparisons"]):
        assert got["deltas"] == want["deltas"] and got["tests"] == want["tests"]
    # The run's metrics are the evaluation's, with their intervals, as `eval --run` logs them.
    run = run_cli("runs", "show", RUN_A, "--store", ledger.url)
    metrics = run["metrics"]
    assert metrics["test/roc_auc"]["value"] == ev_a.metrics["roc_auc"].value
    assert metrics["test/roc_auc_ci_low"]["value"] == ev_a.metrics["roc_auc"].ci_low


def test_another_eval_set_under_the_same_name_is_refused(ledger, rng):
    y = rng.integers(0, 2, 50)
    with pytest.warns(UserWarning, match="kept no predictions"):
        ledger.log_evaluation(RUN_A, verdict.evaluate(y, rng.random(50), bootstrap=0), "holdout")
    with pytest.raises(ValueError, match="another eval set"):
        ledger.log_evaluation(RUN_A, verdict.evaluate(1 - y, rng.random(50), bootstrap=0), "holdout")
    with pytest.raises(ValueError):
        ledger.log_evaluation("0" * 32, verdict.evaluate(y, rng.random(50), bootstrap=0, keep_predictions=True), "x")
    with pytest.raises(TypeError, match="takes a verdict.Evaluation"):
        ledger.log_evaluation(RUN_A, {"metrics": {}}, "x")
