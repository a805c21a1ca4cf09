"use client";

import { TriangleAlert } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import { useFormat } from "@/components/i18n/use-format";
import { useBadges } from "@/components/notifications/badges";
import type { Role } from "@/lib/users/schemas";
import { ResumeSendingButton, type ResumeSending } from "./resume-sending";

/**
 * The banner of the signed-in shell while sending is paused on a deposit alert (docs/deposit-alerts.md#what-people-see):
 * on every page, for every role, from the state the badges poll carries (so it appears and goes without a reload).
 * Admins get "Resume sending" and a link to the Sending page.
 */
export function PauseBanner({ role, resume }: { role: Role; resume: ResumeSending }) {
  const t = useTranslations("sending.banner");
  const format = useFormat();
  const sending = useBadges().sending;
  // Hidden at once after this admin's resume, before the next poll says so.
  const [resumedHere, setResumedHere] = useState<number | null>(null);
  if (!sending?.paused || sending.pauseId === resumedHere) return null;
  const since = new Date(sending.since);
  const today = format.date(since) === format.date(new Date());
  return (
    <div role="alert" className="mb-4 flex flex-wrap items-start gap-3 rounded-lg border border-danger/40 bg-danger-soft p-3 text-sm sm:p-4" data-testid="sending-paused-banner">
      <TriangleAlert aria-hidden className="mt-0.5 size-5 shrink-0 text-danger" />
      <div className="min-w-0 flex-1 basis-60">
        <p className="font-semibold break-words">{t("paused", { at: today ? format.time(since) : format.dateTime(since) })}</p>
        <p className="mt-1 break-words text-ink-muted">{role === "admin" ? t("detailAdmin") : t("detail")}</p>
      </div>
      {role === "admin" ? (
        <div className="flex flex-wrap items-center gap-3">
          <Link href="/admin/sending" className="inline-flex min-h-6 items-center text-brand underline-offset-2 hover:underline">
            {t("details")}
          </Link>
          <ResumeSendingButton pauseId={sending.pauseId} resume={resume} onResumed={() => setResumedHere(sending.pauseId)} />
        </div>
      ) : null}
    </div>
  );
}
