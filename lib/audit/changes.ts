/**
 * An audit entry's change the way an auditor reads it (the audit trail screen): one line per field,
 * `field: before → after`, from the entry's before/after JSON. Only fields that differ are listed; an entry
 * with only `after` (a creation, a refusal) lists its fields as new values, one with only `before` (a
 * removal) as values that went. A before/after that is not an object (an array, a number) is one line
 * without a field name.
 */
export type AuditChange = { field: string | null; before?: unknown; after?: unknown };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function auditChanges(before: unknown, after: unknown): AuditChange[] {
  const hasBefore = before !== null && before !== undefined;
  const hasAfter = after !== null && after !== undefined;
  if (!hasBefore && !hasAfter) return [];
  if ((hasBefore && !isRecord(before)) || (hasAfter && !isRecord(after))) {
    if (hasBefore && hasAfter && same(before, after)) return [];
    return [{ field: null, ...(hasBefore ? { before } : {}), ...(hasAfter ? { after } : {}) }];
  }
  const b = (hasBefore ? before : {}) as Record<string, unknown>;
  const a = (hasAfter ? after : {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields
    .filter((field) => !(field in b && field in a && same(b[field], a[field])))
    .map((field) => ({ field, ...(field in b ? { before: b[field] } : {}), ...(field in a ? { after: a[field] } : {}) }));
}
