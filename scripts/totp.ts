import { existsSync, readFileSync } from "node:fs";
import { generateSync } from "otplib";
import { openAppDatabase } from "@/db/client";
import { demoUsers } from "@/db/demo-users";
import { findSecondFactor, totpPolicy } from "@/lib/auth/second-factor";
import { open } from "@/lib/auth/secret-box";
import { databaseEnv, EnvError } from "@/lib/env";
import { findUserByEmail } from "@/lib/users/service";

/**
 * `npm run totp -- --email manager@demo.test`: the code a demo user's authenticator app would show now, so
 * the demo can be tried without a phone. Demo users only, and refused in production: it reads the secret
 * that makes the second factor worth having.
 */
async function main(): Promise<number> {
  if (process.env.NODE_ENV === "production" && process.env.DEMO_MODE !== "1") {
    console.error("npm run totp is for the demo only and refuses to run with NODE_ENV=production (without DEMO_MODE=1).");
    return 2;
  }
  const at = process.argv.indexOf("--email");
  const email = at >= 0 ? process.argv[at + 1]?.trim().toLowerCase() : undefined;
  if (!email) {
    console.error("Usage: npm run totp -- --email manager@demo.test");
    return 2;
  }
  if (!demoUsers.some((u) => u.email === email)) {
    console.error(`${email} is not one of the demo users (${demoUsers.map((u) => u.email).join(", ")}): use an authenticator app.`);
    return 2;
  }
  // The demo keeps its generated AUTH_SECRET in data/ (scripts/lib.sh); the secrets are sealed with it.
  if (!process.env.AUTH_SECRET && existsSync("data/auth-secret")) process.env.AUTH_SECRET = readFileSync("data/auth-secret", "utf8").trim();
  const db = openAppDatabase(databaseEnv().DATABASE_URL);
  try {
    const user = await findUserByEmail(db, email);
    const factor = user ? await findSecondFactor(db, user.id) : undefined;
    const sealed = factor?.secret ?? factor?.pendingSecret;
    if (!sealed) {
      console.error(`${email} has no second factor yet: sign in once, and this prints the code for the enrolment page.`);
      return 1;
    }
    const secret = open(sealed);
    if (!secret) {
      console.error("The stored secret cannot be read with this AUTH_SECRET (or TOTP_KEY).");
      return 1;
    }
    const now = Date.now();
    const left = totpPolicy.periodSeconds - Math.floor(now / 1000) % totpPolicy.periodSeconds;
    console.log(`${generateSync({ secret })}  (${factor?.secret ? "sign-in" : "enrolment"} code for ${email}, a new one in ${left} s; each works once)`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof EnvError ? error.message : error);
    process.exitCode = 2;
  },
);
