import { rupiahOfAmountValue } from "./amount";
import {
  ambiguous,
  classifyAnswer,
  classifyTransferStatus,
  echoDifference,
  untrustedEcho,
  type AmbiguousOutcome,
  type AnsweredEcho,
  type GatewayAnswer,
  type GatewayOutcome,
  type InProgressOutcome,
  type RejectedOutcome,
  type SentEcho,
  type TransferStatusOutcome,
} from "./codes";
import { signedRequestHeaders } from "./headers";
import { cleanOwnerName } from "./names";
import {
  AMOUNT_VALUE_PATTERN,
  CUSTOMER_NUMBER_PATTERN,
  GATEWAY_PATHS,
  PARTNER_REFERENCE_PATTERN,
  SERVICE_CODES,
  WALLET_CHANNEL_CODES,
  WALLET_CHANNELS,
  transferResponseSchema,
  statusRequestSchema,
  statusResponseSchema,
  transferRequestSchema,
  type GatewayCall,
  type StatusResponse,
  type TransferResponse,
  type Wallet,
} from "./protocol";
import type { Signer } from "./signer";

/**
 * The Cash In client (docs/gateway.md#the-three-calls). Expected gateway answers, including timeouts and garbage, come back as
 * typed outcomes, never as exceptions; only a programming error (an invalid request) throws.
 */

/** One HTTP request to Cash In, as the transfer timeline stores it. Never carries the signature or a key. */
export interface GatewayCallRecord {
  call: GatewayCall;
  /** The signed relative path (without `/pg/fo`). */
  path: string;
  url: string;
  externalId: string;
  timestamp: string;
  /** 1 for the first try; inquiry and status calls may retry after a transport error. */
  attempt: number;
  startedAt: Date;
  durationMs: number;
  /** Exactly the bytes sent. */
  requestBody: string;
  /** The raw answer, unknown fields included; null when none arrived. */
  responseBody: string | null;
  httpStatus: number | null;
  responseCode: string | null;
  outcome: GatewayOutcome["kind"];
  /** What went wrong beside the code, if anything: a transport error, a redirect not followed, an echo that differs. */
  error: string | null;
}

export type GatewayCallHook = (record: GatewayCallRecord) => void | Promise<void>;

export interface CashinClientConfig {
  /** Ends in `/pg/fo`, e.g. https://sandbox-api.cashin.co.id/pg/fo. */
  baseUrl: string;
  partnerId: string;
  channelId: string;
  signer: Signer;
  timeoutMs: number;
  /** Extra tries of inquiry and status calls after a timeout or network error (never of a top-up). Default 2. */
  transportRetries?: number;
  /** Wait before retry n is n × this. Default 250 ms. */
  retryDelayMs?: number;
  /** Sees every call of this client, e.g. for logging. */
  onCall?: GatewayCallHook;
}

export interface CallOptions {
  /** Sees the calls of this request only, e.g. to store them on the transfer's timeline. */
  onCall?: GatewayCallHook;
}

export interface TransferRequest {
  /** Our id for the transfer: generated once, never reused for another attempt. */
  partnerReferenceNo: string;
  wallet: Wallet;
  /** Already normalized: `628…` (see normalizePhone). */
  customerNumber: string;
  /** Whole rupiah. */
  amount: number;
}

export interface StatusRequest {
  /** The partnerReferenceNo of the top-up. */
  partnerReferenceNo: string;
  /** What the top-up carried: an answer about another amount or customer number is not trusted (docs/lifecycle.md#paying-twice-is-impossible). */
  expected?: { amount?: number; customerNumber?: string };
}

export interface CallMeta {
  /** The X-EXTERNAL-ID of the last attempt. */
  externalId: string;
  httpStatus: number | null;
  attempts: number;
}

export type InquiryResult = (
  | {
      kind: "success";
      code: string;
      message: string;
      /** Cleaned of invisible characters (see names.ts); the raw answer stays in the call record. */
      customerName: string;
      customerNumber: string;
      /** The amount Cash In echoed, in rupiah (the one asked about); null if absent. */
      amount: number | null;
    }
  | RejectedOutcome
  | AmbiguousOutcome
) &
  CallMeta;

