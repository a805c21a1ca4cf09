import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first, type Db } from "@/db/client";
import { auditEntries, inquiries, recipients } from "@/db/schema";
import { archiveRecipient, listRecipients, probeAmount, saveRecipient, updateRecipient } from "@/lib/recipients/service";
import { labelKey, recipientFields, type RecipientInput } from "@/lib/recipients/schemas";
import { getLimits, updateLimits } from "@/lib/transfers/settings";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/** Saved recipients (issue 16): verified by a look-up when saved, labels and numbers unique among those in use. */

const ip = "203.0.113.41";
let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const ctx = () => ({ actor: h.staff, ip });
const input = (fields: Partial<Record<keyof RecipientInput, unknown>> = {}): RecipientInput =>
  recipientFields.parse({ label: "John payroll", wallet: "DANA", phone: "0812-3456-7890", defaultAmount: "50.000", defaultMemo: "Gaji", ...fields });

describe("Saving a recipient", () => {
  it("looks the wallet up and keeps the owner's name it returned, with the look-up", async () => {
    const saved = await saveRecipient(h.deps, ctx(), input());
    expect(saved).toMatchObject({ ok: true, data: { ownerName: "John" }, message: "Saved: DANA 0812-3456-7890 belongs to John." });
    const row = (await first(h.db.select().from(recipients).limit(1)))!;
    expect(row).toMatchObject({ label: "John payroll", wallet: "DANA", phone: "6281234567890", ownerName: "John", defaultAmount: 50_000, defaultMemo: "Gaji", createdBy: h.staff.id });
    expect(await first(h.db.select().from(inquiries).where(eq(inquiries.id, row.inquiryId)).limit(1))).toMatchObject({ purpose: "recipient", outcome: "found", amount: 50_000 });
    expect((await first(h.db.select().from(auditEntries).where(eq(auditEntries.action, "recipient.create")).limit(1)))?.after).toMatchObject({ label: "John payroll", ownerName: "John" });
  });

  it("asks about a nominal amount when there is no default one", async () => {
    expectOk(await saveRecipient(h.deps, ctx(), input({ defaultAmount: "" })));
    expect(await first(h.db.select().from(inquiries).limit(1))).toMatchObject({ amount: probeAmount });
  });

  it("saves nothing for a wallet Cash In does not confirm, and says why", async () => {
    const refused = await saveRecipient(h.deps, ctx(), input({ phone: "628111000003" }));
    expect(refused).toMatchObject({ ok: false, code: "conflict", message: expect.stringContaining("No DANA wallet is registered to 628111000003") });
    expect(await h.db.select().from(recipients)).toHaveLength(0);
  });

  it("refuses a label or a number already in use, before any look-up; an archived one frees both", async () => {
    const { recipientId } = expectOk(await saveRecipient(h.deps, ctx(), input()));
    const lookUps = async () => (await h.db.select().from(inquiries)).length;
    const before = await lookUps();
    expect(await saveRecipient(h.deps, ctx(), input({ label: "  JOHN   payroll ", phone: "628111000001" }))).toMatchObject({
      ok: false,
      code: "conflict",
      message: "Another recipient is already labelled “John payroll”: choose another label.",
    });
    expect(await saveRecipient(h.deps, ctx(), input({ label: "Another", phone: "+62 812 3456 7890" }))).toMatchObject({
      ok: false,
      message: "This DANA number is already saved as “John payroll”.",
    });
    // The same number on another e-wallet is another wallet.
    expectOk(await saveRecipient(h.deps, ctx(), input({ label: "John on OVO", wallet: "OVO" })));
    expect(await lookUps()).toBe(before + 1);

    expectOk(await archiveRecipient(h.deps, ctx(), { recipientId }));
    expectOk(await saveRecipient(h.deps, ctx(), input()));
    expect((await listRecipients(h.db)).map((r) => r.label)).toEqual(["John on OVO", "John payroll"]);
    expect((await listRecipients(h.db, { archived: true })).map((r) => r.id)).toEqual([recipientId]);
  });

  it("counts its look-up against the person's look-ups per hour", async () => {
    expectOk(await updateLimits({ db: h.db, actor: h.admin, ip }, { ...(await getLimits(h.db)), lookUpsPerHour: 1 }));
    expectOk(await saveRecipient(h.deps, ctx(), input()));
    const refused = await saveRecipient(h.deps, ctx(), input({ label: "Siti", phone: "628111000001" }));
    expect(refused).toMatchObject({ ok: false, code: "forbidden", message: expect.stringMatching(/look-up/i) });
    expect(await h.db.select().from(recipients)).toHaveLength(1);
  });

  it("refuses bad input with a message per field", () => {
    const parsed = recipientFields.safeParse({ label: " ", wallet: "LINKAJA", phone: "123", defaultAmount: "12,5", defaultMemo: "a\nb" });
    expect(parsed.success).toBe(false);
    const fields = Object.fromEntries(parsed.error!.issues.map((issue) => [issue.path[0], issue.message]));
    expect(Object.keys(fields).sort()).toEqual(["defaultAmount", "defaultMemo", "label", "phone", "wallet"]);
    expect(fields.label).toBe("Enter a label");
    expect(recipientFields.safeParse({ ...input(), phone: "6281234567890", label: "x".repeat(61) }).error?.issues[0]?.message).toBe("A label is at most 60 characters");
    expect(recipientFields.safeParse({ ...input(), phone: "6281234567890", label: "pay \u202Eme" }).error?.issues[0]?.message).toBe(
      "A label cannot contain control characters or text-direction marks",
    );
  });
});

