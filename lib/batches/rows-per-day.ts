import { and, count, eq, gt } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import { auditEntries, batchRows, batches } from "@/db/schema";
import type { PersonContext } from "@/lib/actor";
import { recordAuditAtMostEvery } from "@/lib/audit/record";
import { formatFor } from "@/lib/format";
import { currentLocale } from "@/lib/i18n/current";
import { msg } from "@/lib/i18n/translate";
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
async function usesSince(tx: DbOrTx, userId: number, since: Date): Promise<Use[]> {
  const uploads = await tx
    .select({ at: batches.createdAt, rows: count(batchRows.id) })
    .from(batches)
    .innerJoin(batchRows, eq(batchRows.batchId, batches.id))
    .where(and(eq(batches.makerId, userId), gt(batches.createdAt, since)))
    .groupBy(batches.id);
  const fixes = (
    await tx
      .select({ at: auditEntries.at })
      .from(auditEntries)
      .where(and(eq(auditEntries.actorId, userId), gt(auditEntries.at, since), eq(auditEntries.action, "batch.row.edit")))
  ).map(({ at }) => ({ at, rows: 1 }));
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
export async function refuseOverBatchRows(tx: Tx, { actor, ip }: PersonContext, { rows, limit, now, fix = false }: { rows: number; limit: number; now: Date; fix?: boolean }) {
  const uses = await usesSince(tx, actor.id, new Date(now.getTime() - dayMs));
  const used = uses.reduce((sum, use) => sum + use.rows, 0);
  const remaining = Math.max(0, limit - used);
  if (rows <= remaining) return null;
  const format = formatFor(currentLocale());
  const words = { limit: format.number(limit), used: format.number(used), rows: format.number(rows), remaining: format.number(remaining) };
  let message: string;
  if (fix) message = msg("server.batches.rowsPerDay.fix", { ...words, time: format.timeNear(fitsAt(uses, used, 1, limit, now), now) });
  else if (rows > limit) message = msg("server.batches.rowsPerDay.overLimit", words);
  else {
    const time = format.timeNear(fitsAt(uses, used, rows, limit, now), now);
    message = msg(remaining === 0 ? "server.batches.rowsPerDay.noneLeft" : "server.batches.rowsPerDay.fewLeft", { ...words, time });
  }
  await recordAuditAtMostEvery(tx, 60_000, {
    actor,
    action: "batch.rate_limited",
    target: { type: "limit", id: "batchRowsPerDay" },
    after: { rows, used, limit, remaining, ...(fix ? { fix: true } : {}) },
    ip,
    at: now,
  });
  return fail("forbidden", message, fix ? undefined : { file: [message] });
}
