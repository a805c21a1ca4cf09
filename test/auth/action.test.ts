import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { first } from "@/db/client";
import type * as DbClient from "@/db/client";
import { generateSync } from "otplib";
import { encode } from "next-auth/jwt";
import { auditEntries, secondFactors, sessions, settings, users } from "@/db/schema";
import { requireAllSettingKey } from "@/lib/auth/second-factor";
import { seal } from "@/lib/auth/secret-box";
import { msg } from "@/lib/i18n/translate";
import { ok } from "@/lib/result";
import { createTestDb, insertUser, type TestDb } from "../db";
import { captureLogs } from "../support/log-capture";

// The wrapper's collaborators from Next.js, replaced by stand-ins the test controls; the session cookie is a real one.
const state = vi.hoisted(() => ({ cookie: "", db: undefined as unknown, locale: "en" }));

vi.mock("@/db/client", async (importOriginal) => ({
  ...(await importOriginal<typeof DbClient>()),
  db: () => state.db,
}));
vi.mock("next/headers", () => ({
  headers: async () =>
    new Headers({ "x-peer-address": "203.0.113.9", "x-request-path": "/admin/users?page=2", "x-request-id": "0a1b2c3d4e5f", cookie: state.cookie }),
  // The caller reads English (the messages below); test/i18n/server-messages.test.ts covers Indonesian.
  cookies: async () => ({ get: (name: string) => (name === "locale" ? { name, value: state.locale } : undefined) }),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw new Error(`REDIRECT ${url}`);
  },
  forbidden: () => {
    throw new Error("FORBIDDEN");
  },
}));

process.env.AUTH_SECRET ??= "unit-test-auth-secret-with-at-least-32-characters";
const { authorizedAction } = await import("@/lib/auth/action");
const { sessionCookieName } = await import("@/lib/auth/session-cookie");

