import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { and, asc, count, gt, gte, inArray, isNotNull, max, sql } from "drizzle-orm";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { db as appDb, first, type Db } from "@/db/client";
import { gatewayCalls, loginAttempts, transfers, transferStatuses, type TransferStatus } from "@/db/schema";
import type { GatewayCallRecord } from "@/lib/cashin/client";
import { backgroundActivity } from "@/lib/background";
import type { ReconcilerActivity } from "@/lib/jobs";
import { readinessOfThisProcess, type Readiness } from "@/lib/ops/readiness";
import { unsettledAtGateway } from "@/lib/transfers/status";

/**
 * `GET /api/metrics` (docs/monitoring.md#get-apimetrics): Prometheus text from a registry of our own, read
 * from the database at scrape time, so the numbers are the database's truth whichever process wrote them.
 */

// ---- Access: Authorization: Bearer $METRICS_TOKEN ----

export const metricsTokenMinLength = 32;

/** Whether metrics are served: off without METRICS_TOKEN, refused altogether while the token is unusable. */
export type MetricsAccess = { state: "off" } | { state: "misconfigured"; problem: string } | { state: "on"; token: string };

export function metricsAccess(source: Record<string, string | undefined> = process.env): MetricsAccess {
  const token = source.METRICS_TOKEN;
  if (token === undefined || token === "") return { state: "off" };
  if (!/^[\x21-\x7e]+$/.test(token)) {
    return { state: "misconfigured", problem: "METRICS_TOKEN may hold only printable characters without spaces (e.g. the output of openssl rand -hex 32)" };
  }
  if (token.length < metricsTokenMinLength) {
    return { state: "misconfigured", problem: `METRICS_TOKEN is too short: use at least ${metricsTokenMinLength} random characters (e.g. openssl rand -hex 32)` };
  }
  return { state: "on", token };
}

export type ScrapeRefusal = { status: 401 | 404 | 500; message: string };

/**
 * Checks a scrape's Authorization header; null when it may read the metrics. The token is compared in
 * constant time (both sides hashed to the same length first) and never logged or echoed.
 */
export function refuseScrape(authorization: string | null, access: MetricsAccess = metricsAccess()): ScrapeRefusal | null {
  if (access.state === "off") {
    return { status: 404, message: "Metrics are off: set METRICS_TOKEN (at least 32 random characters) on the server to turn them on." };
  }
  if (access.state === "misconfigured") return { status: 500, message: `Metrics are off until the server's configuration is fixed: ${access.problem}.` };
  if (!authorization) return { status: 401, message: "Missing Authorization header: send Authorization: Bearer <METRICS_TOKEN>." };
  const [scheme, credentials, ...rest] = authorization.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== "bearer" || !credentials || rest.length > 0) {
    return { status: 401, message: "Wrong Authorization scheme: send Authorization: Bearer <METRICS_TOKEN>." };
  }
  const digest = (value: string) => createHash("sha256").update(value).digest();
  if (!timingSafeEqual(digest(credentials), digest(access.token))) return { status: 401, message: "Wrong metrics token." };
  return null;
}

// ---- The series ----

const services = gatewayCalls.call.enumValues;
const outcomes = ["success", "in_progress", "rejected", "ambiguous"] as const satisfies readonly GatewayCallRecord["outcome"][];
/** Rows of a batch that were approved and are not settled yet: waiting for the runner, at Cash In, or being checked. */
const batchRowsInFlight = ["approved", "sending", "processing"] as const satisfies readonly TransferStatus[];
const signInFailureOutcomes = ["failure", "throttled"] as const;
const signInWindowMs = 60 * 60_000;
/** At most this many new gateway calls are read per scrape; more wait for the next one. */
const gatewayCallsPerScrape = 50_000;

export type MetricsSource = { db: Db; now: () => Date; reconciler: () => ReconcilerActivity | Promise<ReconcilerActivity>; readiness: () => Readiness["checks"] | Promise<Readiness["checks"]> };

