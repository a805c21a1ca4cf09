/*
 * The e2e app's demo managers and admin, enrolled in two-step sign-in with secrets the tests can compute
 * (e2e/support/second-factor.ts), as if each had scanned the QR code once. Run by scripts/e2e-server.sh after
 * the seed; the demo itself enrols them at their first sign-in like anyone else. On the database `DATABASE_URL`
 * names, SQLite or PostgreSQL (e2e/postgres-instances.spec.ts).
 */
import { eq } from "drizzle-orm";
import { first, openAppDatabase } from "@/db/client";
import { policies, secondFactors, users } from "@/db/schema";
import { demoUsers } from "@/db/demo-users";
import { seal } from "@/lib/auth/secret-box";
import { databaseEnv } from "@/lib/env";
import { demoSecret } from "./second-factor";

async function main() {
  const db = openAppDatabase(databaseEnv().DATABASE_URL);
  const now = new Date();
  // Set-up before the app serves, in one transaction.
  await db.transaction(async (tx) => {
    for (const demo of demoUsers) {
      if (demo.role === "staff") continue;
      const user = await first(tx.select().from(users).where(eq(users.email, demo.email)));
      if (!user) throw new Error(`No demo user ${demo.email}: run the seed first`);
      await tx.insert(secondFactors).values({ userId: user.id, secret: seal(demoSecret(demo.email)), enrolledAt: now }).onConflictDoNothing();
    }
    // Deposit alerts off (docs/deposit-alerts.md): many specs send to Dewi's test wallet, which always answers "deposit
    // too low", and expect that row alone to fail while the rest goes on; on the app two workers share, a pause would
    // stall every other spec's sending. e2e/deposit-alerts.spec.ts runs its own app with them on (E2E_DEPOSIT_ALERTS=1).
    if (process.env.E2E_DEPOSIT_ALERTS !== "1") {
      await tx
        .insert(policies)
        .values({ key: "deposit_alerts", value: { on: false }, updatedAt: now })
        .onConflictDoUpdate({ target: policies.key, set: { value: { on: false }, updatedAt: now } });
    }
  });
  await db.close();
  console.log("Enrolled the demo managers and admin in two-step sign-in (e2e secrets)");
  if (process.env.E2E_DEPOSIT_ALERTS !== "1") console.log("Deposit alerts turned off for the shared e2e app");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
