import type { Outcome } from "@/lib/dashboard/outcomes";
import type { Wallet } from "@/lib/cashin/protocol";

/*
 * The dashboard's colours: each at least 4.5:1 against white, so a bar or slice stands out from the card and
 * a legend's text in it would be readable (docs/dashboard.md#reading-the-charts-without-colour). A colour
 * never stands alone: every chart has a legend with words and a table.
 */

export const walletColor: Record<Wallet, string> = {
  DANA: "#1d5fb8",
  OVO: "#6b3fa0",
  GOPAY: "#147a4b",
  SHOPEEPAY: "#a8440a",
};

export const outcomeColor: Record<Outcome, string> = {
  succeeded: "#147a4b",
  failed: "#b42318",
  unsettled: "#1d5fb8",
  refunded: "#5b6676",
  unresolved: "#8a5a00",
};

export const recipientColor = "#0f5f73";
