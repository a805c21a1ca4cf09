import { mkdtempSync, rmSync } from "node:fs";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    testDbFolder: string;
  }
}

/**
 * One folder per run for the tests' throw-away databases (in memory where /dev/shm is), removed when the run
 * ends. Test workers are stopped without their exit handlers running, so a name made of a process id alone
 * outlived its run, and a later run given the same process id opened a database that already had its users.
 */
export default function setup(project: TestProject) {
  const folder = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "cashin-test-"));
  project.provide("testDbFolder", folder);
  return () => rmSync(folder, { recursive: true, force: true });
}
