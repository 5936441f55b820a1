#!/usr/bin/env bash
# MLflow-server benchmark of issue 5, side by side: the real `mlflow server` (full mlflow from PyPI,
# SQLite backend, served artifacts) and, when a verdict binary is given, `verdict server` (SQLite), each
# started fresh on a free port and driven one after the other by the same client workload,
# bench/mlflow_bench.py. Prints a Markdown table with ratios; the JSON of each run is kept in $OUT.
#
#   bench/mlflow_bench.sh                              # mlflow only
#   bench/mlflow_bench.sh target/release/verdict       # mlflow, then verdict, and the ratios
#   SCALE=0.1 SETUP_THREADS=2 bench/mlflow_bench.sh target/release/verdict
#
# Environment:
#   SCALE            multiplies (b)'s 100,000 points per run (default 1)
#   BENCH_ARGS       more bench/mlflow_bench.py flags, e.g. "--search-runs 2000 --only a,c"
#   SETUP_THREADS    client threads that create (c)'s 10,000 runs (setup only; default 1)
#   VERDICT_SERVER_ARGS  arguments after `verdict` (default:
#                    server --store sqlite:///{tmp}/verdict.db --artifacts {tmp}/artifacts --host 127.0.0.1 --port {port})
#   MLFLOW_SERVER_ARGS   arguments after `mlflow` (default: server --backend-store-uri sqlite:///{tmp}/mlflow.db
#                    --artifacts-destination {tmp}/artifacts --host 127.0.0.1 --port {port}; 4 uvicorn workers)
#   VERDICT_PG_URL   when set (and a verdict binary is given), a third column: `verdict server --store
#                    $VERDICT_PG_URL` (PostgreSQL). Run the script under `PG_DURABLE=1 bash scripts/pg.sh`
#                    and pass VERDICT_PG_URL='$VERDICT_TEST_PG_URL' to get a fresh, fsync=on server for it.
#   MLFLOW_CLIENT_VENV / MLFLOW_SERVER_VENV  venvs (default .venv-mlflow / .venv-mlflow-server), created from
#                    python/requirements-mlflow.txt / python/requirements-mlflow-server.txt when missing
#   OUT              where the JSON results go (default bench-data/mlflow, git-ignored)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/mlflow_lib.sh
source "$ROOT/scripts/mlflow_lib.sh"

VERDICT="${1:-}"
SCALE="${SCALE:-1}"
SETUP_THREADS="${SETUP_THREADS:-1}"
OUT="${OUT:-$ROOT/bench-data/mlflow}"
mkdir -p "$OUT"
CLIENT_VENV="${MLFLOW_CLIENT_VENV:-$ROOT/.venv-mlflow}"
SERVER_VENV="${MLFLOW_SERVER_VENV:-$ROOT/.venv-mlflow-server}"
ensure_venv "$CLIENT_VENV" python/requirements-mlflow.txt mlflow-skinny
ensure_venv "$SERVER_VENV" python/requirements-mlflow-server.txt mlflow

tmp=""
cleanup() { stop_server; [[ -n "$tmp" ]] && rm -rf "$tmp"; }
trap cleanup EXIT

run_one() { # label, server command...
  local label="$1"
  shift
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/mlflow-bench.XXXXXX")"
  MLFLOW_START_TIMEOUT=180 start_server "$tmp" "$@"
  local t0=$SECONDS
  # shellcheck disable=SC2086
  "$CLIENT_VENV/bin/python" bench/mlflow_bench.py --uri "$SERVER_URL" --label "$label" --scale "$SCALE" \
    --setup-threads "$SETUP_THREADS" ${BENCH_ARGS:-} > "$OUT/$label.json"
  echo "== $label: $((SECONDS - t0)) s; database $(du -sh "$tmp" | cut -f1)" >&2
  stop_server
  rm -rf "$tmp"
  tmp=""
}

default_mlflow_args='server --backend-store-uri sqlite:///{tmp}/mlflow.db --artifacts-destination {tmp}/artifacts --host 127.0.0.1 --port {port}'
read -r -a mlflow_args <<< "${MLFLOW_SERVER_ARGS:-$default_mlflow_args}"
run_one mlflow "$SERVER_VENV/bin/mlflow" "${mlflow_args[@]}"
files=("$OUT/mlflow.json")

if [[ -n "$VERDICT" ]]; then
  default_verdict_args='server --store sqlite:///{tmp}/verdict.db --artifacts {tmp}/artifacts --host 127.0.0.1 --port {port}'
  read -r -a verdict_args <<< "${VERDICT_SERVER_ARGS:-$default_verdict_args}"
  run_one verdict "$VERDICT" "${verdict_args[@]}"
  files+=("$OUT/verdict.json")  # ratios are relative to the first file, mlflow
  if [[ -n "${VERDICT_PG_URL:-}" ]]; then
    run_one verdict-pg "$VERDICT" server --store "$VERDICT_PG_URL" --artifacts '{tmp}/artifacts' \
      --host 127.0.0.1 --port '{port}'
    files+=("$OUT/verdict-pg.json")
  fi
fi

"$CLIENT_VENV/bin/python" bench/mlflow_bench.py --report "${files[@]}"
