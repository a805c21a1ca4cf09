import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, writerOf, type Db } from "@/db/client";
import { auditEntryHash, recordAuditNow } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify";

/** Rule 6 of docs/lifecycle.md#transitions: the audit trail is append-only and tamper-evident. */
describe("The audit chain names the first entry that was edited, deleted or inserted out of order", () => {
  let dir: string;
  let file: string;
  let db: Db;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "audit-"));
    file = join(dir, "app.db");
    db = openDatabase(file);
    migrateDatabase(db);
    for (let i = 1; i <= 5; i++) {
      await recordAuditNow(db, { actor: null, action: `test.step${i}`, target: { type: "test", id: i }, after: { n: i }, ip: "203.0.113.1" });
    }
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Tampering writes straight to the file, on the writing connection (the database's own reads are read-only).
  const sqlite = () => writerOf(db).$client;
  const cli = () =>
    spawnSync("npx", ["tsx", "--conditions=react-server", "scripts/audit-verify.ts"], {
      env: { ...process.env, DATABASE_URL: `file:${file}` },
      encoding: "utf8",
    });

  it("accepts an untouched chain, from the command line too", async () => {
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 5 });
    const run = cli();
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Audit trail intact: 5 entries verified");
  });

  it("finds an entry edited directly in SQLite", async () => {
    sqlite().prepare("update audit_entries set after = ? where id = 3").run(JSON.stringify({ n: 300 }));
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, entryId: 3, problem: "edited", entries: 2 });
    const run = cli();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Entry 3 was edited");
  });

  it("finds an edit that also recomputed the entry's own hash: the next entry no longer links to it", async () => {
    const row = sqlite().prepare("select * from audit_entries where id = 2").get() as { prev_hash: string };
    sqlite().prepare("update audit_entries set ip = '10.0.0.1', hash = ? where id = 2").run("f".repeat(64));
    expect(row.prev_hash).toHaveLength(64);
    const verdict = await verifyAuditChain(db);
    expect(verdict).toMatchObject({ ok: false, entryId: 2 });
  });

  it("finds a deleted entry", async () => {
    sqlite().prepare("delete from audit_entries where id = 2").run();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, entryId: 3, problem: "broken_link" });
    expect(cli().stderr).toContain("Entry 3 does not follow the entry before it");
  });

  it("finds a deleted entry whose successor was relinked to the entry before it", async () => {
    const deleted = sqlite().prepare("select prev_hash from audit_entries where id = 2").get() as { prev_hash: string };
    sqlite().prepare("delete from audit_entries where id = 2").run();
    sqlite().prepare("update audit_entries set prev_hash = ? where id = 3").run(deleted.prev_hash);
    // The links look intact now; entry 3's own hash still covers the hash of the entry that was deleted.
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, entryId: 3, problem: "edited", entries: 1 });
  });

  it("finds entries swapped out of order", async () => {
    const a = sqlite().prepare("select * from audit_entries where id = 2").get() as Record<string, unknown>;
    const b = sqlite().prepare("select * from audit_entries where id = 3").get() as Record<string, unknown>;
    const put = sqlite().prepare(
      "update audit_entries set at = @at, action = @action, target_id = @target_id, after = @after, prev_hash = @prev_hash, hash = @hash where id = @id",
    );
    put.run({ ...b, id: 2 });
    put.run({ ...a, id: 3 });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, entryId: 2, problem: "broken_link" });
  });

  it("verifies in batches, so a long trail is walked in constant memory", async () => {
    for (let i = 0; i < 30; i++) await recordAuditNow(db, { actor: null, action: "test.more", target: { type: "test" } });
    expect(await verifyAuditChain(db, 7)).toEqual({ ok: true, entries: 35 });
  });
});

describe("An entry's hash is pinned, so a verifier outside this code base can recompute it", () => {
  it("is SHA-256 over the previous hash, a line break and the entry's fields as a JSON array", () => {
    const prevHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const entry = {
      at: new Date("2025-03-31T16:30:05.000Z"),
      actorId: 7,
      actorEmail: "sari@example.co.id",
      action: "transfer.approve",
      targetType: "transfer",
      targetId: "TRF20250331LATE",
      before: { status: "awaiting_approval" },
      after: { status: "approved", note: "Bonus Café" },
      ip: "203.0.113.7",
    };
    // Computed outside this code base, in a UTF-8 shell:
    // printf '%s\n%s' "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" '[1743438605000,7,"sari@example.co.id","transfer.approve","transfer","TRF20250331LATE",{"status":"awaiting_approval"},{"status":"approved","note":"Bonus Café"},"203.0.113.7"]' | sha256sum
    expect(auditEntryHash(prevHash, entry)).toBe("1a4e0227314830c9c32bd09db8fb8665b74625970d6f66b88d57a52a1adfc01f");
  });
});
