"""`verdict.Monitor` reproduces the rules engine's parity traces: the 93 cases of
`crates/verdict-core/tests/fixtures/rules/parity.json`, recorded from the real Keras 3.15.1
`EarlyStopping` / `ReduceLROnPlateau` and PyTorch 2.15 `ReduceLROnPlateau` callbacks by
`python/make_rules_fixtures.py`. Each case's reference parameters are written as a rules dict
(the shape of `rules.toml`) and fed one epoch at a time through `Monitor.update`: the stop epoch,
the best epoch and value, the restored epoch, the wait trace, the learning rates and the epochs
of the reductions must be the references' exactly."""

from __future__ import annotations

import json
import math

import pytest

import verdict
from conftest import RULES

CASES = json.loads(RULES.read_text())["cases"]


def num(v):
    if isinstance(v, str):
        return {"nan": math.nan, "NaN": math.nan, "inf": math.inf, "Infinity": math.inf,
                "-inf": -math.inf, "-Infinity": -math.inf}[v]
    return v


def rules_dict(case: dict) -> dict:
    """The case's reference callback as the rules file states it."""
    p = case["params"]
    rule: dict = {"monitor": case["monitor"]}
    if p.get("mode") in ("min", "max"):
        rule["mode"] = p["mode"]  # "auto": the direction from the metric's name
    ref = case["reference"]
    if ref == "keras.EarlyStopping":
        # Keras takes abs(min_delta); a rules file states the magnitude (a negative one is refused).
        rule.update(kind="early_stopping", min_delta=abs(num(p.get("min_delta", 0.0))), patience=p.get("patience", 0),
                    baseline=None if p.get("baseline") is None else num(p["baseline"]),
                    start_from_epoch=p.get("start_from_epoch", 0),
                    restore_best_weights=p.get("restore_best_weights", False))
    elif ref == "keras.ReduceLROnPlateau":
        rule.update(kind="plateau", style="keras", patience=p.get("patience", 10),
                    min_delta=num(p.get("min_delta", 1e-4)), cooldown=p.get("cooldown", 0),
                    min_lr=num(p.get("min_lr", 0.0)), factor=num(p.get("factor", 0.1)), eps=0.0,
                    lr=num(case["initial_lr"]))
    elif ref == "torch.ReduceLROnPlateau":
        rule.update(kind="plateau", style="torch", patience=p.get("patience", 10),
                    min_delta=num(p.get("threshold", 1e-4)), delta_mode=p.get("threshold_mode", "rel"),
                    cooldown=p.get("cooldown", 0), min_lr=num(p.get("min_lr", 0.0)),
                    factor=num(p.get("factor", 0.1)), eps=num(p.get("eps", 1e-8)), lr=num(case["initial_lr"]))
    else:
        raise AssertionError(ref)
    # The reference callbacks have no NaN rule of their own.
    return {"rule": [rule], "non_finite": {"enabled": False}}


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a == b or (math.isnan(a) and math.isnan(b))


def test_every_reference_case_is_here():
    assert len(CASES) == 93


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_monitor_reproduces_the_reference_trace(case):
    monitor = verdict.Monitor(rules_dict(case))
    early = case["reference"] == "keras.EarlyStopping"
    restore = early and case["params"].get("restore_best_weights", False)
    want = case["expected"]
    stopped, waits, lrs, reductions, ran = None, [], [], [], 0
    for epoch, v in enumerate(num(x) for x in case["curve"]):
        d = monitor.update(epoch, **{case["monitor"]: v})
        ran += 1
        waits.append(monitor.rule_wait(0))
        if monitor.lr is not None:
            lrs.append(monitor.lr)
        for f in d.fired:
            if f["action"] == "reduce_lr":
                reductions.append(epoch)
            elif f["action"] in ("stop", "rollback"):
                stopped = epoch
        if early and stopped is not None:
            assert d.should_stop
            break
    if early:
        best = monitor.rule_best(0)
        assert stopped == want["stopped_epoch"]
        assert ran == want["epochs_run"]
        # Keras' best_epoch stays 0 when nothing was ever judged (all warm-up).
        best_epoch = best[0] if best is not None else want["best_epoch"]
        assert best_epoch == want["best_epoch"]
        want_best = None if want.get("best") is None else num(want["best"])
        assert same(best[1] if best else None, want_best)
        assert waits == want["wait"]
        assert (best[0] if restore and best else None) == want["restored_epoch"]
        if stopped is not None:
            assert monitor.ended[1] == stopped
    else:
        assert lrs == [num(x) for x in want["lrs"]]
        assert reductions == want["reductions"]


def test_dict_and_file_are_one_rule_set(tmp_path):
    rules = {
        "best_by": "val_acc",
        "rule": [
            {"kind": "threshold", "name": "overfit", "monitor": "val_loss", "above": 0.5, "action": "stop"},
            {"kind": "plateau", "style": "torch", "monitor": "val_loss", "patience": 1, "factor": 0.5, "lr": 0.01},
        ],
    }
    f = tmp_path / "rules.toml"
    f.write_text(
        'best_by = "val_acc"\n\n[[rule]]\nkind = "threshold"\nname = "overfit"\nmonitor = "val_loss"\n'
        'above = 0.5\naction = "stop"\n\n[[rule]]\nkind = "plateau"\nstyle = "torch"\nmonitor = "val_loss"\npatience = 1\n'
        "factor = 0.5\nlr = 0.01\n"
    )
    a, b = verdict.Monitor(rules), verdict.Monitor(f)
    assert a.rules == b.rules == ["overfit", "plateau:val_loss", "non_finite"]
    curve = [(0.40, 0.70), (0.41, 0.72), (0.42, 0.71), (0.55, 0.69)]
    da = [a.update(i, val_loss=l, val_acc=acc) for i, (l, acc) in enumerate(curve)]
    db = [b.update(i, val_loss=l, val_acc=acc) for i, (l, acc) in enumerate(curve)]
    assert da == db
    # PyTorch's style reduces on the second bad evaluation with patience 1 (`bad > patience`).
    assert [d.action for d in da] == ["continue", "continue", "reduce_lr", "stop"]
    assert da[2].lr == 0.005 and da[2].reason == "plateau"
    assert da[3].reason == "threshold_above" and da[3].rule == "overfit"
    assert da[3].best_step == 1  # the run's best step, by val_acc (best_by)
    assert da[3].fired[0]["best_step"] == 0  # the rule's own best, by its monitor val_loss
    assert a.best == (1, 0.72)


def test_state_survives_a_restart():
    rules = {"rule": [{"kind": "early_stopping", "monitor": "val_loss", "patience": 2}]}
    m = verdict.Monitor(rules)
    for i, v in enumerate([1.0, 0.8, 0.9]):
        m.update(i, val_loss=v)
    state = m.save()
    resumed = verdict.Monitor(rules)
    resumed.restore(state)
    assert resumed.update(3, val_loss=0.95).action == "stop"
    with pytest.raises(ValueError, match="rules state line 1: expected the header"):
        resumed.restore("not a state")


def test_non_finite_stops_by_default():
    m = verdict.Monitor({"rule": [{"kind": "early_stopping", "monitor": "val_loss", "patience": 5}]})
    assert m.update(0, val_loss=1.0).action == "continue"
    d = m.update(1, val_loss=float("nan"))
    assert d.action == "stop" and d.reason == "non_finite"
