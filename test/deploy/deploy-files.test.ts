import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * docs/deploying.md: the recipes say what the app needs (a non-root user, the database on a volume, a clean
 * stop with time for top-ups in flight, readiness as the health check, migrations at start, one trusted proxy).
 * These tests read them; the image itself is built only where a Docker engine runs.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => readFileSync(root + path, "utf8");

// A clean stop waits for at most twice the gateway timeout (15 s by default) + 5 s: every recipe gives more.
const cleanStopSeconds = (2 * 15_000 + 5_000) / 1000;

describe("Deployment recipes", () => {
  it("the Dockerfile runs the standalone server as a non-root user, with the database on a volume, readiness as health check and migrations at start", () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile).toMatch(/^FROM node:20[^\n]* AS run$/m);
    expect(dockerfile).toMatch(/^USER app$/m);
    expect(dockerfile).toMatch(/useradd --system --uid 10001/);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/api\/ready/m);
    expect(dockerfile).toMatch(/MIGRATE_ON_START=1/);
    expect(dockerfile).toMatch(/DATABASE_URL=file:\/data\/app\.db/);
    expect(dockerfile).toMatch(/scripts\/standalone-prepare\.sh/);
    expect(dockerfile).toMatch(/CMD \["node", "--require", "\.\/scripts\/peer-address\.cjs", "server\.js"\]/);
  });

  it("keeps secrets and data out of the image", () => {
    const ignored = read(".dockerignore").split("\n").map((line) => line.trim());
    for (const path of ["data", "secrets", ".env", "node_modules", ".next", "backups"]) expect(ignored).toContain(path);
  });

  it("compose puts Caddy in front, trusts exactly one proxy, keeps keys as secrets and gives a clean stop its time", () => {
    const compose = read("compose.yaml");
    expect(compose).toMatch(/image: caddy:2/);
    expect(compose).toMatch(/TRUSTED_PROXY_HOPS: "1"/);
    expect(compose).toMatch(/CASHIN_PRIVATE_KEY_PATH: \/run\/secrets\/cashin_private_key/);
    expect(compose).toMatch(/condition: service_healthy/);
    expect(Number(/stop_grace_period: (\d+)s/.exec(compose)?.[1])).toBeGreaterThan(cleanStopSeconds);
    expect(read("deploy/Caddyfile")).toMatch(/reverse_proxy app:3000/);
  });

  it("compose.postgres.yaml runs two serving instances and one worker on PostgreSQL, behind Caddy checking each one's readiness", () => {
    const compose = read("compose.postgres.yaml");
    // pg_dump must be of the server's major version or newer: the tools image has Debian bookworm's (15).
    expect(compose).toMatch(/image: postgres:15$/m);
    expect(read("Dockerfile")).toMatch(/^ && apt-get install [^\n]*postgresql-client/m);
    expect(compose).toMatch(/^ {2}tools:[\s\S]*?BACKUP_DIR: \/backups[\s\S]*?- \.\/backups:\/backups/m);
    expect(compose).toMatch(/pg_isready/);
    expect(compose).toMatch(/DATABASE_URL: postgres:\/\/payouts:\$\{POSTGRES_PASSWORD:\?[^}]*\}@postgres:5432\/payouts/);
    // The instances only serve; the worker runs the background work, once.
    expect(compose).toMatch(/^ {4}BACKGROUND: "off"$/m);
    expect(compose).toMatch(/^ {2}app1: \*app$/m);
    expect(compose).toMatch(/^ {2}app2: \*app$/m);
    expect(compose).toMatch(/^ {2}worker:\n {4}<<: \*app[\s\S]*?command: \["npm", "run", "worker"\]/m);
    expect(compose).toMatch(/TRUSTED_PROXY_HOPS: "1"/);
    expect(compose).toMatch(/CASHIN_PRIVATE_KEY_PATH: \/run\/secrets\/cashin_private_key/);
    expect(Number(/stop_grace_period: (\d+)s/.exec(compose)?.[1])).toBeGreaterThan(cleanStopSeconds);
    const caddy = read("deploy/postgres/Caddyfile");
    expect(caddy).toMatch(/reverse_proxy app1:3000 app2:3000/);
    expect(caddy).toMatch(/health_uri \/api\/ready/);
    expect(compose).toMatch(/\.\/deploy\/postgres\/Caddyfile:\/etc\/caddy\/Caddyfile:ro/);
  });

  it("the systemd unit runs unprivileged on loopback behind Caddy and waits for a clean stop", () => {
    const unit = read("deploy/vm/cashin-payouts.service");
    expect(unit).toMatch(/^User=cashin$/m);
    expect(unit).toMatch(/HOSTNAME=127\.0\.0\.1/);
    expect(unit).toMatch(/TRUSTED_PROXY_HOPS=1/);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1])).toBeGreaterThan(cleanStopSeconds);
    expect(unit).toMatch(/^NoNewPrivileges=true$/m);
    expect(read("deploy/vm/Caddyfile")).toMatch(/reverse_proxy 127\.0\.0\.1:3000/);
  });

  const engine = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8", timeout: 10_000 });
  const dockerRuns = engine.status === 0 && engine.stdout.trim() !== "";
  if (!dockerRuns) console.warn(`[deploy] skipping the image build: no Docker engine answers here (${(engine.stderr || engine.error?.message || "docker info failed").trim().split("\n")[0]})`);

  it.skipIf(!dockerRuns)("builds the image", () => {
    const build = spawnSync("docker", ["build", "-t", "cashin-payouts:test", root], { encoding: "utf8", timeout: 20 * 60_000 });
    expect(build.status, build.stderr).toBe(0);
  }, 20 * 60_000);
});
