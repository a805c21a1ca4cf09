import "server-only";
import type { z } from "zod";
import type { Db } from "@/db/client";
import { recordAuditAtMostEvery } from "@/lib/audit/record";
import { clientIp } from "@/lib/auth/client-ip";
import { env } from "@/lib/env";
import { withLocale } from "@/lib/i18n/request-locale";
import { log, newRequestId, withRequestContext } from "@/lib/log";
import type { ActionResult } from "@/lib/result";
import { transferDeps } from "@/lib/runtime";
import type { TransferDeps } from "@/lib/transfers/deps";
import { authenticateApiKey, refuseScope, type ApiCaller } from "./authenticate";
import { claimOrWait, completeIdempotencyKey, forgetOldIdempotencyKeys, idempotencyKeyPattern, releaseIdempotencyKey, requestHashOf } from "./idempotency";
import { operationName, type Operation } from "./operations";
import { problem, problemContentType, problemResponse, type FieldProblem, type Problem } from "./problem";
import { RateLimiter } from "./rate-limit";

/** The largest request body, in bytes (docs/api.md#requests). */
export const maxBodyBytes = 1024 * 1024;

/** What a request needs from the process: the domain's dependencies, the rate limiter, how long a repeat waits. */
export type ApiDeps = { transfers: TransferDeps; limiter: RateLimiter; idempotencyWaitMs?: number };

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

export type ApiRequest<O extends Operation> = {
  deps: TransferDeps;
  caller: ApiCaller;
  ip: string;
  body: Output<O["body"]>;
  params: Output<O["params"]>;
  query: Output<O["query"]>;
};

/** A handler's answer: a status and its JSON, or a problem. */
export type ApiAnswer = { status: number; json: unknown } | { problem: Problem };

export type ApiHandler<O extends Operation> = (request: ApiRequest<O>) => Promise<ApiAnswer> | ApiAnswer;

type RouteContext = { params: Promise<Record<string, string | string[]>> };

let processLimiter: RateLimiter | undefined;
let lastSweep = 0;

function runtimeDeps(): ApiDeps {
  processLimiter ??= new RateLimiter(env().API_RATE_LIMIT_PER_MINUTE);
  return { transfers: transferDeps(), limiter: processLimiter };
}

/**
 * A route handler for one declared operation (lib/api/operations.ts). Every request goes the same way: the key → its
 * address → the rate limit → the scope → the body (JSON, at most 1 MB) → the declared schemas (strict) → the
 * Idempotency-Key, when the operation needs one → the handler, which calls the same domain functions as the browser.
 * Every answer is JSON; every refusal a problem (docs/api.md#errors), in English. No cookie is read.
 */
export function apiRoute<O extends Operation>(operation: O, handler: ApiHandler<O>, deps: () => ApiDeps = runtimeDeps) {
  return async (request: Request, context?: RouteContext): Promise<Response> => {
    // Our own id, never the client's: the API does not pass through proxy.ts (docs/api.md#requests), which stamps the pages'.
    const requestId = newRequestId();
    const params = (await context?.params) ?? {};
    return withLocale("en", () =>
      withRequestContext({ requestId }, async () => {
        // One line per request, as proxy.ts writes for the pages: the pathname only, never a body, a key or a query.
        log().info({ method: request.method, path: new URL(request.url).pathname }, "request");
        try {
          return await handleApiRequest(deps(), operation, handler, request, params, requestId);
        } catch (error) {
          log().error({ operation: operationName(operation), err: error }, "unexpected error in an API request");
          return problemResponse(problem("internal-error", `Something went wrong on our side; nothing was changed by this request unless its payout shows it. Quote ${requestId} to support.`), requestId);
        }
      }),
    );
  };
}

const json = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers } });

/** The zod issues as the problem's `errors`, named as the request named them. */
function fieldProblems(issues: readonly z.core.$ZodIssue[], where: string): FieldProblem[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    const unknownKeys = issue.code === "unrecognized_keys" ? issue.keys : null;
    if (unknownKeys) return { field: [where, path].filter(Boolean).join("."), message: `Unknown field${unknownKeys.length > 1 ? "s" : ""}: ${unknownKeys.join(", ")}.` };
    return { field: [where, path].filter(Boolean).join(".") || where, message: issue.message };
  });
}

