import { randomBytes } from "node:crypto";
import type { TransferStatus } from "../../db/schema";
import { withE2eDatabase } from "./database";

export type SeedTransfer = {
  reference: string;
  ownerName: string;
  wallet?: "DANA" | "OVO" | "GOPAY" | "SHOPEEPAY";
  phone?: string;
  amount?: number;
  status?: TransferStatus;
  /** One of the demo users; the staff member by default. */
  makerEmail?: string;
  createdAt?: Date;
};

/** Letters only, so a search for it is read as a name, never as a reference or a phone number. */
export function uniqueWord(prefix: string): string {
  const letters = "abcdefghjkmnpqrstuvwxyz";
  return prefix + Array.from(randomBytes(8), (b) => letters[b % letters.length]).join("");
}

/** A reference no other test uses (`TRF…`, as the app makes them, so the search box reads it as one). */
export function uniqueReference(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return `TRFE2E${Array.from(randomBytes(14), (b) => alphabet[b % alphabet.length]).join("")}`;
}

/** A mobile number no other test uses (`628…`, stored the way the app stores it). */
export function uniquePhone(): string {
  return `62899${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, "0")}`;
}

/**
 * Writes transfers straight into the e2e app's database, each with the look-up it came from (a
 * transfer needs its own inquiry: transfers.inquiry_id is NOT NULL UNIQUE and foreign keys are on).
 * For screens that read transfers; flows that create them go through the app.
 */
export function seedTransfers(seeds: SeedTransfer[]): void {
  withE2eDatabase((db) => {
    const makerId = (email: string) => {
      const row = db.prepare("select id from users where email = ?").get(email) as { id: number } | undefined;
      if (!row) throw new Error(`No user ${email} in the e2e database`);
      return row.id;
    };
    const insertInquiry = db.prepare(
      `insert into inquiries (user_id, wallet, phone, amount, reference, outcome, owner_name, created_at)
       values (@makerId, @wallet, @phone, @amount, @inquiryReference, 'found', @ownerName, @createdAt)`,
    );
    const insertTransfer = db.prepare(
      `insert into transfers (reference, wallet, phone, amount, owner_name, status, maker_id, inquiry_id, created_at, updated_at)
       values (@reference, @wallet, @phone, @amount, @ownerName, @status, @makerId, @inquiryId, @createdAt, @createdAt)`,
    );
    // Immediate: the transaction reads (the maker's id) before it writes, and a deferred one that meets the app's
    // write in between fails at once with "database is locked", whatever the busy timeout.
    db.transaction(() => {
      for (const seed of seeds) {
        const values = {
          reference: seed.reference,
          inquiryReference: seed.reference.replace(/^TRF/, "INQ"),
          wallet: seed.wallet ?? "DANA",
          phone: seed.phone ?? uniquePhone(),
          amount: seed.amount ?? 50_000,
          ownerName: seed.ownerName,
          status: seed.status ?? "succeeded",
          makerId: makerId(seed.makerEmail ?? "staff@demo.test"),
          createdAt: (seed.createdAt ?? new Date()).getTime(),
        };
        const inquiry = insertInquiry.run(values);
        insertTransfer.run({ ...values, inquiryId: inquiry.lastInsertRowid });
      }
    }).immediate();
  });
}
