import { and, asc, desc, eq, isNotNull, isNull, like, ne, or, sql } from "drizzle-orm";
import { first, type DbOrTx } from "@/db/client";
import { dialectOf, likeFolded } from "@/db/dialect";
import { recipients, users, type Recipient } from "@/db/schema";
import type { PersonContext } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/record";
import { msg } from "@/lib/i18n/translate";
import { formatPhone } from "@/lib/phone-display";
import { fail, ok, type ActionResult } from "@/lib/result";
import type { TransferDeps } from "@/lib/transfers/deps";
import { countedLookUp } from "@/lib/transfers/inquiry";
import { walletLabel } from "@/lib/transfers/wallets";
import { labelKey, type RecipientInput } from "./schemas";

/**
 * Saved recipients (docs/recipients.md): a wallet and phone with the owner's name a look-up verified when it was
 * saved. Shared by the whole team; every change is audited. The look-up counts against the person's look-ups per
 * hour, like New transfer's.
 */

type Deps = Pick<TransferDeps, "db" | "now" | "gateway" | "gatewayTimeoutMs">;

/** What a look-up at save time asks Cash In about when no default amount is given: the inquiry needs an amount. */
export const probeAmount = 10_000;

export async function findRecipient(db: DbOrTx, id: number): Promise<Recipient | undefined> {
  return first(db.select().from(recipients).where(eq(recipients.id, id)).limit(1));
}

/** A label or a wallet+phone already used by another recipient in use: said before anything is looked up. */
async function conflict(db: DbOrTx, input: Pick<RecipientInput, "label" | "wallet" | "phone">, exceptId?: number): Promise<ActionResult<never> | null> {
  const others = (condition: ReturnType<typeof and>) =>
    first(
      db
        .select({ label: recipients.label })
        .from(recipients)
        .where(and(isNull(recipients.archivedAt), condition, exceptId === undefined ? undefined : ne(recipients.id, exceptId)))
        .limit(1),
    );
  const sameLabel = await others(eq(recipients.labelKey, labelKey(input.label)));
  if (sameLabel) return fail("conflict", msg("server.recipients.labelTaken", { label: sameLabel.label }), { label: [msg("server.recipients.labelTaken", { label: sameLabel.label })] });
  const sameWallet = await others(and(eq(recipients.wallet, input.wallet), eq(recipients.phone, input.phone)));
  if (sameWallet) {
    const message = msg("server.recipients.walletTaken", { wallet: walletLabel[input.wallet], label: sameWallet.label });
    return fail("conflict", message, { phone: [message] });
  }
  return null;
}

/** Creates a recipient from a fresh look-up of its wallet: nothing is saved for a wallet Cash In does not confirm. */
export async function saveRecipient(deps: Deps, ctx: PersonContext, input: RecipientInput): Promise<ActionResult<{ recipientId: number; ownerName: string }>> {
  const taken = await conflict(deps.db, input);
  if (taken) return taken;
  const looked = await countedLookUp(deps, ctx, { wallet: input.wallet, phone: input.phone, amount: input.defaultAmount ?? probeAmount }, "recipient");
  if (!looked.ok) return fail(looked.code, looked.message, { phone: [looked.message] });
  const inquiry = looked.data;
  const now = deps.now();
  return deps.db.transaction(
    async (tx) => {
      // Checked again inside: another person may have saved the same label or number during the look-up.
      const meanwhile = await conflict(tx, input);
      if (meanwhile) return meanwhile;
      const [saved] = await tx
        .insert(recipients)
        .values({ ...input, labelKey: labelKey(input.label), ownerName: inquiry.ownerName, inquiryId: inquiry.id, verifiedAt: now, createdBy: ctx.actor.id, createdAt: now, updatedAt: now })
        .returning();
      if (!saved) throw new Error("the new recipient was not returned");
      await recordAudit(tx, {
        actor: ctx.actor,
        action: "recipient.create",
        target: { type: "recipient", id: saved.id },
        after: { label: saved.label, wallet: saved.wallet, phone: saved.phone, ownerName: saved.ownerName, defaultAmount: saved.defaultAmount, defaultMemo: saved.defaultMemo },
        ip: ctx.ip,
        at: now,
      });
      return ok(
        { recipientId: saved.id, ownerName: saved.ownerName },
        msg("server.recipients.saved", { wallet: walletLabel[saved.wallet], phone: formatPhone(saved.phone), name: saved.ownerName }),
      );
    },
  );
}

const editable = ["label", "wallet", "phone", "defaultAmount", "defaultMemo"] as const;

