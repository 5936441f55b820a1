"""Writes a small MLflow FileStore (`mlruns/`) with the real MLflow client, and what the client
reads back from it, for the `verdict import mlruns` test.

    python python/make_mlruns_fixture.py OUT_DIR

OUT_DIR gets `mlruns/` (the tree) and `expected.json` (runs with params/metrics/tags/inputs,
metric histories, logged models and the registry as `MlflowClient` sees them on the same file
store). The test imports the tree into the Verdict store and compares with `expected.json`.

Uses the pinned client of python/requirements-mlflow.txt (mlflow-skinny==3.17.2) plus pandas (for
`pyfunc.log_model`). The FileStore is in maintenance mode since MLflow 3.13 and only opens with
MLFLOW_ALLOW_FILE_STORE=true, which this script sets.

Non-finite floats are written as the strings "NaN", "Infinity", "-Infinity" so the file is JSON.
"""

import json
import math
import os
import shutil
import sys
from pathlib import Path

os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import ViewType  # noqa: E402


def num(v):
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
    return v


class Echo(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input):
        return model_input


def write_store(uri):
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)

    exp = mlflow.set_experiment("ct-cnn")
    client.set_experiment_tag(exp.experiment_id, "team", "vision")
    with mlflow.start_run(run_name="baseline") as r:
        mlflow.log_params({"lr": "0.01", "optimizer": "adam", "model/depth": "18"})
        mlflow.set_tags({"stage": "dev", "nested/tag": "yes"})
        for step, loss in enumerate([1.0, 0.5, 1 / 3]):
            mlflow.log_metric("train/loss", loss, step=step)
        mlflow.log_metric("val_f1", 0.82, step=2)
        mlflow.log_metric("weird_nan", float("nan"))
        mlflow.log_metric("weird_inf", float("inf"))
        mlflow.log_metric("weird_neg_inf", float("-inf"))
        mlflow.log_metric("tiny", 1e-05)
        import pandas as pd

        df = pd.DataFrame({"x": [1.0, 2.0], "y": [0, 1]})
        ds = mlflow.data.from_pandas(df, name="train", targets="y")
        mlflow.log_input(ds, context="training")
        mlflow.log_text("hello\n", "notes/hello.txt")
        mlflow.log_dict({"a": 1}, "config.json")
        info = mlflow.pyfunc.log_model(name="model", python_model=Echo())
    baseline = r.info.run_id

    with mlflow.start_run(run_name="wider") as r:
        mlflow.log_params({"lr": "0.001", "optimizer": "sgd"})
        for step, loss in enumerate([0.9, 0.4]):
            mlflow.log_metric("train/loss", loss, step=step)
        mlflow.log_metric("val_f1", 0.91, step=1)
    wider = r.info.run_id

    with mlflow.start_run(run_name="oops") as r:
        mlflow.log_param("lr", "1.0")
        mlflow.log_metric("val_f1", 0.1)
    client.delete_run(r.info.run_id)

    old = client.create_experiment("old-exp", tags={"purpose": "to delete"})
    with mlflow.start_run(experiment_id=old, run_name="old-run"):
        mlflow.log_metric("acc", 0.5)
    client.delete_experiment(old)

    client.create_registered_model("ct-cnn-model", tags={"owner": "vision"}, description="the CT model")
    mv = mlflow.register_model(info.model_uri, "ct-cnn-model")
    client.set_registered_model_alias("ct-cnn-model", "champion", mv.version)
    client.set_model_version_tag("ct-cnn-model", mv.version, "validated", "true")
    return client, baseline, wider


def dump(client):
    exps = client.search_experiments(view_type=ViewType.ALL)
    out = {"experiments": [], "runs": [], "histories": {}, "logged_models": [], "registered_models": []}
    for e in sorted(exps, key=lambda e: e.experiment_id):
        out["experiments"].append(
            {
                "experiment_id": e.experiment_id,
                "name": e.name,
                "lifecycle_stage": e.lifecycle_stage,
                "creation_time": e.creation_time,
                "tags": dict(sorted(e.tags.items())),
            }
        )
    ids = [e.experiment_id for e in exps]
    runs = client.search_runs(ids, run_view_type=ViewType.ALL, max_results=1000)
    for r in sorted(runs, key=lambda r: r.info.run_id):
        i = r.info
        out["runs"].append(
            {
                "run_id": i.run_id,
                "experiment_id": i.experiment_id,
                "run_name": i.run_name,
                "user_id": i.user_id,
                "status": i.status,
                "start_time": i.start_time,
                "end_time": i.end_time,
                "lifecycle_stage": i.lifecycle_stage,
                "params": dict(sorted(r.data.params.items())),
                "tags": dict(sorted(r.data.tags.items())),
                "metrics": {k: num(v) for k, v in sorted(r.data.metrics.items())},
                "dataset_inputs": [
                    {
                        "name": d.dataset.name,
                        "digest": d.dataset.digest,
                        "source_type": d.dataset.source_type,
                        "tags": {t.key: t.value for t in d.tags},
                    }
                    for d in sorted(r.inputs.dataset_inputs, key=lambda d: (d.dataset.name, d.dataset.digest))
                ],
                "model_outputs": sorted(o.model_id for o in (r.outputs.model_outputs if r.outputs else [])),
            }
        )
        hist = {}
        for key in sorted(r.data.metrics):
            points = client.get_metric_history(i.run_id, key)
            hist[key] = sorted(
                [{"step": m.step, "timestamp": m.timestamp, "value": num(m.value)} for m in points],
                key=lambda p: (p["step"], p["timestamp"], str(p["value"])),
            )
        out["histories"][i.run_id] = hist
    for m in client.search_logged_models(ids):
        out["logged_models"].append(
            {
                "model_id": m.model_id,
                "experiment_id": m.experiment_id,
                "name": m.name,
                "source_run_id": m.source_run_id,
                "status": str(m.status),
                "tags": dict(sorted(m.tags.items())),
                "params": dict(sorted(m.params.items())),
            }
        )
    for rm in client.search_registered_models():
        versions = client.search_model_versions(f"name='{rm.name}'")
        out["registered_models"].append(
            {
                "name": rm.name,
                "description": rm.description,
                "tags": dict(sorted(rm.tags.items())),
                "aliases": dict(sorted(rm.aliases.items())),
                "versions": [
                    {
                        "version": int(v.version),
                        "run_id": v.run_id,
                        "model_id": v.model_id,
                        "source": v.source,
                        "current_stage": v.current_stage,
                        "tags": dict(sorted(v.tags.items())),
                        "aliases": sorted(v.aliases),
                    }
                    for v in sorted(versions, key=lambda v: int(v.version))
                ],
            }
        )
    return out


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "mlruns-fixture").resolve()
    tree = out / "mlruns"
    if tree.exists():
        shutil.rmtree(tree)
    out.mkdir(parents=True, exist_ok=True)
    client, _, _ = write_store(tree.as_uri())
    expected = dump(client)
    expected["mlflow_version"] = mlflow.__version__
    (out / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print(f"wrote {tree} and {out / 'expected.json'}")


if __name__ == "__main__":
    main()
