import { writerOf, type Db } from "@/db/client";
import type { CashinClient } from "@/lib/cashin/client";
import { SERVICE_CODES } from "@/lib/cashin/protocol";
import { reconcileDue } from "@/lib/transfers/reconcile";
import { newReference } from "@/lib/transfers/reference";
import { inParallel, result, type CaseResult } from "../measure";
import { preSign, sendBare, type GatewayTarget } from "./gateway";

/**
 * Case 5: `count` transfers in `processing`, each one really topped up at the mock, settled by one pass of
 * the reconciler (its default concurrency). Baseline: as many bare, pre-signed status calls to the same
 * mock at the same concurrency, the most the round trips alone allow.
 */

const reconcilerConcurrency = 8;

/** Writes `rows` transfers in `processing` (each with its look-up), due now, before the timed pass; answers their references. */
export type InsertUnsettled = (rows: { phone: string; makerId: number; createdAt: number; reference: string; inquiryReference: string; dueAt: number }[]) => Promise<void>;

/** On SQLite: raw prepared statements in one transaction on the writing connection. */
function sqliteInsertUnsettled(db: Db): InsertUnsettled {
  const sqlite = writerOf(db).$client;
  const insertInquiry = sqlite.prepare(
    "insert into inquiries (user_id, wallet, phone, amount, reference, outcome, owner_name, created_at) values (?, 'DANA', ?, 250000, ?, 'found', 'Bench Customer', ?)",
  );
  const insertTransfer = sqlite.prepare(
    `insert into transfers (reference, wallet, phone, amount, owner_name, status, maker_id, inquiry_id, sent_at, next_check_at, checks, created_at, updated_at)
     values (?, 'DANA', ?, 250000, 'Bench Customer', 'processing', ?, ?, ?, ?, 0, ?, ?)`,
  );
  return async (rows) =>
    sqlite.transaction(() => {
      for (const row of rows) {
        const inquiryId = insertInquiry.run(row.makerId, row.phone, row.inquiryReference, row.createdAt).lastInsertRowid;
        insertTransfer.run(row.reference, row.phone, row.makerId, inquiryId, row.createdAt + 1000, row.dueAt, row.createdAt, row.createdAt + 1000);
      }
    })();
}

export async function settlingCase(
  db: Db,
  client: CashinClient,
  target: GatewayTarget,
  { count, makerId, insertUnsettled, label = "" }: { count: number; makerId: number; insertUnsettled?: InsertUnsettled; label?: string },
): Promise<CaseResult[]> {
  const insert = insertUnsettled ?? sqliteInsertUnsettled(db);
  let phones = 0;
  /** `n` transfers in `processing`, due now, whose top-ups the gateway has really received. */
  const unsettledTransfers = async (n: number) => {
    const now = Date.now();
    const createdAt = now - 120_000;
    const created = Array.from({ length: n }, () => ({
      phone: `62813${String(10_000_000 + ++phones)}`,
      makerId,
      createdAt,
      reference: newReference("TRF", new Date(createdAt)),
      inquiryReference: newReference("INQ", new Date(createdAt)),
      dueAt: now - 1000,
    }));
    await insert(created);
    await inParallel(created.length, reconcilerConcurrency, async (i) => {
      const { reference, phone } = created[i]!;
      const answer = await client.topup({ partnerReferenceNo: reference, wallet: "DANA", customerNumber: phone, amount: 250_000 });
      if (answer.kind !== "success") throw new Error(`settling set-up: top-up ${reference} answered ${answer.kind}`);
    });
    return created;
  };
  const deps = { db, gateway: client, now: () => new Date(), gatewayTimeoutMs: 15_000 };
  const settle = async (n: number) => {
    const pass = await reconcileDue(deps, { limit: n, concurrency: reconcilerConcurrency });
    if (pass.settled !== n) throw new Error(`settling: the reconciler settled ${pass.settled} of ${n}`);
  };

  // The app's reconciler runs in a long-lived process: a first, untimed pass warms the same code up.
  const warmup = Math.ceil(count / 10);
  await unsettledTransfers(warmup);
  await settle(warmup);

  const unsettled = await unsettledTransfers(count);
  const started = performance.now();
  await settle(count);
  const seconds = (performance.now() - started) / 1000;

  const statusCalls = preSign(
    target,
    "status",
    unsettled.map(({ reference }) => JSON.stringify({ originalPartnerReferenceNo: reference, serviceCode: SERVICE_CODES.topup })),
  );
  const bareStarted = performance.now();
  await sendBare(statusCalls, reconcilerConcurrency);
  const bareSeconds = (performance.now() - bareStarted) / 1000;

  return [
    result(`${label}settling ${count.toLocaleString("en-US")} processing transfers (concurrency ${reconcilerConcurrency})`, "transfers/s", count / seconds, count / bareSeconds, {
      of: "value",
      op: ">=",
      limit: 200,
    }),
  ];
}
