import { readinessOfThisProcess } from "@/lib/ops/readiness";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

/**
 * For load balancers and the container's HEALTHCHECK (docs/monitoring.md#get-apiready): 200 when this
 * process can do its work, 503 naming the failed checks otherwise. Public, so it says what failed in words
 * and leaves the underlying errors to the server's log.
 */
export async function GET() {
  const { ready, checks, causes } = await readinessOfThisProcess();
  if (!ready) log().warn({ checks, causes }, "[ready] not ready");
  return Response.json({ ready, checks }, { status: ready ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