async function readBody(request: Request): Promise<{ ok: true; text: string } | { ok: false; problem: Problem }> {
  const reader = request.body?.getReader();
  if (!reader) return { ok: true, text: "" };
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel();
      return { ok: false, problem: problem("payload-too-large", `The request body is larger than ${maxBodyBytes} bytes (1 MB).`) };
    }
    chunks.push(value);
  }
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)) };
  } catch {
    return { ok: false, problem: problem("bad-request", "The request body is not UTF-8 text.") };
  }
}

async function parsedBody(operation: Operation, request: Request): Promise<{ ok: true; value: unknown } | { ok: false; problem: Problem }> {
  if (!operation.body) return { ok: true, value: undefined };
  const read = await readBody(request);
  if (!read.ok) return read;
  if (read.text === "" && operation.bodyOptional) return { ok: true, value: {} };
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    return { ok: false, problem: problem("unsupported-media-type", `Send the body as JSON with Content-Type: application/json${type ? `, not ${type}` : ""}.`) };
  }
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch (error) {
    return { ok: false, problem: problem("bad-request", `The body is not valid JSON: ${(error as Error).message}`) };
  }
  const parsed = operation.body.safeParse(value);
  if (!parsed.success) return { ok: false, problem: problem("validation-failed", "Some fields are missing or not valid; see errors.", { errors: fieldProblems(parsed.error.issues, "") }) };
  return { ok: true, value: parsed.data };
}

function parsedPart(schema: z.ZodType | undefined, value: unknown, where: "path" | "query"): { ok: true; value: unknown } | { ok: false; problem: Problem } {
  if (!schema) return { ok: true, value: undefined };
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: problem("validation-failed", `The ${where === "path" ? "path" : "query string"} is not valid; see errors.`, { errors: fieldProblems(parsed.error.issues, where) }) };
}

