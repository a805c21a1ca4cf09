"use server";

import { z } from "zod";
import { admins, anyone, authorizedAction, managers } from "@/lib/auth/action";
import { ok } from "@/lib/result";
import { approveTransfer, cancelTransfer, rejectTransfer } from "@/lib/transfers/approvals";
import { createTransfer } from "@/lib/transfers/create";
import { lookUpForNewTransfer } from "@/lib/transfers/inquiry";
import { confirmResolution, declineResolution, proposeResolution, reviewDiscrepancy } from "@/lib/transfers/resolve";
import { refreshTransfers, unsettledTransferIds } from "@/lib/transfers/reconcile";
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

const revalidate = ["/", "/transfers", "/approvals", "/attention"] as const;

/** Step 1 of a new transfer: who owns this wallet, and was the same payment made recently? */
export const lookUpWalletAction = authorizedAction({ name: "transfer.look_up", roles: anyone, schema: lookUpSchema }, (input, { user, ip }) =>
  lookUpForNewTransfer(transferDeps(), { actor: user, ip }, input),
);

/** Step 2: confirm the looked-up wallet; sent at once below the threshold, else queued for approval. */
export const createTransferAction = authorizedAction(
  { name: "transfer.create", roles: anyone, schema: createTransferSchema, revalidate, auditInvalid: true },
  (input, { user, ip }) => createTransfer(transferDeps(), { actor: user, ip }, input),
);

export const approveTransferAction = authorizedAction(
  { name: "transfer.approve", roles: managers, stepUp: true, schema: approveSchema, revalidate, auditInvalid: true },
  (input, { user, ip }) => approveTransfer(transferDeps(), { actor: user, ip }, input),
);

export const rejectTransferAction = authorizedAction(
  { name: "transfer.reject", roles: managers, stepUp: true, schema: rejectSchema, revalidate },
  (input, { user, ip }) => rejectTransfer(transferDeps(), { actor: user, ip }, input),
);

export const cancelTransferAction = authorizedAction(
  { name: "transfer.cancel", roles: anyone, schema: cancelSchema, revalidate },
  (input, { user, ip }) => cancelTransfer(transferDeps(), { actor: user, ip }, input),
);

/** "Refresh status": asks Cash In now about up to 20 transfers (the history sends "Refresh all unsettled" in chunks). */
export const refreshTransfersAction = authorizedAction({ name: "transfer.refresh", roles: anyone, schema: refreshSchema, revalidate }, async (input, { user, ip }) =>
  ok({ results: await refreshTransfers(transferDeps(), input.transferIds, { actor: user, ip }) }),
);

/** The unsettled transfers, for "Refresh all unsettled" (the browser refreshes them a few at a time). */
export const listUnsettledAction = authorizedAction({ name: "transfer.list_unsettled", roles: anyone, schema: z.object({}) }, async (_input, { db }) =>
  ok({ transferIds: await unsettledTransferIds(db) }),
);

/** Unresolved transfers (docs/lifecycle.md#paying-twice-is-impossible): an admin records the outcome Cash In gives, a manager confirms or declines it. */
export const proposeResolutionAction = authorizedAction(
  { name: "transfer.resolution.propose", roles: admins, stepUp: true, schema: proposeResolutionSchema, revalidate, auditInvalid: true },
  (input, { user, ip }) => proposeResolution(transferDeps(), { actor: user, ip }, input),
);

export const confirmResolutionAction = authorizedAction(
  { name: "transfer.resolution.confirm", roles: managers, stepUp: true, schema: decideResolutionSchema, revalidate, auditInvalid: true },
  (input, { user, ip }) => confirmResolution(transferDeps(), { actor: user, ip }, input),
);

export const declineResolutionAction = authorizedAction(
  { name: "transfer.resolution.decline", roles: managers, stepUp: true, schema: declineResolutionSchema, revalidate, auditInvalid: true },
  (input, { user, ip }) => declineResolution(transferDeps(), { actor: user, ip }, input),
);

/** A discrepancy an admin has looked into with Cash In leaves Needs attention. */
export const reviewDiscrepancyAction = authorizedAction(
  { name: "transfer.discrepancy.review", roles: admins, stepUp: true, schema: reviewDiscrepancySchema, revalidate, auditInvalid: true },
  (input, { user, ip }) => reviewDiscrepancy(transferDeps(), { actor: user, ip }, input),
);
