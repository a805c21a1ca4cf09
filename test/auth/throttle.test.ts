import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { auditEntries, loginAttempts } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit/verify";
import { authenticate } from "@/lib/auth/authenticate";
import type * as Password from "@/lib/auth/password";
import { delayAfter, throttleRules, throttleState, throttleWindowMs } from "@/lib/auth/throttle";
import { createTestDb, insertUser, type TestDb } from "../db";

// Every argon2 verification a sign-in spends, counted: the race test checks how many passwords were tried. While
// `gate` is set, verifications wait for it: a test can look at attempts whose passwords are still being checked.
const argon2 = vi.hoisted(() => ({ verifications: 0, gate: null as Promise<void> | null }));
vi.mock("@/lib/auth/password", async (importOriginal) => {
  const password = await importOriginal<typeof Password>();
  return {
    ...password,
    verifyPassword: async (hash: string, plain: string) => (argon2.verifications++, await argon2.gate, password.verifyPassword(hash, plain)),
    verifyAgainstDummy: async (plain: string) => (argon2.verifications++, await argon2.gate, password.verifyAgainstDummy(plain)),
  };
});

const second = 1000;
const minute = 60 * second;
const t0 = new Date("2026-11-25T03:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

const sari = { email: "sari@x.test", password: "the-right-password" };
const home = "10.0.0.1";

describe("Sign-in throttling: growing delays per address and e-mail, never a lock-out (docs/sign-in.md#throttling)", () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await createTestDb();
    argon2.verifications = 0;
    argon2.gate = null;
    await insertUser(db, { email: sari.email, role: "staff", password: sari.password });
  });

  const signIn = (password: string, when: Date, ip = home, email = sari.email) => authenticate(db, { email, password, ip }, when);
  const failures = (rows: { email: string; ip: string; at: Date }[]) =>
    db.insert(loginAttempts).values(rows.map((row) => ({ ...row, outcome: "failure" as const })));
  const outcomes = async () => (await db.select({ outcome: loginAttempts.outcome }).from(loginAttempts)).map((r) => r.outcome);

  it("gives each key a few free failures, then doubles the delay per failure up to its cap", () => {
    const base = 1000;
    expect([4, 5, 6, 7, 8].map((n) => delayAfter(n, throttleRules.pair, base))).toEqual([0, 1000, 2000, 4000, 8000]);
    expect(delayAfter(5 + 9, throttleRules.pair, base)).toBe(512_000);
    expect(delayAfter(5 + 10, throttleRules.pair, base)).toBe(15 * minute);
    expect(delayAfter(10_000, throttleRules.pair, base)).toBe(15 * minute);
    expect([19, 20, 21].map((n) => delayAfter(n, throttleRules.address, base))).toEqual([0, 1000, 2000]);
    expect([9, 10, 11, 16, 500].map((n) => delayAfter(n, throttleRules.email, base))).toEqual([0, 1000, 2000, 60_000, 60_000]);
  });

  it("makes one address wait after 5 failures for one e-mail, a little longer after each further failure", async () => {
    for (let i = 0; i < 5; i++) expect(await signIn(`wrong-${i}`, at(i * second))).toEqual({ ok: false, reason: "invalid" });
    const last = 4 * second;
    expect(await signIn(sari.password, at(last + 500))).toEqual({ ok: false, reason: "throttled", retryAt: at(last + 1 * second) });
    expect(await signIn("wrong-5", at(last + 1 * second))).toEqual({ ok: false, reason: "invalid" });
    expect(await signIn(sari.password, at(last + 2 * second))).toEqual({ ok: false, reason: "throttled", retryAt: at(last + 3 * second) });
    expect(await signIn("wrong-6", at(last + 3 * second))).toEqual({ ok: false, reason: "invalid" });
    expect(await signIn(sari.password, at(last + 4 * second))).toEqual({ ok: false, reason: "throttled", retryAt: at(last + 7 * second) });
  });

  it("lets the right password in once the delay has passed", async () => {
    await failures(Array.from({ length: 8 }, (_, i) => ({ email: sari.email, ip: home, at: at(i * second) })));
    // 8 failures: 5 free, then 1 s, 2 s, 4 s; the 8th (at 7 s) asks for 8 s.
    expect(await signIn(sari.password, at(14 * second))).toEqual({ ok: false, reason: "throttled", retryAt: at(15 * second) });
    expect((await signIn(sari.password, at(15 * second))).ok).toBe(true);
  });

  it("checks at most 5 passwords of 80 concurrent attempts for one e-mail and address, and a right one after them gets no session", async () => {
    // The first 5 are wrong; every tenth after them is the right password.
    const attempts = Array.from({ length: 80 }, (_, i) => signIn(i >= 5 && i % 10 === 9 ? sari.password : `wrong-${i}`, t0));
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r.ok)).toEqual([]);
    expect(argon2.verifications).toBe(throttleRules.pair.freeFailures);
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(5);
    expect((await outcomes()).filter((o) => o === "failure")).toHaveLength(5);
    expect((await outcomes()).filter((o) => o === "throttled")).toHaveLength(75);
  });

  it("checks at most 10 passwords of 80 concurrent attempts for one e-mail from 80 addresses", async () => {
    const results = await Promise.all(Array.from({ length: 80 }, (_, i) => signIn(`wrong-${i}`, t0, `10.9.0.${i}`)));
    expect(argon2.verifications).toBe(throttleRules.email.freeFailures);
    expect(results.filter((r) => !r.ok && r.reason === "throttled")).toHaveLength(70);
  });

  it("counts an attempt whose password is still being checked as a failure until it is settled", async () => {
    let release = () => {};
    argon2.gate = new Promise((resolve) => (release = resolve));
    const running = Array.from({ length: 5 }, (_, i) => signIn(`wrong-${i}`, t0));
    // Admission is an awaited transaction now: wait until all five are admitted and their passwords are being checked.
    await vi.waitFor(() => expect(argon2.verifications).toBe(5));
    expect(await outcomes()).toEqual(["pending", "pending", "pending", "pending", "pending"]);
    expect(await throttleState(db, sari.email, home, t0)).toEqual({ throttled: true, retryAt: at(1 * second) });
    release();
    await Promise.all(running);
    expect(await outcomes()).toEqual(["failure", "failure", "failure", "failure", "failure"]);
  });

  it("delays the e-mail by at most a minute however many addresses an attacker guesses from, and its owner gets in after it", async () => {
    // An attacker tries every 5 seconds for half an hour, each time from a new address.
    let attackerLast = t0;
    for (let i = 0; i < 360; i++) {
      attackerLast = at(i * 5 * second);
      await signIn(`guess-${i}`, attackerLast, `203.0.113.${i % 250}`, sari.email);
      const owner = await throttleState(db, sari.email, home, attackerLast);
      if (owner.throttled) expect(owner.retryAt.getTime() - attackerLast.getTime()).toBeLessThanOrEqual(throttleRules.email.maxDelayMs);
    }
    // The attacker's own addresses were each tried once or twice: only the e-mail's delay applied.
    expect((await outcomes()).filter((o) => o === "failure").length).toBeLessThan(60);
    const owner = await throttleState(db, sari.email, home, attackerLast);
    expect(owner.throttled ? owner.retryAt.getTime() - attackerLast.getTime() : 0).toBeLessThanOrEqual(60 * second);
    expect((await signIn(sari.password, new Date(attackerLast.getTime() + 60 * second))).ok).toBe(true);
  });

  it("makes an address wait after 20 failures across e-mails, whatever e-mail it tries next, and no other address", async () => {
    await failures(Array.from({ length: 20 }, (_, i) => ({ email: `user${i}@x.test`, ip: "10.0.0.9", at: at(i * second) })));
    expect(await throttleState(db, "someone-else@x.test", "10.0.0.9", at(19 * second))).toEqual({ throttled: true, retryAt: at(20 * second) });
    expect(await throttleState(db, "someone-else@x.test", "10.0.0.10", at(19 * second))).toEqual({ throttled: false });
  });

  it("counts failures of the last hour only", async () => {
    const fiveAndOneMore = (email: string, ip: string, laterAt: Date) =>
      failures([...Array.from({ length: 5 }, (_, i) => ({ email, ip, at: at(i) })), { email, ip, at: laterAt }]);
    await fiveAndOneMore("within@x.test", "10.0.0.3", at(throttleWindowMs - 1 * minute));
    await fiveAndOneMore("after@x.test", "10.0.0.4", at(throttleWindowMs + 1 * minute));
    expect(await throttleState(db, "within@x.test", "10.0.0.3", at(throttleWindowMs - 1 * minute + 1 * second))).toEqual({
      throttled: true,
      retryAt: at(throttleWindowMs - 1 * minute + 2 * second),
    });
    expect(await throttleState(db, "after@x.test", "10.0.0.4", at(throttleWindowMs + 1 * minute + 1 * second))).toEqual({ throttled: false });
  });

  it("forgets the e-mail's failures at its success, but not the address's", async () => {
    await failures([
      ...Array.from({ length: 9 }, (_, i) => ({ email: sari.email, ip: "10.0.0.5", at: at(i) })),
      ...Array.from({ length: 19 }, (_, i) => ({ email: `user${i}@x.test`, ip: home, at: at(i) })),
    ]);
    expect((await signIn(sari.password, at(1 * minute))).ok).toBe(true);
    expect(await signIn("typo", at(1 * minute + 1), "10.0.0.6")).toEqual({ ok: false, reason: "invalid" });
    // Without the success the e-mail would have 10 failures now and wait.
    expect(await throttleState(db, sari.email, "10.0.0.7", at(1 * minute + 2))).toEqual({ throttled: false });
    expect(await signIn("typo", at(1 * minute + 3), home, "user0@x.test")).toEqual({ ok: false, reason: "invalid" });
    expect(await throttleState(db, "anyone@x.test", home, at(1 * minute + 4))).toEqual({ throttled: true, retryAt: at(1 * minute + 3 + 1 * second) });
  });

  it("records a refused attempt as throttled and does not count it: retrying does not make the wait longer", async () => {
    for (let i = 0; i < 5; i++) await signIn(`wrong-${i}`, t0);
    for (let i = 0; i < 20; i++) expect(await signIn(sari.password, at(i * 10))).toEqual({ ok: false, reason: "throttled", retryAt: at(1 * second) });
    expect(argon2.verifications).toBe(5);
    expect((await signIn(sari.password, at(1 * second))).ok).toBe(true);
  });
});

