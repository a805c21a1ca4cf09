import { migrateDatabase, openDatabase } from "@/db/client";
import { databaseEnv, EnvError, sqlitePath } from "@/lib/env";

/** Applies the committed migrations in drizzle/; running it again changes nothing. */
try {
  const file = sqlitePath(databaseEnv().DATABASE_URL);
  const db = openDatabase(file);
  migrateDatabase(db);
  void db.close();
  console.log(`Database ready: ${file}`);
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
}
