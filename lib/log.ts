import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Logger } from "pino";
import { maskPhone } from "@/lib/cashin/phone";

// No "server-only" here: the domain modules that log are also loaded by the bench and the unit tests.

/** Who a line is about (docs/monitoring.md#logs): the request id a person can quote, and the signed-in user. */
export type RequestContext = { requestId: string; userId?: number | string };

const requestContext = new AsyncLocalStorage<RequestContext>();

/** Indonesian mobile numbers as they travel here: 62…, +62… or 08…, 10 to 15 digits. */
const phonePattern = /(?<![\d*])(?:\+?62|0)8\d{7,12}(?!\d)/g;

/** Any phone number inside a string comes out as `maskPhone` prints it (62812****7890). */
export function maskPhones(text: string): string {
  return text.replace(phonePattern, (phone) => maskPhone(phone));
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return maskPhones(value);
  if (depth > 5 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
  if (value instanceof Error) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskDeep(item, depth + 1)]));
}

/** Secrets never leave as values, wherever a caller put them. */
const redactedKeys = ["password", "newPassword", "currentPassword", "secondFactorCode", "signature", "privateKey", "authorization", "cookie"];

function createLogger(destination?: DestinationStream): Logger {
  return pino(
    {
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: "msg",
      // An error's message and stack can quote an answer or an input: they are masked like every other string.
      serializers: { err: (error) => maskDeep(pino.stdSerializers.err(error)) as ReturnType<typeof pino.stdSerializers.err> },
      redact: { paths: [...redactedKeys, ...redactedKeys.map((key) => `*.${key}`)], censor: "[redacted]" },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => maskDeep(object) as Record<string, unknown>,
      },
      // Messages are fixed words; a number pasted into one is masked all the same.
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === "string" ? maskPhones(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    // Plain synchronous writes to stdout: no worker thread, nothing lost when the process exits.
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

const globalForLog = globalThis as unknown as { payoutsLogger?: Logger };

/**
 * The logger for the current moment: one JSON line per call, carrying the request id and user of the request
 * being served (`requestId: null` for background work such as the reconciler).
 */
export function log(): Logger {
  globalForLog.payoutsLogger ??= createLogger();
  const context = requestContext.getStore();
  return globalForLog.payoutsLogger.child(context ? { requestId: context.requestId, ...(context.userId !== undefined ? { userId: context.userId } : {}) } : { requestId: null });
}

/** Tests read the lines: every later line goes to `destination` until the returned function is called. */
export function sendLogsTo(destination: DestinationStream): () => void {
  const previous = globalForLog.payoutsLogger;
  globalForLog.payoutsLogger = createLogger(destination);
  return () => {
    globalForLog.payoutsLogger = previous;
  };
}

export function withRequestContext<T>(context: RequestContext, run: () => T): T {
  return requestContext.run(context, run);
}

export function currentRequestId(): string | null {
  return requestContext.getStore()?.requestId ?? null;
}

/** The header the proxy sets on every request; whatever a client sent under that name is replaced. */
export const requestIdHeader = "x-request-id";

/** 12 lowercase hex characters (48 random bits): short enough to read out on the phone, unique enough for logs. */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Stamps a fresh request id on the forwarded request headers, never the one a client sent, and returns it. */
export function stampRequestId(headers: Headers): string {
  const requestId = newRequestId();
  headers.set(requestIdHeader, requestId);
  return requestId;
}
