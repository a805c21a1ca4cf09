import { and, count, eq, gt } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditEntries, batchRows, batches } from "@/db/schema";
import type { PersonContext } from "@/lib/actor";
import { recordAuditAtMostEvery } from "@/lib/audit/record";
import { formatNumber, formatTimeNear } from "@/lib/format";
import { fail } from "@/lib/result";

/**
 * Owner names are personal data (docs/limits.md#batch-rows-per-person-per-24-hours): one upload could
 * otherwise reveal the owners of 10,000 wallets. A person's batch rows are counted over the last 24 hours,
 * not the Jakarta day, so no one gets twice the limit around midnight.
 */

const dayMs = 24 * 60 * 60_000;

type Use = { at: Date; rows: number };

/**
 * What counts, oldest first: every row of each file the person uploaded, and each row they fixed (a fix is
 * looked up again, so fixing one row over and over would otherwise look up any number of wallets).
 */
function usesSince(tx: DbOrTx, userId: number, since: Date): Use[] {
  const uploads = tx
    .select({ at: batches.createdAt, rows: count(batchRows.id) })
    .from(batches)
    .innerJoin(batchRows, eq(batchRows.batchId, batches.id))
    .where(and(eq(batches.makerId, userId), gt(batches.createdAt, since)))
    .groupBy(batches.id)
    .all();
  const fixes = tx
    .select({ at: auditEntries.at })
    .from(auditEntries)
    .where(and(eq(auditEntries.actorId, userId), gt(auditEntries.at, since), eq(auditEntries.action, "batch.row.edit")))
    .all()
    .map(({ at }) => ({ at, rows: 1 }));
  return [...uploads, ...fixes].sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** When enough of the person's uses are 24 h old for `rows` (at most the limit) more to fit. */
function fitsAt(uses: readonly Use[], used: number, rows: number, limit: number, now: Date): Date {
  let left = used;
  for (const use of uses) {
    left -= use.rows;
    if (left + rows <= limit) return new Date(use.at.getTime() + dayMs);
  }
  return now;
}

/**
 * Refuses `rows` more batch rows (a file's, or 1 for a fix) over the person's limit, saying how many remain;
 * audited at most once a minute per person. Inside the transaction that stores the rows, so two uploads at
 * once cannot both take what is left.
 */
export function refuseOverBatchRows(tx: DbOrTx, { actor, ip }: PersonContext, { rows, limit, now, fix = false }: { rows: number; limit: number; now: Date; fix?: boolean }) {
  const uses = usesSince(tx, actor.id, new Date(now.getTime() - dayMs));
  const used = uses.reduce((sum, use) => sum + use.rows, 0);
  const remaining = Math.max(0, limit - used);
  if (rows <= remaining) return null;
  const rule = `one person may look up at most ${formatNumber(limit)} batch rows in any 24 hours (uploaded rows and row fixes count)`;
  const usage = `you have used ${formatNumber(used)}`;
  let message: string;
  if (fix) message = `You cannot fix rows now: ${rule}, and ${usage}. Fixing is possible again at ${formatTimeNear(fitsAt(uses, used, 1, limit, now), now)}.`;
  else if (rows > limit) message = `This file has ${formatNumber(rows)} rows, but ${rule}. Split it into smaller files.`;
  else {
    const left = remaining === 0 ? "no more batch rows remain" : `only ${formatNumber(remaining)} more batch rows remain`;
    message = `This file has ${formatNumber(rows)} rows, but ${left} for you now: ${rule}, and ${usage}. Upload a smaller file, or this one from ${formatTimeNear(fitsAt(uses, used, rows, limit, now), now)}.`;
  }
  recordAuditAtMostEvery(tx, 60_000, {
    actor,
    action: "batch.rate_limited",
    target: { type: "limit", id: "batchRowsPerDay" },
    after: { rows, used, limit, remaining, ...(fix ? { fix: true } : {}) },
    ip,
    at: now,
  });
  return fail("forbidden", message, fix ? undefined : { file: [message] });
}
