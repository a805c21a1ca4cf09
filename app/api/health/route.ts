import { db } from "@/db/client";

export const dynamic = "force-dynamic";

/**
 * Liveness (docs/monitoring.md): answers once the app can read its database; scripts and Playwright wait on
 * it. Whether the app can do its work (key, migrations, reconciler) is /api/ready's question, not this one's.
 */
export function GET() {
  db().$client.prepare("select 1").get();
  return Response.json({ ok: true });
}
