import { useLocale } from "next-intl";
import { formatFor, type Format } from "@/lib/format";

/** Numbers, amounts and times in the reader's language, for client components and non-async server components. */
export function useFormat(): Format {
  return formatFor(useLocale());
}
