import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/api/openapi";
import { operations } from "@/lib/api/operations";
import { fieldsOf } from "@/lib/api/reference";

/**
 * docs/api.md#the-openapi-document: the document served at /api/v1/openapi.json is valid OpenAPI 3.1 and describes
 * exactly the routes that exist: every route file under app/api/v1 serves its methods through `apiRoute` with the
 * operation declared for that method and path, and the document lists those operations, no more, no fewer.
 */

const apiDir = resolve(__dirname, "../../app/api/v1");

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return routeFiles(path);
    return name === "route.ts" ? [path] : [];
  });
}

/** "METHOD /path" served by each route file, with the operation it names. */
function servedRoutes(): { route: string; operation: string | null; file: string }[] {
  return routeFiles(apiDir)
    .filter((file) => !file.includes("openapi.json"))
    .flatMap((file) => {
      const path = `/${relative(apiDir, file).replace(/\/?route\.ts$/, "")}`.replace(/\[(\w+)\]/g, "{$1}");
      const source = readFileSync(file, "utf8");
      const exported = [...source.matchAll(/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)].map((m) => m[1]!);
      return exported.map((method) => {
        const through = new RegExp(`export\\s+const\\s+${method}\\s*=\\s*apiRoute\\(\\s*operations\\.(\\w+)`).exec(source);
        return { route: `${method} ${path}`, operation: through?.[1] ?? null, file: relative(apiDir, file) };
      });
    });
}

describe("The OpenAPI document", () => {
  const document = openApiDocument();

  it("is valid OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("lists exactly the operations the route files serve, each through its declaration", () => {
    const served = servedRoutes();
    expect(served.length).toBeGreaterThanOrEqual(5);
    // Every handler goes through apiRoute with the operation declared for its method and path.
    for (const { route, operation, file } of served) {
      expect(operation, `${file}: ${route} must be apiRoute(operations.…)`).not.toBeNull();
      const declared = operations[operation as keyof typeof operations];
      expect(`${declared.method} ${declared.path}`, file).toBe(route);
    }
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(served.map((s) => s.route).sort());
  });

  it("says what each operation needs and answers: scope, parameters, body, answers, problems", () => {
    const create = document.paths["/payouts"]!.post as Record<string, unknown> & { parameters: { name: string; in: string; required: boolean }[]; responses: Record<string, unknown> };
    expect(create["x-scope"]).toBe("payouts:create");
    expect(create.parameters).toContainEqual(expect.objectContaining({ name: "Idempotency-Key", in: "header", required: true }));
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "403", "409", "413", "415", "422", "429"]));
    const get = document.paths["/payouts/{reference}"]!.get as { parameters: { name: string; in: string; required: boolean }[] };
    expect(get.parameters).toContainEqual(expect.objectContaining({ name: "reference", in: "path", required: true }));
    const list = document.paths["/payouts"]!.get as { parameters: { name: string; in: string }[] };
    expect(list.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(["status", "from", "to", "cursor", "limit"]));
    // The answer's fields are the payout's, read from the same schema as the API's answers and the webhooks.
    const payout = fieldsOf({ $ref: "#/components/schemas/Payout" }, document.components.schemas);
    expect(payout.fields.map((f) => f.name)).toEqual(expect.arrayContaining(["reference", "status", "amount", "phone", "owner_name", "created_at"]));
    expect(payout.fields.find((f) => f.name === "wallet")?.type).toBe("one of DANA, OVO, GOPAY, SHOPEEPAY");
  });

  it("refers only to schemas it defines", () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of new Set(refs)) expect(document.components.schemas, ref).toHaveProperty(ref);
  });
});
