import "server-only";
import { and, asc, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { z } from "zod";
import { first, type Db } from "@/db/client";
import { apiKeys, users, type ApiKey, type ApiScope, type Role } from "@/db/schema";
import type { PersonContext } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/record";
import { msg } from "@/lib/i18n/translate";
import { jakartaDate, jakartaDayStart } from "@/lib/jakarta";
import { notifyPerson } from "@/lib/notifications/outbox";
import { fail, ok, type ActionResult } from "@/lib/result";
import { approveKeyHoldMs } from "./authenticate";
import { keyWithPrefix, newApiKey, unknowableHash } from "./keys";
import type { createApiKeySchema } from "./key-schema";

/*
 * Managing API keys (docs/api.md#keys), for admins: create (the key is shown once; only its hash is kept), list, revoke.
 * An approve key is made without a secret anyone knows: its manager shows it on My account (issueApiKey), so the admin
 * who made it never holds the manager's approvals. Every change is audited, never with the key or its hash.
 */

const yearMs = 366 * 24 * 60 * 60_000;

const maker = alias(users, "maker");

/** Who a key with these scopes may act for (docs/roles.md): approving is a manager's; making payouts and reading, anyone's. */
export function mayActFor(scopes: readonly ApiScope[], role: Role): boolean {
  return !scopes.includes("payouts:approve") || role === "manager";
}

/** The key itself for read/create keys (shown once to the admin); null for an approve key, which waits for its manager (`waitsFor`). */
export type NewApiKey = { id: number; name: string; prefix: string; key: string | null; waitsFor: { name: string; email: string } | null };

/** An approve key gives a manager's approvals: its secret is made when its manager shows it, never for the admin. */
export const issuedByItsPerson = (scopes: readonly ApiScope[]) => scopes.includes("payouts:approve");

export async function createApiKey(db: Db, { actor, ip }: PersonContext, input: z.output<typeof createApiKeySchema>, now: Date): Promise<ActionResult<NewApiKey>> {
  // Works until the end of the chosen Jakarta day: a future day, at most a year ahead.
  const expiresAt = input.expiresOn ? jakartaDayStart(input.expiresOn, 1) : null;
  const waits = issuedByItsPerson(input.scopes);
  const made = newApiKey();
  // A waiting key's hash is of bytes nobody saw: nothing authenticates with it until its manager shows it.
  const { prefix } = made;
  const key = waits ? null : made.key;
  const secretHash = waits ? unknowableHash() : made.secretHash;
  return db.transaction(
    async (tx): Promise<ActionResult<NewApiKey>> => {
      // The person is read in the transaction that makes the key: still active, still a manager for an approve key.
      const owner = await first(tx.select().from(users).where(eq(users.id, input.ownerId)).limit(1));
      if (!owner || !owner.active) return fail("invalid", msg("server.apiKeys.ownerInactive"), { ownerId: [msg("server.apiKeys.ownerInactive")] });
      if (!mayActFor(input.scopes, owner.role)) return fail("invalid", msg("server.apiKeys.approverNotManager"), { ownerId: [msg("server.apiKeys.approverNotManager")] });
      if (input.expiresOn && (input.expiresOn < jakartaDate(now) || Number.isNaN(expiresAt!.getTime()))) {
        return fail("invalid", msg("server.apiKeys.expiryPast"), { expiresOn: [msg("server.apiKeys.expiryPast")] });
      }
      if (expiresAt && expiresAt.getTime() - now.getTime() > yearMs) {
        return fail("invalid", msg("server.apiKeys.expiryTooFar"), { expiresOn: [msg("server.apiKeys.expiryTooFar")] });
      }
      const taken = await first(tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(sql`lower(${apiKeys.name})`, input.name.toLowerCase())).limit(1));
      if (taken) return fail("invalid", msg("server.apiKeys.nameTaken", { name: input.name }), { name: [msg("server.apiKeys.nameTaken", { name: input.name })] });
      const row = (
        await tx
          .insert(apiKeys)
          .values({ name: input.name, prefix, secretHash, scopes: input.scopes, allowedIps: input.allowedIps, ownerId: owner.id, createdBy: actor.id, createdAt: now, issuedAt: waits ? null : now, expiresAt })
          .returning()
      )[0]!;
      await recordAudit(tx, {
        actor,
        action: "api_key.created",
        target: { type: "api_key", id: row.id },
        after: { name: row.name, prefix, scopes: row.scopes, owner: owner.email, allowedIps: row.allowedIps, expiresAt: expiresAt?.toISOString() ?? null, waitsForOwner: waits },
        ip,
        at: now,
      });
      // The person is told when an admin makes a key for someone else (docs/api.md#keys), in the same transaction.
      if (owner.id !== actor.id) await notifyPerson(tx, "api_key.created", { type: "api_key", id: row.id }, owner.id, now);
      if (waits) {
        return ok({ id: row.id, name: row.name, prefix, key: null, waitsFor: { name: owner.name, email: owner.email } }, msg("server.apiKeys.createdForOwner", { name: row.name, owner: owner.name }));
      }
      return ok({ id: row.id, name: row.name, prefix, key, waitsFor: null }, msg("server.apiKeys.created", { name: row.name }));
    },
  );
}

