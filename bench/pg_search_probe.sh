#!/usr/bin/env bash
# Where verdict's search_runs time goes on PostgreSQL (bench/MLFLOW.md, "left alone"): starts
# `verdict server` on the PostgreSQL of scripts/pg.sh, creates (c)'s 10,000 runs with the benchmark
# client (bench/mlflow_bench.py --only c), prints the raw-HTTP search p50, then EXPLAIN ANALYZE of one
# of load_runs' 500-id IN queries (the shape every 1000-run page sends about 14 of).
#
#   cargo build --release -p verdict
#   PG_DURABLE=1 bash scripts/pg.sh bash bench/pg_search_probe.sh [target/release/verdict]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/mlflow_lib.sh
source scripts/mlflow_lib.sh
: "${VERDICT_TEST_PG_URL:?run inside scripts/pg.sh}"
VERDICT="${1:-target/release/verdict}"
CLIENT_VENV="${MLFLOW_CLIENT_VENV:-$ROOT/.venv-mlflow}"
ensure_venv "$CLIENT_VENV" python/requirements-mlflow.txt mlflow-skinny
PSQL="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -1)"

tmp="$(mktemp -d)"
trap 'stop_server; rm -rf "$tmp"' EXIT
start_server "$tmp" "$VERDICT" server --store "$VERDICT_TEST_PG_URL" --artifacts '{tmp}/artifacts' \
  --host 127.0.0.1 --port '{port}'
"$CLIENT_VENV/bin/python" bench/mlflow_bench.py --uri "$SERVER_URL" --label pg-probe --only c \
  --setup-threads 2 --reps 10 > "$tmp/c.json"
python3 -c "import json, sys; d = json.load(open(sys.argv[1]))['results']['c_search_runs']; \
print(f\"search_runs over {d['runs']} runs, raw HTTP p50 {d['raw_http_p50_ms']:.1f} ms\")" "$tmp/c.json"
ids="$("$PSQL" "$VERDICT_TEST_PG_URL" -Atc \
  "SELECT string_agg(quote_literal(run_uuid), ',') FROM (SELECT run_uuid FROM runs LIMIT 500) s")"
"$PSQL" "$VERDICT_TEST_PG_URL" -c \
  "EXPLAIN ANALYZE SELECT run_uuid, key, value FROM params WHERE run_uuid IN ($ids)" | grep -E "Planning|Execution"
