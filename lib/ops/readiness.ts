import "server-only";
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { db, pendingAppMigrations, type Db } from "@/db/client";
import { dialectOf } from "@/db/dialect";
import { settings } from "@/db/schema";
import { env } from "@/lib/env";
import { backgroundActivity, runsBackgroundWork } from "@/lib/background";
import type { ReconcilerActivity } from "@/lib/jobs";
import { isDraining } from "@/lib/shutdown";

/**
 * `GET /api/ready` (docs/monitoring.md#get-apiready): whether this process can do its work now. Each check
 * answers "ok" or one sentence saying what is wrong, never a path, a key or an error's own text: the
 * endpoint is public. The details go to the server's log instead.
 */

/** The reconciler counts as stale when no pass has finished for this long (SPEC §8.3: "in the last minute"). */
export const reconcilerStaleAfterMs = 60_000;

export type ReadinessInput = {
  db: Db;
  privateKeyPath: string;
  reconciler: ReconcilerActivity;
  /** Whose reconciler that is: this process's own (the default), or the workers' when BACKGROUND=off (lib/background.ts). */
  reconcilerRunsIn?: "this process" | "workers";
  /** The app received SIGTERM and takes no new work (lib/shutdown.ts). */
  draining: boolean;
  now: Date;
  migrationsFolder?: string;
};

export type CheckName = "database" | "migrations" | "privateKey" | "reconciler" | "acceptingWork";

export type Readiness = {
  ready: boolean;
  /** "ok", or what is wrong in words. */
  checks: Record<CheckName, string>;
  /** For the log only: the underlying errors of the failed checks. */
  causes: Partial<Record<CheckName, string>>;
};

type Outcome = { ok: true } | { ok: false; problem: string; cause?: unknown };

const ok: Outcome = { ok: true };

export async function checkReadiness(input: ReadinessInput): Promise<Readiness> {
  const outcomes: Record<CheckName, Outcome> = {
    database: await databaseWritable(input.db),
    migrations: await migrationsApplied(input.db, input.migrationsFolder),
    privateKey: privateKeyReadable(input.privateKeyPath),
    reconciler: reconcilerRecent(input.reconciler, input.now, input.reconcilerRunsIn ?? "this process"),
    acceptingWork: input.draining ? { ok: false, problem: "the app is stopping (SIGTERM) and takes no new work" } : ok,
  };
  const checks = {} as Record<CheckName, string>;
  const causes: Partial<Record<CheckName, string>> = {};
  for (const [name, outcome] of Object.entries(outcomes) as [CheckName, Outcome][]) {
    checks[name] = outcome.ok ? "ok" : outcome.problem;
    if (!outcome.ok && outcome.cause !== undefined) causes[name] = outcome.cause instanceof Error ? outcome.cause.message : String(outcome.cause);
  }
  return { ready: Object.values(outcomes).every((o) => o.ok), checks, causes };
}

/** The readiness of this process: its database, its key, its reconciler (or with BACKGROUND=off the workers'). */
export async function readinessOfThisProcess(): Promise<Readiness> {
  return checkReadiness({
    db: db(),
    privateKeyPath: env().CASHIN_PRIVATE_KEY_PATH,
    reconciler: await backgroundActivity(),
    reconcilerRunsIn: runsBackgroundWork() ? "this process" : "workers",
    draining: isDraining(),
    now: new Date(),
  });
}

/**
 * A real write that is rolled back: it needs the write lock (waiting its turn behind the transactions under way)
 * and a writable file (a read-only file or connection fails here with SQLITE_READONLY), and leaves nothing
 * behind. The header's user_version is written with its own value, so no table of the app is touched even inside
 * the transaction. On PostgreSQL an UPDATE that matches no row: the server refuses it in a read-only transaction (a
 * standby, a database or role set read-only: 25006) before it looks for rows. Taking a transaction id
 * (`txid_current()`) or the writers' lock is not enough: a read-only transaction is allowed both.
 */
async function databaseWritable(db: Db): Promise<Outcome> {
  const rolledBack = new Error("rolled back on purpose");
  try {
    await db.transaction(async (tx) => {
      if (dialectOf(tx) === "postgres") {
        await (tx as unknown as { execute(query: unknown): Promise<unknown> }).execute(sql`update ${settings} set ${sql.identifier("key")} = ${sql.identifier("key")} where false`);
      } else {
        const version = Number(tx.$client.pragma("user_version", { simple: true }));
        tx.$client.pragma(`user_version = ${version}`);
      }
      throw rolledBack;
    });
    return ok;
  } catch (cause) {
    if (cause === rolledBack) return ok;
    // SQLite's error carries its code; Drizzle wraps PostgreSQL's, whose code is on the driver's error beneath.
    const code = (cause as { code?: unknown }).code ?? (cause as { cause?: { code?: unknown } }).cause?.code;
    return { ok: false, problem: `the database cannot be written${typeof code === "string" ? ` (${code})` : ""}`, cause };
  }
}

async function migrationsApplied(db: Db, migrationsFolder?: string): Promise<Outcome> {
  try {
    const pending = await pendingAppMigrations(db, migrationsFolder);
    if (pending === 0) return ok;
    return { ok: false, problem: `${pending} migration(s) not applied: run "npm run db:migrate"` };
  } catch (cause) {
    return { ok: false, problem: "the applied migrations could not be compared with the app's", cause };
  }
}

/** Read and parsed, as the signer will: a file that is there but holds no private key is as useless as none. */
function privateKeyReadable(path: string): Outcome {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (cause) {
    return { ok: false, problem: "the Cash In private key file (CASHIN_PRIVATE_KEY_PATH) cannot be read", cause };
  }
  try {
    createPrivateKey(pem);
    return ok;
  } catch (cause) {
    return { ok: false, problem: "the file at CASHIN_PRIVATE_KEY_PATH holds no readable private key", cause };
  }
}

/**
 * A pass under way counts as running: while Cash In is slow a pass may take minutes (up to 500 status
 * calls, each bounded by the timeout), and the app is not broken then. A pass that never ends is caught by
 * the `cashin_payouts_reconciler_pass_running_seconds` alert instead (docs/monitoring.md). With BACKGROUND=off
 * the activity is the workers' heartbeats (a pass under way counts only while its worker still beats).
 */
function reconcilerRecent({ lastCompletedPassAt, passStartedAt }: ReconcilerActivity, now: Date, runsIn: "this process" | "workers"): Outcome {
  if (passStartedAt) return ok;
  if (lastCompletedPassAt && now.getTime() - lastCompletedPassAt.getTime() <= reconcilerStaleAfterMs) return ok;
  const seconds = lastCompletedPassAt ? Math.round((now.getTime() - lastCompletedPassAt.getTime()) / 1000) : null;
  if (runsIn === "workers") {
    const last = seconds === null ? "none is running" : `the latest finished one ${seconds} s ago`;
    return { ok: false, problem: `no worker (npm run worker) has finished a reconciler pass in the last ${reconcilerStaleAfterMs / 1000} s (BACKGROUND=off): ${last}` };
  }
  if (seconds === null) return { ok: false, problem: "the reconciler has not finished a pass since the app started" };
  return { ok: false, problem: `the reconciler last finished a pass ${seconds} s ago (more than ${reconcilerStaleAfterMs / 1000} s)` };
}
