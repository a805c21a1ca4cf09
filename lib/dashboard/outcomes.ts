import type { TransferStatus } from "@/db/schema";
import { unsettledAtGateway } from "@/lib/transfers/status";

/** What the dashboard counts as paid: Cash In confirmed the money reached the wallet (docs/dashboard.md#what-counts-as-paid). */
export const paidStatus = "succeeded" satisfies TransferStatus;

/** The outcomes of the transfers that reached Cash In, in the order the share shows them. */
export const outcomes = ["succeeded", "failed", "unsettled", "refunded", "unresolved"] as const;
export type Outcome = (typeof outcomes)[number];

/** Each status of a transfer that reached Cash In, and its outcome; the other statuses never reached it. */
export const outcomeOf: Partial<Record<TransferStatus, Outcome>> = {
  succeeded: "succeeded",
  failed: "failed",
  refunded: "refunded",
  unresolved: "unresolved",
  ...Object.fromEntries(unsettledAtGateway.map((status) => [status, "unsettled"])),
};
