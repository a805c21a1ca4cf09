import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.mts";
import { isPostgresUrl } from "./db/url";

/**
 * The unit and integration suite again, on PostgreSQL (docs/postgresql.md#the-suite-on-both-databases): every test file that makes a
 * database with test/db.ts's `createTestDb` (directly, through test/transfers/harness.ts or another helper) runs with
 * `DATABASE_URL` set to the test server, so `@/db/schema` gives PostgreSQL's tables and each test database is a copy of
 * a migrated template on it. scripts/test.sh runs it after the SQLite run, when it has a server:
 *
 *   DATABASE_URL=postgres://… npx vitest run --config vitest.postgres.config.mts
 *
 * Left out: test/db/, whose files compare the two databases side by side themselves.
 */
const root = dirname(new URL(import.meta.url).pathname);
const makesDatabase = /\bcreate(TestDb|Harness)\(/;

function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(folder, entry.name)) : entry.name.endsWith(".ts") ? [join(folder, entry.name)] : [],
  );
}

/** The test files that make a database, following relative imports of helper modules under test/. */
export function databaseTestFiles(): string[] {
  const files = walk(join(root, "test"));
  const source = new Map(files.map((file) => [file, readFileSync(file, "utf8")]));
  const helpers = new Set(files.filter((file) => !file.endsWith(".test.ts") && file !== join(root, "test/db.ts") && makesDatabase.test(source.get(file)!)));
  const importsHelper = (file: string) =>
    [...source.get(file)!.matchAll(/from "(\.{1,2}\/[^"]+)"/g)].some((m) => helpers.has(resolve(dirname(file), `${m[1]}.ts`)));
  return files
    .filter((file) => file.endsWith(".test.ts") && !file.startsWith(join(root, "test/db/")))
    .filter((file) => makesDatabase.test(source.get(file)!) || importsHelper(file))
    .map((file) => relative(root, file));
}

const server = process.env.DATABASE_URL ?? "";
if (!isPostgresUrl(server)) {
  throw new Error("vitest.postgres.config.mts runs on PostgreSQL: set DATABASE_URL to the test server (scripts/test.sh does)");
}

const config = mergeConfig(base, defineConfig({ test: { setupFiles: ["./test/postgres-setup.ts"] } }));
// Not merged: mergeConfig would add these to the SQLite run's `**/*.test.ts` instead of replacing it.
config.test!.include = databaseTestFiles();
export default config;
