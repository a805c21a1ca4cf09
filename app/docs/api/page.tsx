import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import type { ReactNode } from "react";
import { openApiDocument } from "@/lib/api/openapi";
import { problemTypes } from "@/lib/api/problem";
import { describeSchema, fieldsOf, type JsonSchema } from "@/lib/api/reference";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("apiReference");
  return { title: t("title") };
}

/**
 * The API's reference for the merchant's developers (docs/api.md): public like the OpenAPI document it is read from,
 * so the problem types' URIs (/docs/api#validation-failed) lead here. The page's own words follow the reader's language;
 * the API's words (summaries, fields, descriptions) are its English.
 */
export default async function ApiReferencePage() {
  const t = await getTranslations("apiReference");
  const document = openApiDocument();
  const schemas = document.components.schemas;
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation: operation as Operation })),
  );

  return (
    <main className="mx-auto max-w-4xl px-4 py-8 md:px-8">
      <header className="mb-6">
        <p className="text-sm text-ink-muted">{t("title")}</p>
        <h1 className="text-2xl font-semibold">{t("heading")}</h1>
        <p className="mt-3 text-sm leading-6">{t("intro")}</p>
        <p className="mt-3 flex flex-wrap gap-x-4 gap-y-2 text-sm">
          <a href="/api/v1/openapi.json" className="font-medium text-brand underline">
            {t("openapi")}
          </a>
          <Link href="/login" className="font-medium text-brand underline">
            {t("signIn")}
          </Link>
        </p>
      </header>

      <nav aria-labelledby="contents-heading" className="mb-8 rounded-lg border border-line bg-surface p-4">
        <h2 id="contents-heading" className="mb-2 text-sm font-semibold">
          {t("contents")}
        </h2>
        <ul className="grid gap-1 text-sm sm:grid-cols-2">
          <li>
            <a href="#basics" className="text-brand underline">
              {t("basics")}
            </a>
          </li>
          <li>
            <a href="#errors" className="text-brand underline">
              {t("errorsTitle")}
            </a>
          </li>
          {operations.map(({ path, method, operation }) => (
            <li key={operation.operationId}>
              <a href={`#${operation.operationId}`} className="break-words text-brand underline">
                <code>{endpointOf(method, path)}</code>
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <section aria-labelledby="basics" className="mb-8 space-y-4 text-sm leading-6">
        <h2 id="basics" className="text-lg font-semibold">
          {t("basics")}
        </h2>
        <Part title={t("authenticationTitle")}>{t("authenticationBody")}</Part>
        <h3 className="font-semibold">{t("scopesTitle")}</h3>
        <Scroller label={t("scrollTable", { name: t("scopesTitle") })}>
          <table className="w-full text-left text-sm">
            <Head labels={[t("scope"), t("scopeAllows")]} />
            <tbody>
              {(
                [
                  ["payouts:read", t("scopeRead")],
                  ["payouts:create", t("scopeCreate")],
                  ["payouts:approve", t("scopeApprove")],
                ] as const
              ).map(([scope, allows]) => (
                <tr key={scope} className="border-b border-line last:border-0">
                  <th scope="row" className="py-1 pr-4 align-top font-normal">
                    <code>{scope}</code>
                  </th>
                  <td className="py-1">{allows}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroller>
        <Part title={t("requestsTitle")}>{t("requestsBody")}</Part>
        <Part title={t("idempotencyTitle")}>{t("idempotencyBody")}</Part>
        <Part title={t("paginationTitle")}>{t("paginationBody")}</Part>
        <Part title={t("rateLimitsTitle")}>{t("rateLimitsBody")}</Part>
      </section>

      <section aria-labelledby="errors" className="mb-8 space-y-3 text-sm leading-6">
        <h2 id="errors" className="text-lg font-semibold">
          {t("errorsTitle")}
        </h2>
        <p>{t("errorsBody")}</p>
        <Scroller label={t("scrollTable", { name: t("errorsTitle") })}>
          <table className="w-full text-left text-sm">
            <Head labels={[t("problemType"), t("problemStatus"), t("problemTitle")]} />
            <tbody>
              {Object.entries(problemTypes).map(([type, { status, title }]) => (
                <tr key={type} id={type} className="scroll-mt-4 border-b border-line last:border-0 target:bg-brand/10">
                  <th scope="row" className="py-1 pr-4 align-top font-normal">
                    <code>{type}</code>
                  </th>
                  <td className="py-1 pr-4 align-top tabular-nums">{status}</td>
                  <td className="py-1 align-top">{title}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroller>
      </section>

      <h2 className="mb-4 text-lg font-semibold">{t("operations")}</h2>
      {operations.map(({ path, method, operation }) => {
        const answers = Object.entries(operation.responses);
        const successes = answers.filter(([status]) => Number(status) < 400);
        const problems = answers.filter(([status]) => Number(status) >= 400).map(([status]) => status);
        const body = operation.requestBody?.content["application/json"]?.schema;
        return (
          <section key={operation.operationId} aria-labelledby={operation.operationId} className="mb-8 scroll-mt-4 rounded-lg border border-line bg-surface p-4 text-sm leading-6">
            <h3 id={operation.operationId} className="scroll-mt-4 text-base font-semibold break-words">
              <code>{endpointOf(method, `/api/v1${path}`)}</code>
            </h3>
            <p className="mt-1 font-medium">{operation.summary}</p>
            {operation.description ? <p className="mt-1 text-ink-muted">{operation.description}</p> : null}
            <p className="mt-2">
              {t("needsScope", { scope: operation["x-scope"] })}
              {operation.parameters.some((p) => p.in === "header" && p.name === "Idempotency-Key") ? ` ${t("needsIdempotencyKey")}` : null}
            </p>
            {operation.parameters.length > 0 ? (
              <>
                <h4 className="mt-3 font-semibold">{t("parameters")}</h4>
                <Scroller label={t("scrollTable", { name: t("parameters") })}>
                  <table className="w-full text-left text-sm">
                    <Head labels={[t("parameter"), t("where"), t("required"), t("description")]} />
                    <tbody>
                      {operation.parameters.map((parameter) => (
                        <tr key={`${parameter.in} ${parameter.name}`} className="border-b border-line last:border-0">
                          <th scope="row" className="py-1 pr-3 align-top font-normal">
                            <code>{parameter.name}</code>
                          </th>
                          <td className="py-1 pr-3 align-top">{parameter.in}</td>
                          <td className="py-1 pr-3 align-top">{parameter.required ? t("yes") : t("no")}</td>
                          <td className="py-1 align-top">
                            <code className="text-xs">{describeSchema(parameter.schema, schemas)}</code>
                            {parameter.description ? <span className="block">{parameter.description}</span> : null}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </Scroller>
              </>
            ) : null}
            {body ? (
              <>
                <h4 className="mt-3 font-semibold">{t("requestBody")}</h4>
                {operation.requestBody?.required === false ? <p>{t("bodyOptional")}</p> : null}
                <Fields schema={body} schemas={schemas} label={t("requestBody")} />
              </>
            ) : null}
            <h4 className="mt-3 font-semibold">{t("answers")}</h4>
            {successes.map(([status, answer]) => (
              <div key={status} className="mt-1">
                <p>
                  <code className="font-semibold">{status}</code> {answer.description}
                </p>
                {answer.content?.["application/json"]?.schema ? (
                  <Fields schema={answer.content["application/json"].schema} schemas={schemas} label={`${status}`} />
                ) : null}
              </div>
            ))}
            <p className="mt-2 text-ink-muted">{t("problemsAnswered", { statuses: problems.join(", ") })}</p>
          </section>
        );
      })}
    </main>
  );
}

/** "POST /payouts": a method and path as the API names them (not words of the page). */
const endpointOf = (method: string, path: string) => [method, path].join(" ");

type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  "x-scope": string;
  parameters: { name: string; in: string; required: boolean; description?: string; schema: JsonSchema }[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema } | undefined> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema } | undefined> }>;
};

async function Fields({ schema, schemas, label }: { schema: JsonSchema; schemas: Record<string, JsonSchema>; label: string }) {
  const t = await getTranslations("apiReference");
  const { name, fields } = fieldsOf(schema, schemas);
  if (fields.length === 0) return null;
  return (
    <Scroller label={t("scrollTable", { name: name ? t("fieldsOf", { name }) : label })}>
      <table className="w-full text-left text-sm">
        {name ? <caption className="pb-1 text-left text-xs text-ink-muted">{t("fieldsOf", { name })}</caption> : null}
        <Head labels={[t("field"), t("type"), t("required"), t("description")]} />
        <tbody>
          {fields.map((field) => (
            <tr key={field.name} className="border-b border-line last:border-0">
              <th scope="row" className="py-1 pr-3 align-top font-normal">
                <code>{field.name}</code>
              </th>
              <td className="py-1 pr-3 align-top">
                <code className="text-xs break-words">{field.type}</code>
              </td>
              <td className="py-1 pr-3 align-top">{field.required ? t("yes") : t("no")}</td>
              <td className="py-1 align-top">{field.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroller>
  );
}

/** A table's column headings. */
function Head({ labels }: { labels: string[] }) {
  return (
    <thead>
      <tr className="border-b border-line">
        {labels.map((label, i) => (
          <th key={label} scope="col" className={i < labels.length - 1 ? "py-1 pr-3" : "py-1"}>
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function Part({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div>
      <h3 className="font-semibold">{title}</h3>
      <p>{children}</p>
    </div>
  );
}

/** A table wider than a phone scrolls inside its own box, reachable by keyboard, never the page. */
function Scroller({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className="mt-1 overflow-x-auto">
      {children}
    </div>
  );
}
