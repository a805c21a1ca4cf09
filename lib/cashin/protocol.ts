import { wallets } from "@/db/schema";
import { z } from "zod";

/**
 * The Cash In "Transfer to E-Wallet" protocol (BI-SNAP), docs/gateway.md#the-three-calls: paths, service codes, the wallet ↔
 * channel map and the body schemas. Strict for what we send, lenient for what we receive.
 */

/** Cash In serves every path under this prefix, but signs the path without it (docs/gateway.md#signature). */
export const GATEWAY_PATH_PREFIX = "/pg/fo";

export const GATEWAY_CALLS = ["inquiry", "topup", "status"] as const;
export type GatewayCall = (typeof GATEWAY_CALLS)[number];

/** Relative paths: what is signed, and what is appended to the base URL (which ends in `/pg/fo`). */
export const GATEWAY_PATHS: Record<GatewayCall, string> = {
  inquiry: "/api/v1.0/emoney/account-inquiry",
  topup: "/api/v1.0/emoney/topup",
  status: "/api/v1.0/emoney/topup-status",
};

export const SERVICE_CODES: Record<GatewayCall, string> = {
  inquiry: "37",
  topup: "38",
  status: "39",
};

export function callOfPath(relativePath: string): GatewayCall | undefined {
  return GATEWAY_CALLS.find((call) => GATEWAY_PATHS[call] === relativePath);
}

/** The one wallet list: the schema's, which the transfers table stores (a definition, not a database connection). */
export const WALLETS = wallets;
export type Wallet = (typeof WALLETS)[number];

/** The provider page prints the OVO code as "TRANSFER _E_WALLET_OVO": a typo, the code has no space. */
export const WALLET_CHANNELS = {
  DANA: "TOP_UP_E_WALLET_DANA",
  OVO: "TRANSFER_E_WALLET_OVO",
  GOPAY: "TRANSFER_E_WALLET_GOPAY",
  SHOPEEPAY: "TRANSFER_E_WALLET_SHOPEEPAY",
} as const satisfies Record<Wallet, string>;

export type WalletChannel = (typeof WALLET_CHANNELS)[Wallet];
export const WALLET_CHANNEL_CODES = Object.values(WALLET_CHANNELS) as [WalletChannel, ...WalletChannel[]];

export function walletOfChannel(channel: string): Wallet | undefined {
  return WALLETS.find((wallet) => WALLET_CHANNELS[wallet] === channel);
}

/** Case-insensitive, so the CLI and forms can take "dana" or "ShopeePay". */
export function parseWallet(input: string): Wallet | undefined {
  const upper = input.trim().toUpperCase();
  return WALLETS.find((wallet) => wallet === upper);
}

export const CUSTOMER_NUMBER_PATTERN = /^628\d{7,12}$/;
/** Whole rupiah, no leading zero, at most 19 characters with the `.00`. */
export const AMOUNT_VALUE_PATTERN = /^[1-9]\d{0,15}\.00$/;
/** Printable ASCII without spaces: the page's own example reference carries a stray leading space. */
export const PARTNER_REFERENCE_PATTERN = /^[\x21-\x7e]{1,64}$/;

const partnerReferenceNo = z
  .string()
  .regex(PARTNER_REFERENCE_PATTERN, "partnerReferenceNo must be 1 to 64 printable characters without spaces");

export const transferRequestSchema = z.strictObject({
  partnerReferenceNo,
  amount: z.strictObject({
    value: z.string().regex(AMOUNT_VALUE_PATTERN, 'amount.value must be whole rupiah such as "10000.00"'),
    currency: z.literal("IDR"),
  }),
  customerNumber: z.string().regex(CUSTOMER_NUMBER_PATTERN, "customerNumber must be a 628… number"),
  additionalInfo: z.strictObject({ channel: z.enum(WALLET_CHANNEL_CODES) }),
});

/** Account inquiry (37) and top-up (38) share one body. */
export type TransferRequestBody = z.infer<typeof transferRequestSchema>;

export const statusRequestSchema = z.strictObject({
  originalPartnerReferenceNo: partnerReferenceNo,
  serviceCode: z.literal(SERVICE_CODES.topup),
});

export type StatusRequestBody = z.infer<typeof statusRequestSchema>;

/** Cash In sends some strings as numbers and pads messages (" Successful "): accept both, trimmed. */
const lenientText = z.union([z.string(), z.number()]).transform((value) => String(value).trim());

/** `10000.00` may arrive as a JSON number (parsed as 10000) or a string; keep the protocol's string form. */
const lenientAmountValue = z.union([z.string(), z.number()]).transform((value) => {
  if (typeof value === "string") return value.trim();
  return Number.isInteger(value) ? `${value}.00` : value.toFixed(2);
});

const lenientAmount = z.looseObject({
  value: lenientAmountValue.optional(),
  currency: lenientText.optional(),
});

const responseBase = z.looseObject({
  responseCode: lenientText,
  responseMessage: lenientText.optional(),
});

/** Answers to inquiry (37) and top-up (38). */
export const transferResponseSchema = responseBase.extend({
  partnerReferenceNo: lenientText.optional(),
  amount: lenientAmount.optional(),
  customerName: lenientText.optional(),
  customerNumber: lenientText.optional(),
});

export const statusResponseSchema = responseBase.extend({
  originalPartnerReferenceNo: lenientText.optional(),
  originalReferenceNo: lenientText.optional(),
  serviceCode: lenientText.optional(),
  amount: lenientAmount.optional(),
  /** Not on the provider page's example, but checked against the transfer when an answer carries it (docs/lifecycle.md#paying-twice-is-impossible). */
  customerNumber: lenientText.optional(),
  latestTransactionStatus: lenientText.optional(),
  latestTransactionDesc: lenientText.optional(),
  /** Some answers name the description this way; docs/gateway.md#bodies asks to accept both. */
  transactionStatusDesc: lenientText.optional(),
});

export type TransferResponse = z.infer<typeof transferResponseSchema>;
export type StatusResponse = z.infer<typeof statusResponseSchema>;
