CREATE TABLE `recipients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`label` text NOT NULL,
	`wallet` text NOT NULL,
	`phone` text NOT NULL,
	`owner_name` text NOT NULL,
	`inquiry_id` integer NOT NULL,
	`verified_at` integer NOT NULL,
	`default_amount` integer,
	`default_memo` text,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_paid_at` integer,
	`archived_at` integer,
	FOREIGN KEY (`inquiry_id`) REFERENCES `inquiries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recipients_label_active` ON `recipients` (lower("label")) WHERE "recipients"."archived_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX `recipients_wallet_phone_active` ON `recipients` (`wallet`,`phone`) WHERE "recipients"."archived_at" is null;--> statement-breakpoint
CREATE INDEX `recipients_last_paid` ON `recipients` (`last_paid_at`);--> statement-breakpoint
ALTER TABLE `transfers` ADD `recipient_id` integer REFERENCES recipients(id);