#!/usr/bin/env bash
# The Python package (crates/verdict-python, issue 18), from this checkout:
#  1. the README's command, `pip install ./crates/verdict-python`, in a fresh venv: pip builds the
#     wheel with maturin (the PEP 517 backend, fetched from PyPI into pip's isolated build env; a
#     release build of the crate), installs it with NumPy from PyPI, and the package is imported
#     and used;
#  2. the same wheel (`pip wheel`: cargo's target dir makes the second build a relink at most) into
#     the test venv of python/requirements-python.txt;
#  3. the pytest suite (crates/verdict-python/tests) against the installed package, with the CLI
#     built here as the reference its JSON must equal (VERDICT_BIN).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/mlflow_lib.sh
source scripts/mlflow_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== pip install ./crates/verdict-python into a fresh venv"
python3 -m venv "$tmp/fresh"
started=$(date +%s)
"$tmp/fresh/bin/pip" install --quiet --disable-pip-version-check ./crates/verdict-python
echo "built and installed in $(( $(date +%s) - started )) s"
(cd "$tmp" && "$tmp/fresh/bin/python" - <<'PY'
import verdict
e = verdict.evaluate([0, 1, 1, 0, 1, 0], [0.1, 0.8, 0.6, 0.4, 0.9, 0.3], bootstrap=0)
assert e.metrics["roc_auc"].value == 1.0, e.metrics
print(f"import verdict {verdict.__version__} from {verdict.__file__}: roc_auc {e.metrics['roc_auc'].value}")
PY
)

echo "== the wheel into the test venv"
"$tmp/fresh/bin/pip" wheel --quiet --disable-pip-version-check --no-deps -w "$tmp/wheel" ./crates/verdict-python
wheel=$(ls "$tmp"/wheel/verdict-*.whl)
echo "wheel: $(basename "$wheel") ($(du -h "$wheel" | cut -f1))"
PY_VENV="${VERDICT_PY_VENV:-.venv-python}"
ensure_venv "$PY_VENV" python/requirements-python.txt keras
"$PY_VENV/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"

echo "== pytest crates/verdict-python/tests"
cargo build --quiet --locked -p verdict
VERDICT_BIN="$PWD/target/debug/verdict" KERAS_BACKEND=jax \
  "$PY_VENV/bin/python" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning crates/verdict-python/tests
