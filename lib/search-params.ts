import { z } from "zod";

/**
 * A screen's view read from its URL (history, audit trail): one home for the pieces every filter schema
 * shares. A parameter given twice counts once, a bad one falls back to its default instead of failing.
 */

export type SearchParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;

/** The first value of a parameter given more than once. */
export const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

/** A row id in the URL (a maker, a batch, an actor), or nothing. */
export const idParam = z.preprocess(first, z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional()).catch(undefined);

/** The parameters as a record of every value given, ready for a filter schema. */
export function paramsRecord(params: SearchParamsInput): Record<string, string | string[] | undefined> {
  return params instanceof URLSearchParams ? Object.fromEntries([...new Set(params.keys())].map((key) => [key, params.getAll(key)])) : params;
}