export type TopupResult = (
  | { kind: "success"; code: string; message: string }
  | InProgressOutcome
  | RejectedOutcome
  | AmbiguousOutcome
) &
  CallMeta;

export type StatusResult = (
  | {
      kind: "success";
      code: string;
      message: string;
      transferStatus: TransferStatusOutcome;
      /** Cash In's id for the transfer. */
      originalReferenceNo: string | null;
      amount: number | null;
      description: string;
    }
  | RejectedOutcome
  | AmbiguousOutcome
) &
  CallMeta;

export interface CashinClient {
  inquiry(request: TransferRequest, options?: CallOptions): Promise<InquiryResult>;
  /** Sent once: a top-up is never retried here, whatever happens. */
  topup(request: TransferRequest, options?: CallOptions): Promise<TopupResult>;
  status(request: StatusRequest, options?: CallOptions): Promise<StatusResult>;
}

/** A request this client refuses to send: a bug in the caller, who should have validated it. */
export class CashinRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CashinRequestError";
  }
}

interface Exchange<Answer> {
  outcome: GatewayOutcome;
  /** The answer read with its call's schema: only for a success or in-progress code, undefined if unreadable. */
  answer: Answer | undefined;
  meta: CallMeta;
}

/** How each call's answer is read (once), and which of its fields echo the request. */
interface AnswerReader<Answer> {
  read(json: unknown): Answer | undefined;
  echo(answer: Answer): AnsweredEcho;
}

const transferAnswer: AnswerReader<TransferResponse> = {
  read: (json) => transferResponseSchema.safeParse(json).data,
  echo: (answer) => answer,
};

