"""`verdict.keras.VerdictCallback` driven by a real `keras.Model.fit` (Keras 3 on the JAX backend,
CPU): the same fit, seeded the same, with Keras' own `EarlyStopping` / `ReduceLROnPlateau` and with
the equivalent rules, stops at the same epoch, restores the same weights and sets the same
learning rates."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import verdict.keras  # noqa: E402


def data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(160, 4)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(scale=1.5, size=160) > 0).astype("float32")
    return x[:120], y[:120], x[120:], y[120:]


def fit(callback, epochs=40, lr=0.05):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="binary_crossentropy")
    lrs = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: lrs.append(float(model.optimizer.learning_rate))
    )
    x, y, xv, yv = data()
    hist = model.fit(x, y, validation_data=(xv, yv), epochs=epochs, batch_size=16, verbose=0,
                     shuffle=False, callbacks=[callback, record])
    return model, hist, lrs


def test_early_stopping_with_rollback_matches_keras():
    ref = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    m_ref, h_ref, _ = fit(ref)
    ours = verdict.keras.VerdictCallback(
        {"rule": [{"kind": "early_stopping", "monitor": "val_loss", "patience": 2,
                   "restore_best_weights": True}]}
    )
    m_ours, h_ours, _ = fit(ours)
    assert ref.stopped_epoch > 0, "the reference fit must stop early for the test to mean anything"
    assert ours.stopped_epoch == ref.stopped_epoch
    assert len(h_ours.history["loss"]) == len(h_ref.history["loss"])
    assert h_ours.history["val_loss"] == h_ref.history["val_loss"]
    assert ours.decisions[-1].action == "rollback"
    assert ours.restored_epoch == ref.best_epoch
    for a, b in zip(m_ours.get_weights(), m_ref.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_plateau_sets_the_learning_rate_as_keras_does():
    ref = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", patience=1, factor=0.5, min_delta=1e-3)
    _, h_ref, lrs_ref = fit(ref, epochs=15)
    ours = verdict.keras.VerdictCallback(
        {"rule": [{"kind": "plateau", "style": "keras", "monitor": "val_loss", "patience": 1,
                   "factor": 0.5, "min_delta": 1e-3, "lr": 0.05}]}
    )
    _, h_ours, lrs_ours = fit(ours, epochs=15)
    assert min(lrs_ref) < 0.05, "the reference must reduce the rate for the test to mean anything"
    assert lrs_ours == lrs_ref
    assert h_ours.history["val_loss"] == h_ref.history["val_loss"]
    assert any(d.action == "reduce_lr" for d in ours.decisions)


def test_a_threshold_stop_ends_fit():
    ours = verdict.keras.VerdictCallback({"rule": [{"kind": "threshold", "monitor": "loss", "below": 10.0}]})
    _, hist, _ = fit(ours, epochs=10)
    assert len(hist.history["loss"]) == 1 and ours.stopped_epoch == 0
    assert ours.decisions[0].reason == "threshold_below"
