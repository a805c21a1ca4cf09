import type { Actor, Person } from "@/lib/actor";
import { and, asc, count, eq, ne, sql } from "drizzle-orm";
import { first, type Db, type DbOrTx, type Tx } from "@/db/client";
import { recoveryCodes, secondFactors, users, type Role, type User } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";
import { msg } from "@/lib/i18n/translate";
import { fail, ok, type ActionResult } from "@/lib/result";
import type { CreateUserInput } from "./schemas";

/** The admin's user-management rules. Each change and its audit entry land in one transaction. */

type Ctx = { db: Db; actor: Person; ip: string | null };

/** A password an admin hands out works once, within this time (docs/sign-in.md#passwords). */
export const temporaryPasswordLifetimeMs = 24 * 60 * 60 * 1000;
/** How long a manager account an admin just made or re-keyed cannot approve (docs/roles.md#two-people-not-two-accounts). */
export const approvalHoldMs = 24 * 60 * 60 * 1000;

const later = (ms: number, now: Date) => new Date(now.getTime() + ms);
/** A role inside a sentence, in the language of `currentLocale()`: "manager", "manajer". */
const roleWord = (role: Role) => msg(`roles.${role}`).toLowerCase();

/** What an audit entry may say about a user: never the password hash. */
function publicView(user: User) {
  return { name: user.name, email: user.email, role: user.role, active: user.active };
}

export async function listUsers(db: Db) {
  return await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      active: users.active,
      createdAt: users.createdAt,
      updatedAt: users.updatedAt,
      temporaryPasswordExpiresAt: users.temporaryPasswordExpiresAt,
      approvalHoldUntil: users.approvalHoldUntil,
      secondFactorEnrolledAt: secondFactors.enrolledAt,
      secondFactorLockedUntil: secondFactors.lockedUntil,
    })
    .from(users)
    .leftJoin(secondFactors, eq(secondFactors.userId, users.id))
    .orderBy(asc(sql`lower(${users.name})`), asc(users.id));
}

export async function findUserById(db: DbOrTx, id: number): Promise<User | undefined> {
  return first(db.select().from(users).where(eq(users.id, id)).limit(1));
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return first(
    db
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, email.toLowerCase()))
      .limit(1),
  );
}

/**
 * `actor` is null when the system creates the user. The seed command sets the demo users' own passwords;
 * `npm run admin:create` (docs/production.md#first-admin) hands out a temporary one, as an admin does, and
 * names itself in the audit entry with `via`.
 */
export async function createUser(
  { db, actor, ip }: Omit<Ctx, "actor"> & { actor: Actor },
  input: CreateUserInput,
  { temporary = actor !== null, via }: { temporary?: boolean; via?: string } = {},
): Promise<ActionResult<{ id: number }>> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(
    async (tx): Promise<ActionResult<{ id: number }>> => {
      const taken = await first(tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, input.email)).limit(1));
      if (taken) return fail("conflict", msg("server.users.emailTaken"), { email: [msg("server.users.emailTaken")] });
      const now = new Date();
      const created = (
        await tx
          .insert(users)
          .values({
            name: input.name,
            email: input.email,
            role: input.role,
            passwordHash,
            temporaryPasswordExpiresAt: temporary ? later(temporaryPasswordLifetimeMs, now) : null,
            approvalHoldUntil: temporary && input.role === "manager" ? later(approvalHoldMs, now) : null,
          })
          .returning()
      )[0]!;
      const after = via ? { ...publicView(created), via } : publicView(created);
      await recordAudit(tx, { actor, action: "user.create", target: { type: "user", id: created.id }, after, ip });
      return ok({ id: created.id }, msg("server.users.created", { name: created.name }));
    },
  );
}

async function otherActiveAdmins(tx: Tx, userId: number): Promise<number> {
  const row = await first(
    tx
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, "admin"), eq(users.active, true), ne(users.id, userId))),
  );
  return row?.n ?? 0;
}

