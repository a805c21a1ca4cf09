import type { msg } from "@/lib/i18n/translate";
import { rupiahOfAmountValue } from "./amount";
import { SERVICE_CODES, type GatewayCall } from "./protocol";

/**
 * What a gateway answer means (docs/gateway.md#response-codes, docs/gateway.md#transfer-statuses). `responseCode` = HTTP status (3) + service code (2) +
 * case code (2); the provider page's code tables contain typos (e.g. "2003800 Invalid field format"), so
 * codes are classified by that structure, never by the page's rows.
 */

export type RejectionReason =
  | "invalid_field_format"
  | "missing_mandatory_field"
  | "bad_request"
  | "unauthorized"
  | "exceeds_amount_limit"
  | "suspected_fraud"
  | "insufficient_funds"
  | "inactive_account"
  | "forbidden"
  | "invalid_account"
  | "transaction_not_found"
  | "inconsistent_request"
  | "not_found"
  | "duplicate_external_id"
  | "duplicate_reference"
  | "redirected"
  | "echo_mismatch";

/** Who has to act: a developer (our request was wrong), an admin (credentials, keys, clock), or nobody (Cash In's decision). */
export type RejectionBlame = "our_bug" | "configuration" | "gateway_decision";

export type AmbiguousCause =
  | "timeout"
  | "network"
  | "server_error"
  | "unreadable_body"
  | "rate_limited"
  | "duplicate_external_id"
  | "duplicate_reference"
  | "unexpected_answer"
  | "redirect"
  | "echo_mismatch";

export type SuccessOutcome = { kind: "success"; code: string; message: string };
/** Top-up accepted but not finished (202xx00): poll the status. */
export type InProgressOutcome = { kind: "in_progress"; code: string; message: string };
/**
 * A definitive "no": nothing happened at Cash In. `message` is for a person, in English as it is logged and stored
 * (`outcomeWords` says it in another language); `gatewayMessage` is Cash In's text.
 */
export type RejectedOutcome = {
  kind: "rejected";
  reason: RejectionReason;
  blame: RejectionBlame;
  code: string;
  message: string;
  gatewayMessage: string;
  /** An echo mismatch: what the answer echoed differently ("amount differs"). */
  difference?: string;
};
/** The outcome is unknown. For a top-up: check the status, never send it again. `detail`: what was seen ("HTTP 503"). */
export type AmbiguousOutcome = { kind: "ambiguous"; cause: AmbiguousCause; code: string | null; message: string; detail?: string };

export type GatewayOutcome = SuccessOutcome | InProgressOutcome | RejectedOutcome | AmbiguousOutcome;

/** What came back from one HTTP request, before interpretation. */
export type GatewayAnswer =
  | { kind: "transport"; error: "timeout" | "network"; detail: string }
  | { kind: "http"; httpStatus: number; responseCode: string | null; responseMessage: string };

/** The echoed fields, as `echoDifference` names them. */
const ECHO_FIELDS = { reference: "reference", customerNumber: "customer number", amount: "amount" } as const;
type EchoField = keyof typeof ECHO_FIELDS;

/** The one rejection whose message names a detail: what the answer echoed differently (docs/lifecycle.md#paying-twice-is-impossible). */
const echoRefusal = (difference?: string) =>
  `Cash In's answer did not match the look-up${difference ? ` (${difference})` : ""}, so it was not trusted. Nothing was sent.`;

const REJECTION_MESSAGES: Record<RejectionReason, string> = {
  invalid_field_format: "Cash In refused the request as badly formatted. This is a bug on our side; nothing was sent.",
  missing_mandatory_field: "Cash In refused the request: a required field was missing. This is a bug on our side; nothing was sent.",
  bad_request: "Cash In refused the request as malformed. This is a bug on our side; nothing was sent.",
  unauthorized:
    "Cash In refused our credentials (signature, partner id or clock). Check CASHIN_PARTNER_ID, the key pair registered with Cash In and the server clock.",
  exceeds_amount_limit: "The amount exceeds the limit Cash In allows for this transfer.",
  suspected_fraud: "Cash In declined this transfer as suspected fraud.",
  insufficient_funds: "The merchant's Cash In balance is too low for this transfer.",
  inactive_account: "The recipient's e-wallet account is inactive.",
  forbidden: "Cash In declined this transfer.",
  invalid_account: "No e-wallet account exists for this phone number.",
  transaction_not_found: "Cash In has no transfer with this reference.",
  inconsistent_request:
    "Cash In already has a transfer with this reference but different details. This is a bug on our side.",
  not_found: "Cash In could not find what was asked for.",
  duplicate_external_id: "Cash In had already seen this request id (X-EXTERNAL-ID). This is a bug on our side.",
  duplicate_reference: "Cash In already has a transfer with this reference.",
  redirected:
    "Cash In answered with a redirect, which this app never follows. Check CASHIN_BASE_URL: it must be Cash In's own address, ending in /pg/fo.",
  echo_mismatch: echoRefusal(),
};

