import type { APIRequestContext } from "@playwright/test";
import { demoUser, expect, test } from "./fixtures";
import {
  apiClient,
  createFreshUser,
  invokeAction,
  lookUpWallet,
  serverActions as actions,
  signedInClient,
  submitTransfer,
  type ActionReply,
  type FreshUser,
  type ServerAction,
} from "./support/actions";
import { withE2eDatabase } from "./support/database";

/*
 * docs/architecture.md#security-and-performance "every input validated on the server": what no form would send, sent straight to the server
 * actions and route handlers. Each case gets a clear refusal (field errors, a 403 or a rule's message),
 * never a 500, and leaves the database as it was.
 */

type Caller = "anonymous" | "forged session" | "staff" | "manager" | "admin";

/** Made in beforeAll: fresh users, so that what this file checks in the database is theirs alone. */
type World = {
  staff: FreshUser;
  manager: FreshUser;
  admin: FreshUser;
  /** Another staff member, whose transfer and look-up the others try to use. */
  victim: FreshUser;
  victimTransferId: number;
  victimInquiryId: number;
  managerTransferId: number;
  staffInquiryId: number;
  settledTransferId: number;
};

type Expectation =
  /** Field errors for this field (`form` for the input as a whole). */
  | { invalid: string }
  /** The role check refused it, and an access.denied audit entry records who tried. */
  | "forbidden"
  /** A redirect to the sign-in page: no session the app recognises. */
  | "sign-in"
  /** Refused with this message by a rule of the domain. */
  | { message: string }
  /** A route handler or page: this HTTP status, and for the CSV export this many data rows. */
  | { status: number; csvRows?: number };

type Case = {
  name: string;
  as: Caller;
  call: ServerAction | { get: string };
  /** The action's argument; a function when it names data made in beforeAll. */
  input?: ((world: World) => unknown) | Record<string, unknown> | unknown[] | string;
  expect: Expectation;
};

const invalid = (field: string) => ({ invalid: field });
const big = "x".repeat(100_000);
const wallet = { wallet: "DANA", phone: "6281234567890", amount: 50_000 } as const;
const newUser = { name: "Eka Putri", email: "eka.hostile@e2e.test", role: "staff", password: "long-enough-password" };

