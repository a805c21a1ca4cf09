import type { NextRequest } from "next/server";
import { checkSession } from "@/lib/auth/session";
import { requestLocale } from "@/lib/i18n/request-locale";
import { exportsTranslator } from "@/lib/spreadsheet/labels";
import { exportFormat, xlsxContentType } from "@/lib/spreadsheet/download";
import { batchTemplateCsv, batchTemplateXlsx } from "@/lib/spreadsheet/template";

export const dynamic = "force-dynamic";

/**
 * The batch template in the reader's language (docs/batches.md#1-upload): CSV, or with `format=xlsx` an Excel
 * workbook with instructions. For anyone signed in, like the upload it is made for.
 */
export async function GET(request: NextRequest) {
  const locale = await requestLocale();
  const check = await checkSession();
  if (check.status !== "ok") {
    return new Response(`${exportsTranslator(locale)("refused.signInTemplate")}\n`, { status: 401, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const name = locale === "id" ? "templat-batch" : "batch-template";
  const headers = (extension: string, type: string) => ({ "Content-Type": type, "Content-Disposition": `attachment; filename="${name}.${extension}"`, "Cache-Control": "no-store" });
  if (exportFormat(request.nextUrl.searchParams) === "xlsx") return new Response(await batchTemplateXlsx(locale), { headers: headers("xlsx", xlsxContentType) });
  return new Response(batchTemplateCsv(locale), { headers: headers("csv", "text/csv; charset=utf-8") });
}
