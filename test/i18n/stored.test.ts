import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { batchRows } from "@/db/schema";
import { batchResultsCsv } from "@/lib/batches/export";
import { parseBatchCsv, parseBatchFile } from "@/lib/batches/parse";
import { createBatch, editRow } from "@/lib/batches/rows";
import { uploadBatchFile } from "@/lib/batches/upload";
import { rejected } from "@/lib/cashin/codes";
import { WALLETS } from "@/lib/cashin/protocol";
import { storedText } from "@/lib/i18n/stored";
import { withLocale } from "@/lib/i18n/request-locale";
import { msg, translatorIn } from "@/lib/i18n/translate";
import { updateLimits, getLimits } from "@/lib/transfers/settings";
import { walletLabel } from "@/lib/transfers/wallets";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/** What the server writes: English, from messages/en.json. */
const en = translatorIn("en");
const ip = "203.0.113.16";

describe("Texts stored in English are read in the reader's language", () => {
  it("translates Cash In's refusal descriptions, as stored on a failed transfer", () => {
    const stored = rejected("inactive_account", "4033818", "Inactive Account").message;
    expect(stored).toBe("The recipient's e-wallet account is inactive.");
    const indonesian = withLocale("id", () => msg("server.cashin.rejected.inactive_account"));
    expect(indonesian).not.toBe(stored);
    expect(storedText(stored, "id")).toBe(indonesian);
    expect(storedText(stored, "en")).toBe(stored);
  });

  it("gives a message with details its details back, each read again: another stored text inside it", () => {
    const cashinAnswer = rejected("insufficient_funds", "4033814", "Insufficient Fund").message;
    const stored = en("server.transfers.stored.noFinalAnswer", { message: cashinAnswer });
    expect(stored).toBe("No final answer from Cash In after 3 days of checks (last: The merchant's Cash In balance is too low for this transfer.).");
    expect(storedText(stored, "id")).toBe("Tidak ada jawaban akhir dari Cash In setelah 3 hari pengecekan (terakhir: Saldo Cash In merchant tidak cukup untuk transfer ini.).");
    // Cash In's own words have no translation: they stay as Cash In wrote them, inside the translated sentence.
    expect(storedText(en("server.transfers.stored.reportsFailed", { description: "Insufficient Fund" }), "id")).toBe("Cash In melaporkan transfer gagal: Insufficient Fund");
  });

  it("writes amounts, numbers and times inside a stored text the way the reader's language does", () => {
    const stored = en("server.batches.row.overMaximum", { max: 25_000_000 });
    expect(stored).toBe("The maximum per transfer is Rp 25,000,000: split this payment or ask an admin to raise the limit.");
    expect(storedText(stored, "id")).toBe("Batas per transfer Rp 25.000.000: pecah pembayaran ini atau minta admin menaikkan batasnya.");

    expect(storedText(en("server.batches.file.tooManyRows", { rows: 10_001, max: 10_000 }), "id")).toBe(
      "Berkas ini berisi 10.001 baris; satu batch paling banyak 10.000. Pecah menjadi beberapa berkas yang lebih kecil.",
    );

    // 1 Dec 2026 13:59 WIB, as the reconciler writes it when it sends an unsent approval back to the queue.
    const requeued = `${en("server.transfers.stored.requeued", { at: "1 Dec 2026 13:59 WIB" })} ${en("server.transfers.stored.requeueOtherName", { now: "JOHN D", before: "JOHN DOE" })}`;
    expect(storedText(requeued, "id")).toBe(
      "Disetujui 1 Des 2026 13.59 WIB tetapi tidak terkirim dalam 15 menit (aplikasi sempat berhenti), jadi tidak dikirim begitu saja: menunggu persetujuan lagi. Cash In sekarang menyebut pemiliknya “JOHN D”, bukan “JOHN DOE”.",
    );
  });

  it("reads a text of several of our sentences sentence by sentence, and keeps what is not ours as it was", () => {
    const rows = parseBatchCsv("wallet,phone,amount\nLinkAja,0812,abc\n");
    if (!rows.ok) throw new Error(rows.message);
    const problems = Object.values(rows.rows[0]!.problems);
    expect(problems).toHaveLength(3);
    const stored = problems.map((problem) => `${problem}.`).join(" ");
    expect(storedText(stored, "id")).toBe(
      withLocale("id", () => {
        const again = parseBatchCsv("wallet,phone,amount\nLinkAja,0812,abc\n");
        if (!again.ok) throw new Error(again.message);
        return Object.values(again.rows[0]!.problems)
          .map((problem) => `${problem}.`)
          .join(" ");
      }),
    );
    expect(storedText(stored, "id")).toContain('E-wallet "LinkAja" tidak dikenal');

    // A reason a person typed, inside our sentence, is theirs: it is not translated.
    expect(storedText(en("server.transfers.stored.resolvedBy", { reason: "Cash In confirmed by phone" }), "id")).toBe("Diselesaikan manual dari jawaban Cash In: Cash In confirmed by phone");
    expect(storedText("Insufficient Fund", "id")).toBe("Insufficient Fund");
    expect(storedText("Paid twice? No. Checked.", "id")).toBe("Paid twice? No. Checked.");
    // Messages that start with a detail ("{name} is already {role}", "{label} is at most {max}") would claim sentences
    // people write: they are never read back.
    expect(storedText("The invoice is already paid", "id")).toBe("The invoice is already paid");
    expect(storedText("Salary is at most Rp 5,000,000 per month", "id")).toBe("Salary is at most Rp 5,000,000 per month");
  });

  it("leaves a long text as stored, at once: ours are a few sentences", () => {
    const long = Array.from({ length: 400 }, (_, i) => `Line ${i} was checked.`).join(" ");
    const started = performance.now();
    expect(storedText(long, "id")).toBe(long);
    // Up to 1,000 characters, sentence by sentence.
    const sentences = Array.from({ length: 20 }, () => "The recipient's e-wallet account is inactive.").join(" ");
    expect(sentences.length).toBeLessThan(1000);
    const indonesian = withLocale("id", () => msg("server.cashin.rejected.inactive_account"));
    expect(storedText(sentences, "id")).toBe(Array.from({ length: 20 }, () => indonesian).join(" "));
    // A budget, not a benchmark: the unbounded search took seconds on such texts.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("names every e-wallet in the messages that list them, in both languages", () => {
    for (const locale of ["id", "en"] as const) {
      const text = translatorIn(locale)("server.batches.row.walletMissing");
      for (const wallet of WALLETS) expect(text).toContain(walletLabel[wallet]);
    }
  });
});

