"""A rules dict written out as the text of a ``rules.toml`` file.

Why not parse the dict directly: one parser (the Rust one of ``verdict rules``) checks every key,
type and range, so a dict and a file are refused with the same messages (naming the dotted key,
e.g. ``rule[0].patince``). The dict has the file's shape::

    {"best_by": "val_r1",
     "rule": [{"kind": "threshold", "monitor": "val_loss", "above": 0.12}],
     "non_finite": {"enabled": True}}
"""

from __future__ import annotations

import math
from typing import Any, Mapping

#: How errors name rules given as a dict (a file is named by its path).
DICT_NAME = "<rules dict>"


def _key(k: Any) -> str:
    if not isinstance(k, str):
        raise TypeError(f"rules: keys must be str, got {k!r}")
    if k and all(c.isalnum() or c in "_-" for c in k):
        return k
    return _string(k)


def _string(s: str) -> str:
    out = ['"']
    for c in s:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _value(v: Any, where: str) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x, where) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {_value(x, where)}" for k, x in v.items()) + "}"
    raise TypeError(f"rules: {where}: expected a str, number, bool, list or dict, got {type(v).__name__}")


def _table(path: str, d: Mapping[str, Any], out: list[str]) -> None:
    for k, v in d.items():
        if v is None:
            continue  # an absent key: the default applies
        out.append(f"{_key(k)} = {_value(v, f'{path}{k}')}")


def to_toml(rules: Mapping[str, Any]) -> str:
    """The TOML text of a rules dict: top-level keys, then each sub-table, then ``[[rule]]``
    entries, in the dict's order. ``None`` values are left out (the default applies)."""
    if not isinstance(rules, Mapping):
        raise TypeError(f"rules: expected a dict or a path, got {type(rules).__name__}")
    out: list[str] = []
    scalars = {k: v for k, v in rules.items() if not isinstance(v, Mapping) and not _is_tables(v)}
    _table("", scalars, out)
    for k, v in rules.items():
        if isinstance(v, Mapping):
            out.append("")
            out.append(f"[{_key(k)}]")
            _table(f"{k}.", v, out)
    for k, v in rules.items():
        if _is_tables(v):
            for i, entry in enumerate(v):
                out.append("")
                out.append(f"[[{_key(k)}]]")
                _table(f"{k}[{i}].", entry, out)
    return "\n".join(out) + "\n"


def _is_tables(v: Any) -> bool:
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(x, Mapping) for x in v)
