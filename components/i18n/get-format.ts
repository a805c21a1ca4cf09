import "server-only";
import { getLocale } from "next-intl/server";
import { formatFor, type Format } from "@/lib/format";

/** `useFormat` for async server components (pages, route handlers). */
export async function getFormat(): Promise<Format> {
  return formatFor(await getLocale());
}
