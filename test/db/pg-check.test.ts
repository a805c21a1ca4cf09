import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPostgres } from "@/db/pg/connect";
import { noPostgres, postgresUrl, postgresUrlWith } from "./pg-support";

// Issue 19, bad input: an unreachable or wrong-password PostgreSQL URL stops the start with one clear message.

/** A port on 127.0.0.1 that nothing listens on: taken from the system, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe("checkPostgres names what is wrong in one sentence, without the password", () => {
  let silent: Server;
  let silentPort: number;
  beforeAll(async () => {
    // Accepts connections and never answers, like a server hung or a proxy with nothing behind it. It reads what
    // comes, so it sees the client give up and close, and can itself close afterwards.
    silent = createServer((socket) => socket.resume());
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((done) => silent.close(done));
  });

  it("a port where no server listens", async () => {
    const port = await closedPort();
    const check = await checkPostgres(`postgres://app:s3cret-pass@127.0.0.1:${port}/payouts`);
    expect(check).toEqual({ ok: false, problem: `PostgreSQL at 127.0.0.1:${port} refused the connection: no server listens there.` });
  });

  it("a server that never answers, given up after the timeout", async () => {
    const started = Date.now();
    const check = await checkPostgres(`postgres://app:s3cret-pass@127.0.0.1:${silentPort}/payouts`, { timeoutMs: 300 });
    expect(check).toEqual({ ok: false, problem: `PostgreSQL at 127.0.0.1:${silentPort} did not answer within 0.3 seconds.` });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a host name that does not resolve", async () => {
    const check = await checkPostgres("postgres://app:s3cret-pass@db.cashin-payouts.invalid:5432/payouts");
    expect(check).toEqual({ ok: false, problem: "PostgreSQL host db.cashin-payouts.invalid was not found (DNS)." });
  });

  it("a URL that is not a PostgreSQL one", async () => {
    expect(await checkPostgres("file:data/app.db")).toEqual({
      ok: false,
      problem: "DATABASE_URL for PostgreSQL must start with postgres:// or postgresql://.",
    });
    expect((await checkPostgres("not a url at all")).ok).toBe(false);
  });

  describe.skipIf(noPostgres)("against the test server", () => {
    const where = () => new URL(postgresUrl).host;

    it("answers ok for the right URL", async () => {
      expect(await checkPostgres(postgresUrl)).toEqual({ ok: true });
    });

    it("a wrong password", async () => {
      const check = await checkPostgres(postgresUrlWith({ password: "not-the-password-42" }));
      expect(check).toEqual({
        ok: false,
        problem: `PostgreSQL at ${where()} refused the password for user "cashin_test" (or no such user exists).`,
      });
    });

    it("an unknown user, worded as a wrong password (the server does not tell which)", async () => {
      const check = await checkPostgres(postgresUrlWith({ user: "nobody_here", password: "not-the-password-42" }));
      expect(check).toEqual({
        ok: false,
        problem: `PostgreSQL at ${where()} refused the password for user "nobody_here" (or no such user exists).`,
      });
    });

    it("a database that does not exist", async () => {
      const check = await checkPostgres(postgresUrlWith({ database: "no_such_payouts" }));
      expect(check).toEqual({ ok: false, problem: `Database "no_such_payouts" does not exist on PostgreSQL at ${where()}.` });
    });

    it("never says the password, whatever went wrong", async () => {
      const password = decodeURIComponent(new URL(postgresUrl).password);
      const problems = await Promise.all([
        checkPostgres(postgresUrlWith({ database: "no_such_payouts" })),
        checkPostgres(postgresUrlWith({ user: "nobody_here" })),
        checkPostgres(postgresUrl.replace(/:\d+\//, `:${await closedPort()}/`)),
      ]);
      for (const check of problems) {
        expect(check.ok).toBe(false);
        if (!check.ok) expect(check.problem).not.toContain(password);
      }
    });
  });
});
