import { useTranslations } from "next-intl";
import Link from "next/link";
import { Item, Section } from "@/components/attention/section";
import { useFormat } from "@/components/i18n/use-format";
import type { PauseView } from "@/lib/sending/pause";
import { ResumeSendingButton, type ResumeSending } from "./resume-sending";

/** Needs attention's "Sending paused" (docs/deposit-alerts.md#what-people-see): the open pause, resumable by an admin. */
export function PauseAttention({ pause, canResume, resume }: { pause: PauseView; canResume: boolean; resume: ResumeSending }) {
  const t = useTranslations("sending.attention");
  const format = useFormat();
  const at = format.dateTime(pause.startedAt);
  return (
    <Section id="sending-paused" title={t("title")} count={1} hint={t("hint")}>
      <Item testId="attention-sending-paused">
        <p className="text-sm break-words">{pause.reference ? t("line", { at, reference: pause.reference }) : t("lineNoTransfer", { at })}</p>
        {canResume ? (
          <div className="mt-2 flex flex-wrap items-center gap-3">
            <ResumeSendingButton pauseId={pause.id} resume={resume} />
            <Link href="/admin/sending" className="inline-flex min-h-6 items-center text-sm text-brand underline-offset-2 hover:underline">
              {t("open")}
            </Link>
          </div>
        ) : null}
      </Item>
    </Section>
  );
}
