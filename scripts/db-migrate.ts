import { migrateAppDatabase, openAppDatabase } from "@/db/client";
import { databaseEnv, databaseLabel, EnvError } from "@/lib/env";

/** Applies the committed migrations (drizzle/ for SQLite, drizzle-pg/ for PostgreSQL); running it again changes nothing. */
async function main() {
  const url = databaseEnv().DATABASE_URL;
  const db = openAppDatabase(url);
  try {
    await migrateAppDatabase(db);
  } finally {
    await db.close();
  }
  console.log(`Database ready: ${databaseLabel(url)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
});