describe("Every server action re-checks the session, the user and the role (docs/roles.md#who-may-do-what)", () => {
  let db: TestDb;
  const run = vi.fn(async (input: { amount: number }) => ok({ doubled: input.amount * 2 }, "done"));
  const action = authorizedAction(
    { name: "test.double", roles: ["manager", "admin"], schema: z.object({ amount: z.number().int("Whole number") }) },
    run,
  );
  const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  /** A complete sign-in: enrolled, second factor proved `provedAgoMs` ago (just now by default). */
  const signInAs = async (user: { id: number; sessionVersion: number }, { provedAgoMs = 0, enrolled = true } = {}) => {
    if (enrolled) await db.insert(secondFactors).values({ userId: user.id, secret: seal(secret), enrolledAt: new Date() }).onConflictDoNothing();
    const secondFactorAt = enrolled ? new Date(Date.now() - provedAgoMs) : null;
    await db.insert(sessions).values({ id: `session-${user.id}`, userId: user.id, createdAt: new Date(), secondFactorAt }).onConflictDoNothing();
    // The cookie as Auth.js writes it at sign-in.
    const token = { uid: user.id, sv: user.sessionVersion, sid: `session-${user.id}`, sat: Date.now() };
    state.cookie = `${sessionCookieName}=${await encode({ token, secret: process.env.AUTH_SECRET!, salt: sessionCookieName, maxAge: 1800 })}`;
  };
  const audit = async () => await db.select().from(auditEntries);

  beforeEach(async () => {
    db = await createTestDb();
    state.db = db;
    state.cookie = "";
    run.mockClear();
  });

  it("sends a caller without a session to sign-in, back to the page they were on", async () => {
    await expect(action({ amount: 1 })).rejects.toThrow(
      "REDIRECT /login?reason=expired&callbackUrl=%2Fadmin%2Fusers%3Fpage%3D2",
    );
    expect(run).not.toHaveBeenCalled();
  });

  it("refuses a deactivated user at once, even with a valid session cookie", async () => {
    const user = await insertUser(db, { email: "m@x.test", role: "manager" });
    await signInAs(user);
    await db.update(users).set({ active: false }).where(eq(users.id, user.id));
    await expect(action({ amount: 1 })).rejects.toThrow("REDIRECT /login?reason=deactivated");
    expect(run).not.toHaveBeenCalled();
  });

  it("refuses a session started before a password reset", async () => {
    const user = await insertUser(db, { email: "m@x.test", role: "manager" });
    await signInAs(user);
    await db.update(users).set({ sessionVersion: user.sessionVersion + 1 }).where(eq(users.id, user.id));
    await expect(action({ amount: 1 })).rejects.toThrow("REDIRECT /login?reason=revoked");
  });

  it("answers a forged call from a lower role with 403, changes nothing and audits it", async () => {
    const staff = await insertUser(db, { email: "s@x.test", role: "staff" });
    await signInAs(staff);
    const result = await action({ amount: "not even valid" });
    expect(result).toEqual({ ok: false, code: "forbidden", message: "You do not have permission to do this." });
    expect(run).not.toHaveBeenCalled();
    expect(await audit()).toMatchObject([
      { actorId: staff.id, action: "access.denied", targetType: "action", targetId: "test.double", ip: "203.0.113.9" },
    ]);
  });

  it("refuses a session that was signed out, even if its cookie comes back", async () => {
    const user = await insertUser(db, { email: "m@x.test", role: "manager" });
    await signInAs(user);
    await db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, `session-${user.id}`));
    await expect(action({ amount: 1 })).rejects.toThrow("REDIRECT /login?reason=expired");
    expect(run).not.toHaveBeenCalled();
  });

  it("reads the role from the database, not from the session", async () => {
    const user = await insertUser(db, { email: "m@x.test", role: "manager" });
    await signInAs(user);
    await db.update(users).set({ role: "staff" }).where(eq(users.id, user.id));
    expect((await action({ amount: 1 })).ok).toBe(false);
  });

  it("returns field errors for bad input without running the action", async () => {
    const user = await insertUser(db, { email: "m@x.test", role: "manager" });
    await signInAs(user);
    const result = await action({ amount: 1.5 });
    expect(result).toEqual({
      ok: false,
      code: "invalid",
      message: "Please correct the highlighted fields.",
      fieldErrors: { amount: ["Whole number"] },
    });
    expect(await action(null)).toMatchObject({ ok: false, code: "invalid" });
    expect(run).not.toHaveBeenCalled();
  });

  it("answers in the caller's language: Indonesian by default, English when the cookie says so", async () => {
    const user = await insertUser(db, { email: "m@x.test", role: "manager" });
    await signInAs(user);
    state.locale = "id";
    try {
      expect(await action({ amount: 1.5 })).toMatchObject({ ok: false, code: "invalid", message: "Perbaiki kolom yang ditandai." });
      state.locale = "fr"; // not ours: Indonesian
      expect(await action({ amount: 1.5 })).toMatchObject({ message: "Perbaiki kolom yang ditandai." });
    } finally {
      state.locale = "en";
    }
    expect(await action({ amount: 1.5 })).toMatchObject({ message: "Please correct the highlighted fields." });
  });

  it("keeps refused input in the audit trail in English, whatever the requester reads", async () => {
    const user = await insertUser(db, { email: "m@x.test", role: "manager" });
    await signInAs(user);
    const worded = z.object({ reason: z.string().min(3, { error: () => msg("server.action.invalid") }) });
    const strict = authorizedAction({ name: "test.worded", roles: ["manager"], schema: worded, auditInvalid: true }, vi.fn(async () => ok(null)));
    state.locale = "id";
    try {
      expect(await strict({ reason: "" })).toMatchObject({ fieldErrors: { reason: ["Perbaiki kolom yang ditandai."] } });
    } finally {
      state.locale = "en";
    }
    expect(await audit()).toMatchObject([{ action: "test.worded.refused", after: { fieldErrors: { reason: ["Please correct the highlighted fields."] } } }]);
  });

  it("audits input the forms never send, for actions that ask for it (a missing reason, a forged id)", async () => {
    const user = await insertUser(db, { email: "m@x.test", role: "manager" });
    await signInAs(user);
    const strictRun = vi.fn(async () => ok(null));
    const strict = authorizedAction({ name: "test.strict", roles: ["manager"], schema: z.object({ reason: z.string().min(3, "Give a reason") }), auditInvalid: true }, strictRun);
    expect(await strict({ reason: "" })).toMatchObject({ ok: false, code: "invalid", fieldErrors: { reason: ["Give a reason"] } });
    expect(strictRun).not.toHaveBeenCalled();
    expect(await audit()).toMatchObject([{ action: "test.strict.refused", actorId: user.id, ip: "203.0.113.9", after: { fieldErrors: { reason: ["Give a reason"] } } }]);
    // Without the flag a typo in a form is not an event.
    await action({ amount: 1.5 });
    expect(await audit()).toHaveLength(1);
  });

  it("runs the action for the right role with the parsed input and the user from the database", async () => {
    const user = await insertUser(db, { email: "m@x.test", role: "manager" });
    await signInAs(user);
    expect(await action({ amount: 21 })).toEqual({ ok: true, data: { doubled: 42 }, message: "done" });
    expect(run).toHaveBeenCalledWith({ amount: 21 }, expect.objectContaining({ ip: "203.0.113.9", user: expect.objectContaining({ id: user.id }) }));
  });

  it("turns an unexpected error into a generic message with a reference, logged on the server", async () => {
    const user = await insertUser(db, { email: "a@x.test", role: "admin" });
    await signInAs(user);
    const logs = captureLogs();
    const failing = authorizedAction({ name: "test.boom", roles: ["admin"], schema: z.object({}) }, () => {
      throw new Error("database on fire");
    });
    const result = await failing({});
    logs.restore();
    expect(result).toEqual({ ok: false, code: "error", message: "Something went wrong on our side. Reference: 0a1b2c3d4e5f" });
    expect(JSON.stringify(result)).not.toContain("database on fire");
    // The reference a person quotes is the request id of the line that holds the error.
    const [line] = logs.lines().filter((entry) => entry.level === "error");
    expect(line).toMatchObject({ requestId: "0a1b2c3d4e5f", userId: user.id, action: "test.boom", err: { message: "database on fire" } });
  });

  describe("Step-up: a code from the last 5 minutes, checked by the action itself (docs/sign-in.md#step-up)", () => {
    const guarded = () => authorizedAction({ name: "test.guarded", roles: ["manager"], schema: z.object({ amount: z.number() }), stepUp: true }, run);
    const sixMinutes = 6 * 60 * 1000;

    it("runs without a code when the session proved one less than 5 minutes ago", async () => {
      const user = await insertUser(db, { email: "m@x.test", role: "manager" });
      await signInAs(user, { provedAgoMs: 4 * 60 * 1000 });
      expect(await guarded()({ amount: 1 })).toMatchObject({ ok: true });
    });

    it("refuses without a code when the last proof is older, whatever the screen did, and runs nothing", async () => {
      const user = await insertUser(db, { email: "m@x.test", role: "manager" });
      await signInAs(user, { provedAgoMs: sixMinutes });
      expect(await guarded()({ amount: 1 })).toMatchObject({ ok: false, code: "step_up", fieldErrors: { secondFactorCode: [expect.any(String)] } });
      expect(run).not.toHaveBeenCalled();
    });

    it("refuses a wrong code (audited) and runs with the right one, which counts as a fresh proof", async () => {
      const user = await insertUser(db, { email: "m@x.test", role: "manager" });
      await signInAs(user, { provedAgoMs: sixMinutes });
      const right = generateSync({ secret });
      const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
      expect(await guarded()({ amount: 1, secondFactorCode: wrong })).toMatchObject({ ok: false, code: "step_up", message: expect.stringContaining("Wrong code") });
      expect(run).not.toHaveBeenCalled();
      expect((await audit()).map((e) => e.action)).toContain("auth.second_factor_refused");
      expect(await guarded()({ amount: 1, secondFactorCode: right })).toMatchObject({ ok: true });
      expect(run).toHaveBeenCalledWith({ amount: 1 }, expect.anything());
      const proved = (await first(db.select().from(sessions).where(eq(sessions.id, `session-${user.id}`)).limit(1)))?.secondFactorAt;
      expect(Date.now() - proved!.getTime()).toBeLessThan(5_000);
    });

    it("tells a person without a second factor to turn it on first, and runs nothing", async () => {
      const user = await insertUser(db, { email: "s@x.test", role: "staff" });
      await signInAs(user, { enrolled: false });
      const staffGuarded = authorizedAction({ name: "test.guarded", roles: ["staff"], schema: z.object({ amount: z.number() }), stepUp: true }, run);
      expect(await staffGuarded({ amount: 1, secondFactorCode: "123456" })).toMatchObject({ ok: false, code: "forbidden", message: expect.stringContaining("Turn on two-step sign-in first") });
      expect(run).not.toHaveBeenCalled();
    });

    it("does not hand the code to the action, and a code sent with a fresh session is not spent", async () => {
      const user = await insertUser(db, { email: "m@x.test", role: "manager" });
      await signInAs(user);
      await guarded()({ amount: 1, secondFactorCode: "000000" });
      expect(run).toHaveBeenCalledWith({ amount: 1 }, expect.anything());
      expect((await first(db.select().from(secondFactors).limit(1)))?.lastStep).toBe(0);
    });
  });

  describe("A session half-way through signing in reaches the sign-in steps only (docs/sign-in.md#signing-in)", () => {
    it("sends a manager who has not enrolled to enrolment", async () => {
      const user = await insertUser(db, { email: "m@x.test", role: "manager" });
      await signInAs(user, { enrolled: false });
      await expect(action({ amount: 1 })).rejects.toThrow("REDIRECT /login/enrol?callbackUrl=%2Fadmin%2Fusers%3Fpage%3D2");
      expect(run).not.toHaveBeenCalled();
    });

    it("sends an enrolled person whose session proved only the password to the code step, staff included", async () => {
      const user = await insertUser(db, { email: "s@x.test", role: "staff" });
      await signInAs(user);
      await db.update(sessions).set({ secondFactorAt: null });
      await expect(action({ amount: 1 })).rejects.toThrow("REDIRECT /login/code?");
    });

    it("sends staff to enrolment only once an admin requires a second factor for everyone", async () => {
      const user = await insertUser(db, { email: "s@x.test", role: "staff" });
      await signInAs(user, { enrolled: false });
      expect(await action({ amount: 1 })).toMatchObject({ code: "forbidden" });
      await db.insert(settings).values({ key: requireAllSettingKey, value: 1 });
      await expect(action({ amount: 1 })).rejects.toThrow("REDIRECT /login/enrol?");
    });

    it("sends a person with a temporary password to choose their own", async () => {
      const user = await insertUser(db, { email: "m@x.test", role: "manager" });
      await signInAs(user);
      await db.update(users).set({ temporaryPasswordExpiresAt: new Date(Date.now() + 60_000) });
      await expect(action({ amount: 1 })).rejects.toThrow("REDIRECT /login/password?");
    });

    it("ends a session 8 hours after the password was proved, however active", async () => {
      const user = await insertUser(db, { email: "m@x.test", role: "manager" });
      await signInAs(user);
      await db.update(sessions).set({ createdAt: new Date(Date.now() - 8 * 60 * 60 * 1000 - 1000) });
      await expect(action({ amount: 1 })).rejects.toThrow("REDIRECT /login?reason=expired");
    });
  });
});
