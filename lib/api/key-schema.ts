import { z } from "zod";
import { apiScopes, type ApiScope } from "@/db/schema";
import { readRange } from "@/lib/auth/allow-list-schema";
import { msg } from "@/lib/i18n/translate";

/*
 * The "New API key" form's input (docs/api.md#keys), shared by the admin's form (react-hook-form resolver, in the
 * browser) and the server: no server-only imports. The person the key acts for, the expiry's limits and the name's
 * uniqueness are checked on the server (lib/api/key-admin.ts).
 */

/** What a key may do (docs/api.md#keys), for the form. */
export { apiScopes, type ApiScope };

export const apiKeyBounds = { name: 60, ranges: 20, rangesText: 2000 } as const;

/** A name: one line, 1–60 characters, no invisible or control characters. */
const nameField = z
  .string({ error: () => msg("server.apiKeys.enterName") })
  .trim()
  .min(1, { error: () => msg("server.apiKeys.enterName") })
  .refine((name) => [...name].length <= apiKeyBounds.name, { error: () => msg("server.apiKeys.nameTooLong", { max: apiKeyBounds.name }) })
  .refine((name) => !/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/.test(name), { error: () => msg("server.apiKeys.nameCharacters") });

/** Addresses typed one per line (or separated by commas), each an address or a CIDR range; empty: any address. */
const rangesField = z
  .string()
  .max(apiKeyBounds.rangesText, { error: () => msg("server.apiKeys.rangesTooLong") })
  .optional()
  .transform((text, ctx) => {
    const typed = (text ?? "").split(/[\s,]+/).filter(Boolean);
    const cidrs: string[] = [];
    for (const entry of typed) {
      const reading = readRange(entry);
      if (reading.ok) {
        if (!cidrs.includes(reading.cidr)) cidrs.push(reading.cidr);
      } else {
        ctx.addIssue({
          code: "custom",
          message:
            reading.problem === "hostBits"
              ? msg("server.signInAddresses.hostBits", { typed: entry, network: reading.network, single: reading.single })
              : msg("server.signInAddresses.malformed", { typed: entry }),
        });
      }
    }
    if (cidrs.length > apiKeyBounds.ranges) ctx.addIssue({ code: "custom", message: msg("server.apiKeys.tooManyRanges", { max: apiKeyBounds.ranges }) });
    return cidrs.length > 0 ? cidrs : null;
  });

export const createApiKeySchema = z.object({
  name: nameField,
  scopes: z
    .array(z.enum(apiScopes), { error: () => msg("server.apiKeys.chooseScopes") })
    .min(1, { error: () => msg("server.apiKeys.chooseScopes") })
    .refine((scopes) => !(scopes.includes("payouts:create") && scopes.includes("payouts:approve")), {
      error: () => msg("server.apiKeys.createAndApprove"),
    })
    .transform((scopes) => apiScopes.filter((scope) => scopes.includes(scope))),
  ownerId: z.coerce
    .number({ error: () => msg("server.apiKeys.chooseOwner") })
    .int({ error: () => msg("server.apiKeys.chooseOwner") })
    .positive({ error: () => msg("server.apiKeys.chooseOwner") })
    .max(Number.MAX_SAFE_INTEGER),
  allowedIps: rangesField,
  /** The last day it works (Jakarta), YYYY-MM-DD; empty: no expiry. */
  expiresOn: z
    .string()
    .optional()
    .refine((day) => !day || /^\d{4}-\d{2}-\d{2}$/.test(day), { error: () => msg("server.apiKeys.expiryDate") })
    .transform((day) => day || null),
});

export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

export const revokeApiKeySchema = z.object({ keyId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** My account: the manager shows one of their waiting approve keys (docs/api.md#keys). */
export const issueApiKeySchema = z.object({ keyId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
