import { readFileSync } from "node:fs";
import path from "node:path";
import { randomInt } from "node:crypto";
import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import type { LookUpAnswer } from "../../lib/transfers/inquiry";
import type { Role } from "../../db/schema";
import type { ActionResult } from "../../lib/result";
import type { CreatedTransfer } from "../../lib/transfers/create";
import type { LookUpInput } from "../../lib/transfers/schemas";
import playwrightConfig from "../../playwright.config";
import { demoUsers } from "../../db/demo-users";
import { uniqueEmail } from "../fixtures";
import { withE2eDatabase } from "./database";
import { languageState } from "./language";
import { codeAt, demoSecret, secretFromScreen, withFreshCode } from "./second-factor";

/*
 * Server actions called straight over HTTP, the way the browser's form would call them but without the
 * form: the hostile-input, authorization and race tests send what no page would ever send.
 */

const appUrl = playwrightConfig.use?.baseURL ?? "http://localhost:3100";

/** Where each server action lives and the page that posts to it (any page of the app would do). */
export type ServerAction = { filename: string; exportedName: string; page: string };

const transferActions = "app/(app)/transfers/actions.ts";
const userActions = "app/(app)/admin/users/actions.ts";
const batchActions = "app/(app)/batches/actions.ts";
const recipientActions = "app/(app)/recipients/actions.ts";

export const serverActions = {
  signIn: { filename: "app/login/actions.ts", exportedName: "signInAction", page: "/login" },
  proveSignInCode: { filename: "app/login/actions.ts", exportedName: "proveSignInCodeAction", page: "/login/code" },
  confirmEnrolment: { filename: "app/login/actions.ts", exportedName: "confirmEnrolmentAction", page: "/login/enrol" },
  changePassword: { filename: "app/login/actions.ts", exportedName: "changePasswordAction", page: "/account" },
  signOut: { filename: "app/login/actions.ts", exportedName: "signOutAction", page: "/" },
  signOutEverywhere: { filename: "app/(app)/account/actions.ts", exportedName: "signOutEverywhereAction", page: "/account" },
  regenerateRecoveryCodes: { filename: "app/(app)/account/actions.ts", exportedName: "regenerateRecoveryCodesAction", page: "/account" },
  saveLanguage: { filename: "app/(app)/account/actions.ts", exportedName: "saveLanguageAction", page: "/account" },
  saveMailPreferences: { filename: "app/(app)/account/actions.ts", exportedName: "saveMailPreferencesAction", page: "/account" },
  lookUpWallet: { filename: transferActions, exportedName: "lookUpWalletAction", page: "/transfers/new" },
  createTransfer: { filename: transferActions, exportedName: "createTransferAction", page: "/transfers/new" },
  refreshTransfers: { filename: transferActions, exportedName: "refreshTransfersAction", page: "/transfers" },
  listUnsettled: { filename: transferActions, exportedName: "listUnsettledAction", page: "/transfers" },
  cancelTransfer: { filename: transferActions, exportedName: "cancelTransferAction", page: "/transfers" },
  approveTransfer: { filename: transferActions, exportedName: "approveTransferAction", page: "/approvals" },
  rejectTransfer: { filename: transferActions, exportedName: "rejectTransferAction", page: "/approvals" },
  proposeResolution: { filename: transferActions, exportedName: "proposeResolutionAction", page: "/attention" },
  confirmResolution: { filename: transferActions, exportedName: "confirmResolutionAction", page: "/attention" },
  declineResolution: { filename: transferActions, exportedName: "declineResolutionAction", page: "/attention" },
  reviewDiscrepancy: { filename: transferActions, exportedName: "reviewDiscrepancyAction", page: "/attention" },
  createUser: { filename: userActions, exportedName: "createUserAction", page: "/admin/users" },
  changeRole: { filename: userActions, exportedName: "changeRoleAction", page: "/admin/users" },
  setActive: { filename: userActions, exportedName: "setActiveAction", page: "/admin/users" },
  resetPassword: { filename: userActions, exportedName: "resetPasswordAction", page: "/admin/users" },
  resetSecondFactor: { filename: userActions, exportedName: "resetSecondFactorAction", page: "/admin/users" },
  setSecondFactorPolicy: { filename: userActions, exportedName: "setSecondFactorPolicyAction", page: "/admin/users" },
  updateLimits: { filename: "app/(app)/admin/limits/actions.ts", exportedName: "updateLimitsAction", page: "/admin/limits" },
  verifyAudit: { filename: "app/(app)/admin/audit/actions.ts", exportedName: "verifyAuditAction", page: "/admin/audit" },
  uploadBatch: { filename: batchActions, exportedName: "uploadBatchAction", page: "/batches" },
  editBatchRow: { filename: batchActions, exportedName: "editBatchRowAction", page: "/batches" },
  removeBatchRows: { filename: batchActions, exportedName: "removeBatchRowsAction", page: "/batches" },
  submitBatch: { filename: batchActions, exportedName: "submitBatchAction", page: "/batches" },
  approveBatch: { filename: batchActions, exportedName: "approveBatchAction", page: "/approvals" },
  rejectBatch: { filename: batchActions, exportedName: "rejectBatchAction", page: "/approvals" },
  cancelBatch: { filename: batchActions, exportedName: "cancelBatchAction", page: "/batches" },
  resumeBatch: { filename: batchActions, exportedName: "resumeBatchAction", page: "/batches" },
  saveRecipient: { filename: recipientActions, exportedName: "saveRecipientAction", page: "/recipients" },
  updateRecipient: { filename: recipientActions, exportedName: "updateRecipientAction", page: "/recipients" },
  archiveRecipient: { filename: recipientActions, exportedName: "archiveRecipientAction", page: "/recipients" },
  importRecipients: { filename: recipientActions, exportedName: "importRecipientsAction", page: "/recipients" },
} as const satisfies Record<string, ServerAction>;

