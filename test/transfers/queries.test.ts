import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db, Tx } from "@/db/client";
import { csvCell } from "@/lib/csv";
import { countTransfers, dashboardSummary, getTransferDetail, historyColumns, historyTotalCap, listTransfers, maker } from "@/lib/transfers/history";
import { defaultHistoryFilters, historySearchParams, parseHistoryFilters, type HistoryFilters } from "@/lib/transfers/history-filters";
import { streamTransfersCsv, transferCsvChunks } from "@/lib/transfers/export";
import { gatewayCalls, inquiries, transfers, type Transfer, type TransferStatus } from "@/db/schema";
import { desc, eq } from "drizzle-orm";
import { formatSortableEpochMs } from "@/lib/format";
import { recordAudit } from "@/lib/audit/record";
import { createTestDb, insertUser, testDialect, watchStatements, type TestDb } from "../db";

type Maker = Awaited<ReturnType<typeof insertUser>>;
type NewTransfer = Partial<typeof transfers.$inferInsert>;

/** WIB wall-clock time → the instant. */
const wib = (iso: string) => new Date(`${iso}+07:00`);

let sequence = 0;

/** A transfer with the inquiry it came from (transfers.inquiry_id is NOT NULL UNIQUE). */
async function addTransfer(db: TestDb | Tx, makerId: number, values: NewTransfer = {}): Promise<Transfer> {
  const [transfer] = await addTransfers(db, makerId, [values]);
  return transfer!;
}

/** `addTransfer` for many at once: their inquiries, then the transfers, 500 rows to a statement. */
async function addTransfers(db: TestDb | Tx, makerId: number, list: readonly NewTransfer[]): Promise<Transfer[]> {
  const added: Transfer[] = [];
  for (let i = 0; i < list.length; i += 500) {
    const rows = list.slice(i, i + 500).map((values) => {
      sequence += 1;
      const createdAt = values.createdAt ?? wib(`2025-03-10T09:00:00`);
      const base = {
        wallet: values.wallet ?? "DANA",
        phone: values.phone ?? `62811${String(sequence).padStart(7, "0")}`,
        amount: values.amount ?? 10_000,
      };
      return { values, createdAt, base, inquiryReference: `INQ${sequence}`, reference: `TRF20250310${String(sequence).padStart(12, "A")}` };
    });
    const inquiryIds = new Map(
      (
        await db
          .insert(inquiries)
          .values(rows.map(({ values, createdAt, base, inquiryReference }) => ({ userId: makerId, ...base, reference: inquiryReference, outcome: "found" as const, ownerName: values.ownerName ?? "Siti Rahayu", createdAt })))
          .returning({ id: inquiries.id, reference: inquiries.reference })
      ).map((inquiry) => [inquiry.reference, inquiry.id]),
    );
    const inserted = await db
      .insert(transfers)
      .values(
        rows.map(({ values, createdAt, base, inquiryReference, reference }) => ({
          reference,
          ownerName: "Siti Rahayu",
          status: "succeeded" as const,
          makerId,
          inquiryId: inquiryIds.get(inquiryReference)!,
          updatedAt: createdAt,
          ...base,
          ...values,
          createdAt,
        })),
      )
      .returning();
    added.push(...inserted.sort((x, y) => x.id - y.id));
  }
  return added;
}

const filters = (query: string): HistoryFilters => parseHistoryFilters(new URLSearchParams(query));
const references = async (db: Db, query: string) => (await listTransfers(db, filters(query))).rows.map((r) => r.reference);

/** The bytes as sent, byte-order mark included (Response.text() would drop it). */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer());
}

