#!/usr/bin/env bash
# The Python package vs scikit-learn in one Python process (BENCHMARKS.md, "The Python package"):
# builds the wheel from this checkout (`pip wheel ./crates/verdict-python`, a release build),
# installs it into a venv with the pinned reference stack of python/requirements.txt
# ($VERDICT_BENCH_PY_VENV, default .venv-bench-python), makes bench-data/ with bench/make_data.py if
# missing, and runs bench/python_eval.py, which prints the figures as JSON.
#
#     bash bench/python_eval.sh              # REPS=3 by default
#     REPS=1 bash bench/python_eval.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/mlflow_lib.sh
source "$ROOT/scripts/mlflow_lib.sh"
VENV="${VERDICT_BENCH_PY_VENV:-$ROOT/.venv-bench-python}"
ensure_venv "$VENV" python/requirements.txt scikit-learn
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$VENV/bin/pip" wheel --quiet --disable-pip-version-check --no-deps -w "$tmp" ./crates/verdict-python
"$VENV/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$tmp"/verdict-*.whl
"$VENV/bin/python" bench/make_data.py --out "$ROOT/bench-data" >&2
echo "== $(nproc) cores; verdict $(git rev-parse --short HEAD)" >&2
"$VENV/bin/python" bench/python_eval.py --reps "${REPS:-3}" --data "$ROOT/bench-data"
