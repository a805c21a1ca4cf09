import type { Metadata } from "next";
import { UsersAdmin } from "@/components/admin/users-admin";
import { PageHeader } from "@/components/shell/app-shell";
import { db } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { formatDate, formatDateTime } from "@/lib/format";
import { secondFactorRequiredForAll } from "@/lib/auth/second-factor";
import { listUsers } from "@/lib/users/service";

export const metadata: Metadata = { title: "Users · Cash In Payouts" };

export default async function UsersPage() {
  const admin = await requireUser(["admin"]);
  const now = new Date();
  const later = (at: Date | null) => (at && at > now ? formatDateTime(at) : null);
  const users = listUsers(db()).map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    active: u.active,
    createdAt: formatDate(u.createdAt),
    secondFactor: u.secondFactorEnrolledAt !== null,
    secondFactorLockedUntil: later(u.secondFactorLockedUntil),
    temporaryPassword: u.temporaryPasswordExpiresAt ? { expired: u.temporaryPasswordExpiresAt <= now, until: formatDateTime(u.temporaryPasswordExpiresAt) } : null,
    approvalHoldUntil: u.role === "manager" ? later(u.approvalHoldUntil) : null,
  }));
  return (
    <>
      <PageHeader title="Users" description="Who can sign in, and what each person may do." />
      <UsersAdmin users={users} currentUserId={admin.id} secondFactorForAll={secondFactorRequiredForAll(db())} />
    </>
  );
}
