import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEntries, inquiries } from "@/db/schema";
import { toAmountValue } from "@/lib/cashin/amount";
import {
  ambiguous,
  outcomeWords,
  rejected,
  untrustedEcho,
  type AmbiguousCause,
  type AmbiguousOutcome,
  type RejectedOutcome,
  type RejectionReason,
} from "@/lib/cashin/codes";
import { withLocale } from "@/lib/i18n/request-locale";
import { msg } from "@/lib/i18n/translate";
import { fieldErrorsOf } from "@/lib/result";
import { approveTransfer, cancelTransfer } from "@/lib/transfers/approvals";
import { lookUpForNewTransfer } from "@/lib/transfers/inquiry";
import { lookUpSchema } from "@/lib/transfers/schemas";
import { getLimits, updateLimits } from "@/lib/transfers/settings";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/**
 * What the server says to a person comes in the language of their request (lib/i18n/translate.ts): inside an action
 * the `locale` cookie's (here `withLocale`), English where nobody asked (scripts, jobs, these tests otherwise). What is
 * also kept (audit details, a look-up's stored answer) stays English, for whoever reads it later in their language.
 */

const ip = "203.0.113.15";
const JOHN = "6281234567890";
const NO_SUCH_WALLET = "628111000003";
const LOW_BALANCE = "628111000004";

/** The same call in Indonesian, then in English. */
async function inBoth<T>(run: () => T | Promise<T>): Promise<{ id: T; en: T }> {
  return { id: await withLocale("id", run), en: await withLocale("en", run) };
}

describe("Server messages in the requester's language", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it("a look-up refusal is told in Indonesian or English, and the look-up keeps it in English", async () => {
    const lookUp = () => lookUpForNewTransfer(h.deps, { actor: h.staff, ip }, { wallet: "DANA", phone: NO_SUCH_WALLET, amount: 10_000 });
    const { id, en } = await inBoth(lookUp);
    expect(id).toEqual({ ok: false, code: "conflict", message: "Tidak ada dompet DANA yang terdaftar untuk 628111000003. Periksa nomor dan dompet digitalnya." });
    expect(en).toEqual({ ok: false, code: "conflict", message: "No DANA wallet is registered to 628111000003. Check the number and the e-wallet." });
    expect(h.db.select({ message: inquiries.message }).from(inquiries).all()).toEqual([
      { message: "No DANA wallet is registered to 628111000003. Check the number and the e-wallet." },
      { message: "No DANA wallet is registered to 628111000003. Check the number and the e-wallet." },
    ]);
  });

  it("the maximum per transfer, with the amount written the way each language writes it", async () => {
    expectOk(updateLimits({ db: h.db, actor: h.admin, ip }, { ...getLimits(h.db), approvalThreshold: 5_000_000, maxPerTransfer: 10_000_000 }));
    const { id, en } = await inBoth(() => lookUpForNewTransfer(h.deps, { actor: h.staff, ip }, { wallet: "OVO", phone: JOHN, amount: 10_000_001 }));
    expect(id).toMatchObject({ ok: false, code: "forbidden", message: "Maksimum per transfer adalah Rp 10.000.000. Pecah pembayarannya atau minta admin menaikkan batasnya." });
    expect(en).toMatchObject({ ok: false, code: "forbidden", message: "The maximum per transfer is Rp 10,000,000. Split the payment or ask an admin to raise the limit." });

    const amount = await inBoth(() => toAmountValue(10_000_001, { max: 10_000_000 }));
    expect(amount).toEqual({ id: { ok: false, message: "Nominal paling banyak Rp 10.000.000" }, en: { ok: false, message: "The amount must be at most Rp 10,000,000" } });
  });

  it("approval refusals, with a status in words of the language", async () => {
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }, h.manager));
    const own = await inBoth(() => approveTransfer(h.deps, { actor: h.manager, ip }, { transferId }));
    expect(own.id).toEqual({ ok: false, code: "forbidden", message: "Anda tidak dapat menyetujui transfer Anda sendiri: manajer lain yang harus menyetujuinya." });
    expect(own.en).toEqual({ ok: false, code: "forbidden", message: "You cannot approve your own transfer: another manager must." });

    expectOk(cancelTransfer(h.deps, { actor: h.manager, ip }, { transferId }));
    const decided = await inBoth(() => approveTransfer(h.deps, { actor: h.manager2, ip }, { transferId }));
    expect(decided.id).toEqual({ ok: false, code: "conflict", message: "Transfer ini sudah diputuskan: statusnya dibatalkan." });
    expect(decided.en).toEqual({ ok: false, code: "conflict", message: "This transfer was already decided: it is canceled." });
  });

  it("a refusal that is audited is told in Indonesian and audited in English", async () => {
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    const stale = await withLocale("id", () => approveTransfer(h.deps, { actor: h.manager, ip }, { transferId, duplicatesChecked: [999] }));
    expect(stale).toEqual({ ok: false, code: "conflict", message: "Kemungkinan duplikat berubah sejak halaman ini dimuat: muat ulang halaman lalu periksa lagi." });
    const [audited] = h.db.select().from(auditEntries).where(eq(auditEntries.action, "transfer.duplicate_tick_refused")).all();
    expect(audited?.after).toMatchObject({ refused: "The possible duplicates changed since this page was loaded: reload it and check them again." });
  });

  it("Cash In's refusal of a top-up, told to the approver in their language; the transfer keeps it in English", async () => {
    const { transferId } = expectOk(await h.send({ phone: LOW_BALANCE, amount: 6_000_000 }));
    const approved = await withLocale("id", () => approveTransfer(h.deps, { actor: h.manager, ip }, { transferId }));
    expect(approved).toEqual({
      ok: true,
      data: { outcome: "approved", status: "failed" },
      message: "Disetujui, tetapi Cash In menolak transfer ini: Saldo Cash In merchant tidak cukup untuk transfer ini.",
    });
    expect(h.transfer(transferId)).toMatchObject({ status: "failed", reason: "The merchant's Cash In balance is too low for this transfer." });
  });

  it("a limits form refused on save: the fields in the admin's language, the audit in English", async () => {
    const refused = await withLocale("id", () => updateLimits({ db: h.db, actor: h.admin, ip }, { ...getLimits(h.db), approvalThreshold: 30_000_000, maxPerTransfer: 25_000_000 }));
    const said = "Batas persetujuan tidak boleh di atas maksimum per transfer (Rp 25.000.000): jika begitu, tidak ada transfer yang perlu disetujui manajer";
    expect(refused).toEqual({ ok: false, code: "invalid", message: said, fieldErrors: { approvalThreshold: [said] } });
    const [audited] = h.db.select().from(auditEntries).where(eq(auditEntries.action, "limits.update_refused")).all();
    expect(audited?.after).toMatchObject({
      refused: { approvalThreshold: "The approval threshold cannot be above the maximum per transfer (Rp 25,000,000): no transfer would then need a manager's approval" },
    });
  });
});

