import { randomBytes } from "node:crypto";
import { and, eq, isNull, lt } from "drizzle-orm";
import { generateSecret, generateURI, verifySync } from "otplib";
import { first, type Db, type DbOrTx, type Tx } from "@/db/client";
import { recoveryCodes, secondFactors, sessions, settings, type Role, type SecondFactorRow } from "@/db/schema";
import type { Person } from "@/lib/actor";
import { recordAudit, recordAuditNow } from "@/lib/audit/record";
import { formatFor } from "@/lib/format";
import { currentLocale } from "@/lib/i18n/current";
import { msg } from "@/lib/i18n/translate";
import { fail, ok, type ActionResult } from "@/lib/result";
import { hashPassword, verifyPassword } from "./password";
import { open, seal } from "./secret-box";

/**
 * The TOTP second factor (docs/sign-in.md#second-factor): RFC 6238, 30-second steps, 6 digits, one step
 * either side accepted; each step accepted once per user; 5 wrong codes lock the factor for 15 minutes;
 * 10 one-time recovery codes, stored as argon2id hashes.
 */
export const totpPolicy = {
  issuer: "Cash In Payouts",
  periodSeconds: 30,
  toleranceSeconds: 30,
  maxFailures: 5,
  lockMs: 15 * 60 * 1000,
  recoveryCodes: 10,
  /** A pending enrolment keeps its secret this long, so reloading the page does not change the QR code. */
  pendingMs: 15 * 60 * 1000,
  /** Step-up: a code proved this recently covers an action that asks for one. */
  stepUpMs: 5 * 60 * 1000,
} as const;

export const requireAllSettingKey = "second_factor_required_for_all";

/** Whether the admin setting requires a second factor from staff too. */
export async function secondFactorRequiredForAll(db: DbOrTx): Promise<boolean> {
  const row = await first(db.select({ value: settings.value }).from(settings).where(eq(settings.key, requireAllSettingKey)).limit(1));
  return (row?.value ?? 0) === 1;
}

export async function findSecondFactor(db: DbOrTx, userId: number): Promise<SecondFactorRow | undefined> {
  return first(db.select().from(secondFactors).where(eq(secondFactors.userId, userId)).limit(1));
}

export function isEnrolled(factor: SecondFactorRow | undefined): boolean {
  return Boolean(factor?.enrolledAt && factor.secret);
}

/** Managers and admins always; staff when enrolled or when the admin setting requires it. */
export function secondFactorRequired(role: Role, enrolled: boolean, requiredForAll: boolean): boolean {
  return role !== "staff" || enrolled || requiredForAll;
}

export type Enrolment = { secret: string; uri: string };

/**
 * The secret to show while a person enrols: a pending one from the last 15 minutes is shown again (they
 * may have scanned it already), otherwise a new one. Refused when the person already has a factor.
 */
export function pendingEnrolment(db: Db, user: Person, now: Date = new Date()): Promise<ActionResult<Enrolment>> {
  return db.transaction(
    async (tx): Promise<ActionResult<Enrolment>> => {
      const factor = await findSecondFactor(tx, user.id);
      if (isEnrolled(factor)) return fail("conflict", msg("server.auth.secondFactor.alreadyEnrolled"));
      const reusable = factor?.pendingSecret && factor.pendingAt && now.getTime() - factor.pendingAt.getTime() < totpPolicy.pendingMs ? open(factor.pendingSecret) : null;
      const secret = reusable ?? generateSecret();
      if (!reusable) {
        await tx
          .insert(secondFactors)
          .values({ userId: user.id, pendingSecret: seal(secret), pendingAt: now })
          .onConflictDoUpdate({ target: secondFactors.userId, set: { pendingSecret: seal(secret), pendingAt: now } });
      }
      return ok({ secret, uri: generateURI({ issuer: totpPolicy.issuer, label: user.email, secret }) });
    },
  );
}

type Context = { db: Db; user: Person; ip: string | null; sessionId: string | null };

export type CodeCheck = { ok: true; step: number } | { ok: false; reason: "invalid" | "reused" | "locked" | "missing"; message: string };

const lockedMessage = (until: Date) => msg("server.auth.secondFactor.locked", { time: formatFor(currentLocale()).time(until) });

/** A 6-digit code, checked against a secret with the replay and lock rules, all in one transaction. */
async function checkTotp(tx: Tx, ctx: Context, code: string, which: "secret" | "pendingSecret", now: Date): Promise<CodeCheck> {
  const factor = await findSecondFactor(tx, ctx.user.id);
  if (factor?.lockedUntil && factor.lockedUntil > now) return { ok: false, reason: "locked", message: lockedMessage(factor.lockedUntil) };
  const sealed = factor?.[which];
  const secret = sealed ? open(sealed) : null;
  if (!factor || !secret) {
    return which === "pendingSecret"
      ? { ok: false, reason: "missing", message: msg("server.auth.secondFactor.noEnrolment") }
      : { ok: false, reason: "missing", message: msg("server.auth.secondFactor.noFactor") };
  }
  const epoch = Math.floor(now.getTime() / 1000);
  const result = verifySync({ secret, token: code, epochTolerance: totpPolicy.toleranceSeconds, epoch });
  if (result.valid) {
    const step = Math.floor(epoch / totpPolicy.periodSeconds) + result.delta;
    // Once per step: the conditional update is the guard, so two requests with one code cannot both pass.
    const accepted = await tx
      .update(secondFactors)
      .set({ lastStep: step, failures: 0 })
      .where(and(eq(secondFactors.userId, ctx.user.id), lt(secondFactors.lastStep, step)))
      .returning({ userId: secondFactors.userId });
    if (accepted.length === 1) return { ok: true, step };
  }
  return wrongCode(
    tx,
    ctx,
    factor,
    result.valid ? "reused" : "invalid",
    msg(result.valid ? "server.auth.secondFactor.reused" : "server.auth.secondFactor.wrongCode"),
    now,
  );
}

