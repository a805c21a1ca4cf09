import type { Metadata } from "next";
import { UsersAdmin } from "@/components/admin/users-admin";
import { PageHeader } from "@/components/shell/app-shell";
import { db } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { formatDate } from "@/lib/format";
import { listUsers } from "@/lib/users/service";

export const metadata: Metadata = { title: "Users · Cash In Payouts" };

export default async function UsersPage() {
  const admin = await requireUser(["admin"]);
  const users = listUsers(db()).map((u) => ({ ...u, createdAt: formatDate(u.createdAt) }));
  return (
    <>
      <PageHeader title="Users" description="Who can sign in, and what each person may do." />
      <UsersAdmin users={users} currentUserId={admin.id} />
    </>
  );
}
