# syntax=docker/dockerfile:1
# Cash In Payouts: the standalone Next.js server in a small image (docs/deploying.md).
#   docker build -t cashin-payouts .
# Stages: deps (npm ci, compiles better-sqlite3) → build (next build + static assets) → run (node, non-root).
# The `build` stage also serves as the tools image (npm run admin:create, backup, restore; see compose.yaml). It has
# Debian's postgresql-client (15): pg_dump and pg_restore, which npm run backup and restore use on PostgreSQL.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ postgresql-client \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN npx next build && bash scripts/standalone-prepare.sh

FROM node:20-bookworm-slim AS run
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    KEEP_ALIVE_TIMEOUT=130000 \
    DATABASE_URL=file:/data/app.db \
    MIGRATE_ON_START=1
# A fixed, unprivileged user: key files mounted into the container must be readable by uid 10001.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
 && mkdir -p /data \
 && chown app:app /data \
 && chmod 0700 /data
WORKDIR /app
COPY --from=build --chown=app:app /app/.next/standalone ./
USER app
# The SQLite database (and its -wal/-shm): keep it on a volume, back it up with `npm run backup`.
VOLUME ["/data"]
EXPOSE 3000
# Ready = database writable, migrations applied, private key readable, reconciler running (docs/monitoring.md).
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM stops cleanly: nothing new is sent, top-ups in flight get their answer (compose waits 45 s).
STOPSIGNAL SIGTERM
CMD ["node", "--require", "./scripts/peer-address.cjs", "server.js"]