type ManifestEntry = { filename: string; exportedName: string };
let manifest: Record<string, ManifestEntry> | undefined;

/** The id `next build` gave a server action (it changes with every build, so it is read, never written down). */
export function actionId(filename: string, exportedName: string): string {
  manifest ??= (
    JSON.parse(readFileSync(path.join(__dirname, "../../.next/server/server-reference-manifest.json"), "utf8")) as {
      node: Record<string, ManifestEntry>;
    }
  ).node;
  const found = Object.entries(manifest).find(([, entry]) => entry.filename === filename && entry.exportedName === exportedName);
  if (!found) throw new Error(`No server action ${exportedName} in ${filename} in the build: run npx next build`);
  return found[0];
}

export type ActionReply<T = unknown> = {
  status: number;
  /** The path the action redirected to (`/login?reason=expired&…`), or null. */
  redirect: string | null;
  /** What the action returned; undefined when it redirected or threw. */
  result: ActionResult<T> | undefined;
  /** The digest Next.js reports when the action threw (it then answers 500). */
  error: string | null;
};

/**
 * A session as a bare Cookie header, sent with Node's fetch: unlike an APIRequestContext, whose requests
 * each make a round trip through the Playwright driver, fifty of these leave at the same instant.
 */
export type CookieSession = { cookie: string; forwardedFor: string; /** Another app than the e2e one (the load test). */ baseUrl?: string };

