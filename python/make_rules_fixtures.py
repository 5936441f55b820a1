#!/usr/bin/env python
"""Reference traces of the real early-stopping / plateau callbacks, for Verdict's rules engine (issue 15).

Writes crates/verdict-core/tests/fixtures/rules/parity.json: the real Keras 3
`keras.callbacks.EarlyStopping`, Keras 3 `keras.callbacks.ReduceLROnPlateau` and PyTorch
`torch.optim.lr_scheduler.ReduceLROnPlateau`, each driven over scripted metric curves.
Nothing here reimplements their logic: every expected value is read back from the library.

Install (heavy, its own venv, not rebuilt by CI; see the header of python/requirements-rules.txt):

    python3 -m venv /work/venvs/rulesfx
    /work/venvs/rulesfx/bin/pip install --no-deps -r python/requirements-rules.txt

Run (the torch backend, so neither TensorFlow nor JAX is needed):

    KERAS_BACKEND=torch /work/venvs/rulesfx/bin/python python/make_rules_fixtures.py \
        --out crates/verdict-core/tests/fixtures/rules/parity.json
    KERAS_BACKEND=torch /work/venvs/rulesfx/bin/python python/make_rules_fixtures.py --check

`--check` regenerates into memory and compares byte for byte with the committed file (exit 1 and
the first differing lines if they differ). The output is deterministic: no randomness except
numpy's seeded generator (the noisy curves, rounded to 6 decimals; the file stores exactly the
Python floats that were fed), floats are written with repr(), keys sorted, indent=1.

Format (one JSON object):

    {"generator": "python/make_rules_fixtures.py",
     "versions": {"keras", "torch", "numpy", "python"},
     "cases": [{
        "name": unique kebab-case name,
        "reference": "keras.EarlyStopping" | "keras.ReduceLROnPlateau" | "torch.ReduceLROnPlateau",
        "monitor": the metric name fed (Keras: the key of the `logs` dict; torch takes no name),
        "params": the exact keyword arguments given to the constructor (all of them explicit,
                  verbose excepted; torch's optimizer argument excepted),
        "initial_lr": the `learning_rate` / `lr` the optimizer was built with (null for EarlyStopping),
        "curve": the value fed at each epoch; NaN and ±inf as the strings "nan", "inf", "-inf",
        "expected": see below}]}

EarlyStopping `expected` (drive: a fresh `keras.Sequential([Input((1,)), Dense(1)])` compiled with
SGD; `cb.set_model(model); model.stop_training = False; cb.on_train_begin()`; then per epoch: set
the Dense kernel to [[epoch]] (bias 0) so the weights encode the epoch, `cb.on_epoch_end(epoch,
{monitor: value})`, record, stop the loop if `model.stop_training`; finally `cb.on_train_end()`):

* stopped_epoch: the 0-based epoch at whose end `model.stop_training` became true, null if never;
* epochs_run: how many epochs were fed;
* best_epoch: `cb.best_epoch` at the end; null when `cb.best` is None (no epoch was monitored,
  e.g. start_from_epoch beyond the curve: on_train_begin sets best_epoch = 0, which then means
  nothing);
* best: `cb.best` at the end (a float, "nan"/"inf"/"-inf", or null when None);
* wait: `cb.wait` after each fed epoch;
* restored_epoch: the kernel read back after on_train_end, when a restore happened, i.e. when
  `restore_best_weights` is true and `cb.best_weights` is not None before on_train_end (Keras 3
  then always calls `set_weights`, whether or not training stopped; a restore of the last epoch's
  weights reports that epoch); null otherwise (the script asserts the kernel is then the last
  epoch's).

ReduceLROnPlateau `expected` (Keras: a fresh model as above, compiled with
`SGD(learning_rate=initial_lr)`, `cb.on_train_begin()`, then `cb.on_epoch_end(epoch, {monitor:
value})` per epoch; torch: `SGD([Parameter(zeros(1))], lr=initial_lr)`, `sched.step(value)` per
epoch):

* lrs: the learning rate after each epoch's step as a float64. Keras: `float(model.optimizer.
  learning_rate)`, i.e. the float32 variable's value widened (so 0.01 reads 0.009999999776482582);
  torch: `opt.param_groups[0]["lr"]`, a Python float;
* reductions: the 0-based epochs whose lr differs from the one before (before epoch 0: the
  optimizer's lr read the same way before the first step).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "verdict-core" / "tests" / "fixtures" / "rules" / "parity.json"
GENERATOR = "python/make_rules_fixtures.py"
PINNED = {"keras": "3.15.1", "torch": "2.15.0+cu132", "numpy": "2.4.6"}

NAN, INF = float("nan"), float("inf")


# ---------------------------------------------------------------------------------------------
# Curves. Every value is a Python float rounded to 6 decimals (or NaN / ±inf).


def rounded(xs):
    return [x if not math.isfinite(x) else round(float(x), 6) for x in xs]


def noisy_decreasing(n, seed, start=1.0, end=0.3, rate=0.25, noise=0.02):
    """Exponential decay from `start` towards `end` plus Gaussian noise (fixed seed)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return rounded(end + (start - end) * np.exp(-rate * t) + rng.normal(0.0, noise, n))


