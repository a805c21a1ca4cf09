import { and, eq, isNotNull, isNull } from "drizzle-orm";
import { first } from "@/db/client";
import { transfers, type Transfer } from "@/db/schema";
import type { PersonContext } from "@/lib/actor";
import { recordAudit, recordAuditNow } from "@/lib/audit/record";
import { msg } from "@/lib/i18n/translate";
import { fail, ok, type ActionResult } from "@/lib/result";
import { refuseWhileOnHold } from "./approval-hold";
import type { TransferDeps } from "./deps";
import { findTransfer, transition } from "./lifecycle";
import { nextWatchAt } from "./reconcile-schedule";
import { statusWord } from "./status";
import { inEnglish, say, type Words } from "./words";

/**
 * What people do about what the reconciler cannot settle (docs/lifecycle.md#paying-twice-is-impossible): an unresolved transfer gets its
 * outcome from Cash In's support or statement, recorded by an admin and confirmed by a manager who is not
 * that admin before it takes effect; a discrepancy is marked reviewed by an admin. Nothing here calls Cash In.
 */

type Ctx = PersonContext;
type Deps = Pick<TransferDeps, "db" | "now">;

export type ResolutionOutcome = "succeeded" | "failed";

function notUnresolved(transfer: Transfer) {
  return fail("conflict", msg("server.transfers.notUnresolved", { status: statusWord(msg, transfer.status) }));
}

/** An admin records what Cash In said happened, with the ticket or statement line as the reason. */
export async function proposeResolution(deps: Deps, { actor, ip }: Ctx, input: { transferId: number; outcome: ResolutionOutcome; reason: string }): Promise<ActionResult<null>> {
  const transfer = await findTransfer(deps.db, input.transferId);
  if (!transfer) return fail("not_found", msg("server.transfers.notFound"));
  if (transfer.status !== "unresolved") return notUnresolved(transfer);
  if (transfer.resolutionOutcome !== null) return fail("conflict", msg("server.transfers.outcomeWaits"));
  const now = deps.now();
  return deps.db.transaction(
    async (tx): Promise<ActionResult<null>> => {
      const proposed = await first(
        tx
          .update(transfers)
          .set({ resolutionOutcome: input.outcome, resolutionReason: input.reason, resolutionBy: actor.id, resolutionAt: now, updatedAt: now })
          .where(and(eq(transfers.id, transfer.id), eq(transfers.status, "unresolved"), isNull(transfers.resolutionOutcome)))
          .returning({ id: transfers.id }),
      );
      if (!proposed) return fail("conflict", msg("server.transfers.changedMeanwhile"));
      await recordAudit(tx, { actor, action: "transfer.resolution_proposed", target: { type: "transfer", id: transfer.id }, after: { outcome: input.outcome, reason: input.reason }, ip, at: now });
      return ok(null, msg(input.outcome === "succeeded" ? "server.transfers.recordedSucceeded" : "server.transfers.recordedFailed"));
    },
  );
}

/**
 * A manager confirms the recorded outcome: the transfer then becomes succeeded or failed (a failed one may
 * be retried once). Never by the person who recorded it: that refusal is audited.
 */
export async function confirmResolution(deps: Deps, { actor, ip }: Ctx, input: { transferId: number }): Promise<ActionResult<{ status: ResolutionOutcome }>> {
  const transfer = await findTransfer(deps.db, input.transferId);
  if (!transfer) return fail("not_found", msg("server.transfers.notFound"));
  if (transfer.status !== "unresolved") return notUnresolved(transfer);
  const { resolutionOutcome: outcome, resolutionBy: proposer, resolutionReason: reason } = transfer;
  if (outcome === null || proposer === null) return fail("conflict", msg("server.transfers.noOutcome"));
  if (proposer === actor.id) {
    const words: Words = (t) => t("server.transfers.confirmOwnOutcome");
    await recordAuditNow(deps.db, { actor, action: "transfer.resolution_confirm_refused", target: { type: "transfer", id: transfer.id }, after: { outcome, refused: inEnglish(words) }, ip });
    return fail("forbidden", say(words));
  }
  const now = deps.now();
  const moved = await deps.db.transaction(
    async (tx) =>
      // A manager account an admin just made or reset is not the second person (docs/roles.md#two-people-not-two-accounts).
      (await refuseWhileOnHold(tx, { actor, ip }, { type: "transfer", id: transfer.id }, "confirm_outcome", now)) ??
      ok(
        await transition(
          tx,
          transfer.id,
          "unresolved",
          outcome,
          {
            settledAt: now,
            nextCheckAt: outcome === "failed" && transfer.topupAnswer === "refused" ? null : nextWatchAt(now, now),
            reason: inEnglish((t) => t("server.transfers.stored.resolvedBy", { reason: reason ?? "" })),
            lastMessage: inEnglish((t) => t(outcome === "succeeded" ? "server.transfers.stored.outcomeSucceeded" : "server.transfers.stored.outcomeFailed")),
          },
          { actor, ip },
          now,
          // The outcome confirmed is the one this manager saw, recorded by that admin.
          and(eq(transfers.resolutionOutcome, outcome), eq(transfers.resolutionBy, proposer)),
        ),
      ),
  );
  if (!moved.ok) return moved;
  if (!moved.data) return fail("conflict", msg("server.transfers.changedMeanwhile"));
  return ok({ status: outcome }, msg(outcome === "succeeded" ? "server.transfers.confirmedSucceeded" : "server.transfers.confirmedFailed"));
}