export async function cookieSession(client: APIRequestContext): Promise<CookieSession> {
  const { cookies } = await client.storageState();
  return { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "), forwardedFor: clientAddress() };
}

type Caller = APIRequestContext | CookieSession;

/**
 * POSTs to a page the request a browser sends for a server action, and decodes the RSC answer into
 * the action's return value. `args` are the action's arguments, encoded as React encodes them, so a
 * test can send values JSON cannot carry (NaN, Infinity, -0, BigInt, undefined).
 */
export async function callAction<T = unknown>(caller: Caller, pagePath: string, id: string, args: unknown[]): Promise<ActionReply<T>> {
  const headers = { "Next-Action": id, Accept: "text/x-component", "Content-Type": "text/plain;charset=UTF-8" };
  const body = JSON.stringify(args.map(encodeReplyValue));
  if ("cookie" in caller) {
    const response = await fetch(new URL(pagePath, caller.baseUrl ?? appUrl), {
      method: "POST",
      headers: { ...headers, Cookie: caller.cookie, "X-Forwarded-For": caller.forwardedFor },
      body,
      redirect: "manual",
    });
    return decodeActionResponse<T>({
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      body: async () => Buffer.from(await response.arrayBuffer()),
    });
  }
  const response = await caller.post(pagePath, { headers, data: body, maxRedirects: 0, failOnStatusCode: false });
  return decodeActionResponse<T>({ status: response.status(), header: (name) => response.headers()[name], body: () => response.body() });
}

/** `callAction` for one of the app's actions, posted to its own page. */
export function invokeAction<T = unknown>(caller: Caller, action: ServerAction, ...args: unknown[]): Promise<ActionReply<T>> {
  return callAction<T>(caller, action.page, actionId(action.filename, action.exportedName), args);
}

type StorageState = Awaited<ReturnType<APIRequestContext["storageState"]>>;

/**
 * An API client of its own, from its own client address so that sign-in throttling never spills over
 * to other tests; with a saved storage state it carries that session. Dispose of it when done.
 */
export function apiClient(storageState?: StorageState, baseURL = appUrl): Promise<APIRequestContext> {
  // In English, as the suite's browsers read the app (playwright.config.ts): the refusals checked here are the English ones.
  const cookies = storageState?.cookies ?? [];
  const english = languageState("en").cookies.filter((cookie) => !cookies.some((c) => c.name === cookie.name));
  return playwrightRequest.newContext({
    baseURL,
    storageState: { cookies: [...english, ...cookies], origins: storageState?.origins ?? [] },
    extraHTTPHeaders: { "X-Forwarded-For": clientAddress() },
  });
}

function clientAddress(): string {
  return `203.0.113.${randomInt(1, 255)}`;
}

/** Who signs in: e-mail and password, and the authenticator secret when the person has a second factor. */
export type Credentials = { email: string; password: string; totpSecret?: string };

/** The secret of a person's authenticator: a fresh user's own, or the one the e2e seed gave a demo manager or admin. */
export function totpSecretOf(credentials: Credentials): string | undefined {
  if (credentials.totpSecret) return credentials.totpSecret;
  const demo = demoUsers.find((u) => u.email === credentials.email);
  return demo && demo.role !== "staff" ? demoSecret(demo.email) : undefined;
}

/** Where the app sends a signed-in session next: a sign-in step (`code`, `password`, `enrol`), or null when it is complete. */
async function pendingStep(client: APIRequestContext): Promise<"code" | "password" | "enrol" | null> {
  const response = await client.get("/", { maxRedirects: 0, failOnStatusCode: false });
  const location = response.headers()["location"] ?? "";
  const step = /\/login\/(code|password|enrol)\b/.exec(location)?.[1];
  if (step) return step as "code" | "password" | "enrol";
  if (response.status() !== 200) throw new Error(`Signed in, but / answers ${response.status()} ${location}`);
  return null;
}

/** Step 2 of signing in through the server action, with a code the user has not used yet. */
export async function proveCode(client: Caller, credentials: Credentials): Promise<void> {
  const secret = totpSecretOf(credentials);
  if (!secret) throw new Error(`${credentials.email} has a second factor, but the test does not know its secret`);
  const reply = await withFreshCode(credentials.email, secret, async (code) => {
    const answer = await invokeAction(client, serverActions.proveSignInCode, { code, callbackUrl: "/" });
    return { accepted: answer.redirect === "/", value: answer };
  });
  if (reply.redirect !== "/") throw new Error(`Code refused for ${credentials.email}: ${JSON.stringify(reply)}`);
}

/**
 * An API client signed in exactly as a person signs in: the login form's action, then the code from the
 * authenticator when the person has one. A fresh user's first sign-in also chooses their own password and
 * enrols; `credentials` then holds the new password and secret (so a later sign-in uses them). `baseURL`: another
 * app than the e2e one.
 */
export async function signedInClient(credentials: Credentials, { baseURL = appUrl }: { baseURL?: string } = {}): Promise<APIRequestContext> {
  const client = await apiClient(undefined, baseURL);
  const reply = await invokeAction(client, serverActions.signIn, { email: credentials.email, password: credentials.password, callbackUrl: "/" });
  if (reply.redirect !== "/") {
    await client.dispose();
    throw new Error(`Could not sign in ${credentials.email}: ${JSON.stringify(reply)}`);
  }
  for (let step = await pendingStep(client); step; step = await pendingStep(client)) {
    if (step === "code") await proveCode(client, credentials);
    else if (step === "password") {
      const own = `${credentials.password}-own-Merbabu-${randomInt(1_000_000)}`;
      await expectOk(
        invokeAction(client, serverActions.changePassword, { currentPassword: credentials.password, newPassword: own, confirmPassword: own }),
        `Choosing a password for ${credentials.email}`,
      );
      credentials.password = own;
    } else {
      const page = await (await client.get("/login/enrol")).text();
      const shown = /data-testid="totp-secret"[^>]*>([^<]+)</.exec(page)?.[1];
      if (!shown) throw new Error(`No secret on the enrolment page of ${credentials.email}`);
      const secret = secretFromScreen(shown);
      const code = codeAt(secret, Math.floor(Date.now() / 30_000));
      await expectOk(invokeAction(client, serverActions.confirmEnrolment, { code }), `Enrolling ${credentials.email}`);
      credentials.totpSecret = secret;
    }
  }
  return client;
}

/** The data of an action that must succeed for the test to go on, or an error that shows the answer. */
async function expectOk<T>(reply: Promise<ActionReply<T>>, what: string): Promise<T> {
  const { result, ...rest } = await reply;
  if (!result?.ok) throw new Error(`${what} failed: ${JSON.stringify({ ...rest, result })}`);
  return result.data;
}

export type FreshUser = { id: number; name: string; email: string; password: string; role: Role; totpSecret?: string };

/**
 * A new user, created by an admin through the users screen's action, who has signed in once (chosen their
 * own password, enrolled when their role needs it) so that tests can sign them in like anyone else. A new
 * manager cannot approve for 24 h (docs/roles.md#two-people-not-two-accounts); `onHold: false` makes them
 * as if created a day ago, for the tests about something else than that rule.
 */
export async function createFreshUser(admin: Caller, role: Role, prefix: string = role, { onHold = false } = {}): Promise<FreshUser> {
  const user = { name: `E2E ${prefix}`, email: uniqueEmail(prefix), role, password: "fresh-user-password-1" };
  const { id } = await expectOk(invokeAction<{ id: number }>(admin, serverActions.createUser, user), `Creating ${user.email}`);
  const fresh: FreshUser = { id, ...user };
  await (await signedInClient(fresh)).dispose();
  if (!onHold) withE2eDatabase((db) => db.prepare("update users set approval_hold_until = null where id = ?").run(id));
  return fresh;
}

type WalletQuery = Pick<LookUpInput, "wallet" | "phone"> & { amount: number };

/** Step 1 of the new-transfer page: look the wallet up. */
export function lookUpWallet(client: Caller, query: WalletQuery): Promise<LookUpAnswer> {
  return expectOk(invokeAction<LookUpAnswer>(client, serverActions.lookUpWallet, query), `Looking up ${query.wallet} ${query.phone}`);
}

/**
 * Both steps of the new-transfer page: look the wallet up, then confirm it, ticking "this is a separate
 * payment" for the earlier ones the look-up showed, as a person does when they mean to pay again. When
 * another test's identical transfer lands between the two steps the tick no longer covers it: then it looks
 * up again, as a person would, a few times.
 */
export async function submitTransfer(client: Caller, query: WalletQuery): Promise<CreatedTransfer> {
  for (let attempt = 1; ; attempt++) {
    const { inquiryId, nearDuplicates } = await lookUpWallet(client, query);
    const separateFrom = nearDuplicates.map((d) => d.id);
    const reply = await invokeAction<CreatedTransfer>(client, serverActions.createTransfer, { ...query, inquiryId, separateFrom });
    if (attempt < 5 && reply.result?.ok === false && /possible repeats changed|same payment was made/.test(reply.result.message)) continue;
    return expectOk(Promise.resolve(reply), "Confirming the transfer");
  }
}

// ---------------------------------------------------------------------------------------------------
// React's reply encoding (client → server) and flight format (server → client), as far as actions use them.

function encodeReplyValue(value: unknown): unknown {
  switch (typeof value) {
    case "string":
      return value.startsWith("$") ? `$${value}` : value;
    case "number":
      if (Number.isNaN(value)) return "$NaN";
      if (value === Infinity) return "$Infinity";
      if (value === -Infinity) return "$-Infinity";
      return Object.is(value, -0) ? "$-0" : value;
    case "bigint":
      return `$n${value}`;
    case "undefined":
      return "$undefined";
    case "object":
      if (value === null) return null;
      if (value instanceof Date) return `$D${value.toISOString()}`;
      if (Array.isArray(value)) return value.map(encodeReplyValue);
      return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, encodeReplyValue(v)]));
    default:
      return value;
  }
}

