import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDemoKey } from "@/lib/cashin/demo-key";
import type { MockGateway } from "@/lib/cashin/mock/server";
import { CHANNEL_ID, PARTNER_ID, PRIVATE_KEY_PATH, PUBLIC_KEY_PATH, newReference, otherKeyPair, startTestGateway } from "./support";
import { runScript as runScriptAsPerson } from "../support/run-script";

/** The scripts as a user runs them: separate processes, configured through the environment only. */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = join(ROOT, "node_modules/.bin/tsx");

// The CLIs these tests run need no react-server condition (they import no server-only module).
const runScript = (script: string, args: string[], env: Record<string, string>) => runScriptAsPerson(script, args, env, { reactServer: false });

let gateway: MockGateway;
let cliEnv: Record<string, string>;
beforeAll(async () => {
  gateway = await startTestGateway();
  cliEnv = {
    CASHIN_BASE_URL: gateway.baseUrl,
    CASHIN_PARTNER_ID: PARTNER_ID,
    CASHIN_CHANNEL_ID: CHANNEL_ID,
    CASHIN_PRIVATE_KEY_PATH: PRIVATE_KEY_PATH,
    CASHIN_TIMEOUT_MS: "3000",
  };
});
afterAll(() => gateway.close());

const cashin = (args: string[], env: Record<string, string> = {}) => runScript("cashin.ts", args, { ...cliEnv, ...env });

