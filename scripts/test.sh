#!/usr/bin/env bash
# The test command (README.md). Installs what the tests need, then runs them:
#  1. a Python venv with the pinned reference stack (python/requirements.txt) from PyPI;
#  2. regenerates the scikit-learn parity fixtures (and the ensemble's, and, in a venv with
#     cleanlab 2.9, the label review's) and checks they equal the committed ones (numbers to 1e-9
#     relative, python/fixtures_match.py), so every expected value in the tests provably comes
#     from the reference library;
#  3. one venv with the pinned MLflow client stack (python/requirements-mlflow.txt: mlflow-skinny +
#     pandas) regenerates the store's search fixtures from MLflow's own search code and writes a
#     fresh MLflow FileStore for the `verdict import mlruns` test;
#  4. the whole Rust test suite with cargo-nextest (cargo test when nextest is missing), inside
#     scripts/pg.sh, which installs (if needed) and starts a throwaway PostgreSQL server and sets
#     VERDICT_TEST_PG_URL, so the store conformance suite runs on PostgreSQL as well as SQLite;
#  5. the real MLflow client (the same venv) runs
#     python/mlflow_workload.py against `verdict server` on SQLite and on PostgreSQL, with auth
#     (scripts/mlflow_compat_all.sh inside scripts/pg.sh);
#  6. `verdict check --experiment` end to end: the same client logs seed 001's curves to
#     `verdict server`, `verdict eval --run` stores evaluations on two eval sets, and the check's
#     JSON is asserted, and `verdict splits check --run`'s dataset inputs are read back by the client,
#     on SQLite and PostgreSQL (scripts/check_experiment_e2e.sh inside scripts/pg.sh);
#  7. the live training rules end to end: the same client, a server restart, 8 concurrent runs, on
#     SQLite and PostgreSQL (scripts/rules_e2e.sh inside scripts/pg.sh);
#  8. the Python package (scripts/python_tests.sh): `pip install ./crates/verdict-python` into a fresh
#     venv (maturin from PyPI) and an import, then the pytest suite against the installed wheel
#     (parity fixtures, input types, messages, the CLI's JSON, Monitor's traces, a real Keras fit);
#  9. the web UI in a real headless Chromium (Debian's chromium and chromium-driver, installed when
#     missing; selenium in the venv of python/requirements-ui.txt): the same client and the verdict
#     CLI fill `verdict server` on SQLite, and every /ui page is opened in English and Korean and
#     checked as a person sees it, screenshots in target/ui-screens (scripts/ui_e2e.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# Every venv below is created (or refreshed) by one rule, scripts/mlflow_lib.sh's ensure_venv: from
# PyPI, unless every `name==version` pin of its requirements file is already installed.
# shellcheck source=scripts/mlflow_lib.sh
source scripts/mlflow_lib.sh
VENV="${VERDICT_VENV:-.venv}"
ensure_venv "$VENV" python/requirements.txt scikit-learn
export VERDICT_PYTHON="$PWD/$VENV/bin/python"

echo "== regenerating the reference fixtures and comparing with the committed ones"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Regenerated fixtures must equal the committed ones: text outside numbers exactly, numbers to
# 1e-9 relative (python/fixtures_match.py says why not byte for byte: model fits differ in the
# last bits between CPUs' BLAS kernels).
check_fixtures() { # generator, committed directory, extra generator flags…
  local py="${FIXTURE_PYTHON:-$VERDICT_PYTHON}"
  "$py" "$1" --out "$tmp/$(basename "$2")" "${@:3}" >/dev/null
  if ! "$VERDICT_PYTHON" python/fixtures_match.py "$tmp/$(basename "$2")" "$2" > "$tmp/match.log"; then
    cat "$tmp/match.log"
    echo "error: committed fixtures in $2 differ from what $1 produces" >&2
    exit 1
  fi
  echo "$2: reproduced by $1 ($(tail -1 "$tmp/match.log"))"
}
check_fixtures python/make_parity_fixtures.py crates/verdict/tests/fixtures/parity
check_fixtures python/make_compare_fixtures.py crates/verdict/tests/fixtures/compare --no-examples
check_fixtures python/make_splits_fixtures.py crates/verdict-core/tests/fixtures/splits
check_fixtures python/make_ensemble_fixtures.py crates/verdict-core/tests/fixtures/ensemble
# cleanlab's confident learning (label review) in a venv of its own (python/requirements-label-review.txt).
LABEL_VENV="${VERDICT_LABEL_VENV:-.venv-cleanlab}"
ensure_venv "$LABEL_VENV" python/requirements-label-review.txt cleanlab
FIXTURE_PYTHON="$PWD/$LABEL_VENV/bin/python" check_fixtures python/make_label_review_fixtures.py \
  crates/verdict-core/tests/fixtures/label_review
