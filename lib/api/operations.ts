import { z } from "zod";
import { batchRowStates, batchStatuses, transferStatuses, type ApiScope } from "@/db/schema";
import { maxBatchRows } from "@/lib/batches/parse";
import { amountField, maxMemoLength, memoField, phoneField, walletField } from "@/lib/transfers/schemas";
import { payoutSchema } from "./representation";

/*
 * Every operation of /api/v1, declared once (docs/api.md): its method and path, the scope a key needs, its request
 * body, path and query parameters (zod, strict: an unknown field is refused), its answers and the problem statuses it
 * can give. The route handlers (app/api/v1/…/route.ts, through lib/api/route.ts) parse with these declarations and the
 * OpenAPI document is generated from them, so the document cannot drift from the routes.
 */

export type Operation = {
  /** The OpenAPI operationId. */
  id: string;
  method: "GET" | "POST";
  /** Under /api/v1, with OpenAPI's {name} for path parameters. */
  path: string;
  scope: ApiScope;
  summary: string;
  description?: string;
  /** A JSON body (Content-Type: application/json); an operation whose body may be left out sets `bodyOptional`. */
  body?: z.ZodType;
  bodyOptional?: boolean;
  params?: z.ZodType;
  query?: z.ZodType;
  /** Needs an Idempotency-Key header (docs/api.md#idempotency). */
  idempotent?: boolean;
  responses: Record<number, { description: string; schema: z.ZodType }>;
  /** The problem statuses it can answer besides those of every operation (401, 403, 429, 500). */
  problems: readonly number[];
};

const define = <const O extends Operation>(operation: O) => operation;

/** Problems every operation can answer: no or bad key, scope or address, rate limit, our own error. */
export const commonProblems = [401, 403, 429, 500] as const;
/** …and every operation with a body. */
export const bodyProblems = [400, 413, 415, 422] as const;

export const lookupAnswerSchema = z
  .object({
    lookup_id: z.string().describe("Names the look-up in POST /payouts; good for 15 minutes, for one payout."),
    wallet: z.string(),
    phone: z.string().describe("The wallet's number in the canonical form, 62…"),
    amount: z.number().int(),
    owner_name: z.string().describe("The wallet owner's name as Cash In gave it: the name the payout will carry."),
    needs_approval: z.boolean().describe("Whether the payout will wait for managers' approval."),
    approvals_needed: z.number().int().describe("How many managers its approval tier asks for now; 0 when it needs none."),
    near_duplicates: z
      .array(z.object({ reference: z.string(), status: z.enum(transferStatuses), created_at: z.string() }))
      .describe("Payouts to the same wallet, number and amount in the near-duplicate window: name them in separate_from to pay again."),
    expires_at: z.string().describe("ISO 8601, UTC: after this the look-up cannot make a payout."),
  })
  .meta({ id: "Lookup" });

const reference = z.string().min(1).max(64).describe("The payout's reference, TRF…");

export const payoutListSchema = z
  .object({
    data: z.array(payoutSchema),
    next_cursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page."),
  })
  .meta({ id: "PayoutList" });

export const approvalAnswerSchema = payoutSchema
  .extend({
    approvals_given: z.number().int().optional().describe("Present while its tier still waits for more managers."),
    approvals_needed: z.number().int().optional(),
  })
  .meta({ id: "ApprovalAnswer" });

const listLimit = { min: 1, max: 100, fallback: 50 } as const;

/** A batch made by API: its rows as JSON, or the CSV a person would upload (docs/api.md#batches). */
export const batchRowsPerAnswer = 1_000;
const batchRowSchema = z
  .object({
    wallet: z.string().max(100).optional().describe("DANA, OVO, GoPay or ShopeePay."),
    phone: z.string().max(100).optional().describe("The wallet's number, 08… or 62… or +62…"),
    amount: z.union([z.number(), z.string().max(100)]).optional().describe("Whole rupiah: 50000, or text as in a file (\"Rp 50.000\")."),
    note: z.string().max(1000).optional().describe(`The payout's memo, at most ${maxMemoLength} characters, one line.`),
    recipient: z.string().max(200).optional().describe("A saved recipient's label instead of wallet and phone (and amount, if it has a default)."),
  })
  .strict()
  .meta({ id: "BatchRowRequest" });

/** File names are shown back to people: printable, no control or text-direction characters. */
const printable = /^[^\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]+$/;
const maxCsvCharacters = 5 * 1024 * 1024;

