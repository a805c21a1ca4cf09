import "server-only";
import { and, eq, isNull, lt, ne, or } from "drizzle-orm";
import { first, type Db } from "@/db/client";
import { apiKeys, users, type ApiKey, type ApiScope, type Role } from "@/db/schema";
import type { Person } from "@/lib/actor";
import { recordAuditAtMostEvery } from "@/lib/audit/record";
import { addressInRanges } from "@/lib/auth/allow-list";
import { keyMatches, prefixOfKey } from "./keys";
import { problem, type Problem } from "./problem";

/** The person a request acts for, through the key it presented (docs/api.md#who-acts). */
export type ApiCaller = { key: ApiKey; actor: Person & { role: Role } };

export type Authenticated = { ok: true; caller: ApiCaller } | { ok: false; problem: Problem };

const lastUsedEveryMs = 60_000;

/** Refusals are audited (`api.refused`), at most once a minute per key (or per address for unknown keys), so a flood cannot fill the trail. */
const refusalAuditEveryMs = 60_000;

async function audited(db: Db, found: Problem, reason: string, ip: string, now: Date, key?: ApiKey, actor?: Person): Promise<Problem> {
  await db.transaction(
    async (tx) =>
      await recordAuditAtMostEvery(tx, refusalAuditEveryMs, {
        actor: actor ?? null,
        action: "api.refused",
        target: key ? { type: "api_key", id: key.id } : { type: "api_address", id: ip },
        after: { reason, status: found.status, ...(key ? { key: key.name, prefix: key.prefix } : {}) },
        ip,
        at: now,
        // Another reason is no repeat: a scope refusal never hides an address refusal (a stolen key) within the minute.
      }, { sameReason: reason }),
  );
  return found;
}

async function refuse(...args: Parameters<typeof audited>): Promise<Authenticated> {
  return { ok: false, problem: await audited(...args) };
}

const unauthorized = (detail: string) => problem("unauthorized", detail, {});

/**
 * Who is calling: `Authorization: Bearer <key>` → the key's row by its prefix → the whole key's hash compared in
 * constant time → not revoked, not expired, its person still active → the address inside the key's list. The key is
 * never logged or audited, only its name and prefix. The last use (time and address) is written at most once a minute
 * per key, or at once when the address changes.
 */
export async function authenticateApiKey(db: Db, authorization: string | null, ip: string, now: Date): Promise<Authenticated> {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!presented) {
    return { ok: false, problem: unauthorized("Send your API key in the Authorization header: Authorization: Bearer cip_…") };
  }
  const prefix = prefixOfKey(presented);
  const key = prefix ? await first(db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix)).limit(1)) : undefined;
  // A key that waits for its manager has a hash of bytes nobody saw; refused by name too, whatever is presented.
  if (!key || !key.issuedAt || !keyMatches(presented, key.secretHash)) return refuse(db, unauthorized("The API key is not valid."), "unknown_key", ip, now);
  const owner = (await first(db.select().from(users).where(eq(users.id, key.ownerId)).limit(1)))!;
  const actor = { id: owner.id, email: owner.email, role: owner.role, apiKey: { id: key.id, name: key.name } };
  if (key.revokedAt) return refuse(db, unauthorized(`The API key "${key.name}" was revoked at ${key.revokedAt.toISOString()}.`), "revoked", ip, now, key, actor);
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) {
    return refuse(db, unauthorized(`The API key "${key.name}" expired at ${key.expiresAt.toISOString()}.`), "expired", ip, now, key, actor);
  }
  if (!owner.active) {
    return refuse(db, unauthorized(`The API key "${key.name}" acts for ${owner.email}, whose account is deactivated.`), "owner_deactivated", ip, now, key, actor);
  }
  if (key.allowedIps && key.allowedIps.length > 0 && addressInRanges(key.allowedIps, ip) !== true) {
    return refuse(db, problem("forbidden", `The API key "${key.name}" may not be used from ${ip}: the address is outside its allowed addresses.`), "address", ip, now, key, actor);
  }
  // The write lock is taken only when the row read says the last use is due; the update's own condition decides.
  const stale = new Date(now.getTime() - lastUsedEveryMs);
  if (!key.lastUsedAt || key.lastUsedAt.getTime() < stale.getTime() || key.lastUsedIp !== ip) {
    await db.transaction(async (tx) => {
      await tx
        .update(apiKeys)
        .set({ lastUsedAt: now, lastUsedIp: ip })
        .where(and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale), ne(apiKeys.lastUsedIp, ip))));
    });
  }
  return { ok: true, caller: { key, actor } };
}

/**
 * An approve key gives its person's approvals to whoever holds it. Its secret is made when its manager shows it on My
 * account (never for the admin who made the row), and, like a manager an admin creates
 * (docs/roles.md#two-people-not-two-accounts), it cannot approve for 24 hours from then (docs/api.md#keys).
 */
export const approveKeyHoldMs = 24 * 60 * 60_000;

/**
 * The key must hold the operation's scope; an approve key's person must still be a manager (an admin may have changed
 * their role since the key was made), and the key be past its hold. Audited as the other refusals.
 */
export async function refuseScope(db: Db, { key, actor }: ApiCaller, scope: ApiScope, ip: string, now: Date): Promise<Problem | null> {
  if (!key.scopes.includes(scope)) {
    return audited(db, problem("forbidden", `The API key "${key.name}" does not have the ${scope} scope (it has: ${key.scopes.join(", ")}).`), `scope:${scope}`, ip, now, key, actor);
  }
  if (scope === "payouts:approve" && actor.role !== "manager") {
    return audited(db, problem("forbidden", `The API key "${key.name}" acts for ${actor.email}, who is no longer a manager: only managers approve.`), "not_manager", ip, now, key, actor);
  }
  const holdEnds = approvesFrom(key).getTime();
  if (scope === "payouts:approve" && now.getTime() < holdEnds) {
    const detail = `The API key "${key.name}" can approve from ${new Date(holdEnds).toISOString()}: a new approve key waits 24 hours (the two-person rule).`;
    return audited(db, problem("forbidden", detail, { approves_from: new Date(holdEnds).toISOString() }), "approve_key_hold", ip, now, key, actor);
  }
  return null;
}

/** When an issued approve key starts approving: 24 hours after its manager showed it (a waiting key: never yet). */
export function approvesFrom(key: Pick<ApiKey, "createdAt" | "issuedAt">): Date {
  return new Date((key.issuedAt ?? key.createdAt).getTime() + approveKeyHoldMs);
}
