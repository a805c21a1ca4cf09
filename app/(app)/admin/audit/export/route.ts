import type { NextRequest } from "next/server";
import { db } from "@/db/client";
import { parseAuditFilters } from "@/lib/audit/filters";
import { streamAuditCsv } from "@/lib/audit/queries";
import { recordAuditNow } from "@/lib/audit/record";
import { clientIp } from "@/lib/auth/client-ip";
import { checkSession } from "@/lib/auth/session";
import { csvDownload } from "@/lib/csv";
import { requestLocale } from "@/lib/i18n/request-locale";
import { exportsTranslator } from "@/lib/spreadsheet/labels";

export const dynamic = "force-dynamic";

const plainText = { "Content-Type": "text/plain; charset=utf-8" };

/** The audit trail's filtered entries as CSV, oldest first, streamed. Admins only (docs/roles.md#who-may-do-what). */
export async function GET(request: NextRequest) {
  const t = exportsTranslator(await requestLocale());
  const check = await checkSession();
  if (check.status !== "ok") return new Response(`${t("refused.signInAudit")}\n`, { status: 401, headers: plainText });
  const ip = clientIp(request.headers);
  if (check.user.role !== "admin") {
    await recordAuditNow(db(), { actor: check.user, action: "access.denied", target: { type: "route", id: "audit.export" }, ip });
    return new Response(`${t("refused.forbiddenAudit")}\n`, { status: 403, headers: plainText });
  }
  const { before: _before, ...filters } = parseAuditFilters(request.nextUrl.searchParams);
  await recordAuditNow(db(), { actor: check.user, action: "audit.export", target: { type: "audit" }, after: { filters }, ip });
  return csvDownload(streamAuditCsv(db(), filters, t), "audit");
}