describe("Failed and refused sign-ins reach the audit trail once per e-mail, address and minute", () => {
  it("writes one auth.sign_in_failed and one auth.sign_in_throttled per group and keeps the chain valid", async () => {
    const db = await createTestDb();
    await insertUser(db, { email: sari.email, role: "staff", password: sari.password });
    const signIn = (password: string, when: Date, ip = home, email = sari.email) => authenticate(db, { email, password, ip }, when);
    for (let i = 0; i < 7; i++) await signIn(`wrong-${i}`, at(i * 100)); // 5 failures, then 2 refused
    await signIn("wrong", at(500), "10.0.0.2"); // another address
    await signIn("wrong", at(600), home, "nobody@x.test"); // another e-mail
    await signIn("wrong", at(1 * minute + 30 * second)); // the next minute
    const entries = await db
      .select({ action: auditEntries.action, targetType: auditEntries.targetType, targetId: auditEntries.targetId, ip: auditEntries.ip, actorId: auditEntries.actorId, at: auditEntries.at })
      .from(auditEntries);
    expect(entries).toEqual([
      { action: "auth.sign_in_failed", targetType: "email", targetId: sari.email, ip: home, actorId: null, at: t0 },
      { action: "auth.sign_in_throttled", targetType: "email", targetId: sari.email, ip: home, actorId: null, at: at(500) },
      { action: "auth.sign_in_failed", targetType: "email", targetId: sari.email, ip: "10.0.0.2", actorId: null, at: at(500) },
      { action: "auth.sign_in_failed", targetType: "email", targetId: "nobody@x.test", ip: home, actorId: null, at: at(600) },
      { action: "auth.sign_in_failed", targetType: "email", targetId: sari.email, ip: home, actorId: null, at: at(1 * minute + 30 * second) },
    ]);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it("writes one entry for concurrent failures of one group, whichever is settled first", async () => {
    const db = await createTestDb();
    await Promise.all(Array.from({ length: 4 }, (_, i) => authenticate(db, { email: "nobody@x.test", password: `guess-${i}`, ip: home }, at(i))));
    expect(await db.select().from(auditEntries).where(eq(auditEntries.action, "auth.sign_in_failed"))).toHaveLength(1);
  });

  it("records a successful sign-in as auth.sign_in with its user", async () => {
    const db = await createTestDb();
    const user = await insertUser(db, { email: sari.email, role: "staff", password: sari.password });
    expect((await authenticate(db, { ...sari, ip: home }, t0)).ok).toBe(true);
    expect(await db.select({ action: auditEntries.action, actorId: auditEntries.actorId }).from(auditEntries)).toEqual([{ action: "auth.sign_in", actorId: user.id }]);
  });
});

describe("Sign-in does not tell whether an account exists", () => {
  it("answers an unknown e-mail and a wrong password alike, after about the same time", async () => {
    const db = await createTestDb();
    await insertUser(db, { email: "sari@x.test", role: "staff", password: "the-right-password" });
    const timeOf = async (email: string, i: number) => {
      const started = performance.now();
      const result = await authenticate(db, { email, password: "wrong", ip: `10.1.0.${i}` });
      return { result, ms: performance.now() - started };
    };
    await timeOf("warm-up@x.test", 200);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      const a = await timeOf("sari@x.test", i);
      const b = await timeOf(`nobody${i}@x.test`, 100 + i);
      expect(a.result).toEqual(b.result);
      known.push(a.ms);
      unknown.push(b.ms);
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    // Both spend an argon2 verification; without the dummy hash the unknown e-mail answers ~100x faster.
    expect(median(unknown) / median(known)).toBeGreaterThan(0.4);
    expect(median(unknown) / median(known)).toBeLessThan(2.5);
  });

  it("names a deactivated account only after its password was right", async () => {
    const db = await createTestDb();
    await insertUser(db, { email: "gone@x.test", role: "staff", password: "the-right-password", active: false });
    expect(await authenticate(db, { email: "gone@x.test", password: "wrong", ip: "10.2.0.1" })).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticate(db, { email: "gone@x.test", password: "the-right-password", ip: "10.2.0.1" })).toEqual({
      ok: false,
      reason: "deactivated",
    });
  });
});
