import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";

export const roles = ["staff", "manager", "admin"] as const;
export type Role = (typeof roles)[number];

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .$defaultFn(() => new Date());

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    // Stored lower-cased by the code; the unique index on lower() guards against any path that forgets.
    email: text("email").notNull(),
    role: text("role", { enum: roles }).notNull(),
    passwordHash: text("password_hash").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    // Bumped when the password is reset or the account deactivated: older sessions stop working.
    sessionVersion: integer("session_version").notNull().default(1),
    /**
     * Set while the password is a temporary one an admin gave out (new user, reset): it must be changed at
     * the first sign-in and stops working at this time if unused (docs/sign-in.md#passwords).
     */
    temporaryPasswordExpiresAt: integer("temporary_password_expires_at", { mode: "timestamp_ms" }),
    /**
     * Until this time the user cannot approve: set for 24 h when an admin creates a manager, promotes
     * someone to manager, or resets their password or second factor (docs/roles.md#two-people-not-two-accounts).
     */
    approvalHoldUntil: integer("approval_hold_until", { mode: "timestamp_ms" }),
    /**
     * The language the person chose on My account ("id" or "en"; docs/language.md#choosing-the-language),
     * null until they choose: at sign-in a saved choice becomes the browser's `locale` cookie.
     */
    locale: text("locale", { enum: ["id", "en"] }),
    /** The kinds of e-mail the person turned off on My account (docs/notifications.md#turning-mails-off). */
    mailOff: text("mail_off", { mode: "json" }).$type<NotificationKind[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (t) => [uniqueIndex("users_email_unique").on(sql`lower(${t.email})`)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

/** Append-only; each entry hashes the previous one so an edit or deletion breaks the chain. */
export const auditEntries = sqliteTable(
  "audit_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    actorId: integer("actor_id").references(() => users.id),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
    ip: text("ip"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("audit_entries_at").on(t.at),
    index("audit_entries_actor").on(t.actorId, t.at),
    index("audit_entries_target").on(t.targetType, t.targetId, t.at),
  ],
);

export type AuditEntry = typeof auditEntries.$inferSelect;

/** `pending`: recorded before the password is checked, so concurrent attempts count at once (docs/sign-in.md#throttling). */
export const loginOutcomes = ["pending", "success", "failure", "throttled"] as const;

/** Sign-in attempts, kept for throttling (docs/architecture.md#security-and-performance) and for the audit of who tried what. */
export const loginAttempts = sqliteTable(
  "login_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    outcome: text("outcome", { enum: loginOutcomes }).notNull(),
  },
  (t) => [index("login_attempts_email").on(t.email, t.at), index("login_attempts_ip").on(t.ip, t.at)],
);

/** The e-wallets Cash In pays out to; lib/cashin/protocol.ts maps each to its channel code. */
export const wallets = ["DANA", "OVO", "GOPAY", "SHOPEEPAY"] as const;

/** docs/lifecycle.md#transitions. `sending` is held only while the one top-up call is in flight. */
export const transferStatuses = [
  "awaiting_approval",
  "approved",
  "sending",
  "processing",
  "succeeded",
  "failed",
  "refunded",
  "rejected",
  "canceled",
  "expired",
  "unresolved",
] as const;
export type TransferStatus = (typeof transferStatuses)[number];

/**
 * What Cash In's answer to the top-up itself said (docs/lifecycle.md#paying-twice-is-impossible), written once and never overwritten by
 * later status calls: it decides whether "not found" may mean "never sent". `held` is 409xx01 (Cash
 * In already has this reference); `refused` a definitive no; `ambiguous` no usable answer.
 */
export const topupAnswers = ["succeeded", "in_progress", "held", "refused", "ambiguous"] as const;
export type TopupAnswer = (typeof topupAnswers)[number];

/** Why a look-up was made: only one made on the New transfer screen can become a single transfer. */
export const inquiryPurposes = ["transfer", "batch_row", "approval", "requeue", "recipient"] as const;
export type InquiryPurpose = (typeof inquiryPurposes)[number];

/** One wallet look-up (account inquiry): what staff saw before confirming a transfer (rule 4). */
export const inquiries = sqliteTable(
  "inquiries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    wallet: text("wallet", { enum: wallets }).notNull(),
    phone: text("phone").notNull(),
    amount: integer("amount").notNull(),
    reference: text("reference").notNull(),
    outcome: text("outcome", { enum: ["found", "not_found", "inactive", "refused", "unavailable"] }).notNull(),
    ownerName: text("owner_name"),
    message: text("message"),
    purpose: text("purpose", { enum: inquiryPurposes }).notNull().default("transfer"),
    createdAt: createdAt(),
  },
  (t) => [index("inquiries_user").on(t.userId, t.createdAt)],
);

