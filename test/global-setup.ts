import { mkdtempSync, rmSync } from "node:fs";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { isPostgresUrl } from "../db/url";

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
  let dropTemplate: (() => Promise<void>) | undefined;
  if (isPostgresUrl(server)) {
    // Loaded only for a run on PostgreSQL (the SQLite run has no server to talk to).
    const { onServer } = await import("./db/pg-support");
    const { openPostgres, migratePostgres } = await import("../db/pg/connect");
    const template = `cashin_template_${randomBytes(4).toString("hex")}`;
    await onServer(`create database ${template}`, server);
    dropTemplate = () => onServer(`drop database if exists ${template} with (force)`, server);
    const url = new URL(server);
    url.pathname = `/${template}`;
    const db = openPostgres(url.toString(), { max: 1 });
    try {
      await migratePostgres(db);
    } finally {
      await db.$client.end();
    }
    project.provide("postgresTemplate", template);
  }
  return async () => {
    rmSync(folder, { recursive: true, force: true });
    await dropTemplate?.();
  };
}
