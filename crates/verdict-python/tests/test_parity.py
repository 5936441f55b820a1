"""The reference fixtures of `verdict eval`, `compare` and `retrieval`, through the Python API.

The expected values are the committed ones (scikit-learn, statsmodels, pytorch-metric-learning;
each directory's README names the script that made them), checked with the same rule and
tolerance as the Rust tests: 1e-9 for eval and compare, the fixture's own (1e-6, float32
embeddings) for retrieval. The files are read with pandas (CSV, JSON Lines) and polars (Parquet),
and handed over as a user would: arrays and DataFrame columns.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

import verdict
from conftest import COMPARE, PARITY, RETRIEVAL, absent, close


def read(path: Path) -> pd.DataFrame:
    """A fixture file as pandas (pandas 3's default float parser reads every float exactly as
    written; the shortest round-trip text of each value is in the file)."""
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".jsonl":
        return pd.read_json(path, lines=True, dtype=False, precise_float=True)
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path)  # polars reads Parquet without pyarrow
        return pd.DataFrame({c: frame[c].to_numpy() for c in frame.columns})
    raise ValueError(path)


def kwargs(args: list[str], df: pd.DataFrame) -> dict:
    """A fixture's CLI flags as keyword arguments."""
    out: dict = {}
    it = iter(args)
    for flag in it:
        value = next(it)
        if flag == "--threshold":
            out["threshold"] = float(value)
        elif flag == "--calibration-bins":
            out["calibration_bins"] = int(value)
        elif flag == "--target-recall":
            out["target_recall"] = float(value)
        elif flag == "--target-precision":
            out["target_precision"] = float(value)
        elif flag == "--group-classes":
            name, members = value.split("=")
            out.setdefault("group_classes", {})[name] = members.split(",")
        elif flag == "--by":
            out["by"] = df[value]
        else:
            raise AssertionError(f"unhandled flag {flag}")
    return out


def model_inputs(df: pd.DataFrame) -> dict:
    """The prediction columns of a file as the API's keyword arguments: `prob_<c>` columns as a
    DataFrame (its column names are the classes), `logit_<c>` likewise, `score`, `pred`."""
    prob = [c for c in df.columns if c.startswith("prob_")]
    logit = [c for c in df.columns if c.startswith("logit_")]
    if prob:
        return {"y_prob": df[prob].rename(columns=lambda c: c[len("prob_"):])}
    if logit:
        return {"y_logit": df[logit].rename(columns=lambda c: c[len("logit_"):])}
    if "score" in df:
        return {"y_score": df["score"]}
    return {"y_pred": df["pred"]}


EVAL_CASES = sorted(PARITY.glob("*.expected.json"))


@pytest.mark.parametrize("case", EVAL_CASES, ids=[p.name.removesuffix(".expected.json") for p in EVAL_CASES])
def test_eval_parity(case: Path) -> None:
    spec = json.loads(case.read_text())
    df = read(PARITY / spec["file"])
    ev = verdict.evaluate(
        df["label"],
        **model_inputs(df),
        ids=df["id"] if "id" in df else None,
        groups=df["group"] if "group" in df else None,
        bootstrap=0,
        **kwargs(spec["args"], df),
    )
    doc = ev.to_dict()
    expected = spec["expected"]
    if "slices" in expected and expected["slices"]:
        expected = {**expected, "slices": {**expected["slices"]}}
    bad = close(expected, doc)
    bad += [f"{p}: should be absent" for p in spec.get("absent", []) if not absent(doc, p)]
    assert not bad, "\n".join(bad[:20])


COMPARE_CASES = sorted(COMPARE.glob("*.expected.json"))


def _compare_case_id(p: Path) -> str:
    return p.name.removesuffix(".expected.json")


@pytest.mark.parametrize("case", COMPARE_CASES, ids=[_compare_case_id(p) for p in COMPARE_CASES])
def test_compare_parity(case: Path) -> None:
    spec = json.loads(case.read_text())
    expected = spec["expected"]
    if "error_contains" in expected:
        pytest.skip(
            "a refusal of files that disagree on ids, labels or groups: verdict.compare takes one "
            "y_true (and ids, groups) for every model, so the disagreement cannot be written"
        )
    frames = [read(COMPARE / f) for f in spec["files"]]
    if "id" in frames[0]:
        # The files list their rows in different orders; a Python user holds aligned arrays.
        frames = [f.sort_values("id", kind="stable").reset_index(drop=True) for f in frames]
        for f in frames[1:]:
            assert (f["id"].to_numpy() == frames[0]["id"].to_numpy()).all()
    base = frames[0]
    models = {Path(f).stem: model_inputs(df) for f, df in zip(spec["files"], frames)}
    cmp = verdict.compare(
        base["label"],
        models,
        ids=base["id"] if "id" in base else None,
        groups=base["group"] if "group" in base else None,
        bootstrap=0,
    )
    doc = cmp.to_dict()
    if expected.get("groups"):
        # The CLI names the file's group column; the API names its argument, `groups`.
        assert doc["groups"]["column"] == "groups"
        expected = {**expected, "groups": {**expected["groups"], "column": "groups"}}
    for m in expected.get("models", []):
        # The CLI names each model's file; the API has none, and says the model's name.
        m.pop("source", None)
    assert [m["source"] for m in doc["models"]] == list(models)
    bad = close(expected, doc, tol=1e-9, relative=True)
    bad += [f"{p}: should be absent" for p in spec.get("absent", []) if not absent(doc, p)]
    assert not bad, "\n".join(bad[:20])


RETRIEVAL_CASES = [
    p for p in sorted(RETRIEVAL.glob("*.expected.json")) if "digits_emb.npy" in json.loads(p.read_text())["files"]
]


@pytest.mark.parametrize("case", RETRIEVAL_CASES, ids=[p.name.removesuffix(".expected.json") for p in RETRIEVAL_CASES])
def test_retrieval_parity(case: Path) -> None:
    spec = json.loads(case.read_text())
    emb = np.load(RETRIEVAL / "digits_emb.npy")
    labels = pd.read_csv(RETRIEVAL / "digits_labels.csv")
    setup = spec["setup"]
    metric = setup["metric"]
    if setup["mode"] == "split":
        q = (labels["split"] == "query").to_numpy()
        kw = dict(
            query=emb[q], labels=labels["label"][q], gallery=emb[~q], gallery_labels=labels["label"][~q],
            subsets=labels["subset"][q],
        )
    else:
        kw = dict(query=emb, labels=labels["label"], subsets=labels["subset"])
    r = verdict.retrieval(**kw, metric=metric, k=(1, 5, 10), bootstrap=0)
    doc = r.to_dict()
    tol = spec["tolerance"]
    want = spec["expected"]["metrics"]
    bad = close({k: {"value": v["value"]} for k, v in want.items()}, doc["metrics"], tol=tol)
    for subset, values in spec["expected"].get("by_subset", {}).items():
        [got] = [v["summary"] for v in doc["subsets"]["values"] if v["value"] == subset]
        assert got["queries"] == values["n_queries"]
        want_subset = {k: {"value": v["value"]} for k, v in values.items() if k != "n_queries"}
        bad += close(want_subset, got["metrics"], f"subset {subset}", tol)
    assert not bad, "\n".join(bad[:20])
