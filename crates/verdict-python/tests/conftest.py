"""What the tests share: the repository's fixture directories and the `verdict` binary.

The suite runs against the *installed* package (the wheel `scripts/python_tests.sh` builds and
installs into a fresh venv), never against the source tree, so it tests what users get.
`VERDICT_BIN` names the CLI whose JSON the package must reproduce; the test command sets it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PARITY = REPO / "crates/verdict/tests/fixtures/parity"
COMPARE = REPO / "crates/verdict/tests/fixtures/compare"
RETRIEVAL = REPO / "crates/verdict/tests/fixtures/retrieval"
RULES = REPO / "crates/verdict-core/tests/fixtures/rules/parity.json"
ENSEMBLE = REPO / "crates/verdict-core/tests/fixtures/ensemble"


def verdict_bin() -> Path:
    b = os.environ.get("VERDICT_BIN")
    path = Path(b) if b else REPO / "target/debug/verdict"
    if not path.exists():
        raise RuntimeError(f"the verdict binary {path} does not exist: build it (cargo build) or set VERDICT_BIN")
    return path


def run_cli(*args: str, cwd: Path | None = None) -> dict:
    """`verdict ARGS… --format json`, parsed; a failure shows the CLI's stderr."""
    p = subprocess.run(
        [str(verdict_bin()), *args, "--format", "json"],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if p.returncode != 0:
        raise AssertionError(f"verdict {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return json.loads(p.stdout)


def close(expected, actual, path: str = "", tol: float = 1e-9, relative: bool = False) -> list[str]:
    """The fixtures' rule (crates/verdict/tests/fixtures/parity/README.md): every key of
    `expected` exists in `actual`; numbers within `tol` (absolute, or relative to
    max(1, |expected|)); `None` only equals `None`; arrays element-wise; everything else equal.
    Returns the differences (empty when they agree)."""
    bad: list[str] = []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        for k, v in expected.items():
            if k not in actual:
                bad.append(f"{path}.{k}: missing")
            else:
                bad.extend(close(v, actual[k], f"{path}.{k}", tol, relative))
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} items, got {actual!r:.200}"]
        for i, (e, a) in enumerate(zip(expected, actual)):
            bad.extend(close(e, a, f"{path}[{i}]", tol, relative))
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        if expected != actual:
            bad.append(f"{path}: expected {expected!r}, got {actual!r}")
    elif isinstance(expected, (int, float)):
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            bad.append(f"{path}: expected {expected!r}, got {actual!r}")
        else:
            scale = max(1.0, abs(expected)) if relative else 1.0
            if abs(expected - actual) > tol * scale:
                bad.append(f"{path}: expected {expected!r}, got {actual!r}")
    return bad


def absent(doc: dict, dotted: str) -> bool:
    """True when the dotted path (integer segments index arrays) is missing or null."""
    cur = doc
    for seg in dotted.split("."):
        if isinstance(cur, list) and seg.isdigit():
            i = int(seg)
            if i >= len(cur):
                return True
            cur = cur[i]
        elif isinstance(cur, dict):
            if seg not in cur:
                return True
            cur = cur[seg]
        else:
            return True
    return cur is None


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(0)
