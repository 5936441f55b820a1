"""``verdict.lightning.VerdictCallback``: the rules of ``verdict rules`` as a Lightning callback.

Importing this module imports Lightning (``lightning.pytorch``, else ``pytorch_lightning``);
``import verdict`` does not. After every validation epoch the trainer's ``callback_metrics`` go to
a :class:`verdict.Monitor`; ``reduce_lr`` sets every optimizer's learning rate, ``stop`` and
``rollback`` set ``trainer.should_stop`` (a rollback also restores the best epoch's weights, kept
in memory when the best step improves).
"""

from __future__ import annotations

import copy
from typing import Any

try:
    import lightning.pytorch as pl
except ImportError:  # the older package name
    import pytorch_lightning as pl

from . import Decision, Monitor

__all__ = ["VerdictCallback"]


class VerdictCallback(pl.Callback):
    """Judges each validation epoch's metrics with ``rules`` (a ``rules.toml`` path or a dict)."""

    def __init__(self, rules: Any, *, set_lr: bool = True) -> None:
        super().__init__()
        self.monitor = Monitor(rules)
        self.set_lr = set_lr
        self.decisions: list[Decision] = []
        self.stopped_epoch: int | None = None
        self.restored_epoch: int | None = None
        self._best_state: dict[str, Any] | None = None
        self._best_step: int | None = None

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        if getattr(trainer, "sanity_checking", False):
            return
        epoch = int(trainer.current_epoch)
        metrics = {}
        for k, v in trainer.callback_metrics.items():
            try:
                metrics[k] = float(v)
            except (TypeError, ValueError):
                continue
        d = self.monitor.update(epoch, **metrics)
        self.decisions.append(d)
        best = self.monitor.best
        if best is not None and best[0] == epoch and best[0] != self._best_step:
            self._best_step = epoch
            self._best_state = copy.deepcopy(pl_module.state_dict())
        if d.action == "reduce_lr" and self.set_lr and d.lr is not None:
            for opt in trainer.optimizers:
                for group in opt.param_groups:
                    group["lr"] = d.lr
        if d.should_stop:
            self.stopped_epoch = epoch
            trainer.should_stop = True
            if d.action == "rollback" and self._best_state is not None:
                pl_module.load_state_dict(self._best_state)
                self.restored_epoch = self._best_step
