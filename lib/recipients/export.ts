import "server-only";
import { asc, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { recipients, users } from "@/db/schema";
import { csvStream } from "@/lib/csv";
import type { Locale } from "@/lib/i18n/locales";
import { formatPhone } from "@/lib/phone-display";
import { exportsTranslator } from "@/lib/spreadsheet/labels";
import { csvChunks, type ExportRow, type ExportTable } from "@/lib/spreadsheet/table";
import { walletLabel } from "@/lib/transfers/wallets";

/**
 * "Export all (CSV)" on Recipients (docs/recipients.md#export): every recipient in use, by label. The label, wallet,
 * phone, default amount and default memo columns carry names the import reads in either language
 * (lib/recipients/import.ts), so the file imports back as it is: after archiving, or into another installation.
 */

export function recipientsExportTable(locale: Locale): ExportTable {
  const t = exportsTranslator(locale);
  return {
    sheet: t("recipients.sheet"),
    columns: [
      { header: t("recipients.columns.label"), kind: "text", width: 24 },
      { header: t("recipients.columns.wallet"), kind: "text", width: 11 },
      { header: t("recipients.columns.phone"), kind: "text", width: 16 },
      { header: t("recipients.columns.phoneLocal"), kind: "text", width: 17 },
      { header: t("recipients.columns.ownerName"), kind: "text", width: 24 },
      { header: t("recipients.columns.defaultAmount"), kind: "integer", width: 14 },
      { header: t("recipients.columns.defaultMemo"), kind: "text", width: 30 },
      { header: t("recipients.columns.lastPaid"), kind: "time", width: 20 },
      { header: t("recipients.columns.createdBy"), kind: "text", width: 20 },
    ],
  };
}

/** The rows in the table's order; a time as epoch milliseconds, as the table writes it in Jakarta time. */
export async function recipientExportRows(db: DbOrTx): Promise<ExportRow[]> {
  const rows = await db
    .select({ recipient: recipients, createdByName: users.name })
    .from(recipients)
    .innerJoin(users, eq(users.id, recipients.createdBy))
    .where(isNull(recipients.archivedAt))
    .orderBy(asc(sql`lower(${recipients.label})`));
  return rows.map(({ recipient: r, createdByName }) => [
    r.label,
    walletLabel[r.wallet],
    r.phone,
    formatPhone(r.phone),
    r.ownerName,
    r.defaultAmount,
    r.defaultMemo,
    r.lastPaidAt?.getTime() ?? null,
    createdByName,
  ]);
}

/** The CSV: a team keeps a few hundred recipients, so they are read at once and written as one chunk after the header. */
export async function streamRecipientsCsv(db: DbOrTx, { locale }: { locale: Locale }): Promise<ReadableStream<Uint8Array>> {
  return csvStream(csvChunks(recipientsExportTable(locale), [await recipientExportRows(db)]));
}
