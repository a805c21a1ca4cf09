import type { Instrumentation } from "next";

/** Runs once when the server starts. Node-only work lives in instrumentation-node.ts. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") await (await import("./instrumentation-node")).start();
}

/**
 * A server error Next.js caught while rendering or running a route: one JSON line tying the digest it shows
 * (and logs itself) to the request id the proxy gave the request (docs/monitoring.md#logs). The path loses its query.
 */
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { log, requestIdHeader, withRequestContext } = await import("./lib/log");
  const header = request.headers[requestIdHeader];
  const requestId = (Array.isArray(header) ? header[0] : header) ?? null;
  const digest = typeof error === "object" && error !== null && "digest" in error ? String(error.digest) : null;
  const line = { digest, method: request.method, path: request.path.split("?")[0], routePath: context.routePath, routeType: context.routeType, err: error };
  if (requestId) withRequestContext({ requestId }, () => log().error(line, "unexpected server error"));
  else log().error(line, "unexpected server error");
};
