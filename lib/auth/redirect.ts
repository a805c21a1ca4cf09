/**
 * Where to go after signing in. Only a path of this app is ever followed: an absolute URL (as Auth.js
 * puts in `callbackUrl`) keeps its path and loses its origin, so sign-in cannot be an open redirect.
 */
export function safeCallbackPath(raw: string | null | undefined): string {
  if (!raw) return "/";
  let url: URL;
  try {
    url = new URL(raw, "http://app.invalid");
  } catch {
    return "/";
  }
  const path = url.pathname + url.search + url.hash;
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/login") || path.startsWith("/api/")) return "/";
  return path;
}
