import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { batches, mails, notifications, transfers, users, type Notification } from "@/db/schema";
import { batchTransition } from "@/lib/batches/lifecycle";
import { deliverDue, reminderLeadMs, retryDelayMs, waitingGapMs, type MailerDeps } from "@/lib/notifications/mailer";
import { notifyApprovers, notifyPerson } from "@/lib/notifications/outbox";
import { smtpTransport } from "@/lib/notifications/transport";
import { setDepositAlerts } from "@/lib/sending/pause";
import { transition } from "@/lib/transfers/lifecycle";
import { reconcileDue } from "@/lib/transfers/reconcile";
import { approveTransfer, expireOverdue, rejectTransfer } from "@/lib/transfers/approvals";
import { createHarness, expectOk, type Harness } from "../transfers/harness";
import { startSmtp, type Smtp } from "./smtp";

/**
 * docs/notifications.md: the outbox and the mailer against a real SMTP server (smtp-server, in this process,
 * on a loopback port), on the transfer domain with the mock Cash In gateway and a clock the test moves.
 */

const appUrl = "https://payouts.example.co.id";
const from = "Cash In Payouts <payouts@example.co.id>";
const hour = 3_600_000;

let h: Harness;
let smtp: Smtp;
let mailer: MailerDeps;

beforeEach(async () => {
  h = await createHarness();
  smtp = await startSmtp();
  mailer = { db: h.db, now: h.now, transport: smtpTransport(smtp.url, from), appUrl };
  // Mails follow each person's language, Indonesian until they choose: these read English (the last test reads both).
  await h.db.update(users).set({ locale: "en" });
});

afterEach(async () => {
  await smtp.close();
  await h.close();
});

/** A loopback port where nothing listens (a server may start on it later), and the mailer pointed at it. */
async function downServer(): Promise<{ port: number; down: MailerDeps }> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return { port, down: { ...mailer, transport: smtpTransport(`smtp://127.0.0.1:${port}`, from) } };
}

async function outbox(): Promise<Notification[]> {
  return h.db.select().from(notifications);
}

async function awaiting(amount = 7_500_000, maker = h.staff, phone = "628111000001") {
  const created = expectOk(await h.send({ phone, amount }, maker));
  expect(created.status).toBe("awaiting_approval");
  return created;
}

