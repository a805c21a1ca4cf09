import type { Wallet } from "@/lib/cashin/protocol";

/** The wallets as people write them. The wallet → channel code map lives in lib/cashin/protocol.ts. */
export const walletLabel: Record<Wallet, string> = { DANA: "DANA", OVO: "OVO", GOPAY: "GoPay", SHOPEEPAY: "ShopeePay" };
