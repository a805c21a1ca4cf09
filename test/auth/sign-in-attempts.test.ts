import { beforeAll, describe, expect, it } from "vitest";
import { loginAttempts } from "@/db/schema";
import { listFailedSignIns, parseSignInFilters } from "@/lib/auth/sign-in-attempts";
import { createTestDb, type TestDb } from "../db";

const minute = 60_000;
const now = new Date("2026-11-25T03:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);

describe("The Sign-ins page groups failed and refused sign-ins per e-mail, address and minute (docs/sign-in.md#watching-sign-ins)", () => {
  let db: TestDb;
  const attempt = (email: string, ip: string, outcome: "pending" | "success" | "failure" | "throttled", at: Date) =>
    db.insert(loginAttempts).values({ email, ip, outcome, at });
  beforeAll(async () => {
    db = await createTestDb();
    await attempt("sari@x.test", "10.0.0.1", "failure", ago(5 * minute + 50_000));
    await attempt("sari@x.test", "10.0.0.1", "failure", ago(5 * minute + 40_000));
    await attempt("sari@x.test", "10.0.0.1", "throttled", ago(5 * minute + 30_000));
    await attempt("sari@x.test", "10.0.0.2", "failure", ago(5 * minute + 20_000));
    await attempt("sari@x.test", "10.0.0.1", "success", ago(4 * minute));
    await attempt("budi@x.test", "10.0.0.1", "failure", ago(2 * minute));
    await attempt("budi@x.test", "10.0.0.1", "pending", ago(1000));
    await attempt("100%_sure@x.test", "10.0.0.3", "failure", ago(3 * minute));
    await attempt("old@x.test", "10.0.0.4", "failure", ago(8 * 24 * 60 * minute));
  });

  it("lists each group once with its counts, newest minute first, without successes, running attempts or attempts older than 7 days", async () => {
    expect(await listFailedSignIns(db, parseSignInFilters({}), now)).toEqual([
      { email: "budi@x.test", ip: "10.0.0.1", minute: new Date(Math.floor(ago(2 * minute).getTime() / minute) * minute), failures: 1, throttled: 0 },
      { email: "100%_sure@x.test", ip: "10.0.0.3", minute: new Date(Math.floor(ago(3 * minute).getTime() / minute) * minute), failures: 1, throttled: 0 },
      { email: "sari@x.test", ip: "10.0.0.2", minute: new Date(Math.floor(ago(6 * minute).getTime() / minute) * minute), failures: 1, throttled: 0 },
      { email: "sari@x.test", ip: "10.0.0.1", minute: new Date(Math.floor(ago(6 * minute).getTime() / minute) * minute), failures: 2, throttled: 1 },
    ]);
  });

  it("filters by any part of the e-mail, in any case, reading % and _ as themselves", async () => {
    expect((await listFailedSignIns(db, parseSignInFilters({ email: " SARI@ " }), now)).map((g) => g.ip)).toEqual(["10.0.0.2", "10.0.0.1"]);
    expect((await listFailedSignIns(db, parseSignInFilters({ email: "%_" }), now)).map((g) => g.email)).toEqual(["100%_sure@x.test"]);
    expect((await listFailedSignIns(db, parseSignInFilters({ email: ["budi", "sari"] }), now)).map((g) => g.email)).toEqual(["budi@x.test"]);
    expect(parseSignInFilters({ email: "x".repeat(300) })).toEqual({ email: undefined });
  });
});
