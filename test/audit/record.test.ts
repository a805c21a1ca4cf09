import { describe, expect, it } from "vitest";
import { UnauditedTransactionError } from "@/db/database";
import { auditEntries, users } from "@/db/schema";
import { recordAudit, recordAuditMany, recordAuditNow } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createTestDb } from "../db";

/**
 * Appending to the audit chain (docs/lifecycle.md#transitions, rule 6), on either database: on PostgreSQL a transaction
 * reads the chain's last hash once, in the round trip that takes the writers' lock, and chains its own appends to it
 * (db/database.ts); a transaction that said it appends nothing took no lock and may not append.
 */
describe("recordAudit", () => {
  it("chains every append of one transaction to the one before it, over several calls", async () => {
    const db = await createTestDb();
    await recordAuditNow(db, { actor: null, action: "test.before", target: { type: "test", id: 0 } });
    await db.transaction(async (tx) => {
      await recordAudit(tx, { actor: null, action: "test.first", target: { type: "test", id: 1 } });
      await recordAudit(tx, { actor: null, action: "test.second", target: { type: "test", id: 2 } });
      await recordAuditMany(tx, [
        { actor: null, action: "test.third", target: { type: "test", id: 3 } },
        { actor: null, action: "test.fourth", target: { type: "test", id: 4 } },
      ]);
    });
    await recordAuditNow(db, { actor: null, action: "test.after", target: { type: "test", id: 5 } });

    const entries = await db.select().from(auditEntries).orderBy(auditEntries.id);
    expect(entries.map((e) => e.action)).toEqual(["test.before", "test.first", "test.second", "test.third", "test.fourth", "test.after"]);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 6 });
  });

  it("refuses an entry in a transaction opened { audited: false }, and that transaction keeps nothing", async () => {
    const db = await createTestDb();
    const work = db.transaction(
      async (tx) => {
        await tx.insert(users).values({ name: "Sari", email: "sari@x.test", role: "staff", active: true, passwordHash: "not-used-here" });
        await recordAudit(tx, { actor: null, action: "user.create", target: { type: "user", id: 1 } });
      },
      { audited: false },
    );
    await expect(work).rejects.toThrow(UnauditedTransactionError);
    expect(await db.select().from(users)).toEqual([]);
    expect(await db.select().from(auditEntries)).toEqual([]);
    // The next transaction, audited by default, appends as usual.
    await recordAuditNow(db, { actor: null, action: "test.after", target: { type: "test" } });
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 1 });
  });
});
