import { db } from "@/db/client";
import { checkSession } from "@/lib/auth/session";
import { badgesFor } from "@/lib/notifications/badges";

export const dynamic = "force-dynamic";

/**
 * The navigation's badges for the signed-in person (docs/notifications.md#in-the-app), polled by their
 * browser: counts only, nothing about the items themselves. 401 without a session.
 */
export async function GET() {
  const check = await checkSession();
  if (check.status !== "ok") return Response.json({ error: "Sign in first." }, { status: 401, headers: { "Cache-Control": "no-store" } });
  return Response.json(await badgesFor(db(), check.user), { headers: { "Cache-Control": "no-store" } });
}