// One line per case. A limits update always leaves most fields out, so no case can change the real limits
// (other spec files run at the same time).
// prettier-ignore
const cases: Case[] = [
  // Wrong shapes and types
  { name: "a look-up whose input is a string", as: "staff", call: actions.lookUpWallet, input: "DANA 6281234567890 50000", expect: invalid("form") },
  { name: "a look-up with no argument at all", as: "staff", call: actions.lookUpWallet, input: undefined, expect: invalid("form") },
  { name: "a look-up whose input is an array", as: "staff", call: actions.lookUpWallet, input: [wallet], expect: invalid("form") },
  { name: "a look-up without a wallet", as: "staff", call: actions.lookUpWallet, input: { phone: wallet.phone, amount: 50_000 }, expect: invalid("wallet") },
  { name: "a limits update whose input is a string", as: "admin", call: actions.updateLimits, input: "approvalThreshold=1", expect: invalid("form") },
  { name: "a sign-in with the e-mail as an object", as: "anonymous", call: actions.signIn, input: { email: { $ne: "" }, password: "x" }, expect: invalid("email") },
  { name: "active as the string \"false\"", as: "admin", call: actions.setActive, input: (w) => ({ userId: w.staff.id, active: "false" }), expect: invalid("active") },
  // Unknown wallets
  { name: "a wallet Cash In does not serve (LinkAja)", as: "staff", call: actions.lookUpWallet, input: { ...wallet, wallet: "LINKAJA" }, expect: invalid("wallet") },
  { name: "a wallet code in lower case", as: "staff", call: actions.lookUpWallet, input: { ...wallet, wallet: "dana" }, expect: invalid("wallet") },
  { name: "a wallet given as a list", as: "staff", call: actions.lookUpWallet, input: { ...wallet, wallet: ["DANA", "OVO"] }, expect: invalid("wallet") },
  // Phone numbers of every wrong shape
  { name: "a phone number as a number", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: 6281234567890 }, expect: invalid("phone") },
  { name: "an empty phone number", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: "" }, expect: invalid("phone") },
  { name: "a phone number too short", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: "0812" }, expect: invalid("phone") },
  { name: "a phone number too long", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: "0812345678901234" }, expect: invalid("phone") },
  { name: "a US phone number", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: "+1 415 555 0100" }, expect: invalid("phone") },
  { name: "a Jakarta landline", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: "021 5550 1234" }, expect: invalid("phone") },
  { name: "a phone number with letters", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: "0812-3456-78ab" }, expect: invalid("phone") },
  { name: "a phone number with two plus signs", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: "++6281234567890" }, expect: invalid("phone") },
  { name: "a phone number in Arabic-Indic digits (RTL)", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: "٠٨١٢٣٤٥٦٧٨٩٠" }, expect: invalid("phone") },
  { name: "a phone number in full-width digits", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: "０８１２３４５６７８９０" }, expect: invalid("phone") },
  { name: "a phone number with a NUL byte", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: "0812\u00003456789" }, expect: invalid("phone") },
  { name: "a 100 kB phone number", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: big }, expect: invalid("phone") },
  { name: "SQL injection in the phone number", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: "6281234567890'; DROP TABLE transfers; --" }, expect: invalid("phone") },
  { name: "a script in the phone number", as: "staff", call: actions.lookUpWallet, input: { ...wallet, phone: "<script>alert(1)</script>" }, expect: invalid("phone") },
  // Amounts: negative, fractional, exponent, overflowing, formatted wrongly
  { name: "a negative amount", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: -1 }, expect: invalid("amount") },
  { name: "a zero amount", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: 0 }, expect: invalid("amount") },
  { name: "minus zero", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: -0 }, expect: invalid("amount") },
  { name: "half a rupiah", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: 0.5 }, expect: invalid("amount") },
  { name: "an exponent in a string (\"1e6\")", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: "1e6" }, expect: invalid("amount") },
  { name: "1e300", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: 1e300 }, expect: invalid("amount") },
  { name: "2^53 + 1 as a string", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: "9007199254740993" }, expect: invalid("amount") },
  { name: "2^53 + 1 as a BigInt", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: 9007199254740993n }, expect: invalid("amount") },
  { name: "NaN", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: NaN }, expect: invalid("amount") },
  { name: "Infinity", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: Infinity }, expect: invalid("amount") },
  { name: "cents with a decimal comma (\"Rp 1.000,50\")", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: "Rp 1.000,50" }, expect: invalid("amount") },
  { name: "an amount in Arabic-Indic digits", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: "٥٠٠٠٠" }, expect: invalid("amount") },
  { name: "an amount behind a right-to-left override", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: "\u202E00005" }, expect: invalid("amount") },
  { name: "an amount as true", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: true }, expect: invalid("amount") },
  { name: "an amount over the maximum per transfer", as: "staff", call: actions.lookUpWallet, input: { ...wallet, amount: 30_000_000 }, expect: { message: "The maximum per transfer is Rp 25,000,000. Split the payment or ask an admin to raise the limit." } },
  { name: "a negative approval threshold", as: "admin", call: actions.updateLimits, input: { approvalThreshold: -1 }, expect: invalid("approvalThreshold") },
  { name: "a maximum per transfer of 1e300", as: "admin", call: actions.updateLimits, input: { maxPerTransfer: 1e300 }, expect: invalid("maxPerTransfer") },
  { name: "an approval window of half an hour", as: "admin", call: actions.updateLimits, input: { approvalWindowHours: 0.5 }, expect: invalid("approvalWindowHours") },
  // Forged ids: other people's look-ups and transfers, ids that are not ids
  { name: "confirming another user's look-up", as: "staff", call: actions.createTransfer, input: (w) => ({ ...wallet, inquiryId: w.victimInquiryId }), expect: { message: "Look up the wallet before sending." } },
  { name: "confirming a look-up with a changed amount", as: "staff", call: actions.createTransfer, input: (w) => ({ ...wallet, amount: 5_000, inquiryId: w.staffInquiryId }), expect: { message: "The wallet, number or amount changed after the look-up. Look the wallet up again." } },
  { name: "retrying a transfer that did not fail", as: "staff", call: actions.createTransfer, input: (w) => ({ ...wallet, inquiryId: w.staffInquiryId, retryOf: w.victimTransferId }), expect: { message: "Only a failed transfer can be retried as a new one." } },
  { name: "SQL injection as the look-up id", as: "staff", call: actions.createTransfer, input: { ...wallet, inquiryId: "1 OR 1=1" }, expect: invalid("inquiryId") },
  { name: "a look-up id of 1e300", as: "staff", call: actions.createTransfer, input: { ...wallet, inquiryId: 1e300 }, expect: invalid("inquiryId") },
  { name: "canceling someone else's transfer", as: "staff", call: actions.cancelTransfer, input: (w) => ({ transferId: w.victimTransferId }), expect: { message: "Only the person who made this transfer can cancel it." } },
  { name: "SQL injection as the transfer id", as: "staff", call: actions.cancelTransfer, input: { transferId: "1; DROP TABLE transfers" }, expect: invalid("transferId") },
  { name: "an operator object as the transfer id", as: "manager", call: actions.approveTransfer, input: { transferId: { $gt: 0 } }, expect: invalid("transferId") },
  { name: "approving one's own transfer", as: "manager", call: actions.approveTransfer, input: (w) => ({ transferId: w.managerTransferId }), expect: { message: "You cannot approve your own transfer: another manager must." } },
  { name: "rejecting one's own transfer", as: "manager", call: actions.rejectTransfer, input: (w) => ({ transferId: w.managerTransferId, reason: "Looks wrong" }), expect: { message: "You cannot decide on your own transfer: another manager must." } },
  { name: "approving a transfer that was already sent", as: "manager", call: actions.approveTransfer, input: (w) => ({ transferId: w.settledTransferId }), expect: { message: "This transfer was already decided: it is succeeded." } },
  { name: "approving a transfer that does not exist", as: "manager", call: actions.approveTransfer, input: { transferId: 999_999_999 }, expect: { message: "This transfer does not exist." } },
  { name: "a 100 kB acknowledged name", as: "manager", call: actions.approveTransfer, input: (w) => ({ transferId: w.victimTransferId, acknowledgedName: big }), expect: invalid("acknowledgedName") },
  { name: "refreshing an empty list", as: "staff", call: actions.refreshTransfers, input: { transferIds: [] }, expect: invalid("transferIds") },
  { name: "refreshing 21 transfers at once", as: "staff", call: actions.refreshTransfers, input: { transferIds: Array.from({ length: 21 }, (_, i) => i + 1) }, expect: invalid("transferIds") },
  { name: "SQL injection in the refresh list", as: "staff", call: actions.refreshTransfers, input: { transferIds: ["1 OR 1=1"] }, expect: invalid("transferIds.0") },
  { name: "changing the role of a user that does not exist", as: "admin", call: actions.changeRole, input: { userId: 999_999_999, role: "staff" }, expect: { message: "This user does not exist" } },
  { name: "SQL injection as the user id", as: "admin", call: actions.changeRole, input: { userId: "1 OR 1=1", role: "staff" }, expect: invalid("userId") },
  { name: "an admin demoting themselves", as: "admin", call: actions.changeRole, input: (w) => ({ userId: w.admin.id, role: "staff" }), expect: { message: "You cannot change your own role: ask another admin" } },
  { name: "an admin deactivating themselves", as: "admin", call: actions.setActive, input: (w) => ({ userId: w.admin.id, active: false }), expect: { message: "You cannot deactivate yourself: ask another admin" } },
  // Long, unicode, RTL and control-character text
  { name: "a 100 kB name", as: "admin", call: actions.createUser, input: { ...newUser, name: big }, expect: invalid("name") },
  { name: "a name with a NUL byte", as: "admin", call: actions.createUser, input: { ...newUser, name: "Eka\u0000Putri" }, expect: invalid("name") },
  { name: "a name with a right-to-left override", as: "admin", call: actions.createUser, input: { ...newUser, name: "\u202Eirtup ake" }, expect: invalid("name") },
  { name: "an e-mail in Arabic script", as: "admin", call: actions.createUser, input: { ...newUser, name: "محمد", email: "محمد@example.com" }, expect: invalid("email") },
  { name: "a 100 kB password", as: "admin", call: actions.createUser, input: { ...newUser, password: big }, expect: invalid("password") },
  { name: "a reset to a 5-character password", as: "admin", call: actions.resetPassword, input: (w) => ({ userId: w.staff.id, password: "short" }), expect: invalid("password") },
  { name: "a 100 kB rejection reason", as: "manager", call: actions.rejectTransfer, input: (w) => ({ transferId: w.victimTransferId, reason: big }), expect: invalid("reason") },
  { name: "a rejection reason with control characters", as: "manager", call: actions.rejectTransfer, input: (w) => ({ transferId: w.victimTransferId, reason: "ok\u0007\u0008\u001b[2J" }), expect: invalid("reason") },
  { name: "a rejection reason with a right-to-left override", as: "manager", call: actions.rejectTransfer, input: (w) => ({ transferId: w.victimTransferId, reason: "\u202Eevorppa" }), expect: invalid("reason") },
  { name: "a rejection reason of spaces", as: "manager", call: actions.rejectTransfer, input: (w) => ({ transferId: w.victimTransferId, reason: "     " }), expect: invalid("reason") },
  { name: "a cancel reason with a NUL byte", as: "staff", call: actions.cancelTransfer, input: (w) => ({ transferId: w.victimTransferId, reason: "x\u0000y" }), expect: invalid("reason") },
  { name: "a sign-in with a 100 kB password", as: "anonymous", call: actions.signIn, input: { email: "nobody@e2e.test", password: big }, expect: invalid("password") },
  // SQL and script injection
  { name: "SQL injection in the wallet", as: "staff", call: actions.lookUpWallet, input: { ...wallet, wallet: "DANA' OR '1'='1" }, expect: invalid("wallet") },
  { name: "SQL injection in a new user's e-mail", as: "admin", call: actions.createUser, input: { ...newUser, email: "x@y.co' OR '1'='1" }, expect: invalid("email") },
  { name: "a script as a new user's e-mail", as: "admin", call: actions.createUser, input: { ...newUser, email: "<script>alert(1)</script>@x.co" }, expect: invalid("email") },
  { name: "SQL injection in the sign-in e-mail", as: "anonymous", call: actions.signIn, input: { email: "admin@demo.test' --", password: "x" }, expect: invalid("email") },
  { name: "an existing e-mail in other letter case", as: "admin", call: actions.createUser, input: { ...newUser, email: "STAFF@demo.test" }, expect: { message: "A user with this e-mail already exists" } },
  { name: "SQL injection in the export search", as: "staff", call: { get: "/transfers/export?q=' OR '1'='1" }, expect: { status: 200, csvRows: 0 } },
  { name: "a LIKE wildcard as the export search", as: "staff", call: { get: "/transfers/export?q=%25" }, expect: { status: 200, csvRows: 0 } },
  { name: "nonsense export filters fall back to the defaults", as: "staff", call: { get: "/transfers/export?from=2025-02-30&page=1e300&pageSize=-1&sort=;drop&min=-1&max=1e300&status=x" }, expect: { status: 200 } },
  { name: "SQL injection as a transfer's page id", as: "staff", call: { get: "/transfers/1%20OR%201=1" }, expect: { status: 404 } },
  { name: "a transfer page id beyond 2^53", as: "staff", call: { get: "/transfers/99999999999999999999" }, expect: { status: 404 } },
  // Second factor and own passwords (docs/sign-in.md)
  { name: "an enrolment confirmed without one started", as: "manager", call: actions.confirmEnrolment, input: { code: "123456" }, expect: { message: "There is no enrolment to confirm: start again from the QR code." } },
  { name: "an enrolment code with letters", as: "staff", call: actions.confirmEnrolment, input: { code: "12a456" }, expect: invalid("code") },
  { name: "an enrolment code of 5 digits", as: "staff", call: actions.confirmEnrolment, input: { code: "12345" }, expect: invalid("code") },
  { name: "an enrolment code as a number", as: "staff", call: actions.confirmEnrolment, input: { code: 123456 }, expect: invalid("code") },
  { name: "a sign-in code from a forged session", as: "forged session", call: actions.proveSignInCode, input: { code: "123456" }, expect: "sign-in" },
  { name: "a new password that is a common one", as: "manager", call: actions.changePassword, input: (w) => ({ currentPassword: w.manager.password, newPassword: "password1234", confirmPassword: "password1234" }), expect: invalid("newPassword") },
  { name: "a new password and a different confirmation", as: "staff", call: actions.changePassword, input: (w) => ({ currentPassword: w.staff.password, newPassword: "kopi-tubruk-di-pagi-hari-9", confirmPassword: "kopi-tubruk-di-pagi-hari-8" }), expect: invalid("confirmPassword") },
  { name: "a 100,000-character new password", as: "staff", call: actions.changePassword, input: (w) => ({ currentPassword: w.staff.password, newPassword: big, confirmPassword: big }), expect: invalid("newPassword") },
  { name: "a password change with a wrong current password", as: "admin", call: actions.changePassword, input: { currentPassword: "guess", newPassword: "kopi-tubruk-di-pagi-hari-9", confirmPassword: "kopi-tubruk-di-pagi-hari-9" }, expect: { message: "Your current password is not right" } },
  { name: "an admin resetting their own second factor", as: "admin", call: actions.resetSecondFactor, input: (w) => ({ userId: w.admin.id }), expect: { message: "You cannot reset your own second factor: ask another admin" } },
  { name: "a second-factor reset for a user id that is text", as: "admin", call: actions.resetSecondFactor, input: { userId: "1 OR 1=1" }, expect: invalid("userId") },
  { name: "a staff member resetting a manager's second factor", as: "staff", call: actions.resetSecondFactor, input: (w) => ({ userId: w.manager.id }), expect: "forbidden" },
  { name: "the second-factor policy as the string \"true\"", as: "admin", call: actions.setSecondFactorPolicy, input: { requiredForAll: "true" }, expect: invalid("requiredForAll") },
  // Forged roles and sessions
  { name: "a staff member creating an admin", as: "staff", call: actions.createUser, input: { ...newUser, role: "admin" }, expect: "forbidden" },
  { name: "a manager creating an admin", as: "manager", call: actions.createUser, input: { ...newUser, role: "admin" }, expect: "forbidden" },
  { name: "a staff member making themselves admin", as: "staff", call: actions.changeRole, input: (w) => ({ userId: w.staff.id, role: "admin" }), expect: "forbidden" },
  { name: "a staff member deactivating an admin", as: "staff", call: actions.setActive, input: (w) => ({ userId: w.admin.id, active: false }), expect: "forbidden" },
  { name: "a staff member resetting an admin's password", as: "staff", call: actions.resetPassword, input: (w) => ({ userId: w.admin.id, password: "taken-over-password" }), expect: "forbidden" },
  { name: "a manager raising the limits", as: "manager", call: actions.updateLimits, input: { maxPerTransfer: 1_000_000_000 }, expect: "forbidden" },
  { name: "a staff member approving a transfer", as: "staff", call: actions.approveTransfer, input: (w) => ({ transferId: w.victimTransferId }), expect: "forbidden" },
  { name: "an admin approving a transfer", as: "admin", call: actions.approveTransfer, input: (w) => ({ transferId: w.victimTransferId }), expect: "forbidden" },
  { name: "a staff member rejecting a transfer", as: "staff", call: actions.rejectTransfer, input: (w) => ({ transferId: w.victimTransferId, reason: "Not mine to decide" }), expect: "forbidden" },
  { name: "a new role, invented", as: "admin", call: actions.createUser, input: { ...newUser, role: "superadmin" }, expect: invalid("role") },
  { name: "a role in capitals", as: "admin", call: actions.changeRole, input: (w) => ({ userId: w.staff.id, role: "ADMIN" }), expect: invalid("role") },
  { name: "creating an admin without a session", as: "anonymous", call: actions.createUser, input: { ...newUser, role: "admin" }, expect: "sign-in" },
  { name: "creating an admin with a forged session cookie", as: "forged session", call: actions.createUser, input: { ...newUser, role: "admin" }, expect: "sign-in" },
  { name: "the export with a forged session cookie", as: "forged session", call: { get: "/transfers/export" }, expect: { status: 401 } },
];

