import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { ApprovalOutcome } from "../lib/transfers/approvals";
import { demoUser, expect, test } from "./fixtures";
import {
  actionId,
  cookieSession,
  invokeAction,
  serverActions as actions,
  signedInClient,
  submitTransfer,
  type CookieSession,
} from "./support/actions";
import { freshDatabase, ownAppEnv, startApp, startMock } from "./support/own-app";
import { uniquePhone } from "./support/seed";

/*
 * Issue 19 as it is deployed (docs/postgresql.md#several-instances): two `next start` instances with BACKGROUND=off and
 * one `npm run worker`, all on one PostgreSQL database, as compose.postgres.yaml runs them behind Caddy. Requests are
 * spread over both instances; the processes are killed with SIGKILL, as a crash or an OOM kill would. Runs on the
 * test server scripts/test.sh starts (TEST_POSTGRES_URL); without one it is skipped, saying why.
 */

const postgresUrl = process.env.TEST_POSTGRES_URL ?? "";
const ports = { a: 3301, b: 3302, mock: 4311 };
const instance = { a: `http://localhost:${ports.a}`, b: `http://localhost:${ports.b}` };
const control = `http://127.0.0.1:${ports.mock}/__control`;
const alreadyDecided = /^This transfer was already decided: it is (approved|sending|processing|succeeded)\.$/;

/** A top-up as the mock recorded it on arrival; `httpStatus` stays null while its answer is held. */
type TopUp = { partnerReferenceNo: string; httpStatus: number | null };