export type Inquiry = typeof inquiries.$inferSelect;

/**
 * A person the merchant pays again and again: a wallet and phone with the owner's name a look-up verified when it
 * was saved, a label to find it by, and an optional default amount and memo. Paying one still looks the wallet up
 * again (rule 4); the saved name only tells when the owner changed. Archived ones are kept (transfers point to them).
 */
export const recipients = sqliteTable(
  "recipients",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    label: text("label").notNull(),
    /** The label as compared ("Émile" and "ÉMILE" are one label): lib/recipients/schemas.ts labelKey. SQLite's lower() knows only ASCII. */
    labelKey: text("label_key").notNull().default(""),
    wallet: text("wallet", { enum: wallets }).notNull(),
    phone: text("phone").notNull(),
    /** The owner's name as the look-up at save time (or the last accepted change) returned it. */
    ownerName: text("owner_name").notNull(),
    /** That look-up. */
    inquiryId: integer("inquiry_id")
      .notNull()
      .references(() => inquiries.id),
    verifiedAt: integer("verified_at", { mode: "timestamp_ms" }).notNull(),
    defaultAmount: integer("default_amount"),
    defaultMemo: text("default_memo"),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date()),
    /** When a transfer was last made to it. */
    lastPaidAt: integer("last_paid_at", { mode: "timestamp_ms" }),
    archivedAt: integer("archived_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    // A label names one recipient among those in use (any case); an archived one frees its label.
    uniqueIndex("recipients_label_key_active").on(t.labelKey).where(sql`${t.archivedAt} is null`),
    uniqueIndex("recipients_wallet_phone_active").on(t.wallet, t.phone).where(sql`${t.archivedAt} is null`),
    index("recipients_last_paid").on(t.lastPaidAt),
  ],
);

export type Recipient = typeof recipients.$inferSelect;