export const batchRequestSchema = z
  .object({
    file_name: z.string().min(1).max(120).regex(printable, { error: "Printable characters only." }).optional().describe("Shown on the batch's page; default api-batch.json."),
    rows: z
      .array(batchRowSchema)
      .min(1, { error: "Send at least one row." })
      .max(maxBatchRows, { error: `At most ${maxBatchRows.toLocaleString("en")} rows per batch; split it into several batches.` })
      .optional()
      .describe(`The rows, 1–${maxBatchRows}: each checked as a row of an uploaded file; \`line\` in the answer is its position here, from 1.`),
    csv: z
      .string()
      .min(1, { error: "The CSV is empty." })
      .max(maxCsvCharacters)
      .optional()
      .describe("Instead of rows: the CSV text a person would upload (a header naming wallet, phone, amount, optional note and recipient; comma or semicolon)."),
    accept_duplicates: z.boolean().optional().describe("Submit even when rows repeat each other or a recent payout, as ticking the box does in the browser. Default false."),
    submit: z.boolean().optional().describe("Submit it as the key's person once every row is checked (default true); false leaves it ready for a person."),
  })
  .strict()
  .superRefine((body, ctx) => {
    if ((body.rows === undefined) === (body.csv === undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: body.rows === undefined ? "Send the rows, either as rows (JSON) or as csv." : "Send either rows or csv, not both." });
    }
  })
  .meta({ id: "BatchRequest" });

const count = z.number().int();

export const batchSchema = z
  .object({
    reference: z.string().describe("Our reference for the batch (BAT…), as on its page."),
    status: z.enum(batchStatuses),
    file_name: z.string(),
    created_at: z.string().describe("ISO 8601, UTC."),
    submitted_at: z.string().nullable(),
    decided_at: z.string().nullable().describe("When a manager approved or rejected it, or it was canceled."),
    send_at: z.string().nullable().describe("When a scheduled batch is sent."),
    reason: z.string().nullable().describe("Why it was rejected or canceled."),
    submit_when_checked: z.boolean().describe("It will be submitted as the key's person once every row is checked."),
    submit_refused: z.string().nullable().describe("Why it was not submitted when checked (in English): a person fixes it and submits in the browser."),
    rows: count.describe("Rows not removed."),
    total: count.describe("Whole rupiah: the amounts of the rows not removed."),
    row_states: z.object({ pending: count, ok: count, invalid: count, unconfirmed: count, removed: count }).describe("Rows by state: pending (being looked up), ok, invalid (a value to fix), unconfirmed (no usable wallet), removed."),
    duplicates: count.describe("Rows that repeat an earlier row or a recent payout."),
    payouts_by_status: z.object(Object.fromEntries(transferStatuses.map((status) => [status, count])) as Record<(typeof transferStatuses)[number], typeof count>).describe("After submit: its payouts by status."),
    problems: z
      .array(
        z.object({
          line: count.describe("The row's position in rows (from 1), or its line in the CSV."),
          state: z.enum(batchRowStates),
          wallet: z.string(),
          phone: z.string(),
          amount: z.string(),
          note: z.string().nullable(),
          problem: z.string().describe("What to fix, in English."),
        }),
      )
      .describe("Rows of this page that need attention before it can be submitted."),
    payouts: z.array(z.object({ line: count, payout: payoutSchema })).describe("Rows of this page that became payouts, in line order."),
    next_cursor: z.string().nullable().describe(`Each answer covers ${batchRowsPerAnswer} rows in line order; pass next_cursor as cursor for the next ones, until null.`),
  })
  .meta({ id: "Batch" });

