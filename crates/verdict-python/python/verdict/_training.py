"""What the framework callbacks (``verdict.keras``, ``verdict.lightning``) share."""

from __future__ import annotations

from typing import Any, Callable

from . import Monitor


def keep_best(monitor: Monitor, kept: dict[int, Any], epoch: int, weights: Callable[[], Any]) -> None:
    """Keeps the weights of ``epoch`` (``weights()`` copies them) if it is now some rule's best —
    a rollback's possible target — and drops the weights of steps that no longer are, so at
    most one copy per rule is held."""
    best = {b[0] for b in (monitor.rule_best(i) for i in range(len(monitor.rules))) if b is not None}
    if epoch in best:
        kept[epoch] = weights()
    for step in [s for s in kept if s not in best]:
        del kept[step]
