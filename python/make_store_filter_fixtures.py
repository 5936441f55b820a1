#!/usr/bin/env python
"""Generate crates/verdict-store/tests/fixtures/search_runs.json with MLflow's own search code.

Run with a venv that has python/requirements-mlflow.txt (mlflow-skinny, pinned):

    /path/to/venv/bin/python python/make_store_filter_fixtures.py [--out DIR]

The fixture holds a small fixed data set of runs (latest metric values, params, tags, dataset
inputs, attributes) and, for every filter string and order_by list below, what MLflow 3.17.2's
`mlflow.utils.search_utils.SearchUtils` does with it:

- a filter: `SearchUtils.filter(runs, filter)` then `SearchUtils.sort(…, [])` (the base order
  start_time DESC, run_id ASC) → the matching run names in order, or the error message;
- an order_by list: `SearchUtils.sort(runs, order_by)` → the run names in order, or the error;
- an experiment filter: `SearchExperimentsUtils.filter` then `sort(…, ["name ASC"])` over a few
  experiments (and "Default") → the names in order, or the error.

`SearchUtils.filter` is the in-memory evaluator MLflow's FileStore uses; it parses the filter with
`parse_search_filter` and checks each clause's comparator (`is_metric`, `is_param`, …), so it both
validates and evaluates. The conformance suite (tests/conformance.rs, `filter_grammar_*`) loads the
same data set into each backend and checks `Store::search_runs` agrees on every case: same names
in the same order, or an error whose message starts the same way.

Deterministic: no clock, no randomness; run ids are fixed hex strings chosen so that their order
never decides a result (start times are distinct).
"""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path

import mlflow
from mlflow.entities import (
    Dataset,
    DatasetInput,
    Experiment,
    ExperimentTag,
    InputTag,
    Metric,
    Param,
    Run,
    RunData,
    RunInfo,
    RunInputs,
    RunTag,
)
from mlflow.exceptions import MlflowException
from mlflow.utils.search_utils import SearchExperimentsUtils, SearchUtils

NAN = float("nan")
INF = float("inf")

# name, start_time, end_time, status, user_id, metrics, params, tags, datasets (name, digest, context)
RUNS = [
    ("alpha", 1000, 2000, "FINISHED", "ann",
     {"acc": 0.95, "loss": 0.1, "val loss": 0.2},
     {"lr": "0.01", "opt": "adam"},
     {"team": "vision", "note": "first try"},
     [("train", "d1", "training")]),
    ("beta", 2000, None, "RUNNING", "bob",
     {"acc": 0.8, "loss": NAN},
     {"lr": "0.1", "opt": "sgd"},
     {"team": "Vision"},
     [("eval", "d2", "evaluation")]),
    ("gamma", 3000, 3500, "FAILED", "ann",
     {"acc": -INF, "val loss": 0.5},
     {"lr": "0.01"},
     {"team": "nlp", "note": "x_y"},
     []),
    ("Delta", 4000, 5000, "FINISHED", "dave",
     {"acc": 0.95, "loss": 0.3},
     {"lr": "0.001", "opt": "adam"},
     {},
     [("train", "d1", "training"), ("eval", "d2", "evaluation")]),
    ("epsilon", 5000, 5200, "KILLED", "carol",
     {"acc": INF, "loss": -INF, "f1": 0.0},
     {"lr": "1e-3", "batch": "32"},
     {"team": "vision"},
     []),
    ("zeta", 6000, None, "SCHEDULED", "bob",
     {},
     {"batch": "32"},
     {"team": "nlp"},
     [("train", "d3", "training")]),
]

