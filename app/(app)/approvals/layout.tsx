import type { ReactNode } from "react";
import { requireUser } from "@/lib/auth/session";

/**
 * The role is checked here, above the page's loading skeleton: a refusal must answer 403 before anything
 * streams (inside the skeleton's Suspense boundary the status would already be 200).
 */
export default async function ApprovalsLayout({ children }: { children: ReactNode }) {
  await requireUser(["manager"]);
  return children;
}
