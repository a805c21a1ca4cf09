import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { ToastProvider } from "@/components/ui/toast";
import { MessagesProvider } from "@/components/i18n/messages-provider";
import { toLocale } from "@/lib/i18n/locales";
import "./globals.css";

/** Every page's title reads "<page> · Cash In Payouts" (pages give only their own part). */
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("meta");
  return {
    title: { default: t("appName"), template: t("titleTemplate") },
    description: t("description"),
    robots: { index: false, follow: false },
  };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  return (
    <html lang={locale}>
      <body>
        <MessagesProvider locale={toLocale(locale)}>
          <ToastProvider>{children}</ToastProvider>
        </MessagesProvider>
      </body>
    </html>
  );
}
