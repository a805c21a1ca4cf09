import { z } from "zod";
import { apiScopes } from "@/db/schema";
import { commonProblems, operations, type Operation } from "./operations";
import { problemContentType, problemSchema, problemTypes } from "./problem";

/*
 * The OpenAPI 3.1 document of /api/v1 (docs/api.md#the-openapi-document), generated from the operations' declarations
 * (lib/api/operations.ts), which the route handlers parse with: paths, scopes, parameters, bodies, answers and problems
 * come from one place. Served at /api/v1/openapi.json and read by the reference page /docs/api.
 * test/api-reference/openapi.test.ts validates it against the OpenAPI 3.1 schema and checks it against the route files.
 */

type JsonSchema = { [key: string]: unknown };
type Io = "input" | "output";

/** Named schemas (those with `.meta({ id })`) as components; each use refers to them. */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  schema(schema: z.ZodType, io: Io): JsonSchema {
    const converted = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
    const { $defs, $schema: _dialect, ...rest } = converted as JsonSchema & { $defs?: Record<string, JsonSchema> };
    const renamed = new Map<string, string>();
    for (const [id, definition] of Object.entries($defs ?? {})) {
      const existing = this.schemas[id];
      // The same id read for a request and for an answer can differ (defaults, transforms): the second gets its own name.
      const name = existing === undefined || JSON.stringify(existing) === JSON.stringify(definition) ? id : `${id}${io === "input" ? "Input" : "Output"}`;
      renamed.set(id, name);
      this.schemas[name] = definition;
    }
    for (const name of renamed.values()) this.schemas[name] = rewriteRefs(this.schemas[name], renamed) as JsonSchema;
    return rewriteRefs(rest, renamed) as JsonSchema;
  }
}

function rewriteRefs(node: unknown, renamed: Map<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item) => rewriteRefs(item, renamed));
  if (node && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith("#/$defs/")) {
        const id = value.slice("#/$defs/".length);
        out[key] = `#/components/schemas/${renamed.get(id) ?? id}`;
      } else out[key] = rewriteRefs(value, renamed);
    }
    return out;
  }
  return node;
}

/** The properties of a parameters object (path or query), one OpenAPI parameter each. */
function parameters(components: Components, schema: z.ZodType | undefined, where: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const converted = components.schema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(converted.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === "path" || (converted.required ?? []).includes(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

const statusWords: Record<number, string> = Object.fromEntries(Object.values(problemTypes).map((type) => [type.status, type.title]));

function operationObject(components: Components, operation: Operation): JsonSchema {
  const problems = [...new Set([...operation.problems, ...commonProblems])].sort((a, b) => a - b);
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(operation.responses)) {
    responses[status] = { description: answer.description, content: { "application/json": { schema: components.schema(answer.schema, "output") } } };
  }
  for (const status of problems) {
    responses[String(status)] = {
      description: `${statusWords[status] ?? "Problem"} (problem details).`,
      ...(status === 429 ? { headers: { "Retry-After": { description: "Seconds to wait before the next request.", schema: { type: "integer" } } } } : {}),
      content: { [problemContentType]: { schema: { $ref: "#/components/schemas/Problem" } } },
    };
  }
  const headers: JsonSchema[] = operation.idempotent
    ? [
        {
          name: "Idempotency-Key",
          in: "header",
          required: true,
          description: "A unique value per payout (e.g. a UUID), 1–255 printable ASCII characters, sent again unchanged on a retry.",
          schema: { type: "string", minLength: 1, maxLength: 255 },
        },
      ]
    : [];
  return {
    operationId: operation.id,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [operation.path.split("/")[1]],
    security: [{ apiKey: [operation.scope] }],
    "x-scope": operation.scope,
    parameters: [...parameters(components, operation.params, "path"), ...parameters(components, operation.query, "query"), ...headers],
    ...(operation.body
      ? { requestBody: { required: !operation.bodyOptional, content: { "application/json": { schema: components.schema(operation.body, "input") } } } }
      : {}),
    responses,
  };
}

export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
  [key: string]: unknown;
};

const tagWords: Record<string, string> = {
  lookups: "Who owns a wallet, before paying it.",
  payouts: "Payouts: make, read, list, approve.",
  batches: "Many payouts at once.",
};

let built: OpenApiDocument | undefined;

export function openApiDocument(): OpenApiDocument {
  if (built) return built;
  const components = new Components();
  components.schema(problemSchema, "output");
  const paths: OpenApiDocument["paths"] = {};
  for (const operation of Object.values(operations) as Operation[]) {
    (paths[operation.path] ??= {})[operation.method.toLowerCase()] = operationObject(components, operation);
  }
  built = {
    openapi: "3.1.0",
    info: {
      title: "Cash In Payouts API",
      version: "1",
      description:
        "Look up e-wallet owners and pay them out through Cash In from your own systems, under the same rules as the back-office: limits, approval tiers, near-duplicates, at most one top-up per payout, audit. Every answer is JSON; every error is RFC 9457 problem details. See /docs/api.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ apiKey: [] }],
    tags: [...new Set(Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags as string[])))].map((name) => ({
      name,
      ...(tagWords[name] ? { description: tagWords[name] } : {}),
    })),
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: `An API key made by an admin on API keys, sent as "Authorization: Bearer cip_…". Its scopes (${apiScopes.join(", ")}) decide what it may do.`,
        },
      },
    },
  };
  return built;
}
