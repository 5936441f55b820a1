"""Verdict from Python: the command line's evaluations, comparisons, retrieval metrics, ensembles
and training rules, called on arrays in a notebook, a training loop or a test.

Every number comes from the same Rust core as ``verdict eval`` / ``compare`` / ``retrieval`` /
``ensemble`` / ``rules``: ``Evaluation.to_dict()`` is the CLI's JSON document, and a bad input is
refused with the CLI's message, naming the argument and the 0-based row
(``<arrays>: row 3: column "y_score": expected a finite number, found nan``).

Conventions (``docs/python.md`` has them all):

* keyword names follow scikit-learn where one exists (``y_true``, ``y_score``, ``y_prob``,
  ``y_pred``, ``pos_label``, ``classes``);
* ``y_score`` is a 1-D score of the positive class (any real number; the positive class is the
  greater label unless ``pos_label`` names one); a 2-D ``y_score`` (``predict_proba``'s output) is
  taken as ``y_prob``;
* ``y_prob`` has one column per class, in the order of ``classes``, else of a DataFrame's columns,
  else of the sorted distinct labels of ``y_true`` (``np.unique``), which must then be as many;
* in ``compare`` and ``ensemble``, a model's 2-D array is probabilities, a 1-D float array scores,
  and any other 1-D array predicted labels; a dict ``{"y_prob": …}`` says it explicitly;
* the work runs with the GIL released.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from . import _convert, _native, _rules

__all__ = [
    "Comparison",
    "Decision",
    "Ensemble",
    "Evaluation",
    "Ledger",
    "Metric",
    "Monitor",
    "Retrieval",
    "compare",
    "ensemble",
    "evaluate",
    "retrieval",
]

__version__: str = _native.__version__


@dataclass(frozen=True)
class Metric:
    """A metric's value and its bootstrap interval (``None`` without a bootstrap, or where the
    interval is undefined)."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None

    @classmethod
    def _of(cls, d: Any) -> "Metric":
        if isinstance(d, Mapping):
            return cls(d.get("value"), d.get("ci_low"), d.get("ci_high"))
        return cls(d)


class _Result:
    """What every result shares: the native report, its JSON document, its renderings."""

    _kind = "report"

    def __init__(self, report: Any) -> None:
        self._report = report
        self._doc = json.loads(report.json())

    def to_dict(self) -> dict[str, Any]:
        """The JSON document, exactly what the CLI's ``--format json`` prints, as a dict."""
        return json.loads(self._report.json())

    def to_json(self) -> str:
        """The JSON document as the CLI prints it."""
        return self._report.json()

    def to_html(self, lang: str = "en") -> str:
        """The self-contained HTML report (``--format html``; ``lang`` ``en`` or ``ko``)."""
        return self._report.html(lang)

    def to_markdown(self, lang: str = "en") -> str:
        """The Markdown report (``--format md``)."""
        return self._report.markdown(lang)

    def to_text(self, lang: str = "en") -> str:
        """The terminal report, without colour."""
        return self._report.text(lang)

    @property
    def findings(self) -> list[dict[str, Any]]:
        """The warnings of the report: ``{"code", "message", …}`` each."""
        return list(self._doc.get("warnings") or [])

    def _repr_html_(self) -> str:
        return self._report.fragment("en")

    def __str__(self) -> str:
        return self.to_text()


class Evaluation(_Result):
    """One model evaluated (``verdict.evaluate``)."""

    @property
    def metrics(self) -> dict[str, Metric]:
        """Metric name → :class:`Metric`, in the report's order."""
        return {k: Metric._of(v) for k, v in (self._doc.get("metrics") or {}).items()}

    @property
    def confusion_matrix(self) -> np.ndarray:
        """Counts, rows = true class, columns = predicted class, in :attr:`classes` order."""
        cm = self._doc.get("confusion_matrix") or {}
        return np.asarray(cm.get("matrix", []), dtype=np.int64)

    @property
    def classes(self) -> list[str]:
        """The classes, in the core's order."""
        return list(self._doc.get("classes") or [])

    @property
    def fingerprint(self) -> str:
        """The eval set's fingerprint (ids, labels and groups; the same as the CLI's)."""
        return self._doc["fingerprint"]

    def to_pandas(self) -> Any:
        """The metrics as a pandas DataFrame indexed by metric: ``value``, ``ci_low``,
        ``ci_high``."""
        import pandas as pd

        rows = [
            {"metric": k, "value": m.value, "ci_low": m.ci_low, "ci_high": m.ci_high}
            for k, m in self.metrics.items()
        ]
        return pd.DataFrame(rows, columns=["metric", "value", "ci_low", "ci_high"]).set_index("metric")

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{k}={m.value:.4f}" for k, m in list(self.metrics.items())[:4] if isinstance(m.value, float)
        )
        return f"<verdict.Evaluation n={self._doc.get('n')} {shown}>"


