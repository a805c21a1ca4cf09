import type { NextRequest } from "next/server";
import { db } from "@/db/client";
import { batchReference, batchResultsCsv } from "@/lib/batches/queries";
import { recordAuditNow } from "@/lib/audit/record";
import { clientIp } from "@/lib/auth/client-ip";
import { checkSession } from "@/lib/auth/session";
import { routeId } from "@/lib/route-id";
import { csvBom, csvDownload, csvStream } from "@/lib/csv";

export const dynamic = "force-dynamic";

/** "Export results": every row of one batch in file order, with its final status and Cash In reference. Any role, like the history. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const check = await checkSession();
  if (check.status !== "ok") {
    return new Response("Sign in to export a batch.\n", { status: 401, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const id = routeId((await params).id);
  const batch = id === undefined ? undefined : batchReference(db(), id);
  if (!batch) return new Response("No such batch.\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  recordAuditNow(db(), { actor: check.user, action: "batch.export", target: { type: "batch", id: batch.id }, ip: clientIp(request.headers) });
  function* chunks() {
    yield csvBom;
    yield* batchResultsCsv(db(), batch!.id);
  }
  return csvDownload(csvStream(chunks()), `batch-${batch.reference}`);
}