def noisy_increasing(n, seed, start=0.5, end=0.9, rate=0.25, noise=0.01):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return rounded(end - (end - start) * np.exp(-rate * t) + rng.normal(0.0, noise, n))


def noisy_flat(n, seed, level=0.5, noise=0.01):
    rng = np.random.default_rng(seed)
    return rounded(level + rng.normal(0.0, noise, n))


def flat(n, level=0.5):
    return [level] * n


# ---------------------------------------------------------------------------------------------
# Cases. Each is (name, reference, monitor, params, initial_lr, curve).

ES, KRL, TRL = "keras.EarlyStopping", "keras.ReduceLROnPlateau", "torch.ReduceLROnPlateau"


def es(name, curve, *, monitor="val_loss", mode="min", patience=3, min_delta=0.0, baseline=None,
       restore_best_weights=False, start_from_epoch=0):
    params = {"monitor": monitor, "mode": mode, "patience": patience, "min_delta": min_delta,
              "baseline": baseline, "restore_best_weights": restore_best_weights,
              "start_from_epoch": start_from_epoch}
    return (name, ES, monitor, params, None, curve)


def krl(name, curve, *, initial_lr=0.01, monitor="val_loss", mode="min", factor=0.5, patience=3,
        min_delta=1e-4, cooldown=0, min_lr=0.0):
    params = {"monitor": monitor, "mode": mode, "factor": factor, "patience": patience,
              "min_delta": min_delta, "cooldown": cooldown, "min_lr": min_lr}
    return (name, KRL, monitor, params, initial_lr, curve)


def trl(name, curve, *, initial_lr=0.01, monitor="val_loss", mode="min", factor=0.5, patience=3,
        threshold=1e-4, threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8):
    params = {"mode": mode, "factor": factor, "patience": patience, "threshold": threshold,
              "threshold_mode": threshold_mode, "cooldown": cooldown, "min_lr": min_lr, "eps": eps}
    return (name, TRL, monitor, params, initial_lr, curve)


# Shared curves (also fed to more than one reference, so their differences show).
DECAY_PLATEAU = noisy_decreasing(30, seed=1, rate=0.3, noise=0.015)
DECAY_LONG = noisy_decreasing(40, seed=2, rate=0.15, noise=0.02)
RISE = noisy_increasing(30, seed=3)
NOISY_FLAT = noisy_flat(20, seed=4)
PLATEAU_THEN_DROP = [0.9, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.5, 0.45, 0.44, 0.44, 0.44, 0.44, 0.44,
                     0.44, 0.44]
