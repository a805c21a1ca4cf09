import { migrateDatabase, openConnection, openDatabase } from "@/db/client";
import type { TransferStatus } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { defaultLimits } from "@/lib/transfers/limits-schema";

/**
 * A history of `transfers` transfers over the last `days` days, written with raw prepared statements in
 * one transaction into a database migrated by the app's own migrations. Deterministic: the same seed
 * gives the same rows, so runs compare. Only settled transfers are old; the few unsettled ones are
 * recent and not due, so the app's reconciler finds nothing to do while the pages are measured.
 */

export type Seeded = {
  file: string;
  transfers: number;
  /** The instant the history ends at. */
  now: Date;
  makers: { id: number; name: string; email: string }[];
  /** A staff account of the seeded makers, for signing in to the app. */
  login: { email: string; password: string };
  /** Family names used in owner names, e.g. for a search. */
  familyNames: readonly string[];
};

const dayMs = 24 * 60 * 60 * 1000;
const hourMs = 60 * 60 * 1000;
const jakartaOffsetMs = 7 * hourMs;

const makerNames = [
  ["Sari Wulandari", "staff"],
  ["Bambang Prasetyo", "manager"],
  ["Citra Maharani", "manager"],
  ["Dimas Ardiansyah", "staff"],
  ["Eka Putri", "staff"],
  ["Fitri Handayani", "staff"],
  ["Gilang Ramadhan", "staff"],
  ["Hana Safitri", "staff"],
  ["Irfan Maulana", "manager"],
  ["Joko Widodo", "staff"],
  ["Kartika Sari", "staff"],
  ["Ayu Lestari", "admin"],
] as const;

const givenNames = [
  "Agus", "Andi", "Ani", "Bayu", "Budi", "Cahya", "Citra", "Dedi", "Dewi", "Dian", "Eko", "Endang", "Fajar",
  "Fitri", "Gita", "Hadi", "Hendra", "Indah", "Irwan", "Joko", "Kurnia", "Lestari", "Made", "Mega", "Nur",
  "Oki", "Putri", "Rahmat", "Rina", "Rudi", "Sari", "Siti", "Sri", "Taufik", "Tri", "Umar", "Wahyu", "Wati",
  "Yanti", "Yudi",
];

export const familyNames = [
  "Santoso", "Wijaya", "Pratama", "Saputra", "Wibowo", "Hidayat", "Kusuma", "Nugraha", "Permata", "Setiawan",
  "Utami", "Rahayu", "Lestari", "Gunawan", "Susilo", "Hartono", "Siregar", "Nasution", "Simanjuntak", "Harahap",
  "Sitompul", "Purnomo", "Sulistyo", "Kurniawan", "Firmansyah", "Halim", "Tanjung", "Syahputra", "Ramadhani",
  "Anggraini",
] as const;

/** mulberry32: small, fast and good enough to spread test data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickWeighted<T>(rand: () => number, choices: readonly (readonly [T, number])[]): T {
  let left = rand() * choices.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of choices) {
    left -= weight;
    if (left <= 0) return value;
  }
  return choices[choices.length - 1]![0];
}

// Office hours in Jakarta carry most transfers; nights a trickle.
const hourWeights = [1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 18, 16, 12, 16, 18, 16, 12, 8, 6, 4, 3, 2, 1, 1];
const hours = hourWeights.map((weight, hour) => [hour, weight] as const);

const jakartaMidnight = (at: number) => Math.floor((at + jakartaOffsetMs) / dayMs) * dayMs - jakartaOffsetMs;

/**
 * Creation instants, oldest first, over the Jakarta calendar days from `days` ago to today (up to now):
 * office hours heavier than nights, weekdays than weekends.
 */
