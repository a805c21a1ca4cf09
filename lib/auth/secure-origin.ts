/**
 * docs/production.md#https: under `next start` the session cookie is Secure (lib/auth/auth.config.ts), so a
 * browser keeps it only from an https:// page, or from a loopback one (browsers treat http://localhost as
 * secure). Shared by the start-up check (lib/env.ts) and the sign-in page, which runs it in the browser.
 */

/** localhost, *.localhost, 127.0.0.0/8 and ::1: the hosts browsers trust over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return host === "localhost" || host.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(host) || host === "::1";
}

/** Whether a browser at this address would drop a Secure cookie: plain http to a host that is not loopback. */
export function dropsSecureCookies(url: URL): boolean {
  return url.protocol === "http:" && !isLoopbackHost(url.hostname);
}

export type InsecureSignIn = {
  /** The origin the person opened, e.g. http://10.0.0.5:3000. */
  address: string;
  /** Where signing in works: AUTH_URL's sign-in page when AUTH_URL is https, else unknown. */
  secureSignIn: string | null;
};

/**
 * Why signing in cannot work at this page, or null when it can. Judged from the address the browser shows
 * (`window.location`), not from request headers: a proxy that forgets X-Forwarded-Proto would otherwise make
 * a working https:// page look like http.
 */
export function insecureSignIn({
  pageUrl,
  secureCookies,
  authUrl,
}: {
  pageUrl: string;
  secureCookies: boolean;
  authUrl: string | undefined;
}): InsecureSignIn | null {
  if (!secureCookies) return null;
  const page = new URL(pageUrl);
  if (!dropsSecureCookies(page)) return null;
  const configured = parseUrl(authUrl);
  const secureSignIn = configured?.protocol === "https:" ? new URL("/login", configured.origin).href : null;
  return { address: page.origin, secureSignIn };
}

// Not URL.parse: older browsers still in use lack it, and this runs in the browser.
function parseUrl(raw: string | undefined): URL | null {
  try {
    return raw ? new URL(raw) : null;
  } catch {
    return null;
  }
}
