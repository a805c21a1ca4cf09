import { z } from "zod";
import { msg } from "@/lib/i18n/translate";
import { amountField } from "@/lib/transfers/schemas";

/** The approval tiers' form and action schema (docs/policies.md#approval-tiers), shared by the browser and the server. */

/** Where the tiers are kept in `policies`. */
export const tiersPolicyKey = "approval_tiers";
export const maxTiers = 8;
export const maxApprovals = 3;

export type { ApprovalRule } from "@/db/schema";

const countField = (max: number) =>
  z.coerce
    .number({ error: () => msg("server.tiers.wholeCount") })
    .int({ error: () => msg("server.tiers.wholeCount") })
    .min(0, { error: () => msg("server.tiers.wholeCount") })
    .max(max, { error: () => msg("server.tiers.approvalsRange", { max }) });

export const tierInputSchema = z.object({
  floor: amountField,
  approvals: countField(maxApprovals).pipe(z.number().min(1, { error: () => msg("server.tiers.approvalsRange", { max: maxApprovals }) })),
  // A form's checkbox group: an array of ids, one id (a single box), or nothing ticked.
  named: z.preprocess((v) => (Array.isArray(v) ? v : v === undefined || v === false || v === null || v === "" ? [] : [v]), z.array(z.coerce.number().int().positive()).max(50)).optional(),
  namedNeeded: countField(maxApprovals).default(0),
});

export const tiersInputSchema = z.object({
  tiers: z
    .array(tierInputSchema)
    .min(1, { error: () => msg("server.tiers.atLeastOne") })
    .max(maxTiers, { error: () => msg("server.tiers.atMost", { max: maxTiers }) }),
});

export type TiersInput = z.input<typeof tiersInputSchema>;
export type TiersValues = z.output<typeof tiersInputSchema>;

