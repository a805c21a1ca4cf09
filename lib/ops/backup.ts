import "server-only";
import { chmodSync, chownSync, closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { z } from "zod";
import { openDatabase, pendingMigrations } from "@/db/client";
import * as schema from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit/verify";
import { parseEnv, type EnvResult } from "@/lib/env";

/**
 * Backups of the SQLite database and restoring one (docs/backups.md). A backup is taken with SQLite's online
 * backup API, so it is safe while the app runs and writes; it counts only once it passed the same checks a
 * restore demands: `PRAGMA integrity_check` and the audit chain.
 */

export const defaultBackupDir = "data/backups";
export const defaultBackupKeep = 14;

const keepCount = (name: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === "") return defaultBackupKeep;
      if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > 10_000) {
        ctx.addIssue({ code: "custom", message: `${name} must be a whole number from 1 to 10000 (how many backups to keep), got "${raw}"` });
        return z.NEVER;
      }
      return Number(raw);
    });

const backupEnvSchema = z.object({
  BACKUP_DIR: z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === "" ? defaultBackupDir : raw.trim())),
  BACKUP_KEEP: keepCount("BACKUP_KEEP"),
});

export type BackupSettings = { backupDir: string; keep: number };

/** `BACKUP_DIR` and `BACKUP_KEEP` from the environment; a `--keep` option, when given, wins over `BACKUP_KEEP`. */
export function backupSettings(source: Record<string, string | undefined>, keepOption?: string): EnvResult<BackupSettings> {
  const fromEnv = parseEnv(source, backupEnvSchema);
  const fromOption = keepOption === undefined ? undefined : parseEnv({ keep: keepOption }, z.object({ keep: keepCount("--keep") }));
  const problems = [...(fromEnv.ok ? [] : fromEnv.problems), ...(fromOption && !fromOption.ok ? fromOption.problems : [])];
  if (!fromEnv.ok || (fromOption && !fromOption.ok)) return { ok: false, problems };
  return { ok: true, env: { backupDir: fromEnv.env.BACKUP_DIR, keep: fromOption?.ok ? fromOption.env.keep : fromEnv.env.BACKUP_KEEP } };
}

/** `2025-01-31T02-15-07.123Z`: UTC, fixed width, so file names sort by time; no colons, which some file systems refuse. */
export function fileStamp(at: Date): string {
  return at.toISOString().replaceAll(":", "-");
}

const stampPattern = String.raw`\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z`;

/** `app.db` → `app`: backups are named after the database file, so two databases can share a folder. */
function backupPrefix(databaseFile: string): string {
  return basename(databaseFile, extname(databaseFile));
}

