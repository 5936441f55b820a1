# Shell helpers shared by scripts/test.sh, scripts/mlflow_compat.sh, scripts/mlflow_compat_all.sh,
# scripts/check_experiment_e2e.sh, scripts/ui_e2e.sh, bench/mlflow_bench.sh, bench/pg_search_probe.sh and
# bench/ui_curve.sh (source it, don't run it).
#
#   ensure_venv DIR REQUIREMENTS PACKAGE   create/refresh a venv unless every pin of REQUIREMENTS is installed
#   ensure_curl                            install Debian's curl when missing (start_server needs it)
#   ensure_chromium                        install Debian's chromium, chromium-driver and fonts-noto-cjk when
#                                          missing (the web UI's browser tests; needs root)
#   pg_half_or_exit STATUS                 return if VERDICT_TEST_PG_URL is set, else exit (STATUS when
#                                          VERDICT_TEST_PG_OPTIONAL=1 skips the PostgreSQL half, else 1)
#   start_server TMP CMD...                run CMD ({port}, {tmp} substituted) in its own process group on a
#                                          free port; sets SERVER_PID, SERVER_URL; log in TMP/server.log;
#                                          waits for GET /health (MLFLOW_START_TIMEOUT s, default 120)
#   stop_server                            SIGTERM the process group, SIGKILL after 10 s
# AUTH_TOKEN, when set, is sent as a bearer token to /health.

ensure_curl() { # start_server waits for the server with curl; a bare Debian image may lack it
  if ! command -v curl >/dev/null 2>&1; then
    echo "== curl not found: installing Debian's curl package" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >&2
  fi
}

ensure_chromium() { # the browser the web UI's tests drive, its WebDriver and the fonts of its Korean pages
  # Debian's packages, so chromedriver always matches chromium's version (both come from one source
  # package); selenium is never left to download a driver or a browser of its own. With chromium's
  # recommended packages (Mesa's drivers, fonts-liberation, …): the setup the tests were run on.
  local pkg missing=()
  for pkg in chromium chromium-driver fonts-noto-cjk; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -eq 0 ]] && ! [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    missing=(chromium chromium-driver) # installed, yet a binary is gone: reinstall
  fi
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "error: ${missing[*]} missing, and installing them needs root (apt-get install chromium chromium-driver fonts-noto-cjk)" >&2
    return 1
  fi
  echo "== installing Debian's ${missing[*]} (apt-get)" >&2
  local log
  log="$(mktemp)"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall "${missing[@]}"; } \
    >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "error: apt-get could not install ${missing[*]}" >&2
    return 1
  fi
  rm -f "$log"
  [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] \
    || { echo "error: installed ${missing[*]}, but /usr/bin/chromium or /usr/bin/chromedriver is missing" >&2; return 1; }
}

pg_half_or_exit() { # status so far: returns when VERDICT_TEST_PG_URL is set, else exits
  # (with that status when VERDICT_TEST_PG_OPTIONAL=1 allows skipping the PostgreSQL half, else 1)
  [[ -n "${VERDICT_TEST_PG_URL:-}" ]] && return 0
  if [[ "${VERDICT_TEST_PG_OPTIONAL:-}" == 1 ]]; then
    echo "== SKIPPED the PostgreSQL half: VERDICT_TEST_PG_URL is unset and VERDICT_TEST_PG_OPTIONAL=1"
    exit "$1"
  fi
  echo "error: VERDICT_TEST_PG_URL is not set: run this inside scripts/pg.sh (or set VERDICT_TEST_PG_OPTIONAL=1)" >&2
  exit 1
}

pinned_version() { # requirements file, package
  sed -n "s/^$2==//p" "$1" | head -1
}

ensure_venv() { # venv dir, requirements file, package named in the message
  # Creates or refreshes the venv unless every `name==version` pin of the requirements file is
  # installed at exactly that version (so one venv can serve every script that asks for it).
  local venv="$1" req="$2" pkg="$3" want
  want="$(pinned_version "$req" "$pkg")"
  if ! "$venv/bin/python" - "$req" 2>/dev/null <<'EOF'
import re, sys
from importlib.metadata import PackageNotFoundError, version
for line in open(sys.argv[1]):
    m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
    if m:
        try:
            if version(m[1]) != m[2]:
                sys.exit(1)
        except PackageNotFoundError:
            sys.exit(1)
EOF
  then
    echo "== creating $venv from $req ($pkg==$want, PyPI)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
  fi
}

SERVER_PID=""
SERVER_URL=""

start_server() { # scratch dir, command...
  local tmp="$1" port a deadline
  shift
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  local cmd=()
  for a in "$@"; do
    a="${a//\{port\}/$port}"
    cmd+=("${a//\{tmp\}/$tmp}")
  done
  echo "== starting: ${cmd[*]}" >&2
  setsid "${cmd[@]}" >"$tmp/server.log" 2>&1 &
  SERVER_PID=$!
  SERVER_URL="http://127.0.0.1:$port"
  local auth=()
  [[ -n "${AUTH_TOKEN:-}" ]] && auth=(-H "Authorization: Bearer $AUTH_TOKEN")
  deadline=$(( $(date +%s) + ${MLFLOW_START_TIMEOUT:-120} ))
  until curl -sf "${auth[@]}" "$SERVER_URL/health" >/dev/null 2>&1; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "error: the server exited before answering /health; its log:" >&2
      tail -40 "$tmp/server.log" >&2
      SERVER_PID=""
      return 2
    fi
    if (( $(date +%s) > deadline )); then
      echo "error: no /health answer at $SERVER_URL within ${MLFLOW_START_TIMEOUT:-120}s; server log:" >&2
      tail -40 "$tmp/server.log" >&2
      return 2
    fi
    sleep 0.3
  done
  echo "== server up at $SERVER_URL (pid $SERVER_PID)" >&2
}

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
