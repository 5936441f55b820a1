#!/usr/bin/env bash
# The real-client compatibility check of `verdict server` on both backends, as CI runs it
# (scripts/test.sh): python/mlflow_workload.py with the pinned mlflow-skinny client (a venv created
# from PyPI by scripts/mlflow_compat.sh) against
#   1. verdict server on SQLite, with --auth-token (so the auth step runs too),
#   2. verdict server on PostgreSQL (a fresh database on the server at VERDICT_TEST_PG_URL), likewise.
#
#     bash scripts/pg.sh bash scripts/mlflow_compat_all.sh [VERDICT_BINARY]
#
# Without VERDICT_TEST_PG_URL the PostgreSQL half fails (run it inside scripts/pg.sh), unless
# VERDICT_TEST_PG_OPTIONAL=1 says skipping it is fine — the same rule as the store conformance suite.
# VERDICT_BINARY defaults to target/debug/verdict, built here with `cargo build -p verdict --locked`.
# The client venv is $MLFLOW_CLIENT_VENV (default .venv-mlflow, the one venv of the pinned MLflow
# client stack that scripts/test.sh and bench/mlflow_bench.sh use too).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export MLFLOW_CLIENT_VENV="${MLFLOW_CLIENT_VENV:-$ROOT/.venv-mlflow}"

# scripts/mlflow_lib.sh waits for the server with curl; a bare Debian image may lack it.
# shellcheck source=scripts/mlflow_lib.sh
source "$ROOT/scripts/mlflow_lib.sh"
ensure_curl

BIN="${1:-}"
if [[ -z "$BIN" ]]; then
  cargo build -p verdict --locked --quiet
  BIN="$ROOT/target/debug/verdict"
fi
TOKEN="ci-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
status=0

echo "== MLflow workload: verdict server on SQLite (--auth-token)"
bash scripts/mlflow_compat.sh --token "$TOKEN" -- "$BIN" server --auth-token "$TOKEN" \
  --store 'sqlite:///{tmp}/verdict.db' --artifacts '{tmp}/artifacts' --host 127.0.0.1 --port '{port}' \
  | grep -v '^🏃\|^🧪' || status=1

pg_half_or_exit "$status"
# a fresh database for the workload, dropped afterwards
db="verdict_compat_$$"
base="${VERDICT_TEST_PG_URL%/*}"
psql_bin="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)"
"$psql_bin" -q "$VERDICT_TEST_PG_URL" -c "CREATE DATABASE $db"
trap '"$psql_bin" -q "$VERDICT_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
echo "== MLflow workload: verdict server on PostgreSQL (--auth-token)"
bash scripts/mlflow_compat.sh --token "$TOKEN" -- "$BIN" server --auth-token "$TOKEN" \
  --store "$base/$db" --artifacts '{tmp}/artifacts' --host 127.0.0.1 --port '{port}' \
  | grep -v '^🏃\|^🧪' || status=1
exit $status
