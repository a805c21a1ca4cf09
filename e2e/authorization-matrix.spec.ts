import type { APIRequestContext } from "@playwright/test";
import { demoUser, expect, test, uniqueEmail } from "./fixtures";
import {
  actionId,
  apiClient,
  cookieSession,
  createFreshUser,
  invokeAction,
  lookUpWallet,
  serverActions as actions,
  signedInClient,
  submitTransfer,
  type FreshUser,
  type ServerAction,
} from "./support/actions";
import { withE2eDatabase } from "./support/database";
import { uniquePhone } from "./support/seed";
import playwrightConfig from "../playwright.config";

/*
 * docs/roles.md#who-may-do-what: every server action, route handler and role-gated page, called by each kind of caller.
 * Every caller is a fresh user the demo admin creates (their transfers count against their own daily
 * totals, not the demo users'); the deactivated one is an admin deactivated after signing in, so their
 * session cookie is still one the app issued, and must refuse.
 */

const principals = ["anonymous", "staff", "manager", "admin", "deactivated"] as const;
type Principal = (typeof principals)[number];
type Role = Exclude<Principal, "anonymous" | "deactivated">;

type Outcome =
  /** The action ran for this caller (ok: true, or a sign-in into the app); the page or route answered 200. */
  | "ok"
  /** The role may not: `forbidden` plus an access.denied audit entry; a page answers 403. */
  | "forbidden"
  /** Sent to sign in (a deactivated user with reason=deactivated). */
  | "sign-in"
  /** The CSV route answers 401 rather than redirecting a download. */
  | "401"
  /** Reached its own validation: used where a real change would disturb other spec files (the limits). */
  | "invalid"
  | "signed out"
  /** Refused by a rule with this message. */
  | { message: string }
  /** Sent elsewhere (a sign-in step for a session that has no step left to do). */
  | { redirect: RegExp };

/** What each caller's row of the table is called with, made in beforeAll. */
type Setup = {
  credentials: Partial<Record<Principal, { email: string; password: string }>>;
  /** A fresh look-up of each role, for "create a transfer". */
  inquiry: Partial<Record<Principal, number>>;
  /** A transfer of each role that awaits approval, for "cancel". */
  ownAwaiting: Partial<Record<Principal, number>>;
  /** Awaiting approval, made by the second manager: one for the manager to approve, one to reject. */
  toApprove: number;
  toReject: number;
  /** Made by the second manager: nobody in the table made it. */
  someoneElses: number;
  /** Made by the manager, for self-approval. */
  managersOwn: number;
  /** A user for the admin's user-management actions. */
  subjectUserId: number;
  /** Batch payouts (two rows each): each role's own, being checked or ready, for "edit", "remove" and "cancel". */
  ownBatch: Partial<Record<Principal, BatchSetup>>;
  /** Awaiting approval, uploaded by the second manager: one for the manager to approve, one to reject. */
  batchToApprove: number;
  batchToReject: number;
  /** Ready to submit, uploaded by the second manager: nobody in the table made it. */
  someoneElsesBatch: BatchSetup;
  /** Awaiting approval, uploaded by the manager, for self-approval. */
  managersOwnBatch: number;
  /** Saved recipients of each role (any role may change any recipient): one to edit, one to archive. */
  recipientToEdit: Partial<Record<Principal, { id: number; phone: string }>>;
  recipientToArchive: Partial<Record<Principal, number>>;
};

type BatchSetup = { id: number; rowIds: number[] };

type Target = { name: string } & (
  | { action: ServerAction; input: (p: Principal, s: Setup) => unknown }
  | { page: string | ((s: Setup) => string) }
  | { route: string | ((s: Setup) => string) }
  /** uploadBatchAction, whose one argument is FormData: posted as multipart, the way the upload form does. */
  | { upload: true }
  /** importRecipientsAction: FormData too, as the import dialog posts it. */
  | { recipientImport: true }
);

const ownTransfer = { message: "You cannot approve your own transfer: another manager must." };
const ownDecision = { message: "You cannot decide on your own transfer: another manager must." };
const notTheMaker = { message: "Only the person who made this transfer can cancel it." };
const deactivatedAccount = { message: "This account is deactivated. Ask an admin to reactivate it." };
// A wallet of the matrix's own, so that its transfers repeat no other spec's payment (docs/lifecycle.md#paying-twice-is-impossible near-duplicates).
const lookUp = { wallet: "DANA", phone: uniquePhone(), amount: 50_000 } as const;
/** Each principal's look-up and awaiting transfer has an amount of its own, so none is a repeat of another's. */
const amountOf: Record<Principal, number> = { anonymous: 50_001, staff: 50_002, manager: 50_003, admin: 50_004, deactivated: 50_005 };

