import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { generateSync } from "otplib";
import { describe, expect, it } from "vitest";
import { first, migrateDatabase, openDatabase } from "@/db/client";
import { withFixtureWrites } from "@/test/db";
import { secondFactors, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { seal } from "@/lib/auth/secret-box";
import { runScript } from "../support/run-script";

/** `npm run totp`: the demo's stand-in for a phone (docs/sign-in.md#second-factor), refused in production. */

const secretKey = "totp-script-test-auth-secret-32-characters-long";

const run = (args: string[], env: Record<string, string>) => runScript("totp.ts", args, env);

describe("npm run totp", () => {
  it("prints the current code of an enrolled demo user", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "totp-")), "app.db");
    const db = withFixtureWrites(openDatabase(file));
    migrateDatabase(db);
    const user = (await db.insert(users).values({ name: "M", email: "manager@demo.test", role: "manager", passwordHash: await hashPassword("demo-manager-pass") }).returning())[0]!;
    const saved = process.env.AUTH_SECRET;
    process.env.AUTH_SECRET = secretKey;
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    await db.insert(secondFactors).values({ userId: user.id, secret: seal(secret), enrolledAt: new Date() });
    process.env.AUTH_SECRET = saved;
    await db.close();

    const result = await run(["--email", "manager@demo.test"], { DATABASE_URL: `file:${file}`, AUTH_SECRET: secretKey, NODE_ENV: "development" });
    expect(result.code, result.stderr).toBe(0);
    const printed = /^(\d{6}) /.exec(result.stdout)?.[1];
    const now = Math.floor(Date.now() / 1000);
    expect([generateSync({ secret, epoch: now - 5 }), generateSync({ secret, epoch: now })]).toContain(printed);
    expect((await first(openDatabase(file).select().from(secondFactors).where(eq(secondFactors.userId, user.id)).limit(1)))?.lastStep).toBe(0);
  });

  it("refuses in production, and for anyone who is not a demo user", async () => {
    const production = await run(["--email", "manager@demo.test"], { NODE_ENV: "production" });
    expect(production.code).toBe(2);
    expect(production.stderr).toContain("refuses to run with NODE_ENV=production");
    const stranger = await run(["--email", "finance.lead@merchant.co.id"], { NODE_ENV: "development" });
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toContain("is not one of the demo users");
  });
});
