import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { auditEntries, inquiries, recipients } from "@/db/schema";
import { withLocale } from "@/lib/i18n/request-locale";
import { streamRecipientsCsv } from "@/lib/recipients/export";
import { importRecipients, maxImportRows } from "@/lib/recipients/import";
import { recipientFields } from "@/lib/recipients/schemas";
import { archiveRecipient, listRecipients, saveRecipient } from "@/lib/recipients/service";
import { getLimits, updateLimits } from "@/lib/transfers/settings";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/** Importing recipients from a CSV file (docs/recipients.md#import): all or nothing, every problem listed by line. */

const ip = "203.0.113.42";
let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const ctx = () => ({ actor: h.staff, ip });
const file = (text: string | Uint8Array<ArrayBuffer>, name = "recipients.csv") => new File([text], name, { type: "text/csv" });
const importText = (text: string) => importRecipients(h.deps, ctx(), file(text));
const saved = () => h.db.select().from(recipients);
const lookUps = () => h.db.select().from(inquiries);

describe("A good file", () => {
  it("saves every recipient with the owner's name its look-up returned, audited one by one with its line", async () => {
    const text = [
      "\uFEFFLabel,Wallet,Phone,Amount,Memo,Employee id",
      "John payroll,DANA,0812-3456-7890,Rp 50.000,\"Gaji, Juni\",E-1",
      "Siti,go-pay,+62 811 1000 001,,,E-2",
      "",
      "Budi,ShopeePay,628111000002,75000,Kasbon,E-3",
    ].join("\r\n");
    const result = await importText(text);
    expect(result).toEqual({ ok: true, data: { imported: 3 }, message: "Imported 3 recipients, each looked up." });
    expect((await listRecipients(h.db, { sort: "label" })).map(({ label, wallet, phone, ownerName, defaultAmount, defaultMemo, createdBy }) => ({ label, wallet, phone, ownerName, defaultAmount, defaultMemo, createdBy }))).toEqual([
      { label: "Budi", wallet: "SHOPEEPAY", phone: "628111000002", ownerName: "Budi Santoso", defaultAmount: 75_000, defaultMemo: "Kasbon", createdBy: h.staff.id },
      { label: "John payroll", wallet: "DANA", phone: "6281234567890", ownerName: "John", defaultAmount: 50_000, defaultMemo: "Gaji, Juni", createdBy: h.staff.id },
      { label: "Siti", wallet: "GOPAY", phone: "628111000001", ownerName: "Siti Rahayu", defaultAmount: null, defaultMemo: null, createdBy: h.staff.id },
    ]);
    // Each recipient keeps its own look-up, made for a recipient; one without a default amount was asked about the probe amount.
    expect((await lookUps()).map((i) => [i.purpose, i.outcome])).toEqual(Array(3).fill(["recipient", "found"]));
    for (const r of await saved()) expect((await lookUps()).find((i) => i.id === r.inquiryId)?.phone).toBe(r.phone);
    const audits = await h.db.select().from(auditEntries).where(eq(auditEntries.action, "recipient.import"));
    expect(audits.map((e) => (e.after as { line: number }).line).sort()).toEqual([2, 3, 5]);
    expect(audits.find((e) => (e.after as { line: number }).line === 5)?.after).toMatchObject({ label: "Budi", ownerName: "Budi Santoso", fileName: "recipients.csv" });
  });

  it("reads the local phone format when Excel turned the phone column into 6,28E+12 (an export saved in Excel)", async () => {
    const text = ["label;dompet;nomor_hp;nomor_hp_lokal", "Siti;DANA;6,28111E+11;0811-1000-001", "Rusak;DANA;6,28123E+12;"].join("\n");
    const result = await importText(text);
    // The second line has no local format to fall back on: it is refused, and so nothing is saved.
    expect(result).toMatchObject({ ok: false });
    expect(JSON.stringify(result)).toContain("Line 3");
    expect(JSON.stringify(result)).not.toContain("Line 2");
    expect(await saved()).toHaveLength(0);
    expectOk(await importText(["label;dompet;nomor_hp;nomor_hp_lokal", "Siti;DANA;6,28111E+11;0811-1000-001"].join("\n")));
    expect((await saved()).map((r) => r.phone)).toEqual(["628111000001"]);
  });

  it("reads a semicolon file with the Indonesian column names", async () => {
    expectOk(await importText("label;dompet;nomor_hp;nominal\nKasir;OVO;081234567890;10.000\n"));
    expect(await saved()).toMatchObject([{ label: "Kasir", wallet: "OVO", defaultAmount: 10_000 }]);
  });
});

