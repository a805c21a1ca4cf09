import type { ReactNode } from "react";
import { ServerActionsProvider, type ServerActions } from "@/components/server-actions";
import { AppShell } from "@/components/shell/app-shell";
import { BadgesProvider } from "@/components/notifications/badges";
import { db } from "@/db/client";
import { badgesFor } from "@/lib/notifications/badges";
import { StepUpProvider } from "@/components/auth/step-up";
import { PauseBanner } from "@/components/sending/pause-banner";
import { resumeSendingAction } from "./admin/sending/actions";
import { requireSession, stepUpFreshUntil } from "@/lib/auth/session";
import { signOutAction } from "../login/actions";
import { verifyAuditAction } from "./admin/audit/actions";
import { updateLimitsAction } from "./admin/limits/actions";
import {
  changeRoleAction,
  createUserAction,
  resetPasswordAction,
  resetSecondFactorAction,
  setActiveAction,
  setSecondFactorPolicyAction,
} from "./admin/users/actions";
import {
  approveBatchAction,
  cancelBatchAction,
  editBatchRowAction,
  rejectBatchAction,
  removeBatchRowsAction,
  resumeBatchAction,
  submitBatchAction,
  uploadBatchAction,
} from "./batches/actions";
import {
  approveTransferAction,
  cancelTransferAction,
  confirmResolutionAction,
  createTransferAction,
  declineResolutionAction,
  listUnsettledAction,
  lookUpWalletAction,
  proposeResolutionAction,
  refreshTransfersAction,
  rejectTransferAction,
  reviewDiscrepancyAction,
} from "./transfers/actions";
import { archiveRecipientAction, importRecipientsAction, saveRecipientAction, updateRecipientAction } from "./recipients/actions";

/** Every server action the signed-in screens call, handed to them once (components never import app/). */
const actions: ServerActions = {
  lookUpWallet: lookUpWalletAction,
  createTransfer: createTransferAction,
  approveTransfer: approveTransferAction,
  rejectTransfer: rejectTransferAction,
  cancelTransfer: cancelTransferAction,
  refreshTransfers: refreshTransfersAction,
  listUnsettled: listUnsettledAction,
  proposeResolution: proposeResolutionAction,
  confirmResolution: confirmResolutionAction,
  declineResolution: declineResolutionAction,
  reviewDiscrepancy: reviewDiscrepancyAction,
  uploadBatch: uploadBatchAction,
  editBatchRow: editBatchRowAction,
  removeBatchRows: removeBatchRowsAction,
  submitBatch: submitBatchAction,
  approveBatch: approveBatchAction,
  rejectBatch: rejectBatchAction,
  cancelBatch: cancelBatchAction,
  resumeBatch: resumeBatchAction,
  createUser: createUserAction,
  changeRole: changeRoleAction,
  setActive: setActiveAction,
  resetPassword: resetPasswordAction,
  resetSecondFactor: resetSecondFactorAction,
  setSecondFactorPolicy: setSecondFactorPolicyAction,
  updateLimits: updateLimitsAction,
  verifyAudit: verifyAuditAction,
  saveRecipient: saveRecipientAction,
  updateRecipient: updateRecipientAction,
  archiveRecipient: archiveRecipientAction,
  importRecipients: importRecipientsAction,
};

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const { user, session } = await requireSession();
  const badges = await badgesFor(db(), user);
  return (
    <ServerActionsProvider actions={actions}>
      <StepUpProvider freshUntil={stepUpFreshUntil(session)}>
        <BadgesProvider initial={badges}>
          <AppShell user={user} signOut={signOutAction}>
            {/* Sending paused on a deposit alert (docs/deposit-alerts.md): on every page, for everyone. */}
            <PauseBanner role={user.role} resume={resumeSendingAction} />
            {children}
          </AppShell>
        </BadgesProvider>
      </StepUpProvider>
    </ServerActionsProvider>
  );
}
