import { demoUsers } from "@/db/demo-users";
import { migrateAppDatabase, openAppDatabase } from "@/db/client";
import { databaseEnv, refusesDemoDefaults, databaseLabel } from "@/lib/env";
import { createUser, findUserByEmail } from "@/lib/users/service";

/**
 * Creates the demo users that are missing; existing ones are left as they are, so it can run any time.
 * Refused under NODE_ENV=production without DEMO_MODE=1: their passwords are printed in the README
 * (docs/production.md#first-admin).
 */
async function main() {
  if (refusesDemoDefaults()) {
    console.error(
      "npm run db:seed creates the demo users, whose passwords are printed in the README: it refuses to run with NODE_ENV=production.\n" +
        'Make the first admin with: npm run admin:create -- --email you@company.co.id --name "Your Name"\n' +
        "(DEMO_MODE=1 allows the seed, for a demo.)",
    );
    process.exitCode = 2;
    return;
  }
  const file = databaseLabel(databaseEnv().DATABASE_URL);
  const db = openAppDatabase(databaseEnv().DATABASE_URL);
  await migrateAppDatabase(db);
  const rows: string[] = [];
  for (const demo of demoUsers) {
    const existing = await findUserByEmail(db, demo.email);
    if (!existing) {
      const result = await createUser({ db, actor: null, ip: null }, demo);
      if (!result.ok) throw new Error(`Could not create ${demo.email}: ${result.message}`);
    }
    const note = existing ? "  (existed already: unless someone changed it)" : "";
    rows.push(`  ${demo.role.padEnd(8)} ${demo.email.padEnd(20)} ${demo.password}${note}`);
  }
  await db.close();
  console.log(`Demo users (${file}):\n  role     e-mail               password\n${rows.join("\n")}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
