import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { auditEntries, recipients, transfers } from "@/db/schema";
import { recipientFields } from "@/lib/recipients/schemas";
import { archiveRecipient, saveRecipient } from "@/lib/recipients/service";
import { createTransfer } from "@/lib/transfers/create";
import { lookUpWallet } from "@/lib/transfers/inquiry";
import { createHarness, expectOk, type Harness } from "../transfers/harness";

/**
 * Paying a saved recipient (issue 16): a fresh look-up still runs; when Cash In's name differs from the saved one the
 * maker must confirm the new one, which the server checks whatever the screen did, and the recipient keeps the new
 * name only when the maker chooses so.
 */

const ip = "203.0.113.42";
/** The mock's renamed wallet: "Maya Sari" at the first look-up of a number and amount, "Maya Sari Dewi" from the second on. */
const MAYA = "628111000012";
let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const ctx = () => ({ actor: h.staff, ip });

async function saved(phone: string, amount: number, label = "Maya") {
  return expectOk(await saveRecipient(h.deps, ctx(), recipientFields.parse({ label, wallet: "DANA", phone, defaultAmount: String(amount), defaultMemo: "" }))).recipientId;
}

async function pay(recipientId: number, phone: string, amount: number, ticks: { nameChangeAccepted?: boolean; updateRecipientName?: boolean } = {}) {
  const inquiry = await lookUpWallet(h.deps, h.staff.id, { wallet: "DANA", phone, amount }, { purpose: "transfer" });
  return createTransfer(h.deps, ctx(), { wallet: "DANA", phone, amount, inquiryId: inquiry.id, recipientId, ...ticks });
}

const recipient = async (id: number) => (await first(h.db.select().from(recipients).where(eq(recipients.id, id)).limit(1)))!;

describe("Paying a saved recipient", () => {
  it("records the recipient on the transfer and when it was last paid", async () => {
    const id = await saved("6281234567890", 50_000, "John");
    const { transferId } = expectOk(await pay(id, "6281234567890", 50_000));
    expect(await h.transfer(transferId)).toMatchObject({ recipientId: id, ownerName: "John" });
    expect((await recipient(id)).lastPaidAt).toEqual(h.now());
  });

  it("refuses a changed owner's name unless the maker confirms it, and keeps the saved name unless asked", async () => {
    const id = await saved(MAYA, 60_000);
    expect((await recipient(id)).ownerName).toBe("Maya Sari");

    const refused = await pay(id, MAYA, 60_000);
    expect(refused).toMatchObject({ ok: false, code: "conflict", message: "Cash In now names the owner “Maya Sari Dewi”, not “Maya Sari” as saved: confirm that “Maya Sari Dewi” is the person you mean to pay." });
    expect(await h.db.select().from(transfers)).toHaveLength(0);
    expect(await h.db.select().from(auditEntries).where(eq(auditEntries.action, "transfer.recipient_name_refused"))).toHaveLength(1);
    expect(h.topupsAtGateway()).toHaveLength(0);

    const { transferId } = expectOk(await pay(id, MAYA, 60_000, { nameChangeAccepted: true }));
    expect(await h.transfer(transferId)).toMatchObject({ ownerName: "Maya Sari Dewi", recipientId: id });
    // The maker's confirmation is on record with both names.
    expect((await h.auditOf(transferId)).find((e) => e.action === "transfer.create")?.after).toMatchObject({ recipient: id, nameChange: { saved: "Maya Sari", now: "Maya Sari Dewi" } });
    expect((await recipient(id)).ownerName).toBe("Maya Sari");

    h.advance(25 * 60 * 60_000);
    expectOk(await pay(id, MAYA, 60_000, { nameChangeAccepted: true, updateRecipientName: true }));
    expect(await recipient(id)).toMatchObject({ ownerName: "Maya Sari Dewi", verifiedAt: h.now() });
    const renamed = await h.db.select().from(auditEntries).where(eq(auditEntries.action, "recipient.update"));
    expect(renamed.map((e) => [e.before, e.after])).toEqual([[{ ownerName: "Maya Sari" }, { ownerName: "Maya Sari Dewi" }]]);
  });

  it("refuses a look-up of another wallet under a recipient's name, and an archived recipient", async () => {
    const id = await saved("6281234567890", 50_000, "John");
    expect(await pay(id, "628111000001", 50_000)).toMatchObject({ ok: false, message: "The wallet looked up is not the one saved as “John”." });
    expectOk(await archiveRecipient(h.deps, ctx(), { recipientId: id }));
    expect(await pay(id, "6281234567890", 50_000)).toMatchObject({ ok: false, message: expect.stringContaining("archived or removed meanwhile") });
    expect(await h.db.select().from(transfers)).toHaveLength(0);
  });
});
