"use server";

import { admins, authorizedAction } from "@/lib/auth/action";
import { createApiKey, revokeApiKey } from "@/lib/api/key-admin";
import { createApiKeySchema, revokeApiKeySchema } from "@/lib/api/key-schema";

/** docs/api.md#keys: admins only, with a fresh second-factor proof; the key is in the answer once and nowhere else. */
export const createApiKeyAction = authorizedAction(
  { name: "api_key.create", roles: admins, stepUp: true, auditInvalid: true, schema: createApiKeySchema, revalidate: ["/admin/api-keys"] },
  (input, { db, user, ip }) => createApiKey(db, { actor: user, ip }, input, new Date()),
);

export const revokeApiKeyAction = authorizedAction(
  { name: "api_key.revoke", roles: admins, stepUp: true, schema: revokeApiKeySchema, revalidate: ["/admin/api-keys"] },
  (input, { db, user, ip }) => revokeApiKey(db, { actor: user, ip }, input, new Date()),
);