describe("Batch rows and refused files, as people read them", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it("a row's problems are stored in English whoever fixed it, and read in Indonesian", async () => {
    expectOk(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...(await getLimits(h.db)), maxPerTransfer: 5_000_000 }));
    const parsed = parseBatchCsv("wallet,phone,amount,note\nDANA,6281234567890,50000,\n");
    if (!parsed.ok) throw new Error(parsed.message);
    const { batchId } = expectOk(await createBatch(h.deps, { actor: h.staff, ip }, { fileName: "one.csv", rows: parsed.rows }));
    const [row] = await h.db.select().from(batchRows).where(eq(batchRows.batchId, batchId));

    // An Indonesian reader fixes the row wrongly: they read the problem in Indonesian, the row keeps English.
    const edit = await withLocale("id", () => editRow(h.deps, { actor: h.staff, ip }, { batchId, rowId: row!.id, wallet: "", phone: "0812", amount: "6000000", note: "" }));
    const stored = (await first(h.db.select({ problem: batchRows.problem }).from(batchRows).where(eq(batchRows.id, row!.id)).limit(1)))!.problem!;
    expect(stored).toBe("Enter the e-wallet: DANA, OVO, GoPay or ShopeePay. An Indonesian mobile number has 10 to 15 digits (628 and 7 to 12 more).");
    expect(expectOk(edit).problem).toBe(storedText(stored, "id"));
    expect(storedText(stored, "id")).toBe("Isi e-wallet: DANA, OVO, GoPay atau ShopeePay. " + withLocale("id", () => msg("server.phone.length")) + ".");

    // A row over the per-transfer maximum says the limit, in each language's numbers.
    await withLocale("id", () => editRow(h.deps, { actor: h.staff, ip }, { batchId, rowId: row!.id, wallet: "DANA", phone: "081234567890", amount: "6000000", note: "" }));
    const over = (await first(h.db.select({ problem: batchRows.problem }).from(batchRows).where(eq(batchRows.id, row!.id)).limit(1)))!.problem!;
    expect(over).toBe("The maximum per transfer is Rp 5,000,000: split this payment or ask an admin to raise the limit.");
    expect(storedText(over, "id")).toBe("Batas per transfer Rp 5.000.000: pecah pembayaran ini atau minta admin menaikkan batasnya.");

    // The batch's results, exported: the problem in the reader's language, as the status beside it.
    const csv = async (locale: "id" | "en") => {
      let text = "";
      for await (const chunk of batchResultsCsv(h.db, batchId, { locale })) text += chunk;
      return text;
    };
    expect(await csv("id")).toContain("Batas per transfer Rp 5.000.000: pecah pembayaran ini");
    expect(await csv("en")).toContain("The maximum per transfer is Rp 5,000,000: split this payment");
  });

  it("a CSV the upload refuses is refused in the uploader's language, though the file is read in English", async () => {
    const file = new File(["nama,nomor\nBudi,0812\n"], "payroll.csv", { type: "text/csv" });
    expect(parseBatchFile(new Uint8Array(await file.arrayBuffer()))).toMatchObject({ ok: false, message: expect.stringMatching(/^The first line must name the columns/) });
    const refused = await withLocale("id", () => uploadBatchFile(h.deps, { actor: h.staff, ip }, file));
    expect(refused).toMatchObject({
      ok: false,
      message:
        "Baris pertama harus menamai kolom dompet, nomor_hp dan nominal (catatan boleh tidak ada); nama kolom bahasa Inggris wallet, phone, amount dan note juga diterima. Tidak ada: wallet, phone, amount. Yang ada: nama, nomor.",
    });
  });
});