NAN_MIDDLE = [0.9, 0.8, 0.75, NAN, 0.7, 0.72, 0.71, 0.69, 0.73, 0.74, 0.75, 0.76, 0.77]
NAN_FIRST = [NAN, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]
POS_INF_MIDDLE = [0.9, 0.8, INF, INF, 0.79, 0.78, 0.8, 0.81, 0.82, 0.83]
POS_INF_FIRST = [INF, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
NEG_INF_MIDDLE = [0.9, 0.8, -INF, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
NAN_MAX = [0.5, 0.6, NAN, 0.55, 0.62, 0.61, 0.6, 0.59, 0.58]
# Exact ties with the best so far (min_delta 0 / threshold 0 must not count a tie).
TIES = [0.5, 0.4, 0.4, 0.4, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]
# Changes of exactly min_delta: binary-exact steps (0.5 -> 0.25 -> 0.125 with 0.125 steps) and
# decimal ones (0.3 -> 0.2 -> 0.1 with 0.1 steps, where 0.2 + 0.1 = 0.30000000000000004).
EXACT_BINARY = [0.75, 0.625, 0.5, 0.375, 0.25, 0.125, 0.0, 0.0, 0.0, 0.0, 0.0]
EXACT_DECIMAL = [0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05]
# Steps of 1e-6 around 1000: distinct as float64, equal as float32 (ulp 6.1e-5 there).
F32_TIES = [1000.0, 999.999999, 999.999998, 999.999997, 999.999996, 999.999995, 999.999994,
            999.999993, 999.999992, 999.999991]
# Improving but never below the baseline 0.5, then a worse value.
ABOVE_BASELINE = [0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.58, 0.59, 0.6, 0.61, 0.62]
# A warm-up whose best values come before start_from_epoch.
WARMUP = [0.2, 0.3, 0.9, 0.8, 0.7, 0.72, 0.73, 0.74, 0.75, 0.76, 0.77, 0.78]
# Negative and getting worse (min mode) by less than 1% of |best| per epoch: torch's `rel` threshold
# best * (1 - threshold) lies above a negative best, so each worse value counts as better.
NEGATIVE = [-1.0, -0.995, -0.99, -0.986, -0.982, -0.978, -0.975, -0.97, -0.968, -0.965, -0.962,
            -0.96]
# Steps of exactly min_delta (0.125) mixed with larger ones.
EXACT_MIXED = [0.75, 0.625, 0.6, 0.5, 0.475, 0.35, 0.3, 0.3, 0.3, 0.3]
FLAT_20 = flat(20)
FLAT_40 = flat(40, 1.0)


def cases():
    out = [
        # --- Keras EarlyStopping --------------------------------------------------------------
        es("es-noisy-decreasing-p3", DECAY_PLATEAU, patience=3),
        es("es-noisy-decreasing-p5-restore", DECAY_PLATEAU, patience=5, restore_best_weights=True),
        es("es-noisy-decreasing-long-p1", DECAY_LONG, patience=1),
        es("es-noisy-increasing-max-p3-restore", RISE, monitor="val_accuracy", mode="max",
           patience=3, restore_best_weights=True),
        es("es-noisy-flat-p0", NOISY_FLAT, patience=0),
        es("es-flat-p0", FLAT_20, patience=0),
        es("es-flat-p1-restore", FLAT_20, patience=1, restore_best_weights=True),
        es("es-plateau-then-drop-p5", PLATEAU_THEN_DROP, patience=5),
        es("es-plateau-then-drop-p3", PLATEAU_THEN_DROP, patience=3, restore_best_weights=True),
        es("es-nan-middle-p3-restore", NAN_MIDDLE, patience=3, restore_best_weights=True),
        es("es-nan-first-p2-restore", NAN_FIRST, patience=2, restore_best_weights=True),
        es("es-nan-max-p3", NAN_MAX, monitor="val_accuracy", mode="max", patience=3),
        es("es-pos-inf-middle-p3", POS_INF_MIDDLE, patience=3),
        es("es-pos-inf-first-p1", POS_INF_FIRST, patience=1),
        es("es-neg-inf-middle-p3-restore", NEG_INF_MIDDLE, patience=3, restore_best_weights=True),
        es("es-min-delta-0.05-p3", DECAY_PLATEAU, patience=3, min_delta=0.05),
        es("es-min-delta-negative-given", DECAY_PLATEAU, patience=3, min_delta=-0.05),
        es("es-exact-min-delta-binary-p0", EXACT_BINARY, patience=0, min_delta=0.125),
        es("es-exact-min-delta-decimal-p1", EXACT_DECIMAL, patience=1, min_delta=0.1),
        es("es-exact-min-delta-max-p0", [0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875],
           monitor="val_accuracy", mode="max", patience=0, min_delta=0.125),
        es("es-exact-min-delta-mixed-p3-restore", EXACT_MIXED, patience=3, min_delta=0.125,
           restore_best_weights=True),
        es("es-no-stop-p12-restore", DECAY_LONG, patience=12, restore_best_weights=True),
        es("es-ties-p2", TIES, patience=2),
        es("es-ties-max-p2", [-x for x in TIES], monitor="val_accuracy", mode="max", patience=2),
        es("es-float32-ties-p3", F32_TIES, patience=3),
        es("es-baseline-beaten-p3", DECAY_PLATEAU, patience=3, baseline=0.6),
        es("es-baseline-beaten-late-p3-restore",
           [0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.52, 0.48, 0.47, 0.49, 0.5, 0.51, 0.52],
           patience=3, baseline=0.5, restore_best_weights=True),
        es("es-baseline-never-beaten-p3", ABOVE_BASELINE, patience=3, baseline=0.5),
        es("es-baseline-never-beaten-p3-restore", ABOVE_BASELINE, patience=3, baseline=0.5,
           restore_best_weights=True),
        es("es-baseline-max-never-beaten-p2", RISE[:15], monitor="val_accuracy", mode="max",
           patience=2, baseline=0.95),
        es("es-baseline-min-delta-p2", [0.7, 0.55, 0.52, 0.49, 0.46, 0.45, 0.44, 0.43, 0.43],
           patience=2,
           baseline=0.5, min_delta=0.02),
        es("es-start-from-epoch-2-p2", WARMUP, patience=2, start_from_epoch=2),
        es("es-start-from-epoch-2-p2-restore", WARMUP, patience=2, start_from_epoch=2,
           restore_best_weights=True),
        es("es-start-from-epoch-5-p0-restore", NOISY_FLAT, patience=0, start_from_epoch=5,
           restore_best_weights=True),
        es("es-start-from-epoch-beyond-curve", WARMUP[:8], patience=1, start_from_epoch=10,
           restore_best_weights=True),
        es("es-auto-val-loss-p3", DECAY_PLATEAU, mode="auto", patience=3),
        # --- Keras ReduceLROnPlateau -----------------------------------------------------------
        krl("krl-noisy-decreasing-p3-f0.5", DECAY_PLATEAU, patience=3, factor=0.5),
        krl("krl-noisy-decreasing-long-p5-f0.1-cd2", DECAY_LONG, patience=5, factor=0.1,
            cooldown=2),
        krl("krl-noisy-increasing-max-p3", RISE, monitor="val_accuracy", mode="max", patience=3,
            initial_lr=0.1),
        krl("krl-noisy-flat-p1-cd2", NOISY_FLAT, patience=1, cooldown=2, factor=0.5),
        krl("krl-flat-p0", FLAT_20, patience=0, factor=0.5),
        krl("krl-flat-p1", FLAT_20, patience=1, factor=0.5),
        krl("krl-flat-p1-cd2", FLAT_20, patience=1, factor=0.5, cooldown=2),
        krl("krl-flat-p3-cd0", FLAT_20, patience=3, factor=0.1),
        krl("krl-plateau-then-drop-p3", PLATEAU_THEN_DROP, patience=3, factor=0.5),
        krl("krl-min-lr-reached-f0.1", FLAT_40, patience=2, factor=0.1, min_lr=1e-5,
            initial_lr=0.1),
        krl("krl-min-lr-clamped-f0.5", FLAT_20, patience=1, factor=0.5, min_lr=0.003,
            initial_lr=0.01),
        krl("krl-lr-already-min", FLAT_20, patience=2, factor=0.5, min_lr=0.001,
            initial_lr=0.001),
        krl("krl-nan-middle-p2", NAN_MIDDLE, patience=2),
        krl("krl-nan-first-p2", NAN_FIRST, patience=2),
        krl("krl-nan-max-p2", NAN_MAX, monitor="val_accuracy", mode="max", patience=2),
        krl("krl-pos-inf-middle-p2", POS_INF_MIDDLE, patience=2),
        krl("krl-pos-inf-first-p2", POS_INF_FIRST, patience=2),
        krl("krl-neg-inf-middle-p2", NEG_INF_MIDDLE, patience=2),
        krl("krl-min-delta-0.05-p2", DECAY_PLATEAU, patience=2, min_delta=0.05, factor=0.1),
        krl("krl-exact-min-delta-binary-p1", EXACT_BINARY, patience=1, min_delta=0.125),
        krl("krl-exact-min-delta-decimal-p1", EXACT_DECIMAL, patience=1, min_delta=0.1),
        krl("krl-exact-min-delta-mixed-p1", EXACT_MIXED, patience=1, min_delta=0.125),
        krl("krl-ties-min-delta-0-p1", TIES, patience=1, min_delta=0.0),
        krl("krl-negative-values-p2", NEGATIVE, patience=2, min_delta=0.001),
        krl("krl-float32-ties-p2", F32_TIES, patience=2, min_delta=0.0),
        krl("krl-auto-loss-p2", DECAY_PLATEAU, monitor="loss", mode="auto", patience=2),
        # --- torch ReduceLROnPlateau -----------------------------------------------------------
        trl("trl-noisy-decreasing-p3-rel", DECAY_PLATEAU, patience=3, factor=0.5),
        trl("trl-noisy-decreasing-long-p5-abs-cd2", DECAY_LONG, patience=5, factor=0.1,
            threshold=0.01, threshold_mode="abs", cooldown=2),
        trl("trl-noisy-increasing-max-rel-p3", RISE, mode="max", patience=3, initial_lr=0.1,
            monitor="val_accuracy"),
        trl("trl-noisy-increasing-max-abs-p1", RISE, mode="max", patience=1, threshold=0.005,
            threshold_mode="abs", monitor="val_accuracy"),
        trl("trl-noisy-flat-p1-cd2", NOISY_FLAT, patience=1, cooldown=2),
        trl("trl-flat-p0", FLAT_20, patience=0),
        trl("trl-flat-p1", FLAT_20, patience=1),
        trl("trl-flat-p1-cd2", FLAT_20, patience=1, cooldown=2),
        trl("trl-flat-p3-f0.1", FLAT_20, patience=3, factor=0.1),
        trl("trl-plateau-then-drop-p3", PLATEAU_THEN_DROP, patience=3),
        trl("trl-min-lr-reached-f0.1", FLAT_40, patience=2, factor=0.1, min_lr=1e-5,
            initial_lr=0.1),
        trl("trl-min-lr-clamped-f0.5", FLAT_20, patience=1, factor=0.5, min_lr=0.003),
        trl("trl-lr-already-min", FLAT_20, patience=2, min_lr=0.001, initial_lr=0.001),
        trl("trl-eps-stops-small-reductions", FLAT_20, patience=1, factor=0.1, initial_lr=1e-6),
        trl("trl-eps-blocks-first-reduction", FLAT_20, patience=1, factor=0.5, initial_lr=1e-8),
        trl("trl-eps-large-cd2", FLAT_20, patience=0, factor=0.5, initial_lr=0.01, eps=0.001,
            cooldown=2),
        trl("trl-nan-middle-p2", NAN_MIDDLE, patience=2),
        trl("trl-nan-first-p2", NAN_FIRST, patience=2),
        trl("trl-nan-max-p2", NAN_MAX, mode="max", patience=2, monitor="val_accuracy"),
        trl("trl-pos-inf-middle-p2", POS_INF_MIDDLE, patience=2),
        trl("trl-pos-inf-first-p2", POS_INF_FIRST, patience=2),
        trl("trl-neg-inf-middle-p2", NEG_INF_MIDDLE, patience=2),
        trl("trl-abs-0.05-p2", DECAY_PLATEAU, patience=2, threshold=0.05, threshold_mode="abs",
            factor=0.1),
        trl("trl-rel-0.1-p2", DECAY_PLATEAU, patience=2, threshold=0.1, threshold_mode="rel",
            factor=0.1),
        trl("trl-exact-threshold-binary-abs-p0", EXACT_BINARY, patience=0, threshold=0.125,
            threshold_mode="abs"),
        trl("trl-exact-threshold-decimal-abs-p0", EXACT_DECIMAL, patience=0, threshold=0.1,
            threshold_mode="abs"),
        trl("trl-exact-threshold-mixed-abs-p1", EXACT_MIXED, patience=1, threshold=0.125,
            threshold_mode="abs"),
        trl("trl-ties-threshold-0-p1", TIES, patience=1, threshold=0.0, threshold_mode="abs"),
        trl("trl-float32-ties-p2", F32_TIES, patience=2, threshold=0.0, threshold_mode="abs"),
        trl("trl-negative-values-rel-p2", NEGATIVE, patience=2, threshold=0.01),
        trl("trl-negative-values-abs-p2", NEGATIVE, patience=2, threshold=0.001,
            threshold_mode="abs"),
    ]
    names = [c[0] for c in out]
    assert len(names) == len(set(names)), "case names must be unique"
    for c in out:
        assert 8 <= len(c[5]) <= 40, (c[0], len(c[5]))
    return out


# ---------------------------------------------------------------------------------------------
# Drivers.


def tiny_model(initial_lr):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=initial_lr), loss="mse")
    return model


