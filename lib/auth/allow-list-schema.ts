import ipaddr from "ipaddr.js";
import { z } from "zod";
import { roles, type Role } from "@/db/schema";
import { msg } from "@/lib/i18n/translate";

/**
 * The sign-in allow-list's rules and their checks (docs/sign-in-addresses.md), shared by the admin's form
 * (react-hook-form resolver, in the browser) and the save on the server: no server-only imports here. The
 * matching itself is on the server only (lib/auth/allow-list.ts, Node's net.BlockList).
 *
 * Ranges are read strictly (zod's IP and CIDR formats: no leading zeros, no "10.1", no zone ids, no "/08")
 * and written one way: a single address as /32 or /128, IPv6 in its short lower-case form, an IPv4-mapped
 * IPv6 range (::ffff:10.0.0.0/104) as the IPv4 range it is (10.0.0.0/8). ipaddr.js, a maintained package
 * that also runs in the browser, gives a range's first address: Node has no call for that.
 */

/** Whom a rule is for: one role, or everyone. */
export const allowListRoles = ["all", ...roles] as const;
export type AllowListRole = (typeof allowListRoles)[number];

export type AllowListRule = { cidr: string; role: AllowListRole; note?: string };
export type AllowList = { rules: AllowListRule[] };

/** The key of the `policies` row; no row (or no rules) = everyone signs in from anywhere. */
export const allowListPolicyKey = "sign_in_allow_list";

export const allowListBounds = { rules: 100, note: 100, typed: 64 } as const;

export type RangeReading =
  | { ok: true; cidr: string }
  | { ok: false; problem: "malformed" }
  /** `10.0.0.1/8`: an address inside a range, not its start. Refused, not widened quietly: the admin may have meant /32. */
  | { ok: false; problem: "hostBits"; network: string; single: string };

/** Reads one typed address or range into its one written form. */
export function readRange(typed: string): RangeReading {
  const text = typed.trim();
  if (z.ipv4().safeParse(text).success) return { ok: true, cidr: `${text}/32` };
  if (z.ipv6().safeParse(text).success) {
    const address = ipaddr.IPv6.parse(text);
    return { ok: true, cidr: address.isIPv4MappedAddress() ? `${address.toIPv4Address().toString()}/32` : `${address.toString()}/128` };
  }
  if (z.cidrv4().safeParse(text).success) {
    const [address, prefix] = ipaddr.IPv4.parseCIDR(text);
    const network = ipaddr.IPv4.networkAddressFromCIDR(text).toString();
    if (network !== address.toString()) return { ok: false, problem: "hostBits", network: `${network}/${prefix}`, single: `${address.toString()}/32` };
    return { ok: true, cidr: `${network}/${prefix}` };
  }
  if (z.cidrv6().safeParse(text).success) {
    const [address, prefix] = ipaddr.IPv6.parseCIDR(text);
    const network = ipaddr.IPv6.networkAddressFromCIDR(text);
    if (network.toString() !== address.toString()) {
      return { ok: false, problem: "hostBits", network: `${shortIPv6(network)}/${prefix}`, single: `${shortIPv6(address)}/128` };
    }
    // An IPv4 client is matched as IPv4 however it connected (lib/auth/client-ip.ts): so is its range.
    if (network.isIPv4MappedAddress() && prefix >= 96) return { ok: true, cidr: `${network.toIPv4Address().toString()}/${prefix - 96}` };
    return { ok: true, cidr: `${shortIPv6(network)}/${prefix}` };
  }
  return { ok: false, problem: "malformed" };
}

function shortIPv6(address: ipaddr.IPv6): string {
  return address.toRFC5952String();
}

/** A client's own address as the range the "add my address" button adds: the address itself for IPv4, its /64 for IPv6. */
export function rangeOfAddress(address: string): string | null {
  if (z.ipv4().safeParse(address).success) return `${address}/32`;
  if (!z.ipv6().safeParse(address).success) return null;
  const parsed = ipaddr.IPv6.parse(address);
  if (parsed.isIPv4MappedAddress()) return `${parsed.toIPv4Address().toString()}/32`;
  // IPv6 clients change their address within their network's /64 (privacy addresses, RFC 8981): the /64 is the place.
  return `${shortIPv6(ipaddr.IPv6.networkAddressFromCIDR(`${address}/64`))}/64`;
}

const roleName = (role: AllowListRole) => msg("server.signInAddresses.forRole", { role });

const ruleSchema = z.object({
  cidr: z
    .string({ error: () => msg("server.signInAddresses.enterRange") })
    .trim()
    .min(1, { error: () => msg("server.signInAddresses.enterRange") })
    .max(allowListBounds.typed, { error: () => msg("server.signInAddresses.tooLong", { max: allowListBounds.typed }) })
    .transform((typed, ctx) => {
      const reading = readRange(typed);
      if (reading.ok) return reading.cidr;
      ctx.addIssue({
        code: "custom",
        message:
          reading.problem === "hostBits"
            ? msg("server.signInAddresses.hostBits", { typed, network: reading.network, single: reading.single })
            : msg("server.signInAddresses.malformed", { typed }),
      });
      return z.NEVER;
    }),
  role: z.enum(allowListRoles, { error: () => msg("server.signInAddresses.chooseRole") }),
  note: z
    .string()
    .trim()
    .max(allowListBounds.note, { error: () => msg("server.signInAddresses.noteTooLong", { max: allowListBounds.note }) })
    .refine((v) => !/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(v), { error: () => msg("server.signInAddresses.noteControlCharacters") })
    .optional()
    .transform((v) => v || undefined),
});

/** The whole list as the form sends it and the server saves it; written form in the output. */
export const allowListSchema = z
  .object({
    rules: z.array(ruleSchema, { error: () => msg("server.signInAddresses.malformedList") }).max(allowListBounds.rules, {
      error: () => msg("server.signInAddresses.tooManyRules", { max: allowListBounds.rules }),
    }),
  })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.rules.forEach((rule, index) => {
      const key = `${rule.role} ${rule.cidr}`;
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["rules", index, "cidr"], message: msg("server.signInAddresses.duplicate", { cidr: rule.cidr, role: roleName(rule.role) }) });
      seen.add(key);
    });
  });

export type AllowListInput = z.input<typeof allowListSchema>;

/** The rules that apply to a person of this role: theirs and everyone's. None: they sign in from anywhere. */
export function rulesFor(list: AllowList, role: Role): AllowListRule[] {
  return list.rules.filter((rule) => rule.role === "all" || rule.role === role);
}