export type Metrics = { contentType: string; render(): Promise<string> };

/**
 * Gauges are counted afresh at each scrape. The gateway counter and histogram are real Prometheus
 * counters: each scrape adds the gateway_calls rows written since the previous one (read by id, so a
 * scrape costs what was new, not the whole table); they start at zero when this is created, which
 * Prometheus reads as a counter reset, as after any restart.
 */
export function createMetrics(source: MetricsSource, { processMetrics = false }: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (processMetrics) collectDefaultMetrics({ register: registry });

  const transfersByStatus = new Gauge({
    name: "cashin_payouts_transfers",
    help: "Transfers in the database by their current status.",
    labelNames: ["status"] as const,
    registers,
  });
  const gatewayCallCount = new Counter({
    name: "cashin_payouts_gateway_calls_total",
    help: "HTTP requests made to Cash In by service (inquiry, topup, status) and outcome (success, in_progress, rejected, ambiguous: timeout, network error, 5xx or unreadable answer).",
    labelNames: ["service", "outcome"] as const,
    registers,
  });
  const gatewayCallSeconds = new Histogram({
    name: "cashin_payouts_gateway_call_duration_seconds",
    help: "How long one HTTP request to Cash In took, by service, timeouts included.",
    labelNames: ["service"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60],
    registers,
  });
  const unsettled = new Gauge({
    name: "cashin_payouts_unsettled_transfers",
    help: "Transfers whose outcome at Cash In is still open (sending or processing).",
    registers,
  });
  const oldestUnsettled = new Gauge({
    name: "cashin_payouts_oldest_unsettled_age_seconds",
    help: "Seconds since the oldest unsettled transfer was sent to Cash In; 0 when none is unsettled.",
    registers,
  });
  const batchRows = new Gauge({
    name: "cashin_payouts_batch_rows_in_flight",
    help: "Rows of batch payouts approved for sending and not settled yet (approved, sending or processing).",
    registers,
  });
  const signInFailures = new Gauge({
    name: "cashin_payouts_sign_in_failures_last_hour",
    help: "Sign-in attempts of the last hour that failed (wrong e-mail or password) or were throttled (refused for too many failures).",
    labelNames: ["outcome"] as const,
    registers,
  });
  const reconcilerLastRun = new Gauge({
    name: "cashin_payouts_reconciler_last_run_timestamp_seconds",
    help: "When the reconciler last finished a pass without an error, in Unix seconds (this process's reconciler, or the workers' with BACKGROUND=off); 0 before its first pass.",
    registers,
  });
  const reconcilerPassRunning = new Gauge({
    name: "cashin_payouts_reconciler_pass_running_seconds",
    help: "How long the reconciler's pass under way has been running, in seconds (this process's reconciler, or the workers' with BACKGROUND=off: the oldest pass of a worker still beating); 0 between passes.",
    registers,
  });

  const ready = new Gauge({
    name: "cashin_payouts_ready",
    help: "Each check of GET /api/ready: 1 when it passes, 0 when it fails (database, migrations, privateKey, reconciler, acceptingWork).",
    labelNames: ["check"] as const,
    registers,
  });

  for (const service of services) {
    for (const outcome of outcomes) gatewayCallCount.inc({ service, outcome }, 0);
    gatewayCallSeconds.zero({ service });
  }

  const { db } = source;
  // The gateway counters start from the calls already there when this is created: read now, awaited by the first scrape.
  let lastGatewayCallId: number | Promise<number> = startingGatewayCallId();
  function startingGatewayCallId(): Promise<number> {
    const id = first(db.select({ id: max(gatewayCalls.id) }).from(gatewayCalls)).then((row) => row?.id ?? 0);
    // A failure is the first scrape's to report (and that scrape reads it again for the next one), not an unhandled rejection.
    id.catch(() => undefined);
    return id;
  }

  /** Every read first, then the series set in one go: a scrape never sees a gauge zeroed and not yet set again. */
  async function refresh(): Promise<void> {
    const now = source.now();
    if (typeof lastGatewayCallId !== "number") {
      try {
        lastGatewayCallId = await lastGatewayCallId;
      } catch (error) {
        lastGatewayCallId = startingGatewayCallId();
        throw error;
      }
    }

    const byStatus = await db.select({ status: transfers.status, n: count() }).from(transfers).groupBy(transfers.status);
    const open = await first(
      db
        .select({ n: count(), since: sql<Date | null>`min(coalesce(${transfers.sentAt}, ${transfers.createdAt}))`.mapWith(transfers.createdAt) })
        .from(transfers)
        .where(inArray(transfers.status, unsettledAtGateway)),
    );
    const rowsInFlight = await first(
      db
        .select({ n: count() })
        .from(transfers)
        .where(and(isNotNull(transfers.batchId), inArray(transfers.status, batchRowsInFlight))),
    );
    const failures = await db
      .select({ outcome: loginAttempts.outcome, n: count() })
      .from(loginAttempts)
      .where(and(gte(loginAttempts.at, new Date(now.getTime() - signInWindowMs)), inArray(loginAttempts.outcome, signInFailureOutcomes)))
      .groupBy(loginAttempts.outcome);
    const calls = await db
      .select({ id: gatewayCalls.id, service: gatewayCalls.call, outcome: gatewayCalls.outcome, durationMs: gatewayCalls.durationMs })
      .from(gatewayCalls)
      .where(gt(gatewayCalls.id, lastGatewayCallId))
      .orderBy(asc(gatewayCalls.id))
      .limit(gatewayCallsPerScrape);
    const { lastCompletedPassAt, passStartedAt } = await source.reconciler();
    const checks = await source.readiness();

    for (const status of transferStatuses) transfersByStatus.set({ status }, 0);
    for (const row of byStatus) transfersByStatus.set({ status: row.status }, row.n);

    unsettled.set(open?.n ?? 0);
    oldestUnsettled.set(open?.since ? Math.max(0, (now.getTime() - open.since.getTime()) / 1000) : 0);

    batchRows.set(rowsInFlight?.n ?? 0);

    for (const outcome of signInFailureOutcomes) signInFailures.set({ outcome }, 0);
    for (const row of failures) signInFailures.set({ outcome: row.outcome }, row.n);

    for (const call of calls) {
      gatewayCallCount.inc({ service: call.service, outcome: call.outcome });
      gatewayCallSeconds.observe({ service: call.service }, call.durationMs / 1000);
      lastGatewayCallId = call.id;
    }

    reconcilerLastRun.set(lastCompletedPassAt ? Math.floor(lastCompletedPassAt.getTime() / 1000) : 0);
    reconcilerPassRunning.set(passStartedAt ? Math.max(0, (now.getTime() - passStartedAt.getTime()) / 1000) : 0);

    for (const [check, answer] of Object.entries(checks)) ready.set({ check }, answer === "ok" ? 1 : 0);
  }

  // One scrape at a time, in the order they came: two at once would add the same new gateway calls to the counters twice.
  let scraping: Promise<unknown> = Promise.resolve();
  return {
    contentType: registry.contentType,
    render() {
      const text = scraping.then(async () => {
        await refresh();
        return registry.metrics();
      });
      scraping = text.catch(() => undefined);
      return text;
    },
  };
}

// One registry per process, kept on globalThis so that a dev-server reload does not register the series twice.
const globalForMetrics = globalThis as unknown as { cashinMetrics?: Metrics };

/** This process's metrics, over its database, its reconciler (or with BACKGROUND=off the workers') and its readiness, with Node's process_* and nodejs_* series. */
export function appMetrics(): Metrics {
  globalForMetrics.cashinMetrics ??= createMetrics(
    { db: appDb(), now: () => new Date(), reconciler: backgroundActivity, readiness: async () => (await readinessOfThisProcess()).checks },
    { processMetrics: true },
  );
  return globalForMetrics.cashinMetrics;
}
