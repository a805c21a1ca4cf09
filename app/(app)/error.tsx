"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { startTransition } from "react";
import { Button } from "@/components/ui/button";

/**
 * A page that failed on the server, inside the app's frame (the navigation still works). The reference is the
 * digest Next.js gives the error; the server's log line for it carries the same digest and the request id
 * (instrumentation.ts, docs/monitoring.md#logs), so an admin finds the cause from what the person reads out.
 */
export default function SignedInError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("errors");
  const router = useRouter();
  return (
    <div role="alert" className="mx-auto max-w-lg rounded-lg border border-danger/30 bg-surface p-6 shadow-sm">
      <h1 className="text-lg font-semibold">{t("somethingWentWrong")}</h1>
      <p className="mt-2 text-sm text-ink-muted">{t("somethingWentWrongBody")}</p>
      {error.digest ? (
        <p className="mt-3 font-mono text-sm" data-testid="error-reference">
          {t("reference", { reference: error.digest })}
        </p>
      ) : null}
      <div className="mt-5 flex flex-wrap gap-2">
        <Button
          onClick={() =>
            startTransition(() => {
              router.refresh();
              reset();
            })
          }
        >
          {t("tryAgain")}
        </Button>
        <Link href="/" className="inline-flex h-9 items-center rounded-md px-3 text-sm font-medium text-brand hover:underline">
          {t("goToOverview")}
        </Link>
      </div>
    </div>
  );
}
