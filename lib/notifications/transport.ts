import nodemailer from "nodemailer";
import { isLoopbackHost } from "@/lib/auth/secure-origin";

/** A mail as the mailer hands it over: one person, the subject and both bodies, and a Message-ID that stays the same on a resend. */
export type OutgoingMail = { to: { name: string; address: string }; subject: string; text: string; html: string; messageId: string };

/** Where mails go: the SMTP server of `SMTP_URL`; tests pass their own. */
export type MailTransport = { send(mail: OutgoingMail): Promise<void> };

/**
 * Nodemailer over `SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…:465`), from `MAIL_FROM`. Resolves
 * once the server accepted the mail; rejects on any refusal or after the timeouts, so the mailer retries.
 * Over smtp:// to another machine STARTTLS is required: someone on the way who strips it gets no password and
 * no mail (smtps:// is TLS from the start; a server on this machine may speak plain SMTP).
 */
export function smtpTransport(url: string, from: string): MailTransport {
  const parsed = new URL(url);
  const requireTLS = parsed.protocol === "smtp:" && !isLoopbackHost(parsed.hostname);
  const transporter = nodemailer.createTransport({ url, requireTLS, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    async send(mail) {
      await transporter.sendMail({
        from,
        // An object, not "Name <address>": nodemailer encodes the name, whatever it holds.
        to: { name: mail.to.name, address: mail.to.address },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        // RFC 3834: an automatic mail; out-of-office replies should not answer it.
        headers: { "Auto-Submitted": "auto-generated" },
      });
    },
  };
}
