import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientIp, peerAddressHeader } from "@/lib/auth/client-ip";
import { captureLogs } from "../support/log-capture";

const preload = fileURLToPath(new URL("../../scripts/peer-address.cjs", import.meta.url));

describe("The client address: the TCP peer, or the entry the trusted proxies appended (docs/sign-in.md#client-address)", () => {
  const headers = (forwardedFor?: string) =>
    new Headers({ [peerAddressHeader]: "10.0.0.2", ...(forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor }) });

  it("with no proxy (hops 0) takes the connection's address and ignores X-Forwarded-For", () => {
    expect(clientIp(headers(), 0)).toBe("10.0.0.2");
    expect(clientIp(headers("203.0.113.5"), 0)).toBe("10.0.0.2");
  });

  it("behind one proxy takes the entry it appended: rotating the entries left of it changes nothing", () => {
    for (const sent of ["", "1.1.1.1, ", "1.1.1.1, 2.2.2.2, ", "unknown, ", "203.0.113.250,"]) {
      expect(clientIp(headers(`${sent}198.51.100.7`), 1)).toBe("198.51.100.7");
    }
  });

  it("behind n proxies takes the n-th entry from the right", () => {
    expect(clientIp(headers("1.1.1.1, 198.51.100.7, 10.0.0.8"), 2)).toBe("198.51.100.7");
    expect(clientIp(headers("1.1.1.1,198.51.100.7 , 10.0.0.8, 10.0.0.9"), 3)).toBe("198.51.100.7");
  });

  it("falls back to the connection when there are fewer entries than proxies", () => {
    expect(clientIp(headers(), 1)).toBe("10.0.0.2");
    expect(clientIp(headers("198.51.100.7"), 2)).toBe("10.0.0.2");
  });

  it("writes an IPv4 client seen by a dual-stack server as plain IPv4", () => {
    expect(clientIp(new Headers({ [peerAddressHeader]: "::ffff:198.51.100.7" }), 0)).toBe("198.51.100.7");
    expect(clientIp(new Headers({ [peerAddressHeader]: "2001:db8::7" }), 0)).toBe("2001:db8::7");
  });

  it("bounds the length, and says unknown (with one warning) when the preload is missing", () => {
    expect(clientIp(headers(`${"9".repeat(500)}`), 1)).toHaveLength(64);
    const logs = captureLogs();
    expect(clientIp(new Headers(), 0)).toBe("unknown");
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.5" }), 0)).toBe("unknown");
    logs.restore();
    expect(logs.lines().filter((line) => line.level === "warn")).toHaveLength(1);
  });
});

describe("scripts/peer-address.cjs stamps each request with its TCP peer", () => {
  let server: ChildProcess;
  let url: string;

  beforeAll(async () => {
    // A bare Node HTTP server that answers with the headers its handler saw, preloaded as npm start preloads next start.
    const code = `require("node:http").createServer((req, res) => res.end(JSON.stringify(req.headers))).listen(0, "127.0.0.1", function () { console.log(this.address().port); });`;
    server = spawn(process.execPath, ["-e", code], { env: { ...process.env, NODE_OPTIONS: `--require "${preload}"` }, stdio: ["ignore", "pipe", "inherit"] });
    const [port] = (await once(server.stdout!, "data")) as [Buffer];
    url = `http://127.0.0.1:${port.toString().trim()}/`;
  });

  afterAll(() => {
    server.kill();
  });

  it("replaces a forged x-peer-address, so that at hops 0 neither it nor X-Forwarded-For is believed", async () => {
    const response = await fetch(url, { headers: { "X-Peer-Address": "6.6.6.6", "X-Forwarded-For": "7.7.7.7" } });
    const seen = new Headers((await response.json()) as Record<string, string>);
    expect(seen.get(peerAddressHeader)).toBe("127.0.0.1");
    expect(clientIp(seen, 0)).toBe("127.0.0.1");
  });

  it("sets it on requests that sent none", async () => {
    const seen = new Headers((await (await fetch(url)).json()) as Record<string, string>);
    expect(clientIp(seen, 0)).toBe("127.0.0.1");
  });
});