export const transfers = sqliteTable(
  "transfers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Our partnerReferenceNo: generated once, never reused for another attempt. */
    reference: text("reference").notNull().unique(),
    wallet: text("wallet", { enum: wallets }).notNull(),
    phone: text("phone").notNull(),
    amount: integer("amount").notNull(),
    /** The owner's name as the maker confirmed it (rule 4). */
    ownerName: text("owner_name").notNull(),
    status: text("status", { enum: transferStatuses }).notNull(),
    makerId: integer("maker_id")
      .notNull()
      .references(() => users.id),
    /** One inquiry backs at most one transfer: a double click or a resubmitted form cannot make two. */
    inquiryId: integer("inquiry_id")
      .notNull()
      .unique()
      .references(() => inquiries.id),
    approverId: integer("approver_id").references(() => users.id),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
    /** What the payment is for, as the maker wrote it (an invoice, a payroll line): at most 140 characters, shown and exported. */
    memo: text("memo"),
    /**
     * The approval tier it entered the queue with (docs/policies.md#approval-tiers), kept while it waits: a later change of
     * the tiers never changes what a waiting transfer needs. Null when it needed no approval (or predates tiers: one manager).
     */
    approvalRule: text("approval_rule", { mode: "json" }).$type<ApprovalRule>(),
    /** The saved recipient it was made from, if any (its "last paid"). */
    recipientId: integer("recipient_id").references((): AnySQLiteColumn => recipients.id),
    /** The API key it was made through (docs/api.md), null when made in the browser; its maker is the key's person. */
    apiKeyId: integer("api_key_id").references((): AnySQLiteColumn => apiKeys.id),
    /** The reason a person gave (reject, cancel) or the gateway's reason in words (failure). */
    reason: text("reason"),
    /** The failed transfer this one retries, if any: unique, so a failed transfer has at most one retry. */
    retryOfId: integer("retry_of_id"),
    /** The batch payout this transfer is a row of, if any: it is then approved and sent with its batch. */
    batchId: integer("batch_id").references(() => batches.id),
    cashinReference: text("cashin_reference"),
    /** What the top-up's own answer said; null until it came (or if the process died mid-call). */
    topupAnswer: text("topup_answer", { enum: topupAnswers }),
    /** When it went back to the approval queue (an approval that was never sent in time); its deadline counts from here. */
    queuedAt: integer("queued_at", { mode: "timestamp_ms" }),
    /** A later answer of Cash In that contradicts the settled status, in words; open until an admin reviews it. */
    discrepancy: text("discrepancy"),
    discrepancyAt: integer("discrepancy_at", { mode: "timestamp_ms" }),
    discrepancyReviewedAt: integer("discrepancy_reviewed_at", { mode: "timestamp_ms" }),
    discrepancyReviewedBy: integer("discrepancy_reviewed_by").references(() => users.id),
    /** An admin's proposed outcome of an unresolved transfer, waiting for a manager's confirmation. */
    resolutionOutcome: text("resolution_outcome", { enum: ["succeeded", "failed"] }),
    resolutionReason: text("resolution_reason"),
    resolutionBy: integer("resolution_by").references(() => users.id),
    resolutionAt: integer("resolution_at", { mode: "timestamp_ms" }),
    lastCode: text("last_code"),
    lastMessage: text("last_message"),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    /** When the reconciler should next ask Cash In; null when nothing is pending. */
    nextCheckAt: integer("next_check_at", { mode: "timestamp_ms" }),
    checks: integer("checks").notNull().default(0),
    /** Set while one reconciler works on this transfer, so a second one leaves it alone. */
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    settledAt: integer("settled_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (t) => [
    index("transfers_created").on(t.createdAt, t.id),
    // Amount and batch too: the overview's tally of the day by status reads nothing else (lib/transfers/history.ts, dashboardSummary).
    index("transfers_status_created").on(t.status, t.createdAt, t.id, t.amount, t.batchId),
    index("transfers_wallet_created").on(t.wallet, t.createdAt, t.id),
    index("transfers_maker_created").on(t.makerId, t.createdAt, t.id),
    index("transfers_amount").on(t.amount, t.id),
    index("transfers_phone").on(t.phone),
    index("transfers_next_check").on(t.nextCheckAt),
    index("transfers_batch").on(t.batchId, t.status),
    uniqueIndex("transfers_retry_of_unique").on(t.retryOfId),
    index("transfers_discrepancy").on(t.discrepancyAt),
  ],
);

export type Transfer = typeof transfers.$inferSelect;

/** Every HTTP request to Cash In (rule 5): the transfer's or inquiry's timeline. Never a signature or key. */
export const gatewayCalls = sqliteTable(
  "gateway_calls",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    transferId: integer("transfer_id").references(() => transfers.id),
    inquiryId: integer("inquiry_id").references(() => inquiries.id),
    call: text("call", { enum: ["inquiry", "topup", "status"] }).notNull(),
    path: text("path").notNull(),
    externalId: text("external_id").notNull(),
    attempt: integer("attempt").notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    durationMs: integer("duration_ms").notNull(),
    requestBody: text("request_body").notNull(),
    responseBody: text("response_body"),
    httpStatus: integer("http_status"),
    responseCode: text("response_code"),
    outcome: text("outcome").notNull(),
    error: text("error"),
  },
  (t) => [index("gateway_calls_transfer").on(t.transferId, t.id), index("gateway_calls_inquiry").on(t.inquiryId, t.id)],
);

export type GatewayCallRow = typeof gatewayCalls.$inferSelect;

/** Admin-set limits (docs/limits.md#the-limits), one row per setting; defaults live in lib/transfers/settings.ts. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: integer("value").notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" })
    .notNull()
    .$defaultFn(() => new Date()),
  updatedBy: integer("updated_by").references(() => users.id),
});

/**
 * One row per sign-in (docs/sign-in.md#sessions). The session cookie names its row; a row that is
 * revoked, older than the absolute lifetime, or missing ends the session whatever the cookie says.
 * `secondFactorAt` is when this session last proved the second factor (sign-in or step-up).
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    secondFactorAt: integer("second_factor_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    ip: text("ip"),
  },
  (t) => [index("sessions_user").on(t.userId, t.createdAt)],
);

export type SessionRow = typeof sessions.$inferSelect;

/**
 * A user's TOTP second factor (docs/sign-in.md#second-factor). Secrets are encrypted at rest. A pending
 * secret waits for its first code (enrolment); `lastStep` is the last time step accepted (no replay);
 * wrong codes count towards a 15-minute lock.
 */
