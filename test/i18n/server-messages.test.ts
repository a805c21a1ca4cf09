import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEntries, inquiries, secondFactors } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit/verify";
import { passwordProblem } from "@/lib/auth/password-strength";
import { proveSecondFactor } from "@/lib/auth/second-factor";
import { cancelBatch } from "@/lib/batches/decide";
import { parseBatchCsv } from "@/lib/batches/parse";
import { createBatch, editRow } from "@/lib/batches/rows";
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
import { createUserSchema } from "@/lib/users/schemas";
import { changeRole } from "@/lib/users/service";
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
    expect(await h.db.select({ message: inquiries.message }).from(inquiries)).toEqual([
      { message: "No DANA wallet is registered to 628111000003. Check the number and the e-wallet." },
      { message: "No DANA wallet is registered to 628111000003. Check the number and the e-wallet." },
    ]);
  });

  it("the maximum per transfer, with the amount written the way each language writes it", async () => {
    expectOk(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...(await getLimits(h.db)), approvalThreshold: 5_000_000, maxPerTransfer: 10_000_000 }));
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

    expectOk(await cancelTransfer(h.deps, { actor: h.manager, ip }, { transferId }));
    const decided = await inBoth(() => approveTransfer(h.deps, { actor: h.manager2, ip }, { transferId }));
    expect(decided.id).toEqual({ ok: false, code: "conflict", message: "Transfer ini sudah diputuskan: statusnya dibatalkan." });
    expect(decided.en).toEqual({ ok: false, code: "conflict", message: "This transfer was already decided: it is canceled." });
  });

  it("a refusal that is audited is told in Indonesian and audited in English", async () => {
    const { transferId } = expectOk(await h.send({ phone: JOHN, amount: 6_000_000 }));
    const stale = await withLocale("id", () => approveTransfer(h.deps, { actor: h.manager, ip }, { transferId, duplicatesChecked: [999] }));
    expect(stale).toEqual({ ok: false, code: "conflict", message: "Kemungkinan duplikat berubah sejak halaman ini dimuat: muat ulang halaman lalu periksa lagi." });
    const [audited] = await h.db.select().from(auditEntries).where(eq(auditEntries.action, "transfer.duplicate_tick_refused"));
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
    expect(await h.transfer(transferId)).toMatchObject({ status: "failed", reason: "The merchant's Cash In balance is too low for this transfer." });
  });

  it("a limits form refused on save: the fields in the admin's language, the audit in English", async () => {
    const limits = await getLimits(h.db);
    const refused = await withLocale("id", () => updateLimits({ db: h.db, actor: h.admin, ip }, { ...limits, approvalThreshold: 30_000_000, maxPerTransfer: 25_000_000 }));
    const said = "Batas persetujuan tidak boleh di atas maksimum per transfer (Rp 25.000.000): jika begitu, tidak ada transfer yang perlu disetujui manajer";
    expect(refused).toEqual({ ok: false, code: "invalid", message: said, fieldErrors: { approvalThreshold: [said] } });
    const [audited] = await h.db.select().from(auditEntries).where(eq(auditEntries.action, "limits.update_refused"));
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

describe("Accounts, sign-in, batches and the audit check in the requester's language", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it("a user-management refusal and answer, the role in words of the language", async () => {
    const lastAdmin = await inBoth(() => changeRole({ db: h.db, actor: h.admin, ip }, { userId: h.admin.id, role: "staff" }));
    expect(lastAdmin).toEqual({
      id: { ok: false, code: "conflict", message: "Ini admin aktif terakhir: jadikan orang lain admin terlebih dahulu" },
      en: { ok: false, code: "conflict", message: "This is the last active admin: make someone else admin first" },
    });
    const same = await inBoth(() => changeRole({ db: h.db, actor: h.admin, ip }, { userId: h.staff.id, role: "staff" }));
    expect([same.id.message, same.en.message]).toEqual(["Sari sudah berperan sebagai staf", "Sari is already staff"]);
  });

  it("the users form's field messages, worded when checked", async () => {
    const check = () => fieldErrorsOf(createUserSchema.safeParse({ name: " ", email: "eka@", role: "boss", password: "short" }).error?.issues ?? []);
    expect(await inBoth(check)).toEqual({
      id: {
        name: ["Masukkan nama"],
        email: ["Masukkan alamat e-mail yang valid, seperti nama@perusahaan.co.id"],
        role: ["Pilih peran: staf, manajer, atau admin"],
        password: ["Kata sandi minimal 12 karakter"],
      },
      en: {
        name: ["Enter a name"],
        email: ["Enter a valid e-mail address, like name@company.co.id"],
        role: ["Choose a role: staff, manager or admin"],
        password: ["A password is at least 12 characters"],
      },
    });
  });

  it("why a password is too easy to guess", async () => {
    expect(await inBoth(() => passwordProblem("password1234"))).toEqual({
      id: "Ini sangat mirip dengan kata sandi yang umum dipakai. Gunakan rangkaian kata yang lebih panjang dan tidak saling berhubungan.",
      en: "This is very like a commonly used password. Use a longer phrase of unrelated words.",
    });
  });

  it("second-factor refusals, the lock's time as each language writes it", async () => {
    const malformed = await inBoth(() => proveSecondFactor({ db: h.db, user: h.staff, ip, sessionId: null }, "not a code"));
    expect([malformed.id.ok || malformed.id.message, malformed.en.ok || malformed.en.message]).toEqual([
      "Masukkan kode 6 digit dari aplikasi Anda, atau kode pemulihan seperti abcde-fghij.",
      "Enter the 6-digit code from your app, or a recovery code like abcde-fghij.",
    ]);
    await h.db.insert(secondFactors).values({ userId: h.manager.id, secret: "sealed", enrolledAt: new Date(), lockedUntil: new Date("2099-12-01T06:59:00Z") });
    const locked = await inBoth(() => proveSecondFactor({ db: h.db, user: h.manager, ip, sessionId: null }, "123456"));
    expect(locked).toEqual({
      id: { ok: false, reason: "locked", message: "Terlalu banyak kode salah: verifikasi dua langkah terkunci sampai 13.59 WIB. Coba lagi setelah itu, atau hubungi admin." },
      en: { ok: false, reason: "locked", message: "Too many wrong codes: the second factor is locked until 13:59 WIB. Use it again then, or ask an admin." },
    });
  });

  it("a batch over the rows per 24 hours, with its numbers written the way each language writes them", async () => {
    expectOk(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...(await getLimits(h.db)), batchRowsPerDay: 1_000 }));
    const parsed = parseBatchCsv(["wallet,phone,amount,note", ...Array.from({ length: 1_001 }, (_, i) => `DANA,62812000${String(i).padStart(5, "0")},${10_000 + i},`)].join("\n"));
    if (!parsed.ok) throw new Error(parsed.message);
    const refused = await inBoth(() => createBatch(h.deps, { actor: h.staff, ip }, { fileName: "payroll.csv", rows: parsed.rows }));
    expect(refused.id).toMatchObject({
      ok: false,
      code: "forbidden",
      message:
        "Berkas ini berisi 1.001 baris, padahal satu orang paling banyak memeriksa 1.000 baris batch dalam 24 jam (baris yang diunggah dan baris yang diperbaiki dihitung). Pecah menjadi beberapa berkas yang lebih kecil.",
    });
    expect(refused.en).toMatchObject({
      ok: false,
      code: "forbidden",
      message:
        "This file has 1,001 rows, but one person may look up at most 1,000 batch rows in any 24 hours (uploaded rows and row fixes count). Split it into smaller files.",
    });
  });

  it("a batch that can no longer be edited, with its status in words of the language", async () => {
    const parsed = parseBatchCsv("wallet,phone,amount,note\nDANA,6281234567890,50000,\n");
    if (!parsed.ok) throw new Error(parsed.message);
    const { batchId } = expectOk(await createBatch(h.deps, { actor: h.staff, ip }, { fileName: "one.csv", rows: parsed.rows }));
    expectOk(await cancelBatch(h.deps, { actor: h.staff, ip }, { batchId }));
    const edit = await inBoth(() => editRow(h.deps, { actor: h.staff, ip }, { batchId, rowId: 1, wallet: "DANA", phone: "081234567890", amount: "60000", note: "" }));
    expect(edit).toEqual({
      id: { ok: false, code: "conflict", message: "Batch ini tidak dapat diubah sekarang: statusnya dibatalkan." },
      en: { ok: false, code: "conflict", message: "This batch cannot be edited now: it is canceled." },
    });
  });

  it("the audit chain's verdict: Indonesian or English for the admin, English where nobody asked (npm run audit:verify)", async () => {
    expectOk(await changeRole({ db: h.db, actor: h.admin, ip }, { userId: h.staff.id, role: "manager" }));
    await h.db.update(auditEntries).set({ ip: "198.51.100.1" }).where(eq(auditEntries.id, 1));
    const verdict = await inBoth(() => verifyAuditChain(h.db));
    expect([verdict.id, verdict.en].map((v) => (v.ok ? null : v.message))).toEqual([
      "Entri 1 diubah setelah ditulis: isinya tidak lagi cocok dengan hash-nya.",
      "Entry 1 was edited after it was written: its content no longer matches its hash.",
    ]);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: false, message: "Entry 1 was edited after it was written: its content no longer matches its hash." });
  });
});
