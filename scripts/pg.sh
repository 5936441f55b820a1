#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server:
#
#     bash scripts/pg.sh cargo nextest run -p verdict-store
#
# 1. finds initdb/pg_ctl (PATH, then /usr/lib/postgresql/*/bin); if there are none, installs
#    Debian's `postgresql` package (apt-get; needs root);
# 2. creates a cluster in a temporary directory (as the `postgres` user when run as root, since the
#    server refuses to run as root), trust auth on 127.0.0.1 only, on a free port;
# 3. creates database `verdict_test` and exports
#    VERDICT_TEST_PG_URL=postgresql://verdict@127.0.0.1:<port>/verdict_test for the command;
# 4. stops the server and removes the directory when the command ends (also on failure or ^C),
#    and exits with the command's status.
#
# The tests create one database per test case on this server and drop it afterwards.
# The server runs with fsync=off: it only holds test data that is thrown away. PG_DURABLE=1 keeps
# PostgreSQL's durable defaults (fsync=on, full_page_writes=on) instead, for benchmarks that must
# compare acknowledged-and-synced writes with SQLite's synchronous=FULL (bench/mlflow_bench.sh).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: scripts/pg.sh COMMAND [ARGS...]" >&2
  exit 2
fi

find_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

if ! PG_BIN=$(find_bin); then
  echo "== PostgreSQL not found: installing Debian's postgresql package" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: PostgreSQL is missing and installing it needs root (apt-get install postgresql)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  PG_BIN=$(find_bin) || { echo "error: postgresql installed but initdb not found" >&2; exit 1; }
fi

RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
  RUN_AS=(runuser -u postgres --)
fi

PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/verdict-pg.XXXXXX")
chmod 755 "$PG_DIR"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$PG_DIR"
fi

cleanup() {
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DURABILITY="-c fsync=off -c full_page_writes=off"
if [ "${PG_DURABLE:-0}" = 1 ]; then
  DURABILITY="-c fsync=on -c full_page_writes=on -c synchronous_commit=on"
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U verdict -A trust -E UTF8 --locale=C.UTF-8 \
  --no-sync >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
if ! "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PG_DIR $DURABILITY -c max_connections=200" \
  start >/dev/null; then
  cat "$PG_DIR/server.log" >&2
  exit 1
fi
"${RUN_AS[@]}" "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U verdict -d postgres \
  -c "CREATE DATABASE verdict_test" >/dev/null

export VERDICT_TEST_PG_URL="postgresql://verdict@127.0.0.1:$PORT/verdict_test"
echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (VERDICT_TEST_PG_URL=$VERDICT_TEST_PG_URL)" >&2

set +e
"$@"
status=$?
set -e
exit $status