export const operations = {
  createLookup: define({
    id: "createLookup",
    method: "POST",
    path: "/lookups",
    scope: "payouts:create",
    summary: "Look up a wallet's owner before paying it",
    description: "Checks the limits, then asks Cash In who owns the wallet. Counts against the key's person's look-ups per hour.",
    body: z.object({ wallet: walletField, phone: phoneField, amount: amountField }).strict().meta({ id: "LookupRequest" }),
    responses: { 201: { description: "The wallet's owner, and what paying them will need.", schema: lookupAnswerSchema } },
    problems: [...bodyProblems, 409],
  }),
  createPayout: define({
    id: "createPayout",
    method: "POST",
    path: "/payouts",
    scope: "payouts:create",
    summary: "Pay a looked-up wallet",
    description:
      "Makes a payout from a look-up of the key's person. Below the approval threshold it is sent at once; above it, it waits for managers. Needs an Idempotency-Key header.",
    body: z
      .object({
        lookup_id: z.string().min(1).max(64).describe("From POST /lookups."),
        memo: memoField.optional().describe(`What it pays for, at most ${maxMemoLength} characters, one line.`),
        separate_from: z
          .array(reference)
          .max(50)
          .optional()
          .describe("The look-up's near_duplicates this payout is separate from: all of them, when it had any."),
      })
      .strict()
      .meta({ id: "PayoutRequest" }),
    idempotent: true,
    responses: { 201: { description: "The payout, with its status now.", schema: payoutSchema } },
    problems: [...bodyProblems, 404, 409],
  }),
  getPayout: define({
    id: "getPayout",
    method: "GET",
    path: "/payouts/{reference}",
    scope: "payouts:read",
    summary: "One payout",
    params: z.object({ reference }).strict(),
    responses: { 200: { description: "The payout.", schema: payoutSchema } },
    problems: [404],
  }),
  listPayouts: define({
    id: "listPayouts",
    method: "GET",
    path: "/payouts",
    scope: "payouts:read",
    summary: "Payouts, newest first",
    description: "Cursor pagination: follow next_cursor until it is null.",
    query: z
      .object({
        status: z
          .string()
          .optional()
          .describe(`Comma-separated statuses: ${transferStatuses.join(", ")}.`)
          .transform((raw, ctx) => {
            if (raw === undefined || raw === "") return [];
            const list = raw.split(",").map((s) => s.trim());
            const unknown = list.filter((s) => !(transferStatuses as readonly string[]).includes(s));
            if (unknown.length > 0) ctx.addIssue({ code: "custom", message: `Unknown status ${unknown.join(", ")}; use ${transferStatuses.join(", ")}.` });
            return list as (typeof transferStatuses)[number][];
          }),
        from: z.iso.datetime({ offset: true, error: "Use an ISO 8601 time with its offset, e.g. 2026-12-01T00:00:00+07:00." }).optional().describe("Made at or after this time."),
        to: z.iso.datetime({ offset: true, error: "Use an ISO 8601 time with its offset, e.g. 2026-12-02T00:00:00+07:00." }).optional().describe("Made before this time."),
        cursor: z.string().max(200).optional().describe("next_cursor of the previous page."),
        limit: z.coerce
          .number({ error: `A whole number from ${listLimit.min} to ${listLimit.max}.` })
          .int({ error: `A whole number from ${listLimit.min} to ${listLimit.max}.` })
          .min(listLimit.min, { error: `A whole number from ${listLimit.min} to ${listLimit.max}.` })
          .max(listLimit.max, { error: `A whole number from ${listLimit.min} to ${listLimit.max}.` })
          .default(listLimit.fallback)
          .describe(`Payouts per page, ${listLimit.min}–${listLimit.max}, default ${listLimit.fallback}.`),
      })
      .strict(),
    responses: { 200: { description: "A page of payouts.", schema: payoutListSchema } },
    problems: [400, 422],
  }),
  approvePayout: define({
    id: "approvePayout",
    method: "POST",
    path: "/payouts/{reference}/approve",
    scope: "payouts:approve",
    summary: "Approve a payout that awaits approval, as the key's person (a manager)",
    description:
      "Never the person's own payout; a tier asking for several managers needs distinct people. The wallet is looked up again; if its owner's name changed, nothing happens until the request names the new one in acknowledged_name.",
    params: z.object({ reference }).strict(),
    body: z
      .object({
        acknowledged_name: z.string().max(200).optional().describe("The wallet owner's current name, when a previous answer said it changed."),
        duplicates_checked: z.array(reference).max(50).optional().describe("The payout's possible duplicates the approver checked: all of them, when it has any."),
      })
      .strict()
      .meta({ id: "ApprovalRequest" }),
    bodyOptional: true,
    responses: { 200: { description: "The payout after the approval; with approvals_given and approvals_needed while its tier waits for more.", schema: approvalAnswerSchema } },
    problems: [...bodyProblems, 404, 409],
  }),
  createBatch: define({
    id: "createBatch",
    method: "POST",
    path: "/batches",
    scope: "payouts:create",
    summary: "Make a batch of payouts from JSON rows or a CSV",
    description:
      "Every row is checked as a row of an uploaded file, then looked up. With submit (the default) it is submitted as the key's person once checked: below the approval threshold it is sent, above it waits for managers; rows to fix stop it, for a person to fix in the browser. Needs an Idempotency-Key header.",
    body: batchRequestSchema,
    idempotent: true,
    responses: { 201: { description: "The batch, checking.", schema: batchSchema } },
    problems: [...bodyProblems],
  }),
  getBatch: define({
    id: "getBatch",
    method: "GET",
    path: "/batches/{reference}",
    scope: "payouts:read",
    summary: "One batch: its progress, the rows to fix and its payouts",
    params: z.object({ reference: z.string().min(1).max(64).describe("The batch's reference, BAT…") }).strict(),
    query: z.object({ cursor: z.string().max(200).optional().describe("next_cursor of the previous answer.") }).strict(),
    responses: { 200: { description: "The batch.", schema: batchSchema } },
    problems: [400, 404, 422],
  }),
} as const satisfies Record<string, Operation>;

export type OperationName = keyof typeof operations;

/** The name an Idempotency-Key is kept under, e.g. "POST /payouts". */
export const operationName = (operation: Operation) => `${operation.method} ${operation.path}`;