type FlightRow = { tag: "json" | "error" | "text" | "other"; body: string };

/**
 * Rows are `<hex id>:<tag?><payload>\n`; a `T` row is `<hex id>:T<hex byte length>,<text>` with no
 * newline, so the body is walked in bytes rather than split into lines.
 */
function flightRows(body: Buffer): Map<string, FlightRow> {
  const rows = new Map<string, FlightRow>();
  let at = 0;
  while (at < body.length) {
    const colon = body.indexOf(":", at);
    if (colon < 0) break;
    const id = body.toString("utf8", at, colon);
    const tag = String.fromCharCode(body[colon + 1] ?? 0);
    if (tag === "T") {
      const comma = body.indexOf(",", colon);
      const length = parseInt(body.toString("utf8", colon + 2, comma), 16);
      rows.set(id, { tag: "text", body: body.toString("utf8", comma + 1, comma + 1 + length) });
      at = comma + 1 + length;
      continue;
    }
    const end = body.indexOf("\n", colon);
    const line = body.toString("utf8", colon + 1, end < 0 ? body.length : end);
    at = end < 0 ? body.length : end + 1;
    if (tag === "E") rows.set(id, { tag: "error", body: line.slice(1) });
    else if (/^[A-Z]$/.test(tag)) rows.set(id, { tag: "other", body: line });
    else rows.set(id, { tag: "json", body: line });
  }
  return rows;
}

