import { eq } from "drizzle-orm";
import { first, type DbOrTx, type Tx } from "@/db/client";
import { users } from "@/db/schema";
import type { PersonContext } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/record";
import { fail } from "@/lib/result";
import { approvalHoldMs } from "@/lib/users/service";
import { inEnglish, say, type Words } from "./words";

/**
 * Two people, not two accounts (docs/roles.md#two-people-not-two-accounts): a manager account an admin
 * created, promoted, or whose password or second factor an admin reset, decides on nobody's money for 24 h,
 * so an admin cannot make a second account and approve their own transfer with it.
 */

export type ApprovalHold = { since: Date; until: Date };

/** The person's hold as the database has it now, or null when they may decide. */
export async function approvalHoldOf(db: DbOrTx, userId: number, now: Date): Promise<ApprovalHold | null> {
  const until = (await first(db.select({ until: users.approvalHoldUntil }).from(users).where(eq(users.id, userId)).limit(1)))?.until;
  if (!until || until.getTime() <= now.getTime()) return null;
  return { since: new Date(until.getTime() - approvalHoldMs), until };
}

function approvalHoldWords(hold: ApprovalHold, now: Date): Words {
  return (t, f) => t("server.transfers.approvalHold", { since: f.timeNear(hold.since, now), until: f.timeNear(hold.until, now) });
}

/** Why this person cannot decide yet, in the reader's language. */
export function approvalHoldMessage(hold: ApprovalHold, now: Date): string {
  return say(approvalHoldWords(hold, now));
}

export type HeldDecision = "approve" | "reject" | "confirm_outcome" | "decline_outcome";

/**
 * Refuses a decision while the person is on hold, and audits the attempt (the refusal in English there, in the
 * person's language in the answer). Call it inside the transaction of the decision's conditional update, so an
 * admin's change that lands meanwhile is seen.
 */
export async function refuseWhileOnHold(
  tx: Tx,
  { actor, ip }: PersonContext,
  target: { type: "transfer" | "batch"; id: number },
  decision: HeldDecision,
  now: Date,
) {
  const hold = await approvalHoldOf(tx, actor.id, now);
  if (!hold) return null;
  const words = approvalHoldWords(hold, now);
  await recordAudit(tx, { actor, action: `${target.type}.approval_hold_refused`, target, after: { decision, holdUntil: hold.until.toISOString(), refused: inEnglish(words) }, ip, at: now });
  return fail("forbidden", say(words));
}