const statusAnswer: AnswerReader<StatusResponse> = {
  read: (json) => statusResponseSchema.safeParse(json).data,
  // The reference of a status answer is checked by status() itself, against originalPartnerReferenceNo.
  echo: (answer) => ({ customerNumber: answer.customerNumber, amount: answer.amount }),
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readCode(json: unknown): { responseCode: string | null; responseMessage: string } {
  if (typeof json !== "object" || json === null) return { responseCode: null, responseMessage: "" };
  const { responseCode, responseMessage } = json as Record<string, unknown>;
  const code = typeof responseCode === "string" || typeof responseCode === "number" ? String(responseCode).trim() : null;
  const message = typeof responseMessage === "string" ? responseMessage.trim() : "";
  return { responseCode: code || null, responseMessage: message };
}

function transportError(error: unknown, timeoutMs: number): { error: "timeout" | "network"; detail: string } {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") return { error: "timeout", detail: `no answer within ${timeoutMs} ms` };
  // undici hides the socket error (ECONNREFUSED, ECONNRESET…) in `cause`.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const detail = [error instanceof Error ? error.message : String(error), code ?? cause?.message].filter(Boolean).join(": ");
  return { error: "network", detail };
}

export function createCashinClient(config: CashinClientConfig): CashinClient {
  const baseUrl = config.baseUrl.replace(/\/+$/, "");
  const transportRetries = config.transportRetries ?? 2;
  const retryDelayMs = config.retryDelayMs ?? 250;

  async function report(record: GatewayCallRecord, options: CallOptions | undefined): Promise<void> {
    for (const hook of [config.onCall, options?.onCall]) {
      if (!hook) continue;
      try {
        await hook(record);
      } catch (error) {
        // The answer matters more than its record: a failing hook must not turn a sent top-up into an exception.
        console.error(`cashin: onCall hook failed for ${record.call} ${record.externalId}:`, error);
      }
    }
  }

  /**
   * One request. `echo` is what a success answer must not contradict (docs/lifecycle.md#paying-twice-is-impossible).
   * Beside the signature and the round trip it does little: the answer is read with its schema once, and
   * only when its code says success or in progress; the call record is built only when a hook takes it.
   */
  async function exchangeOnce<Answer>(
    call: GatewayCall,
    body: string,
    echo: SentEcho,
    reader: AnswerReader<Answer>,
    attempt: number,
    options?: CallOptions,
  ): Promise<Exchange<Answer>> {
    const path = GATEWAY_PATHS[call];
    const url = `${baseUrl}${path}`;
    const signed = signedRequestHeaders({
      signer: config.signer,
      partnerId: config.partnerId,
      channelId: config.channelId,
      relativePath: path,
      body,
    });
    const startedAt = Date.now();
    const started = performance.now();
    let answer: GatewayAnswer;
    let responseBody: string | null = null;
    let httpStatus: number | null = null;
    let json: unknown;
    let error: string | null = null;
    // The timeout also covers reading the body: a gateway that stalls mid-answer is a timeout too.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException(`no answer within ${config.timeoutMs} ms`, "TimeoutError")), config.timeoutMs);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: signed.headers,
        body,
        signal: timeout.signal,
        // A followed redirect would POST the signed top-up a second time, to wherever it points (docs/lifecycle.md#paying-twice-is-impossible).
        redirect: "manual",
      });
      httpStatus = response.status;
      if (httpStatus >= 300 && httpStatus < 400) {
        error = `redirect to ${response.headers.get("location") ?? "nowhere (no Location header)"}, not followed`;
      }
      responseBody = await response.text();
      json = parseJson(responseBody);
      answer = { kind: "http", httpStatus, ...readCode(json) };
    } catch (caught) {
      const failure = transportError(caught, config.timeoutMs);
      error = failure.detail;
      answer = { kind: "transport", ...failure };
    } finally {
      clearTimeout(timer);
    }
    let outcome = classifyAnswer(call, answer);
    let read: Answer | undefined;
    if (outcome.kind === "success" || outcome.kind === "in_progress") {
      read = reader.read(json);
      // An answer that cannot be read echoes nothing: then its code alone decides.
      const difference = echoDifference(echo, read === undefined ? {} : reader.echo(read));
      if (difference) {
        outcome = untrustedEcho(call, outcome.code, outcome.message, difference);
        error = `answer not trusted: ${difference}`;
      }
    }
    if (config.onCall || options?.onCall) {
      await report(
        {
          call,
          path,
          url,
          externalId: signed.externalId,
          timestamp: signed.timestamp,
          attempt,
          startedAt: new Date(startedAt),
          durationMs: Math.round(performance.now() - started),
          requestBody: body,
          responseBody,
          httpStatus,
          responseCode: answer.kind === "http" ? answer.responseCode : null,
          outcome: outcome.kind,
          error,
        },
        options,
      );
    }
    return { outcome, answer: read, meta: { externalId: signed.externalId, httpStatus, attempts: attempt } };
  }

  /** Inquiry and status calls change nothing at Cash In, so a transport failure may be retried, with a new id. */
  async function exchangeWithRetries<Answer>(
    call: "inquiry" | "status",
    body: string,
    echo: SentEcho,
    reader: AnswerReader<Answer>,
    options?: CallOptions,
  ): Promise<Exchange<Answer>> {
    for (let attempt = 1; ; attempt += 1) {
      const exchange = await exchangeOnce(call, body, echo, reader, attempt, options);
      const { outcome } = exchange;
      const transport = outcome.kind === "ambiguous" && (outcome.cause === "timeout" || outcome.cause === "network");
      if (!transport || attempt > transportRetries) return exchange;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
    }
  }

  function transferBody(request: TransferRequest): string {
    const body = {
      partnerReferenceNo: request.partnerReferenceNo,
      amount: { value: `${request.amount}.00`, currency: "IDR" },
      customerNumber: request.customerNumber,
      additionalInfo: { channel: WALLET_CHANNELS[request.wallet] },
    };
    // The schema's own patterns, tested directly; the schema itself runs only to word what is wrong.
    const valid =
      Number.isSafeInteger(request.amount) &&
      typeof body.partnerReferenceNo === "string" &&
      PARTNER_REFERENCE_PATTERN.test(body.partnerReferenceNo) &&
      AMOUNT_VALUE_PATTERN.test(body.amount.value) &&
      typeof body.customerNumber === "string" &&
      CUSTOMER_NUMBER_PATTERN.test(body.customerNumber) &&
      WALLET_CHANNEL_CODES.includes(body.additionalInfo.channel);
    if (!valid) {
      const checked = transferRequestSchema.safeParse(body);
      const problems = checked.success ? ["amount must be whole rupiah"] : checked.error.issues.map((issue) => issue.message);
      throw new CashinRequestError(`Invalid transfer request: ${problems.join("; ")}`);
    }
    // Serialized once: these exact bytes are hashed, signed and sent.
    return JSON.stringify(body);
  }

  const echoOfTransfer = (request: TransferRequest): SentEcho => ({
    partnerReferenceNo: request.partnerReferenceNo,
    customerNumber: request.customerNumber,
    amount: request.amount,
  });

  return {
    async inquiry(request, options) {
      const { outcome, answer, meta } = await exchangeWithRetries("inquiry", transferBody(request), echoOfTransfer(request), transferAnswer, options);
      if (outcome.kind !== "success") return { ...narrowFailure("inquiry", outcome), ...meta };
      // The name is shown to the staff who confirm the payee: Cash In's text is untrusted input.
      const customerName = answer ? cleanOwnerName(answer.customerName ?? "") : "";
      if (!answer || !customerName) {
        return { ...ambiguous("inquiry", "unexpected_answer", outcome.code, "no customer name in a successful inquiry"), ...meta };
      }
      const amountValue = answer.amount?.value;
      return {
        ...outcome,
        customerName,
        customerNumber: answer.customerNumber ?? request.customerNumber,
        amount: amountValue === undefined ? null : rupiahOfAmountValue(amountValue),
        ...meta,
      };
    },

    async topup(request, options) {
      // The code and the echoes decide a top-up; the rest of its body stays in the call record.
      const { outcome, meta } = await exchangeOnce("topup", transferBody(request), echoOfTransfer(request), transferAnswer, 1, options);
      return { ...outcome, ...meta };
    },

    async status(request, options) {
      const body = { originalPartnerReferenceNo: request.partnerReferenceNo, serviceCode: SERVICE_CODES.topup };
      if (typeof body.originalPartnerReferenceNo !== "string" || !PARTNER_REFERENCE_PATTERN.test(body.originalPartnerReferenceNo)) {
        const problems = statusRequestSchema.safeParse(body).error?.issues.map((issue) => issue.message) ?? [];
        throw new CashinRequestError(`Invalid status request: ${problems.join("; ")}`);
      }
      const { outcome, answer, meta } = await exchangeWithRetries("status", JSON.stringify(body), request.expected ?? {}, statusAnswer, options);
      // 404xx01 "transaction not found" is the same fact as status 07 (docs/gateway.md#response-codes).
      if (outcome.kind === "rejected" && outcome.reason === "transaction_not_found") {
        return {
          kind: "success",
          code: outcome.code,
          message: outcome.gatewayMessage,
          transferStatus: classifyTransferStatus("07"),
          originalReferenceNo: null,
          amount: null,
          description: outcome.gatewayMessage,
          ...meta,
        };
      }
      if (outcome.kind !== "success") return { ...narrowFailure("status", outcome), ...meta };
      if (!answer?.latestTransactionStatus) {
        return { ...ambiguous("status", "unexpected_answer", outcome.code, "no latestTransactionStatus"), ...meta };
      }
      // Settling a transfer with the status of another one would be worse than not knowing.
      if (answer.originalPartnerReferenceNo !== undefined && answer.originalPartnerReferenceNo !== request.partnerReferenceNo) {
        return {
          ...ambiguous("status", "unexpected_answer", outcome.code, `status of reference ${answer.originalPartnerReferenceNo}`),
          ...meta,
        };
      }
      const transferStatus = classifyTransferStatus(answer.latestTransactionStatus ?? "");
      const amountValue = answer.amount?.value;
      return {
        ...outcome,
        transferStatus,
        originalReferenceNo: answer.originalReferenceNo || null,
        amount: amountValue === undefined ? null : rupiahOfAmountValue(amountValue),
        description: answer.latestTransactionDesc ?? answer.transactionStatusDesc ?? transferStatus.label,
        ...meta,
      };
    },
  };
}

/** Inquiry and status calls have no "in progress": the classifier already made 202 ambiguous for them. */
function narrowFailure(call: "inquiry" | "status", outcome: Exclude<GatewayOutcome, { kind: "success" }>): RejectedOutcome | AmbiguousOutcome {
  if (outcome.kind === "in_progress") return ambiguous(call, "unexpected_answer", outcome.code);
  return outcome;
}