describe("Waiting for approval (docs/notifications.md#who-is-told-what)", () => {
  it("a transfer submitted for approval sends one mail to each manager, linking to Approvals, from MAIL_FROM", async () => {
    const { reference } = await awaiting();
    // Written with the transfer, before any mailer ran.
    expect((await outbox()).map((n) => [n.event, n.userId])).toEqual([
      ["transfer.awaiting_approval", h.manager.id],
      ["transfer.awaiting_approval", h.manager2.id],
    ]);
    expect(smtp.received).toHaveLength(0);

    const pass = await deliverDue(mailer);
    expect(pass).toMatchObject({ sent: 2, retrying: 0 });
    expect(smtp.received).toHaveLength(2);
    for (const manager of [h.manager, h.manager2]) {
      const [got, ...more] = smtp.to(manager.email);
      expect(more).toHaveLength(0);
      expect(got!.envelopeTo).toEqual([manager.email]);
      expect(got!.mail.from?.value[0]?.address).toBe("payouts@example.co.id");
      expect(got!.mail.subject).toContain(reference);
      expect(got!.mail.text).toContain(`${appUrl}/approvals`);
      expect(got!.mail.text).toContain("Rp 7,500,000 to Siti Rahayu (DANA 0811-1000-001)");
      expect(got!.mail.html).toContain(`href="${appUrl}/approvals"`);
      expect(got!.mail.headers.get("auto-submitted")).toBe("auto-generated");
    }
    // Nobody else: not the maker, not the admin.
    expect(smtp.to(h.staff.email)).toHaveLength(0);
    expect(smtp.to(h.admin.email)).toHaveLength(0);
    // Sent once: another pass sends nothing more.
    await deliverDue(mailer);
    expect(smtp.received).toHaveLength(2);
    expect((await outbox()).every((n) => n.state === "sent" && n.mailId !== null)).toBe(true);
  });

  it("a manager's own transfer is announced to the other managers only", async () => {
    await awaiting(7_500_000, h.manager);
    await deliverDue(mailer);
    expect(smtp.to(h.manager2.email)).toHaveLength(1);
    expect(smtp.to(h.manager.email)).toHaveLength(0);
  });

  it("at most one waiting mail per manager per 5 minutes: later ones wait and go together", async () => {
    const first = await awaiting(7_500_001);
    await deliverDue(mailer);
    h.advance(60_000);
    const second = await awaiting(7_500_002);
    const third = await awaiting(7_500_003);
    await deliverDue(mailer);
    expect(smtp.to(h.manager.email)).toHaveLength(1);
    h.advance(waitingGapMs - 60_000 - 1000);
    await deliverDue(mailer);
    expect(smtp.to(h.manager.email)).toHaveLength(1);
    h.advance(1000);
    await deliverDue(mailer);
    const got = smtp.to(h.manager.email);
    expect(got).toHaveLength(2);
    expect(got[0]!.mail.subject).toContain(first.reference);
    expect(got[1]!.mail.subject).toBe("2 payouts wait for your approval");
    expect(got[1]!.mail.text).toContain(second.reference);
    expect(got[1]!.mail.text).toContain(third.reference);
  });

  it("a notice whose transfer was decided before its turn is dropped, not sent", async () => {
    const { transferId } = await awaiting();
    expect(await rejectTransfer(h.deps, { actor: h.manager, ip: null }, { transferId, reason: "Wrong invoice" })).toMatchObject({ ok: true });
    const pass = await deliverDue(mailer);
    // The managers' waiting notices are dropped; the maker's rejection goes.
    expect(pass).toMatchObject({ dropped: 2, sent: 1 });
    expect(smtp.to(h.manager.email)).toHaveLength(0);
    expect(smtp.to(h.staff.email)).toHaveLength(1);
  });
});

describe("The outbox (docs/notifications.md#the-outbox)", () => {
  it("is written in the change's transaction: a change that rolls back leaves no notice", async () => {
    const { transferId } = await awaiting();
    const before = (await outbox()).length;
    await expect(
      h.db.transaction(async (tx) => {
        await transition(tx, transferId, "awaiting_approval", "rejected", { approverId: h.manager.id, decidedAt: h.now(), reason: "x" }, { actor: h.manager, ip: null }, h.now());
        expect(await tx.select().from(notifications)).toHaveLength(before + 1);
        throw new Error("crash before the commit");
      }),
    ).rejects.toThrow("crash before the commit");
    expect(await outbox()).toHaveLength(before);
  });

  it("keeps each event to each person once, however often it is written", async () => {
    const { transferId } = await awaiting();
    const subject = { type: "transfer", id: transferId, round: (await h.transfer(transferId)).createdAt.getTime() } as const;
    expect(await h.db.transaction(async (tx) => notifyApprovers(tx, "transfer.awaiting_approval", subject, h.staff.id, h.now()))).toBe(0);
    await h.db.transaction(async (tx) => notifyPerson(tx, "transfer.approved", subject, h.staff.id, h.now()));
    await h.db.transaction(async (tx) => notifyPerson(tx, "transfer.approved", subject, h.staff.id, h.now()));
    expect((await outbox()).map((n) => [n.event, n.userId])).toEqual([
      ["transfer.awaiting_approval", h.manager.id],
      ["transfer.awaiting_approval", h.manager2.id],
      ["transfer.approved", h.staff.id],
    ]);
    await deliverDue(mailer);
    expect(smtp.to(h.staff.email)).toHaveLength(1);
    expect(smtp.to(h.manager.email)).toHaveLength(1);
  });
});

