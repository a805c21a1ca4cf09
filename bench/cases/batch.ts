import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { migrateDatabase, openDatabase, writerOf } from "@/db/client";
import { batches, settings, transfers, users, type Role } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { defaultBatchConcurrency } from "@/lib/batches/runner";
import { approveBatch } from "@/lib/batches/decide";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch } from "@/lib/batches/rows";
import { runBatch } from "@/lib/batches/runner";
import { submitBatch } from "@/lib/batches/submit";
import { createCashinClient, type CashinClient } from "@/lib/cashin/client";
import type { RecordedRequest } from "@/lib/cashin/mock/server";
import type { TransferDeps } from "@/lib/transfers/deps";
import { inParallel, result, type CaseResult } from "../measure";
import { freePort, startNode, stop, waitForUrl } from "../processes";
import { nextReference, type GatewayTarget } from "./gateway";

/**
 * Case 5b: a batch payout of `rows` rows, as the app runs it, against the mock gateway: the file parsed and
 * stored, every row looked up (the check), submitted, approved by a manager, then sent at the batch's
 * default concurrency. Target: at least 100 transfers/s, every row topped up exactly once and succeeded.
 * Baselines, at the same concurrency through the same client with no database: as many bare look-ups
 * (for the check) and as many bare top-ups (for the send).
 *
 * The case starts its own mock, with its control endpoints on (the bench's mock has them off), so that it
 * can read every top-up the gateway received; it has no latency, and the rows' numbers (62812…) are the
 * mock's ordinary wallets that answer 2003800 at once. Its own database file leaves the seeded history,
 * and so the pages case, as it was.
 */

const ip = "203.0.113.50";
const wallets = ["DANA", "OVO", "GoPay", "ShopeePay"] as const;

function batchCsv(rows: number): string {
  const lines = ["wallet,phone,amount,note"];
  for (let i = 0; i < rows; i++) {
    lines.push(`${wallets[i % wallets.length]},62812${String(i + 1).padStart(7, "0")},${10_000 + (i % 1000) * 1000},bench row ${i + 1}`);
  }
  return lines.join("\n");
}

function expectOk<T>(step: string, answer: { ok: true; data: T } | { ok: false; message: string }): T {
  if (!answer.ok) throw new Error(`batch: ${step} failed: ${answer.message}`);
  return answer.data;
}

/** Bare client calls, `count` of them `concurrency` at a time, none stored anywhere. */
async function bareCalls(client: CashinClient, call: "inquiry" | "topup", count: number, concurrency: number): Promise<number> {
  const started = performance.now();
  await inParallel(count, concurrency, async (i) => {
    const request = { partnerReferenceNo: nextReference(), wallet: "DANA" as const, customerNumber: `62813${String(i + 1).padStart(7, "0")}`, amount: 10_000 };
    const answer = call === "inquiry" ? await client.inquiry(request) : await client.topup(request);
    if (answer.kind !== "success") throw new Error(`batch baseline: ${call} answered ${answer.kind}`);
  });
  return (count / (performance.now() - started)) * 1000;
}