describe("Bad lines: every problem listed, nothing saved or looked up", () => {
  it("lists each line's problems in the form's words", async () => {
    const text = [
      "label,wallet,phone,amount,memo",
      ",DANA,081234567890,,",
      "Ok one,LinkAja,081234567890,,",
      "Bad number,DANA,123,12.5,",
      "Bad memo,OVO,6281234567891,,\"pay \u202Eevil\"",
      "Excel,DANA,6.28123E+12,,",
      "Split,DANA,081234567892,10000,Gaji, Juni",
    ].join("\n");
    const result = await importText(text);
    expect(result).toMatchObject({ ok: false, code: "invalid", message: "Nothing was imported: 6 lines need fixing." });
    const lines = result.ok ? [] : result.fieldErrors!.file!;
    expect(lines).toEqual([
      "Line 2: Enter a label",
      'Line 3: Unknown e-wallet "LinkAja": use DANA, OVO, GoPay or ShopeePay',
      expect.stringMatching(/^Line 4: /),
      expect.stringMatching(/^Line 4: /),
      "Line 5: A memo cannot contain line breaks, tabs, control characters or text-direction marks",
      expect.stringMatching(/^Line 6: The spreadsheet turned this number into "6\.28123E\+12"/),
      "Line 7: This line has 6 fields but the header has 5. Put values that contain a comma in double quotes.",
    ]);
    expect(await saved()).toEqual([]);
    expect(await lookUps()).toEqual([]);
  });

  it("refuses a file it cannot read as recipients, saying why", async () => {
    expect(await importText("name,number\nJohn,0812\n")).toMatchObject({
      ok: false,
      message: "The first line must name the columns label, wallet and phone (amount and memo are optional). Missing: label, wallet, phone.",
    });
    const missing = await withLocale("id", () => importText("label,amount\nJohn,5000\n"));
    expect(missing).toMatchObject({ ok: false, message: expect.stringContaining("Tidak ada: dompet, nomor_hp.") });
    expect(await importText("label,wallet,phone\n")).toMatchObject({ ok: false, message: "The file has no recipients after the header." });
    const tooMany = ["label,wallet,phone", ...Array.from({ length: maxImportRows + 1 }, (_, i) => `R${i},DANA,0812${String(10_000_000 + i)}`)].join("\n");
    expect(await importText(tooMany)).toMatchObject({ ok: false, message: "The file has 501 recipients; an import holds at most 500. Split it into smaller files." });
    expect(await importRecipients(h.deps, ctx(), file(new Uint8Array([0x50, 0x4b, 3, 4, 0]), "book.xlsx"))).toMatchObject({ ok: false, message: expect.stringContaining("Excel workbook") });
    expect(await importRecipients(h.deps, ctx(), file(new Uint8Array([0x6c, 0x61, 0x62, 0x65, 0x6c, 0xe9, 0x0a])))).toMatchObject({ ok: false, message: expect.stringContaining("UTF-8") });
    expect(await importText('label,wallet,phone\n"John,DANA,0812\n')).toMatchObject({ ok: false, message: expect.stringContaining("Line 2 opens a double quote") });
    expect(await saved()).toEqual([]);
  });
});

describe("Repeats: inside the file and against recipients in use", () => {
  it("names the earlier line of a repeated label or number, and the recipient in use that has one", async () => {
    expectOk(await saveRecipient(h.deps, ctx(), recipientFields.parse({ label: "Kantor", wallet: "DANA", phone: "628111000004" })));
    const before = (await lookUps()).length;
    const text = [
      "label,wallet,phone",
      "John,DANA,081234567890",
      "Siti,OVO,628111000001",
      "JOHN,GoPay,628111000005",
      "Siti 2,OVO,+62 811-1000-001",
      "kantor,DANA,628111000006",
      "Dewi,DANA,0811 1000 004",
      "Eka,LinkAja,628111000007",
      "eka,OVO,628111000009",
    ].join("\n");
    const result = await importText(text);
    expect(result).toMatchObject({ ok: false, message: "Nothing was imported: 6 lines need fixing." });
    expect(result.ok ? [] : result.fieldErrors!.file).toEqual([
      "Line 4: the label “JOHN” is also on line 2",
      "Line 5: this number is also on line 3",
      "Line 6: Another recipient is already labelled “Kantor”: choose another label.",
      "Line 7: This DANA number is already saved as “Kantor”.",
      'Line 8: Unknown e-wallet "LinkAja": use DANA, OVO, GoPay or ShopeePay',
      // A line with another problem still holds its label: the repeat is listed at once, not after the first fix.
      "Line 9: the label “eka” is also on line 8",
    ]);
    expect(await saved()).toHaveLength(1);
    expect(await lookUps()).toHaveLength(before);
  });
});

