import type { NextRequest } from "next/server";
import { db } from "@/db/client";
import { streamBatchResultsCsv, streamBatchResultsXlsx } from "@/lib/batches/export";
import { batchReference } from "@/lib/batches/queries";
import { recordAuditNow } from "@/lib/audit/record";
import { clientIp } from "@/lib/auth/client-ip";
import { checkSession } from "@/lib/auth/session";
import { requestLocale } from "@/lib/i18n/request-locale";
import { routeId } from "@/lib/route-id";
import { exportsTranslator } from "@/lib/spreadsheet/labels";
import { exportDownload, exportFormat } from "@/lib/spreadsheet/download";

export const dynamic = "force-dynamic";

const plainText = { "Content-Type": "text/plain; charset=utf-8" };

/**
 * "Export results": every row of one batch in file order, with its final status and Cash In reference, as CSV
 * or (`format=xlsx`) as an Excel workbook, in the reader's language. Any role, like the history.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const locale = await requestLocale();
  const t = exportsTranslator(locale);
  const check = await checkSession();
  if (check.status !== "ok") return new Response(`${t("refused.signInBatch")}\n`, { status: 401, headers: plainText });
  const id = routeId((await params).id);
  const batch = id === undefined ? undefined : await batchReference(db(), id);
  if (!batch) return new Response(`${t("refused.noBatch")}\n`, { status: 404, headers: plainText });
  const format = exportFormat(request.nextUrl.searchParams);
  await recordAuditNow(db(), { actor: check.user, action: "batch.export", target: { type: "batch", id: batch.id }, after: { format }, ip: clientIp(request.headers) });
  const stream = format === "xlsx" ? streamBatchResultsXlsx(db(), batch.id, { locale }) : streamBatchResultsCsv(db(), batch.id, { locale });
  return exportDownload(stream, `batch-${batch.reference}`, format);
}
