"""`verdict.lightning.VerdictCallback` through a real `lightning.pytorch.Trainer.fit`.

Skipped where Lightning is not installed, and the test command does not install it: Lightning
needs PyTorch, and PyPI's only Linux PyTorch wheel is the CUDA build, which needs about 3 GB of
nvidia-* wheels even on CPU (see python/requirements-rules.txt). The adapter is the Keras one's
logic (verdict/_training.py) over Lightning's hooks."""

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


def test_trainer_fit_stops_on_the_rule():
    torch.manual_seed(0)
    x = torch.randn(64, 4)
    y = torch.randn(64, 1)  # noise: the validation loss cannot keep improving
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16)
    cb = verdict.lightning.VerdictCallback(
        {"rule": [{"kind": "early_stopping", "monitor": "val_loss", "patience": 1}]}
    )
    trainer = pl.Trainer(max_epochs=50, callbacks=[cb], logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(Tiny(), loader, loader)
    assert cb.stopped_epoch is not None and trainer.current_epoch <= cb.stopped_epoch + 1
    assert cb.decisions[-1].action == "stop"
