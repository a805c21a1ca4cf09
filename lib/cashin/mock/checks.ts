import { createHash, verify, type KeyObject } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { WALLET_CHANNEL_CODES } from "../protocol";

/**
 * How the mock gateway judges a request, written from the provider's side on purpose: it reads the raw
 * bytes and header values and shares no serializer, signer or schema with the client, so a bug in the
 * client fails a test instead of being mirrored here. Only the wallet → channel map is shared, because
 * docs/gateway.md#bodies wants it in one place.
 */

/** A SNAP refusal: the answer is `{httpStatus}{serviceCode}{caseCode}`. */
export interface Refusal {
  refused: true;
  httpStatus: number;
  caseCode: string;
  message: string;
}

const refuse = (httpStatus: number, caseCode: string, message: string): Refusal => ({
  refused: true,
  httpStatus,
  caseCode,
  message,
});

export const isRefusal = (value: object): value is Refusal => "refused" in value;

export interface AuthContext {
  publicKey: KeyObject;
  partnerId: string;
  /** When set, the only CHANNEL-ID accepted; otherwise any well-formed one. */
  channelId: string | undefined;
  now: Date;
  timestampToleranceMs: number;
}

const MANDATORY_HEADERS = ["x-timestamp", "x-partner-id", "x-external-id", "x-signature", "channel-id"] as const;
const TIMESTAMP_SHAPE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\+07:00$/;

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** Epoch ms of a `YYYY-MM-DDTHH:mm:ss+07:00` stamp, or null when it is not one or names no real instant. */
function parseJakartaTimestamp(value: string): number | null {
  const match = TIMESTAMP_SHAPE.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const epoch = Date.UTC(year, month - 1, day, hour - 7, minute, second);
  const back = new Date(epoch + 7 * 3600_000);
  const real =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second;
  return real ? epoch : null;
}

/**
 * Headers and signature of docs/gateway.md#headers. Missing header → 400xx02; timestamp, partner or signature wrong
 * → 401xx00; a malformed external id, channel id or content type → 400xx01.
 */
export function checkHeaders(
  relativePath: string,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
  context: AuthContext,
): Refusal | { externalId: string } {
  for (const name of MANDATORY_HEADERS) {
    const value = single(headers, name);
    if (value === undefined || value.trim() === "") return refuse(400, "02", `Invalid Mandatory Field ${name.toUpperCase()}`);
  }
  const timestamp = single(headers, "x-timestamp") ?? "";
  const partnerId = single(headers, "x-partner-id") ?? "";
  const externalId = single(headers, "x-external-id") ?? "";
  const signature = single(headers, "x-signature") ?? "";
  const channelId = single(headers, "channel-id") ?? "";

  const instant = parseJakartaTimestamp(timestamp);
  if (instant === null) return refuse(401, "00", "Unauthorized. Invalid X-TIMESTAMP format, expected YYYY-MM-DDTHH:mm:ss+07:00");
  if (partnerId !== context.partnerId) return refuse(401, "00", "Unauthorized. Unknown X-PARTNER-ID");
  if (Math.abs(context.now.getTime() - instant) > context.timestampToleranceMs) {
    return refuse(401, "00", "Unauthorized. X-TIMESTAMP is too far from the current time");
  }
  const bodyHash = createHash("sha256").update(rawBody).digest("hex");
  const stringToSign = Buffer.from(`POST:${relativePath}:${bodyHash}:${timestamp}`, "utf8");
  const signatureBytes = /^[A-Za-z0-9+/]+={0,2}$/.test(signature) ? Buffer.from(signature, "base64") : null;
  if (!signatureBytes || !verify("sha256", stringToSign, context.publicKey, signatureBytes)) {
    return refuse(401, "00", "Unauthorized. Signature");
  }

  if (!/^\d{1,36}$/.test(externalId)) return refuse(400, "01", "Invalid Field Format X-EXTERNAL-ID");
  if (!/^\d{1,5}$/.test(channelId)) return refuse(400, "01", "Invalid Field Format CHANNEL-ID");
  if (context.channelId !== undefined && channelId !== context.channelId) {
    return refuse(401, "00", "Unauthorized. CHANNEL-ID not registered for this partner");
  }
  const contentType = single(headers, "content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType)) return refuse(400, "01", "Invalid Field Format Content-Type");
  return { externalId };
}

export interface TransferBody {
  partnerReferenceNo: string;
  amountValue: string;
  currency: string;
  customerNumber: string;
  channel: string;
}

const REFERENCE_SHAPE = /^[\x21-\x7e]{1,64}$/;

type Field = { missing: true } | { missing: false; value: unknown };

function field(source: unknown, key: string): Field {
  if (typeof source !== "object" || source === null || Array.isArray(source)) return { missing: true };
  const value = (source as Record<string, unknown>)[key];
  return value === undefined || value === null || value === "" ? { missing: true } : { missing: false, value };
}

/**
 * Collects the mandatory fields in order; a missing one wins over a malformed one (400xx02 before 400xx01),
 * as SNAP gateways report.
 */
function mandatoryStrings(source: unknown, paths: string[]): Refusal | Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const path of paths) {
    const [first = "", second] = path.split(".");
    const outer = field(source, first);
    if (outer.missing) return refuse(400, "02", `Invalid Mandatory Field ${first}`);
    if (second !== undefined && (typeof outer.value !== "object" || Array.isArray(outer.value))) {
      return refuse(400, "01", `Invalid Field Format ${first}`);
    }
    const inner = second === undefined ? outer : field(outer.value, second);
    if (inner.missing) return refuse(400, "02", `Invalid Mandatory Field ${path}`);
    found[path] = inner.value;
  }
  return found;
}

