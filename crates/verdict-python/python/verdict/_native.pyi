# Type stubs of the native module (crates/verdict-python/src). The public API is verdict/__init__.py;
# these are the shapes it hands over: columns are (name, 1-D float64/int64/bool array | list[str | None]).
from typing import Any, Sequence

import numpy as np

__version__: str

_Column = tuple[str, np.ndarray | list[str | None]]
_Model = tuple[str, list[_Column]]

class Report:
    def json(self) -> str: ...
    def html(self, lang: str) -> str: ...
    def fragment(self, lang: str) -> str: ...
    def markdown(self, lang: str) -> str: ...
    def text(self, lang: str) -> str: ...
    def has_predictions(self) -> bool: ...

class Monitor:
    def __init__(self, toml: str, name: str) -> None: ...
    def update(self, step: int, metrics: Sequence[tuple[str, float]]) -> list[dict[str, Any]]: ...
    def best(self) -> tuple[int, float] | None: ...
    def lr(self) -> float | None: ...
    def ended(self) -> tuple[str, int, str] | None: ...
    def rules(self) -> list[str]: ...
    def rule_best(self, i: int) -> tuple[int, float] | None: ...
    def rule_wait(self, i: int) -> int | None: ...
    def save(self) -> str: ...
    def restore(self, state: str) -> None: ...

def evaluate(
    columns: list[_Column],
    settings: dict[str, Any],
    *,
    name: str,
    positive: str | None = None,
    normalize: bool = False,
    group_classes: list[tuple[str, list[str]]] = ...,
    by: str | None = None,
    keep_predictions: bool = False,
) -> Report: ...
def compare(
    models: list[_Model],
    settings: dict[str, Any],
    *,
    positive: str | None = None,
    normalize: bool = False,
    metric: str | None = None,
    baseline: str | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    permutations: int = 0,
) -> Report: ...
def retrieval(
    query: np.ndarray,
    labels: list[_Column],
    *,
    gallery: np.ndarray | None = None,
    gallery_labels: list[_Column] | None = None,
    k: list[int],
    similarity: str,
    depth: int | None = None,
    no_relevant: str,
    bootstrap: int,
    seed: int,
    ci: float,
) -> Report: ...
def ensemble(
    members: list[_Model],
    val: list[_Model],
    settings: dict[str, Any],
    *,
    positive: str | None = None,
    normalize: bool = False,
    voting: str,
    weights: list[list[float]],
    optimize: str | None = None,
    rounds: int = 50,
    select_metric: str,
    allow_test_fit: bool = False,
    stability: int = 200,
    stability_level: float = 0.9,
    metric: str | None = None,
    alpha: float = 0.05,
    label_review: str | None = None,
    in_sample: bool = False,
) -> Report: ...
def log_evaluation(
    url: str,
    artifacts: Any,
    run_id: str,
    report: Report,
    *,
    name: str,
    source: str,
    step: int = 0,
    lang: str = "en",
) -> tuple[str, str | None]: ...
def convert_only(columns: list[_Column]) -> int: ...
def defaults() -> dict[str, Any]: ...
