import { db } from "@/db/client";

export const dynamic = "force-dynamic";

/** For scripts and Playwright to wait on: answers once the app can read its database. */
export function GET() {
  db().$client.prepare("select 1").get();
  return Response.json({ ok: true });
}