/** Every e-mail the cases send, so that a user created by mistake is noticed. */
const emailsSent = [...new Set(cases.flatMap((c) => (isRecord(c.input) && !Array.isArray(c.input) && typeof c.input.email === "string" ? [c.input.email.toLowerCase()] : [])))];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * What the fresh users own in the database. Other spec files run at the same time on the other worker,
 * so whole-table counts would move under this test; everything hostile here acts as these users.
 */
function footprint(world: World) {
  const ids = [world.staff.id, world.manager.id, world.admin.id, world.victim.id];
  const list = ids.join(",");
  return withE2eDatabase((db) => ({
    users: db.prepare(`select id, name, email, role, active, session_version, password_hash, updated_at from users where id in (${list}) order by id`).all(),
    usersWithSentEmails: db.prepare(`select count(*) n from users where lower(email) in (${emailsSent.map(() => "?").join(",")})`).get(...emailsSent),
    transfers: db.prepare(`select * from transfers where maker_id in (${list}) or approver_id in (${list}) order by id`).all(),
    inquiries: db.prepare(`select count(*) n from inquiries where user_id in (${list})`).get(),
    settings: db.prepare(`select count(*) n from settings where updated_by in (${list})`).get(),
    secondFactors: db.prepare(`select user_id, secret, enrolled_at, pending_secret, last_step, failures, locked_until from second_factors where user_id in (${list}) order by user_id`).all(),
    recoveryCodes: db.prepare(`select user_id, count(*) n from recovery_codes where user_id in (${list}) and used_at is null group by user_id order by user_id`).all(),
    // Reads are audited too (the export), and so are refused attempts the forms never make (docs/lifecycle.md#paying-twice-is-impossible): they change no data.
    audit: db
      .prepare(`select id, action from audit_entries where actor_id in (${list}) and action not in ('access.denied', 'transfer.export') and action not like '%refused' order by id`)
      .all(),
  }));
}

