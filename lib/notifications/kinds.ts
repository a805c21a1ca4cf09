/** The kinds of notification, each one switch on My account (docs/notifications.md); the schema's `notifications.kind`. */
export { notificationKinds, type NotificationKind } from "@/db/schema";
