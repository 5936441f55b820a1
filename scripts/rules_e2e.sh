#!/usr/bin/env bash
# Live training rules end to end (issue 15): python/rules_e2e.py starts `verdict server` itself
# (it restarts it mid-run), attaches seed 003's rules with `verdict rules attach`, logs with the
# real mlflow-skinny client, and compares the live decisions with `verdict rules check --run`.
#
#     bash scripts/pg.sh bash scripts/rules_e2e.sh [VERDICT_BINARY]
#
# On SQLite, then on PostgreSQL (a fresh database on the server at VERDICT_TEST_PG_URL, dropped
# afterwards; without it the PostgreSQL half fails unless VERDICT_TEST_PG_OPTIONAL=1).
# VERDICT_BINARY defaults to the debug build (built here). The client venv is $MLFLOW_CLIENT_VENV
# (default .venv-mlflow). KEEP_TMP=1 keeps the scratch directories.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source=scripts/mlflow_lib.sh
source "$ROOT/scripts/mlflow_lib.sh"
CLIENT_VENV="${MLFLOW_CLIENT_VENV:-$ROOT/.venv-mlflow}"
ensure_venv "$CLIENT_VENV" python/requirements-mlflow.txt mlflow-skinny

BIN="${1:-}"
if [[ -z "$BIN" ]]; then
  cargo build -p verdict --locked --quiet
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/verdict"
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

TMPS=()
PG_DB=""
psql_bin="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1 || true)"
cleanup() {
  if [[ -n "$PG_DB" ]]; then
    "$psql_bin" -q "$VERDICT_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  for t in "${TMPS[@]}"; do
    if [[ -n "${KEEP_TMP:-}" ]]; then echo "== kept $t" >&2; else rm -rf "$t"; fi
  done
}
trap cleanup EXIT

run_one() { # label, store URL ({tmp} is replaced by the scratch directory)
  local label="$1" tmp store rc
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/rules-e2e.XXXXXX")"
  TMPS+=("$tmp")
  store="${2//\{tmp\}/$tmp}"
  echo "== live training rules end to end: verdict server on $label"
  set +e
  "$CLIENT_VENV/bin/python" python/rules_e2e.py --verdict "$BIN" --store "$store" \
    --artifacts "$tmp/artifacts" 2> "$tmp/client.stderr" | grep -v '^🏃\|^🧪'
  rc=${PIPESTATUS[0]}
  set -e
  if [[ $rc -ne 0 ]]; then
    echo "== failed (exit $rc); the client's stderr (last 40 lines):" >&2
    tail -40 "$tmp/client.stderr" >&2
  fi
  return $rc
}

status=0
run_one SQLite '{tmp}/verdict.db' || status=1

pg_half_or_exit "$status"
PG_DB="verdict_rules_e2e_$$"
"$psql_bin" -q "$VERDICT_TEST_PG_URL" -c "CREATE DATABASE $PG_DB"
run_one PostgreSQL "${VERDICT_TEST_PG_URL%/*}/$PG_DB" || status=1
exit "$status"