async function setMockMode(mode: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${control}/mode`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(mode) });
  expect(response.status).toBe(200);
}

async function topups(): Promise<TopUp[]> {
  const { requests } = (await (await fetch(`${control}/requests?call=topup`)).json()) as { requests: TopUp[] };
  return requests;
}

test.describe("Two app instances and a worker on one PostgreSQL (docs/postgresql.md#several-instances)", () => {
  test.skip(!postgresUrl, "PostgreSQL tests skipped: TEST_POSTGRES_URL is not set (npm test sets it from scripts/postgres.sh)");
  test.describe.configure({ mode: "serial", timeout: 360_000 });

  let database = "";
  let url = "";
  let dataDirectory = "";
  let env: NodeJS.ProcessEnv = process.env;
  const processes = new Map<string, ChildProcess>();
  let sql: pg.Pool;
  let staffOnA: CookieSession;
  let managerOnA: CookieSession;
  let managerOnB: CookieSession;

  function startWorker(name: string): void {
    // tsx as a loader in this one process, not its CLI (which runs the script in a child that SIGKILL would miss).
    processes.set(name, spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], { env, stdio: "ignore" }));
  }

  function kill(name: string, signal: NodeJS.Signals = "SIGKILL"): void {
    processes.get(name)?.kill(signal);
    processes.delete(name);
  }

  async function one<T>(query: string, values: unknown[] = []): Promise<T> {
    return (await sql.query(query, values)).rows[0] as T;
  }

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    database = `cashin_e2e_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${database}`);
    await admin.end();
    const target = new URL(postgresUrl);
    target.pathname = `/${database}`;
    url = target.toString();
    sql = new pg.Pool({ connectionString: url, max: 2 });

    dataDirectory = mkdtempSync(join(tmpdir(), "cashin-pg-e2e-"));
    env = {
      ...ownAppEnv({ appPort: ports.a, mockPort: ports.mock, databaseFile: join(dataDirectory, "unused.db") }),
      DATABASE_URL: url,
      BACKGROUND: "off",
      RECONCILE_INTERVAL_MS: "1000",
      CASHIN_TIMEOUT_MS: "1500",
      TRUSTED_PROXY_HOPS: "1",
      MAIL_INTERVAL_MS: "1000",
    };
    // Migrated, the demo users seeded and enrolled with the e2e second-factor secrets, deposit alerts off: on PostgreSQL.
    freshDatabase(dataDirectory, env);
    processes.set("mock", await startMock(env));
    startWorker("worker-1");
    const [a, b] = await Promise.all([
      startApp(ports.a, { ...env, AUTH_URL: instance.a }),
      startApp(ports.b, { ...env, AUTH_URL: instance.b }),
    ]);
    processes.set("a", a);
    processes.set("b", b);

    const [staff, manager, otherManager] = await Promise.all([
      signedInClient({ ...demoUser("staff") }, { baseURL: instance.a }),
      signedInClient({ ...demoUser("manager", 0) }, { baseURL: instance.a }),
      signedInClient({ ...demoUser("manager", 1) }, { baseURL: instance.b }),
    ]);
    staffOnA = { ...(await cookieSession(staff)), baseUrl: instance.a };
    managerOnA = { ...(await cookieSession(manager)), baseUrl: instance.a };
    managerOnB = { ...(await cookieSession(otherManager)), baseUrl: instance.b };
    await Promise.all([staff, manager, otherManager].map((client) => client.dispose()));
  });

  test.afterAll(async () => {
    // The mock runs under tsx's CLI, which passes SIGTERM on to the script's process.
    for (const name of [...processes.keys()]) kill(name, name === "mock" ? "SIGTERM" : "SIGKILL");
    await sql?.end();
    if (dataDirectory) rmSync(dataDirectory, { recursive: true, force: true });
    if (database) {
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
    }
  });

  test("50 concurrent approvals of one transfer spread over both instances: one approval, one top-up, 49 told it was already decided", async () => {
    const transfer = await submitTransfer(staffOnA, { wallet: "DANA", phone: uniquePhone(), amount: 7_500_000 });
    expect(transfer.status).toBe("awaiting_approval");

    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => invokeAction<ApprovalOutcome>(i % 2 ? managerOnB : managerOnA, actions.approveTransfer, { transferId: transfer.transferId })),
    );

    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200));
    const winners = replies.filter((r) => r.result?.ok);
    expect(winners, JSON.stringify(winners)).toHaveLength(1);
    for (const loser of replies.filter((r) => !r.result?.ok)) {
      expect(loser.result).toMatchObject({ ok: false, code: "conflict", message: expect.stringMatching(alreadyDecided) });
    }
    expect((await topups()).filter((t) => t.partnerReferenceNo === transfer.reference)).toHaveLength(1);
    const audited = await one<{ approved: string; sending: string }>(
      `select count(*) filter (where action = 'transfer.approved') approved, count(*) filter (where action = 'transfer.sending') sending
         from audit_entries where target_type = 'transfer' and target_id = $1`,
      [String(transfer.transferId)],
    );
    expect(audited).toEqual({ approved: "1", sending: "1" });
    await expect.poll(async () => (await one<{ status: string }>("select status from transfers where id = $1", [transfer.transferId])).status).toBe("succeeded");
  });

  test("a 2,000-row batch sent while an instance and the worker are killed: every row exactly one top-up, the audit chain verifies", async () => {
    const rows = 2_000;
    const first = 1_000_000 + Math.floor(Math.random() * 8_000_000);
    const csv = ["wallet,phone,amount,note", ...Array.from({ length: rows }, (_, i) => `DANA,62898${String(first + i).padStart(7, "0")},10000,Payroll row ${i + 1}`)].join("\n");
    const fileName = `postgres-instances-${Date.now()}.csv`;

    // Uploaded through instance A (multipart, as the upload form posts it); its wallets are checked by the worker.
    const form = new FormData();
    form.append("_1_file", new File([csv], fileName, { type: "text/csv" }));
    form.append("0", JSON.stringify(["$K1"]));
    const upload = await fetch(new URL(actions.uploadBatch.page, instance.a), {
      method: "POST",
      headers: { "Next-Action": actionId(actions.uploadBatch.filename, actions.uploadBatch.exportedName), Accept: "text/x-component", Cookie: staffOnA.cookie, "X-Forwarded-For": staffOnA.forwardedFor },
      body: form,
      redirect: "manual",
    });
    await upload.arrayBuffer();
    expect({ status: upload.status, redirect: upload.headers.get("x-action-redirect") }).toEqual({ status: 200, redirect: null });
    const batch = await one<{ id: number; reference: string }>("select id, reference from batches where file_name = $1", [fileName]);
    expect(batch, "the upload made a batch").toBeDefined();
    await expect
      .poll(async () => (await one<{ status: string }>("select status from batches where id = $1", [batch.id])).status, { timeout: 180_000, intervals: [1_000] })
      .toBe("ready");

    // Submitted on A, approved on B (the total is above the approval threshold).
    const submitted = await invokeAction(staffOnA, actions.submitBatch, { batchId: batch.id });
    expect(submitted.result, JSON.stringify(submitted)).toMatchObject({ ok: true });
    const approved = await invokeAction(managerOnB, actions.approveBatch, { batchId: batch.id });
    expect(approved.result, JSON.stringify(approved)).toMatchObject({ ok: true });

    // Mid-send: Cash In takes the next top-ups (the money moves) but holds their answers; once every row the worker has
    // claimed (`sending`) is one of them, instance B and the worker die at once. Those rows are left `sending` with their
    // money sent: the second worker, which takes over once the first one's lease lapses, must ask Cash In about them, not
    // send them again. (Killed a moment earlier, a claimed row's top-up may not have left yet: Cash In never sees it and,
    // after the not-found grace of 10 minutes, it fails as never received, with no top-up; right, but not this test.)
    const before = (await topups()).length;
    await expect.poll(async () => (await topups()).length - before, { timeout: 120_000, intervals: [200] }).toBeGreaterThan(300);
    await setMockMode({ holdTopups: true });
    const allHeld = async () => {
      const held = (await topups()).filter((t) => t.httpStatus === null).map((t) => t.partnerReferenceNo);
      const sending = (await sql.query<{ reference: string }>("select reference from transfers where batch_id = $1 and status = 'sending'", [batch.id])).rows;
      return held.length > 0 && JSON.stringify(held.sort()) === JSON.stringify(sending.map((r) => r.reference).sort());
    };
    await expect.poll(allHeld, { timeout: 10_000, intervals: [50] }).toBe(true);
    kill("b");
    kill("worker-1");
    await setMockMode({});
    const inFlight = (await sql.query<{ reference: string }>("select reference from transfers where batch_id = $1 and status = 'sending'", [batch.id])).rows;
    expect(inFlight.length, "a row was in flight when the worker died").toBeGreaterThan(0);
    expect((await topups()).length - before).toBeLessThan(rows);
    startWorker("worker-2");

    await expect
      .poll(async () => (await one<{ n: string }>("select count(*) n from transfers where batch_id = $1 and status = 'succeeded'", [batch.id])).n, {
        timeout: 240_000,
        intervals: [2_000],
      })
      .toBe(String(rows))
      .catch(async (error: Error) => {
        // What was left, to tell a slow recovery from a row that nothing settles.
        const left = await sql.query(
          `select id, reference, status, topup_answer, checks, last_code, last_message, sent_at, next_check_at, lease_until, updated_at, now() as now
             from transfers where batch_id = $1 and status <> 'succeeded' order by id limit 20`,
          [batch.id],
        );
        const state = await one("select status, lease_until, paused_at, updated_at from batches where id = $1", [batch.id]);
        throw new Error(`${error.message}\nbatch: ${JSON.stringify(state)}\nrows not succeeded: ${JSON.stringify(left.rows, null, 1)}\nin flight at the kill: ${JSON.stringify(inFlight)}`);
      });
    expect(await one<{ status: string }>("select status from batches where id = $1", [batch.id])).toEqual({ status: "sent" });

    // Exactly one top-up per row, and none for anything else of the batch.
    const references = (await sql.query<{ reference: string }>("select reference from transfers where batch_id = $1", [batch.id])).rows.map((r) => r.reference);
    expect(references).toHaveLength(rows);
    const perReference = new Map<string, number>();
    for (const topup of await topups()) perReference.set(topup.partnerReferenceNo, (perReference.get(topup.partnerReferenceNo) ?? 0) + 1);
    expect(references.filter((reference) => perReference.get(reference) !== 1)).toEqual([]);

    // The audit chain the instances and both workers appended to verifies (npm run audit:verify on this database).
    const verify = spawnSync("npm", ["run", "-s", "audit:verify"], { env, encoding: "utf8" });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  });
});
