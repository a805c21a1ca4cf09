import { beforeEach, describe, expect, it } from "vitest";
import { batches, gatewayCalls, inquiries, loginAttempts, transfers, type TransferStatus } from "@/db/schema";
import type { ReconcilerActivity } from "@/lib/jobs";
import { createMetrics, metricsAccess, refuseScrape, type MetricsAccess } from "@/lib/ops/metrics";
import type { Readiness } from "@/lib/ops/readiness";
import { createTestDb, insertUser, type TestDb } from "../db";
import { sample } from "./prometheus-text";

const now = new Date("2026-06-01T03:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const minute = 60_000;

let db: TestDb;
let makerId: number;
let reference = 0;

async function seed() {
  db = await createTestDb();
  makerId = (await insertUser(db, { email: "staff@x.test", role: "staff" })).id;
}

async function insertTransfer(status: TransferStatus, { sentAt, createdAt = ago(60 * minute), batchId }: { sentAt?: Date; createdAt?: Date; batchId?: number } = {}) {
  reference++;
  const [inquiry] = await db
    .insert(inquiries)
    .values({ userId: makerId, wallet: "DANA", phone: "628123456789", amount: 50_000, reference: `INQ${reference}`, outcome: "found", ownerName: "Sari" })
    .returning();
  const [transfer] = await db
    .insert(transfers)
    .values({
      reference: `TRF${reference}`,
      wallet: "DANA",
      phone: "628123456789",
      amount: 50_000,
      ownerName: "Sari",
      status,
      makerId,
      inquiryId: inquiry!.id,
      batchId: batchId ?? null,
      sentAt: sentAt ?? null,
      createdAt,
    })
    .returning();
  return transfer!;
}

async function insertGatewayCall(call: "inquiry" | "topup" | "status", outcome: string, durationMs: number, transferId?: number) {
  await db
    .insert(gatewayCalls)
    .values({ transferId: transferId ?? null, call, path: "/v1.0/x", externalId: "1", attempt: 1, startedAt: now, durationMs, requestBody: "{}", outcome });
}

const allReady: Readiness["checks"] = { database: "ok", migrations: "ok", privateKey: "ok", reconciler: "ok", acceptingWork: "ok" };

function metricsOver(
  reconciler: ReconcilerActivity = { lastCompletedPassAt: new Date("2026-06-01T02:59:58Z"), passStartedAt: null },
  readiness: Readiness["checks"] = allReady,
) {
  return createMetrics({ db, now: () => now, reconciler: () => reconciler, readiness: () => readiness });
}

describe("SPEC §8.3: /api/metrics exposes the named series, read from the database at scrape time", () => {
  beforeEach(seed);

  it("counts transfers by status, every status present (0 when none)", async () => {
    await insertTransfer("succeeded");
    await insertTransfer("succeeded");
    await insertTransfer("failed");
    await insertTransfer("awaiting_approval");
    const text = await metricsOver().render();
    expect(text).toContain("# HELP cashin_payouts_transfers Transfers in the database by their current status.");
    expect(text).toContain("# TYPE cashin_payouts_transfers gauge");
    expect(sample(text, "cashin_payouts_transfers", { status: "succeeded" })).toBe(2);
    expect(sample(text, "cashin_payouts_transfers", { status: "failed" })).toBe(1);
    expect(sample(text, "cashin_payouts_transfers", { status: "awaiting_approval" })).toBe(1);
    expect(sample(text, "cashin_payouts_transfers", { status: "unresolved" })).toBe(0);
  });

  it("follows the database between scrapes", async () => {
    const metrics = metricsOver();
    await insertTransfer("processing", { sentAt: ago(minute) });
    expect(sample(await metrics.render(), "cashin_payouts_transfers", { status: "processing" })).toBe(1);
    await db.update(transfers).set({ status: "succeeded" });
    const text = await metrics.render();
    expect(sample(text, "cashin_payouts_transfers", { status: "processing" })).toBe(0);
    expect(sample(text, "cashin_payouts_transfers", { status: "succeeded" })).toBe(1);
  });

  it("gives the unsettled count and the age of the oldest one, from when it was sent", async () => {
    await insertTransfer("processing", { sentAt: ago(10 * minute) });
    await insertTransfer("sending", { sentAt: ago(2 * minute) });
    await insertTransfer("succeeded", { sentAt: ago(600 * minute) });
    const text = await metricsOver().render();
    expect(sample(text, "cashin_payouts_unsettled_transfers")).toBe(2);
    expect(sample(text, "cashin_payouts_oldest_unsettled_age_seconds")).toBe(600);
  });

  it("reports age 0 when nothing is unsettled", async () => {
    await insertTransfer("succeeded", { sentAt: ago(minute) });
    const text = await metricsOver().render();
    expect(sample(text, "cashin_payouts_unsettled_transfers")).toBe(0);
    expect(sample(text, "cashin_payouts_oldest_unsettled_age_seconds")).toBe(0);
  });

  it("counts the batch rows in flight: approved, sending or processing, not single transfers nor settled rows", async () => {
    const [batch] = await db.insert(batches).values({ reference: "B1", fileName: "payroll.csv", status: "sending", makerId }).returning();
    await insertTransfer("approved", { batchId: batch!.id });
    await insertTransfer("sending", { batchId: batch!.id, sentAt: ago(minute) });
    await insertTransfer("processing", { batchId: batch!.id, sentAt: ago(minute) });
    await insertTransfer("succeeded", { batchId: batch!.id, sentAt: ago(minute) });
    await insertTransfer("processing", { sentAt: ago(minute) });
    expect(sample(await metricsOver().render(), "cashin_payouts_batch_rows_in_flight")).toBe(3);
  });

  it("counts the failed and throttled sign-ins of the last hour", async () => {
    const attempt = async (outcome: "failure" | "throttled" | "success" | "pending", at: Date) => {
      await db.insert(loginAttempts).values({ email: "a@x.test", ip: "203.0.113.9", outcome, at });
    };
    await attempt("failure", ago(minute));
    await attempt("failure", ago(30 * minute));
    await attempt("failure", ago(59 * minute));
    await attempt("throttled", ago(2 * minute));
    await attempt("failure", ago(61 * minute));
    await attempt("success", ago(minute));
    await attempt("pending", ago(minute));
    const text = await metricsOver().render();
    expect(sample(text, "cashin_payouts_sign_in_failures_last_hour", { outcome: "failure" })).toBe(3);
    expect(sample(text, "cashin_payouts_sign_in_failures_last_hour", { outcome: "throttled" })).toBe(1);
  });

  it("gives the reconciler's last run in Unix seconds and how long a pass has been running", async () => {
    const idle = await metricsOver().render();
    expect(sample(idle, "cashin_payouts_reconciler_last_run_timestamp_seconds")).toBe(Date.parse("2026-06-01T02:59:58Z") / 1000);
    expect(sample(idle, "cashin_payouts_reconciler_pass_running_seconds")).toBe(0);
    const busy = await metricsOver({ lastCompletedPassAt: null, passStartedAt: ago(90_000) }).render();
    expect(sample(busy, "cashin_payouts_reconciler_last_run_timestamp_seconds")).toBe(0);
    expect(sample(busy, "cashin_payouts_reconciler_pass_running_seconds")).toBe(90);
  });

  it("gives each readiness check as 1 (passes) or 0 (fails)", async () => {
    const text = await metricsOver(undefined, { ...allReady, privateKey: "the Cash In private key file (CASHIN_PRIVATE_KEY_PATH) cannot be read" }).render();
    expect(sample(text, "cashin_payouts_ready", { check: "privateKey" })).toBe(0);
    expect(sample(text, "cashin_payouts_ready", { check: "database" })).toBe(1);
    expect(sample(text, "cashin_payouts_ready", { check: "acceptingWork" })).toBe(1);
  });

  it("counts gateway calls by service and outcome, with a latency histogram per service", async () => {
    const metrics = metricsOver();
    await insertGatewayCall("inquiry", "success", 80);
    await insertGatewayCall("inquiry", "success", 300);
    await insertGatewayCall("topup", "success", 700);
    await insertGatewayCall("status", "ambiguous", 15_000);
    await insertGatewayCall("status", "rejected", 40);
    const text = await metrics.render();
    expect(text).toContain("# TYPE cashin_payouts_gateway_calls_total counter");
    expect(text).toContain("# TYPE cashin_payouts_gateway_call_duration_seconds histogram");
    expect(sample(text, "cashin_payouts_gateway_calls_total", { service: "inquiry", outcome: "success" })).toBe(2);
    expect(sample(text, "cashin_payouts_gateway_calls_total", { service: "topup", outcome: "success" })).toBe(1);
    expect(sample(text, "cashin_payouts_gateway_calls_total", { service: "status", outcome: "ambiguous" })).toBe(1);
    expect(sample(text, "cashin_payouts_gateway_calls_total", { service: "status", outcome: "rejected" })).toBe(1);
    expect(sample(text, "cashin_payouts_gateway_calls_total", { service: "topup", outcome: "ambiguous" })).toBe(0);
    expect(sample(text, "cashin_payouts_gateway_call_duration_seconds_bucket", { service: "inquiry", le: "0.1" })).toBe(1);
    expect(sample(text, "cashin_payouts_gateway_call_duration_seconds_bucket", { service: "inquiry", le: "0.5" })).toBe(2);
    expect(sample(text, "cashin_payouts_gateway_call_duration_seconds_bucket", { service: "status", le: "10" })).toBe(1);
    expect(sample(text, "cashin_payouts_gateway_call_duration_seconds_bucket", { service: "status", le: "15" })).toBe(2);
    expect(sample(text, "cashin_payouts_gateway_call_duration_seconds_count", { service: "topup" })).toBe(1);
    expect(sample(text, "cashin_payouts_gateway_call_duration_seconds_sum", { service: "topup" })).toBeCloseTo(0.7);
  });

  it("adds each gateway call once: later scrapes add only what is new, and calls made before the first scrape start the counters at zero", async () => {
    await insertGatewayCall("topup", "success", 500);
    const metrics = metricsOver();
    expect(sample(await metrics.render(), "cashin_payouts_gateway_calls_total", { service: "topup", outcome: "success" })).toBe(0);
    await insertGatewayCall("topup", "success", 500);
    expect(sample(await metrics.render(), "cashin_payouts_gateway_calls_total", { service: "topup", outcome: "success" })).toBe(1);
    expect(sample(await metrics.render(), "cashin_payouts_gateway_calls_total", { service: "topup", outcome: "success" })).toBe(1);
    await insertGatewayCall("topup", "in_progress", 500);
    const text = await metrics.render();
    expect(sample(text, "cashin_payouts_gateway_calls_total", { service: "topup", outcome: "success" })).toBe(1);
    expect(sample(text, "cashin_payouts_gateway_calls_total", { service: "topup", outcome: "in_progress" })).toBe(1);
  });

  it("names every series with the cashin_payouts_ prefix and a HELP text", async () => {
    const text = await metricsOver().render();
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
    expect(names).toEqual([
      "cashin_payouts_transfers",
      "cashin_payouts_gateway_calls_total",
      "cashin_payouts_gateway_call_duration_seconds",
      "cashin_payouts_unsettled_transfers",
      "cashin_payouts_oldest_unsettled_age_seconds",
      "cashin_payouts_batch_rows_in_flight",
      "cashin_payouts_sign_in_failures_last_hour",
      "cashin_payouts_reconciler_last_run_timestamp_seconds",
      "cashin_payouts_reconciler_pass_running_seconds",
      "cashin_payouts_ready",
    ]);
    for (const name of names) expect(text).toMatch(new RegExp(`^# HELP ${name} [A-Z].{20,}$`, "m"));
  });
});

describe("SPEC §8.3: /api/metrics only with Authorization: Bearer $METRICS_TOKEN", () => {
  const token = "0123456789abcdef0123456789abcdef-metrics";
  const on: MetricsAccess = { state: "on", token };

  it("lets the right token in, whatever the scheme's case", () => {
    expect(refuseScrape(`Bearer ${token}`, on)).toBeNull();
    expect(refuseScrape(`bearer ${token}`, on)).toBeNull();
  });

  it("refuses a scrape without the header", () => {
    expect(refuseScrape(null, on)).toEqual({ status: 401, message: "Missing Authorization header: send Authorization: Bearer <METRICS_TOKEN>." });
  });

  it("refuses a wrong token, one a character short or long, and an empty one", () => {
    for (const wrong of ["0123456789abcdef0123456789abcdef-metricz", token.slice(0, -1), `${token}x`, "x"]) {
      expect(refuseScrape(`Bearer ${wrong}`, on)).toEqual({ status: 401, message: "Wrong metrics token." });
    }
    expect(refuseScrape("Bearer", on)?.status).toBe(401);
    expect(refuseScrape("Bearer ", on)?.status).toBe(401);
  });

  it("refuses the right token under another scheme", () => {
    for (const header of [`Basic ${token}`, `Token ${token}`, token, `Bearer ${token} extra`]) {
      expect(refuseScrape(header, on)).toEqual({ status: 401, message: "Wrong Authorization scheme: send Authorization: Bearer <METRICS_TOKEN>." });
    }
  });

  it("never echoes the token or what was sent", () => {
    for (const header of [null, "Bearer nope", `Basic ${token}`]) expect(JSON.stringify(refuseScrape(header, on))).not.toContain(token);
    expect(JSON.stringify(refuseScrape("Bearer guessed-token-value", on))).not.toContain("guessed");
  });

  it("is off (404) while METRICS_TOKEN is unset or empty", () => {
    for (const source of [{}, { METRICS_TOKEN: "" }]) {
      expect(metricsAccess(source)).toEqual({ state: "off" });
      expect(refuseScrape(`Bearer ${token}`, metricsAccess(source))).toEqual({
        status: 404,
        message: "Metrics are off: set METRICS_TOKEN (at least 32 random characters) on the server to turn them on.",
      });
    }
  });

  it("refuses every scrape (500) while METRICS_TOKEN is too short or holds spaces, so a weak token never guards anything", () => {
    const short = metricsAccess({ METRICS_TOKEN: "short-token" });
    expect(short).toEqual({ state: "misconfigured", problem: "METRICS_TOKEN is too short: use at least 32 random characters (e.g. openssl rand -hex 32)" });
    expect(refuseScrape("Bearer short-token", short)).toEqual({
      status: 500,
      message: "Metrics are off until the server's configuration is fixed: METRICS_TOKEN is too short: use at least 32 random characters (e.g. openssl rand -hex 32).",
    });
    expect(metricsAccess({ METRICS_TOKEN: "0123456789abcdef 0123456789abcdef" }).state).toBe("misconfigured");
    expect(metricsAccess({ METRICS_TOKEN: token })).toEqual({ state: "on", token });
  });
});
