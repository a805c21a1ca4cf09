import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { auditEntries } from "@/db/schema";
import { defaultLimits, limitsSchemaFor } from "@/lib/transfers/limits-schema";
import { getLimits, updateLimits } from "@/lib/transfers/settings";
import { createHarness, expectOk, type Harness } from "./harness";

/**
 * docs/limits.md#changing-limits: the rules between limits hold in the form's schema and again where they are
 * saved, since a forged call skips the form; the look-up limits are settings like the others.
 */

const ip = "203.0.113.41";
const typed = { approvalThreshold: "5.000.000", maxPerTransfer: "25.000.000", dailyTotalPerMaker: "100.000.000", approvalWindowHours: "24", notFoundGraceMinutes: "10", nearDuplicateWindowHours: "24", lookUpsPerHour: "120", batchRowsPerDay: "20.000" };
const schema = limitsSchemaFor(15_000);
const fieldErrors = (input: Record<string, unknown>) => schema.safeParse(input).error?.issues.map((i) => [i.path.join("."), i.message]);

describe("The approval threshold is never above the maximum per transfer", () => {
  it("the form's schema refuses it with an error on the threshold; equal is allowed", () => {
    expect(fieldErrors({ ...typed, approvalThreshold: "25.000.001" })).toEqual([
      ["approvalThreshold", "The approval threshold cannot be above the maximum per transfer (Rp 25,000,000): no transfer would then need a manager's approval"],
    ]);
    expect(fieldErrors({ ...typed, approvalThreshold: "30.000.000", maxPerTransfer: "20.000.000" })?.[0]?.[0]).toBe("approvalThreshold");
    expect(schema.safeParse({ ...typed, approvalThreshold: "25.000.000" }).success).toBe(true);
  });

  describe("the save refuses a forged call", () => {
    let h: Harness;
    beforeEach(async () => {
      h = await createHarness();
    });
    afterEach(() => h.close());

    it("with the same field error, audited, and nothing saved", async () => {
      const refused = await updateLimits({ db: h.db, actor: h.admin, ip }, { ...defaultLimits, approvalThreshold: 1_000_000_000, maxPerTransfer: 25_000_000 });
      expect(refused).toMatchObject({ ok: false, code: "invalid", fieldErrors: { approvalThreshold: [expect.stringContaining("cannot be above the maximum per transfer (Rp 25,000,000)")] } });
      expect(await getLimits(h.db)).toEqual(defaultLimits);
      expect(await h.db.select().from(auditEntries).where(eq(auditEntries.action, "limits.update_refused"))).toEqual([
        expect.objectContaining({ actorId: h.admin.id, ip, after: expect.objectContaining({ approvalThreshold: 1_000_000_000, refused: { approvalThreshold: expect.any(String) } }) }),
      ]);
      expect(await h.db.select().from(auditEntries).where(eq(auditEntries.action, "limits.update"))).toHaveLength(0);
    });

    it("also when the maximum is lowered below the threshold", async () => {
      expect(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...defaultLimits, maxPerTransfer: 4_000_000 })).toMatchObject({ ok: false, fieldErrors: { approvalThreshold: [expect.any(String)] } });
      expectOk(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...defaultLimits, maxPerTransfer: 4_000_000, approvalThreshold: 4_000_000 }));
    });

    it("and a daily total below the maximum per transfer", async () => {
      expect(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...defaultLimits, dailyTotalPerMaker: 1_000_000 })).toMatchObject({ ok: false, fieldErrors: { dailyTotalPerMaker: [expect.any(String)] } });
    });
  });
});

describe("The look-up limits are settings like the others", () => {
  it("default to 120 look-ups an hour and 20.000 batch rows in 24 hours", () => {
    expect(defaultLimits).toMatchObject({ lookUpsPerHour: 120, batchRowsPerDay: 20_000 });
  });

  it("are typed as whole numbers, with or without thousand separators, within their bounds", () => {
    expect(schema.parse({ ...typed, lookUpsPerHour: "1.000", batchRowsPerDay: "50000" })).toMatchObject({ lookUpsPerHour: 1000, batchRowsPerDay: 50_000 });
    expect(fieldErrors({ ...typed, lookUpsPerHour: "12.5" })).toEqual([["lookUpsPerHour", "Enter a whole number of look-ups"]]);
    expect(fieldErrors({ ...typed, lookUpsPerHour: "0" })).toEqual([["lookUpsPerHour", "At least 1"]]);
    expect(fieldErrors({ ...typed, lookUpsPerHour: "10.001" })).toEqual([["lookUpsPerHour", "At most 10,000"]]);
    expect(fieldErrors({ ...typed, batchRowsPerDay: "2e4" })).toEqual([["batchRowsPerDay", "Enter a whole number of rows"]]);
    expect(fieldErrors({ ...typed, batchRowsPerDay: 1_000_001 })).toEqual([["batchRowsPerDay", "At most 1,000,000"]]);
    expect(fieldErrors({ ...typed, batchRowsPerDay: undefined })).toEqual([["batchRowsPerDay", "Enter a whole number of rows"]]);
  });

  it("are stored and audited like the others", async () => {
    const h = await createHarness();
    try {
      expectOk(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...defaultLimits, lookUpsPerHour: 60 }));
      expect((await getLimits(h.db)).lookUpsPerHour).toBe(60);
      expect(await first(h.db.select().from(auditEntries).where(eq(auditEntries.action, "limits.update")).limit(1))).toMatchObject({ before: { lookUpsPerHour: 120 }, after: { lookUpsPerHour: 60 } });
    } finally {
      await h.close();
    }
  });
});
