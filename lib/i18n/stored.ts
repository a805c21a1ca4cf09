import type { Locale } from "./locales";
import { messagesOf, type Messages } from "./messages";

/**
 * Texts the server stored in English (a transfer's failure reason, its last answer from Cash In, a batch row's
 * problem, a transition's note: docs/language.md#what-the-server-says) read in the reader's language when they
 * are one of our fixed messages, word for word. A text with details in it (a reference, an amount) has no
 * fixed translation and is shown as stored.
 */
let englishIndex: Map<string, string[]> | undefined;

function indexOf(tree: Messages): Map<string, string[]> {
  const index = new Map<string, string[]>();
  const walk = (node: unknown, path: string[]) => {
    if (typeof node === "string") {
      // Only messages that take nothing: the stored text is the whole message.
      if (!node.includes("{") && !index.has(node)) index.set(node, path);
      return;
    }
    if (node && typeof node === "object") for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
  };
  walk(tree, []);
  return index;
}

export function storedText(text: string, locale: Locale): string {
  if (locale === "en") return text;
  const path = (englishIndex ??= indexOf(messagesOf("en"))).get(text);
  if (!path) return text;
  const found = path.reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), messagesOf(locale));
  return typeof found === "string" ? found : text;
}
