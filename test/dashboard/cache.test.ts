import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase } from "@/db/client";
import { inquiries, transfers } from "@/db/schema";
import { cachedDashboardFigures, clearDashboardCache, dashboardFiguresAtHand, staleLimitMs } from "@/lib/dashboard/cache";
import { dashboardFigures, type DashboardFigures } from "@/lib/dashboard/figures";
import { figuresOffThread } from "@/lib/dashboard/off-thread";
import type { DashboardRange } from "@/lib/dashboard/range";
import { createTestDb, testDialect, insertUser, withFixtureWrites, type TestDb } from "../db";

/** docs/dashboard.md#freshness: the figures are read at most once a minute per range, and say when. */

const range: DashboardRange = { from: "2026-11-01", to: "2026-11-30" };
const at = (iso: string) => new Date(`${iso}+07:00`);
let db: TestDb;
let makerId: number;
let n = 0;

async function paid(amount: number) {
  n += 1;
  const [inquiry] = await db
    .insert(inquiries)
    .values({ userId: makerId, wallet: "DANA", phone: `6281200000${n}`, amount, reference: `INQC${n}`, outcome: "found", ownerName: "Siti" })
    .returning();
  await db
    .insert(transfers)
    .values({ reference: `TRFC${n}`, wallet: "DANA", phone: inquiry!.phone, amount, ownerName: "Siti", status: "succeeded", makerId, inquiryId: inquiry!.id, createdAt: at("2026-11-10T10:00:00"), updatedAt: at("2026-11-10T10:00:00") });
}

const paidTotal = (figures: DashboardFigures) => figures.volume.total;

beforeEach(async () => {
  clearDashboardCache();
  db = await createTestDb();
  makerId = (await insertUser(db, { email: "maker@x.test", role: "staff" })).id;
});

describe("The dashboard's figures are shared for a minute", () => {
  it("a second look within the minute reuses them, with the time they were read; after it they are shown while read again", async () => {
    // The readings as the app makes them, and a way to wait for one started in the background (a few round trips on PostgreSQL).
    let lastReading: Promise<unknown> = Promise.resolve();
    const read = (r: DashboardRange) => {
      const reading = dashboardFigures(db, r);
      lastReading = reading;
      return reading;
    };
    await paid(100_000);
    const first = await cachedDashboardFigures(db, range, { now: at("2026-12-01T10:00:00"), maxAgeMs: 60_000, read });
    expect(paidTotal(first.figures)).toBe(100_000);
    await paid(50_000);
    const again = await cachedDashboardFigures(db, range, { now: at("2026-12-01T10:00:59"), maxAgeMs: 60_000, read });
    expect(again.computedAt).toEqual(at("2026-12-01T10:00:00"));
    expect(paidTotal(again.figures)).toBe(100_000);
    // Past the minute: the visitor is not made to wait; the figures they see still say when they were read.
    const later = await cachedDashboardFigures(db, range, { now: at("2026-12-01T10:01:00"), maxAgeMs: 60_000, read });
    expect(later.computedAt).toEqual(at("2026-12-01T10:00:00"));
    expect(paidTotal(later.figures)).toBe(100_000);
    // The reading started by that visit serves the next one.
    await lastReading;
    await new Promise((resolve) => setTimeout(resolve, 0));
    const next = await cachedDashboardFigures(db, range, { now: at("2026-12-01T10:01:01"), maxAgeMs: 60_000, read });
    expect(next.computedAt).toEqual(at("2026-12-01T10:01:00"));
    expect(paidTotal(next.figures)).toBe(150_000);
  });

  it("stale figures start one reading however many visitors see them, and figures older than the stale limit are never shown", async () => {
    await paid(100_000);
    let reads = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = async (r: DashboardRange) => {
      reads++;
      if (reads > 1) await gate;
      return (await dashboardFigures(db, r));
    };
    await cachedDashboardFigures(db, range, { now: at("2026-12-01T10:00:00"), maxAgeMs: 60_000, read });
    await paid(1);
    const seen = await Promise.all([1, 2, 3].map(() => cachedDashboardFigures(db, range, { now: at("2026-12-01T10:02:00"), maxAgeMs: 60_000, read })));
    expect(seen.map((entry) => paidTotal(entry.figures))).toEqual([100_000, 100_000, 100_000]);
    expect(reads).toBe(2);
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await paid(2);
    // 15 minutes after the last reading (10:02), nothing is shown from before: this visitor waits for a new one.
    const late = await cachedDashboardFigures(db, range, { now: new Date(at("2026-12-01T10:02:00").getTime() + staleLimitMs), maxAgeMs: 60_000, read });
    expect(paidTotal(late.figures)).toBe(100_003);
    expect(reads).toBe(3);
  });

  it("0 reads them every time; another range is its own entry", async () => {
    await paid(100_000);
    await cachedDashboardFigures(db, range, { now: at("2026-12-01T10:00:00"), maxAgeMs: 60_000 });
    await paid(1);
    expect(paidTotal((await cachedDashboardFigures(db, range, { now: at("2026-12-01T10:00:01"), maxAgeMs: 0 })).figures)).toBe(100_001);
    expect(paidTotal((await cachedDashboardFigures(db, { from: "2026-11-02", to: "2026-11-30" }, { now: at("2026-12-01T10:00:02"), maxAgeMs: 60_000 })).figures)).toBe(100_001);
  });
});

