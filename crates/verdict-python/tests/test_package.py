"""The package as an editor and a training loop see it: the type stubs of the native module name
exactly what it exports, the public functions carry signatures and docstrings, the frameworks
are not imported by `import verdict`, and the native work releases the GIL."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np

import verdict
from verdict import _native


def test_the_stub_names_what_the_native_module_exports():
    stub = Path(_native.__file__).with_name("_native.pyi")
    assert stub.exists(), "the wheel ships verdict/_native.pyi"
    tree = ast.parse(stub.read_text())
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    stubbed |= {t.target.id for t in tree.body if isinstance(t, ast.AnnAssign)}
    exported = {n for n in dir(_native) if not n.startswith("_")} | {"__version__"}
    assert stubbed == exported
    assert (Path(verdict.__file__).parent / "py.typed").exists()


def test_public_functions_have_signatures_and_docs():
    for name in ("evaluate", "compare", "retrieval", "ensemble"):
        f = getattr(verdict, name)
        sig = inspect.signature(f)
        assert all(p.annotation is not inspect.Parameter.empty for p in sig.parameters.values()), name
        assert f.__doc__ and len(f.__doc__) > 200, name
    sig = inspect.signature(verdict.evaluate)
    # scikit-learn's names, keyword-only after the first two.
    assert list(sig.parameters)[:2] == ["y_true", "y_score"]
    assert all(sig.parameters[p].kind is inspect.Parameter.KEYWORD_ONLY
               for p in ("y_prob", "y_pred", "classes", "groups", "ids", "threshold", "bootstrap", "ci", "seed"))
    assert sig.parameters["bootstrap"].default == 1000 and sig.parameters["ci"].default == 0.95
    for cls in (verdict.Monitor, verdict.Ledger, verdict.Evaluation, verdict.Decision):
        assert cls.__doc__, cls


def test_signature_defaults_are_the_clis():
    """The defaults the signatures restate (so editors show them) are the core's one statement
    of them, `verdict_app::eval::Settings::default()`, which the CLI's flags also take."""
    want = _native.defaults()
    for name in ("evaluate", "compare", "ensemble", "retrieval"):
        params = inspect.signature(getattr(verdict, name)).parameters
        shared = [k for k in want if k in params]
        assert {"bootstrap", "seed", "ci"} <= set(shared), name
        for k in shared:
            assert params[k].default == want[k], (name, k)


def test_import_verdict_imports_no_framework():
    code = "import sys, verdict; print(sorted(m for m in ('keras', 'jax', 'torch', 'lightning', 'pandas', 'polars') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_work_runs_without_the_gil():
    """While one thread evaluates 2,000,000 rows, another keeps running Python: the native call
    holds no GIL (a call holding it would leave the other thread no turn until it returned)."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 2_000_000)
    s = rng.random(2_000_000)
    started, done = threading.Event(), threading.Event()

    def work():
        started.set()
        verdict.evaluate(y, s, bootstrap=20)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    started.wait()
    turns = 0
    while not done.is_set():
        turns += 1
    t.join()
    assert turns > 10_000, turns
