import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { batchRows, transfers } from "@/db/schema";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch } from "@/lib/batches/rows";
import { runBatch } from "@/lib/batches/runner";
import { submitBatch } from "@/lib/batches/submit";
import { createTransfer } from "@/lib/transfers/create";
import { parseHistoryFilters } from "@/lib/transfers/history-filters";
import { getTransferDetail, listTransfers } from "@/lib/transfers/history";
import { lookUpWallet } from "@/lib/transfers/inquiry";
import { streamTransfersCsv } from "@/lib/transfers/export";
import { createTransferSchema, memoField } from "@/lib/transfers/schemas";
import { createHarness, expectOk, type Harness } from "./harness";

/**
 * A memo says what a payment is for (issue 16): optional, one line of at most 140 characters, from the New transfer
 * form or a batch row's note; it is kept on the transfer, audited, searchable in the history and in every export.
 */

const JOHN = "6281234567890";
const ip = "203.0.113.40";

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("What a memo may hold", () => {
  const parse = (memo: unknown) => memoField.safeParse(memo);

  it("is trimmed, and an empty one is no memo", () => {
    expect(parse("  INV-2026-0412  ")).toMatchObject({ success: true, data: "INV-2026-0412" });
    expect(parse("   ")).toMatchObject({ success: true, data: null });
  });

  it("counts characters as people do, up to 140", () => {
    expect(parse("a".repeat(140)).success).toBe(true);
    // 140 emoji are 280 UTF-16 units: still 140 characters.
    expect(parse("💸".repeat(140)).success).toBe(true);
    expect(parse("a".repeat(141)).error?.issues[0]?.message).toBe("A memo is at most 140 characters");
    expect(parse("x".repeat(10_000)).success).toBe(false);
  });

  it("refuses line breaks, tabs, control characters and text-direction marks, which make a text read as something else", () => {
    for (const memo of ["two\nlines", "tab\there", "bell\u0007", "pay \u202Eevil", "mark \u200F", "isolate \u2067x\u2069", "c1 \u0085"]) {
      expect(parse(memo).error?.issues[0]?.message, JSON.stringify(memo)).toBe("A memo cannot contain line breaks, tabs, control characters or text-direction marks");
    }
    expect(parse("Gaji Desember — Budi (café) 🎉").success).toBe(true);
    expect(parse(42).success).toBe(false);
  });

  it("is optional when a transfer is confirmed", () => {
    const base = { wallet: "DANA", phone: "081234567890", amount: "50000", inquiryId: 1 };
    expect(createTransferSchema.parse(base).memo).toBeUndefined();
    expect(createTransferSchema.parse({ ...base, memo: " INV-1 " }).memo).toBe("INV-1");
  });
});

describe("A transfer's memo, from the form and from a batch row", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  async function send(memo: string | null, phone = JOHN, amount = 50_000) {
    const inquiry = await lookUpWallet(h.deps, h.staff.id, { wallet: "DANA", phone, amount }, { purpose: "transfer" });
    return expectOk(await createTransfer(h.deps, { actor: h.staff, ip }, { wallet: "DANA", phone, amount, inquiryId: inquiry.id, memo }));
  }

  it("is kept on the transfer, in its audit entry and on its page", async () => {
    const { transferId } = await send("INV-2026-0412 payroll");
    expect((await h.transfer(transferId)).memo).toBe("INV-2026-0412 payroll");
    expect((await h.auditOf(transferId)).find((e) => e.action === "transfer.create")!.after).toMatchObject({ memo: "INV-2026-0412 payroll" });
    expect((await getTransferDetail(h.db, transferId))?.transfer.memo).toBe("INV-2026-0412 payroll");

    const { transferId: without } = await send(null, "628111000001", 60_000);
    expect((await h.transfer(without)).memo).toBeNull();
  });

  it("is found by the history's search box, in any case, beside the owner's name", async () => {
    const { reference: invoice } = await send("Invoice INV-0412 for March");
    const { reference: other } = await send("Payroll line 7", "628111000001", 60_000);
    const search = async (q: string) => (await listTransfers(h.db, parseHistoryFilters(new URLSearchParams({ q })))).rows.map((r) => r.reference);
    expect(await search("inv-0412")).toEqual([invoice]);
    expect(await search("payroll")).toEqual([other]);
    // The owner's name is still searched (the mock names 628111000001's owner from the number).
    expect(await search("John")).toEqual([invoice]);
    expect((await listTransfers(h.db, parseHistoryFilters(new URLSearchParams()))).rows.find((r) => r.reference === invoice)?.memo).toBe("Invoice INV-0412 for March");
  });

  it("is its own column of the export, defused when a spreadsheet would run it", async () => {
    await send("=HYPERLINK(\"http://evil\",\"x\")");
    const csv = await readAll(streamTransfersCsv(h.db, parseHistoryFilters(new URLSearchParams())));
    const [header, row] = csv.replace(/^\uFEFF/, "").split("\r\n");
    const columns = header!.split(",");
    expect(columns.indexOf("Memo")).toBe(columns.indexOf("Amount (IDR)") + 1);
    expect(row).toContain(`,"'=HYPERLINK(""http://evil"",""x"")",`);
  });

  it("comes from a batch row's note when the batch is submitted", async () => {
    const parsed = parseBatchCsv("wallet,phone,amount,note\nDANA,081234567890,50000,Gaji Desember\nOVO,0811-1000-001,60000,\n");
    if (!parsed.ok) throw new Error(parsed.message);
    const { batchId } = expectOk(await createBatch(h.deps, { actor: h.staff, ip }, { fileName: "payroll.csv", rows: parsed.rows }));
    await runBatch(h.deps, batchId, { backoffMs: 5 });
    expectOk(await submitBatch(h.deps, { actor: h.staff, ip }, { batchId }));
    const memos = await h.db
      .select({ line: batchRows.line, memo: transfers.memo })
      .from(batchRows)
      .innerJoin(transfers, eq(transfers.id, batchRows.transferId))
      .where(eq(batchRows.batchId, batchId))
      .orderBy(batchRows.line);
    expect(memos).toEqual([
      { line: 2, memo: "Gaji Desember" },
      { line: 3, memo: null },
    ]);
  });
});
