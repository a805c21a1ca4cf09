/** Client-safe names of a batch's and a row's states; their words are in messages (batchStatus, batchRows). */
export type { BatchRowState, BatchStatus } from "@/db/schema";
