import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { first } from "@/db/client";
import { auditEntries, batchRows, batches, transfers } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit/verify";
import { approveBatch } from "@/lib/batches/decide";
import { editRow } from "@/lib/batches/rows";
import { runBatch } from "@/lib/batches/runner";
import { expectOk } from "../transfers/harness";
import { call, createApiHarness, makeKey, type ApiHarness } from "./support";

/** docs/api.md#batches: a batch by API is read, checked, submitted and sent by the browser's own code, as the key's person. */

let h: ApiHarness;

/** The batch runners this process started (lib/batches/runner.ts keeps them on globalThis). */
const runningJobs = () => (globalThis as unknown as { cashinBatchJobs?: Map<number, unknown> }).cashinBatchJobs ?? new Map<number, unknown>();
const runnersDone = () => vi.waitFor(() => expect(runningJobs().size).toBe(0), { timeout: 30_000, interval: 25 });

beforeEach(async () => {
  h = await createApiHarness({ slowTopupMs: 0 });
  // Past the managers' 24-hour approval hold (docs/roles.md#two-people-not-two-accounts).
  h.advance(25 * 3600_000);
});
afterEach(async () => {
  await runnersDone();
  await h.close();
});

const rows = [
  { wallet: "DANA", phone: "081234567890", amount: 50_000, note: "June salary" },
  { wallet: "OVO", phone: "+62 812 0000 0001", amount: "Rp 75.000" },
  { wallet: "gopay", phone: "6281200000002", amount: 20_000 },
];
const csv = "wallet,phone,amount,note\nDANA,081234567890,50000,June salary\nOVO,081200000001,75.000,\n\nGoPay,6281200000002,20000,\n";

async function batchAfterRunners(key: string, reference: string) {
  await runnersDone();
  const read = await call(h, "getBatch", { key, params: { reference } });
  expect(read.status).toBe(200);
  return read.json;
}

const batchRow = async (reference: string) => (await first(h.db.select().from(batches).where(eq(batches.reference, reference)).limit(1)))!;
const auditOfBatch = async (id: number, action: string) =>
  h.db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.targetType, "batch"), eq(auditEntries.targetId, String(id)), eq(auditEntries.action, action)));

describe("POST /batches below the approval threshold", () => {
  for (const [kind, body] of [
    ["JSON rows", { rows, file_name: "june.json" }],
    ["a CSV", { csv, file_name: "june.csv" }],
  ] as const) {
    it(`${kind}: checked, submitted as the key's person and sent, one top-up per row; GET shows every payout`, async () => {
      const { key, id: keyId } = await makeKey(h, { name: "payroll", scopes: ["payouts:create", "payouts:read"], owner: h.staff });
      const made = await call(h, "createBatch", { key, body, idempotencyKey: `b-${kind}` });
      expect(made.status, JSON.stringify(made.json)).toBe(201);
      expect(made.json).toMatchObject({ status: "checking", file_name: body.file_name, rows: 3, total: 145_000, submit_when_checked: true, problems: [], payouts: [] });
      const reference = made.json.reference as string;

      const batch = await batchAfterRunners(key, reference);
      expect(batch).toMatchObject({ status: "sent", rows: 3, total: 145_000, submit_when_checked: false, submit_refused: null, row_states: { ok: 3, pending: 0, invalid: 0 } });
      expect(batch.payouts_by_status).toMatchObject({ succeeded: 3, failed: 0 });
      const payouts = batch.payouts as { line: number; payout: { reference: string; status: string; amount: number; batch_reference: string; memo: string | null } }[];
      expect(payouts.map((p) => p.payout.amount)).toEqual([50_000, 75_000, 20_000]);
      expect(payouts.every((p) => p.payout.status === "succeeded" && p.payout.batch_reference === reference)).toBe(true);
      expect(payouts[0]!.payout.memo).toBe("June salary");
      // JSON rows are numbered by position; a CSV's by its own lines (line 5 follows a blank line).
      expect(payouts.map((p) => p.line)).toEqual(kind === "a CSV" ? [2, 3, 5] : [1, 2, 3]);
      for (const p of payouts) expect(h.topupsAtGateway(p.payout.reference)).toHaveLength(1);
      expect(h.topupsAtGateway()).toHaveLength(3);

      // Made and submitted as the key's person, through the key: the audit trail names it.
      const stored = await batchRow(reference);
      expect(stored).toMatchObject({ makerId: h.staff.id, apiKeyId: keyId });
      const submitted = await auditOfBatch(stored.id, "batch.sending");
      expect(submitted).toHaveLength(1);
      expect(submitted[0]).toMatchObject({ actorId: h.staff.id, actorEmail: "API key payroll (staff@x.test)" });
      expect((await h.db.select().from(transfers)).every((t) => t.makerId === h.staff.id)).toBe(true);
      expect((await verifyAuditChain(h.db)).ok).toBe(true);
    });
  }

  it("submit: false leaves the checked batch ready for a person", async () => {
    const { key } = await makeKey(h, { scopes: ["payouts:create", "payouts:read"], owner: h.staff });
    const made = await call(h, "createBatch", { key, body: { rows, submit: false }, idempotencyKey: "no-submit" });
    expect(made.json).toMatchObject({ file_name: "api-batch.json", submit_when_checked: false });
    const batch = await batchAfterRunners(key, made.json.reference as string);
    expect(batch).toMatchObject({ status: "ready", row_states: { ok: 3 }, payouts: [] });
    expect(h.topupsAtGateway()).toHaveLength(0);
  });
});