function accessDenied(user: FreshUser): number {
  return withE2eDatabase((db) => (db.prepare("select count(*) n from audit_entries where action = 'access.denied' and actor_id = ?").get(user.id) as { n: number }).n);
}

/** A session cookie the app never issued: an unsigned token claiming to be user 1. */
const forgedSession = {
  cookies: [
    {
      name: "__Secure-authjs.session-token",
      value: `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"uid":1,"sv":1}').toString("base64url")}.`,
      domain: "localhost",
      path: "/",
      expires: -1,
      httpOnly: true,
      secure: true,
      sameSite: "Lax" as const,
    },
  ],
  origins: [],
};

test.describe("Hostile input gets a clear refusal and changes nothing (docs/architecture.md#security-and-performance)", () => {
  let world: World;
  let clients: Record<Caller, APIRequestContext>;

  test.beforeAll(async () => {
    // Every new user signs in once through all the steps (own password, enrolment), which takes a while.
    test.setTimeout(120_000);
    const demoAdmin = await signedInClient(demoUser("admin"));
    const [staff, manager, admin, victim] = await Promise.all([
      createFreshUser(demoAdmin, "staff", "hostile-staff"),
      createFreshUser(demoAdmin, "manager", "hostile-manager"),
      createFreshUser(demoAdmin, "admin", "hostile-admin"),
      createFreshUser(demoAdmin, "staff", "hostile-victim"),
    ]);
    await demoAdmin.dispose();
    const [staffClient, managerClient, adminClient, victimClient, anonymous, forged] = await Promise.all([
      signedInClient(staff),
      signedInClient(manager),
      signedInClient(admin),
      signedInClient(victim),
      apiClient(),
      apiClient(forgedSession),
    ]);
    clients = { anonymous, "forged session": forged, staff: staffClient, manager: managerClient, admin: adminClient };
    const [victimTransfer, victimInquiry, managerTransfer, staffInquiry, settled] = await Promise.all([
      submitTransfer(victimClient, { ...wallet, amount: 7_500_000 }),
      lookUpWallet(victimClient, wallet),
      submitTransfer(managerClient, { ...wallet, amount: 7_500_000 }),
      lookUpWallet(staffClient, wallet),
      submitTransfer(victimClient, { ...wallet, amount: 20_000 }),
    ]);
    await victimClient.dispose();
    expect(victimTransfer.status).toBe("awaiting_approval");
    expect(settled.status).toBe("succeeded");
    world = {
      staff,
      manager,
      admin,
      victim,
      victimTransferId: victimTransfer.transferId,
      victimInquiryId: victimInquiry.inquiryId,
      managerTransferId: managerTransfer.transferId,
      staffInquiryId: staffInquiry.inquiryId,
      settledTransferId: settled.transferId,
    };
  });

  test.afterAll(async () => {
    await Promise.all(Object.values(clients).map((client) => client.dispose()));
  });

  for (const c of cases) {
    test(`${c.as}: ${c.name} → ${describeExpectation(c.expect)}`, async () => {
      const client = clients[c.as];
      const actor = c.as === "staff" || c.as === "manager" || c.as === "admin" ? world[c.as] : undefined;
      const before = footprint(world);
      const deniedBefore = actor ? accessDenied(actor) : 0;

      if ("get" in c.call) {
        if (typeof c.expect !== "object" || !("status" in c.expect)) throw new Error("A route answers with an HTTP status");
        const response = await client.get(c.call.get, { maxRedirects: 0 });
        expect(response.status()).toBe(c.expect.status);
        if (c.expect.csvRows !== undefined) {
          const lines = (await response.text()).split("\n").filter((line) => line.trim() !== "");
          expect(lines.length - 1, "data rows after the header").toBe(c.expect.csvRows);
        }
      } else {
        const input = typeof c.input === "function" ? c.input(world) : c.input;
        const reply = await invokeAction(client, c.call, input);
        expectRefusal(reply, c.expect);
        if (c.expect === "forbidden") expect(accessDenied(actor!), "an access.denied audit entry").toBe(deniedBefore + 1);
      }

      expect(footprint(world)).toEqual(before);
      if (c.expect !== "forbidden" && actor) expect(accessDenied(actor)).toBe(deniedBefore);
    });
  }
});

function expectRefusal(reply: ActionReply, expectation: Expectation) {
  expect(reply.status, `not a server error: ${JSON.stringify(reply)}`).toBe(200);
  if (expectation === "sign-in") {
    expect(reply.redirect).toMatch(/^\/login\?/);
    return;
  }
  expect(reply.redirect).toBeNull();
  if (expectation === "forbidden") {
    expect(reply.result).toEqual({ ok: false, code: "forbidden", message: "You do not have permission to do this." });
  } else if ("invalid" in expectation) {
    expect(reply.result).toMatchObject({ ok: false, code: "invalid" });
    expect(reply.result?.ok === false && reply.result.fieldErrors?.[expectation.invalid], `field errors for ${expectation.invalid}`).toBeTruthy();
  } else if ("message" in expectation) {
    expect(reply.result).toMatchObject({ ok: false, message: expectation.message });
  }
}

function describeExpectation(expectation: Expectation): string {
  if (typeof expectation === "string") return expectation;
  if ("invalid" in expectation) return `invalid ${expectation.invalid}`;
  if ("message" in expectation) return `"${expectation.message}"`;
  return `HTTP ${expectation.status}`;
}
