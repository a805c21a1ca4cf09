import { parseArgs } from "node:util";
import { databaseEnv, EnvError, isPostgresUrl, sqlitePath } from "@/lib/env";
import { restoreBackup } from "@/lib/ops/backup";
import { restorePostgresBackup } from "@/lib/ops/pg-backup";

const usage = `Usage: npm run restore -- FILE

Puts the backup FILE in place of the database (DATABASE_URL), with the app stopped. FILE must be a SQLite
database that passes PRAGMA integrity_check and whose audit chain verifies; the database it replaces is kept
beside it as <database>.before-restore-<time>. On PostgreSQL, FILE is a pg_dump archive of npm run backup:
restored into a new database and checked there, which then takes the live one's name; the live one is kept as
<database>_before_restore_<time>. See docs/backups.md.

Exit codes: 0 restored; 1 FILE is not a usable backup (nothing changed); 2 wrong usage, a bad variable or
no such file (on PostgreSQL also: a role that may not create databases); 3 the database is open in another
process, such as the app: stop it first (nothing changed).`;

async function main(): Promise<number> {
  let file: string;
  try {
    const { values, positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { help: { type: "boolean", short: "h" } } });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length !== 1) throw new Error(positionals.length === 0 ? "Name the backup file to restore." : `One file at a time, got ${positionals.length}.`);
    file = positionals[0]!;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { DATABASE_URL } = databaseEnv();
  if (isPostgresUrl(DATABASE_URL)) return restoreOnPostgres(file, DATABASE_URL);
  const databaseFile = sqlitePath(DATABASE_URL);
  const outcome = await restoreBackup(file, databaseFile);
  if (!outcome.ok) {
    console.error(`Restore REFUSED: ${outcome.message}`);
    return outcome.problem === "in_use" ? 3 : outcome.problem === "no_file" || outcome.problem === "same_file" ? 2 : 1;
  }
  const { report } = outcome;
  for (const warning of report.warnings) console.warn(`Warning: ${warning}`);
  printRestored({ ...report, database: report.databaseFile, keptAs: report.sideCopy, integrityChecked: true }, file);
  return 0;
}

function printRestored(report: { database: string; keptAs: string | null; transfers: number; auditEntries: number; pendingMigrations: number; integrityChecked: boolean }, file: string): void {
  console.log(`Restored ${report.database} from ${file}`);
  console.log(`  transfers: ${report.transfers}, audit entries: ${report.auditEntries}`);
  if (report.integrityChecked) console.log("  integrity check: ok");
  console.log(`  audit chain: intact (${report.auditEntries} entries)`);
  console.log(report.keptAs ? `  the database it replaced is kept as ${report.keptAs}` : "  there was no database before");
  console.log(
    report.pendingMigrations > 0
      ? `Next: npm run db:migrate (the backup lacks ${report.pendingMigrations} migration(s)), then start the app.`
      : "Next: start the app.",
  );
}

async function restoreOnPostgres(file: string, url: string): Promise<number> {
  const outcome = await restorePostgresBackup(file, url);
  if (!outcome.ok) {
    console.error(`Restore REFUSED: ${outcome.message}`);
    return outcome.problem === "in_use" ? 3 : outcome.problem === "no_file" || outcome.problem === "not_allowed" || outcome.problem === "no_server" ? 2 : 1;
  }
  printRestored({ ...outcome.report, integrityChecked: false }, file);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof EnvError ? error.message : error);
    process.exit(error instanceof EnvError ? 2 : 1);
  },
);
