import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { clientMessagePaths, clientMessages } from "@/lib/i18n/client-messages";
import { messagesOf } from "@/lib/i18n/messages";
import { clientCatalogText } from "@/scripts/client-messages";

/**
 * docs/language.md#where-the-words-live: the browser receives only the parts of the catalog its components ask for.
 * This follows the imports from every "use client" file (the client components and everything they import) and
 * reads which messages they ask for, so a new client component that asks for a part not sent fails here, not on a
 * page that shows "transfers.new.title" instead of its words.
 */

const root = resolve(__dirname, "../..");
const sources = new Map<string, string>();
function walk(dir: string) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(ts|tsx)$/.test(name)) sources.set(path, readFileSync(path, "utf8"));
  }
}
for (const dir of ["app", "components", "lib"]) walk(join(root, dir));

function resolveImport(from: string, spec: string): string | null {
  const base = spec.startsWith("@/") ? join(root, spec.slice(2)) : spec.startsWith(".") ? resolve(dirname(from), spec) : null;
  if (!base) return null;
  for (const ending of ["", ".ts", ".tsx", "/index.ts", "/index.tsx"]) if (sources.has(base + ending)) return base + ending;
  return null;
}

const directive = (source: string, name: string) => new RegExp(`^\\s*["']use ${name}["']`).test(source);

/** Files that run in the browser: "use client" files and what they import, server actions excepted (those are references). */
function clientFiles(): Set<string> {
  const reached = new Set<string>();
  const stack = [...sources.keys()].filter((file) => directive(sources.get(file)!, "client"));
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const match of sources.get(file)!.matchAll(/(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/g)) {
      const target = resolveImport(file, match[1]!);
      if (target && !directive(sources.get(target)!, "server")) stack.push(target);
    }
  }
  return reached;
}

/** The message parts client code asks for: `useTranslations("a.b")` → "a.b"; a root `useTranslations()` → the first part of each key it reads. */
function askedFor(): Map<string, string[]> {
  const asked = new Map<string, string[]>();
  const add = (path: string, file: string) => asked.set(path, [...(asked.get(path) ?? []), relative(root, file)]);
  for (const file of clientFiles()) {
    const source = sources.get(file)!;
    for (const match of source.matchAll(/useTranslations\(\s*(?:"([^"]*)")?\s*\)/g)) {
      if (match[1] !== undefined) add(match[1], file);
      else for (const key of source.matchAll(/\bt\(\s*["`]([A-Za-z]+)\./g)) add(key[1]!, file);
    }
  }
  return asked;
}

describe("Messages sent to the browser", () => {
  const asked = askedFor();
  const sent = (path: string) => clientMessagePaths.some((part) => path === part || path.startsWith(`${part}.`));

  it("cover every part a client component asks for", () => {
    expect(asked.size).toBeGreaterThan(20);
    const missing = [...asked].filter(([path]) => !sent(path)).map(([path, files]) => `${path} (${files.join(", ")})`);
    expect(missing).toEqual([]);
  });

  it("hold no part that no client component asks for, and no part twice", () => {
    const unused = clientMessagePaths.filter((part) => !asked.has(part));
    expect(unused).toEqual([]);
    const nested = clientMessagePaths.filter((part) => clientMessagePaths.some((other) => part.startsWith(`${other}.`)));
    expect(nested).toEqual([]);
  });

  it("are those parts of the catalog, in each language, and far less than the whole", () => {
    for (const locale of ["id", "en"] as const) {
      const picked = clientMessages(locale) as Record<string, unknown>;
      const catalog = messagesOf(locale) as unknown as Record<string, Record<string, unknown>>;
      expect(picked.transfers).toEqual(catalog.transfers);
      expect((picked.batches as Record<string, unknown>).upload).toEqual(catalog.batches!.upload);
      expect(picked.server).toBeUndefined();
      expect(JSON.stringify(picked).length).toBeLessThan(JSON.stringify(catalog).length / 2);
    }
  });

  it("are what messages/client/ holds, the files the browser's script carries (run npm run messages after changing the catalog)", () => {
    for (const locale of ["id", "en"] as const) {
      expect(readFileSync(join(root, `messages/client/${locale}.json`), "utf8"), `messages/client/${locale}.json`).toBe(clientCatalogText(locale));
    }
  });
});
