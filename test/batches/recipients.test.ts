import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { batchRows, recipients, transfers } from "@/db/schema";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch, editRow } from "@/lib/batches/rows";
import { runBatch } from "@/lib/batches/runner";
import { submitBatch } from "@/lib/batches/submit";
import { withLocale } from "@/lib/i18n/request-locale";
import { storedText } from "@/lib/i18n/stored";
import { recipientFields } from "@/lib/recipients/schemas";
import { archiveRecipient, saveRecipient } from "@/lib/recipients/service";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/** A batch row may name a saved recipient's label instead of its wallet and phone (issue 16). */

const ip = "203.0.113.43";
let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const ctx = () => ({ actor: h.staff, ip });

async function save(label: string, phone: string, defaultAmount = "", defaultMemo = "") {
  return expectOk(await saveRecipient(h.deps, ctx(), recipientFields.parse({ label, wallet: "DANA", phone, defaultAmount, defaultMemo }))).recipientId;
}

async function upload(csv: string) {
  const parsed = parseBatchCsv(csv);
  if (!parsed.ok) throw new Error(parsed.message);
  return expectOk(await withLocale("id", () => createBatch(h.deps, ctx(), { fileName: "payroll.csv", rows: parsed.rows }))).batchId;
}

const rowsOf = (batchId: number) => h.db.select().from(batchRows).where(eq(batchRows.batchId, batchId)).orderBy(batchRows.line);

describe("Batch rows naming a saved recipient", () => {
  it("take its wallet and phone, and its default amount and memo where the row leaves them empty", async () => {
    const john = await save("John payroll", "6281234567890", "50000", "Gaji John");
    const siti = await save("Siti", "628111000001");
    const gone = await save("Old", "628111000002");
    expectOk(await archiveRecipient(h.deps, ctx(), { recipientId: gone }));

    const batchId = await upload(
      [
        "recipient,wallet,phone,amount,note",
        "john  PAYROLL,,,,", // any case and spacing; everything from the recipient
        "Siti,,,75000,Bonus", // its own amount and note
        "Siti,,,,", // no default amount: the row must give one
        "Nobody,,,10000,",
        "Old,,,10000,", // archived
        "Siti,OVO,081234567891,10000,", // a label and another number
        ",DANA,081234567890,20000,Plain row", // a row without a label is an ordinary row
      ].join("\n"),
    );
    const rows = await rowsOf(batchId);
    expect(rows.map((r) => [r.line, r.wallet, r.phone, r.amount, r.note, r.recipientId, r.state === "invalid" ? r.problem : null])).toEqual([
      [2, "DANA", "6281234567890", 50_000, "Gaji John", john, null],
      [3, "DANA", "628111000001", 75_000, "Bonus", siti, null],
      [4, null, null, null, null, siti, "Enter the amount in rupiah."],
      [5, null, null, null, null, null, "No saved recipient is labelled “Nobody”: check the label on the Recipients page, or give the e-wallet and phone instead."],
      [6, null, null, null, null, null, "No saved recipient is labelled “Old”: check the label on the Recipients page, or give the e-wallet and phone instead."],
      [7, null, null, null, null, null, "This row names the recipient “Siti” and another e-wallet or phone: leave those empty, or remove the label."],
      [8, "DANA", "6281234567890", 20_000, "Plain row", null, null],
    ]);
  });

  it("a file of labels only needs no wallet, phone or amount column; its transfers pay the recipients and mark them paid", async () => {
    const john = await save("John", "6281234567890", "50000", "Gaji");
    const batchId = await upload("recipient\nJohn\n");
    await runBatch(h.deps, batchId, { backoffMs: 5 });
    expectOk(await submitBatch(h.deps, ctx(), { batchId }));
    const [transfer] = await h.db.select().from(transfers).where(eq(transfers.batchId, batchId));
    expect(transfer).toMatchObject({ recipientId: john, memo: "Gaji", amount: 50_000, phone: "6281234567890" });
    expect((await h.db.select().from(recipients).where(eq(recipients.id, john)).limit(1))[0]?.lastPaidAt).toEqual(h.now());
  });

  it("a fixed row keeps its recipient while it still pays that number, and drops it for another", async () => {
    const john = await save("John", "6281234567890", "50000");
    const batchId = await upload("recipient,amount\nJohn,\nJohn,\nJohn,abc\n");
    const [first, second, invalid] = await rowsOf(batchId);
    expectOk(await Promise.resolve(editRow(h.deps, ctx(), { batchId, rowId: first!.id, wallet: "DANA", phone: "081234567890", amount: "60000", note: "" })));
    expectOk(await Promise.resolve(editRow(h.deps, ctx(), { batchId, rowId: second!.id, wallet: "DANA", phone: "628111000001", amount: "60000", note: "" })));
    // The invalid row stored no number of its own: fixed with the recipient's number, it still pays the recipient.
    expect(invalid!.state).toBe("invalid");
    expectOk(await Promise.resolve(editRow(h.deps, ctx(), { batchId, rowId: invalid!.id, wallet: "DANA", phone: "0812 3456 7890", amount: "70000", note: "" })));
    expect((await rowsOf(batchId)).map((r) => r.recipientId)).toEqual([john, null, john]);
  });
});