describe("Form fields shared by the browser and the server are worded when they are checked", () => {
  const check = () => fieldErrorsOf(lookUpSchema.safeParse({ wallet: "LINKAJA", phone: "0812-abc", amount: "50.000,50" }).error?.issues ?? []);

  it("in Indonesian, then in English, from the same schema", async () => {
    expect(await inBoth(check)).toEqual({
      id: {
        wallet: ["Pilih dompet digital: DANA, OVO, GoPay, atau ShopeePay"],
        phone: ["Nomor HP hanya boleh berisi angka, spasi, tanda hubung, dan tanda + di depan"],
        amount: ["Masukkan rupiah bulat, misalnya 50000 atau 50.000 (tanpa sen)"],
      },
      en: {
        wallet: ["Choose the e-wallet: DANA, OVO, GoPay or ShopeePay"],
        phone: ["A phone number may contain only digits, spaces, dashes and a leading +"],
        amount: ["Enter whole rupiah, like 50000 or 50.000 (no cents)"],
      },
    });
  });

  it("in English where no person's language is known", () => {
    expect(lookUpSchema.shape.phone.safeParse("").error?.issues[0]?.message).toBe("Enter the wallet's phone number");
  });
});

describe("Cash In's answers in words (lib/cashin/codes.ts)", () => {
  const reasons = Object.keys({
    invalid_field_format: 1,
    missing_mandatory_field: 1,
    bad_request: 1,
    unauthorized: 1,
    exceeds_amount_limit: 1,
    suspected_fraud: 1,
    insufficient_funds: 1,
    inactive_account: 1,
    forbidden: 1,
    invalid_account: 1,
    transaction_not_found: 1,
    inconsistent_request: 1,
    not_found: 1,
    duplicate_external_id: 1,
    duplicate_reference: 1,
    redirected: 1,
    echo_mismatch: 1,
  } satisfies Record<RejectionReason, 1>) as RejectionReason[];
  const causes = Object.keys({
    timeout: 1,
    network: 1,
    server_error: 1,
    unreadable_body: 1,
    rate_limited: 1,
    duplicate_external_id: 1,
    duplicate_reference: 1,
    unexpected_answer: 1,
    redirect: 1,
    echo_mismatch: 1,
  } satisfies Record<AmbiguousCause, 1>) as AmbiguousCause[];

  it("a refusal in Indonesian", () => {
    const fraud = rejected("suspected_fraud", "4033803", "Suspected Fraud");
    expect(withLocale("id", () => outcomeWords(msg, "topup", fraud))).toBe("Cash In menolak transfer ini karena diduga penipuan.");
    const echo = untrustedEcho("inquiry", "2003700", "Successful", "customer number and amount differ") as RejectedOutcome;
    expect(withLocale("id", () => outcomeWords(msg, "inquiry", echo))).toBe(
      "Jawaban Cash In tidak sesuai dengan pengecekan (nomor pelanggan dan nominal berbeda), sehingga tidak dipercaya. Tidak ada yang dikirim.",
    );
    const timeout = ambiguous("topup", "timeout", null, "no answer within 2000 ms");
    expect(withLocale("id", () => outcomeWords(msg, "topup", timeout))).toBe(
      "Cash In tidak menjawab tepat waktu (no answer within 2000 ms). Transfer mungkin sudah atau belum terjadi: periksa statusnya, jangan pernah mengirimnya lagi.",
    );
  });

  it("in English, the words are the outcome's own record, for every refusal and every unknown outcome", () => {
    const outcomes: [string, RejectedOutcome | AmbiguousOutcome][] = [
      ...reasons.map((reason) => ["inquiry", rejected(reason, "4003700", "")] as [string, RejectedOutcome]),
      ["inquiry", untrustedEcho("inquiry", "2003700", "Successful", "reference differs") as RejectedOutcome],
      ["inquiry", untrustedEcho("inquiry", "2003700", "Successful", "reference and customer number and amount differ") as RejectedOutcome],
      ...causes.flatMap((cause) =>
        (["inquiry", "topup", "status"] as const).flatMap((call) => [
          [call, ambiguous(call, cause, null)] as [string, AmbiguousOutcome],
          [call, ambiguous(call, cause, "5003800", "HTTP 503")] as [string, AmbiguousOutcome],
        ]),
      ),
    ];
    for (const [call, outcome] of outcomes) {
      expect(withLocale("en", () => outcomeWords(msg, call as "inquiry" | "topup" | "status", outcome))).toBe(outcome.message);
    }
  });
});
