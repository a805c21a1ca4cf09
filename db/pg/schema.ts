import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import {
  batchRowStates,
  batchStatuses,
  inquiryPurposes,
  loginOutcomes,
  notificationKinds,
  notificationStates,
  roles,
  topupAnswers,
  transferStatuses,
  wallets,
  webhookEventTypes,
  type ApiScope,
  type ApprovalRule,
  type NotificationKind,
  type WebhookEventType,
} from "../sqlite/schema";

/**
 * The PostgreSQL mirror of db/schema.ts (docs/postgresql.md): the same tables, columns, indexes and row types, so
 * one domain code path can serve both databases. test/db/pg-schema-types.test.ts fails the type-check when a row
 * type drifts from the SQLite one, and test/db/pg-schema.test.ts compares the migrated tables column by column.
 *
 * How the SQLite types map: `timestamp_ms` integers → timestamptz with millisecond precision (a Date either way);
 * boolean integers → boolean; JSON text → jsonb, except the audit trail's before/after (json, below); rupiah
 * amounts and millisecond counts → bigint read as a JS number (limits reach Rp 1.000.000.000.000, past int4);
 * autoincrement ids → identity columns that, like SQLite's, accept an explicit id.
 */

export {
  apiScopes,
  batchRowStates,
  batchStatuses,
  inquiryPurposes,
  loginOutcomes,
  notificationKinds,
  notificationStates,
  roles,
  topupAnswers,
  transferStatuses,
  wallets,
  webhookEventTypes,
} from "../sqlite/schema";
export type {
  ApiScope,
  ApprovalRule,
  BatchRowState,
  BatchStatus,
  InquiryPurpose,
  NotificationKind,
  NotificationState,
  Role,
  TopupAnswer,
  TransferStatus,
  WebhookEventType,
} from "../sqlite/schema";

const id = () => integer("id").primaryKey().generatedByDefaultAsIdentity();

/** A point in time as SQLite's `timestamp_ms` holds it: milliseconds, read as a Date. */
const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date", precision: 3 });

/** Whole rupiah, or milliseconds since the epoch: beyond int4. Read as a JS number (exact below 2^53). */
const big = (name: string) => bigint(name, { mode: "number" });

const createdAt = () =>
  at("created_at")
    .notNull()
    .$defaultFn(() => new Date());

const updatedAt = () =>
  at("updated_at")
    .notNull()
    .$defaultFn(() => new Date());

