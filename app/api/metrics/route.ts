import { appMetrics, refuseScrape } from "@/lib/ops/metrics";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

/**
 * Prometheus scrapes this (docs/monitoring.md#get-apimetrics), only with Authorization: Bearer $METRICS_TOKEN.
 * A refusal is one plain sentence; the header's value is never logged.
 */
export async function GET(request: Request) {
  const refusal = refuseScrape(request.headers.get("authorization"));
  if (refusal) {
    if (refusal.status === 500) log().error({ problem: refusal.message }, "[metrics] refused");
    const headers: Record<string, string> = { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" };
    if (refusal.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="metrics"';
    return new Response(`${refusal.message}\n`, { status: refusal.status, headers });
  }
  const metrics = appMetrics();
  return new Response(await metrics.render(), { headers: { "Content-Type": metrics.contentType, "Cache-Control": "no-store" } });
}
