CREATE TABLE `batch_rows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`line` integer NOT NULL,
	`raw_wallet` text NOT NULL,
	`raw_phone` text NOT NULL,
	`raw_amount` text NOT NULL,
	`note` text,
	`wallet` text,
	`phone` text,
	`amount` integer,
	`state` text NOT NULL,
	`problem` text,
	`owner_name` text,
	`inquiry_id` integer,
	`checked_at` integer,
	`duplicate_of_line` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`transfer_id` integer,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`inquiry_id`) REFERENCES `inquiries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`transfer_id`) REFERENCES `transfers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `batch_rows_transfer_id_unique` ON `batch_rows` (`transfer_id`);--> statement-breakpoint
CREATE INDEX `batch_rows_batch` ON `batch_rows` (`batch_id`,`state`,`line`);--> statement-breakpoint
CREATE INDEX `batch_rows_batch_line` ON `batch_rows` (`batch_id`,`line`);--> statement-breakpoint
CREATE TABLE `batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`file_name` text NOT NULL,
	`status` text NOT NULL,
	`maker_id` integer NOT NULL,
	`approver_id` integer,
	`submitted_at` integer,
	`decided_at` integer,
	`reason` text,
	`duplicates_accepted` integer DEFAULT false NOT NULL,
	`lease_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`maker_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`approver_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `batches_reference_unique` ON `batches` (`reference`);--> statement-breakpoint
CREATE INDEX `batches_status` ON `batches` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `batches_maker` ON `batches` (`maker_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `transfers` ADD `batch_id` integer REFERENCES batches(id);--> statement-breakpoint
CREATE INDEX `transfers_batch` ON `transfers` (`batch_id`,`status`);