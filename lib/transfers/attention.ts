import "server-only";
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, or } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "@/db/client";
import { auditEntries, batches, roles, transfers, users, type Role } from "@/db/schema";
import { formatNumber } from "@/lib/format";
import { historyColumns, maker } from "./history";

/** The read side of Needs attention (docs/lifecycle.md#paying-twice-is-impossible): what the reconciler cannot settle and people must look at. */

const proposer = alias(users, "proposer");
const changer = alias(users, "changer");

const dayMs = 24 * 60 * 60_000;

const transferColumns = {
  ...historyColumns,
  cashinReference: transfers.cashinReference,
  sentAt: transfers.sentAt,
  lastCode: transfers.lastCode,
  lastMessage: transfers.lastMessage,
};

/** Transfers Cash In has not settled after the 3-day schedule, oldest first, with any outcome an admin recorded. */
export async function unresolvedTransfers(db: Db) {
  return db
    .select({
      ...transferColumns,
      resolutionOutcome: transfers.resolutionOutcome,
      resolutionReason: transfers.resolutionReason,
      resolutionBy: transfers.resolutionBy,
      resolutionAt: transfers.resolutionAt,
      resolutionByName: proposer.name,
    })
    .from(transfers)
    .innerJoin(maker, eq(maker.id, transfers.makerId))
    .leftJoin(proposer, eq(proposer.id, transfers.resolutionBy))
    .where(eq(transfers.status, "unresolved"))
    .orderBy(asc(transfers.sentAt), asc(transfers.id))
    .limit(500);
}

export type UnresolvedTransfer = Awaited<ReturnType<typeof unresolvedTransfers>>[number];

/** Contradictions no admin has reviewed yet, newest first. */
export async function openDiscrepancies(db: Db) {
  return db
    .select({ ...transferColumns, discrepancy: transfers.discrepancy, discrepancyAt: transfers.discrepancyAt })
    .from(transfers)
    .innerJoin(maker, eq(maker.id, transfers.makerId))
    .where(and(isNotNull(transfers.discrepancyAt), isNull(transfers.discrepancyReviewedAt)))
    .orderBy(desc(transfers.discrepancyAt), desc(transfers.id))
    .limit(500);
}

export type OpenDiscrepancy = Awaited<ReturnType<typeof openDiscrepancies>>[number];

/** Batches whose sending stopped long ago and waits for a person's confirmation. */
export async function pausedBatches(db: Db) {
  return db
    .select({ id: batches.id, reference: batches.reference, fileName: batches.fileName, pausedAt: batches.pausedAt, makerId: batches.makerId, approverId: batches.approverId })
    .from(batches)
    .where(and(eq(batches.status, "sending"), isNotNull(batches.pausedAt)))
    .orderBy(asc(batches.pausedAt));
}

/** The admin changes to an account that make it worth a second look (docs/roles.md#two-people-not-two-accounts). */
const accountChangeActions = ["user.create", "user.role", "user.password_reset", "user.second_factor_reset"] as const;

export type AccountChange = {
  at: Date;
  /** In words: "created as manager", "role changed from staff to manager", "password reset", "second factor reset". */
  what: string;
  byId: number | null;
  byName: string | null;
  byEmail: string | null;
};

export type ChangedAccount = {
  id: number;
  name: string;
  email: string;
  role: Role;
  /** Until when this manager cannot approve; null when they are not on hold (an admin, or a manager whose hold ended). */
  holdUntil: Date | null;
  changes: AccountChange[];
};

const roleIn = (value: unknown): Role | null => {
  const role = (value as { role?: unknown } | null)?.role;
  return roles.find((r) => r === role) ?? null;
};

function describeChange(action: string, before: unknown, after: unknown): string {
  switch (action) {
    case "user.create":
      return `created as ${roleIn(after) ?? "a user"}`;
    case "user.role":
      return `role changed from ${roleIn(before) ?? "?"} to ${roleIn(after) ?? "?"}`;
    case "user.password_reset":
      return "password reset";
    default:
      return "second factor reset";
  }
}

/**
 * Managers on approval hold and admins, with the admin changes to their accounts in the last 24 h, newest
 * change first: a manager account an admin made or re-keyed is the way one person could become two
 * (docs/roles.md#two-people-not-two-accounts), so everyone else on Needs attention sees it happen.
 */