/** The backups of `databaseFile` in `backupDir`, newest first. Any other file in the folder is never touched. */
export function listBackups(backupDir: string, databaseFile: string): string[] {
  if (!existsSync(backupDir)) return [];
  const prefix = backupPrefix(databaseFile).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^${prefix}-${stampPattern}\\.db$`);
  return readdirSync(backupDir)
    .filter((name) => pattern.test(name))
    .sort()
    .reverse()
    .map((name) => join(backupDir, name));
}

export type CopyProblem = "not_sqlite" | "damaged" | "not_this_app" | "audit_chain";

export type CopyCheck =
  | { ok: true; transfers: number; auditEntries: number }
  | { ok: false; problem: CopyProblem; message: string };

const sqliteHeader = Buffer.from("SQLite format 3\0", "latin1");

function hasSqliteHeader(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(sqliteHeader.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(sqliteHeader);
  } finally {
    closeSync(fd);
  }
}

const sqliteCode = (error: unknown): string => (error instanceof Database.SqliteError ? error.code : "");
/** SQLITE_NOTADB, SQLITE_CORRUPT and its extended codes. */
const isDamage = (error: unknown) => /^SQLITE_(NOTADB|CORRUPT)/.test(sqliteCode(error));

/**
 * What a backup must pass before it counts, and a file before it is restored: a SQLite file, `PRAGMA
 * integrity_check` answering "ok", this app's tables, and an audit chain that verifies from the first entry to
 * the last (docs/lifecycle.md#6-the-audit-trail-is-hash-chained). Opens the file read-write: call it on a copy;
 * `name` is what the messages call it.
 */
export async function checkDatabaseCopy(file: string, name = file): Promise<CopyCheck> {
  if (!hasSqliteHeader(file)) return { ok: false, problem: "not_sqlite", message: `${name} is not a SQLite database: it does not start with the SQLite file header.` };
  const sqlite = new Database(file, { fileMustExist: true });
  try {
    const integrity = (sqlite.pragma("integrity_check(10)") as { integrity_check: string }[]).map((row) => row.integrity_check);
    if (integrity.join() !== "ok") return { ok: false, problem: "damaged", message: `${name} fails PRAGMA integrity_check: ${integrity.join("; ")}` };
    const tables = sqlite.prepare("select name from sqlite_master where type = 'table' and name in ('transfers', 'audit_entries')").all();
    if (tables.length !== 2) return { ok: false, problem: "not_this_app", message: `${name} is a SQLite database but not this app's: it has no transfers or audit_entries table.` };
    const chain = await verifyAuditChain(drizzle(sqlite, { schema }));
    if (!chain.ok) return { ok: false, problem: "audit_chain", message: `${name}: the audit chain is broken after ${chain.entries} good entries. ${chain.message}` };
    const transfers = (sqlite.prepare("select count(*) as n from transfers").get() as { n: number }).n;
    return { ok: true, transfers, auditEntries: chain.entries };
  } catch (error) {
    if (isDamage(error)) return { ok: false, problem: "damaged", message: `${name} is damaged: ${(error as Error).message}` };
    throw error;
  } finally {
    sqlite.close();
  }
}

/** `sqlite3_backup_step` takes a page count; better-sqlite3 caps it at this. */
const allPages = 0x7fffffff;

/**
 * Copies an open database into a new file (0600) with SQLite's online backup API. All pages go in one step, that
 * is one read transaction: the copy is one consistent snapshot while other connections keep writing (WAL mode),
 * and a write between steps cannot restart the copy again and again. The copy is switched to the rollback
 * journal so that it is one self-contained file, with no -wal beside it to forget when it is moved.
 */
async function copyDatabase(source: Database.Database, destination: string): Promise<void> {
  closeSync(openSync(destination, "wx", 0o600));
  await source.backup(destination, { progress: () => allPages });
  const copy = new Database(destination, { fileMustExist: true });
  copy.pragma("journal_mode = DELETE");
  copy.close();
}

/** A database file and what SQLite may keep beside it. */
function removeDatabaseFiles(file: string): void {
  for (const path of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) rmSync(path, { force: true });
}

export type BackupReport = {
  file: string;
  bytes: number;
  transfers: number;
  auditEntries: number;
  /** Older backups deleted because more than `keep` were there. */
  removed: string[];
  /** Every backup kept, newest (this one) first. */
  kept: string[];
  warnings: string[];
};

export type BackupOutcome =
  | { ok: true; report: BackupReport }
  | { ok: false; problem: CopyProblem | "no_database" | "not_dump" | "dump_failed"; message: string; kept: string[] };

/**
 * `npm run backup`: copies the live database into `backupDir`, checks the copy and only then gives it its
 * final name and deletes the backups beyond the newest `keep`. A copy that fails a check is deleted and no
 * older backup is touched: they are the good ones.
 */
