import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFreshDatabase, noPostgres, postgresUrlWith } from "../db/pg-support";
import { runScript } from "../support/run-script";

/*
 * docs/backups.md#postgresql: npm run backup and npm run restore on PostgreSQL, as a person runs them (the scripts in
 * their own process, DATABASE_URL naming a database of the test server), with the server's pg_dump and pg_restore.
 */

let dir: string;
let backupDir: string;
let database: { url: string; name: string; drop: () => Promise<void> };
const extra: string[] = [];

async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const count = (url: string, table: string) => onDatabase(url, async (c) => Number((await c.query(`select count(*) as n from ${table}`)).rows[0].n));

async function databasesLike(pattern: string): Promise<string[]> {
  return onDatabase(postgresUrlWith({ database: "postgres" }), async (c) => (await c.query("select datname from pg_database where datname like $1 order by datname", [pattern])).rows.map((r) => r.datname as string));
}

const env = () => ({ DATABASE_URL: database.url, BACKUP_DIR: backupDir, NODE_ENV: "test" });
const backups = () => (existsSync(backupDir) ? readdirSync(backupDir).sort() : []);

describe.skipIf(noPostgres)("npm run backup and npm run restore on PostgreSQL (docs/backups.md#postgresql)", () => {
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "cashin-pg-backup-"));
    backupDir = join(dir, "backups");
    const fresh = await createFreshDatabase();
    database = { ...fresh, name: new URL(fresh.url).pathname.slice(1) };
    // Migrated, with the demo users: each made through the app, so each has its audit entry.
    const seed = await runScript("db-seed.ts", [], env());
    expect(seed.code, seed.stderr).toBe(0);
  }, 60_000);

  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
    for (const name of extra.splice(0)) await onDatabase(postgresUrlWith({ database: "postgres" }), (c) => c.query(`drop database if exists "${name}" with (force)`));
  });

  it("a backup is a pg_dump archive (0600, its folder 0700) whose audit chain and counts were checked; restored, it takes the database's place and the one it replaced is kept", async () => {
    const users = await count(database.url, "users");
    const entries = await count(database.url, "audit_entries");
    expect(entries).toBeGreaterThan(0);

    const backup = await runScript("backup.ts", [], env());
    expect(backup.code, backup.stderr).toBe(0);
    const [file] = backups();
    expect(file).toMatch(new RegExp(`^${database.name}-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}Z\\.dump$`));
    expect(statSync(join(backupDir, file!)).mode & 0o777).toBe(0o600);
    expect(statSync(backupDir).mode & 0o777).toBe(0o700);
    expect(backup.stdout).toContain(`Backup written and verified: ${join(backupDir, file!)}`);
    expect(backup.stdout).toContain(`transfers: 0, audit entries: ${entries}`);
    expect(backup.stdout).toContain(`audit chain: intact (${entries} entries)`);

    // Written after the backup: gone once it is restored, and still in the database kept aside.
    await onDatabase(database.url, (c) => c.query("update users set name = 'Changed after the backup' where id = 1"));
    const restore = await runScript("restore.ts", [join(backupDir, file!)], env());
    expect(restore.code, restore.stderr).toBe(0);
    const keptAs = /the database it replaced is kept as (\S+)/.exec(restore.stdout)?.[1];
    expect(keptAs).toMatch(new RegExp(`^${database.name}_before_restore_\\d{8}t\\d{6}z$`));
    extra.push(keptAs!);
    expect(restore.stdout).toContain(`audit chain: intact (${entries} entries)`);
    expect(restore.stdout).toContain("Next: start the app.");

    expect(await count(database.url, "users")).toBe(users);
    expect(await onDatabase(database.url, async (c) => (await c.query("select name from users where id = 1")).rows[0].name)).not.toBe("Changed after the backup");
    expect(await onDatabase(postgresUrlWith({ database: keptAs! }), async (c) => (await c.query("select name from users where id = 1")).rows[0].name)).toBe("Changed after the backup");
    // The restored database verifies as the app's audit:verify sees it.
    const verify = await runScript("audit-verify.ts", [], env());
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(await databasesLike(`${database.name}_restoring_%`)).toEqual([]);
  }, 90_000);

  it("an audit entry edited in the database: the copy is refused and deleted, exit 1 naming the entry, older backups kept", async () => {
    expect((await runScript("backup.ts", [], env())).code).toBe(0);
    const older = backups();
    await onDatabase(database.url, (c) => c.query("update audit_entries set ip = '10.0.0.1' where id = 2"));
    const backup = await runScript("backup.ts", [], env());
    expect(backup.code).toBe(1);
    expect(backup.stderr).toMatch(/Backup FAILED: The copy of .*: the audit chain is broken after 1 good entries\. Entry 2/);
    expect(backup.stderr).toContain("older backup(s) kept");
    expect(backups()).toEqual(older);
  }, 60_000);

  it("keeps the newest N backups of this database and touches no other file", async () => {
    mkdirp(backupDir);
    writeFileSync(join(backupDir, "notes.txt"), "mine");
    for (let i = 0; i < 3; i++) expect((await runScript("backup.ts", ["--keep", "2"], env())).code).toBe(0);
    const left = backups();
    expect(left.filter((name) => name.endsWith(".dump"))).toHaveLength(2);
    expect(left).toContain("notes.txt");
  }, 90_000);

  it("restore refuses while a session (the app, a worker) is connected: exit 3 and nothing changed; it restores once that one is gone", async () => {
    expect((await runScript("backup.ts", [], env())).code).toBe(0);
    const [file] = backups();
    const app = new pg.Client({ connectionString: database.url });
    await app.connect();
    let restore;
    try {
      restore = await runScript("restore.ts", [join(backupDir, file!)], env());
    } finally {
      await app.end();
    }
    expect(restore.code).toBe(3);
    expect(restore.stderr).toMatch(/Restore REFUSED: 1 session\(s\) are connected to .*: stop them first\. Nothing was changed\./);
    expect(await databasesLike(`${database.name}_%`)).toEqual([]);

    const again = await runScript("restore.ts", [join(backupDir, file!)], env());
    expect(again.code, again.stderr).toBe(0);
    extra.push(/kept as (\S+)/.exec(again.stdout)![1]!);
  }, 90_000);

  it("restore refuses a file that is not a backup, another database's dump and a dump whose audit chain was edited: exit 1, nothing changed", async () => {
    const before = await count(database.url, "audit_entries");
    writeFileSync(join(dir, "not-a-dump.dump"), "hello");
    const notDump = await runScript("restore.ts", [join(dir, "not-a-dump.dump")], env());
    expect(notDump.code).toBe(1);
    expect(notDump.stderr).toMatch(/is not a PostgreSQL backup that pg_restore can read/);

    // A dump made by hand, of a database without the app's tables.
    const other = await createFreshDatabase();
    try {
      const dumped = dumpByHand(other.url, join(dir, "other.dump"));
      expect(dumped.status, dumped.stderr).toBe(0);
    } finally {
      await other.drop();
    }
    const otherRun = await runScript("restore.ts", [join(dir, "other.dump")], env());
    expect(otherRun.code).toBe(1);
    expect(otherRun.stderr).toMatch(/is a PostgreSQL backup but not this app's: it has no transfers table/);

    // A dump made by hand of this database after an audit entry was edited: restored into a new database, checked, refused.
    const ip = await onDatabase(database.url, async (c) => (await c.query("select ip from audit_entries where id = 2")).rows[0].ip as string | null);
    await onDatabase(database.url, (c) => c.query("update audit_entries set ip = '10.0.0.1' where id = 2"));
    expect(dumpByHand(database.url, join(dir, "edited.dump")).status).toBe(0);
    await onDatabase(database.url, (c) => c.query("update audit_entries set ip = $1 where id = 2", [ip]));
    const edited = await runScript("restore.ts", [join(dir, "edited.dump")], env());
    expect(edited.code).toBe(1);
    expect(edited.stderr).toMatch(/the audit chain is broken after 1 good entries\. Entry 2.* Nothing was changed\./);

    expect(await count(database.url, "audit_entries")).toBe(before);
    expect(await databasesLike(`${database.name}_%`)).toEqual([]);
  }, 90_000);
});

function mkdirp(path: string): void {
  spawnSync("mkdir", ["-p", "-m", "700", path]);
}

function dumpByHand(url: string, file: string) {
  const target = new URL(url);
  const password = decodeURIComponent(target.password);
  target.password = "";
  return spawnSync("pg_dump", ["--format=custom", "--no-owner", `--file=${file}`, `--dbname=${target}`], { env: { ...process.env, PGPASSWORD: password }, encoding: "utf8" });
}
