#!/usr/bin/env bash
# npm run demo: everything from a fresh clone to a running app with the mock Cash In gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
# next start runs with NODE_ENV=production, which refuses the demo's defaults (and db:seed refuses there too)
# unless told this is the demo (docs/production.md#production-mode).
export DEMO_MODE=1

install_dependencies
ensure_auth_secret

log "Preparing the database and the demo key pair"
npm run -s keys:generate
npm run -s db:migrate
npm run -s db:seed | tee data/demo-users.txt

log "Building the app"
npx next build

PORT="${PORT:-3000}"
# Auth.js builds its URLs from this origin, never from the request's Host headers (docs/sign-in.md).
export AUTH_URL="${AUTH_URL:-http://localhost:${PORT}}"
MOCK_GATEWAY_PORT="${MOCK_GATEWAY_PORT:-4010}"
export MOCK_GATEWAY_PORT
export CASHIN_BASE_URL="${CASHIN_BASE_URL:-http://127.0.0.1:${MOCK_GATEWAY_PORT}/pg/fo}"

log "Starting the mock Cash In gateway on 127.0.0.1:${MOCK_GATEWAY_PORT}"
npm run -s mock-gateway &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true' EXIT INT TERM
wait_for "http://127.0.0.1:${MOCK_GATEWAY_PORT}/" 30

log "Starting the app"
NODE_OPTIONS="$(app_node_options)" npx next start -p "$PORT" --keepAliveTimeout "$APP_KEEP_ALIVE_MS" &
app_pid=$!
trap 'kill "$app_pid" "$mock_pid" 2>/dev/null || true' EXIT INT TERM
wait_for "http://localhost:${PORT}/api/health" 60

cat <<MSG

  Cash In Payouts is running:  http://localhost:${PORT}
  Mock Cash In gateway:        ${CASHIN_BASE_URL}

$(cat data/demo-users.txt)

  Managers and the admin set up two-step sign-in at their first sign-in: scan the QR code with any
  authenticator app, or in this demo print the current code with
    npm run totp -- --email manager@demo.test

  Press Ctrl+C to stop.
MSG
wait "$app_pid"
