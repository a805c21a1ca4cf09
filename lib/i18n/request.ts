import { cookies } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { localeCookie, timeZone, toLocale } from "./locales";
import { messagesOf } from "./messages";

/** next-intl's per-request configuration: the language from the cookie, times in Jakarta (docs/language.md). */
export default getRequestConfig(async () => {
  const locale = toLocale((await cookies()).get(localeCookie)?.value);
  return { locale, messages: messagesOf(locale), timeZone };
});
