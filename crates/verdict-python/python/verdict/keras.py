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

from ._training import Judge

__all__ = ["VerdictCallback"]


class VerdictCallback(keras.callbacks.Callback, Judge):
    """Judges each epoch's logs with ``rules`` (a ``rules.toml`` path or a dict); ``decisions``,
    ``stopped_epoch`` and ``restored_epoch`` say what happened (:class:`verdict._training.Judge`)."""

    def __init__(self, rules: Any, *, set_lr: bool = True, verbose: int = 0) -> None:
        keras.callbacks.Callback.__init__(self)
        Judge.__init__(self, rules, set_lr=set_lr)
        self.verbose = verbose

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        d = self.judge(epoch, logs or {}, lambda: self.model.get_weights())
        lr = self.new_lr(d)
        if lr is not None:
            self.model.optimizer.learning_rate.assign(lr)
        if self.verbose and d.action != "continue":
            print(f"verdict: epoch {epoch}: {d.action}: {d.summary}")
        if d.should_stop:
            self.model.stop_training = True
            w = self.rollback_weights(d)
            if w is not None:
                self.model.set_weights(w)