/** Revoked at once: the key's next request is refused (lib/api/authenticate.ts reads the row on every request). */
export async function revokeApiKey(db: Db, { actor, ip }: PersonContext, { keyId }: { keyId: number }, now: Date): Promise<ActionResult<null>> {
  return db.transaction(
    async (tx): Promise<ActionResult<null>> => {
      const revoked = await first(
        tx
          .update(apiKeys)
          .set({ revokedAt: now, revokedBy: actor.id })
          .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
          .returning(),
      );
      if (!revoked) {
        const key = await first(tx.select({ name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.id, keyId)).limit(1));
        return key ? fail("conflict", msg("server.apiKeys.alreadyRevoked", { name: key.name })) : fail("not_found", msg("server.apiKeys.notFound"));
      }
      await recordAudit(tx, { actor, action: "api_key.revoked", target: { type: "api_key", id: keyId }, after: { name: revoked.name, prefix: revoked.prefix }, ip, at: now });
      return ok(null, msg("server.apiKeys.revoked", { name: revoked.name }));
    },
  );
}

/**
 * The manager shows their approve key (docs/api.md#keys), after a fresh two-step code (the action's step-up): a new
 * secret is made now, its hash stored and `issued_at` set, only if the key still waits (so two clicks issue it once),
 * is not revoked or expired, and its person is still an active manager. The key is in the answer once and nowhere else;
 * `api_key.issued` is audited without it. Its 24-hour hold counts from now.
 */
export async function issueApiKey(db: Db, { actor, ip }: PersonContext, { keyId }: { keyId: number }, now: Date): Promise<ActionResult<{ id: number; name: string; key: string; approvesFrom: Date }>> {
  return db.transaction(
    async (tx): Promise<ActionResult<{ id: number; name: string; key: string; approvesFrom: Date }>> => {
      const row = await first(tx.select().from(apiKeys).where(eq(apiKeys.id, keyId)).limit(1));
      // Another person's key does not exist for this one.
      if (!row || row.ownerId !== actor.id) return fail("not_found", msg("server.apiKeys.notFound"));
      if (row.issuedAt) return fail("conflict", msg("server.apiKeys.alreadyIssued", { name: row.name }));
      if (row.revokedAt) return fail("conflict", msg("server.apiKeys.issueRevoked", { name: row.name }));
      if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return fail("conflict", msg("server.apiKeys.issueExpired", { name: row.name }));
      const person = await first(tx.select().from(users).where(eq(users.id, actor.id)).limit(1));
      if (!person?.active || !mayActFor(row.scopes, person.role)) return fail("forbidden", msg("server.apiKeys.issueNotManager", { name: row.name }));
      const { key, secretHash } = keyWithPrefix(row.prefix);
      const issued = await first(
        tx
          .update(apiKeys)
          .set({ secretHash, issuedAt: now })
          .where(and(eq(apiKeys.id, row.id), eq(apiKeys.ownerId, actor.id), isNull(apiKeys.issuedAt), isNull(apiKeys.revokedAt)))
          .returning({ id: apiKeys.id }),
      );
      if (!issued) return fail("conflict", msg("server.apiKeys.alreadyIssued", { name: row.name }));
      await recordAudit(tx, { actor, action: "api_key.issued", target: { type: "api_key", id: row.id }, after: { name: row.name, prefix: row.prefix, scopes: row.scopes }, ip, at: now });
      return ok({ id: row.id, name: row.name, key, approvesFrom: new Date(now.getTime() + approveKeyHoldMs) }, msg("server.apiKeys.issued", { name: row.name }));
    },
  );
}

export type WaitingApiKey = Pick<ApiKey, "id" | "name" | "prefix" | "scopes" | "allowedIps" | "createdAt" | "expiresAt"> & { createdByName: string };

/** My account: the keys made for this person that wait for them to show them (not revoked, not expired), oldest first. */
export async function waitingApiKeysFor(db: Db, personId: number, now: Date): Promise<WaitingApiKey[]> {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      allowedIps: apiKeys.allowedIps,
      createdAt: apiKeys.createdAt,
      expiresAt: apiKeys.expiresAt,
      createdByName: maker.name,
    })
    .from(apiKeys)
    .innerJoin(maker, eq(maker.id, apiKeys.createdBy))
    .where(and(eq(apiKeys.ownerId, personId), isNull(apiKeys.issuedAt), isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now))))
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

/** `waiting`: an approve key its manager has not shown yet (it authenticates nothing). */
export type ApiKeyState = "active" | "waiting" | "revoked" | "expired";

export type ApiKeyRow = Pick<ApiKey, "id" | "name" | "prefix" | "scopes" | "allowedIps" | "createdAt" | "issuedAt" | "expiresAt" | "revokedAt" | "lastUsedAt" | "lastUsedIp"> & {
  ownerName: string;
  ownerEmail: string;
  state: ApiKeyState;
};

const owner = alias(users, "owner");

/** Every key, the usable ones first, newest first. */
export async function listApiKeys(db: Db, now: Date): Promise<ApiKeyRow[]> {
  const rows = await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      allowedIps: apiKeys.allowedIps,
      createdAt: apiKeys.createdAt,
      issuedAt: apiKeys.issuedAt,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
      lastUsedIp: apiKeys.lastUsedIp,
      ownerName: owner.name,
      ownerEmail: owner.email,
    })
    .from(apiKeys)
    .innerJoin(owner, eq(owner.id, apiKeys.ownerId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  const stateOf = (row: (typeof rows)[number]): ApiKeyState =>
    row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt.getTime() <= now.getTime() ? "expired" : row.issuedAt ? "active" : "waiting";
  const order: Record<ApiKeyState, number> = { active: 0, waiting: 1, expired: 2, revoked: 3 };
  return rows.map((row) => ({ ...row, state: stateOf(row) })).sort((a, b) => order[a.state] - order[b.state]);
}

/** The people a key may act for: every active person, with their role (the form offers managers only for approve keys). */
export async function keyOwners(db: Db): Promise<{ id: number; name: string; email: string; role: Role }[]> {
  return db.select({ id: users.id, name: users.name, email: users.email, role: users.role }).from(users).where(eq(users.active, true)).orderBy(asc(users.name));
}
