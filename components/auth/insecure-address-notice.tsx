"use client";

import { useSyncExternalStore } from "react";
import { insecureSignIn } from "@/lib/auth/secure-origin";

const noSubscription = () => () => {};

/**
 * docs/production.md#https: over plain http (not loopback) the browser drops the Secure session cookie, and
 * signing in would only bring the person back here. Judged from the address bar, which only the browser knows
 * for sure; the server renders nothing.
 */
export function InsecureAddressNotice({ secureCookies, authUrl }: { secureCookies: boolean; authUrl: string | undefined }) {
  const pageUrl = useSyncExternalStore(noSubscription, () => window.location.href, () => null);
  const insecure = pageUrl ? insecureSignIn({ pageUrl, secureCookies, authUrl }) : null;
  if (!insecure) return null;
  return (
    <div role="alert" className="mb-4 space-y-1 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
      <p className="font-medium">Signing in cannot work at this address.</p>
      <p>
        This address uses plain http ({insecure.address}). The session cookie is only sent over HTTPS, so after signing in you would
        land back here.{" "}
        {insecure.secureSignIn ? (
          <>
            Open <a className="font-medium underline" href={insecure.secureSignIn}>{insecure.secureSignIn}</a> instead.
          </>
        ) : (
          <>Open the app&apos;s https:// address instead, or ask your IT team to put it behind an HTTPS proxy (docs/production.md).</>
        )}
      </p>
    </div>
  );
}