export const secondFactors = sqliteTable("second_factors", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id),
  secret: text("secret"),
  enrolledAt: integer("enrolled_at", { mode: "timestamp_ms" }),
  pendingSecret: text("pending_secret"),
  pendingAt: integer("pending_at", { mode: "timestamp_ms" }),
  lastStep: integer("last_step").notNull().default(0),
  failures: integer("failures").notNull().default(0),
  lockedUntil: integer("locked_until", { mode: "timestamp_ms" }),
});

export type SecondFactorRow = typeof secondFactors.$inferSelect;

/** One-time recovery codes, stored as argon2id hashes; a used code keeps its row with `usedAt`. */
export const recoveryCodes = sqliteTable(
  "recovery_codes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    hash: text("hash").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("recovery_codes_user").on(t.userId)],
);

/**
 * A batch payout: a CSV of up to 10,000 rows, checked, approved as one item, then sent row by row.
 * Each row becomes an ordinary transfer at submit, so every rule of docs/lifecycle.md#transitions holds per row.
 */
export const batchStatuses = ["checking", "ready", "awaiting_approval", "scheduled", "sending", "sent", "rejected", "canceled", "expired"] as const;
export type BatchStatus = (typeof batchStatuses)[number];

export const batches = sqliteTable(
  "batches",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    reference: text("reference").notNull().unique(),
    fileName: text("file_name").notNull(),
    status: text("status", { enum: batchStatuses }).notNull(),
    makerId: integer("maker_id")
      .notNull()
      .references(() => users.id),
    approverId: integer("approver_id").references(() => users.id),
    submittedAt: integer("submitted_at", { mode: "timestamp_ms" }),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
    /** Why a manager rejected it or its maker canceled it. */
    reason: text("reason"),
    /** The maker accepted the duplicate rows as intended (two payments to the same person). */
    duplicatesAccepted: integer("duplicates_accepted", { mode: "boolean" }).notNull().default(false),
    /** Held by the one runner checking or sending it; a runner that died lets it lapse and another resumes. */
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    /** A manager asked to approve while some look-ups were stale: those rows are being looked up again by them. */
    recheckRequestedAt: integer("recheck_requested_at", { mode: "timestamp_ms" }),
    recheckBy: integer("recheck_by").references(() => users.id),
    /** The approval tier of its total when it was submitted (docs/policies.md#approval-tiers); null below the first floor. */
    approvalRule: text("approval_rule", { mode: "json" }).$type<ApprovalRule>(),
    /** Sent at this time, not at approval (docs/policies.md#scheduled-batches); null: sent once approved. */
    sendAt: integer("send_at", { mode: "timestamp_ms" }),
    /** The API key it was made through (docs/api.md), null when uploaded in the browser. */
    apiKeyId: integer("api_key_id").references((): AnySQLiteColumn => apiKeys.id),
    /** Made by API with submit: true: its runner submits it, as the key's person, the first time its check ends (docs/api.md#batches). */
    submitWhenChecked: integer("submit_when_checked", { mode: "boolean" }).notNull().default(false),
    /** Sending stopped for longer than 15 minutes (a crash): nothing more is sent until a person confirms. */
    pausedAt: integer("paused_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (t) => [index("batches_status").on(t.status, t.createdAt), index("batches_maker").on(t.makerId, t.createdAt)],
);

export type Batch = typeof batches.$inferSelect;

/**
 * `pending`: to be looked up; `ok`: owner found; `invalid`: the file's values fail validation;
 * `unconfirmed`: the look-up found no usable wallet; `removed`: taken out by the maker.
 */
export const batchRowStates = ["pending", "ok", "invalid", "unconfirmed", "removed"] as const;
export type BatchRowState = (typeof batchRowStates)[number];

export const batchRows = sqliteTable(
  "batch_rows",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    batchId: integer("batch_id")
      .notNull()
      .references(() => batches.id),
    /** The row's line in the uploaded file, so a person can find it in their spreadsheet. */
    line: integer("line").notNull(),
    rawWallet: text("raw_wallet").notNull(),
    rawPhone: text("raw_phone").notNull(),
    rawAmount: text("raw_amount").notNull(),
    note: text("note"),
    /** Normalized values; null while the raw ones are invalid. */
    wallet: text("wallet", { enum: wallets }),
    phone: text("phone"),
    amount: integer("amount"),
    state: text("state", { enum: batchRowStates }).notNull(),
    /** Why the row needs attention, in words: field problems or the look-up's answer. */
    problem: text("problem"),
    ownerName: text("owner_name"),
    inquiryId: integer("inquiry_id").references(() => inquiries.id),
    checkedAt: integer("checked_at", { mode: "timestamp_ms" }),
    /** The earlier row this one repeats (same wallet, phone and amount); flagged until removed or accepted. */
    duplicateOfLine: integer("duplicate_of_line"),
    /** An earlier transfer (outside this batch) to the same wallet, phone and amount within the near-duplicate window. */
    nearDuplicateOf: integer("near_duplicate_of").references(() => transfers.id),
    /** Bumped by every edit, so a look-up that started before the edit cannot overwrite it. */
    version: integer("version").notNull().default(1),
    /** The saved recipient the file's row named (its wallet and phone were filled in from it); its transfer pays it. */
    recipientId: integer("recipient_id").references(() => recipients.id),
    transferId: integer("transfer_id")
      .unique()
      .references(() => transfers.id),
  },
  (t) => [index("batch_rows_batch").on(t.batchId, t.state, t.line), index("batch_rows_batch_line").on(t.batchId, t.line)],
);

