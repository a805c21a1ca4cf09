import { eq, max } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { inquiries, recipients, transfers, type TransferStatus } from "@/db/schema";
import { dashboardFigures, outcomeShare, paidVolume, timeToSettle, topRecipients } from "@/lib/dashboard/figures";
import type { DashboardRange } from "@/lib/dashboard/range";
import { createTestDb, insertUser, type TestDb } from "../db";

/*
 * docs/dashboard.md: every figure against values worked out here from the seeded rows, in plain
 * TypeScript (filters, sorts and sums over the list of what was inserted), never with the app's SQL.
 */

/** WIB wall-clock time → the instant. */
const wib = (iso: string) => new Date(`${iso}+07:00`);

type Wallet = "DANA" | "OVO" | "GOPAY" | "SHOPEEPAY";
type Seed = {
  createdAt: Date;
  status?: TransferStatus;
  wallet?: Wallet;
  phone?: string;
  amount?: number;
  ownerName?: string;
  /** Seconds from sent_at to settled_at. */
  settledAfterS?: number;
  recipientId?: number;
};
type Seeded = Required<Omit<Seed, "settledAfterS" | "recipientId">> & { settledAfterS?: number; recipientId?: number };

let db: TestDb;
let makerId: number;
let seeded: Seeded[];
let sequence = 0;

async function add(seed: Seed): Promise<void> {
  sequence += 1;
  const row: Seeded = {
    status: "succeeded",
    wallet: "DANA",
    phone: `62812${String(sequence).padStart(8, "0")}`,
    amount: 10_000,
    ownerName: "Siti Rahayu",
    ...seed,
  };
  const [inquiry] = await db
    .insert(inquiries)
    .values({ userId: makerId, wallet: row.wallet, phone: row.phone, amount: row.amount, reference: `INQ${sequence}`, outcome: "found", ownerName: row.ownerName, createdAt: row.createdAt })
    .returning();
  const sentAt = row.settledAfterS === undefined ? null : new Date(row.createdAt.getTime() + 5_000);
  await db
    .insert(transfers)
    .values({
      reference: `TRF${String(sequence).padStart(15, "0")}`,
      wallet: row.wallet,
      phone: row.phone,
      amount: row.amount,
      ownerName: row.ownerName,
      status: row.status,
      makerId,
      inquiryId: inquiry!.id,
      recipientId: row.recipientId ?? null,
      sentAt,
      settledAt: sentAt && new Date(sentAt.getTime() + row.settledAfterS! * 1000),
      createdAt: row.createdAt,
      updatedAt: row.createdAt,
    });
  seeded.push(row);
}

async function addRecipient(label: string, wallet: Wallet, phone: string, ownerName: string): Promise<number> {
  const [inquiry] = await db
    .insert(inquiries)
    .values({ userId: makerId, wallet, phone, amount: 10_000, reference: `INQR${++sequence}`, outcome: "found", ownerName })
    .returning();
  const [recipient] = await db
    .insert(recipients)
    .values({ label, labelKey: label.toLowerCase(), wallet, phone, ownerName, inquiryId: inquiry!.id, verifiedAt: new Date(), createdBy: makerId })
    .returning({ id: recipients.id });
  return recipient!.id;
}

/** The Jakarta day of an instant, worked out by hand: shift by 7 hours and read the UTC date. */
const dayOf = (at: Date) => new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
const inRange = (row: Seeded, range: DashboardRange) => dayOf(row.createdAt) >= range.from && dayOf(row.createdAt) <= range.to;
const paidIn = (range: DashboardRange) => seeded.filter((row) => row.status === "succeeded" && inRange(row, range));

