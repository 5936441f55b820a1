"""`verdict.lightning.VerdictCallback` through a real `lightning.pytorch.Trainer.fit`.

The same fit, seeded the same, with Lightning's own `EarlyStopping` and with the equivalent rule,
stops at the same epoch; a rollback restores the best epoch's weights.

Skipped where Lightning is not installed, and the test command does not install it: Lightning
needs PyTorch, and PyPI's only Linux PyTorch wheel is the CUDA build, which needs about 3 GB of
nvidia-* wheels even on CPU. python/requirements-lightning.txt says how it was run by hand
(Lightning 2.6.6, torch 2.15.0: 2 passed)."""

from __future__ import annotations

import pytest

pl = pytest.importorskip("lightning.pytorch", reason="Lightning (and PyTorch) are not installed")
torch = pytest.importorskip("torch")

import verdict.lightning  # noqa: E402


class Tiny(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.layer = torch.nn.Linear(4, 1)

    def training_step(self, batch, _):
        x, y = batch
        return torch.nn.functional.mse_loss(self.layer(x), y)

    def validation_step(self, batch, _):
        x, y = batch
        self.log("val_loss", torch.nn.functional.mse_loss(self.layer(x), y))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


def fit(callback, epochs=50):
    torch.manual_seed(0)
    x = torch.randn(64, 4)
    y = x[:, :1] + torch.randn(64, 1)  # a signal and noise: the validation loss stops improving
    train = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x[:48], y[:48]), batch_size=16)
    val = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x[48:], y[48:]), batch_size=16)
    losses = []
    record = pl.callbacks.LambdaCallback(
        on_validation_end=lambda t, m: losses.append(float(t.callback_metrics["val_loss"]))
        if not t.sanity_checking else None
    )
    model = Tiny()
    trainer = pl.Trainer(max_epochs=epochs, callbacks=[callback, record], logger=False,
                         enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
                         num_sanity_val_steps=0)
    trainer.fit(model, train, val)
    return trainer, model, losses


def test_trainer_fit_stops_where_lightnings_early_stopping_does():
    ref = pl.callbacks.EarlyStopping(monitor="val_loss", patience=2)
    t_ref, _, losses_ref = fit(ref)
    ours = verdict.lightning.VerdictCallback(
        {"rule": [{"kind": "early_stopping", "monitor": "val_loss", "patience": 2}]}
    )
    t_ours, _, losses_ours = fit(ours)
    assert ref.stopped_epoch > 0, "the reference fit must stop early for the test to mean anything"
    assert ours.stopped_epoch == ref.stopped_epoch
    assert t_ours.current_epoch == t_ref.current_epoch
    assert losses_ours == losses_ref
    assert ours.decisions[-1].action == "stop"


def test_rollback_restores_the_best_epochs_weights():
    ours = verdict.lightning.VerdictCallback(
        {"rule": [{"kind": "early_stopping", "monitor": "val_loss", "patience": 2,
                   "restore_best_weights": True}]}
    )
    _, model, losses = fit(ours)
    assert ours.decisions[-1].action == "rollback"
    best = min(range(len(losses)), key=lambda i: losses[i])
    assert ours.restored_epoch == best