FILTERS = [
    "",
    "metrics.acc > 0.9",
    "metrics.acc >= 0.95",
    "metrics.acc = 0.95",
    "metrics.acc != 0.95",
    "metrics.acc < 0",
    "metrics.acc <= 0.8",
    "metrics.acc > 1e308",
    "metrics.acc < -1e308",
    "metrics.loss > 0",
    "metrics.loss != 0.1",
    "metrics.loss = 0.1",
    "metrics.loss < 1",
    "metrics.`val loss` < 0.3",
    'metrics."val loss" >= 0.2',
    "metric.f1 = 0",
    "metrics.f1 >= -1",
    "metrics.acc > -1 and metrics.loss < 0.2",
    "metrics.acc>.9",
    "metrics.acc > 0.9 AND params.opt = 'adam'",
    "params.lr = '0.01'",
    "params.lr != '0.01'",
    'params.lr = "0.1"',
    "params.opt LIKE 'a%'",
    "params.opt LIKE 'A%'",
    "params.opt ILIKE 'A%'",
    "params.lr LIKE '%1'",
    "params.lr LIKE '0.0_'",
    "param.batch = '32'",
    "parameters.opt IS NULL",
    "params.opt IS NOT NULL",
    "params.missing IS NULL",
    "tags.team = 'vision'",
    "tags.team ILIKE 'vision'",
    "tags.team LIKE 'V%'",
    "tags.team != 'nlp'",
    "tags.note LIKE '%\\_%'",
    "tags.note IS NULL",
    "tags.`mlflow.runName` = 'gamma'",
    "tags.mlflow.runName LIKE '%ta'",
    "tag.team = 'nlp' and params.batch = '32'",
    "attributes.status = 'FINISHED'",
    "status != 'FINISHED'",
    "attribute.status LIKE 'F%'",
    "run_name = 'Delta'",
    "attributes.run_name ILIKE 'delta'",
    "`Run Name` LIKE '%a'",
    "attributes.`run name` = 'beta'",
    "user_id = 'ann'",
    "user_id != 'ann'",
    "start_time > 2500",
    "attributes.start_time >= 3000 and attributes.start_time < 5000",
    "created < 3000",
    "end_time > 0",
    "end_time <= 3500",
    "datasets.name = 'train'",
    "datasets.digest = 'd2'",
    "datasets.context = 'training'",
    "datasets.name IN ('eval', 'nope')",
    "dataset.digest NOT IN ('d1')",
    "datasets.name LIKE 'tr%'",
    "metrics.acc > 0.5 and params.lr = '0.01' and tags.team = 'vision' and status = 'FINISHED'",
    "metrics.acc > 0.9 and",
    "metrics.acc > 0.9 or metrics.loss < 1",
    "metrics.acc > 0.9 OR metrics.loss < 1",
    "metrics.acc > 'x'",
    "metrics.acc LIKE 1",
    "metrics.acc IS NULL",
    "params.lr = 0.01",
    "params.lr > '0.01'",
    "tags.team IN ('vision')",
    "status IN ('FINISHED')",
    "run_name NOT IN ('alpha')",
    "start_time > '5'",
    "start_time LIKE 5",
    "lifecycle_stage = 'active'",
    "foo.bar = 1",
    "datasets.foo = 'x'",
    "metrics.acc",
    "metrics.acc > 0.9 and (metrics.loss < 1)",
    "NOT metrics.acc > 0.9",
    "metrics.acc between 0 and 1",
    "metrics.acc == 0.9",
    "metrics.acc <> 0.9",
    "metrics.acc > 0.9; metrics.loss < 1",
    "params.lr = b",
]

ORDERS = [
    [],
    ["metrics.acc DESC"],
    ["metrics.acc"],
    ["metrics.acc ASC"],
    ["metrics.loss DESC"],
    ["metrics.loss ASC"],
    ["metrics.`val loss` DESC"],
    ["params.lr"],
    ["params.lr DESC"],
    ["params.opt ASC"],
    ["tags.team DESC"],
    ["tags.team ASC", "metrics.acc DESC"],
    ["metrics.acc DESC", "params.opt"],
    ["attributes.start_time ASC"],
    ["start_time DESC"],
    ["end_time"],
    ["end_time DESC"],
    ["run_name"],
    ["attributes.status DESC", "run_name"],
    ["user_id"],
    ["created ASC"],
    ["metrics.acc sideways"],
    ["foo.bar"],
    ["lifecycle_stage"],
]


SET_REPR = re.compile(r"\{('[^']*'(?:, '[^']*')*)\}")


def stable(message: str) -> str:
    """MLflow prints Python sets in its messages, whose order changes with the hash seed: sort
    their elements so the fixture is byte-stable. (The Rust test compares only the text before the
    first set or list.)"""
    return SET_REPR.sub(
        lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", message
    )


# Experiments (besides "Default", which every store has): name, tags. Times are the store's own
# clock, so only filters that hold for any positive time use them.
EXPERIMENTS = [
    ("exp-a", {"team": "vision", "stage": "dev"}),
    ("exp-b", {"team": "nlp"}),
    ("Other", {"team": "Vision"}),
    ("x_y", {}),
]