export const users = pgTable(
  "users",
  {
    id: id(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    role: text("role", { enum: roles }).notNull(),
    passwordHash: text("password_hash").notNull(),
    active: boolean("active").notNull().default(true),
    sessionVersion: integer("session_version").notNull().default(1),
    temporaryPasswordExpiresAt: at("temporary_password_expires_at"),
    approvalHoldUntil: at("approval_hold_until"),
    locale: text("locale", { enum: ["id", "en"] }),
    mailOff: jsonb("mail_off").$type<NotificationKind[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // lower() here knows all of Unicode (the cluster's UTF-8 locale), SQLite's only ASCII: at least as strict.
  (t) => [uniqueIndex("users_email_unique").on(sql`lower(${t.email})`)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

export const auditEntries = pgTable(
  "audit_entries",
  {
    id: id(),
    at: at("at").notNull(),
    actorId: integer("actor_id").references(() => users.id),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    // json, not jsonb: the entry's hash covers JSON.stringify of these values, and jsonb would reorder their keys.
    before: json("before"),
    after: json("after"),
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

export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: id(),
    at: at("at").notNull(),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    outcome: text("outcome", { enum: loginOutcomes }).notNull(),
  },
  (t) => [index("login_attempts_email").on(t.email, t.at), index("login_attempts_ip").on(t.ip, t.at)],
);

export const inquiries = pgTable(
  "inquiries",
  {
    id: id(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    wallet: text("wallet", { enum: wallets }).notNull(),
    phone: text("phone").notNull(),
    amount: big("amount").notNull(),
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

export const recipients = pgTable(
  "recipients",
  {
    id: id(),
    label: text("label").notNull(),
    labelKey: text("label_key").notNull().default(""),
    wallet: text("wallet", { enum: wallets }).notNull(),
    phone: text("phone").notNull(),
    ownerName: text("owner_name").notNull(),
    inquiryId: integer("inquiry_id")
      .notNull()
      .references(() => inquiries.id),
    verifiedAt: at("verified_at").notNull(),
    defaultAmount: big("default_amount"),
    defaultMemo: text("default_memo"),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    lastPaidAt: at("last_paid_at"),
    archivedAt: at("archived_at"),
  },
  (t) => [
    uniqueIndex("recipients_label_key_active").on(t.labelKey).where(sql`${t.archivedAt} is null`),
    uniqueIndex("recipients_wallet_phone_active").on(t.wallet, t.phone).where(sql`${t.archivedAt} is null`),
    index("recipients_last_paid").on(t.lastPaidAt),
  ],
);

export type Recipient = typeof recipients.$inferSelect;

export const transfers = pgTable(
  "transfers",
  {
    id: id(),
    reference: text("reference").notNull().unique(),
    wallet: text("wallet", { enum: wallets }).notNull(),
    phone: text("phone").notNull(),
    amount: big("amount").notNull(),
    ownerName: text("owner_name").notNull(),
    status: text("status", { enum: transferStatuses }).notNull(),
    makerId: integer("maker_id")
      .notNull()
      .references(() => users.id),
    inquiryId: integer("inquiry_id")
      .notNull()
      .unique()
      .references(() => inquiries.id),
    approverId: integer("approver_id").references(() => users.id),
    decidedAt: at("decided_at"),
    memo: text("memo"),
    approvalRule: jsonb("approval_rule").$type<ApprovalRule>(),
    recipientId: integer("recipient_id").references((): AnyPgColumn => recipients.id),
    apiKeyId: integer("api_key_id").references((): AnyPgColumn => apiKeys.id),
    reason: text("reason"),
    retryOfId: integer("retry_of_id"),
    batchId: integer("batch_id").references((): AnyPgColumn => batches.id),
    cashinReference: text("cashin_reference"),
    topupAnswer: text("topup_answer", { enum: topupAnswers }),
    queuedAt: at("queued_at"),
    discrepancy: text("discrepancy"),
    discrepancyAt: at("discrepancy_at"),
    discrepancyReviewedAt: at("discrepancy_reviewed_at"),
    discrepancyReviewedBy: integer("discrepancy_reviewed_by").references(() => users.id),
    resolutionOutcome: text("resolution_outcome", { enum: ["succeeded", "failed"] }),
    resolutionReason: text("resolution_reason"),
    resolutionBy: integer("resolution_by").references(() => users.id),
    resolutionAt: at("resolution_at"),
    lastCode: text("last_code"),
    lastMessage: text("last_message"),
    sentAt: at("sent_at"),
    nextCheckAt: at("next_check_at"),
    checks: integer("checks").notNull().default(0),
    leaseUntil: at("lease_until"),
    settledAt: at("settled_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
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

export const gatewayCalls = pgTable(
  "gateway_calls",
  {
    id: id(),
    transferId: integer("transfer_id").references(() => transfers.id),
    inquiryId: integer("inquiry_id").references(() => inquiries.id),
    call: text("call", { enum: ["inquiry", "topup", "status"] }).notNull(),
    path: text("path").notNull(),
    externalId: text("external_id").notNull(),
    attempt: integer("attempt").notNull(),
    startedAt: at("started_at").notNull(),
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

export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  // Rupiah limits (up to Rp 1.000.000.000.000) and counts.
  value: big("value").notNull(),
  updatedAt: updatedAt(),
  updatedBy: integer("updated_by").references(() => users.id),
});

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: at("created_at").notNull(),
    secondFactorAt: at("second_factor_at"),
    revokedAt: at("revoked_at"),
    ip: text("ip"),
  },
  (t) => [index("sessions_user").on(t.userId, t.createdAt)],
);

export type SessionRow = typeof sessions.$inferSelect;

export const secondFactors = pgTable("second_factors", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id),
  secret: text("secret"),
  enrolledAt: at("enrolled_at"),
  pendingSecret: text("pending_secret"),
  pendingAt: at("pending_at"),
  // A TOTP time step (30 s since the epoch): fits int4 until the year 4000.
  lastStep: integer("last_step").notNull().default(0),
  failures: integer("failures").notNull().default(0),
  lockedUntil: at("locked_until"),
});

export type SecondFactorRow = typeof secondFactors.$inferSelect;

export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: id(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    hash: text("hash").notNull(),
    createdAt: at("created_at").notNull(),
    usedAt: at("used_at"),
  },
  (t) => [index("recovery_codes_user").on(t.userId)],
);

export const batches = pgTable(
  "batches",
  {
    id: id(),
    reference: text("reference").notNull().unique(),
    fileName: text("file_name").notNull(),
    status: text("status", { enum: batchStatuses }).notNull(),
    makerId: integer("maker_id")
      .notNull()
      .references(() => users.id),
    approverId: integer("approver_id").references(() => users.id),
    submittedAt: at("submitted_at"),
    decidedAt: at("decided_at"),
    reason: text("reason"),
    duplicatesAccepted: boolean("duplicates_accepted").notNull().default(false),
    leaseUntil: at("lease_until"),
    recheckRequestedAt: at("recheck_requested_at"),
    recheckBy: integer("recheck_by").references(() => users.id),
    approvalRule: jsonb("approval_rule").$type<ApprovalRule>(),
    sendAt: at("send_at"),
    apiKeyId: integer("api_key_id").references((): AnyPgColumn => apiKeys.id),
    submitWhenChecked: boolean("submit_when_checked").notNull().default(false),
    pausedAt: at("paused_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("batches_status").on(t.status, t.createdAt), index("batches_maker").on(t.makerId, t.createdAt)],
);

export type Batch = typeof batches.$inferSelect;

export const batchRows = pgTable(
  "batch_rows",
  {
    id: id(),
    batchId: integer("batch_id")
      .notNull()
      .references(() => batches.id),
    line: integer("line").notNull(),
    rawWallet: text("raw_wallet").notNull(),
    rawPhone: text("raw_phone").notNull(),
    rawAmount: text("raw_amount").notNull(),
    note: text("note"),
    wallet: text("wallet", { enum: wallets }),
    phone: text("phone"),
    amount: big("amount"),
    state: text("state", { enum: batchRowStates }).notNull(),
    problem: text("problem"),
    ownerName: text("owner_name"),
    inquiryId: integer("inquiry_id").references(() => inquiries.id),
    checkedAt: at("checked_at"),
    duplicateOfLine: integer("duplicate_of_line"),
    nearDuplicateOf: integer("near_duplicate_of").references(() => transfers.id),
    version: integer("version").notNull().default(1),
    recipientId: integer("recipient_id").references(() => recipients.id),
    transferId: integer("transfer_id")
      .unique()
      .references(() => transfers.id),
  },
  (t) => [index("batch_rows_batch").on(t.batchId, t.state, t.line), index("batch_rows_batch_line").on(t.batchId, t.line)],
);

export type BatchRow = typeof batchRows.$inferSelect;

export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    event: text("event").notNull(),
    kind: text("kind", { enum: notificationKinds }).notNull(),
    subjectType: text("subject_type", { enum: ["transfer", "batch", "pause", "api_key"] }).notNull(),
    subjectId: integer("subject_id").notNull(),
    // A queue time in milliseconds, or 0.
    round: big("round").notNull().default(0),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    state: text("state", { enum: notificationStates }).notNull().default("pending"),
    createdAt: createdAt(),
    nextAttemptAt: at("next_attempt_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    claim: text("claim"),
    leaseUntil: at("lease_until"),
    lastError: text("last_error"),
    doneAt: at("done_at"),
    mailId: integer("mail_id").references((): AnyPgColumn => mails.id),
  },
  (t) => [
    uniqueIndex("notifications_once").on(t.event, t.subjectType, t.subjectId, t.round, t.userId),
    index("notifications_due").on(t.state, t.nextAttemptAt),
    index("notifications_mail").on(t.mailId),
  ],
);

export type Notification = typeof notifications.$inferSelect;

export const mails = pgTable(
  "mails",
  {
    id: id(),
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

export const policies = pgTable("policies", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: updatedAt(),
  updatedBy: integer("updated_by").references(() => users.id),
});

export const approvals = pgTable(
  "approvals",
  {
    id: id(),
    subjectType: text("subject_type", { enum: ["transfer", "batch"] }).notNull(),
    subjectId: integer("subject_id").notNull(),
    // A queue time in milliseconds, as notifications.round.
    round: big("round").notNull(),
    approverId: integer("approver_id")
      .notNull()
      .references(() => users.id),
    named: boolean("named").notNull().default(false),
    at: at("at").notNull(),
  },
  (t) => [uniqueIndex("approvals_once").on(t.subjectType, t.subjectId, t.round, t.approverId)],
);

export type Approval = typeof approvals.$inferSelect;

export const sendingPauses = pgTable(
  "sending_pauses",
  {
    id: id(),
    startedAt: at("started_at").notNull(),
    code: text("code").notNull(),
    transferId: integer("transfer_id").references(() => transfers.id),
    resumedAt: at("resumed_at"),
    resumedBy: integer("resumed_by").references(() => users.id),
  },
  (t) => [index("sending_pauses_open").on(t.resumedAt)],
);

export type SendingPause = typeof sendingPauses.$inferSelect;

export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    scopes: jsonb("scopes").notNull().$type<ApiScope[]>(),
    allowedIps: jsonb("allowed_ips").$type<string[]>(),
    ownerId: integer("owner_id")
      .notNull()
      .references(() => users.id),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    issuedAt: at("issued_at"),
    expiresAt: at("expires_at"),
    revokedAt: at("revoked_at"),
    revokedBy: integer("revoked_by").references(() => users.id),
    lastUsedAt: at("last_used_at"),
    lastUsedIp: text("last_used_ip"),
  },
  (t) => [uniqueIndex("api_keys_prefix").on(t.prefix), uniqueIndex("api_keys_name").on(sql`lower(${t.name})`)],
);

export type ApiKey = typeof apiKeys.$inferSelect;

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    id: id(),
    apiKeyId: integer("api_key_id")
      .notNull()
      .references(() => apiKeys.id),
    operation: text("operation").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    state: text("state", { enum: ["pending", "done"] }).notNull(),
    statusCode: integer("status_code"),
    response: text("response"),
    createdAt: createdAt(),
    completedAt: at("completed_at"),
  },
  (t) => [uniqueIndex("idempotency_keys_once").on(t.apiKeyId, t.operation, t.key), index("idempotency_keys_created").on(t.createdAt)],
);

export type IdempotencyKey = typeof idempotencyKeys.$inferSelect;

export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: id(),
  url: text("url").notNull(),
  description: text("description"),
  events: jsonb("events").notNull().$type<WebhookEventType[]>(),
  secret: text("secret").notNull(),
  active: boolean("active").notNull().default(true),
  createdBy: integer("created_by")
    .notNull()
    .references(() => users.id),
  createdAt: createdAt(),
  disabledAt: at("disabled_at"),
  disabledBy: integer("disabled_by").references(() => users.id),
});

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    endpointId: integer("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id),
    eventId: text("event_id").notNull(),
    eventType: text("event_type", { enum: webhookEventTypes }).notNull(),
    // Text, not JSON: the body exactly as sent and signed.
    payload: text("payload").notNull(),
    state: text("state", { enum: ["pending", "delivered", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull(),
    createdAt: createdAt(),
    deliveredAt: at("delivered_at"),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_once").on(t.endpointId, t.eventId),
    index("webhook_deliveries_due").on(t.state, t.nextAttemptAt),
    index("webhook_deliveries_log").on(t.endpointId, t.createdAt, t.id),
  ],
);

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: id(),
    deliveryId: integer("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id),
    at: at("at").notNull(),
    status: integer("status"),
    latencyMs: integer("latency_ms").notNull(),
    excerpt: text("excerpt"),
    resentBy: integer("resent_by").references(() => users.id),
  },
  (t) => [index("webhook_attempts_delivery").on(t.deliveryId, t.at)],
);

export type WebhookAttempt = typeof webhookAttempts.$inferSelect;

export const workerHeartbeats = pgTable("worker_heartbeats", {
  worker: text("worker").primaryKey(),
  startedAt: at("started_at").notNull(),
  beatAt: at("beat_at").notNull(),
  passStartedAt: at("pass_started_at"),
  lastPassAt: at("last_pass_at"),
});