describe("History filters come from the URL (issue 4 flow 5)", () => {
  it("reads every filter, sort and page from the query string", async () => {
    expect(
      filters("status=failed&status=processing&wallet=OVO&from=2025-03-01&to=2025-03-31&maker=7&min=50.000&max=Rp 1.000.000&q= budi &sort=amount&dir=asc&page=3&pageSize=50"),
    ).toEqual({
      status: ["processing", "failed"],
      wallet: "OVO",
      from: "2025-03-01",
      to: "2025-03-31",
      maker: 7,
      min: 50_000,
      max: 1_000_000,
      q: "budi",
      sort: "amount",
      dir: "asc",
      page: 3,
      pageSize: 50,
    });
  });

  it("accepts whole rupiah with or without thousand separators", async () => {
    for (const typed of ["50000", "50.000", "Rp 50.000", "rp50.000", "50,000"]) expect(filters(`min=${typed}`).min).toBe(50_000);
  });

  it("accepts several statuses, repeated or comma-separated, and drops unknown ones", async () => {
    expect(filters("status=failed,succeeded&status=nonsense").status).toEqual(["succeeded", "failed"]);
  });

  it("falls back to the defaults for anything it cannot read, instead of failing the page", async () => {
    const parsed = filters(
      "status=bogus&wallet=PAYPAL&from=2025-02-30&to=yesterday&maker=abc&min=5.5&max=-3&sort=name&dir=up&page=-2&pageSize=33&q=",
    );
    expect(parsed).toEqual(defaultHistoryFilters);
    expect(defaultHistoryFilters).toMatchObject({ status: [], sort: "created", dir: "desc", page: 1, pageSize: 25 });
  });

  it("reads ranges typed backwards as the range that was meant", async () => {
    expect(filters("from=2025-03-31&to=2025-03-01&min=900&max=100")).toMatchObject({ from: "2025-03-01", to: "2025-03-31", min: 100, max: 900 });
  });

  it("writes a view back to a query string that reproduces it, leaving defaults out", async () => {
    const view = filters("q=TRF2025&status=failed&status=sending&wallet=GOPAY&maker=2&from=2025-01-01&to=2025-01-31&min=1000&max=2000&sort=amount&dir=asc&pageSize=100&page=4");
    expect(parseHistoryFilters(historySearchParams(view))).toEqual(view);
    expect(historySearchParams(defaultHistoryFilters).toString()).toBe("");
    expect(historySearchParams(view, { page: 1 }).has("page")).toBe(false);
  });
});

/** A fresh database with two makers: Sari (staff) and Bambang (manager). */
async function twoMakers(): Promise<{ db: TestDb; sari: Maker; bambang: Maker }> {
  const db = await createTestDb();
  const sari = await insertUser(db, { name: "Sari Wulandari", email: "sari@x.test", role: "staff" });
  const bambang = await insertUser(db, { name: "Bambang Prasetyo", email: "bambang@x.test", role: "manager" });
  return { db, sari, bambang };
}

