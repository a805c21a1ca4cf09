"use server";

import { z } from "zod";
import { admins, authorizedAction } from "@/lib/auth/action";
import { verifyAuditChain, type ChainVerdict } from "@/lib/audit/verify";
import { ok, type ActionResult } from "@/lib/result";

/** Walks the whole chain now: the same check as `npm run audit:verify`. */
export const verifyAuditAction = authorizedAction(
  { name: "audit.verify", roles: admins, schema: z.object({}) },
  async (_input, { db }): Promise<ActionResult<ChainVerdict>> => ok(await verifyAuditChain(db)),
);
