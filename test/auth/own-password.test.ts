import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { first } from "@/db/client";
import { auditEntries, sessions, users } from "@/db/schema";
import { changeOwnPassword } from "@/lib/auth/own-password";
import { verifyPassword } from "@/lib/auth/password";
import { passwordProblem } from "@/lib/auth/password-strength";
import { startSession } from "@/lib/auth/sessions";
import { createTestDb, insertUser, type TestDb } from "../db";

describe("People change their own password (docs/sign-in.md#passwords)", () => {
  let db: TestDb;
  let user: Awaited<ReturnType<typeof insertUser>>;

  beforeEach(async () => {
    db = await createTestDb();
    user = await insertUser(db, { name: "Bambang Prasetyo", email: "bambang@x.test", role: "manager", password: "temporary-from-admin" });
    await db.update(users).set({ temporaryPasswordExpiresAt: new Date(Date.now() + 3_600_000) });
    user = (await db.select().from(users).where(eq(users.id, user.id)))[0]!;
  });

  it("refuses common passwords, keyboard rows, and the person's own name, in words", () => {
    for (const common of ["password1234", "123456789012", "qwertyuiop12", "iloveyou1234"]) {
      expect(passwordProblem(common), common).toMatch(/commonly used|keyboard|Sequences/);
    }
    expect(passwordProblem("bambangprasetyo1", ["bambang@x.test", "Bambang Prasetyo"])).toMatch(/your name or e-mail/);
    expect(passwordProblem("short")).toBe("A password is at least 12 characters");
    expect(passwordProblem("gunung-merbabu-sore-hari-7")).toBeNull();
  });

  it("needs the current password; a wrong one changes nothing and is audited", async () => {
    const result = await changeOwnPassword({ db, user, sessionId: "s", ip: null }, { currentPassword: "guess", newPassword: "gunung-merbabu-sore-hari-7" });
    expect(result).toMatchObject({ ok: false, fieldErrors: { currentPassword: ["Your current password is not right"] } });
    expect(await verifyPassword((await db.select().from(users))[0]!.passwordHash, "temporary-from-admin")).toBe(true);
    expect((await db.select().from(auditEntries)).map((e) => e.action)).toEqual(["auth.password_change_refused"]);
  });

  it("refuses a common new password without changing the old one", async () => {
    const result = await changeOwnPassword({ db, user, sessionId: "s", ip: null }, { currentPassword: "temporary-from-admin", newPassword: "password1234" });
    expect(result).toMatchObject({ ok: false, fieldErrors: { newPassword: [expect.stringContaining("commonly used")] } });
    expect((await db.select().from(users))[0]!.temporaryPasswordExpiresAt).not.toBeNull();
  });

  it("ends the temporary password and every other session, keeping this one", async () => {
    const here = await startSession(db, user.id, "1.1.1.1");
    const elsewhere = await startSession(db, user.id, "2.2.2.2");
    const result = await changeOwnPassword({ db, user, sessionId: here, ip: "1.1.1.1" }, { currentPassword: "temporary-from-admin", newPassword: "gunung-merbabu-sore-hari-7" });
    expect(result.ok).toBe(true);
    const row = (await db.select().from(users))[0]!;
    expect(row.temporaryPasswordExpiresAt).toBeNull();
    expect(await verifyPassword(row.passwordHash, "gunung-merbabu-sore-hari-7")).toBe(true);
    expect((await first(db.select().from(sessions).where(eq(sessions.id, here)).limit(1)))?.revokedAt).toBeNull();
    expect((await first(db.select().from(sessions).where(eq(sessions.id, elsewhere)).limit(1)))?.revokedAt).toBeInstanceOf(Date);
    expect(await db.select().from(auditEntries)).toMatchObject([{ action: "auth.password_changed", after: { wasTemporary: true } }]);
  });
});
