import { and, inArray, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { recipients, type Recipient } from "@/db/schema";
import { withLocale } from "@/lib/i18n/request-locale";
import { msg } from "@/lib/i18n/translate";
import { labelKey } from "@/lib/recipients/schemas";
import { walletLabel } from "@/lib/transfers/wallets";
import { validateBatchRow, type ParsedRow } from "./parse";

/** A file's row ready to store: with the saved recipient it named, if any. */
export type StoredRow = ParsedRow & { recipientId: number | null };

const chunk = 500;

/**
 * Rows that name a saved recipient (a `recipient` column, docs/batches.md#paying-saved-recipients) get its wallet and
 * phone, and its default amount and memo where the row leaves them empty; then they are checked like any row. An
 * unknown label, or a row that names a recipient and another number, is a problem of that row. Problems are kept in
 * English, like every row's.
 */
export async function fillFromRecipients(tx: DbOrTx, rows: readonly ParsedRow[]): Promise<StoredRow[]> {
  const labels = [...new Set(rows.flatMap((row) => (row.recipient ? [labelKey(row.recipient)] : [])))];
  const byLabel = new Map<string, Recipient>();
  for (let i = 0; i < labels.length; i += chunk) {
    const found = await tx
      .select()
      .from(recipients)
      .where(and(isNull(recipients.archivedAt), inArray(recipients.labelKey, labels.slice(i, i + chunk))));
    for (const recipient of found) byLabel.set(recipient.labelKey, recipient);
  }
  return withLocale("en", () =>
    rows.map((row): StoredRow => {
      if (!row.recipient) return { ...row, recipientId: null };
      const recipient = byLabel.get(labelKey(row.recipient));
      if (!recipient) return { ...row, value: null, problems: { recipient: msg("server.batches.row.unknownRecipient", { label: row.recipient }) }, recipientId: null };
      const own = validateBatchRow({ ...row.raw, amount: "1", note: "" });
      const named = row.raw.wallet !== "" || row.raw.phone !== "";
      if (named && (own.value?.wallet !== recipient.wallet || own.value?.phone !== recipient.phone)) {
        return { ...row, value: null, problems: { recipient: msg("server.batches.row.recipientOtherNumber", { label: recipient.label }) }, recipientId: null };
      }
      const raw = {
        wallet: walletLabel[recipient.wallet],
        phone: recipient.phone,
        amount: row.raw.amount !== "" ? row.raw.amount : recipient.defaultAmount === null ? "" : String(recipient.defaultAmount),
        note: row.raw.note !== "" ? row.raw.note : (recipient.defaultMemo ?? ""),
      };
      const checked = validateBatchRow(raw);
      return { ...row, raw, value: checked.value, problems: { ...checked.problems }, recipientId: recipient.id };
    }),
  );
}
