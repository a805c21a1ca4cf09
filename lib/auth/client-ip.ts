import { signInEnv } from "@/lib/env";
import { log } from "@/lib/log";

/** Set on every request by scripts/peer-address.cjs from the TCP connection; a copy sent by the client is dropped there. */
export const peerAddressHeader = "x-peer-address";

let warnedNoPeerAddress = false;

/**
 * The client's address (docs/sign-in.md#client-address). With no proxy in front (hops 0) it is the TCP
 * peer. Behind n proxies it is the n-th X-Forwarded-For entry from the right: each proxy appends the
 * address it was connected from, so the entries right of that one are our own proxies and everything
 * left of it is whatever the client chose to send.
 */
export function clientIp(headers: Headers, hops = signInEnv().TRUSTED_PROXY_HOPS): string {
  const forwarded = hops > 0 ? (headers.get("x-forwarded-for") ?? "").split(",").map((entry) => entry.trim()) : [];
  // Fewer entries than proxies: the request skipped a proxy, so only the connection itself is known.
  const viaProxies = forwarded.length >= hops ? forwarded[forwarded.length - hops] : undefined;
  const address = viaProxies || headers.get(peerAddressHeader)?.trim();
  if (!address && !warnedNoPeerAddress) {
    warnedNoPeerAddress = true;
    log().warn({ header: peerAddressHeader }, "[client-ip] no peer address header: start the server with npm start, which preloads scripts/peer-address.cjs");
  }
  // A dual-stack server sees IPv4 clients as ::ffff:a.b.c.d: one client, one address, however it connected.
  return (address?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "") || "unknown").slice(0, 64);
}
