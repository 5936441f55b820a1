"""Every input type gives the same evaluation: NumPy arrays of float32/float64/int/bool/str/object,
Python lists, pandas Series and DataFrames, polars Series. The reference is the float64 NumPy
call; every other form must produce the identical JSON document (same numbers to the last bit,
same classes, same fingerprint)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

import verdict


def doc(ev: verdict.Evaluation) -> dict:
    d = ev.to_dict()
    d.pop("source")
    return d


@pytest.fixture
def binary(rng):
    y = rng.integers(0, 2, 300)
    # Scores exactly representable in float32, so the float32 form is the same data.
    s = np.round(np.clip(0.35 * y + 0.65 * rng.random(300), 0, 1) * 1024) / 1024
    return y, s


def test_score_dtypes_and_containers_agree(binary):
    y, s = binary
    want = doc(verdict.evaluate(y, s, bootstrap=200))
    forms = {
        "float32 scores": (y, s.astype(np.float32)),
        "int32 labels": (y.astype(np.int32), s),
        "uint8 labels": (y.astype(np.uint8), s),
        "float labels": (y.astype(np.float64), s),
        "lists": (y.tolist(), s.tolist()),
        "pandas Series": (pd.Series(y), pd.Series(s)),
        "pandas nullable Int64": (pd.Series(y, dtype="Int64"), pd.Series(s)),
        "polars Series": (pl.Series(y), pl.Series(s)),
        "non-contiguous": (np.repeat(y, 2)[::2], np.repeat(s, 2)[::2]),
    }
    for name, (yy, ss) in forms.items():
        assert doc(verdict.evaluate(yy, ss, bootstrap=200)) == want, name


def test_bool_labels_are_true_false(binary):
    y, s = binary
    d = verdict.evaluate(y.astype(bool), s, bootstrap=0).to_dict()
    assert d["classes"] == ["False", "True"] and d["positive"] == "True"
    ref = verdict.evaluate(np.where(y == 1, "True", "False"), s, bootstrap=0).to_dict()
    assert d["metrics"] == ref["metrics"]


def test_string_and_object_labels(binary):
    y, s = binary
    names = np.where(y == 1, "smile", "non_smile")
    want = doc(verdict.evaluate(names, s, bootstrap=0))
    assert want["classes"] == ["non_smile", "smile"] and want["positive"] == "smile"
    for form in (names.astype(object), names.tolist(), pd.Series(names, dtype="category"),
                 pd.Series(names, dtype="string"), pl.Series(names)):
        assert doc(verdict.evaluate(form, s, bootstrap=0)) == want, type(form)
    # pos_label names the other class, as scikit-learn's pos_label.
    other = verdict.evaluate(names, 1 - s, pos_label="non_smile", bootstrap=0).to_dict()
    assert other["positive"] == "non_smile"


def test_probabilities_from_arrays_and_frames(rng):
    y = rng.integers(0, 3, 240)
    p = rng.dirichlet(np.ones(3), size=240)
    want = doc(verdict.evaluate(y, y_prob=p, bootstrap=0))
    assert want["classes"] == ["0", "1", "2"] and want["inputs"] == "probabilities"
    assert doc(verdict.evaluate(y, p, bootstrap=0)) == want  # predict_proba's output as y_score
    frame = pd.DataFrame(p, columns=[0, 1, 2])
    assert doc(verdict.evaluate(y, y_prob=frame, bootstrap=0)) == want
    assert doc(verdict.evaluate(pl.Series(y), y_prob=p.astype(np.float64), bootstrap=0)) == want
    # Named classes: a DataFrame's columns, or classes=.
    names = np.array(["cat", "dog", "owl"])[y]
    by_frame = verdict.evaluate(names, y_prob=pd.DataFrame(p, columns=["cat", "dog", "owl"]), bootstrap=0)
    by_arg = verdict.evaluate(names, y_prob=p, classes=["cat", "dog", "owl"], bootstrap=0)
    assert doc(by_frame) == doc(by_arg)
    assert by_arg.to_dict()["metrics"] == want["metrics"]


def test_predictions_groups_and_ids(rng):
    y = rng.integers(0, 3, 120)
    pred = np.where(rng.random(120) < 0.7, y, rng.integers(0, 3, 120))
    groups = np.repeat(np.arange(30), 4)
    ids = np.array([f"r{i:03d}" for i in range(120)])
    ev = verdict.evaluate(y, y_pred=pred, groups=groups, ids=ids, bootstrap=100)
    d = ev.to_dict()
    assert d["inputs"] == "predictions" and d["groups"] == {"column": "groups", "count": 30}
    assert d["bootstrap"]["unit"] == "group" and d["bootstrap"]["units"] == 30
    # The same rows in another order, with their ids: the same evaluation (canonical order by id).
    order = rng.permutation(120)
    again = verdict.evaluate(pd.Series(y[order]), y_pred=list(pred[order]), groups=pl.Series(groups[order]),
                             ids=ids[order].tolist(), bootstrap=100)
    assert doc(again) == doc(ev)


def test_metrics_confusion_and_pandas(binary):
    y, s = binary
    ev = verdict.evaluate(y, s, bootstrap=100)
    m = ev.metrics["roc_auc"]
    assert m.ci_low < m.value < m.ci_high
    cm = ev.confusion_matrix
    assert cm.dtype == np.int64 and cm.sum() == 300
    assert cm.tolist() == ev.to_dict()["confusion_matrix"]["matrix"]
    frame = ev.to_pandas()
    assert list(frame.columns) == ["value", "ci_low", "ci_high"]
    assert frame.loc["roc_auc", "value"] == m.value
    assert ev.fingerprint.startswith("sha256:")
