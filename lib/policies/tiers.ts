import { and, eq, inArray } from "drizzle-orm";
import { first, type Db, type DbOrTx, type Tx } from "@/db/client";
import { approvals, policies, settings, users, type ApprovalRule } from "@/db/schema";

export type { ApprovalRule };
export { maxApprovals, maxTiers, tiersInputSchema, tiersPolicyKey, type TiersInput, type TiersValues } from "./tiers-schema";
import { recordAudit } from "@/lib/audit/record";
import { msg } from "@/lib/i18n/translate";
import { fail, ok, type ActionResult } from "@/lib/result";
import { tiersPolicyKey, type TiersValues } from "./tiers-schema";
import { getLimits } from "@/lib/transfers/settings";
import { inEnglish, say, type Words } from "@/lib/transfers/words";

/**
 * Approval tiers (docs/policies.md#approval-tiers): an ordered list of floors; a transfer (or a batch's total) at or above
 * a floor needs that tier's approvals, below the first floor none. The first floor is the Limits screen's approval
 * threshold (one value, two screens); the tiers themselves are one JSON value in `policies`. A transfer keeps the tier
 * it entered the queue with (`transfers.approval_rule`), so changing the tiers never changes what a waiting one needs.
 */


/** What a transfer waiting from before tiers existed needs: one manager, as the single threshold asked. */
export const oneManager: ApprovalRule = { floor: 0, approvals: 1, named: [], namedNeeded: 0 };

/** The tiers in force: the stored list with its first floor read from the approval threshold; one tier of one manager by default. */
export async function approvalTiers(db: DbOrTx): Promise<ApprovalRule[]> {
  const threshold = (await getLimits(db)).approvalThreshold;
  const stored = (await first(db.select({ value: policies.value }).from(policies).where(eq(policies.key, tiersPolicyKey)).limit(1)))?.value as ApprovalRule[] | undefined;
  const tiers = stored && stored.length > 0 ? stored.map((tier) => ({ ...tier, named: [...tier.named] })) : [{ ...oneManager }];
  tiers[0]!.floor = threshold;
  return tiers;
}

/** The tier an amount falls in (the highest floor it reaches), or null when it needs no approval. */
export function tierFor(tiers: readonly ApprovalRule[], amount: number): ApprovalRule | null {
  let found: ApprovalRule | null = null;
  for (const tier of tiers) if (amount >= tier.floor) found = tier;
  return found;
}

/** The rule an amount enters the queue with now, or null: sent without approval. */
export async function approvalRuleFor(db: DbOrTx, amount: number): Promise<ApprovalRule | null> {
  return tierFor(await approvalTiers(db), amount);
}

// --- Approvals given ---------------------------------------------------------------------------------

export type GivenApproval = { approverId: number; named: boolean };

/**
 * Whether one more approval by this person can count toward the rule, given those already in: a person approves once,
 * and the places left must still fit the named people the tier asks for. Returns null when it can, else why not.
 */
export function approvalRefusal(rule: ApprovalRule, given: readonly GivenApproval[], approverId: number, nameOf: (id: number) => string): Words | null {
  if (given.some((g) => g.approverId === approverId)) return (t) => t("server.tiers.alreadyApproved", { given: given.length, needed: rule.approvals });
  // All given already: it is decided, which the approving update itself reports.
  if (given.length >= rule.approvals) return null;
  const isNamed = rule.named.includes(approverId);
  const namedAfter = given.filter((g) => g.named).length + (isNamed ? 1 : 0);
  const placesAfter = rule.approvals - given.length - 1;
  if (rule.namedNeeded - namedAfter > placesAfter) {
    const names = rule.named.map(nameOf).join(", ");
    return (t) => t("server.tiers.namedNeeded", { names, count: rule.namedNeeded - given.filter((g) => g.named).length });
  }
  return null;
}

/** "1 of 2 approvals": what a waiting item has, for the queue and the answer to an approval. */
export type ApprovalProgress = { given: number; needed: number; approvers: { id: number; name: string }[]; named: { id: number; name: string }[]; namedNeeded: number };

// --- Saving the tiers --------------------------------------------------------------------------------

type Manager = { id: number; name: string };

/** Active managers: the people a tier's approvals can come from. */
export async function activeManagers(db: DbOrTx): Promise<Manager[]> {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.role, "manager"), eq(users.active, true)))
    .orderBy(users.name);
}

/**
 * The rules between tiers, for the form and for the save (a forged call skips the form): path → words, empty when
 * they hold. Floors rise strictly; the first is the approval threshold and stays within the maximum per transfer; a
 * tier never asks for more approvals than there are managers, nor for named people who are not active managers.
 */
