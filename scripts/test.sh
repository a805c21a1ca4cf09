#!/usr/bin/env bash
# npm test: installs what it needs, then type-check, lint, unit tests, build, end-to-end tests.
# Reports land in reports/ (unit.json, e2e.json); .ci/run sums them into one line.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

install_dependencies

# Playwright drives Debian's Chromium: its own browser download is not reachable from these machines.
if [ ! -x /usr/bin/chromium ]; then
  log "Installing Chromium from Debian"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

mkdir -p reports
rm -f reports/unit.json reports/unit-postgres.json reports/e2e.json

log "Type-check"
npx tsc --noEmit

log "Lint"
npx eslint --max-warnings=0 .

# A throw-away PostgreSQL for the PostgreSQL tests (docs/postgresql.md#the-test-server), unless one is given; they
# skip with the reason printed when it cannot be had. It lives until the script ends: the end-to-end suite runs two app
# instances and a worker on it (e2e/postgres-instances.spec.ts).
pg_dir=""
if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  log "PostgreSQL for the tests"
  pg_out=$(bash scripts/postgres.sh) || { echo "PostgreSQL tests skipped: scripts/postgres.sh failed"; pg_out=""; }
  if [ -n "$pg_out" ]; then
    pg_dir=$(head -n 1 <<<"$pg_out")
    TEST_POSTGRES_URL=$(tail -n 1 <<<"$pg_out")
    export TEST_POSTGRES_URL
    trap 'bash scripts/postgres.sh stop "$pg_dir"' EXIT
    echo "PostgreSQL on ${TEST_POSTGRES_URL##*@}"
  fi
fi

log "Unit tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/unit.json

# The same suite's database tests again on PostgreSQL (docs/postgresql.md#the-suite-on-both-databases): each test database a copy of
# a migrated template on the test server.
if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  log "Unit tests on PostgreSQL"
  DATABASE_URL="$TEST_POSTGRES_URL" npx vitest run --config vitest.postgres.config.mts \
    --reporter=default --reporter=json --outputFile.json=reports/unit-postgres.json
else
  echo "Unit tests on PostgreSQL skipped: no PostgreSQL server for the tests (see above)"
fi

log "Build"
# The type-check above covered what the build would check again.
BUILD_TYPES_CHECKED=1 npx next build

log "End-to-end tests"
npx playwright test
