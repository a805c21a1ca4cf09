import type { BatchStatus } from "@/db/schema";

export type { BatchRowState, BatchStatus } from "@/db/schema";

/** A batch's status in the finance team's words (client-safe). */
export const batchStatusLabel: Record<BatchStatus, string> = {
  checking: "Checking",
  ready: "Ready to submit",
  awaiting_approval: "Awaiting approval",
  sending: "Sending",
  sent: "Sent",
  rejected: "Rejected",
  canceled: "Canceled",
  expired: "Expired",
};
