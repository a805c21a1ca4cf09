import * as pg from "./pg/schema";
import { isPostgresUrl } from "./url";
import * as sqlite from "./sqlite/schema";

/**
 * The tables as the app's code imports them (`@/db/schema`), for the database this process runs on
 * (docs/postgresql.md#one-code-path): `db/sqlite/schema.ts` (the reference, with every row type, enum and constant)
 * or its PostgreSQL mirror `db/pg/schema.ts`, same names and row types. `DATABASE_URL` decides once, as the process
 * starts: a `postgres://` URL takes PostgreSQL's tables. Drizzle then builds each query in that database's SQL, and
 * reads and writes each column as that database keeps it (a time as milliseconds in SQLite, a timestamptz in
 * PostgreSQL). Everything is typed as SQLite's: the two schemas' row types are kept equal (test/db/pg-schema-types.test.ts).
 */
export * from "./sqlite/schema";

/** Which database's tables this process uses. */
export const tablesDialect: "sqlite" | "postgres" = isPostgresUrl(process.env.DATABASE_URL ?? "") ? "postgres" : "sqlite";

const tables = (tablesDialect === "postgres" ? pg : sqlite) as unknown as typeof sqlite;

export const users = tables.users;
export const auditEntries = tables.auditEntries;
export const loginAttempts = tables.loginAttempts;
export const inquiries = tables.inquiries;
export const recipients = tables.recipients;
export const transfers = tables.transfers;
export const gatewayCalls = tables.gatewayCalls;
export const settings = tables.settings;
export const sessions = tables.sessions;
export const secondFactors = tables.secondFactors;
export const recoveryCodes = tables.recoveryCodes;
export const batches = tables.batches;
export const batchRows = tables.batchRows;
export const notifications = tables.notifications;
export const mails = tables.mails;
export const policies = tables.policies;
export const approvals = tables.approvals;
export const sendingPauses = tables.sendingPauses;
export const apiKeys = tables.apiKeys;
export const idempotencyKeys = tables.idempotencyKeys;
export const webhookEndpoints = tables.webhookEndpoints;
export const webhookDeliveries = tables.webhookDeliveries;
export const webhookAttempts = tables.webhookAttempts;
export const workerHeartbeats = tables.workerHeartbeats;
