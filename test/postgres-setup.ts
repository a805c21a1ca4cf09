import { afterAll, afterEach, beforeEach } from "vitest";
import { markTestScope, releaseTestDbs } from "./db";

/**
 * A run on PostgreSQL (vitest.postgres.config.mts): each test's databases are closed and dropped once the test and its
 * own `afterEach` are done (this file's hooks are registered first, so its `afterEach` runs last), a file's
 * (`beforeAll`) when the file is done. The server would otherwise fill with databases and run out of connections.
 */
beforeEach(() => markTestScope(true));
afterEach(async () => {
  markTestScope(false);
  await releaseTestDbs("test");
});
afterAll(() => releaseTestDbs("all"));