describe("POST /batches at or above the approval threshold", () => {
  it("waits for a manager; nothing is sent before the approval, every row after it", async () => {
    const { key } = await makeKey(h, { scopes: ["payouts:create", "payouts:read"], owner: h.staff });
    const big = [
      { wallet: "DANA", phone: "081234567890", amount: 3_000_000 },
      { wallet: "OVO", phone: "081200000001", amount: 2_500_000 },
    ];
    const made = await call(h, "createBatch", { key, body: { rows: big }, idempotencyKey: "big" });
    const reference = made.json.reference as string;
    const waiting = await batchAfterRunners(key, reference);
    expect(waiting).toMatchObject({ status: "awaiting_approval", total: 5_500_000 });
    expect(waiting.payouts_by_status).toMatchObject({ awaiting_approval: 2 });
    expect(h.topupsAtGateway()).toHaveLength(0);

    const id = (await batchRow(reference)).id;
    const approved = expectOk(await approveBatch(h.deps, { actor: h.manager, ip: "203.0.113.9" }, { batchId: id }));
    expect(approved.outcome).not.toBe("recorded");
    await runBatch(h.deps, id, { ctx: { actor: h.manager, ip: "203.0.113.9" } });
    const sent = await batchAfterRunners(key, reference);
    expect(sent).toMatchObject({ status: "sent" });
    expect(sent.payouts_by_status).toMatchObject({ succeeded: 2 });
    expect(h.topupsAtGateway()).toHaveLength(2);
  });
});

