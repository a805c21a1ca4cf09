import { openApiDocument } from "@/lib/api/openapi";

// The API's OpenAPI 3.1 document (docs/api.md#the-openapi-document): public, like the reference page; it holds no secret.
export function GET(): Response {
  return new Response(JSON.stringify(openApiDocument(), null, 2), {
    headers: { "Content-Type": "application/json", "Cache-Control": "public, max-age=300" },
  });
}