describe("A transfer sent back to the queue (docs/lifecycle.md: approved long ago, never sent)", () => {
  it("is announced, and its decision told, a second time", async () => {
    const { transferId, reference } = await awaiting();
    await deliverDue(mailer);
    // Approved, then the process died before sending it.
    await h.db.transaction(async (tx) => transition(tx, transferId, "awaiting_approval", "approved", { approverId: h.manager.id, decidedAt: h.now() }, { actor: h.manager, ip: null }, h.now()));
    h.advance(2 * hour);
    expect(await reconcileDue(h.deps)).toMatchObject({ requeued: 1 });
    await deliverDue(mailer);
    for (const manager of [h.manager, h.manager2]) {
      expect(smtp.to(manager.email).map((g) => g.mail.subject)).toEqual([`${reference} waits for your approval`, `${reference} waits for your approval`]);
    }
    expectOk(await approveTransfer(h.deps, { actor: h.manager2, ip: null }, { transferId }));
    h.advance(waitingGapMs);
    await deliverDue(mailer);
    expect(smtp.to(h.staff.email).map((g) => g.mail.subject)).toEqual([`${reference} was approved`, `${reference} was approved`]);
    expect(smtp.to(h.staff.email)[1]!.mail.text).toContain("approved by Citra");
  });
});

describe("The maker is told of the outcome", () => {
  it("approval sends the maker one mail with the approver's name and a link to the transfer", async () => {
    const { transferId, reference } = await awaiting();
    await deliverDue(mailer);
    expectOk(await approveTransfer(h.deps, { actor: h.manager, ip: null }, { transferId }));
    await deliverDue(mailer);
    const [got, ...more] = smtp.to(h.staff.email);
    expect(more).toHaveLength(0);
    expect(got!.mail.subject).toBe(`${reference} was approved`);
    expect(got!.mail.text).toContain("approved by Bambang");
    expect(got!.mail.text).toContain(`${appUrl}/transfers/${transferId}`);
  });

  it("a rejection carries the manager's reason; an expiry says nothing was sent", async () => {
    const rejected = await awaiting(7_500_001);
    const expiring = await awaiting(7_500_002);
    expect(await rejectTransfer(h.deps, { actor: h.manager, ip: null }, { transferId: rejected.transferId, reason: "Wrong invoice" })).toMatchObject({ ok: true });
    h.advance(25 * hour);
    expect(await expireOverdue(h.deps)).toBe(1);
    await deliverDue(mailer);
    const got = smtp.to(h.staff.email);
    expect(got.map((g) => g.mail.subject).sort()).toEqual([`${expiring.reference} has expired`, `${rejected.reference} was rejected`].sort());
    expect(got.find((g) => g.mail.subject?.includes("rejected"))!.mail.text).toContain("rejected by Bambang: Wrong invoice");
    expect(got.find((g) => g.mail.subject?.includes("expired"))!.mail.text).toContain("nobody approved it within 24 hours. Nothing was sent.");
  });

  it("a failed transfer tells its maker Cash In's reason in words", async () => {
    const { reference } = expectOk(await h.send({ phone: "628111000004", amount: 50_000 }));
    // Dewi's wallet answers "deposit too low", which also pauses sending and tells the admin (docs/deposit-alerts.md).
    expect((await h.db.select().from(notifications)).map((n) => [n.event, n.userId])).toEqual([
      ["transfer.failed", h.staff.id],
      ["sending.paused", h.admin.id],
    ]);
    await deliverDue(mailer);
    const [got] = smtp.to(h.staff.email);
    expect(got!.mail.subject).toBe(`${reference} has failed`);
    expect(got!.mail.text).toContain("failed: The merchant's Cash In balance is too low for this transfer.");
  });

  it("a batch waiting for approval tells the managers once, and its approval tells its maker", async () => {
    const batch = (await h.db.insert(batches).values({ reference: "BAT-TEST-1", fileName: "payroll.csv", status: "ready", makerId: h.staff.id }).returning())[0]!;
    const at = h.now();
    await h.db.transaction(async (tx) => batchTransition(tx, batch.id, "ready", "awaiting_approval", { submittedAt: at }, { actor: h.staff, ip: null, at }));
    await deliverDue(mailer);
    expect(smtp.to(h.manager.email).map((g) => g.mail.subject)).toEqual(["BAT-TEST-1 waits for your approval"]);
    expect(smtp.to(h.manager2.email)).toHaveLength(1);
    await h.db.transaction(async (tx) => batchTransition(tx, batch.id, "awaiting_approval", "sending", { approverId: h.manager.id, decidedAt: at }, { actor: h.manager, ip: null, at }));
    h.advance(waitingGapMs);
    await deliverDue(mailer);
    const [got] = smtp.to(h.staff.email);
    expect(got!.mail.subject).toBe("BAT-TEST-1 was approved");
    expect(got!.mail.text).toContain(`${appUrl}/batches/${batch.id}`);
  });
});

