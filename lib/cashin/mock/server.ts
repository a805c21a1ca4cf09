import type { KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { GATEWAY_CALLS, GATEWAY_PATH_PREFIX, SERVICE_CODES, callOfPath, type GatewayCall } from "../protocol";
import { checkHeaders, checkStatusBody, checkTransferBody, isRefusal, type Refusal, type TransferBody } from "./checks";
import { testWallet } from "./wallets";

/**
 * A stand-in for Cash In (docs/mock-gateway.md#test-wallets): a real HTTP server, strict about headers, signature and bodies, with
 * state (external ids, references, status sequences) and the deterministic test wallets. Test-only control
 * endpoints under /__control exist only when `control` is on.
 */

export const MOCK_FAULTS = ["server_error", "garbage", "rate_limit", "reset", "redirect"] as const;
export type MockFault = (typeof MOCK_FAULTS)[number];

const modeSchema = z.strictObject({
  /** Added before every gateway answer. */
  latencyMs: z.number().int().min(0).default(0),
  /**
   * server_error: HTTP 500 · garbage: HTTP 200 with an HTML body · rate_limit: 429xx00 · reset: connection cut
   * mid-answer · redirect: HTTP 307 back to the same URL, so a client that follows it shows up as a second request.
   */
  fault: z.enum(MOCK_FAULTS).nullable().default(null),
  /** Which calls the fault hits; empty means all. */
  faultCalls: z.array(z.enum(GATEWAY_CALLS)).default([]),
  /** Which customer numbers the fault hits (inquiry and top-up bodies); empty means all. Lets one test fault its own wallet only. */
  faultCustomerNumbers: z.array(z.string()).default([]),
  /** false: the request is not processed (nothing happens). true: processed, then the answer is lost. */
  faultAfterProcessing: z.boolean().default(false),
  /** How many requests the fault hits before it clears itself; null means until changed. */
  faultTimes: z.number().int().positive().nullable().default(null),
  /** Top-ups are processed at once but answered this much later. */
  topupDelayMs: z.number().int().min(0).default(0),
  /** Top-ups are processed at once but not answered until this is turned off (or reset). */
  holdTopups: z.boolean().default(false),
});

export type MockMode = z.infer<typeof modeSchema>;
export type MockModeInput = z.input<typeof modeSchema>;

export interface RecordedRequest {
  seq: number;
  receivedAt: string;
  method: string;
  /** The URL path, `/pg/fo` included. */
  path: string;
  call: GatewayCall | null;
  /** Header names in lower case; the signature is redacted. */
  headers: Record<string, string>;
  /** The raw body as received. */
  body: string;
  externalId: string | null;
  /** partnerReferenceNo, or originalPartnerReferenceNo for a status call, when the body had one. */
  partnerReferenceNo: string | null;
  /** null until answered, and when the connection was cut. */
  httpStatus: number | null;
  responseCode: string | null;
  fault: MockFault | null;
}

export interface MockGatewayOptions {
  /** The merchant's public key: signatures are verified with it. */
  publicKey: KeyObject;
  /** The one partner this gateway knows. */
  partnerId: string;
  /** When set, the only CHANNEL-ID accepted. */
  channelId?: string;
  /** Loopback by default. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** How late the slow wallet (628111000005) answers its top-up. Default 17 000 ms, above the client's 15 s. */
  slowTopupMs?: number;
  /** How long the late wallet's (628111000010) top-up stays invisible (status 07). Default 20 minutes. */
  lateVisibilityMs?: number;
  /** Enables the /__control endpoints. */
  control?: boolean;
  /** X-TIMESTAMP tolerance either way. Default 5 minutes. */
  timestampToleranceMs?: number;
  /** Called once per gateway request, when it has been answered. */
  onRequest?: (request: RecordedRequest) => void;
}

export interface MockGateway {
  /** http://host:port */
  url: string;
  /** url + `/pg/fo`: what CASHIN_BASE_URL points at. */
  baseUrl: string;
  port: number;
  requests(): RecordedRequest[];
  reset(): void;
  setMode(mode: MockModeInput): MockMode;
  close(): Promise<void>;
}

export const DEFAULT_SLOW_TOPUP_MS = 17_000;
/** Past the domain's 10-minute grace period for 07 (docs/gateway.md#transfer-statuses), which must not fail a transfer answered 202 (docs/lifecycle.md#paying-twice-is-impossible). */
export const DEFAULT_LATE_VISIBILITY_MS = 20 * 60_000;
const MAX_BODY_BYTES = 1_000_000;

interface MockTransfer {
  body: TransferBody;
  referenceNo: string;
  statuses: string[];
  polls: number;
  /** Epoch ms: before it, the status call answers as if Cash In had never seen the transfer. */
  visibleAt: number;
}

/** What the gateway decided; sent as `body` after `delayMs`. */
interface Answer {
  httpStatus: number;
  body: string;
  delayMs: number;
}

const STATUS_DESCRIPTIONS: Record<string, string> = {
  "00": "Success",
  "01": "Initiated",
  "02": "Paying",
  "03": "Pending",
  "04": "Refunded",
  "05": "Canceled",
  "06": "Failed",
  "07": "Not Found",
};

function jakartaNow(): string {
  return `${new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 19)}+07:00`;
}

/** Cash In sends amounts as JSON numbers with two decimals (`10000.00`), which JSON.stringify cannot write. */
function snapJson(fields: Record<string, unknown>, amountValue?: string): string {
  const json = JSON.stringify(fields);
  return amountValue === undefined ? json : json.replace(`"value":"${amountValue}"`, `"value":${amountValue}`);
}

function snapAnswer(call: GatewayCall, httpStatus: number, caseCode: string, message: string, extra: Record<string, unknown> = {}, amountValue?: string): Answer {
  const responseCode = `${httpStatus}${SERVICE_CODES[call]}${caseCode}`;
  return { httpStatus, body: snapJson({ responseCode, responseMessage: message, ...extra }, amountValue), delayMs: 0 };
}

const refusalAnswer = (call: GatewayCall, refusal: Refusal): Answer =>
  snapAnswer(call, refusal.httpStatus, refusal.caseCode, refusal.message);

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function referenceOf(body: string): string | null {
  const parsed = parseJson(body);
  if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null) return null;
  const { partnerReferenceNo, originalPartnerReferenceNo } = parsed.value as Record<string, unknown>;
  const reference = partnerReferenceNo ?? originalPartnerReferenceNo;
  return typeof reference === "string" ? reference : null;
}

