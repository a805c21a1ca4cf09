import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import type { ActionResult } from "@/lib/result";

/**
 * A server refusal's field errors placed under the form's own fields (the first message of each), so the
 * server's checks read like the form's. `fields` limits them to the fields the form shows. Returns whether
 * any was placed; a refusal without field errors is for the caller to show.
 */
export function applyFieldErrors<F extends FieldValues>(setError: UseFormSetError<F>, result: ActionResult<unknown>, fields?: readonly Path<F>[]): boolean {
  if (result.ok || !result.fieldErrors) return false;
  let placed = false;
  for (const [field, messages] of Object.entries(result.fieldErrors)) {
    if (fields && !fields.includes(field as Path<F>)) continue;
    setError(field as Path<F>, { message: messages[0] });
    placed = true;
  }
  return placed;
}
