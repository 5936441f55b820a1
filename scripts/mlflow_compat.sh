#!/usr/bin/env bash
# Real-client MLflow compatibility check: start a tracking server, run python/mlflow_workload.py
# against it with the pinned mlflow-skinny client, stop the server, exit with the workload's code.
#
#   scripts/mlflow_compat.sh [--token T] [--only STEPS] [--] SERVER_CMD...
#   scripts/mlflow_compat.sh --mlflow-server        # the real `mlflow server` (SQLite) as the server
#   scripts/mlflow_compat.sh --mlflow-server --token s3cret   # ... behind python/mlflow_token_proxy.py
#
# SERVER_CMD is run in its own process group with `{port}` replaced by a free TCP port and `{tmp}` by a
# fresh scratch directory (removed at the end), e.g.
#
#   scripts/mlflow_compat.sh target/release/verdict server --store sqlite:///{tmp}/v.db \
#       --artifacts {tmp}/artifacts --host 127.0.0.1 --port {port}
#   scripts/mlflow_compat.sh --token s3cret -- target/release/verdict server --auth-token s3cret --port {port} ...
#   scripts/mlflow_compat.sh /work/mlflow-server-venv/bin/mlflow server \
#       --backend-store-uri sqlite:///{tmp}/mlflow.db --artifacts-destination {tmp}/artifacts \
#       --host 127.0.0.1 --port {port}
#
# The server must listen on 127.0.0.1:{port}; the script waits (up to $MLFLOW_COMPAT_START_TIMEOUT s,
# default 120: the real mlflow server migrates its database on first start) for GET /health = 200.
# --token T: the workload's client sends MLFLOW_TRACKING_TOKEN=T and checks that a request without it gets 401.
#
# Environment:
#   MLFLOW_CLIENT_VENV  client venv (default .venv-mlflow in the repository, git-ignored); created from
#                       python/requirements-mlflow.txt (PyPI) when it lacks the pinned mlflow-skinny.
#   MLFLOW_SERVER_VENV  venv of the real server for --mlflow-server (default .venv-mlflow-server);
#                       created from python/requirements-mlflow-server.txt when missing.
#   KEEP_TMP=1          keep the scratch directory (server log, database, artifacts).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

token=""
only=""
use_mlflow=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --token) token="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --mlflow-server) use_mlflow=1; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done

# shellcheck source=scripts/mlflow_lib.sh
source "$ROOT/scripts/mlflow_lib.sh"

CLIENT_VENV="${MLFLOW_CLIENT_VENV:-$ROOT/.venv-mlflow}"
ensure_venv "$CLIENT_VENV" python/requirements-mlflow.txt mlflow-skinny

if [[ -n "$use_mlflow" ]]; then
  SERVER_VENV="${MLFLOW_SERVER_VENV:-$ROOT/.venv-mlflow-server}"
  ensure_venv "$SERVER_VENV" python/requirements-mlflow-server.txt mlflow
  set -- "$SERVER_VENV/bin/mlflow" server --backend-store-uri "sqlite:///{tmp}/mlflow.db" \
    --artifacts-destination "{tmp}/artifacts" --host 127.0.0.1 --port "{port}"
  if [[ -n "$token" ]]; then
    # the real server has no token auth: put python/mlflow_token_proxy.py (a bearer gate) in front of it
    inner="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    set -- bash -c "\"\$1\" server --backend-store-uri sqlite:///{tmp}/mlflow.db --artifacts-destination {tmp}/artifacts \
      --host 127.0.0.1 --port $inner & exec \"\$2\" python/mlflow_token_proxy.py --listen {port} \
      --upstream http://127.0.0.1:$inner --token \"\$0\"" "$token" "$SERVER_VENV/bin/mlflow" "$CLIENT_VENV/bin/python"
  fi
fi
if [[ $# -eq 0 ]]; then
  echo "usage: $0 [--token T] [--only STEPS] [--] SERVER_CMD... | --mlflow-server" >&2
  exit 2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/mlflow-compat.XXXXXX")"
cleanup() {
  stop_server
  if [[ -n "${KEEP_TMP:-}" ]]; then echo "== kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
AUTH_TOKEN="$token"
MLFLOW_START_TIMEOUT="${MLFLOW_COMPAT_START_TIMEOUT:-120}"
start_server "$tmp" "$@"
url="$SERVER_URL"

args=(--uri "$url" --tmp "$tmp/workload")
[[ -n "$token" ]] && args+=(--token "$token")
[[ -n "$only" ]] && args+=(--only "$only")
set +e
"$CLIENT_VENV/bin/python" python/mlflow_workload.py "${args[@]}" 2> "$tmp/workload.stderr"
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
  echo "== workload failed (exit $rc); its stderr and the server log (last 40 lines each):" >&2
  tail -40 "$tmp/workload.stderr" >&2
  tail -40 "$tmp/server.log" >&2
fi
stop_server
exit $rc
