import { eq } from "drizzle-orm";
import { generateSync } from "otplib";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditEntries, recoveryCodes, secondFactors, sessions } from "@/db/schema";
import { open } from "@/lib/auth/secret-box";
import {
  confirmEnrolment,
  pendingEnrolment,
  proveSecondFactor,
  regenerateRecoveryCodes,
  secondFactorRequired,
  secondFactorStatus,
  totpPolicy,
} from "@/lib/auth/second-factor";
import { startSession } from "@/lib/auth/sessions";
import { createTestDb, insertUser, type TestDb } from "../db";

beforeAll(() => {
  process.env.AUTH_SECRET ??= "unit-test-auth-secret-with-at-least-32-characters";
});

const t0 = new Date("2026-12-01T03:00:10Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const codeAt = (secret: string, when: Date) => generateSync({ secret, epoch: Math.floor(when.getTime() / 1000) });

describe("Two-step sign-in with TOTP (docs/sign-in.md#second-factor)", () => {
  let db: TestDb;
  let user: Awaited<ReturnType<typeof insertUser>>;
  let sessionId: string;
  const ctx = () => ({ db, user, ip: "203.0.113.5", sessionId });
  const audit = async (action: string) => await db.select().from(auditEntries).where(eq(auditEntries.action, action));

  beforeEach(async () => {
    db = await createTestDb();
    user = await insertUser(db, { email: "manager@x.test", role: "manager" });
    sessionId = await startSession(db, user.id, "203.0.113.5", t0);
  });

  async function enrol(): Promise<{ secret: string; codes: string[] }> {
    const pending = await pendingEnrolment(db, user, t0);
    if (!pending.ok) throw new Error(pending.message);
    const done = await confirmEnrolment(ctx(), codeAt(pending.data.secret, t0), t0);
    if (!done.ok) throw new Error(done.message);
    return { secret: pending.data.secret, codes: done.data.recoveryCodes };
  }

  it("managers and admins always need it; staff when enrolled or when the admin setting says so", () => {
    expect(secondFactorRequired("manager", false, false)).toBe(true);
    expect(secondFactorRequired("admin", false, false)).toBe(true);
    expect(secondFactorRequired("staff", false, false)).toBe(false);
    expect(secondFactorRequired("staff", true, false)).toBe(true);
    expect(secondFactorRequired("staff", false, true)).toBe(true);
  });

  it("shows the same pending secret on a reload within 15 minutes, and a new one after", async () => {
    const first = await pendingEnrolment(db, user, t0);
    const again = await pendingEnrolment(db, user, at(60));
    const later = await pendingEnrolment(db, user, at(16 * 60));
    expect(first.ok && again.ok && later.ok).toBe(true);
    if (!first.ok || !again.ok || !later.ok) return;
    expect(again.data.secret).toBe(first.data.secret);
    expect(later.data.secret).not.toBe(first.data.secret);
    expect(first.data.uri).toMatch(/^otpauth:\/\/totp\/Cash%20In%20Payouts:manager%40x\.test\?secret=[A-Z2-7]+/);
  });

  it("stores the secret encrypted and the recovery codes hashed; enrolment proves the session", async () => {
    const { secret, codes } = await enrol();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const row = (await db.select().from(secondFactors).where(eq(secondFactors.userId, user.id)).limit(1))[0]!;
    expect(row.secret).not.toContain(secret);
    expect(open(row.secret!)).toBe(secret);
    expect(row.pendingSecret).toBeNull();
    const stored = await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    expect(stored).toHaveLength(10);
    for (const code of codes) expect(stored.some((r) => r.hash.includes(code.replace("-", "")))).toBe(false);
    expect(stored.every((r) => r.hash.startsWith("$argon2id$"))).toBe(true);
    expect((await db.select().from(sessions).where(eq(sessions.id, sessionId)).limit(1))[0]?.secondFactorAt).toEqual(t0);
    expect(await audit("auth.second_factor_enrolled")).toHaveLength(1);
  });

  it("another AUTH_SECRET cannot read the stored secret", async () => {
    await enrol();
    const row = (await db.select().from(secondFactors).where(eq(secondFactors.userId, user.id)).limit(1))[0]!;
    const saved = process.env.AUTH_SECRET;
    process.env.AUTH_SECRET = "another-secret-entirely-with-more-than-32-chars";
    try {
      expect(open(row.secret!)).toBeNull();
    } finally {
      process.env.AUTH_SECRET = saved;
    }
  });

  it("refuses to confirm an enrolment that was never started, audited, and changes nothing", async () => {
    const result = await confirmEnrolment(ctx(), "123456", t0);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining("no enrolment to confirm") });
    expect(await db.select().from(secondFactors)).toHaveLength(0);
    expect(await db.select().from(recoveryCodes)).toHaveLength(0);
    expect(await audit("auth.second_factor_refused")).toMatchObject([{ after: { reason: "no_pending_enrolment" } }]);
  });

  it("refuses a wrong first code and keeps the enrolment pending", async () => {
    const pending = await pendingEnrolment(db, user, t0);
    if (!pending.ok) throw new Error();
    const wrong = String((Number(codeAt(pending.data.secret, t0)) + 1) % 1_000_000).padStart(6, "0");
    expect((await confirmEnrolment(ctx(), wrong, t0)).ok).toBe(false);
    expect((await secondFactorStatus(db, user.id, t0)).enrolled).toBe(false);
  });

  it("accepts the code of this step and of one step either side, not two", async () => {
    const { secret } = await enrol();
    const now = at(300);
    expect((await proveSecondFactor(ctx(), codeAt(secret, at(300 + 60)), now)).ok).toBe(false);
    expect((await proveSecondFactor(ctx(), codeAt(secret, at(300 - 60)), now)).ok).toBe(false);
    expect((await proveSecondFactor(ctx(), codeAt(secret, at(300 - 30)), now)).ok).toBe(true);
    expect((await proveSecondFactor(ctx(), codeAt(secret, now), now)).ok).toBe(true);
    expect((await proveSecondFactor(ctx(), codeAt(secret, at(300 + 30)), now)).ok).toBe(true);
  });

  it("accepts a code once: the same code again, or an older step's, is refused as reused and audited", async () => {
    const { secret } = await enrol();
    const now = at(300);
    expect((await proveSecondFactor(ctx(), codeAt(secret, now), now)).ok).toBe(true);
    expect(await proveSecondFactor(ctx(), codeAt(secret, now), at(305))).toMatchObject({ ok: false, reason: "reused" });
    expect(await proveSecondFactor(ctx(), codeAt(secret, at(270)), at(305))).toMatchObject({ ok: false, reason: "reused" });
    expect((await audit("auth.second_factor_refused")).map((e) => (e.after as { reason: string }).reason)).toEqual(["reused", "reused"]);
  });

  it("lets exactly one of two simultaneous uses of one code through", async () => {
    const { secret } = await enrol();
    const now = at(300);
    const code = codeAt(secret, now);
    const results = await Promise.all([proveSecondFactor(ctx(), code, now), proveSecondFactor(ctx(), code, now)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("locks the factor for 15 minutes after 5 wrong codes (audited); then the right code works again", async () => {
    const { secret } = await enrol();
    const now = at(300);
    const wrong = String((Number(codeAt(secret, now)) + 500_000) % 1_000_000).padStart(6, "0");
    for (let i = 0; i < 4; i++) expect(await proveSecondFactor(ctx(), wrong, now)).toMatchObject({ ok: false, reason: "invalid" });
    expect(await proveSecondFactor(ctx(), wrong, now)).toMatchObject({ ok: false, reason: "locked" });
    expect(await proveSecondFactor(ctx(), codeAt(secret, at(400)), at(400))).toMatchObject({ ok: false, reason: "locked" });
    expect(await audit("auth.second_factor_locked")).toHaveLength(1);
    expect((await secondFactorStatus(db, user.id, at(400))).lockedUntil).toEqual(new Date(now.getTime() + totpPolicy.lockMs));
    const after = at(300 + 15 * 60 + 1);
    expect((await proveSecondFactor(ctx(), codeAt(secret, after), after)).ok).toBe(true);
  });

  it("refuses codes of the wrong length or with letters, audited, without counting towards the lock", async () => {
    await enrol();
    for (const bad of ["12345", "1234567", "12a456", "", "' OR 1=1 --"]) {
      expect(await proveSecondFactor(ctx(), bad, at(300))).toMatchObject({ ok: false, reason: "invalid" });
    }
    expect((await audit("auth.second_factor_refused")).every((e) => (e.after as { reason: string }).reason === "malformed")).toBe(true);
    expect((await db.select().from(secondFactors).limit(1))[0]?.failures).toBe(0);
  });

  it("takes each recovery code once, and marks the session proved", async () => {
    const { codes } = await enrol();
    await db.update(sessions).set({ secondFactorAt: null });
    expect(await proveSecondFactor(ctx(), codes[3]!.toUpperCase(), at(300))).toMatchObject({ ok: true });
    expect((await db.select().from(sessions).where(eq(sessions.id, sessionId)).limit(1))[0]?.secondFactorAt).toEqual(at(300));
    expect(await proveSecondFactor(ctx(), codes[3]!, at(310))).toMatchObject({ ok: false, reason: "invalid" });
    expect((await secondFactorStatus(db, user.id, at(310))).recoveryCodesLeft).toBe(9);
    expect(await audit("auth.recovery_code_used")).toMatchObject([{ after: { left: 9 } }]);
  });

  it("new recovery codes replace the old ones", async () => {
    const { codes } = await enrol();
    const fresh = await regenerateRecoveryCodes(ctx(), at(60));
    if (!fresh.ok) throw new Error(fresh.message);
    expect(await proveSecondFactor(ctx(), codes[0]!, at(300))).toMatchObject({ ok: false });
    expect(await proveSecondFactor(ctx(), fresh.data.recoveryCodes[0]!, at(300))).toMatchObject({ ok: true });
  });
});
