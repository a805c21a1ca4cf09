import Database from "better-sqlite3";
import { e2eEnv } from "../../playwright.config";

/**
 * Direct access to the e2e app's SQLite file, to move a transfer back in time (expiry, grace period) or
 * change what the maker confirmed (name drift) without waiting hours in a test.
 */
export function withE2eDatabase<T>(fn: (db: Database.Database) => T, file = e2eEnv.DATABASE_URL.replace(/^file:/, "")): T {
  const db = new Database(file);
  // The app may hold the write lock for seconds on a busy 2-core machine (a batch of thousands of rows is
  // stored in one transaction): a test's own write waits for it rather than failing.
  db.pragma("busy_timeout = 30000");
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function updateTransfer(reference: string, changes: Record<string, string | number | null>): void {
  const columns = Object.keys(changes);
  withE2eDatabase((db) =>
    db.prepare(`update transfers set ${columns.map((c) => `${c} = @${c}`).join(", ")} where reference = @reference`).run({ ...changes, reference }),
  );
}

/** How many status checks the app has applied to a transfer (its `checks` column). */
export function transferChecks(reference: string): number {
  return withE2eDatabase((db) => (db.prepare("select checks from transfers where reference = ?").get(reference) as { checks: number }).checks);
}
