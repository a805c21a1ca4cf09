import type { ApprovalOutcome } from "../lib/transfers/approvals";
import type { CreatedTransfer } from "../lib/transfers/create";
import { demoUser, expect, test } from "./fixtures";
import {
  cookieSession,
  createFreshUser,
  invokeAction,
  lookUpWallet,
  serverActions as actions,
  signedInClient,
  submitTransfer,
  type ActionReply,
  type CookieSession,
} from "./support/actions";
import { withE2eDatabase } from "./support/database";
import { uniquePhone } from "./support/seed";
import { gatewayRequests } from "./support/gateway";

/*
 * docs/lifecycle.md#1-one-top-up-per-transfer over HTTP: many requests for one transfer, at the same moment, against the real
 * app (`next start`) and the mock gateway. Exactly one of them sends it.
 */

/** Above the approval threshold, to a wallet of its own: the same payment twice would be a possible duplicate (docs/lifecycle.md#paying-twice-is-impossible). */
const awaitingApproval = () => ({ wallet: "DANA" as const, phone: uniquePhone(), amount: 7_500_000 });
const alreadyDecided = /^This transfer was already decided: it is (approved|sending|processing|succeeded)\.$/;

function auditCount(transferId: number, action: string): number {
  return withE2eDatabase(
    (db) =>
      (db.prepare("select count(*) n from audit_entries where target_type = 'transfer' and target_id = ? and action = ?").get(String(transferId), action) as { n: number }).n,
  );
}

function dataOf<T>(reply: ActionReply<T>): T {
  expect(reply.status).toBe(200);
  if (!reply.result?.ok) throw new Error(`Expected ok, got ${JSON.stringify(reply)}`);
  return reply.result.data;
}

function transferStatus(transferId: number): string {
  return withE2eDatabase((db) => (db.prepare("select status from transfers where id = ?").get(transferId) as { status: string }).status);
}

test.describe("Races: one transfer is sent at most once (docs/lifecycle.md#1-one-top-up-per-transfer)", () => {
  // A fresh maker, so that these transfers do not eat into the demo staff's daily total. The sessions
  // are bare cookies sent with fetch, so that all the requests of a race leave at the same instant.
  let maker: CookieSession;
  let managers: CookieSession[];

  test.beforeAll(async () => {
    const admin = await signedInClient(demoUser("admin"));
    const makerUser = await createFreshUser(admin, "staff", "race-maker");
    await admin.dispose();
    const [makerClient, ...managerClients] = await Promise.all([signedInClient(makerUser), signedInClient(demoUser("manager", 0)), signedInClient(demoUser("manager", 1))]);
    maker = await cookieSession(makerClient);
    managers = await Promise.all(managerClients.map(cookieSession));
    await Promise.all([makerClient, ...managerClients].map((client) => client.dispose()));
  });

  test("50 concurrent approvals from two managers: one top-up, one approval entry, 49 told it was already decided", async () => {
    const transfer = await submitTransfer(maker, awaitingApproval());
    expect(transfer.status).toBe("awaiting_approval");

    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => invokeAction<ApprovalOutcome>(managers[i % 2]!, actions.approveTransfer, { transferId: transfer.transferId })),
    );

    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200));
    const winners = replies.filter((r) => r.result?.ok);
    expect(winners, JSON.stringify(winners)).toHaveLength(1);
    expect(winners[0]!.result).toMatchObject({ ok: true, data: { outcome: "approved" } });
    for (const loser of replies.filter((r) => !r.result?.ok)) {
      expect(loser.result).toMatchObject({ ok: false, code: "conflict", message: expect.stringMatching(alreadyDecided) });
    }
    expect(await gatewayRequests("topup", transfer.reference)).toHaveLength(1);
    expect(auditCount(transfer.transferId, "transfer.approved")).toBe(1);
    expect(auditCount(transfer.transferId, "transfer.sending")).toBe(1);
    expect(transferStatus(transfer.transferId)).toBe("succeeded");
  });

  test("50 concurrent confirmations of one look-up: one transfer, one top-up", async () => {
    const inquiry = await lookUpWallet(maker, { wallet: "OVO", phone: "6281234567890", amount: 43_210 });
    const confirm = { wallet: inquiry.wallet, phone: inquiry.phone, amount: inquiry.amount, inquiryId: inquiry.inquiryId };

    const replies = await Promise.all(Array.from({ length: 50 }, () => invokeAction<CreatedTransfer>(maker, actions.createTransfer, confirm)));

    // Every confirmation succeeds, and each answers with the one transfer.
    const answers = replies.map(dataOf);
    const { transferId, reference } = answers[0]!;
    expect(answers.filter((a) => a.transferId !== transferId)).toEqual([]);
    const rows = withE2eDatabase((db) => db.prepare("select count(*) n from transfers where inquiry_id = ?").get(inquiry.inquiryId) as { n: number });
    expect(rows.n).toBe(1);
    expect(await gatewayRequests("topup", reference)).toHaveLength(1);
    expect(auditCount(transferId, "transfer.create")).toBe(1);
    expect(auditCount(transferId, "transfer.sending")).toBe(1);
  });

  test("two managers approving the same transfer at once: one succeeds, the other is told it was already decided", async () => {
    const transfer = await submitTransfer(maker, awaitingApproval());

    const [first, second] = await Promise.all(managers.map((manager) => invokeAction<ApprovalOutcome>(manager, actions.approveTransfer, { transferId: transfer.transferId })));

    const outcomes = [first!, second!].map((reply) => (reply.result?.ok ? "approved" : reply.result?.message));
    expect(outcomes.filter((o) => o === "approved"), JSON.stringify(outcomes)).toHaveLength(1);
    expect(outcomes.find((o) => o !== "approved")).toMatch(alreadyDecided);
    expect(await gatewayRequests("topup", transfer.reference)).toHaveLength(1);
    expect(auditCount(transfer.transferId, "transfer.approved")).toBe(1);
  });
});
