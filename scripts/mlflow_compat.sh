#!/usr/bin/env bash
# Real-client MLflow compatibility check: start a tracking server, run python/mlflow_workload.py
# against it with the pinned mlflow-skinny client, stop the server, exit with the workload's code.
#
#   scripts/mlflow_compat.sh [--token T] [--only STEPS] [--] SERVER_CMD...
#   scripts/mlflow_compat.sh --mlflow-server        # the real `mlflow server` (SQLite) as the server
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

pinned() { # requirements file, package -> pinned version
  sed -n "s/^$2==//p" "$1" | head -1
}

ensure_venv() { # venv dir, requirements file, package that must be at its pinned version
  local venv="$1" req="$2" pkg="$3" want
  want="$(pinned "$req" "$pkg")"
  if ! "$venv/bin/python" - "$pkg" "$want" 2>/dev/null <<'EOF'
import sys
from importlib.metadata import version
sys.exit(0 if version(sys.argv[1]) == sys.argv[2] else 1)
EOF
  then
    echo "== creating $venv from $req ($pkg==$want, PyPI)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
  fi
}

CLIENT_VENV="${MLFLOW_CLIENT_VENV:-$ROOT/.venv-mlflow}"
ensure_venv "$CLIENT_VENV" python/requirements-mlflow.txt mlflow-skinny

if [[ -n "$use_mlflow" ]]; then
  SERVER_VENV="${MLFLOW_SERVER_VENV:-$ROOT/.venv-mlflow-server}"
  ensure_venv "$SERVER_VENV" python/requirements-mlflow-server.txt mlflow
  set -- "$SERVER_VENV/bin/mlflow" server --backend-store-uri "sqlite:///{tmp}/mlflow.db" \
    --artifacts-destination "{tmp}/artifacts" --host 127.0.0.1 --port "{port}"
fi
if [[ $# -eq 0 ]]; then
  echo "usage: $0 [--token T] [--only STEPS] [--] SERVER_CMD... | --mlflow-server" >&2
  exit 2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/mlflow-compat.XXXXXX")"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cmd=()
for a in "$@"; do
  a="${a//\{port\}/$port}"
  cmd+=("${a//\{tmp\}/$tmp}")
done

server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  if [[ -n "${KEEP_TMP:-}" ]]; then echo "== kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

echo "== starting: ${cmd[*]}" >&2
setsid "${cmd[@]}" >"$tmp/server.log" 2>&1 &
server_pid=$!

url="http://127.0.0.1:$port"
auth=()
[[ -n "$token" ]] && auth=(-H "Authorization: Bearer $token")
deadline=$(( $(date +%s) + ${MLFLOW_COMPAT_START_TIMEOUT:-120} ))
until curl -sf "${auth[@]}" "$url/health" >/dev/null 2>&1; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "error: the server exited before answering /health; its log:" >&2
    tail -40 "$tmp/server.log" >&2
    exit 2
  fi
  if (( $(date +%s) > deadline )); then
    echo "error: no /health answer at $url within ${MLFLOW_COMPAT_START_TIMEOUT:-120}s; server log:" >&2
    tail -40 "$tmp/server.log" >&2
    exit 2
  fi
  sleep 0.3
done
echo "== server up at $url" >&2

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