function creationTimes(rand: () => number, count: number, days: number, now: number): Float64Array {
  const today = jakartaMidnight(now);
  const dayStarts = Array.from({ length: days + 1 }, (_, d) => today - (days - d) * dayMs);
  const allDay = hourWeights.reduce((a, b) => a + b, 0);
  const dayWeights = dayStarts.map((start) => {
    const weekday = new Date(start + jakartaOffsetMs).getUTCDay();
    const busy = weekday === 0 || weekday === 6 ? 0.4 : 1;
    if (start < today) return busy;
    // Today only as far as now.
    const hoursPassed = (now - today) / hourMs;
    const passed = hourWeights.reduce((sum, weight, hour) => sum + weight * Math.min(1, Math.max(0, hoursPassed - hour)), 0);
    return (busy * passed) / allDay;
  });
  const totalWeight = dayWeights.reduce((a, b) => a + b, 0);
  const times = new Float64Array(count);
  let written = 0;
  dayStarts.forEach((start, d) => {
    const share = d === days ? count - written : Math.round((count * dayWeights[d]!) / totalWeight);
    for (let i = 0; i < share && written < count; i++) {
      let at: number;
      do at = start + pickWeighted(rand, hours) * hourMs + Math.floor(rand() * hourMs);
      while (at >= now);
      times[written++] = at;
    }
  });
  return times.sort();
}

const referenceAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

function reference(prefix: "TRF" | "INQ", at: number, rand: () => number): string {
  const day = new Date(at + jakartaOffsetMs).toISOString().slice(0, 10).replaceAll("-", "");
  let tail = "";
  for (let i = 0; i < 12; i++) tail += referenceAlphabet[Math.floor(rand() * referenceAlphabet.length)];
  return `${prefix}${day}${tail}`;
}

const wallets = [
  ["DANA", 35],
  ["OVO", 25],
  ["GOPAY", 25],
  ["SHOPEEPAY", 15],
] as const;

/** Mostly small payouts, some large enough to need an approval. */
function amount(rand: () => number): number {
  const band = rand();
  const [low, high] = band < 0.6 ? [10_000, 1_000_000] : band < 0.9 ? [1_000_000, 5_000_000] : [5_000_000, 25_000_000];
  return Math.round((low + rand() * (high - low)) / 1000) * 1000;
}

function settledStatus(rand: () => number, needsApproval: boolean): TransferStatus {
  if (needsApproval) {
    return pickWeighted(rand, [["succeeded", 82], ["failed", 4], ["refunded", 1], ["rejected", 8], ["canceled", 2], ["expired", 3]] as const);
  }
  return pickWeighted(rand, [["succeeded", 92], ["failed", 5], ["refunded", 1], ["canceled", 2]] as const);
}

const reasons: Partial<Record<TransferStatus, string>> = {
  failed: "Cash In reports the transfer failed: Failed",
  rejected: "Amount does not match the invoice",
  canceled: "Customer asked to stop the payout",
  expired: "Not approved within the approval window",
};

