#!/usr/bin/env bash
# log_batch throughput with training rules attached vs without (BENCHMARKS.md), on SQLite and, when
# VERDICT_TEST_PG_URL is set (run inside scripts/pg.sh), on PostgreSQL:
#
#     bash bench/rules_log_batch.sh
#     bash scripts/pg.sh bash bench/rules_log_batch.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/scripts/mlflow_lib.sh"
trap stop_server EXIT
one() { # label, store
  local tmp
  tmp="$(mktemp -d)"
  start_server "$tmp" "$VERDICT" server --store "${2//\{tmp\}/$tmp}" --artifacts "$tmp/artifacts" \
    --host 127.0.0.1 --port '{port}'
  echo "== $1"
  python3 bench/rules_log_batch.py --uri "$SERVER_URL" --verdict "$VERDICT" --store "${2//\{tmp\}/$tmp}"
  python3 bench/rules_log_batch.py --uri "$SERVER_URL" --verdict "$VERDICT" --store "${2//\{tmp\}/$tmp}" --busy
  stop_server
  rm -rf "$tmp"
}
one SQLite '{tmp}/verdict.db'
if [[ -n "${VERDICT_TEST_PG_URL:-}" ]]; then one PostgreSQL "$VERDICT_TEST_PG_URL"; fi
