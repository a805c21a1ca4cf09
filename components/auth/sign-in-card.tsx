import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { SignInLanguageSwitcher } from "@/components/i18n/language-picker";

/**
 * The frame of the sign-in pages: the product's name, then one card with the step's title, and under it the
 * language switcher (every step has it; `chooseLanguage` is the public action that sets the cookie).
 */
export function SignInCard({
  title,
  intro,
  children,
  wide = false,
  chooseLanguage,
}: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
  wide?: boolean;
  chooseLanguage: (form: FormData) => Promise<void>;
}) {
  const t = useTranslations("auth");
  const meta = useTranslations("meta");
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-6 sm:p-6">
      <div className={wide ? "w-full max-w-lg" : "w-full max-w-sm"}>
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden className="flex size-8 items-center justify-center rounded-md bg-brand text-sm font-bold text-white">
            CI
          </span>
          <div>
            <p className="text-base font-semibold leading-tight">{meta("appName")}</p>
            <p className="text-xs text-ink-muted">{t("tagline")}</p>
          </div>
        </div>
        <div className="rounded-lg border border-line bg-surface p-5 shadow-sm sm:p-6">
          <h1 className="mb-1 text-lg font-semibold">{title}</h1>
          {intro ? <div className="mb-5 text-sm text-ink-muted">{intro}</div> : null}
          {children}
        </div>
        <SignInLanguageSwitcher choose={chooseLanguage} />
      </div>
    </main>
  );
}