/** The median as a textbook has it: sort, take the middle one or the mean of the middle two. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

beforeEach(async () => {
  db = await createTestDb();
  makerId = (await insertUser(db, { email: "sari@x.test", role: "staff" })).id;
  seeded = [];
});

const march: DashboardRange = { from: "2025-03-01", to: "2025-03-31" };

describe("Volume: rupiah and transfers paid per Jakarta day and e-wallet", () => {
  it("counts only succeeded transfers, per day and wallet, equal to the sums worked out from the rows", async () => {
    const statuses: TransferStatus[] = ["succeeded", "failed", "processing", "sending", "refunded", "awaiting_approval", "approved", "rejected", "canceled", "expired", "unresolved"];
    const wallets: Wallet[] = ["DANA", "OVO", "GOPAY", "SHOPEEPAY"];
    for (let i = 0; i < 120; i++) {
      await add({
        createdAt: wib(`2025-03-${String(1 + (i % 9) * 3).padStart(2, "0")}T${String(i % 24).padStart(2, "0")}:${String((i * 7) % 60).padStart(2, "0")}:00`),
        status: statuses[i % statuses.length],
        wallet: wallets[(i * 5) % 4],
        amount: 10_000 + i * 1_250,
      });
    }
    const volume = await paidVolume(db, march);
    expect(volume.days.map((d) => d.day)).toEqual(Array.from({ length: 31 }, (_, i) => `2025-03-${String(i + 1).padStart(2, "0")}`));
    for (const day of volume.days) {
      for (const wallet of wallets) {
        const rows = paidIn(march).filter((row) => dayOf(row.createdAt) === day.day && row.wallet === wallet);
        expect(day.byWallet[wallet], `${day.day} ${wallet}`).toEqual({ count: rows.length, total: rows.reduce((sum, row) => sum + row.amount, 0) });
      }
    }
    const paid = paidIn(march);
    expect(volume.count).toBe(paid.length);
    expect(volume.total).toBe(paid.reduce((sum, row) => sum + row.amount, 0));
    expect(volume.count).toBeGreaterThan(0);
    expect(volume.count).toBeLessThan(seeded.length);
  });

  it("puts a transfer made at 23:30 WIB on that day, and one at 00:30 WIB on the next (not by UTC date)", async () => {
    await add({ createdAt: wib("2025-03-10T23:30:00"), amount: 11_000 });
    await add({ createdAt: wib("2025-03-11T00:30:00"), amount: 22_000 });
    await add({ createdAt: wib("2025-03-11T06:59:59"), amount: 33_000 });
    await add({ createdAt: wib("2025-03-11T07:00:00"), amount: 44_000 });
    const days = Object.fromEntries((await paidVolume(db, { from: "2025-03-10", to: "2025-03-11" })).days.map((d) => [d.day, d.total]));
    expect(days).toEqual({ "2025-03-10": 11_000, "2025-03-11": 99_000 });
  });

  it("includes the first and the last day of the range whole, and nothing outside it", async () => {
    await add({ createdAt: wib("2025-02-28T23:59:59"), amount: 1_000 });
    await add({ createdAt: wib("2025-03-01T00:00:00"), amount: 2_000 });
    await add({ createdAt: wib("2025-03-31T23:59:59"), amount: 4_000 });
    await add({ createdAt: wib("2025-04-01T00:00:00"), amount: 8_000 });
    expect(await paidVolume(db, march)).toMatchObject({ count: 2, total: 6_000 });
  });

  it("gives every day of an empty range at zero", async () => {
    const volume = await paidVolume(db, { from: "2025-03-01", to: "2025-03-07" });
    expect(volume).toMatchObject({ count: 0, total: 0 });
    expect(volume.days).toHaveLength(7);
    expect(volume.days.every((d) => d.count === 0 && d.total === 0)).toBe(true);
  });
});

describe("Outcomes: the share of transfers that reached Cash In", () => {
  it("counts succeeded, failed, unsettled (sending + processing), refunded and unresolved; never the ones that were not sent", async () => {
    const counts: Partial<Record<TransferStatus, number>> = { succeeded: 7, failed: 2, sending: 1, processing: 3, refunded: 1, unresolved: 1, awaiting_approval: 4, approved: 2, rejected: 3, canceled: 1, expired: 2 };
    for (const [status, n] of Object.entries(counts)) for (let i = 0; i < n; i++) await add({ createdAt: wib(`2025-03-1${i % 10}T10:00:00`), status: status as TransferStatus });
    await add({ createdAt: wib("2025-04-01T00:00:00"), status: "failed" });
    const rows = seeded.filter((row) => inRange(row, march));
    const count = (...statuses: TransferStatus[]) => rows.filter((row) => statuses.includes(row.status)).length;
    const share = await outcomeShare(db, march);
    expect(share).toEqual({
      succeeded: count("succeeded"),
      failed: count("failed"),
      unsettled: count("sending", "processing"),
      refunded: count("refunded"),
      unresolved: count("unresolved"),
      total: count("succeeded", "failed", "sending", "processing", "refunded", "unresolved"),
    });
    expect(share.unsettled).toBe(4);
    expect(share.total).toBe(15);
  });

  it("is all zero for a range without transfers", async () => {
    expect(await outcomeShare(db, march)).toEqual({ succeeded: 0, failed: 0, unsettled: 0, refunded: 0, unresolved: 0, total: 0 });
  });
});

describe("Median time to settle: sent → succeeded", () => {
  it("takes the middle one of an odd count", async () => {
    for (const s of [50, 3, 20, 7, 400]) await add({ createdAt: wib("2025-03-05T10:00:00"), settledAfterS: s });
    expect(await timeToSettle(db, march)).toEqual({ medianMs: 20_000, count: 5 });
  });

  it("takes the mean of the two middle ones of an even count", async () => {
    for (const s of [50, 3, 20, 7, 400, 90]) await add({ createdAt: wib("2025-03-05T10:00:00"), settledAfterS: s });
    expect(await timeToSettle(db, march)).toEqual({ medianMs: 35_000, count: 6 });
  });

  it("equals the textbook median over many rows, counting only succeeded transfers sent and settled in the range", async () => {
    for (let i = 0; i < 101; i++) await add({ createdAt: wib(`2025-03-${String(1 + (i % 28)).padStart(2, "0")}T12:00:00`), settledAfterS: (i * 37) % 113 });
    await add({ createdAt: wib("2025-03-05T10:00:00"), status: "failed", settledAfterS: 1 });
    await add({ createdAt: wib("2025-03-05T10:00:00"), status: "processing" });
    await add({ createdAt: wib("2025-04-02T10:00:00"), settledAfterS: 9_999 });
    const expected = paidIn(march).filter((row) => row.settledAfterS !== undefined).map((row) => row.settledAfterS! * 1000);
    expect(await timeToSettle(db, march)).toEqual({ medianMs: median(expected), count: expected.length });
  });

  it("leaves out the transfers whose outcome an admin recorded: their settle time is when people agreed", async () => {
    for (const s of [10, 20, 30]) await add({ createdAt: wib("2025-03-05T10:00:00"), settledAfterS: s });
    await add({ createdAt: wib("2025-03-05T10:00:00"), settledAfterS: 4 * 24 * 3600 });
    const [last] = await db.select({ id: max(transfers.id) }).from(transfers);
    await db.update(transfers).set({ resolutionBy: makerId }).where(eq(transfers.id, last!.id!));
    expect(await timeToSettle(db, march)).toEqual({ medianMs: 20_000, count: 3 });
  });

  it("is absent without a succeeded transfer", async () => {
    await add({ createdAt: wib("2025-03-05T10:00:00"), status: "failed", settledAfterS: 4 });
    expect(await timeToSettle(db, march)).toEqual({ medianMs: null, count: 0 });
  });
});

describe("Top recipients: by rupiah paid, a saved recipient as one line", () => {
  it("groups a saved recipient's transfers per number, apart from the same number paid without it, and orders by rupiah", async () => {
    const john = await addRecipient("John payroll", "DANA", "6281234567890", "John Doe");
    await add({ createdAt: wib("2025-03-02T10:00:00"), recipientId: john, phone: "6281234567890", ownerName: "John Doe", amount: 100_000 });
    await add({ createdAt: wib("2025-03-02T11:00:00"), recipientId: john, phone: "6281234567890", ownerName: "John Doe", amount: 50_000 });
    // The recipient's number was changed afterwards: another owner's money, its own line, named by its own transfer.
    await add({ createdAt: wib("2025-03-03T10:00:00"), recipientId: john, phone: "6281299999999", ownerName: "Andi Wijaya", amount: 5_000 });
    await add({ createdAt: wib("2025-03-04T10:00:00"), recipientId: john, status: "failed", amount: 900_000 });
    // The same DANA number paid without picking the saved recipient: its own line, named by its latest transfer.
    await add({ createdAt: wib("2025-03-05T10:00:00"), phone: "6281234567890", ownerName: "J Doe", amount: 60_000 });
    await add({ createdAt: wib("2025-03-06T10:00:00"), phone: "6281234567890", ownerName: "John D", amount: 70_000 });
    // Same phone on OVO is another wallet.
    await add({ createdAt: wib("2025-03-06T11:00:00"), wallet: "OVO", phone: "6281234567890", ownerName: "Johnny", amount: 149_000 });
    const top = await topRecipients(db, march);
    expect(top).toEqual([
      { recipientId: null, label: null, wallet: "DANA", phone: "6281234567890", ownerName: "John D", count: 2, total: 130_000 },
      { recipientId: john, label: "John payroll", wallet: "DANA", phone: "6281234567890", ownerName: "John Doe", count: 2, total: 150_000 },
      { recipientId: null, label: null, wallet: "OVO", phone: "6281234567890", ownerName: "Johnny", count: 1, total: 149_000 },
      { recipientId: john, label: "John payroll", wallet: "DANA", phone: "6281299999999", ownerName: "Andi Wijaya", count: 1, total: 5_000 },
    ].sort((a, b) => b.total - a.total));
  });

  it("keeps the 10 paid the most, equal to the grouping worked out from the rows", async () => {
    for (let i = 0; i < 60; i++) await add({ createdAt: wib(`2025-03-${String(1 + (i % 20)).padStart(2, "0")}T09:00:00`), phone: `62813000000${i % 15}`, ownerName: `Owner ${i % 15}`, amount: ((i % 15) + 1) * 100_000 + i * 10, status: i % 7 === 0 ? "failed" : "succeeded" });
    const groups = new Map<string, { count: number; total: number }>();
    for (const row of paidIn(march)) {
      const group = groups.get(row.phone) ?? { count: 0, total: 0 };
      groups.set(row.phone, { count: group.count + 1, total: group.total + row.amount });
    }
    const expected = [...groups.entries()].sort((a, b) => b[1].total - a[1].total).slice(0, 10);
    // No ties among them, so the order is the one rule "most rupiah first".
    expect(new Set(expected.map(([, group]) => group.total)).size).toBe(10);
    const top = await topRecipients(db, march);
    expect(top).toHaveLength(10);
    expect(top.map((r) => [r.phone, { count: r.count, total: r.total }])).toEqual(expected);
  });

  it("is empty for a range without paid transfers", async () => {
    await add({ createdAt: wib("2025-03-05T10:00:00"), status: "failed" });
    expect(await topRecipients(db, march)).toEqual([]);
  });
});

describe("All figures at once", () => {
  it("brings every figure of the range", async () => {
    await add({ createdAt: wib("2025-03-05T10:00:00"), settledAfterS: 12, amount: 75_000 });
    const figures = await dashboardFigures(db, march);
    expect(figures).toMatchObject({ range: march, volume: { count: 1, total: 75_000 }, outcomes: { succeeded: 1, total: 1 }, timeToSettle: { medianMs: 12_000, count: 1 } });
    expect(figures.topRecipients).toHaveLength(1);
  });
});
