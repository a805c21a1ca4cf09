import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// TEMPORARY while issue 15 is under way: files whose words are not yet in messages/*.json.
const untranslated = [
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", "node_modules/**", "data/**", "test-results/**", "playwright-report/**", "reports/**", "next-env.d.ts"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": ["error", { allow: ["warn", "error", "info"] }],
    },
  },
  // Every promise is awaited or handed on: a write whose promise is dropped would run after its transaction ended,
  // outside it (docs/postgresql.md#one-code-path), and its failure would go unseen. Needs the type checker.
  {
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["*.config.*", "next-env.d.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
    },
  },
  // One domain code path for SQLite and PostgreSQL (docs/postgresql.md#one-code-path): queries are awaited builders.
  // `.get()`, `.all()` and `.run()` without arguments exist only on SQLite's builders (and run synchronously there).
  // The SQLite-specific statements (prepared once per connection, raw SQL) take their values as an argument.
  {
    files: ["lib/**/*.ts", "app/**/*.ts", "app/**/*.tsx"],
    ignores: ["lib/ops/backup.ts", "lib/dashboard/figures-worker.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[arguments.length=0][callee.type='MemberExpression'][callee.property.name=/^(get|all|run)$/]",
          message: "SQLite-only and synchronous: await the query instead (await q, await first(q.limit(1))), docs/postgresql.md#one-code-path.",
        },
      ],
    },
  },
  // Dependencies point one way, app → components → lib → db (docs/architecture.md): each layer may not
  // import the ones above it. A wrong-way import fails the lint.
  {
    files: ["db/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/app/*", "@/components/*"], message: "db/ is the bottom layer: it imports only the schema, the client and drizzle." },
            // The environment (DATABASE_URL) is configuration, below every layer.
            { group: ["@/lib/*", "!@/lib/env"], message: "db/ is the bottom layer: a query that needs lib/ belongs in lib/." },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["@/app/*", "@/components/*"], message: "lib/ is below app/ and components/: hand it what it needs instead." }] }],
    },
  },
  {
    files: ["lib/transfers/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/app/*", "@/components/*"], message: "lib/ is below app/ and components/: hand it what it needs instead." },
            { group: ["@/lib/batches/*"], message: "Transfers know nothing of batches: background work is wired in lib/jobs.ts." },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/cashin/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/app/*", "@/components/*"], message: "lib/ is below app/ and components/: hand it what it needs instead." },
            { group: ["@/db/*", "!@/db/schema"], message: "The gateway module never touches the database (it may read the schema's wallet list)." },
            { group: ["@/lib/*", "!@/lib/cashin/*", "!@/lib/env", "!@/lib/format", "!@/lib/jakarta", "!@/lib/i18n", "@/lib/i18n/*", "!@/lib/i18n/translate"], message: "The gateway module stands alone: the domain calls it, not the other way round (it may word its messages through lib/i18n/translate)." },
          ],
        },
      ],
    },
  },
  {
    files: ["components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/app/*"], message: "Components get server actions from useServerActions() or as props, never from app/." },
            { group: ["@/db/*"], message: "Components take types and lists from lib/, not from db/." },
          ],
        },
      ],
    },
  },
  // Every word a person reads comes from messages/*.json (docs/language.md): a string literal in JSX text
  // fails the lint. Punctuation and symbols that read the same in both languages are allowed.
  {
    files: ["app/**/*.tsx", "components/**/*.tsx"],
    ignores: untranslated,
    rules: {
      "react/jsx-no-literals": [
        "error",
        {
          noStrings: true,
          ignoreProps: true,
          allowedStrings: ["·", "—", "–", "…", "/", ":", "(", ")", "%", "×", "+", "-", "•", "|", "→", "←", "*", ",", ".", "Rp", "CI", "WIB", "#"],
        },
      ],
    },
  },
  {
    // Command-line tools talk to a person on stdout.
    files: ["scripts/**", "bench/**", "e2e/**", "lib/cashin/mock/**"],
    rules: { "no-console": "off" },
  },
  {
    // Playwright fixtures call `use(...)`, which is not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
];

export default config;
