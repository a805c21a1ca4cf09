#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests (docs/postgresql.md#the-test-server).
#
#   scripts/postgres.sh             starts one; stdout: its directory (line 1) and its URL (last line)
#   scripts/postgres.sh stop DIR    stops the server of DIR and removes DIR
#
# Installs Debian's postgresql package when absent, as test.sh installs Chromium. When PostgreSQL cannot be
# installed or started, prints one line "PostgreSQL tests skipped: <reason>" on stderr, nothing on stdout, and
# exits 0: the PostgreSQL tests then skip themselves. Progress goes to stderr; the URL holds a random password.
set -euo pipefail

skip() {
  echo "PostgreSQL tests skipped: $*" >&2
  exit 0
}

# The server refuses to run as root: as root, run it as the package's postgres user.
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
  [ -n "$initdb" ] && dirname "$initdb"
}

stop() {
  local dir=$1 bin
  # Only ever remove a directory this script made.
  [ -f "$dir/cashin-test-postgres" ] || { echo "Not a test PostgreSQL directory: $dir" >&2; exit 1; }
  bin=$(pg_bin) || true
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_server_user "$bin/pg_ctl" stop -D "$dir/data" -m immediate -s >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

install_postgresql() {
  local sudo="" started=$SECONDS
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null || skip "PostgreSQL is not installed and this user cannot install packages"
    sudo="sudo -n"
  fi
  echo "Installing PostgreSQL from Debian" >&2
  $sudo apt-get update -qq >/dev/null 2>&1 || skip "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null 2>&1 \
    || skip "apt-get install postgresql failed"
  echo "Installed PostgreSQL in $((SECONDS - started)) s" >&2
}

start() {
  local bin dir password port url
  bin=$(pg_bin) || true
  if [ -z "$bin" ]; then
    command -v apt-get >/dev/null || skip "PostgreSQL is not installed and apt-get is not available"
    install_postgresql
    bin=$(pg_bin) || skip "the postgresql package installed no initdb"
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then skip "no postgres user to run the server as"; fi

  dir=$(mktemp -d "${TMPDIR:-/tmp}/cashin-pg.XXXXXX")
  touch "$dir/cashin-test-postgres"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$dir"
  # The superuser reaches the server only through the socket in this private directory; TCP asks for a password.
  as_server_user "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync --no-instructions >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; stop "$dir"; skip "initdb failed"; }

  # A port nobody listens on; another test run may take the same one first, so a failed bind tries the next.
  for port in $(seq 55432 55531); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    # No durability for a server that is thrown away: fsync off makes migrations and tests several times faster.
    # No autovacuum either: its worker on a test's fresh database made that test's DROP DATABASE … WITH (FORCE) fail
    # (the test role may not end a superuser's process).
    if as_server_user "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 30 -s \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off" \
      >/dev/null 2>&1; then
      break
    fi
    grep -q "could not bind" "$dir/server.log" 2>/dev/null || { tail -n 5 "$dir/server.log" >&2 || true; stop "$dir"; skip "the server did not start"; }
    port=""
  done
  [ -n "${port:-}" ] || { stop "$dir"; skip "no free port in 55432-55531"; }

  password=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
  # CREATEDB: a test makes a fresh database of its own to migrate.
  as_server_user "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "create role cashin_test login createdb password '$password'" \
    -c "create database cashin_test owner cashin_test" >/dev/null \
    || { stop "$dir"; skip "could not create the test role and database"; }

  url="postgres://cashin_test:$password@127.0.0.1:$port/cashin_test"
  echo "$dir"
  echo "$url"
}

case "${1:-start}" in
  start) start ;;
  stop)
    [ -n "${2:-}" ] || { echo "Usage: scripts/postgres.sh stop DIR" >&2; exit 2; }
    stop "$2"
    ;;
  *)
    echo "Usage: scripts/postgres.sh [start | stop DIR]" >&2
    exit 2
    ;;
esac