export function checkTransferBody(json: unknown): Refusal | TransferBody {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return refuse(400, "01", "Invalid Field Format body");
  const fields = mandatoryStrings(json, [
    "partnerReferenceNo",
    "amount.value",
    "amount.currency",
    "customerNumber",
    "additionalInfo.channel",
  ]);
  if (isRefusal(fields)) return fields;
  const reference = fields["partnerReferenceNo"];
  const value = fields["amount.value"];
  const currency = fields["amount.currency"];
  const customerNumber = fields["customerNumber"];
  const channel = fields["additionalInfo.channel"];
  if (typeof reference !== "string" || !REFERENCE_SHAPE.test(reference)) {
    return refuse(400, "01", "Invalid Field Format partnerReferenceNo");
  }
  // A string of whole rupiah, at most 19 characters: "10000.00"; not 10000, "10000", "10000.50" or "0.00".
  if (typeof value !== "string" || value.length > 19 || !/^[1-9]\d*\.00$/.test(value)) {
    return refuse(400, "01", "Invalid Field Format amount.value");
  }
  if (currency !== "IDR") return refuse(400, "01", "Invalid Field Format amount.currency");
  if (typeof customerNumber !== "string" || customerNumber.length > 32 || !/^628\d{7,12}$/.test(customerNumber)) {
    return refuse(400, "01", "Invalid Field Format customerNumber");
  }
  if (typeof channel !== "string" || !(WALLET_CHANNEL_CODES as readonly string[]).includes(channel)) {
    return refuse(400, "01", "Invalid Field Format additionalInfo.channel");
  }
  return { partnerReferenceNo: reference, amountValue: value, currency, customerNumber, channel };
}

export function checkStatusBody(json: unknown): Refusal | { originalPartnerReferenceNo: string } {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return refuse(400, "01", "Invalid Field Format body");
  const fields = mandatoryStrings(json, ["originalPartnerReferenceNo", "serviceCode"]);
  if (isRefusal(fields)) return fields;
  const reference = fields["originalPartnerReferenceNo"];
  if (typeof reference !== "string" || !REFERENCE_SHAPE.test(reference)) {
    return refuse(400, "01", "Invalid Field Format originalPartnerReferenceNo");
  }
  // Status is asked about top-ups only, and the code travels as a string.
  if (fields["serviceCode"] !== "38") return refuse(400, "01", "Invalid Field Format serviceCode");
  return { originalPartnerReferenceNo: reference };
}
