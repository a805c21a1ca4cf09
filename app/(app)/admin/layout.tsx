import type { ReactNode } from "react";
import { requireUser } from "@/lib/auth/session";

/** Every admin page: the role is checked above the loading skeletons, so a refusal still answers 403 (see approvals/layout.tsx). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireUser(["admin"]);
  return children;
}
