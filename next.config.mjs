import createNextIntlPlugin from "next-intl/plugin";

/** The interface's languages (docs/language.md): next-intl reads its per-request configuration here. */
const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/** @type {import('next').NextConfig} */
const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  // Production is served over HTTPS only (SECURITY.md): browsers must never fall back to plain HTTP. Not in
  // development, where a browser would remember it for localhost and refuse every plain-HTTP dev server.
  ...(process.env.NODE_ENV === "production" ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }] : []),
];

const nextConfig = {
  // `npm test` type-checks the whole project with `tsc --noEmit` just before it builds: it sets this so the build does
  // not check the same files a second time (about half a minute of a 2-core machine). Every other build checks them.
  typescript: { ignoreBuildErrors: process.env.BUILD_TYPES_CHECKED === "1" },
  // `node .next/standalone/server.js`: the server with only the files it needs, as the Docker image runs it
  // (docs/deploying.md). `next start` keeps working for the demo and the tests.
  output: "standalone",
  // The standalone server reads the migrations and preloads the client-address helper from its own folder;
  // nothing else of the project (above all not data/, where the demo keeps its secrets and keys) goes with it.
  outputFileTracingIncludes: { "/**": ["./drizzle/**/*", "./scripts/peer-address.cjs"] },
  outputFileTracingExcludes: {
    "/**": [
      "./data/**",
      "./e2e/**",
      "./test/**",
      "./bench/**",
      "./docs/**",
      "./reports/**",
      "./test-results/**",
      "./*.md",
      "./app/**",
      "./components/**",
      "./lib/**",
      "./db/**",
      "./types/**",
      "./scripts/*.ts",
      "./scripts/*.sh",
      "./*.config.*",
      "./tsconfig*",
      "./package-lock.json",
      "./proxy.ts",
      "./instrumentation*.ts",
    ],
  },
  poweredByHeader: false,
  reactStrictMode: true,
  // better-sqlite3 and argon2 are native modules: load them from node_modules, never bundle them.
  serverExternalPackages: ["better-sqlite3", "@node-rs/argon2"],
  experimental: {
    // Enables forbidden(): pages refuse a signed-in user of the wrong role with a real 403.
    authInterrupts: true,
    // A batch file is at most 5 MB (lib/batches/parse.ts); the upload action gets a little room for the form around it.
    serverActions: { bodySizeLimit: "6mb" },
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default withNextIntl(nextConfig);
