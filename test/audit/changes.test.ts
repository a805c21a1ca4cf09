import { describe, expect, it } from "vitest";
import { auditChanges } from "@/lib/audit/changes";

/** The audit trail screen's "Change" column (issue 15): one line per changed field, before → after. */
describe("auditChanges", () => {
  it("lists only the fields that differ, each with its before and after", () => {
    expect(auditChanges({ name: "Sari", role: "staff", active: true }, { name: "Sari", role: "manager", active: true })).toEqual([
      { field: "role", before: "staff", after: "manager" },
    ]);
    expect(auditChanges({ status: "awaiting_approval" }, { status: "approved", approvedBy: 3 })).toEqual([
      { field: "status", before: "awaiting_approval", after: "approved" },
      { field: "approvedBy", after: 3 },
    ]);
  });

  it("shows a creation's fields as new values and a removal's as values that went", () => {
    expect(auditChanges(null, { email: "eka@demo.test", role: "staff" })).toEqual([
      { field: "email", after: "eka@demo.test" },
      { field: "role", after: "staff" },
    ]);
    expect(auditChanges({ enrolledAt: "2026-12-01T06:59:00.000Z" }, null)).toEqual([{ field: "enrolledAt", before: "2026-12-01T06:59:00.000Z" }]);
  });

  it("compares nested values as JSON, and says nothing when nothing changed or nothing was recorded", () => {
    expect(auditChanges({ allowed: ["admin"] }, { allowed: ["admin"] })).toEqual([]);
    expect(auditChanges({ limits: { a: 1 } }, { limits: { a: 2 } })).toEqual([{ field: "limits", before: { a: 1 }, after: { a: 2 } }]);
    expect(auditChanges(null, null)).toEqual([]);
    expect(auditChanges(undefined, undefined)).toEqual([]);
  });

  it("keeps a value that is not an object as one line without a field name", () => {
    expect(auditChanges(null, [1, 2])).toEqual([{ field: null, after: [1, 2] }]);
    expect(auditChanges(1, 2)).toEqual([{ field: null, before: 1, after: 2 }]);
  });
});