describe("Look-ups: every wallet confirmed by Cash In, or nothing saved", () => {
  it("saves nothing when one look-up fails, and says which line", async () => {
    const result = await importText("label,wallet,phone\nJohn,DANA,081234567890\nNobody,DANA,628111000003\nWati,OVO,628111000008\n");
    expect(result).toMatchObject({ ok: false, message: "Nothing was imported: 2 lines need fixing." });
    expect(result.ok ? [] : result.fieldErrors!.file).toEqual([
      expect.stringMatching(/^Line 3: No DANA wallet is registered to 628111000003/),
      expect.stringMatching(/^Line 4: .*inactive/i),
    ]);
    expect(await saved()).toEqual([]);
    // The look-ups were made and stay on record, counted as the person's.
    expect((await lookUps()).map((i) => i.purpose)).toEqual(["recipient", "recipient", "recipient"]);
  });

  it("refuses a file that does not fit in the person's look-ups left this hour, before asking Cash In anything", async () => {
    expectOk(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...(await getLimits(h.db)), lookUpsPerHour: 3 }));
    expectOk(await saveRecipient(h.deps, ctx(), recipientFields.parse({ label: "First", wallet: "DANA", phone: "628111000001" })));
    const file3 = "label,wallet,phone\nA,DANA,628111000002\nB,DANA,628111000004\nC,DANA,628111000005\n";
    expect(await importText(file3)).toMatchObject({
      ok: false,
      code: "forbidden",
      message: "This file has 3 recipients to look up, but only 2 of your 3 look-ups an hour are left now (New transfer's count too). Import a smaller file, or this one later.",
    });
    expect(await importText(`${file3}D,DANA,628111000006\n`)).toMatchObject({ ok: false, message: expect.stringContaining("more than the 3 look-ups a person may make in an hour") });
    expect(await lookUps()).toHaveLength(1);
    expect((await first(h.db.select().from(auditEntries).where(eq(auditEntries.action, "inquiry.rate_limited")).limit(1)))?.after).toMatchObject({ made: 1, limit: 3, rows: 3, import: true });
    h.advance(61 * 60_000);
    expectOk(await importText(file3));
    expect(await saved()).toHaveLength(4);
  });
});

describe("Export, then import back", () => {
  for (const locale of ["en", "id"] as const) {
    it(`an exported file (${locale}) imports as it is once its recipients are archived`, async () => {
      for (const fields of [
        { label: "John payroll", wallet: "DANA", phone: "081234567890", defaultAmount: "50.000", defaultMemo: "Gaji, Juni; \"bonus\"" },
        { label: "Siti", wallet: "GOPAY", phone: "628111000001" },
        { label: "Budi (toko)", wallet: "SHOPEEPAY", phone: "628111000002", defaultMemo: "Kasbon" },
      ]) {
        expectOk(await saveRecipient(h.deps, ctx(), recipientFields.parse(fields)));
      }
      await h.db.update(recipients).set({ lastPaidAt: h.now() }).where(eq(recipients.label, "Siti"));
      const shape = async () => (await listRecipients(h.db, { sort: "label" })).map(({ label, wallet, phone, ownerName, defaultAmount, defaultMemo }) => ({ label, wallet, phone, ownerName, defaultAmount, defaultMemo }));
      const before = await shape();

      // The file's bytes as a browser downloads them, byte-order mark included.
      const bytes = new Uint8Array(await new Response(await streamRecipientsCsv(h.db, { locale })).arrayBuffer());
      const csv = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
      expect(csv.split("\r\n")[0]).toBe(
        locale === "en"
          ? "\uFEFFlabel,wallet,phone,phone_local,owner_name,default_amount,default_memo,last_paid_wib,created_by"
          : "\uFEFFlabel,dompet,nomor_hp,nomor_hp_lokal,pemilik_akun,nominal_default,memo_default,terakhir_dibayar_wib,dibuat_oleh",
      );
      expect(csv).toContain("Siti,GoPay,628111000001,0811-1000-001,Siti Rahayu,,,");

      for (const r of await listRecipients(h.db)) expectOk(await archiveRecipient(h.deps, ctx(), { recipientId: r.id }));
      expect(await importRecipients(h.deps, ctx(), file(bytes))).toMatchObject({ ok: true, data: { imported: 3 } });
      expect(await shape()).toEqual(before);
    });
  }

  it("defuses formulas in the export: a memo that starts like one comes back with the apostrophe that kept it text", async () => {
    expectOk(await saveRecipient(h.deps, ctx(), recipientFields.parse({ label: "=HYPERLINK(1)", wallet: "DANA", phone: "081234567890", defaultMemo: "@SUM(A1)" })));
    const csv = await new Response(await streamRecipientsCsv(h.db, { locale: "en" })).text();
    expect(csv.split("\r\n")[1]).toMatch(/^'=HYPERLINK\(1\),DANA,.*,'@SUM\(A1\),/);
  });
});
