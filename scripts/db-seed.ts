import { demoUsers } from "@/db/demo-users";
import { migrateDatabase, openDatabase } from "@/db/client";
import { databaseEnv, sqlitePath } from "@/lib/env";
import { createUser, findUserByEmail } from "@/lib/users/service";

/** Creates the demo users that are missing; existing ones are left as they are, so it can run any time. */
async function main() {
  const file = sqlitePath(databaseEnv().DATABASE_URL);
  const db = openDatabase(file);
  migrateDatabase(db);
  const rows: string[] = [];
  for (const demo of demoUsers) {
    const existing = findUserByEmail(db, demo.email);
    if (!existing) {
      const result = await createUser({ db, actor: null, ip: null }, demo);
      if (!result.ok) throw new Error(`Could not create ${demo.email}: ${result.message}`);
    }
    const note = existing ? "  (existed already: unless someone changed it)" : "";
    rows.push(`  ${demo.role.padEnd(8)} ${demo.email.padEnd(20)} ${demo.password}${note}`);
  }
  db.$client.close();
  console.log(`Demo users (${file}):\n  role     e-mail               password\n${rows.join("\n")}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
