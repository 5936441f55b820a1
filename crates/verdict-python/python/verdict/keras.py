"""``verdict.keras.VerdictCallback``: the rules of ``verdict rules`` as a Keras 3 callback.

Importing this module imports Keras; ``import verdict`` does not, so Keras is never a dependency.
At the end of every epoch the epoch's logs (``loss``, ``val_loss``, …) go to a
:class:`verdict.Monitor`; ``reduce_lr`` sets the optimizer's learning rate, ``stop`` ends
``fit``, and ``rollback`` ends it with the weights of the best epoch (kept in memory whenever the
rule's best improves, as Keras' ``EarlyStopping(restore_best_weights=True)`` keeps them).
"""

from __future__ import annotations

from typing import Any, Mapping

import keras

from . import Decision, Monitor
from ._training import keep_best

__all__ = ["VerdictCallback"]


class VerdictCallback(keras.callbacks.Callback):
    """Judges each epoch's logs with ``rules`` (a ``rules.toml`` path or a dict).

    ``decisions`` keeps every epoch's :class:`verdict.Decision`; ``stopped_epoch`` is the epoch
    training ended at (``None`` if it ran to the end) and ``restored_epoch`` the epoch whose
    weights a rollback restored."""

    def __init__(self, rules: Any, *, set_lr: bool = True, verbose: int = 0) -> None:
        super().__init__()
        self.monitor = Monitor(rules)
        self.set_lr = set_lr
        self.verbose = verbose
        self.decisions: list[Decision] = []
        self.stopped_epoch: int | None = None
        self.restored_epoch: int | None = None
        # The weights of every step that is some rule's best (a rollback's possible targets).
        self._kept: dict[int, Any] = {}

    def _keep(self, epoch: int, weights: Any) -> None:
        keep_best(self.monitor, self._kept, epoch, weights)

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        metrics = {k: float(v) for k, v in (logs or {}).items() if _is_number(v)}
        d = self.monitor.update(epoch, **metrics)
        self.decisions.append(d)
        self._keep(epoch, lambda: self.model.get_weights())
        if d.action == "reduce_lr" and self.set_lr and d.lr is not None:
            self.model.optimizer.learning_rate.assign(d.lr)
        if self.verbose and d.action != "continue":
            print(f"verdict: epoch {epoch}: {d.action}: {d.summary}")
        if d.should_stop:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            w = self._kept.get(d.rollback_step) if d.action == "rollback" else None
            if w is not None:
                self.model.set_weights(w)
                self.restored_epoch = d.rollback_step


def _is_number(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True