describe("Reminders before an approval expires (controlled clock)", () => {
  it("fires 2 hours before the 24-hour window ends, once per manager, and not after a decision", async () => {
    const { reference } = await awaiting(7_500_001);
    const decided = await awaiting(7_500_002);
    await deliverDue(mailer);
    const waitingMails = smtp.received.length;
    h.advance(24 * hour - reminderLeadMs - 60_000);
    await deliverDue(mailer);
    expect(smtp.received).toHaveLength(waitingMails);
    expect(await rejectTransfer(h.deps, { actor: h.manager, ip: null }, { transferId: decided.transferId, reason: "Duplicate" })).toMatchObject({ ok: true });
    h.advance(60_000);
    await deliverDue(mailer);
    const reminders = smtp.received.slice(waitingMails).filter((r) => r.mail.subject?.startsWith("Approval of"));
    expect(reminders.map((r) => [r.envelopeTo[0], r.mail.subject]).sort()).toEqual(
      [
        [h.manager.email, `Approval of ${reference} expires within 2 hours`],
        [h.manager2.email, `Approval of ${reference} expires within 2 hours`],
      ].sort(),
    );
    h.advance(30 * 60_000);
    await deliverDue(mailer);
    expect(smtp.received.filter((r) => r.mail.subject?.startsWith("Approval of"))).toHaveLength(2);
  });
});