const BLAME: Record<RejectionReason, RejectionBlame> = {
  invalid_field_format: "our_bug",
  missing_mandatory_field: "our_bug",
  bad_request: "our_bug",
  unauthorized: "configuration",
  exceeds_amount_limit: "gateway_decision",
  suspected_fraud: "gateway_decision",
  insufficient_funds: "gateway_decision",
  inactive_account: "gateway_decision",
  forbidden: "gateway_decision",
  invalid_account: "gateway_decision",
  transaction_not_found: "gateway_decision",
  inconsistent_request: "our_bug",
  not_found: "gateway_decision",
  duplicate_external_id: "our_bug",
  duplicate_reference: "our_bug",
  redirected: "configuration",
  // Our request was right and no setting of ours makes Cash In answer about another transfer.
  echo_mismatch: "gateway_decision",
};

const AMBIGUOUS_MESSAGES: Record<AmbiguousCause, string> = {
  timeout: "Cash In timed out",
  network: "The connection to Cash In failed",
  server_error: "Cash In answered with a server error",
  unreadable_body: "Cash In's answer could not be read",
  rate_limited: "Cash In is limiting our request rate",
  duplicate_external_id: "Cash In had already seen this request id (X-EXTERNAL-ID), a bug on our side",
  duplicate_reference: "Cash In already has a transfer with this reference",
  unexpected_answer: "Cash In gave an answer this system does not know",
  redirect: "Cash In answered with a redirect, which this app never follows",
  echo_mismatch: "Cash In's answer did not match the transfer",
};

type Translator = typeof msg;

/**
 * What a person who reads the outcome now is told, in `t`'s language (`msg`: the reader's), from messages/*.json
 * `server.cashin`. An outcome's `message` stays the English record: logged, and stored with the transfer or look-up
 * for people who read it later; the English messages are the same texts (test/i18n/server-messages.test.ts).
 */
export function outcomeWords(t: Translator, call: GatewayCall, outcome: RejectedOutcome | AmbiguousOutcome): string {
  if (outcome.kind === "rejected") {
    if (outcome.reason !== "echo_mismatch" || !outcome.difference) return t(`server.cashin.rejected.${outcome.reason}`);
    return t("server.cashin.echoMismatch", { difference: differenceWords(t, outcome.difference) });
  }
  const problem = t(`server.cashin.ambiguous.${outcome.cause}`);
  return t("server.cashin.unknownOutcome", {
    problem: outcome.detail ? t("server.cashin.withDetail", { problem, detail: outcome.detail }) : problem,
    next: t(call === "topup" ? "server.cashin.next.topup" : "server.cashin.next.other"),
  });
}

/** `echoDifference`'s English ("customer number and amount differ") in `t`'s words; a text it did not write stays as it is. */
function differenceWords(t: Translator, difference: string): string {
  const named = /^(.+) differs?$/.exec(difference)?.[1]?.split(" and ") ?? [];
  const fields = named.map((name) => (Object.keys(ECHO_FIELDS) as EchoField[]).find((field) => ECHO_FIELDS[field] === name));
  if (fields.length === 0 || fields.some((field) => field === undefined)) return difference;
  const words = (fields as EchoField[]).map((field) => t(`server.cashin.echo.${field}`)).reduce((first, second) => t("server.cashin.echo.and", { first, second }));
  return t("server.cashin.echo.differ", { count: fields.length, fields: words });
}

export function rejected(reason: RejectionReason, code: string, gatewayMessage: string): RejectedOutcome {
  return { kind: "rejected", reason, blame: BLAME[reason], code, message: REJECTION_MESSAGES[reason], gatewayMessage };
}

