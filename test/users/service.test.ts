import { beforeEach, describe, expect, it } from "vitest";
import { isUniqueViolation } from "@/db/dialect";
import { auditEntries, users } from "@/db/schema";
import { auditEntryHash, genesisHash } from "@/lib/audit/record";
import { verifyPassword } from "@/lib/auth/password";
import { changeRoleSchema, createUserSchema, setActiveSchema } from "@/lib/users/schemas";
import { changeRole, createUser, findUserById, resetPassword, setActive } from "@/lib/users/service";
import { createTestDb, insertUser, type TestDb } from "../db";

describe("Admin: users (issue 2 §4)", () => {
  let db: TestDb;
  let admin: Awaited<ReturnType<typeof insertUser>>;
  const ctx = () => ({ db, actor: admin, ip: "203.0.113.1" });
  const audit = async () => await db.select().from(auditEntries);

  beforeEach(async () => {
    db = await createTestDb();
    admin = await insertUser(db, { name: "Ayu", email: "admin@x.test", role: "admin" });
  });

  it("creates a user who can then sign in with the temporary password, and audits it without the hash", async () => {
    const input = createUserSchema.parse({ name: " Eka Putri ", email: " Eka@X.test ", role: "staff", password: "temporary-pass-1" });
    const result = await createUser(ctx(), input);
    expect(result.ok).toBe(true);
    const created = (await findUserById(db, result.ok ? result.data.id : 0))!;
    expect(created).toMatchObject({ name: "Eka Putri", email: "eka@x.test", role: "staff", active: true });
    expect(await verifyPassword(created.passwordHash, "temporary-pass-1")).toBe(true);
    const [entry] = await audit();
    expect(entry).toMatchObject({ actorId: admin.id, action: "user.create", targetId: String(created.id), ip: "203.0.113.1" });
    expect(JSON.stringify(entry)).not.toContain("argon2");
  });

  it("keeps e-mails unique whatever their case", async () => {
    const input = createUserSchema.parse({ name: "Dup", email: "ADMIN@x.test", role: "staff", password: "temporary-pass-1" });
    expect(await createUser(ctx(), input)).toMatchObject({ ok: false, code: "conflict", fieldErrors: { email: ["A user with this e-mail already exists"] } });
    // The database refuses it too, for any path that would skip the check.
    await expect(
      db.insert(users).values({ name: "x", email: "Admin@X.TEST", role: "staff", passwordHash: "h" }),
    ).rejects.toSatisfy((error) => isUniqueViolation(error, { name: "users_email_unique", columns: "index 'users_email_unique'" }));
    expect(await audit()).toHaveLength(0);
  });

  it("changes a role and records before and after", async () => {
    const staff = await insertUser(db, { email: "s@x.test", role: "staff" });
    expect(await changeRole(ctx(), { userId: staff.id, role: "manager" })).toMatchObject({ ok: true });
    expect((await findUserById(db, staff.id))!.role).toBe("manager");
    expect(await audit()).toMatchObject([{ action: "user.role", before: { role: "staff" }, after: { role: "manager" } }]);
  });

  it("never lets the last active admin be demoted or deactivated", async () => {
    expect(await changeRole(ctx(), { userId: admin.id, role: "staff" })).toMatchObject({
      ok: false,
      message: "This is the last active admin: make someone else admin first",
    });
    expect(await setActive(ctx(), { userId: admin.id, active: false })).toMatchObject({ ok: false, code: "conflict" });
    expect(await findUserById(db, admin.id)).toMatchObject({ role: "admin", active: true });
    expect(await audit()).toHaveLength(0);
  });

  it("does not let an admin demote or deactivate themselves, even with another admin around", async () => {
    await insertUser(db, { email: "admin2@x.test", role: "admin" });
    expect(await changeRole(ctx(), { userId: admin.id, role: "staff" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await setActive(ctx(), { userId: admin.id, active: false })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await findUserById(db, admin.id)).toMatchObject({ role: "admin", active: true });
  });

  it("lets another admin be demoted while one active admin remains, but not the one after", async () => {
    const second = await insertUser(db, { email: "admin2@x.test", role: "admin" });
    expect((await changeRole(ctx(), { userId: second.id, role: "manager" })).ok).toBe(true);
    // Two admins demoting each other at once: the second demotion finds no other admin and is refused.
    expect(await changeRole({ db, actor: second, ip: null }, { userId: admin.id, role: "staff" })).toMatchObject({ ok: false, code: "conflict" });
  });

  it("deactivation ends the user's sessions; reactivation lets them sign in again", async () => {
    const staff = await insertUser(db, { email: "s@x.test", role: "staff" });
    expect((await setActive(ctx(), { userId: staff.id, active: false })).ok).toBe(true);
    const after = (await findUserById(db, staff.id))!;
    expect(after.active).toBe(false);
    expect(after.sessionVersion).toBe(staff.sessionVersion + 1);
    expect((await setActive(ctx(), { userId: staff.id, active: true })).ok).toBe(true);
    expect((await audit()).map((e) => e.action)).toEqual(["user.deactivate", "user.reactivate"]);
  });

  it("resetting a password replaces the hash and ends open sessions", async () => {
    const staff = await insertUser(db, { email: "s@x.test", role: "staff", password: "old-password-123" });
    expect((await resetPassword(ctx(), { userId: staff.id, password: "new-password-456" })).ok).toBe(true);
    const after = (await findUserById(db, staff.id))!;
    expect(await verifyPassword(after.passwordHash, "new-password-456")).toBe(true);
    expect(await verifyPassword(after.passwordHash, "old-password-123")).toBe(false);
    expect(after.sessionVersion).toBe(staff.sessionVersion + 1);
    expect(await audit()).toMatchObject([{ action: "user.password_reset", before: null, after: null }]);
  });

  it("answers an unknown user id with not found", async () => {
    expect(await changeRole(ctx(), { userId: 9999, role: "staff" })).toMatchObject({ ok: false, code: "not_found" });
    expect(await setActive(ctx(), { userId: 9999, active: false })).toMatchObject({ ok: false, code: "not_found" });
    expect(await resetPassword(ctx(), { userId: 9999, password: "whatever-long-1" })).toMatchObject({ ok: false, code: "not_found" });
  });
});

describe("Bad input to user management gets a clear field error", () => {
  it.each([
    ["a malformed e-mail", { name: "A", email: "not-an-email", role: "staff", password: "long-enough-pass" }, "email", "Enter a valid e-mail address, like name@company.co.id"],
    ["an empty name", { name: "   ", email: "a@x.test", role: "staff", password: "long-enough-pass" }, "name", "Enter a name"],
    ["a 10,000-character name", { name: "x".repeat(10_000), email: "a@x.test", role: "staff", password: "long-enough-pass" }, "name", "A name is at most 100 characters"],
    ["a 10,000-character e-mail", { name: "A", email: `${"x".repeat(10_000)}@x.test`, role: "staff", password: "long-enough-pass" }, "email", "An e-mail address is at most 254 characters"],
    ["an unknown role", { name: "A", email: "a@x.test", role: "superuser", password: "long-enough-pass" }, "role", "Choose a role: staff, manager or admin"],
    ["a short password", { name: "A", email: "a@x.test", role: "staff", password: "short" }, "password", "A password is at least 12 characters"],
    ["a control character in a name", { name: "A\u0000B", email: "a@x.test", role: "staff", password: "long-enough-pass" }, "name", "A name cannot contain control characters"],
    ["a number for a name", { name: 42, email: "a@x.test", role: "staff", password: "long-enough-pass" }, "name", "Enter a name"],
  ])("%s", (_case, input, field, message) => {
    const result = createUserSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.find((i) => i.path[0] === field)?.message).toBe(message);
  });

  it("refuses forged ids and values in the other actions", () => {
    expect(changeRoleSchema.safeParse({ userId: "1 OR 1=1", role: "admin" }).success).toBe(false);
    expect(changeRoleSchema.safeParse({ userId: -1, role: "admin" }).success).toBe(false);
    expect(setActiveSchema.safeParse({ userId: 1, active: "false" }).success).toBe(false);
  });
});

describe("The audit trail chains each entry to the previous one (docs/lifecycle.md#6-the-audit-trail-is-hash-chained)", () => {
  it("stores a hash over the entry and the previous hash, starting from the genesis hash", async () => {
    const db = await createTestDb();
    const admin = await insertUser(db, { email: "admin@x.test", role: "admin" });
    const staff = await insertUser(db, { email: "s@x.test", role: "staff" });
    await changeRole({ db, actor: admin, ip: "203.0.113.1" }, { userId: staff.id, role: "manager" });
    await setActive({ db, actor: admin, ip: "203.0.113.1" }, { userId: staff.id, active: false });
    const entries = await db.select().from(auditEntries);
    expect(entries).toHaveLength(2);
    expect(entries[0]!.prevHash).toBe(genesisHash);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    for (const entry of entries) expect(auditEntryHash(entry.prevHash, entry)).toBe(entry.hash);
    // An edit to a stored entry no longer matches its hash.
    expect(auditEntryHash(entries[0]!.prevHash, { ...entries[0]!, ip: "10.0.0.1" })).not.toBe(entries[0]!.hash);
  });
});
