import { z } from "zod";
import { webhookEventTypes } from "@/db/schema";
import { msg } from "@/lib/i18n/translate";

/**
 * The webhook endpoint form's input (docs/webhooks.md#endpoints), shared by the admin's form (in the browser) and the
 * save on the server: no server-only imports. Whether the URL may be reached (https, public addresses) is checked on
 * the server only, where DNS is (lib/webhooks/url.ts).
 */

/** The events an endpoint can ask for, for the form (components take lists from lib/, not db/). */
export { webhookEventTypes };

export const endpointBounds = { url: 2000, description: 200, endpoints: 20 } as const;

export const endpointSchema = z.object({
  url: z
    .string({ error: () => msg("server.webhooks.enterUrl") })
    .trim()
    .min(1, { error: () => msg("server.webhooks.enterUrl") })
    .max(endpointBounds.url, { error: () => msg("server.webhooks.url.tooLong", { max: endpointBounds.url }) })
    .refine((v) => URL.canParse(v), { error: () => msg("server.webhooks.url.notUrl") }),
  description: z
    .string()
    .trim()
    .max(endpointBounds.description, { error: () => msg("server.webhooks.descriptionTooLong", { max: endpointBounds.description }) })
    .optional()
    .transform((v) => v || null),
  events: z.array(z.enum(webhookEventTypes), { error: () => msg("server.webhooks.chooseEvents") }).min(1, { error: () => msg("server.webhooks.chooseEvents") }).transform((events) => webhookEventTypes.filter((e) => events.includes(e))),
});

export type EndpointInput = z.input<typeof endpointSchema>;
export type EndpointValues = z.output<typeof endpointSchema>;

export const endpointIdSchema = z.object({ endpointId: z.number().int().positive() });
export const setActiveSchema = z.object({ endpointId: z.number().int().positive(), active: z.boolean() });
export const resendSchema = z.object({ deliveryId: z.number().int().positive() });