export function tierProblems(values: TiersValues, ctx: { maxPerTransfer: number; managers: readonly Manager[] }): Record<string, Words> {
  const problems: Record<string, Words> = {};
  const managerIds = new Set(ctx.managers.map((m) => m.id));
  values.tiers.forEach((tier, i) => {
    const previous = values.tiers[i - 1];
    if (i === 0 && tier.floor > ctx.maxPerTransfer) problems[`tiers.${i}.floor`] = (t, f) => t("server.tiers.firstAboveMax", { max: f.rupiah(ctx.maxPerTransfer) });
    if (tier.floor < 1) problems[`tiers.${i}.floor`] = (t) => t("server.tiers.floorPositive");
    if (previous && tier.floor <= previous.floor) problems[`tiers.${i}.floor`] = (t, f) => t("server.tiers.floorsRise", { previous: f.rupiah(previous.floor) });
    if (tier.approvals > ctx.managers.length) problems[`tiers.${i}.approvals`] = (t) => t("server.tiers.moreThanManagers", { count: ctx.managers.length });
    const named = tier.named ?? [];
    const unknown = named.filter((id) => !managerIds.has(id));
    if (unknown.length > 0) problems[`tiers.${i}.named`] = (t) => t("server.tiers.notAManager");
    else if (new Set(named).size !== named.length) problems[`tiers.${i}.named`] = (t) => t("server.tiers.notAManager");
    if (tier.namedNeeded > tier.approvals) problems[`tiers.${i}.namedNeeded`] = (t) => t("server.tiers.namedAboveApprovals");
    else if (tier.namedNeeded > named.length) problems[`tiers.${i}.namedNeeded`] = (t) => t("server.tiers.namedTooFew", { count: named.length });
    else if (tier.namedNeeded === 0 && named.length > 0) problems[`tiers.${i}.namedNeeded`] = (t) => t("server.tiers.namedUnused");
  });
  return problems;
}

/** The stored form of the tiers: named people only where some are needed, in a stable order. */
function normalised(values: TiersValues): ApprovalRule[] {
  return values.tiers.map((tier) => ({
    floor: tier.floor,
    approvals: tier.approvals,
    named: tier.namedNeeded > 0 ? [...(tier.named ?? [])].sort((a, b) => a - b) : [],
    namedNeeded: tier.namedNeeded,
  }));
}

/** Saves the tiers and the approval threshold (their first floor) in one transaction, audited; a refusal is audited and saves nothing. */
export async function saveTiers({ db, actor, ip }: { db: Db; actor: { id: number; email: string }; ip: string | null }, values: TiersValues): Promise<ActionResult<ApprovalRule[]>> {
  return db.transaction(
    async (tx) => {
      const limits = await getLimits(tx);
      const managers = await activeManagers(tx);
      const problems = tierProblems(values, { maxPerTransfer: limits.maxPerTransfer, managers });
      const target = { type: "settings", id: tiersPolicyKey } as const;
      if (Object.keys(problems).length > 0) {
        const refused = Object.fromEntries(Object.entries(problems).map(([path, words]) => [path, inEnglish(words)]));
        await recordAudit(tx, { actor, action: "policy.approval_tiers_refused", target, after: { tiers: values.tiers, refused }, ip });
        const fieldErrors = Object.fromEntries(Object.entries(problems).map(([path, words]) => [path, [say(words)]]));
        return fail("invalid", Object.values(fieldErrors)[0]![0]!, fieldErrors);
      }
      const before = await approvalTiers(tx);
      const after = normalised(values);
      if (JSON.stringify(before) === JSON.stringify(after)) return ok(before, msg("server.tiers.unchanged"));
      const now = new Date();
      await tx
        .insert(policies)
        .values({ key: tiersPolicyKey, value: after, updatedAt: now, updatedBy: actor.id })
        .onConflictDoUpdate({ target: policies.key, set: { value: after, updatedAt: now, updatedBy: actor.id } });
      if (after[0]!.floor !== limits.approvalThreshold) {
        await tx
          .insert(settings)
          .values({ key: "approvalThreshold", value: after[0]!.floor, updatedAt: now, updatedBy: actor.id })
          .onConflictDoUpdate({ target: settings.key, set: { value: after[0]!.floor, updatedAt: now, updatedBy: actor.id } });
      }
      await recordAudit(tx, { actor, action: "policy.approval_tiers", target, before: { tiers: before }, after: { tiers: after }, ip });
      return ok(await approvalTiers(tx), msg("server.tiers.saved"));
    },
  );
}

/** The names of the people a rule names, for screens and messages. */
export async function namesOf(db: DbOrTx, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, [...ids]));
  return new Map(rows.map((u) => [u.id, u.name]));
}

// --- Approvals given, per round ----------------------------------------------------------------------

export type ApprovalSubject = { type: "transfer" | "batch"; id: number; round: number };

export async function givenApprovals(db: DbOrTx, subject: ApprovalSubject): Promise<(GivenApproval & { at: Date })[]> {
  return db
    .select({ approverId: approvals.approverId, named: approvals.named, at: approvals.at })
    .from(approvals)
    .where(and(eq(approvals.subjectType, subject.type), eq(approvals.subjectId, subject.id), eq(approvals.round, subject.round)))
    .orderBy(approvals.at, approvals.id);
}

/** Records one approval; the unique index refuses a second one by the same person in the same round, whatever raced. */
export async function recordApproval(tx: Tx, subject: ApprovalSubject, rule: ApprovalRule, approverId: number, at: Date): Promise<void> {
  await tx.insert(approvals).values({ subjectType: subject.type, subjectId: subject.id, round: subject.round, approverId, named: rule.named.includes(approverId), at });
}

/** What a waiting item has, with names, for the queue. `rule` null: from before tiers, one manager. */
export async function progressOf(db: DbOrTx, subject: ApprovalSubject, rule: ApprovalRule | null): Promise<ApprovalProgress> {
  const effective = rule ?? oneManager;
  const given = await givenApprovals(db, subject);
  const names = await namesOf(db, [...given.map((g) => g.approverId), ...effective.named]);
  const person = (id: number) => ({ id, name: names.get(id) ?? `#${id}` });
  return { given: given.length, needed: effective.approvals, approvers: given.map((g) => person(g.approverId)), named: effective.named.map(person), namedNeeded: effective.namedNeeded };
}