export type BatchRow = typeof batchRows.$inferSelect;

/**
 * What a person may be told, by kind: each kind can be turned off on My account (docs/notifications.md).
 * waiting: something waits for my approval; reminder: an approval expires in 2 h; decided: my transfer or
 * batch was approved or rejected; failed: my transfer failed, or my transfer or batch expired.
 */
/** `deposit`: admins only, sending paused on a deposit alert (docs/deposit-alerts.md). */
export const notificationKinds = ["waiting", "reminder", "decided", "failed", "deposit"] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/**
 * pending: to be sent (at `nextAttemptAt`); sending: claimed by a worker until `leaseUntil`; sent: in a mail
 * the SMTP server accepted; held: in a mail kept here because no SMTP server is configured; skipped: the
 * person turned the kind off; dropped: no longer true when its turn came (decided meanwhile, account
 * deactivated); failed: the SMTP server refused it for 24 hours.
 */
export const notificationStates = ["pending", "sending", "sent", "held", "skipped", "dropped", "failed"] as const;
export type NotificationState = (typeof notificationStates)[number];

/**
 * The notification outbox (docs/notifications.md#the-outbox): one row per person and event, written in
 * the same transaction as the change it tells of, sent later by the mailer. The unique index makes each
 * event reach each person at most once, whoever writes it twice.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** `transfer.awaiting_approval`, `batch.approval_reminder`, `transfer.failed`… */
    event: text("event").notNull(),
    kind: text("kind", { enum: notificationKinds }).notNull(),
    /** `pause`: a row of `sending_pauses` (docs/deposit-alerts.md); `api_key`: a key an admin made for this person (docs/api.md#keys). */
    subjectType: text("subject_type", { enum: ["transfer", "batch", "pause", "api_key"] }).notNull(),
    subjectId: integer("subject_id").notNull(),
    /**
     * Which time the subject is told of: a transfer sent back to the approval queue waits again, and is announced,
     * reminded and decided again (its queue time, in ms); 0 for what happens once.
     */
    round: integer("round").notNull().default(0),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    state: text("state", { enum: notificationStates }).notNull().default("pending"),
    createdAt: createdAt(),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** The worker that claimed the row, and until when: a worker that dies leaves the row to the next one. */
    claim: text("claim"),
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    lastError: text("last_error"),
    doneAt: integer("done_at", { mode: "timestamp_ms" }),
    mailId: integer("mail_id").references(() => mails.id),
  },
  (t) => [
    uniqueIndex("notifications_once").on(t.event, t.subjectType, t.subjectId, t.round, t.userId),
    index("notifications_due").on(t.state, t.nextAttemptAt),
    index("notifications_mail").on(t.mailId),
  ],
);

export type Notification = typeof notifications.$inferSelect;

