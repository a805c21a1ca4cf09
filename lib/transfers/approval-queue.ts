import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { transfers } from "@/db/schema";
import { historyColumns, maker } from "./history";

/**
 * The approval queue for one manager: oldest first, so nothing waits longest by accident, with how long
 * each has waited, when it expires, and whether it is the manager's own (which they cannot decide).
 */
export async function approvalQueue(db: Db, managerId: number, approvalWindowHours: number, now = new Date()) {
  return (await queued(db)).map((t) => {
    // A transfer sent back to the queue (approved long ago, never sent) waits from when it came back.
    const since = t.queuedAt ?? t.createdAt;
    return {
      ...t,
      ageMs: now.getTime() - since.getTime(),
      expiresInMs: since.getTime() + approvalWindowHours * 3_600_000 - now.getTime(),
      own: t.makerId === managerId,
    };
  });
}

function queued(db: Db) {
  return db
    .select({ ...historyColumns, queuedAt: transfers.queuedAt, lastMessage: transfers.lastMessage, approvalRule: transfers.approvalRule })
    .from(transfers)
    .innerJoin(maker, eq(maker.id, transfers.makerId))
    .where(and(eq(transfers.status, "awaiting_approval"), isNull(transfers.batchId)))
    .orderBy(asc(sql`coalesce(${transfers.queuedAt}, ${transfers.createdAt})`), asc(transfers.id))
    .limit(500);
}

export type QueuedTransfer = Awaited<ReturnType<typeof approvalQueue>>[number];
