import type { Locale } from "./locales";
import { messagesOf } from "./messages";

/**
 * The messages the browser receives (docs/language.md#where-the-words-live), written to messages/client/ by `npm run
 * messages` for the script that carries them; the whole catalog (server answers, e-mails, exports, the audit's action
 * names, page texts rendered on the server) would be three times as much. So only these parts are sent: the
 * namespaces (or sub-namespaces) that client components name in `useTranslations`, and the ones the navigation reads.
 * test/i18n/client-messages.test.ts follows the imports from every "use client" file and fails when a client
 * component asks for a part missing here, or when a part here is no longer asked for.
 */
export const clientMessagePaths = [
  "apiKeys",
  "approvals.duration",
  "approvals.queue",
  "attention",
  "audit",
  "auth",
  "batchRows",
  "batches.approve",
  "batches.cancel",
  "batches.reject",
  "batches.resume",
  "batches.schedule",
  "batches.submit",
  "batches.upload",
  "common",
  "dashboard.outcomes",
  "dashboard.range",
  "dashboard.top",
  "dashboard.volume",
  "errors",
  "history.filters",
  "history.pagination",
  "history.table",
  "language",
  "limits",
  "myApiKeys",
  "nav",
  "notifications",
  "recipients",
  "roles",
  "sending.banner",
  "sending.policy",
  "sending.resume",
  "shell",
  "signInAddresses",
  "stepUp",
  "tiers",
  "transferStatus",
  "transfers",
  "ui",
  "users",
  "wallets",
  "webhooks",
] as const;

type Tree = { [key: string]: string | Tree };

function pick(messages: Tree, paths: readonly string[]): Tree {
  const picked: Tree = {};
  for (const path of paths) {
    const keys = path.split(".");
    let from: string | Tree | undefined = messages;
    let into = picked;
    keys.forEach((key, i) => {
      from = typeof from === "object" ? from[key] : undefined;
      if (from === undefined) throw new Error(`client messages: no "${path}" in the catalog`);
      if (i === keys.length - 1) into[key] = from;
      else into = (into[key] ??= {}) as Tree;
    });
  }
  return picked;
}

const picked = new Map<Locale, Tree>();

/** The part of `locale`'s catalog that is sent to the browser (computed once per language). */
export function clientMessages(locale: Locale): Tree {
  let messages = picked.get(locale);
  if (!messages) picked.set(locale, (messages = pick(messagesOf(locale) as unknown as Tree, clientMessagePaths)));
  return messages;
}
