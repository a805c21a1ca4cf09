import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { authenticate } from "@/lib/auth/authenticate";
import { recordLoginAttempt, throttlePolicy, throttleState } from "@/lib/auth/throttle";
import { createTestDb, insertUser } from "../db";

const minute = 60_000;
const t0 = new Date("2026-11-25T03:00:00Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * minute);

describe("Sign-in throttling: 5 failures within 15 minutes lock for 15 minutes", () => {
  let db: Db;
  beforeEach(() => {
    db = createTestDb();
  });

  const fail = (email: string, ip: string, minutes: number) =>
    recordLoginAttempt(db, { email, ip, outcome: "failure", at: at(minutes) });

  it("lets 4 failures pass and locks on the 5th, per e-mail whatever the address", () => {
    for (let i = 0; i < 4; i++) fail("a@x.test", `10.0.0.${i}`, i);
    expect(throttleState(db, "a@x.test", "10.9.9.9", at(4)).throttled).toBe(false);
    fail("a@x.test", "10.0.0.4", 4);
    expect(throttleState(db, "a@x.test", "10.9.9.9", at(5))).toEqual({ throttled: true, retryAt: at(15) });
  });

  it("locks per address whatever the e-mail", () => {
    for (let i = 0; i < 5; i++) fail(`user${i}@x.test`, "10.0.0.1", i);
    expect(throttleState(db, "someone-else@x.test", "10.0.0.1", at(5)).throttled).toBe(true);
    expect(throttleState(db, "someone-else@x.test", "10.0.0.2", at(5)).throttled).toBe(false);
  });

  it("forgets failures older than the window", () => {
    for (let i = 0; i < 5; i++) fail("a@x.test", "10.0.0.1", i);
    // The 5th most recent failure was at minute 0: the lock lifts 15 minutes later.
    expect(throttleState(db, "a@x.test", "10.0.0.1", at(14.9)).throttled).toBe(true);
    expect(throttleState(db, "a@x.test", "10.0.0.1", at(15.1)).throttled).toBe(false);
  });

  it("does not count refused or successful attempts as failures", () => {
    for (let i = 0; i < 4; i++) fail("a@x.test", "10.0.0.1", i);
    for (let i = 0; i < 10; i++) recordLoginAttempt(db, { email: "a@x.test", ip: "10.0.0.1", outcome: "throttled", at: at(5) });
    recordLoginAttempt(db, { email: "a@x.test", ip: "10.0.0.1", outcome: "success", at: at(5) });
    expect(throttleState(db, "a@x.test", "10.0.0.1", at(6)).throttled).toBe(false);
    expect(throttlePolicy).toEqual({ maxFailures: 5, windowMs: 15 * minute });
  });

  it("refuses even the right password while locked, and lets it in once the window passed", async () => {
    await insertUser(db, { email: "sari@x.test", role: "staff", password: "the-right-password" });
    for (let i = 0; i < 5; i++) {
      expect(await authenticate(db, { email: "sari@x.test", password: "wrong", ip: "10.0.0.1" }, at(i))).toEqual({
        ok: false,
        reason: "invalid",
      });
    }
    const locked = await authenticate(db, { email: "SARI@x.test", password: "the-right-password", ip: "10.0.0.7" }, at(6));
    expect(locked).toEqual({ ok: false, reason: "throttled", retryAt: at(15) });
    const later = await authenticate(db, { email: "sari@x.test", password: "the-right-password", ip: "10.0.0.7" }, at(16));
    expect(later.ok).toBe(true);
  });
});

describe("Sign-in does not tell whether an account exists", () => {
  it("answers an unknown e-mail and a wrong password alike, after about the same time", async () => {
    const db = createTestDb();
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
    const db = createTestDb();
    await insertUser(db, { email: "gone@x.test", role: "staff", password: "the-right-password", active: false });
    expect(await authenticate(db, { email: "gone@x.test", password: "wrong", ip: "10.2.0.1" })).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticate(db, { email: "gone@x.test", password: "the-right-password", ip: "10.2.0.1" })).toEqual({
      ok: false,
      reason: "deactivated",
    });
  });
});
