"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { ChainVerdict } from "@/lib/audit/verify";
import type { BatchApproval } from "@/lib/batches/decide";
import type { Submitted } from "@/lib/batches/submit";
import type { ActionResult } from "@/lib/result";
import type { ApprovalOutcome } from "@/lib/transfers/approvals";
import type { CreatedTransfer } from "@/lib/transfers/create";
import type { LookUpAnswer } from "@/lib/transfers/inquiry";
import type { Limits } from "@/lib/transfers/limits-schema";
import type { Refreshed } from "@/lib/transfers/reconcile";
import type { ResolutionOutcome } from "@/lib/transfers/resolve";
import type { BatchRowState } from "@/lib/batches/labels";

/**
 * The server actions the signed-in screens call, handed down once by the app's layout: components depend on
 * this shape, never on app/ (dependencies point one way, docs/architecture.md). Every action parses its own
 * input on the server, so the input is `unknown` here as there.
 */
type Action<T> = (input: unknown) => Promise<ActionResult<T>>;

export type ServerActions = {
  lookUpWallet: Action<LookUpAnswer>;
  createTransfer: Action<CreatedTransfer>;
  approveTransfer: Action<ApprovalOutcome>;
  rejectTransfer: Action<null>;
  cancelTransfer: Action<null>;
  refreshTransfers: Action<{ results: Refreshed[] }>;
  listUnsettled: Action<{ transferIds: number[] }>;
  proposeResolution: Action<null>;
  confirmResolution: Action<{ status: ResolutionOutcome }>;
  declineResolution: Action<null>;
  reviewDiscrepancy: Action<null>;
  uploadBatch: Action<{ batchId: number; reference: string }>;
  editBatchRow: Action<{ state: BatchRowState; problem: string | null }>;
  removeBatchRows: Action<{ removed: number }>;
  submitBatch: Action<Submitted>;
  approveBatch: Action<BatchApproval>;
  rejectBatch: Action<null>;
  cancelBatch: Action<null>;
  resumeBatch: Action<{ notSent: number }>;
  createUser: Action<{ id: number }>;
  changeRole: Action<null>;
  setActive: Action<null>;
  resetPassword: Action<null>;
  resetSecondFactor: Action<null>;
  setSecondFactorPolicy: Action<null>;
  updateLimits: Action<Limits>;
  verifyAudit: Action<ChainVerdict>;
  saveRecipient: Action<{ recipientId: number; ownerName: string }>;
  updateRecipient: Action<{ ownerName: string }>;
  archiveRecipient: Action<null>;
  importRecipients: Action<{ imported: number }>;
};

const ServerActionsContext = createContext<ServerActions | null>(null);

export function ServerActionsProvider({ actions, children }: { actions: ServerActions; children: ReactNode }) {
  return <ServerActionsContext.Provider value={actions}>{children}</ServerActionsContext.Provider>;
}

export function useServerActions(): ServerActions {
  const actions = useContext(ServerActionsContext);
  if (!actions) throw new Error("useServerActions() outside the signed-in layout");
  return actions;
}