/** Changes a recipient; a new wallet or phone is looked up again, and its owner's name replaces the saved one. */
export async function updateRecipient(deps: Deps, ctx: PersonContext, input: RecipientInput & { recipientId: number }): Promise<ActionResult<{ ownerName: string }>> {
  const current = await findRecipient(deps.db, input.recipientId);
  if (!current) return fail("not_found", msg("server.recipients.notFound"));
  if (current.archivedAt) return fail("conflict", msg("server.recipients.archivedAlready"));
  const taken = await conflict(deps.db, input, current.id);
  if (taken) return taken;
  const moved = current.wallet !== input.wallet || current.phone !== input.phone;
  let verified: { ownerName: string; inquiryId: number } | null = null;
  const lookUp = async () => {
    const looked = await countedLookUp(deps, ctx, { wallet: input.wallet, phone: input.phone, amount: input.defaultAmount ?? probeAmount }, "recipient");
    if (!looked.ok) return fail(looked.code, looked.message, { phone: [looked.message] });
    verified = { ownerName: looked.data.ownerName, inquiryId: looked.data.id };
    return null;
  };
  if (moved) {
    const refused = await lookUp();
    if (refused) return refused;
  }
  let now = deps.now();
  const save = () => deps.db.transaction(
    async (tx) => {
      const before = await findRecipient(tx, current.id);
      if (!before || before.archivedAt) return fail("conflict", msg("server.recipients.archivedAlready"));
      const meanwhile = await conflict(tx, input, current.id);
      if (meanwhile) return meanwhile;
      // Someone changed the wallet or number after it was read above: the saved owner's name is not this number's. Null:
      // look this number up (outside the transaction, as a changed number is) and save again.
      if (!verified && (before.wallet !== input.wallet || before.phone !== input.phone)) return null;
      const after = (
        await tx
          .update(recipients)
          .set({
            label: input.label,
            labelKey: labelKey(input.label),
            wallet: input.wallet,
            phone: input.phone,
            defaultAmount: input.defaultAmount,
            defaultMemo: input.defaultMemo,
            ...(verified ? { ownerName: verified.ownerName, inquiryId: verified.inquiryId, verifiedAt: now } : {}),
            updatedAt: now,
          })
          .where(eq(recipients.id, current.id))
          .returning()
      )[0]!;
      const changed = [...editable, "ownerName" as const].filter((field) => before[field] !== after[field]);
      if (changed.length > 0) {
        await recordAudit(tx, {
          actor: ctx.actor,
          action: "recipient.update",
          target: { type: "recipient", id: current.id },
          before: Object.fromEntries(changed.map((field) => [field, before[field]])),
          after: Object.fromEntries(changed.map((field) => [field, after[field]])),
          ip: ctx.ip,
          at: now,
        });
      }
      return ok({ ownerName: after.ownerName }, verified ? msg("server.recipients.updatedLookedUp", { name: after.ownerName }) : msg("server.recipients.updated"));
    },
  );
  // At most twice: a second save has a fresh look-up of this number.
  for (;;) {
    const saved = await save();
    if (saved) return saved;
    const refused = await lookUp();
    if (refused) return refused;
    now = deps.now();
  }
}

/** Takes a recipient out of use: its label and number are free again; transfers made to it keep pointing to it. */
export async function archiveRecipient(deps: Pick<Deps, "db" | "now">, ctx: PersonContext, { recipientId }: { recipientId: number }): Promise<ActionResult<null>> {
  const now = deps.now();
  return deps.db.transaction(
    async (tx) => {
      const current = await findRecipient(tx, recipientId);
      if (!current) return fail("not_found", msg("server.recipients.notFound"));
      if (current.archivedAt) return fail("conflict", msg("server.recipients.archivedAlready"));
      await tx.update(recipients).set({ archivedAt: now, updatedAt: now }).where(eq(recipients.id, recipientId));
      await recordAudit(tx, { actor: ctx.actor, action: "recipient.archive", target: { type: "recipient", id: recipientId }, before: { label: current.label }, ip: ctx.ip, at: now });
      return ok(null, msg("server.recipients.archived"));
    },
  );
}

export type RecipientSort = "lastPaid" | "label";

export type RecipientRow = Recipient & { createdByName: string };

/**
 * Recipients in use (or the archived ones), searched by label, owner's name or phone (any part, any case), sorted
 * by when they were last paid (never paid last) or by label.
 */
export async function listRecipients(db: DbOrTx, { q, sort = "lastPaid", archived = false }: { q?: string; sort?: RecipientSort; archived?: boolean } = {}): Promise<RecipientRow[]> {
  const words = q?.trim();
  const digits = words?.replace(/[\s\-.()+]/g, "");
  const pattern = words ? `%${words.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  // A number typed as people write it (0812…) is stored as 62812…: search its digits after the leading 0.
  const phonePattern = digits && /^\d{3,}$/.test(digits) ? `%${digits.replace(/^0/, "")}%` : undefined;
  const search = pattern
    ? or(likeFolded(dialectOf(db), recipients.label, pattern), likeFolded(dialectOf(db), recipients.ownerName, pattern), phonePattern ? like(recipients.phone, phonePattern) : undefined)
    : undefined;
  const rows = await db
    .select({ recipient: recipients, createdByName: users.name })
    .from(recipients)
    .innerJoin(users, eq(users.id, recipients.createdBy))
    .where(and(archived ? isNotNull(recipients.archivedAt) : isNull(recipients.archivedAt), search))
    .orderBy(...(sort === "label" ? [asc(sql`lower(${recipients.label})`)] : [sql`${recipients.lastPaidAt} is null`, desc(recipients.lastPaidAt), asc(sql`lower(${recipients.label})`)]))
    .limit(1000);
  return rows.map(({ recipient, createdByName }) => ({ ...recipient, createdByName }));
}

/** The recipient in use for this wallet and number, if one is saved. */
export async function recipientFor(db: DbOrTx, wallet: Recipient["wallet"], phone: string): Promise<Recipient | undefined> {
  return first(
    db
      .select()
      .from(recipients)
      .where(and(isNull(recipients.archivedAt), eq(recipients.wallet, wallet), eq(recipients.phone, phone)))
      .limit(1),
  );
}
