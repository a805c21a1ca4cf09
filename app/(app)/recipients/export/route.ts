import type { NextRequest } from "next/server";
import { db } from "@/db/client";
import { recordAuditNow } from "@/lib/audit/record";
import { clientIp } from "@/lib/auth/client-ip";
import { checkSession } from "@/lib/auth/session";
import { csvDownload } from "@/lib/csv";
import { requestLocale } from "@/lib/i18n/request-locale";
import { streamRecipientsCsv } from "@/lib/recipients/export";
import { exportsTranslator } from "@/lib/spreadsheet/labels";

export const dynamic = "force-dynamic";

const plainText = { "Content-Type": "text/plain; charset=utf-8" };

/**
 * Every recipient in use as CSV (docs/recipients.md#export): any signed-in role may (docs/roles.md#who-may-do-what),
 * so the session is all there is to check. Headers in the reader's language; audited.
 */
export async function GET(request: NextRequest) {
  const locale = await requestLocale();
  const check = await checkSession();
  if (check.status !== "ok") return new Response(`${exportsTranslator(locale)("refused.signInRecipients")}\n`, { status: 401, headers: plainText });
  await recordAuditNow(db(), { actor: check.user, action: "recipient.export", target: { type: "recipient" }, after: { format: "csv" }, ip: clientIp(request.headers) });
  return csvDownload(await streamRecipientsCsv(db(), { locale }), "recipients");
}
