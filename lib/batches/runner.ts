import { and, desc, eq, inArray, isNotNull, isNull, lte, or } from "drizzle-orm";
import { first, type Db, type DbOrTx } from "@/db/client";
import { apiKeys, auditEntries, batches, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { system, type ActorContext, type PersonContext } from "@/lib/actor";
import { withLocale } from "@/lib/i18n/request-locale";
import { fail, type ActionResult } from "@/lib/result";
import type { TransferDeps } from "@/lib/transfers/deps";
import { checkPendingRows } from "./check";
import { Backoff, type Pacer } from "./backoff";
import { sendApprovedRows } from "./send";
import { sendWhenDue } from "./scheduled";
import { submitBatchIn, type Submitted } from "./submit";
import { log } from "@/lib/log";
import { isSendingPaused, lastResumedAt } from "@/lib/sending/pause";

/** Rows are looked up and sent this many at a time unless configured otherwise (BATCH_CONCURRENCY). */
export const defaultBatchConcurrency = 8;

/** How long a runner holds a batch without renewing; it renews every third of that while it works. */
const leaseMs = 30_000;

export type BatchRunOptions = {
  concurrency?: number;
  /** First pause after a 429; it doubles on each further one, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** The backoff's clock: real time unless a test controls it. */
  pacer?: Pacer;
  /** Who the sends are recorded as: the approving manager, or the system when a batch is resumed. */
  ctx?: ActorContext;
};

/**
 * A batch that should have a runner (checking, sending, re-checked for an approval, or scheduled and its time has
 * come), that no live runner holds and that is not paused for a person's confirmation.
 */
const unheld = (now: Date) =>
  and(
    or(
      inArray(batches.status, ["checking", "sending"]),
      and(eq(batches.status, "awaiting_approval"), isNotNull(batches.recheckRequestedAt)),
      // Its time (docs/batches.md#scheduled-batches), read from the database: a restart before it changes nothing.
      and(eq(batches.status, "scheduled"), lte(batches.sendAt, now)),
      // Made by API with submit: true and checked, not submitted yet (docs/api.md#batches): a restart still submits it.
      and(eq(batches.status, "ready"), eq(batches.submitWhenChecked, true)),
    ),
    // A lease that ends now has lapsed: a runner that finished leaves it ending at that moment.
    or(isNull(batches.leaseUntil), lte(batches.leaseUntil, now)),
    isNull(batches.pausedAt),
  );

/** A batch whose sending stopped longer ago than this is not resumed blindly: a person confirms first (docs/lifecycle.md#paying-twice-is-impossible). */
export const resumeWithoutConfirmationMs = 15 * 60_000;

/**
 * Does what a batch's status asks for, checking its pending rows or sending its approved ones, under a
 * lease so that one runner works on a batch at a time across processes. Returns false when another
 * runner holds it. Anything interrupted (a crash, a restart) is picked up by the next run.
 */
export async function runBatch(deps: TransferDeps, batchId: number, options: BatchRunOptions = {}): Promise<boolean> {
  const now = deps.now();
  // The claim: one conditional update, so that of two runners exactly one gets the batch.
  const leased = await deps.db.transaction(async (tx) =>
    first(
      tx
        .update(batches)
        .set({ leaseUntil: new Date(now.getTime() + leaseMs) })
        .where(and(eq(batches.id, batchId), unheld(now)))
        .returning({ id: batches.id }),
    ),
  );
  if (!leased) return false;
  // The renewal under way, if any: the release below waits for it, so a late renewal cannot undo the release.
  let renewing: Promise<void> = Promise.resolve();
  const renew = setInterval(() => {
    renewing = deps.db
      .transaction(async (tx) => {
        await tx.update(batches).set({ leaseUntil: new Date(deps.now().getTime() + leaseMs) }).where(eq(batches.id, batchId));
      })
      // A renewal that failed (the database busy for a moment) is tried again at the next tick; the lease outlasts two of them.
      .catch((error: unknown) => log().warn({ batchId, err: error }, "[batch] renewing a batch's lease failed"));
  }, leaseMs / 3);
  renew.unref();
  try {
    const run = {
      concurrency: options.concurrency ?? defaultBatchConcurrency,
      backoff: new Backoff(options.backoffMs ?? 1_000, options.maxBackoffMs ?? 30_000, options.pacer),
    };
    await sendWhenDue(deps, batchId, run);
    let ctx = options.ctx ?? system;
    // A submit may find look-ups gone stale and check those rows again first; it is tried again once they are.
    for (let round = 0; round < 3; round++) {
      await checkPendingRows(deps, batchId, run);
      const submitted = await submitWhenChecked(deps, batchId);
      if (!submitted) break;
      ctx = submitted.ctx;
      if (submitted.status !== "checking") break;
    }
    await sendApprovedRows(deps, batchId, { ...run, ctx });
    return true;
  } finally {
    clearInterval(renew);
    await renewing;
    // Lapsed now rather than cleared: when its sending last made progress tells a resume how long it stopped.
    await deps.db.transaction(async (tx) => {
      await tx.update(batches).set({ leaseUntil: deps.now() }).where(eq(batches.id, batchId));
    });
  }
}

/** Why the key's person can no longer submit through the key, or null when they can. */
async function keyGone(db: DbOrTx, apiKeyId: number | null, person: { email: string; active: boolean }, now: Date): Promise<string | null> {
  if (!person.active) return `The account of ${person.email} was deactivated.`;
  if (apiKeyId === null) return null;
  const key = await first(db.select({ name: apiKeys.name, revokedAt: apiKeys.revokedAt, expiresAt: apiKeys.expiresAt }).from(apiKeys).where(eq(apiKeys.id, apiKeyId)).limit(1));
  if (!key) return "The API key it was made with no longer exists.";
  if (key.revokedAt) return `The API key "${key.name}" it was made with was revoked.`;
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return `The API key "${key.name}" it was made with expired.`;
  return null;
}

/**
 * A batch made by API with `submit: true` (docs/api.md#batches), checked and ready: submitted once, with `submitBatch`
 * as the Submit button does (tiers, threshold, limits, near-duplicates, stale look-ups), as its maker through the key.
 * Refused (rows to fix, duplicates not accepted, a limit, the key revoked), it stays ready for the person, the refusal
 * is audited as `batch.api_submit_refused` with the reason in English, and the flag is cleared: a later fix in the
 * browser is not submitted by itself. Returns who submitted, for the sends that follow; null when nothing was submitted.
 * One immediate transaction: a Submit pressed in the browser at the same moment wins or loses whole.
 */
export async function submitWhenChecked(deps: Pick<TransferDeps, "db" | "now">, batchId: number): Promise<{ ctx: PersonContext; status: Submitted["status"] } | null> {
  return deps.db.transaction(
    async (tx) => {
      const batch = await first(
        tx
          .select()
          .from(batches)
          .where(and(eq(batches.id, batchId), eq(batches.status, "ready"), eq(batches.submitWhenChecked, true)))
          .limit(1),
      );
      if (!batch) return null;
      const now = deps.now();
      const maker = (await first(tx.select({ id: users.id, email: users.email, active: users.active }).from(users).where(eq(users.id, batch.makerId)).limit(1)))!;
      const key = batch.apiKeyId === null ? undefined : await first(tx.select({ id: apiKeys.id, name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.id, batch.apiKeyId)).limit(1));
      const ctx: PersonContext = { actor: { id: maker.id, email: maker.email, ...(key ? { apiKey: key } : {}) }, ip: null };
      // What the request said of repeats, kept in the upload's audit entry.
      const upload = await first(
        tx
          .select({ after: auditEntries.after })
          .from(auditEntries)
          .where(and(eq(auditEntries.targetType, "batch"), eq(auditEntries.targetId, String(batchId)), eq(auditEntries.action, "batch.upload")))
          .orderBy(desc(auditEntries.id))
          .limit(1),
      );
      const acceptDuplicates = (upload?.after as { acceptDuplicates?: unknown } | null | undefined)?.acceptDuplicates === true;
      const gone = await keyGone(tx, batch.apiKeyId, maker, now);
      const result: ActionResult<Submitted> = gone
        ? fail("forbidden", gone)
        : // The reason is stored in English, like every text of the audit trail (docs/language.md#what-the-server-says).
          await withLocale("en", () => submitBatchIn({ tx, now: deps.now }, ctx, { batchId, acceptDuplicates }));
      // Stale look-ups are being checked again: submitted once they are (the flag stays).
      if (result.ok && result.data.status === "checking") return { ctx, status: result.data.status };
      await tx.update(batches).set({ submitWhenChecked: false }).where(eq(batches.id, batchId));
      if (result.ok) return { ctx, status: result.data.status };
      await recordAudit(tx, { actor: ctx.actor, action: "batch.api_submit_refused", target: { type: "batch", id: batchId }, after: { reason: result.message }, ip: null, at: now });
      return null;
    },
  );
}

/**
 * Batches that should be running but that no live runner holds: their runner died, or the app restarted.
 * A batch whose sending stopped more than 15 minutes ago is paused instead (audited), so its approver
 * confirms before the rest goes out; the others are returned to be resumed.
 * While sending is paused on a deposit alert (docs/deposit-alerts.md) a batch being sent is left alone: it waits for an
 * admin's resume, and that resume is the decision to go on, so the time it waited does not count as a stop.
 */
export async function stalledBatches(db: Db, now: Date): Promise<number[]> {
  const verdicts = await stalledVerdicts(db, now);
  if (![...verdicts.values()].some((v) => v.pause)) return resumableOf(verdicts);
  // Some are to be paused: decided again in the transaction that pauses them (a runner may have taken one meanwhile).
  return db.transaction(async (tx) => {
    const again = await stalledVerdicts(tx, now);
    for (const [id, { pause, stoppedAt }] of again) {
      if (!pause) continue;
      const paused = await first(
        tx
          .update(batches)
          .set({ pausedAt: now, updatedAt: now })
          .where(and(eq(batches.id, id), unheld(now)))
          .returning({ id: batches.id }),
      );
      if (paused) await recordAudit(tx, { actor: null, action: "batch.paused", target: { type: "batch", id }, after: { stoppedAt: stoppedAt.toISOString() }, at: now });
    }
    return resumableOf(again);
  });
}

type StalledVerdict = { pause: boolean; stoppedAt: Date };

const resumableOf = (verdicts: Map<number, StalledVerdict>) => [...verdicts].flatMap(([id, v]) => (v.pause ? [] : [id]));

/** Each unheld batch that is not left alone, in the order read: paused (sending stopped too long ago) or resumed. */
async function stalledVerdicts(db: DbOrTx, now: Date): Promise<Map<number, StalledVerdict>> {
  const verdicts = new Map<number, StalledVerdict>();
  const sendingPaused = await isSendingPaused(db);
  const resumedAt = (await lastResumedAt(db))?.getTime() ?? 0;
  for (const batch of await db.select({ id: batches.id, status: batches.status, leaseUntil: batches.leaseUntil, updatedAt: batches.updatedAt }).from(batches).where(unheld(now))) {
    // A scheduled batch whose time came during the pause stays scheduled until the resume.
    if ((batch.status === "sending" || batch.status === "scheduled") && sendingPaused) continue;
    // Its sending stopped at the latest of: its last runner's lease, the moment it became sending (an approval, a submit, a
    // confirmed resume: a lease lapsed while it was checked or waited for approval is older and says nothing of its sending),
    // and the resume of a sending pause.
    const stoppedAt = new Date(Math.max(batch.leaseUntil?.getTime() ?? 0, batch.updatedAt.getTime(), batch.status === "sending" ? resumedAt : 0));
    verdicts.set(batch.id, { pause: batch.status === "sending" && now.getTime() - stoppedAt.getTime() > resumeWithoutConfirmationMs, stoppedAt });
  }
  return verdicts;
}

type Job = { again: boolean };
const globalJobs = globalThis as unknown as { cashinBatchJobs?: Map<number, Job> };
const jobs = (globalJobs.cashinBatchJobs ??= new Map());

/**
 * Starts a batch's runner in the background of this process, unless one is already running here; then
 * that one goes round once more, so a row edited while it finishes is not left unchecked.
 */
export function startBatchJob(deps: () => TransferDeps, batchId: number, options: BatchRunOptions = {}): void {
  const running = jobs.get(batchId);
  if (running) {
    running.again = true;
    return;
  }
  const job: Job = { again: false };
  jobs.set(batchId, job);
  void (async () => {
    try {
      do {
        job.again = false;
        await runBatch(deps(), batchId, options);
      } while (job.again);
    } catch (error) {
      log().error({ batchId, err: error }, "[batch] runner of batch stopped; it resumes at the next reconciler pass");
    } finally {
      jobs.delete(batchId);
    }
  })();
}

/** Restarts every stalled batch in this process (called by the reconciler loop). */
export async function resumeStalledBatches(deps: () => TransferDeps, options: Omit<BatchRunOptions, "ctx"> = {}): Promise<number> {
  const d = deps();
  const stalled = (await stalledBatches(d.db, d.now())).filter((id) => !jobs.has(id));
  for (const id of stalled) startBatchJob(deps, id, options);
  return stalled.length;
}
