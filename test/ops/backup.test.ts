import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, pendingMigrations, writerOf, type Db } from "@/db/client";
import { inquiries, transfers } from "@/db/schema";
import type { Person } from "@/lib/actor";
import { recordAuditMany } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify";
import { backupSettings, checkDatabaseCopy, listBackups, restoreBackup, takeBackup } from "@/lib/ops/backup";
import { insertUser, withFixtureWrites } from "../db";
import { runScript, type ScriptRun } from "../support/run-script";

/**
 * SPEC §8.3 and docs/backups.md: `npm run backup` copies the live database consistently while the app writes and
 * verifies the copy; `npm run restore -- FILE` puts a verified backup in place, only with the app stopped. The
 * commands run as separate processes, configured through the environment, like an operator or cron runs them.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const fixtures: ChildProcess[] = [];

/**
 * A fixture of test/ops/fixtures/ in its own process: what it printed so far, and its exit. Node itself runs it
 * (tsx as a loader, not the tsx wrapper), so a signal reaches the fixture and SIGKILL is a real crash.
 */
function startFixture(name: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", join(ROOT, "test/ops/fixtures", name)], { cwd: ROOT, env: { ...process.env, ...env } });
  fixtures.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Transfers, each with its inquiry and its audit entry, as the app creates them. */
async function addTransfers(db: Db, maker: Person, count: number, prefix: string): Promise<void> {
  const at = new Date();
  await db.transaction(async (tx) => {
    const created: number[] = [];
    for (let i = 0; i < count; i++) {
      const phone = `6281234${String(i).padStart(6, "0")}`;
      const [inquiry] = await tx
        .insert(inquiries)
        .values({ userId: maker.id, wallet: "OVO", phone, amount: 25_000, reference: `INQ${prefix}${i}`, outcome: "found", ownerName: "Seed Owner", createdAt: at })
        .returning({ id: inquiries.id });
      const [transfer] = await tx
        .insert(transfers)
        .values({ reference: `TRF${prefix}${i}`, wallet: "OVO", phone, amount: 25_000, ownerName: "Seed Owner", status: "awaiting_approval", makerId: maker.id, inquiryId: inquiry!.id, createdAt: at, updatedAt: at })
        .returning({ id: transfers.id });
      created.push(transfer!.id);
    }
    await recordAuditMany(tx, created.map((id) => ({ actor: maker, action: "transfer.created", target: { type: "transfer", id }, after: { status: "awaiting_approval" }, at })));
  });
}

/** A migrated database file with a maker and `count` transfers; closed again, as after the app stopped. */
async function seedDatabase(file: string, count: number): Promise<Person> {
  const db = openDatabase(file);
  migrateDatabase(db);
  const user = await insertUser(withFixtureWrites(db), { email: "maker@x.test", role: "staff" });
  const maker = { id: user.id, email: user.email };
  await addTransfers(db, maker, count, "SEED");
  await db.close();
  return maker;
}

const transferCount = (db: Db) => (db.$client.prepare("select count(*) as n from transfers").get() as { n: number }).n;

/** What a database file holds, read the way the app opens it. */
async function contentsOf(file: string) {
  const db = openDatabase(file);
  try {
    const integrity = (db.$client.pragma("integrity_check") as { integrity_check: string }[]).map((row) => row.integrity_check).join("; ");
    return { transfers: transferCount(db), chain: await verifyAuditChain(db), integrity, pendingMigrations: pendingMigrations(db) };
  } finally {
    await db.close();
  }
}

/** The counts a command printed: "transfers: N, audit entries: M". */
function printedCounts(stdout: string) {
  const match = /transfers: (\d+), audit entries: (\d+)/.exec(stdout);
  expect(match, stdout).not.toBeNull();
  return { transfers: Number(match![1]), auditEntries: Number(match![2]) };
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** The files of a folder, with the database's own bytes: what "nothing was changed" compares. */
function stateOf(dir: string, databaseFile: string) {
  return { files: readdirSync(dir).sort(), database: existsSync(databaseFile) ? sha256(databaseFile) : null };
}

let dir: string;
let live: string;
let backupDir: string;
let env: Record<string, string>;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cashin-backup-"));
  live = join(dir, "data", "app.db");
  backupDir = join(dir, "backups");
  env = { DATABASE_URL: `file:${live}`, BACKUP_DIR: backupDir, BACKUP_KEEP: "" };
  umask = process.umask(0o022);
});
afterEach(() => {
  for (const child of fixtures.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

describe("SPEC §8.3 npm run backup: a consistent copy of the live database, verified before it counts", () => {
  it("taken while another process writes, it restores into a fresh file with the counts it reported, integrity ok and an intact audit chain", async () => {
    const maker = await seedDatabase(live, 3000);
    // A long read is open throughout, as while a CSV export streams: no checkpoint can then move the load's
    // writes into app.db, they are all only in app.db-wal. A copy of the file alone would hold the 3000 seeded.
    const longRead = openDatabase(live);
    longRead.$client.exec("BEGIN");
    transferCount(longRead);
    const writer = startFixture("backup-write-load.ts", { DATABASE_FILE: live, MAKER_ID: String(maker.id) });
    const reader = openDatabase(live);
    let backup: ScriptRun;
    let before: number;
    let after: number;
    try {
      await expect.poll(writer.output, { timeout: 20_000 }).toContain("writing");
      await sleep(300);
      before = transferCount(reader);
      backup = await runScript("backup.ts", [], env);
      after = transferCount(reader);
    } finally {
      await longRead.close();
      await reader.close();
      writer.child.kill("SIGTERM");
    }
    expect(await writer.exited, writer.output()).toBe(0);
    expect(backup.code, backup.stderr).toBe(0);
    const reported = printedCounts(backup.stdout);
    expect(backup.stdout).toContain("integrity check: ok");
    expect(backup.stdout).toContain(`audit chain: intact (${reported.auditEntries} entries)`);
    // A snapshot from the middle of the load: transfers were committed after `before`, and more after the snapshot.
    console.info(`[backup under load] ${before} transfers before the backup, ${reported.transfers} in it, ${after} after it`);
    expect(reported.transfers).toBeGreaterThan(before);
    expect(reported.transfers).toBeLessThan(after);
    // Every transfer is written with its audit entry in one transaction: a torn copy would not match.
    expect(reported.auditEntries).toBe(reported.transfers);

    const [file] = listBackups(backupDir, live);
    expect(backup.stdout).toContain(`Backup written and verified: ${file}`);
    const fresh = join(dir, "fresh", "app.db");
    const restore = await runScript("restore.ts", [file!], { ...env, DATABASE_URL: `file:${fresh}` });
    expect(restore.code, restore.stderr).toBe(0);
    expect(printedCounts(restore.stdout)).toEqual(reported);
    expect(restore.stdout).toContain("there was no database before");
    expect(await contentsOf(fresh)).toEqual({
      transfers: reported.transfers,
      chain: { ok: true, entries: reported.auditEntries },
      integrity: "ok",
      pendingMigrations: 0,
    });
  }, 90_000);

  it("a plain file copy under the same load is no backup: it misses transfers committed before the copy began", async () => {
    const maker = await seedDatabase(live, 3000);
    const writer = startFixture("backup-write-load.ts", { DATABASE_FILE: live, MAKER_ID: String(maker.id) });
    const reader = openDatabase(live);
    const verdicts: string[] = [];
    try {
      await expect.poll(writer.output, { timeout: 20_000 }).toContain("writing");
      for (let attempt = 0; attempt < 5; attempt++) {
        await sleep(200);
        const committed = transferCount(reader);
        const copy = join(dir, `copied-${attempt}.db`);
        copyFileSync(live, copy);
        const check = await checkDatabaseCopy(copy);
        verdicts.push(!check.ok ? check.problem : check.transfers < committed ? `missing ${committed - check.transfers} of ${committed}` : "complete");
      }
    } finally {
      await reader.close();
      writer.child.kill("SIGTERM");
    }
    expect(await writer.exited).toBe(0);
    console.info(`[plain copy under load] ${verdicts.join(", ")}`);
    expect(verdicts.filter((verdict) => verdict !== "complete")).not.toEqual([]);
  }, 90_000);

  it("a plain file copy misses what is still in the -wal of the open database; the backup has it", async () => {
    const maker = await seedDatabase(live, 10);
    const app = openDatabase(live);
    try {
      writerOf(app).$client.pragma("wal_checkpoint(TRUNCATE)");
      await addTransfers(app, maker, 5, "RECENT");
      const copy = join(dir, "copied.db");
      copyFileSync(live, copy);
      expect(await checkDatabaseCopy(copy)).toEqual({ ok: true, transfers: 10, auditEntries: 10 });
      const outcome = await takeBackup(live, { backupDir, keep: 14 });
      expect(outcome).toMatchObject({ ok: true, report: { transfers: 15, auditEntries: 15 } });
    } finally {
      await app.close();
    }
  });

  it("keeps the newest N and touches no other file; the folder is made 0700 and each backup is 0600", async () => {
    await seedDatabase(live, 5);
    const start = Date.parse("2026-01-01T00:00:00Z");
    const at = (minute: number) => new Date(start + minute * 60_000);
    expect(await takeBackup(live, { backupDir, keep: 3 }, at(0))).toMatchObject({ ok: true });
    const others = ["notes.txt", "payouts-2020-01-01T00-00-00.000Z.db", "app-before-upgrade.db"];
    for (const name of others) writeFileSync(join(backupDir, name), "keep me");
    for (let minute = 1; minute < 5; minute++) expect(await takeBackup(live, { backupDir, keep: 3 }, at(minute))).toMatchObject({ ok: true });

    expect(listBackups(backupDir, live).map((path) => basename(path))).toEqual([
      "app-2026-01-01T00-04-00.000Z.db",
      "app-2026-01-01T00-03-00.000Z.db",
      "app-2026-01-01T00-02-00.000Z.db",
    ]);
    for (const name of others) expect(readFileSync(join(backupDir, name), "utf8")).toBe("keep me");
    expect(modeOf(backupDir)).toBe("700");
    for (const path of listBackups(backupDir, live)) expect(modeOf(path), path).toBe("600");
    // Each one is a single self-contained file: nothing beside it.
    expect(readdirSync(backupDir).filter((name) => /-(wal|shm|journal)$|\.partial$/.test(name))).toEqual([]);

    const run = await runScript("backup.ts", ["--keep", "1"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/kept 1 backup\(s\) of at most 1; removed 3 older: .*app-2026-01-01T00-04-00\.000Z\.db/);
    expect(listBackups(backupDir, live)).toHaveLength(1);
    for (const name of others) expect(existsSync(join(backupDir, name))).toBe(true);
  });

  it("reads BACKUP_DIR and BACKUP_KEEP (default data/backups and 14); --keep wins over BACKUP_KEEP", () => {
    expect(backupSettings({})).toEqual({ ok: true, env: { backupDir: "data/backups", keep: 14 } });
    expect(backupSettings({ BACKUP_DIR: "/srv/backups", BACKUP_KEEP: "30" })).toEqual({ ok: true, env: { backupDir: "/srv/backups", keep: 30 } });
    expect(backupSettings({ BACKUP_KEEP: "30" }, "7")).toEqual({ ok: true, env: { backupDir: "data/backups", keep: 7 } });
    expect(backupSettings({ BACKUP_KEEP: "0" }, "two")).toEqual({
      ok: false,
      problems: [
        'BACKUP_KEEP must be a whole number from 1 to 10000 (how many backups to keep), got "0"',
        '--keep must be a whole number from 1 to 10000 (how many backups to keep), got "two"',
      ],
    });
  });

  it("a copy that fails verification is deleted and the older backups stay: exit 1 naming the bad audit entry", async () => {
    await seedDatabase(live, 20);
    const good = await takeBackup(live, { backupDir, keep: 14 }, new Date("2026-01-01T00:00:00Z"));
    expect(good.ok).toBe(true);
    const tamper = new Database(live);
    tamper.prepare("update audit_entries set after = '{\"status\":\"succeeded\"}' where id = 7").run();
    tamper.close();

    const run = await runScript("backup.ts", ["--keep", "1"], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Backup FAILED: The copy of .*app\.db: the audit chain is broken after 6 good entries\. Entry 7 was edited/);
    expect(run.stderr).toContain("The copy was deleted; older backups are kept.");
    expect(run.stderr).toContain("1 older backup(s) kept, newest: ");
    expect(readdirSync(backupDir)).toEqual(["app-2026-01-01T00-00-00.000Z.db"]);
  });

  it.each([
    [["--keep", "0"], {}, /--keep must be a whole number from 1 to 10000/],
    [["--keep"], {}, /Option '--keep <value>' argument missing/],
    [["--keep", "3", "--dir", "x"], {}, /Unknown option '--dir'/],
    [[], { BACKUP_KEEP: "all" }, /BACKUP_KEEP must be a whole number/],
    // PostgreSQL is backed up too (test/ops/pg-backup.test.ts): a server that does not answer is said in one line.
    [[], { DATABASE_URL: "postgres://cashin@127.0.0.1:1/payouts" }, /PostgreSQL at 127\.0\.0\.1:1 refused the connection: no server listens there\./],
    [[], { DATABASE_URL: "mysql://db/payouts" }, /DATABASE_URL must be a SQLite file URL such as "file:data\/app\.db" or a PostgreSQL URL/],
  ])("wrong usage %j %j exits 2 with a readable message and writes nothing", async (args, extraEnv, message) => {
    await seedDatabase(live, 1);
    const run = await runScript("backup.ts", args, { ...env, ...extraEnv });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(backupDir)).toBe(false);
  });

  it("no database at DATABASE_URL: exit 2, and none is created", async () => {
    const run = await runScript("backup.ts", [], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/There is no database at .*app\.db: check DATABASE_URL/);
    expect(existsSync(live)).toBe(false);
    expect(existsSync(backupDir)).toBe(false);
  });
});

describe("SPEC §8.3 npm run restore -- FILE: a verified backup in place of the database, with the app stopped", () => {
  /** The live database with 20 transfers, a backup of it, then 5 more transfers in the live one only. */
  async function liveAndBackup() {
    const maker = await seedDatabase(live, 20);
    const outcome = await takeBackup(live, { backupDir, keep: 14 });
    if (!outcome.ok) throw new Error(outcome.message);
    const db = openDatabase(live);
    await addTransfers(db, maker, 5, "LATER");
    await db.close();
    return { maker, backup: outcome.report.file };
  }

  it("puts the backup in place and keeps the replaced database, with the last writes a crash left in its -wal", async () => {
    const { maker, backup } = await liveAndBackup();
    // The app crashed while writing: committed transactions are still only in app.db-wal.
    const writer = startFixture("backup-write-load.ts", { DATABASE_FILE: live, MAKER_ID: String(maker.id) });
    await expect.poll(writer.output, { timeout: 20_000 }).toContain("writing");
    await sleep(200);
    writer.child.kill("SIGKILL");
    await writer.exited;
    expect(statSync(`${live}-wal`).size).toBeGreaterThan(0);
    mkdirSync(join(dir, "crashed"));
    for (const suffix of ["", "-wal"]) copyFileSync(`${live}${suffix}`, join(dir, "crashed", `app.db${suffix}`));
    const crashed = await contentsOf(join(dir, "crashed", "app.db"));
    expect(crashed.transfers).toBeGreaterThan(25);

    const run = await runScript("restore.ts", [backup], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Restored ${live} from ${backup}`);
    expect(printedCounts(run.stdout)).toEqual({ transfers: 20, auditEntries: 20 });
    expect(run.stdout).toContain("Next: start the app.");
    const sideCopy = /kept as (\S+)/.exec(run.stdout)![1]!;
    expect(basename(sideCopy)).toMatch(/^app\.db\.before-restore-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z$/);

    expect(await contentsOf(live)).toEqual({ transfers: 20, chain: { ok: true, entries: 20 }, integrity: "ok", pendingMigrations: 0 });
    expect(await contentsOf(sideCopy)).toEqual(crashed);
    expect(modeOf(live)).toBe("600");
    expect(modeOf(sideCopy)).toBe("600");
    expect(readdirSync(join(dir, "data")).filter((name) => name.includes("restoring"))).toEqual([]);
  }, 60_000);

  it.each([
    ["a file that is not a database", (file: string) => writeFileSync(file, "id,amount\n1,10000\n"), /is not a SQLite database: it does not start with the SQLite file header/],
    [
      "a database whose audit entry was edited",
      (file: string) => new Database(file).prepare("update audit_entries set actor_email = 'someone@else.test' where id = 12").run(),
      /the audit chain is broken after 11 good entries\. Entry 12 was edited after it was written/,
    ],
    [
      "a database whose audit entry was deleted",
      (file: string) => new Database(file).prepare("delete from audit_entries where id = 3").run(),
      /the audit chain is broken after 2 good entries\. Entry 4 does not follow the entry before it/,
    ],
    [
      "a damaged database",
      (file: string) => {
        const bytes = readFileSync(file);
        bytes.fill(0x5a, 4096 * 3, 4096 * 12);
        writeFileSync(file, bytes);
      },
      /fails PRAGMA integrity_check|is damaged/,
    ],
    [
      "another program's SQLite database",
      (file: string) => {
        rmSync(file);
        new Database(file).exec("create table notes (body text); insert into notes values ('hello');");
      },
      /is a SQLite database but not this app's/,
    ],
  ])("refuses %s: exit 1, nothing changed", async (_what, spoil, message) => {
    const { backup } = await liveAndBackup();
    const file = join(dir, "suspect.db");
    copyFileSync(backup, file);
    spoil(file);
    const before = stateOf(join(dir, "data"), live);

    const run = await runScript("restore.ts", [file], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Restore REFUSED: /);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain("Nothing was changed.");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(stateOf(join(dir, "data"), live)).toEqual(before);
    expect((await contentsOf(live)).transfers).toBe(25);
  });

  it.each(["idle", "writing"])("refuses while another process holds the database (%s): exit 3, nothing changed; restores once it stopped", async (hold) => {
    const { backup } = await liveAndBackup();
    const app = startFixture("backup-hold-database.ts", { DATABASE_FILE: live, HOLD: hold });
    try {
      await expect.poll(app.output, { timeout: 20_000 }).toContain("holding");
      const before = stateOf(join(dir, "data"), live);
      const run = await runScript("restore.ts", [backup], env);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/Restore REFUSED: .*app\.db is open in another process \(the app, or a command such as npm run reconcile\): stop it first, then restore\. Nothing was changed\./);
      expect(stateOf(join(dir, "data"), live)).toEqual(before);
    } finally {
      app.child.kill("SIGTERM");
      await app.exited;
    }
    expect((await contentsOf(live)).transfers).toBe(25);

    const run = await runScript("restore.ts", [backup], env);
    expect(run.code, run.stderr).toBe(0);
    expect((await contentsOf(live)).transfers).toBe(20);
  }, 60_000);

  it.each([
    ["alone", false],
    ["with the -wal of its last writes", true],
  ])("restores over a database too damaged to copy (%s), keeping its bytes beside it; its -wal is not replayed onto the backup", async (_what, withWal) => {
    const { maker, backup } = await liveAndBackup();
    const app = openDatabase(live);
    writerOf(app).$client.pragma("wal_checkpoint(TRUNCATE)");
    await addTransfers(app, maker, 50, "INWAL");
    const wal = readFileSync(`${live}-wal`);
    await app.close();
    writeFileSync(live, "this was a database");
    if (withWal) writeFileSync(`${live}-wal`, wal);

    const outcome = await restoreBackup(backup, live);
    expect(outcome).toMatchObject({ ok: true, report: { transfers: 20, auditEntries: 20, warnings: [expect.stringMatching(/app\.db is damaged/)] } });
    if (!outcome.ok) return;
    expect(readFileSync(outcome.report.sideCopy!, "utf8")).toBe("this was a database");
    if (withWal) expect(readFileSync(`${outcome.report.sideCopy!}-wal`)).toEqual(wal);
    expect(await contentsOf(live)).toEqual({ transfers: 20, chain: { ok: true, entries: 20 }, integrity: "ok", pendingMigrations: 0 });
  });

  it.skipIf(process.getuid?.() !== 0)("run as root (compose's tools container), leaves the restored and the replaced database to the app's user", async () => {
    const { backup } = await liveAndBackup();
    chownSync(live, 10001, 10001);
    const outcome = await restoreBackup(backup, live);
    if (!outcome.ok) throw new Error(outcome.message);
    for (const path of [live, outcome.report.sideCopy!]) expect(statSync(path), path).toMatchObject({ uid: 10001, gid: 10001 });
  });

  it.each([
    [[], /Name the backup file to restore\./],
    [["a.db", "b.db"], /One file at a time, got 2\./],
    [["/nonexistent/app-2026-01-01T00-00-00.000Z.db"], /There is no file at \/nonexistent\//],
  ])("wrong usage %j exits 2 with a readable message", async (args, message) => {
    await seedDatabase(live, 1);
    const before = stateOf(join(dir, "data"), live);
    const run = await runScript("restore.ts", args, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(stateOf(join(dir, "data"), live)).toEqual(before);
  });
});
