import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, writerOf } from "@/db/client";

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe("Only the app's own user can read the database (docs/architecture.md#security-and-performance)", () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "db-mode-"));
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates the folder 0700 and the database, its -wal and its -shm 0600", async () => {
    const file = join(dir, "data", "app.db");
    const db = openDatabase(file);
    writerOf(db).$client.exec("create table t (x); insert into t values (1);");
    expect(modeOf(join(dir, "data"))).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path).toString(8), path).toBe("600");
    await db.close();
  });

  it("narrows a database file others could read to 0600 when it is opened", async () => {
    const file = join(dir, "app.db");
    writeFileSync(file, "", { mode: 0o644 });
    const db = openDatabase(file);
    expect(modeOf(file).toString(8)).toBe("600");
    await db.close();
  });
});