describe("Changing and archiving a recipient", () => {
  it("looks the number up again when someone else changed it between the read and the save, never keeping another number's name", async () => {
    const { recipientId } = expectOk(await saveRecipient(h.deps, ctx(), input()));
    // Another person's change lands just before this save's transaction starts.
    let raced = false;
    const db: Db = Object.assign(Object.create(h.db) as Db, {
      transaction: (async (work) => {
        if (!raced) {
          raced = true;
          await h.db.update(recipients).set({ phone: "628111000001", ownerName: "Siti Rahayu" }).where(eq(recipients.id, recipientId));
        }
        return h.db.transaction(work);
      }) satisfies Db["transaction"],
    });
    expect(await updateRecipient({ ...h.deps, db }, ctx(), { ...input({ label: "John (weekly)" }), recipientId })).toMatchObject({ ok: true, data: { ownerName: "John" } });
    expect(await first(h.db.select().from(recipients).limit(1))).toMatchObject({ label: "John (weekly)", phone: "6281234567890", ownerName: "John" });
  });

  it("looks a changed number up again and takes its owner's name; a changed label alone needs no look-up", async () => {
    const { recipientId } = expectOk(await saveRecipient(h.deps, ctx(), input()));
    const lookUps = async () => (await h.db.select().from(inquiries)).length;
    const before = await lookUps();
    expect(await updateRecipient(h.deps, ctx(), { ...input({ label: "John (weekly)", defaultAmount: "" }), recipientId })).toMatchObject({ ok: true, message: "Saved." });
    expect(await lookUps()).toBe(before);
    expect(await updateRecipient(h.deps, ctx(), { ...input({ label: "Siti", phone: "628111000001" }), recipientId })).toMatchObject({
      ok: true,
      data: { ownerName: "Siti Rahayu" },
    });
    expect(await first(h.db.select().from(recipients).limit(1))).toMatchObject({ label: "Siti", phone: "628111000001", ownerName: "Siti Rahayu" });
    const changes = await h.db.select().from(auditEntries).where(eq(auditEntries.action, "recipient.update"));
    expect(changes.map((e) => [e.before, e.after])).toEqual([
      [{ label: "John payroll", defaultAmount: 50_000 }, { label: "John (weekly)", defaultAmount: null }],
      [
        { label: "John (weekly)", phone: "6281234567890", defaultAmount: null, ownerName: "John" },
        { label: "Siti", phone: "628111000001", defaultAmount: 50_000, ownerName: "Siti Rahayu" },
      ],
    ]);
  });

  it("refuses to change or archive an archived recipient", async () => {
    const { recipientId } = expectOk(await saveRecipient(h.deps, ctx(), input()));
    expectOk(await archiveRecipient(h.deps, ctx(), { recipientId }));
    expect(await archiveRecipient(h.deps, ctx(), { recipientId })).toMatchObject({ ok: false, message: "This recipient is archived." });
    expect(await updateRecipient(h.deps, ctx(), { ...input(), recipientId })).toMatchObject({ ok: false, message: "This recipient is archived." });
    expect(await updateRecipient(h.deps, ctx(), { ...input(), recipientId: 999 })).toMatchObject({ ok: false, code: "not_found" });
  });

  it("finds recipients by label, owner's name or the number as people write it", async () => {
    expectOk(await saveRecipient(h.deps, ctx(), input()));
    expectOk(await saveRecipient(h.deps, ctx(), input({ label: "Payroll Siti", phone: "628111000001" })));
    const labels = async (q: string) => (await listRecipients(h.db, { q, sort: "label" })).map((r) => r.label);
    expect(await labels("payroll")).toEqual(["John payroll", "Payroll Siti"]);
    expect(await labels("rahayu")).toEqual(["Payroll Siti"]);
    expect(await labels("0811-1000-001")).toEqual(["Payroll Siti"]);
    expect(await labels("3456")).toEqual(["John payroll"]);
    expect(await labels("100%")).toEqual([]);
  });
});

describe("Labels in any case and any Unicode form are one label", () => {
  it("refuses “ÉMILE” and a decomposed “Émile” beside “Émile”, and a batch row finds the one recipient", async () => {
    expectOk(await saveRecipient(h.deps, ctx(), input({ label: "Émile", phone: "628111000001" })));
    for (const label of ["ÉMILE", "émile", "E\u0301mile", " Émile "]) {
      expect(await saveRecipient(h.deps, ctx(), input({ label, phone: "628111000002" })), label).toMatchObject({ ok: false, code: "conflict", message: "Another recipient is already labelled “Émile”: choose another label." });
    }
    expect(labelKey("Émile")).toBe(labelKey("ÉMILE"));
    expect(await h.db.select().from(recipients)).toHaveLength(1);
  });
});
