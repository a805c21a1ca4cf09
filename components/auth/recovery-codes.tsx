"use client";

import Link from "next/link";
import { useState } from "react";
import { Button, buttonVariants } from "@/components/ui/button";

/** The ten recovery codes, shown once: the person must say they saved them before going on. */
export function RecoveryCodes({ codes, continueTo }: { codes: string[]; continueTo?: string }) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);
  const text = codes.join("\n");
  return (
    <section aria-labelledby="recovery-codes-title" className="flex flex-col gap-4">
      <div>
        <h2 id="recovery-codes-title" className="text-base font-semibold">
          Save your recovery codes
        </h2>
        <p className="mt-1 text-sm text-ink-muted">
          If you lose your phone, each of these codes signs you in once. They are shown only now: print them or keep them in a
          password manager, not on the phone.
        </p>
      </div>
      <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-2 rounded-md border border-line bg-canvas p-3 font-mono text-sm">
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
          {copied ? "Copied" : "Copy codes"}
        </Button>
        <a
          className={buttonVariants({ variant: "secondary", size: "sm" })}
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(`Cash In Payouts recovery codes\n\n${text}\n`)}`}
          download="cashin-payouts-recovery-codes.txt"
        >
          Download
        </a>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} className="size-4" />I have saved these codes
      </label>
      {continueTo ? (
        saved ? (
          <Link href={continueTo} className={buttonVariants({ className: "w-full" })}>
            Continue
          </Link>
        ) : (
          <Button disabled className="w-full">
            Continue
          </Button>
        )
      ) : null}
    </section>
  );
}
