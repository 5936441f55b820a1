"""Assertions and the step runner of the real-client scripts (python/mlflow_workload.py,
python/check_experiment_e2e.py), so both report alike and CI reads them alike.

A script decorates its steps with `@step` (run in definition order) and ends with
`sys.exit(run_steps(...))`. Each step prints `ok <name>`, `FAIL <name>: <reason>` (it raised;
the run goes on) or `skip <name>: <reason>` (it returned `("skip", reason)`), then a closing
line `N passed, M failed[, K skipped]`; `run_steps` returns 1 if any step failed, else 0.
"""

import os
import time
import traceback

STEPS = []


def client_env(token):
    """The MLflow client's environment; call it before mlflow is used. The bearer token the server
    requires (none: no token), no retries (fail fast, never hide a 5xx), a 30 s timeout."""
    if token:
        os.environ["MLFLOW_TRACKING_TOKEN"] = token
    else:
        os.environ.pop("MLFLOW_TRACKING_TOKEN", None)
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")


def step(fn):
    """Registers fn as the next step."""
    STEPS.append(fn)
    return fn


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def eq(got, want, what):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def run_steps(only="", verbose=False, after=None, trailer=""):
    """Runs the steps whose name contains one of the comma-separated words of `only` (all when
    empty); `after()` runs once they are done; with `verbose`, tracebacks, step timings and a last
    `# <seconds>s, <trailer>` line are printed."""
    words = [w for w in (only or "").split(",") if w]
    passed = failed = skipped = 0
    t_all = time.perf_counter()
    for fn in STEPS:
        name = fn.__name__
        if words and not any(w in name for w in words):
            continue
        t0 = time.perf_counter()
        try:
            res = fn()
        except Exception as e:  # noqa: BLE001 -- every failure is reported, the run goes on
            failed += 1
            msg = f"{type(e).__name__}: {e}".replace("\n", " ")
            print(f"FAIL {name}: {msg[:600]}", flush=True)
            if verbose:
                traceback.print_exc()
            continue
        if isinstance(res, tuple) and res[0] == "skip":
            skipped += 1
            print(f"skip {name}: {res[1]}", flush=True)
        else:
            passed += 1
            print(f"ok {name}" + (f" ({time.perf_counter() - t0:.2f}s)" if verbose else ""), flush=True)
    if after:
        after()
    if verbose:
        print(f"# {time.perf_counter() - t_all:.1f}s, {trailer}", flush=True)
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""), flush=True)
    return 1 if failed else 0
