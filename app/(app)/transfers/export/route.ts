import type { NextRequest } from "next/server";
import { db } from "@/db/client";
import { parseHistoryFilters } from "@/lib/transfers/history-filters";
import { streamTransfersCsv } from "@/lib/transfers/export";
import type { Role } from "@/db/schema";
import { recordAuditNow } from "@/lib/audit/record";
import { clientIp } from "@/lib/auth/client-ip";
import { checkSession } from "@/lib/auth/session";
import { csvDownload } from "@/lib/csv";

export const dynamic = "force-dynamic";

/** docs/roles.md#who-may-do-what: every role may export the history. Checked here all the same, like every handler. */
const exportRoles: readonly Role[] = ["staff", "manager", "admin"];

/** The history's filtered set as CSV (the page's query string, all pages), streamed in batches. */
export async function GET(request: NextRequest) {
  const check = await checkSession();
  if (check.status !== "ok") {
    return new Response("Sign in to export transfers.\n", { status: 401, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const { user } = check;
  const ip = clientIp(request.headers);
  if (!exportRoles.includes(user.role)) {
    recordAuditNow(db(), { actor: user, action: "access.denied", target: { type: "route", id: "transfer.export" }, ip });
    return new Response("You do not have permission to export transfers.\n", { status: 403 });
  }

  const filters = parseHistoryFilters(request.nextUrl.searchParams);
  const { page: _page, pageSize: _pageSize, ...exported } = filters;
  recordAuditNow(db(), { actor: user, action: "transfer.export", target: { type: "transfer" }, after: { filters: exported }, ip });

  return csvDownload(streamTransfersCsv(db(), filters), "transfers");
}