EXPERIMENT_FILTERS = [
    "",
    "name = 'exp-a'",
    "name != 'exp-a'",
    "name LIKE 'exp-%'",
    "name LIKE 'Exp-%'",
    "name ILIKE 'EXP-%'",
    "attribute.name LIKE '%_y'",
    "tags.team = 'vision'",
    "tags.team ILIKE 'vision'",
    "tags.team != 'nlp'",
    "tag.stage IS NOT NULL",
    "tags.stage IS NULL",
    "tags.`team` LIKE 'n%' and name LIKE 'exp%'",
    "creation_time > 0",
    "last_update_time >= 1",
    "name = 'exp-a' OR name = 'exp-b'",
    "metrics.x > 1",
    "params.a = 'b'",
    "lifecycle_stage = 'active'",
    "name > 'a'",
    "name IS NULL",
    "creation_time > 'x'",
    "name = exp",
]


def build_experiments() -> list[Experiment]:
    exps = [Experiment("0", "Default", "mlflow-artifacts:/0", "active", [], 1, 1)]
    for i, (name, tags) in enumerate(EXPERIMENTS):
        exps.append(
            Experiment(
                str(i + 1),
                name,
                f"mlflow-artifacts:/{i + 1}",
                "active",
                [ExperimentTag(k, v) for k, v in tags.items()],
                10 + i,
                10 + i,
            )
        )
    return exps


def run_id(i: int) -> str:
    return f"{i:032x}"


def build_runs() -> list[Run]:
    runs = []
    for i, (name, start, end, status, user, metrics, params, tags, datasets) in enumerate(RUNS):
        info = RunInfo(
            run_id=run_id(i + 1),
            experiment_id="1",
            user_id=user,
            status=status,
            start_time=start,
            end_time=end,
            lifecycle_stage="active",
            artifact_uri=f"mlflow-artifacts:/1/{run_id(i + 1)}/artifacts",
            run_name=name,
        )
        all_tags = dict(tags)
        all_tags["mlflow.runName"] = name
        data = RunData(
            metrics=[Metric(k, v, 0, 1) for k, v in metrics.items()],
            params=[Param(k, v) for k, v in params.items()],
            tags=[RunTag(k, v) for k, v in all_tags.items()],
        )
        inputs = RunInputs(
            dataset_inputs=[
                DatasetInput(
                    Dataset(name=n, digest=d, source_type="local", source="{}"),
                    tags=[InputTag("mlflow.data.context", ctx)],
                )
                for n, d, ctx in datasets
            ]
        )
        runs.append(Run(info, data, inputs))
    return runs


def names(runs: list[Run]) -> list[str]:
    return [r.info.run_name for r in runs]


def number(v: float):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent
                                         / "crates/verdict-store/tests/fixtures"))
    out = Path(ap.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    runs = build_runs()
    filters = []
    for f in FILTERS:
        try:
            got = SearchUtils.sort(SearchUtils.filter(runs, f), [])
            filters.append({"filter": f, "names": names(got)})
        except MlflowException as e:
            filters.append({"filter": f, "error": stable(e.message)})
    orders = []
    for o in ORDERS:
        try:
            orders.append({"order_by": o, "names": names(SearchUtils.sort(runs, o))})
        except MlflowException as e:
            orders.append({"order_by": o, "error": stable(e.message)})
    experiments = build_experiments()
    experiment_filters = []
    for f in EXPERIMENT_FILTERS:
        try:
            got = SearchExperimentsUtils.sort(
                SearchExperimentsUtils.filter(experiments, f), ["name ASC"]
            )
            experiment_filters.append({"filter": f, "names": [e.name for e in got]})
        except MlflowException as e:
            experiment_filters.append({"filter": f, "error": stable(e.message)})
    doc = {
        "generator": "python/make_store_filter_fixtures.py",
        "mlflow": mlflow.__version__,
        "runs": [
            {
                "name": name,
                "start_time": start,
                "end_time": end,
                "status": status,
                "user_id": user,
                "metrics": {k: number(v) for k, v in metrics.items()},
                "params": params,
                "tags": tags,
                "datasets": [{"name": n, "digest": d, "context": c} for n, d, c in datasets],
            }
            for name, start, end, status, user, metrics, params, tags, datasets in RUNS
        ],
        "filters": filters,
        "orders": orders,
        "experiments": [{"name": n, "tags": t} for n, t in EXPERIMENTS],
        "experiment_filters": experiment_filters,
    }
    (out / "search_runs.json").write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n")


if __name__ == "__main__":
    main()
