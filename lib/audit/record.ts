import { actorLabel, type Actor } from "@/lib/actor";
import { createHash } from "node:crypto";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { first, type Db, type Tx } from "@/db/client";
import { assertMayAppendAudit, chainHeadOf } from "@/db/database";
import { dialectOf, jsonText } from "@/db/dialect";
import { auditEntries } from "@/db/schema";

export type AuditInput = {
  actor: Actor;
  action: string;
  target: { type: string; id?: string | number | null };
  before?: unknown;
  after?: unknown;
  ip?: string | null;
  at?: Date;
};

export const genesisHash = "0".repeat(64);

/**
 * An entry's hash: hex SHA-256 of the UTF-8 bytes of `prevHash`, then "\n", then `JSON.stringify` of the
 * 9-element array [at in epoch milliseconds, actorId, actorEmail, action, targetType, targetId, before, after,
 * ip] (absent before/after as null). Covering the previous hash chains each entry to the one before it, so
 * an entry cannot be deleted or moved unnoticed. The format is pinned by a vector computed with sha256sum in
 * test/audit/verify.test.ts: a verifier outside this code base must be able to recompute it, and entries
 * already written keep their hashes, so it never changes.
 */
export function auditEntryHash(
  prevHash: string,
  entry: {
    at: Date;
    actorId: number | null;
    actorEmail: string | null;
    action: string;
    targetType: string;
    targetId: string | null;
    before: unknown;
    after: unknown;
    ip: string | null;
  },
): string {
  const content = JSON.stringify([
    entry.at.getTime(),
    entry.actorId,
    entry.actorEmail,
    entry.action,
    entry.targetType,
    entry.targetId,
    entry.before ?? null,
    entry.after ?? null,
    entry.ip,
  ]);
  return createHash("sha256").update(prevHash).update("\n").update(content).digest("hex");
}

/**
 * Appends one entry to the audit trail. Call it inside the transaction that makes the change, so the
 * change and its record land together; the previous hash is read in that same transaction.
 */
export async function recordAudit(tx: Tx, input: AuditInput): Promise<void> {
  await recordAuditMany(tx, [input]);
}

function entryOf(input: AuditInput) {
  return {
    at: input.at ?? new Date(),
    actorId: input.actor?.id ?? null,
    // A person acting through an API key is named with the key (docs/api.md#who-acts); the hash covers the label as written.
    actorEmail: input.actor ? actorLabel(input.actor) : null,
    action: input.action,
    targetType: input.target.type,
    targetId: input.target.id == null ? null : String(input.target.id),
    before: input.before ?? null,
    after: input.after ?? null,
    ip: input.ip ?? null,
  };
}

/**
 * Appends entries in order, chaining each to the one before: the last hash is read once and the rest
 * computed here, and rows are inserted a thousand at a time, so a batch of 10.000 changes is recorded
 * in a fraction of a second. Same rule as `recordAudit`: inside the transaction that makes the changes.
 */
export async function recordAuditMany(tx: Tx, inputs: readonly AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  assertMayAppendAudit();
  // On PostgreSQL the transaction read the last hash when it took the writers' lock (db/database.ts).
  const head = await chainHeadOf(tx);
  let prevHash = (head ? head.hash : (await first(tx.select({ hash: auditEntries.hash }).from(auditEntries).orderBy(desc(auditEntries.id)).limit(1)))?.hash) ?? genesisHash;
  const rows = inputs.map((input) => {
    const entry = entryOf(input);
    const hash = auditEntryHash(prevHash, entry);
    const row = { ...entry, prevHash, hash };
    prevHash = hash;
    return row;
  });
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(auditEntries).values(rows.slice(i, i + 1000));
  if (head) head.hash = prevHash;
}

/** Records an audit entry in its own transaction (for events that change nothing else). Not inside another transaction: use `recordAudit(tx, …)` there. */
export async function recordAuditNow(db: Db, input: AuditInput): Promise<void> {
  await db.transaction((tx) => recordAudit(tx, input));
}

/**
 * Appends the entry unless the same actor's same action on the same target was recorded in the `periodMs`
 * before it: for refusals a person can repeat quickly (a rate limit), which must be on record without
 * flooding an append-only trail. Returns whether it was recorded. Inside the transaction that decides.
 */
export async function recordAuditAtMostEvery(tx: Tx, periodMs: number, input: AuditInput, { sameReason }: { sameReason?: string } = {}): Promise<boolean> {
  const entry = entryOf(input);
  const recent = await first(
    tx
      .select({ id: auditEntries.id })
      .from(auditEntries)
      .where(
        and(
          entry.actorId === null ? isNull(auditEntries.actorId) : eq(auditEntries.actorId, entry.actorId),
          gt(auditEntries.at, new Date(entry.at.getTime() - periodMs)),
          eq(auditEntries.action, entry.action),
          eq(auditEntries.targetType, entry.targetType),
          entry.targetId === null ? isNull(auditEntries.targetId) : eq(auditEntries.targetId, entry.targetId),
          // Entries of another reason (after.reason) are not repeats: one kind of refusal never hides another.
          sameReason === undefined ? undefined : eq(jsonText(dialectOf(tx), auditEntries.after, "reason"), sameReason),
        ),
      )
      .limit(1),
  );
  if (recent) return false;
  await recordAuditMany(tx, [{ ...input, at: entry.at }]);
  return true;
}