export async function seedHistory(file: string, options: { transfers: number; days?: number; seed?: number }): Promise<Seeded> {
  const days = options.days ?? 90;
  const rand = random(options.seed ?? 20_250_310);
  const now = new Date();
  const db = openDatabase(file);
  migrateDatabase(db);
  await db.close();
  // The seed alone writes the file, on one plain connection of its own.
  const sqlite = openConnection(file).$client;
  // One writer, nothing to recover: the seed skips the journal and keeps the pages in memory.
  sqlite.pragma("journal_mode = OFF");
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("cache_size = -1000000");

  const password = "bench-password-1";
  const passwordHash = await hashPassword(password);
  const insertUser = sqlite.prepare(
    "insert into users (name, email, role, password_hash, active, session_version, created_at, updated_at) values (?, ?, ?, ?, 1, 1, ?, ?)",
  );
  const insertInquiry = sqlite.prepare(
    "insert into inquiries (user_id, wallet, phone, amount, reference, outcome, owner_name, message, created_at) values (?, ?, ?, ?, ?, 'found', ?, 'Successful', ?)",
  );
  const insertTransfer = sqlite.prepare(
    `insert into transfers (reference, wallet, phone, amount, owner_name, status, maker_id, inquiry_id, approver_id, decided_at,
       reason, cashin_reference, last_code, last_message, sent_at, next_check_at, checks, settled_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const makers: Seeded["makers"] = [];
  const times = creationTimes(rand, options.transfers, days, now.getTime());
  // Repeat customers: about one wallet per seven transfers.
  const customers = Math.max(100, Math.floor(options.transfers / 7));

  sqlite.transaction(() => {
    const joined = now.getTime() - (days + 30) * dayMs;
    for (const [i, [name, role]] of makerNames.entries()) {
      const email = `${name.split(" ")[0]!.toLowerCase()}${i}@bench.test`;
      const id = Number(insertUser.run(name, email, role, passwordHash, joined, joined).lastInsertRowid);
      makers.push({ id, name, email });
    }
    const approvers = makers.filter((_, i) => makerNames[i]![1] === "manager").map((m) => m.id);
    const approvalThreshold = defaultLimits.approvalThreshold;
    let cashinCounter = 0;

    for (let i = 0; i < times.length; i++) {
      const createdAt = times[i]!;
      const age = now.getTime() - createdAt;
      const customer = Math.floor(rand() * customers);
      // 62 8xx plus nine digits, one number per customer.
      const phone = `628${(1_100_000_000 + ((customer * 7_919_993) % 899_999_999)).toString().slice(0, 10)}`;
      const ownerName = `${givenNames[customer % givenNames.length]} ${familyNames[Math.floor(customer / givenNames.length) % familyNames.length]}`;
      const wallet = pickWeighted(rand, wallets);
      const value = amount(rand);
      const makerId = makers[Math.floor(rand() * makers.length)]!.id;
      const needsApproval = value >= approvalThreshold;

      let status: TransferStatus = settledStatus(rand, needsApproval);
      if (age < 12 * hourMs && needsApproval && rand() < 0.3) status = "awaiting_approval";
      else if (age < hourMs && rand() < 0.05) status = "processing";

      const inquiryId = Number(insertInquiry.run(makerId, wallet, phone, value, reference("INQ", createdAt - 60_000, rand), ownerName, createdAt - 60_000).lastInsertRowid);
      const decided = needsApproval && status !== "awaiting_approval";
      const decidedAt = decided ? createdAt + Math.floor(rand() * 2 * hourMs) : null;
      const sent = status === "succeeded" || status === "failed" || status === "refunded" || status === "processing";
      const sentAt = sent ? (decidedAt ?? createdAt) + 500 : null;
      const settled = sent && status !== "processing";
      const settledAt = settled ? sentAt! + 2000 + Math.floor(rand() * 60_000) : null;
      const cashinReference = sent ? `TF${String(++cashinCounter).padStart(10, "0")}` : null;
      const lastCode = settled ? "2003900" : sent ? "2023800" : null;
      const lastMessage = status === "succeeded" ? "Success" : status === "failed" ? "Failed" : status === "refunded" ? "Refunded" : sent ? "Request In Progress" : null;
      insertTransfer.run(
        reference("TRF", createdAt, rand),
        wallet,
        phone,
        value,
        ownerName,
        status,
        makerId,
        inquiryId,
        decided ? approvers[Math.floor(rand() * approvers.length)]! : null,
        decidedAt,
        reasons[status] ?? null,
        cashinReference,
        lastCode,
        lastMessage,
        sentAt,
        // Unsettled ones are not due during the run: nothing for the app's reconciler to pick up.
        status === "processing" ? now.getTime() + dayMs : null,
        settled ? 1 : 0,
        settledAt,
        createdAt,
        settledAt ?? decidedAt ?? createdAt,
      );
    }
  })();

  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
  return {
    file,
    transfers: options.transfers,
    now,
    makers,
    login: { email: makers[0]!.email, password },
    familyNames,
  };
}
