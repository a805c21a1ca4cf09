import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { auditEntries, users } from "@/db/schema";
import { verifyPassword } from "@/lib/auth/password";
import { temporaryPasswordLifetimeMs } from "@/lib/users/service";
import { runScript as runScriptAsPerson } from "../support/run-script";

/**
 * SPEC §8.3: `npm run admin:create` makes the first admin of a production install and `npm run db:seed`
 * refuses there (docs/production.md#first-admin). Run as a person runs them: separate processes, configured
 * through the environment, against a database of their own.
 */


// DEMO_MODE cleared: the tests of the production refusals must not inherit it from the shell.
const runScript = (script: string, args: string[], env: Record<string, string>) => runScriptAsPerson(script, args, { DEMO_MODE: "", ...env });

const freshDatabase = () => join(mkdtempSync(join(tmpdir(), "admin-create-")), "app.db");

async function readBack(file: string) {
  const db = openDatabase(file);
  try {
    return { users: await db.select().from(users), audit: await db.select().from(auditEntries) };
  } finally {
    await db.close();
  }
}

const adminCreate = (file: string, args: string[], env: Record<string, string> = {}) =>
  runScript("admin-create.ts", args, { DATABASE_URL: `file:${file}`, NODE_ENV: "production", ...env });

describe("npm run admin:create makes the first admin, with a temporary password printed once", () => {
  it("creates the admin in production on a new database (migrated first), prints the password once, audits it as the system via the command line", async () => {
    const file = freshDatabase();
    const started = Date.now();
    const run = await adminCreate(file, ["--email", " Finance.Lead@Merchant.co.id ", "--name", " Finance Lead "], { AUTH_URL: "https://payouts.example.co.id" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const password = /Temporary password: (\S+)/.exec(run.stdout)?.[1] ?? "";
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(run.stdout.split(password)).toHaveLength(2);
    expect(run.stdout).toContain("Created the admin Finance Lead <finance.lead@merchant.co.id>");
    expect(run.stdout).toContain("sign in at https://payouts.example.co.id/login");
    expect(run.stdout).toMatch(/works once, within 24 hours \(until .* WIB\)/);

    const { users: created, audit } = await readBack(file);
    expect(created).toHaveLength(1);
    const [admin] = created;
    expect(admin).toMatchObject({ name: "Finance Lead", email: "finance.lead@merchant.co.id", role: "admin", active: true, approvalHoldUntil: null });
    expect(await verifyPassword(admin!.passwordHash, password)).toBe(true);
    // Temporary, as an admin's: changed at the first sign-in and void after 24 hours (docs/sign-in.md#passwords).
    const expires = admin!.temporaryPasswordExpiresAt!.getTime();
    expect(expires).toBeGreaterThanOrEqual(started + temporaryPasswordLifetimeMs - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + temporaryPasswordLifetimeMs);
    expect(audit).toEqual([
      expect.objectContaining({
        actorId: null,
        action: "user.create",
        targetType: "user",
        targetId: String(admin!.id),
        after: { name: "Finance Lead", email: "finance.lead@merchant.co.id", role: "admin", active: true, via: "npm run admin:create (command line)" },
      }),
    ]);
    expect(JSON.stringify(audit)).not.toContain(password);
  });

  it("refuses an e-mail that exists, whatever its case: exit 2, nothing changed", async () => {
    const file = freshDatabase();
    expect((await adminCreate(file, ["--email", "first@merchant.co.id", "--name", "First"])).code).toBe(0);
    const before = await readBack(file);
    const run = await adminCreate(file, ["--email", "FIRST@merchant.co.id", "--name", "Second"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Nothing created: A user with this e-mail already exists (first@merchant.co.id)");
    expect(run.stdout).toBe("");
    expect(await readBack(file)).toEqual(before);
  });

  it.each([
    ["a malformed e-mail", ["--email", "not an email", "--name", "Someone"], "--email: Enter a valid e-mail address, like name@company.co.id"],
    ["no e-mail", ["--name", "Someone"], "--email: Enter an e-mail address"],
    ["no name", ["--email", "someone@merchant.co.id"], "--name: Enter a name"],
    ["a blank name", ["--email", "someone@merchant.co.id", "--name", "   "], "--name: Enter a name"],
    ["a name too long", ["--email", "someone@merchant.co.id", "--name", "x".repeat(101)], "--name: A name is at most 100 characters"],
    ["an unknown option", ["--email", "someone@merchant.co.id", "--name", "Someone", "--role", "staff"], "Unknown option '--role'"],
  ])("refuses %s: a clear message, exit 2, no database touched", async (_, args, message) => {
    const file = freshDatabase();
    const run = await adminCreate(file, args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
    expect(existsSync(file)).toBe(false);
  });

  it("--help explains the command and its exit codes", async () => {
    const run = await adminCreate(freshDatabase(), ["--help"]);
    expect(run.code).toBe(0);
    for (const text of ["npm run admin:create -- --email", "--name", "temporary password", "Exit codes"]) expect(run.stdout).toContain(text);
  });
});

describe("npm run db:seed refuses in production: its demo users' passwords are public", () => {
  it("exits 2 with NODE_ENV=production, names admin:create instead and creates nothing", async () => {
    const file = freshDatabase();
    const run = await runScript("db-seed.ts", [], { DATABASE_URL: `file:${file}`, NODE_ENV: "production" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("refuses to run with NODE_ENV=production");
    expect(run.stderr).toContain("npm run admin:create -- --email");
    expect(existsSync(file)).toBe(false);
  });

  it("runs for a demo under production with DEMO_MODE=1", async () => {
    const file = freshDatabase();
    const run = await runScript("db-seed.ts", [], { DATABASE_URL: `file:${file}`, NODE_ENV: "production", DEMO_MODE: "1" });
    expect(run.code).toBe(0);
    expect((await readBack(file)).users.map((u) => u.role)).toContain("admin");
  });
});
