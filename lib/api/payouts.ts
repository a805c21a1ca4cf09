import "server-only";
import { and, desc, eq, gte, inArray, lt, or, type SQL } from "drizzle-orm";
import { first, type Db } from "@/db/client";
import { batches, inquiries, transfers, type Transfer } from "@/db/schema";
import { approveTransfer } from "@/lib/transfers/approvals";
import { createTransfer, inquiryFreshMs } from "@/lib/transfers/create";
import { lookUpForNewTransfer } from "@/lib/transfers/inquiry";
import type { operations } from "./operations";
import { problem } from "./problem";
import { payoutJson, type PayoutJson } from "./representation";
import { problemOfFailure, type ApiAnswer, type ApiRequest } from "./route";

/*
 * The payout endpoints (docs/api.md#endpoints): each one reads its request, calls the domain function the browser's
 * server action calls, with the key's person as the actor (lib/actor.ts names the key in the audit trail), and
 * answers in the shapes of lib/api/operations.ts. The rules (limits, tiers, near-duplicates, the approval hold, at most
 * once) are the domain's, unchanged.
 */

type Ops = typeof operations;

async function payoutOf(db: Db, where: SQL): Promise<PayoutJson | null> {
  const row = await first(db.select({ transfer: transfers, batchReference: batches.reference }).from(transfers).leftJoin(batches, eq(batches.id, transfers.batchId)).where(where).limit(1));
  return row ? payoutJson(row.transfer, row.batchReference) : null;
}

const noSuchPayout = (reference: string) => ({ problem: problem("not-found", `There is no payout with the reference ${reference}.`) });

/** References → transfer ids; null with the unknown ones when some do not exist. */
async function transferIdsOf(db: Db, references: readonly string[] | undefined): Promise<{ ids: number[] | undefined; unknown: string[] }> {
  if (!references || references.length === 0) return { ids: references ? [] : undefined, unknown: [] };
  const found = await db.select({ id: transfers.id, reference: transfers.reference }).from(transfers).where(inArray(transfers.reference, [...references]));
  const known = new Set(found.map((t) => t.reference));
  return { ids: found.map((t) => t.id), unknown: references.filter((r) => !known.has(r)) };
}

export async function createLookup({ deps, caller, ip, body }: ApiRequest<Ops["createLookup"]>): Promise<ApiAnswer> {
  const result = await lookUpForNewTransfer(deps, { actor: caller.actor, ip }, body);
  if (!result.ok) return { problem: problemOfFailure(result) };
  const answer = result.data;
  const inquiry = (await first(deps.db.select({ reference: inquiries.reference, createdAt: inquiries.createdAt }).from(inquiries).where(eq(inquiries.id, answer.inquiryId)).limit(1)))!;
  return {
    status: 201,
    json: {
      lookup_id: inquiry.reference,
      wallet: answer.wallet,
      phone: answer.phone,
      amount: answer.amount,
      owner_name: answer.ownerName,
      needs_approval: answer.needsApproval,
      approvals_needed: answer.approvalsNeeded,
      near_duplicates: answer.nearDuplicates.map((d) => ({ reference: d.reference, status: d.status, created_at: d.createdAt.toISOString() })),
      expires_at: new Date(inquiry.createdAt.getTime() + inquiryFreshMs).toISOString(),
    },
  };
}

export async function createPayout({ deps, caller, ip, body }: ApiRequest<Ops["createPayout"]>): Promise<ApiAnswer> {
  const { actor } = caller;
  // The key's person's own look-ups only (found along their index); the domain checks the rest (fresh, unused, found).
  const inquiry = await first(
    deps.db
      .select()
      .from(inquiries)
      .where(and(eq(inquiries.userId, actor.id), eq(inquiries.reference, body.lookup_id)))
      .limit(1),
  );
  if (!inquiry) {
    return { problem: problem("not-found", `There is no look-up ${body.lookup_id} made with the keys of ${actor.email}; make one with POST /api/v1/lookups.`) };
  }
  const separate = await transferIdsOf(deps.db, body.separate_from);
  if (separate.unknown.length > 0) {
    return { problem: problem("validation-failed", "Some fields are not valid; see errors.", { errors: [{ field: "separate_from", message: `No payout has the reference ${separate.unknown.join(", ")}.` }] }) };
  }
  const created = await createTransfer(
    deps,
    { actor, ip },
    { wallet: inquiry.wallet, phone: inquiry.phone, amount: inquiry.amount, inquiryId: inquiry.id, memo: body.memo ?? null, separateFrom: separate.ids },
  );
  if (!created.ok) return { problem: problemOfFailure(created, { separateFrom: "separate_from" }) };
  return { status: 201, json: await payoutOf(deps.db, eq(transfers.id, created.data.transferId)) };
}