/** Every mail the mailer composed: sent to the SMTP server, or held here when none is configured (the admin's Mail page). */
export const mails = sqliteTable(
  "mails",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: notificationKinds }).notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    messageId: text("message_id").notNull(),
    state: text("state", { enum: ["sent", "held"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("mails_user_kind").on(t.userId, t.kind, t.createdAt), index("mails_created").on(t.createdAt)],
);

export type Mail = typeof mails.$inferSelect;

/**
 * What one approval tier asks for (docs/policies.md#approval-tiers): from `floor` up, `approvals` distinct managers
 * (never the maker), at least `namedNeeded` of them among the `named` people (user ids).
 */
export type ApprovalRule = { floor: number; approvals: number; named: number[]; namedNeeded: number };

/** Admin policies kept as one JSON value each (docs/policies.md): `approval_tiers`, `sign_in_allow_list`. Every change is audited. */
export const policies = sqliteTable("policies", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" })
    .notNull()
    .$defaultFn(() => new Date()),
  updatedBy: integer("updated_by").references(() => users.id),
});

/**
 * One row per approval given (docs/policies.md#approval-tiers): a transfer or batch whose tier asks for several approvals
 * collects them here, for the round it waits in (its queue time in ms, as in `notifications.round`). The unique index
 * keeps one person to one approval per round, whatever races.
 */
export const approvals = sqliteTable(
  "approvals",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    subjectType: text("subject_type", { enum: ["transfer", "batch"] }).notNull(),
    subjectId: integer("subject_id").notNull(),
    round: integer("round").notNull(),
    approverId: integer("approver_id")
      .notNull()
      .references(() => users.id),
    /** Counted toward the tier's named people. */
    named: integer("named", { mode: "boolean" }).notNull().default(false),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("approvals_once").on(t.subjectType, t.subjectId, t.round, t.approverId)],
);

export type Approval = typeof approvals.$inferSelect;

/**
 * Sending paused because Cash In said the merchant's deposit is too low (docs/policies.md#deposit-alerts): while a row has
 * no `resumedAt`, no top-up goes out. An admin's resume ends it.
 */
export const sendingPauses = sqliteTable(
  "sending_pauses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    /** The Cash In answer that paused sending (responseCode, e.g. 4033814), and the transfer it answered. */
    code: text("code").notNull(),
    transferId: integer("transfer_id").references(() => transfers.id),
    resumedAt: integer("resumed_at", { mode: "timestamp_ms" }),
    resumedBy: integer("resumed_by").references(() => users.id),
  },
  (t) => [index("sending_pauses_open").on(t.resumedAt)],
);

export type SendingPause = typeof sendingPauses.$inferSelect;

/** What an API key may do (docs/api.md#keys). A key never holds both `payouts:create` and `payouts:approve`. */
export const apiScopes = ["payouts:read", "payouts:create", "payouts:approve"] as const;
export type ApiScope = (typeof apiScopes)[number];

/**
 * Keys for the merchant's own systems (docs/api.md#keys). The key itself is shown once, at creation, and only its
 * SHA-256 is kept; `prefix` (its first characters) names it on screens and in logs. A key acts for one person
 * (`ownerId`): payouts it makes are that person's, approvals it gives are that person's approval, so limits, tiers
 * and "never your own" hold as in the browser.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    /** The key's visible start, unique: shown in the list and used to find the key before its hash is compared. */
    prefix: text("prefix").notNull(),
    /** Hex SHA-256 of the whole key (the key has 256 bits of randomness, so a plain hash is enough). */
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes", { mode: "json" }).notNull().$type<ApiScope[]>(),
    /** CIDR ranges the key may be used from; null: any address. */
    allowedIps: text("allowed_ips", { mode: "json" }).$type<string[]>(),
    ownerId: integer("owner_id")
      .notNull()
      .references(() => users.id),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    /**
     * When the key's secret was made and shown: at creation for read/create keys (to the admin); for an approve key,
     * when its manager showed it on My account (docs/api.md#keys). Null while it waits for its manager: its hash is then
     * of random bytes nobody saw, so nothing authenticates with it. An approve key's 24-hour hold counts from here.
     */
    issuedAt: integer("issued_at", { mode: "timestamp_ms" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    revokedBy: integer("revoked_by").references(() => users.id),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    lastUsedIp: text("last_used_ip"),
  },
  (t) => [uniqueIndex("api_keys_prefix").on(t.prefix), uniqueIndex("api_keys_name").on(sql`lower(${t.name})`)],
);

export type ApiKey = typeof apiKeys.$inferSelect;

