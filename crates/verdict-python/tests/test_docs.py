"""Every Python snippet of README.md and docs/python.md runs, as written, against the installed
package (each ```python block, in a fresh namespace, in a scratch directory that links the
repository's `examples/`, so a snippet that writes `verdict.db` writes it there)."""

from __future__ import annotations

import contextlib
import io
import os
import re

import pytest

from conftest import REPO

DOCS = ["README.md", "docs/python.md"]


def blocks(doc: str) -> list[tuple[int, str]]:
    text = (REPO / doc).read_text(encoding="utf-8")
    out = []
    for m in re.finditer(r"^```python\n(.*?)^```", text, flags=re.M | re.S):
        out.append((text[: m.start()].count("\n") + 1, m.group(1)))
    return out


CASES = [(doc, line, code) for doc in DOCS for line, code in blocks(doc)]


def test_the_docs_have_snippets():
    assert {doc for doc, _, _ in CASES} == set(DOCS)
    assert len(CASES) >= 8


@pytest.mark.parametrize("doc, line, code", CASES, ids=[f"{d}:{n}" for d, n, _ in CASES])
def test_snippet_runs(doc, line, code, tmp_path, monkeypatch):
    (tmp_path / "examples").symlink_to(REPO / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KERAS_BACKEND", os.environ.get("KERAS_BACKEND", "jax"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"{doc}:{line}", "exec"), {"__name__": "__snippet__"})
    printed = out.getvalue()
    if doc == "README.md":
        # What the README's comments say the snippet prints.
        assert "Metric(value=0.660625" in printed
        assert "finetuned − baseline: ROC AUC +0.0741" in printed
        assert "no significant difference at α = 0.05" in printed
        assert printed.rstrip().endswith("continue")