export async function getPayout({ deps, params }: ApiRequest<Ops["getPayout"]>): Promise<ApiAnswer> {
  const payout = await payoutOf(deps.db, eq(transfers.reference, params.reference));
  return payout ? { status: 200, json: payout } : noSuchPayout(params.reference);
}

/** The opaque cursor: base64url of the last payout's creation time and id, the order the list walks. */
const cursorOf = (t: Pick<Transfer, "createdAt" | "id">) => Buffer.from(`${t.createdAt.getTime()}.${t.id}`).toString("base64url");

function readCursor(cursor: string): { at: number; id: number } | null {
  const match = /^(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match ? { at: Number(match[1]), id: Number(match[2]) } : null;
}

export async function listPayouts({ deps, query }: ApiRequest<Ops["listPayouts"]>): Promise<ApiAnswer> {
  const after = query.cursor === undefined ? null : readCursor(query.cursor);
  if (query.cursor !== undefined && !after) {
    return { problem: problem("bad-request", "The cursor is not one this API gave; pass next_cursor of the previous page unchanged.") };
  }
  const conditions: (SQL | undefined)[] = [
    query.status.length > 0 ? inArray(transfers.status, query.status) : undefined,
    query.from ? gte(transfers.createdAt, new Date(query.from)) : undefined,
    query.to ? lt(transfers.createdAt, new Date(query.to)) : undefined,
    after ? or(lt(transfers.createdAt, new Date(after.at)), and(eq(transfers.createdAt, new Date(after.at)), lt(transfers.id, after.id))) : undefined,
  ];
  const rows = await deps.db
    .select({ transfer: transfers, batchReference: batches.reference })
    .from(transfers)
    .leftJoin(batches, eq(batches.id, transfers.batchId))
    .where(and(...conditions))
    .orderBy(desc(transfers.createdAt), desc(transfers.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    status: 200,
    json: { data: page.map((r) => payoutJson(r.transfer, r.batchReference)), next_cursor: rows.length > query.limit && last ? cursorOf(last.transfer) : null },
  };
}

export async function approvePayout({ deps, caller, ip, params, body }: ApiRequest<Ops["approvePayout"]>): Promise<ApiAnswer> {
  const transfer = await first(deps.db.select({ id: transfers.id }).from(transfers).where(eq(transfers.reference, params.reference)).limit(1));
  if (!transfer) return noSuchPayout(params.reference);
  const checked = await transferIdsOf(deps.db, body.duplicates_checked);
  if (checked.unknown.length > 0) {
    return { problem: problem("validation-failed", "Some fields are not valid; see errors.", { errors: [{ field: "duplicates_checked", message: `No payout has the reference ${checked.unknown.join(", ")}.` }] }) };
  }
  const result = await approveTransfer(deps, { actor: caller.actor, ip }, { transferId: transfer.id, acknowledgedName: body.acknowledged_name, duplicatesChecked: checked.ids });
  if (!result.ok) return { problem: problemOfFailure(result) };
  const outcome = result.data;
  if (outcome.outcome === "name_changed") {
    return {
      problem: problem(
        "conflict",
        `Cash In now names the wallet's owner "${outcome.currentName}", not "${outcome.confirmedName}" as when the payout was made. Nothing was approved; to approve for the new name, send it again with acknowledged_name.`,
        { confirmed_name: outcome.confirmedName, current_name: outcome.currentName },
      ),
    };
  }
  const payout = (await payoutOf(deps.db, eq(transfers.id, transfer.id)))!;
  return { status: 200, json: outcome.outcome === "recorded" ? { ...payout, approvals_given: outcome.given, approvals_needed: outcome.needed } : payout };
}
