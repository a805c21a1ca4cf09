import "server-only";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { transfers, users } from "@/db/schema";

/**
 * The approval queue for one manager: oldest first, so nothing waits longest by accident, with how long
 * each has waited, when it expires, and whether it is the manager's own (which they cannot decide).
 */
export function approvalQueue(db: Db, managerId: number, approvalWindowHours: number, now = new Date()) {
  return queued(db).map((t) => ({
    ...t,
    ageMs: now.getTime() - t.createdAt.getTime(),
    expiresInMs: t.createdAt.getTime() + approvalWindowHours * 3_600_000 - now.getTime(),
    own: t.makerId === managerId,
  }));
}

function queued(db: Db) {
  return db
    .select({
      id: transfers.id,
      reference: transfers.reference,
      wallet: transfers.wallet,
      phone: transfers.phone,
      amount: transfers.amount,
      ownerName: transfers.ownerName,
      createdAt: transfers.createdAt,
      makerId: transfers.makerId,
      makerName: users.name,
    })
    .from(transfers)
    .innerJoin(users, eq(users.id, transfers.makerId))
    .where(and(eq(transfers.status, "awaiting_approval"), isNull(transfers.batchId)))
    .orderBy(asc(transfers.createdAt), asc(transfers.id))
    .limit(500)
    .all();
}

export type QueuedTransfer = ReturnType<typeof approvalQueue>[number];
