import "server-only";
import { createHash } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import { first, type Db } from "@/db/client";
import { idempotencyKeys } from "@/db/schema";

/*
 * Idempotency-Key (docs/api.md#idempotency). The first request with a key claims (api key, operation, key) in an
 * immediate transaction, under the unique index: exactly one request runs the operation. Its answer is kept, and a
 * repeat with the same body gets that answer again (same status, same JSON); a repeat with another body is refused.
 * A repeat that arrives while the first still runs waits for its answer. A claim whose request died (pending for
 * longer than `staleAfterMs`) is taken over by the next repeat. Kept for at least 24 hours.
 */

/** Printable ASCII, 1–255 characters. */
export const idempotencyKeyPattern = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;

export const staleAfterMs = 5 * 60_000;
export const keptForMs = 24 * 60 * 60_000;

/** JSON with the keys of every object sorted: the same parsed body always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export const requestHashOf = (body: unknown) => createHash("sha256").update(canonicalJson(body)).digest("hex");

export type StoredAnswer = { status: number; body: string };

export type Claim =
  | { kind: "claimed"; id: number }
  | { kind: "replay"; answer: StoredAnswer }
  | { kind: "mismatch" }
  | { kind: "in_progress" };

type Scope = { apiKeyId: number; operation: string; key: string; requestHash: string };

/** One attempt to claim the key, in one immediate transaction. */
export async function claimIdempotencyKey(db: Db, scope: Scope, now: Date): Promise<Claim> {
  return db.transaction(
    async (tx): Promise<Claim> => {
      const where = and(eq(idempotencyKeys.apiKeyId, scope.apiKeyId), eq(idempotencyKeys.operation, scope.operation), eq(idempotencyKeys.key, scope.key));
      const found = await first(tx.select().from(idempotencyKeys).where(where).limit(1));
      if (!found) {
        const [row] = await tx.insert(idempotencyKeys).values({ ...scope, state: "pending", createdAt: now }).returning({ id: idempotencyKeys.id });
        return { kind: "claimed", id: row!.id };
      }
      if (found.requestHash !== scope.requestHash) return { kind: "mismatch" };
      if (found.state === "done") return { kind: "replay", answer: { status: found.statusCode!, body: found.response! } };
      if (now.getTime() - found.createdAt.getTime() < staleAfterMs) return { kind: "in_progress" };
      // Its request died before answering: this repeat runs it (the operation itself is safe to repeat, docs/api.md#idempotency).
      await tx.update(idempotencyKeys).set({ createdAt: now }).where(eq(idempotencyKeys.id, found.id));
      return { kind: "claimed", id: found.id };
    },
  );
}

/** What a waiting repeat sees, read without taking the write lock: only a change of state sends it back to claiming. */
async function peek(db: Db, scope: Scope, now: Date): Promise<Claim | "claim"> {
  const found = await first(
    db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.apiKeyId, scope.apiKeyId), eq(idempotencyKeys.operation, scope.operation), eq(idempotencyKeys.key, scope.key)))
      .limit(1),
  );
  if (!found) return "claim";
  if (found.requestHash !== scope.requestHash) return { kind: "mismatch" };
  if (found.state === "done") return { kind: "replay", answer: { status: found.statusCode!, body: found.response! } };
  return now.getTime() - found.createdAt.getTime() < staleAfterMs ? { kind: "in_progress" } : "claim";
}

/**
 * Claims the key, or waits while another request holds it (reading every `pollMs`, up to `waitMs`; the write lock is
 * taken only to claim), so that concurrent repeats all get the first one's answer. Still running after the wait:
 * `in_progress` (409 with Retry-After).
 */
export async function claimOrWait(db: Db, scope: Scope, now: () => Date, { waitMs = 30_000, pollMs = 50 } = {}): Promise<Claim> {
  const until = Date.now() + waitMs;
  let claim = await claimIdempotencyKey(db, scope, now());
  for (;;) {
    if (claim.kind !== "in_progress" || Date.now() >= until) return claim;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const seen = await peek(db, scope, now());
    // Released (an error) or abandoned: claim it, in the immediate transaction that decides between repeats.
    claim = seen === "claim" ? await claimIdempotencyKey(db, scope, now()) : seen;
  }
}

/** Keeps the answer for repeats. */
export async function completeIdempotencyKey(db: Db, id: number, answer: StoredAnswer, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(idempotencyKeys).set({ state: "done", statusCode: answer.status, response: answer.body, completedAt: now }).where(eq(idempotencyKeys.id, id));
  });
}

/** An unexpected error: the claim is let go, so the client's retry runs the operation again (which is safe to repeat). */
export async function releaseIdempotencyKey(db: Db, id: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(idempotencyKeys).where(and(eq(idempotencyKeys.id, id), eq(idempotencyKeys.state, "pending")));
  });
}

/** Forgets answers older than 24 hours; returns how many. */
export async function forgetOldIdempotencyKeys(db: Db, now: Date): Promise<number> {
  return db.transaction(async (tx) => (await tx.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - keptForMs))).returning({ id: idempotencyKeys.id })).length);
}
