#!/usr/bin/env bash
# Web UI benchmark: the runs page at 10,000 and 100,000 runs, `verdict server`'s /ui/experiments/{id}
# side by side with MLflow's own UI (the requests its experiment page makes) on `mlflow server` 3.17.2
# with the same 10,000 runs. bench/ui_runs.py does the work; this script builds, populates (once),
# captures MLflow's requests (once), starts both servers, measures, prints the Markdown table.
#
#   bash bench/ui_runs.sh                 # build release, populate if not cached, capture if missing, measure
#   bash bench/ui_runs.sh populate        # only (re)build the cached databases
#   bash bench/ui_runs.sh capture         # only (re)capture MLflow's requests (needs chromium)
#   bash bench/ui_runs.sh measure         # only measure (the databases must be cached)
#   REPS=10 WARMUP=2 SKIP_BUILD=1 bash bench/ui_runs.sh measure
#
# Cache: $DATA (default bench-data/ui-runs/v$UI_DATA_VERSION, git-ignored) holds verdict.db (two
# experiments, 10,000 and 100,000 runs), mlflow.db (10,000 runs) and their populate.json (experiment
# ids, seconds). They are made once, through each server's REST API (bench/ui_runs.py populate) on a
# tmpfs scratch copy, and a measure run copies them into a scratch directory (the servers may
# migrate or checkpoint their copy; the cache is never written). Bump UI_DATA_VERSION in this
# script when bench/ui_runs.py's run_spec changes, or REPOPULATE=1 to rebuild. MLflow's requests
# are captured once into $DATA/mlflow_requests.json (headless chromium through a logging proxy;
# without chromium, the committed capture bench/ui_runs_mlflow_requests.json is used). RECAPTURE=1
# captures again.
#
# Environment: VERDICT (binary; default $CARGO_TARGET_DIR/release/verdict, else target/release/verdict),
# SKIP_BUILD=1, MLFLOW_SERVER_VENV (default .venv-mlflow-server, created from
# python/requirements-mlflow-server.txt when missing; its python runs bench/ui_runs.py), REPS (50),
# WARMUP (5), RUNS_SMALL (10000), RUNS_LARGE (100000), POP_PROCS (client processes populating, 4),
# CHROMIUM (chromium), OUT (the JSON result, default $DATA/result.json), DATA, REPOPULATE=1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/mlflow_lib.sh
source "$ROOT/scripts/mlflow_lib.sh"

UI_DATA_VERSION=1
STEP="${1:-all}"
RUNS_SMALL="${RUNS_SMALL:-10000}"
RUNS_LARGE="${RUNS_LARGE:-100000}"
DATA="${DATA:-$ROOT/bench-data/ui-runs/v$UI_DATA_VERSION-$RUNS_SMALL-$RUNS_LARGE}"
OUT="${OUT:-$DATA/result.json}"
POP_PROCS="${POP_PROCS:-4}"
VERDICT="${VERDICT:-${CARGO_TARGET_DIR:-$ROOT/target}/release/verdict}"
SERVER_VENV="${MLFLOW_SERVER_VENV:-$ROOT/.venv-mlflow-server}"
CHROMIUM="${CHROMIUM:-chromium}"
mkdir -p "$DATA"

if [[ -z "${SKIP_BUILD:-}" ]]; then
  cargo build --release -p verdict --locked >&2
fi
[[ -x "$VERDICT" ]] || { echo "verdict binary not found at $VERDICT" >&2; exit 1; }
ensure_curl
ensure_venv "$SERVER_VENV" python/requirements-mlflow-server.txt mlflow
PY="$SERVER_VENV/bin/python"
MLFLOW_VERSION="$("$PY" -c 'import mlflow; print(mlflow.__version__)')"