def set_epoch_weights(model, epoch):
    model.set_weights([np.array([[float(epoch)]], dtype=np.float32), np.zeros(1, np.float32)])


def weights_epoch(model):
    k = float(model.get_weights()[0][0, 0])
    assert k == int(k), k
    return int(k)


def keras_lr(model):
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


def run_es(monitor, params, curve):
    model = tiny_model(0.01)
    cb = keras.callbacks.EarlyStopping(**params)
    cb.set_model(model)
    model.stop_training = False
    cb.on_train_begin()
    wait, stopped = [], None
    for epoch, v in enumerate(curve):
        set_epoch_weights(model, epoch)
        cb.on_epoch_end(epoch, {monitor: v})
        wait.append(int(cb.wait))
        if model.stop_training:
            stopped = epoch
            break
    epochs_run = len(wait)
    will_restore = bool(cb.restore_best_weights) and cb.best_weights is not None
    cb.on_train_end()
    got = weights_epoch(model)
    if will_restore:
        restored = got
    else:
        assert got == epochs_run - 1, (got, epochs_run)
        restored = None
    best = None if cb.best is None else float(cb.best)
    return {
        "stopped_epoch": stopped,
        "epochs_run": epochs_run,
        "best_epoch": None if cb.best is None else int(cb.best_epoch),
        "best": best,
        "wait": wait,
        "restored_epoch": restored,
    }


