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
from ._training import keep_best

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
        # The weights of every step that is some rule's best (a rollback's possible targets).
        self._kept: dict[int, Any] = {}

    def _keep(self, epoch: int, weights: Any) -> None:
        keep_best(self.monitor, self._kept, epoch, weights)

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
        self._keep(epoch, lambda: copy.deepcopy(pl_module.state_dict()))
        if d.action == "reduce_lr" and self.set_lr and d.lr is not None:
            for opt in trainer.optimizers:
                for group in opt.param_groups:
                    group["lr"] = d.lr
        if d.should_stop:
            self.stopped_epoch = epoch
            trainer.should_stop = True
            w = self._kept.get(d.rollback_step) if d.action == "rollback" else None
            if w is not None:
                pl_module.load_state_dict(w)
                self.restored_epoch = d.rollback_step

