import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import { openDatabase, writerOf } from "@/db/client";
import { settings } from "@/db/schema";
import { invokeAction, serverActions, type CookieSession } from "../e2e/support/actions";
import { signIn } from "./cases/pages";
import { percentile } from "./measure";
import { completion, freePort, killAllNow, startNode, stop, waitForUrl } from "./processes";
import { seedHistory } from "./seed";

/**
 * `npm run load` (issue 5 §7): 50 signed-in sessions browse and filter the history and open transfer
 * details, while makers create transfers through the real server actions, for 60 s, against 100,000
 * transfers and the mock gateway. It passes with 0 responses 5xx and 0 SQLITE_BUSY in the app's log,
 * and prints p50/p95. Options: --duration S, --sessions N, --transfers N. Not part of `npm test`.
 */

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
};
const durationS = arg("duration", 60);
const sessions = arg("sessions", 50);
const transferCount = arg("transfers", 100_000);
const makersCreating = 5;

const workDir = mkdtempSync(join(tmpdir(), "cashin-load-"));
process.once("exit", () => {
  killAllNow();
  rmSync(workDir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => process.exit(130));

const log = (message: string) => console.log(`[load] ${message}`);
const nextBin = resolve("node_modules/next/dist/bin/next");
const identity = {
  CASHIN_PARTNER_ID: "CID1234567890",
  CASHIN_CHANNEL_ID: "95221",
  CASHIN_PRIVATE_KEY_PATH: resolve("test/fixtures/snap-test-private.pem"),
  CASHIN_PUBLIC_KEY_PATH: resolve("test/fixtures/snap-test-public.pem"),
};

async function main() {
  if (!existsSync(".next/BUILD_ID")) {
    log("no production build: running next build");
    await completion(startNode("next build", [nextBin, "build"], { env: { NEXT_TELEMETRY_DISABLED: "1" }, log: join(workDir, "build.log") }));
  }
  const dbFile = join(workDir, "load.db");
  log(`seeding ${transferCount.toLocaleString("en-US")} transfers`);
  const seeded = await seedHistory(dbFile, { transfers: transferCount });
  // The seeded history already fills today's daily totals, and each maker looks up far more than a person's hourly limit: the load's makers need room.
  const db = openDatabase(dbFile);
  for (const [key, value] of [["dailyTotalPerMaker", 1_000_000_000_000], ["lookUpsPerHour", 10_000]] as const) {
    writerOf(db).insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
  }
  await db.close();

  const mockPort = await freePort(4410);
  const mock = startNode("mock gateway", ["--import", "tsx", "scripts/mock-gateway.ts"], {
    env: { ...identity, MOCK_GATEWAY_PORT: String(mockPort) },
    log: join(workDir, "mock.log"),
  });
  await waitForUrl(`http://127.0.0.1:${mockPort}/`, mock, 30_000);
  const appPort = await freePort(3410);
  const appLog = join(workDir, "app.log");
  const app = startNode("next start", [nextBin, "start", "-p", String(appPort), "-H", "127.0.0.1"], {
    env: {
      ...identity,
      NODE_ENV: "production",
      // A mock gateway on loopback: the demo's defaults, allowed by name (docs/production.md#production-mode).
      DEMO_MODE: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      AUTH_URL: `http://127.0.0.1:${appPort}`,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      DATABASE_URL: `file:${dbFile}`,
      CASHIN_BASE_URL: `http://127.0.0.1:${mockPort}/pg/fo`,
    },
    log: appLog,
  });
  const appUrl = `http://127.0.0.1:${appPort}`;
  await waitForUrl(`${appUrl}/api/health`, app, 60_000);

  log(`signing in ${sessions} sessions`);
  const makers = seeded.makers.filter((m) => m.email !== seeded.login.email).concat(seeded.makers.filter((m) => m.email === seeded.login.email));
  const cookies: string[] = [];
  for (let i = 0; i < sessions; i++) cookies.push(await signIn(appUrl, { email: makers[i % makers.length]!.email, password: seeded.login.password }));

  const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 30 * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10);
  const views = [
    "/transfers",
    "/transfers?status=failed",
    "/transfers?status=processing&status=awaiting_approval",
    `/transfers?wallet=OVO&from=${monthAgo}&to=${today}`,
    `/transfers?q=${seeded.familyNames[3]!.toLowerCase()}`,
    "/transfers?sort=amount&dir=desc&min=1.000.000",
    "/transfers?page=40",
  ];
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  let clientIndex = 0;

  // Makers create transfers through the same two server actions as the New transfer screen.
  const created = { ok: 0, refused: 0, serverErrors: 0 };
  let running = true;
  const creator = async (n: number) => {
    const caller: CookieSession = { cookie: cookies[n]!, forwardedFor: `198.18.0.${n + 1}`, baseUrl: appUrl };
    for (let i = 0; running; i++) {
      const phone = `62857${String(n * 1_000_000 + i).padStart(7, "0")}`;
      const started = performance.now();
      const look = await invokeAction<{ inquiryId: number }>(caller, serverActions.lookUpWallet, { wallet: "DANA", phone, amount: 10_000 + i });
      count(look.status);
      latencies.push(performance.now() - started);
      if (look.status >= 500) created.serverErrors++;
      if (!look.result?.ok) {
        created.refused++;
        continue;
      }
      const confirmStarted = performance.now();
      const confirm = await invokeAction(caller, serverActions.createTransfer, { wallet: "DANA", phone, amount: 10_000 + i, inquiryId: look.result.data.inquiryId });
      count(confirm.status);
      latencies.push(performance.now() - confirmStarted);
      if (confirm.status >= 500) created.serverErrors++;
      if (confirm.result?.ok) created.ok++;
      else created.refused++;
    }
  };

  log(`${sessions} sessions for ${durationS} s: history views and filters, transfer details, and ${makersCreating} makers creating transfers`);
  const creators = Array.from({ length: makersCreating }, (_, n) => creator(n));
  const options: autocannon.Options = {
    url: appUrl,
    connections: sessions,
    duration: durationS,
    setupClient: (client) => {
      client.setHeaders({ cookie: cookies[clientIndex++ % cookies.length]! });
    },
    requests: [
      {
        setupRequest: (request) => {
          const detail = Math.random() < 0.3;
          const path = detail ? `/transfers/${1 + Math.floor(Math.random() * transferCount)}` : views[Math.floor(Math.random() * views.length)]!;
          return { ...request, method: "GET", path };
        },
      },
    ],
  };
  const summary = await new Promise<autocannon.Result>((resolveRun, rejectRun) => {
    const instance = autocannon(options, (error, result) => (error ? rejectRun(error) : resolveRun(result)));
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      count(statusCode);
      latencies.push(responseTime);
    });
  });
  running = false;
  await Promise.all(creators);
  await stop(app);
  await stop(mock);

  const appOutput = readFileSync(appLog, "utf8");
  const busy = (appOutput.match(/SQLITE_BUSY|database is locked/g) ?? []).length;
  const serverErrors = [...statuses].filter(([status]) => status >= 500).reduce((n, [, c]) => n + c, 0);
  const redirects = [...statuses].filter(([status]) => status >= 300 && status < 400).reduce((n, [, c]) => n + c, 0);
  console.log(`
Load: ${sessions} sessions, ${durationS} s, ${transferCount.toLocaleString("en-US")} transfers
  requests          ${latencies.length.toLocaleString("en-US")} (${Math.round(latencies.length / durationS)}/s); autocannon errors ${summary.errors}, timeouts ${summary.timeouts}
  latency p50       ${percentile(latencies, 0.5).toFixed(1)} ms
  latency p95       ${percentile(latencies, 0.95).toFixed(1)} ms
  statuses          ${[...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(", ")}
  transfers created ${created.ok} (refused ${created.refused})
  5xx responses     ${serverErrors}
  SQLITE_BUSY       ${busy}`);
  const failures = [
    serverErrors > 0 && `${serverErrors} responses were 5xx`,
    busy > 0 && `${busy} SQLITE_BUSY in the app's log`,
    redirects > 0 && `${redirects} redirects: sessions were lost`,
    summary.errors + summary.timeouts > 0 && "connection errors or timeouts",
    created.ok === 0 && "no transfer could be created",
  ].filter(Boolean);
  if (failures.length > 0) {
    console.log(`\nFAILED: ${failures.join("; ")}\n--- last lines of the app's log ---\n${appOutput.split("\n").slice(-40).join("\n")}`);
    process.exit(1);
  }
  console.log("\nPASSED: 0 responses 5xx, 0 SQLITE_BUSY.");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