describe("issue 3 §3 ops CLI: one gateway call, its JSON answer, exit 0 only on a success code", () => {
  it("--help explains the commands, options, environment and exit codes", async () => {
    const run = await cashin(["--help"]);
    expect(run.code).toBe(0);
    for (const text of ["inquiry", "topup", "status", "--wallet", "--ref", "CASHIN_BASE_URL", "Exit codes"]) expect(run.stdout).toContain(text);
  });

  it("inquiry prints the gateway's JSON and the owner's name, exit 0", async () => {
    const run = await cashin(["inquiry", "--wallet", "DANA", "--phone", "081234567890", "--amount", "10000"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ responseCode: "2003700", customerName: "John" });
    expect(run.stderr).toContain("Wallet owner: John");
    expect(run.stderr).toContain("62812****7890");
  });

  it("topup then status of the same reference, both exit 0", async () => {
    const ref = newReference("CLI");
    const topup = await cashin(["topup", "--wallet", "OVO", "--phone", "+62 811-1000-001", "--amount", "25000", "--ref", ref]);
    expect(topup.code).toBe(0);
    expect(JSON.parse(topup.stdout)).toMatchObject({ responseCode: "2003800" });
    const status = await cashin(["status", "--ref", ref]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ responseCode: "2003900", latestTransactionStatus: "00" });
    expect(status.stderr).toContain("00 Success");
  });

  it("a top-up in progress exits 3 and says how to follow it", async () => {
    const ref = newReference("CLI");
    const run = await cashin(["topup", "--wallet", "GOPAY", "--phone", "0811-1000-002", "--amount", "10000", "--ref", ref]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`status --ref ${ref}`);
  });

  it("a refusal exits 1 with the reason in words", async () => {
    const run = await cashin(["inquiry", "--wallet", "DANA", "--phone", "0811-1000-003", "--amount", "10000"]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ responseCode: "4043711" });
    expect(run.stderr).toContain("No e-wallet account exists for this phone number");
  });

  it("credentials the gateway does not accept exit 1 and point at the configuration", async () => {
    const stranger = await startTestGateway({ publicKey: otherKeyPair().publicKey });
    try {
      const run = await cashin(["status", "--ref", "REF1"], { CASHIN_BASE_URL: stranger.baseUrl });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/refused our credentials.*CASHIN_PARTNER_ID/);
    } finally {
      await stranger.close();
    }
  });

  it.each([
    [["topup", "--wallet", "DANA", "--phone", "081234567890", "--amount", "10000"], /topup needs --ref/],
    [["inquiry", "--wallet", "LINKAJA", "--phone", "081234567890", "--amount", "10000"], /Unknown wallet "LINKAJA"/],
    [["inquiry", "--wallet", "DANA", "--phone", "021555", "--amount", "10000"], /--phone: .*08/],
    [["inquiry", "--wallet", "DANA", "--phone", "081234567890", "--amount", "10.5"], /--amount: .*whole/],
    [["refund", "--ref", "X"], /Unknown command "refund"/],
    [["status", "--ref", "X", "--verbose"], /Unknown option '--verbose'/],
  ])("wrong usage %j exits 2 with a readable message", async (args, message) => {
    const run = await cashin(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("a public key given as the private key exits 2 and names the variable", async () => {
    const run = await cashin(["status", "--ref", "X"], { CASHIN_PRIVATE_KEY_PATH: PUBLIC_KEY_PATH });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/CASHIN_PRIVATE_KEY_PATH: .* is a public key/);
  });

  it("a bad variable exits 2 with one line per problem", async () => {
    const run = await cashin(["status", "--ref", "X"], { CASHIN_CHANNEL_ID: "abcdef", CASHIN_TIMEOUT_MS: "soon" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/CASHIN_CHANNEL_ID must be digits/);
    expect(run.stderr).toMatch(/CASHIN_TIMEOUT_MS must be a positive whole number/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe("issue 3 §2 npm run mock-gateway: its own process on MOCK_GATEWAY_PORT", () => {
  it("serves health, the CLI's calls and, with MOCK_GATEWAY_CONTROL=1, the control endpoints; stops on SIGTERM", async () => {
    const port = await freePort();
    const child = spawn(TSX, [join(ROOT, "scripts/mock-gateway.ts")], {
      cwd: ROOT,
      env: {
        ...process.env,
        MOCK_GATEWAY_PORT: String(port),
        MOCK_GATEWAY_CONTROL: "1",
        MOCK_GATEWAY_SLOW_MS: "500",
        MOCK_LATE_VISIBILITY_MS: "1500",
        CASHIN_PARTNER_ID: PARTNER_ID,
        CASHIN_CHANNEL_ID: CHANNEL_ID,
        CASHIN_PUBLIC_KEY_PATH: PUBLIC_KEY_PATH,
      },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      // The banner is several console.log calls: they may reach the pipe as separate chunks, so wait for its last line.
      await expect.poll(() => output, { timeout: 10_000 }).toContain("late wallet 628111000010");
      expect(output).toContain("Mock Cash In gateway on");
      expect(output).toContain("slow wallet 628111000005 answers after 500 ms");
      expect(output).toContain("late wallet 628111000010 shows its top-up after 1500 ms");
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).json()).toMatchObject({ status: "ok", control: true });

      const run = await cashin(["inquiry", "--wallet", "DANA", "--phone", "081234567890", "--amount", "10000", "--ref", "REF-SCRIPT-1"], {
        CASHIN_BASE_URL: `http://127.0.0.1:${port}/pg/fo`,
      });
      expect(run.code).toBe(0);
      await expect.poll(() => output).toContain("inquiry ref=REF-SCRIPT-1");
      expect(output).not.toContain("6281234567890");

      const requests = (await (await fetch(`http://127.0.0.1:${port}/__control/requests`)).json()) as { requests: unknown[] };
      expect(requests.requests).toHaveLength(1);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("names a bad MOCK_LATE_VISIBILITY_MS instead of starting", async () => {
    const run = await runScript("mock-gateway.ts", [], { CASHIN_PUBLIC_KEY_PATH: PUBLIC_KEY_PATH, MOCK_LATE_VISIBILITY_MS: "20m", MOCK_GATEWAY_PORT: "1" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/MOCK_LATE_VISIBILITY_MS must be a whole number of milliseconds, got "20m"/);
  });

  it("explains a missing public key instead of crashing", async () => {
    const run = await runScript("mock-gateway.ts", [], { CASHIN_PUBLIC_KEY_PATH: "/nonexistent/merchant-public.pem", MOCK_GATEWAY_PORT: "1" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/CASHIN_PUBLIC_KEY_PATH: no key file.*keys:generate/);
  });
});

describe("issue 3 §2 npm run keys:generate: a demo RSA 2048 pair, only where absent", () => {
  it("writes the pair with a private mode, then leaves it alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cashin-keygen-"));
    const env = {
      CASHIN_PRIVATE_KEY_PATH: join(dir, "keys/merchant-private.pem"),
      CASHIN_PUBLIC_KEY_PATH: join(dir, "keys/merchant-public.pem"),
    };
    const first = await runScript("keys-generate.ts", [], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Wrote a demo RSA 2048 key pair/);
    expect(statSync(env.CASHIN_PRIVATE_KEY_PATH).mode & 0o777).toBe(0o600);
    const privatePem = readFileSync(env.CASHIN_PRIVATE_KEY_PATH, "utf8");
    expect(privatePem).toContain("PRIVATE KEY-----");
    // Marked as the demo's, which production start refuses (docs/production.md#production-mode).
    expect(isDemoKey(privatePem)).toBe(true);
    const keyLines = privatePem.split("\n");
    expect(first.stdout).not.toContain(keyLines[keyLines.indexOf(`-----BEGIN ${"PRIVATE"} KEY-----`) + 1]);

    const second = await runScript("keys-generate.ts", [], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already present.*nothing to do/);
    expect(readFileSync(env.CASHIN_PRIVATE_KEY_PATH, "utf8")).toBe(privatePem);
  });

  it("refuses a public key that does not belong to the private key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cashin-keygen-"));
    const publicPath = join(dir, "public.pem");
    writeFileSync(publicPath, otherKeyPair().publicKey.export({ type: "spki", format: "pem" }).toString());
    const run = await runScript("keys-generate.ts", [], { CASHIN_PRIVATE_KEY_PATH: PRIVATE_KEY_PATH, CASHIN_PUBLIC_KEY_PATH: publicPath });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not the public key of/);
  });
});
