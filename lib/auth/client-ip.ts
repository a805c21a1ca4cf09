/**
 * The client's address as the reverse proxy reports it. Next.js fills X-Forwarded-For from the socket
 * when no proxy did; behind a proxy, the proxy must overwrite (not append to) what the client sent.
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || headers.get("x-real-ip")?.trim() || "unknown";
  return ip.slice(0, 64);
}
