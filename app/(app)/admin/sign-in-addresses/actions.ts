"use server";

import { admins, authorizedAction } from "@/lib/auth/action";
import { saveAllowList } from "@/lib/auth/allow-list";
import { allowListSchema } from "@/lib/auth/allow-list-schema";

/** docs/sign-in-addresses.md: admins only, with a fresh second-factor proof; the list is checked again here, whatever the form did. */
export const saveSignInAllowListAction = authorizedAction(
  { name: "policy.sign_in_allow_list", roles: admins, stepUp: true, auditInvalid: true, schema: allowListSchema, revalidate: ["/admin/sign-in-addresses"] },
  (input, { db, user, ip }) => saveAllowList({ db, actor: user, ip }, input),
);
