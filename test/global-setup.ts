import { mkdtempSync, rmSync } from "node:fs";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    testDbFolder: string;
    /** The migrated database each PostgreSQL test database is copied from (a run on PostgreSQL only). */
    postgresTemplate: string;
  }
}

/**
 * One folder per run for the tests' throw-away databases (in memory where /dev/shm is), removed when the run
 * ends. Test workers are stopped without their exit handlers running, so a name made of a process id alone
 * outlived its run, and a later run given the same process id opened a database that already had its users.
 *
 * A run on PostgreSQL (vitest.postgres.config.mts) also gets one database with drizzle-pg's migrations applied, which
 * every test database copies (`create database … template`, a file copy: far quicker than migrating each), dropped
 * when the run ends.
 */
export default async function setup(project: TestProject) {
  const folder = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "cashin-test-"));
  project.provide("testDbFolder", folder);
  const server = process.env.DATABASE_URL ?? "";
  let template = "";
  if (/^postgres(ql)?:\/\//i.test(server)) {
    template = `cashin_template_${randomBytes(4).toString("hex")}`;
    await onServer(server, `create database ${template}`);
    const url = new URL(server);
    url.pathname = `/${template}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await migrate(drizzle({ client }), { migrationsFolder: resolve(process.cwd(), "drizzle-pg") });
    } finally {
      await client.end();
    }
    project.provide("postgresTemplate", template);
  }
  return async () => {
    rmSync(folder, { recursive: true, force: true });
    if (template) await onServer(server, `drop database if exists ${template} with (force)`);
  };
}

async function onServer(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