/** A manager declines the recorded outcome, with a reason; an admin can then record another. */
export async function declineResolution(deps: Deps, { actor, ip }: Ctx, input: { transferId: number; reason: string }): Promise<ActionResult<null>> {
  const now = deps.now();
  // Read in the declining transaction: whose outcome it is decides whether this manager may decline it.
  return deps.db.transaction(
    async (tx): Promise<ActionResult<null>> => {
      const transfer = await findTransfer(tx, input.transferId);
      if (!transfer) return fail("not_found", msg("server.transfers.notFound"));
      if (transfer.status !== "unresolved") return notUnresolved(transfer);
      if (transfer.resolutionOutcome === null) return fail("conflict", msg("server.transfers.noOutcome"));
      if (transfer.resolutionBy === actor.id) return fail("forbidden", msg("server.transfers.declineOwnOutcome"));
      const held = await refuseWhileOnHold(tx, { actor, ip }, { type: "transfer", id: transfer.id }, "decline_outcome", now);
      if (held) return held;
      const declined = await first(
        tx
          .update(transfers)
          .set({ resolutionOutcome: null, resolutionReason: null, resolutionBy: null, resolutionAt: null, updatedAt: now })
          .where(and(eq(transfers.id, transfer.id), eq(transfers.status, "unresolved"), eq(transfers.resolutionOutcome, transfer.resolutionOutcome!)))
          .returning({ id: transfers.id }),
      );
      if (!declined) return fail("conflict", msg("server.transfers.changedMeanwhile"));
      await recordAudit(tx, {
        actor,
        action: "transfer.resolution_declined",
        target: { type: "transfer", id: transfer.id },
        before: { outcome: transfer.resolutionOutcome, reason: transfer.resolutionReason },
        after: { reason: input.reason },
        ip,
        at: now,
      });
      return ok(null, msg("server.transfers.declined"));
    },
  );
}

/** An admin has looked into a discrepancy (with Cash In, the statement): it leaves Needs attention. */
export async function reviewDiscrepancy(deps: Deps, { actor, ip }: Ctx, input: { transferId: number; reason: string }): Promise<ActionResult<null>> {
  const now = deps.now();
  // Read in the reviewing transaction: the discrepancy audited is the one marked reviewed, not one raised meanwhile.
  return deps.db.transaction(
    async (tx): Promise<ActionResult<null>> => {
      const transfer = await findTransfer(tx, input.transferId);
      if (!transfer) return fail("not_found", msg("server.transfers.notFound"));
      const reviewed = await first(
        tx
          .update(transfers)
          .set({ discrepancyReviewedAt: now, discrepancyReviewedBy: actor.id })
          .where(and(eq(transfers.id, transfer.id), isNotNull(transfers.discrepancy), isNull(transfers.discrepancyReviewedAt)))
          .returning({ id: transfers.id }),
      );
      if (!reviewed) return fail("conflict", msg("server.transfers.noOpenDiscrepancy"));
      await recordAudit(tx, {
        actor,
        action: "transfer.discrepancy_reviewed",
        target: { type: "transfer", id: transfer.id },
        after: { discrepancy: transfer.discrepancy, note: input.reason },
        ip,
        at: now,
      });
      return ok(null, msg("server.transfers.reviewed"));
    },
  );
}
