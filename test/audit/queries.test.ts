import { describe, expect, it } from "vitest";
import { auditCsvChunks, listAuditEntries } from "@/lib/audit/queries";
import { exportsTranslator } from "@/lib/spreadsheet/labels";
import { parseAuditFilters } from "@/lib/audit/filters";
import { recordAuditNow } from "@/lib/audit/record";
import { createTestDb, insertUser } from "../db";

async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

describe("The audit trail screen's filters and export", () => {
  it("falls back to no filter for missing or malformed parameters instead of failing", () => {
    expect(parseAuditFilters({})).toEqual({});
    expect(parseAuditFilters({ actor: "x", before: "-3", from: "2026-02-30", to: "yesterday", action: "a".repeat(500) })).toEqual({});
    expect(parseAuditFilters(new URLSearchParams("actor=2&action=user.create&from=2026-11-01"))).toEqual({ actor: 2, action: "user.create", from: "2026-11-01" });
  });

  it("filters by actor, action, target and Jakarta days, newest first, in keyset pages", async () => {
    const db = await createTestDb();
    const admin = await insertUser(db, { email: "a@x.test", role: "admin" });
    const day = (iso: string) => new Date(iso);
    await recordAuditNow(db, { actor: admin, action: "user.create", target: { type: "user", id: 7 }, at: day("2026-11-01T16:59:00Z") }); // 23:59 WIB on the 1st
    await recordAuditNow(db, { actor: admin, action: "user.role", target: { type: "user", id: 7 }, at: day("2026-11-01T17:00:00Z") }); // 00:00 WIB on the 2nd
    await recordAuditNow(db, { actor: null, action: "transfer.expired", target: { type: "transfer", id: 9 }, at: day("2026-11-02T03:00:00Z") });
    const actions = async (f: Record<string, string>) => (await listAuditEntries(db, parseAuditFilters(f))).rows.map((r) => r.action);
    expect(await actions({})).toEqual(["transfer.expired", "user.role", "user.create"]);
    expect(await actions({ actor: String(admin.id) })).toEqual(["user.role", "user.create"]);
    expect(await actions({ action: "user.role" })).toEqual(["user.role"]);
    expect(await actions({ targetType: "transfer", targetId: "9" })).toEqual(["transfer.expired"]);
    expect(await actions({ from: "2026-11-02", to: "2026-11-02" })).toEqual(["transfer.expired", "user.role"]);
    expect(await actions({ to: "2026-11-01" })).toEqual(["user.create"]);
    const firstId = (await listAuditEntries(db, parseAuditFilters({}))).rows[0]!.id;
    expect(await actions({ before: String(firstId) })).toEqual(["user.role", "user.create"]);
  });

  it("exports oldest first in batches, with the system as actor when nobody was, and defused formulas", async () => {
    const db = await createTestDb();
    for (let i = 0; i < 5; i++) await recordAuditNow(db, { actor: null, action: "transfer.expired", target: { type: "transfer", id: i }, after: { reason: "=cmd" } });
    const chunks = await collect(auditCsvChunks(db, parseAuditFilters({}), { batchSize: 2 }));
    expect(chunks).toHaveLength(4); // header, then 2 + 2 + 1 rows
    const lines = chunks.join("").replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^1,\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},system,,transfer\.expired,transfer,0,,"\{""reason"":""=cmd""\}",/);
  });

  it("names the columns in the reader's language and keeps the recorded values as they are", async () => {
    const db = await createTestDb();
    await recordAuditNow(db, { actor: null, action: "transfer.expired", target: { type: "transfer", id: 7 } });
    const read = async (locale: "id" | "en") => (await collect(auditCsvChunks(db, parseAuditFilters({}), { t: exportsTranslator(locale) }))).join("").replace(/^\uFEFF/, "").trim().split("\r\n");
    const [idHeader, idRow] = await read("id");
    expect(idHeader).toBe("id,waktu (WIB),pelaku,e-mail pelaku,tindakan,jenis sasaran,id sasaran,sebelum,sesudah,ip,hash");
    expect(idRow).toMatch(/,sistem,,transfer\.expired,transfer,7,/);
    expect((await read("en"))[0]).toBe("id,time (WIB),actor,actor e-mail,action,target type,target id,before,after,ip,hash");
  });
});
