#!/usr/bin/env bash
# `verdict check --experiment` end to end (issue 13): the real mlflow-skinny client logs seed 001's
# curves to `verdict server`, the verdict CLI stores three test evaluations on two eval sets in the
# server's own store, and python/check_experiment_e2e.py checks `verdict check --experiment`'s JSON
# (severities, one leaderboard per fingerprint, p-values = `verdict compare`'s, split_changed), and
# that `verdict splits check --run` leaves dataset inputs the client reads back (issue 14).
#
#     bash scripts/pg.sh bash scripts/check_experiment_e2e.sh [VERDICT_BINARY]
#
# Runs against verdict server on SQLite (the CLI writes to the same file next to the running
# server: WAL), then on PostgreSQL (a fresh database on the server at VERDICT_TEST_PG_URL, dropped
# afterwards). Without VERDICT_TEST_PG_URL the PostgreSQL half fails (run it inside scripts/pg.sh),
# unless VERDICT_TEST_PG_OPTIONAL=1 says skipping it is fine, as in scripts/mlflow_compat_all.sh.
# Both servers run with --auth-token. VERDICT_BINARY defaults to the debug build, built here with
# `cargo build -p verdict --locked` (in $CARGO_TARGET_DIR when set). The client venv is
# $MLFLOW_CLIENT_VENV (default .venv-mlflow, created from python/requirements-mlflow.txt if needed).
# KEEP_TMP=1 keeps the scratch directories (server log, database, artifacts).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source=scripts/mlflow_lib.sh
source "$ROOT/scripts/mlflow_lib.sh"
ensure_curl
CLIENT_VENV="${MLFLOW_CLIENT_VENV:-$ROOT/.venv-mlflow}"
ensure_venv "$CLIENT_VENV" python/requirements-mlflow.txt mlflow-skinny

BIN="${1:-}"
if [[ -z "$BIN" ]]; then
  cargo build -p verdict --locked --quiet
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/verdict"
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
TOKEN="ci-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
AUTH_TOKEN="$TOKEN"

TMPS=()
PG_DB=""
psql_bin="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1 || true)"
cleanup() {
  stop_server
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
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/check-e2e.XXXXXX")"
  TMPS+=("$tmp")
  store="${2//\{tmp\}/$tmp}"
  echo "== verdict check --experiment end to end: verdict server on $label"
  start_server "$tmp" "$BIN" server --auth-token "$TOKEN" --store "$store" --artifacts "$tmp/artifacts" \
    --host 127.0.0.1 --port '{port}' || return 2
  set +e
  "$CLIENT_VENV/bin/python" python/check_experiment_e2e.py --uri "$SERVER_URL" --token "$TOKEN" \
    --verdict "$BIN" --store "$store" --artifacts "$tmp/artifacts" 2> "$tmp/client.stderr" \
    | grep -v '^🏃\|^🧪'
  rc=${PIPESTATUS[0]}
  set -e
  if [[ $rc -ne 0 ]]; then
    echo "== failed (exit $rc); the client's stderr and the server log (last 40 lines each):" >&2
    tail -40 "$tmp/client.stderr" >&2
    tail -40 "$tmp/server.log" >&2
  fi
  stop_server
  return $rc
}

status=0
run_one SQLite '{tmp}/verdict.db' || status=1

pg_half_or_exit "$status"
PG_DB="verdict_check_e2e_$$"
"$psql_bin" -q "$VERDICT_TEST_PG_URL" -c "CREATE DATABASE $PG_DB"
run_one PostgreSQL "${VERDICT_TEST_PG_URL%/*}/$PG_DB" || status=1
exit $status