export async function takeBackup(databaseFile: string, settings: BackupSettings, now = new Date()): Promise<BackupOutcome> {
  const { backupDir, keep } = settings;
  if (!existsSync(databaseFile)) {
    return { ok: false, problem: "no_database", message: `There is no database at ${databaseFile}: check DATABASE_URL.`, kept: listBackups(backupDir, databaseFile) };
  }
  const warnings: string[] = [];
  mkdirSync(backupDir, { recursive: true, mode: 0o700 });
  if (statSync(backupDir).mode & 0o077) {
    warnings.push(`${backupDir} can be read by other users of this machine; backups hold password hashes and phone numbers: chmod 700 it.`);
  }

  const file = join(backupDir, `${backupPrefix(databaseFile)}-${fileStamp(now)}.db`);
  // Written under another name until it passed the checks: a file with a backup's name is always a good one.
  const partial = `${file}.partial`;
  const source = new Database(databaseFile, { fileMustExist: true });
  try {
    source.pragma("busy_timeout = 5000");
    await copyDatabase(source, partial);
  } catch (error) {
    removeDatabaseFiles(partial);
    throw error;
  } finally {
    source.close();
  }

  const check = await checkDatabaseCopy(partial, `The copy of ${databaseFile}`);
  if (!check.ok) {
    removeDatabaseFiles(partial);
    return { ok: false, problem: check.problem, message: `${check.message}\nThe copy was deleted; older backups are kept.`, kept: listBackups(backupDir, databaseFile) };
  }
  return { ok: true, report: { ...keepBackup(partial, file, keep, () => listBackups(backupDir, databaseFile)), transfers: check.transfers, auditEntries: check.auditEntries, warnings } };
}

/**
 * A checked copy becomes a backup: flushed to disk, renamed to its final name in one step, and the backups beyond the
 * newest `keep` (as `list` finds them, newest first) deleted.
 */
export function keepBackup(partial: string, file: string, keep: number, list: () => string[]): Pick<BackupReport, "file" | "bytes" | "removed" | "kept"> {
  const fd = openSync(partial, "r");
  fsyncSync(fd);
  closeSync(fd);
  renameSync(partial, file);
  const older = list().filter((path) => path !== file);
  const removed = older.slice(keep - 1);
  for (const path of removed) rmSync(path, { force: true });
  return { file, bytes: statSync(file).size, removed, kept: [file, ...older.slice(0, keep - 1)] };
}

type Hold = { held: true; sqlite: Database.Database } | { held: false; reason: "in_use" | "unreadable"; message: string };

/**
 * Takes the live database for ourselves, or says why not. In WAL mode every open connection keeps a shared
 * lock on the database file for as long as it is open, even when idle; `locking_mode = EXCLUSIVE` then the
 * first transaction asks for an exclusive lock and, with `busy_timeout = 0`, fails at once if any other
 * process has the file open. (`BEGIN EXCLUSIVE` alone is not enough: in WAL mode it only waits for writers,
 * so an idle app would pass.) This needs nothing from the app, and the lock is held until `close()`.
 */
function holdDatabase(file: string): Hold {
  const sqlite = new Database(file, { fileMustExist: true });
  try {
    sqlite.pragma("busy_timeout = 0");
    sqlite.pragma("locking_mode = EXCLUSIVE");
    sqlite.exec("BEGIN EXCLUSIVE");
    sqlite.exec("COMMIT");
    return { held: true, sqlite };
  } catch (error) {
    sqlite.close();
    if (/^SQLITE_(BUSY|LOCKED)/.test(sqliteCode(error))) {
      return { held: false, reason: "in_use", message: `${file} is open in another process (the app, or a command such as npm run reconcile): stop it first, then restore.` };
    }
    if (isDamage(error)) return { held: false, reason: "unreadable", message: `${file} is damaged (${(error as Error).message}).` };
    throw error;
  }
}

/**
 * Gives the files a restore writes the owner of the database they replace (or of its folder). Run as root, as
 * compose's tools container runs, they would otherwise belong to root and the app's own user could not open them.
 */
function ownLike(reference: string, paths: string[]): void {
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = statSync(reference);
  for (const path of paths.filter((p) => existsSync(p))) chownSync(path, uid, gid);
}

/** A damaged database kept as it is, with the -wal that may hold its last transactions. */
function keepAsFound(databaseFile: string, sideCopy: string): void {
  removeDatabaseFiles(sideCopy);
  for (const suffix of ["", "-wal"].filter((s) => existsSync(`${databaseFile}${s}`))) {
    copyFileSync(`${databaseFile}${suffix}`, `${sideCopy}${suffix}`);
    chmodSync(`${sideCopy}${suffix}`, 0o600);
  }
}