# The ledger's number format, from Python's printf (one file).
mkdir -p "$tmp/ledger"
"$VERDICT_PYTHON" python/make_ledger_number_fixture.py --out "$tmp/ledger/metric_text.json" >/dev/null
"$VERDICT_PYTHON" python/fixtures_match.py "$tmp/ledger" crates/verdict/tests/fixtures/ledger > "$tmp/match.log" \
  || { cat "$tmp/match.log"; echo "error: crates/verdict/tests/fixtures/ledger differs from python/make_ledger_number_fixture.py" >&2; exit 1; }
echo "crates/verdict/tests/fixtures/ledger: reproduced by python/make_ledger_number_fixture.py"

# One venv holds the pinned MLflow client for everything below (search fixtures, the FileStore
# written for the import test, the real-client workload).
MLFLOW_VENV="${VERDICT_MLFLOW_VENV:-.venv-mlflow}"
ensure_venv "$MLFLOW_VENV" python/requirements-mlflow.txt mlflow-skinny
export MLFLOW_CLIENT_VENV="$(cd "$MLFLOW_VENV" && pwd)"
FIXTURE_PYTHON="$(cd "$MLFLOW_VENV" && pwd)/bin/python" \
  check_fixtures python/make_store_filter_fixtures.py crates/verdict-store/tests/fixtures

# The importer's fixture (`verdict import mlruns`) has random ids and clock times, so it cannot be
# reproduced byte for byte; instead the pinned client writes a fresh FileStore and the import test
# checks the importer against it too (VERDICT_MLRUNS_FRESH), besides the committed copy.
"$MLFLOW_VENV/bin/python" python/make_mlruns_fixture.py "$tmp/mlruns-fresh" >/dev/null 2>&1
export VERDICT_MLRUNS_FRESH="$tmp/mlruns-fresh"
echo "$VERDICT_MLRUNS_FRESH: a FileStore just written by mlflow-skinny for the import test"

echo "== cargo tests (with a throwaway PostgreSQL server for the store conformance suite)"
if cargo nextest --version >/dev/null 2>&1; then
  bash scripts/pg.sh cargo nextest run --workspace --locked --no-fail-fast
else
  bash scripts/pg.sh cargo test --workspace --locked --no-fail-fast
fi

echo "== the real MLflow client against verdict server (SQLite and PostgreSQL)"
bash scripts/pg.sh bash scripts/mlflow_compat_all.sh

echo "== verdict check --experiment end to end (runs logged by the real MLflow client; SQLite and PostgreSQL)"
bash scripts/pg.sh bash scripts/check_experiment_e2e.sh

echo "== live training rules end to end (the real MLflow client, a server restart, 8 concurrent runs; SQLite and PostgreSQL)"
bash scripts/pg.sh bash scripts/rules_e2e.sh

echo "== the Python package: a fresh venv's pip install, then the pytest suite"
bash scripts/python_tests.sh

echo "== the web UI in a real headless Chromium (SQLite)"
bash scripts/ui_e2e.sh