describe("Figures at hand: what the overview renders with the page, without waiting", () => {
  it("none before a reading, during one, or with 0; within the stale limit the figures read, read again once in the background", async () => {
    await paid(100_000);
    let reads = 0;
    const read = (r: DashboardRange) => {
      reads++;
      return dashboardFigures(db, r);
    };
    const atHand = (iso: string, maxAgeMs = 60_000) => dashboardFiguresAtHand(db, range, { now: at(iso), maxAgeMs, read });
    expect(atHand("2026-12-01T10:00:00")).toBeNull();
    expect(reads).toBe(0);
    const reading = cachedDashboardFigures(db, range, { now: at("2026-12-01T10:00:00"), maxAgeMs: 60_000, read });
    expect(atHand("2026-12-01T10:00:00")).toBeNull();
    await reading;
    expect(atHand("2026-12-01T10:00:30")?.computedAt).toEqual(at("2026-12-01T10:00:00"));
    expect(atHand("2026-12-01T10:00:30", 0)).toBeNull();
    expect(reads).toBe(1);
    // Past the minute: still at hand, and two visits start one reading.
    expect(paidTotal(atHand("2026-12-01T10:05:00")!.figures)).toBe(100_000);
    expect(atHand("2026-12-01T10:05:00")?.computedAt).toEqual(at("2026-12-01T10:00:00"));
    expect(reads).toBe(2);
    // Once that reading is in, it is what is at hand, and nothing more is read.
    await expect.poll(() => atHand("2026-12-01T10:05:30")?.computedAt).toEqual(at("2026-12-01T10:05:00"));
    expect(reads).toBe(2);
  });

  it("figures older than the stale limit are not at hand", async () => {
    await paid(100_000);
    await cachedDashboardFigures(db, range, { now: at("2026-12-01T10:00:00"), maxAgeMs: 60_000 });
    expect(dashboardFiguresAtHand(db, range, { now: new Date(at("2026-12-01T10:00:00").getTime() + staleLimitMs), maxAgeMs: 60_000 })).toBeNull();
    expect(dashboardFiguresAtHand(db, range, { now: new Date(at("2026-12-01T10:00:00").getTime() + staleLimitMs - 1), maxAgeMs: 60_000 })).not.toBeNull();
  });
});

describe("Reading the figures off the app's thread", () => {
  it("visitors who arrive while a range is being read wait for that one reading", async () => {
    await paid(100_000);
    let reads = 0;
    const read = async (r: DashboardRange) => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return (await dashboardFigures(db, r));
    };
    const now = at("2026-12-01T10:00:00");
    const all = await Promise.all([1, 2, 3].map(() => cachedDashboardFigures(db, range, { now, maxAgeMs: 60_000, read })));
    expect(reads).toBe(1);
    expect(all.map((entry) => paidTotal(entry.figures))).toEqual([100_000, 100_000, 100_000]);
  });

  it("a reader that fails is replaced by a reading on this thread", async () => {
    await paid(70_000);
    const entry = await cachedDashboardFigures(db, range, { now: at("2026-12-01T10:00:00"), maxAgeMs: 60_000, read: () => Promise.reject(new Error("worker died")) });
    expect(paidTotal(entry.figures)).toBe(70_000);
  });

  // The worker thread reads a SQLite file; on PostgreSQL the figures are read on the app's thread (lib/dashboard/off-thread.ts).
  it.runIf(testDialect === "sqlite")("the worker thread reads the same figures from the database file as this thread does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cashin-dashboard-"));
    try {
      const file = join(dir, "app.db");
      db = withFixtureWrites(openDatabase(file));
      migrateDatabase(db);
      makerId = (await insertUser(db, { email: "maker2@x.test", role: "staff" })).id;
      await paid(123_000);
      await paid(77_000);
      const offThread = await figuresOffThread(file, range);
      expect(offThread).toEqual((await dashboardFigures(db, range)));
      expect(offThread.volume.total).toBe(200_000);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