describe("Delivery: retries, turned-off kinds, languages, no SMTP server", () => {
  it("SMTP down: retried with growing delays, nothing lost, sent once the server is back", async () => {
    // A port where nothing listens, then a server on that very port.
    const { port, down } = await downServer();

    await awaiting();
    expect(await deliverDue(down)).toMatchObject({ sent: 0, retrying: 2 });
    expect((await outbox()).map((n) => [n.state, n.attempts, n.nextAttemptAt.getTime() - h.now().getTime()])).toEqual([
      ["pending", 1, retryDelayMs(1)],
      ["pending", 1, retryDelayMs(1)],
    ]);
    expect((await outbox())[0]!.lastError).toMatch(/ECONNREFUSED|connect/i);
    // Not before the delay.
    h.advance(retryDelayMs(1) - 1000);
    expect(await deliverDue(down)).toMatchObject({ sent: 0, retrying: 0 });
    h.advance(1000);
    expect(await deliverDue(down)).toMatchObject({ retrying: 2 });
    expect((await outbox()).map((n) => n.nextAttemptAt.getTime() - h.now().getTime())).toEqual([retryDelayMs(2), retryDelayMs(2)]);
    expect(retryDelayMs(2)).toBeGreaterThan(retryDelayMs(1));

    const back = await startSmtp({ port });
    try {
      h.advance(retryDelayMs(2));
      expect(await deliverDue(down)).toMatchObject({ sent: 2, retrying: 0 });
      expect(back.received.map((r) => r.envelopeTo[0]).sort()).toEqual([h.manager.email, h.manager2.email].sort());
    } finally {
      await back.close();
    }
  });

  it("a server down for 24 hours: the notices are given up, listed for admins, never sent late", async () => {
    const { port, down } = await downServer();
    await awaiting();
    for (let elapsed = 0; elapsed <= 24 * hour; elapsed += 30 * 60_000) {
      await deliverDue(down);
      h.advance(30 * 60_000);
    }
    const waiting = (await outbox()).filter((n) => n.event === "transfer.awaiting_approval");
    expect(waiting.map((n) => n.state)).toEqual(["failed", "failed"]);
    expect(waiting.every((n) => n.attempts > 10 && n.doneAt !== null && /ECONNREFUSED|connect/i.test(n.lastError ?? ""))).toBe(true);
    const back = await startSmtp({ port });
    try {
      await deliverDue(down);
      expect(back.received.filter((r) => r.mail.subject?.includes("waits for your approval"))).toHaveLength(0);
    } finally {
      await back.close();
    }
  });

  it("a refusal that is final (a 5xx reply) is not retried: given up at once, listed for admins", async () => {
    const refusing = await startSmtp({ refuse: 550 });
    try {
      await awaiting();
      expect(await deliverDue({ ...mailer, transport: smtpTransport(refusing.url, from) })).toMatchObject({ sent: 0, failed: 2, retrying: 0 });
      expect((await outbox()).map((n) => n.state)).toEqual(["failed", "failed"]);
      expect((await outbox())[0]!.lastError).toContain("unavailable");
    } finally {
      await refusing.close();
    }
  });

  it("a maker whose transfers fail one after another gets one mail per 5 minutes, not one per failure", async () => {
    // Three refusals in a row: with deposit alerts on, the first would pause sending (docs/deposit-alerts.md).
    expectOk(await setDepositAlerts({ db: h.db, actor: h.admin, ip: null }, { on: false }));
    const first = expectOk(await h.send({ phone: "628111000004", amount: 50_001 }));
    await deliverDue(mailer);
    h.advance(60_000);
    const second = expectOk(await h.send({ phone: "628111000004", amount: 50_002 }));
    await deliverDue(mailer);
    h.advance(60_000);
    const third = expectOk(await h.send({ phone: "628111000004", amount: 50_003 }));
    await deliverDue(mailer);
    expect(smtp.to(h.staff.email).map((g) => g.mail.subject)).toEqual([`${first.reference} has failed`]);
    h.advance(waitingGapMs);
    await deliverDue(mailer);
    const got = smtp.to(h.staff.email);
    expect(got).toHaveLength(2);
    expect(got[1]!.mail.subject).toBe("2 of your payouts failed or expired");
    expect(got[1]!.mail.text).toContain(second.reference);
    expect(got[1]!.mail.text).toContain(third.reference);
  });

  it("someone no longer a manager is not told what waits; someone deactivated is told nothing", async () => {
    await awaiting();
    await h.db.update(users).set({ role: "staff" }).where(eq(users.id, h.manager.id));
    await h.db.update(users).set({ active: false }).where(eq(users.id, h.manager2.id));
    expect(await deliverDue(mailer)).toMatchObject({ sent: 0, dropped: 2 });
    expect(smtp.received).toHaveLength(0);
  });

  it("a name from Cash In cannot reorder a mail's line with text-direction characters", async () => {
    const { transferId } = await awaiting();
    await h.db.update(transfers).set({ ownerName: "Siti \u202eRp 1\u202c Rahayu" }).where(eq(transfers.id, transferId));
    await deliverDue(mailer);
    const text = smtp.to(h.manager.email)[0]!.mail.text ?? "";
    expect(text).toContain("to Siti Rp 1 Rahayu (DANA");
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it("markup in a name or a memo is text in the HTML part, never markup", async () => {
    const { transferId } = await awaiting();
    await h.db.update(transfers).set({ ownerName: `<img src=x onerror="alert(1)"> & Co`, memo: "<b>bonus</b>" }).where(eq(transfers.id, transferId));
    await deliverDue(mailer);
    const html = smtp.to(h.manager.email)[0]!.mail.html || "";
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co");
    expect(html).toContain("&lt;b&gt;bonus&lt;/b&gt;");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
  });

  it("a kind a person turned off is not sent to them; the others still are", async () => {
    await h.db.update(users).set({ mailOff: ["waiting"] }).where(eq(users.id, h.manager2.id));
    const { transferId } = await awaiting();
    expect(await deliverDue(mailer)).toMatchObject({ sent: 1, skipped: 1 });
    expect(smtp.to(h.manager2.email)).toHaveLength(0);
    expect(smtp.to(h.manager.email)).toHaveLength(1);
    await h.db.update(users).set({ mailOff: ["decided"] }).where(eq(users.id, h.staff.id));
    expectOk(await approveTransfer(h.deps, { actor: h.manager, ip: null }, { transferId }));
    expect(await deliverDue(mailer)).toMatchObject({ sent: 0, skipped: 1 });
    expect(smtp.to(h.staff.email)).toHaveLength(0);
  });

  it("each mail is in its reader's language", async () => {
    await h.db.update(users).set({ locale: "en" }).where(eq(users.id, h.manager.id));
    await h.db.update(users).set({ locale: "id" }).where(eq(users.id, h.manager2.id));
    const { reference } = await awaiting();
    await deliverDue(mailer);
    expect(smtp.to(h.manager.email)[0]!.mail.subject).toBe(`${reference} waits for your approval`);
    const indonesian = smtp.to(h.manager2.email)[0]!.mail;
    expect(indonesian.subject).toBe(`${reference} menunggu persetujuan Anda`);
    expect(indonesian.text).toContain("Rp 7.500.000 kepada Siti Rahayu");
    expect(indonesian.text).toContain("Matikan surel ini di Akun saya");
  });

  it("a line break in a person's name cannot add a header or a recipient", async () => {
    // Names are refused with control characters (lib/users/schemas.ts); this one got in some other way.
    await h.db.update(users).set({ name: "Bambang\r\nBcc: thief@evil.test\r\nSubject: Pay me" }).where(eq(users.id, h.manager.id));
    const { reference } = await awaiting();
    await deliverDue(mailer);
    expect(smtp.received.flatMap((r) => r.envelopeTo).sort()).toEqual([h.manager.email, h.manager2.email].sort());
    const got = smtp.to(h.manager.email)[0]!;
    expect(got.mail.bcc).toBeUndefined();
    expect(got.mail.subject).toBe(`${reference} waits for your approval`);
    expect(got.raw).not.toMatch(/^Bcc:/im);
    expect(got.raw.match(/^Subject:/gim)).toHaveLength(1);
    expect(got.mail.to && "value" in got.mail.to ? got.mail.to.value.map((v) => v.address) : []).toEqual([h.manager.email]);
  });

  it("without an SMTP server, mails are composed and kept for the admin's Mail page", async () => {
    const held: MailerDeps = { ...mailer, transport: null };
    const { reference } = await awaiting();
    expect(await deliverDue(held)).toMatchObject({ held: 2, sent: 0 });
    const kept = await h.db.select().from(mails);
    expect(kept.map((m) => [m.toAddress, m.state]).sort()).toEqual(
      [
        [h.manager.email, "held"],
        [h.manager2.email, "held"],
      ].sort(),
    );
    expect(kept[0]!.subject).toContain(reference);
    expect((await outbox()).every((n) => n.state === "held")).toBe(true);
    expect(smtp.received).toHaveLength(0);
  });
});
