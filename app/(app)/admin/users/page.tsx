import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { UsersAdmin } from "@/components/admin/users-admin";
import { PageHeader } from "@/components/shell/app-shell";
import { db } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { getFormat } from "@/components/i18n/get-format";
import { secondFactorRequiredForAll } from "@/lib/auth/second-factor";
import { listUsers } from "@/lib/users/service";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("users");
  return { title: t("title") };
}

export default async function UsersPage() {
  const admin = await requireUser(["admin"]);
  const t = await getTranslations("users");
  const format = await getFormat();
  const now = new Date();
  const later = (at: Date | null) => (at && at > now ? format.dateTime(at) : null);
  const users = (await listUsers(db())).map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    active: u.active,
    createdAt: format.date(u.createdAt),
    secondFactor: u.secondFactorEnrolledAt !== null,
    secondFactorLockedUntil: later(u.secondFactorLockedUntil),
    temporaryPassword: u.temporaryPasswordExpiresAt ? { expired: u.temporaryPasswordExpiresAt <= now, until: format.dateTime(u.temporaryPasswordExpiresAt) } : null,
    approvalHoldUntil: u.role === "manager" ? later(u.approvalHoldUntil) : null,
  }));
  const secondFactorForAll = await secondFactorRequiredForAll(db());
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <UsersAdmin users={users} currentUserId={admin.id} secondFactorForAll={secondFactorForAll} />
    </>
  );
}