describe("History: filtering, search, sort and pages (issue 4 flow 5)", () => {
  let db: TestDb;
  let sari: Maker;
  let bambang: Maker;

  beforeEach(async () => {
    ({ db, sari, bambang } = await twoMakers());
  });

  it("lists transfers newest first with their maker's name", async () => {
    await addTransfer(db, sari.id, { reference: "TRF-OLD", createdAt: wib("2025-03-01T08:00:00") });
    await addTransfer(db, bambang.id, { reference: "TRF-NEW", createdAt: wib("2025-03-02T08:00:00") });
    const page = await listTransfers(db, defaultHistoryFilters);
    expect(page.rows.map((r) => [r.reference, r.makerName])).toEqual([
      ["TRF-NEW", "Bambang Prasetyo"],
      ["TRF-OLD", "Sari Wulandari"],
    ]);
    expect(page).toMatchObject({ page: 1, pageSize: 25, hasMore: false, total: { count: 2, capped: false } });
  });

  it("filters by one status or several", async () => {
    await addTransfer(db, sari.id, { reference: "TRF-OK", status: "succeeded" });
    await addTransfer(db, sari.id, { reference: "TRF-FAIL", status: "failed" });
    await addTransfer(db, sari.id, { reference: "TRF-PROC", status: "processing" });
    expect(await references(db, "status=failed")).toEqual(["TRF-FAIL"]);
    expect((await references(db, "status=failed&status=processing")).sort()).toEqual(["TRF-FAIL", "TRF-PROC"]);
  });

  it("filters by wallet and by maker", async () => {
    await addTransfer(db, sari.id, { reference: "TRF-DANA", wallet: "DANA" });
    await addTransfer(db, bambang.id, { reference: "TRF-OVO", wallet: "OVO" });
    expect(await references(db, "wallet=OVO")).toEqual(["TRF-OVO"]);
    expect(await references(db, `maker=${sari.id}`)).toEqual(["TRF-DANA"]);
  });

  it("filters by an amount range in whole rupiah, both ends included", async () => {
    for (const amount of [49_999, 50_000, 100_000, 100_001]) await addTransfer(db, sari.id, { reference: `TRF-${amount}`, amount });
    expect((await references(db, "min=50.000&max=100.000")).sort()).toEqual(["TRF-100000", "TRF-50000"]);
    expect(await references(db, "min=100001")).toEqual(["TRF-100001"]);
  });

  it("reads a date range as Jakarta calendar days: 23:30 WIB belongs to that day, not the next", async () => {
    await addTransfer(db, sari.id, { reference: "TRF-BEFORE", createdAt: wib("2025-02-28T23:59:59") });
    await addTransfer(db, sari.id, { reference: "TRF-FIRST", createdAt: wib("2025-03-01T00:00:00") });
    // 23:30 WIB is 16:30 UTC: in Jakarta it is still 31 March; 00:15 WIB is 1 April.
    await addTransfer(db, sari.id, { reference: "TRF-LATE", createdAt: wib("2025-03-31T23:30:00") });
    await addTransfer(db, sari.id, { reference: "TRF-AFTER", createdAt: wib("2025-04-01T00:15:00") });
    expect(await references(db, "from=2025-03-01&to=2025-03-31")).toEqual(["TRF-LATE", "TRF-FIRST"]);
    expect(await references(db, "from=2025-04-01")).toEqual(["TRF-AFTER"]);
    expect(await references(db, "to=2025-02-28")).toEqual(["TRF-BEFORE"]);
  });

  it("combines filters", async () => {
    await addTransfer(db, sari.id, { reference: "TRF-A", status: "failed", wallet: "DANA", amount: 70_000 });
    await addTransfer(db, sari.id, { reference: "TRF-B", status: "failed", wallet: "OVO", amount: 70_000 });
    await addTransfer(db, bambang.id, { reference: "TRF-C", status: "failed", wallet: "DANA", amount: 70_000 });
    await addTransfer(db, sari.id, { reference: "TRF-D", status: "succeeded", wallet: "DANA", amount: 70_000 });
    expect(await references(db, `status=failed&wallet=DANA&maker=${sari.id}&min=60000`)).toEqual(["TRF-A"]);
  });

  describe("one search box", () => {
    beforeEach(async () => {
      await addTransfer(db, sari.id, { reference: "TRF20250310ABCDEFGHJKLM", phone: "6281234567890", ownerName: "John" });
      await addTransfer(db, sari.id, { reference: "TRF20250311ZZZZZZZZZZZZ", phone: "628111000002", ownerName: "Budi Santoso" });
      await addTransfer(db, sari.id, { reference: "TRF20250312YYYYYYYYYYYY", phone: "628111000004", ownerName: "Dewi 100% Lestari" });
    });

    it("finds a transfer by its reference, or the start of it, in any case", async () => {
      expect(await references(db, "q=TRF20250310ABCDEFGHJKLM")).toEqual(["TRF20250310ABCDEFGHJKLM"]);
      expect(await references(db, "q=trf20250311")).toEqual(["TRF20250311ZZZZZZZZZZZZ"]);
    });

    it("finds a phone number typed as staff type it: 08…, +62…, with spaces or dashes, or its start", async () => {
      expect(await references(db, "q=081234567890")).toEqual(["TRF20250310ABCDEFGHJKLM"]);
      expect(await references(db, `q=${encodeURIComponent("+62 812-3456")}`)).toEqual(["TRF20250310ABCDEFGHJKLM"]);
      expect((await references(db, "q=0811 1000")).sort()).toEqual(["TRF20250311ZZZZZZZZZZZZ", "TRF20250312YYYYYYYYYYYY"]);
      expect(await references(db, "q=628111000004")).toEqual(["TRF20250312YYYYYYYYYYYY"]);
    });

    it("finds an owner by any part of the name, whatever the case", async () => {
      expect(await references(db, "q=santo")).toEqual(["TRF20250311ZZZZZZZZZZZZ"]);
      expect(await references(db, "q=JOHN")).toEqual(["TRF20250310ABCDEFGHJKLM"]);
    });

    it("treats % and _ in a search as the characters themselves", async () => {
      expect(await references(db, "q=100%25")).toEqual(["TRF20250312YYYYYYYYYYYY"]);
      expect(await references(db, "q=%25")).toEqual(["TRF20250312YYYYYYYYYYYY"]);
      expect(await references(db, "q=_")).toEqual([]);
    });
  });

  it("sorts by date or amount, both ways, ties broken the same way every time", async () => {
    const a = await addTransfer(db, sari.id, { reference: "TRF-A", amount: 30_000, createdAt: wib("2025-03-01T10:00:00") });
    const b = await addTransfer(db, sari.id, { reference: "TRF-B", amount: 10_000, createdAt: wib("2025-03-03T10:00:00") });
    const c = await addTransfer(db, sari.id, { reference: "TRF-C", amount: 30_000, createdAt: wib("2025-03-02T10:00:00") });
    expect(await references(db, "")).toEqual([b, c, a].map((t) => t.reference));
    expect(await references(db, "dir=asc")).toEqual([a, c, b].map((t) => t.reference));
    expect(await references(db, "sort=amount")).toEqual(["TRF-C", "TRF-A", "TRF-B"]);
    expect(await references(db, "sort=amount&dir=asc")).toEqual(["TRF-B", "TRF-A", "TRF-C"]);
  });

  it("pages through the results and tells whether more follow", async () => {
    for (let i = 0; i < 60; i++) await addTransfer(db, sari.id, { reference: `TRF-${String(i).padStart(2, "0")}`, createdAt: new Date(wib("2025-03-01T00:00:00").getTime() + i * 60_000) });
    const first = await listTransfers(db, filters(""));
    expect(first.rows).toHaveLength(25);
    expect(first.rows[0]!.reference).toBe("TRF-59");
    // A page does not count what follows it: "25 and more"; counting is asked for on its own.
    expect(first).toMatchObject({ hasMore: true, total: { count: 25, capped: true } });
    expect(await countTransfers(db, filters(""))).toEqual({ count: 60, capped: false });
    expect(await listTransfers(db, filters("page=2"))).toMatchObject({ hasMore: true, total: { count: 50, capped: true } });
    const third = await listTransfers(db, filters("page=3"));
    expect(third.rows.map((r) => r.reference)).toEqual(Array.from({ length: 10 }, (_, i) => `TRF-${String(9 - i).padStart(2, "0")}`));
    expect(third).toMatchObject({ page: 3, hasMore: false, total: { count: 60, capped: false } });
    expect((await listTransfers(db, filters("pageSize=50"))).rows).toHaveLength(50);
    expect(await listTransfers(db, filters("page=9"))).toMatchObject({ rows: [], hasMore: false, total: { count: 60 } });
    const seen: number[] = [];
    for (const page of [1, 2, 3]) seen.push(...(await listTransfers(db, filters(`page=${page}`))).rows.map((r) => r.id));
    expect(new Set(seen).size).toBe(60);
  });
});

