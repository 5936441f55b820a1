#!/usr/bin/env bash
# Web UI benchmark: a run page with a 100,000-point curve (BENCHMARKS.md, "Web UI: a run page with
# a 100,000-point curve"). Starts a release `verdict server` on SQLite (--auth-token, scratch
# directory), has the pinned mlflow-skinny client log one run with `val_loss` and `train_loss` at
# 100,000 steps each (log_batch, 1,000 metrics a call), then opens /ui/runs/<id> 20 times in
# headless Chromium and prints p50/p95 of the time until the chart is drawn (the Navigation Timing
# API: the SVG is rendered by the server, inside the page) and of the server's response time
# (bench/ui_curve.py says exactly what each figure measures). Target: drawn within 1 s.
#
#     bash bench/ui_curve.sh [VERDICT_BINARY]          # default: cargo build --release -p verdict --locked
#     POINTS=20000 LOADS=10 bash bench/ui_curve.sh
#
# Installs what it needs as scripts/ui_e2e.sh does (Debian's chromium, chromium-driver and
# fonts-noto-cjk with apt-get, as root; the venv $VERDICT_UI_VENV, default .venv-ui, from
# python/requirements-ui.txt). The run page is being changed to draw from the store's downsampled
# bulk query: re-run this script to see what that changes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/mlflow_lib.sh
source "$ROOT/scripts/mlflow_lib.sh"
ensure_curl
ensure_chromium
VENV="${VERDICT_UI_VENV:-$ROOT/.venv-ui}"
ensure_venv "$VENV" python/requirements-ui.txt selenium

BIN="${1:-}"
if [[ -z "$BIN" ]]; then
  cargo build --release -p verdict --locked --quiet
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/verdict"
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
TOKEN="bench-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
AUTH_TOKEN="$TOKEN"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/ui-curve.XXXXXX")"
cleanup() { stop_server; rm -rf "$tmp"; }
trap cleanup EXIT

echo "== $(nproc) cores; $(/usr/bin/chromium --version 2>/dev/null | head -1); verdict $(git rev-parse --short HEAD) (${BIN})"
start_server "$tmp" "$BIN" server --auth-token "$TOKEN" --store "$tmp/verdict.db" --artifacts "$tmp/artifacts" \
  --host 127.0.0.1 --port '{port}'
set +e
"$VENV/bin/python" bench/ui_curve.py --uri "$SERVER_URL" --token "$TOKEN" \
  --points "${POINTS:-100000}" --loads "${LOADS:-20}" 2> "$tmp/client.stderr" | grep -v '^🏃\|^🧪'
rc=${PIPESTATUS[0]}
set -e
if [[ $rc -ne 0 ]]; then
  echo "== failed (exit $rc); the client's stderr and the server log (last lines):" >&2
  tail -40 "$tmp/client.stderr" >&2
  tail -20 "$tmp/server.log" >&2
fi
exit $rc