class ActionThrew extends Error {
  constructor(readonly digest: string) {
    super(`The action threw (digest ${digest})`);
  }
}

function reviveFlightValue(value: unknown, rows: Map<string, FlightRow>): unknown {
  if (typeof value === "string") {
    if (!value.startsWith("$")) return value;
    const rest = value.slice(1);
    if (rest.startsWith("$")) return rest;
    if (rest === "undefined") return undefined;
    if (rest === "NaN") return NaN;
    if (rest === "Infinity") return Infinity;
    if (rest === "-Infinity") return -Infinity;
    if (rest === "-0") return -0;
    if (rest.startsWith("D")) return new Date(rest.slice(1));
    if (rest.startsWith("n")) return BigInt(rest.slice(1));
    const reference = /^@?([0-9a-f]+)$/.exec(rest);
    if (reference) return flightRowValue(reference[1]!, rows);
    throw new Error(`Unsupported flight value ${JSON.stringify(value)}`);
  }
  if (Array.isArray(value)) return value.map((v) => reviveFlightValue(v, rows));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, reviveFlightValue(v, rows)]));
  }
  return value;
}

function flightRowValue(id: string, rows: Map<string, FlightRow>): unknown {
  const row = rows.get(id);
  if (!row) throw new Error(`The flight answer has no row ${id}`);
  if (row.tag === "text") return row.body;
  if (row.tag === "error") throw new ActionThrew((JSON.parse(row.body) as { digest?: string }).digest ?? "?");
  if (row.tag === "other") throw new Error(`Unsupported flight row ${id}:${row.body.slice(0, 80)}`);
  return reviveFlightValue(JSON.parse(row.body), rows);
}

type RawResponse = { status: number; header: (name: string) => string | undefined; body: () => Promise<Buffer> };

async function decodeActionResponse<T>({ status, header, body }: RawResponse): Promise<ActionReply<T>> {
  // A fetch-style action names its redirect in a header; a form post without JavaScript gets a 303.
  const target = header("x-action-redirect") ?? (status === 303 ? header("location") : undefined);
  const redirect = target ? localPath(target.replace(/;(push|replace)$/, "")) : null;
  const reply: ActionReply<T> = { status, redirect, result: undefined, error: null };
  if (redirect || !header("content-type")?.startsWith("text/x-component")) return reply;

  const rows = flightRows(await body());
  const head = rows.get("0");
  if (!head || head.tag !== "json") throw new Error(`Not an action answer (HTTP ${status})`);
  const { a } = JSON.parse(head.body) as { a?: string };
  if (a === undefined) return reply;
  try {
    reply.result = reviveFlightValue(a, rows) as ActionResult<T>;
  } catch (error) {
    if (!(error instanceof ActionThrew)) throw error;
    reply.error = error.digest;
  }
  return reply;
}

function localPath(url: string): string {
  const parsed = new URL(url, appUrl);
  return parsed.pathname + parsed.search;
}