// better-sqlite3's statements, kept per connection (db/statements.ts); node-postgres sends each query as text.
describe.runIf(testDialect === "sqlite")("History: each shape of view is prepared once per connection on SQLite (issue 12)", () => {
  let db: TestDb;
  let sari: Maker;
  let bambang: Maker;

  beforeEach(async () => {
    ({ db, sari, bambang } = await twoMakers());
    await addTransfer(db, sari.id, { reference: "TRF-DANA-OK", wallet: "DANA", status: "succeeded", amount: 20_000, createdAt: wib("2025-03-01T08:00:00") });
    await addTransfer(db, bambang.id, { reference: "TRF-OVO-FAIL", wallet: "OVO", status: "failed", amount: 30_000, createdAt: wib("2025-03-02T08:00:00") });
    await addTransfer(db, sari.id, { reference: "TRF-OVO-OK", wallet: "OVO", status: "succeeded", amount: 40_000, createdAt: wib("2025-03-03T08:00:00") });
  });

  it("returns each view's own rows when views of different shapes and values follow each other", async () => {
    const prepare = vi.spyOn(db.$client, "prepare");
    const views: [query: string, expected: string[]][] = [
      ["status=failed", ["TRF-OVO-FAIL"]],
      ["wallet=OVO", ["TRF-OVO-OK", "TRF-OVO-FAIL"]],
      ["status=succeeded", ["TRF-OVO-OK", "TRF-DANA-OK"]],
      ["wallet=DANA", ["TRF-DANA-OK"]],
      [`maker=${bambang.id}`, ["TRF-OVO-FAIL"]],
      [`maker=${sari.id}`, ["TRF-OVO-OK", "TRF-DANA-OK"]],
      ["status=failed&status=succeeded&wallet=OVO", ["TRF-OVO-OK", "TRF-OVO-FAIL"]],
      ["status=succeeded&status=refunded&wallet=DANA", ["TRF-DANA-OK"]],
      ["min=25000&sort=amount&dir=asc", ["TRF-OVO-FAIL", "TRF-OVO-OK"]],
      ["min=35000&sort=amount&dir=asc", ["TRF-OVO-OK"]],
      ["q=TRF-OVO", ["TRF-OVO-OK", "TRF-OVO-FAIL"]],
      ["q=TRF-DANA", ["TRF-DANA-OK"]],
      ["", ["TRF-OVO-OK", "TRF-OVO-FAIL", "TRF-DANA-OK"]],
    ];
    for (const round of [1, 2]) {
      for (const [query, expected] of views) expect(await references(db, query), `${query} (round ${round})`).toEqual(expected);
    }
    // Seven shapes, each prepared once, whatever the values and however often they come back.
    expect(prepare).toHaveBeenCalledTimes(7);
    prepare.mockRestore();
  });

  it("keeps a first page and a later page of the same view apart", async () => {
    for (let i = 0; i < 3; i++) await addTransfer(db, sari.id, { reference: `TRF-EXTRA-${i}`, createdAt: wib(`2025-02-2${i}T08:00:00`) });
    const prepare = vi.spyOn(db.$client, "prepare");
    expect(await references(db, "pageSize=25")).toHaveLength(6);
    expect((await listTransfers(db, { ...filters(""), pageSize: 2 as 25, page: 2 })).rows.map((r) => r.reference)).toEqual(["TRF-DANA-OK", "TRF-EXTRA-2"]);
    expect((await listTransfers(db, { ...filters(""), pageSize: 2 as 25, page: 3 })).rows.map((r) => r.reference)).toEqual(["TRF-EXTRA-1", "TRF-EXTRA-0"]);
    expect((await listTransfers(db, { ...filters(""), pageSize: 2 as 25, page: 1 })).rows.map((r) => r.reference)).toEqual(["TRF-OVO-OK", "TRF-OVO-FAIL"]);
    expect(prepare).toHaveBeenCalledTimes(2);
    prepare.mockRestore();
  });

  it("reads the same rows as the query builder would map them", async () => {
    const mapped = await db
      .select(historyColumns)
      .from(transfers)
      .innerJoin(maker, eq(maker.id, transfers.makerId))
      .orderBy(desc(transfers.createdAt), desc(transfers.id));
    expect((await listTransfers(db, defaultHistoryFilters)).rows).toEqual(mapped);
    expect(mapped[0]!.createdAt).toEqual(wib("2025-03-03T08:00:00"));
  });

  it("keeps the statements of two connections apart", async () => {
    const other = await createTestDb();
    const dewi = await insertUser(other, { name: "Dewi", email: "dewi@x.test", role: "staff" });
    await addTransfer(other, dewi.id, { reference: "TRF-OTHER", status: "failed" });
    expect(await references(db, "status=failed")).toEqual(["TRF-OVO-FAIL"]);
    expect(await references(other, "status=failed")).toEqual(["TRF-OTHER"]);
  });

  it("asks the amount index how wide a range is once, and remembers it", async () => {
    const prepareOriginal = db.$client.prepare.bind(db.$client);
    let probes = 0;
    const prepare = vi.spyOn(db.$client, "prepare").mockImplementation((source: string) => {
      const statement = prepareOriginal(source);
      if (/count\(/i.test(source)) {
        const get = statement.get.bind(statement);
        statement.get = (...params: unknown[]) => {
          probes += 1;
          return get(...params);
        };
      }
      return statement;
    });
    expect(await references(db, "min=25000&max=45000")).toEqual(["TRF-OVO-OK", "TRF-OVO-FAIL"]);
    expect(probes).toBe(1);
    expect(await references(db, "min=25000&max=45000&status=failed")).toEqual(["TRF-OVO-FAIL"]);
    expect(await references(db, "min=25000&max=45000&page=1&pageSize=50")).toEqual(["TRF-OVO-OK", "TRF-OVO-FAIL"]);
    expect(probes).toBe(1);
    expect(await references(db, "min=25000&max=35000")).toEqual(["TRF-OVO-FAIL"]);
    expect(probes).toBe(2);
    prepare.mockRestore();
  });
});

describe("History at scale: counts are capped and wide amount ranges give the same answer", () => {
  let db: TestDb;
  let sari: Maker;

  beforeAll(async () => {
    db = await createTestDb();
    sari = await insertUser(db, { name: "Sari", email: "sari@x.test", role: "staff" });
    await db.transaction(async (tx) => {
      await addTransfers(
        tx,
        sari.id,
        Array.from({ length: 2500 }, (_, i) => ({ amount: 10_000 + (i % 100) * 1000, createdAt: new Date(Date.UTC(2025, 2, 1) + i * 1000) })),
      );
    });
  });

  it(`stops counting after ${historyTotalCap} matches`, async () => {
    expect(await countTransfers(db, defaultHistoryFilters)).toEqual({ count: historyTotalCap, capped: true });
    expect(await countTransfers(db, filters("min=10000&max=10000"))).toEqual({ count: 25, capped: false });
  });

  it("counts nothing beyond the page it lists: one statement, the page's rows and one more", async () => {
    const statements = watchStatements(db);
    const page = await listTransfers(db, filters("wallet=DANA&status=succeeded&q=siti"));
    expect(statements.sql).toEqual([expect.not.stringMatching(/count\(/i)]);
    statements.restore();
    expect(page).toMatchObject({ hasMore: true, total: { count: 25, capped: true } });
  });

  it("returns the same page whichever index drives a wide or a narrow amount range", async () => {
    const statements = watchStatements(db);
    const wide = await listTransfers(db, filters("min=20000&max=100000"));
    // Most transfers match: the page walks the date order and checks each amount (SQLite's unary +, which keeps its
    // planner off the amount index; PostgreSQL's planner weighs the two itself).
    if (testDialect === "sqlite") expect(statements.sql.some((query) => query.includes('+"transfers"."amount" >= ?'))).toBe(true);
    statements.restore();
    expect(wide.rows).toHaveLength(25);
    expect(wide.rows.every((r) => r.amount >= 20_000 && r.amount <= 100_000)).toBe(true);
    expect(wide.rows.map((r) => r.createdAt.getTime())).toEqual([...wide.rows.map((r) => r.createdAt.getTime())].sort((a, b) => b - a));
    expect(wide.total).toEqual({ count: 25, capped: true });
    expect(await countTransfers(db, filters("min=20000&max=100000"))).toEqual({ count: historyTotalCap, capped: true });
    const narrow = await listTransfers(db, filters("min=15000&max=15000&pageSize=100"));
    expect(narrow.rows).toHaveLength(25);
    expect(narrow.rows.every((r) => r.amount === 15_000)).toBe(true);
    expect(narrow.total).toEqual({ count: 25, capped: false });
  });
});

describe("CSV export of the filtered set (issue 4 flow 5)", () => {
  let db: TestDb;
  let sari: Maker;

  beforeEach(async () => {
    db = await createTestDb();
    sari = await insertUser(db, { name: "Sari Wulandari", email: "sari@x.test", role: "staff" });
  });

  it("starts with a header row, writes Jakarta times and amounts as whole numbers", async () => {
    await addTransfer(db, sari.id, {
      reference: "TRF20250331LATE",
      wallet: "SHOPEEPAY",
      phone: "628111000001",
      ownerName: "Siti Rahayu",
      amount: 1_500_000,
      status: "succeeded",
      createdAt: wib("2025-03-31T23:30:05"),
      cashinReference: "CI-123",
    });
    const csv = await readAll(streamTransfersCsv(db, defaultHistoryFilters));
    const [header, row, end] = csv.replace(/^\uFEFF/, "").split("\r\n");
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(header).toBe(
      "Reference,Created (WIB),Wallet,Phone,Phone (local format),Owner name,Amount (IDR),Memo,Status,Maker,Approver,Decided (WIB),Reason,Cash In reference,Last code,Last message,Sent (WIB),Settled (WIB),Discrepancy",
    );
    expect(row).toBe("TRF20250331LATE,2025-03-31 23:30:05,ShopeePay,628111000001,0811-1000-001,Siti Rahayu,1500000,,Succeeded,Sari Wulandari,,,,CI-123,,,,,");
    expect(end).toBe("");
  });

  it("writes every instant in Jakarta time exactly as a Date would, across days, years and in any order", async () => {
    const asDate = (ms: number) => new Date(ms + 7 * 60 * 60 * 1000).toISOString().slice(0, 19).replace("T", " ");
    const edges = [0, -1, -7 * 3_600_000, -7 * 3_600_000 - 1, wib("2025-03-31T23:59:59.999").getTime(), wib("2025-04-01T00:00:00").getTime(), Date.UTC(2024, 1, 29, 16, 59, 59), Date.UTC(9999, 11, 31, 16, 59, 59, 999), Date.UTC(9999, 11, 31, 17), Date.UTC(-1, 0, 1), 1.5, 8.64e15 - 7 * 3_600_000];
    let seed = 7;
    const random = () => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647) * 4e12 - 5e11;
    for (const ms of [...edges, ...Array.from({ length: 2000 }, () => Math.floor(random()))]) expect(formatSortableEpochMs(ms), String(ms)).toBe(asDate(ms));
  });

  it("quotes commas, quotes and line breaks", async () => {
    expect(csvCell('Budi "the boss", Jr.')).toBe('"Budi ""the boss"", Jr."');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(10000)).toBe("10000");
  });

  it("defuses cells a spreadsheet would run as a formula", async () => {
    expect(csvCell("=HYPERLINK(\"http://evil\")")).toBe("\"'=HYPERLINK(\"\"http://evil\"\")\"");
    for (const start of ["+", "-", "@"]) expect(csvCell(`${start}1+1`)).toBe(`'${start}1+1`);
    // A tab also splits cells in some spreadsheets: such a value is quoted as well.
    expect(csvCell("\t1+1")).toBe(`"'\t1+1"`);
    await addTransfer(db, sari.id, { ownerName: "=cmd|' /C calc'!A0", reason: "@SUM(1)" });
    const csv = await readAll(streamTransfersCsv(db, defaultHistoryFilters));
    expect(csv).toContain(",'=cmd|' /C calc'!A0,");
    expect(csv).toContain(",'@SUM(1),");
  });

  it("exports every transfer of the filtered set in the view's order, ignoring the page", async () => {
    for (let i = 0; i < 30; i++) await addTransfer(db, sari.id, { reference: `TRF-${String(i).padStart(2, "0")}`, amount: 10_000 + i, status: i % 3 === 0 ? "failed" : "succeeded" });
    const csv = await readAll(streamTransfersCsv(db, filters("status=failed&sort=amount&dir=asc&page=2&pageSize=25"), { batchSize: 4 }));
    const rows = csv.trim().split("\r\n").slice(1);
    expect(rows.map((r) => r.split(",")[0])).toEqual(Array.from({ length: 10 }, (_, i) => `TRF-${String(i * 3).padStart(2, "0")}`));
  });

  it("streams in batches: the first rows leave before the rest are read", async () => {
    for (let i = 0; i < 35; i++) await addTransfer(db, sari.id, { createdAt: new Date(Date.UTC(2025, 2, 1) + (i % 5) * 1000) });
    const statements = watchStatements(db);
    const reader = streamTransfersCsv(db, defaultHistoryFilters, { batchSize: 10 }).getReader();
    const decoder = new TextDecoder();
    const header = decoder.decode((await reader.read()).value);
    expect(header).toContain("Reference,");
    expect(statements.sql).toHaveLength(0);
    const firstBatch = decoder.decode((await reader.read()).value);
    expect(firstBatch.trim().split("\r\n")).toHaveLength(10);
    expect(statements.sql).toHaveLength(1);
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    // The first batch's statement and the keyset one that every later batch runs: prepared once each on SQLite,
    // sent once per batch to PostgreSQL (35 rows in batches of 10: 4).
    expect(new Set(statements.sql).size).toBe(2);
    expect(statements.sql).toHaveLength(testDialect === "sqlite" ? 2 : 4);
    // Keyset batches over equal timestamps neither skip nor repeat a transfer.
    const exported = (firstBatch + rest).trim().split("\r\n").map((line) => line.split(",")[0]);
    expect(new Set(exported).size).toBe(35);
  });

  it("a date- or amount-filtered export over many batches lists every matching row once, in order", async () => {
    for (let i = 0; i < 40; i++) {
      await addTransfer(db, sari.id, { reference: `TRF-R${String(i).padStart(2, "0")}`, amount: 10_000 + (i % 7) * 1000, createdAt: wib(`2025-03-${String(1 + (i % 20)).padStart(2, "0")}T10:00:00`) });
    }
    for (const query of ["from=2025-03-05&to=2025-03-15", "from=2025-03-05&to=2025-03-15&dir=asc", "min=12000&max=15000&sort=amount", "min=12000&max=15000&sort=amount&dir=asc"]) {
      const expected = (await listTransfers(db, filters(`${query}&pageSize=100`))).rows.map((r) => r.reference);
      const csv = await readAll(streamTransfersCsv(db, filters(query), { batchSize: 3 }));
      const exported = csv.trim().split("\r\n").slice(1).map((line) => line.split(",")[0]);
      expect(exported, query).toEqual(expected);
      expect(expected.length, query).toBeGreaterThan(6);
    }
  });

  it("each batch is a single indexed query, not a scan of what came before", async () => {
    for (let i = 0; i < 12; i++) await addTransfer(db, sari.id);
    const statements = watchStatements(db);
    const chunks: string[] = [];
    for await (const chunk of transferCsvChunks(db, defaultHistoryFilters, { batchSize: 5 })) chunks.push(chunk);
    statements.restore();
    expect(chunks).toHaveLength(4);
    const batchSql = statements.sql[1]!;
    expect(batchSql).toMatch(/\("transfers"\."created_at", "transfers"\."id"\) < \((\?|\$\d+), (\?|\$\d+)\)/);
    expect(batchSql).not.toMatch(/offset/i);
  });
});