export async function batchCase(
  target: Pick<GatewayTarget, "partnerId" | "channelId" | "signer">,
  {
    rows,
    concurrency = defaultBatchConcurrency,
    workDir,
    publicKeyPath,
    progress = () => {},
  }: { rows: number; concurrency?: number; workDir: string; publicKeyPath: string; progress?: (message: string) => void },
): Promise<CaseResult[]> {
  const port = await freePort(4320);
  const mock = startNode("batch mock gateway", ["--import", "tsx", "scripts/mock-gateway.ts"], {
    env: {
      MOCK_GATEWAY_PORT: String(port),
      MOCK_GATEWAY_CONTROL: "1",
      CASHIN_PARTNER_ID: target.partnerId,
      CASHIN_CHANNEL_ID: target.channelId,
      CASHIN_PUBLIC_KEY_PATH: publicKeyPath,
    },
    log: join(workDir, "batch-mock.log"),
  });
  const db = openDatabase(join(workDir, "batch.db"));
  try {
    await waitForUrl(`http://127.0.0.1:${port}/`, mock, 30_000);
    const client = createCashinClient({ ...target, baseUrl: `http://127.0.0.1:${port}/pg/fo`, timeoutMs: 15_000 });
    const deps: TransferDeps = { db, gateway: client, now: () => new Date(), gatewayTimeoutMs: 15_000 };

    migrateDatabase(db);
    const person = async (name: string, email: string, role: Role) =>
      writerOf(db).insert(users).values({ name, email, role, active: true, passwordHash: await hashPassword(randomBytes(16).toString("hex")) }).returning({ id: users.id, email: users.email }).get();
    const maker = await person("Bench Maker", "maker@bench.test", "staff");
    const manager = await person("Bench Manager", "manager@bench.test", "manager");
    // The batch totals billions of rupiah, far above the default daily total of a maker, and may hold more rows than one person's default batch rows per 24 hours.
    for (const [key, value] of [["dailyTotalPerMaker", 1_000_000_000_000], ["batchRowsPerDay", 1_000_000]] as const) {
      writerOf(db).insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
    }

    // Connections and the client's code warmed up, as in the long-lived app process.
    await bareCalls(client, "inquiry", 200, concurrency);
    await bareCalls(client, "topup", 200, concurrency);

    const parsed = parseBatchCsv(batchCsv(rows));
    if (!parsed.ok) throw new Error(`batch: the generated CSV does not parse: ${parsed.message}`);
    const { batchId } = expectOk("upload", await createBatch(deps, { actor: maker, ip }, { fileName: "bench.csv", rows: parsed.rows }));

    progress(`   batch: checking ${rows.toLocaleString("en-US")} rows (inquiries)`);
    const checkStarted = performance.now();
    if (!(await runBatch(deps, batchId, { concurrency }))) throw new Error("batch: another runner holds the batch");
    const checkRate = (rows / (performance.now() - checkStarted)) * 1000;
    const checked = db.select({ status: batches.status }).from(batches).where(eq(batches.id, batchId)).get();
    if (checked?.status !== "ready") throw new Error(`batch: after the check the batch is ${checked?.status}, not ready`);
    const inquiryBaseline = await bareCalls(client, "inquiry", rows, concurrency);

    // No pause before submitting: submit and approve write 10,000 rows in well under a second, so the
    // send starts on connections the mock still holds open. (When they blocked the event loop for seconds,
    // the mock closed the idle connections meanwhile and the first top-ups failed on them: this case is
    // what showed it.)
    const decideStarted = performance.now();
    const submitted = expectOk("submit", await submitBatch(deps, { actor: maker, ip }, { batchId }));
    if (submitted.status !== "awaiting_approval") throw new Error(`batch: submitted as ${submitted.status}, expected awaiting_approval`);
    expectOk("approve", await approveBatch(deps, { actor: manager, ip }, { batchId }));
    const decideSeconds = (performance.now() - decideStarted) / 1000;

    progress(`   batch: sending ${rows.toLocaleString("en-US")} transfers (top-ups)`);
    // sendTransfer logs a line per top-up; 10,000 of them would bury the bench's table.
    const info = console.info;
    console.info = () => {};
    let sendSeconds: number;
    try {
      const sendStarted = performance.now();
      if (!(await runBatch(deps, batchId, { concurrency, ctx: { actor: manager, ip } }))) throw new Error("batch: another runner holds the batch");
      sendSeconds = (performance.now() - sendStarted) / 1000;
    } finally {
      console.info = info;
    }
    const sent = db.select({ status: batches.status }).from(batches).where(eq(batches.id, batchId)).get();
    if (sent?.status !== "sent") throw new Error(`batch: after the send the batch is ${sent?.status}, not sent`);

    // Every top-up the mock received, counted per reference, against the batch's transfers.
    const response = await fetch(`http://127.0.0.1:${port}/__control/requests?call=topup`);
    if (!response.ok) throw new Error(`batch: the mock's request log answered ${response.status}`);
    const topups = new Map<string, number>();
    for (const request of ((await response.json()) as { requests: RecordedRequest[] }).requests) {
      if (request.partnerReferenceNo) topups.set(request.partnerReferenceNo, (topups.get(request.partnerReferenceNo) ?? 0) + 1);
    }
    const rowsSent = db
      .select({ reference: transfers.reference, status: transfers.status, cashinReference: transfers.cashinReference })
      .from(transfers)
      .where(eq(transfers.batchId, batchId))
      .all();
    if (rowsSent.length !== rows) throw new Error(`batch: ${rowsSent.length} transfers for ${rows} rows`);
    const duplicates = rowsSent.reduce((sum, t) => sum + Math.max(0, (topups.get(t.reference) ?? 0) - 1), 0);
    const exactlyOnce = rowsSent.filter((t) => t.status === "succeeded" && topups.get(t.reference) === 1).length;

    const topupBaseline = await bareCalls(client, "topup", rows, concurrency);

    const n = rows.toLocaleString("en-US");
    return [
      result(`batch of ${n} rows, check (concurrency ${concurrency})`, "inquiries/s", checkRate, inquiryBaseline),
      result(`batch of ${n} rows, submit + approve (one transaction each)`, "s", decideSeconds, null),
      result(`batch of ${n} rows, send incl. reference fetch (concurrency ${concurrency})`, "transfers/s", rows / sendSeconds, topupBaseline, { of: "value", op: ">=", limit: 100 }),
      result(`batch of ${n} rows, succeeded with exactly one top-up`, "transfers", exactlyOnce, null, { of: "value", op: ">=", limit: rows }),
      result(`batch of ${n} rows, with its Cash In reference for the results`, "transfers", rowsSent.filter((t) => t.cashinReference).length, null, { of: "value", op: ">=", limit: rows }),
      result(`batch of ${n} rows, duplicate top-ups`, "top-ups", duplicates, null, { of: "value", op: "<=", limit: 0 }),
    ];
  } finally {
    await db.close();
    await stop(mock);
  }
}
