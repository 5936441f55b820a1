#!/usr/bin/env bash
# The web UI end to end in a real headless Chromium: the real mlflow-skinny client and the verdict
# CLI fill a `verdict server`, then python/ui_e2e.py opens every /ui page in Chromium, in English
# and Korean, and asserts what a person sees there (the runs table, its filter and sort, a run's
# SVG curve with its best step, its evaluations and findings, the experiment report's
# leaderboards, the mlflow client's links, hostile names shown as text, no console error).
#
#     bash scripts/ui_e2e.sh [VERDICT_BINARY]
#
# What it installs when missing: Debian's chromium, chromium-driver and fonts-noto-cjk (apt-get,
# needs root: scripts/mlflow_lib.sh's ensure_chromium; the driver comes from the same source
# package as the browser, so their versions match, and the fonts draw the Korean pages) and the
# venv $VERDICT_UI_VENV (default .venv-ui) from python/requirements-ui.txt (PyPI: the MLflow client
# stack plus selenium). VERDICT_BINARY defaults to the debug build, built here with
# `cargo build -p verdict --locked` (in $CARGO_TARGET_DIR when set).
#
# SQLite only, unlike the other e2e scripts: CI time. The pages only lay out what the store
# answers, and the store's PostgreSQL parity is covered by the conformance suite and by
# scripts/mlflow_compat_all.sh and scripts/check_experiment_e2e.sh, which run on both.
# The server runs with --auth-token and an artifact root in a scratch directory; the browser sends
# the token on every request. Screenshots go to target/ui-screens/<page>-<lang>.png.
# KEEP_TMP=1 keeps the scratch directory (server log, database, artifacts, chromedriver log).
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
  cargo build -p verdict --locked --quiet
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/verdict"
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
TOKEN="ci-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
AUTH_TOKEN="$TOKEN"
SCREENS="$ROOT/target/ui-screens"
mkdir -p "$SCREENS"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/ui-e2e.XXXXXX")"
cleanup() {
  stop_server
  if [[ -n "${KEEP_TMP:-}" ]]; then echo "== kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

echo "== the web UI in headless $(/usr/bin/chromium --version 2>/dev/null | head -1): verdict server on SQLite"
start_server "$tmp" "$BIN" server --auth-token "$TOKEN" --store "$tmp/verdict.db" --artifacts "$tmp/artifacts" \
  --host 127.0.0.1 --port '{port}'
set +e
CHROMEDRIVER_LOG="$tmp/chromedriver.log" "$VENV/bin/python" python/ui_e2e.py --uri "$SERVER_URL" --token "$TOKEN" \
  --verdict "$BIN" --store "$tmp/verdict.db" --artifacts "$tmp/artifacts" --screens "$SCREENS" \
  2> "$tmp/client.stderr" | grep -v '^🏃\|^🧪'
rc=${PIPESTATUS[0]}
set -e
if [[ $rc -ne 0 ]]; then
  echo "== failed (exit $rc); the client's stderr and the server log (last 40 lines each):" >&2
  tail -40 "$tmp/client.stderr" >&2
  tail -40 "$tmp/server.log" >&2
fi
exit $rc
