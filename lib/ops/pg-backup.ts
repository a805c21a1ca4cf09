import "server-only";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { DbOrTx } from "@/db/client";
import { checkPostgres, pendingPostgresMigrations } from "@/db/pg/connect";
import * as schema from "@/db/pg/schema";
import { verifyAuditChain } from "@/lib/audit/verify";
import { fileStamp, keepBackup, type BackupOutcome, type BackupSettings } from "./backup";

/**
 * Backups of a PostgreSQL database and restoring one (docs/backups.md#postgresql), with the server's own tools:
 * `pg_dump` and `pg_restore` (Debian's `postgresql-client`, of the server's major version or newer) on the PATH.
 *
 * A backup is a `pg_dump` archive (custom format) taken in one snapshot that this process exported and checks in
 * the same moment: the audit chain verifies and the counts are those of the dump, while the app keeps writing. It
 * counts only once `pg_restore` can read it and it holds this app's tables. A restore goes through a new database:
 * the archive is restored there and checked (the audit chain again), and only then, with nobody connected to the
 * live database, are the two swapped by renaming: the live one is kept as `<name>_before_restore_<time>`.
 */

const stampPattern = String.raw`\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z`;

/** The database's name in a postgres:// URL. */
export function postgresDatabaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
}

/** The backups of `database` in `backupDir` (`<database>-<UTC time>.dump`), newest first. No other file is touched. */
export function listPostgresBackups(backupDir: string, database: string): string[] {
  if (!existsSync(backupDir)) return [];
  const pattern = new RegExp(`^${database.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-${stampPattern}\\.dump$`);
  return readdirSync(backupDir)
    .filter((name) => pattern.test(name))
    .sort()
    .reverse()
    .map((name) => join(backupDir, name));
}

/**
 * How the tools reach the server: the URL without its password (a command line is visible to every user of the
 * machine), which goes in PGPASSWORD instead.
 */
function toolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const target = new URL(url);
  const password = decodeURIComponent(target.password);
  target.password = "";
  return { dbname: target.toString(), env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: "10" } };
}

type ToolRun = { code: number; stdout: string; stderr: string };

