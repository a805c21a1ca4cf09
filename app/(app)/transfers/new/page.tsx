import { withRequestLocale } from "@/lib/i18n/request-locale";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { getFormat } from "@/components/i18n/get-format";
import { NewTransferForm } from "@/components/transfers/new-transfer-form";
import { PageHeader } from "@/components/shell/app-shell";
import { db } from "@/db/client";
import type { Transfer, User } from "@/db/schema";
import { requireUser } from "@/lib/auth/session";
import { routeId } from "@/lib/route-id";
import { whyNotRetry } from "@/lib/transfers/create";
import { findTransfer } from "@/lib/transfers/lifecycle";
import { getLimits } from "@/lib/transfers/settings";
import { listRecipients } from "@/lib/recipients/service";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("transfers.new");
  return { title: t("title") };
}

export default async function NewTransferPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const t = await getTranslations("transfers.new");
  const format = await getFormat();
  const params = await searchParams;
  const retryOfId = typeof params.retryOf === "string" ? routeId(params.retryOf) : undefined;
  // "Retry as a new transfer": the failed one's wallet, number and amount, looked up and confirmed afresh.
  const original = retryOfId === undefined ? undefined : ((await findTransfer(db(), retryOfId)) ?? undefined);
  // The refusal is worded by the server (lib/transfers/create.ts): in the reader's language, as in an action.
  const retry = original ? await withRequestLocale(async () => retryState(original, user)) : undefined;
  const limits = await getLimits(db());
  // Saved recipients in use, the most recently paid first; `?recipient=` (their Pay link) chooses one.
  const recipients = (await listRecipients(db())).map(({ id, label, wallet, phone, ownerName, defaultAmount, defaultMemo }) => ({ id, label, wallet, phone, ownerName, defaultAmount, defaultMemo }));
  const chosen = typeof params.recipient === "string" && !original ? routeId(params.recipient) : undefined;
  return (
    <>
      <PageHeader title={t("title")} description={t("description", { threshold: format.rupiah(limits.approvalThreshold) })} />
      {retry && !retry.ok ? (
        <p role="alert" className="mb-4 max-w-4xl rounded-md bg-warn-soft px-3 py-2 text-sm break-words text-warn" data-testid="retry-refused">
          {retry.message}{" "}
          {retry.link ? (
            <Link href={retry.link.href} className="font-medium underline">
              {retry.link.kind === "retry" ? t("openRetry") : t("openOriginal", { reference: retry.link.reference })}
            </Link>
          ) : null}
        </p>
      ) : null}
      <NewTransferForm
        key={retry?.ok ? original!.id : `new-${chosen ?? ""}`}
        recipients={original ? [] : recipients}
        recipientId={recipients.some((r) => r.id === chosen) ? chosen : undefined}
        retryOf={retry?.ok ? { id: original!.id, reference: original!.reference, wallet: original!.wallet, phone: original!.phone, amount: original!.amount, memo: original!.memo } : undefined}
      />
    </>
  );
}

type RetryLink = { href: string; kind: "retry" | "original"; reference: string };

/** Whether this person may retry this transfer now; the server checks again when it is sent. */
async function retryState(original: Transfer, user: User): Promise<{ ok: true } | { ok: false; message: string; link?: RetryLink }> {
  const refusal = await whyNotRetry(db(), user, original);
  if (!refusal) return { ok: true };
  const link: RetryLink = refusal.retry
    ? { href: `/transfers/${refusal.retry.id}`, kind: "retry", reference: refusal.retry.reference }
    : { href: `/transfers/${original.id}`, kind: "original", reference: original.reference };
  return { ok: false, message: refusal.message, link };
}
