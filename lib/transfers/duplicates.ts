import { and, desc, eq, gte, lte, ne, notInArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { transfers, users, type TransferStatus } from "@/db/schema";
import type { Wallet } from "@/lib/cashin/protocol";
import { movedNoMoney, statusWord } from "./status";
import type { Translator } from "./words";

/**
 * Near-duplicates (docs/lifecycle.md#paying-twice-is-impossible): another transfer to the same e-wallet, phone and amount, created within
 * the admin-set window (any maker), that may still move or has moved money. A person confirms that a
 * new one is a separate payment, and so does its approver.
 */

export type NearDuplicate = {
  id: number;
  reference: string;
  status: TransferStatus;
  createdAt: Date;
  makerName: string;
  batchId: number | null;
};

const hourMs = 60 * 60_000;

/** At most this many are listed: one is enough to stop and look, and the tick names them all. */
const listed = 20;

export async function nearDuplicates(
  db: DbOrTx,
  payment: { wallet: Wallet; phone: string; amount: number },
  { around, windowHours, excludeId }: { around: Date; windowHours: number; excludeId?: number },
): Promise<NearDuplicate[]> {
  const windowMs = windowHours * hourMs;
  return db
    .select({
      id: transfers.id,
      reference: transfers.reference,
      status: transfers.status,
      createdAt: transfers.createdAt,
      makerName: users.name,
      batchId: transfers.batchId,
    })
    .from(transfers)
    .innerJoin(users, eq(users.id, transfers.makerId))
    .where(
      and(
        eq(transfers.phone, payment.phone),
        eq(transfers.wallet, payment.wallet),
        eq(transfers.amount, payment.amount),
        gte(transfers.createdAt, new Date(around.getTime() - windowMs)),
        lte(transfers.createdAt, new Date(around.getTime() + windowMs)),
        notInArray(transfers.status, [...movedNoMoney]),
        excludeId === undefined ? undefined : ne(transfers.id, excludeId),
      ),
    )
    .orderBy(desc(transfers.createdAt), desc(transfers.id))
    .limit(listed);
}

/**
 * Whether a person's "separate payment" tick covers exactly the near-duplicates there are now. A tick
 * given for other transfers than these (stale: one appeared since; forged: never shown) is refused.
 */
export function tickCovers(ticked: readonly number[] | undefined, current: readonly { id: number }[]): boolean {
  const wanted = new Set(current.map((d) => d.id));
  const given = new Set(ticked ?? []);
  return wanted.size === given.size && [...wanted].every((id) => given.has(id));
}

/** "TRF… (Sari Wulandari, succeeded)": the earlier transfers, in a refusal message in `t`'s language. */
export function describeDuplicates(t: Translator, duplicates: readonly NearDuplicate[]): string {
  return duplicates
    .map((d) => t("server.transfers.duplicate", { reference: d.reference, maker: d.makerName, status: statusWord(t, d.status) }))
    .join(", ");
}
