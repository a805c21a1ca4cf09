/** An id from a URL segment: only a plain positive number names a row; anything else is a 404, never a database error. */
export function routeId(raw: string): number | undefined {
  const id = Number(raw);
  return /^\d{1,15}$/.test(raw) && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
