import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { batchResultsCsv } from "@/lib/batches/export";
import { batchOverview, batchRowsPage, listBatches } from "@/lib/batches/queries";
import { listTransfers } from "@/lib/transfers/history";
import { parseHistoryFilters } from "@/lib/transfers/history-filters";
import { approveBatch } from "@/lib/batches/decide";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch, removeRows } from "@/lib/batches/rows";
import { runBatch } from "@/lib/batches/runner";
import { submitBatch } from "@/lib/batches/submit";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/** What the batch page, the approvals list, the results export and the history's batch filter read. */

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const ip = "203.0.113.5";

/** Every chunk of a streamed export, joined. */
async function textOf(chunks: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const chunk of chunks) text += chunk;
  return text;
}

async function sentBatch() {
  const parsed = parseBatchCsv(
    [
      "Wallet;Phone;Amount;Note",
      "DANA;6281234567890;3.000.000;=HYPERLINK(\"x\")",
      "OVO;628111000004;2.500.000;",
      "GoPay;628111000003;1.000.000;",
      "DANA;12345;10.000;",
      "DANA;6281234567890;3.000.000;again",
    ].join("\n"),
  );
  if (!parsed.ok) throw new Error(parsed.message);
  const { batchId } = expectOk(await createBatch(h.deps, { actor: h.staff, ip }, { fileName: "june.csv", rows: parsed.rows }));
  await runBatch(h.deps, batchId);
  return batchId;
}

describe("batch queries", () => {
  it("counts rows by state, duplicates and what needs attention, and pages rows by view", async () => {
    const id = await sentBatch();
    const overview = (await batchOverview(h.db, id))!;
    expect(overview.rows).toMatchObject({ all: 5, ok: 3, unconfirmed: 1, invalid: 1, pending: 0, duplicates: 1, attention: 3 });
    expect(overview.total).toBe(9_500_000);
    expect(overview.makerName).toBe(h.staff.name);
    expect((await batchRowsPage(h.db, id, { view: "attention" })).rows.map((r) => r.line)).toEqual([4, 5, 6]);
    const [list] = await listBatches(h.db);
    expect(list).toMatchObject({ id, rows: 5, total: 9_500_000, fileName: "june.csv" });
  });

  it("exports each row's final status and references, and filters the history by batch", async () => {
    const id = await sentBatch();
    const rows = (await batchRowsPage(h.db, id)).rows;
    expectOk(await removeRows(h.deps, { actor: h.staff, ip }, { batchId: id, rowIds: rows.filter((r) => r.state !== "ok" || r.duplicateOfLine).map((r) => r.id) }));
    expectOk(await submitBatch(h.deps, { actor: h.staff, ip }, { batchId: id }));
    expectOk(await approveBatch(h.deps, { actor: h.manager, ip }, { batchId: id }));
    await runBatch(h.deps, id);

    const csv = await textOf(batchResultsCsv(h.db, id));
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const lines = csv.slice(1).trim().split("\r\n");
    expect(lines[0]).toBe("line,wallet,phone,phone_local,amount,note,owner_name,status,cashin_reference,transfer_reference,detail");
    expect(lines).toHaveLength(6);
    const [john, dewi, notFound, invalid, repeat] = lines.slice(1).map((l) => l.split(","));
    expect(john!.slice(0, 8)).toEqual(["2", "DANA", "6281234567890", "0812-3456-7890", "3000000", `"'=HYPERLINK(""x"")"`, "John", "Succeeded"]);
    expect(john![8]).toMatch(/^TF\d+$/);
    expect(john![9]).toMatch(/^TRF/);
    expect(dewi!.slice(6, 8)).toEqual(["Dewi Lestari", "Failed"]);
    expect(dewi!.slice(10).join(",")).toMatch(/insufficient|balance|funds/i);
    expect(notFound![7]).toBe("Removed");
    expect(invalid!.slice(2, 5)).toEqual(["12345", "", "10.000"]);
    expect(repeat![7]).toBe("Removed");

    // In Indonesian: the upload's Indonesian column names, statuses in Indonesian.
    const indonesian = (await textOf(batchResultsCsv(h.db, id, { locale: "id" }))).slice(1).trim().split("\r\n");
    expect(indonesian[0]).toBe("baris,dompet,nomor_hp,nomor_hp_lokal,nominal,catatan,pemilik_akun,status,referensi_cashin,referensi_transfer,keterangan");
    expect(indonesian[1]!.split(",")[7]).toBe("Berhasil");
    expect(indonesian[3]!.split(",")[7]).toBe("Dihapus");

    const history = await listTransfers(h.db, parseHistoryFilters({ batch: String(id) }));
    expect(history.rows.map((r) => r.ownerName).sort()).toEqual(["Dewi Lestari", "John"]);
    await h.send({ phone: "628111000001", amount: 10_000 });
    expect((await listTransfers(h.db, parseHistoryFilters({ batch: String(id) }))).rows).toHaveLength(2);
    expect((await listTransfers(h.db, parseHistoryFilters({}))).rows).toHaveLength(3);
  });
});
