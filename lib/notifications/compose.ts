import { createHash } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { DbOrTx } from "@/db/client";
import { apiKeys, batchRows, batches, sendingPauses, transfers, users, type Notification, type NotificationKind, type User } from "@/db/schema";
import { formatFor } from "@/lib/format";
import { toLocale } from "@/lib/i18n/locales";
import { storedText } from "@/lib/i18n/stored";
import { translatorIn } from "@/lib/i18n/translate";
import { formatPhone } from "@/lib/phone-display";
import { walletLabel } from "@/lib/transfers/wallets";
import type { NotificationEvent } from "./outbox";

/**
 * The words of a mail (docs/notifications.md#the-mails), in the person's language: one mail per person and
 * kind, listing each thing it tells of with a link to its page. Composed when it is sent, from the rows as
 * they are then.
 */

export type ComposedMail = { subject: string; text: string; html: string; messageId: string };

/** At most this many things are listed; the rest are counted ("and 12 more"). */
export const listedInMail = 20;

type Line = { reference: string; text: string; url: string; outcome: string };

const maker = alias(users, "maker");
const approver = alias(users, "approver");

/**
 * Control characters never reach a mail (a name or a reason with a line break cannot add a header or fake a
 * paragraph), nor text-direction marks and overrides (a name from Cash In cannot reorder the amount beside it).
 */
