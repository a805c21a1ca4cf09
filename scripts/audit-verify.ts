import { openDatabase } from "@/db/client";
import { verifyAuditChain } from "@/lib/audit/verify";
import { databaseEnv, EnvError, sqlitePath } from "@/lib/env";

/** `npm run audit:verify`: exit 0 when the audit chain is intact, 1 naming the first bad entry otherwise. */
try {
  const file = sqlitePath(databaseEnv().DATABASE_URL);
  const db = openDatabase(file);
  const verdict = verifyAuditChain(db);
  void db.close();
  if (verdict.ok) {
    console.log(`Audit trail intact: ${verdict.entries} entries verified in ${file}.`);
  } else {
    console.error(`Audit trail BROKEN after ${verdict.entries} good entries. ${verdict.message}`);
    process.exit(1);
  }
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(2);
}
