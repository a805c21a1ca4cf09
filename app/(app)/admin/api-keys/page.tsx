import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ApiKeysAdmin } from "@/components/admin/api-keys";
import { getFormat } from "@/components/i18n/get-format";
import { PageHeader } from "@/components/shell/app-shell";
import { db } from "@/db/client";
import { approvesFrom } from "@/lib/api/authenticate";
import { keyOwners, listApiKeys } from "@/lib/api/key-admin";
import { admins } from "@/lib/auth/action";
import { requireUser } from "@/lib/auth/session";
import { jakartaDate } from "@/lib/jakarta";
import { createApiKeyAction, revokeApiKeyAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("apiKeys");
  return { title: t("title") };
}

export default async function ApiKeysPage() {
  await requireUser(admins);
  const t = await getTranslations("apiKeys");
  const format = await getFormat();
  const now = new Date();
  const keys = (await listApiKeys(db(), now)).map((key) => ({
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    allowedIps: key.allowedIps,
    owner: { name: key.ownerName, email: key.ownerEmail },
    createdAt: format.dateTime(key.createdAt),
    // The key works until the end of its last day: shown as that day.
    expiresOn: key.expiresAt ? format.date(new Date(key.expiresAt.getTime() - 1)) : null,
    lastUsed: key.lastUsedAt ? { at: format.dateTime(key.lastUsedAt), ip: key.lastUsedIp ?? "" } : null,
    revokedAt: key.revokedAt ? format.dateTime(key.revokedAt) : null,
    // An approve key approves from 24 hours after its manager showed it (docs/api.md#keys).
    approvesFrom: key.scopes.includes("payouts:approve") && key.issuedAt && approvesFrom(key) > now ? format.dateTime(approvesFrom(key)) : null,
    state: key.state,
  }));
  const owners = await keyOwners(db());
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <ApiKeysAdmin keys={keys} owners={owners} today={jakartaDate(now)} create={createApiKeyAction} revoke={revokeApiKeyAction} />
    </>
  );
}
