import { useTranslations } from "next-intl";
import Link from "next/link";

/** An address that matches nothing, outside the signed-in frame (signed-in people get app/(app)/not-found.tsx). */
export default function NotFound() {
  const t = useTranslations("errors");
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <NotFoundCard title={t("notFoundTitle")} body={t("notFoundBody")} back={t("goToOverview")} />
    </main>
  );
}

export function NotFoundCard({ title, body, back }: { title: string; body: string; back: string }) {
  const t = useTranslations("errors");
  return (
    <div className="max-w-md rounded-lg border border-line bg-surface p-6 text-center shadow-sm">
      <p className="text-xs font-semibold tracking-wide text-ink-muted uppercase">{t("notFoundCode")}</p>
      <h1 className="mt-2 text-lg font-semibold">{title}</h1>
      <p className="mt-2 text-sm text-ink-muted">{body}</p>
      <Link href="/" className="mt-4 inline-block text-sm font-medium text-brand hover:underline">
        {back}
      </Link>
    </div>
  );
}
