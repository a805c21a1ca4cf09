/** What every server action returns: expected failures are values, not exceptions (STYLE §3). */
export type ActionFailureCode = "invalid" | "forbidden" | "not_found" | "conflict" | "error";

export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; code: ActionFailureCode; message: string; fieldErrors?: Record<string, string[]> };

export function ok<T>(data: T, message?: string): ActionResult<T> {
  return { ok: true, data, message };
}

export function fail(
  code: ActionFailureCode,
  message: string,
  fieldErrors?: Record<string, string[]>,
): { ok: false; code: ActionFailureCode; message: string; fieldErrors?: Record<string, string[]> } {
  return fieldErrors ? { ok: false, code, message, fieldErrors } : { ok: false, code, message };
}
