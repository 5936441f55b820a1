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

from ._training import Judge

__all__ = ["VerdictCallback"]


class VerdictCallback(pl.Callback, Judge):
    """Judges each validation epoch's metrics with ``rules`` (a ``rules.toml`` path or a dict);
    ``decisions``, ``stopped_epoch`` and ``restored_epoch`` say what happened
    (:class:`verdict._training.Judge`)."""

    def __init__(self, rules: Any, *, set_lr: bool = True) -> None:
        pl.Callback.__init__(self)
        Judge.__init__(self, rules, set_lr=set_lr)

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        if getattr(trainer, "sanity_checking", False):
            return
        epoch = int(trainer.current_epoch)
        d = self.judge(epoch, trainer.callback_metrics, lambda: copy.deepcopy(pl_module.state_dict()))
        lr = self.new_lr(d)
        if lr is not None:
            for opt in trainer.optimizers:
                for group in opt.param_groups:
                    group["lr"] = lr
        if d.should_stop:
            trainer.should_stop = True
            w = self.rollback_weights(d)
            if w is not None:
                pl_module.load_state_dict(w)
