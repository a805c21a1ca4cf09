"use server";

import { inArray } from "drizzle-orm";
import { z } from "zod";
import { transfers, type TransferStatus } from "@/db/schema";
import { authorizedAction } from "@/lib/auth/action";
import { ok, type ActionResult } from "@/lib/result";
import { approveTransfer, cancelTransfer, rejectTransfer } from "@/lib/transfers/approvals";
import { createTransfer } from "@/lib/transfers/create";
import { lookUpForNewTransfer } from "@/lib/transfers/inquiry";
import { confirmResolution, declineResolution, proposeResolution, reviewDiscrepancy } from "@/lib/transfers/resolve";
import { checkTransfer } from "@/lib/transfers/settle";
import { transferDeps } from "@/lib/runtime";
import {
  approveSchema,
  cancelSchema,
  createTransferSchema,
  decideResolutionSchema,
  declineResolutionSchema,
  lookUpSchema,
  proposeResolutionSchema,
  refreshSchema,
  rejectSchema,
  reviewDiscrepancySchema,
} from "@/lib/transfers/schemas";
import { unsettledAtGateway } from "@/lib/transfers/status";

const anyone = ["staff", "manager", "admin"] as const;
const managers = ["manager"] as const;
const admins = ["admin"] as const;
const revalidate = ["/", "/transfers", "/approvals", "/attention"] as const;

/** Step 1 of a new transfer: who owns this wallet, and was the same payment made recently? */
export const lookUpWalletAction = authorizedAction({ name: "transfer.look_up", roles: anyone, schema: lookUpSchema }, (input, { user }) =>
  lookUpForNewTransfer(transferDeps(), user.id, input),
);

/** Step 2: confirm the looked-up wallet; sent at once below the threshold, else queued for approval. */
export const createTransferAction = authorizedAction(
  { name: "transfer.create", roles: anyone, schema: createTransferSchema, revalidate, auditInvalid: true },
  (input, { user, ip }) => createTransfer(transferDeps(), { actor: user, ip }, input),
);

export const approveTransferAction = authorizedAction(
  { name: "transfer.approve", roles: managers, schema: approveSchema, revalidate, auditInvalid: true },
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

/** Unresolved transfers (SPEC §8.1): an admin records the outcome Cash In gives, a manager confirms or declines it. */
export const proposeResolutionAction = authorizedAction(
  { name: "transfer.resolution.propose", roles: admins, schema: proposeResolutionSchema, revalidate, auditInvalid: true },
  (input, { user, ip }) => proposeResolution(transferDeps(), { actor: user, ip }, input),
);

export const confirmResolutionAction = authorizedAction(
  { name: "transfer.resolution.confirm", roles: managers, schema: decideResolutionSchema, revalidate, auditInvalid: true },
  (input, { user, ip }) => confirmResolution(transferDeps(), { actor: user, ip }, input),
);

export const declineResolutionAction = authorizedAction(
  { name: "transfer.resolution.decline", roles: managers, schema: declineResolutionSchema, revalidate, auditInvalid: true },
  (input, { user, ip }) => declineResolution(transferDeps(), { actor: user, ip }, input),
);

/** A discrepancy an admin has looked into with Cash In leaves Needs attention. */
export const reviewDiscrepancyAction = authorizedAction(
  { name: "transfer.discrepancy.review", roles: admins, schema: reviewDiscrepancySchema, revalidate, auditInvalid: true },
  (input, { user, ip }) => reviewDiscrepancy(transferDeps(), { actor: user, ip }, input),
);