export function changeRole({ db, actor, ip }: Ctx, input: { userId: number; role: Role }): Promise<ActionResult<null>> {
  return db.transaction(
    async (tx): Promise<ActionResult<null>> => {
      const user = await findUserById(tx, input.userId);
      if (!user) return fail("not_found", msg("server.users.notFound"));
      if (user.role === input.role) return ok(null, msg("server.users.alreadyRole", { name: user.name, role: roleWord(input.role) }));
      if (user.role === "admin") {
        if (user.active && (await otherActiveAdmins(tx, user.id)) === 0)
          return fail("conflict", msg("server.users.lastAdmin"));
        if (user.id === actor.id) return fail("forbidden", msg("server.users.ownRole"));
      }
      const updated = (
        await tx
          .update(users)
          .set({
            role: input.role,
            updatedAt: new Date(),
            ...(input.role === "manager" ? { approvalHoldUntil: later(approvalHoldMs, new Date()) } : {}),
          })
          .where(eq(users.id, user.id))
          .returning()
      )[0]!;
      await recordAudit(tx, { actor, action: "user.role", target: { type: "user", id: user.id }, before: publicView(user), after: publicView(updated), ip });
      return ok(null, msg("server.users.roleChanged", { name: user.name, role: roleWord(input.role) }));
    },
  );
}

export function setActive({ db, actor, ip }: Ctx, input: { userId: number; active: boolean }): Promise<ActionResult<null>> {
  return db.transaction(
    async (tx): Promise<ActionResult<null>> => {
      const user = await findUserById(tx, input.userId);
      if (!user) return fail("not_found", msg("server.users.notFound"));
      if (user.active === input.active) return ok(null, msg(input.active ? "server.users.alreadyActive" : "server.users.alreadyInactive", { name: user.name }));
      if (!input.active) {
        if (user.role === "admin" && (await otherActiveAdmins(tx, user.id)) === 0)
          return fail("conflict", msg("server.users.lastAdmin"));
        if (user.id === actor.id) return fail("forbidden", msg("server.users.ownDeactivation"));
      }
      const updated = (
        await tx
          .update(users)
          // Deactivation also ends the user's sessions; reactivation does not revive them.
          .set({ active: input.active, sessionVersion: user.sessionVersion + 1, updatedAt: new Date() })
          .where(eq(users.id, user.id))
          .returning()
      )[0]!;
      await recordAudit(tx, {
        actor,
        action: input.active ? "user.reactivate" : "user.deactivate",
        target: { type: "user", id: user.id },
        before: publicView(user),
        after: publicView(updated),
        ip,
      });
      return ok(null, msg(input.active ? "server.users.reactivated" : "server.users.deactivated", { name: user.name }));
    },
  );
}

export async function resetPassword(
  { db, actor, ip }: Ctx,
  input: { userId: number; password: string },
): Promise<ActionResult<null>> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(
    async (tx): Promise<ActionResult<null>> => {
      const user = await findUserById(tx, input.userId);
      if (!user) return fail("not_found", msg("server.users.notFound"));
      const now = new Date();
      await tx
        .update(users)
        .set({
          passwordHash,
          sessionVersion: user.sessionVersion + 1,
          temporaryPasswordExpiresAt: later(temporaryPasswordLifetimeMs, now),
          approvalHoldUntil: later(approvalHoldMs, now),
          updatedAt: now,
        })
        .where(eq(users.id, user.id));
      await recordAudit(tx, { actor, action: "user.password_reset", target: { type: "user", id: user.id }, ip });
      return ok(null, msg("server.users.passwordReset", { name: user.name }));
    },
  );
}

/**
 * An admin removes a user's second factor (a lost phone): the factor and its recovery codes go, every
 * session of the user ends (the session version moves on, so they read "ended by an admin"), the user enrols
 * again at the next sign-in, and cannot approve for 24 h.
 */
export function resetSecondFactor({ db, actor, ip }: Ctx, input: { userId: number }): Promise<ActionResult<null>> {
  return db.transaction(
    async (tx): Promise<ActionResult<null>> => {
      const user = await findUserById(tx, input.userId);
      if (!user) return fail("not_found", msg("server.users.notFound"));
      if (user.id === actor.id) return fail("forbidden", msg("server.users.ownSecondFactor"));
      const factor = await first(tx.select({ enrolledAt: secondFactors.enrolledAt }).from(secondFactors).where(eq(secondFactors.userId, user.id)).limit(1));
      if (!factor?.enrolledAt) return fail("conflict", msg("server.users.noSecondFactor", { name: user.name }));
      const now = new Date();
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
      await tx.delete(secondFactors).where(eq(secondFactors.userId, user.id));
      await tx
        .update(users)
        .set({ sessionVersion: user.sessionVersion + 1, approvalHoldUntil: later(approvalHoldMs, now), updatedAt: now })
        .where(eq(users.id, user.id));
      await recordAudit(tx, { actor, action: "user.second_factor_reset", target: { type: "user", id: user.id }, before: { enrolledAt: factor.enrolledAt }, ip });
      return ok(null, msg("server.users.secondFactorReset", { name: user.name }));
    },
  );
}
