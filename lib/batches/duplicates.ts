import { and, count, eq, isNotNull, ne, or, sql } from "drizzle-orm";
import { first, type DbOrTx, type Tx } from "@/db/client";
import { batchRows, transfers } from "@/db/schema";
import { getLimits } from "@/lib/transfers/settings";
import { movedNoMoney } from "@/lib/transfers/status";

/** A row flagged for its maker and approver: it repeats an earlier row, or a payment made recently. */
export const flaggedRow = or(isNotNull(batchRows.duplicateOfLine), isNotNull(batchRows.nearDuplicateOf));

/**
 * Marks each live row that repeats a transfer made outside this batch within the near-duplicate window
 * (docs/lifecycle.md#paying-twice-is-impossible; same e-wallet, phone and amount, any maker, not one that moved no money) with the latest
 * such transfer, and clears the mark where none is left. One statement, through the phone index. Returns
 * how many rows of the batch are flagged now, repeats within the file included.
 */
export async function flagNearDuplicates(tx: Tx, batchId: number, at: Date): Promise<number> {
  const since = new Date(at.getTime() - (await getLimits(tx)).nearDuplicateWindowHours * 60 * 60_000);
  const noMoney = sql.join(movedNoMoney.map((s) => sql`${s}`), sql`, `);
  await tx
    .update(batchRows)
    .set({
      nearDuplicateOf: sql`(select ${transfers.id} from ${transfers} where ${transfers.phone} = ${batchRows.phone} and ${transfers.wallet} = ${batchRows.wallet}
        and ${transfers.amount} = ${batchRows.amount} and ${transfers.createdAt} >= ${sql.param(since, transfers.createdAt)} and ${transfers.status} not in (${noMoney})
        and (${transfers.batchId} is null or ${transfers.batchId} <> ${batchRows.batchId}) order by ${transfers.createdAt} desc limit 1)`,
    })
    .where(and(eq(batchRows.batchId, batchId), ne(batchRows.state, "removed")));
  return flaggedCount(tx, batchId);
}

export async function flaggedCount(db: DbOrTx, batchId: number): Promise<number> {
  const row = await first(
    db
      .select({ n: count() })
      .from(batchRows)
      .where(and(eq(batchRows.batchId, batchId), ne(batchRows.state, "removed"), flaggedRow)),
  );
  return row?.n ?? 0;
}
