import { db } from "@/db/client";
import { users } from "@/db/schema";

export const dynamic = "force-dynamic";

/**
 * Liveness (docs/monitoring.md): answers once the app can read its database; scripts and Playwright wait on
 * it. Whether the app can do its work (key, migrations, reconciler) is /api/ready's question, not this one's.
 */
export async function GET() {
  await db().select({ id: users.id }).from(users).limit(1);
  return Response.json({ ok: true });
}
