import type { NextRequest } from "next/server";
import { db } from "@/db/client";
import { parseHistoryFilters } from "@/lib/transfers/history-filters";
import { streamTransfersCsv, streamTransfersXlsx } from "@/lib/transfers/export";
import type { Role } from "@/db/schema";
import { recordAuditNow } from "@/lib/audit/record";
import { clientIp } from "@/lib/auth/client-ip";
import { checkSession } from "@/lib/auth/session";
import { requestLocale } from "@/lib/i18n/request-locale";
import { exportsTranslator } from "@/lib/spreadsheet/labels";
import { exportDownload, exportFormat } from "@/lib/spreadsheet/download";

export const dynamic = "force-dynamic";

/** docs/roles.md#who-may-do-what: every role may export the history. Checked here all the same, like every handler. */
const exportRoles: readonly Role[] = ["staff", "manager", "admin"];

const plainText = { "Content-Type": "text/plain; charset=utf-8" };

/**
 * The history's filtered set (the page's query string, all pages), streamed in batches: CSV, or with
 * `format=xlsx` the same rows as an Excel workbook. Headers and statuses in the reader's language.
 */
export async function GET(request: NextRequest) {
  const locale = await requestLocale();
  const t = exportsTranslator(locale);
  const check = await checkSession();
  if (check.status !== "ok") return new Response(`${t("refused.signInTransfers")}\n`, { status: 401, headers: plainText });
  const { user } = check;
  const ip = clientIp(request.headers);
  if (!exportRoles.includes(user.role)) {
    await recordAuditNow(db(), { actor: user, action: "access.denied", target: { type: "route", id: "transfer.export" }, ip });
    return new Response(`${t("refused.forbiddenTransfers")}\n`, { status: 403, headers: plainText });
  }

  const format = exportFormat(request.nextUrl.searchParams);
  const filters = parseHistoryFilters(request.nextUrl.searchParams);
  const { page: _page, pageSize: _pageSize, ...exported } = filters;
  await recordAuditNow(db(), { actor: user, action: "transfer.export", target: { type: "transfer" }, after: { filters: exported, format }, ip });

  const stream = format === "xlsx" ? streamTransfersXlsx(db(), filters, { locale }) : streamTransfersCsv(db(), filters, { locale });
  return exportDownload(stream, "transfers", format);
}
