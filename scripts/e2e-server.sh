#!/usr/bin/env bash
# The app as the end-to-end tests see it: a fresh database, the demo users, the built app under next start.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_auth_secret
rm -rf data/e2e
npm run -s db:migrate
npm run -s db:seed >/dev/null
npx tsx --conditions=react-server e2e/support/enrol-demo-users.ts
NODE_OPTIONS="$(app_node_options)" exec npx next start -p "${PORT:-3100}" --keepAliveTimeout "$APP_KEEP_ALIVE_MS"
