"use server";

import { z } from "zod";
import type { TransferStatus } from "@/db/schema";
import { authorizedAction } from "@/lib/auth/action";
import { fail, type ActionResult } from "@/lib/result";

// PLACEHOLDER signatures, being implemented now on lib/transfers/ (issue 4).
const transferIdSchema = z.object({ transferId: z.coerce.number().int().positive() });

export const refreshTransferAction = authorizedAction(
  { name: "transfer.refresh", roles: ["staff", "manager", "admin"], schema: transferIdSchema },
  async (): Promise<ActionResult<{ status: TransferStatus }>> => fail("error", "Not implemented yet"),
);

export const listUnsettledAction = authorizedAction(
  { name: "transfer.list_unsettled", roles: ["staff", "manager", "admin"], schema: z.object({}) },
  async (): Promise<ActionResult<{ transferIds: number[] }>> => fail("error", "Not implemented yet"),
);

export const cancelTransferAction = authorizedAction(
  { name: "transfer.cancel", roles: ["staff", "manager", "admin"], schema: transferIdSchema.extend({ reason: z.string().max(500).optional() }) },
  async (): Promise<ActionResult<null>> => fail("error", "Not implemented yet"),
);