export type RestoreReport = {
  databaseFile: string;
  /** Where the replaced database was kept; null when there was none. */
  sideCopy: string | null;
  transfers: number;
  auditEntries: number;
  /** Migrations the restored database lacks: `npm run db:migrate` before starting the app. */
  pendingMigrations: number;
  warnings: string[];
};

export type RestoreOutcome =
  | { ok: true; report: RestoreReport }
  | { ok: false; problem: CopyProblem | "no_file" | "same_file" | "in_use"; message: string };

/**
 * `npm run restore -- FILE`: puts a backup in place of the live database, with the app stopped. The backup
 * is copied next to the database and checked like a new backup; the live database is held exclusively (so a
 * running app is refused), kept as `<database>.before-restore-<time>`, and closed, which folds its -wal into
 * it; only then are the old -wal and -shm removed (SQLite would replay a stale -wal onto the restored file)
 * and the checked copy renamed over the database in one step. A live database too damaged to copy through
 * SQLite is kept byte for byte instead, with its -wal. Any refusal leaves everything as it was.
 */
export async function restoreBackup(backupFile: string, databaseFile: string, now = new Date()): Promise<RestoreOutcome> {
  if (!existsSync(backupFile) || !statSync(backupFile).isFile()) return { ok: false, problem: "no_file", message: `There is no file at ${backupFile}.` };
  if (resolve(backupFile) === resolve(databaseFile)) return { ok: false, problem: "same_file", message: `${backupFile} is the live database itself: name a backup.` };
  if (!hasSqliteHeader(backupFile)) return { ok: false, problem: "not_sqlite", message: `${backupFile} is not a SQLite database: it does not start with the SQLite file header. Nothing was changed.` };

  const warnings: string[] = [];
  const stamp = fileStamp(now);
  // Checked as a copy beside the database: FILE is never opened for writing, and the final rename stays on one file system.
  const incoming = `${databaseFile}.restoring-${stamp}`;
  let live: Hold | null = null;
  try {
    mkdirSync(dirname(resolve(databaseFile)), { recursive: true, mode: 0o700 });
    copyFileSync(backupFile, incoming);
    chmodSync(incoming, 0o600);
    const check = await checkDatabaseCopy(incoming, backupFile);
    if (!check.ok) return { ok: false, problem: check.problem, message: `${check.message} Nothing was changed.` };

    live = existsSync(databaseFile) ? holdDatabase(databaseFile) : null;
    if (live && !live.held && live.reason === "in_use") return { ok: false, problem: "in_use", message: `${live.message} Nothing was changed.` };
    if (live && !live.held) warnings.push(`${live.message} It could not be checked for other processes.`);

    let sideCopy: string | null = null;
    if (live) {
      sideCopy = `${databaseFile}.before-restore-${stamp}`;
      let copied = false;
      if (live.held) {
        try {
          await copyDatabase(live.sqlite, sideCopy);
          copied = true;
        } catch (error) {
          if (!isDamage(error)) throw error;
          warnings.push(`${databaseFile} is damaged (${(error as Error).message}).`);
        }
      }
      if (!copied) keepAsFound(databaseFile, sideCopy);
    }
    ownLike(live ? databaseFile : dirname(resolve(databaseFile)), [incoming, ...(sideCopy ? [sideCopy, `${sideCopy}-wal`] : [])]);
    if (live?.held) live.sqlite.close();
    for (const suffix of ["-journal", "-wal", "-shm"]) rmSync(`${databaseFile}${suffix}`, { force: true });
    const fd = openSync(incoming, "r");
    fsyncSync(fd);
    closeSync(fd);
    renameSync(incoming, databaseFile);

    const restored = openDatabase(databaseFile);
    const pending = pendingMigrations(restored);
    await restored.close();
    return { ok: true, report: { databaseFile, sideCopy, transfers: check.transfers, auditEntries: check.auditEntries, pendingMigrations: pending, warnings } };
  } finally {
    if (live?.held && live.sqlite.open) live.sqlite.close();
    removeDatabaseFiles(incoming);
  }
}