/**
 * One row per Idempotency-Key a key sent to an endpoint (docs/api.md#idempotency): the first request claims it
 * (`pending`), its answer is kept (`done`), and a repeat with the same body gets that answer again; a repeat with
 * another body (`requestHash` differs) is refused with 409.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    apiKeyId: integer("api_key_id")
      .notNull()
      .references(() => apiKeys.id),
    /** Which operation, e.g. "POST /payouts". */
    operation: text("operation").notNull(),
    key: text("key").notNull(),
    /** Hex SHA-256 of the request body as parsed (canonical JSON). */
    requestHash: text("request_hash").notNull(),
    state: text("state", { enum: ["pending", "done"] }).notNull(),
    statusCode: integer("status_code"),
    response: text("response"),
    createdAt: createdAt(),
    completedAt: integer("completed_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("idempotency_keys_once").on(t.apiKeyId, t.operation, t.key), index("idempotency_keys_created").on(t.createdAt)],
);

export type IdempotencyKey = typeof idempotencyKeys.$inferSelect;

/** Events a webhook endpoint can ask for (docs/webhooks.md). */
export const webhookEventTypes = [
  "payout.succeeded",
  "payout.failed",
  "payout.refunded",
  "payout.awaiting_approval",
  "batch.completed",
  "discrepancy.raised",
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** HTTPS endpoints an admin registered to be told of events (docs/webhooks.md). The signing secret is kept sealed (lib/auth/secret-box.ts). */
export const webhookEndpoints = sqliteTable("webhook_endpoints", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  url: text("url").notNull(),
  description: text("description"),
  events: text("events", { mode: "json" }).notNull().$type<WebhookEventType[]>(),
  /** The signing secret, sealed; shown to the admin once at creation. */
  secret: text("secret").notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdBy: integer("created_by")
    .notNull()
    .references(() => users.id),
  createdAt: createdAt(),
  disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
  disabledBy: integer("disabled_by").references(() => users.id),
});

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

/**
 * The webhook outbox (docs/webhooks.md#delivery): one row per event per endpoint, written in the transaction that makes
 * the change, with the payload as it will be sent. `eventId` is the same for every endpoint told of one event, so a
 * receiver can drop repeats. Retried with back-off for 24 hours, then `failed`.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    endpointId: integer("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id),
    eventId: text("event_id").notNull(),
    eventType: text("event_type", { enum: webhookEventTypes }).notNull(),
    /** The JSON body exactly as sent. */
    payload: text("payload").notNull(),
    state: text("state", { enum: ["pending", "delivered", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** When it may be tried next; while one attempt runs, pushed ahead as its lease. */
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
    deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_once").on(t.endpointId, t.eventId),
    index("webhook_deliveries_due").on(t.state, t.nextAttemptAt),
    // The delivery log: one endpoint's newest deliveries.
    index("webhook_deliveries_log").on(t.endpointId, t.createdAt, t.id),
  ],
);

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

/** Each attempt to deliver (docs/webhooks.md#the-log): what the receiver answered, how fast, and the start of its body. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: integer("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    /** HTTP status; null when no answer came (refused, timed out). */
    status: integer("status"),
    latencyMs: integer("latency_ms").notNull(),
    /** The first 500 characters of the answer's body, or the error in words. */
    excerpt: text("excerpt"),
    /** A person pressed Resend (their id); null for the worker. */
    resentBy: integer("resent_by").references(() => users.id),
  },
  (t) => [index("webhook_attempts_delivery").on(t.deliveryId, t.at)],
);

export type WebhookAttempt = typeof webhookAttempts.$inferSelect;

/**
 * The separate worker processes (`npm run worker`, docs/architecture.md#background-work): each beats here while
 * it runs, so that app instances started with BACKGROUND=off can tell in /api/ready and /api/metrics whether the
 * reconciler runs somewhere. A clean stop deletes its row; rows of workers silent for a day are swept.
 */
export const workerHeartbeats = sqliteTable("worker_heartbeats", {
  /** hostname/pid of the worker process. */
  worker: text("worker").primaryKey(),
  startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
  /** The worker's last sign of life, every few seconds whatever its passes do. */
  beatAt: integer("beat_at", { mode: "timestamp_ms" }).notNull(),
  /** When its reconciler's pass under way began; null between passes. */
  passStartedAt: integer("pass_started_at", { mode: "timestamp_ms" }),
  /** When its reconciler last finished a pass without an error. */
  lastPassAt: integer("last_pass_at", { mode: "timestamp_ms" }),
});
