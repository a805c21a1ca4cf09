import { asc, gt } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditEntries } from "@/db/schema";
import { msg } from "@/lib/i18n/translate";
import { auditEntryHash, genesisHash } from "./record";

export type ChainVerdict =
  | { ok: true; entries: number }
  | { ok: false; entries: number; entryId: number; problem: "edited" | "broken_link"; message: string };

/**
 * Walks the audit trail in order and recomputes every hash (docs/lifecycle.md#6-the-audit-trail-is-hash-chained). An edited entry no
 * longer matches its own hash; a deleted or out-of-order entry breaks the link to its predecessor.
 * Reads in batches so a long trail is checked in constant memory. The message is in the language of `currentLocale()`:
 * the admin's on the audit page, English for `npm run audit:verify` and backups.
 */
export async function verifyAuditChain(db: DbOrTx, batchSize = 1000): Promise<ChainVerdict> {
  let previous = genesisHash;
  let lastId = 0;
  let entries = 0;
  for (;;) {
    const batch = await db.select().from(auditEntries).where(gt(auditEntries.id, lastId)).orderBy(asc(auditEntries.id)).limit(batchSize);
    if (batch.length === 0) return { ok: true, entries };
    for (const entry of batch) {
      if (entry.prevHash !== previous) {
        return {
          ok: false,
          entries,
          entryId: entry.id,
          problem: "broken_link",
          message: msg("server.audit.brokenLink", { entry: String(entry.id) }),
        };
      }
      if (auditEntryHash(entry.prevHash, entry) !== entry.hash) {
        return { ok: false, entries, entryId: entry.id, problem: "edited", message: msg("server.audit.edited", { entry: String(entry.id) }) };
      }
      previous = entry.hash;
      lastId = entry.id;
      entries++;
    }
  }
}
