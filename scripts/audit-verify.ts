import { openAppDatabase } from "@/db/client";
import { verifyAuditChain } from "@/lib/audit/verify";
import { databaseEnv, databaseLabel, EnvError } from "@/lib/env";

/** `npm run audit:verify`: exit 0 when the audit chain is intact, 1 naming the first bad entry otherwise. */
async function main(): Promise<number> {
  const file = databaseLabel(databaseEnv().DATABASE_URL);
  const db = openAppDatabase(databaseEnv().DATABASE_URL);
  let verdict;
  try {
    verdict = await verifyAuditChain(db);
  } finally {
    await db.close();
  }
  if (verdict.ok) {
    console.log(`Audit trail intact: ${verdict.entries} entries verified in ${file}.`);
    return 0;
  }
  console.error(`Audit trail BROKEN after ${verdict.entries} good entries. ${verdict.message}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof EnvError ? error.message : error);
    process.exit(2);
  },
);
