"use server";

import { inArray } from "drizzle-orm";
import { z } from "zod";
import { transfers, type Inquiry, type TransferStatus } from "@/db/schema";
import { authorizedAction } from "@/lib/auth/action";
import { fail, ok, type ActionResult } from "@/lib/result";
import { approveTransfer, cancelTransfer, rejectTransfer } from "@/lib/transfers/approvals";
import { createTransfer } from "@/lib/transfers/create";
import { lookUpWallet } from "@/lib/transfers/inquiry";
import { limitProblem, needsApproval } from "@/lib/transfers/limits";
import { checkTransfer } from "@/lib/transfers/reconcile";
import { transferDeps } from "@/lib/transfers/runtime";
import { approveSchema, cancelSchema, createTransferSchema, lookUpSchema, refreshSchema, rejectSchema } from "@/lib/transfers/schemas";
import { getLimits } from "@/lib/transfers/settings";
import { unsettledAtGateway } from "@/lib/transfers/status";

const anyone = ["staff", "manager", "admin"] as const;
const managers = ["manager"] as const;
const revalidate = ["/", "/transfers", "/approvals"] as const;

export type LookUpAnswer = {
  inquiryId: number;
  wallet: Inquiry["wallet"];
  phone: string;
  amount: number;
  ownerName: string;
  needsApproval: boolean;
};

/** Step 1 of a new transfer: who owns this wallet? Limits are checked first, so no look-up is wasted. */
export const lookUpWalletAction = authorizedAction(
  { name: "transfer.look_up", roles: anyone, schema: lookUpSchema },
  async (input, { db, user }): Promise<ActionResult<LookUpAnswer>> => {
    const deps = transferDeps();
    const limits = getLimits(db);
    const problem = limitProblem(db, limits, user.id, input.amount, deps.now());
    if (problem) return fail("forbidden", problem, { amount: [problem] });
    const inquiry = await lookUpWallet(deps, user.id, input);
    if (inquiry.outcome !== "found" || !inquiry.ownerName) return fail("conflict", inquiry.message ?? "The wallet could not be found.");
    return ok({
      inquiryId: inquiry.id,
      wallet: inquiry.wallet,
      phone: inquiry.phone,
      amount: inquiry.amount,
      ownerName: inquiry.ownerName,
      needsApproval: needsApproval(limits, inquiry.amount),
    });
  },
);

/** Step 2: confirm the looked-up wallet; sent at once below the threshold, else queued for approval. */
export const createTransferAction = authorizedAction(
  { name: "transfer.create", roles: anyone, schema: createTransferSchema, revalidate },
  (input, { user, ip }) => createTransfer(transferDeps(), { actor: user, ip }, input),
);

export const approveTransferAction = authorizedAction(
  { name: "transfer.approve", roles: managers, schema: approveSchema, revalidate },
  (input, { user, ip }) => approveTransfer(transferDeps(), { actor: user, ip }, input),
);

export const rejectTransferAction = authorizedAction(
  { name: "transfer.reject", roles: managers, schema: rejectSchema, revalidate },
  (input, { user, ip }) => rejectTransfer(transferDeps(), { actor: user, ip }, input),
);

export const cancelTransferAction = authorizedAction(
  { name: "transfer.cancel", roles: anyone, schema: cancelSchema, revalidate },
  (input, { user, ip }) => cancelTransfer(transferDeps(), { actor: user, ip }, input),
);

/** How many status calls one refresh runs at once, so a long list does not flood Cash In. */
const refreshConcurrency = 4;

/**
 * "Refresh status": asks Cash In now about up to 20 unsettled transfers, 4 at a time. The history's
 * "Refresh all unsettled" sends them in chunks so it can show its progress between chunks.
 */
export const refreshTransfersAction = authorizedAction(
  { name: "transfer.refresh", roles: anyone, schema: refreshSchema, revalidate },
  async (input, { user, ip }): Promise<ActionResult<{ results: { transferId: number; status: TransferStatus | null }[] }>> => {
    const deps = transferDeps();
    const queue = [...new Set(input.transferIds)];
    const results: { transferId: number; status: TransferStatus | null }[] = [];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const checked = await checkTransfer(deps, id, { ctx: { actor: user, ip } });
        results.push({ transferId: id, status: checked.transfer?.status ?? null });
      }
    };
    await Promise.all(Array.from({ length: refreshConcurrency }, worker));
    return ok({ results });
  },
);

/** The unsettled transfers, for "Refresh all unsettled" (the browser refreshes them a few at a time). */
export const listUnsettledAction = authorizedAction(
  { name: "transfer.list_unsettled", roles: anyone, schema: z.object({}) },
  (_input, { db }): ActionResult<{ transferIds: number[] }> =>
    ok({
      transferIds: db
        .select({ id: transfers.id })
        .from(transfers)
        .where(inArray(transfers.status, unsettledAtGateway))
        .limit(1000)
        .all()
        .map((t) => t.id),
    }),
);
