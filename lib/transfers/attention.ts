import "server-only";
import { and, asc, desc, eq, isNotNull, isNull } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "@/db/client";
import { batches, transfers, users } from "@/db/schema";
import { historyColumns, maker } from "./history";

/** The read side of Needs attention (docs/lifecycle.md#paying-twice-is-impossible): what the reconciler cannot settle and people must look at. */

const proposer = alias(users, "proposer");

const transferColumns = {
  ...historyColumns,
  cashinReference: transfers.cashinReference,
  sentAt: transfers.sentAt,
  lastCode: transfers.lastCode,
  lastMessage: transfers.lastMessage,
};

/** Transfers Cash In has not settled after the 3-day schedule, oldest first, with any outcome an admin recorded. */
export function unresolvedTransfers(db: Db) {
  return db
    .select({
      ...transferColumns,
      resolutionOutcome: transfers.resolutionOutcome,
      resolutionReason: transfers.resolutionReason,
      resolutionBy: transfers.resolutionBy,
      resolutionAt: transfers.resolutionAt,
      resolutionByName: proposer.name,
    })
    .from(transfers)
    .innerJoin(maker, eq(maker.id, transfers.makerId))
    .leftJoin(proposer, eq(proposer.id, transfers.resolutionBy))
    .where(eq(transfers.status, "unresolved"))
    .orderBy(asc(transfers.sentAt), asc(transfers.id))
    .limit(500)
    .all();
}

export type UnresolvedTransfer = ReturnType<typeof unresolvedTransfers>[number];

/** Contradictions no admin has reviewed yet, newest first. */
export function openDiscrepancies(db: Db) {
  return db
    .select({ ...transferColumns, discrepancy: transfers.discrepancy, discrepancyAt: transfers.discrepancyAt })
    .from(transfers)
    .innerJoin(maker, eq(maker.id, transfers.makerId))
    .where(and(isNotNull(transfers.discrepancyAt), isNull(transfers.discrepancyReviewedAt)))
    .orderBy(desc(transfers.discrepancyAt), desc(transfers.id))
    .limit(500)
    .all();
}

export type OpenDiscrepancy = ReturnType<typeof openDiscrepancies>[number];

/** Batches whose sending stopped long ago and waits for a person's confirmation. */
export function pausedBatches(db: Db) {
  return db
    .select({ id: batches.id, reference: batches.reference, fileName: batches.fileName, pausedAt: batches.pausedAt, makerId: batches.makerId, approverId: batches.approverId })
    .from(batches)
    .where(and(eq(batches.status, "sending"), isNotNull(batches.pausedAt)))
    .orderBy(asc(batches.pausedAt))
    .all();
}