function customerNumberOf(body: string): string | null {
  const parsed = parseJson(body);
  if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null) return null;
  const { customerNumber } = parsed.value as Record<string, unknown>;
  return typeof customerNumber === "string" ? customerNumber : null;
}

function sameTransfer(a: TransferBody, b: TransferBody): boolean {
  return a.amountValue === b.amountValue && a.currency === b.currency && a.customerNumber === b.customerNumber && a.channel === b.channel;
}

export async function startMockGateway(options: MockGatewayOptions): Promise<MockGateway> {
  const slowTopupMs = options.slowTopupMs ?? DEFAULT_SLOW_TOPUP_MS;
  const toleranceMs = options.timestampToleranceMs ?? 5 * 60_000;
  const lateVisibilityMs = options.lateVisibilityMs ?? DEFAULT_LATE_VISIBILITY_MS;

  let transfers = new Map<string, MockTransfer>();
  let seenExternalIds = new Set<string>();
  let records: RecordedRequest[] = [];
  // Per number and amount, so tests that look up the same wallet for other amounts do not disturb each other.
  let lookups = new Map<string, number>();
  let mode: MockMode = modeSchema.parse({});
  let faultsLeft: number | null = null;
  let referenceCounter = 0;
  const held = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();

  function wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  function releaseHeld(): void {
    for (const release of held) release();
    held.clear();
  }

  function setMode(input: MockModeInput): MockMode {
    mode = modeSchema.parse(input);
    faultsLeft = mode.faultTimes;
    if (!mode.holdTopups) releaseHeld();
    return mode;
  }

  function reset(): void {
    transfers = new Map();
    seenExternalIds = new Set();
    records = [];
    lookups = new Map();
    referenceCounter = 0;
    setMode({});
  }

  function takeFault(call: GatewayCall, body: string): MockFault | null {
    if (mode.fault === null) return null;
    if (mode.faultCalls.length > 0 && !mode.faultCalls.includes(call)) return null;
    if (mode.faultCustomerNumbers.length > 0 && !mode.faultCustomerNumbers.includes(customerNumberOf(body) ?? "")) return null;
    if (faultsLeft !== null) {
      faultsLeft -= 1;
      if (faultsLeft <= 0) {
        const fault = mode.fault;
        mode = { ...mode, fault: null };
        return fault;
      }
    }
    return mode.fault;
  }

  const lookupKey = (body: TransferBody) => `${body.customerNumber}|${body.amountValue}`;

  /** The name Cash In has for this wallet now: a renamed wallet shows its new name once it was looked up before. */
  function ownerOf(body: TransferBody): string | undefined {
    const wallet = testWallet(body.customerNumber).inquiry;
    if (wallet.kind !== "ok") return undefined;
    return wallet.renamedTo !== undefined && (lookups.get(lookupKey(body)) ?? 0) > 1 ? wallet.renamedTo : wallet.owner;
  }

  function inquiry(body: TransferBody): Answer {
    const wallet = testWallet(body.customerNumber).inquiry;
    if (wallet.kind === "invalid_account") return snapAnswer("inquiry", 404, "11", "Invalid Account");
    if (wallet.kind === "inactive") return snapAnswer("inquiry", 403, "18", "Inactive Account");
    const key = lookupKey(body);
    lookups.set(key, (lookups.get(key) ?? 0) + 1);
    return snapAnswer(
      "inquiry",
      200,
      "00",
      " Successful ",
      {
        partnerReferenceNo: body.partnerReferenceNo,
        amount: { value: body.amountValue, currency: body.currency },
        customerName: ownerOf(body),
        customerNumber: body.customerNumber,
      },
      body.amountValue,
    );
  }

  function topup(body: TransferBody): Answer {
    const existing = transfers.get(body.partnerReferenceNo);
    if (existing) {
      return sameTransfer(existing.body, body)
        ? snapAnswer("topup", 409, "01", "Conflict. Duplicate partnerReferenceNo")
        : snapAnswer("topup", 404, "18", "Inconsistent Request");
    }
    const wallet = testWallet(body.customerNumber);
    const behaviour = wallet.topup;
    if (behaviour.kind === "not_processed") return snapAnswer("topup", 500, "01", "Internal Server Error. Transaction not processed");
    referenceCounter += 1;
    const statuses = behaviour.kind === "refused" ? ["06"] : behaviour.statuses;
    transfers.set(body.partnerReferenceNo, {
      body,
      referenceNo: `TF${String(referenceCounter).padStart(10, "0")}`,
      statuses,
      polls: 0,
      visibleAt: Date.now() + (behaviour.kind === "in_progress" && behaviour.visibleLate ? lateVisibilityMs : 0),
    });
    if (behaviour.kind === "refused") return snapAnswer("topup", behaviour.httpStatus, behaviour.caseCode, behaviour.message);
    const accepted = {
      partnerReferenceNo: body.partnerReferenceNo,
      amount: { value: body.amountValue, currency: body.currency },
      // The provider page's top-up answer echoes the owner's name too.
      customerName: ownerOf(body),
      customerNumber: body.customerNumber,
    };
    if (behaviour.kind === "in_progress") return snapAnswer("topup", 202, "00", "Request In Progress", accepted, body.amountValue);
    const answer = snapAnswer("topup", 200, "00", " Successful ", accepted, body.amountValue);
    return behaviour.kind === "slow" ? { ...answer, delayMs: slowTopupMs } : answer;
  }

  function status(reference: string): Answer {
    const transfer = transfers.get(reference);
    if (!transfer || Date.now() < transfer.visibleAt) {
      return snapAnswer("status", 200, "00", "Successful", {
        originalPartnerReferenceNo: reference,
        serviceCode: SERVICE_CODES.topup,
        latestTransactionStatus: "07",
        latestTransactionDesc: STATUS_DESCRIPTIONS["07"],
      });
    }
    const code = transfer.statuses[Math.min(transfer.polls, transfer.statuses.length - 1)] ?? "07";
    transfer.polls += 1;
    return snapAnswer(
      "status",
      200,
      "00",
      "Successful",
      {
        originalPartnerReferenceNo: reference,
        originalReferenceNo: transfer.referenceNo,
        serviceCode: SERVICE_CODES.topup,
        amount: { value: transfer.body.amountValue, currency: transfer.body.currency },
        latestTransactionStatus: code,
        latestTransactionDesc: STATUS_DESCRIPTIONS[code] ?? "Unknown",
      },
      transfer.body.amountValue,
    );
  }

  function decide(call: GatewayCall, relativePath: string, request: IncomingMessage, raw: Buffer): Answer & { externalId: string | null } {
    const auth = checkHeaders(relativePath, request.headers, raw, {
      publicKey: options.publicKey,
      partnerId: options.partnerId,
      channelId: options.channelId,
      now: new Date(),
      timestampToleranceMs: toleranceMs,
    });
    if (isRefusal(auth)) return { ...refusalAnswer(call, auth), externalId: null };
    const { externalId } = auth;
    // Cash In refuses a repeated X-EXTERNAL-ID within the same (Jakarta) day.
    const dayKey = `${jakartaNow().slice(0, 10)}|${externalId}`;
    if (seenExternalIds.has(dayKey)) return { ...snapAnswer(call, 409, "00", "Conflict. Duplicate X-EXTERNAL-ID"), externalId };
    seenExternalIds.add(dayKey);

    const parsed = parseJson(raw.toString("utf8"));
    if (!parsed.ok) return { ...snapAnswer(call, 400, "00", "Bad Request. Body is not valid JSON"), externalId };
    if (call === "status") {
      const body = checkStatusBody(parsed.value);
      return { ...(isRefusal(body) ? refusalAnswer(call, body) : status(body.originalPartnerReferenceNo)), externalId };
    }
    const body = checkTransferBody(parsed.value);
    if (isRefusal(body)) return { ...refusalAnswer(call, body), externalId };
    return { ...(call === "inquiry" ? inquiry(body) : topup(body)), externalId };
  }

  function sendJson(response: ServerResponse, httpStatus: number, body: string, contentType = "application/json"): void {
    response.writeHead(httpStatus, {
      "Content-Type": contentType,
      "Content-Length": Buffer.byteLength(body),
      "X-TIMESTAMP": jakartaNow(),
    });
    response.end(body);
  }

  function answerFault(call: GatewayCall, fault: MockFault, response: ServerResponse, record: RecordedRequest): void {
    record.fault = fault;
    if (fault === "reset") {
      // Headers and half a body, then the socket is cut: the client sees a broken answer, not a clean error.
      response.writeHead(200, { "Content-Type": "application/json", "Content-Length": 200 });
      response.write(`{"responseCode":"200${SERVICE_CODES[call]}`);
      setImmediate(() => response.socket?.destroy());
      return;
    }
    if (fault === "redirect") {
      record.httpStatus = 307;
      // Back to the very URL the client asked for: following it would send the same request again.
      response.writeHead(307, { Location: `http://${record.headers.host}${record.path}`, "Content-Length": 0, "X-TIMESTAMP": jakartaNow() });
      response.end();
      return;
    }
    const answer =
      fault === "server_error"
        ? snapAnswer(call, 500, "00", "Internal Server Error")
        : fault === "rate_limit"
          ? snapAnswer(call, 429, "00", "Too Many Requests")
          : { httpStatus: 200, body: "<html><body><h1>502 Bad Gateway</h1></body></html>", delayMs: 0 };
    record.httpStatus = answer.httpStatus;
    record.responseCode = fault === "garbage" ? null : `${answer.httpStatus}${SERVICE_CODES[call]}00`;
    sendJson(response, answer.httpStatus, answer.body, fault === "garbage" ? "text/html" : "application/json");
  }

  async function handleGateway(call: GatewayCall, relativePath: string, request: IncomingMessage, raw: Buffer, response: ServerResponse) {
    const body = raw.toString("utf8");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = name === "x-signature" ? "[redacted]" : String(value);
    }
    const record: RecordedRequest = {
      seq: records.length + 1,
      receivedAt: new Date().toISOString(),
      method: request.method ?? "",
      path: `${GATEWAY_PATH_PREFIX}${relativePath}`,
      call,
      headers,
      body,
      externalId: headers["x-external-id"] ?? null,
      partnerReferenceNo: referenceOf(body),
      httpStatus: null,
      responseCode: null,
      fault: null,
    };
    // Recorded on arrival, so a test sees a top-up that reached the gateway even while its answer is held.
    records.push(record);
    const finish = () => options.onRequest?.(record);

    await wait(mode.latencyMs);
    const early = mode.faultAfterProcessing ? null : takeFault(call, body);
    if (early) {
      answerFault(call, early, response, record);
      return finish();
    }
    const answer = decide(call, relativePath, request, raw);
    const late = mode.faultAfterProcessing ? takeFault(call, body) : null;
    if (late) {
      answerFault(call, late, response, record);
      return finish();
    }
    await wait(answer.delayMs + (call === "topup" ? mode.topupDelayMs : 0));
    if (call === "topup" && mode.holdTopups) await new Promise<void>((release) => held.add(release));
    record.httpStatus = answer.httpStatus;
    record.responseCode = readCode(answer.body);
    sendJson(response, answer.httpStatus, answer.body);
    finish();
  }

  function handleControl(path: string, method: string, raw: Buffer, url: URL, response: ServerResponse): void {
    const json = (httpStatus: number, value: unknown) => sendJson(response, httpStatus, JSON.stringify(value));
    if (path === "/__control/requests" && method === "GET") {
      const call = url.searchParams.get("call");
      return json(200, { requests: call ? records.filter((record) => record.call === call) : records });
    }
    if (path === "/__control/reset" && method === "POST") {
      reset();
      return json(200, { ok: true });
    }
    if (path === "/__control/mode" && method === "GET") return json(200, mode);
    if (path === "/__control/mode" && method === "POST") {
      const parsed = parseJson(raw.length === 0 ? "{}" : raw.toString("utf8"));
      const checked = parsed.ok ? modeSchema.safeParse(parsed.value) : null;
      if (!checked?.success) {
        return json(400, { error: "invalid mode", issues: checked ? checked.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) : ["body is not JSON"] });
      }
      return json(200, setMode(checked.data));
    }
    return json(404, { error: "unknown control endpoint" });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    if (raw === null) return sendJson(response, 413, JSON.stringify({ responseMessage: "Payload Too Large" }));
    const url = new URL(request.url ?? "/", "http://mock.invalid");
    const method = request.method ?? "";
    if (options.control && url.pathname.startsWith("/__control/")) return handleControl(url.pathname, method, raw, url, response);
    if (url.pathname === "/" && method === "GET") {
      return sendJson(response, 200, JSON.stringify({ status: "ok", service: "cashin-mock-gateway", control: Boolean(options.control) }));
    }
    const relativePath = url.pathname.startsWith(`${GATEWAY_PATH_PREFIX}/`) ? url.pathname.slice(GATEWAY_PATH_PREFIX.length) : null;
    const call = relativePath === null ? undefined : callOfPath(relativePath);
    if (relativePath === null || !call) return sendJson(response, 404, JSON.stringify({ responseMessage: "Not Found" }));
    if (method !== "POST") return sendJson(response, 405, JSON.stringify({ responseMessage: "Method Not Allowed" }));
    await handleGateway(call, relativePath, request, raw, response);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error("mock gateway: unexpected error", error);
      if (!response.headersSent) sendJson(response, 500, JSON.stringify({ responseMessage: "Mock gateway bug" }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    baseUrl: `${url}${GATEWAY_PATH_PREFIX}`,
    port: address.port,
    requests: () => records.map((record) => ({ ...record, headers: { ...record.headers } })),
    reset,
    setMode,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        held.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readCode(body: string): string | null {
  const parsed = parseJson(body);
  if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null) return null;
  const code = (parsed.value as Record<string, unknown>).responseCode;
  return typeof code === "string" ? code : null;
}

function readBody(request: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
