import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { inquiries, transfers } from "@/db/schema";
import { cachedDashboardFigures, clearDashboardCache } from "@/lib/dashboard/cache";
import type { DashboardRange } from "@/lib/dashboard/range";
import { createTestDb, insertUser } from "../db";

/** docs/dashboard.md#freshness: the figures are read at most once a minute per range, and say when. */

const range: DashboardRange = { from: "2026-11-01", to: "2026-11-30" };
const at = (iso: string) => new Date(`${iso}+07:00`);
let db: Db;
let makerId: number;
let n = 0;

function paid(amount: number) {
  n += 1;
  const inquiry = db
    .insert(inquiries)
    .values({ userId: makerId, wallet: "DANA", phone: `6281200000${n}`, amount, reference: `INQC${n}`, outcome: "found", ownerName: "Siti" })
    .returning()
    .get();
  db.insert(transfers)
    .values({ reference: `TRFC${n}`, wallet: "DANA", phone: inquiry.phone, amount, ownerName: "Siti", status: "succeeded", makerId, inquiryId: inquiry.id, createdAt: at("2026-11-10T10:00:00"), updatedAt: at("2026-11-10T10:00:00") })
    .run();
}

const paidTotal = (figures: ReturnType<typeof cachedDashboardFigures>["figures"]) => figures.volume.total;

beforeEach(async () => {
  clearDashboardCache();
  db = createTestDb();
  makerId = (await insertUser(db, { email: "maker@x.test", role: "staff" })).id;
});

describe("The dashboard's figures are shared for a minute", () => {
  it("a second look within the minute reuses them, with the time they were read; after it they are read again", () => {
    paid(100_000);
    const first = cachedDashboardFigures(db, range, { now: at("2026-12-01T10:00:00"), maxAgeMs: 60_000 });
    expect(paidTotal(first.figures)).toBe(100_000);
    paid(50_000);
    const again = cachedDashboardFigures(db, range, { now: at("2026-12-01T10:00:59"), maxAgeMs: 60_000 });
    expect(again.computedAt).toEqual(at("2026-12-01T10:00:00"));
    expect(paidTotal(again.figures)).toBe(100_000);
    const later = cachedDashboardFigures(db, range, { now: at("2026-12-01T10:01:00"), maxAgeMs: 60_000 });
    expect(later.computedAt).toEqual(at("2026-12-01T10:01:00"));
    expect(paidTotal(later.figures)).toBe(150_000);
  });

  it("0 reads them every time; another range is its own entry", () => {
    paid(100_000);
    cachedDashboardFigures(db, range, { now: at("2026-12-01T10:00:00"), maxAgeMs: 60_000 });
    paid(1);
    expect(paidTotal(cachedDashboardFigures(db, range, { now: at("2026-12-01T10:00:01"), maxAgeMs: 0 }).figures)).toBe(100_001);
    expect(paidTotal(cachedDashboardFigures(db, { from: "2026-11-02", to: "2026-11-30" }, { now: at("2026-12-01T10:00:02"), maxAgeMs: 60_000 }).figures)).toBe(100_001);
  });
});