describe("Transfer detail: fields, people, timeline (issue 4 flow 6)", () => {
  let db: TestDb;

  beforeEach(async () => {
    db = await createTestDb();
  });

  it("gathers the transfer, its maker and approver, its look-up's and its own gateway calls and audit entries in time order", async () => {
    const maker = await insertUser(db, { name: "Sari Wulandari", email: "sari@x.test", role: "staff" });
    const manager = await insertUser(db, { name: "Bambang Prasetyo", email: "bambang@x.test", role: "manager" });
    const transfer = await addTransfer(db, maker.id, { status: "succeeded", approverId: manager.id, createdAt: wib("2025-03-10T09:00:10") });
    const other = await addTransfer(db, maker.id);
    const call = async (values: Partial<typeof gatewayCalls.$inferInsert> & { startedAt: Date; call: "inquiry" | "topup" | "status" }) =>
      await db
        .insert(gatewayCalls)
        .values({ path: "/api", externalId: String(Math.random()).slice(2), attempt: 1, durationMs: 120, requestBody: "{}", outcome: "success", ...values });
    await call({ inquiryId: transfer.inquiryId, call: "inquiry", startedAt: wib("2025-03-10T09:00:00"), responseCode: "2003700" });
    await call({ transferId: transfer.id, call: "topup", startedAt: wib("2025-03-10T09:05:00"), responseCode: "2023800" });
    await call({ transferId: transfer.id, call: "status", startedAt: wib("2025-03-10T09:06:00"), responseCode: "2003900" });
    await call({ transferId: other.id, call: "topup", startedAt: wib("2025-03-10T09:05:30") });
    const audit = (action: string, at: Date, targetId: number, actor: Maker | null) =>
      db.transaction(async (tx) => recordAudit(tx, { actor, action, target: { type: "transfer", id: targetId }, at }));
    await audit("transfer.create", wib("2025-03-10T09:00:10"), transfer.id, maker);
    await audit("transfer.approved", wib("2025-03-10T09:04:59"), transfer.id, manager);
    await audit("transfer.succeeded", wib("2025-03-10T09:06:01"), transfer.id, null);
    await audit("transfer.create", wib("2025-03-10T09:01:00"), other.id, maker);

    const detail = (await getTransferDetail(db, transfer.id))!;
    expect(detail).toMatchObject({ makerName: "Sari Wulandari", approverName: "Bambang Prasetyo", transfer: { id: transfer.id } });
    expect(detail.inquiry).toMatchObject({ id: transfer.inquiryId });
    expect(detail.timeline.map((e) => (e.kind === "audit" ? `${e.entry.action} by ${e.entry.actorName ?? "system"}` : `${e.call.call} ${e.call.responseCode}`))).toEqual([
      "inquiry 2003700",
      "transfer.create by Sari Wulandari",
      "transfer.approved by Bambang Prasetyo",
      "topup 2023800",
      "status 2003900",
      "transfer.succeeded by system",
    ]);
  });

  it("links a retry to the failed transfer it retries", async () => {
    const maker = await insertUser(db, { email: "sari@x.test", role: "staff" });
    const failed = await addTransfer(db, maker.id, { status: "failed" });
    const retry = await addTransfer(db, maker.id, { retryOfId: failed.id });
    expect((await getTransferDetail(db, retry.id))?.retryOf).toEqual({ id: failed.id, reference: failed.reference });
  });

  it("knows no transfer that does not exist", async () => {
    expect(await getTransferDetail(db, 999)).toBeUndefined();
  });
});

