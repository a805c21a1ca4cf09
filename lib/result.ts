/** What every server action returns: expected failures are values, not exceptions (STYLE §3). */
/** `step_up`: the action needs a fresh second-factor code (docs/sign-in.md#step-up); the screen asks for one and retries. */
export type ActionFailureCode = "invalid" | "forbidden" | "not_found" | "conflict" | "error" | "step_up";

export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; code: ActionFailureCode; message: string; fieldErrors?: Record<string, string[]> };

/** Zod issues as field errors: the path joined with dots, or "form" for the whole input. */
export function fieldErrorsOf(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string[]> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of issues) (fieldErrors[issue.path.length > 0 ? issue.path.map(String).join(".") : "form"] ??= []).push(issue.message);
  return fieldErrors;
}

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
