import "server-only";
import { lookup as dnsLookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import type { Words } from "@/lib/transfers/words";

/**
 * The SSRF guard of webhook endpoints (docs/webhooks.md#where-webhooks-may-go). A webhook is a request our server makes
 * to an address an admin typed: without this guard it could reach the machine itself, the office network or a cloud
 * metadata service. Checked when an endpoint is saved AND before each delivery, and the delivery connects to the very
 * address that was checked (no second DNS answer in between: no DNS rebinding).
 *
 * - `https:` only, unless private addresses are allowed (below); no user name or password in the URL; any port.
 * - Every address the host resolves to must be public unicast: private (10/8, 172.16/12, 192.168/16), loopback,
 *   link-local (169.254/16, where cloud metadata lives, fe80::/10), unique-local (fc00::/7), CGNAT (100.64/10),
 *   multicast, unspecified, broadcast and reserved ranges are refused, IPv4-mapped IPv6 is read as the IPv4 it carries.
 *   Other IPv6 only inside global unicast 2000::/3, outside its named special ranges (documentation, NAT64 …).
 * - Outside production (`NODE_ENV` not `production`) or with `WEBHOOKS_ALLOW_PRIVATE=1` (tests and development only,
 *   never on a merchant's server), loopback (127.0.0.0/8, ::1) is allowed, over http too, so a test can run its
 *   receiver on 127.0.0.1. The other private ranges stay refused.
 */

export type UrlPolicy = { allowLoopback: boolean };

/** The policy of this process: loopback only outside production or with WEBHOOKS_ALLOW_PRIVATE=1. */
export function urlPolicyFrom(source: Record<string, string | undefined> = process.env): UrlPolicy {
  return { allowLoopback: source.NODE_ENV !== "production" || source.WEBHOOKS_ALLOW_PRIVATE?.trim() === "1" };
}

export type Resolved = { address: string; family: 4 | 6 };
/** All the addresses a host name resolves to (injectable for tests). */
export type Resolver = (host: string) => Promise<Resolved[]>;

export const systemResolver: Resolver = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export const maxUrlLength = 2000;
/** A host name look-up that takes longer is given up (it counts as a failed attempt), so an attempt stays within its lease. */
export const lookupTimeoutMs = 5_000;

export type Target = { url: URL; address: string; family: 4 | 6 };
export type UrlVerdict = { ok: true; target: Target } | { ok: false; problem: Words };

/** 2000::/3, the only IPv6 addresses webhooks may reach (before the named special ranges inside it). */
const globalUnicast = ipaddr.parseCIDR("2000::/3");

/** Why an address is refused, or null when it may be reached. */
export function addressProblem(address: string, policy: UrlPolicy): Words | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return (t) => t("server.webhooks.url.notUrl");
  }
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  // IPv6 only inside global unicast (2000::/3): ipaddr.js calls everything it has no name for "unicast", the
  // IPv4-compatible ::7f00:1 (which may reach 127.0.0.1) included. The named ranges inside 2000::/3 (documentation,
  // Teredo, 6to4, benchmarking, ORCHID, AS112 …) are not "unicast" and stay refused below.
  if (range === "unicast" && (parsed.kind() === "ipv4" || parsed.match(globalUnicast))) return null;
  if (range === "loopback" && policy.allowLoopback) return null;
  const shown = parsed.toString();
  switch (range) {
    case "loopback":
      return (t) => t("server.webhooks.url.loopback", { address: shown });
    case "private":
      return (t) => t("server.webhooks.url.private", { address: shown });
    case "linkLocal":
      return (t) => t("server.webhooks.url.linkLocal", { address: shown });
    case "uniqueLocal":
      return (t) => t("server.webhooks.url.uniqueLocal", { address: shown });
    case "carrierGradeNat":
      return (t) => t("server.webhooks.url.cgnat", { address: shown });
    case "multicast":
    case "broadcast":
      return (t) => t("server.webhooks.url.multicast", { address: shown });
    case "unspecified":
      return (t) => t("server.webhooks.url.unspecified", { address: shown });
    default:
      // Reserved, documentation, benchmarking, 6to4, Teredo, NAT64 (which can wrap a private IPv4), and the like.
      return (t) => t("server.webhooks.url.reserved", { address: shown });
  }
}

/** What the URL itself says, before any DNS: scheme, credentials, host. Shared by the save and each delivery. */
export function urlProblem(raw: string, policy: UrlPolicy): { ok: true; url: URL } | { ok: false; problem: Words } {
  const text = raw.trim();
  if (text.length > maxUrlLength) return { ok: false, problem: (t) => t("server.webhooks.url.tooLong", { max: maxUrlLength }) };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: (t) => t("server.webhooks.url.notUrl") };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, problem: (t) => t("server.webhooks.url.https") };
  if (url.username || url.password) return { ok: false, problem: (t) => t("server.webhooks.url.credentials") };
  if (url.protocol === "http:") {
    // Plain http only to this machine, and only where loopback is allowed (tests, development).
    const host = bareHost(url);
    const literal = ipaddr.isValid(host) ? ipaddr.parse(host) : null;
    const loopback = host === "localhost" || (literal !== null && literal.range() === "loopback");
    if (!policy.allowLoopback || !loopback) return { ok: false, problem: (t) => t("server.webhooks.url.https") };
  }
  return { ok: true, url };
}

/** The host without IPv6 brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * The whole check: the URL, then every address its host resolves to (all must pass: a name with one public and one
 * private address is refused), the look-up given up after `timeoutMs`. The first address is the one to connect to.
 */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy, resolve: Resolver = systemResolver, timeoutMs = lookupTimeoutMs): Promise<UrlVerdict> {
  const read = urlProblem(raw, policy);
  if (!read.ok) return read;
  const host = bareHost(read.url);
  let addresses: Resolved[];
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: ipaddr.parse(host).kind() === "ipv6" ? 6 : 4 }];
  else {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), timeoutMs)));
    try {
      const answer = await Promise.race([resolve(host), late]);
      if (answer === "late") return { ok: false, problem: (t) => t("server.webhooks.url.lookupTimeout", { host, seconds: timeoutMs / 1000 }) };
      addresses = answer;
    } catch {
      addresses = [];
    } finally {
      clearTimeout(timer);
    }
    if (addresses.length === 0) return { ok: false, problem: (t) => t("server.webhooks.url.unresolvable", { host }) };
  }
  for (const { address } of addresses) {
    const problem = addressProblem(address, policy);
    if (problem) return { ok: false, problem: host === address ? problem : (t, f) => t("server.webhooks.url.resolvesTo", { host, problem: problem(t, f) }) };
  }
  return { ok: true, target: { url: read.url, ...addresses[0]! } };
}
