import { createHash } from "node:crypto";

/** The test wallets of docs/mock-gateway.md#test-wallets: the customer number picks the behaviour, deterministically. */

export type InquiryBehaviour =
  /** `renamedTo`: the name from the 2nd look-up of the same number and amount on. */
  | { kind: "ok"; owner: string; renamedTo?: string }
  | { kind: "invalid_account" }
  | { kind: "inactive" };

export type TopupBehaviour =
  /** 2003800; later statuses follow `statuses`, the last one repeating. */
  | { kind: "success"; statuses: string[] }
  /**
   * 202 in progress; later statuses follow `statuses`, the last one repeating. `visibleLate`: the status call
   * answers 07 for the mock's `lateVisibilityMs` after the top-up, as for a reference Cash In never saw.
   */
  | { kind: "in_progress"; statuses: string[]; visibleLate?: boolean }
  /** Answers 2003800 only after the slow-wallet delay, but the transfer is done at once. */
  | { kind: "slow"; statuses: string[] }
  /** 5003801: not processed, so Cash In has no such transfer (status 07). */
  | { kind: "not_processed" }
  /** A definitive refusal (http status + case code); the transfer is recorded as failed (06). */
  | { kind: "refused"; httpStatus: number; caseCode: string; message: string };

export interface TestWallet {
  inquiry: InquiryBehaviour;
  topup: TopupBehaviour;
}

const ok = (owner: string, renamedTo?: string): InquiryBehaviour => ({ kind: "ok", owner, renamedTo });
const succeeds: TopupBehaviour = { kind: "success", statuses: ["00"] };

export const TEST_WALLETS: Record<string, TestWallet> = {
  "6281234567890": { inquiry: ok("John"), topup: succeeds },
  "628111000001": { inquiry: ok("Siti Rahayu"), topup: succeeds },
  "628111000002": { inquiry: ok("Budi Santoso"), topup: { kind: "in_progress", statuses: ["03", "03", "00"] } },
  "628111000003": {
    inquiry: { kind: "invalid_account" },
    topup: { kind: "refused", httpStatus: 404, caseCode: "11", message: "Invalid Account" },
  },
  "628111000004": {
    inquiry: ok("Dewi Lestari"),
    topup: { kind: "refused", httpStatus: 403, caseCode: "14", message: "Insufficient Funds" },
  },
  "628111000005": { inquiry: ok("Agus Wijaya"), topup: { kind: "slow", statuses: ["00"] } },
  "628111000006": { inquiry: ok("Rina Kartika"), topup: { kind: "not_processed" } },
  "628111000007": { inquiry: ok("Joko Susilo"), topup: { kind: "in_progress", statuses: ["03", "06"] } },
  "628111000008": {
    inquiry: { kind: "inactive" },
    topup: { kind: "refused", httpStatus: 403, caseCode: "18", message: "Inactive Account" },
  },
  "628111000009": {
    inquiry: ok("Hendra Gunawan"),
    topup: { kind: "refused", httpStatus: 403, caseCode: "02", message: "Exceeds Transaction Amount Limit" },
  },
  "628111000010": { inquiry: ok("Yanti Permata"), topup: { kind: "in_progress", statuses: ["00"], visibleLate: true } },
  "628111000011": { inquiry: ok("Rudi Hartono"), topup: { kind: "success", statuses: ["00", "00", "04"] } },
  "628111000012": { inquiry: ok("Maya Sari", "Maya Sari Dewi"), topup: succeeds },
};

const GIVEN_NAMES = ["Andi", "Bayu", "Citra", "Dian", "Eka", "Fajar", "Gita", "Hadi", "Indah", "Kurnia", "Lestari", "Made"];
const FAMILY_NAMES = ["Pratama", "Saputra", "Wibowo", "Hidayat", "Kusuma", "Nugraha", "Permata", "Setiawan", "Utami"];

/** Any other valid number: a name derived from the number, so repeated inquiries agree. */
export function deterministicOwner(customerNumber: string): string {
  const digest = createHash("sha256").update(customerNumber).digest();
  return `${GIVEN_NAMES[digest.readUInt8(0) % GIVEN_NAMES.length]} ${FAMILY_NAMES[digest.readUInt8(1) % FAMILY_NAMES.length]}`;
}

export function testWallet(customerNumber: string): TestWallet {
  return TEST_WALLETS[customerNumber] ?? { inquiry: ok(deterministicOwner(customerNumber)), topup: succeeds };
}