function oneLine(value: string): string {
  return value
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ")
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .trim();
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The same Message-ID for the same notifications, so a mail sent again after a crash reads as the same mail. */
export function messageIdOf(ids: readonly number[], appUrl: string): string {
  const host = new URL(appUrl).hostname || "localhost";
  return `<notice-${createHash("sha256").update(ids.join(",")).digest("hex").slice(0, 32)}@${host}>`;
}

export async function composeMail(
  db: DbOrTx,
  { user, kind, rows, appUrl, approvalWindowHours }: { user: User; kind: NotificationKind; rows: readonly Notification[]; appUrl: string; approvalWindowHours: number },
): Promise<ComposedMail | null> {
  const locale = toLocale(user.locale);
  const t = translatorIn(locale);
  const f = formatFor(locale);
  const base = appUrl.replace(/\/+$/, "");
  const windowMs = approvalWindowHours * 3_600_000;

  const transferIds = rows.filter((r) => r.subjectType === "transfer").map((r) => r.subjectId);
  const batchIds = rows.filter((r) => r.subjectType === "batch").map((r) => r.subjectId);
  const transferRows =
    transferIds.length === 0
      ? []
      : await db
          .select({ transfer: transfers, makerName: maker.name, approverName: approver.name })
          .from(transfers)
          .innerJoin(maker, eq(maker.id, transfers.makerId))
          .leftJoin(approver, eq(approver.id, transfers.approverId))
          .where(inArray(transfers.id, transferIds));
  const live = sql`${batchRows.batchId} = ${batches.id} and ${batchRows.state} <> 'removed'`;
  const batchList =
    batchIds.length === 0
      ? []
      : await db
          .select({
            batch: batches,
            makerName: maker.name,
            approverName: approver.name,
            count: sql<number>`(select count(*) from ${batchRows} where ${live})`.mapWith(Number),
            total: sql<number>`(select coalesce(sum(${batchRows.amount}), 0) from ${batchRows} where ${live})`.mapWith(Number),
          })
          .from(batches)
          .innerJoin(maker, eq(maker.id, batches.makerId))
          .leftJoin(approver, eq(approver.id, batches.approverId))
          .where(inArray(batches.id, batchIds));
  const pauseIds = rows.filter((r) => r.subjectType === "pause").map((r) => r.subjectId);
  const pauseList =
    pauseIds.length === 0
      ? []
      : await db
          .select({ id: sendingPauses.id, startedAt: sendingPauses.startedAt, code: sendingPauses.code, reference: transfers.reference })
          .from(sendingPauses)
          .leftJoin(transfers, eq(transfers.id, sendingPauses.transferId))
          .where(inArray(sendingPauses.id, pauseIds));
  const pausesById = new Map(pauseList.map((p) => [p.id, p]));
  const keyIds = rows.filter((r) => r.subjectType === "api_key").map((r) => r.subjectId);
  const keyList =
    keyIds.length === 0
      ? []
      : await db
          .select({ id: apiKeys.id, name: apiKeys.name, scopes: apiKeys.scopes, issuedAt: apiKeys.issuedAt, makerName: maker.name })
          .from(apiKeys)
          .innerJoin(maker, eq(maker.id, apiKeys.createdBy))
          .where(inArray(apiKeys.id, keyIds));
  const keysById = new Map(keyList.map((k) => [k.id, k]));
  const transfersById = new Map(transferRows.map((r) => [r.transfer.id, r]));
  const batchesById = new Map(batchList.map((r) => [r.batch.id, r]));

  const lines: Line[] = [];
  for (const row of rows) {
    const event = row.event as NotificationEvent;
    if (row.subjectType === "api_key") {
      // An admin made a key that acts for this person (docs/api.md#keys): told, with a link to My account.
      const key = keysById.get(row.subjectId);
      if (!key) continue;
      const values = { name: oneLine(key.name), scopes: key.scopes.join(", "), maker: oneLine(key.makerName) };
      const text = key.issuedAt ? t("mail.line.apiKeyCreated", values) : t("mail.line.apiKeyWaiting", values);
      lines.push({ reference: key.name, text, url: `${base}/account`, outcome: "api_key" });
    } else if (row.subjectType === "pause") {
      // Sending paused on a deposit alert (docs/deposit-alerts.md): told to admins, linked to the Sending page.
      const pause = pausesById.get(row.subjectId);
      if (!pause) continue;
      const values = { reference: pause.reference ?? "", at: f.dateTime(pause.startedAt), code: oneLine(pause.code) };
      const text = pause.reference ? t("mail.line.depositPaused", values) : t("mail.line.depositPausedNoTransfer", values);
      lines.push({ reference: pause.reference ?? "", text, url: `${base}/admin/sending`, outcome: "paused" });
    } else if (row.subjectType === "transfer") {
      const found = transfersById.get(row.subjectId);
      if (!found) continue;
      const { transfer } = found;
      const since = transfer.queuedAt ?? transfer.createdAt;
      const values = {
        reference: transfer.reference,
        amount: f.rupiah(transfer.amount),
        owner: oneLine(transfer.ownerName),
        wallet: walletLabel[transfer.wallet],
        phone: formatPhone(transfer.phone),
        maker: oneLine(found.makerName),
        approver: oneLine(found.approverName ?? ""),
        expires: f.dateTime(new Date(since.getTime() + windowMs)),
        hours: approvalWindowHours,
        reason: oneLine(event === "transfer.failed" ? storedText(transfer.reason ?? transfer.lastMessage ?? "", locale) : (transfer.reason ?? "")),
        memo: oneLine(transfer.memo ?? ""),
      };
      const text = ((): string => {
        switch (event) {
          case "transfer.awaiting_approval":
          case "transfer.approval_reminder":
            return t("mail.line.transferWaiting", values);
          case "transfer.approved":
            return t("mail.line.transferApproved", values);
          case "transfer.rejected":
            return t("mail.line.transferRejected", values);
          case "transfer.expired":
            return t("mail.line.transferExpired", values);
          default:
            return values.reason ? t("mail.line.transferFailed", values) : t("mail.line.transferFailedNoReason", values);
        }
      })();
      const url = kind === "waiting" || kind === "reminder" ? `${base}/approvals` : `${base}/transfers/${transfer.id}`;
      lines.push({ reference: transfer.reference, text: values.memo ? `${text} ${t("mail.line.memo", values)}` : text, url, outcome: event.split(".")[1]! });
    } else {
      const found = batchesById.get(row.subjectId);
      if (!found) continue;
      const { batch } = found;
      const values = {
        reference: batch.reference,
        file: oneLine(batch.fileName),
        rows: f.number(found.count),
        amount: f.rupiah(found.total),
        maker: oneLine(found.makerName),
        approver: oneLine(found.approverName ?? ""),
        expires: f.dateTime(new Date((batch.submittedAt ?? batch.createdAt).getTime() + windowMs)),
        hours: approvalWindowHours,
        reason: oneLine(batch.reason ?? ""),
      };
      const text = ((): string => {
        switch (event) {
          case "batch.awaiting_approval":
          case "batch.approval_reminder":
            return t("mail.line.batchWaiting", values);
          case "batch.approved":
            // A scheduled batch goes out at its time, not now (docs/batches.md#scheduled-batches).
            return batch.sendAt ? t("mail.line.batchApprovedScheduled", { ...values, sendAt: f.dateTime(batch.sendAt) }) : t("mail.line.batchApproved", values);
          case "batch.rejected":
            return t("mail.line.batchRejected", values);
          default:
            return t("mail.line.batchExpired", values);
        }
      })();
      // A batch is decided on its own page.
      const url = `${base}/batches/${batch.id}`;
      lines.push({ reference: batch.reference, text, url, outcome: event.split(".")[1]! });
    }
  }
  if (lines.length === 0) return null;

  const count = lines.length;
  const first = lines[0]!;
  const subjectArgs = { count, first: first.reference, outcome: first.outcome };
  // A mail that tells only of API keys made for the person says so (not "decided on your payouts").
  const onlyKeys = lines.every((line) => line.outcome === "api_key");
  const subject = oneLine(
    onlyKeys
      ? t("mail.subject.apiKey", { count, first: first.reference })
      : kind === "waiting"
      ? t("mail.subject.waiting", subjectArgs)
      : kind === "reminder"
        ? t("mail.subject.reminder", subjectArgs)
        : kind === "decided"
          ? t("mail.subject.decided", subjectArgs)
          : kind === "deposit"
            ? t("mail.subject.deposit")
            : t("mail.subject.failed", subjectArgs),
  );
  const intro = onlyKeys ? t("mail.intro.apiKey") : t(`mail.intro.${kind}`, { hours: f.number(approvalWindowHours) });
  const shown = lines.slice(0, listedInMail);
  const more = count - shown.length;
  const greeting = t("mail.greeting", { name: oneLine(user.name) });
  const why = onlyKeys ? t("mail.why.apiKey") : t(`mail.why.${kind}`);
  const turnOff = t("mail.turnOff", { url: `${base}/account#mail` });
  const openAll = kind === "waiting" || kind === "reminder" ? t("mail.openApprovals", { url: `${base}/approvals` }) : null;

  const text = [
    greeting,
    "",
    intro,
    "",
    ...shown.flatMap((line) => [`- ${line.text}`, `  ${line.url}`]),
    ...(more > 0 ? [t("mail.more", { count: f.number(more) })] : []),
    ...(openAll ? ["", openAll] : []),
    "",
    "--",
    why,
    turnOff,
    "",
  ].join("\n");
  const html = [
    `<!doctype html><html lang="${locale}"><body style="font-family:system-ui,sans-serif;color:#111827;line-height:1.5">`,
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    `<ul>${shown.map((line) => `<li>${escapeHtml(line.text)} <a href="${escapeHtml(line.url)}">${escapeHtml(t("mail.open"))}</a></li>`).join("")}</ul>`,
    more > 0 ? `<p>${escapeHtml(t("mail.more", { count: f.number(more) }))}</p>` : "",
    openAll ? `<p><a href="${escapeHtml(`${base}/approvals`)}">${escapeHtml(t("mail.openApprovalsLink"))}</a></p>` : "",
    `<hr><p style="color:#4b5563;font-size:13px">${escapeHtml(why)}<br><a href="${escapeHtml(`${base}/account#mail`)}">${escapeHtml(t("mail.turnOffLink"))}</a></p>`,
    `</body></html>`,
  ].join("");
  return { subject, text, html, messageId: messageIdOf(rows.map((r) => r.id), appUrl) };
}
