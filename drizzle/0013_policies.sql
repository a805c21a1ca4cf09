CREATE TABLE `approvals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` integer NOT NULL,
	`round` integer NOT NULL,
	`approver_id` integer NOT NULL,
	`named` integer DEFAULT false NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`approver_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `approvals_once` ON `approvals` (`subject_type`,`subject_id`,`round`,`approver_id`);--> statement-breakpoint
CREATE TABLE `policies` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sending_pauses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`started_at` integer NOT NULL,
	`code` text NOT NULL,
	`transfer_id` integer,
	`resumed_at` integer,
	`resumed_by` integer,
	FOREIGN KEY (`transfer_id`) REFERENCES `transfers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resumed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sending_pauses_open` ON `sending_pauses` (`resumed_at`);--> statement-breakpoint
ALTER TABLE `batches` ADD `approval_rule` text;--> statement-breakpoint
ALTER TABLE `batches` ADD `send_at` integer;--> statement-breakpoint
ALTER TABLE `transfers` ADD `approval_rule` text;