describe("Home dashboard (issue 4 flow 7)", () => {
  it("counts today's transfers by status over the Jakarta day, and what awaits approval or settling", async () => {
    const db = await createTestDb();
    const sari = await insertUser(db, { name: "Sari", email: "sari@x.test", role: "staff" });
    const now = wib("2025-03-10T10:00:00");
    const today = async (status: TransferStatus, amount: number, at = "2025-03-10T08:00:00") => await addTransfer(db, sari.id, { status, amount, createdAt: wib(at) });
    // 23:30 WIB the day before is yesterday, though the same UTC day as this morning.
    await addTransfer(db, sari.id, { status: "succeeded", amount: 999_000, createdAt: wib("2025-03-09T23:30:00") });
    await addTransfer(db, sari.id, { status: "processing", amount: 5_000, createdAt: wib("2025-03-08T12:00:00") });
    await addTransfer(db, sari.id, { status: "awaiting_approval", amount: 6_000_000, createdAt: wib("2025-03-09T12:00:00") });
    await today("succeeded", 50_000, "2025-03-10T00:00:00");
    await today("succeeded", 25_000);
    await today("failed", 10_000);
    await today("sending", 20_000);
    await today("awaiting_approval", 7_500_000, "2025-03-10T09:59:00");

    const summary = await dashboardSummary(db, now);
    const tally = (status: TransferStatus) => summary.today.byStatus.find((t) => t.status === status);
    expect(summary.today).toMatchObject({ count: 5, total: 7_605_000 });
    expect(tally("succeeded")).toEqual({ status: "succeeded", count: 2, total: 75_000 });
    expect(tally("failed")).toEqual({ status: "failed", count: 1, total: 10_000 });
    expect(tally("refunded")).toEqual({ status: "refunded", count: 0, total: 0 });
    expect(summary.awaitingApproval).toBe(2);
    expect(summary.unsettled).toBe(2);
    expect(summary.latest).toHaveLength(8);
    expect(summary.latest[0]).toMatchObject({ status: "awaiting_approval", amount: 7_500_000, makerName: "Sari" });
  });

  it("shows the latest 10 transfers, newest first", async () => {
    const db = await createTestDb();
    const sari = await insertUser(db, { email: "sari@x.test", role: "staff" });
    for (let i = 0; i < 12; i++) await addTransfer(db, sari.id, { reference: `TRF-${i}`, createdAt: new Date(Date.UTC(2025, 2, 1, 0, i)) });
    const { latest } = await dashboardSummary(db, new Date(Date.UTC(2025, 2, 1, 1)));
    expect(latest.map((t) => t.reference)).toEqual(Array.from({ length: 10 }, (_, i) => `TRF-${11 - i}`));
  });
});
