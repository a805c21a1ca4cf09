import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { auditEntries, loginAttempts, policies, type Role } from "@/db/schema";
import { addressVerdict, readAllowList, saveAllowList, type StoredAllowList } from "@/lib/auth/allow-list";
import { allowListPolicyKey, allowListSchema, rangeOfAddress, readRange, type AllowList, type AllowListInput } from "@/lib/auth/allow-list-schema";
import { authenticate } from "@/lib/auth/authenticate";
import { listFailedSignIns } from "@/lib/auth/sign-in-attempts";
import { createTestDb, insertUser, type TestDb } from "../db";

/** docs/sign-in-addresses.md: who may sign in from where, the form's checks, the lock-out guard, and the check at sign-in. */

const listOf = (...rules: AllowList["rules"]): StoredAllowList => ({ readable: true, list: { rules }, updatedAt: null, updatedBy: null });
const allowed = (stored: StoredAllowList, role: Role, address: string) => addressVerdict(stored, role, address).allowed;
const parse = (rules: AllowListInput["rules"]) => allowListSchema.safeParse({ rules });
const errorsOf = (rules: AllowListInput["rules"]) => {
  const parsed = parse(rules);
  return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join("."), issue.message]));
};

describe("Matching an address against the list", () => {
  it("lets everyone in from anywhere when the list is empty", () => {
    for (const role of ["staff", "manager", "admin"] as const) expect(allowed(listOf(), role, "203.0.113.5")).toBe(true);
  });

  it("admits IPv4 addresses inside a range and refuses those outside", () => {
    const office = listOf({ cidr: "203.0.113.0/24", role: "all" });
    expect(allowed(office, "staff", "203.0.113.0")).toBe(true);
    expect(allowed(office, "staff", "203.0.113.255")).toBe(true);
    expect(allowed(office, "staff", "203.0.114.0")).toBe(false);
    expect(allowed(office, "staff", "198.51.100.7")).toBe(false);
    expect(allowed(listOf({ cidr: "198.51.100.7/32", role: "all" }), "staff", "198.51.100.7")).toBe(true);
    expect(allowed(listOf({ cidr: "198.51.100.7/32", role: "all" }), "staff", "198.51.100.8")).toBe(false);
  });

  it("admits IPv6 addresses inside an IPv6 range, whatever way they are written", () => {
    const v6 = listOf({ cidr: "2001:db8:abcd::/48", role: "all" });
    expect(allowed(v6, "manager", "2001:db8:abcd:12::1")).toBe(true);
    expect(allowed(v6, "manager", "2001:DB8:ABCD:0:0:0:0:1")).toBe(true);
    expect(allowed(v6, "manager", "2001:db8:abce::1")).toBe(false);
    // IPv4 and IPv6 ranges do not stand for each other.
    expect(allowed(v6, "manager", "203.0.113.5")).toBe(false);
    expect(allowed(listOf({ cidr: "203.0.113.0/24", role: "all" }), "manager", "2001:db8:abcd::1")).toBe(false);
  });

  it("matches an IPv4-mapped IPv6 address against IPv4 ranges", () => {
    const office = listOf({ cidr: "203.0.113.0/24", role: "all" });
    expect(allowed(office, "staff", "::ffff:203.0.113.9")).toBe(true);
    expect(allowed(office, "staff", "::ffff:cb00:7109")).toBe(true);
    expect(allowed(office, "staff", "::ffff:198.51.100.9")).toBe(false);
  });

  it("applies a role's own ranges and everyone's; a role with neither signs in from anywhere", () => {
    const list = listOf({ cidr: "10.1.0.0/16", role: "admin" }, { cidr: "10.9.0.0/16", role: "all" });
    expect(allowed(list, "admin", "10.1.2.3")).toBe(true);
    expect(allowed(list, "admin", "10.9.2.3")).toBe(true);
    expect(allowed(list, "admin", "10.2.2.3")).toBe(false);
    // Staff have no range of their own, but the everyone range applies to them.
    expect(allowed(list, "staff", "10.9.2.3")).toBe(true);
    expect(allowed(list, "staff", "10.1.2.3")).toBe(false);

    const adminsOnly = listOf({ cidr: "10.1.0.0/16", role: "admin" });
    expect(allowed(adminsOnly, "admin", "192.0.2.1")).toBe(false);
    expect(allowed(adminsOnly, "manager", "192.0.2.1")).toBe(true);
    expect(allowed(adminsOnly, "staff", "2001:db8::1")).toBe(true);
  });

  it("refuses an address it cannot read, and everyone when the stored list cannot be read", () => {
    const office = listOf({ cidr: "203.0.113.0/24", role: "all" });
    expect(addressVerdict(office, "staff", "unknown")).toEqual({ allowed: false, reason: "unknown_address" });
    expect(addressVerdict(listOf(), "staff", "unknown")).toEqual({ allowed: true });
    expect(addressVerdict({ readable: false, raw: "garbage" }, "staff", "203.0.113.5")).toEqual({ allowed: false, reason: "unreadable_list" });
  });
});