function runTool(tool: "pg_dump" | "pg_restore", args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ToolRun> {
  return new Promise((resolve) => {
    const child = spawn(tool, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ code: 127, stdout, stderr: error.code === "ENOENT" ? `${tool} was not found: install PostgreSQL's client tools (Debian: apt-get install postgresql-client)` : error.message }),
    );
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The first lines a tool wrote to stderr, for a message. */
const firstLines = (text: string) => text.trim().split("\n").slice(0, 3).join(" / ");

/** Whether `pg_restore` reads `file` as an archive holding this app's tables (their data included). */
async function readArchive(file: string, name: string): Promise<{ ok: true } | { ok: false; problem: "not_dump" | "not_this_app"; message: string }> {
  const list = await runTool("pg_restore", ["--list", file]);
  if (list.code !== 0) return { ok: false, problem: "not_dump", message: `${name} is not a PostgreSQL backup that pg_restore can read: ${firstLines(list.stderr)}` };
  for (const table of ["transfers", "audit_entries"]) {
    if (!new RegExp(`TABLE DATA public ${table}( |$)`, "m").test(list.stdout)) {
      return { ok: false, problem: "not_this_app", message: `${name} is a PostgreSQL backup but not this app's: it has no ${table} table.` };
    }
  }
  return { ok: true };
}

type Counts = { transfers: number; auditEntries: number };

/** The audit chain and the counts, read through `client` (in whatever transaction it is in). */
async function checkContent(client: pg.Client): Promise<{ ok: true; counts: Counts } | { ok: false; message: string }> {
  const chain = await verifyAuditChain(drizzle({ client, schema }) as unknown as DbOrTx);
  if (!chain.ok) return { ok: false, message: `the audit chain is broken after ${chain.entries} good entries. ${chain.message}` };
  const transfers = Number((await client.query<{ n: string }>("select count(*) as n from transfers")).rows[0]!.n);
  return { ok: true, counts: { transfers, auditEntries: chain.entries } };
}

async function connected<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * `npm run backup` on PostgreSQL: `pg_dump` in a snapshot this process exported, the audit chain and counts read in
 * that same snapshot, the archive read back by `pg_restore`; only then is it named `<database>-<UTC time>.dump`
 * (0600) and are the backups beyond the newest `keep` deleted. One that fails a check is deleted; older ones stay.
 */
export async function takePostgresBackup(url: string, settings: BackupSettings, now = new Date()): Promise<BackupOutcome> {
  const { backupDir, keep } = settings;
  const database = postgresDatabaseName(url);
  const reachable = await checkPostgres(url);
  if (!reachable.ok) return { ok: false, problem: "no_database", message: reachable.problem, kept: listPostgresBackups(backupDir, database) };
  const warnings: string[] = [];
  mkdirSync(backupDir, { recursive: true, mode: 0o700 });
  if (statSync(backupDir).mode & 0o077) {
    warnings.push(`${backupDir} can be read by other users of this machine; backups hold password hashes and phone numbers: chmod 700 it.`);
  }

  const file = join(backupDir, `${database}-${fileStamp(now)}.dump`);
  // Written under another name until it passed the checks: a file with a backup's name is always a good one.
  const partial = `${file}.partial`;
  closeSync(openSync(partial, "wx", 0o600));
  const fail = (problem: "audit_chain" | "not_dump" | "not_this_app" | "dump_failed", message: string): BackupOutcome => {
    rmSync(partial, { force: true });
    return { ok: false, problem, message: `${message}\nThe copy was deleted; older backups are kept.`, kept: listPostgresBackups(backupDir, database) };
  };
  try {
    const tool = toolConnection(url);
    const checked = await connected(url, async (client) => {
      await client.query("begin isolation level repeatable read read only");
      const { snapshot } = (await client.query<{ snapshot: string }>("select pg_export_snapshot() as snapshot")).rows[0]!;
      // The dump reads the snapshot this transaction holds, while the checks below read it too.
      const dump = runTool("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--snapshot=${snapshot}`, `--file=${partial}`, `--dbname=${tool.dbname}`], tool.env);
      const content = await checkContent(client).catch((error: unknown) => ({ ok: false as const, message: `the check failed: ${(error as Error).message}` }));
      const dumped = await dump;
      await client.query("commit");
      return { content, dumped };
    });
    if (checked.dumped.code !== 0) return fail("dump_failed", `pg_dump of ${database} failed: ${firstLines(checked.dumped.stderr)}`);
    if (!checked.content.ok) return fail("audit_chain", `The copy of ${database}: ${checked.content.message}`);
    const archive = await readArchive(partial, `The copy of ${database}`);
    if (!archive.ok) return fail(archive.problem, archive.message);

    return { ok: true, report: { ...keepBackup(partial, file, keep, () => listPostgresBackups(backupDir, database)), ...checked.content.counts, warnings } };
  } finally {
    rmSync(partial, { force: true });
  }
}

export type PostgresRestoreReport = {
  database: string;
  /** The database it replaced, kept under this name; null when there was none. */
  keptAs: string | null;
  transfers: number;
  auditEntries: number;
  pendingMigrations: number;
};

export type PostgresRestoreOutcome =
  | { ok: true; report: PostgresRestoreReport }
  | { ok: false; problem: "no_file" | "not_dump" | "not_this_app" | "damaged" | "audit_chain" | "in_use" | "not_allowed" | "no_server"; message: string };

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A database name from the time, within PostgreSQL's 63 characters: `<database>_before_restore_20260131t183000z`. */
function keptName(database: string, now: Date): string {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, "z").replace(/[-:]/g, "").toLowerCase();
  return `${database.slice(0, 63 - 16 - stamp.length)}_before_restore_${stamp}`;
}

/**
 * `npm run restore -- FILE` on PostgreSQL, with the app and workers stopped. FILE is restored into a new database
 * on the same server and checked there (the audit chain, the counts); a file that fails leaves everything as it
 * was. Then, refused while anyone is connected to the live database, the live one is renamed
 * `<database>_before_restore_<time>` and the new one takes its name. Needs a role that may create databases and
 * owns the live one (docs/backups.md#postgresql).
 */
export async function restorePostgresBackup(file: string, url: string, now = new Date()): Promise<PostgresRestoreOutcome> {
  if (!existsSync(file) || !statSync(file).isFile()) return { ok: false, problem: "no_file", message: `There is no file at ${file}.` };
  const archive = await readArchive(file, file);
  if (!archive.ok) return { ok: false, problem: archive.problem, message: `${archive.message} Nothing was changed.` };

  const database = postgresDatabaseName(url);
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const reachable = await checkPostgres(maintenance.toString());
  if (!reachable.ok) return { ok: false, problem: "no_server", message: reachable.problem };

  return connected(maintenance.toString(), async (server) => {
    const incoming = `${database.slice(0, 40)}_restoring_${randomBytes(4).toString("hex")}`;
    try {
      await server.query(`create database ${quoted(incoming)}`);
    } catch (error) {
      if ((error as { code?: string }).code === "42501") {
        return { ok: false, problem: "not_allowed", message: `The role in DATABASE_URL may not create databases, which a restore needs (it restores into a new one first): grant it CREATEDB, or restore by hand with pg_restore (docs/backups.md#postgresql). Nothing was changed.` };
      }
      throw error;
    }
    let swapped = false;
    try {
      const target = new URL(url);
      target.pathname = `/${incoming}`;
      const tool = toolConnection(target.toString());
      const restored = await runTool("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", `--dbname=${tool.dbname}`, file], tool.env);
      if (restored.code !== 0) return { ok: false, problem: "damaged", message: `${file} could not be restored: ${firstLines(restored.stderr)} Nothing was changed.` };
      const content = await connected(target.toString(), (client) => checkContent(client));
      if (!content.ok) return { ok: false, problem: "audit_chain", message: `${file}: ${content.message} Nothing was changed.` };
      const pending = await connected(target.toString(), (client) => pendingPostgresMigrations(drizzle({ client, schema }) as never));

      const exists = (await server.query("select 1 from pg_database where datname = $1", [database])).rowCount === 1;
      const keptAs = exists ? keptName(database, now) : null;
      if (keptAs) {
        const others = Number((await server.query<{ n: string }>("select count(*) as n from pg_stat_activity where datname = $1", [database])).rows[0]!.n);
        if (others > 0) return { ok: false, problem: "in_use", message: `${others} session(s) are connected to ${database}, such as the app or a worker: stop them first. Nothing was changed.` };
        try {
          await server.query(`alter database ${quoted(database)} rename to ${quoted(keptAs)}`);
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === "55006") return { ok: false, problem: "in_use", message: `${database} is in use by another session: stop the app and the workers first. Nothing was changed.` };
          if (code === "42501") return { ok: false, problem: "not_allowed", message: `The role in DATABASE_URL does not own ${database}, so it cannot put the backup in its place. Nothing was changed.` };
          throw error;
        }
      }
      try {
        await server.query(`alter database ${quoted(incoming)} rename to ${quoted(database)}`);
      } catch (error) {
        if (keptAs) await server.query(`alter database ${quoted(keptAs)} rename to ${quoted(database)}`);
        throw error;
      }
      swapped = true;
      return { ok: true, report: { database, keptAs, ...content.counts, pendingMigrations: pending } };
    } finally {
      if (!swapped) await server.query(`drop database if exists ${quoted(incoming)} with (force)`).catch(() => {});
    }
  });
}