describe("A batch row's owner no longer the recipient's saved one", () => {
  it("needs the maker: the row says both names; fixed, it pays the number without the recipient", async () => {
    // The mock's 628111000012 is "Maya Sari" at the first look-up of a number and amount, "Maya Sari Dewi" after.
    const maya = await save("Maya", "628111000012", "43000");
    const batchId = await upload("recipient\nMaya\n");
    await runBatch(h.deps, batchId, { backoffMs: 5 });
    const [row] = await rowsOf(batchId);
    expect(row).toMatchObject({ state: "unconfirmed", ownerName: "Maya Sari Dewi", recipientId: maya });
    expect(row!.problem).toBe(
      "Cash In now names the owner “Maya Sari Dewi”, not “Maya Sari” as saved for “Maya”. To pay “Maya Sari Dewi”, edit the row (it then pays this number without the saved recipient), or remove it",
    );
    expect(storedText(row!.problem!, "id")).toMatch(/^Cash In sekarang menyebut pemiliknya “Maya Sari Dewi”, bukan “Maya Sari”/);
    expect(await submitBatch(h.deps, ctx(), { batchId })).toMatchObject({ ok: false });

    expectOk(await editRow(h.deps, ctx(), { batchId, rowId: row!.id, wallet: "DANA", phone: "628111000012", amount: "43000", note: "" }));
    await runBatch(h.deps, batchId, { backoffMs: 5 });
    expect((await rowsOf(batchId))[0]).toMatchObject({ state: "ok", ownerName: "Maya Sari Dewi", recipientId: null });
  });
});

describe("Submitting rows that named a recipient", () => {
  it("pays the recipient only while it is in use with the row's number", async () => {
    const john = await save("John", "6281234567890", "50000");
    const siti = await save("Siti", "628111000001", "60000");
    const batchId = await upload("recipient\nJohn\nSiti\n");
    await runBatch(h.deps, batchId, { backoffMs: 5 });
    // Meanwhile: John is archived, Siti's number changes (a new recipient now owns hers).
    expectOk(await archiveRecipient(h.deps, ctx(), { recipientId: john }));
    await h.db.update(recipients).set({ phone: "628111000002" }).where(eq(recipients.id, siti));
    expectOk(await submitBatch(h.deps, ctx(), { batchId }));
    const paid = await h.db.select({ phone: transfers.phone, recipientId: transfers.recipientId }).from(transfers).where(eq(transfers.batchId, batchId)).orderBy(transfers.id);
    expect(paid).toEqual([
      { phone: "6281234567890", recipientId: null },
      { phone: "628111000001", recipientId: null },
    ]);
    expect((await h.db.select({ lastPaidAt: recipients.lastPaidAt }).from(recipients)).map((r) => r.lastPaidAt)).toEqual([null, null]);
  });
});
