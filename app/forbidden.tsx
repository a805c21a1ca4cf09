import { useTranslations } from "next-intl";
import Link from "next/link";

export default function Forbidden() {
  const t = useTranslations("errors");
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="max-w-md rounded-lg border border-line bg-surface p-6 text-center shadow-sm">
        <p className="text-xs font-semibold tracking-wide text-danger uppercase">{t("forbiddenLabel")}</p>
        <h1 className="mt-2 text-lg font-semibold">{t("forbiddenTitle")}</h1>
        <p className="mt-2 text-sm text-ink-muted">{t("forbiddenBody")}</p>
        <Link href="/" className="mt-4 inline-block text-sm font-medium text-brand hover:underline">
          {t("goToOverview")}
        </Link>
      </div>
    </main>
  );
}
