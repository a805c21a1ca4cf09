import { db } from "@/db/client";
import { mailEnv } from "@/lib/env";
import type { MailerDeps } from "./mailer";
import { smtpTransport, type MailTransport } from "./transport";

let transport: { url: string; value: MailTransport } | undefined;

/** Where links in mails point: AUTH_URL (the address people open the app at), else this machine's port. */
export function appUrlFromEnv(): string {
  return mailEnv().AUTH_URL ?? `http://localhost:${process.env.PORT ?? "3000"}`;
}

/** The mailer wired to this process: its database, the SMTP server of SMTP_URL (one pooled transport), the real clock. */
export function mailerDepsFromEnv(): MailerDeps {
  const { SMTP_URL, MAIL_FROM } = mailEnv();
  if (SMTP_URL && transport?.url !== SMTP_URL) transport = { url: SMTP_URL, value: smtpTransport(SMTP_URL, MAIL_FROM) };
  return { db: db(), now: () => new Date(), transport: SMTP_URL ? transport!.value : null, appUrl: appUrlFromEnv() };
}

/** What the admin's Mail page says about where mails go; the SMTP password never leaves the server. */
export function mailSetup(): { sending: false } | { sending: true; server: string; from: string } {
  const { SMTP_URL, MAIL_FROM } = mailEnv();
  if (!SMTP_URL) return { sending: false };
  const url = new URL(SMTP_URL);
  return { sending: true, server: `${url.protocol}//${url.host}`, from: MAIL_FROM };
}
