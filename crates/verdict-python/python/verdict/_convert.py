"""Arguments to columns: what the native module takes (``verdict._native``'s conventions).

Why here and not in Rust: the shapes Python users hand over (NumPy arrays of any dtype, lists,
pandas Series and DataFrames, polars Series) are turned into four forms only, so the native side
reads one of a ``float64``, ``int64`` or ``bool`` 1-D array (in place when contiguous) or a list of
``str | None``. Every rule that changes a number (classes, probabilities, thresholds) stays in the
Rust core; this module only moves data and names it after the argument it came from.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

#: The table name every message of a single evaluation starts with (as ``<stdin>`` for the CLI).
ARRAYS = "<arrays>"


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    # pandas.NA / NaT without importing pandas.
    return type(v).__name__ in ("NAType", "NaTType")


def to_numpy(x: Any, name: str) -> np.ndarray:
    """Any array-like (NumPy, list, pandas Series/Index/DataFrame, polars Series/DataFrame) as a
    NumPy array, without a copy where the source allows."""
    if isinstance(x, np.ndarray):
        return x
    to_np = getattr(x, "to_numpy", None)  # pandas, polars
    if callable(to_np):
        return np.asarray(to_np())
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
        raise TypeError(f"{name}: expected an array-like of values, got {type(x).__name__}")
    return np.asarray(x)


def text(v: Any) -> str:
    """A label as the core names classes: ints as ints, integral floats as ints, bools as
    ``True``/``False`` (as pandas writes them), text as it is."""
    if isinstance(v, (bool, np.bool_)):
        return "True" if v else "False"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if f.is_integer():
            return str(int(f))
        return repr(f)
    return str(v)


def column(x: Any, name: str) -> Any:
    """One 1-D column in the native module's forms."""
    a = to_numpy(x, name)
    if a.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array, got shape {a.shape}")
    kind = a.dtype.kind
    if kind == "f":
        return np.ascontiguousarray(a, dtype=np.float64)
    if kind in "iu":
        if kind == "u" and a.size and a.max() > np.iinfo(np.int64).max:
            raise ValueError(f"{name}: values above {np.iinfo(np.int64).max} do not fit in int64")
        return np.ascontiguousarray(a, dtype=np.int64)
    if kind == "b":
        return np.ascontiguousarray(a, dtype=np.bool_)
    if kind in "USO":
        return [None if _is_missing(v) else text(v) for v in a.tolist()]
    raise TypeError(f"{name}: unsupported dtype {a.dtype} (expected numbers, booleans or text)")


def matrix(x: Any, name: str) -> np.ndarray:
    """A 2-D float32/float64 array (embeddings, probabilities), C-contiguous."""
    a = to_numpy(x, name)
    if a.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array (rows × columns), got shape {a.shape}")
    if a.dtype == np.float32 or a.dtype == np.float64:
        return np.ascontiguousarray(a)
    if a.dtype.kind in "iub" or a.dtype.kind == "f":
        return np.ascontiguousarray(a, dtype=np.float64)
    raise TypeError(f"{name}: expected numbers, got dtype {a.dtype}")


def class_names(y_true: Any, columns: Any, k: int, classes: Sequence[Any] | None, name: str) -> list[str]:
    """The classes of a probability matrix's columns: ``classes`` if given, a DataFrame's column
    names, else the sorted distinct labels of ``y_true`` (scikit-learn's ``np.unique(y_true)``),
    which must then be as many as the columns."""
    if classes is not None:
        names = [text(c) for c in classes]
    elif columns is not None:
        names = [text(c) for c in columns]
    else:
        a = to_numpy(y_true, "y_true")
        present = [v for v in a.tolist() if not _is_missing(v)]
        try:
            distinct = sorted(set(present))
        except TypeError:
            distinct = sorted(set(present), key=text)
        names = [text(c) for c in distinct]
        if len(names) != k:
            raise ValueError(
                f"{name} has {k} columns, but y_true has {len(names)} distinct labels "
                f"({', '.join(names[:10])}); pass classes= to name the columns in order"
            )
    if len(names) != k:
        raise ValueError(f"{name} has {k} columns, but classes= names {len(names)}")
    if len(set(names)) != len(names):
        raise ValueError(f"classes= names a class twice: {names}")
    return names


def prediction_columns(
    y_true: Any,
    *,
    y_score: Any = None,
    y_prob: Any = None,
    y_pred: Any = None,
    y_logit: Any = None,
    classes: Sequence[Any] | None = None,
    groups: Any = None,
    ids: Any = None,
    prefix: str = "",
) -> list[tuple[str, Any]]:
    """The named columns of one model: ``y_true``, one of ``y_score`` (1-D; a 2-D ``y_score`` is
    taken as ``y_prob``, as scikit-learn's ``predict_proba`` output), ``y_prob`` (one column per
    class, named ``y_prob:<class>``), ``y_logit`` (the same, logits: the core applies the softmax)
    or ``y_pred``, and optional ``groups`` and ``ids``."""
    inputs = (("y_score", y_score), ("y_prob", y_prob), ("y_logit", y_logit), ("y_pred", y_pred))
    given = [n for n, v in inputs if v is not None]
    if len(given) != 1:
        raise ValueError(
            f"{prefix}give exactly one of y_score, y_prob, y_logit or y_pred"
            + (f" (got {', '.join(given)})" if given else "")
        )
    cols: list[tuple[str, Any]] = [("y_true", column(y_true, "y_true"))]
    if y_score is not None:
        s = to_numpy(y_score, "y_score")
        if s.ndim == 2:
            y_prob, y_score = y_score, None
        else:
            cols.append(("y_score", column(s, "y_score")))
    for arg, x in (("y_prob", y_prob), ("y_logit", y_logit)):
        if x is None:
            continue
        frame_columns = getattr(x, "columns", None)
        m = matrix(x, arg)
        names = class_names(y_true, frame_columns, m.shape[1], classes, arg)
        m64 = np.asarray(m, dtype=np.float64)
        cols.extend((f"{arg}:{c}", np.ascontiguousarray(m64[:, j])) for j, c in enumerate(names))
    if y_pred is not None:
        cols.append(("y_pred", column(y_pred, "y_pred")))
    if groups is not None:
        cols.append(("groups", column(groups, "groups")))
    if ids is not None:
        cols.append(("ids", column(ids, "ids")))
    return cols
