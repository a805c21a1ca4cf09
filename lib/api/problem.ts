import { z } from "zod";

/*
 * Errors of the API as RFC 9457 problem details (docs/api.md#errors): `application/problem+json` with a type URI that
 * names the kind of problem (a section of docs/api.md), a fixed title per type, the status, a detail in English that
 * says what was wrong with this request, and the request id as `instance` (the id our logs carry for it).
 */

export const problemTypes = {
  "bad-request": { status: 400, title: "Bad request" },
  "idempotency-key-missing": { status: 400, title: "Idempotency-Key header missing or malformed" },
  unauthorized: { status: 401, title: "Not authenticated" },
  forbidden: { status: 403, title: "Forbidden" },
  "not-found": { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict" },
  "idempotency-key-reused": { status: 409, title: "Idempotency-Key reused with another request" },
  "idempotency-key-in-progress": { status: 409, title: "A request with this Idempotency-Key is still being processed" },
  "payload-too-large": { status: 413, title: "Request body too large" },
  "unsupported-media-type": { status: 415, title: "Unsupported media type" },
  "validation-failed": { status: 422, title: "Validation failed" },
  "rate-limited": { status: 429, title: "Too many requests" },
  "internal-error": { status: 500, title: "Internal error" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemType = keyof typeof problemTypes;

export type FieldProblem = { field: string; message: string };

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** One entry per refused field (422). */
  errors?: FieldProblem[];
  /** Other members a problem type documents (e.g. approvals_given, current_name). */
  [extension: string]: unknown;
};

/** Where a problem type is explained: relative to the app's address (RFC 9457 §3.1.1 allows a relative URI). */
export const problemTypeUri = (type: ProblemType) => `/docs/api#${type}`;

/** A problem of this type; the status is the type's. */
export function problem(type: ProblemType, detail: string, extensions: Record<string, unknown> = {}): Problem {
  const { status, title } = problemTypes[type];
  return { type: problemTypeUri(type), title, status, detail, ...extensions };
}

export const problemContentType = "application/problem+json";

/** The answer carrying a problem; `instance` is the request id. */
export function problemResponse(found: Problem, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ ...found, instance: found.instance ?? requestId }), {
    status: found.status,
    headers: { "Content-Type": problemContentType, "Cache-Control": "no-store", ...headers },
  });
}

/** The problem details shape, for the OpenAPI document. */
export const problemSchema = z
  .object({
    type: z.string().describe("A URI naming the kind of problem, e.g. /docs/api#validation-failed."),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe("What was wrong with this request, in English."),
    instance: z.string().describe("The request id; quote it to support."),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .meta({ id: "Problem" });