class Comparison(_Result):
    """Models compared on one eval set (``verdict.compare``)."""

    @property
    def verdict(self) -> str:
        """The verdict lines, one per comparison with the baseline."""
        return "\n".join(c["verdict"] for c in self._doc.get("comparisons") or [])

    @property
    def tests(self) -> list[dict[str, Any]]:
        """Each comparison with the baseline: deltas with intervals, the paired tests, p-values
        (raw and Holm), the power analysis, and whether it is significant."""
        return list(self._doc.get("comparisons") or [])

    @property
    def leaderboard(self) -> list[dict[str, Any]]:
        """The models ranked by the headline metric, with intervals."""
        return list(self._doc.get("leaderboard") or [])

    def to_pandas(self) -> Any:
        """The leaderboard as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.leaderboard)

    def __repr__(self) -> str:
        return f"<verdict.Comparison {self.verdict!r}>"


class Retrieval(_Result):
    """A retrieval evaluation (``verdict.retrieval``)."""

    @property
    def metrics(self) -> dict[str, Metric]:
        """Overall metric name → :class:`Metric` (mean over queries, bootstrap interval)."""
        return {k: Metric._of(v) for k, v in (self._doc.get("metrics") or {}).items()}

    @property
    def per_class(self) -> Any:
        """Each class's metrics (the JSON's ``per_class``)."""
        return self._doc.get("per_class")

    @property
    def subsets(self) -> Any:
        """Each subset's metrics, when ``subsets`` were given (the JSON's ``subsets``)."""
        return self._doc.get("subsets")

    def __repr__(self) -> str:
        return f"<verdict.Retrieval {', '.join(f'{k}={m.value:.4f}' for k, m in list(self.metrics.items())[:3] if isinstance(m.value, float))}>"


class Ensemble(_Result):
    """An ensemble combined, weighed and taken apart (``verdict.ensemble``)."""

    @property
    def verdict(self) -> list[str]:
        """The verdict lines: the ensemble against its best member, and each weighting against
        the ensemble's."""
        return list(self._doc.get("verdict") or [])

    @property
    def weightings(self) -> list[dict[str, Any]]:
        """The weightings: the ensemble's first (learned or given), with each member's weight."""
        return list(self._doc.get("weightings") or [])

    def __repr__(self) -> str:
        names = [m.get("name") for m in self._doc.get("members") or []]
        return f"<verdict.Ensemble members={names}>"


def _settings(
    threshold: float,
    bootstrap: int,
    ci: float,
    seed: int,
    calibration_bins: int = 15,
    calibration_strategy: str = "uniform",
    curve_points: int = 2000,
    target_recall: float | None = None,
    target_precision: float | None = None,
) -> dict[str, Any]:
    return {
        "threshold": float(threshold),
        "bootstrap": _count(bootstrap, "bootstrap"),
        "seed": _count(seed, "seed"),
        "ci": float(ci),
        "calibration_bins": _count(calibration_bins, "calibration_bins"),
        "calibration_strategy": calibration_strategy,
        "curve_points": _count(curve_points, "curve_points"),
        "target_recall": None if target_recall is None else float(target_recall),
        "target_precision": None if target_precision is None else float(target_precision),
    }


