"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button, buttonVariants } from "@/components/ui/button";

/** The ten recovery codes, shown once: the person must say they saved them before going on. */
export function RecoveryCodes({ codes, continueTo }: { codes: string[]; continueTo?: string }) {
  const t = useTranslations("auth");
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);
  const text = codes.join("\n");
  return (
    <section aria-labelledby="recovery-codes-title" className="flex flex-col gap-4">
      <div>
        <h2 id="recovery-codes-title" className="text-base font-semibold">
          {t("recoveryTitle")}
        </h2>
        <p className="mt-1 text-sm text-ink-muted">
          {t("recoveryBody")}
        </p>
      </div>
      <ul aria-label={t("recoveryListLabel")} className="grid grid-cols-2 gap-2 rounded-md border border-line bg-canvas p-3 font-mono text-sm">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          size="sm"
          onClick={() => {
            void navigator.clipboard?.writeText(text).then(() => setCopied(true));
          }}
        >
          {copied ? t("copied") : t("copyCodes")}
        </Button>
        <a
          className={buttonVariants({ variant: "secondary", size: "sm" })}
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(`${t("recoveryFileHeading")}\n\n${text}\n`)}`}
          download="cashin-payouts-recovery-codes.txt"
        >
          {t("download")}
        </a>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} className="size-4" />
        {t("recoverySaved")}
      </label>
      {continueTo ? (
        saved ? (
          <Link href={continueTo} className={buttonVariants({ className: "w-full" })}>
            {t("continue")}
          </Link>
        ) : (
          <Button disabled className="w-full">
            {t("continue")}
          </Button>
        )
      ) : null}
    </section>
  );
}
