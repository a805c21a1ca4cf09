import type { ReactNode } from "react";
import { requireUser } from "@/lib/auth/session";

/** The role is checked above the loading skeleton, so a refusal still answers 403 (see approvals/layout.tsx). */
export default async function AttentionLayout({ children }: { children: ReactNode }) {
  await requireUser(["manager", "admin"]);
  return children;
}