def reductions(initial, lrs):
    out, prev = [], initial
    for epoch, lr in enumerate(lrs):
        if lr != prev:
            out.append(epoch)
        prev = lr
    return out


def run_krl(monitor, params, initial_lr, curve):
    model = tiny_model(initial_lr)
    cb = keras.callbacks.ReduceLROnPlateau(**params)
    cb.set_model(model)
    model.stop_training = False
    before = keras_lr(model)
    cb.on_train_begin()
    lrs = []
    for epoch, v in enumerate(curve):
        cb.on_epoch_end(epoch, {monitor: v})
        lrs.append(keras_lr(model))
    cb.on_train_end()
    return {"lrs": lrs, "reductions": reductions(before, lrs)}


def run_trl(params, initial_lr, curve):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=initial_lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **params)
    before = float(opt.param_groups[0]["lr"])
    lrs = []
    for v in curve:
        sched.step(v)
        lrs.append(float(opt.param_groups[0]["lr"]))
    return {"lrs": lrs, "reductions": reductions(before, lrs)}


# ---------------------------------------------------------------------------------------------


def jsonable(x):
    """NaN and ±inf as the strings "nan", "inf", "-inf"; everything else unchanged."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [jsonable(v) for v in x]
    return x


def build():
    out = []
    for name, ref, monitor, params, initial_lr, curve in cases():
        if ref == ES:
            expected = run_es(monitor, params, curve)
        elif ref == KRL:
            expected = run_krl(monitor, params, initial_lr, curve)
        else:
            expected = run_trl(params, initial_lr, curve)
        out.append({"name": name, "reference": ref, "monitor": monitor, "params": params,
                    "initial_lr": initial_lr, "curve": curve, "expected": expected})
    versions = {"keras": keras.__version__, "torch": torch.__version__,
                "numpy": np.__version__, "python": sys.version.split()[0]}
    doc = {"generator": GENERATOR, "versions": versions, "cases": out}
    return json.dumps(jsonable(doc), indent=1, sort_keys=True, allow_nan=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true",
                    help="regenerate into memory and compare with --out byte for byte")
    ap.add_argument("--allow-version-mismatch", action="store_true")
    args = ap.parse_args()
    if keras.backend.backend() != "torch":
        raise SystemExit(f"run with KERAS_BACKEND=torch (got {keras.backend.backend()})")
    got = {"keras": keras.__version__, "torch": torch.__version__, "numpy": np.__version__}
    bad = {k: (got[k], v) for k, v in PINNED.items() if got[k] != v}
    if bad and not args.allow_version_mismatch:
        raise SystemExit(f"pinned versions differ (got, want): {bad}")
    text = build()
    if args.check:
        committed = args.out.read_text()
        if committed == text:
            print(f"{args.out}: up to date")
            return
        for i, (a, b) in enumerate(zip(text.splitlines(), committed.splitlines()), 1):
            if a != b:
                print(f"{args.out}:{i}:\n  generated: {a}\n  committed: {b}")
                break
        else:
            print(f"{args.out}: line counts differ")
        raise SystemExit(1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"{args.out}: {text.count(chr(10))} lines")


if __name__ == "__main__":
    main()
