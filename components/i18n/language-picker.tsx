"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useAction } from "@/components/ui/use-action";
import { localeNames, locales, toLocale, type Locale } from "@/lib/i18n/locales";
import type { ActionResult } from "@/lib/result";

/**
 * Choosing the language (docs/language.md#choosing-the-language). Each language names itself, in itself
 * (`lang` on its name), whatever language the page is in.
 */

/**
 * The sign-in pages' switcher, "Bahasa Indonesia · English": the current language as text, the other as a
 * button that sets only the browser's cookie (no session needed). A plain form post: it works before the
 * page's script has loaded, and the page comes back in the chosen language.
 */
export function SignInLanguageSwitcher({ choose }: { choose: (form: FormData) => Promise<void> }) {
  const t = useTranslations("language");
  const current = toLocale(useLocale());
  return (
    <nav aria-label={t("label")} className="mt-4 flex flex-wrap items-center justify-center gap-x-1 text-xs text-ink-muted">
      {locales.map((locale, index) => (
        <span key={locale} className="inline-flex items-center gap-x-1">
          {index > 0 ? <span aria-hidden>·</span> : null}
          {locale === current ? (
            <span lang={locale} aria-current="true" className="inline-flex min-h-6 items-center px-1 font-semibold text-ink">
              {localeNames[locale]}
            </span>
          ) : (
            <form action={choose} className="inline">
              <input type="hidden" name="locale" value={locale} />
              <button type="submit" lang={locale} className="inline-flex min-h-6 items-center px-1 text-brand underline-offset-4 hover:underline">
                {localeNames[locale]}
              </button>
            </form>
          )}
        </span>
      ))}
    </nav>
  );
}

/**
 * My account's Language section: two radios and Save. Saved on the account (it follows the person to any
 * browser they sign in from) and in this browser's cookie; the page then comes back in the new language.
 */
export function LanguagePicker({ save }: { save: (input: unknown) => Promise<ActionResult<null>> }) {
  const t = useTranslations("language");
  const current = toLocale(useLocale());
  const [chosen, setChosen] = useState<Locale>(current);
  const { pending, run } = useAction();
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        run(() => save({ locale: chosen }));
      }}
    >
      <fieldset>
        <legend className="sr-only">{t("label")}</legend>
        <div className="flex flex-col gap-1">
          {locales.map((locale) => (
            <label key={locale} className="flex min-h-8 w-fit cursor-pointer items-center gap-2 text-sm">
              <input
                type="radio"
                name="locale"
                value={locale}
                checked={chosen === locale}
                onChange={() => setChosen(locale)}
                className="size-4 accent-brand"
              />
              <span lang={locale}>{localeNames[locale]}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <Button type="submit" size="sm" variant="secondary" className="mt-3" disabled={pending || chosen === current}>
        {pending ? t("saving") : t("save")}
      </Button>
    </form>
  );
}
