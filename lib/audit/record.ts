import { createHash } from "node:crypto";
import { desc } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { auditEntries } from "@/db/schema";

export type AuditInput = {
  actor: { id: number; email: string } | null;
  action: string;
  target: { type: string; id?: string | number | null };
  before?: unknown;
  after?: unknown;
  ip?: string | null;
  at?: Date;
};

export const genesisHash = "0".repeat(64);

/** The fields an entry's hash covers, in a fixed order, so a verifier can recompute it. */
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
export function recordAudit(tx: DbOrTx, input: AuditInput): void {
  const last = tx.select({ hash: auditEntries.hash }).from(auditEntries).orderBy(desc(auditEntries.id)).limit(1).get();
  const prevHash = last?.hash ?? genesisHash;
  const entry = {
    at: input.at ?? new Date(),
    actorId: input.actor?.id ?? null,
    actorEmail: input.actor?.email ?? null,
    action: input.action,
    targetType: input.target.type,
    targetId: input.target.id == null ? null : String(input.target.id),
    before: input.before ?? null,
    after: input.after ?? null,
    ip: input.ip ?? null,
  };
  tx.insert(auditEntries)
    .values({ ...entry, prevHash, hash: auditEntryHash(prevHash, entry) })
    .run();
}

/** Records an audit entry in its own immediate transaction (for events that change nothing else). */
export function recordAuditNow(db: Db, input: AuditInput): void {
  db.transaction((tx) => recordAudit(tx, input), { behavior: "immediate" });
}