describe("Reading what the admin typed", () => {
  it("writes each address or range one way", () => {
    expect(readRange(" 203.0.113.5 ")).toEqual({ ok: true, cidr: "203.0.113.5/32" });
    expect(readRange("203.0.113.0/24")).toEqual({ ok: true, cidr: "203.0.113.0/24" });
    expect(readRange("2001:DB8:0:0::1")).toEqual({ ok: true, cidr: "2001:db8::1/128" });
    expect(readRange("2001:db8:0::/48")).toEqual({ ok: true, cidr: "2001:db8::/48" });
    expect(readRange("::ffff:203.0.113.5")).toEqual({ ok: true, cidr: "203.0.113.5/32" });
    expect(readRange("::ffff:203.0.113.0/120")).toEqual({ ok: true, cidr: "203.0.113.0/24" });
    expect(readRange("0.0.0.0/0")).toEqual({ ok: true, cidr: "0.0.0.0/0" });
    expect(readRange("::/0")).toEqual({ ok: true, cidr: "::/0" });
  });

  it("refuses a range typed from inside it rather than widening it quietly", () => {
    expect(readRange("10.0.0.1/8")).toEqual({ ok: false, problem: "hostBits", network: "10.0.0.0/8", single: "10.0.0.1/32" });
    expect(readRange("2001:db8::1/32")).toEqual({ ok: false, problem: "hostBits", network: "2001:db8::/32", single: "2001:db8::1/128" });
  });

  it("refuses anything that is not strictly an address or a CIDR range", () => {
    for (const typed of ["", "office", "10.1", "010.0.0.1", "256.0.0.1", "10.0.0.0/33", "10.0.0.0/08", "10.0.0.0/", "/24", "2001:db8::/129", "fe80::1%eth0", "1::2::3", "10.0.0.0/8, 10.1.0.0/16", "10.0.0.0 /8"]) {
      expect(readRange(typed), typed).toEqual({ ok: false, problem: "malformed" });
    }
  });

  it("gives the admin's own address as the range the helper adds: the address for IPv4, its /64 for IPv6", () => {
    expect(rangeOfAddress("203.0.113.5")).toBe("203.0.113.5/32");
    expect(rangeOfAddress("::ffff:203.0.113.5")).toBe("203.0.113.5/32");
    expect(rangeOfAddress("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(rangeOfAddress("unknown")).toBeNull();
  });

  it("says what is wrong with each bad row, and reads good rows into their written form", () => {
    expect(errorsOf([{ cidr: "10.0.0.1/8", role: "all" }])).toEqual({
      "rules.0.cidr": "10.0.0.1/8 is not the start of a range: type 10.0.0.0/8 for the whole range, or 10.0.0.1/32 for this one address",
    });
    expect(errorsOf([{ cidr: "office", role: "all" }])["rules.0.cidr"]).toMatch(/^“office” is not an address or a range/);
    expect(errorsOf([{ cidr: " ", role: "all" }])).toEqual({ "rules.0.cidr": "Type an address or a range, or remove this row" });
    expect(errorsOf([{ cidr: "10.0.0.0/8", role: "everyone" as "all" }])).toEqual({ "rules.0.role": "Choose whom this range is for" });
    expect(errorsOf([{ cidr: "10.0.0.0/8", role: "all", note: "x".repeat(101) }])).toEqual({ "rules.0.note": "A note is at most 100 characters" });
    expect(errorsOf([{ cidr: "10.0.0.0/8", role: "admin" }, { cidr: "10.0.0.0/8", role: "staff" }, { cidr: "10.0.0.0/8 ", role: "admin" }])).toEqual({
      "rules.2.cidr": "10.0.0.0/8 is already on the list for the admins",
    });
    expect(errorsOf(Array.from({ length: 101 }, (_, i) => ({ cidr: `10.0.${i}.0/24`, role: "all" as const })))).toEqual({ rules: "At most 100 ranges" });

    const parsed = parse([{ cidr: "2001:DB8::/32", role: "manager", note: "  Jakarta office " }, { cidr: "203.0.113.5", role: "all", note: "" }]);
    expect(parsed.success && parsed.data).toEqual({ rules: [{ cidr: "2001:db8::/32", role: "manager", note: "Jakarta office" }, { cidr: "203.0.113.5/32", role: "all", note: undefined }] });
  });
});

describe("Saving the list", () => {
  let db: TestDb;
  let admin: { id: number; email: string };
  beforeEach(async () => {
    db = await createTestDb();
    admin = await insertUser(db, { email: "admin@x.test", role: "admin" });
  });
  const save = (rules: AllowListInput["rules"], ip = "203.0.113.5") => {
    const parsed = allowListSchema.parse({ rules });
    return saveAllowList({ db, actor: admin, ip }, parsed);
  };
  const audits = async () => (await db.select().from(auditEntries)).filter((e) => e.action.startsWith("policy."));
  const stored = async () => (await db.select().from(policies).where(eq(policies.key, allowListPolicyKey)).limit(1))[0]?.value;

  it("saves a list that admits the saving admin, audited with before and after", async () => {
    const result = await save([{ cidr: "203.0.113.0/24", role: "all", note: "Office" }]);
    expect(result).toMatchObject({ ok: true, message: "Sign-in addresses saved: 1 range." });
    expect(await stored()).toEqual({ rules: [{ cidr: "203.0.113.0/24", role: "all", note: "Office" }] });
    expect(await audits()).toMatchObject([
      { action: "policy.sign_in_allow_list", actorId: admin.id, targetId: "sign_in_allow_list", before: { rules: [] }, after: { rules: [{ cidr: "203.0.113.0/24", role: "all" }] }, ip: "203.0.113.5" },
    ]);
    expect(await save([{ cidr: "203.0.113.0/24", role: "all", note: "Office" }])).toMatchObject({ ok: true, message: "Nothing changed." });
    expect(await audits()).toHaveLength(1);
  });

  it("refuses a list that would lock the saving admin out: nothing saved, the refusal audited with the address", async () => {
    await save([{ cidr: "203.0.113.0/24", role: "all" }]);
    for (const rules of [
      [{ cidr: "198.51.100.0/24", role: "all" as const }],
      [{ cidr: "198.51.100.0/24", role: "admin" as const }, { cidr: "203.0.113.0/24", role: "staff" as const }],
      [{ cidr: "2001:db8::/32", role: "all" as const }],
    ]) {
      const result = await save(rules);
      expect(result).toEqual({
        ok: false,
        code: "invalid",
        message: "Not saved: this list would not let you sign in again from your current address, 203.0.113.5. Add a range that covers it for admins or for everyone.",
        fieldErrors: { form: ["Not saved: this list would not let you sign in again from your current address, 203.0.113.5. Add a range that covers it for admins or for everyone."] },
      });
    }
    expect(await stored()).toEqual({ rules: [{ cidr: "203.0.113.0/24", role: "all" }] });
    const refusals = (await audits()).filter((e) => e.action === "policy.sign_in_allow_list_refused");
    expect(refusals).toHaveLength(3);
    expect(refusals[0]).toMatchObject({ actorId: admin.id, ip: "203.0.113.5", after: { address: "203.0.113.5", rules: [{ cidr: "198.51.100.0/24", role: "all" }] } });
  });

  it("lets the admin restrict other roles, and admins from an IPv6 range they are inside", async () => {
    expect(await save([{ cidr: "10.0.0.0/8", role: "staff" }])).toMatchObject({ ok: true });
    expect(await save([{ cidr: "2001:db8:1::/48", role: "admin" }], "2001:db8:1::42")).toMatchObject({ ok: true });
    expect(await save([{ cidr: "2001:db8:1::/48", role: "admin" }], "2001:db8:2::42")).toMatchObject({ ok: false });
  });

  it("refuses ranges for admins when the saver's own address cannot be read; an empty list is always allowed", async () => {
    expect(await save([{ cidr: "10.0.0.0/8", role: "all" }], "unknown")).toMatchObject({ ok: false, message: expect.stringMatching(/current address could not be read/) });
    expect(await save([{ cidr: "10.0.0.0/8", role: "staff" }], "unknown")).toMatchObject({ ok: true });
    expect(await save([], "unknown")).toMatchObject({ ok: true, message: "Sign-in addresses saved: no ranges, so everyone may sign in from anywhere." });
    expect(await stored()).toEqual({ rules: [] });
  });

  it("reads back what it saved, and replaces a stored list that cannot be read", async () => {
    await db.insert(policies).values({ key: allowListPolicyKey, value: { rules: [{ cidr: "not a range", role: "all" }] } });
    expect((await readAllowList(db)).readable).toBe(false);
    expect(await save([{ cidr: "203.0.113.0/24", role: "admin" }])).toMatchObject({ ok: true });
    expect(await readAllowList(db)).toMatchObject({ readable: true, list: { rules: [{ cidr: "203.0.113.0/24", role: "admin" }] }, updatedBy: admin.id });
  });
});

describe("Signing in under the list (lib/auth/authenticate.ts)", () => {
  let db: TestDb;
  const password = "the-right-password";
  beforeEach(async () => {
    db = await createTestDb();
    await insertUser(db, { email: "sari@x.test", role: "staff", password });
    await insertUser(db, { email: "budi@x.test", role: "manager", password });
    await db.insert(policies).values({ key: allowListPolicyKey, value: { rules: [{ cidr: "203.0.113.0/24", role: "staff" }, { cidr: "2001:db8::/32", role: "all" }] } });
  });
  const now = new Date("2026-11-25T03:00:00Z");

  it("refuses the right password from outside the list: a failed attempt on the Sign-ins page, audited with the address", async () => {
    expect(await authenticate(db, { email: "sari@x.test", password, ip: "198.51.100.7" }, now)).toEqual({ ok: false, reason: "address_refused" });
    expect(await db.select({ outcome: loginAttempts.outcome }).from(loginAttempts)).toEqual([{ outcome: "failure" }]);
    expect(await listFailedSignIns(db, { email: undefined }, now)).toMatchObject([{ email: "sari@x.test", ip: "198.51.100.7", failures: 1 }]);
    const entries = await db.select().from(auditEntries);
    expect(entries.map((e) => e.action)).toEqual(["auth.sign_in_refused_address"]);
    expect(entries[0]).toMatchObject({ actorEmail: "sari@x.test", targetType: "user", ip: "198.51.100.7", after: { address: "198.51.100.7", role: "staff", reason: "outside" } });
    expect((await db.select().from(auditEntries)).some((e) => e.action === "auth.sign_in")).toBe(false);
  });

  it("lets the same person in from inside the list (IPv4, IPv6, IPv4-mapped)", async () => {
    expect(await authenticate(db, { email: "sari@x.test", password, ip: "203.0.113.77" }, now)).toMatchObject({ ok: true });
    expect(await authenticate(db, { email: "sari@x.test", password, ip: "::ffff:203.0.113.78" }, now)).toMatchObject({ ok: true });
    expect(await authenticate(db, { email: "budi@x.test", password, ip: "2001:db8:9::1" }, now)).toMatchObject({ ok: true });
    expect(await authenticate(db, { email: "budi@x.test", password, ip: "203.0.113.77" }, now)).toEqual({ ok: false, reason: "address_refused" });
  });

  it("says nothing about the list to someone without the password", async () => {
    expect(await authenticate(db, { email: "sari@x.test", password: "a-wrong-password", ip: "198.51.100.7" }, now)).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticate(db, { email: "nobody@x.test", password, ip: "198.51.100.7" }, now)).toEqual({ ok: false, reason: "invalid" });
    expect((await db.select().from(auditEntries)).map((e) => e.action)).toEqual(["auth.sign_in_failed", "auth.sign_in_failed"]);
  });
});
