import type { TransferStatus } from "@/db/schema";
import type { Translator } from "./words";

/** The statuses, for screens that list them (client components take them from here, not from db/). */
export { transferStatuses, type TransferStatus } from "@/db/schema";

/** How each status reads to the finance team, and whether the money's fate is still open. */
export const statusInfo: Record<
  TransferStatus,
  { label: string; tone: "neutral" | "brand" | "ok" | "warn" | "danger" | "info"; settled: boolean; description: string }
> = {
  awaiting_approval: { label: "Awaiting approval", tone: "warn", settled: false, description: "Waits for a manager's decision" },
  approved: { label: "Approved", tone: "brand", settled: false, description: "Approved, about to be sent" },
  sending: { label: "Sending", tone: "info", settled: false, description: "The top-up is on its way to Cash In" },
  processing: { label: "Processing", tone: "info", settled: false, description: "Cash In has not confirmed the outcome yet; checked automatically" },
  succeeded: { label: "Succeeded", tone: "ok", settled: true, description: "The money reached the wallet" },
  failed: { label: "Failed", tone: "danger", settled: true, description: "No money moved" },
  refunded: { label: "Refunded", tone: "neutral", settled: true, description: "Cash In returned the money" },
  rejected: { label: "Rejected", tone: "danger", settled: true, description: "A manager rejected it" },
  canceled: { label: "Canceled", tone: "neutral", settled: true, description: "Its maker canceled it before it was sent" },
  expired: { label: "Expired", tone: "neutral", settled: true, description: "Not approved within the approval window" },
  unresolved: {
    label: "Unresolved",
    tone: "danger",
    settled: false,
    description: "Cash In has not settled it after 3 days of checks: an admin records the outcome from Cash In's answer, a manager confirms it",
  },
};

/** Statuses whose outcome is still open at Cash In: the reconciler and "Refresh status" check these. */
export const unsettledAtGateway = ["sending", "processing"] as const satisfies readonly TransferStatus[];

export function isUnsettledAtGateway(status: TransferStatus): boolean {
  return (unsettledAtGateway as readonly TransferStatus[]).includes(status);
}

/** Statuses of transfers that moved no money and never will: they count against no limit and repeat no payment. */
export const movedNoMoney = ["rejected", "canceled", "expired", "failed"] as const satisfies readonly TransferStatus[];

/** A status inside a sentence, in `t`'s language: "it is awaiting approval". */
export function statusWord(t: Translator, status: TransferStatus): string {
  return t(`transferStatus.${status}.label`).toLowerCase();
}