export async function accountChanges(db: Db, now: Date): Promise<ChangedAccount[]> {
  const people = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, holdUntil: users.approvalHoldUntil })
    .from(users)
    .where(and(eq(users.active, true), or(and(eq(users.role, "manager"), gt(users.approvalHoldUntil, now)), eq(users.role, "admin"))));
  if (people.length === 0) return [];
  const changes = await db
    .select({
      at: auditEntries.at,
      action: auditEntries.action,
      userId: auditEntries.targetId,
      before: auditEntries.before,
      after: auditEntries.after,
      byId: auditEntries.actorId,
      byEmail: auditEntries.actorEmail,
      byName: changer.name,
    })
    .from(auditEntries)
    .leftJoin(changer, eq(changer.id, auditEntries.actorId))
    .where(
      and(
        eq(auditEntries.targetType, "user"),
        inArray(
          auditEntries.targetId,
          people.map((p) => String(p.id)),
        ),
        gt(auditEntries.at, new Date(now.getTime() - dayMs)),
        inArray(auditEntries.action, [...accountChangeActions]),
      ),
    )
    .orderBy(desc(auditEntries.at), desc(auditEntries.id));
  return people
    .map((person) => ({
      ...person,
      holdUntil: person.role === "manager" ? person.holdUntil : null,
      changes: changes
        .filter((c) => c.userId === String(person.id))
        .map((c) => ({ at: c.at, what: describeChange(c.action, c.before, c.after), byId: c.byId, byName: c.byName, byEmail: c.byEmail })),
    }))
    .filter((person) => person.holdUntil !== null || person.changes.length > 0)
    .sort((a, b) => (b.changes[0]?.at.getTime() ?? 0) - (a.changes[0]?.at.getTime() ?? 0));
}

export type RateLimitKind = "lookUpsPerHour" | "batchRowsPerDay";

export type RateLimitReached = {
  userId: number | null;
  name: string | null;
  email: string | null;
  kind: RateLimitKind;
  first: Date;
  last: Date;
  /** Audit entries: refusals are recorded at most once a minute per person, so this counts minutes with refusals. */
  minutes: number;
  /** The latest refusal in words: how many look-ups or rows, against which limit. */
  latest: string;
};

function describeRefusal(kind: RateLimitKind, after: unknown): string {
  const recorded = (after ?? {}) as Record<string, unknown>;
  const number = (key: string) => formatNumber(Number(recorded[key] ?? 0));
  if (kind === "lookUpsPerHour") return `${number("made")} look-up${recorded.made === 1 ? "" : "s"} in the hour; the limit is ${number("limit")}`;
  const what = recorded.fix ? "a row fix" : `a file of ${number("rows")} rows`;
  return `${what}, with ${number("used")} of ${number("limit")} batch rows used in 24 hours`;
}

/**
 * People refused by the look-up limits in the last 24 h (docs/limits.md#look-ups-per-person-per-hour), one line per person
 * and limit, most recent first: a burst of look-ups may be someone collecting owners' names.
 */
export async function lookUpLimitsReached(db: Db, now: Date): Promise<RateLimitReached[]> {
  const entries = await db
    .select({ at: auditEntries.at, kind: auditEntries.targetId, userId: auditEntries.actorId, email: auditEntries.actorEmail, name: users.name, after: auditEntries.after })
    .from(auditEntries)
    .leftJoin(users, eq(users.id, auditEntries.actorId))
    .where(
      and(
        eq(auditEntries.targetType, "limit"),
        inArray(auditEntries.targetId, ["lookUpsPerHour", "batchRowsPerDay"]),
        gt(auditEntries.at, new Date(now.getTime() - dayMs)),
      ),
    )
    .orderBy(desc(auditEntries.at), desc(auditEntries.id));
  const byPerson = new Map<string, RateLimitReached>();
  for (const entry of entries) {
    const kind = entry.kind as RateLimitKind;
    const key = `${entry.userId}:${kind}`;
    const seen = byPerson.get(key);
    if (seen) {
      seen.first = entry.at;
      seen.minutes++;
      continue;
    }
    byPerson.set(key, {
      userId: entry.userId,
      name: entry.name,
      email: entry.email,
      kind,
      first: entry.at,
      last: entry.at,
      minutes: 1,
      latest: describeRefusal(kind, entry.after),
    });
  }
  return [...byPerson.values()];
}