/** Cash In asked us to slow down (429xx00): decided here once, so that callers pace themselves by the outcome, not by a code. */
export function isRateLimited(outcome: { kind: string; cause?: AmbiguousCause }): boolean {
  return outcome.kind === "ambiguous" && outcome.cause === "rate_limited";
}

export function ambiguous(call: GatewayCall, cause: AmbiguousCause, code: string | null, detail?: string): AmbiguousOutcome {
  const next =
    call === "topup"
      ? "The transfer may or may not have been made: check its status, never send it again."
      : "Nothing changed at Cash In; try again shortly.";
  const what = detail ? `${AMBIGUOUS_MESSAGES[cause]} (${detail})` : AMBIGUOUS_MESSAGES[cause];
  return { kind: "ambiguous", cause, code, message: `${what}. ${next}`, ...(detail ? { detail } : {}) };
}

/** Case codes of 400/403/404 that mean one thing whatever the call. */
const CASE_REASONS: Record<string, Record<string, RejectionReason>> = {
  "400": { "00": "bad_request", "01": "invalid_field_format", "02": "missing_mandatory_field" },
  "403": { "02": "exceeds_amount_limit", "03": "suspected_fraud", "14": "insufficient_funds", "18": "inactive_account" },
  "404": { "01": "transaction_not_found", "11": "invalid_account", "18": "inconsistent_request" },
};

/** Within a known family, an unlisted case code is still a definitive "no" of that family. */
const FAMILY_FALLBACK: Record<string, RejectionReason> = {
  "400": "bad_request",
  "401": "unauthorized",
  "403": "forbidden",
  "404": "not_found",
};

export function classifyAnswer(call: GatewayCall, answer: GatewayAnswer): GatewayOutcome {
  if (answer.kind === "transport") return ambiguous(call, answer.error, null, answer.detail);

  const { httpStatus, responseCode, responseMessage } = answer;
  // Never followed (docs/lifecycle.md#paying-twice-is-impossible): the top-up may have been taken before the redirect, and a second POST could pay twice.
  if (httpStatus >= 300 && httpStatus < 400) {
    if (call === "topup") return ambiguous(call, "redirect", responseCode, `HTTP ${httpStatus}; check CASHIN_BASE_URL`);
    // A redirect seldom carries a SNAP code: its HTTP status stands in.
    return rejected("redirected", responseCode ?? String(httpStatus), responseMessage);
  }
  // A 5xx says nothing reliable about what happened, whatever its body claims.
  if (httpStatus >= 500) return ambiguous(call, "server_error", responseCode, `HTTP ${httpStatus}`);
  if (responseCode === null) return ambiguous(call, "unreadable_body", null, `HTTP ${httpStatus}`);

  const match = /^(\d{3})(\d{2})(\d{2})$/.exec(responseCode);
  if (!match) return ambiguous(call, "unexpected_answer", responseCode);
  const [, codeStatus = "", service, caseCode = ""] = match;
  // A code for another service, or one that contradicts the HTTP status, cannot be trusted either way.
  if (service !== SERVICE_CODES[call] || Number(codeStatus) !== httpStatus) {
    return ambiguous(call, "unexpected_answer", responseCode, `HTTP ${httpStatus}`);
  }

  if (codeStatus === "200" && caseCode === "00") return { kind: "success", code: responseCode, message: responseMessage };
  if (codeStatus === "202" && caseCode === "00" && call === "topup") {
    return { kind: "in_progress", code: responseCode, message: responseMessage };
  }
  if (codeStatus === "409" && caseCode === "00") {
    // The top-up may or may not have been taken under the first use of this id: only the status call can tell.
    return call === "topup"
      ? ambiguous(call, "duplicate_external_id", responseCode)
      : rejected("duplicate_external_id", responseCode, responseMessage);
  }
  if (codeStatus === "409" && caseCode === "01") {
    // The transfer exists at Cash In under this reference: its status tells how it went; never resend.
    return call === "topup"
      ? ambiguous(call, "duplicate_reference", responseCode)
      : rejected("duplicate_reference", responseCode, responseMessage);
  }
  if (codeStatus === "429") return ambiguous(call, "rate_limited", responseCode);

  const reason = CASE_REASONS[codeStatus]?.[caseCode] ?? FAMILY_FALLBACK[codeStatus];
  if (reason) return rejected(reason, responseCode, responseMessage);
  return ambiguous(call, "unexpected_answer", responseCode, responseMessage || undefined);
}

