import "server-only";
import { and, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditEntries, batches, transfers, users } from "@/db/schema";
import { csvBom, csvLine, csvStream } from "@/lib/csv";
import { formatSortableDateTime } from "@/lib/format";
import { jakartaDayStart } from "@/lib/jakarta";
import type { AuditFilters } from "./filters";
import { exportsTranslator, type ExportsTranslator } from "@/lib/spreadsheet/labels";

/** The audit trail screen (admins): newest first, keyset pages, CSV export. */

function whereOf(f: AuditFilters): SQL | undefined {
  return and(
    f.actor !== undefined ? eq(auditEntries.actorId, f.actor) : undefined,
    f.action ? eq(auditEntries.action, f.action) : undefined,
    f.targetType ? eq(auditEntries.targetType, f.targetType) : undefined,
    f.targetId ? eq(auditEntries.targetId, f.targetId) : undefined,
    f.from ? gte(auditEntries.at, jakartaDayStart(f.from)) : undefined,
    f.to ? lt(auditEntries.at, jakartaDayStart(f.to, 1)) : undefined,
  );
}

const columns = {
  id: auditEntries.id,
  at: auditEntries.at,
  actorId: auditEntries.actorId,
  actorEmail: auditEntries.actorEmail,
  actorName: users.name,
  action: auditEntries.action,
  targetType: auditEntries.targetType,
  targetId: auditEntries.targetId,
  before: auditEntries.before,
  after: auditEntries.after,
  ip: auditEntries.ip,
  hash: auditEntries.hash,
};

export const auditPageSize = 50;

export async function listAuditEntries(db: Db, filters: AuditFilters) {
  const rows = await db
    .select(columns)
    .from(auditEntries)
    .leftJoin(users, eq(users.id, auditEntries.actorId))
    .where(and(whereOf(filters), filters.before ? lt(auditEntries.id, filters.before) : undefined))
    .orderBy(desc(auditEntries.id))
    .limit(auditPageSize + 1);
  const hasMore = rows.length > auditPageSize;
  return { rows: rows.slice(0, auditPageSize), hasMore };
}

export type AuditRow = Awaited<ReturnType<typeof listAuditEntries>>["rows"][number];

/** What an entry's target is, in words an auditor recognises: a transfer's or batch's reference, a person's name. */
export type AuditTarget =
  | { type: "transfer"; id: number; reference: string }
  | { type: "batch"; id: number; reference: string; fileName: string }
  | { type: "user"; id: number; name: string; email: string };

/** The key of a target in `auditTargetsOf`'s answer. */
export const auditTargetKey = (type: string, id: string | null) => `${type}:${id ?? ""}`;

const idsOf = (rows: readonly Pick<AuditRow, "targetType" | "targetId">[], type: string) => [
  ...new Set(rows.filter((r) => r.targetType === type && r.targetId !== null && /^\d+$/.test(r.targetId)).map((r) => Number(r.targetId))),
];

/**
 * The transfers, batches and users a page of entries points at, by `auditTargetKey`: one query per kind of
 * target for the whole page (never one per entry). A target that no longer exists is simply absent.
 */
export async function auditTargetsOf(db: Db, rows: readonly Pick<AuditRow, "targetType" | "targetId">[]): Promise<Record<string, AuditTarget>> {
  const found: Record<string, AuditTarget> = {};
  const transferIds = idsOf(rows, "transfer");
  if (transferIds.length > 0) {
    for (const t of await db.select({ id: transfers.id, reference: transfers.reference }).from(transfers).where(inArray(transfers.id, transferIds)))
      found[auditTargetKey("transfer", String(t.id))] = { type: "transfer", ...t };
  }
  const batchIds = idsOf(rows, "batch");
  if (batchIds.length > 0) {
    for (const b of await db.select({ id: batches.id, reference: batches.reference, fileName: batches.fileName }).from(batches).where(inArray(batches.id, batchIds)))
      found[auditTargetKey("batch", String(b.id))] = { type: "batch", ...b };
  }
  const userIds = idsOf(rows, "user");
  if (userIds.length > 0) {
    for (const u of await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, userIds)))
      found[auditTargetKey("user", String(u.id))] = { type: "user", ...u };
  }
  return found;
}

/** The actions that occur in the trail, for the filter's choices. */
export async function auditActions(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ action: auditEntries.action }).from(auditEntries).orderBy(auditEntries.action);
  return rows.map((r) => r.action);
}

const csvBatchSize = 1000;
const auditColumns = ["id", "time", "actor", "actorEmail", "action", "targetType", "targetId", "before", "after", "ip", "hash"] as const;

/** The filtered trail, oldest first, in keyset batches: memory stays flat however long it is. */
export async function* auditCsvChunks(
  db: Db,
  filters: AuditFilters,
  { batchSize = csvBatchSize, t = exportsTranslator("en") }: { batchSize?: number; t?: ExportsTranslator } = {},
): AsyncGenerator<string> {
  const column = (key: (typeof auditColumns)[number]) => t(`audit.columns.${key}`);
  // Headers in the reader's language; the values (action names, JSON of the change) stay as recorded, for auditors' tools.
  yield `${csvBom}${csvLine(auditColumns.map(column))}`;
  let lastId = 0;
  for (;;) {
    const rows = await db
      .select(columns)
      .from(auditEntries)
      .leftJoin(users, eq(users.id, auditEntries.actorId))
      .where(and(whereOf(filters), sql`${auditEntries.id} > ${lastId}`))
      .orderBy(auditEntries.id)
      .limit(batchSize);
    if (rows.length > 0) {
      yield rows
        .map((r) =>
          csvLine([
            r.id,
            formatSortableDateTime(r.at),
            r.actorName ?? (r.actorId ? null : t("audit.system")),
            r.actorEmail,
            r.action,
            r.targetType,
            r.targetId,
            r.before == null ? null : JSON.stringify(r.before),
            r.after == null ? null : JSON.stringify(r.after),
            r.ip,
            r.hash,
          ]),
        )
        .join("");
    }
    if (rows.length < batchSize) return;
    lastId = rows[rows.length - 1]!.id;
  }
}

export function streamAuditCsv(db: Db, filters: AuditFilters, t?: ExportsTranslator): ReadableStream<Uint8Array> {
  return csvStream(auditCsvChunks(db, filters, { t }));
}
