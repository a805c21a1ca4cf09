# Shared steps of `npm run demo` and `npm test`; sourced, not run.
export NEXT_TELEMETRY_DISABLED=1

log() { printf '\n\033[1m▸ %s\033[0m\n' "$*"; }

# Installs npm packages when node_modules is missing or older than the lock file (npm ci is exact).
install_dependencies() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
    || [ ! -f node_modules/better-sqlite3/build/Release/better_sqlite3.node ]; then
    log "Installing npm packages"
    npm ci --no-audit --no-fund
  fi
}

# AUTH_SECRET signs the session cookies: generated once into data/ (never committed) unless set.
# data/ holds the database and the keys too: only this user may enter it.
ensure_auth_secret() {
  mkdir -p data && chmod 700 data
  if [ -z "${AUTH_SECRET:-}" ]; then
    if [ ! -s data/auth-secret ]; then
      (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' > data/auth-secret)
      echo "Generated AUTH_SECRET into data/auth-secret"
    fi
    AUTH_SECRET="$(cat data/auth-secret)"
    export AUTH_SECRET
  fi
}

# NODE_OPTIONS for `next start`: preloads scripts/peer-address.cjs, which tells the app each request's
# TCP peer (docs/sign-in.md#client-address). Use as: NODE_OPTIONS="$(app_node_options)" npx next start
app_node_options() {
  printf -- '--require "%s" %s' "$PWD/scripts/peer-address.cjs" "${NODE_OPTIONS:-}"
}

# How long `next start` keeps an idle connection open. Node's 5 s default races a client or proxy that
# reuses the connection just as the server closes it: that request dies with ECONNRESET. Caddy keeps
# idle upstream connections for 2 minutes, so the app outlasts it (Dockerfile: KEEP_ALIVE_TIMEOUT).
APP_KEEP_ALIVE_MS=130000

# Waits until an URL answers, or fails after $2 seconds.
wait_for() {
  local url=$1 seconds=${2:-60}
  for _ in $(seq "$((seconds * 4))"); do
    if node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url"; then return 0; fi
    sleep 0.25
  done
  echo "Timed out waiting for $url" >&2
  return 1
}
