"use client";

import { useTranslations } from "next-intl";
import { useSyncExternalStore } from "react";
import { insecureSignIn } from "@/lib/auth/secure-origin";

const noSubscription = () => () => {};

/**
 * docs/production.md#https: over plain http (not loopback) the browser drops the Secure session cookie, and
 * signing in would only bring the person back here. Judged from the address bar, which only the browser knows
 * for sure; the server renders nothing.
 */
export function InsecureAddressNotice({ secureCookies, authUrl }: { secureCookies: boolean; authUrl: string | undefined }) {
  const t = useTranslations("auth");
  const pageUrl = useSyncExternalStore(noSubscription, () => window.location.href, () => null);
  const insecure = pageUrl ? insecureSignIn({ pageUrl, secureCookies, authUrl }) : null;
  if (!insecure) return null;
  return (
    <div role="alert" className="mb-4 space-y-1 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
      <p className="font-medium">{t("insecureTitle")}</p>
      <p className="break-words">
        {t("insecureBody", { address: insecure.address })}{" "}
        {insecure.secureSignIn
          ? t.rich("insecureOpen", {
              url: insecure.secureSignIn,
              link: (chunks) => (
                <a className="font-medium break-all underline" href={insecure.secureSignIn!}>
                  {chunks}
                </a>
              ),
            })
          : t("insecureNoUrl")}
      </p>
    </div>
  );
}
