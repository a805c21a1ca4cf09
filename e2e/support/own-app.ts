import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";

/**
 * A spec that would disturb the other spec files through the shared e2e app (a crash, a saved sign-in allow-list, a
 * deposit pause) runs its own app, mock and database on ports of its own. These are the steps they share.
 */

/** The environment of an own app on `appPort` with its mock on `mockPort` (no mock started: nothing listens there) and its own database. */
export function ownAppEnv({ appPort, mockPort, databaseFile }: { appPort: number; mockPort: number; databaseFile: string }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AUTH_SECRET: readFileSync("data/auth-secret", "utf8").trim(),
    DATABASE_URL: `file:${databaseFile}`,
    CASHIN_BASE_URL: `http://127.0.0.1:${mockPort}/pg/fo`,
    MOCK_GATEWAY_PORT: String(mockPort),
    MOCK_GATEWAY_CONTROL: "1",
    AUTH_URL: `http://localhost:${appPort}`,
    NEXT_TELEMETRY_DISABLED: "1",
    // It runs on the demo's mock gateway, partner id and key (docs/production.md#production-mode).
    DEMO_MODE: "1",
  };
}

/** Waits until `url` answers with a 2xx. */
export async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up`);
}

/** A fresh database in `dataDirectory` (named by `env.DATABASE_URL`): migrated, the demo users seeded and enrolled with the e2e second-factor secrets. */
export function freshDatabase(dataDirectory: string, env: NodeJS.ProcessEnv): void {
  rmSync(dataDirectory, { recursive: true, force: true });
  for (const script of ["db:migrate", "db:seed"]) {
    const run = spawnSync("npm", ["run", "-s", script], { env, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`${script} failed: ${run.stderr}`);
  }
  const enrol = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "e2e/support/enrol-demo-users.ts"], { env, encoding: "utf8" });
  if (enrol.status !== 0) throw new Error(`Enrolling the demo users failed: ${enrol.stderr}`);
}

/** The mock gateway on `env.MOCK_GATEWAY_PORT`, once it answers. */
export async function startMock(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const mock = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/mock-gateway.ts"], { env, stdio: "ignore" });
  await waitFor(`http://127.0.0.1:${env.MOCK_GATEWAY_PORT}/`);
  return mock;
}

/** `next start` itself (not npx, so that a signal reaches the server) on `port`, once it is healthy. */
export async function startApp(port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port)], { env, stdio: "ignore" });
  await waitFor(`http://localhost:${port}/api/health`);
  return server;
}
