import "server-only";
import { BlockList, isIP } from "node:net";
import { eq } from "drizzle-orm";
import { first, type Db, type DbOrTx } from "@/db/client";
import { policies, type Role } from "@/db/schema";
import type { Person } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/record";
import { msg } from "@/lib/i18n/translate";
import { log } from "@/lib/log";
import { fail, ok, type ActionResult } from "@/lib/result";
import { inEnglish, say, type Words } from "@/lib/transfers/words";
import { allowListPolicyKey, allowListSchema, rulesFor, type AllowList } from "./allow-list-schema";

/*
 * The sign-in allow-list (docs/sign-in-addresses.md): from which addresses each role may sign in. Enforced at
 * sign-in only, after the password is verified (lib/auth/authenticate.ts); a session already open goes on.
 */

export type StoredAllowList =
  | { readable: true; list: AllowList; updatedAt: Date | null; updatedBy: number | null }
  /** The row holds something no save of ours writes (edited by hand): nobody signs in until an admin saves a list again or an operator removes the row. */
  | { readable: false; raw: unknown };

export async function readAllowList(db: DbOrTx): Promise<StoredAllowList> {
  const row = await first(db.select().from(policies).where(eq(policies.key, allowListPolicyKey)).limit(1));
  if (!row) return { readable: true, list: { rules: [] }, updatedAt: null, updatedBy: null };
  // The stored form reads back as itself (the schema's written form is a fixed point), so the save's own checks re-read it.
  const parsed = allowListSchema.safeParse(row.value);
  if (!parsed.success) {
    log().error({ policy: allowListPolicyKey }, "[allow-list] the stored sign-in allow-list cannot be read: sign-in is refused for everyone until it is saved again");
    return { readable: false, raw: row.value };
  }
  return { readable: true, list: parsed.data, updatedAt: row.updatedAt, updatedBy: row.updatedBy };
}

export type AddressVerdict =
  | { allowed: true }
  /** outside: rules apply and none covers the address; unknown: rules apply and the address could not be read; unreadable: the stored list. */
  | { allowed: false; reason: "outside" | "unknown_address" | "unreadable_list" };

/**
 * Whether a person of this role may sign in from this address under this list: when no rule is for their role or
 * for everyone, yes; otherwise only from inside one of those ranges. Matched by Node's net.BlockList, which also
 * matches an IPv4-mapped IPv6 address (::ffff:203.0.113.5) against IPv4 ranges.
 */
export function addressVerdict(stored: StoredAllowList, role: Role, address: string): AddressVerdict {
  if (!stored.readable) return { allowed: false, reason: "unreadable_list" };
  const rules = rulesFor(stored.list, role);
  if (rules.length === 0) return { allowed: true };
  const inside = addressInRanges(rules.map((rule) => rule.cidr), address);
  if (inside === true) return { allowed: true };
  return { allowed: false, reason: inside === false ? "outside" : inside };
}

/**
 * Whether an address is inside one of these ranges (written by `readRange`): the one matcher of the sign-in allow-list
 * and of API keys' addresses (docs/api.md#keys). "unknown_address": not an IP address; "unreadable_list": Node could
 * not read a range (never opens up).
 */
export function addressInRanges(cidrs: readonly string[], address: string): boolean | "unknown_address" | "unreadable_list" {
  const family = isIP(address);
  if (family === 0) return "unknown_address";
  try {
    const ranges = new BlockList();
    for (const cidr of cidrs) {
      const [network, prefix] = cidr.split("/");
      ranges.addSubnet(network!, Number(prefix), isIP(network!) === 4 ? "ipv4" : "ipv6");
    }
    return ranges.check(address, family === 4 ? "ipv4" : "ipv6");
  } catch (error) {
    // Only a list or address Node cannot read gets here: refuse, never open up.
    log().error({ err: error }, "[allow-list] matching failed: refused");
    return "unreadable_list";
  }
}

/** The check at sign-in: the stored list, this role, this address. Read inside the transaction that settles the attempt. */
export async function signInAddressVerdict(db: DbOrTx, role: Role, address: string): Promise<AddressVerdict> {
  return addressVerdict(await readAllowList(db), role, address);
}

/** What a refused person is told: the address, so that they can tell their admin which network to add. */
export function refusedAddressWords(address: string): Words {
  return (t) => (isIP(address) ? t("server.signInAddresses.refused", { address }) : t("server.signInAddresses.refusedUnknown"));
}

/**
 * Saves a new list in one immediate transaction, audited (`policy.sign_in_allow_list`, before and after). Refused,
 * with nothing saved and the refusal audited (`policy.sign_in_allow_list_refused`), when the list would not let the
 * saving admin sign in again from the address they are saving from: an admin cannot lock themself out by mistake.
 */
export function saveAllowList({ db, actor, ip }: { db: Db; actor: Person; ip: string }, list: AllowList): Promise<ActionResult<AllowList>> {
  return db.transaction(
    async (tx): Promise<ActionResult<AllowList>> => {
      const target = { type: "settings", id: allowListPolicyKey } as const;
      const guard = addressVerdict({ readable: true, list, updatedAt: null, updatedBy: null }, "admin", ip);
      if (!guard.allowed) {
        const words: Words = (t) => (isIP(ip) ? t("server.signInAddresses.locksYouOut", { address: ip }) : t("server.signInAddresses.locksYouOutUnknown"));
        await recordAudit(tx, { actor, action: "policy.sign_in_allow_list_refused", target, after: { rules: list.rules, address: ip, refused: inEnglish(words) }, ip });
        const message = say(words);
        return fail("invalid", message, { form: [message] });
      }
      const before = await readAllowList(tx);
      const beforeValue = before.readable ? before.list : before.raw;
      if (before.readable && JSON.stringify(before.list) === JSON.stringify(list)) return ok(list, msg("server.signInAddresses.unchanged"));
      const now = new Date();
      await tx
        .insert(policies)
        .values({ key: allowListPolicyKey, value: list, updatedAt: now, updatedBy: actor.id })
        .onConflictDoUpdate({ target: policies.key, set: { value: list, updatedAt: now, updatedBy: actor.id } });
      await recordAudit(tx, { actor, action: "policy.sign_in_allow_list", target, before: beforeValue, after: list, ip, at: now });
      return ok(list, list.rules.length === 0 ? msg("server.signInAddresses.savedEmpty") : msg("server.signInAddresses.saved", { count: list.rules.length }));
    },
  );
}