/** A wrong (or replayed) code: counted, audited, and the 5th within the lock's reach locks the factor. */
async function wrongCode(tx: Tx, ctx: Context, factor: SecondFactorRow, reason: string, message: string, now: Date): Promise<CodeCheck> {
  const failures = factor.failures + 1;
  const locks = failures >= totpPolicy.maxFailures;
  const lockedUntil = locks ? new Date(now.getTime() + totpPolicy.lockMs) : null;
  await tx
    .update(secondFactors)
    .set({ failures: locks ? 0 : failures, lockedUntil: lockedUntil ?? factor.lockedUntil })
    .where(eq(secondFactors.userId, ctx.user.id));
  await recordAudit(tx, { actor: ctx.user, action: "auth.second_factor_refused", target: { type: "user", id: ctx.user.id }, after: { reason, failures }, ip: ctx.ip, at: now });
  if (lockedUntil) {
    await recordAudit(tx, { actor: ctx.user, action: "auth.second_factor_locked", target: { type: "user", id: ctx.user.id }, after: { until: lockedUntil.toISOString() }, ip: ctx.ip, at: now });
    return { ok: false, reason: "locked", message: lockedMessage(lockedUntil) };
  }
  return { ok: false, reason: reason === "reused" ? "reused" : "invalid", message };
}

/** Marks the session as having proved the second factor now (sign-in, enrolment, step-up). */
async function markProved(tx: Tx, sessionId: string | null, now: Date): Promise<void> {
  if (sessionId) await tx.update(sessions).set({ secondFactorAt: now }).where(eq(sessions.id, sessionId));
}

export const totpCodePattern = /^\d{6}$/;
/** Recovery codes: 10 characters from a 32-letter alphabet (50 bits), shown as `abcde-fghij`. */
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";
export const recoveryCodePattern = /^[a-z2-9]{5}-?[a-z2-9]{5}$/i;

function newRecoveryCode(): string {
  const chars = Array.from(randomBytes(10), (b) => recoveryAlphabet[b % recoveryAlphabet.length]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

const normalizeRecoveryCode = (code: string) => code.toLowerCase().replace(/[^a-z2-9]/g, "");

async function freshRecoveryCodes(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: totpPolicy.recoveryCodes }, newRecoveryCode);
  const hashes = await Promise.all(codes.map((code) => hashPassword(normalizeRecoveryCode(code))));
  return { codes, hashes };
}

/**
 * Confirms an enrolment with the first code from the app: the pending secret becomes the factor, ten
 * recovery codes are made (returned once, stored hashed) and the session counts as proved.
 */
export async function confirmEnrolment(ctx: Context, code: string, now: Date = new Date()): Promise<ActionResult<{ recoveryCodes: string[] }>> {
  const { codes, hashes } = await freshRecoveryCodes();
  return ctx.db.transaction(
    async (tx): Promise<ActionResult<{ recoveryCodes: string[] }>> => {
      const check = await checkTotp(tx, ctx, code, "pendingSecret", now);
      if (!check.ok) {
        if (check.reason === "missing") {
          await recordAudit(tx, { actor: ctx.user, action: "auth.second_factor_refused", target: { type: "user", id: ctx.user.id }, after: { reason: "no_pending_enrolment" }, ip: ctx.ip, at: now });
        }
        return fail(check.reason === "locked" ? "forbidden" : "invalid", check.message, { code: [check.message] });
      }
      const factor = (await findSecondFactor(tx, ctx.user.id))!;
      await tx
        .update(secondFactors)
        .set({ secret: factor.pendingSecret, enrolledAt: now, pendingSecret: null, pendingAt: null })
        .where(eq(secondFactors.userId, ctx.user.id));
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, ctx.user.id));
      await tx.insert(recoveryCodes).values(hashes.map((hash) => ({ userId: ctx.user.id, hash, createdAt: now })));
      await markProved(tx, ctx.sessionId, now);
      await recordAudit(tx, { actor: ctx.user, action: "auth.second_factor_enrolled", target: { type: "user", id: ctx.user.id }, ip: ctx.ip, at: now });
      return ok({ recoveryCodes: codes }, msg("server.auth.secondFactor.enrolled"));
    },
  );
}

/**
 * Proves the second factor with a code from the app or a recovery code. On success the session counts as
 * proved from now (sign-in and step-up). Every refusal is audited; wrong codes count towards the lock.
 */