# two servers can be up at once: start_server/stop_server keep one in SERVER_PID; remember each
V_PID="" M_PID="" scratch=()
cleanup() {
  for p in "$V_PID" "$M_PID"; do SERVER_PID="$p"; stop_server; done
  for d in "${scratch[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT

verdict_up() { # db dir
  start_server "$1" "$VERDICT" server --store "sqlite:///$1/verdict.db" --artifacts "$1/artifacts" \
    --host 127.0.0.1 --port '{port}'
  V_PID="$SERVER_PID" V_URL="$SERVER_URL"
}
mlflow_up() { # db dir (also its TMPDIR: mlflow server leaves its huey job stores there)
  MLFLOW_START_TIMEOUT=180 start_server "$1" env TMPDIR="$1" "$SERVER_VENV/bin/mlflow" server \
    --backend-store-uri "sqlite:///$1/mlflow.db" --artifacts-destination "$1/artifacts" \
    --host 127.0.0.1 --port '{port}'
  M_PID="$SERVER_PID" M_URL="$SERVER_URL"
}
down() { SERVER_PID="$1"; stop_server; }

populate() {
  local t0 tmp
  # verdict: both experiments in one ledger, written on tmpfs (no fsync cost), then copied
  tmp="$(mktemp -d /dev/shm/ui-runs-verdict.XXXXXX)"; scratch+=("$tmp")
  verdict_up "$tmp"
  t0=$SECONDS
  "$PY" bench/ui_runs.py populate --uri "$V_URL" --name "ui-bench-$RUNS_SMALL" --runs "$RUNS_SMALL" \
    --procs "$POP_PROCS" > "$tmp/small.json"
  "$PY" bench/ui_runs.py populate --uri "$V_URL" --name "ui-bench-$RUNS_LARGE" --runs "$RUNS_LARGE" \
    --procs "$POP_PROCS" > "$tmp/large.json"
  echo "== verdict populated in $((SECONDS - t0)) s" >&2
  down "$V_PID"; V_PID=""
  cp "$tmp"/verdict.db* "$DATA/"
  "$PY" -c 'import json, sys; print(json.dumps({"verdict_binary": sys.argv[1], "small": json.load(open(sys.argv[2])), "large": json.load(open(sys.argv[3]))}))' \
    "$("$VERDICT" --version)" "$tmp/small.json" "$tmp/large.json" > "$DATA/verdict_populate.json"
  rm -rf "$tmp"
  # mlflow: the same 10,000 runs (run_spec is seeded by the run's index alone)
  tmp="$(mktemp -d /dev/shm/ui-runs-mlflow.XXXXXX)"; scratch+=("$tmp")
  mlflow_up "$tmp"
  t0=$SECONDS
  "$PY" bench/ui_runs.py populate --uri "$M_URL" --name "ui-bench-$RUNS_SMALL" --runs "$RUNS_SMALL" \
    --procs "$POP_PROCS" > "$tmp/small.json"
  echo "== mlflow populated in $((SECONDS - t0)) s" >&2
  down "$M_PID"; M_PID=""
  cp "$tmp"/mlflow.db* "$DATA/"
  "$PY" -c 'import json, sys; print(json.dumps({"mlflow": sys.argv[1], "small": json.load(open(sys.argv[2]))}))' \
    "$MLFLOW_VERSION" "$tmp/small.json" > "$DATA/mlflow_populate.json"
  rm -rf "$tmp"
}

exp_id() { # populate json, small|large
  "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["experiment_id"])' "$1" "$2"
}

# copies of the cached databases in a scratch directory, both servers up
servers_up() {
  local vt mt
  vt="$(mktemp -d)"; mt="$(mktemp -d)"; scratch+=("$vt" "$mt")
  cp "$DATA"/verdict.db* "$vt/"
  cp "$DATA"/mlflow.db* "$mt/"
  verdict_up "$vt"
  mlflow_up "$mt"
}

capture() {
  if ! command -v "$CHROMIUM" >/dev/null; then
    echo "== chromium ($CHROMIUM) not found: using the committed capture bench/ui_runs_mlflow_requests.json" >&2
    cp bench/ui_runs_mlflow_requests.json "$DATA/mlflow_requests.json"
    return
  fi
  "$PY" bench/ui_runs.py capture --upstream "$M_URL" --exp "$(exp_id "$DATA/mlflow_populate.json" small)" \
    --out "$DATA/mlflow_requests.json" --chromium "$CHROMIUM" --mlflow-version "$MLFLOW_VERSION"
}

measure() {
  "$PY" bench/ui_runs.py measure --verdict "$V_URL" \
    --verdict-exps "$(exp_id "$DATA/verdict_populate.json" small),$(exp_id "$DATA/verdict_populate.json" large)" \
    --mlflow "$M_URL" --mlflow-exp "$(exp_id "$DATA/mlflow_populate.json" small)" \
    --requests "$DATA/mlflow_requests.json" --sizes "$RUNS_SMALL,$RUNS_LARGE" --reps "${REPS:-50}" --warmup "${WARMUP:-5}" > "$OUT.tmp"
  mv "$OUT.tmp" "$OUT"
  "$PY" bench/ui_runs.py report "$OUT"
  echo "JSON: $OUT" >&2
}

cached() { [[ -f "$DATA/verdict_populate.json" && -f "$DATA/mlflow_populate.json" && -z "${REPOPULATE:-}" ]]; }

case "$STEP" in
  populate) REPOPULATE=1; rm -f "$DATA"/verdict.db* "$DATA"/mlflow.db* "$DATA"/*_populate.json; populate ;;
  capture) cached || { echo "no cached databases in $DATA: run populate first" >&2; exit 1; }
           servers_up; capture ;;
  measure) cached || { echo "no cached databases in $DATA: run populate first" >&2; exit 1; }
           [[ -f "$DATA/mlflow_requests.json" ]] || { echo "no $DATA/mlflow_requests.json: run capture first" >&2; exit 1; }
           servers_up; measure ;;
  all) if ! cached; then rm -f "$DATA"/verdict.db* "$DATA"/mlflow.db* "$DATA"/*_populate.json; populate; fi
       servers_up
       [[ -f "$DATA/mlflow_requests.json" && -z "${RECAPTURE:-}" ]] || capture
       measure ;;
  *) echo "usage: bench/ui_runs.sh [all|populate|capture|measure]" >&2; exit 2 ;;
esac
