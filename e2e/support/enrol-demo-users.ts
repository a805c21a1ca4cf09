/*
 * The e2e app's demo managers and admin, enrolled in two-step sign-in with secrets the tests can compute
 * (e2e/support/second-factor.ts), as if each had scanned the QR code once. Run by scripts/e2e-server.sh after
 * the seed; the demo itself enrols them at their first sign-in like anyone else.
 */
import { eq } from "drizzle-orm";
import { openDatabase, writerOf } from "@/db/client";
import { policies, secondFactors, users } from "@/db/schema";
import { demoUsers } from "@/db/demo-users";
import { seal } from "@/lib/auth/secret-box";
import { databaseEnv, sqlitePath } from "@/lib/env";
import { demoSecret } from "./second-factor";

const db = openDatabase(sqlitePath(databaseEnv().DATABASE_URL));
// Set-up before the app serves: written straight on the writing connection.
const writer = writerOf(db);
const now = new Date();
for (const demo of demoUsers) {
  if (demo.role === "staff") continue;
  const user = db.select().from(users).where(eq(users.email, demo.email)).get();
  if (!user) throw new Error(`No demo user ${demo.email}: run the seed first`);
  writer.insert(secondFactors).values({ userId: user.id, secret: seal(demoSecret(demo.email)), enrolledAt: now }).onConflictDoNothing().run();
}
console.log("Enrolled the demo managers and admin in two-step sign-in (e2e secrets)");

// Deposit alerts off (docs/deposit-alerts.md): many specs send to Dewi's test wallet, which always answers "deposit too
// low", and expect that row alone to fail while the rest goes on; on the app two workers share, a pause would stall every
// other spec's sending. e2e/deposit-alerts.spec.ts runs its own app with them on (E2E_DEPOSIT_ALERTS=1).
if (process.env.E2E_DEPOSIT_ALERTS !== "1") {
  writer.insert(policies)
    .values({ key: "deposit_alerts", value: { on: false }, updatedAt: now })
    .onConflictDoUpdate({ target: policies.key, set: { value: { on: false }, updatedAt: now } })
    .run();
  console.log("Deposit alerts turned off for the shared e2e app");
}
