"""What the framework callbacks (``verdict.keras``, ``verdict.lightning``) share: judging one
evaluation's metrics, keeping the weights a rollback may go back to, and the record of what
happened. Each callback only reads its framework's metrics and applies the decision."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from . import Decision, Monitor


def _is_number(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


class Judge:
    """The rules of one fit. ``decisions`` keeps every evaluation's :class:`verdict.Decision`;
    ``stopped_epoch`` is the epoch training ended at (``None`` if it ran to the end) and
    ``restored_epoch`` the epoch whose weights a rollback restored."""

    def __init__(self, rules: Any, *, set_lr: bool = True) -> None:
        self.monitor = Monitor(rules)
        self.set_lr = set_lr
        self.decisions: list[Decision] = []
        self.stopped_epoch: int | None = None
        self.restored_epoch: int | None = None
        # The weights of every step that is some rule's best (a rollback's possible targets).
        self._kept: dict[int, Any] = {}

    def judge(self, epoch: int, metrics: Mapping[str, Any], weights: Callable[[], Any]) -> Decision:
        """One evaluation: the numeric ``metrics`` (others, such as strings, are left out) go to
        the monitor; ``weights()`` copies the model's weights when this epoch becomes some rule's
        best (at most one copy per rule is held)."""
        d = self.monitor.update(epoch, **{k: float(v) for k, v in metrics.items() if _is_number(v)})
        self.decisions.append(d)
        m = self.monitor
        best = {b[0] for b in (m.rule_best(i) for i in range(len(m.rules))) if b is not None}
        if epoch in best:
            self._kept[epoch] = weights()
        for step in [s for s in self._kept if s not in best]:
            del self._kept[step]
        if d.should_stop:
            self.stopped_epoch = epoch
        return d

    def new_lr(self, d: Decision) -> float | None:
        """The rate to set, when ``d`` reduces it and the callback sets rates."""
        return d.lr if d.action == "reduce_lr" and self.set_lr else None

    def rollback_weights(self, d: Decision) -> Any:
        """The weights a ``rollback`` goes back to (``None`` for any other decision)."""
        w = self._kept.get(d.rollback_step) if d.action == "rollback" else None
        if w is not None:
            self.restored_epoch = d.rollback_step
        return w