/** The request itself, with its dependencies given: what the tests call. */
export async function handleApiRequest<O extends Operation>(
  deps: ApiDeps,
  operation: O,
  handler: ApiHandler<O>,
  request: Request,
  params: Record<string, string | string[]>,
  requestId: string = newRequestId(),
): Promise<Response> {
  const db: Db = deps.transfers.db;
  const now = deps.transfers.now();
  const ip = clientIp(request.headers);
  const refuse = (found: Problem, headers?: Record<string, string>) => problemResponse(found, requestId, headers);

  // A body announced as too large is refused before anything is read (docs/api.md#requests); a body that grows past the
  // limit while it is read is cut off there (readBody).
  const announced = Number(request.headers.get("content-length") ?? 0);
  if (operation.body && announced > maxBodyBytes) return refuse(problem("payload-too-large", `The request body is larger than ${maxBodyBytes} bytes (1 MB).`));

  const authenticated = await authenticateApiKey(db, request.headers.get("authorization"), ip, now);
  if (!authenticated.ok) return refuse(authenticated.problem, authenticated.problem.status === 401 ? { "WWW-Authenticate": 'Bearer realm="api"' } : {});
  const { caller } = authenticated;
  // Not audited per request: a flood would flood the trail (docs/api.md#rate-limits).
  const retryAfter = deps.limiter.take(caller.key.id, Date.now());
  if (retryAfter !== null) {
    return refuse(problem("rate-limited", `The API key "${caller.key.name}" made too many requests; try again in ${retryAfter} s.`), { "Retry-After": String(retryAfter) });
  }
  const scopeProblem = await refuseScope(db, caller, operation.scope, ip, now);
  if (scopeProblem) return refuse(scopeProblem);
  // Bad input changes nothing and is audited, at most once a minute per key and kind of problem (a flood cannot fill the trail).
  const refuseInput = async (found: Problem, headers?: Record<string, string>) => {
    await auditRefusedInput(db, caller, operation, found, ip, now);
    return refuse(found, headers);
  };

  const path = parsedPart(operation.params, params, "path");
  if (!path.ok) return refuseInput(path.problem);
  const query = parsedPart(operation.query, Object.fromEntries(new URL(request.url).searchParams), "query");
  if (!query.ok) return refuseInput(query.problem);
  const idempotencyKey = request.headers.get("idempotency-key");
  if (operation.idempotent && (idempotencyKey === null || !idempotencyKeyPattern.test(idempotencyKey))) {
    const detail = idempotencyKey === null ? "This operation needs an Idempotency-Key header: a unique value per payout, e.g. a UUID, sent again unchanged on a retry." : "The Idempotency-Key must be 1–255 printable ASCII characters.";
    return refuseInput(problem("idempotency-key-missing", detail));
  }
  const body = await parsedBody(operation, request);
  if (!body.ok) return refuseInput(body.problem);

  const input = { deps: deps.transfers, caller, ip, body: body.value, params: path.value, query: query.value } as ApiRequest<O>;
  if (!operation.idempotent || idempotencyKey === null) return respond(await handler(input), requestId);

  if (Date.now() - lastSweep > 60 * 60_000) {
    lastSweep = Date.now();
    await forgetOldIdempotencyKeys(db, now);
  }
  const scope = { apiKeyId: caller.key.id, operation: operationName(operation), key: idempotencyKey, requestHash: requestHashOf(body.value) };
  const claim = await claimOrWait(db, scope, deps.transfers.now, { waitMs: deps.idempotencyWaitMs });
  switch (claim.kind) {
    case "replay":
      // A stored refusal is replayed as what it was: problem details.
      return json(claim.answer.status, claim.answer.body, { "Idempotent-Replayed": "true", ...(claim.answer.status >= 400 ? { "Content-Type": problemContentType } : {}) });
    case "mismatch":
      return refuseInput(problem("idempotency-key-reused", `The Idempotency-Key "${idempotencyKey}" was used with another request body; use a new key for a new payout.`));
    case "in_progress":
      return refuse(problem("idempotency-key-in-progress", `The first request with the Idempotency-Key "${idempotencyKey}" is still running; send this one again shortly for its answer.`), { "Retry-After": "5" });
  }
  let answer: ApiAnswer;
  try {
    answer = await handler(input);
  } catch (error) {
    await releaseIdempotencyKey(db, claim.id);
    throw error;
  }
  const response = respond(answer, requestId);
  if (response.status >= 500) {
    await releaseIdempotencyKey(db, claim.id);
    return response;
  }
  const text = await response.clone().text();
  await completeIdempotencyKey(db, claim.id, { status: response.status, body: text }, deps.transfers.now());
  return response;
}

/** `api.refused` for a request whose key was good but whose input was not: the problem's type is the reason. */
async function auditRefusedInput(db: Db, caller: ApiCaller, operation: Operation, found: Problem, ip: string, now: Date): Promise<void> {
  const reason = found.type.split("#").pop() ?? found.type;
  await db.transaction(
    async (tx) =>
      await recordAuditAtMostEvery(
        tx,
        60_000,
        {
          actor: caller.actor,
          action: "api.refused",
          target: { type: "api_key", id: caller.key.id },
          after: { reason, status: found.status, operation: operationName(operation), key: caller.key.name, prefix: caller.key.prefix, detail: found.detail.slice(0, 300) },
          ip,
          at: now,
        },
        { sameReason: reason },
      ),
  );
}

function respond(answer: ApiAnswer, requestId: string): Response {
  if ("problem" in answer) return problemResponse(answer.problem, requestId);
  return json(answer.status, JSON.stringify(answer.json));
}

/** A domain refusal (an `ActionResult` failure) as a problem: its message is already in English here. */
export function problemOfFailure(result: Extract<ActionResult<unknown>, { ok: false }>, fields: Record<string, string> = {}): Problem {
  const errors = Object.entries(result.fieldErrors ?? {}).flatMap(([field, messages]) => messages.map((message) => ({ field: fields[field] ?? field, message })));
  switch (result.code) {
    case "invalid":
      return problem("validation-failed", result.message, errors.length > 0 ? { errors } : {});
    case "not_found":
      return problem("not-found", result.message);
    case "conflict":
      return problem("conflict", result.message);
    case "forbidden":
    case "step_up":
      return problem("forbidden", result.message);
    case "error":
      return problem("internal-error", result.message);
  }
}
