"use server";

import { anyone, authorizedAction } from "@/lib/auth/action";
import { importRecipients, importRecipientsSchema } from "@/lib/recipients/import";
import { archiveRecipientSchema, saveRecipientSchema, updateRecipientSchema } from "@/lib/recipients/schemas";
import { archiveRecipient, saveRecipient, updateRecipient } from "@/lib/recipients/service";
import { transferDeps } from "@/lib/runtime";

/** Saved recipients (docs/recipients.md): any signed-in role keeps the team's list; every change is audited. */
const revalidate = ["/recipients", "/transfers/new"] as const;

export const saveRecipientAction = authorizedAction({ name: "recipient.create", roles: anyone, schema: saveRecipientSchema, revalidate, auditInvalid: true }, (input, { user, ip }) =>
  saveRecipient(transferDeps(), { actor: user, ip }, input),
);

export const updateRecipientAction = authorizedAction({ name: "recipient.update", roles: anyone, schema: updateRecipientSchema, revalidate, auditInvalid: true }, (input, { user, ip }) =>
  updateRecipient(transferDeps(), { actor: user, ip }, input),
);

export const archiveRecipientAction = authorizedAction({ name: "recipient.archive", roles: anyone, schema: archiveRecipientSchema, revalidate }, (input, { user, ip }) =>
  archiveRecipient(transferDeps(), { actor: user, ip }, input),
);

/** A CSV file of recipients, all or none: every line checked, then every wallet looked up (docs/recipients.md#import). */
export const importRecipientsAction = authorizedAction({ name: "recipient.import", roles: anyone, schema: importRecipientsSchema, revalidate }, (file, { user, ip }) =>
  importRecipients(transferDeps(), { actor: user, ip }, file),
);
