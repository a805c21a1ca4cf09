import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { eq } from "drizzle-orm";
import { getFormat } from "@/components/i18n/get-format";
import { SignInAddressesForm } from "@/components/admin/sign-in-addresses-form";
import { PageHeader } from "@/components/shell/app-shell";
import { db, first } from "@/db/client";
import { users } from "@/db/schema";
import { admins } from "@/lib/auth/action";
import { readAllowList } from "@/lib/auth/allow-list";
import { rangeOfAddress } from "@/lib/auth/allow-list-schema";
import { clientIp } from "@/lib/auth/client-ip";
import { requireUser } from "@/lib/auth/session";
import { saveSignInAllowListAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("signInAddresses");
  return { title: t("title") };
}

export default async function SignInAddressesPage() {
  await requireUser(admins);
  const t = await getTranslations("signInAddresses");
  const format = await getFormat();
  const stored = await readAllowList(db());
  // The address this request came from, by the same rules as the check at sign-in (docs/sign-in.md#client-address).
  const address = clientIp(await headers());
  const changedBy = stored.readable && stored.updatedBy ? (await first(db().select({ name: users.name }).from(users).where(eq(users.id, stored.updatedBy)).limit(1)))?.name : undefined;

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {!stored.readable ? (
        <p role="alert" className="mb-4 max-w-2xl rounded-md border border-danger/40 bg-danger/5 p-3 text-sm text-danger">
          {t("unreadable")}
        </p>
      ) : null}
      {stored.readable && stored.updatedAt && changedBy ? (
        <p className="mb-4 text-sm text-ink-muted">{t("lastChanged", { time: format.dateTime(stored.updatedAt), name: changedBy })}</p>
      ) : null}
      <SignInAddressesForm
        rules={stored.readable ? stored.list.rules : []}
        currentAddress={address === "unknown" ? null : address}
        currentRange={rangeOfAddress(address)}
        save={saveSignInAllowListAction}
      />
    </>
  );
}
