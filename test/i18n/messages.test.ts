import { describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import id from "@/messages/id.json";
import { defaultLocale, toLocale } from "@/lib/i18n/locales";

type Tree = { [key: string]: string | Tree };

/** Every leaf as "a.b.c" → text. */
function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [p, v] of leaves(value, path)) out.set(p, v);
  }
  return out;
}

/** The ICU arguments a message takes: {name}, {count, plural, …}; names only, in order of first use. */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  for (const match of message.matchAll(/\{\s*([A-Za-z_][\w]*)\s*(?:,|\})/g)) names.add(match[1]!);
  return [...names].sort();
}

/** Rich-text tags: <link>…</link>. */
function tagsOf(message: string): string[] {
  return [...new Set([...message.matchAll(/<([A-Za-z]+)>/g)].map((m) => m[1]!))].sort();
}

describe("messages/en.json and messages/id.json", () => {
  const english = leaves(en as Tree);
  const indonesian = leaves(id as Tree);

  it("have the same keys: none missing, none extra", () => {
    expect([...indonesian.keys()].filter((k) => !english.has(k)), "in id.json only").toEqual([]);
    expect([...english.keys()].filter((k) => !indonesian.has(k)), "missing from id.json").toEqual([]);
  });

  it("take the same arguments and tags in both languages", () => {
    const mismatched = [...english].filter(([key, text]) => {
      const other = indonesian.get(key);
      return other !== undefined && (argumentsOf(text).join() !== argumentsOf(other).join() || tagsOf(text).join() !== tagsOf(other).join());
    });
    expect(mismatched.map(([key]) => key)).toEqual([]);
  });

  it("have no empty messages", () => {
    expect([...english, ...indonesian].filter(([, text]) => text.trim() === "").map(([key]) => key)).toEqual([]);
  });

  it("the parity check itself sees a missing key", () => {
    const { signOut: _dropped, ...shell } = (id as Tree).shell as Tree;
    const broken = leaves({ ...(id as Tree), shell });
    expect([...english.keys()].filter((k) => !broken.has(k))).toContain("shell.signOut");
  });
});

describe("the language of a request", () => {
  it("is Indonesian unless the cookie names a language we have", () => {
    expect(defaultLocale).toBe("id");
    expect(toLocale("en")).toBe("en");
    expect(toLocale("id")).toBe("id");
    for (const unknown of ["fr", "EN", "", "en-US", undefined, null, 42, "../en"]) expect(toLocale(unknown)).toBe("id");
  });
});
