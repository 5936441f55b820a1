"""Bad input is refused with the CLI's messages, naming the argument and the 0-based row;
invalid values are `ValueError`, wrong types `TypeError`; nothing is silently dropped."""

from __future__ import annotations

import numpy as np
import pytest

import verdict

Y = np.array([0, 1, 1, 0, 1])
S = np.array([0.1, 0.9, 0.8, 0.3, 0.7])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: verdict.evaluate(Y, np.array([0.1, 0.9, np.inf, 0.3, 0.7])), ValueError,
         '<arrays>: row 2: column "y_score": expected a score (a finite number), found inf'),
        (lambda: verdict.evaluate(Y, np.array([0.1, np.nan, 0.8, 0.3, 0.7])), ValueError,
         '<arrays>: row 1: column "y_score": expected a score (a finite number), found nan'),
        (lambda: verdict.evaluate(Y, S[:4]), ValueError, "<arrays>: y_score has 4 rows, y_true has 5"),
        (lambda: verdict.evaluate(Y), ValueError, "give exactly one of y_score, y_prob, y_logit or y_pred"),
        (lambda: verdict.evaluate(Y, S, y_pred=Y), ValueError, "(got y_score, y_pred)"),
        (lambda: verdict.evaluate(Y, S, ci=1.5), ValueError, "ci= must be between 0 and 1 (exclusive), got 1.5"),
        (lambda: verdict.evaluate(Y, S, threshold=float("nan")), ValueError, "threshold= must be a finite number"),
        (lambda: verdict.evaluate(Y, S, calibration_bins=0), ValueError, "calibration_bins= must be at least 1"),
        (lambda: verdict.evaluate(Y, S, target_recall=2.0), ValueError, "target_recall= must be in (0, 1], got 2"),
        (lambda: verdict.evaluate(np.array([0, 1, None, 0, 1], dtype=object), S), ValueError,
         '<arrays>: row 2: column "y_true": expected a label, found null'),
        (lambda: verdict.evaluate(Y, y_prob=np.array([[0.5, 0.6]] + [[0.5, 0.5]] * 4)), ValueError,
         '<arrays>: row 0: column "y_prob:*": expected probabilities summing to 1'),
        (lambda: verdict.evaluate(Y, S, ids=[1, 2, 2, 3, 4]), ValueError,
         '<arrays>: row 2: column "ids": expected unique ids, found "2" again (first at row 1)'),
        (lambda: verdict.evaluate(Y, y_prob=np.ones((5, 3)) / 3), ValueError,
         "y_prob has 3 columns, but y_true has 2 distinct labels (0, 1); pass classes="),
        (lambda: verdict.evaluate(Y, S, group_classes={"x": ["7"]}), ValueError,
         "--group-classes x: class `7` is not among the classes"),
        (lambda: verdict.evaluate(Y, S, bootstrap="many"), TypeError, "bootstrap= must be an int, got str"),
        (lambda: verdict.evaluate(Y, S, bootstrap=-1), ValueError, "bootstrap= must be at least 0"),
        (lambda: verdict.evaluate(Y, "abc"), TypeError, "y_score: expected an array-like of values, got str"),
        (lambda: verdict.evaluate(Y, np.ones((5, 1, 1))), ValueError, "y_score: expected a 1-D array"),
        (lambda: verdict.evaluate(Y, np.array([1 + 2j] * 5)), TypeError, "y_score: unsupported dtype complex128"),
        (lambda: verdict.evaluate(Y, S, calibration_strategy="x"), ValueError,
         'calibration_strategy must be "uniform" or "quantile", got "x"'),
        (lambda: verdict.compare(Y, {"a": S}), ValueError, "compare takes a dict of at least two models"),
        (lambda: verdict.compare(Y, {"a": S, "b": S[:3]}), ValueError, "b: y_score has 3 rows, y_true has 5"),
        (lambda: verdict.compare(Y, {"a": S, "b": {"y_proba": S}}), ValueError, "b: unknown keys ['y_proba']"),
        (lambda: verdict.compare(Y, {"a": S, "b": S}, baseline="zzz"), ValueError,
         "--baseline zzz: no such model; models: a, b"),
        (lambda: verdict.compare(Y, {"a": S, "b": np.array([0.1, 0.9, np.nan, 0.3, 0.7])}), ValueError,
         'b: row 2: column "y_score": expected a score (a finite number), found nan'),
        (lambda: verdict.retrieval(np.ones((5, 2)), [0, 1, 0, 1]), ValueError,
         "the query labels: 4 values, but query has 5 rows (shape (5, 2)); one value per row is expected"),
        (lambda: verdict.retrieval(np.array([[1, np.nan], [1, 1], [0, 1]]), [0, 1, 0]), ValueError,
         "query: row 0, column 1: expected a finite number, found NaN"),
        (lambda: verdict.retrieval(np.ones((3, 2)), np.array([0, None, 1], dtype=object)), ValueError,
         '<arrays>: row 1: column "labels": expected a value, found null'),
        (lambda: verdict.retrieval(np.ones((5, 2)), [0, 1, 0, 1, 1], k=(10,)), ValueError,
         "--k 10 is larger than the 4 candidates each query has"),
        (lambda: verdict.retrieval(np.ones((5, 2)), [0, 1, 0, 1, 1], metric="cos"), ValueError,
         'metric must be "cosine", "dot" or "l2", got "cos"'),
        (lambda: verdict.retrieval(np.ones(5), [0, 1, 0, 1, 1]), ValueError, "query: expected a 2-D array"),
        (lambda: verdict.retrieval(np.ones((5, 2)), [0, 1, 0, 1, 1], no_relevant="drop"), ValueError,
         'no_relevant must be "exclude" or "zero", got "drop"'),
        (lambda: verdict.evaluate(Y, S, bootstrap=0).to_html("fr"), ValueError, 'lang must be "en" or "ko", got "fr"'),
        (lambda: verdict.ensemble(Y, {"a": S, "b": S}, voting="mean"), ValueError,
         'voting must be "soft", "hard" or "rank", got "mean"'),
        (lambda: verdict.ensemble(Y, {"a": S, "b": S}, optimize="best"), ValueError,
         'optimize must be "caruana" or "logloss", got "best"'),
        (lambda: verdict.ensemble(Y, {"a": S, "b": S}, weights=[{"a": 1.0}]), ValueError,
         "weights[0]: no weight for ['b']"),
        (lambda: verdict.retrieval(np.ones((5, 2)), [0, 1, 0, 1, 1], gallery=np.ones((3, 2))), ValueError,
         "gallery and gallery_labels go together"),
        (lambda: verdict.Monitor({"rule": [{"kind": "early_stopping", "monitor": "val_loss", "patince": 2}]}),
         ValueError, "<rules dict>:5: rule[0].patince: expected one of the keys"),
        (lambda: verdict.Monitor({"rule": [{"kind": "plateau", "monitor": "val_loss", "factor": 2.0}]}),
         ValueError, "rule[0].factor"),
        (lambda: verdict.Monitor("/nonexistent/rules.toml"), FileNotFoundError, "/nonexistent/rules.toml: file not found"),
        (lambda: verdict.Monitor(5), TypeError, "rules: expected a path or a dict, got int"),
        (lambda: verdict.Monitor({"rule": [{"kind": "threshold", "monitor": "loss", "above": object()}]}),
         TypeError, "rules: rule[0].above: expected a str, number, bool, list or dict"),
    ],
)
def test_refused_with_the_cli_message(call, error, message):
    with pytest.raises(error) as e:
        call()
    assert message in str(e.value)


def test_normalize_is_the_clis():
    rows = np.array([[0.5, 0.6], [0.2, 0.9], [0.5, 0.5], [0.6, 0.5], [0.1, 0.9]])
    with pytest.raises(ValueError, match="--normalize divides each row by its sum"):
        verdict.evaluate(Y, y_prob=rows)
    d = verdict.evaluate(Y, y_prob=rows, normalize=True, bootstrap=0).to_dict()
    assert d["normalized"]["rows"] == 3  # the rows summing to 1.1; the two summing to 1 are left as they are


def test_monitor_update_wants_numbers():
    m = verdict.Monitor({"rule": [{"kind": "threshold", "monitor": "loss", "above": 1.0}]})
    with pytest.raises(TypeError, match="update: loss= must be a number, got str"):
        m.update(0, loss="high")


def test_a_rules_file_is_refused_with_its_path_and_line(tmp_path):
    f = tmp_path / "rules.toml"
    f.write_text('[[rule]]\nkind = "decline"\nmonitor = "val_acc"\ncount = -1\n')
    with pytest.raises(ValueError) as e:
        verdict.Monitor(f)
    assert str(e.value).startswith(f"{f}:4: rule[0].count")
