import { getTableColumns, getTableName, is, type Table } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as pg from "@/db/pg/schema";
import * as sqlite from "@/db/sqlite/schema";

/**
 * The row types are compared by `tsc --noEmit` (npm run typecheck, the first step of npm test), not by Vitest: a
 * column whose PostgreSQL twin reads or writes another TypeScript type (a bigint read as a string, a timestamp as a
 * string, a nullable column, an id that must be given) fails the type-check on its table's line.
 */
describe("the PostgreSQL schema (db/pg/schema.ts) mirrors the SQLite one (db/sqlite/schema.ts)", () => {
  it("gives every table the same row types to read and to insert", () => {
    expectTypeOf<typeof pg.users.$inferSelect>().toEqualTypeOf<typeof sqlite.users.$inferSelect>();
    expectTypeOf<typeof pg.users.$inferInsert>().toEqualTypeOf<typeof sqlite.users.$inferInsert>();
    expectTypeOf<typeof pg.auditEntries.$inferSelect>().toEqualTypeOf<typeof sqlite.auditEntries.$inferSelect>();
    expectTypeOf<typeof pg.auditEntries.$inferInsert>().toEqualTypeOf<typeof sqlite.auditEntries.$inferInsert>();
    expectTypeOf<typeof pg.loginAttempts.$inferSelect>().toEqualTypeOf<typeof sqlite.loginAttempts.$inferSelect>();
    expectTypeOf<typeof pg.loginAttempts.$inferInsert>().toEqualTypeOf<typeof sqlite.loginAttempts.$inferInsert>();
    expectTypeOf<typeof pg.inquiries.$inferSelect>().toEqualTypeOf<typeof sqlite.inquiries.$inferSelect>();
    expectTypeOf<typeof pg.inquiries.$inferInsert>().toEqualTypeOf<typeof sqlite.inquiries.$inferInsert>();
    expectTypeOf<typeof pg.recipients.$inferSelect>().toEqualTypeOf<typeof sqlite.recipients.$inferSelect>();
    expectTypeOf<typeof pg.recipients.$inferInsert>().toEqualTypeOf<typeof sqlite.recipients.$inferInsert>();
    expectTypeOf<typeof pg.transfers.$inferSelect>().toEqualTypeOf<typeof sqlite.transfers.$inferSelect>();
    expectTypeOf<typeof pg.transfers.$inferInsert>().toEqualTypeOf<typeof sqlite.transfers.$inferInsert>();
    expectTypeOf<typeof pg.gatewayCalls.$inferSelect>().toEqualTypeOf<typeof sqlite.gatewayCalls.$inferSelect>();
    expectTypeOf<typeof pg.gatewayCalls.$inferInsert>().toEqualTypeOf<typeof sqlite.gatewayCalls.$inferInsert>();
    expectTypeOf<typeof pg.settings.$inferSelect>().toEqualTypeOf<typeof sqlite.settings.$inferSelect>();
    expectTypeOf<typeof pg.settings.$inferInsert>().toEqualTypeOf<typeof sqlite.settings.$inferInsert>();
    expectTypeOf<typeof pg.sessions.$inferSelect>().toEqualTypeOf<typeof sqlite.sessions.$inferSelect>();
    expectTypeOf<typeof pg.sessions.$inferInsert>().toEqualTypeOf<typeof sqlite.sessions.$inferInsert>();
    expectTypeOf<typeof pg.secondFactors.$inferSelect>().toEqualTypeOf<typeof sqlite.secondFactors.$inferSelect>();
    // The one deliberate difference: SQLite makes any INTEGER PRIMARY KEY optional (it would invent a rowid), but a
    // second factor without its user's id is a bug, so PostgreSQL requires it.
    expectTypeOf<Omit<typeof pg.secondFactors.$inferInsert, "userId">>().toEqualTypeOf<Omit<typeof sqlite.secondFactors.$inferInsert, "userId">>();
    expectTypeOf<typeof pg.secondFactors.$inferInsert>().toHaveProperty("userId").toEqualTypeOf<number>();
    expectTypeOf<typeof sqlite.secondFactors.$inferInsert>().toHaveProperty("userId").toEqualTypeOf<number | undefined>();
    expectTypeOf<typeof pg.recoveryCodes.$inferSelect>().toEqualTypeOf<typeof sqlite.recoveryCodes.$inferSelect>();
    expectTypeOf<typeof pg.recoveryCodes.$inferInsert>().toEqualTypeOf<typeof sqlite.recoveryCodes.$inferInsert>();
    expectTypeOf<typeof pg.batches.$inferSelect>().toEqualTypeOf<typeof sqlite.batches.$inferSelect>();
    expectTypeOf<typeof pg.batches.$inferInsert>().toEqualTypeOf<typeof sqlite.batches.$inferInsert>();
    expectTypeOf<typeof pg.batchRows.$inferSelect>().toEqualTypeOf<typeof sqlite.batchRows.$inferSelect>();
    expectTypeOf<typeof pg.batchRows.$inferInsert>().toEqualTypeOf<typeof sqlite.batchRows.$inferInsert>();
    expectTypeOf<typeof pg.notifications.$inferSelect>().toEqualTypeOf<typeof sqlite.notifications.$inferSelect>();
    expectTypeOf<typeof pg.notifications.$inferInsert>().toEqualTypeOf<typeof sqlite.notifications.$inferInsert>();
    expectTypeOf<typeof pg.mails.$inferSelect>().toEqualTypeOf<typeof sqlite.mails.$inferSelect>();
    expectTypeOf<typeof pg.mails.$inferInsert>().toEqualTypeOf<typeof sqlite.mails.$inferInsert>();
    expectTypeOf<typeof pg.policies.$inferSelect>().toEqualTypeOf<typeof sqlite.policies.$inferSelect>();
    expectTypeOf<typeof pg.policies.$inferInsert>().toEqualTypeOf<typeof sqlite.policies.$inferInsert>();
    expectTypeOf<typeof pg.approvals.$inferSelect>().toEqualTypeOf<typeof sqlite.approvals.$inferSelect>();
    expectTypeOf<typeof pg.approvals.$inferInsert>().toEqualTypeOf<typeof sqlite.approvals.$inferInsert>();
    expectTypeOf<typeof pg.sendingPauses.$inferSelect>().toEqualTypeOf<typeof sqlite.sendingPauses.$inferSelect>();
    expectTypeOf<typeof pg.sendingPauses.$inferInsert>().toEqualTypeOf<typeof sqlite.sendingPauses.$inferInsert>();
    expectTypeOf<typeof pg.apiKeys.$inferSelect>().toEqualTypeOf<typeof sqlite.apiKeys.$inferSelect>();
    expectTypeOf<typeof pg.apiKeys.$inferInsert>().toEqualTypeOf<typeof sqlite.apiKeys.$inferInsert>();
    expectTypeOf<typeof pg.idempotencyKeys.$inferSelect>().toEqualTypeOf<typeof sqlite.idempotencyKeys.$inferSelect>();
    expectTypeOf<typeof pg.idempotencyKeys.$inferInsert>().toEqualTypeOf<typeof sqlite.idempotencyKeys.$inferInsert>();
    expectTypeOf<typeof pg.webhookEndpoints.$inferSelect>().toEqualTypeOf<typeof sqlite.webhookEndpoints.$inferSelect>();
    expectTypeOf<typeof pg.webhookEndpoints.$inferInsert>().toEqualTypeOf<typeof sqlite.webhookEndpoints.$inferInsert>();
    expectTypeOf<typeof pg.webhookDeliveries.$inferSelect>().toEqualTypeOf<typeof sqlite.webhookDeliveries.$inferSelect>();
    expectTypeOf<typeof pg.webhookDeliveries.$inferInsert>().toEqualTypeOf<typeof sqlite.webhookDeliveries.$inferInsert>();
    expectTypeOf<typeof pg.webhookAttempts.$inferSelect>().toEqualTypeOf<typeof sqlite.webhookAttempts.$inferSelect>();
    expectTypeOf<typeof pg.webhookAttempts.$inferInsert>().toEqualTypeOf<typeof sqlite.webhookAttempts.$inferInsert>();
    expectTypeOf<typeof pg.workerHeartbeats.$inferSelect>().toEqualTypeOf<typeof sqlite.workerHeartbeats.$inferSelect>();
    expectTypeOf<typeof pg.workerHeartbeats.$inferInsert>().toEqualTypeOf<typeof sqlite.workerHeartbeats.$inferInsert>();
  });

  it("leaves out no table of the SQLite schema, even one added after this file was written", () => {
    type TableNames = { [K in keyof typeof sqlite]: (typeof sqlite)[K] extends SQLiteTable ? K : never }[keyof typeof sqlite];
    type Rows<M extends Record<TableNames, { $inferSelect: unknown; $inferInsert: unknown }>> = {
      [K in TableNames]: { select: M[K]["$inferSelect"]; insert: Omit<M[K]["$inferInsert"], K extends "secondFactors" ? "userId" : never> };
    };
    // Compared in two parts: one comparison of all the tables at once exceeds what expectTypeOf can tell apart.
    type Others = Exclude<TableNames, "secondFactors">;
    expectTypeOf<Pick<Rows<typeof pg>, Others>>().toEqualTypeOf<Pick<Rows<typeof sqlite>, Others>>();
    expectTypeOf<Rows<typeof pg>["secondFactors"]>().toEqualTypeOf<Rows<typeof sqlite>["secondFactors"]>();
  });

  it("exports the same tables, under the same names, with the same columns", () => {
    const shape = (schema: Record<string, unknown>, kind: typeof PgTable | typeof SQLiteTable) =>
      Object.fromEntries(
        Object.entries(schema)
          .filter((entry): entry is [string, Table] => is(entry[1], kind))
          .map(([name, table]) => [
            name,
            { table: getTableName(table), columns: Object.values(getTableColumns(table)).map((column) => column.name).sort() },
          ]),
      );
    const sqliteShape = shape(sqlite, SQLiteTable);
    expect(Object.keys(sqliteShape).length).toBeGreaterThan(20);
    expect(shape(pg, PgTable)).toEqual(sqliteShape);
  });

  it("exports every enum list and value of the SQLite schema", () => {
    const values = (schema: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(schema).filter(([, value]) => !is(value, PgTable) && !is(value, SQLiteTable)));
    expect(values(pg)).toEqual(values(sqlite));
  });
});
