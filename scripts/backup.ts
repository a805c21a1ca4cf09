import { parseArgs } from "node:util";
import { databaseEnv, EnvError, isPostgresUrl, sqlitePath } from "@/lib/env";
import { backupSettings, takeBackup } from "@/lib/ops/backup";
import { takePostgresBackup } from "@/lib/ops/pg-backup";

const usage = `Usage: npm run backup [-- --keep N]

Copies the database (DATABASE_URL) with SQLite's online backup API, safe while the app runs and writes,
into BACKUP_DIR (default data/backups/), checks the copy (PRAGMA integrity_check and the audit chain) and
then keeps the newest N backups: --keep N, or BACKUP_KEEP, default 14. On PostgreSQL: pg_dump in one snapshot,
whose audit chain is checked, read back by pg_restore (<database>-<time>.dump). See docs/backups.md.

Exit codes: 0 a backup was written and verified; 1 the copy failed a check (it was deleted, older backups
are kept); 2 wrong usage, a bad variable or no database.`;

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<number> {
  let keepOption: string | undefined;
  try {
    const { values } = parseArgs({ args: process.argv.slice(2), options: { keep: { type: "string" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    keepOption = values.keep;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const settings = backupSettings(process.env, keepOption);
  if (!settings.ok) {
    console.error(new EnvError(settings.problems).message);
    return 2;
  }
  const { DATABASE_URL } = databaseEnv();
  const postgres = isPostgresUrl(DATABASE_URL);
  const outcome = postgres ? await takePostgresBackup(DATABASE_URL, settings.env) : await takeBackup(sqlitePath(DATABASE_URL), settings.env);
  if (!outcome.ok) {
    console.error(`Backup FAILED: ${outcome.message}`);
    if (outcome.kept.length > 0) console.error(`${outcome.kept.length} older backup(s) kept, newest: ${outcome.kept[0]}`);
    return outcome.problem === "no_database" ? 2 : 1;
  }
  const { report } = outcome;
  console.log(`Backup written and verified: ${report.file} (${megabytes(report.bytes)}, ${report.bytes} bytes)`);
  console.log(`  transfers: ${report.transfers}, audit entries: ${report.auditEntries}`);
  console.log(postgres ? "  archive: read back by pg_restore, this app's tables in it" : "  integrity check: ok");
  console.log(`  audit chain: intact (${report.auditEntries} entries)`);
  console.log(
    `  kept ${report.kept.length} backup(s) of at most ${settings.env.keep}` +
      (report.removed.length > 0 ? `; removed ${report.removed.length} older: ${report.removed.join(", ")}` : ""),
  );
  for (const warning of report.warnings) console.warn(`Warning: ${warning}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof EnvError ? error.message : error);
    process.exit(error instanceof EnvError ? 2 : 1);
  },
);
