import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * docs/architecture.md: every server action goes through `authorizedAction` (session → user re-read →
 * role → zod → the domain call), so none can forget a check; the sign-in steps (code, own password,
 * enrolment) go through `signInStepAction`, its sibling for sessions not yet complete. Read from the source:
 * a "use server" file may export nothing else, but for the actions that start or end sessions, named here.
 */

const root = fileURLToPath(new URL("../../", import.meta.url));
const unwrappedOnPurpose = new Set([
  "app/login/actions.ts#signInAction",
  "app/login/actions.ts#signOutAction",
  // The sign-in pages' language switcher: no session, sets only the `locale` cookie (docs/language.md#choosing-the-language).
  "app/login/actions.ts#chooseSignInLanguageAction",
  "app/(app)/account/actions.ts#signOutEverywhereAction",
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Each export of a source text: its name and whether it is `export const name = authorizedAction(` (or `signInStepAction(`). */
function exportsOf(source: string): { name: string; wrapped: boolean }[] {
  return [...source.matchAll(/^export\s+(?:async\s+)?(?:const|let|var|function|class)\s+(\w+)(\s*=\s*(?:authorizedAction|signInStepAction)\s*\()?/gm)].map((m) => ({
    name: m[1]!,
    wrapped: m[2] !== undefined,
  }))
    .concat([...source.matchAll(/^export\s*\{([^}]*)\}/gm)].flatMap((m) => m[1]!.split(",").map((name) => ({ name: name.trim(), wrapped: false }))))
    .concat([...source.matchAll(/^export\s+default\b/gm)].map(() => ({ name: "default", wrapped: false })));
}

const serverActionFiles = sourceFiles(join(root, "app"))
  .map((path) => ({ path: relative(root, path), source: readFileSync(path, "utf8") }))
  .filter(({ source }) => /^\s*["']use server["']/.test(source));

describe("Every server action is wrapped by authorizedAction", () => {
  it("finds the app's server-action files", () => {
    expect(serverActionFiles.map((f) => f.path)).toEqual(expect.arrayContaining(["app/(app)/transfers/actions.ts", "app/(app)/batches/actions.ts", "app/login/actions.ts"]));
  });

  it("each export of a \"use server\" file is authorizedAction(…) or signInStepAction(…), but for sign-in and sign-out", () => {
    const unwrapped = serverActionFiles.flatMap(({ path, source }) => exportsOf(source).filter((e) => !e.wrapped).map((e) => `${path}#${e.name}`));
    expect(unwrapped.filter((name) => !unwrappedOnPurpose.has(name))).toEqual([]);
    expect(unwrapped.sort()).toEqual([...unwrappedOnPurpose].sort());
  });

  it("tells a wrapped export from one that is not", () => {
    expect(exportsOf('export const a = authorizedAction({ name: "x" }, run);\nexport async function b() {}\nexport const c = async () => 1;\nexport { d };\nexport const e = signInStepAction({}, run);')).toEqual([
      { name: "a", wrapped: true },
      { name: "b", wrapped: false },
      { name: "c", wrapped: false },
      { name: "e", wrapped: true },
      { name: "d", wrapped: false },
    ]);
  });
});
