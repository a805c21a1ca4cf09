import { describe, expect, it } from "vitest";
import { auditTargetKey, auditTargetsOf, listAuditEntries } from "@/lib/audit/queries";
import { parseAuditFilters } from "@/lib/audit/filters";
import { recordAuditNow } from "@/lib/audit/record";
import { createTestDb, insertUser } from "../db";

/** The audit trail screen names targets (issue 15): a person by name and e-mail, not "user 7". */
describe("auditTargetsOf", () => {
  it("resolves a page's user targets in one go; what no longer exists, or is no row at all, stays unresolved", async () => {
    const db = await createTestDb();
    const admin = await insertUser(db, { email: "a@x.test", role: "admin" });
    const subject = await insertUser(db, { email: "sari@x.test", role: "staff" });
    await recordAuditNow(db, { actor: admin, action: "user.role", target: { type: "user", id: subject.id } });
    await recordAuditNow(db, { actor: admin, action: "user.create", target: { type: "user", id: subject.id } });
    await recordAuditNow(db, { actor: null, action: "transfer.expired", target: { type: "transfer", id: 999 } });
    await recordAuditNow(db, { actor: null, action: "auth.sign_in_failed", target: { type: "email", id: "x@x.test" } });
    const targets = await auditTargetsOf(db, (await listAuditEntries(db, parseAuditFilters({}))).rows);
    expect(targets).toEqual({ [auditTargetKey("user", String(subject.id))]: { type: "user", id: subject.id, name: subject.name, email: "sari@x.test" } });
    expect(await auditTargetsOf(db, [])).toEqual({});
  });
});