describe("rows that need attention", () => {
  it("a bad phone: 201, the batch stays ready with the problem, the refusal is audited; fixed in the browser it is not submitted by itself", async () => {
    const { key } = await makeKey(h, { name: "payroll", scopes: ["payouts:create", "payouts:read"], owner: h.staff });
    const made = await call(h, "createBatch", { key, body: { rows: [rows[0], { wallet: "DANA", phone: "12345", amount: 10_000 }] }, idempotencyKey: "bad-phone" });
    expect(made.status).toBe(201);
    const reference = made.json.reference as string;
    const batch = await batchAfterRunners(key, reference);
    expect(batch).toMatchObject({ status: "ready", submit_when_checked: false, row_states: { ok: 1, invalid: 1 } });
    const problems = batch.problems as { line: number; phone: string; state: string; problem: string }[];
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 2, phone: "12345", state: "invalid" });
    expect(problems[0]!.problem).toMatch(/Indonesian mobile number/);
    expect(batch.submit_refused).toMatch(/need attention|needs attention/i);

    const stored = await batchRow(reference);
    const refused = await auditOfBatch(stored.id, "batch.api_submit_refused");
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ actorId: h.staff.id, actorEmail: "API key payroll (staff@x.test)" });
    expect((refused[0]!.after as { reason: string }).reason).toBe(batch.submit_refused);

    // The person fixes the row in the browser; the check ends again; nothing is submitted until they press Submit.
    const bad = (await first(h.db.select().from(batchRows).where(and(eq(batchRows.batchId, stored.id), eq(batchRows.line, 2))).limit(1)))!;
    expect(expectOk(await editRow(h.deps, { actor: h.staff, ip: "203.0.113.1" }, { batchId: stored.id, rowId: bad.id, wallet: "DANA", phone: "081200000009", amount: "10000", note: "" })).state).toBe("pending");
    await runBatch(h.deps, stored.id);
    const fixed = await batchAfterRunners(key, reference);
    expect(fixed).toMatchObject({ status: "ready", row_states: { ok: 2, invalid: 0 }, problems: [], payouts: [] });
    expect(await auditOfBatch(stored.id, "batch.api_submit_refused")).toHaveLength(1);
    expect(h.topupsAtGateway()).toHaveLength(0);
  });

  it("repeated rows are submitted only with accept_duplicates", async () => {
    const { key } = await makeKey(h, { scopes: ["payouts:create", "payouts:read"], owner: h.staff });
    const twice = [rows[0], rows[0]];
    const refused = await call(h, "createBatch", { key, body: { rows: twice }, idempotencyKey: "twice" });
    const stopped = await batchAfterRunners(key, refused.json.reference as string);
    expect(stopped).toMatchObject({ status: "ready", duplicates: 1 });
    expect(stopped.problems).toEqual([expect.objectContaining({ line: 2, problem: "Repeats line 1." })]);
    expect(stopped.submit_refused).toMatch(/repeat/i);

    const accepted = await call(h, "createBatch", { key, body: { rows: twice, accept_duplicates: true }, idempotencyKey: "twice-accepted" });
    const sent = await batchAfterRunners(key, accepted.json.reference as string);
    expect(sent).toMatchObject({ status: "sent", problems: [] });
  });

  it("a key revoked before the check ends: not submitted, the reason kept", async () => {
    const { key, id } = await makeKey(h, { name: "short-lived", scopes: ["payouts:create", "payouts:read"], owner: h.staff });
    const reader = (await makeKey(h, { scopes: ["payouts:read"], owner: h.staff })).key;
    const made = await call(h, "createBatch", { key, body: { rows }, idempotencyKey: "revoked" });
    const { revokeApiKey } = await import("@/lib/api/key-admin");
    expectOk(await revokeApiKey(h.db, { actor: h.admin, ip: null }, { keyId: id }, h.now()));
    const batch = await batchAfterRunners(reader, made.json.reference as string);
    // Revoked while its rows were being looked up (they wait for Cash In's answers): never submitted after it.
    expect(batch).toMatchObject({ status: "ready", submit_when_checked: false, submit_refused: 'The API key "short-lived" it was made with was revoked.', payouts: [] });
    expect(h.topupsAtGateway()).toHaveLength(0);
  });
});

describe("idempotency", () => {
  it("the same Idempotency-Key and body twice: one batch, the same answer; another body: 409", async () => {
    const { key } = await makeKey(h, { scopes: ["payouts:create"], owner: h.staff });
    const first = await call(h, "createBatch", { key, body: { rows }, idempotencyKey: "june" });
    const again = await call(h, "createBatch", { key, body: { rows }, idempotencyKey: "june" });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json).toEqual(first.json);
    const other = await call(h, "createBatch", { key, body: { rows: rows.slice(1) }, idempotencyKey: "june" });
    expect(other.status).toBe(409);
    expect(other.json).toMatchObject({ type: "/docs/api#idempotency-key-reused" });
    expect(await h.db.select().from(batches)).toHaveLength(1);
    const missing = await call(h, "createBatch", { key, body: { rows } });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ type: "/docs/api#idempotency-key-missing" });
  });

  it("10 concurrent requests with one key: one batch, 10 identical answers, one top-up per row", async () => {
    const { key } = await makeKey(h, { scopes: ["payouts:create"], owner: h.staff });
    const answers = await Promise.all(Array.from({ length: 10 }, () => call(h, "createBatch", { key, body: { rows }, idempotencyKey: "concurrent" })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    for (const answer of answers) expect(answer.json).toEqual(answers[0]!.json);
    expect(await h.db.select().from(batches)).toHaveLength(1);
    await runnersDone();
    expect(h.topupsAtGateway()).toHaveLength(3);
  });
});