def _count(v: Any, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{name}= must be an int, got {type(v).__name__}")
    if v < 0:
        raise ValueError(f"{name}= must be at least 0, got {v}")
    return int(v)


def _pos_label(pos_label: Any) -> str | None:
    return None if pos_label is None else _convert.text(pos_label)


def evaluate(
    y_true: Any,
    y_score: Any = None,
    *,
    y_prob: Any = None,
    y_pred: Any = None,
    y_logit: Any = None,
    classes: Sequence[Any] | None = None,
    groups: Any = None,
    ids: Any = None,
    threshold: float = 0.5,
    bootstrap: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
    pos_label: Any = None,
    normalize: bool = False,
    calibration_bins: int = 15,
    calibration_strategy: str = "uniform",
    curve_points: int = 2000,
    target_recall: float | None = None,
    target_precision: float | None = None,
    group_classes: Mapping[str, Sequence[Any]] | None = None,
    by: Any = None,
    keep_predictions: bool = False,
) -> Evaluation:
    """Evaluates one model's predictions, as ``verdict eval`` evaluates a file.

    Give exactly one of ``y_score`` (binary: a score of the positive class), ``y_prob`` (one
    probability column per class), ``y_logit`` (one logit column per class; the softmax is the
    core's) or ``y_pred`` (predicted labels). Probability rows must sum to 1 within
    scikit-learn's tolerance; ``normalize=True`` divides each row by its sum instead (the CLI's
    ``--normalize``). ``groups`` makes the bootstrap
    a cluster bootstrap (samples sharing a group are drawn together); ``ids`` name the rows (and
    fix the order the bootstrap draws in, as the CLI's id column does). The defaults are the
    CLI's: threshold 0.5, 1,000 bootstrap replicates, seed 0, 95 % intervals, 15 uniform
    calibration bins, at most 2,000 points per curve. ``group_classes={"defect": ["crack",
    "dent"]}`` also evaluates collapsed binary problems (``--group-classes``); ``by`` (one value
    per row; a pandas/polars Series gives its name) adds an evaluation per value (``--by``).
    ``keep_predictions=True`` keeps the evaluated predictions, which ``Ledger.log_evaluation``
    then stores beside the results (what ``verdict runs compare`` pairs runs on).

    Raises ``ValueError`` with the CLI's message for invalid data or settings, ``TypeError`` for
    an argument of the wrong type.
    """
    cols = _convert.prediction_columns(
        y_true, y_score=y_score, y_prob=y_prob, y_pred=y_pred, y_logit=y_logit, classes=classes,
        groups=groups, ids=ids,
    )
    by_name = None
    if by is not None:
        by_name = str(getattr(by, "name", None) or "by")
        if any(n == by_name for n, _ in cols):
            raise ValueError(f"by: the name {by_name!r} is taken by another argument; rename the Series")
        cols.append((by_name, _convert.column(by, "by")))
    report = _native.evaluate(
        cols,
        _settings(
            threshold, bootstrap, ci, seed, calibration_bins, calibration_strategy, curve_points,
            target_recall, target_precision,
        ),
        name=_convert.ARRAYS,
        positive=_pos_label(pos_label),
        normalize=bool(normalize),
        group_classes=[(k, [_convert.text(m) for m in v]) for k, v in (group_classes or {}).items()],
        by=by_name,
        keep_predictions=bool(keep_predictions),
    )
    return Evaluation(report)


def _model_columns(
    name: str,
    y_true: Any,
    model: Any,
    classes: Sequence[Any] | None,
    groups: Any,
    ids: Any,
) -> tuple[str, list[tuple[str, Any]]]:
    if not isinstance(name, str):
        raise TypeError(f"model names must be str, got {name!r}")
    if isinstance(model, Mapping):
        unknown = set(model) - {"y_score", "y_prob", "y_logit", "y_pred"}
        if unknown:
            raise ValueError(
                f"{name}: unknown keys {sorted(unknown)}; expected y_score, y_prob, y_logit or y_pred"
            )
        kw = dict(model)
    else:
        a = _convert.to_numpy(model, name)
        if a.ndim == 2:
            kw = {"y_prob": model}
        elif a.dtype.kind == "f":
            kw = {"y_score": a}
        else:
            kw = {"y_pred": a}
    return name, _convert.prediction_columns(
        y_true, classes=classes, groups=groups, ids=ids, prefix=f"{name}: ", **kw
    )


def _models(y_true: Any, models: Mapping[str, Any], classes: Any, groups: Any, ids: Any, what: str) -> list:
    if not isinstance(models, Mapping) or len(models) < 2:
        raise ValueError(f"{what} takes a dict of at least two models, name → predictions")
    return [_model_columns(n, y_true, m, classes, groups, ids) for n, m in models.items()]


def compare(
    y_true: Any,
    models: Mapping[str, Any],
    *,
    classes: Sequence[Any] | None = None,
    groups: Any = None,
    ids: Any = None,
    threshold: float = 0.5,
    bootstrap: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
    pos_label: Any = None,
    normalize: bool = False,
    metric: str | None = None,
    baseline: str | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    permutations: int = 0,
) -> Comparison:
    """Compares models on one eval set with paired statistics, as ``verdict compare`` does:
    ``compare(y_true, {"baseline": s_a, "finetuned": s_b})``. The first model is the baseline
    unless ``baseline`` names one; the headline ``metric`` defaults to ``roc_auc`` for binary
    scores, else ``accuracy``. ``permutations`` adds a paired permutation test of the headline
    metric. ``.verdict`` says plainly whether a difference is significant."""
    report = _native.compare(
        _models(y_true, models, classes, groups, ids, "compare"),
        _settings(threshold, bootstrap, ci, seed),
        positive=_pos_label(pos_label),
        normalize=bool(normalize),
        metric=metric,
        baseline=baseline,
        alpha=float(alpha),
        power=float(power),
        permutations=_count(permutations, "permutations"),
    )
    return Comparison(report)


def retrieval(
    query: Any,
    labels: Any,
    *,
    gallery: Any = None,
    gallery_labels: Any = None,
    k: Iterable[int] = (1, 5, 10),
    metric: str = "cosine",
    subsets: Any = None,
    depth: int | None = None,
    no_relevant: str = "exclude",
    bootstrap: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
) -> Retrieval:
    """Evaluates embeddings by exact kNN, as ``verdict retrieval`` does: each query's relevant
    items are the gallery items with its label; without a gallery, leave-one-out among the queries
    (pytorch-metric-learning's convention). ``metric`` is the similarity: ``cosine``, ``dot`` or
    ``l2``. ``subsets`` (one value per query) adds a summary per subset. ``no_relevant``: queries
    with no relevant item are left out (``exclude``) or scored 0 (``zero``)."""
    ks = [_count(x, "k") for x in k]
    # Labels are columns read as a labels file's (the core names each value and refuses a null);
    # the gallery's labels column has the queries' name, as one --label-col serves both files.
    query_columns = [("labels", _convert.column(labels, "labels"))]
    if subsets is not None:
        query_columns.append(("subsets", _convert.column(subsets, "subsets")))
    report = _native.retrieval(
        _convert.matrix(query, "query"),
        query_columns,
        gallery=None if gallery is None else _convert.matrix(gallery, "gallery"),
        gallery_labels=None if gallery_labels is None else [("labels", _convert.column(gallery_labels, "gallery_labels"))],
        k=ks,
        similarity=metric,
        depth=None if depth is None else _count(depth, "depth"),
        no_relevant=no_relevant,
        bootstrap=_count(bootstrap, "bootstrap"),
        seed=_count(seed, "seed"),
        ci=float(ci),
    )
    return Retrieval(report)


def ensemble(
    y_true: Any,
    members: Mapping[str, Any],
    *,
    val: tuple[Any, Mapping[str, Any]] | None = None,
    classes: Sequence[Any] | None = None,
    ids: Any = None,
    voting: str = "soft",
    weights: Sequence[Mapping[str, float] | Sequence[float]] = (),
    optimize: str | None = None,
    rounds: int = 50,
    select_metric: str = "log_loss",
    allow_test_fit: bool = False,
    weight_resamples: int = 200,
    weight_ci: float = 0.9,
    threshold: float = 0.5,
    bootstrap: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
    pos_label: Any = None,
    normalize: bool = False,
    metric: str | None = None,
    alpha: float = 0.05,
    label_review: bool | str = False,
    in_sample: bool = False,
) -> Ensemble:
    """Combines members' predictions of one eval set, as ``verdict ensemble`` does: weighted
    soft voting (scikit-learn's ``VotingClassifier``), hard voting or rank averaging; each given
    weighting (a dict member → weight, or a list in member order) is compared with the first
    with paired tests. ``optimize="caruana"`` or ``"logloss"`` learns the weights on
    ``val=(y_val, {member: predictions})`` (on the test data only with ``allow_test_fit``, then
    flagged as optimistic). ``label_review=True`` (or a member's name) runs the label review."""
    names = list(members)
    given = []
    for i, w in enumerate(weights):
        if isinstance(w, Mapping):
            missing = [n for n in names if n not in w]
            extra = [n for n in w if n not in names]
            if missing or extra:
                raise ValueError(
                    f"weights[{i}]: "
                    + (f"no weight for {missing}" if missing else f"unknown members {extra}")
                )
            given.append([float(w[n]) for n in names])
        else:
            given.append([float(x) for x in w])
    val_models = []
    if val is not None:
        y_val, val_members = val
        if list(val_members) != names:
            raise ValueError(f"val: members must be the same, in the same order: {names}")
        val_models = _models(y_val, val_members, classes, None, None, "val")
    review = None
    if label_review is True:
        review = "ensemble"
    elif isinstance(label_review, str):
        review = label_review
    report = _native.ensemble(
        _models(y_true, members, classes, None, ids, "ensemble"),
        val_models,
        _settings(threshold, bootstrap, ci, seed),
        positive=_pos_label(pos_label),
        normalize=bool(normalize),
        voting=voting,
        weights=given,
        optimize=optimize,
        rounds=_count(rounds, "rounds"),
        select_metric=select_metric,
        allow_test_fit=bool(allow_test_fit),
        stability=_count(weight_resamples, "weight_resamples"),
        stability_level=float(weight_ci),
        metric=metric,
        alpha=float(alpha),
        label_review=review,
        in_sample=bool(in_sample),
    )
    return Ensemble(report)


@dataclass(frozen=True)
class Decision:
    """What the rules say after one evaluation.

    ``action`` is ``continue`` when nothing fired, else the strongest action that fired
    (``stop`` / ``rollback`` over ``reduce_lr`` over ``alert``); ``reason`` its code
    (``patience_exhausted``, ``threshold_above``, …) and ``summary`` the rule's one-line
    explanation. ``best_step``/``best_value`` are the run's best evaluation so far by the
    best-step metric (``best_by``, default the first rule's monitor; the ``verdict.best_step``
    tag of the ledger); ``rollback_step`` is where a ``rollback`` goes back to (the firing rule's
    own best). ``lr`` is the learning rate a ``plateau`` rule holds now. ``fired`` lists every
    decision of this update, each with its rule's own ``best_step``."""

    action: str
    reason: str | None = None
    rule: str | None = None
    summary: str | None = None
    step: int | None = None
    best_step: int | None = None
    best_value: float | None = None
    lr: float | None = None
    rollback_step: int | None = None
    fired: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def should_stop(self) -> bool:
        """True for ``stop`` and ``rollback``."""
        return self.action in ("stop", "rollback")


_STRENGTH = {"stop": 3, "rollback": 3, "reduce_lr": 2, "alert": 1}


class Monitor:
    """The rules of ``verdict rules`` in a training loop.

    ``rules`` is a ``rules.toml`` path or a dict of the same shape (``{"rule": [{"kind":
    "early_stopping", "monitor": "val_loss", "patience": 3}]}``); both meet the same parser and
    are refused with the same messages. Call :meth:`update` once per evaluation::

        monitor = verdict.Monitor("rules.toml")
        for epoch in range(100):
            ...
            d = monitor.update(epoch, val_loss=val_loss, val_acc=acc)
            if d.action == "reduce_lr":
                set_lr(d.lr)
            if d.should_stop:
                break
    """

    def __init__(self, rules: str | os.PathLike[str] | Mapping[str, Any]) -> None:
        if isinstance(rules, Mapping):
            text, name = _rules.to_toml(rules), _rules.DICT_NAME
        elif isinstance(rules, (str, os.PathLike)):
            path = Path(rules)
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise FileNotFoundError(f"{path}: file not found") from None
            name = str(path)
        else:
            raise TypeError(f"rules: expected a path or a dict, got {type(rules).__name__}")
        self._engine = _native.Monitor(text, name)

    @property
    def rules(self) -> list[str]:
        """The rules' names, in order (the implicit ``non_finite`` rule last, when on)."""
        return self._engine.rules()

    def update(self, step: int, /, **metrics: float) -> Decision:
        """One evaluation: the metrics logged at ``step`` (any order; NaN and ±inf are judged by
        the ``non_finite`` rule). Returns the :class:`Decision`."""
        values = []
        for k, v in metrics.items():
            try:
                values.append((k, float(v)))
            except (TypeError, ValueError):
                raise TypeError(f"update: {k}= must be a number, got {type(v).__name__}") from None
        fired = tuple(self._engine.update(int(step), values))
        best = self._engine.best()
        best_step, best_value = (best if best is not None else (None, None))
        lr = self._engine.lr()
        if not fired:
            return Decision(action="continue", best_step=best_step, best_value=best_value, lr=lr)
        top = max(fired, key=lambda d: _STRENGTH.get(d["action"], 0))
        return Decision(
            action=top["action"],
            reason=top["reason"],
            rule=top["rule"],
            summary=top["summary"],
            step=top["step"],
            best_step=best_step,
            best_value=best_value,
            lr=top["lr"] if top["lr"] is not None else lr,
            rollback_step=top["best_step"] if top["action"] == "rollback" else None,
            fired=fired,
        )

    @property
    def best(self) -> tuple[int, float] | None:
        """The best evaluation of the best-step metric so far: ``(step, value)``."""
        return self._engine.best()

    @property
    def lr(self) -> float | None:
        """The learning rate a ``plateau`` rule holds now."""
        return self._engine.lr()

    @property
    def ended(self) -> tuple[str, int, str] | None:
        """The first decision that ended training: ``(action, step, rule)``."""
        return self._engine.ended()

    def rule_wait(self, i: int = 0) -> int | None:
        """Rule ``i``'s wait counter (Keras' ``wait``, PyTorch's ``num_bad_epochs``)."""
        return self._engine.rule_wait(i)

    def rule_best(self, i: int = 0) -> tuple[int, float] | None:
        """Rule ``i``'s best evaluation: ``(step, value)``."""
        return self._engine.rule_best(i)

    def save(self) -> str:
        """The engine's whole state as text (to resume after a restart)."""
        return self._engine.save()

    def restore(self, state: str) -> None:
        """Restores a state :meth:`save` wrote for the same rules."""
        self._engine.restore(state)


class Ledger:
    """The local ledger (``verdict.db`` by default, or a ``postgresql://`` URL), for what the
    MLflow client cannot log: an evaluation stored into a run as ``verdict eval --run`` stores it
    (metrics with their intervals, the JSON and HTML reports, the eval set's fingerprint, and the
    predictions when the evaluation kept them). Log training itself with the ``mlflow`` client."""

    def __init__(self, url: str = "verdict.db", artifacts: str | os.PathLike[str] = "verdict-artifacts") -> None:
        self.url = str(url)
        self.artifacts = Path(artifacts)

    def log_evaluation(
        self,
        run_id: str,
        evaluation: Evaluation,
        name: str = "test",
        *,
        step: int = 0,
        source: str = _convert.ARRAYS,
        lang: str = "en",
    ) -> str:
        """Stores ``evaluation`` into run ``run_id`` under ``name``; returns what was stored, as
        the CLI says it. Refused when the run already holds an evaluation of this name on another
        eval set."""
        if not isinstance(evaluation, Evaluation):
            raise TypeError(f"log_evaluation takes a verdict.Evaluation, got {type(evaluation).__name__}")
        import warnings

        if not evaluation._report.has_predictions():
            warnings.warn(
                "the evaluation kept no predictions (verdict.evaluate(..., keep_predictions=True) "
                "keeps them): its results are stored, but verdict runs compare cannot pair this run",
                stacklevel=2,
            )
        stored, mismatch = _native.log_evaluation(
            self.url,
            self.artifacts,
            run_id,
            evaluation._report,
            name=name,
            source=source,
            step=int(step),
            lang=lang,
        )
        if mismatch is not None:
            warnings.warn(
                f"run {run_id} recorded its test split as {mismatch}, but this evaluation is on "
                f"another eval set ({evaluation.fingerprint})",
                stacklevel=2,
            )
        return stored
