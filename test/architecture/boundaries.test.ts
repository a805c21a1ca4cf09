import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * docs/architecture.md: dependencies point one way, app → components → lib → db. The lint rule that keeps
 * them so (eslint.config.mjs) is tried here on imports written the wrong way and the right way.
 */

const root = fileURLToPath(new URL("../../", import.meta.url));
// The example files do not exist, so the type checker cannot see them: the rules that need it are off here.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { "@typescript-eslint/no-floating-promises": "off", "@typescript-eslint/no-misused-promises": "off" },
  },
});

async function restricted(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = x;\n`, { filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("Dependencies point one way: app → components → lib → db", () => {
  it.each([
    ["db/queries/example.ts", 'import { x } from "@/lib/transfers/status";'],
    ["db/queries/example.ts", 'import { x } from "@/app/(app)/transfers/actions";'],
    ["lib/transfers/example.ts", 'import { x } from "@/lib/batches/runner";'],
    ["lib/audit/example.ts", 'import { x } from "@/app/(app)/admin/audit/actions";'],
    ["lib/auth/example.ts", 'import { x } from "@/components/server-actions";'],
    ["lib/cashin/example.ts", 'import { x } from "@/db/client";'],
    ["lib/cashin/example.ts", 'import { x } from "@/lib/transfers/send";'],
    ["components/transfers/example.tsx", 'import { x } from "@/app/(app)/transfers/actions";'],
    ["components/transfers/example.tsx", 'import { x } from "@/db/schema";'],
  ])("refuses, in %s: %s", async (filePath, source) => {
    expect(await restricted(filePath, source)).toHaveLength(1);
  });

  it.each([
    ["app/(app)/transfers/example.tsx", 'import { x } from "@/components/server-actions";'],
    ["components/transfers/example.tsx", 'import { x } from "@/lib/transfers/status";'],
    ["lib/batches/example.ts", 'import { x } from "@/lib/transfers/send";'],
    ["lib/transfers/example.ts", 'import { x } from "@/db/schema";'],
    ["lib/cashin/example.ts", 'import { x } from "@/db/schema";'],
    ["db/client-example.ts", 'import { x } from "@/lib/env";'],
  ])("allows, in %s: %s", async (filePath, source) => {
    expect(await restricted(filePath, source)).toEqual([]);
  });
});