/** What a request carried that its answer may echo (docs/lifecycle.md#paying-twice-is-impossible); a field left out here is not checked. */
export interface SentEcho {
  partnerReferenceNo?: string;
  customerNumber?: string;
  /** Whole rupiah. */
  amount?: number;
}

/** The same fields as an answer carries them, read leniently (docs/gateway.md#bodies): any of them may be absent. */
export interface AnsweredEcho {
  partnerReferenceNo?: string;
  customerNumber?: string;
  amount?: { value?: string };
}

const differs = <T>(sent: T | undefined, answered: T | undefined): boolean =>
  sent !== undefined && answered !== undefined && answered !== sent;

/**
 * What an answer echoes differently from its request, in words ("customer number differs"), or null. A field
 * the answer leaves out is no difference: answers are read leniently.
 */
export function echoDifference(sent: SentEcho, answered: AnsweredEcho): string | null {
  const amountValue = answered.amount?.value;
  // "10000.00" and 10000.00 are the same rupiah; an amount that cannot be read (null) is not the one sent.
  const answeredAmount = amountValue === undefined ? undefined : rupiahOfAmountValue(amountValue);
  const fields = [
    differs(sent.partnerReferenceNo, answered.partnerReferenceNo) ? ECHO_FIELDS.reference : null,
    differs(sent.customerNumber, answered.customerNumber) ? ECHO_FIELDS.customerNumber : null,
    differs<number | null>(sent.amount, answeredAmount) ? ECHO_FIELDS.amount : null,
  ].filter((field) => field !== null);
  if (fields.length === 0) return null;
  return `${fields.join(" and ")} ${fields.length === 1 ? "differs" : "differ"}`;
}

/**
 * An answer that does not echo its request is not trusted (docs/lifecycle.md#paying-twice-is-impossible): a look-up is refused, so nobody confirms a
 * name Cash In gave about someone else; a top-up's or status's outcome is unknown, to be settled by the status call.
 */
export function untrustedEcho(call: GatewayCall, code: string, gatewayMessage: string, difference: string): RejectedOutcome | AmbiguousOutcome {
  if (call === "inquiry") return { ...rejected("echo_mismatch", code, gatewayMessage), message: echoRefusal(difference), difference };
  return ambiguous(call, "echo_mismatch", code, difference);
}

export const TRANSFER_STATUS_LABELS = {
  "00": "Success",
  "01": "Initiated",
  "02": "Paying",
  "03": "Pending",
  "04": "Refunded",
  "05": "Canceled",
  "06": "Failed",
  "07": "Not found",
} as const;

export type TransferStatusCode = keyof typeof TRANSFER_STATUS_LABELS;

/**
 * - succeeded / refunded / failed: final.
 * - pending (01–03): keep polling.
 * - not_found (07): right after an ambiguous top-up it may mean "not yet visible"; the transfer domain keeps
 *   polling for a grace period before treating the transfer as never sent.
 * - unknown: a status this system does not know; keep polling, never guess.
 */
export type TransferState = "succeeded" | "pending" | "refunded" | "failed" | "not_found" | "unknown";

export interface TransferStatusOutcome {
  code: string;
  state: TransferState;
  final: boolean;
  label: string;
}

const STATUS_STATES: Record<TransferStatusCode, TransferState> = {
  "00": "succeeded",
  "01": "pending",
  "02": "pending",
  "03": "pending",
  "04": "refunded",
  // Canceled at Cash In: no money moved, which for the merchant is a failed transfer.
  "05": "failed",
  "06": "failed",
  "07": "not_found",
};

function isStatusCode(code: string): code is TransferStatusCode {
  return Object.hasOwn(TRANSFER_STATUS_LABELS, code);
}

export function classifyTransferStatus(code: string): TransferStatusOutcome {
  const trimmed = code.trim();
  if (!isStatusCode(trimmed)) return { code: trimmed, state: "unknown", final: false, label: `Unknown status "${trimmed}"` };
  const state = STATUS_STATES[trimmed];
  return {
    code: trimmed,
    state,
    final: state === "succeeded" || state === "refunded" || state === "failed",
    label: TRANSFER_STATUS_LABELS[trimmed],
  };
}