export async function proveSecondFactor(ctx: Context, rawCode: string, now: Date = new Date()): Promise<CodeCheck | { ok: true; step: null }> {
  const code = rawCode.trim().replace(/\s+/g, "");
  if (totpCodePattern.test(code)) {
    return ctx.db.transaction(
      async (tx) => {
        const check = await checkTotp(tx, ctx, code, "secret", now);
        if (check.ok) await markProved(tx, ctx.sessionId, now);
        return check;
      },
    );
  }
  if (!recoveryCodePattern.test(code)) {
    await recordAuditNow(ctx.db, { actor: ctx.user, action: "auth.second_factor_refused", target: { type: "user", id: ctx.user.id }, after: { reason: "malformed" }, ip: ctx.ip, at: now });
    return { ok: false, reason: "invalid", message: msg("server.auth.secondFactor.malformed") };
  }
  return proveRecoveryCode(ctx, normalizeRecoveryCode(code), now);
}

async function proveRecoveryCode(ctx: Context, code: string, now: Date): Promise<CodeCheck | { ok: true; step: null }> {
  const factor = await findSecondFactor(ctx.db, ctx.user.id);
  if (factor?.lockedUntil && factor.lockedUntil > now) return { ok: false, reason: "locked", message: lockedMessage(factor.lockedUntil) };
  if (!isEnrolled(factor)) return { ok: false, reason: "missing", message: msg("server.auth.secondFactor.noFactor") };
  const unused = await ctx.db
    .select({ id: recoveryCodes.id, hash: recoveryCodes.hash })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, ctx.user.id), isNull(recoveryCodes.usedAt)));
  const matches = await Promise.all(unused.map((row) => verifyPassword(row.hash, code)));
  const match = unused.find((_, i) => matches[i]);
  return ctx.db.transaction(
    async (tx): Promise<CodeCheck | { ok: true; step: null }> => {
      // Checked again here: the factor may have been locked or removed while the codes were being compared.
      const current = await findSecondFactor(tx, ctx.user.id);
      if (current?.lockedUntil && current.lockedUntil > now) return { ok: false, reason: "locked", message: lockedMessage(current.lockedUntil) };
      if (!current || !isEnrolled(current)) return { ok: false, reason: "missing", message: msg("server.auth.secondFactor.noFactor") };
      // Used once: two requests with one code race to this conditional update, and one of them wins.
      const used = match
        ? (await tx
            .update(recoveryCodes)
            .set({ usedAt: now })
            .where(and(eq(recoveryCodes.id, match.id), isNull(recoveryCodes.usedAt)))
            .returning({ id: recoveryCodes.id })).length === 1
        : false;
      if (used) {
        await tx.update(secondFactors).set({ failures: 0 }).where(eq(secondFactors.userId, ctx.user.id));
        await markProved(tx, ctx.sessionId, now);
        await recordAudit(tx, { actor: ctx.user, action: "auth.recovery_code_used", target: { type: "user", id: ctx.user.id }, after: { left: unused.length - 1 }, ip: ctx.ip, at: now });
        return { ok: true as const, step: null };
      }
      return wrongCode(tx, ctx, current, "recovery_code", msg("server.auth.secondFactor.wrongRecoveryCode"), now);
    },
  );
}

/** New recovery codes replace all old ones (step-up is checked by the action). */
export async function regenerateRecoveryCodes(ctx: Context, now: Date = new Date()): Promise<ActionResult<{ recoveryCodes: string[] }>> {
  const { codes, hashes } = await freshRecoveryCodes();
  return ctx.db.transaction(
    async (tx): Promise<ActionResult<{ recoveryCodes: string[] }>> => {
      if (!isEnrolled(await findSecondFactor(tx, ctx.user.id))) return fail("conflict", msg("server.auth.secondFactor.turnOnFirst"));
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, ctx.user.id));
      await tx.insert(recoveryCodes).values(hashes.map((hash) => ({ userId: ctx.user.id, hash, createdAt: now })));
      await recordAudit(tx, { actor: ctx.user, action: "auth.recovery_codes_regenerated", target: { type: "user", id: ctx.user.id }, ip: ctx.ip, at: now });
      return ok({ recoveryCodes: codes }, msg("server.auth.secondFactor.newRecoveryCodes"));
    },
  );
}

export type SecondFactorStatus = {
  enrolled: boolean;
  enrolledAt: Date | null;
  recoveryCodesLeft: number;
  lockedUntil: Date | null;
};

export async function secondFactorStatus(db: DbOrTx, userId: number, now: Date = new Date()): Promise<SecondFactorStatus> {
  const factor = await findSecondFactor(db, userId);
  const left = (
    await db
      .select({ id: recoveryCodes.id })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
  ).length;
  return {
    enrolled: isEnrolled(factor),
    enrolledAt: factor?.enrolledAt ?? null,
    recoveryCodesLeft: isEnrolled(factor) ? left : 0,
    lockedUntil: factor?.lockedUntil && factor.lockedUntil > now ? factor.lockedUntil : null,
  };
}