describe("bad requests: 422, nothing made", () => {
  const cases: [string, unknown, RegExp][] = [
    ["neither rows nor csv", { file_name: "x.csv" }, /either as rows/],
    ["both rows and csv", { rows, csv }, /not both/],
    ["an unknown field", { rows, sumbit: true }, /Unknown field: sumbit/],
    ["an unknown field in a row", { rows: [{ ...rows[0], amout: 5 }] }, /Unknown field: amout/],
    ["no rows", { rows: [] }, /at least one row/],
    ["over 10,000 rows", { rows: Array.from({ length: 10_001 }, () => ({ wallet: "DANA", phone: "081234567890", amount: 1 })) }, /At most 10,000 rows/],
    ["a CSV without the columns", { csv: "name,number\nJohn,0812\n" }, /wallet/],
    ["a CSV with a quote never closed", { csv: 'wallet,phone,amount\nDANA,"0812,1000\n' }, /quote/i],
    ["a file name with a control character", { rows, file_name: "a\u0007b" }, /Printable/],
  ];
  for (const [name, body, detail] of cases) {
    it(name, async () => {
      const { key } = await makeKey(h, { scopes: ["payouts:create"], owner: h.staff });
      const answer = await call(h, "createBatch", { key, body, idempotencyKey: `bad-${name}` });
      expect(answer.status, JSON.stringify(answer.json)).toBe(422);
      expect(answer.json.type).toBe("/docs/api#validation-failed");
      expect(JSON.stringify(answer.json)).toMatch(detail);
      expect(await h.db.select().from(batches)).toHaveLength(0);
    });
  }

  it("over the person's batch rows per 24 hours: refused as a whole, as an upload", async () => {
    const { updateLimits, getLimits } = await import("@/lib/transfers/settings");
    expectOk(await updateLimits({ db: h.db, actor: h.admin, ip: null }, { ...(await getLimits(h.db)), batchRowsPerDay: 2 }));
    const { key } = await makeKey(h, { scopes: ["payouts:create"], owner: h.staff });
    const answer = await call(h, "createBatch", { key, body: { rows }, idempotencyKey: "over-rows" });
    expect(answer.status).toBe(403);
    expect(answer.json.detail).toMatch(/batch rows/i);
    expect(await h.db.select().from(batches)).toHaveLength(0);
  });
});

describe("GET /batches/{reference}", () => {
  it("any key reads any batch; an unknown reference is 404; a made-up cursor 400", async () => {
    const maker = (await makeKey(h, { scopes: ["payouts:create"], owner: h.staff })).key;
    const reader = (await makeKey(h, { scopes: ["payouts:read"], owner: h.manager })).key;
    const made = await call(h, "createBatch", { key: maker, body: { rows, submit: false }, idempotencyKey: "read" });
    const reference = made.json.reference as string;
    await runnersDone();
    expect((await call(h, "getBatch", { key: reader, params: { reference } })).json).toMatchObject({ reference, status: "ready", next_cursor: null });
    const missing = await call(h, "getBatch", { key: reader, params: { reference: "BAT20260101NOPE" } });
    expect(missing).toMatchObject({ status: 404, json: { type: "/docs/api#not-found" } });
    expect((await call(h, "getBatch", { key: reader, params: { reference }, query: { cursor: "bm9wZQ" } })).status).toBe(400);
    expect((await call(h, "getBatch", { key: reader, params: { reference }, query: { page: "2" } })).status).toBe(422);
  });

  it("a long batch is read 1,000 rows at a time with next_cursor", async () => {
    const maker = (await makeKey(h, { scopes: ["payouts:create", "payouts:read"], owner: h.staff })).key;
    // Invalid rows are never looked up: 1,500 rows with a bad phone make a long batch quickly.
    const many = Array.from({ length: 1_500 }, (_, i) => ({ wallet: "DANA", phone: `9${i}`, amount: 10_000 }));
    const made = await call(h, "createBatch", { key: maker, body: { rows: many, submit: false }, idempotencyKey: "long" });
    expect(made.status).toBe(201);
    const reference = made.json.reference as string;
    await runnersDone();
    const first = await call(h, "getBatch", { key: maker, params: { reference } });
    expect(first.json).toMatchObject({ rows: 1_500, row_states: { invalid: 1_500 } });
    expect((first.json.problems as unknown[]).length).toBe(1_000);
    expect(first.json.next_cursor).toEqual(expect.any(String));
    const second = await call(h, "getBatch", { key: maker, params: { reference }, query: { cursor: first.json.next_cursor as string } });
    const lines = (second.json.problems as { line: number }[]).map((p) => p.line);
    expect(lines).toHaveLength(500);
    expect(lines[0]).toBe(1_001);
    expect(second.json.next_cursor).toBeNull();
  });
});