const notTheUploader = { message: "Only the person who uploaded this batch can change its rows." };
const ownBatch = { message: "You cannot approve your own batch: another manager must." };
const ownBatchDecision = { message: "You cannot decide on your own batch: another manager must." };
const editedRow = { wallet: "DANA", phone: "0812 3456 7890", amount: "60.000", note: "Matrix edit" };
const notUnresolved = { message: "Only an unresolved transfer is resolved by hand: this one is awaiting approval." };
const notPaused = { message: "This batch is not waiting for a confirmation to go on sending." };
const noEnrolment = { message: "There is no enrolment to confirm: start again from the QR code." };
const wrongCurrent = { message: "Your current password is not right" };
/** Recipients' labels are unique among those in use: this run's own. */
const recipientRun = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

// prettier-ignore
const matrix: { target: Target; expect: Record<Principal, Outcome> }[] = [
  { target: { name: "signInAction (own credentials)", action: actions.signIn, input: (p, s) => s.credentials[p] ?? { email: uniqueEmail("nobody"), password: "wrong-password" } },
    expect: { anonymous: { message: "Wrong e-mail or password." }, staff: "ok", manager: "ok", admin: "ok", deactivated: deactivatedAccount } },
  { target: { name: "signOutAction", action: actions.signOut, input: () => undefined },
    expect: { anonymous: "signed out", staff: "signed out", manager: "signed out", admin: "signed out", deactivated: "signed out" } },
  { target: { name: "lookUpWalletAction", action: actions.lookUpWallet, input: () => lookUp },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "createTransferAction", action: actions.createTransfer, input: (p, s) => ({ ...lookUp, amount: amountOf[p], inquiryId: s.inquiry[p] ?? 1 }) },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "refreshTransfersAction", action: actions.refreshTransfers, input: (_, s) => ({ transferIds: [s.someoneElses] }) },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "listUnsettledAction", action: actions.listUnsettled, input: () => ({}) },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "cancelTransferAction (own transfer)", action: actions.cancelTransfer, input: (p, s) => ({ transferId: s.ownAwaiting[p] ?? s.someoneElses }) },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "cancelTransferAction (someone else's)", action: actions.cancelTransfer, input: (_, s) => ({ transferId: s.someoneElses }) },
    expect: { anonymous: "sign-in", staff: notTheMaker, manager: notTheMaker, admin: notTheMaker, deactivated: "sign-in" } },
  { target: { name: "approveTransferAction (someone else's)", action: actions.approveTransfer, input: (_, s) => ({ transferId: s.toApprove }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "ok", admin: "forbidden", deactivated: "sign-in" } },
  { target: { name: "approveTransferAction (own: self-approval)", action: actions.approveTransfer, input: (_, s) => ({ transferId: s.managersOwn }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: ownTransfer, admin: "forbidden", deactivated: "sign-in" } },
  { target: { name: "rejectTransferAction (someone else's)", action: actions.rejectTransfer, input: (_, s) => ({ transferId: s.toReject, reason: "Matrix: not needed" }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "ok", admin: "forbidden", deactivated: "sign-in" } },
  { target: { name: "rejectTransferAction (own)", action: actions.rejectTransfer, input: (_, s) => ({ transferId: s.managersOwn, reason: "Matrix: my own" }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: ownDecision, admin: "forbidden", deactivated: "sign-in" } },
  { target: { name: "createUserAction", action: actions.createUser, input: () => ({ name: "Matrix User", email: uniqueEmail("matrix"), role: "staff", password: "matrix-password-1" }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "changeRoleAction", action: actions.changeRole, input: (_, s) => ({ userId: s.subjectUserId, role: "manager" }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "setActiveAction", action: actions.setActive, input: (_, s) => ({ userId: s.subjectUserId, active: true }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "resetPasswordAction", action: actions.resetPassword, input: (_, s) => ({ userId: s.subjectUserId, password: "matrix-reset-password" }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "updateLimitsAction (empty form)", action: actions.updateLimits, input: () => ({}) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "invalid", deactivated: "sign-in" } },
  { target: { name: "uploadBatchAction", upload: true },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "editBatchRowAction (own batch)", action: actions.editBatchRow, input: (p, s) => { const b = s.ownBatch[p] ?? s.someoneElsesBatch; return { batchId: b.id, rowId: b.rowIds[0], ...editedRow }; } },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "editBatchRowAction (someone else's)", action: actions.editBatchRow, input: (_, s) => ({ batchId: s.someoneElsesBatch.id, rowId: s.someoneElsesBatch.rowIds[0], ...editedRow }) },
    expect: { anonymous: "sign-in", staff: notTheUploader, manager: notTheUploader, admin: notTheUploader, deactivated: "sign-in" } },
  { target: { name: "removeBatchRowsAction (own batch)", action: actions.removeBatchRows, input: (p, s) => { const b = s.ownBatch[p] ?? s.someoneElsesBatch; return { batchId: b.id, rowIds: [b.rowIds[1]] }; } },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "removeBatchRowsAction (someone else's)", action: actions.removeBatchRows, input: (_, s) => ({ batchId: s.someoneElsesBatch.id, rowIds: [s.someoneElsesBatch.rowIds[1]] }) },
    expect: { anonymous: "sign-in", staff: notTheUploader, manager: notTheUploader, admin: notTheUploader, deactivated: "sign-in" } },
  { target: { name: "submitBatchAction (someone else's)", action: actions.submitBatch, input: (_, s) => ({ batchId: s.someoneElsesBatch.id }) },
    expect: { anonymous: "sign-in", staff: { message: "Only the person who uploaded this batch can submit it." }, manager: { message: "Only the person who uploaded this batch can submit it." }, admin: { message: "Only the person who uploaded this batch can submit it." }, deactivated: "sign-in" } },
  { target: { name: "cancelBatchAction (own batch)", action: actions.cancelBatch, input: (p, s) => ({ batchId: (s.ownBatch[p] ?? s.someoneElsesBatch).id }) },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "cancelBatchAction (someone else's)", action: actions.cancelBatch, input: (_, s) => ({ batchId: s.someoneElsesBatch.id }) },
    expect: { anonymous: "sign-in", staff: { message: "Only the person who uploaded this batch can cancel it." }, manager: { message: "Only the person who uploaded this batch can cancel it." }, admin: { message: "Only the person who uploaded this batch can cancel it." }, deactivated: "sign-in" } },
  { target: { name: "approveBatchAction (someone else's)", action: actions.approveBatch, input: (_, s) => ({ batchId: s.batchToApprove }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "ok", admin: "forbidden", deactivated: "sign-in" } },
  { target: { name: "approveBatchAction (own: self-approval)", action: actions.approveBatch, input: (_, s) => ({ batchId: s.managersOwnBatch }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: ownBatch, admin: "forbidden", deactivated: "sign-in" } },
  { target: { name: "rejectBatchAction (someone else's)", action: actions.rejectBatch, input: (_, s) => ({ batchId: s.batchToReject, reason: "Matrix: not needed" }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "ok", admin: "forbidden", deactivated: "sign-in" } },
  { target: { name: "rejectBatchAction (own)", action: actions.rejectBatch, input: (_, s) => ({ batchId: s.managersOwnBatch, reason: "Matrix: my own" }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: ownBatchDecision, admin: "forbidden", deactivated: "sign-in" } },
  // Needs attention (docs/lifecycle.md#paying-twice-is-impossible): each role reaches the rule for a transfer that is not unresolved, with no open discrepancy.
  { target: { name: "proposeResolutionAction", action: actions.proposeResolution, input: (_, s) => ({ transferId: s.someoneElses, outcome: "failed", reason: "Matrix: Cash In ticket 1" }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: notUnresolved, deactivated: "sign-in" } },
  { target: { name: "confirmResolutionAction", action: actions.confirmResolution, input: (_, s) => ({ transferId: s.someoneElses }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: notUnresolved, admin: "forbidden", deactivated: "sign-in" } },
  { target: { name: "declineResolutionAction", action: actions.declineResolution, input: (_, s) => ({ transferId: s.someoneElses, reason: "Matrix: wrong line" }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: notUnresolved, admin: "forbidden", deactivated: "sign-in" } },
  { target: { name: "reviewDiscrepancyAction", action: actions.reviewDiscrepancy, input: (_, s) => ({ transferId: s.someoneElses, reason: "Matrix: checked" }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: { message: "This transfer has no open discrepancy." }, deactivated: "sign-in" } },
  { target: { name: "resumeBatchAction", action: actions.resumeBatch, input: (_, s) => ({ batchId: s.someoneElsesBatch.id }) },
    expect: { anonymous: "sign-in", staff: notPaused, manager: notPaused, admin: notPaused, deactivated: "sign-in" } },
  { target: { name: "verifyAuditAction", action: actions.verifyAudit, input: () => ({}) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  // The sign-in steps and My account (docs/sign-in.md). A complete session has no code to prove: sent into the app.
  { target: { name: "proveSignInCodeAction", action: actions.proveSignInCode, input: () => ({ code: "123456", callbackUrl: "/" }) },
    expect: { anonymous: "sign-in", staff: { redirect: /^\/$/ }, manager: { redirect: /^\/$/ }, admin: { redirect: /^\/$/ }, deactivated: "sign-in" } },
  { target: { name: "confirmEnrolmentAction (none started)", action: actions.confirmEnrolment, input: () => ({ code: "123456" }) },
    expect: { anonymous: "sign-in", staff: noEnrolment, manager: noEnrolment, admin: noEnrolment, deactivated: "sign-in" } },
  { target: { name: "changePasswordAction (wrong current password)", action: actions.changePassword, input: () => ({ currentPassword: "not-my-password", newPassword: "kopi-tubruk-di-pagi-hari-9", confirmPassword: "kopi-tubruk-di-pagi-hari-9" }) },
    expect: { anonymous: "sign-in", staff: wrongCurrent, manager: wrongCurrent, admin: wrongCurrent, deactivated: "sign-in" } },
  { target: { name: "regenerateRecoveryCodesAction", action: actions.regenerateRecoveryCodes, input: () => ({}) },
    expect: { anonymous: "sign-in", staff: { message: "Turn on two-step sign-in first (My account): this needs a code from your authenticator app." }, manager: "ok", admin: "ok", deactivated: "sign-in" } },
  // The language of My account (docs/language.md#choosing-the-language): each caller saves English, which the suite reads anyway.
  { target: { name: "saveLanguageAction", action: actions.saveLanguage, input: () => ({ locale: "en" }) },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  // Each person's own e-mail switches (docs/notifications.md#turning-mails-off): saved as "all on", the default.
  { target: { name: "saveMailPreferencesAction", action: actions.saveMailPreferences, input: () => ({ off: [] }) },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  // Saved recipients (docs/recipients.md): the team's list, kept by any role.
  { target: { name: "saveRecipientAction", action: actions.saveRecipient, input: (p) => ({ label: `Matrix ${p} ${recipientRun}`, wallet: "DANA", phone: uniquePhone() }) },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "updateRecipientAction", action: actions.updateRecipient, input: (p, s) => { const r = s.recipientToEdit[p] ?? s.recipientToEdit.staff!; return { recipientId: r.id, label: `Matrix edited ${p} ${recipientRun}`, wallet: "DANA", phone: r.phone }; } },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "archiveRecipientAction", action: actions.archiveRecipient, input: (p, s) => ({ recipientId: s.recipientToArchive[p] ?? s.recipientToArchive.staff }) },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "importRecipientsAction", recipientImport: true },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "resetSecondFactorAction (a user without one)", action: actions.resetSecondFactor, input: (_, s) => ({ userId: s.subjectUserId }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: { message: "E2E matrix-subject has no second factor to reset" }, deactivated: "sign-in" } },
  { target: { name: "setSecondFactorPolicyAction (unchanged)", action: actions.setSecondFactorPolicy, input: () => ({ requiredForAll: false }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  // Operators' endpoints: readiness is public; metrics need the bearer token whatever the session (docs/monitoring.md).
  { target: { name: "GET /api/ready", route: "/api/ready" },
    expect: { anonymous: "ok", staff: "ok", manager: "ok", admin: "ok", deactivated: "ok" } },
  // The API (docs/api.md) answers its key only: a session cookie alone is 401, whoever it belongs to.
  { target: { name: "GET /api/v1/payouts (a session, no API key)", route: "/api/v1/payouts" },
    expect: { anonymous: "401", staff: "401", manager: "401", admin: "401", deactivated: "401" } },
  // API keys (docs/api.md#keys): an empty form and a key that does not exist, so nothing is made or revoked on the shared app.
  { target: { name: "page /admin/api-keys", page: "/admin/api-keys" },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "createApiKeyAction (empty form)", action: { filename: "app/(app)/admin/api-keys/actions.ts", exportedName: "createApiKeyAction", page: "/admin/api-keys" }, input: () => ({}) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "invalid", deactivated: "sign-in" } },
  { target: { name: "revokeApiKeyAction (no such key)", action: { filename: "app/(app)/admin/api-keys/actions.ts", exportedName: "revokeApiKeyAction", page: "/admin/api-keys" }, input: () => ({ keyId: 999_999_999 }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: { message: "That API key no longer exists." }, deactivated: "sign-in" } },
  // A manager shows their own approve key on My account (docs/api.md#keys): a key that does not exist, so nothing is issued.
  { target: { name: "issueApiKeyAction (no such key)", action: { filename: "app/(app)/account/actions.ts", exportedName: "issueApiKeyAction", page: "/account" }, input: () => ({ keyId: 999_999_999 }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: { message: "That API key no longer exists." }, admin: "forbidden", deactivated: "sign-in" } },
  { target: { name: "GET /api/metrics (no token)", route: "/api/metrics" },
    expect: { anonymous: "401", staff: "401", manager: "401", admin: "401", deactivated: "401" } },
  { target: { name: "GET /transfers/export", route: "/transfers/export" },
    expect: { anonymous: "401", staff: "ok", manager: "ok", admin: "ok", deactivated: "401" } },
  { target: { name: "GET /transfers/export?format=xlsx", route: "/transfers/export?format=xlsx" },
    expect: { anonymous: "401", staff: "ok", manager: "ok", admin: "ok", deactivated: "401" } },
  { target: { name: "GET /batches/template", route: "/batches/template" },
    expect: { anonymous: "401", staff: "ok", manager: "ok", admin: "ok", deactivated: "401" } },
  { target: { name: "GET /batches/template?format=xlsx", route: "/batches/template?format=xlsx" },
    expect: { anonymous: "401", staff: "ok", manager: "ok", admin: "ok", deactivated: "401" } },
  { target: { name: "GET /admin/audit/export", route: "/admin/audit/export" },
    expect: { anonymous: "401", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "401" } },
  { target: { name: "GET /recipients/export", route: "/recipients/export" },
    expect: { anonymous: "401", staff: "ok", manager: "ok", admin: "ok", deactivated: "401" } },
  // The navigation's badges (docs/notifications.md#in-the-app): counts for the signed-in person only.
  { target: { name: "GET /api/badges", route: "/api/badges" },
    expect: { anonymous: "401", staff: "ok", manager: "ok", admin: "ok", deactivated: "401" } },
  { target: { name: "GET /api/health", route: "/api/health" },
    expect: { anonymous: "ok", staff: "ok", manager: "ok", admin: "ok", deactivated: "ok" } },
  { target: { name: "GET /api/auth/csrf", route: "/api/auth/csrf" },
    expect: { anonymous: "ok", staff: "ok", manager: "ok", admin: "ok", deactivated: "ok" } },
  { target: { name: "page /", page: "/" },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /transfers", page: "/transfers" },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /transfers/new", page: "/transfers/new" },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /transfers/[id]", page: (s) => `/transfers/${s.someoneElses}` },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "GET /batches/[id]/export", route: (s) => `/batches/${s.someoneElsesBatch.id}/export` },
    expect: { anonymous: "401", staff: "ok", manager: "ok", admin: "ok", deactivated: "401" } },
  { target: { name: "GET /batches/[id]/export?format=xlsx", route: (s) => `/batches/${s.someoneElsesBatch.id}/export?format=xlsx` },
    expect: { anonymous: "401", staff: "ok", manager: "ok", admin: "ok", deactivated: "401" } },
  { target: { name: "page /batches", page: "/batches" },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /batches/[id]", page: (s) => `/batches/${s.someoneElsesBatch.id}` },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /approvals", page: "/approvals" },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "ok", admin: "forbidden", deactivated: "sign-in" } },
  { target: { name: "page /attention", page: "/attention" },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /admin/users", page: "/admin/users" },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /recipients", page: "/recipients" },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /account", page: "/account" },
    expect: { anonymous: "sign-in", staff: "ok", manager: "ok", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /admin/sign-ins", page: "/admin/sign-ins" },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /admin/audit", page: "/admin/audit" },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /admin/mail", page: "/admin/mail" },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /admin/limits", page: "/admin/limits" },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "page /admin/tiers", page: "/admin/tiers" },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  // Saved tiers would change what other spec files' transfers need: the admin's call stops at its own validation.
  { target: { name: "saveTiersAction (empty form)", action: { filename: "app/(app)/admin/tiers/actions.ts", exportedName: "saveTiersAction", page: "/admin/tiers" }, input: () => ({}) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "invalid", deactivated: "sign-in" } },
  { target: { name: "page /admin/sign-in-addresses", page: "/admin/sign-in-addresses" },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  // A saved list would refuse other spec files' sign-ins: the admin's call stops at its own validation (e2e/sign-in-allow-list.spec.ts saves on its own app).
  { target: { name: "saveSignInAllowListAction (empty form)", action: { filename: "app/(app)/admin/sign-in-addresses/actions.ts", exportedName: "saveSignInAllowListAction", page: "/admin/sign-in-addresses" }, input: () => ({}) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "invalid", deactivated: "sign-in" } },
  // Deposit alerts (docs/deposit-alerts.md): a pause that does not exist, and an empty policy form, so no other spec's sending is touched.
  { target: { name: "page /admin/sending", page: "/admin/sending" },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "resumeSendingAction (no such pause)", action: { filename: "app/(app)/admin/sending/actions.ts", exportedName: "resumeSendingAction", page: "/admin/sending" }, input: () => ({ pauseId: 999_999_999 }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: { message: "This pause does not exist." }, deactivated: "sign-in" } },
  { target: { name: "setDepositAlertsAction (empty form)", action: { filename: "app/(app)/admin/sending/actions.ts", exportedName: "setDepositAlertsAction", page: "/admin/sending" }, input: () => ({}) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "invalid", deactivated: "sign-in" } },
  // Webhooks (docs/webhooks.md): empty forms and ids that do not exist, so nothing is registered or sent on the shared app.
  { target: { name: "page /admin/webhooks", page: "/admin/webhooks" },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "ok", deactivated: "sign-in" } },
  { target: { name: "createWebhookEndpointAction (empty form)", action: { filename: "app/(app)/admin/webhooks/actions.ts", exportedName: "createWebhookEndpointAction", page: "/admin/webhooks" }, input: () => ({}) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "invalid", deactivated: "sign-in" } },
  { target: { name: "setWebhookEndpointActiveAction (no such endpoint)", action: { filename: "app/(app)/admin/webhooks/actions.ts", exportedName: "setWebhookEndpointActiveAction", page: "/admin/webhooks" }, input: () => ({ endpointId: 999_999_999, active: false }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: { message: "This webhook endpoint does not exist" }, deactivated: "sign-in" } },
  { target: { name: "rotateWebhookSecretAction (empty form)", action: { filename: "app/(app)/admin/webhooks/actions.ts", exportedName: "rotateWebhookSecretAction", page: "/admin/webhooks" }, input: () => ({}) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: "invalid", deactivated: "sign-in" } },
  { target: { name: "resendWebhookAction (no such delivery)", action: { filename: "app/(app)/admin/webhooks/actions.ts", exportedName: "resendWebhookAction", page: "/admin/webhooks" }, input: () => ({ deliveryId: 999_999_999 }) },
    expect: { anonymous: "sign-in", staff: "forbidden", manager: "forbidden", admin: { message: "This delivery does not exist" }, deactivated: "sign-in" } },
];

type StorageState = Awaited<ReturnType<APIRequestContext["storageState"]>>;

function accessDenied(email: string): number {
  return withE2eDatabase(
    (db) => (db.prepare("select count(*) n from audit_entries where action = 'access.denied' and actor_email = ?").get(email) as { n: number }).n,
  );
}

test.describe("Authorization matrix: every action, route and gated page × every kind of caller (docs/roles.md#who-may-do-what)", () => {
  const sessions: Partial<Record<Principal, StorageState>> = {};
  const setup: Setup = {
    credentials: {},
    inquiry: {},
    ownAwaiting: {},
    toApprove: 0,
    toReject: 0,
    someoneElses: 0,
    managersOwn: 0,
    subjectUserId: 0,
    ownBatch: {},
    batchToApprove: 0,
    batchToReject: 0,
    someoneElsesBatch: { id: 0, rowIds: [] },
    managersOwnBatch: 0,
    recipientToEdit: {},
    recipientToArchive: {},
  };

  test.beforeAll(async () => {
    // Every new user signs in once through all the steps (own password, enrolment), which takes a while.
    test.setTimeout(120_000);
    const demoAdmin = await signedInClient(demoUser("admin"));
    const fresh = (role: FreshUser["role"], name: string) => createFreshUser(demoAdmin, role, `matrix-${name}`);
    const [staff, manager, admin, secondManager, deactivated, subject] = await Promise.all([
      fresh("staff", "staff"),
      fresh("manager", "manager"),
      fresh("admin", "admin"),
      fresh("manager", "second-manager"),
      fresh("admin", "deactivated"),
      fresh("staff", "subject"),
    ]);
    const users: Record<Role, FreshUser> = { staff, manager, admin };
    const roles = Object.keys(users) as Role[];
    const [deactivatedClient, secondManagerClient, staffClient, managerClient, adminClient] = await Promise.all([
      signedInClient(deactivated),
      signedInClient(secondManager),
      signedInClient(staff),
      signedInClient(manager),
      signedInClient(admin),
    ]);
    const clients: Record<Role, APIRequestContext> = { staff: staffClient, manager: managerClient, admin: adminClient };

    sessions.deactivated = await deactivatedClient.storageState();
    await deactivatedClient.dispose();
    expect((await invokeAction(demoAdmin, actions.setActive, { userId: deactivated.id, active: false })).result).toMatchObject({ ok: true });
    await demoAdmin.dispose();
    setup.credentials.deactivated = deactivated;
    setup.subjectUserId = subject.id;

    let awaitingCount = 0;
    const awaiting = () => ({ ...lookUp, amount: 7_500_000 + ++awaitingCount });
    for (const role of roles) {
      const [inquiry, own] = await Promise.all([lookUpWallet(clients[role], { ...lookUp, amount: amountOf[role] }), submitTransfer(clients[role], awaiting())]);
      setup.inquiry[role] = inquiry.inquiryId;
      setup.ownAwaiting[role] = own.transferId;
      setup.credentials[role] = users[role];
    }
    const [toApprove, toReject, someoneElses, managersOwn] = await Promise.all([
      submitTransfer(secondManagerClient, awaiting()),
      submitTransfer(secondManagerClient, awaiting()),
      submitTransfer(secondManagerClient, awaiting()),
      submitTransfer(clients.manager, awaiting()),
    ]);
    Object.assign(setup, { toApprove: toApprove.transferId, toReject: toReject.transferId, someoneElses: someoneElses.transferId, managersOwn: managersOwn.transferId });

    const [ownStaff, ownManager, ownAdmin, batchToApprove, batchToReject, someoneElsesBatch, managersOwnBatch] = await Promise.all([
      checkedBatch(clients.staff, "own-staff"),
      checkedBatch(clients.manager, "own-manager"),
      checkedBatch(clients.admin, "own-admin"),
      checkedBatch(secondManagerClient, "to-approve", { submit: true }),
      checkedBatch(secondManagerClient, "to-reject", { submit: true }),
      checkedBatch(secondManagerClient, "someone-elses"),
      checkedBatch(clients.manager, "managers-own", { submit: true }),
    ]);
    Object.assign(setup, {
      ownBatch: { staff: ownStaff, manager: ownManager, admin: ownAdmin },
      batchToApprove: batchToApprove.id,
      batchToReject: batchToReject.id,
      someoneElsesBatch,
      managersOwnBatch: managersOwnBatch.id,
    });

    for (const role of roles) {
      const [toEdit, toArchive] = [uniquePhone(), uniquePhone()];
      setup.recipientToEdit[role] = { id: await savedRecipient(clients[role], `Matrix to edit ${role} ${recipientRun}`, toEdit), phone: toEdit };
      setup.recipientToArchive[role] = await savedRecipient(clients[role], `Matrix to archive ${role} ${recipientRun}`, toArchive);
    }

    for (const role of roles) {
      sessions[role] = await clients[role].storageState();
      await clients[role].dispose();
    }
    await secondManagerClient.dispose();
  });

  for (const { target, expect: row } of matrix) {
    for (const principal of principals) {
      const outcome = row[principal];
      const label = typeof outcome === "string" ? outcome : "redirect" in outcome ? `to ${outcome.redirect.source}` : `"${outcome.message}"`;
      test(`${target.name} × ${principal} → ${label}`, async () => {
        // A client of its own per cell, so that signing in here changes no other cell's session. Signing
        // out revokes the session on the server, so that cell signs in afresh instead of ending the shared one.
        const credentials = setup.credentials[principal];
        const ownSession = "action" in target && target.action === actions.signOut && principal !== "deactivated" && credentials;
        const client = ownSession ? await signedInClient(credentials) : await apiClient(sessions[principal]);
        try {
          if ("action" in target) await expectActionOutcome(client, principal, target, outcome, setup);
          else if ("upload" in target) await expectUploadOutcome(client, principal, outcome, setup);
          else if ("recipientImport" in target) await expectRecipientImportOutcome(client, principal, outcome, setup);
          else {
            const path = "route" in target ? target.route : target.page;
            await expectHttpOutcome(client, principal, typeof path === "string" ? path : path(setup), outcome);
          }
        } finally {
          await client.dispose();
        }
      });
    }
  }
});

async function expectActionOutcome(client: APIRequestContext, principal: Principal, target: Extract<Target, { action: ServerAction }>, outcome: Outcome, setup: Setup) {
  const email = setup.credentials[principal]?.email;
  const deniedBefore = email ? accessDenied(email) : 0;
  const input = target.input(principal, setup);
  const reply = input === undefined ? await invokeAction(client, target.action) : await invokeAction(client, target.action, input);
  expect(reply.status, JSON.stringify(reply)).toBe(200);

  if (outcome === "sign-in") {
    expect(reply.redirect).toMatch(principal === "deactivated" ? /^\/login\?reason=deactivated/ : /^\/login\?reason=expired/);
  } else if (outcome === "signed out") {
    expect(reply.redirect).toBe("/login?reason=signed-out");
  } else if (outcome === "ok") {
    // Signing in answers with a redirect into the app; every other action with its result.
    if (target.action === actions.signIn) expect(reply.redirect).toBe("/");
    else expect(reply.result, JSON.stringify(reply.result)).toMatchObject({ ok: true });
  } else if (outcome === "forbidden") {
    expect(reply.result).toEqual({ ok: false, code: "forbidden", message: "You do not have permission to do this." });
    expect(accessDenied(email!), "an access.denied audit entry").toBe(deniedBefore + 1);
  } else if (outcome === "invalid") {
    expect(reply.result).toMatchObject({ ok: false, code: "invalid" });
  } else if (outcome === "401") {
    throw new Error("401 is an answer of route handlers, not of actions");
  } else if ("redirect" in outcome) {
    expect(reply.redirect).toMatch(outcome.redirect);
  } else {
    expect(reply.result).toMatchObject({ ok: false, message: outcome.message });
  }
}

async function expectHttpOutcome(client: APIRequestContext, principal: Principal, path: string, outcome: Outcome) {
  const response = await client.get(path, { maxRedirects: 0 });
  if (outcome === "ok") expect(response.status()).toBe(200);
  else if (outcome === "forbidden") expect(response.status()).toBe(403);
  else if (outcome === "401") expect(response.status()).toBe(401);
  else if (outcome === "sign-in") {
    expect(response.status()).toBe(307);
    const location = new URL(response.headers()["location"] ?? "", "http://app.invalid");
    expect(location.pathname).toBe("/login");
    if (principal === "deactivated") expect(location.searchParams.get("reason")).toBe("deactivated");
  } else throw new Error(`No HTTP meaning for ${JSON.stringify(outcome)}`);
}

// ---------------------------------------------------------------------------------------------------
// Batch payouts: uploadBatchAction takes the upload form's FormData, which React sends as multipart: the
// argument list `["$K1"]` in field 0, and the form's own fields prefixed with `1_`.

function batchCsv(label: string): string {
  // Two ordinary wallets, Rp 8.000.000 in all: above the approval threshold even while admin-limits.spec has it at Rp 6.000.000.
  return `wallet,phone,amount,note\nDANA,${uniquePhone()},4.000.000,Matrix ${label}\nOVO,${uniquePhone()},4.000.000,Matrix ${label}\n`;
}

/** Sent with Node's fetch and FormData, which encode the file part as the browser does, with the client's session cookie. */
async function postUpload(client: APIRequestContext, fileName: string, csv: string, action: ServerAction = actions.uploadBatch) {
  const session = await cookieSession(client);
  const form = new FormData();
  form.append("_1_file", new File([csv], fileName, { type: "text/csv" }));
  form.append("0", JSON.stringify(["$K1"]));
  const response = await fetch(new URL(action.page, playwrightConfig.use?.baseURL), {
    method: "POST",
    headers: {
      "Next-Action": actionId(action.filename, action.exportedName),
      Accept: "text/x-component",
      Cookie: session.cookie,
      "X-Forwarded-For": session.forwardedFor,
    },
    body: form,
    redirect: "manual",
  });
  await response.arrayBuffer();
  return { status: response.status, redirect: response.headers.get("x-action-redirect") };
}

function batchOfFile(fileName: string): { id: number; status: string; maker: string } | undefined {
  return withE2eDatabase(
    (db) =>
      db.prepare("select b.id, b.status, u.email maker from batches b join users u on u.id = b.maker_id where b.file_name = ?").get(fileName) as
        | { id: number; status: string; maker: string }
        | undefined,
  );
}

/** A two-row batch uploaded by `client`, checked (ready to submit), and with `submit` submitted: then it awaits approval. */
async function checkedBatch(client: APIRequestContext, label: string, { submit = false } = {}): Promise<BatchSetup> {
  const fileName = `matrix-${label}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}.csv`;
  const upload = await postUpload(client, fileName, batchCsv(label));
  expect(upload, `uploading ${fileName}`).toEqual({ status: 200, redirect: null });
  await expect.poll(() => batchOfFile(fileName)?.status, { message: `${fileName} is checked`, timeout: 20_000 }).toBe("ready");
  const { id } = batchOfFile(fileName)!;
  const rowIds = withE2eDatabase((db) => (db.prepare("select id from batch_rows where batch_id = ? order by line").all(id) as { id: number }[]).map((r) => r.id));
  if (submit) {
    const reply = await invokeAction(client, actions.submitBatch, { batchId: id });
    expect(reply.result, JSON.stringify(reply)).toMatchObject({ ok: true, data: { status: "awaiting_approval" } });
  }
  return { id, rowIds };
}

async function expectUploadOutcome(client: APIRequestContext, principal: Principal, outcome: Outcome, setup: Setup) {
  const fileName = `matrix-upload-${principal}-${Date.now().toString(36)}.csv`;
  const reply = await postUpload(client, fileName, batchCsv(`upload ${principal}`));
  expect(reply.status).toBe(200);
  if (outcome === "sign-in") {
    expect(reply.redirect).toMatch(principal === "deactivated" ? /\/login\?reason=deactivated/ : /\/login\?reason=expired/);
    expect(batchOfFile(fileName), "no batch was made").toBeUndefined();
  } else if (outcome === "ok") {
    expect(reply.redirect).toBeNull();
    // The answer is the new batch: it is read back from the database rather than decoded.
    expect(batchOfFile(fileName)?.maker).toBe(setup.credentials[principal]?.email);
  } else {
    throw new Error(`No upload meaning for ${JSON.stringify(outcome)}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Saved recipients: importRecipientsAction takes the import dialog's FormData, posted like a batch upload.

async function savedRecipient(client: APIRequestContext, label: string, phone: string): Promise<number> {
  const reply = await invokeAction<{ recipientId: number }>(client, actions.saveRecipient, { label, wallet: "DANA", phone });
  expect(reply.result, `saving ${label}`).toMatchObject({ ok: true });
  return reply.result!.ok ? reply.result!.data.recipientId : 0;
}

function recipientSavedBy(label: string): string | undefined {
  return withE2eDatabase(
    (db) => (db.prepare("select u.email from recipients r join users u on u.id = r.created_by where r.label = ?").get(label) as { email: string } | undefined)?.email,
  );
}

async function expectRecipientImportOutcome(client: APIRequestContext, principal: Principal, outcome: Outcome, setup: Setup) {
  const label = `Matrix imported ${principal} ${recipientRun}`;
  const reply = await postUpload(client, "recipients.csv", `label,wallet,phone\n${label},DANA,${uniquePhone()}\n`, actions.importRecipients);
  expect(reply.status).toBe(200);
  if (outcome === "sign-in") {
    expect(reply.redirect).toMatch(principal === "deactivated" ? /\/login\?reason=deactivated/ : /\/login\?reason=expired/);
    expect(recipientSavedBy(label), "nothing was imported").toBeUndefined();
  } else if (outcome === "ok") {
    expect(reply.redirect).toBeNull();
    expect(recipientSavedBy(label)).toBe(setup.credentials[principal]?.email);
  } else {
    throw new Error(`No import meaning for ${JSON.stringify(outcome)}`);
  }
}
