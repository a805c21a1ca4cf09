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

export async function settlingCase(
  db: Db,
  client: CashinClient,
  target: GatewayTarget,
  { count, makerId }: { count: number; makerId: number },
): Promise<CaseResult[]> {
  // Set-up rows, written before the timed pass on the writing connection.
  const sqlite = writerOf(db).$client;
  const insertInquiry = sqlite.prepare(
    "insert into inquiries (user_id, wallet, phone, amount, reference, outcome, owner_name, created_at) values (?, 'DANA', ?, 250000, ?, 'found', 'Bench Customer', ?)",
  );
  const insertTransfer = sqlite.prepare(
    `insert into transfers (reference, wallet, phone, amount, owner_name, status, maker_id, inquiry_id, sent_at, next_check_at, checks, created_at, updated_at)
     values (?, 'DANA', ?, 250000, 'Bench Customer', 'processing', ?, ?, ?, ?, 0, ?, ?)`,
  );
  let phones = 0;
  /** `n` transfers in `processing`, due now, whose top-ups the gateway has really received. */
  const unsettledTransfers = async (n: number) => {
    const now = Date.now();
    const created = sqlite.transaction(() =>
      Array.from({ length: n }, () => {
        const phone = `62813${String(10_000_000 + ++phones)}`;
        const createdAt = now - 120_000;
        const inquiryId = insertInquiry.run(makerId, phone, newReference("INQ", new Date(createdAt)), createdAt).lastInsertRowid;
        const reference = newReference("TRF", new Date(createdAt));
        insertTransfer.run(reference, phone, makerId, inquiryId, createdAt + 1000, now - 1000, createdAt, createdAt + 1000);
        return { reference, phone };
      }),
    )();
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
    result(`settling ${count.toLocaleString("en-US")} processing transfers (concurrency ${reconcilerConcurrency})`, "transfers/s", count / seconds, count / bareSeconds, {
      of: "value",
      op: ">=",
      limit: 200,
    }),
  ];
}
