import { describe, expect, it } from "vitest";
import { rupiahOfAmountValue, toAmountValue } from "@/lib/cashin/amount";
import { formatFor, formatRupiah } from "@/lib/format";
import { maskPhone, normalizePhone } from "@/lib/cashin/phone";
import {
  WALLET_CHANNELS,
  parseWallet,
  statusResponseSchema,
  transferRequestSchema,
  transferResponseSchema,
  walletOfChannel,
} from "@/lib/cashin/protocol";

describe("docs/gateway.md#bodies customerNumber: staff input normalized to 628…, then validated", () => {
  it.each([
    ["081234567890", "6281234567890"],
    ["0812-3456-7890", "6281234567890"],
    ["0812 3456 7890", "6281234567890"],
    ["+62 812 3456 7890", "6281234567890"],
    ["+62-812-3456-7890", "6281234567890"],
    ["6281234567890", "6281234567890"],
    ["  (0812) 3456.7890 ", "6281234567890"],
    ["0811-1000-001", "628111000001"],
  ])("%s → %s", (input, expected) => {
    expect(normalizePhone(input)).toEqual({ ok: true, customerNumber: expected });
  });

  it.each([
    ["", /Enter the wallet's phone number/],
    ["0812abc", /only digits/],
    ["021 555 1234", /starting with 08/],
    ["+1 212 555 0100", /starting with 08/],
    ["0812", /10 to 15 digits/],
    ["0812345678901234", /10 to 15 digits/],
    ["++6281234567890", /only digits/],
  ])("refuses %j with a clear message", (input, message) => {
    const result = normalizePhone(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });

  it("masks numbers for logs, keeping the start and the last four digits", () => {
    expect(maskPhone("6281234567890")).toBe("62812****7890");
    expect(maskPhone("6281234567890")).not.toContain("3456");
  });
});

describe("docs/gateway.md#bodies amount.value: whole rupiah as a string ending in .00", () => {
  it.each([
    [10000, "10000.00"],
    ["10000", "10000.00"],
    ["10000.00", "10000.00"],
    [1, "1.00"],
    [Number.MAX_SAFE_INTEGER, `${Number.MAX_SAFE_INTEGER}.00`],
  ] as const)("%j → %s", (input, value) => {
    expect(toAmountValue(input)).toMatchObject({ ok: true, value });
  });

  it.each([
    [10000.5, /without cents/],
    ["10000.50", /not a whole number/],
    [0, /more than zero/],
    [-5, /more than zero/],
    ["-5", /more than zero/],
    [Number.NaN, /must be a number/],
    ["ten", /not a whole number/],
    ["1e4", /not a whole number/],
    [Number.MAX_SAFE_INTEGER + 1, /at most/],
  ] as const)("refuses %j", (input, message) => {
    const result = toAmountValue(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });

  it("refuses amounts over the configured maximum, saying the maximum in rupiah", () => {
    expect(toAmountValue(5_000_001, { max: 5_000_000 })).toEqual({ ok: false, message: "The amount must be at most Rp 5,000,000" });
    expect(toAmountValue(5_000_000, { max: 5_000_000 })).toMatchObject({ ok: true });
  });

  it("reads amounts of answers back into rupiah", () => {
    expect(rupiahOfAmountValue("10000.00")).toBe(10000);
    expect(rupiahOfAmountValue("10000")).toBe(10000);
    expect(rupiahOfAmountValue("10000.50")).toBeNull();
    expect(rupiahOfAmountValue("abc")).toBeNull();
  });

  it("formats rupiah the way each language writes them; the server's own English by default", () => {
    expect(formatFor("id").rupiah(10000)).toBe("Rp 10.000");
    expect(formatRupiah(10000)).toBe("Rp 10,000");
  });
});

describe("docs/gateway.md#bodies wallet ↔ channel map", () => {
  it("has exactly the four channel codes, the OVO one without the page's stray space", () => {
    expect(WALLET_CHANNELS).toEqual({
      DANA: "TOP_UP_E_WALLET_DANA",
      OVO: "TRANSFER_E_WALLET_OVO",
      GOPAY: "TRANSFER_E_WALLET_GOPAY",
      SHOPEEPAY: "TRANSFER_E_WALLET_SHOPEEPAY",
    });
  });
  it("maps back from a channel to its wallet", () => {
    for (const [wallet, channel] of Object.entries(WALLET_CHANNELS)) expect(walletOfChannel(channel)).toBe(wallet);
    expect(walletOfChannel("TRANSFER _E_WALLET_OVO")).toBeUndefined();
  });
  it("reads wallet names case-insensitively", () => {
    expect(parseWallet(" shopeepay ")).toBe("SHOPEEPAY");
    expect(parseWallet("LinkAja")).toBeUndefined();
  });
});

describe("docs/gateway.md#bodies bodies: strict for what we send", () => {
  const valid = {
    partnerReferenceNo: "REF1",
    amount: { value: "10000.00", currency: "IDR" },
    customerNumber: "6281234567890",
    additionalInfo: { channel: "TOP_UP_E_WALLET_DANA" },
  };
  it("accepts a well-formed body", () => {
    expect(transferRequestSchema.safeParse(valid).success).toBe(true);
  });
  it.each([
    ["an extra field", { ...valid, note: "x" }],
    ["an 08… number", { ...valid, customerNumber: "081234567890" }],
    ["an amount without .00", { ...valid, amount: { value: "10000", currency: "IDR" } }],
    ["an amount as a number", { ...valid, amount: { value: 10000, currency: "IDR" } }],
    ["another currency", { ...valid, amount: { value: "10000.00", currency: "USD" } }],
    ["the page's OVO typo", { ...valid, additionalInfo: { channel: "TRANSFER _E_WALLET_OVO" } }],
    ["a reference with a leading space", { ...valid, partnerReferenceNo: " REF1" }],
    ["a 65-character reference", { ...valid, partnerReferenceNo: "R".repeat(65) }],
  ])("refuses %s", (_label, body) => {
    expect(transferRequestSchema.safeParse(body).success).toBe(false);
  });
});

describe("docs/gateway.md#bodies bodies: lenient for what we receive", () => {
  it("reads the provider page's inquiry answer: number amount, padded message", () => {
    const answer = JSON.parse(
      '{"responseCode":"2003700","responseMessage":" Successful ","partnerReferenceNo":"REF1234567890","amount":{"value":10000.00,"currency":"IDR"},"customerName":"John","customerNumber":"6281234567890"}',
    ) as unknown;
    expect(transferResponseSchema.parse(answer)).toMatchObject({
      responseMessage: "Successful",
      amount: { value: "10000.00", currency: "IDR" },
      customerName: "John",
    });
  });
  it("keeps unknown fields", () => {
    expect(transferResponseSchema.parse({ responseCode: "2003800", referenceNo: "X1" })).toMatchObject({ referenceNo: "X1" });
  });
  it("accepts transactionStatusDesc and trims the page's padded originalReferenceNo", () => {
    expect(
      statusResponseSchema.parse({
        responseCode: "2003900",
        originalReferenceNo: " TF1234567890",
        latestTransactionStatus: "00",
        transactionStatusDesc: "Success",
        amount: { value: "10000.00", currency: "IDR" },
      }),
    ).toMatchObject({ originalReferenceNo: "TF1234567890", transactionStatusDesc: "Success", amount: { value: "10000.00" } });
  });
  it("reads a customerNumber on a status answer, so it can be checked against the transfer", () => {
    expect(statusResponseSchema.parse({ responseCode: "2003900", customerNumber: 6281234567890 }).customerNumber).toBe("6281234567890");
  });
  it("writes a fractional number amount with two decimals", () => {
    expect(statusResponseSchema.parse({ responseCode: "2003900", amount: { value: 10000.5 } }).amount?.value).toBe("10000.50");
  });
});
